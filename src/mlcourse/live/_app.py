"""The classroom service's HTTP API and pages (FastAPI).

Everything a learner sends arrives through :mod:`mlcourse.live._protocol`'s models, read from a
body whose size is bounded before it is parsed. Learners are known by their token only: an
event never says whose it is. The instructor's routes need the instructor's token (a bearer
header, or the cookie set by ``POST /login``) or a Hub admin's token behind JupyterHub.
Open pages follow a session through a Server-Sent Events stream that says only "version N".

Joining needs the session's join key (the class URL's ``key``), and joins are rate-limited
per client address. What any one client can hold is bounded: bodies arrive within
:data:`BODY_SECONDS`, a learner has one answer upload judged at a time, update streams are
capped per address, per session and in all, and the board and the instructor's view are
rebuilt at most once per :data:`REBUILD_SECONDS` per session, one rebuild shared by every
request waiting for it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response, StreamingResponse
from starlette.staticfiles import StaticFiles

from . import _auth, _protocol
from ._store import Store, StoreError, problem_module

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
OAUTH_STATE_COOKIE = "mlcourse_live_oauth"
NEXT_PATTERN = re.compile(r"^/s/[a-z0-9-]+(/instructor)?$")
SESSION_RE = re.compile(_protocol.SESSION_PATTERN)
MAX_STREAMS_PER_SESSION = 500
MAX_STREAMS_PER_ADDRESS = 20  # per session; the instructor is exempt
MAX_STREAMS = 1000  # across sessions
PING_SECONDS = 15.0
RECHECK_SECONDS = 2.0
RATE_PER_SECOND = 20.0
RATE_BURST = 60.0
JOIN_RATE_PER_SECOND = 2.0  # per client address: a class behind one NAT joins in a minute
JOIN_RATE_BURST = 60.0
HUB_LOOKUP_RATE_PER_SECOND = 5.0  # per client address, for tokens the Hub was not asked about
HUB_LOOKUP_BURST = 100.0
HUB_LOOKUPS_AT_ONCE = 8
BODY_SECONDS = 20.0
REBUILD_SECONDS = 0.25
INSTRUCTOR_VIEW_MAX_AGE = 5.0  # its stuck times move with the clock

_PLACEHOLDER = (
    "<!doctype html><html><head><meta charset='utf-8'><title>mlcourse live</title></head>"
    "<body><p>{text}</p></body></html>"
)
_LOGIN_PLACEHOLDER = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Instructor login</title></head>"
    "<body><form method='post' action='/login'><input type='hidden' name='next' value='{next}'>"
    "<label>Instructor token <input type='password' name='token'></label>"
    "<button type='submit'>Log in</button></form></body></html>"
)


class ApiError(Exception):
    """An error answered as ``{"detail": message}`` with ``status``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class RateLimiter:
    """A token bucket per key: ``rate`` requests a second, bursts up to ``burst``."""

    def __init__(self, rate: float = RATE_PER_SECOND, burst: float = RATE_BURST):
        self.rate = rate
        self.burst = burst
        self._buckets: dict[Any, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: Any) -> bool:
        """Whether one more request from ``key`` may go through now."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            self._buckets[key] = (tokens - 1, now)
            return True


class Notifier:
    """Wakes the update streams of a session when it changes (in this process)."""

    def __init__(self):
        self._waiters: dict[str, set[asyncio.Event]] = {}

    def notify(self, sid: str) -> None:
        """Wake every stream of ``sid``."""
        for event in list(self._waiters.get(sid, ())):
            event.set()

    def count(self, sid: str) -> int:
        """How many streams follow ``sid``."""
        return len(self._waiters.get(sid, ()))

    def add(self, sid: str) -> asyncio.Event:
        """Register a stream; returns the event it waits on."""
        event = asyncio.Event()
        self._waiters.setdefault(sid, set()).add(event)
        return event

    def remove(self, sid: str, event: asyncio.Event) -> None:
        """Forget a stream."""
        waiters = self._waiters.get(sid)
        if waiters is not None:
            waiters.discard(event)
            if not waiters:
                self._waiters.pop(sid, None)


def cookie_value(instructor_token: str) -> str:
    """What the instructor's cookie holds: an HMAC of the token, never the token itself."""
    return hmac.new(instructor_token.encode(), b"mlcourse-live-cookie", hashlib.sha256).hexdigest()


