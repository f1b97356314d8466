"""The learner's side of a live class, against a small stand-in for the class service."""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from mlcourse import exercises
from mlcourse.exercises import _events
from mlcourse.exercises._bound import CheckFailed
from mlcourse.live import _client, _http, _outbox
from mlcourse.live._protocol import EventBatch

REPO = Path(__file__).resolve().parents[2]
SESSION = "00-20261203-a1f2"
KEY = "join-key-0123456789abcdef"
CODE_MARK = 12345.678  # a learner's value: it must never leave the notebook


class FakeService:
    """join / events / solution / check, just enough; ``mode`` simulates trouble.

    Modes: ``"up"``; ``"drop"`` (no answer at all); ``"gone"`` (404: session closed);
    ``"drip"`` (an answer one byte at a time); ``"redirect"`` (302 to ``location``);
    ``"status"`` (every API call answers ``status``).
    """

    def __init__(self, *, server_checks: bool = False, session: str = SESSION) -> None:
        self.server_checks = server_checks
        self.session = session
        self.mode = "up"
        self.status = 503
        self.location = ""
        self.tokens: dict[str, str] = {}  # token -> learner
        self.events: dict[tuple[str, str], dict] = {}  # (learner, id) -> event
        self.posts = 0
        self.posted: list[list[str]] = []  # the event ids of every post, in order
        self.join_auth: list[str | None] = []  # the Authorization header of every join
        self.busy_joins = 0  # how many joins to answer 429 (busy) before accepting
        self.released: dict[str, str] = {}
        self.checks: list[dict] = []
        self.requests: list[tuple[str, str | None]] = []  # (path, Authorization)
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def learner_of(self, header: str | None) -> str | None:
        token = (header or "").removeprefix("Bearer ")
        return self.tokens.get(token)

    def join(self, handler, body: bytes) -> tuple[int, dict]:
        self.join_auth.append(handler.headers.get("Authorization"))
        if self.busy_joins:
            self.busy_joins -= 1
            return 429, {"detail": "too many joins from this address: try again in a moment"}
        request = json.loads(body)
        if request.get("key") != KEY:
            return 403, {"detail": "wrong join key"}
        name = request["name"]
        known = [t for t, n in self.tokens.items() if n == name]
        if known and handler.headers.get("Authorization") != f"Bearer {known[0]}":
            return 409, {"detail": "name taken"}
        token = known[0] if known else secrets.token_urlsafe(32)
        self.tokens[token] = name
        session = {"id": self.session, "module": "00", "title": "Warm-up"}
        session["server_checks"] = self.server_checks
        return 200, {
            "learner": name,
            "token": token,
            "pseudonym": "Amber Otter 12",
            "session": session,
        }

    def post_events(self, learner: str, body: bytes) -> tuple[int, dict]:
        batch = EventBatch.model_validate_json(body)
        accepted = duplicates = 0
        with self.lock:
            self.posts += 1
            self.posted.append([event.id for event in batch.events])
            for event in batch.events:
                key = (learner, event.id)
                if key in self.events:
                    duplicates += 1
                else:
                    self.events[key] = event.model_dump(exclude_none=True)
                    accepted += 1
        return 200, {"accepted": accepted, "duplicates": duplicates}

    def solution(self, problem: str) -> tuple[int, dict]:
        if problem in self.released:
            return 200, {"released": True, "text": self.released[problem]}
        return 200, {"released": False, "reason": "the instructor releases it at 10:30"}

    def check(self, learner: str, problem: str, body: bytes) -> tuple[int, dict]:
        from mlcourse.grader._encode import decode_answers

        with tempfile.TemporaryDirectory() as tmp, tarfile.open(fileobj=io.BytesIO(body)) as tar:
            tar.extractall(tmp, filter="data")
            answer = decode_answers(Path(tmp))[problem]
        outcome = exercises.get_module(problem[:2]).problem(problem).evaluate(answer)
        self.checks.append({"learner": learner, "problem": problem, "status": outcome.status})
        return 200, {**outcome.to_dict(), "attempt": len(self.checks)}

    def route(self, handler, method: str, body: bytes) -> tuple[int, dict] | None:
        self.requests.append((handler.path, handler.headers.get("Authorization")))
        parts = handler.path.strip("/").split("/")
        if parts[:2] != ["api", "s"] or len(parts) < 4:
            return 404, {"detail": "not found"}
        if self.mode in ("drop", "drip", "redirect"):
            return None if self.mode == "drop" else (0, {"mode": self.mode})
        if self.mode == "status":
            return self.status, {"detail": f"answered {self.status}"}
        if parts[2] != self.session or self.mode == "gone":
            return 404, {"detail": "no such session, or it is closed"}
        if method == "POST" and parts[3] == "join":
            return self.join(handler, body)
        learner = self.learner_of(handler.headers.get("Authorization"))
        if learner is None:
            return 401, {"detail": "unknown learner"}
        if method == "POST" and parts[3] == "events":
            return self.post_events(learner, body)
        if method == "GET" and parts[3] == "solution":
            return self.solution(parts[4])
        if method == "POST" and parts[3] == "check":
            return self.check(learner, parts[4], body)
        return 404, {"detail": "not found"}

    def stored(self, kind: str | None = None) -> list[dict]:
        with self.lock:
            return [e for e in self.events.values() if kind is None or e["kind"] == kind]


