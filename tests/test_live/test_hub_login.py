"""Behind JupyterHub the instructor's page logs in through the Hub (OAuth 2, authorization code).

A stand-in Hub on loopback answers the token exchange and ``/user`` as JupyterHub does; the
service runs mounted under a service prefix, as ``mlcourse live serve`` mounts it.
"""

from __future__ import annotations

import urllib.parse

import pytest
from fastapi.testclient import TestClient

from mlcourse.live import _auth
from mlcourse.live._command import _with_prefix

from .conftest import HUB_CLIENT_ID, HUB_SERVICE_TOKEN, make_app

PREFIX = "/services/live"
CALLBACK = f"http://hub.example{PREFIX}/oauth_callback"


@pytest.fixture
def hub_service(tmp_path, stand_in_hub):
    environ = {
        "JUPYTERHUB_API_URL": stand_in_hub.api,
        "JUPYTERHUB_API_TOKEN": HUB_SERVICE_TOKEN,
        "JUPYTERHUB_CLIENT_ID": HUB_CLIENT_ID,
        "JUPYTERHUB_OAUTH_CALLBACK_URL": CALLBACK,
        "JUPYTERHUB_HOST": "http://hub.example",
        "JUPYTERHUB_BASE_URL": "/",
    }
    hub = _auth.HubAuth.from_environment(environ)
    app, store, sid = make_app(tmp_path, hub=hub)
    with TestClient(_with_prefix(app, PREFIX), base_url="http://hub.example") as client:
        yield client, sid, stand_in_hub
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
    assert query["client_id"] == HUB_CLIENT_ID and query["redirect_uri"] == CALLBACK
    assert query["response_type"] == "code" and len(query["state"]) >= 24
    return query["state"]


def test_a_hub_admin_logs_in_through_the_hub_and_gets_the_page(hub_service):
    client, sid, hub = hub_service
    state = _start_login(client, sid)
    back = client.get(
        f"{PREFIX}/oauth_callback",
        params={"code": "code-root", "state": state},
        follow_redirects=False,
    )
    assert back.status_code == 303, back.text
    assert back.headers["location"] == f"{PREFIX}/s/{sid}/instructor"
    assert hub.exchanges[-1]["grant_type"] == "authorization_code"
    assert hub.exchanges[-1]["redirect_uri"] == CALLBACK
    page = client.get(f"{PREFIX}/s/{sid}/instructor", follow_redirects=False)
    assert page.status_code == 200
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 200


def test_a_learner_of_the_hub_is_refused_the_instructor_page(hub_service):
    client, sid, _ = hub_service
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
    client, sid, _ = hub_service
    state = _start_login(client, sid)
    if params["state"] == "from-cookie":
        params = {**params, "state": state}
    back = client.get(f"{PREFIX}/oauth_callback", params=params)
    assert back.status_code == 400
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 401


def test_a_code_the_hub_does_not_know_logs_nobody_in(hub_service):
    client, sid, _ = hub_service
    state = _start_login(client, sid)
    back = client.get(f"{PREFIX}/oauth_callback", params={"code": "stolen", "state": state})
    assert back.status_code == 401
    assert client.get(f"{PREFIX}/api/s/{sid}/instructor").status_code == 401


def test_without_the_hub_there_is_no_hub_login(live_app):
    assert live_app.client.get("/hub-login").status_code == 404
    assert live_app.client.get("/oauth_callback?code=a&state=b").status_code == 404
