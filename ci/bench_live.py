"""The classroom service under a class's load: events per second and the board's update latency.

`mlcourse live serve` runs in its own process on loopback with SQLite in a temporary folder.
200 simulated learners join, then post about 20 events each over HTTP from a thread pool, in
batches of 4 as a notebook's outbox sends them after a short outage: events per second.
Latency: with the update stream (Server-Sent Events) open, one learner raises or lowers a
hand; the time runs until an update arrives and the board JSON fetched after it shows the
change (what a projector does). Median and p95 over 20 trials, idle and under load: 16 of the
learners posting batches without pause, far more than a class of 200 sends.
"""

from __future__ import annotations

import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

LEARNERS = 200
EVENTS_PER_LEARNER = 20
BATCH = 4
WORKERS = 16
TRIALS = 20
TOKEN = "bench-instructor-token-0123456789abcdef"
LATENCY_BUDGET_MS = 1000.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_service(folder: Path) -> tuple[subprocess.Popen, str, str]:
    """`mlcourse live serve` with a module-00 session; returns (process, url, session id)."""
    import httpx

    port = _free_port()
    env = {**os.environ, "MLCOURSE_ROOT": str(folder), "MLCOURSE_LIVE_TOKEN": TOKEN}
    env["PYTHONUNBUFFERED"] = "1"
    log = folder / "serve.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "mlcourse.cli", "live", "serve", "--port", str(port)]
            + ["--db", f"sqlite:///{folder / 'live.db'}", "--module", "00"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url + "/", trust_env=False, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError(f"the classroom service did not start: {log.read_text()[-500:]}")
    sid = next(
        line.split()[1] for line in log.read_text().splitlines() if line.startswith("Session ")
    )
    sessions = httpx.get(
        url + "/api/sessions", headers={"Authorization": f"Bearer {TOKEN}"}, trust_env=False
    ).json()
    key = next(s["join_key"] for s in sessions if s["id"] == sid)
    return process, url, Session(sid, key)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


class Session(NamedTuple):
    """A session's id (``str()`` of it, for its URLs) and the join key of its class URL."""

    id: str
    key: str

    def __str__(self) -> str:
        return self.id


def _join(client, session: Session, name: str) -> dict:
    answer = client.post(f"/api/s/{session}/join", json={"name": name, "key": session.key})
    answer.raise_for_status()
    return answer.json()


def _join_class(url: str, session: Session, count: int) -> list[dict]:
    """``count`` learners joined from a few loopback addresses, as from a LAN's machines.

    The service limits joins per address (a burst of 60, then 2 a second), so a class of 200
    behind a single address would take over a minute to join.
    """
    import httpx

    learners = []
    for start in range(0, count, 50):
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + start // 50}")
        with httpx.Client(base_url=url, trust_env=False, timeout=30, transport=transport) as c:
            names = (f"learner{i:03d}" for i in range(start, min(start + 50, count)))
            learners += [_join(c, session, name) for name in names]
    return learners


def _learner_events(n: int) -> list[dict]:
    """About a learner's session on module 00: hints, failing then passing checks, errors."""
    now = time.time()
    kinds = []
    for i in range(n):
        problem = f"00.{i % 3 + 1}"
        if i % 5 == 0:
            kinds.append({"kind": "hint", "problem": problem})
        elif i % 5 in (1, 2):
            kinds.append(
                {
                    "kind": "check",
                    "problem": problem,
                    "status": "incorrect",
                    "error": "KeyError",
                    "detail": "'target'",
                }
            )
        else:
            kinds.append({"kind": "check", "problem": problem, "status": "correct", "points": 1})
    return [{"id": uuid.uuid4().hex, "time": now, **event} for event in kinds]


def _post_all(client, session: str, token: str, events: list[dict]) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    posted = 0
    for start in range(0, len(events), BATCH):
        batch = events[start : start + BATCH]
        answer = client.post(f"/api/s/{session}/events", json={"events": batch}, headers=headers)
        answer.raise_for_status()
        posted += len(batch)
    return posted


def _stream_reader(url: str, session: str, updates: queue.Queue, stop: threading.Event):
    """Put the monotonic time of every ``update`` on the stream into ``updates``."""
    import httpx

    with httpx.Client(base_url=url, trust_env=False, timeout=None) as client:
        with client.stream("GET", f"/api/s/{session}/stream") as response:
            for line in response.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("event: update"):
                    updates.put(time.monotonic())


def _latency_trials(url: str, session: str) -> list[float]:
    """Milliseconds from one learner's raised (or lowered) hand to a board that shows it."""
    import httpx

    updates: queue.Queue = queue.Queue()
    stop = threading.Event()
    reader = threading.Thread(
        target=_stream_reader, args=(url, session, updates, stop), daemon=True
    )
    reader.start()
    updates.get(timeout=10)  # the stream's first update: it is open
    times = []
    with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
        me = _join(client, session, f"probe-{uuid.uuid4().hex[:8]}")
        headers = {"Authorization": f"Bearer {me['token']}"}
        for trial in range(TRIALS):
            raised = trial % 2 == 0
            while not updates.empty():
                updates.get_nowait()
            start = time.monotonic()
            event = {
                "id": uuid.uuid4().hex,
                "time": time.time(),
                "kind": "hand" if raised else "lower",
            }
            client.post(
                f"/api/s/{session}/events", json={"events": [event]}, headers=headers
            ).raise_for_status()
            while True:
                updates.get(timeout=30)
                board = client.get(f"/api/s/{session}/board").json()
                mine = next(r for r in board["learners"] if r["pseudonym"] == me["pseudonym"])
                if mine["hand"] == raised:
                    break
            times.append((time.monotonic() - start) * 1000)
    stop.set()
    return times


def _background_load(url: str, session: str, learners: list[dict], stop: threading.Event):
    """``WORKERS`` learners post batches without pause until ``stop``."""
    import httpx

    def one(learner):
        with httpx.Client(base_url=url, trust_env=False, timeout=30) as client:
            while not stop.is_set():
                _post_all(client, session, learner["token"], _learner_events(BATCH))

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, learners[:WORKERS]))


