"""Real servers for the tracking tests: PostgreSQL and ``mlcourse tracking serve``, on loopback."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from mlcourse.tracking._store import wait_until_up


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg_bin(name: str, user: str | None = None) -> str:
    """A PostgreSQL program: from the ``pgserver`` wheel that ``make test`` installs from PyPI,
    else from the system's packages.

    When the wheel's folder cannot be entered by ``user`` (a clone inside a private folder),
    its programs are copied once to a folder under the system temporary folder they can read.
    """
    import importlib.util

    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        home = Path(spec.submodule_search_locations[0]) / "pginstall"
        if (home / "bin" / name).is_file():
            if user and not _can_run(user, home / "bin" / name):
                home = _shared_copy(home)
            return str(home / "bin" / name)
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: `make install` brings it (the pgserver "
            "wheel), or apt-get install postgresql"
        )
    return found


def _can_run(user: str, program: Path) -> bool:
    return subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(program)]).returncode == 0


def _shared_copy(home: Path) -> Path:
    """A world-readable copy of the wheel's PostgreSQL, made once per install folder.

    The programs find their shared libraries at ``$ORIGIN/../../../pgserver.libs``, so the
    copy keeps the wheel's layout: ``pgserver/pginstall`` beside ``pgserver.libs``.
    """
    import hashlib

    site = home.parent.parent
    digest = hashlib.sha256(str(home).encode()).hexdigest()[:12]
    copy = Path(tempfile.gettempdir()) / f"mlcourse-pginstall-{digest}"
    if not (copy / "pgserver" / "pginstall" / "bin" / "postgres").is_file():
        staging = Path(tempfile.mkdtemp(prefix="mlcourse-pginstall-"))
        shutil.copytree(home, staging / "pgserver" / "pginstall", symlinks=True)
        if (site / "pgserver.libs").is_dir():
            shutil.copytree(site / "pgserver.libs", staging / "pgserver.libs", symlinks=True)
        for folder in (staging, staging / "pgserver"):
            os.chmod(folder, 0o755)
        shutil.rmtree(copy, ignore_errors=True)
        os.rename(staging, copy)
    return copy / "pgserver" / "pginstall"


def _unprivileged_user() -> str:
    """PostgreSQL refuses to run as root: the system's ``postgres`` user, else ``nobody``."""
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("no unprivileged user (postgres or nobody) to run PostgreSQL as")


@contextlib.contextmanager
def postgres():
    """A throwaway PostgreSQL server on 127.0.0.1; yields its SQLAlchemy URI.

    Its folder is made directly under the system temporary folder (pytest's own is private
    to root), owned by an unprivileged user when running as root, since PostgreSQL refuses
    to run as root. It is stopped and deleted afterwards.
    """
    tmp = Path(tempfile.mkdtemp(prefix="mlcourse-pg-"))
    data = tmp / "pgdata"
    data.mkdir()
    as_user: list[str] = []
    user = None
    if os.geteuid() == 0:
        user = _unprivileged_user()
        shutil.chown(tmp, user)
        shutil.chown(data, user)
        as_user = ["runuser", "-u", user, "--"]
    port = free_port()
    subprocess.run(
        [
            *as_user,
            _pg_bin("initdb", user),
            "-D",
            str(data),
            "-U",
            "mlcourse",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    log = tmp / "pg.log"
    subprocess.run(
        [
            *as_user,
            _pg_bin("pg_ctl", user),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {port} -h 127.0.0.1 -k {tmp}",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://mlcourse@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, _pg_bin("pg_ctl", user), "-D", str(data), "-m", "fast", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def tracking_server(tmp: Path, backend_uri: str | None = None):
    """``mlcourse tracking serve`` on a free loopback port; yields its URI."""
    port = free_port()
    env = {**os.environ, "MLCOURSE_ROOT": str(tmp)}
    env.pop("MLFLOW_TRACKING_URI", None)
    command = [sys.executable, "-m", "mlcourse.cli", "tracking", "serve", "--port", str(port)]
    if backend_uri:
        command += ["--backend-store-uri", backend_uri]
    log = (tmp / f"server-{port}.log").open("w")
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, uri, tmp / f"server-{port}.log")
        yield uri
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: a worker still finishing a request
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 9)
            process.wait(timeout=30)
        log.close()
