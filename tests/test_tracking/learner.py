"""Learners logging runs, for the class-server test and benchmark.

Usage: python learner.py NAME N_RUNS
       python learner.py --runs N_RUNS NAME [NAME ...]

One learner: the process does what a learner's notebook does, ``configure("07",
learner=NAME)`` and then plain ``mlflow.start_run``; its tags come from the course's run
context. Several learners: one thread each, as many learners as names, all logging at once;
each run carries its learner's tag (``start_run(tags=...)``; MLflow keeps the active run per
thread), the module and version tags from the course's run context. Run j of learnerN logs
score = (N * 7 + j * 3) % 50 / 50, so every learner's best is known.

The first line printed is the tracking URI and configure()'s message; with several learners
one JSON line follows per learner: its name, each run's seconds (start to end: five requests)
and the wall-clock times of its first start and last end; the last line reports the most runs
that were in flight at once in this process.
"""

import argparse
import json
import logging
import sys
import threading
import time

import mlflow

from mlcourse.tracking import configure
from mlcourse.tracking._tags import LEARNER_TAG


def score(name: str, j: int) -> float:
    """The score learner ``name`` logs in its run ``j``."""
    return (int(name.removeprefix("learner")) * 7 + j * 3) % 50 / 50


def log_run(name: str, j: int, tags: dict[str, str] | None = None) -> float:
    """Log run ``j`` of learner ``name`` (a parameter and a metric); returns its seconds."""
    start = time.perf_counter()
    with mlflow.start_run(run_name=f"{name}-{j}", tags=tags):
        mlflow.log_param("j", j)
        mlflow.log_metric("score", score(name, j))
    return time.perf_counter() - start


class _InFlight:
    """Counts runs in flight across threads and keeps the most seen at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.most = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc) -> None:
        with self._lock:
            self.now -= 1


def log_class(names: list[str], n_runs: int) -> None:
    """One thread per learner, all logging ``n_runs`` runs at once; prints a JSON line each."""
    in_flight = _InFlight()
    lines: list[str] = []
    failures: list[BaseException] = []

    def one(name: str) -> None:
        try:
            first = time.time()
            seconds = []
            for j in range(n_runs):
                with in_flight:
                    seconds.append(log_run(name, j, {LEARNER_TAG: name}))
            record = {"learner": name, "seconds": seconds, "first": first, "last": time.time()}
            lines.append(json.dumps(record))
        except BaseException as error:  # noqa: BLE001 - reported by the process's exit status
            failures.append(error)

    threads = [threading.Thread(target=one, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("\n".join(lines), flush=True)
    print(json.dumps({"most_in_flight": in_flight.most}), flush=True)
    if failures:
        raise SystemExit(f"{len(failures)} learners failed: {failures[0]!r}")


def main(argv: list[str]) -> None:
    if argv and not argv[0].startswith("-"):
        name, n_runs = argv[0], int(argv[1])
        info = configure("07", learner=name)
        print(info.uri, info.message, flush=True)
        for j in range(n_runs):
            log_run(name, j)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, required=True, help="runs per learner")
    parser.add_argument("names", nargs="+", help="the learners, learnerN")
    args = parser.parse_args(argv)
    info = configure("07")
    print(info.uri, info.message, flush=True)
    # the HTTP client's retries (a lost answer, a timeout, a 5xx status) go to stderr
    retries = logging.StreamHandler()
    retries.addFilter(lambda record: "Retry" in record.getMessage())
    logging.getLogger("urllib3").addHandler(retries)
    logging.getLogger("urllib3").setLevel(logging.DEBUG)
    log_class(args.names, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