class _Handler(BaseHTTPRequestHandler):
    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        result = self.server.fake.route(self, method, body)
        if result is None:  # as if nothing answered
            self.close_connection = True
            return
        status, payload = result
        if payload.get("mode") == "drip":
            self._drip()
            return
        if payload.get("mode") == "redirect":
            self.send_response(302)
            self.send_header("Location", self.server.fake.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _drip(self) -> None:
        """A well-formed answer, one byte every 0.2 s: each read is quick, the whole is not."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "10000")
        self.end_headers()
        for _ in range(10_000):
            if self.server.fake.stop.wait(0.2):
                return
            try:
                self.wfile.write(b" ")
                self.wfile.flush()
            except OSError:
                return

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    def log_message(self, *args) -> None:
        pass


def _serve(fake: FakeService):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.fake = fake
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder with module 00's released exercises notebook, and a learner."""
    (tmp_path / "exercises").mkdir()
    for notebook in (REPO / "exercises").glob("00_*.ipynb"):
        shutil.copy(notebook, tmp_path / "exercises" / notebook.name)
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    monkeypatch.setenv("MLCOURSE_EVENTS", str(tmp_path / "events.jsonl"))
    monkeypatch.setenv("MLCOURSE_LEARNER", "ada")
    monkeypatch.setenv("MLCOURSE_STRICT", "0")
    monkeypatch.delenv("MLCOURSE_CLASS", raising=False)
    _client._reset()
    yield tmp_path
    _client._reset()


@pytest.fixture
def quiet(monkeypatch):
    """No background sender: the tests send with flush(), deterministically."""
    monkeypatch.setattr(_client, "_poke", lambda: None)


@contextlib.contextmanager
def running(fake: FakeService):
    """Serve ``fake`` on a loopback port; ``fake.url`` is its class URL (with the key)."""
    server, thread = _serve(fake)
    host, port = server.server_address
    fake.base = f"http://{host}:{port}"
    fake.url = f"{fake.base}/s/{fake.session}?key={KEY}"
    try:
        yield fake
    finally:
        fake.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def service():
    with running(FakeService()) as fake:
        yield fake


@pytest.fixture
def graded():
    with running(FakeService(server_checks=True)) as fake:
        yield fake


def _outbox_lines(course: Path, session: str = SESSION, learner: str = "ada") -> list[str]:
    path = course / ".mlcourse" / "live" / f"outbox.{session}.{learner}.jsonl"
    return path.read_text().splitlines() if path.exists() else []


class Oops(Exception):
    """A learner-defined exception."""


# --- the class URL and joining ----------------------------------------------------------------


def test_class_url_is_validated():
    assert _client.parse_class_url(f"http://10.0.0.5:8765/s/{SESSION}?key={KEY}") == (
        "http://10.0.0.5:8765",
        SESSION,
        KEY,
    )
    parsed = _client.parse_class_url(
        f"https://hub.example.org/services/live/s/{SESSION}/?key={KEY}"
    )
    assert parsed.base == "https://hub.example.org/services/live"
    assert str(parsed) == f"https://hub.example.org/services/live/s/{SESSION}?key={KEY}"
    for bad in (
        "10.0.0.5:8765/s/x",
        f"ftp://h/s/{SESSION}?key={KEY}",
        f"http://h:8765/s/UPPER?key={KEY}",
        f"http://h:99999/s/{SESSION}?key={KEY}",
        f"http://h/s/{SESSION}?x=1",
        f"http://h/s/{SESSION}?key={KEY}&x=1",
        f"http://user@h/s/{SESSION}?key={KEY}",
        "javascript:alert(1)",
    ):
        with pytest.raises(ValueError, match="is not a class URL"):
            _client.parse_class_url(bad)
    # the board's address (no key), or a key cut short: one message, saying what to copy
    for keyless in (
        f"http://h/s/{SESSION}",
        f"http://h/s/{SESSION}?key=",
        f"http://h/s/{SESSION}?key=short",
    ):
        with pytest.raises(ValueError, match="no valid join key: copy the full class URL"):
            _client.parse_class_url(keyless)


def test_join_saves_a_private_class_file_and_hides_the_token(course, quiet, service):
    info = _client.join(service.url)
    assert (info.session, info.module, info.pseudonym) == (SESSION, "00", "Amber Otter 12")
    path = course / ".mlcourse" / "live" / "class.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["token"] == info.token and saved["learner"] == "ada"
    assert saved["key"] == KEY and saved["url"] == service.url
    assert info.token not in repr(info) and KEY not in repr(info)
    assert "In class 00-20261203-a1f2" in _client.status()


def test_rejoin_uses_the_saved_token_and_a_taken_name_is_refused(course, quiet, service):
    first = _client.join(service.url)
    _client._reset()  # a restarted kernel
    again = _client.join(service.url)
    assert again.token == first.token
    for saved in (course / ".mlcourse" / "live").glob("class*.json"):
        saved.unlink()  # another machine: no saved token
    _client._reset()
    with pytest.raises(_client.JoinError, match="already taken"):
        _client.join(service.url)


def test_join_refuses_a_closed_session_and_an_unreachable_service(course, quiet, service):
    service.mode = "gone"
    with pytest.raises(_client.JoinError, match="no open class session"):
        _client.join(service.url)
    service.mode = "drop"
    with pytest.raises(_client.JoinError, match="cannot be reached"):
        _client.join(service.url)
    assert _client.joined() is None


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[1, 2]",
        json.dumps(
            {"url": "javascript:alert(1)", "session": SESSION, "learner": "ada", "token": "x" * 40}
        ),
        json.dumps(
            {
                "url": f"http://h/s/{SESSION}",
                "session": SESSION,
                "learner": "ada",
                "token": "a b;c" * 9,
            }
        ),
        json.dumps(
            {
                "url": f"http://h/s/{SESSION}",
                "session": "other-session",
                "learner": "ada",
                "token": "x" * 40,
            }
        ),
        json.dumps(
            {
                "url": f"http://h/s/{SESSION}",
                "session": SESSION,
                "learner": "<script>",
                "token": "x" * 40,
            }
        ),
        "[" * 100_000,
    ],
)
def test_a_hostile_class_file_is_ignored(course, quiet, service, text):
    path = course / ".mlcourse" / "live" / "class.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert _client._load_class() is None
    info = _client.join(service.url)  # joins afresh, sending no token from the file
    assert service.join_auth == [None]
    assert info.token in service.tokens
    assert _client._load_class() == info


