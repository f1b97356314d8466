"""A live class of 30 in a real browser: the projector board and the instructor's page.

The real service runs on loopback. A session on module 00 is opened with the instructor's
token; 27 learners are event streams posted over HTTP from a thread pool (varied progress,
failed checks with errors, three of them stuck, three raised hands, two done) and three are
real kernels running module 00's solutions notebook with ``MLCOURSE_CLASS`` set, as
``mlcourse lab --class URL`` starts them. Headless Chromium (the system's, driven by
Playwright) then reads what the board and the instructor's page show: 30 rows, the
checkpoint's count, the most common error with its count, no real name on the board, a new
check appearing within 5 s, the stuck learners and the help queue, claims and a resolve,
pacing, a learner's timeline; hostile text stays text. A second test fills the board with
200 learners (it scrolls inside its grid, the checkpoint stays in view) and restarts the
service under it ("reconnecting…", then caught up). Screenshots land in
``$MLCOURSE_TEST_ARTIFACTS/live`` (``make test`` keeps them in ``test-output/``; else the
test's folder); with ``MLCOURSE_UPDATE_SCREENSHOTS=1``
the board's is also copied to ``docs/images/live-board.png`` for the README.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ..helpers import CHROMIUM, needs_chromium, screenshot_folder

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

ROOT = Path(__file__).resolve().parents[2]
MODULE = "00_start_here.ipynb"
pytestmark = needs_chromium()

POINTS = {"00.1": 1.0, "00.2": 1.0, "00.3": 2.0}
KERNELS = ("kernel-1", "kernel-2", "kernel-3")
HOSTILE_MESSAGE = '<img src=x onerror="window.__injected=1">stuck on <b>00.2</b>'
HOSTILE_DETAIL = '<img src=x onerror="window.__injected=2">'
HAND_MESSAGES = {12: "KeyError on 00.2, what is target?", 19: HOSTILE_MESSAGE, 23: "Help!"}


def _real_name(i: int) -> str:
    return f"ada.byron{i:02d}"


def _check(problem: str, status: str, error: str | None = None, detail: str | None = None):
    return {
        "kind": "check",
        "problem": problem,
        "status": status,
        "points": POINTS[problem] if status == "correct" else 0.0,
        "error": error,
        "detail": detail,
    }


def _progress(i: int) -> list[dict]:
    """What learner ``i`` of the 27 did: varied, with failures, stuck learners, hands, done.

    0-11 pass 00.1 and 00.2 (0-5 also 00.3; 0 and 1 are done); 12-18 fail 00.2 with
    KeyError 'target'; 19-21 fail 00.2 three times in a row (stuck); 22 fails 00.2 with a
    ValueError; 23-26 have passed 00.1 or nothing yet. Hands are raised after all this, one
    at a time (:data:`HAND_MESSAGES`).
    """
    if i < 12:
        steps = [_check("00.1", "correct"), _check("00.2", "correct")]
        if i < 6:
            steps.append(_check("00.3", "correct"))
        if i < 2:
            steps.append({"kind": "done"})
    elif i < 19:
        steps = [_check("00.1", "correct"), _check("00.2", "incorrect", "KeyError", "'target'")]
    elif i < 22:
        steps = [_check("00.2", "incorrect", "TypeError", "unsupported operand")] * 3
    elif i == 22:
        steps = [_check("00.2", "incorrect", "ValueError", "could not convert string to float")]
    elif i < 25:
        steps = [_check("00.1", "correct")]
    else:
        steps = [{"kind": "hint", "problem": "00.1"}]
    return steps


def _events(steps: list[dict]) -> list[dict]:
    start = time.time()
    return [
        {"id": str(uuid.uuid4()), "time": start + k * 0.001, "module": "00", **step}
        for k, step in enumerate(steps)
    ]


class Learner:
    """One simulated learner: joins over HTTP, then posts its events as its notebook would."""

    def __init__(self, base: str, session: str, name: str, key: str):
        self.api = f"{base}/api/s/{session}"
        self.name = name
        answer = httpx.post(f"{self.api}/join", json={"name": name, "key": key}, timeout=10)
        assert answer.status_code == 200, answer.text
        self.token = answer.json()["token"]
        self.pseudonym = answer.json()["pseudonym"]

    def post(self, steps: list[dict]) -> dict:
        answer = httpx.post(
            f"{self.api}/events",
            json={"events": _events(steps)},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()


def _simulate(base: str, session: str, key: str) -> list[Learner]:
    def one(i: int) -> Learner:
        learner = Learner(base, session, _real_name(i), key)
        accepted = learner.post(_progress(i))
        assert accepted["accepted"] == len(_progress(i)), accepted
        return learner

    with ThreadPoolExecutor(max_workers=8) as pool:
        learners = list(pool.map(one, range(27)))
    for i, message in sorted(HAND_MESSAGES.items()):  # one after the other: a known order
        learners[i].post([{"kind": "hand", "message": message}])
    return learners


def _course_copy(folder: Path) -> Path:
    """A course folder of module 00 alone, as a learner's machine has it."""
    for part in ("curriculum", "exercises", "solutions"):
        (folder / part).mkdir(parents=True)
        shutil.copy(ROOT / part / MODULE, folder / part / MODULE)
    return folder


