"""``mlcourse tracking serve``: a class tracking server (SQLite or PostgreSQL)."""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

from .._paths import course_root
from ._store import prepare_store

# Gunicorn rather than uvicorn, MLflow's default: under a class's load gunicorn answers in
# arrival order from the kernel's queue, where uvicorn's workers ran up to 40 requests at once
# and a few waited past the MLflow client's 120 s timeout (the client retried, and a retried
# runs/create left a ghost run). Threaded workers (gthread), 8 requests at a time each: a long
# artifact upload or download holds one thread, not the whole worker, so the other learners'
# requests go on, and the worker's main thread keeps telling the arbiter it is alive however
# long a request takes; the timeout restarts only a hung worker. No keep-alive, as with
# one-request workers: an idle kept-alive connection holds a worker's shutdown for the whole
# graceful timeout, and one the worker closes makes the client retry. No control socket: it
# would be one path in the home folder for every server on the machine. (Windows has no
# gunicorn: MLflow's default there.)
GUNICORN_OPTIONS = (
    "--worker-class gthread --threads 8 --keep-alive 0 "
    "--timeout 120 --graceful-timeout 30 --no-control-socket"
)


def serve_command(host: str, port: int, artifacts: Path, workers: int = 2) -> list[str]:
    """The ``mlflow server`` command line of a class server.

    The database URI is not on it (a command line is readable by every account of the
    machine): :func:`serve_environment` hands it to ``mlflow server``.
    """
    return [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--artifacts-destination",
        str(artifacts),
        "--serve-artifacts",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # MLflow's app with the course's read-only leaderboard endpoint (_server_app)
        "--app-name",
        "mlcourse",
        *([] if os.name == "nt" else ["--gunicorn-opts", GUNICORN_OPTIONS]),
    ]


DATABASE_ENV = "MLCOURSE_TRACKING_DB"  # the database URI, when --backend-store-uri is absent


def serve_environment(backend_store_uri: str) -> dict[str, str]:
    """The server's environment: its database URI (read by ``mlflow server`` from
    ``MLFLOW_BACKEND_STORE_URI``, so that no command line shows it) and job execution disabled."""
    env = dict(os.environ)
    env.pop(DATABASE_ENV, None)
    env["MLFLOW_BACKEND_STORE_URI"] = backend_store_uri
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    return env


def serve(
    backend_store_uri: str | None, host: str, port: int, artifacts: str | None = None
) -> None:
    """Prepare the database, print the URI to hand out, and run the server (replaces this process).

    Parameters
    ----------
    backend_store_uri : str or None
        The database; None reads ``MLCOURSE_TRACKING_DB``, else ``MLFLOW_BACKEND_STORE_URI``,
        else uses SQLite under the course's ``.mlcourse/server/``. The environment keeps a
        password out of every command line.

    Raises
    ------
    RuntimeError
        When the port is busy, the host is not this machine's, or the database URI is not
        SQLite or PostgreSQL or cannot be reached.
    """
    root = course_root()
    state = root / ".mlcourse" / "server"
    state.mkdir(parents=True, exist_ok=True)
    uri = (
        backend_store_uri
        or os.environ.get(DATABASE_ENV)
        or os.environ.get("MLFLOW_BACKEND_STORE_URI")
        or f"sqlite:///{state / 'mlflow.db'}"
    )
    artifact_dir = Path(artifacts) if artifacts else state / "artifacts"
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise RuntimeError(
                    f"port {port} on {host} is busy; choose another with --port"
                ) from None
            raise RuntimeError(
                f"cannot listen on {host}:{port} ({error.strerror or error}); use an address of "
                "this machine, such as 127.0.0.1 or 0.0.0.0"
            ) from None
    _check_database(uri)
    print(f"Preparing the tracking database {_safe(uri)} ...", flush=True)
    prepare_store(uri, str(artifact_dir))
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    print(
        f"Class tracking server on http://{shown}:{port} (jobs disabled, artifacts in {artifact_dir})"
    )
    print(
        f"Learners join with: mlcourse lab --tracking-uri http://{shown}:{port} --learner THEIR_NAME"
    )
    print(
        f"Leaderboard: MLFLOW_TRACKING_URI=http://{shown}:{port} mlcourse leaderboard NN --metric M",
        flush=True,
    )
    command = serve_command(host, port, artifact_dir)
    os.execve(command[0], command, serve_environment(uri))


def _check_database(uri: str) -> None:
    """Fail at once, in one line, on a URI that is not SQLite or PostgreSQL or does not answer."""
    if uri.startswith("sqlite:///"):
        return
    if not uri.startswith(("postgresql://", "postgresql+psycopg2://", "postgresql+psycopg://")):
        raise RuntimeError(
            f"--backend-store-uri should be sqlite:///PATH or postgresql://USER@HOST/DB, not {_safe(uri)!r}"
        )
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(uri, connect_args={"connect_timeout": 5})
        with engine.connect():
            pass
    except Exception as error:  # noqa: BLE001 - any driver error is reported in one line
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        raise RuntimeError(
            f"cannot connect to the database {_safe(uri)}: {reason[0] if reason else type(error).__name__}"
        ) from None


def _safe(uri: str) -> str:
    """A database URI without its credentials (see `display_database_url`)."""
    return display_database_url(uri)


def display_database_url(url: str) -> str:
    """A database URL as it may be printed: scheme, host, port and database only.

    The user name, the password and the query (which can carry ``password=`` or
    ``sslpassword=``) are dropped; a URL with more than one ``@`` (a raw ``@`` in a password)
    shows its scheme alone.

    Parameters
    ----------
    url : str
        A SQLAlchemy or libpq-style database URL, possibly with secrets in it.

    Returns
    -------
    str
        For instance ``postgresql://db.example:5432/mlflow``; only the scheme
        (``postgresql://...``) when the URL cannot be parsed.
    """
    from sqlalchemy.engine import URL, make_url

    try:
        if url.count("@") > 1:  # a raw @ in a password: where the host starts is a guess
            raise ValueError("ambiguous")
        parsed = make_url(url)
        shown = URL.create(
            parsed.drivername, host=parsed.host, port=parsed.port, database=parsed.database
        )
        return shown.render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - anything unparseable shows its scheme alone
        scheme, separator, _ = url.partition("://")
        if separator and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
            return f"{scheme}://..."
        return "(a database URL that cannot be parsed)"
