"""JupyterHub for a class of the course: the Hub, the class tracking server, the live classroom.

Run it with ``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`` from the course's
environment (the one ``make install`` makes, with the ``hub`` extra). Every setting comes from
an environment variable; only ``MLCOURSE_TRACKING_DB`` is required.

What it runs
------------
- The Hub, behind the proxy (the Python ``configurable-http-proxy`` installed beside it: no
  Node.js needed).
- ``tracking``: ``mlcourse tracking serve`` on PostgreSQL, a service the Hub starts and
  restarts. It is not routed through the Hub's proxy: MLflow has no login of its own, so it
  listens on ``MLCOURSE_HUB_TRACKING_HOST`` (loopback by default), where the learners' kernels
  reach it and the internet does not.
- ``live``: ``mlcourse live serve``, a service under ``/services/live/``. The Hub's login is
  the learner's identity there: a notebook joins with its own Hub token.
- Each learner's server starts with ``deploy/jupyterhub/start_learner.py``, which makes their
  course folder (``~/mlcourse``: the course's notebooks linked read-only, ``work/`` their own)
  and runs the course's workspace update before ``jupyterhub-singleuser``: new exercises
  notebooks are copied in, changed ones merged, and nothing a learner wrote is lost (a course
  cell they edited and the course changed is kept as their own cell after the new one).
- Learners' environment: ``MLFLOW_TRACKING_URI`` (the class server), ``MLCOURSE_LEARNER``
  (their Hub name), ``MLCOURSE_CLASS`` (the open live session's class URL, when there is one
  as their server starts).

Environment variables
---------------------
MLCOURSE_TRACKING_DB
    Required. The tracking server's PostgreSQL URL, ``postgresql://USER:PASS@HOST/DB``. It
    reaches the tracking service in its environment, never on a command line (the Hub logs
    each service's command, and every account of the machine can list command lines).
MLCOURSE_HUB_STATE
    A folder for the Hub's database, cookie secret and the live service's store
    (default ``/srv/mlcourse-hub``; created, readable by its owner only).
MLCOURSE_HUB_URL
    The address the proxy listens on (default ``http://127.0.0.1:8000``; a public host puts a
    TLS-terminating web server in front, or use ``c.JupyterHub.ssl_cert``).
MLCOURSE_HUB_PUBLIC_URL
    The address learners type, behind TLS (``https://class.example.org``; optional). The Hub
    then hands it to servers and services as ``JUPYTERHUB_PUBLIC_HUB_URL``/``_PUBLIC_URL``.
MLCOURSE_HUB_API_URL
    Where the Hub itself listens for the proxy, services and servers
    (default ``http://127.0.0.1:8081``).
MLCOURSE_HUB_PROXY_API_URL
    The proxy's own API (default ``http://127.0.0.1:8001``).
MLCOURSE_HUB_COURSE
    The course folder learners get (default: the checkout this file is in).
MLCOURSE_HUB_AUTHENTICATOR
    ``pam`` (default: the machine's accounts, for the ``local`` spawner), ``shared-password``
    (one class password, ``MLCOURSE_HUB_PASSWORD``, and ``MLCOURSE_HUB_ADMIN_PASSWORD`` for
    instructors), ``dummy`` (any password: tests only), or any JupyterHub authenticator's
    entry point name, such as ``github`` from the oauthenticator package.
MLCOURSE_HUB_ADMINS
    Comma-separated Hub admins: the instructors (the live service admits Hub admins).
MLCOURSE_HUB_USERS
    Comma-separated learners allowed to log in (created at start).
MLCOURSE_HUB_SPAWNER
    ``local`` (default): ``LocalProcessSpawner``, each learner's server runs as their own
    system account (the accounts must exist; the Hub runs as root). ``simple``:
    ``SimpleLocalProcessSpawner``, every server runs as the Hub's own user with its home in
    ``MLCOURSE_HUB_HOMES``; **no isolation between learners** (each can read and change the
    others' files and the Hub's), so it is for tests and a single trusted user only.
MLCOURSE_HUB_HOMES
    The ``simple`` spawner's homes (default ``/tmp/mlcourse-hub/{username}``).
MLCOURSE_HUB_TRACKING_HOST, MLCOURSE_HUB_TRACKING_PORT
    Where the tracking server listens (default ``127.0.0.1``, ``5000``).
MLCOURSE_HUB_TRACKING_URI
    The tracking URI learners get (default ``http://HOST:PORT`` from the two above). Set it to
    an external server's URI and leave ``MLCOURSE_TRACKING_DB`` unset to run none here.
MLCOURSE_HUB_LIVE_PORT
    The live service's port on loopback (default ``8765``).
MLCOURSE_LIVE_DB
    The live service's store (default SQLite in ``MLCOURSE_HUB_STATE``); like the tracking
    database, handed to the service in its environment.
MLCOURSE_HUB_CLASS_BASE
    The live service's URL as learners' kernels reach it (default: the proxy's address on
    this machine + ``/services/live``). A notebook sends its Hub token only to the origins
    (scheme, host and port) of the Hub's API, the Hub's public address and this class URL.
MLCOURSE_HUB_SOLUTIONS
    ``1`` links the course's ``solutions/`` into learners' folders. Default ``0``: no
    solutions for learners, and the Hub refuses to start while they could still read them in
    a folder learners' servers use: ``MLCOURSE_HUB_COURSE``, the checkout this file is in
    (learners run its ``start_learner.py``) and the installed ``mlcourse``'s checkout (an
    editable install). Their ``solutions/`` and ``.git/`` (whose history holds them; a
    ``.git`` file is followed to the folder it names) must be absent or closed to learners
    (``chmod 700``, owned by the Hub's user). With the ``simple`` spawner, which runs learners
    as the Hub's user (who reads every checkout), ``MLCOURSE_HUB_COURSE`` must have neither.
"""