class StreamSlots:
    """Counts the open update streams: in all, and (the instructor's aside) per session and per
    session and address."""

    def __init__(self):
        self._lock = threading.Lock()
        self._total = 0
        self._sessions: Counter = Counter()
        self._addresses: Counter = Counter()

    def take(self, sid: str, address: str, instructor: bool) -> Callable[[], None]:
        """Count one more stream, or 429; returns the function that releases it (once).

        Raises
        ------
        ApiError
            429 past :data:`MAX_STREAMS`, :data:`MAX_STREAMS_PER_SESSION` or (except for the
            instructor) :data:`MAX_STREAMS_PER_ADDRESS`.
        """
        with self._lock:
            if self._total >= MAX_STREAMS:
                raise ApiError(429, "too many open pages on this service")
            if not instructor:
                if self._sessions[sid] >= MAX_STREAMS_PER_SESSION:
                    raise ApiError(429, "too many open pages on this session")
                if self._addresses[(sid, address)] >= MAX_STREAMS_PER_ADDRESS:
                    raise ApiError(429, "too many open pages on this session from your address")
            self._total += 1
            if not instructor:
                self._sessions[sid] += 1
                self._addresses[(sid, address)] += 1
        released = threading.Event()

        def release() -> None:
            if released.is_set():
                return
            released.set()
            with self._lock:
                self._total -= 1
                if not instructor:
                    _decrement(self._sessions, sid)
                    _decrement(self._addresses, (sid, address))

        return release

    def count(self, sid: str | None = None, address: str | None = None) -> int:
        """Open streams in all, of a session, or of a session from an address."""
        with self._lock:
            if sid is None:
                return self._total
            if address is None:
                return self._sessions[sid]
            return self._addresses[(sid, address)]


def _decrement(counter: Counter, key: Any) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]


class _Slot:
    """Holds a stream's place; released when the stream ends, or when it is dropped unread."""

    def __init__(self, release: Callable[[], None]):
        self.release = release

    def __del__(self):
        self.release()


@dataclass
class _Built:
    version: int
    at: float
    value: Any


class SharedView:
    """A view rebuilt at most once per ``interval`` per session, one rebuild at a time.

    Requests that arrive while a rebuild runs wait for it and share its result; a view built
    at or after the version a request saw is served as it is (within ``max_age`` seconds).

    Parameters
    ----------
    version : callable
        ``version(sid)`` -> the session's change counter (blocking; run in a thread).
    build : callable
        ``async build(sid)`` -> the view, a dict with its own ``version``.
    interval, max_age : float
        Seconds between two rebuilds; seconds a view may be served at an unchanged version.
    """

    def __init__(
        self,
        version: Callable[[str], int],
        build: Callable[[str], Awaitable[dict[str, Any]]],
        *,
        interval: float = REBUILD_SECONDS,
        max_age: float = float("inf"),
    ):
        self._version = version
        self._build = build
        self.interval = interval
        self.max_age = max_age
        self.builds = 0
        self._views: dict[str, _Built] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _fresh(self, sid: str, version: int, now: float) -> _Built | None:
        built = self._views.get(sid)
        if built and built.version >= version and now - built.at < self.max_age:
            return built
        return None

    async def get(self, sid: str) -> dict[str, Any]:
        """The session's view, no older than the version it has now."""
        loop = asyncio.get_running_loop()
        version = await run_in_threadpool(self._version, sid)
        if version < 0:
            raise ApiError(404, "no such session")
        built = self._fresh(sid, version, loop.time())
        if built:
            return built.value
        lock = self._locks.setdefault(sid, asyncio.Lock())
        async with lock:
            built = self._fresh(sid, version, loop.time())
            if built:
                return built.value
            previous = self._views.get(sid)
            if previous is not None:
                wait = previous.at + self.interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
            value = await self._build(sid)
            self.builds += 1
            self._views[sid] = _Built(int(value.get("version", version)), loop.time(), value)
            return value


