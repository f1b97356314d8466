"""Where MLflow tracks runs: the embedded SQLite store under the course root by default."""

from __future__ import annotations

import os
from pathlib import Path

from .._paths import course_root

# MLflow's SQLite store puts artifacts of new experiments under this root when the variable is
# set (it is how `mlflow server` passes its own artifact root to the stores it creates);
# without it, artifacts would land in ./mlruns beside whichever notebook created the experiment.
ARTIFACT_ROOT_ENV = "_MLFLOW_SERVER_ARTIFACT_ROOT"
# A class server that does not answer should fail fast, not retry for minutes.
HTTP_ENV = {"MLFLOW_HTTP_REQUEST_TIMEOUT": "10", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "2"}


def default_tracking_uri(root: Path | None = None) -> str:
    """The embedded store: ``sqlite:///<course root>/.mlcourse/mlflow.db``."""
    path = (root or course_root()) / ".mlcourse" / "mlflow.db"
    return f"sqlite:///{path}"


def artifact_root(root: Path | None = None) -> Path:
    """Where the embedded store keeps artifacts: ``<course root>/.mlcourse/artifacts``."""
    return (root or course_root()) / ".mlcourse" / "artifacts"


def sqlite_path(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI, else None."""
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


def ensure_tracking_env(root: Path | None = None) -> str:
    """Point MLflow at the embedded store unless ``MLFLOW_TRACKING_URI`` is already set.

    Sets environment variables only, so MLflow need not be imported yet.

    Returns
    -------
    str
        The tracking URI in force.
    """
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        uri = default_tracking_uri(root)
        os.environ["MLFLOW_TRACKING_URI"] = uri
    path = sqlite_path(uri)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault(ARTIFACT_ROOT_ENV, str(path.parent / "artifacts"))
    if uri.startswith(("http://", "https://")):
        for key, value in HTTP_ENV.items():
            os.environ.setdefault(key, value)
    return uri


def describe_tracking_uri(uri: str, root: Path | None = None) -> str:
    """Describe a tracking URI briefly and without machine-specific paths."""
    if uri == default_tracking_uri(root):
        return "embedded store (.mlcourse/mlflow.db in the course folder)"
    if uri.startswith("sqlite:///"):
        return f"SQLite store {Path(uri.removeprefix('sqlite:///')).name}"
    if uri.startswith(("http://", "https://")):
        return f"tracking server {uri}"
    return uri.split("://", 1)[0] + " store"
