"""The classroom service's HTTP API, used as the notebooks and pages use it."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest

from mlcourse.live import _store


def join(live, name: str) -> dict:
    response = live.client.post(f"/api/s/{live.session}/join", json={"name": name, "key": live.key})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def event(kind: str = "check", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "time": time.time(), "kind": kind, **fields}


def post(live, learner: dict, *events: dict):
    return live.client.post(
        f"/api/s/{live.session}/events",
        json={"events": list(events)},
        headers=bearer(learner["token"]),
    )


def board(live) -> dict:
    response = live.client.get(f"/api/s/{live.session}/board")
    assert response.status_code == 200
    return response.json()


def instructor(live) -> dict:
    response = live.client.get(f"/api/s/{live.session}/instructor", headers=live.auth)
    assert response.status_code == 200, response.text
    return response.json()


def cells_of(data: dict, pseudonym: str) -> dict:
    return next(row["cells"] for row in data["learners"] if row["pseudonym"] == pseudonym)


def test_join_gives_a_token_and_a_pseudonym_and_a_taken_name_needs_its_token(live_app):
    alice = join(live_app, "alice")
    assert alice["learner"] == "alice" and len(alice["token"]) >= 40
    assert alice["pseudonym"] != "alice" and len(alice["pseudonym"].split()) == 3
    assert alice["session"] == {
        "id": live_app.session,
        "module": "00",
        "title": "Warm-up",
        "server_checks": False,
    }
    taken = live_app.client.post(
        f"/api/s/{live_app.session}/join", json={"name": "alice", "key": live_app.key}
    )
    assert taken.status_code == 409 and "name taken" in taken.json()["detail"]
    again = live_app.client.post(
        f"/api/s/{live_app.session}/join",
        json={"name": "alice", "key": live_app.key},
        headers=bearer(alice["token"]),
    )
    assert again.status_code == 200
    assert again.json()["pseudonym"] == alice["pseudonym"]
    assert again.json()["token"] == alice["token"]
    bob = join(live_app, "bob")
    assert bob["pseudonym"] != alice["pseudonym"]


def test_join_unknown_or_closed_session_is_404(live_app):
    unknown = live_app.client.post(
        "/api/s/no-such-one/join", json={"name": "a", "key": live_app.key}
    )
    assert unknown.status_code == 404
    closed = live_app.client.post(
        f"/api/s/{live_app.session}/close", json={}, headers=live_app.auth
    )
    assert closed.status_code == 200 and closed.json()["closed"] is not None
    refused = live_app.client.post(
        f"/api/s/{live_app.session}/join", json={"name": "late", "key": live_app.key}
    )
    assert refused.status_code == 404


def test_events_are_stored_once_and_a_replayed_batch_counts_as_duplicates(live_app):
    alice = join(live_app, "alice")
    batch = [event(problem="00.1", status="incorrect"), event("hint", problem="00.1")]
    first = post(live_app, alice, *batch)
    assert first.json() == {"accepted": 2, "duplicates": 0, "ignored": 0}
    replay = post(live_app, alice, *batch, event(problem="00.1", status="correct"))
    assert replay.json() == {"accepted": 1, "duplicates": 2, "ignored": 0}
    timeline = live_app.client.get(
        f"/api/s/{live_app.session}/learners/alice/timeline", headers=live_app.auth
    ).json()
    assert [e["kind"] for e in timeline] == ["check", "hint", "check"]
    assert all(e["learner"] == "alice" for e in timeline)


def test_event_time_is_clamped_to_the_session_and_arrival(live_app):
    alice = join(live_app, "alice")
    post(live_app, alice, event("hint", problem="00.1", time=0), event("hint", time=9e10))
    timeline = live_app.client.get(
        f"/api/s/{live_app.session}/learners/alice/timeline", headers=live_app.auth
    ).json()
    created = live_app.store.session(live_app.session)["created"]
    assert timeline[0]["time"] == pytest.approx(created)
    assert all(e["time"] <= e["received"] for e in timeline)


def test_board_cells_are_latest_status_and_correct_stays_correct(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    post(live_app, alice, event(problem="00.1", status="incorrect"))
    post(live_app, alice, event(problem="00.1", status="correct"))
    post(live_app, alice, event(problem="00.1", status="incorrect"))
    post(live_app, bob, event(problem="00.1", status="correct"))
    post(live_app, bob, event(problem="00.2", status="checker_error"))
    post(live_app, bob, event(problem="00.2", status="incorrect"))
    post(live_app, bob, event(problem="01.1", status="correct", module="01"))
    data = board(live_app)
    assert data["problems"][:3] == ["00.1", "00.2", "00.3"] and "01.1" not in data["problems"]
    assert cells_of(data, alice["pseudonym"])["00.1"] == "correct"
    assert cells_of(data, alice["pseudonym"])["00.2"] is None
    assert cells_of(data, bob["pseudonym"])["00.2"] == "incorrect"
    names = [row["pseudonym"] for row in data["learners"]]
    assert names == sorted(names)


def test_board_never_names_a_learner(live_app):
    for name in ("zelda_unique_name", "yannick.unique"):
        learner = join(live_app, name)
        post(live_app, learner, event("hand", message="help me"), event(problem="00.1"))
    text = live_app.client.get(f"/api/s/{live_app.session}/board").text
    assert "zelda_unique_name" not in text and "yannick.unique" not in text
    assert "help me" not in text


def test_checkpoint_share_and_done_marks(live_app):
    learners = [join(live_app, f"l{i}") for i in range(4)]
    for learner in learners[:3]:
        post(live_app, learner, event(problem="00.2", status="correct"))
    post(live_app, learners[0], event("done"))  # before the checkpoint: does not count
    response = live_app.client.post(
        f"/api/s/{live_app.session}/checkpoint", json={"problem": "00.2"}, headers=live_app.auth
    )
    assert response.status_code == 200
    post(live_app, learners[1], event("done"))
    data = board(live_app)
    assert data["checkpoint"] == {"problem": "00.2", "passed": 3, "total": 4}
    assert data["session"]["checkpoint"] == "00.2"
    done = {row["pseudonym"]: row["done"] for row in data["learners"]}
    assert done[learners[1]["pseudonym"]] is True
    assert done[learners[0]["pseudonym"]] is False


def test_top_errors_count_distinct_learners_on_the_checkpoint(live_app):
    learners = [join(live_app, f"l{i}") for i in range(3)]
    for learner in learners:
        post(live_app, learner, event("error", problem="00.2", error="KeyError", detail="'t'"))
    post(live_app, learners[0], event("error", problem="00.2", error="KeyError", detail="'t'"))
    post(live_app, learners[0], event("error", problem="00.1", error="ValueError", detail="x"))
    errors = board(live_app)["top_errors"]
    assert errors[0] == {"problem": "00.2", "error": "KeyError", "detail": "'t'", "learners": 3}
    assert len(errors) == 2
    live_app.client.post(
        f"/api/s/{live_app.session}/checkpoint", json={"problem": "00.1"}, headers=live_app.auth
    )
    assert [e["error"] for e in board(live_app)["top_errors"]] == ["ValueError"]


def test_board_is_cached_per_version(live_app):
    alice = join(live_app, "alice")
    first = live_app.store.board(live_app.session)
    assert live_app.store.board(live_app.session) is first
    post(live_app, alice, event(problem="00.1", status="correct"))
    second = board(live_app)
    assert second["version"] > first["version"]
    assert cells_of(second, alice["pseudonym"])["00.1"] == "correct"


def test_stuck_after_three_failures_in_a_row_on_one_problem(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    for _ in range(3):
        post(live_app, alice, event(problem="00.2", status="incorrect"))
    post(live_app, bob, event(problem="00.2", status="incorrect"))
    post(live_app, bob, event(problem="00.1", status="incorrect"))
    post(live_app, bob, event(problem="00.2", status="incorrect"))
    rows = {row["name"]: row for row in instructor(live_app)["learners"]}
    assert rows["alice"]["stuck"] is True
    assert rows["alice"]["stuck_reason"] == "3 failed checks on 00.2"
    assert rows["alice"]["failures_in_a_row"] == 3 and rows["alice"]["attempts"] == 3
    assert rows["bob"]["stuck"] is False and rows["bob"]["failures_in_a_row"] == 1


def test_stuck_when_no_pass_for_ten_minutes_after_a_failure(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    post(live_app, alice, event(problem="00.1", status="correct"))
    post(live_app, alice, event(problem="00.2", status="incorrect"))
    post(live_app, bob, event(problem="00.1", status="correct"))
    later = time.time() + 12 * 60
    view = live_app.store.instructor_view(live_app.session, now=later)
    rows = {row["name"]: row for row in view["learners"]}
    assert rows["alice"]["stuck"] is True
    assert rows["alice"]["stuck_reason"] == "no pass for 12 min"
    assert rows["bob"]["stuck"] is False  # no failure since the last pass
    assert rows["alice"]["passed"] == ["00.1"]


def test_leaderboard_sums_best_points_per_problem(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    post(live_app, alice, event(problem="00.1", status="correct", points=1))
    post(live_app, alice, event(problem="00.1", status="correct", points=1))
    post(live_app, alice, event(problem="00.3", status="incorrect", points=0.5))
    post(live_app, bob, event(problem="00.3", status="correct", points=2))
    view = instructor(live_app)
    assert view["leaderboard_metric"] == "points"
    assert view["leaderboard"] == [
        {"rank": 1, "learner": "bob", "value": 2.0},
        {"rank": 2, "learner": "alice", "value": 1.5},
    ]


def test_hands_raise_claim_resolve_and_lower(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    post(live_app, alice, event("hand", message="KeyError on 00.2"))
    post(live_app, bob, event("hand", message="stuck"))
    hands = instructor(live_app)["hands"]
    assert [(h["learner"], h["message"], h["resolved"]) for h in hands] == [
        ("alice", "KeyError on 00.2", None),
        ("bob", "stuck", None),
    ]
    raised = {row["pseudonym"]: row["hand"] for row in board(live_app)["learners"]}
    assert raised == {alice["pseudonym"]: True, bob["pseudonym"]: True}
    sid, first = live_app.session, hands[0]["id"]
    claim = live_app.client.post(
        f"/api/s/{sid}/hands/{first}/claim", json={"helper": "TA Sam"}, headers=live_app.auth
    )
    assert claim.status_code == 200
    assert instructor(live_app)["hands"][0]["claimed_by"] == "TA Sam"
    resolved = live_app.client.post(
        f"/api/s/{sid}/hands/{first}/resolve", json={}, headers=live_app.auth
    )
    assert resolved.status_code == 200
    post(live_app, bob, event("lower"))
    hands = instructor(live_app)["hands"]
    assert all(h["resolved"] is not None for h in hands)
    assert not any(row["hand"] for row in board(live_app)["learners"])
    missing = live_app.client.post(
        f"/api/s/{sid}/hands/999/resolve", json={}, headers=live_app.auth
    )
    assert missing.status_code == 404


def reveal(live, **body):
    response = live.client.post(f"/api/s/{live.session}/reveal", json=body, headers=live.auth)
    assert response.status_code == 200, response.text


def solution(live, learner, problem="00.1") -> dict:
    response = live.client.get(
        f"/api/s/{live.session}/solution/{problem}", headers=bearer(learner["token"])
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_solution_not_released_says_so_then_released_now(live_app):
    alice = join(live_app, "alice")
    first = solution(live_app, alice)
    assert first["released"] is False and "not released" in first["reason"]
    reveal(live_app, problem="00.1")
    released = solution(live_app, alice)
    assert released["released"] is True
    assert "average_minutes" in released["text"]
    kinds = [e["kind"] for e in live_app.store.timeline(live_app.session, "alice")]
    assert kinds == ["solution"]  # only the released one is recorded


def test_solution_at_a_time_says_when_and_past_time_releases(live_app):
    alice = join(live_app, "alice")
    future = time.time() + 3600
    reveal(live_app, problem="00.1", at=future)
    pending = solution(live_app, alice)
    assert pending["released"] is False
    assert time.strftime("%H:%M", time.localtime(future)) in pending["reason"]
    reveal(live_app, problem="00.2", at=time.time() - 1)
    assert solution(live_app, alice, "00.2")["released"] is True


def test_solution_at_a_share_of_the_class(live_app):
    alice, bob = join(live_app, "alice"), join(live_app, "bob")
    reveal(live_app, problem="00.1", share=0.5)
    pending = solution(live_app, alice)
    assert pending["released"] is False
    assert "when 50% of the class has passed" in pending["reason"]
    post(live_app, bob, event(problem="00.1", status="correct"))
    assert solution(live_app, alice)["released"] is True
    reveals = instructor(live_app)["reveals"]
    assert reveals == [{"problem": "00.1", "at": None, "share": 0.5, "released": True}]


def test_export_holds_names_events_and_reveals(live_app):
    alice = join(live_app, "alice")
    post(live_app, alice, event(problem="00.1", status="incorrect", error="TypeError"))
    reveal(live_app, problem="00.1")
    data = live_app.client.get(f"/api/s/{live_app.session}/export", headers=live_app.auth).json()
    assert data["session"]["id"] == live_app.session and data["session"]["module"] == "00"
    assert [(r["name"], r["pseudonym"]) for r in data["learners"]] == [
        ("alice", alice["pseudonym"])
    ]
    stored = data["events"][0]
    assert stored["learner"] == "alice" and stored["error"] == "TypeError"
    assert {"id", "kind", "problem", "status", "time", "received", "points"} <= set(stored)
    assert data["reveals"][0]["problem"] == "00.1"


def test_sessions_are_created_listed_and_ids_checked(live_app):
    made = live_app.client.post(
        "/api/sessions",
        json={"module": "03", "title": "Pandas", "id": "pandas-morning"},
        headers=live_app.auth,
    )
    assert made.status_code == 200 and made.json()["id"] == "pandas-morning"
    again = live_app.client.post(
        "/api/sessions", json={"module": "03", "id": "pandas-morning"}, headers=live_app.auth
    )
    assert again.status_code == 409
    generated = live_app.client.post("/api/sessions", json={"module": "04"}, headers=live_app.auth)
    assert generated.json()["id"].startswith("04-")
    listed = live_app.client.get("/api/sessions", headers=live_app.auth).json()
    assert {"pandas-morning", live_app.session} <= {s["id"] for s in listed}
    bad = live_app.client.post("/api/sessions", json={"module": "3"}, headers=live_app.auth)
    assert bad.status_code == 422


def test_pages_are_served_with_security_headers(live_app):
    for path in ("/", f"/s/{live_app.session}", "/login"):
        response = live_app.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_missing_pages_have_placeholders(tmp_path):
    from fastapi.testclient import TestClient

    from .conftest import make_app

    app, store, sid = make_app(tmp_path, static_dir=tmp_path / "nothing")
    with TestClient(app) as client:
        page = client.get(f"/s/{sid}")
        assert page.status_code == 200 and "The class board." in page.text
        assert "name='token'" in client.get("/login").text
    store.dispose()


def read_updates(url: str, found: list, want: int) -> None:
    """Append the stream's status then its ``data:`` lines, until ``want`` of them came."""
    try:
        with httpx.Client(timeout=10) as client, client.stream("GET", url) as response:
            found.append(response.status_code)
            for line in response.iter_lines():
                if line.startswith("data:"):
                    found.append(line)
                if len(found) > want:
                    return
    except httpx.HTTPError as error:
        found.append(repr(error))


