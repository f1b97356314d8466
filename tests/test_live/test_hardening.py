"""The service under hostile use: join keys, forged outcomes, bounded cost, fair grading,
slow bodies, capped streams, Hub lookups, top errors and private files."""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
import stat
import tarfile
import threading
import time
import uuid

import httpx
import pytest
from fastapi.testclient import TestClient

from mlcourse.live import _app, _auth, _command, _grading, _store

from .conftest import TOKEN, make_app, serve_in_thread, stop_server

TAR = {"Content-Type": "application/x-tar"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def event(kind: str = "check", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "time": time.time(), "kind": kind, **fields}


def join(live, name: str) -> dict:
    response = live.client.post(f"/api/s/{live.session}/join", json={"name": name, "key": live.key})
    assert response.status_code == 200, response.text
    return response.json()


def post(live, learner: dict, *events: dict):
    return live.client.post(
        f"/api/s/{live.session}/events",
        json={"events": list(events)},
        headers=bearer(learner["token"]),
    )


def declared() -> dict[str, float]:
    return _store.declared_points("00")


# -- 1. the join key ---------------------------------------------------------------------------


def test_a_join_needs_the_sessions_key(live_app):
    url = f"/api/s/{live_app.session}/join"
    wrong = live_app.client.post(url, json={"name": "eve", "key": "x" * 22})
    assert wrong.status_code == 403
    assert wrong.json()["detail"] == (
        "this class URL's key is wrong: ask your instructor for the class URL"
    )
    missing = live_app.client.post(url, json={"name": "eve"})
    assert missing.status_code == 403
    other = live_app.store.add_session("00")
    assert (
        live_app.client.post(url, json={"name": "eve", "key": other["join_key"]}).status_code == 403
    )
    assert live_app.store.learner_by_name(live_app.session, "eve") is None
    assert join(live_app, "alice")["learner"] == "alice"


def test_keys_and_ids_are_random_and_only_the_instructor_sees_the_key(live_app):
    made = [live_app.store.add_session("00") for _ in range(3)]
    for session in made:
        assert re.fullmatch(r"00-\d{8}-[0-9a-f]{8}", session["id"])
        assert len(session["join_key"]) >= 22
        assert session["class_url_path"] == f"/s/{session['id']}?key={session['join_key']}"
    assert len({s["join_key"] for s in made}) == 3
    key, sid = live_app.key, live_app.session
    listed = live_app.client.get("/api/sessions", headers=live_app.auth).json()
    mine = next(s for s in listed if s["id"] == sid)
    assert mine["join_key"] == key and mine["class_url_path"] == f"/s/{sid}?key={key}"
    created = live_app.client.post(
        "/api/sessions", json={"module": "00"}, headers=live_app.auth
    ).json()
    assert created["class_url_path"].endswith(f"?key={created['join_key']}")
    view = live_app.client.get(f"/api/s/{sid}/instructor", headers=live_app.auth).json()
    assert view["session"]["join_key"] == key
    assert view["session"]["class_url_path"] == f"/s/{sid}?key={key}"
    alice = join(live_app, "alice")
    board = live_app.client.get(f"/api/s/{sid}/board")
    assert key not in board.text and "join_key" not in board.text
    assert key not in json.dumps(alice)


def test_joins_are_rate_limited_per_address(live_app):
    limiter = live_app.app.state.context.join_limiter
    limiter.burst, limiter.rate = 3, 0.001
    codes = [
        live_app.client.post(
            f"/api/s/{live_app.session}/join", json={"name": f"s{i}", "key": live_app.key}
        ).status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]


def test_a_store_made_before_join_keys_gets_them(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE live_sessions (id VARCHAR(40) PRIMARY KEY, module VARCHAR(2) NOT "
                "NULL, title VARCHAR(120) NOT NULL, checkpoint VARCHAR(8), checkpoint_at FLOAT, "
                "server_checks BOOLEAN NOT NULL, secret VARCHAR(64) NOT NULL, created FLOAT NOT "
                "NULL, closed FLOAT, version INTEGER NOT NULL)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO live_sessions VALUES ('old-one', '00', '', NULL, NULL, 0, 's', 1, "
                "NULL, 0)"
            )
        )
    engine.dispose()
    store = _store.Store(url)
    try:
        key = store.session("old-one")["join_key"]
        assert key and re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key)
        store.check_join_key("old-one", key)
    finally:
        store.dispose()


# -- 2. forged outcomes ------------------------------------------------------------------------


