"""``mlcourse live ...``: run the classroom service, pace a session, write its report.

``serve`` runs the service (uvicorn) over a store (SQLite under the course root by default,
or ``--db postgresql+psycopg://...``) and writes ``.mlcourse/live/instructor.json`` (mode 0600)
with its URL and the instructor's token, so that the other commands on the same machine find
both. They talk to the service over HTTP with that token (``--url``/``--token``, else
``MLCOURSE_LIVE_URL``/``MLCOURSE_LIVE_TOKEN``, else the file). ``report`` can also read a
stopped service's store directly (``--db``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import socket
import time
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ._protocol import SESSION_PATTERN, is_problem_id

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
TOKEN_ENV = "MLCOURSE_LIVE_TOKEN"
URL_ENV = "MLCOURSE_LIVE_URL"
DB_ENV = "MLCOURSE_LIVE_DB"  # the store, when --db is absent: no password on a command line
LOOPBACK = ("127.0.0.1", "localhost", "::1")
HTTP_TIMEOUT = 10.0
MAX_DELAY_MINUTES = 24 * 60
LIMIT_CONCURRENCY = 2000  # connections the service holds at once (503 beyond)
KEEP_ALIVE_SECONDS = 5


# -- where things are ---------------------------------------------------------------------------


def live_dir(root: Path | None = None) -> Path:
    """``<course root>/.mlcourse/live``, made on demand (readable by its owner only)."""
    from .._paths import state_dir

    path = state_dir(root) / "live"
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    return path


def create_private_db(url: str) -> None:
    """Create a SQLite store's file readable by its owner only (mode 0600) if it is new."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url[len("sqlite:///") :])
    if not str(path) or str(path) == ":memory:" or path.exists():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def url_host(host: str) -> str:
    """A host as it goes in a URL: an IPv6 address in brackets (``[::1]``)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def default_db_url(root: Path | None = None) -> str:
    """The service's default store: ``sqlite:///<course root>/.mlcourse/live/live.db``."""
    return f"sqlite:///{live_dir(root) / 'live.db'}"


def instructor_file(root: Path | None = None) -> Path:
    """Where ``serve`` writes the service's URL and the instructor's token."""
    return live_dir(root) / "instructor.json"


def write_instructor_file(url: str, token: str, root: Path | None = None) -> Path:
    """Write ``{"url", "token"}`` readable by its owner only (mode 0600).

    Parameters
    ----------
    url : str
        The service's URL on this machine.
    token : str
        The instructor's token.
    root : Path, optional
        The course root (default: :func:`mlcourse._paths.course_root`).

    Returns
    -------
    Path
    """
    path = instructor_file(root)
    partial = path.with_name(path.name + ".tmp")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"url": url, "token": token}, handle)
    os.chmod(partial, 0o600)
    os.replace(partial, path)
    return path


