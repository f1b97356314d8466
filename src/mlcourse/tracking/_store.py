"""Creating the tracking database safely, and asking whether a server answers."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from ._config import sqlite_path


def server_is_up(uri: str, timeout: float = 15.0, attempts: int = 2) -> bool:
    """True when the MLflow server at ``uri`` answers its ``/health`` endpoint.

    A refused connection answers at once; the timeout only matters for a server that is up
    but slow (a whole class starting at the same moment), which is given a second chance.
    """
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout) as response:
                return response.status == 200
        except urllib.error.HTTPError:
            return False
        except (OSError, ValueError) as error:
            if isinstance(getattr(error, "reason", None), ConnectionRefusedError) or isinstance(
                error, ConnectionRefusedError
            ):
                return False
    return False


def wait_until_up(
    process: subprocess.Popen, uri: str, log_path: Path, seconds: float = 120.0
) -> None:
    """Wait until the server that ``process`` runs answers ``uri``'s ``/health``.

    Parameters
    ----------
    process : subprocess.Popen
        The server's process, watched so that a server that exits is reported at once.
    uri : str
        Where it listens, e.g. ``http://127.0.0.1:5000``.
    log_path : pathlib.Path
        Its log, whose end is the error's message when it exits.
    seconds : float
        How long a start may take.

    Raises
    ------
    RuntimeError
        When the server exits, or does not answer within ``seconds``.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server at {uri} did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no cross-process lock
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_store(uri: str, artifact_root: str | None = None) -> None:
    """Create the tracking database, or upgrade its schema, before anything logs to it.

    For SQLite the work is done once, under a file lock, so that several processes starting
    at the same moment do not race in MLflow's migrations; later calls return at once.
    For other databases (PostgreSQL) it runs every time it is called; call it once, before
    the server accepts learners.

    Parameters
    ----------
    uri : str
        A database URI (``sqlite:///...``, ``postgresql://...``). HTTP URIs are left alone.
    artifact_root : str, optional
        Default artifact root recorded for the store's default experiment.
    """
    if uri.startswith(("http://", "https://")):
        return
    path = sqlite_path(uri)
    if path is None:
        _create_or_upgrade(uri, artifact_root)
        return
    ready = path.with_name(path.name + ".ready")
    if ready.is_file() and path.is_file():
        return
    with _file_lock(path.with_name(path.name + ".lock")):
        if ready.is_file() and path.is_file():
            return
        _create_or_upgrade(uri, artifact_root)
        ready.write_text("created by mlcourse\n")


def _create_or_upgrade(uri: str, artifact_root: str | None) -> None:
    from mlflow.exceptions import MlflowException
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    root = artifact_root or os.environ.get("_MLFLOW_SERVER_ARTIFACT_ROOT") or "./mlruns"
    try:
        store = SqlAlchemyStore(uri, root)
    except MlflowException as error:
        if "out-of-date database schema" not in str(error):
            raise
        from mlflow.store.db.utils import _upgrade_db, create_sqlalchemy_engine_with_retry

        _upgrade_db(create_sqlalchemy_engine_with_retry(uri))
        store = SqlAlchemyStore(uri, root)
    store.engine.dispose()