def test_learners_checks_are_ignored_where_the_service_judges(tmp_path):
    app, store, sid = make_app(tmp_path, server_checks=True)
    key = store.session(sid)["join_key"]
    with TestClient(app) as client:
        client.post(f"/api/s/{sid}/reveal", json={"problem": "00.1", "share": 0.5},
                    headers=bearer(TOKEN))  # fmt: skip
        mallory = client.post(f"/api/s/{sid}/join", json={"name": "mallory", "key": key}).json()
        forged = [
            event(problem="00.1", status="correct", points=1000),
            event("hint", problem="00.1"),
        ]
        answer = client.post(
            f"/api/s/{sid}/events", json={"events": forged}, headers=bearer(mallory["token"])
        )
        assert answer.status_code == 200
        assert answer.json() == {"accepted": 1, "duplicates": 0, "ignored": 1}
        board = client.get(f"/api/s/{sid}/board").json()
        assert board["learners"][0]["cells"]["00.1"] is None
        view = client.get(f"/api/s/{sid}/instructor", headers=bearer(TOKEN)).json()
        assert view["leaderboard"] == [] and view["reveals"][0]["released"] is False
        solution = client.get(f"/api/s/{sid}/solution/00.1", headers=bearer(mallory["token"]))
        assert solution.json()["released"] is False
    # the service's own judged checks still count
    learner = store.learner_by_name(sid, "mallory")["id"]
    outcome = {"problem": "00.1", "status": "correct", "points": 5000.0}
    assert store.add_check(sid, learner, outcome, str(uuid.uuid4()), time.time()) == 1
    assert store.board(sid)["learners"][0]["cells"]["00.1"] == "correct"
    top = store.instructor_view(sid)["leaderboard"][0]["value"]
    assert top == declared()["00.1"]
    store.dispose()


def test_undeclared_problems_are_ignored_and_points_clamped(live_app):
    alice = join(live_app, "alice")
    columns = list(declared())
    spam = [event(problem=f"00.{i}", status="incorrect") for i in range(50, 90)]
    answer = post(live_app, alice, *spam, event("hint", problem="00.kc9"))
    assert answer.json() == {"accepted": 0, "duplicates": 0, "ignored": 41}
    elsewhere = post(live_app, alice, event("hint", problem="03.99"))  # working ahead: kept
    assert elsewhere.json()["accepted"] == 1
    post(live_app, alice, event(problem="00.1", status="correct", points=1000))
    board = live_app.client.get(f"/api/s/{live_app.session}/board").json()
    assert board["problems"] == columns
    assert set(board["learners"][0]["cells"]) == set(columns)
    view = live_app.client.get(f"/api/s/{live_app.session}/instructor", headers=live_app.auth)
    assert view.json()["leaderboard"][0]["value"] == declared()["00.1"]
    stored = live_app.store.timeline(live_app.session, "alice")
    assert {e["problem"] for e in stored} == {"03.99", "00.1"}


# -- 3. what a learner can make the service hold --------------------------------------------------


def test_one_open_hand_per_learner(live_app):
    alice = join(live_app, "alice")
    for message in ("first", "second", "third"):
        post(live_app, alice, event("hand", message=message))
    hands = live_app.client.get(
        f"/api/s/{live_app.session}/instructor", headers=live_app.auth
    ).json()["hands"]
    assert [(h["message"], h["resolved"]) for h in hands] == [("third", None)]
    post(live_app, alice, event("lower"))
    post(live_app, alice, event("hand", message="again"))
    hands = live_app.store.instructor_view(live_app.session)["hands"]
    assert [h["message"] for h in hands if h["resolved"] is None] == ["again"]


def test_event_caps_per_learner_and_per_session(live_app, monkeypatch):
    assert _store.MAX_EVENTS_PER_LEARNER == 2000 and _store.MAX_EVENTS_PER_SESSION == 200_000
    monkeypatch.setattr(_store, "MAX_EVENTS_PER_SESSION", 4)
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    assert post(live_app, alice, event("hint"), event("hint"), event("hint")).status_code == 200
    refused = post(live_app, bob, event("hint"), event("hint"))
    assert refused.status_code == 422
    assert "session holds too many events" in refused.json()["detail"]
    assert post(live_app, bob, event("hint")).status_code == 200


