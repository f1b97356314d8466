"""Where MLflow tracks runs: the embedded SQLite store under the course root by default."""

from __future__ import annotations

import os
from pathlib import Path

from .._paths import course_root


def default_tracking_uri(root: Path | None = None) -> str:
    """The embedded store: ``sqlite:///<course root>/.mlcourse/mlflow.db``."""
    path = (root or course_root()) / ".mlcourse" / "mlflow.db"
    return f"sqlite:///{path}"


def ensure_tracking_env(root: Path | None = None) -> str:
    """Point MLflow at the embedded store unless ``MLFLOW_TRACKING_URI`` is already set.

    Sets the environment variable only, so MLflow need not be imported yet.

    Returns
    -------
    str
        The tracking URI in force.
    """
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        uri = default_tracking_uri(root)
        (Path(uri.removeprefix("sqlite:///"))).parent.mkdir(parents=True, exist_ok=True)
        os.environ["MLFLOW_TRACKING_URI"] = uri
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