def wait_for(found: list, count: int, deadline: float) -> None:
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_stream_sends_an_update_after_an_event(live_server):
    found: list = []
    url = f"{live_server.url}/api/s/{live_server.session}/stream"
    reader = threading.Thread(target=read_updates, args=(url, found, 3), daemon=True)
    reader.start()
    deadline = time.monotonic() + 10
    wait_for(found, 2, deadline)
    assert found[:2] == [200, 'data: {"version": 0}']
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        learner = client.post(
            f"/api/s/{live_server.session}/join", json={"name": "alice", "key": live_server.key}
        ).json()
        wait_for(found, 3, deadline)
        client.post(
            f"/api/s/{live_server.session}/events",
            json={"events": [event(problem="00.1", status="correct")]},
            headers=bearer(learner["token"]),
        )
    wait_for(found, 4, deadline)
    assert found[2:4] == ['data: {"version": 1}', 'data: {"version": 2}']
    reader.join(timeout=5)
    assert not reader.is_alive()


def test_stream_of_an_unknown_session_is_404(live_app):
    assert live_app.client.get("/api/s/nope-nope/stream").status_code == 404


def test_store_limits(live_app, monkeypatch):
    monkeypatch.setattr(_store, "MAX_LEARNERS", 2)
    monkeypatch.setattr(_store, "MAX_EVENTS_PER_LEARNER", 3)
    alice = join(live_app, "alice")
    join(live_app, "bob")
    full = live_app.client.post(
        f"/api/s/{live_app.session}/join", json={"name": "carol", "key": live_app.key}
    )
    assert full.status_code == 422 and "full" in full.json()["detail"]
    assert post(live_app, alice, event("hint"), event("hint")).status_code == 200
    too_many = post(live_app, alice, event("hint"), event("hint"))
    assert too_many.status_code == 422 and "too many events" in too_many.json()["detail"]