def test_shared_view_builds_once_for_concurrent_requests_and_at_most_every_interval():
    versions = {"s": 1}
    calls: list[float] = []

    async def build(sid: str) -> dict:
        calls.append(time.monotonic())
        await asyncio.sleep(0.1)
        return {"version": versions[sid]}

    async def scenario() -> None:
        view = _app.SharedView(lambda sid: versions[sid], build, interval=0.3)
        results = await asyncio.gather(*(view.get("s") for _ in range(20)))
        assert view.builds == 1 and all(r == {"version": 1} for r in results)
        versions["s"] = 2
        again = await asyncio.gather(*(view.get("s") for _ in range(20)))
        assert view.builds == 2 and all(r == {"version": 2} for r in again)
        assert calls[1] - calls[0] >= 0.3 - 0.01  # waited for the interval
        assert await view.get("s") == {"version": 2} and view.builds == 2

    asyncio.run(scenario())


def test_board_requests_share_one_rebuild(live_server, monkeypatch):
    builds: list[int] = []
    real = live_server.store.board

    def slow_board(sid):
        builds.append(1)
        time.sleep(0.3)
        return real(sid)

    monkeypatch.setattr(live_server.store, "board", slow_board)
    url = f"{live_server.url}/api/s/{live_server.session}/board"
    answers: list[int] = []

    def fetch():
        answers.append(httpx.get(url, timeout=20).status_code)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [200] * 8 and len(builds) == 1


# -- 4 and 5. fair grading and slow bodies ------------------------------------------------------


def _answer_tar(tmp_path, problem: str, values: dict) -> bytes:
    from mlcourse.grader._encode import encode_answers

    folder = tmp_path / f"answer-{uuid.uuid4().hex}"
    folder.mkdir()
    encode_answers({problem: values}, folder)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path in sorted(folder.iterdir()):
            archive.add(path, arcname=path.name)
    return buffer.getvalue()


def test_one_upload_per_learner_and_bodies_have_a_deadline(tmp_path, monkeypatch):
    monkeypatch.setattr(_app, "BODY_SECONDS", 1.5)
    app, store, sid = make_app(tmp_path, server_checks=True)
    server, thread, url = serve_in_thread(app)
    port = int(url.rsplit(":", 1)[1])
    try:
        key = store.session(sid)["join_key"]
        token = httpx.post(f"{url}/api/s/{sid}/join", json={"name": "m", "key": key}).json()[
            "token"
        ]
        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.settimeout(10)
        stalled.sendall(
            f"POST /api/s/{sid}/check/00.1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}"
            "\r\nContent-Type: application/x-tar\r\nContent-Length: 1000\r\n\r\nabc".encode()
        )
        deadline = time.monotonic() + 5
        while (sid, store.learner_by_name(sid, "m")["id"]) not in app.state.context.judging:
            assert time.monotonic() < deadline, "the stalled upload was never admitted"
            time.sleep(0.02)
        second = httpx.post(
            f"{url}/api/s/{sid}/check/00.1", content=b"x", headers={**TAR, **bearer(token)}
        )
        assert second.status_code == 429
        assert "your previous check is still being judged" in second.json()["detail"]
        reply = stalled.recv(4096).decode()
        assert reply.startswith("HTTP/1.1 408"), reply
        stalled.close()
        assert not app.state.context.judging
    finally:
        stop_server(server, thread)
        store.dispose()


def test_only_the_requested_problem_is_judged(tmp_path):
    folder = tmp_path / "answer"
    folder.mkdir()
    (folder / "answers.json").write_text(
        json.dumps({"format": 1, "answers": {"00.1": {"values": {}}, "00.2": {"values": {}}}})
    )
    _grading.keep_only(folder, "00.1")
    assert json.loads((folder / "answers.json").read_text())["answers"] == {"00.1": {"values": {}}}
    _grading.keep_only(folder, "00.3")
    assert json.loads((folder / "answers.json").read_text())["answers"] == {}
    (folder / "answers.json").write_text("[" * 100_000)
    _grading.keep_only(folder, "00.1")  # unreadable: left for the evaluator to report
    assert (folder / "answers.json").read_text() == "[" * 100_000


# -- 6. streams --------------------------------------------------------------------------------


def test_stream_slots_cap_per_address_session_and_in_all(monkeypatch):
    monkeypatch.setattr(_app, "MAX_STREAMS_PER_ADDRESS", 2)
    monkeypatch.setattr(_app, "MAX_STREAMS", 5)
    slots = _app.StreamSlots()
    held = [slots.take("s", "10.0.0.9", False) for _ in range(2)]
    with pytest.raises(_app.ApiError) as refused:
        slots.take("s", "10.0.0.9", False)
    assert refused.value.status == 429 and "your address" in refused.value.message
    held.append(slots.take("s", "10.0.0.9", True))  # the instructor is exempt
    held.append(slots.take("t", "10.0.0.9", False))  # another session
    held.append(slots.take("s", "10.0.0.8", False))  # another address
    with pytest.raises(_app.ApiError):
        slots.take("s", "10.0.0.7", True)  # the cap across sessions holds for everyone
    held[0]()
    held[0]()  # released once only
    assert slots.count() == 4 and slots.count("s", "10.0.0.9") == 1
    slots.take("s", "10.0.0.9", False)