# --- events -----------------------------------------------------------------------------------


def test_checks_and_hints_arrive_with_their_fields_and_no_code(course, quiet, service):
    _client.join(service.url)
    ex = exercises.load("00", {"average_minutes": CODE_MARK})
    outcome = ex.q1.check()
    ex.q1.hint()
    assert len(_outbox_lines(course)) == 2
    assert _client.flush() == 0
    [check] = service.stored("check")
    assert check["module"] == "00" and check["problem"] == "00.1"
    assert (
        (check["status"], check["points"]) == (outcome.status, outcome.points) == ("incorrect", 0)
    )
    [hint] = service.stored("hint")
    assert (hint["module"], hint["problem"]) == ("00", "00.1")
    sent = json.dumps(service.stored())
    assert "12345" not in sent and "average_minutes" not in sent
    assert _outbox_lines(course) == []
    assert [e["problem"] for e in _events.read()] == ["00.1"]  # the local log still has it


def test_a_cell_that_raises_sends_its_exception_class_and_first_line(course, quiet, service):
    _client.join(service.url)
    long_line = "bad value " + "x" * 200
    _client._on_post_run_cell(
        SimpleNamespace(
            error_in_exec=ValueError(long_line + "\nsecond line"),
            error_before_exec=None,
            info=SimpleNamespace(cell_id="s00-06"),  # module 00's answer cell of 00.1
        )
    )
    _client._on_post_run_cell(
        SimpleNamespace(
            error_in_exec=Oops(), error_before_exec=None, info=SimpleNamespace(cell_id="nope")
        )
    )
    _client._on_post_run_cell(  # an interrupt and a cell that ran fine send nothing
        SimpleNamespace(error_in_exec=KeyboardInterrupt(), error_before_exec=None, info=None)
    )
    _client._on_post_run_cell(
        SimpleNamespace(error_in_exec=None, error_before_exec=None, info=None)
    )
    _client.flush()
    errors = sorted(service.stored("error"), key=lambda e: e["error"])
    assert [e["error"] for e in errors] == ["ValueError", "tests.test_live.test_client.Oops"]
    assert errors[0]["detail"] == long_line[:80]
    assert (errors[0]["problem"], errors[0]["module"]) == ("00.1", "00")
    assert "problem" not in errors[1] and "detail" not in errors[1]


def test_exception_names_fit_the_protocol():
    def local():
        class Weird(Exception):
            pass

        return Weird("x")

    assert _client.exception_name(KeyError("k")) == "KeyError"
    assert _client.exception_name(local()) == "Weird"  # "<locals>" is not sendable
    assert _client.error_detail(ValueError("")) is None


def test_hands_and_done_are_sent_with_the_message(course, quiet, service, capsys):
    _client.raise_hand("   stuck   on\nq2 " + "!" * 300)
    assert "Not in a class session" in capsys.readouterr().out
    _client.join(service.url)
    _client.raise_hand("   stuck   on\nq2 " + "!" * 300)
    _client.done()  # queued: the sender posts it (here, the flush)
    assert "Marked as done" in capsys.readouterr().out
    assert _client.flush() == 0
    [hand] = service.stored("hand")
    assert hand["message"].startswith("stuck on q2 !") and len(hand["message"]) == 200
    assert hand["module"] == "00"
    assert len(service.stored("done")) == 1