def test_stream_pings_and_sees_changes_made_by_another_process(live_server, monkeypatch):
    from mlcourse.live import _app

    monkeypatch.setattr(_app, "PING_SECONDS", 0.3)
    monkeypatch.setattr(_app, "RECHECK_SECONDS", 0.2)
    lines: list[str] = []

    def read() -> None:
        url = f"{live_server.url}/api/s/{live_server.session}/stream"
        with httpx.Client(timeout=10) as client, client.stream("GET", url) as response:
            for line in response.iter_lines():
                lines.append(line)
                if 'data: {"version": 1}' in lines and ": ping" in lines:
                    return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 10
    while 'data: {"version": 0}' not in lines and time.monotonic() < deadline:
        time.sleep(0.02)
    live_server.store.join(live_server.session, "alice")  # not through this service
    reader.join(timeout=max(deadline - time.monotonic(), 0.1))
    assert not reader.is_alive()
    assert ": ping" in lines and 'data: {"version": 1}' in lines


def test_starting_the_service_leaves_other_log_handlers_open(tmp_path):
    """uvicorn's own logging setup (dictConfig) closes every existing handler; absl's handler,
    there once TensorFlow is imported, then closes its stream (a test run's captured stderr,
    a notebook's stderr). The service must start without it."""
    import logging

    from .conftest import make_app, serve_in_thread, stop_server

    class Watched(logging.Handler):
        closed = False

        def close(self):
            Watched.closed = True
            super().close()

    handler = Watched()
    logging.getLogger("mlcourse-test-watched").addHandler(handler)
    app, store, _sid = make_app(tmp_path)
    try:
        server, thread, _url = serve_in_thread(app)
        stop_server(server, thread)
    finally:
        logging.getLogger("mlcourse-test-watched").removeHandler(handler)
        store.dispose()
    assert not Watched.closed
