"""Fixtures for the live classroom's tests: the service in-process, or on a loopback port.

``live_app`` gives a :class:`fastapi.testclient.TestClient` (no network) with the instructor's
token and an open session on module 00 (``key`` is its join key). ``live_server`` runs the same
service with uvicorn in a thread on a free 127.0.0.1 port, for clients that need a real socket
(the learner's client, the update stream, a browser); it is stopped at the end of the test.
``stand_in_hub`` is a JupyterHub API on loopback: ``/user`` and the OAuth token exchange.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TOKEN = "instructor-token-for-tests-0123456789abcdef"


@dataclass(kw_only=True)
class _LiveService:
    """What both forms of the service give: the instructor's ``token``, the ``session`` id, the
    ``store``, the ``app`` and the session's join ``key``."""

    token: str
    session: str
    store: object
    app: object
    key: str = ""

    @property
    def join_key(self) -> str:
        """The session's join key."""
        return self.key

    @property
    def auth(self) -> dict[str, str]:
        """Headers carrying the instructor's token."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(kw_only=True)
class LiveApp(_LiveService):
    """An in-process service: ``client`` (TestClient) and the fields of every service."""

    client: object


@dataclass(kw_only=True)
class LiveServer(_LiveService):
    """A service on loopback: ``url`` (``http://127.0.0.1:PORT``) and the fields of every
    service; ``class_url`` is the URL learners join (with the key), ``board_url`` the
    projector's (without)."""

    url: str

    @property
    def board_url(self) -> str:
        """The session's board URL (no key)."""
        return f"{self.url}/s/{self.session}"

    @property
    def class_url(self) -> str:
        """The session's class URL, its join key included."""
        return f"{self.url}/s/{self.session}?key={self.key}"


def join_key_of(store, sid: str) -> str:
    """The join key of a session in ``store``."""
    return store.session(sid)["join_key"]


def make_app(tmp_path: Path, *, server_checks: bool = False, **options):
    """A store in ``tmp_path``, a session on module 00 and the app over them."""
    from mlcourse.live._app import create_app
    from mlcourse.live._store import Store

    store = Store(f"sqlite:///{tmp_path / 'live.db'}")
    session = store.add_session("00", "Warm-up", server_checks=server_checks)
    app = create_app(store, instructor_token=TOKEN, **options)
    return app, store, session["id"]


@pytest.fixture
def live_app(tmp_path):
    """A TestClient over a fresh service, its instructor token and a session on module 00."""
    from fastapi.testclient import TestClient

    app, store, sid = make_app(tmp_path)
    with TestClient(app) as client:
        yield LiveApp(
            client=client,
            token=TOKEN,
            session=sid,
            store=store,
            app=app,
            key=join_key_of(store, sid),
        )
    store.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_in_thread(app, deadline: float = 20.0):
    """Start uvicorn for ``app`` on a free loopback port; returns ``(server, thread, url)``."""
    import uvicorn

    port = _free_port()
    # log_config=None: uvicorn's own logging setup (logging.config.dictConfig) closes every
    # existing handler, and absl's (there once TensorFlow was imported) then closes its stream:
    # the test run's captured stderr.
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
        log_config=None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"live-{port}", daemon=True)
    thread.start()
    end = time.monotonic() + deadline
    while not server.started:
        if time.monotonic() > end or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the classroom service did not start")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


def stop_server(server, thread) -> None:
    """Ask uvicorn to stop and wait for its thread."""
    server.should_exit = True
    thread.join(timeout=15)
    if thread.is_alive():  # open streaming responses: force it
        server.force_exit = True
        thread.join(timeout=15)


@pytest.fixture
def live_server(tmp_path):
    """The service on a free 127.0.0.1 port (uvicorn in a thread), with a module-00 session."""
    app, store, sid = make_app(tmp_path)
    server, thread, url = serve_in_thread(app)
    try:
        yield LiveServer(
            url=url, token=TOKEN, session=sid, store=store, app=app, key=join_key_of(store, sid)
        )
    finally:
        stop_server(server, thread)
        store.dispose()


# --- a stand-in JupyterHub ----------------------------------------------------------------------

#: The Hub's users, by API token: ``token <access token>`` on ``/hub/api/user`` names them.
HUB_USERS = {
    "access-root": {"name": "root", "admin": True, "groups": []},
    "access-ada": {"name": "ada", "admin": False, "groups": []},
    "hub-token-ada": {"name": "ada", "admin": False, "groups": []},
    "hub-token-tess": {"name": "tess", "admin": False, "groups": ["teachers"]},
    "hub-token-root": {"name": "root", "admin": True, "groups": []},
}
#: The authorization codes the Hub exchanges for an access token (client ``svc``).
HUB_CODES = {"code-root": "access-root", "code-ada": "access-ada"}
#: The service's credentials at the Hub.
HUB_CLIENT_ID, HUB_SERVICE_TOKEN = "svc", "service-token"


@dataclass
class StandInHub:
    """A JupyterHub API on loopback: ``api`` is its ``http://127.0.0.1:PORT/hub/api``.

    ``calls`` holds the path of every GET, ``exchanges`` the form of every token exchange.
    """

    api: str = ""
    calls: list[str] = field(default_factory=list)
    exchanges: list[dict[str, str]] = field(default_factory=list)


class _HubHandler(BaseHTTPRequestHandler):
    """``GET /hub/api/user`` (``Authorization: token ...``) and ``POST .../oauth2/token``."""

    def _reply(self, status: int, body: dict | None = None) -> None:
        data = json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        form = {key: values[0] for key, values in form.items()}
        self.server.hub.exchanges.append(form)
        token = HUB_CODES.get(form.get("code", ""))
        good = (
            form.get("client_secret") == HUB_SERVICE_TOKEN
            and form.get("client_id") == HUB_CLIENT_ID
        )
        if self.path != "/hub/api/oauth2/token" or token is None or not good:
            self._reply(400, {"error": "invalid_grant"})
        else:
            self._reply(200, {"access_token": token, "token_type": "Bearer"})

    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.hub.calls.append(self.path)
        user = HUB_USERS.get(self.headers.get("Authorization", "").removeprefix("token "))
        if self.path == "/hub/api/user" and user is not None:
            self._reply(200, user)
        else:
            self._reply(403)

    def log_message(self, *args):
        pass


@pytest.fixture
def stand_in_hub():
    """A :class:`StandInHub` on a free loopback port, stopped at the end of the test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HubHandler)
    server.hub = StandInHub(api=f"http://127.0.0.1:{server.server_address[1]}/hub/api")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.hub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- MLflow's process-wide state ----------------------------------------------------------------


def mlflow_tracking_state() -> tuple:
    """MLflow's tracking URI and active experiment as set in this process (and environment)."""
    from mlflow.tracking import fluent
    from mlflow.tracking._tracking_service import utils

    return (
        utils._tracking_uri,
        fluent._active_experiment_id,
        os.environ.get("MLFLOW_TRACKING_URI"),
        os.environ.get("MLFLOW_EXPERIMENT_ID"),
    )
