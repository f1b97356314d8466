"""The classroom store, the same tests on SQLite and on a real PostgreSQL (loopback)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from mlcourse.live import _auth, _store
from mlcourse.live._store import Conflict, NotFound, Store, events_table

from ..test_tracking.servers import postgres


@pytest.fixture(scope="module")
def postgres_url():
    with postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nested' / 'live.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url):
    opened = Store(store_url)
    yield opened
    opened.dispose()


def event(kind: str = "check", **fields) -> dict:
    return {"id": str(uuid.uuid4()), "time": time.time(), "kind": kind, **fields}


def learner_id(store: Store, sid: str, name: str) -> int:
    return store.learner_by_name(sid, name)["id"]


def test_the_url_gets_the_psycopg_driver_and_sqlite_uses_wal(store, store_url):
    if store_url.startswith("postgresql"):
        assert store.url.startswith("postgresql+psycopg://")
        assert store.engine.dialect.name == "postgresql"
    else:
        store.add_session("00")
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_sessions_are_added_found_and_closed(store):
    made = store.add_session("03", "Pandas", server_checks=True)
    assert made["id"].startswith("03-") and made["server_checks"] is True
    assert "secret" not in made and made["closed"] is None
    with pytest.raises(Conflict):
        store.add_session("03", session_id=made["id"])
    assert made["id"] in {s["id"] for s in store.sessions()}
    closed = store.close_session(made["id"])
    assert closed["closed"] is not None
    with pytest.raises(NotFound):
        store.join(made["id"], "alice")
    assert store.session("no-such-session") is None and store.version("no-such-session") == -1


def test_join_rejoin_and_pseudonym_collisions(store, monkeypatch):
    sid = store.add_session("00")["id"]
    alice = store.join(sid, "alice")
    assert store.learner_by_token(sid, alice["token"])["name"] == "alice"
    assert store.learner_by_token(sid, "made-up") is None
    with pytest.raises(Conflict):
        store.join(sid, "alice")
    with pytest.raises(Conflict):
        store.join(sid, "alice", "wrong-token")
    again = store.join(sid, "alice", alice["token"])
    assert (again["token"], again["pseudonym"]) == (alice["token"], alice["pseudonym"])
    trusted = store.join(sid, "alice", trusted=True)  # the Hub vouched: a new token
    assert trusted["token"] != alice["token"]
    assert store.learner_by_token(sid, alice["token"]) is None
    real = _auth.pseudonym
    monkeypatch.setattr(
        _auth, "pseudonym", lambda secret, name, attempt=0: real(secret, "same", attempt)
    )
    first, second = store.join(sid, "bob"), store.join(sid, "carol")
    assert first["pseudonym"] != second["pseudonym"]


def test_replayed_events_are_stored_once_even_when_posted_at_once(store):
    sid = store.add_session("00")["id"]
    store.join(sid, "alice")
    who = learner_id(store, sid, "alice")
    batch = [event("hint", problem="00.1") for _ in range(20)]
    threads = [threading.Thread(target=store.add_events, args=(sid, who, batch)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert store.add_events(sid, who, batch) == {"accepted": 0, "duplicates": 20, "ignored": 0}
    with store.engine.connect() as conn:
        stored = conn.execute(
            sa.select(sa.func.count()).where(events_table.c.learner == who)
        ).scalar()
    assert stored == 20


def test_a_second_store_on_the_same_database_sees_changes(store, store_url):
    sid = store.add_session("00")["id"]
    other = Store(store_url)
    try:
        before = other.version(sid)
        store.join(sid, "alice")
        assert other.version(sid) == before + 1
        assert [row["pseudonym"] for row in other.board(sid)["learners"]] == [
            store.learner_by_name(sid, "alice")["pseudonym"]
        ]
    finally:
        other.dispose()


def test_views_agree_on_both_databases(store):
    sid = store.add_session("00")["id"]
    for name in ("alice", "bob"):
        store.join(sid, name)
    alice, bob = learner_id(store, sid, "alice"), learner_id(store, sid, "bob")
    store.add_events(sid, alice, [event(problem="00.1", status="correct", points=1)])
    store.add_events(sid, bob, [event("error", problem="00.1", error="KeyError", detail="'x'")])
    store.add_events(sid, bob, [event("hand", message="help")])
    store.set_checkpoint(sid, "00.1")
    store.add_reveal(sid, "00.1", share=0.5)
    board = store.board(sid)
    assert board["checkpoint"] == {"problem": "00.1", "passed": 1, "total": 2}
    assert board["top_errors"][0]["learners"] == 1
    assert sorted(row["hand"] for row in board["learners"]) == [False, True]
    view = store.instructor_view(sid)
    assert view["leaderboard"] == [{"rank": 1, "learner": "alice", "value": 1.0}]
    assert view["reveals"][0]["released"] is True
    assert store.release(sid, "00.1") == (True, "")
    hand = view["hands"][0]["id"]
    store.claim_hand(sid, hand, "TA")
    store.resolve_hand(sid, hand)
    exported = store.export(sid)
    assert [h["claimed_by"] for h in exported["hands"]] == ["TA"]
    assert {e["learner"] for e in exported["events"]} == {"alice", "bob"}
    assert len(exported["events"]) == 3
    with pytest.raises(NotFound):
        store.claim_hand(sid, hand + 1000, "TA")


def test_limits(store, monkeypatch):
    monkeypatch.setattr(_store, "MAX_EVENTS_PER_LEARNER", 2)
    sid = store.add_session("00")["id"]
    store.join(sid, "alice")
    who = learner_id(store, sid, "alice")
    with pytest.raises(_store.TooMany):
        store.add_events(sid, who, [event("hint") for _ in range(3)])
    assert store.timeline(sid, "alice") == []