def read_instructor_file(root: Path | None = None) -> dict[str, str]:
    """The saved URL and token; empty when there is no readable file."""
    try:
        data = json.loads(instructor_file(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in ("url", "token") and isinstance(v, str)}


def credentials(url: str | None, token: str | None) -> tuple[str, str]:
    """The service's URL and the instructor's token: flags, then environment, then the file.

    Raises
    ------
    UsageError
        Without a token, or with a URL that is not http(s).
    """
    saved = read_instructor_file()
    url = (url or os.environ.get(URL_ENV) or saved.get("url") or "").rstrip("/")
    url = url or f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    if not re.match(r"^https?://[^\s/]+(/[^\s]*)?$", url):
        raise UsageError(f"--url must be an http:// or https:// address, not {url!r}")
    token = token or os.environ.get(TOKEN_ENV) or saved.get("token")
    if not token:
        raise UsageError(
            "no instructor token: pass --token, set MLCOURSE_LIVE_TOKEN, or run this where "
            "`mlcourse live serve` wrote .mlcourse/live/instructor.json"
        )
    return url, token


# -- checking what was typed --------------------------------------------------------------------


def parse_share(text: str) -> float:
    """A share of the class: ``"0.5"`` or ``"50%"`` -> 0.5 (above 0, at most 1).

    Raises
    ------
    UsageError
    """
    raw = text.strip()
    try:
        share = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        share = float("nan")
    if not 0 < share <= 1:  # also refuses NaN
        raise UsageError(
            f"--when-passed must be a share above 0 and at most 1 (0.5) or a percentage (50%), "
            f"not {text!r}"
        )
    return share


def parse_at(text: str, now: dt.datetime | None = None) -> float:
    """``"14:30"`` today, as seconds since the epoch; it must be later than now.

    Raises
    ------
    UsageError
    """
    now = now or dt.datetime.now()
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise UsageError(f"--at must be a time of day such as 14:30, not {text!r}")
    when = now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if when <= now:
        raise UsageError(f"--at {text} has already passed today: give a later time or use --in")
    return when.timestamp()


def parse_in(minutes: float, now: float | None = None) -> float:
    """``now`` plus ``minutes`` (above 0, at most a day), as seconds since the epoch."""
    if not 0 < minutes <= MAX_DELAY_MINUTES:
        raise UsageError(f"--in must be between 0 and {MAX_DELAY_MINUTES} minutes, not {minutes:g}")
    return (time.time() if now is None else now) + minutes * 60


def _problem(text: str) -> str:
    if not is_problem_id(text):
        raise UsageError(f"{text!r} is not an exercise id such as 03.2 or 03.kc1")
    return text


def _session_id(text: str) -> str:
    if not re.match(SESSION_PATTERN, text):
        raise UsageError(f"{text!r} is not a session id such as 03-20261203-a1f2c3d4")
    return text


def _port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {value}")
    return value


# -- talking to the service ---------------------------------------------------------------------


class Service:
    """The classroom service's instructor API, over HTTP with the instructor's token.

    Parameters
    ----------
    url : str
        ``http://HOST:PORT`` (with the Hub's service prefix when there is one).
    token : str
        The instructor's token.
    """

    def __init__(self, url: str, token: str):
        import httpx

        self.url = url.rstrip("/")
        self._client = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=HTTP_TIMEOUT,
            trust_env=False,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One request; any failure is a one-line :class:`UsageError`."""
        import httpx

        try:
            response = self._client.request(method, path, json=body if method == "POST" else None)
        except httpx.HTTPError:
            raise UsageError(
                f"no classroom service answers at {self.url}: start it with "
                "`mlcourse live serve`, or give its address with --url"
            ) from None
        if response.status_code in (401, 403):
            raise UsageError(
                f"the service at {self.url} refused the instructor token: pass --token or set "
                "MLCOURSE_LIVE_TOKEN to the token `mlcourse live serve` uses"
            )
        if response.status_code >= 400:
            raise UsageError(f"the service said: {_detail(response)}")
        try:
            return response.json()
        except ValueError:
            raise UsageError(f"{self.url} did not answer like a classroom service") from None

    def sessions(self) -> list[dict[str, Any]]:
        """Every session, newest first."""
        found = self.call("GET", "/api/sessions")
        if not isinstance(found, list):
            raise UsageError(f"{self.url} did not answer like a classroom service")
        return found

    def session(self, sid: str | None) -> dict[str, Any]:
        """The session ``sid``, or the most recent open one."""
        sessions = self.sessions()
        if sid:
            found = next((s for s in sessions if s.get("id") == sid), None)
            if found is None:
                raise UsageError(f"no session {sid} on {self.url}: `mlcourse live sessions`")
            return found
        found = next((s for s in sessions if s.get("closed") is None), None)
        if found is None:
            raise UsageError(
                "no open session: open one with `mlcourse live session new --module NN`"
            )
        return found


def _detail(response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    text = detail if isinstance(detail, str) else f"HTTP {response.status_code}"
    return " ".join(text.split())[:300]


def _service(args: argparse.Namespace) -> Service:
    return Service(*credentials(args.url, args.token))


def class_lines(base: str, sid: str, key: str) -> list[str]:
    """What an instructor needs: the projector's URL, their own page's, the learners' line.

    Parameters
    ----------
    base : str
        The service's public URL (``http://HOST:PORT``).
    sid : str
        The session's id.
    key : str
        The session's join key: the learners' class URL carries it, the board's does not.

    Returns
    -------
    list of str
    """
    board_url = f"{base}/s/{sid}"
    class_url = f"{board_url}?key={key}"
    return [
        f"Projector (board):   {board_url}",
        f"Instructor page:     {board_url}/instructor",
        f'Learners:            mlcourse.live.join("{class_url}")'
        f"   or   mlcourse lab --class {class_url}",
    ]


# -- the commands -------------------------------------------------------------------------------


def _cmd_session(args: argparse.Namespace) -> int:
    if args.session_action != "new":
        raise UsageError("say what to do: new")
    from ..cli import _module

    module = _module(args.module)
    service = _service(args)
    try:
        created = service.call(
            "POST",
            "/api/sessions",
            {"module": module, "title": args.title or "", "server_checks": args.server_checks},
        )
    finally:
        service.close()
    print(f"Session {created['id']} is open on module {module}.")
    for line in class_lines(service.url, created["id"], created["join_key"]):
        print(line)
    return 0


def _cmd_sessions(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        sessions = service.sessions()
    finally:
        service.close()
    if not sessions:
        print("no sessions yet: `mlcourse live session new --module NN`")
        return 0
    print(f"{'session':<26} {'module':<6} {'learners':>8}  {'state':<6}  {'opened':<16}  title")
    for s in sessions:
        opened = dt.datetime.fromtimestamp(float(s.get("created") or 0)).strftime("%Y-%m-%d %H:%M")
        state = "open" if s.get("closed") is None else "closed"
        title = " ".join(str(s.get("title") or "").split())
        print(
            f"{s.get('id', ''):<26} {s.get('module', ''):<6} {s.get('learners', 0):>8}  "
            f"{state:<6}  {opened:<16}  {title}"
        )
    return 0


def _cmd_close(args: argparse.Namespace) -> int:
    sid = _session_id(args.sid)
    service = _service(args)
    try:
        service.call("POST", f"/api/s/{sid}/close", {})
    finally:
        service.close()
    print(f"Session {sid} is closed: no more joins or events. Write its report with")
    print(f"  mlcourse live report {sid}")
    return 0


def _in_session(service: Service, args: argparse.Namespace, problem: str) -> dict[str, Any]:
    session = service.session(_session_id(args.session) if args.session else None)
    module = session.get("module")
    if problem.split(".", 1)[0] != module:
        raise UsageError(
            f"{problem} is not an exercise of module {module} (session {session['id']})"
        )
    if session.get("closed") is not None:
        raise UsageError(f"session {session['id']} is closed")
    return session


def _cmd_checkpoint(args: argparse.Namespace) -> int:
    problem = _problem(args.problem)
    service = _service(args)
    try:
        session = _in_session(service, args, problem)
        service.call("POST", f"/api/s/{session['id']}/checkpoint", {"problem": problem})
    finally:
        service.close()
    print(f"Checkpoint of {session['id']}: {problem} (the board shows who has passed it).")
    return 0


def reveal_body(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Reveal`` body for ``live reveal``'s options.

    Raises
    ------
    UsageError
    """
    body: dict[str, Any] = {"problem": _problem(args.problem)}
    if args.at is not None:
        body["at"] = parse_at(args.at)
    elif args.in_minutes is not None:
        body["at"] = parse_in(args.in_minutes)
    if args.when_passed is not None:
        body["share"] = parse_share(args.when_passed)
    return body


def describe_reveal(body: dict[str, Any]) -> str:
    """``"released now"``, ``"released at 14:30"``, ``"... when 50% of the class has passed"``."""
    parts = []
    if body.get("at") is not None:
        parts.append(f"at {dt.datetime.fromtimestamp(body['at']).strftime('%H:%M')}")
    if body.get("share") is not None:
        parts.append(f"when {body['share'] * 100:g}% of the class has passed")
    if not parts:
        return "released now"
    joined = " or ".join(parts)
    return f"released {joined}" + (", whichever comes first" if len(parts) == 2 else "")


def _cmd_reveal(args: argparse.Namespace) -> int:
    body = reveal_body(args)
    service = _service(args)
    try:
        session = _in_session(service, args, body["problem"])
        service.call("POST", f"/api/s/{session['id']}/reveal", body)
    finally:
        service.close()
    print(f"Solution of {body['problem']} in {session['id']}: {describe_reveal(body)}.")
    return 0


def _export_from_store(url: str, sid: str) -> dict[str, Any]:
    from ._store import Store, StoreError

    try:
        store = Store(url)
    except Exception as error:  # noqa: BLE001 - a bad URL or a missing driver: one line
        raise UsageError(f"cannot open the store {_safe_url(url)}: {error}") from None
    try:
        return store.export(sid)
    except StoreError as error:
        raise UsageError(str(error)) from None
    except Exception as error:  # noqa: BLE001 - an unreadable database: one line
        text = " ".join(str(error).split())[:200]
        raise UsageError(f"cannot read the store {_safe_url(url)}: {text}") from None
    finally:
        store.dispose()


def _safe_url(url: str) -> str:
    """A database URL without its credentials: scheme, host, port and database only."""
    from ..tracking._serve import display_database_url  # imported when an error is printed

    return display_database_url(url)


def _export_over_http(args: argparse.Namespace, sid: str) -> dict[str, Any]:
    service = _service(args)
    try:
        return service.call("GET", f"/api/s/{sid}/export")
    except UsageError as error:
        if "no classroom service answers" in str(error):
            raise UsageError(
                f"{error}; or read a stopped service's store with --db {default_db_url()}"
            ) from None
        raise
    finally:
        service.close()


def _cmd_report(args: argparse.Namespace) -> int:
    from .._paths import course_root
    from ._report import log_report, summary_lines, write_report

    sid = _session_id(args.sid)
    export = _export_from_store(args.db, sid) if args.db else _export_over_http(args, sid)
    out = Path(args.out) if args.out else course_root() / "reports" / "live"
    try:
        html_path, csv_path, report = write_report(export, out)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot write the report: {error}") from None
    for line in summary_lines(report):
        print(line)
    print(f"HTML report: {html_path}")
    print(f"CSV report:  {csv_path}")
    if not args.no_mlflow:
        run_id = log_report(report, [html_path, csv_path])
        print(f"Logged to MLflow: experiment mlcourse/live, run {sid} ({run_id})")
    return 0


# -- serve --------------------------------------------------------------------------------------


def lan_address() -> str:
    """This machine's address on its network (no packet is sent); loopback when unknown."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return DEFAULT_HOST


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host}:{port} ({error.strerror or error}): "
                "choose another --port, or stop what uses it"
            ) from None


def _hub_settings(args: argparse.Namespace) -> tuple[Any, str, str | None]:
    """Behind JupyterHub: the Hub's authenticator, the service's prefix, its bind URL."""
    api_url = os.environ.get("JUPYTERHUB_API_URL")
    api_token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if not (api_url and api_token):
        if args.instructors_group:
            raise UsageError("--instructors-group needs JupyterHub (JUPYTERHUB_API_URL unset)")
        return None, "", None
    from ._auth import HubAuth

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "").rstrip("/")
    if prefix and not re.fullmatch(r"(/[A-Za-z0-9._~%-]+)+", prefix):
        raise UsageError(f"JUPYTERHUB_SERVICE_PREFIX {prefix!r} is not a URL path")
    hub = HubAuth.from_environment(dict(os.environ), args.instructors_group)
    return hub, prefix, os.environ.get("JUPYTERHUB_SERVICE_URL")


def _bind(args: argparse.Namespace, service_url: str | None) -> tuple[str, int]:
    import urllib.parse

    host, port = args.host, args.port
    if service_url:
        parts = urllib.parse.urlsplit(service_url)
        host = host or parts.hostname
        port = port or parts.port
    return host or DEFAULT_HOST, _port(port or DEFAULT_PORT)


def _with_prefix(app, prefix: str):
    if not prefix:
        return app
    from starlette.applications import Starlette
    from starlette.routing import Mount

    return Starlette(routes=[Mount(prefix, app=app)])


def _cmd_serve(args: argparse.Namespace) -> int:
    from .._paths import course_root
    from ..cli import _module

    if (args.title or args.server_checks) and not args.module:
        raise UsageError("--title and --server-checks open a session: give --module NN too")
    module = _module(args.module) if args.module else None
    if args.metric is not None and not args.metric.strip():
        raise UsageError("--metric needs a metric name, such as roc_auc")
    hub, prefix, service_url = _hub_settings(args)
    host, port = _bind(args, service_url)
    _check_port_free(host, port)
    root = course_root()
    db = args.db or os.environ.get(DB_ENV)
    if not db:
        create_private_db(default_db_url(root))
    store = _open_store(db or default_db_url(root))
    try:
        return _run_service(args, store, module, hub, prefix, host, port, root)
    finally:
        store.dispose()


def _open_store(url: str):
    from ._store import Store

    try:
        store = Store(url)
        store.sessions()
    except Exception as error:  # noqa: BLE001 - a bad URL, a missing driver, no server
        text = " ".join(str(error).split())[:200]
        raise UsageError(f"cannot open the store {_safe_url(url)}: {text}") from None
    return store


def _run_service(args, store, module, hub, prefix, host, port, root) -> int:
    import uvicorn

    from ._app import create_app
    from ._auth import new_token

    token = os.environ.get(TOKEN_ENV) or new_token()
    app = create_app(store, instructor_token=token, hub=hub, metric=args.metric, course_root=root)
    shown_local = DEFAULT_HOST if host in ("0.0.0.0", "::", "") else host
    local = f"http://{url_host(shown_local)}:{port}{prefix}"
    public = local
    if host not in LOOPBACK:
        shown = lan_address() if host in ("0.0.0.0", "::", "") else host
        public = f"http://{url_host(shown)}:{port}{prefix}"
    hub_public = os.environ.get("JUPYTERHUB_PUBLIC_URL", "").rstrip("/")
    if hub and hub_public:
        public = hub_public + prefix
    if not os.environ.get(TOKEN_ENV):
        path = write_instructor_file(local, token, root)
        print(f"Instructor token written to {path} (readable by you only).")
    print(f"Classroom service on {public} (Ctrl+C stops it).")
    if host not in LOOPBACK:
        print(
            f"It listens on {host}: learners on the LAN can reach it at {public} "
            "(anyone on that network can see the pseudonymous board)."
        )
    if hub:
        print("Behind JupyterHub: learners and instructors sign in with their Hub login.")
    if module:
        session = store.add_session(module, args.title or "", server_checks=args.server_checks)
        print(f"Session {session['id']} is open on module {module}.")
        for line in class_lines(public, session["id"], session["join_key"]):
            print(line)
    server = uvicorn.Server(
        uvicorn.Config(
            _with_prefix(app, prefix),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            limit_concurrency=LIMIT_CONCURRENCY,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            # uvicorn's logging setup (dictConfig) closes every existing handler, and some
            # (absl's) close their streams; its warnings reach stderr through logging anyway
            log_config=None,
        )
    )
    print("", flush=True)
    server.run()
    return 0


# -- the parser ---------------------------------------------------------------------------------


def _cmd_live(args: argparse.Namespace) -> int:
    action = getattr(args, "live_func", None)
    if action is None:
        raise UsageError(
            "say what to do: serve, session new, sessions, close, checkpoint, reveal or report"
        )
    return action(args)


def _add_instructor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url",
        help="the service (default: MLCOURSE_LIVE_URL, else .mlcourse/live/instructor.json)",
    )
    parser.add_argument(
        "--token",
        help="the instructor's token (default: MLCOURSE_LIVE_TOKEN, else instructor.json)",
    )


def _add_session_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--session", metavar="SID", help="the session (default: the most recent open one)"
    )


def _add_serve(actions) -> None:
    serve = actions.add_parser(
        "serve",
        help="run the classroom service",
        description="Run the classroom service (board, instructor page, learners' events). "
        "With --module, open a session and print the board's URL, the instructor page's and "
        "the line learners run.",
    )
    serve.add_argument("--host", help=f"interface to listen on (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=int, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--db",
        metavar="URL",
        help="store URL (default: MLCOURSE_LIVE_DB, else SQLite in .mlcourse/live/live.db)",
    )
    serve.add_argument("--module", metavar="NN", help="open a session on this module")
    serve.add_argument("--title", help="the session's title (with --module)")
    serve.add_argument(
        "--server-checks",
        action="store_true",
        help="learners' answers are checked by the service (a graded class)",
    )
    serve.add_argument("--metric", help="rank the leaderboard by this tracked metric")
    serve.add_argument(
        "--instructors-group", metavar="G", help="behind JupyterHub: this group's members teach"
    )
    serve.set_defaults(live_func=_cmd_serve)


def _add_pacing(actions) -> None:
    checkpoint = actions.add_parser(
        "checkpoint",
        help="set the exercise the class is on",
        description="Set the exercise the class is on now: the board shows who has passed it.",
    )
    checkpoint.add_argument("problem", metavar="PROBLEM", help="exercise id, such as 03.4")
    _add_session_option(checkpoint)
    _add_instructor_options(checkpoint)
    checkpoint.set_defaults(live_func=_cmd_checkpoint)

    reveal = actions.add_parser(
        "reveal",
        help="release an exercise's solution now, at a time, or at a pass rate",
        description="Release an exercise's solution to the class: now, at a time (--at or "
        "--in), when a share of the class has passed (--when-passed), or whichever comes "
        "first.",
    )
    reveal.add_argument("problem", metavar="PROBLEM", help="exercise id, such as 03.2")
    _add_session_option(reveal)
    when = reveal.add_mutually_exclusive_group()
    when.add_argument("--at", metavar="HH:MM", help="release at this time today")
    when.add_argument(
        "--in", dest="in_minutes", type=float, metavar="MINUTES", help="release in MINUTES"
    )
    reveal.add_argument(
        "--when-passed",
        metavar="SHARE",
        help="release when this share of the class has passed (0.5 or 50%%)",
    )
    _add_instructor_options(reveal)
    reveal.set_defaults(live_func=_cmd_reveal)


def _add_sessions(actions) -> None:
    session = actions.add_parser(
        "session", help="open a session", description="Open a session on the running service."
    )
    session.set_defaults(live_func=_cmd_session, session_action=None)
    session_actions = session.add_subparsers(dest="session_action", metavar="ACTION")
    new = session_actions.add_parser(
        "new", help="open a session on a module", description="Open a session on a module."
    )
    new.add_argument("--module", required=True, metavar="NN", help="the module")
    new.add_argument("--title", help="the session's title")
    new.add_argument(
        "--server-checks", action="store_true", help="answers are checked by the service"
    )
    _add_instructor_options(new)

    listing = actions.add_parser(
        "sessions", help="list sessions", description="List the service's sessions, newest first."
    )
    _add_instructor_options(listing)
    listing.set_defaults(live_func=_cmd_sessions)

    close = actions.add_parser(
        "close", help="close a session", description="Close a session: no more joins or events."
    )
    close.add_argument("sid", metavar="SID", help="the session")
    _add_instructor_options(close)
    close.set_defaults(live_func=_cmd_close)


def _add_report(actions) -> None:
    report = actions.add_parser(
        "report",
        help="write a session's HTML and CSV report and log it to MLflow",
        description="Write SID-report.html and SID-report.csv (pass rate, attempts, hints, "
        "solutions, time to pass and top errors per exercise; learners who never passed) and "
        "log them with their numbers to MLflow (experiment mlcourse/live).",
    )
    report.add_argument("sid", metavar="SID", help="the session")
    report.add_argument("--out", metavar="DIR", help="folder (default: reports/live/)")
    report.add_argument(
        "--db", metavar="URL", help="read the store directly (when the service is stopped)"
    )
    report.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    _add_instructor_options(report)
    report.set_defaults(live_func=_cmd_report)


def add_live_parser(sub) -> None:
    """Add ``mlcourse live`` and its subcommands to the command line's subparsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        ``mlcourse``'s subparsers.
    """
    live = sub.add_parser(
        "live",
        help="run a live class: the service, pacing, the report",
        description="The live classroom: a service that shows the room (who is done, who is "
        "stuck and on what), pacing (checkpoints, solution reveals) and the session's report.",
    )
    live.set_defaults(func=_cmd_live, live_func=None)
    actions = live.add_subparsers(dest="live_action", metavar="ACTION")
    _add_serve(actions)
    _add_sessions(actions)
    _add_pacing(actions)
    _add_report(actions)