def _outbox_lines(root: Path) -> int:
    outboxes = (root / ".mlcourse" / "live").glob("outbox.*.jsonl")
    return sum(len(path.read_text().splitlines()) for path in outboxes)


def _run_kernels(class_url: str, tmp_path: Path, monkeypatch) -> None:
    """Module 00's solutions in three real kernels that joined the class.

    Each kernel is a learner on a machine of their own (a course folder each). Whatever a
    kernel had not sent when it shut down stays in its outbox and is replayed when that
    learner joins again (here, from this process, as the learner's next notebook would).
    """
    from mlcourse.exercises._run import run_notebook
    from mlcourse.live import _client

    for name in KERNELS:
        root = _course_copy(tmp_path / name)
        env = {
            "MLCOURSE_CLASS": class_url,
            "MLCOURSE_LEARNER": name,
            "MLCOURSE_ROOT": str(root),
            "MLFLOW_TRACKING_URI": (root / "mlruns").as_uri(),
        }
        run = run_notebook(root / "solutions" / MODULE, env=env, timeout=60)
        assert run.error is None, run.error
        assert set(run.statuses.values()) == {"correct"}, run.statuses
        assert (root / ".mlcourse" / "live" / "class.json").exists(), f"{name} did not join"
        if _outbox_lines(root):
            monkeypatch.setenv("MLCOURSE_ROOT", str(root))
            _client.join(class_url, name=name)
            try:
                assert _client.flush(5.0) == 0, f"{name}'s events could not be replayed"
            finally:
                _client.leave()


