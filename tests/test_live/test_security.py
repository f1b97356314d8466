"""Who may do what on the classroom service, and what hostile input gets."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from mlcourse.live import _app, _auth
from mlcourse.live._protocol import MAX_BODY_BYTES

from .conftest import HUB_SERVICE_TOKEN, TOKEN, make_app


def join(live, name: str) -> dict:
    response = live.client.post(f"/api/s/{live.session}/join", json={"name": name, "key": live.key})
    assert response.status_code == 200, response.text
    return response.json()


def event(kind: str = "check", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "time": time.time(), "kind": kind, **fields}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


INSTRUCTOR_GETS = ("/api/sessions", "/api/s/{sid}/instructor", "/api/s/{sid}/export",
                   "/api/s/{sid}/learners/alice/timeline")  # fmt: skip
INSTRUCTOR_POSTS = (("/api/s/{sid}/checkpoint", {"problem": "00.1"}),
                    ("/api/s/{sid}/reveal", {"problem": "00.1"}),
                    ("/api/s/{sid}/close", {}), ("/api/sessions", {"module": "01"}))  # fmt: skip


def test_instructor_routes_need_the_instructor_token(live_app):
    alice = join(live_app, "alice")
    sid = live_app.session
    for headers in ({}, bearer(alice["token"]), bearer("not-the-token"), {"Authorization": TOKEN}):
        for path in INSTRUCTOR_GETS:
            response = live_app.client.get(path.format(sid=sid), headers=headers)
            assert response.status_code == 401, (path, headers)
        for path, body in INSTRUCTOR_POSTS:
            response = live_app.client.post(path.format(sid=sid), json=body, headers=headers)
            assert response.status_code == 401, (path, headers)
    assert live_app.store.session(sid)["closed"] is None
    assert live_app.store.session(sid)["checkpoint"] is None


def test_learner_routes_need_a_learner_token_of_that_session(live_app):
    sid = live_app.session
    other = live_app.store.add_session("00", session_id="another-one")["id"]
    other_key = live_app.store.session(other)["join_key"]
    stranger = live_app.client.post(
        f"/api/s/{other}/join", json={"name": "eve", "key": other_key}
    ).json()
    for headers in ({}, bearer("made-up"), bearer(stranger["token"]), bearer(TOKEN)):
        posted = live_app.client.post(
            f"/api/s/{sid}/events", json={"events": [event()]}, headers=headers
        )
        assert posted.status_code == 401
        asked = live_app.client.get(f"/api/s/{sid}/solution/00.1", headers=headers)
        assert asked.status_code == 401


def test_a_learner_cannot_post_as_another(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    forged = event(problem="00.1", status="correct", learner="bob")
    response = live_app.client.post(
        f"/api/s/{live_app.session}/events",
        json={"events": [forged]},
        headers=bearer(alice["token"]),
    )
    assert response.status_code == 422
    assert live_app.store.timeline(live_app.session, "bob") == []
    assert live_app.store.timeline(live_app.session, "alice") == []
    del bob


@pytest.mark.parametrize(
    "bad",
    [
        {"id": "short", "time": 1.0, "kind": "check"},
        {"id": "a" * 8, "time": 1.0, "kind": "cheat"},
        {"id": "a" * 8, "time": 1.0, "kind": "check", "problem": "00.1; drop"},
        {"id": "a" * 8, "time": 1.0, "kind": "check", "status": "perfect"},
        {"id": "a" * 8, "time": 1.0, "kind": "error", "error": "<script>"},
        {"id": "a" * 8, "time": 1.0, "kind": "hand", "message": "x" * 201},
        {"id": "a" * 8, "time": float("nan"), "kind": "hint"},
    ],
)
def test_malformed_events_are_422(live_app, bad):
    alice = join(live_app, "alice")
    response = live_app.client.post(
        f"/api/s/{live_app.session}/events",
        content=json.dumps({"events": [bad]}, allow_nan=True),
        headers={**bearer(alice["token"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str) and "\n" not in response.json()["detail"]


def test_malformed_names_and_ids_are_refused(live_app):
    sid = live_app.session
    for name in ("", "a b", "<b>x</b>", "x" * 65, "../etc"):
        response = live_app.client.post(
            f"/api/s/{sid}/join", json={"name": name, "key": live_app.key}
        )
        assert response.status_code == 422, name
    bad_id = live_app.client.post("/api/s/BAD_ID!/join", json={"name": "a", "key": live_app.key})
    assert bad_id.status_code == 404
    alice = join(live_app, "alice")
    solution = live_app.client.get(f"/api/s/{sid}/solution/abc", headers=bearer(alice["token"]))
    assert solution.status_code == 422


def test_too_many_events_in_one_post_is_422(live_app):
    alice = join(live_app, "alice")
    response = live_app.client.post(
        f"/api/s/{live_app.session}/events",
        json={"events": [event("hint") for _ in range(101)]},
        headers=bearer(alice["token"]),
    )
    assert response.status_code == 422


def test_oversize_bodies_are_413_by_length_and_by_stream(live_app):
    alice = join(live_app, "alice")
    url = f"/api/s/{live_app.session}/events"
    big = b'{"events": [' + b" " * MAX_BODY_BYTES + b"]}"
    by_length = live_app.client.post(
        url, content=big, headers={**bearer(alice["token"]), "Content-Type": "application/json"}
    )
    assert by_length.status_code == 413

    def chunks():
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    streamed = live_app.client.post(
        url,
        content=chunks(),
        headers={**bearer(alice["token"]), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    join_big = live_app.client.post(
        f"/api/s/{live_app.session}/join", content=b"{" + b" " * MAX_BODY_BYTES + b"}"
    )
    assert join_big.status_code == 413


def test_rate_limit_is_429(live_app):
    alice = join(live_app, "alice")
    live_app.app.state.limiter.burst = 5
    live_app.app.state.limiter.rate = 0.001
    codes = [
        live_app.client.post(
            f"/api/s/{live_app.session}/events",
            json={"events": [event("hint")]},
            headers=bearer(alice["token"]),
        ).status_code
        for _ in range(8)
    ]
    assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3
    bob = join(live_app, "bob")  # another learner has their own bucket
    other = live_app.client.post(
        f"/api/s/{live_app.session}/events",
        json={"events": [event("hint")]},
        headers=bearer(bob["token"]),
    )
    assert other.status_code == 200


def test_learner_text_comes_back_as_json_only(live_app):
    alice = join(live_app, "alice")
    text = "<img src=x onerror=alert(1)>"
    live_app.client.post(
        f"/api/s/{live_app.session}/events",
        json={"events": [event("hand", message=text)]},
        headers=bearer(alice["token"]),
    )
    response = live_app.client.get(f"/api/s/{live_app.session}/instructor", headers=live_app.auth)
    assert response.headers["content-type"] == "application/json"
    assert response.json()["hands"][0]["message"] == text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_login_sets_a_strict_httponly_cookie_and_only_local_next(live_app):
    client, sid = live_app.client, live_app.session
    page = client.get(f"/s/{sid}/instructor", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=%2Fs%2F{sid}%2Finstructor"
    wrong = client.post(
        "/login", data={"token": "nope", "next": f"/s/{sid}/instructor"}, follow_redirects=False
    )
    assert wrong.status_code == 303 and "error=1" in wrong.headers["location"]
    assert "set-cookie" not in wrong.headers
    for target, expected in (
        (f"/s/{sid}/instructor", f"/s/{sid}/instructor"),
        ("https://evil.example/", "/"),
        ("//evil.example/s/x", "/"),
        ("/s/x/../../admin", "/"),
    ):
        response = client.post(
            "/login", data={"token": TOKEN, "next": target}, follow_redirects=False
        )
        assert response.status_code == 303 and response.headers["location"] == expected
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert TOKEN.lower() not in cookie  # the cookie holds a derived value, not the token
    assert client.get(f"/s/{sid}/instructor", follow_redirects=False).status_code == 200
    assert client.get(f"/api/s/{sid}/instructor").status_code == 200


def test_cookie_posts_must_be_json(live_app):
    client, sid = live_app.client, live_app.session
    client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    form = client.post(f"/api/s/{sid}/checkpoint", data={"problem": "00.1"})
    assert form.status_code == 400
    as_json = client.post(f"/api/s/{sid}/checkpoint", json={"problem": "00.1"})
    assert as_json.status_code == 200
    assert live_app.store.session(sid)["checkpoint"] == "00.1"


def test_too_many_streams_is_429(live_app, monkeypatch):
    monkeypatch.setattr(_app, "MAX_STREAMS_PER_SESSION", 0)
    assert live_app.client.get(f"/api/s/{live_app.session}/stream").status_code == 429


def test_pseudonyms_are_derived_and_unique():
    assert _auth.pseudonym("s1", "alice") == _auth.pseudonym("s1", "alice")
    assert _auth.pseudonym("s1", "alice") != _auth.pseudonym("s2", "alice")
    assert "alice" not in _auth.pseudonym("s1", "alice").lower()
    assert _auth.pseudonym("s1", "alice", 1) != _auth.pseudonym("s1", "alice", 0)


def test_the_store_keeps_only_token_hashes(live_app):
    import sqlalchemy as sa

    from mlcourse.live._store import learners_table

    alice = join(live_app, "alice")
    with live_app.store.engine.connect() as conn:
        stored = conn.execute(sa.select(learners_table.c.token_hash)).scalar_one()
    assert stored == _auth.token_hash(alice["token"]) and alice["token"] not in stored


def test_hub_tokens_name_learners_and_admins_are_instructors(tmp_path, stand_in_hub):
    hub = _auth.HubAuth(stand_in_hub.api, HUB_SERVICE_TOKEN, instructors_group="teachers")
    app, store, sid = make_app(tmp_path, hub=hub)
    key = store.session(sid)["join_key"]
    with TestClient(app) as client:
        joined = client.post(
            f"/api/s/{sid}/join",
            json={"name": "someone-else", "key": key},
            headers=bearer("hub-token-ada"),
        )
        assert joined.status_code == 200 and joined.json()["learner"] == "ada"
        posted = client.post(
            f"/api/s/{sid}/events",
            json={"events": [event("hint")]},
            headers=bearer("hub-token-ada"),
        )
        assert posted.status_code == 200
        assert [e["kind"] for e in store.timeline(sid, "ada")] == ["hint"]
        anonymous = client.post(f"/api/s/{sid}/join", json={"name": "mallory", "key": key})
        assert anonymous.status_code == 401 and store.learner_by_name(sid, "mallory") is None
        rejoin = client.post(
            f"/api/s/{sid}/join",
            json={"name": "x", "key": key},
            headers=bearer(joined.json()["token"]),
        )
        assert rejoin.status_code == 200 and rejoin.json()["learner"] == "ada"
        for token, code in (("hub-token-root", 200), ("hub-token-tess", 200),
                            ("hub-token-ada", 401), ("unknown", 401)):  # fmt: skip
            assert client.get("/api/sessions", headers=bearer(token)).status_code == code
    calls = len(stand_in_hub.calls)
    assert hub.user("hub-token-ada").name == "ada"
    assert len(stand_in_hub.calls) == calls  # cached
    assert hub.user("unknown") is None
    store.dispose()
