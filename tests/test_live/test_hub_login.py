"""Behind JupyterHub the instructor's page logs in through the Hub (OAuth 2, authorization code).

A stand-in Hub on loopback answers the token exchange and ``/user`` as JupyterHub does; the
service runs mounted under a service prefix, as ``mlcourse live serve`` mounts it.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from mlcourse.live import _auth
from mlcourse.live._command import _with_prefix

from .conftest import make_app

PREFIX = "/services/live"
CALLBACK = f"http://hub.example{PREFIX}/oauth_callback"


class _Hub(BaseHTTPRequestHandler):
    codes = {"code-root": "access-root", "code-ada": "access-ada"}
    users = {
        "access-root": {"name": "root", "admin": True, "groups": []},
        "access-ada": {"name": "ada", "admin": False, "groups": []},
    }
    exchanges: list[dict] = []

    def _reply(self, status: int, body: dict | None = None) -> None:
        data = json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's name
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        form = {key: values[0] for key, values in form.items()}
        self.exchanges.append(form)
        token = self.codes.get(form.get("code", ""))
        good = form.get("client_secret") == "service-token" and form.get("client_id") == "svc"
        if self.path != "/hub/api/oauth2/token" or token is None or not good:
            self._reply(400, {"error": "invalid_grant"})
        else:
            self._reply(200, {"access_token": token, "token_type": "Bearer"})

    def do_GET(self):  # noqa: N802
        user = self.users.get(self.headers.get("Authorization", "").removeprefix("token "))
        self._reply(200, user) if self.path == "/hub/api/user" and user else self._reply(403)

    def log_message(self, *args):
        pass


@pytest.fixture
def hub_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Hub.exchanges.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hub/api"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def hub_service(tmp_path, hub_api):
    environ = {
        "JUPYTERHUB_API_URL": hub_api,
        "JUPYTERHUB_API_TOKEN": "service-token",
        "JUPYTERHUB_CLIENT_ID": "svc",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": CALLBACK,
        "JUPYTERHUB_HOST": "http://hub.example",
        "JUPYTERHUB_BASE_URL": "/",
    }
    hub = _auth.HubAuth.from_environment(environ)
    app, store, sid = make_app(tmp_path, hub=hub)
    with TestClient(_with_prefix(app, PREFIX), base_url="http://hub.example") as client:
        yield client, sid
    store.dispose()


def _start_login(client, sid) -> str:
    """Open the instructor's page without a cookie; returns the state sent to the Hub."""
    page = client.get(f"{PREFIX}/s/{sid}/instructor", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith(f"{PREFIX}/hub-login?")
    to_hub = client.get(page.headers["location"], follow_redirects=False)
    assert to_hub.status_code == 303
    url = urllib.parse.urlsplit(to_hub.headers["location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "http://hub.example/hub/api/oauth2/authorize"
    query = dict(urllib.parse.parse_qsl(url.query))
    assert query["client_id"] == "svc" and query["redirect_uri"] == CALLBACK
    assert query["response_type"] == "code" and len(query["state"]) >= 24
    return query["state"]


def test_a_hub_admin_logs_in_through_the_hub_and_gets_the_page(hub_service):
    client, sid = hub_service
    state = _start_login(client, sid)
    back = client.get(
        f"{PREFIX}/oauth_callback",
        params={"code": "code-root", "state": state},
        follow_redirects=False,
    )
    assert back.status_code == 303, back.text
    assert back.headers["location"] == f"{PREFIX}/s/{sid}/instructor"
    assert _Hub.exchanges[-1]["grant_type"] == "authorization_code"
    assert _Hub.exchanges[-1]["redirect_uri"] == CALLBACK
    page = client.get(f"{PREFIX}/s/{sid}/instructor", follow_redirects=False)
    assert page.status_code == 200
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 200


def test_a_learner_of_the_hub_is_refused_the_instructor_page(hub_service):
    client, sid = hub_service
    state = _start_login(client, sid)
    back = client.get(f"{PREFIX}/oauth_callback", params={"code": "code-ada", "state": state})
    assert back.status_code == 403 and "not an instructor" in back.json()["detail"]
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"code": "code-root", "state": "forged-state-forged-state-forged"},  # not the cookie's
        {"code": "code-root", "state": ""},
        {"code": "", "state": "from-cookie"},
    ],
)
def test_a_login_with_a_forged_or_missing_state_is_refused(hub_service, params):
    client, sid = hub_service
    state = _start_login(client, sid)
    if params["state"] == "from-cookie":
        params = {**params, "state": state}
    back = client.get(f"{PREFIX}/oauth_callback", params=params)
    assert back.status_code == 400
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 401


def test_a_code_the_hub_does_not_know_logs_nobody_in(hub_service):
    client, sid = hub_service
    state = _start_login(client, sid)
    back = client.get(f"{PREFIX}/oauth_callback", params={"code": "stolen", "state": state})
    assert back.status_code == 401
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 401


def test_without_the_hub_there_is_no_hub_login(live_app):
    assert live_app.client.get("/hub-login").status_code == 404
    assert live_app.client.get("/oauth_callback?code=a&state=b").status_code == 404