def _wait_for(condition, what: str, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def _no_element_injected(page, container: str) -> None:
    assert page.locator(f"{container} img").count() == 0
    assert page.locator(f"{container} b").count() == 0
    assert page.evaluate("window.__injected === undefined")


@pytest.fixture
def instructor(live_server):
    """An HTTP client carrying the instructor's token, for the service of ``live_server``."""
    with httpx.Client(base_url=live_server.url, headers=live_server.auth, timeout=10) as client:
        yield client


def test_a_class_of_30_on_the_board_and_the_instructor_page(
    live_server, instructor, tmp_path, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    base, token = live_server.url, live_server.token
    opened = instructor.post("/api/sessions", json={"module": "00", "title": "Start here, live"})
    assert opened.status_code == 200, opened.text
    session, key = opened.json()["id"], opened.json()["join_key"]
    class_url = f"{base}/s/{session}"

    hostile = httpx.post(
        f"{base}/api/s/{session}/join",
        json={"name": "<img src=x onerror=alert(1)>", "key": key},
        timeout=10,
    )
    assert hostile.status_code == 422  # a name is never markup

    # the checkpoint first: done marks count from the checkpoint they answer
    set_point = instructor.post(f"/api/s/{session}/checkpoint", json={"problem": "00.2"})
    assert set_point.status_code == 200, set_point.text
    learners = _simulate(base, session, key)
    _run_kernels(f"{class_url}?key={key}", tmp_path, monkeypatch)
    names = [learner.name for learner in learners] + list(KERNELS)

    board = _wait_for(
        lambda: (
            (b := instructor.get(f"/api/s/{session}/board").json())["checkpoint"]["passed"] == 15
            and b
        ),
        "the kernels' checks reaching the board",
    )
    assert len(board["learners"]) == 30
    assert board["checkpoint"] == {"problem": "00.2", "passed": 15, "total": 30}

    shots = screenshot_folder("live", tmp_path)
    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on(
                "console",
                lambda m: console_errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: console_errors.append(str(e)))

            page.goto(base)  # the index lists no sessions: it says to ask for the class URL
            expect(page.locator("main")).to_contain_text("Open the class URL your instructor")
            assert session not in page.content()

            # --- the projector board: public, pseudonymous -------------------------------
            response = page.goto(class_url)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            rows = page.locator("#grid-body tr")
            expect(rows).to_have_count(30, timeout=10_000)
            expect(page.locator("#checkpoint-count")).to_have_text("15 of 30 done (50%)")
            expect(page.locator("#connection")).to_have_text("live", timeout=10_000)
            errors = page.locator("#error-lines li")
            expect(errors.first).to_have_text("7 learners: KeyError 'target' on 00.2")
            expect(errors.filter(has_text="3 learners: TypeError")).to_have_count(1)
            headers = page.locator("#grid-head th").all_inner_texts()
            # exercises, then the knowledge checks (kc1-kc8 of module 00)
            assert headers[2:] == ["00.1", "00.2", "00.3"] + [f"kc{k}" for k in range(1, 9)]
            text = page.locator("body").inner_text()
            html = page.content()
            for name in names:
                assert name not in text and name not in html, f"{name} is on the board"
            for learner in learners:
                assert learner.pseudonym in text
            expect(page.locator("#grid-body .hand-mark")).to_have_count(3)
            expect(page.locator("#grid-body .done-mark")).to_have_count(2)
            page.screenshot(path=str(shots / "live-board.png"))
            if os.environ.get("MLCOURSE_UPDATE_SCREENSHOTS") == "1":
                (ROOT / "docs" / "images").mkdir(parents=True, exist_ok=True)
                shutil.copy(shots / "live-board.png", ROOT / "docs" / "images" / "live-board.png")

            # checks posted now show within 5 s, through the stream; an error's detail that
            # is markup shows as text (a detail reaches the board once two learners share it)
            learners[24].post([_check("00.2", "correct")])
            learners[25].post([_check("00.2", "incorrect", "ValueError", HOSTILE_DETAIL)])
            learners[26].post([_check("00.2", "incorrect", "ValueError", HOSTILE_DETAIL)])
            expect(page.locator("#checkpoint-count")).to_have_text(
                "16 of 30 done (53%)", timeout=5_000
            )
            row = rows.filter(
                has=page.get_by_role("rowheader", name=learners[24].pseudonym, exact=True)
            )
            expect(row.locator("td.cell").nth(1)).to_have_text("✓")
            hostile_line = f"2 learners: ValueError {HOSTILE_DETAIL} on 00.2"
            expect(errors.filter(has_text=hostile_line)).to_have_count(1)
            _no_element_injected(page, "#error-lines")

            # --- the instructor's page: behind the token ----------------------------------
            page.goto(f"{class_url}/instructor")
            page.locator("input[name=token]").fill(token)
            page.locator("button[type=submit]").click()
            page.wait_for_url(f"**/s/{session}/instructor")
            stuck = page.locator("#stuck li")
            expect(stuck).to_have_count(3, timeout=10_000)
            for i in (19, 20, 21):
                item = stuck.filter(has_text=_real_name(i))
                expect(item).to_contain_text("3 failed checks on 00.2")
            hands = page.locator("#hands li")
            expect(hands).to_have_count(3)
            oldest_first = [_real_name(i) for i in sorted(HAND_MESSAGES)]
            assert [h.split(" ·")[0] for h in hands.locator(".hand-who").all_inner_texts()] == (
                oldest_first
            )
            expect(page.get_by_text(HOSTILE_MESSAGE, exact=True)).to_be_visible()
            _no_element_injected(page, "#hands")
            expect(page.locator("#learners tr")).to_have_count(30)

            first = hands.first
            page.once("dialog", lambda dialog: dialog.accept("Grace"))
            first.get_by_role("button", name="Claim").click()
            expect(first).to_contain_text("claimed by Grace", timeout=5_000)
            expect(page.locator("#hands button.claim")).to_have_count(2)
            claimed = instructor.get(f"/api/s/{session}/instructor").json()["hands"]
            assert sorted(h["claimed_by"] or "" for h in claimed) == ["", "", "Grace"]
            # the helper's name is remembered: no question the second time (an unanswered
            # prompt would be dismissed and nothing claimed)
            second = hands.nth(1)
            second.get_by_role("button", name="Claim").click()
            expect(second).to_contain_text("claimed by Grace", timeout=5_000)
            # resolved hands leave the queue
            hands.filter(has_text="Help!").get_by_role("button", name="Resolve").click()
            expect(hands).to_have_count(2, timeout=5_000)
            expect(page.locator("#hands-count")).to_have_text("(2)")

            # pacing: a reveal when 40% have passed 00.3 (9 of 30 have), then the checkpoint
            page.locator("#reveal-problem").select_option("00.3")
            page.locator("input[name=when][value=share]").check()
            page.locator("#reveal-share").fill("40")
            page.get_by_role("button", name="Reveal").click()
            reveal = page.locator("#reveals tr", has_text="00.3")
            expect(reveal).to_contain_text("when 40% have passed", timeout=5_000)
            expect(reveal).to_contain_text("not yet")
            page.locator("#checkpoint-problem").select_option("00.3")
            page.get_by_role("button", name="Set").click()
            expect(page.locator("#checkpoint-now")).to_have_text("now: 00.3", timeout=5_000)
            assert instructor.get(f"/api/s/{session}/board").json()["checkpoint"] == {
                "problem": "00.3",
                "passed": 9,
                "total": 30,
            }

            # a learner's timeline, with the hostile detail as text
            page.locator("#learners tr", has_text=_real_name(26)).click()
            timeline = page.locator("#timeline")
            expect(timeline).to_contain_text(HOSTILE_DETAIL, timeout=5_000)
            _no_element_injected(page, "#timeline")
            page.screenshot(path=str(shots / "live-instructor.png"), full_page=True)
        finally:
            browser.close()
    csp = [text for text in console_errors if "Content Security Policy" in text]
    assert not csp, csp
    assert not [text for text in console_errors if "Uncaught" in text], console_errors


class Service:
    """The service on one fixed loopback port, which can be stopped and started again there
    (a board's stream then reconnects to the same address)."""

    def __init__(self, app):
        self.app = app
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self.thread = None

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            log_config=None,  # see serve_in_thread in conftest.py
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        _wait_for(lambda: self.server.started or not self.thread.is_alive(), "start", 20)
        assert self.server.started, "the classroom service did not start"

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = self.server.force_exit = True  # open streams too
            self.thread.join(timeout=15)
            assert not self.thread.is_alive(), "the classroom service did not stop"
            self.server = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_board_of_a_room_of_200_stays_readable_and_reconnects(tmp_path):
    """200 learners: compact rows scrolling inside the grid, the checkpoint still in view;
    the service restarts and the board says "reconnecting…", then catches up."""
    from playwright.sync_api import expect, sync_playwright

    from mlcourse.live._protocol import Event

    from .conftest import TOKEN, make_app

    app, store, session = make_app(tmp_path)
    key = store.session(session)["join_key"]
    app.state.context.join_limiter.burst = 1000  # 200 joins from this one address
    service = Service(app)
    service.start()
    try:
        base = service.url
        checkpoint = httpx.post(
            f"{base}/api/s/{session}/checkpoint",
            json={"problem": "00.1"},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
        assert checkpoint.status_code == 200, checkpoint.text

        def one(i: int) -> Learner:
            learner = Learner(base, session, f"learner{i:03d}", key)
            passed = i % 4 != 0
            learner.post(
                [_check("00.1", "correct")]
                if passed
                else [_check("00.1", "incorrect", "KeyError", "'x'")]
            )
            return learner

        with ThreadPoolExecutor(max_workers=8) as pool:
            learners = list(pool.map(one, range(200)))

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.goto(f"{base}/s/{session}")
                count = page.locator("#checkpoint-count")
                connection = page.locator("#connection")
                expect(page.locator("#grid-body tr")).to_have_count(200, timeout=10_000)
                expect(count).to_have_text("150 of 200 done (75%)")
                expect(page.locator("#error-lines li").first).to_have_text(
                    "50 learners: KeyError 'x' on 00.1"
                )
                expect(connection).to_have_text("live", timeout=10_000)
                grid = page.locator(".grid-scroll")
                assert grid.evaluate("g => g.scrollHeight > g.clientHeight")  # it scrolls
                assert page.evaluate("document.documentElement.scrollHeight <= innerHeight + 2")
                expect(count).to_be_in_viewport()

                learners[0].post([_check("00.1", "correct")])
                expect(count).to_have_text("151 of 200 done (76%)", timeout=5_000)

                # the service goes away; a check lands in the store meanwhile; it comes back
                service.stop()
                expect(connection).to_have_text("reconnecting…", timeout=10_000)
                who = store.learner_by_name(session, learners[4].name)["id"]
                late = Event(
                    id=str(uuid.uuid4()),
                    time=time.time(),
                    kind="check",
                    module="00",
                    problem="00.1",
                    status="correct",
                    points=1.0,
                )
                store.add_events(session, who, [late.model_dump()])
                service.start()
                expect(connection).to_have_text("live", timeout=15_000)
                expect(count).to_have_text("152 of 200 done (76%)", timeout=5_000)
            finally:
                browser.close()
    finally:
        service.stop()
        store.dispose()