def _summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def main(row) -> None:
    """Print the figures with ``row(name, value, budget, ok)``."""
    import httpx

    with tempfile.TemporaryDirectory(prefix="mlcourse-bench-live-") as tmp:
        process, url, session = _start_service(Path(tmp))
        try:
            learners = _join_class(url, session, LEARNERS)

            def post(learner):
                with httpx.Client(base_url=url, trust_env=False, timeout=30) as client:
                    return _post_all(
                        client, session, learner["token"], _learner_events(EVENTS_PER_LEARNER)
                    )

            start = time.perf_counter()
            with ThreadPoolExecutor(WORKERS) as pool:
                total = sum(pool.map(post, learners))
            seconds = time.perf_counter() - start
            row(
                f"{LEARNERS} learners x {EVENTS_PER_LEARNER} events, batches of {BATCH}",
                f"{total / seconds:.0f} ev/s",
                "-",
                True,
            )
            idle = _summary(_latency_trials(url, session))
            stop = threading.Event()
            load = threading.Thread(
                target=_background_load, args=(url, session, learners, stop), daemon=True
            )
            load.start()
            try:
                busy = _summary(_latency_trials(url, session))
            finally:
                stop.set()
                load.join(timeout=60)
            for label, (median, p95) in (("idle", idle), (f"{WORKERS} posting", busy)):
                row(
                    f"board update latency, {label} (median/p95)",
                    f"{median:.0f}/{p95:.0f} ms",
                    f"{LATENCY_BUDGET_MS:.0f} ms",
                    p95 <= LATENCY_BUDGET_MS,
                )
        finally:
            _stop(process)