def _open_stream(live_server, headers: str = "") -> tuple[socket.socket, str]:
    port = int(live_server.url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(10)
    sock.sendall(
        f"GET /api/s/{live_server.session}/stream HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode()
    )
    return sock, sock.recv(200).decode().split("\r\n", 1)[0]


def test_streams_from_one_address_are_capped_but_not_the_instructors(live_server, monkeypatch):
    monkeypatch.setattr(_app, "MAX_STREAMS_PER_ADDRESS", 1)
    monkeypatch.setattr(_app, "PING_SECONDS", 0.5)
    instructor = f"Authorization: Bearer {live_server.token}\r\n"
    first, status = _open_stream(live_server)
    assert status == "HTTP/1.1 200 OK"
    second, status = _open_stream(live_server)
    assert status == "HTTP/1.1 429 Too Many Requests"
    third, status = _open_stream(live_server, instructor)
    assert status == "HTTP/1.1 200 OK"
    for sock in (first, second, third):
        sock.close()
    slots = live_server.app.state.context.streams
    deadline = time.monotonic() + 10
    while slots.count():
        assert time.monotonic() < deadline, "closed streams were not given back"
        time.sleep(0.05)
    again, status = _open_stream(live_server)
    assert status == "HTTP/1.1 200 OK"
    again.close()


# -- 8. Hub lookups ----------------------------------------------------------------------------


def test_hub_lookups_are_rate_limited_per_address_and_failures_cached(tmp_path, stand_in_hub):
    hub = _auth.HubAuth(stand_in_hub.api, "svc")
    app, store, sid = make_app(tmp_path, hub=hub)
    try:
        limiter = app.state.context.hub_limiter
        limiter.burst, limiter.rate = 3, 0.001
        with TestClient(app) as client:
            codes = [
                client.post(
                    f"/api/s/{sid}/events",
                    json={"events": [event("hint")]},
                    headers=bearer(f"random-token-{i}"),
                ).status_code
                for i in range(10)
            ]
            assert codes == [401] * 3 + [429] * 7
            assert len(stand_in_hub.calls) == 3
            again = client.post(
                f"/api/s/{sid}/events",
                json={"events": [event("hint")]},
                headers=bearer("random-token-0"),
            )
            assert again.status_code == 401 and len(stand_in_hub.calls) == 3  # cached failure
        assert hub.cached("random-token-1") == (True, None)
        assert hub.failure_ttl < hub.ttl
    finally:
        store.dispose()


# -- 9. top errors -----------------------------------------------------------------------------


def test_top_errors_show_a_detail_only_when_two_learners_share_it(live_app):
    alice, bob, carol = (join(live_app, n) for n in ("alice", "bob", "carol"))
    shared = {"problem": "00.1", "error": "KeyError", "detail": "'target'"}
    post(live_app, alice, event(status="incorrect", **shared))
    post(live_app, bob, event("error", **shared))
    post(live_app, carol, event(status="incorrect", problem="00.1", error="KeyError",
                                detail="my own words on the projector"))  # fmt: skip
    post(live_app, carol, event("hint", problem="00.2", error="ValueError", detail="x"))
    post(live_app, carol, event(status="correct", problem="00.2", error="ValueError"))
    top = live_app.client.get(f"/api/s/{live_app.session}/board").json()["top_errors"]
    assert top == [
        {"problem": "00.1", "error": "KeyError", "detail": "'target'", "learners": 2},
        {"problem": "00.1", "error": "KeyError", "detail": None, "learners": 1},
    ]
    assert "my own words" not in json.dumps(top)


# -- files -------------------------------------------------------------------------------------


def test_store_folder_and_database_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    folder = _command.live_dir(tmp_path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    url = _command.default_db_url(tmp_path)
    _command.create_private_db(url)
    db = folder / "live.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    store = _store.Store(url)
    try:
        store.add_session("00")
    finally:
        store.dispose()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_ipv6_hosts_are_bracketed_in_urls():
    assert _command.url_host("::1") == "[::1]"
    assert _command.url_host("127.0.0.1") == "127.0.0.1"
    assert _command.url_host("[::1]") == "[::1]"