def test_events_wait_while_the_service_is_down_and_are_replayed_once(course, quiet, service):
    _client.join(service.url)
    service.mode = "drop"
    ex = exercises.load("00", {"average_minutes": 1.0})
    with pytest.warns(UserWarning, match="cannot be reached") as caught:
        ex.q1.check()
        ex.q1.check()
        assert _client.flush() == 2
        assert _client.flush() == 2
    assert len([w for w in caught if "cannot be reached" in str(w.message)]) == 1  # once
    assert "2 event(s) waiting" in _client.status()
    lines = _outbox_lines(course)
    service.mode = "up"
    assert _client.flush() == 0
    assert len(service.stored("check")) == 2
    # a replay of what was already delivered (sent, then the kernel died) carries the same
    # ids, so the service (which keeps one row per learner and id) stores nothing new
    path = course / ".mlcourse" / "live" / f"outbox.{SESSION}.ada.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert _client.flush() == 0
    assert service.posted[-1] == service.posted[-2] == [json.loads(x)["id"] for x in lines]
    assert len(service.stored("check")) == 2


def test_corrupt_outbox_lines_are_skipped(course, quiet, service):
    _client.join(service.url)
    ex = exercises.load("00", {"average_minutes": 1.0})
    ex.q1.check()
    [good] = _outbox_lines(course)
    with_code = json.dumps({**json.loads(good), "id": "abcdefgh-1", "code": "import os"})
    path = course / ".mlcourse" / "live" / f"outbox.{SESSION}.ada.jsonl"
    path.write_text(f"{{garbage\n\x00\x01\n{with_code}\n[1,2]\n{good}\n" + "[" * 50_000 + "\n")
    assert _client.flush() == 0
    assert len(service.stored()) == 1
    assert path.read_text() == ""


def test_the_outbox_is_capped_dropping_the_oldest_once(course, quiet, service, monkeypatch):
    monkeypatch.setattr(_outbox, "OUTBOX_CAP", 5)
    _client.join(service.url)
    service.mode = "drop"
    ex = exercises.load("00", {"average_minutes": 1.0})
    with pytest.warns(UserWarning, match="oldest 1 were dropped") as caught:
        for _ in range(8):
            ex.q1.check()
    assert len([w for w in caught if "dropped" in str(w.message)]) == 1
    lines = _outbox_lines(course)
    assert len(lines) == 5


def test_a_closed_session_stops_sending_and_says_so_once(course, quiet, service):
    _client.join(service.url)
    ex = exercises.load("00", {"average_minutes": 1.0})
    ex.q1.check()
    service.mode = "gone"
    with pytest.warns(UserWarning, match="is closed") as caught:
        assert _client.flush() == 1
        ex.q1.check()  # no exception, nothing more queued
        assert _client.flush() == 1
    assert len(caught) == 1
    assert len(_outbox_lines(course)) == 1
    assert "is closed" in _client.status()


def test_the_background_sender_delivers_without_a_flush(course, service):
    _client.join(service.url)
    exercises.load("00", {"average_minutes": 1.0}).q1.check()
    deadline = time.monotonic() + 10
    while not service.stored("check") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(service.stored("check")) == 1


def test_the_background_sender_retries_after_an_outage(course, service):
    _client.join(service.url)
    service.mode = "drop"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exercises.load("00", {"average_minutes": 1.0}).q1.check()
        deadline = time.monotonic() + 10
        while service.posts == 0 and not _client._STATE.outage and time.monotonic() < deadline:
            time.sleep(0.02)
        service.mode = "up"  # the next attempt (after 1 s) gets through, with no new event
        deadline = time.monotonic() + 10
        while not service.stored("check") and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(service.stored("check")) == 1


# --- solutions and server checks --------------------------------------------------------------


def test_a_solution_comes_from_the_service_in_class(course, quiet, service):
    ex = exercises.load("00", {})
    _client.join(service.url)
    text = ex.q1.solution()
    assert "not released yet" in text.plain and "10:30" in text.plain
    service.released["00.1"] = "average_minutes = 42"
    text = ex.q1.solution()
    assert "average_minutes = 42" in text.plain and "Solution to 00.1" in text.plain
    service.mode = "drop"
    text = ex.q1.solution()
    assert "cannot be reached" in text.plain and "average_minutes" not in text.plain
    assert service.stored("solution") == []  # the service records released solutions itself


def test_outside_a_class_the_local_solution_is_shown(course, quiet):
    ex = exercises.load("00", {})
    assert "not released" not in ex.q1.solution().plain


