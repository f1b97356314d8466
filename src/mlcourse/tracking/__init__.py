"""MLflow tracking for the course: the embedded store, learner identity, leaderboard, progress.

Lessons use the plain MLflow API; this package only configures it (``configure()``), tags every
run with the learner and module, and reads the store for leaderboards and progress views.
"""

from ._config import default_tracking_uri, describe_tracking_uri, ensure_tracking_env
from ._configure import TrackingInfo, configure
from ._identity import current_learner, learner_slug, model_name, set_learner, validate_learner
from ._leaderboard import leaderboard, lower_is_better
from ._progress import progress
from ._run import run
from ._store import prepare_store, server_is_up

__all__ = [
    "TrackingInfo",
    "configure",
    "current_learner",
    "default_tracking_uri",
    "describe_tracking_uri",
    "ensure_tracking_env",
    "leaderboard",
    "learner_slug",
    "lower_is_better",
    "model_name",
    "prepare_store",
    "progress",
    "run",
    "server_is_up",
    "set_learner",
    "validate_learner",
]
