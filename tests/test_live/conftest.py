"""Fixtures for the live classroom's tests: the service in-process, or on a loopback port.

``live_app`` gives a :class:`fastapi.testclient.TestClient` (no network) with the instructor's
token and an open session on module 00 (``key`` is its join key). ``live_server`` runs the same service with uvicorn in
a thread on a free 127.0.0.1 port, for clients that need a real socket (the learner's client,
the update stream, a browser); it is stopped at the end of the test.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TOKEN = "instructor-token-for-tests-0123456789abcdef"


@dataclass
class LiveApp:
    """An in-process service: ``client`` (TestClient), ``token``, ``session`` id, ``store``,
    and the session's join ``key``."""

    client: object
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


@dataclass
class LiveServer:
    """A service on loopback: ``url`` (``http://127.0.0.1:PORT``), ``token``, ``session``,
    ``store``, ``key``; ``class_url`` is the URL learners join (with the key), ``board_url``
    the projector's (without)."""

    url: str
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
    def board_url(self) -> str:
        """The session's board URL (no key)."""
        return f"{self.url}/s/{self.session}"

    @property
    def class_url(self) -> str:
        """The session's class URL, its join key included."""
        return f"{self.url}/s/{self.session}?key={self.key}"

    @property
    def auth(self) -> dict[str, str]:
        """Headers carrying the instructor's token."""
        return {"Authorization": f"Bearer {self.token}"}


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