def test_a_graded_class_judges_checks_on_the_service(course, quiet, graded, monkeypatch):
    info = _client.join(graded.url)
    assert info.server_checks
    right = sum([25, 40, 0, 35, 50, 30, 45]) / 7
    ex = exercises.load("00", {"average_minutes": right})
    outcome = ex.q1.check()
    assert outcome.correct and outcome.details["attempt"] == 1
    wrong = exercises.load("00", {"average_minutes": CODE_MARK}).q1.check()
    assert wrong.status == "incorrect" and wrong.details["attempt"] == 2
    assert [c["status"] for c in graded.checks] == ["correct", "incorrect"]
    assert _outbox_lines(course) == []  # the service recorded the checks, the notebook sends none
    assert [e["status"] for e in _events.read()] == ["correct", "incorrect"]
    graded.mode = "drop"
    down = ex.q1.check()
    assert down.status == "checker_error" and "could not be reached" in down.message
    assert len(_events.read()) == 2  # nothing recorded
    monkeypatch.setenv("MLCOURSE_STRICT", "1")
    with pytest.raises(CheckFailed):
        ex.q1.check()


# --- joining from setup_notebook and mlcourse lab --class ---------------------------------------


def test_setup_joins_the_class_named_in_the_environment(
    course, quiet, service, monkeypatch, capsys
):
    from mlcourse import _setup

    _setup._join_class()
    assert capsys.readouterr().out == "" and _client.joined() is None
    monkeypatch.setenv("MLCOURSE_CLASS", "http://nowhere")
    _setup._join_class()
    assert "Live class: not joined" in capsys.readouterr().out
    monkeypatch.setenv("MLCOURSE_CLASS", service.url)
    _setup._join_class()
    assert "joined 00-20261203-a1f2 as Amber Otter 12" in capsys.readouterr().out


def test_lab_passes_the_class_to_its_kernels(tmp_path):
    from mlcourse import lab

    url = lab._check_class_url(f"http://10.0.0.5:8765/s/{SESSION}/?key={KEY}")
    assert url == f"http://10.0.0.5:8765/s/{SESSION}?key={KEY}"
    assert lab.lab_environment(tmp_path, None, None, url)["MLCOURSE_CLASS"] == url
    with pytest.raises(lab.LabError, match="not a class URL"):
        lab._check_class_url("10.0.0.5:8765")
    with pytest.raises(lab.LabError, match="copy the full class URL"):
        lab._check_class_url(f"http://10.0.0.5:8765/s/{SESSION}")


def test_leave_forgets_the_class(course, quiet, service):
    _client.join(service.url)
    exercises.load("00", {"average_minutes": 1.0}).q1.check()
    _client.leave()
    assert len(service.stored("check")) == 1
    assert not (course / ".mlcourse" / "live" / "class.json").exists()
    assert "Not in a class session" in _client.status()


def test_outside_a_class_nothing_is_imported_or_sent(tmp_path):
    script = """
import socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("a network call outside a class")
socket.socket.connect = refuse
socket.create_connection = refuse
import mlcourse
ex = mlcourse.exercises.load("00", {"average_minutes": 1.0})
ex.q1.check(); ex.q1.hint(); ex.q1.solution()
live = sorted(m for m in sys.modules if m.startswith("mlcourse.live"))
print(live)
"""
    env = {
        **os.environ,
        "MLCOURSE_STRICT": "0",
        "MLCOURSE_EVENTS": str(tmp_path / "events.jsonl"),
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path}/mlflow.db",
    }
    env.pop("MLCOURSE_CLASS", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert len(_events.read(tmp_path / "events.jsonl")) == 1


# --- against the real classroom service ----------------------------------------------------------


def _export(server) -> dict:
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}/api/s/{server.session}/export", headers=server.auth
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_end_to_end_with_the_classroom_service(course, quiet, live_server):
    info = _client.join(live_server.class_url)
    assert info.module == "00" and info.pseudonym and not info.server_checks
    ex = exercises.load("00", {"average_minutes": CODE_MARK})
    ex.q1.check()
    ex.q1.hint()
    _client._on_post_run_cell(
        SimpleNamespace(
            error_in_exec=ZeroDivisionError("division by zero"),
            error_before_exec=None,
            info=SimpleNamespace(cell_id="s00-06"),
        )
    )
    _client.raise_hand("help with q1")
    assert _client.flush() == 0
    text = ex.q1.solution()
    assert "not released yet" in text.plain
    events = {e["kind"]: e for e in _export(live_server)["events"]}
    assert events["check"]["status"] == "incorrect" and events["check"]["problem"] == "00.1"
    assert events["hint"]["problem"] == "00.1"
    assert (events["error"]["error"], events["error"]["problem"]) == ("ZeroDivisionError", "00.1")
    assert events["hand"]["message"] == "help with q1"
    assert "12345" not in json.dumps(events)
    # a replay of delivered events is stored once
    _client._STATE.append(
        {
            **{
                k: v
                for k, v in events["hint"].items()
                if k in ("id", "time", "kind", "module", "problem")
            }
        }
    )
    assert _client.flush() == 0
    assert len([e for e in _export(live_server)["events"] if e["kind"] == "hint"]) == 1


