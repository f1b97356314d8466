"""``configure()``: point MLflow at the course's store, as the learner, in the module's experiment."""

from __future__ import annotations

import os
from dataclasses import dataclass

from .._curriculum import experiment_name
from ._config import default_tracking_uri, ensure_tracking_env
from ._identity import current_learner, validate_learner
from ._store import prepare_store, server_is_up


@dataclass(frozen=True)
class TrackingInfo:
    """What ``configure()`` set up."""

    uri: str
    learner: str | None
    experiment: str | None
    message: str = ""


def configure(module: str | None = None, *, learner: str | None = None) -> TrackingInfo:
    """Configure MLflow for the course; the plain MLflow API keeps working afterwards.

    - the tracking URI: ``MLFLOW_TRACKING_URI`` (a class server) or the embedded store,
      created once and safely even when several processes start together;
    - a class server that does not answer: a clear message, and runs go to the embedded
      store instead, so that the notebook keeps working and nothing is lost;
    - the learner (``learner``, ``MLCOURSE_LEARNER`` or ``mlcourse whoami --set``) and the
      module, which every run then carries as tags (``mlcourse.learner``, ``mlcourse.module``,
      ``mlcourse.course_version``);
    - with ``module``, the active experiment ``mlcourse/NN_slug``.

    Parameters
    ----------
    module : str, optional
        Two-digit module number.
    learner : str, optional
        Overrides the learner's saved name for this process.

    Returns
    -------
    TrackingInfo
    """
    import logging

    import mlflow  # imported first: importing it resets its logger's level

    # MLflow's INFO notes ("Creating initial MLflow database tables...") carry timestamps;
    # warnings and errors still show.
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    message = ""
    uri = ensure_tracking_env()
    if uri.startswith(("http://", "https://")) and not server_is_up(uri):
        fallback = default_tracking_uri()
        message = (
            f"The tracking server {uri} is not answering, so your runs go to your local "
            "embedded store (.mlcourse/mlflow.db) for now and nothing is lost. When the server "
            "is back, restart the kernel to log to it again."
        )
        os.environ["MLFLOW_TRACKING_URI"] = fallback
        uri = ensure_tracking_env()
    prepare_store(uri)
    name = validate_learner(learner) if learner else current_learner()
    if name:
        os.environ["MLCOURSE_LEARNER"] = name
    experiment = None
    mlflow.set_tracking_uri(uri)
    if module is not None:
        os.environ["MLCOURSE_MODULE"] = module
        experiment = experiment_name(module)
        _set_experiment(experiment)
    return TrackingInfo(uri, name, experiment, message)


def _set_experiment(name: str) -> None:
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        experiment = mlflow.set_experiment(name)
    except MlflowException as error:  # another process created it at the same moment
        if "already exists" not in str(error).lower():
            raise
        experiment = mlflow.set_experiment(name)
    # When two processes create the experiment at once, MLflow 3.17's set_experiment returns it
    # to the loser without making it active (its runs would go to "Default"); setting it by id
    # always activates it.
    mlflow.set_experiment(experiment_id=experiment.experiment_id)