class SecurityHeaders:
    """ASGI middleware setting :data:`SECURITY_HEADERS` on every response.

    A plain ASGI wrapper (not ``BaseHTTPMiddleware``), so that a streaming response still
    hears its client leave and gives its place back at once.
    """

    def __init__(self, app):
        self.app = app
        self._headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in self._headers}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self._headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def client_address(request: Request) -> str:
    """The address the request came from (the proxy's, behind one)."""
    return request.client.host if request.client else "unknown"


def safe_next(value: str | None) -> str:
    """A same-origin path to go to after login (``/`` when ``value`` is anything else)."""
    return value if value and NEXT_PATTERN.match(value) else "/"


async def read_body(request: Request, limit: int, deadline: float | None = None) -> bytes:
    """The request's body: 413 past ``limit`` bytes (never read further), 408 when it has not
    all arrived within ``deadline`` seconds (default :data:`BODY_SECONDS`)."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "bad Content-Length")
        if int(length) > limit:
            raise ApiError(413, f"request body too large (at most {limit} bytes)")
    seconds = BODY_SECONDS if deadline is None else deadline
    chunks, size = [], 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, f"request body too large (at most {limit} bytes)")
                chunks.append(chunk)
    except TimeoutError:
        raise ApiError(
            408, f"the request's body did not arrive within {seconds:g} s: send it again"
        ) from None
    return b"".join(chunks)


def parse(model: type[BaseModel], body: bytes) -> Any:
    """A model from a JSON body, or 422 with the first problem on one line."""
    try:
        return model.model_validate_json(body or b"{}")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ApiError(422, f"{where}: {first.get('msg', 'invalid')}"[:200]) from None


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())[:300]


def create_app(
    store: Store,
    *,
    instructor_token: str,
    hub: _auth.HubAuth | None = None,
    metric: str | None = None,
    static_dir: Path | None = None,
    course_root: Path | None = None,
) -> FastAPI:
    """The classroom service as an ASGI application.

    Parameters
    ----------
    store : Store
        Where sessions and events are kept.
    instructor_token : str
        The instructor's credential (bearer header, or ``POST /login`` for the pages).
    hub : HubAuth, optional
        Behind JupyterHub: bearer tokens are also resolved through the Hub; the Hub user's
        name is the learner, Hub admins (or the instructors' group) are instructors.
    metric : str, optional
        Rank the instructor's leaderboard by this tracked metric
        (:func:`mlcourse.tracking.leaderboard`) instead of points.
    static_dir : Path, optional
        The pages' folder (default: the ``static`` folder shipped with the package).
    course_root : Path, optional
        The course whose solutions and answer key the service uses (informational; the key
        and solutions are found the way the rest of mlcourse finds them).

    Returns
    -------
    fastapi.FastAPI
    """
    if not instructor_token:
        raise ValueError("the instructor token must not be empty")
    static = Path(static_dir) if static_dir else Path(__file__).parent / "static"
    app = FastAPI(title="mlcourse live", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    app.state.notifier = Notifier()
    app.state.course_root = course_root
    context = _Context(store, instructor_token, hub, metric, static, app.state.notifier)
    app.state.limiter = context.limiter
    app.state.context = context
    _install_handlers(app)
    _add_page_routes(app, context)
    _add_learner_routes(app, context)
    _add_instructor_routes(app, context)
    if static.is_dir():
        app.mount("/static", StaticFiles(directory=static), name="static")
    return app


class _Context:
    """What the routes share: the store, the credentials and the update streams."""

    def __init__(self, store, token, hub, metric, static, notifier):
        self.store: Store = store
        self.token: str = token
        self.cookie: str = cookie_value(token)
        self.hub: _auth.HubAuth | None = hub
        self.metric: str | None = metric
        self.static: Path = static
        self.notifier: Notifier = notifier
        self.limiter = RateLimiter()
        self.join_limiter = RateLimiter(JOIN_RATE_PER_SECOND, JOIN_RATE_BURST)
        self.hub_limiter = RateLimiter(HUB_LOOKUP_RATE_PER_SECOND, HUB_LOOKUP_BURST)
        self.hub_lookups = asyncio.Semaphore(HUB_LOOKUPS_AT_ONCE)
        self.streams = StreamSlots()
        self.judging: set[tuple[str, int]] = set()
        self.grading = None
        self.boards = SharedView(store.version, self._build_board)
        self.instructor_views = SharedView(
            store.version, self._build_instructor_view, max_age=INSTRUCTOR_VIEW_MAX_AGE
        )

    async def _build_board(self, sid: str) -> dict[str, Any]:
        return await run_in_threadpool(self.store.board, sid)

    async def _build_instructor_view(self, sid: str) -> dict[str, Any]:
        session = await run_in_threadpool(self.store.known_session, sid)
        rows = None
        if self.metric:
            rows = await run_in_threadpool(_metric_leaderboard, session["module"], self.metric)
        view = await run_in_threadpool(self.store.instructor_view, sid, None, rows)
        if self.metric:
            view["leaderboard_metric"] = self.metric
        return view

    # -- who is asking ------------------------------------------------------------------

    async def hub_user(self, token: str | None, request: Request) -> _auth.HubUser | None:
        """The Hub user owning ``token``; a token the Hub was not asked about lately costs
        the asking address a lookup (429 past its share), a few lookups run at once."""
        if self.hub is None or not token:
            return None
        known, user = self.hub.cached(token)
        if known:
            return user
        if not self.hub_limiter.allow(client_address(request)):
            raise ApiError(429, "too many sign-in checks from your address: wait a moment")
        async with self.hub_lookups:
            return await run_in_threadpool(self.hub.user, token)

    async def is_instructor(self, request: Request) -> bool:
        token = _auth.bearer(request.headers.get("authorization"))
        if token is not None:
            if _auth.same_token(token, self.token):
                return True
            user = await self.hub_user(token, request)
            return bool(user and self.hub.is_instructor(user))
        return _auth.same_token(request.cookies.get(_auth.COOKIE), self.cookie)

    async def instructor(self, request: Request, *, posting: bool = False) -> None:
        if not await self.is_instructor(request):
            raise ApiError(401, "the instructor's credential is needed")
        if posting:
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind != "application/json":
                raise ApiError(400, "instructor requests must be sent as application/json")

    async def learner(self, request: Request, sid: str) -> dict[str, Any]:
        token = _auth.bearer(request.headers.get("authorization"))
        if token is None:
            raise ApiError(401, "a learner token is needed: join the session first")
        found = await run_in_threadpool(self.store.learner_by_token, sid, token)
        if found is None:
            user = await self.hub_user(token, request)
            if user is not None:
                found = await run_in_threadpool(self.store.learner_by_name, sid, user.name)
        if found is None:
            raise ApiError(401, "unknown learner token for this session: join again")
        if not self.limiter.allow((sid, found["id"])):
            raise ApiError(429, "too many requests: slow down")
        return found

    # -- pages --------------------------------------------------------------------------

    def page(self, name: str, fallback: str) -> Response:
        path = self.static / name
        if path.is_file():
            return FileResponse(path, media_type="text/html")
        return HTMLResponse(fallback)


def _install_handlers(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError):
        return JSONResponse({"detail": _one_line(error.message)}, status_code=error.status)

    @app.exception_handler(StoreError)
    async def store_error(_request: Request, error: StoreError):
        return JSONResponse({"detail": _one_line(error)}, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError):
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())) or "request"
        return JSONResponse(
            {"detail": _one_line(f"{where}: {first.get('msg', 'invalid')}")}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException):
        return JSONResponse(
            {"detail": _one_line(error.detail)},
            status_code=error.status_code,
            headers=error.headers,
        )


def _session_id(sid: str) -> str:
    if not SESSION_RE.match(sid):
        raise ApiError(404, "no such session")
    return sid


def _problem_id(problem: str) -> str:
    if not _protocol.is_problem_id(problem):
        raise ApiError(422, "problem: not a problem id")
    return problem


def _root(request: Request) -> str:
    """The path the service is mounted under (a JupyterHub service's prefix), or ``""``."""
    return request.scope.get("root_path", "").rstrip("/")


def _logged_in(request: Request, ctx: _Context, target: str) -> RedirectResponse:
    """Go to ``target`` (a same-origin path) with the instructor's cookie set."""
    response = RedirectResponse(f"{_root(request)}{target}", status_code=303)
    response.set_cookie(
        _auth.COOKIE,
        ctx.cookie,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=_root(request) or "/",
        max_age=12 * 3600,
    )
    return response


def _add_page_routes(app: FastAPI, ctx: _Context) -> None:
    @app.get("/", include_in_schema=False)
    def index():
        return ctx.page(
            "index.html", _PLACEHOLDER.format(text="Ask your instructor for the class URL.")
        )

    @app.get("/s/{sid}", include_in_schema=False)
    def board_page(sid: str):
        _session_id(sid)
        return ctx.page("board.html", _PLACEHOLDER.format(text="The class board."))

    @app.get("/s/{sid}/instructor", include_in_schema=False)
    async def instructor_page(sid: str, request: Request):
        _session_id(sid)
        if not await ctx.is_instructor(request):
            query = urllib.parse.urlencode({"next": f"/s/{sid}/instructor"})
            login = "hub-login" if ctx.hub is not None and ctx.hub.can_login else "login"
            return RedirectResponse(f"{_root(request)}/{login}?{query}", status_code=303)
        return ctx.page("instructor.html", _PLACEHOLDER.format(text="The instructor's page."))

    @app.get("/login", include_in_schema=False)
    def login_page(next: str | None = None):  # noqa: A002 - the query parameter's name
        return ctx.page("login.html", _LOGIN_PLACEHOLDER.format(next=safe_next(next)))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        body = await read_body(request, 4096)
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), max_num_fields=4)
        target = safe_next((form.get("next") or [None])[0] or request.query_params.get("next"))
        token = (form.get("token") or [""])[0]
        if not _auth.same_token(token, ctx.token):
            query = urllib.parse.urlencode({"next": target, "error": "1"})
            return RedirectResponse(f"{_root(request)}/login?{query}", status_code=303)
        return _logged_in(request, ctx, target)

    @app.get("/hub-login", include_in_schema=False)
    def hub_login(request: Request, next: str | None = None):  # noqa: A002 - the query parameter
        if ctx.hub is None or not ctx.hub.can_login:
            raise ApiError(404, "this service does not run behind JupyterHub")
        state = secrets.token_urlsafe(24)
        response = RedirectResponse(ctx.hub.authorize_url(state), status_code=303)
        response.set_cookie(
            OAUTH_STATE_COOKIE,
            f"{state}|{safe_next(next)}",
            httponly=True,
            samesite="lax",  # sent on the Hub's redirect back, a top-level navigation
            secure=request.url.scheme == "https",
            path=_root(request) or "/",
            max_age=600,
        )
        return response

    @app.get("/oauth_callback", include_in_schema=False)
    async def oauth_callback(request: Request, code: str = "", state: str = ""):
        if ctx.hub is None or not ctx.hub.can_login:
            raise ApiError(404, "this service does not run behind JupyterHub")
        expected, _, target = request.cookies.get(OAUTH_STATE_COOKIE, "").partition("|")
        if not code or not state or not _auth.same_token(state, expected):
            raise ApiError(400, "the login's state does not match: start again from the page")
        token = await run_in_threadpool(ctx.hub.token_for_code, code[:512])
        user = await ctx.hub_user(token, request) if token else None
        if user is None:
            raise ApiError(401, "the Hub did not confirm this login")
        if not ctx.hub.is_instructor(user):
            raise ApiError(403, f"the Hub user {user.name} is not an instructor of this class")
        response = _logged_in(request, ctx, safe_next(target))
        response.delete_cookie(OAUTH_STATE_COOKIE, path=_root(request) or "/")
        return response

    @app.get("/api/s/{sid}/board")
    async def board(sid: str):
        return await ctx.boards.get(_session_id(sid))

    @app.get("/api/s/{sid}/stream")
    async def stream(sid: str, request: Request):
        _session_id(sid)
        if await run_in_threadpool(ctx.store.version, sid) < 0:
            raise ApiError(404, "no such session")
        instructor = await ctx.is_instructor(request)
        release = ctx.streams.take(sid, client_address(request), instructor)
        wake = ctx.notifier.add(sid)

        def release_both() -> None:
            ctx.notifier.remove(sid, wake)
            release()

        slot = _Slot(release_both)
        return StreamingResponse(
            _updates(ctx, sid, wake, slot, request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )


async def _updates(
    ctx: _Context, sid: str, wake: asyncio.Event, slot: _Slot, request: Request
) -> AsyncIterator[str]:
    """``update`` events whenever the session's version changes, a ping every 15 s.

    ``slot`` is the stream's place in :class:`StreamSlots`, given back when the stream ends:
    when the page goes away (noticed within :data:`RECHECK_SECONDS`), or, through its
    finaliser, when the response is dropped before it started.
    """
    loop = asyncio.get_running_loop()
    last_version = None
    last_ping = loop.time()
    try:
        yield "retry: 2000\n\n"
        while True:
            version = await run_in_threadpool(ctx.store.version, sid)
            if version != last_version:
                last_version = version
                yield f"event: update\ndata: {json.dumps({'version': version})}\n\n"
            if loop.time() - last_ping >= PING_SECONDS:
                last_ping = loop.time()
                yield ": ping\n\n"
            wait = min(RECHECK_SECONDS, PING_SECONDS - (loop.time() - last_ping))
            try:
                await asyncio.wait_for(wake.wait(), timeout=max(wait, 0.05))
            except TimeoutError:
                pass
            wake.clear()
    finally:
        slot.release()


def _add_learner_routes(app: FastAPI, ctx: _Context) -> None:
    @app.post("/api/s/{sid}/join")
    async def join(sid: str, request: Request):
        _session_id(sid)
        if not ctx.join_limiter.allow(client_address(request)):
            raise ApiError(429, "too many joins from your address: wait a moment, then join")
        body = await read_body(request, _protocol.MAX_BODY_BYTES)
        await run_in_threadpool(ctx.store.check_join_key, sid, _join_key(body))
        token = _auth.bearer(request.headers.get("authorization"))
        user = await ctx.hub_user(token, request)
        if user is not None:
            if not re.match(_protocol.NAME_PATTERN, user.name):
                raise ApiError(403, "this Hub user name cannot be used in a class session")
            result = await run_in_threadpool(ctx.store.join, sid, user.name, None, trusted=True)
        elif ctx.hub is not None:  # behind the Hub: its login names learners, or a rejoin
            known = token and await run_in_threadpool(ctx.store.learner_by_token, sid, token)
            if not known:
                raise ApiError(401, "log in through JupyterHub to join this class")
            result = await run_in_threadpool(ctx.store.join, sid, known["name"], token)
        else:
            wanted = parse(_protocol.Join, body)
            result = await run_in_threadpool(ctx.store.join, sid, wanted.name, token)
        ctx.notifier.notify(sid)
        session = result["session"]
        return {
            "learner": result["learner"],
            "token": result["token"],
            "pseudonym": result["pseudonym"],
            "session": {k: session[k] for k in ("id", "module", "title", "server_checks")},
        }

    @app.post("/api/s/{sid}/events")
    async def events(sid: str, request: Request):
        _session_id(sid)
        learner = await ctx.learner(request, sid)
        batch = parse(_protocol.EventBatch, await read_body(request, _protocol.MAX_BODY_BYTES))
        rows = [e.model_dump() for e in batch.events]
        counts = await run_in_threadpool(ctx.store.add_events, sid, learner["id"], rows)
        if counts["accepted"]:
            ctx.notifier.notify(sid)
        return counts

    @app.get("/api/s/{sid}/solution/{problem}")
    async def solution(sid: str, problem: str, request: Request):
        _session_id(sid)
        learner = await ctx.learner(request, sid)
        _problem_id(problem)
        await run_in_threadpool(ctx.store.known_session, sid)
        released, reason = await run_in_threadpool(ctx.store.release, sid, problem)
        if not released:
            return {"released": False, "reason": reason}
        found, text = await run_in_threadpool(_solution_text, problem)
        if not found:
            return {"released": False, "reason": _one_line(text)}
        event = {"id": str(uuid.uuid4()), "time": time.time(), "kind": "solution",
                 "module": problem_module(problem), "problem": problem}  # fmt: skip
        await run_in_threadpool(ctx.store.add_events, sid, learner["id"], [event])
        ctx.notifier.notify(sid)
        return {"released": True, "text": text}

    @app.post("/api/s/{sid}/check/{problem}")
    async def check(sid: str, problem: str, request: Request):
        _session_id(sid)
        learner = await ctx.learner(request, sid)
        _problem_id(problem)
        session = await run_in_threadpool(ctx.store.open_session, sid)
        if not session["server_checks"]:
            raise ApiError(404, "this session does not check answers on the service")
        mine = (sid, learner["id"])
        if mine in ctx.judging:  # one upload per learner, admitted before its body is read
            raise ApiError(429, "your previous check is still being judged: wait for it")
        ctx.judging.add(mine)
        try:
            outcome = await _judge(ctx, problem, request)
        finally:
            ctx.judging.discard(mine)
        attempts = await run_in_threadpool(
            ctx.store.add_check, sid, learner["id"], outcome, str(uuid.uuid4()), time.time()
        )
        ctx.notifier.notify(sid)
        return {**outcome, "attempt": attempts}


async def _judge(ctx: _Context, problem: str, request: Request) -> dict[str, Any]:
    """Read an answer upload (size and time bounded) and judge it."""
    from . import _grading

    if ctx.grading is None:
        ctx.grading = _grading.Grader()
    body = await read_body(request, _protocol.MAX_ANSWER_BYTES)
    try:
        return await ctx.grading.judge(problem, body)
    except _grading.GradingError as error:
        raise ApiError(error.status, str(error)) from None


def _join_key(body: bytes) -> str | None:
    """The ``key`` of a join's JSON body, or None (the store then refuses the join)."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        raise ApiError(422, "body: not JSON") from None
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not re.match(_protocol.JOIN_KEY_PATTERN, key):
        return None
    return key


def _solution_text(problem: str) -> tuple[bool, str]:
    from ..exercises import get_module
    from ..exercises._solutions import solution_source

    try:
        module = get_module(problem_module(problem))
    except LookupError:
        return False, f"no problem {problem} in this course"
    found = next((p for p in module.problems if p.id == problem), None)
    if found is None:
        return False, f"no problem {problem} in this course"
    return solution_source(module, found)


def _add_instructor_routes(app: FastAPI, ctx: _Context) -> None:
    @app.get("/api/sessions")
    async def sessions(request: Request):
        await ctx.instructor(request)
        return await run_in_threadpool(ctx.store.sessions)

    @app.post("/api/sessions")
    async def new_session(request: Request):
        await ctx.instructor(request, posting=True)
        wanted = parse(_protocol.NewSession, await read_body(request, _protocol.MAX_BODY_BYTES))
        return await run_in_threadpool(
            lambda: ctx.store.add_session(
                wanted.module,
                wanted.title,
                session_id=wanted.id,
                server_checks=wanted.server_checks,
            )
        )

    @app.post("/api/s/{sid}/close")
    async def close(sid: str, request: Request):
        await ctx.instructor(request, posting=True)
        await read_body(request, _protocol.MAX_BODY_BYTES)
        found = await run_in_threadpool(ctx.store.close_session, _session_id(sid))
        ctx.notifier.notify(sid)
        return found

    @app.get("/api/s/{sid}/instructor")
    async def instructor_view(sid: str, request: Request):
        await ctx.instructor(request)
        return await ctx.instructor_views.get(_session_id(sid))

    @app.get("/api/s/{sid}/learners/{name}/timeline")
    async def timeline(sid: str, name: str, request: Request):
        await ctx.instructor(request)
        if not re.match(_protocol.NAME_PATTERN, name):
            raise ApiError(404, "no such learner")
        return await run_in_threadpool(ctx.store.timeline, _session_id(sid), name)

    @app.get("/api/s/{sid}/export")
    async def export(sid: str, request: Request):
        await ctx.instructor(request)
        return await run_in_threadpool(ctx.store.export, _session_id(sid))

    async def change(sid: str, request: Request, model, apply: Callable[[Any], Any]):
        await ctx.instructor(request, posting=True)
        _session_id(sid)
        body = await read_body(request, _protocol.MAX_BODY_BYTES)
        wanted = parse(model, body) if model else None
        result = await run_in_threadpool(apply, wanted)
        ctx.notifier.notify(sid)
        return result

    @app.post("/api/s/{sid}/checkpoint")
    async def checkpoint(sid: str, request: Request):
        def apply(wanted):
            ctx.store.set_checkpoint(sid, wanted.problem)
            return {"checkpoint": wanted.problem}

        return await change(sid, request, _protocol.Checkpoint, apply)

    @app.post("/api/s/{sid}/reveal")
    async def reveal(sid: str, request: Request):
        return await change(
            sid,
            request,
            _protocol.Reveal,
            lambda w: ctx.store.add_reveal(sid, w.problem, at=w.at, share=w.share),
        )

    @app.post("/api/s/{sid}/hands/{hand}/claim")
    async def claim(sid: str, hand: int, request: Request):
        def apply(wanted):
            ctx.store.claim_hand(sid, hand, wanted.helper)
            return {"id": hand, "claimed_by": wanted.helper}

        return await change(sid, request, _protocol.Claim, apply)

    @app.post("/api/s/{sid}/hands/{hand}/resolve")
    async def resolve(sid: str, hand: int, request: Request):
        def apply(_wanted):
            ctx.store.resolve_hand(sid, hand)
            return {"id": hand, "resolved": True}

        return await change(sid, request, None, apply)


def _metric_leaderboard(module: str, metric: str) -> list[dict[str, Any]]:
    """Ranks by a tracked metric (``mlcourse.tracking.leaderboard``); empty when unreadable."""
    try:
        from ..tracking import leaderboard

        frame = leaderboard(module, metric)
    except Exception:  # noqa: BLE001 - a tracking store that cannot be read shows no ranks
        return []
    return [
        {"rank": int(r["rank"]), "learner": str(r["learner"]), "value": float(r["value"])}
        for r in frame.to_dict("records")
        if r.get("value") == r.get("value")
    ]