def test_server_checks_with_the_classroom_service(course, quiet, tmp_path):
    from .conftest import join_key_of, make_app, serve_in_thread, stop_server

    app, store, sid = make_app(tmp_path, server_checks=True)
    server, thread, url = serve_in_thread(app)
    try:
        info = _client.join(f"{url}/s/{sid}?key={join_key_of(store, sid)}")
        assert info.server_checks
        right = sum([25, 40, 0, 35, 50, 30, 45]) / 7
        outcome = exercises.load("00", {"average_minutes": right}).q1.check()
        assert outcome.correct, outcome
        wrong = exercises.load("00", {"average_minutes": CODE_MARK}).q1.check()
        assert wrong.status == "incorrect"
        assert _outbox_lines(course) == []
        checks = [e for e in store.export(sid)["events"] if e["kind"] == "check"]
        assert [e["status"] for e in checks] == ["correct", "incorrect"]
    finally:
        stop_server(server, thread)
        store.dispose()


# --- a hostile or broken service --------------------------------------------------------------


def _rendered(markdown: str) -> str:
    """The HTML a notebook makes of ``markdown`` (CommonMark, raw HTML allowed, as Jupyter)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "linkify"]).render(markdown)


def test_a_redirect_is_refused_and_the_token_goes_nowhere_else(course, quiet, service):
    info = _client.join(service.url)
    with running(FakeService()) as elsewhere:
        service.mode, service.location = "redirect", f"{elsewhere.base}/steal"
        ex = exercises.load("00", {"average_minutes": 1.0})
        text = ex.q1.solution()
        assert "cannot be reached" in text.plain
        with pytest.warns(UserWarning, match="redirect"):
            ex.q1.check()
            assert _client.flush() == 1  # kept, not dropped
        assert elsewhere.requests == []
    assert all(auth in (None, f"Bearer {info.token}") for _, auth in service.requests)


@pytest.mark.parametrize("status", [307, 308, 405, 408, 409])
def test_an_unexpected_answer_keeps_the_events(course, quiet, service, status):
    _client.join(service.url)
    service.mode, service.status = "status", status
    exercises.load("00", {"average_minutes": 1.0}).q1.check()
    with pytest.warns(UserWarning, match="events are kept"):
        assert _client.flush() == 1
    service.mode = "up"
    assert _client.flush() == 0
    assert len(service.stored("check")) == 1


def test_a_batch_the_service_can_never_take_is_dropped_and_the_next_outage_warns(
    course, quiet, service
):
    _client.join(service.url)
    service.mode, service.status = "status", 422
    ex = exercises.load("00", {"average_minutes": 1.0})
    ex.q1.check()
    with pytest.warns(UserWarning, match="refused 1 event") as caught:
        assert _client.flush() == 0
    assert not any("cannot be reached" in str(w.message) for w in caught)
    assert "cannot be reached" not in _client.status()  # it answered: no outage
    service.mode = "drop"
    ex.q1.check()
    with pytest.warns(UserWarning, match="cannot be reached"):
        assert _client.flush() == 1


@pytest.fixture
def short_deadlines(monkeypatch):
    monkeypatch.setattr(_http, "REQUEST_TIMEOUT", 1.0)
    monkeypatch.setattr(_client, "CHECK_TIMEOUT", 1.5)


def _timed(call) -> tuple[float, object]:
    start = time.monotonic()
    result = call()
    return time.monotonic() - start, result


def test_a_drip_feeding_service_cannot_hold_join(course, quiet, service, short_deadlines):
    service.mode = "drip"
    elapsed, _ = _timed(lambda: pytest.raises(_client.JoinError, _client.join, service.url))
    assert elapsed < _http.REQUEST_TIMEOUT + 1


def test_a_drip_feeding_service_cannot_hold_solution_or_flush(
    course, quiet, service, short_deadlines
):
    _client.join(service.url)
    service.mode = "drip"
    ex = exercises.load("00", {"average_minutes": 1.0})
    elapsed, text = _timed(ex.q1.solution)
    assert elapsed < _http.REQUEST_TIMEOUT + 1 and "cannot be reached" in text.plain
    ex.q1.check()
    with pytest.warns(UserWarning, match="no complete answer"):
        elapsed, left = _timed(lambda: _client.flush(2.0))
    assert elapsed < 2.0 + 1 and left == 1


def test_a_drip_feeding_service_cannot_hold_done(course, service, short_deadlines):
    _client.join(service.url)
    service.mode = "drip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exercises.load("00", {"average_minutes": 1.0}).q1.check()
        deadline = time.monotonic() + 10  # the background sender is now inside the drip
        while not service.requests[1:] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _client._STATE.send_lock.locked()
        elapsed, _ = _timed(_client.done)
        assert elapsed < 1.0
        elapsed, left = _timed(lambda: _client.flush(0.5))  # waits for the lock 0.5 s at most
        assert elapsed < 0.5 + 1 and left == 2
        _client._STATE.stop_sending_thread()  # its own deadline ends the sender's post


def test_a_drip_feeding_service_cannot_hold_a_server_check(course, quiet, graded, short_deadlines):
    _client.join(graded.url)
    graded.mode = "drip"
    elapsed, outcome = _timed(exercises.load("00", {"average_minutes": 1.0}).q1.check)
    assert elapsed < _client.CHECK_TIMEOUT + 1
    assert outcome.status == "checker_error" and "could not be reached" in outcome.message


def test_a_released_solution_cannot_break_out_of_its_code_block(course, quiet, service):
    ex = exercises.load("00", {})
    _client.join(service.url)
    service.released["00.1"] = (
        "x = 1\n```\n<img src=x onerror=alert(1)>\n[click](javascript:alert(1))\n````python\n"
    )
    text = ex.q1.solution()
    page = _rendered(text.markdown)
    assert "<img" not in page and "<a " not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown, as code
    assert page.count("<pre>") == 1
    service.released["00.1"] = "y = 2\n" * 10_000
    assert "cut: too long" in ex.q1.solution().markdown


def test_the_services_words_are_shown_as_text(course, quiet, service, graded):
    hostile = "see [this](javascript:alert(1)) ![x](http://t.example/x.png) <b>now</b> **loud**"
    service.mode, service.status = "up", 200
    service.solution = lambda problem: (200, {"released": False, "reason": hostile})
    _client.join(service.url)
    page = _rendered(exercises.load("00", {}).q1.solution().markdown)
    assert "<a" not in page and "<img" not in page and "<b>" not in page
    assert "<strong>" not in page and "[this](javascript:alert(1))" in page
    outcome = _client._outcome_from(
        {"problem": "00.1", "status": "incorrect", "message": hostile, "points": 0},
        exercises.get_module("00").problem("00.1"),
    )
    page = _rendered(outcome._repr_markdown_())
    assert "<a" not in page and "<img" not in page and "<b>" not in page
    assert "Incorrect" in page and "![x](http://t.example/x.png)" in page
    assert str(outcome).endswith(hostile)  # the plain text is unchanged


def test_a_closed_session_stops_server_checks(course, quiet, graded):
    _client.join(graded.url)
    right = sum([25, 40, 0, 35, 50, 30, 45]) / 7
    ex = exercises.load("00", {"average_minutes": right})
    assert ex.q1.check().details["attempt"] == 1
    graded.mode = "gone"
    with pytest.warns(UserWarning, match="is closed") as caught:
        first = ex.q1.check()
        second = ex.q1.check()
    assert len(caught) == 1
    assert first.correct and second.correct and "attempt" not in first.details  # judged here
    assert len(graded.checks) == 1 and len(graded.requests) == 3  # join, 1st check, the 404
    assert "is closed" in _client.status()


# --- two kernels, two sessions --------------------------------------------------------------


def test_two_kernels_in_two_sessions_keep_their_own_outboxes(course, quiet, service):
    other_session = "00-20261203-b2c3"
    with running(FakeService(session=other_session)) as other:
        _client.join(service.url)
        service.mode = "drop"
        with pytest.warns(UserWarning, match="cannot be reached"):
            _client.raise_hand("kernel A in session A")
            assert _client.flush() == 1
        kernel_a = _client._STATE
        _client._STATE = _client._State()  # another kernel of the same learner
        _client.join(other.url)
        _client.raise_hand("kernel B in session B")
        assert _client.flush() == 0
        assert _outbox_lines(course) != [] and _outbox_lines(course, other_session) == []
        _client._STATE = kernel_a  # back to kernel A: its event is still there, and only it
        service.mode = "up"
        assert _client.flush() == 0
        assert [e["message"] for e in service.stored("hand")] == ["kernel A in session A"]
        assert [e["message"] for e in other.stored("hand")] == ["kernel B in session B"]
        # kernel A restarts and joins session A again: its saved token still serves
        _client._STATE = _client._State()
        assert _client.join(service.url).token in service.tokens


# --- what errors say ---------------------------------------------------------------------------


def _cell_error(error: BaseException, cell_id: str) -> SimpleNamespace:
    return SimpleNamespace(
        error_in_exec=error, error_before_exec=None, info=SimpleNamespace(cell_id=cell_id)
    )


def test_an_error_detail_is_sent_only_for_exercise_cells_and_never_a_path(course, quiet, service):
    _client.join(service.url)
    private = FileNotFoundError("No such file: '/home/ada.lovelace/secret/grades.csv'")
    _client._on_post_run_cell(_cell_error(private, "not-an-exercise-cell"))
    _client._on_post_run_cell(_cell_error(private, "s00-06"))
    _client._on_post_run_cell(_cell_error(KeyError("target"), "s00-06"))
    long_value = ValueError("could not convert string to float: 'Ada Lovelace, 10 Downing St'")
    _client._on_post_run_cell(_cell_error(long_value, "s00-06"))
    windows = OSError(r"cannot open C:\Users\ada\notes.txt for reading")
    _client._on_post_run_cell(_cell_error(windows, "s00-06"))
    assert _client.flush() == 0
    sent = [(e.get("problem"), e.get("detail")) for e in service.stored("error")]
    assert sent == [
        (None, None),
        ("00.1", "No such file: '…'"),
        ("00.1", "'target'"),
        ("00.1", "could not convert string to float: '…'"),
        ("00.1", "cannot open <path> for reading"),
    ]
    assert "lovelace" not in json.dumps(service.stored()).lower()


def test_a_failed_check_carries_the_exception_class_of_its_first_failing_case(
    course, quiet, service
):
    from mlcourse.checks import Case, Function

    problem = Function(
        "00.1",
        name="halve",
        reference=lambda x: x / 2,
        cases=[Case(4), Case(6)],
        hidden=[Case(8, label="eight")],
    )

    def fails_on_six(x):
        if x == 6:
            raise Oops("six: '/home/ada/x'")
        return x / 2

    outcome = problem.check({"halve": fails_on_six})
    assert outcome.details["error"] == "tests.test_live.test_client.Oops"
    assert problem.check({"halve": lambda x: x}).details.get("error") is None  # returned
    assert "error" not in problem.check({"halve": lambda x: x / 2}).details
    _client.join(service.url)
    _client.on_check(outcome, "00")
    _client.on_check(problem.check({"halve": lambda x: x}), "00")
    assert _client.flush() == 0
    errors = [(e["status"], e.get("error"), e.get("detail")) for e in service.stored("check")]
    assert errors == [
        ("incorrect", "tests.test_live.test_client.Oops", None),
        ("incorrect", None, None),
    ]


# --- the outbox's cost --------------------------------------------------------------------------


def test_appending_to_a_long_outbox_parses_nothing(course, quiet, service, monkeypatch):
    monkeypatch.setattr(_outbox, "OUTBOX_CAP", 40)
    _client.join(service.url)
    service.mode = "drop"
    for _ in range(30):
        _client._emit("hint", module="00", problem="00.1")
    assert len(_outbox_lines(course)) == 30
    parsed = []
    real = _outbox.read_events
    monkeypatch.setattr(_outbox, "read_events", lambda *a, **k: parsed.append(1) or real(*a, **k))
    for _ in range(9):
        _client._emit("hint", module="00", problem="00.1")
    _client._emit("hint", module="00", problem="00.1")  # the 40th: the outbox is full
    assert parsed == [] and len(_outbox_lines(course)) == 40  # lines were counted, not parsed
    with pytest.warns(UserWarning, match="oldest 5 were dropped"):
        _client._emit("hint", module="00", problem="00.1")  # one more: 1 + a tenth of the cap
    assert len(_outbox_lines(course)) == 36
    for _ in range(3):
        _client._emit("hint", module="00", problem="00.1")
    assert len(parsed) == 1 and len(_outbox_lines(course)) == 39


def test_a_join_refused_as_busy_waits_and_asks_again(course, quiet, service, monkeypatch):
    pauses = []
    monkeypatch.setattr(_client.time, "sleep", pauses.append)
    service.busy_joins = 2
    info = _client.join(service.url)
    assert info.session == SESSION and len(service.join_auth) == 3
    assert pauses == [0.5, 1.0]


def test_a_join_still_busy_after_the_retries_fails_with_one_clear_error(
    course, quiet, service, monkeypatch
):
    monkeypatch.setattr(_client.time, "sleep", lambda _seconds: None)
    service.busy_joins = 10
    with pytest.raises(_client.JoinError, match="429"):
        _client.join(service.url)
    assert len(service.join_auth) == 5  # the first try and four more


def test_the_hub_token_goes_only_to_the_hubs_own_origins(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "learner-token")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")
    for name in ("JUPYTERHUB_PUBLIC_HUB_URL", "MLCOURSE_CLASS"):
        monkeypatch.delenv(name, raising=False)
    assert _client._hub_token("http://127.0.0.1:8081/services/live/") == "learner-token"
    # another port of the same machine is anyone's: a learner could listen there
    assert _client._hub_token("http://127.0.0.1:9999/services/live/") is None
    assert _client._hub_token("https://127.0.0.1:8081/services/live/") is None
    assert _client._hub_token("https://hub.example.edu/services/live/") is None
    monkeypatch.setenv("MLCOURSE_CLASS", "http://127.0.0.1:8000/services/live/s/x?key=k")
    assert _client._hub_token("http://127.0.0.1:8000/services/live/s/y") == "learner-token"
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_HUB_URL", "https://hub.example.edu/hub/")
    assert _client._hub_token("https://HUB.example.edu:443/services/live/") == "learner-token"
    assert _client._hub_token("http://hub.example.edu/services/live/") is None
    assert _client._hub_token("https://hub.example.edu.evil.test/services/live/") is None
    assert _client._hub_token("http://evil.test/?hub.example.edu") is None
    assert _client._hub_token("http://127.0.0.1:notaport/") is None
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN")
    assert _client._hub_token("http://127.0.0.1:8000/services/live/") is None