# ruff: noqa: F821 - ``c`` and ``get_config`` are given by JupyterHub's config loader

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import secrets
import stat
import sys
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable

c = get_config()  # noqa: F821


def _setting(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _names(name: str) -> set[str]:
    return {part.strip() for part in _setting(name).split(",") if part.strip()}


def _state_folder() -> Path:
    folder = Path(_setting("MLCOURSE_HUB_STATE", "/srv/mlcourse-hub"))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def _secret(folder: Path, name: str) -> str:
    """A random secret kept in ``folder/name`` (made once, owner-only)."""
    path = folder / name
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def _loopback(url: str) -> str:
    """``url`` as this machine reaches it (a wildcard host becomes 127.0.0.1)."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname in ("0.0.0.0", "", "::"):
        netloc = f"127.0.0.1:{parts.port}" if parts.port else "127.0.0.1"
        parts = parts._replace(netloc=netloc)
    return urllib.parse.urlunsplit(parts).rstrip("/")


STATE = _state_folder()
COURSE = Path(_setting("MLCOURSE_HUB_COURSE", str(HERE.parents[1]))).resolve()
HUB_URL = _setting("MLCOURSE_HUB_URL", "http://127.0.0.1:8000")
LIVE_PORT = int(_setting("MLCOURSE_HUB_LIVE_PORT", "8765"))
LIVE_TOKEN = _setting("MLCOURSE_LIVE_TOKEN") or _secret(STATE, "live-instructor-token")
CLASS_BASE = _setting("MLCOURSE_HUB_CLASS_BASE", _loopback(HUB_URL) + "/services/live")
TRACKING_HOST = _setting("MLCOURSE_HUB_TRACKING_HOST", "127.0.0.1")
TRACKING_PORT = _setting("MLCOURSE_HUB_TRACKING_PORT", "5000")
TRACKING_DB = _setting("MLCOURSE_TRACKING_DB")
TRACKING_URI = _setting("MLCOURSE_HUB_TRACKING_URI", f"http://{TRACKING_HOST}:{TRACKING_PORT}")
if not TRACKING_DB and not _setting("MLCOURSE_HUB_TRACKING_URI"):
    raise SystemExit(
        "MLCOURSE_TRACKING_DB is not set: give the class tracking server's PostgreSQL URL "
        "(or MLCOURSE_HUB_TRACKING_URI for an external server)"
    )

# --- the Hub and its proxy -------------------------------------------------------------------

c.JupyterHub.bind_url = HUB_URL
if _setting("MLCOURSE_HUB_PUBLIC_URL"):
    c.JupyterHub.public_url = _setting("MLCOURSE_HUB_PUBLIC_URL")
c.JupyterHub.hub_bind_url = _setting("MLCOURSE_HUB_API_URL", "http://127.0.0.1:8081")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.api_url = _setting("MLCOURSE_HUB_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
if (BIN / "configurable-http-proxy").exists():  # the Python port, from the ``hub`` extra
    c.ConfigurableHTTPProxy.command = [str(BIN / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.auth_token = _secret(STATE, "proxy-token")
c.JupyterHub.cleanup_servers = True

# --- who logs in -----------------------------------------------------------------------------

AUTHENTICATOR = _setting("MLCOURSE_HUB_AUTHENTICATOR", "pam")
c.JupyterHub.authenticator_class = AUTHENTICATOR
c.Authenticator.admin_users = _names("MLCOURSE_HUB_ADMINS")
c.Authenticator.allowed_users = _names("MLCOURSE_HUB_USERS")
if AUTHENTICATOR == "shared-password":
    c.SharedPasswordAuthenticator.user_password = _setting("MLCOURSE_HUB_PASSWORD")
    c.SharedPasswordAuthenticator.admin_password = _setting("MLCOURSE_HUB_ADMIN_PASSWORD")
# Learners keep JupyterHub's default ``user`` role (``self``): the board is public, a notebook
# joins with its own server's token, which the live service checks with the Hub, and only
# instructors need the service's OAuth login.

# --- the class services ----------------------------------------------------------------------

# Database URLs (with their passwords) go in the services' environments, which only the Hub's
# user can read, never in a command: the Hub logs commands and ``ps`` shows them to everyone.
LIVE_DB = _setting("MLCOURSE_LIVE_DB", f"sqlite:///{STATE / 'live.db'}")
SERVICE_ENV = {"MLCOURSE_ROOT": str(COURSE), "PYTHONUNBUFFERED": "1"}


def tracking_allowed_hosts(uri: str) -> str:
    """The Host headers MLflow's server accepts: loopback and the host learners use."""
    parts = urllib.parse.urlsplit(uri)
    hosts = ["localhost", "localhost:*", "127.0.0.1", "127.0.0.1:*"]
    if parts.hostname and parts.hostname not in ("localhost", "127.0.0.1"):
        hosts += [parts.hostname, f"{parts.hostname}:*"]
    return ",".join(hosts)


c.JupyterHub.services = [
    {
        "name": "live",
        "url": f"http://127.0.0.1:{LIVE_PORT}",
        "command": [PYTHON, "-m", "mlcourse.cli", "live", "serve"],
        "environment": {
            **SERVICE_ENV,
            "MLCOURSE_LIVE_TOKEN": LIVE_TOKEN,
            "MLCOURSE_LIVE_DB": LIVE_DB,
        },
        "oauth_no_confirm": True,
        "display": True,
    }
]
if TRACKING_DB:
    c.JupyterHub.services.append(
        {
            "name": "tracking",
            "command": [
                PYTHON,
                "-m",
                "mlcourse.cli",
                "tracking",
                "serve",
                "--host",
                TRACKING_HOST,
                "--port",
                TRACKING_PORT,
                "--artifacts-destination",
                str(STATE / "tracking-artifacts"),
            ],  # fmt: skip
            "environment": {
                **SERVICE_ENV,
                "MLCOURSE_ROOT": str(STATE),
                "MLCOURSE_TRACKING_DB": TRACKING_DB,
                "MLFLOW_SERVER_ALLOWED_HOSTS": tracking_allowed_hosts(TRACKING_URI),
            },
        }
    )

# --- each learner's server -------------------------------------------------------------------

SPAWNER = _setting("MLCOURSE_HUB_SPAWNER", "local")
if SPAWNER == "simple":
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = _setting(
        "MLCOURSE_HUB_HOMES", "/tmp/mlcourse-hub/{username}"
    )
    if os.geteuid() == 0:  # every server runs as the Hub's user: here, root
        c.Spawner.args = ["--ServerApp.allow_root=True"]
elif SPAWNER == "local":
    c.JupyterHub.spawner_class = "localprocess"
else:
    raise SystemExit(f"MLCOURSE_HUB_SPAWNER must be local or simple, not {SPAWNER!r}")

SOLUTIONS = _setting("MLCOURSE_HUB_SOLUTIONS", "0")


def installed_checkout() -> Path | None:
    """The checkout the installed ``mlcourse`` runs from (the folder above its ``src/`` in an
    editable install), or None for a regular install."""
    spec = importlib.util.find_spec("mlcourse")
    if spec is None or not spec.origin:
        return None
    package = Path(spec.origin).resolve().parent
    return package.parents[1] if package.parent.name == "src" else None


def folders_learners_enter(spawner: str) -> list[Path]:
    """The course folders learners' servers read: the course copy they are given and, with
    the ``local`` spawner, the checkout this config lives in (learners run its
    ``start_learner.py``) and the installed ``mlcourse``'s checkout. The ``simple`` spawner
    runs learners as the Hub's own user, who reads every checkout anyway: only the course copy
    is checked then."""
    candidates = [COURSE]
    if spawner != "simple":
        candidates += [HERE.parents[1], installed_checkout()]
    folders: list[Path] = []
    for folder in candidates:
        if folder is not None and folder.resolve() not in folders:
            folders.append(folder.resolve())
    return folders


def _git_folders(dot_git: Path) -> list[Path]:
    """The folders holding a checkout's history: ``.git/`` itself or, when ``.git`` is a file
    (a worktree, a submodule), the folder its ``gitdir:`` line names and that folder's
    ``commondir``."""
    if not dot_git.is_file():
        return [dot_git]
    text = dot_git.read_text(errors="replace").strip()
    if not text.startswith("gitdir:"):
        return [dot_git]
    gitdir = (dot_git.parent / text.removeprefix("gitdir:").strip()).resolve()
    folders = [dot_git, gitdir]
    common = gitdir / "commondir"
    if common.is_file():
        folders.append((gitdir / common.read_text(errors="replace").strip()).resolve())
    return folders


def _open_to_learners(path: Path, spawner: str) -> bool:
    """Whether learners could read ``path``: open to group or others, owned by another account
    than the Hub's, or there at all with the ``simple`` spawner."""
    info = path.stat()
    open_bits = stat.S_IRWXG | stat.S_IRWXO
    return spawner == "simple" or bool(info.st_mode & open_bits) or info.st_uid != os.geteuid()


def solutions_learners_could_read(course: Path, spawner: str) -> list[str]:
    """The folders of ``course`` through which learners could read the solutions: ``solutions/``
    and ``.git/`` (its history holds them; followed when it is a worktree's ``.git`` file)."""
    found = []
    for name in ("solutions", ".git"):
        if not (course / name).exists():
            continue
        paths = [course / name] if name == "solutions" else _git_folders(course / name)
        for path in paths:
            if path.exists() and _open_to_learners(path, spawner):
                info = path.stat()
                found.append(f"{path} (mode {stat.S_IMODE(info.st_mode):o}, uid {info.st_uid})")
    return found


if SOLUTIONS != "1" and (
    readable := [
        line
        for folder in folders_learners_enter(SPAWNER)
        for line in solutions_learners_could_read(folder, SPAWNER)
    ]
):
    raise SystemExit(
        "MLCOURSE_HUB_SOLUTIONS=0 but learners could read the solutions in "
        + ", ".join(readable)
        + ": give learners a course copy without them (MLCOURSE_HUB_COURSE) and install the "
        "Hub from a checkout without them, or chmod 700 them (owned by the Hub's user; the "
        "simple spawner needs them absent), or set MLCOURSE_HUB_SOLUTIONS=1"
    )

c.Spawner.cmd = [PYTHON, str(HERE / "start_learner.py")]
c.Spawner.default_url = "/lab/tree/work"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "MLCOURSE_COURSE": str(COURSE),
    "MLCOURSE_SOLUTIONS": SOLUTIONS,
    "MLFLOW_TRACKING_URI": TRACKING_URI,
    "MLCOURSE_LEARNER": lambda spawner: spawner.user.name,
}


def open_class_url() -> str | None:
    """The class URL of the newest open live session, or None (no session, no service)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{LIVE_PORT}/services/live/api/sessions",
        headers={"Authorization": f"Bearer {LIVE_TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            sessions = json.loads(response.read(1_000_000))
    except (OSError, ValueError):
        return None
    for session in sessions if isinstance(sessions, list) else []:
        path = session.get("class_url_path") if isinstance(session, dict) else None
        if isinstance(path, str) and path and not session.get("closed"):
            return CLASS_BASE + path
    return None


async def join_open_class(spawner) -> None:
    """Before a learner's server starts: their notebooks join the open live session."""
    url = await asyncio.to_thread(open_class_url)
    spawner.environment = dict(spawner.environment)
    if url:
        spawner.environment["MLCOURSE_CLASS"] = url
    else:
        spawner.environment.pop("MLCOURSE_CLASS", None)


c.Spawner.pre_spawn_hook = join_open_class
