"""A class of 200 learners logging to `mlcourse tracking serve` backed by PostgreSQL.

Usage: python ci/bench_class_server.py [--learners N] [--runs N] [--processes N]

PostgreSQL and the tracking server run on loopback (the test suite's `postgres()` and
`tracking_server()`). 200 learners log 20 runs each, all at once and without pause, far
denser than a class working through a notebook: a few processes (4 by default; 200 Python
processes would not fit on 2 cores) each run one thread per learner, and every thread logs
its own runs with its own learner tag through the plain MLflow API (`tests/test_tracking/
learner.py`). Each run is five requests (create, parameter, metric, get, end), one at a time per
learner, so up to one request per learner is in flight.

Then nothing may be lost: every learner's 20 runs are on the server, once each, FINISHED,
with their parameter, metric and the course's tags. A run still RUNNING with nothing logged
is a ghost the MLflow client leaves when it retries a `runs/create` whose answer was lost;
ghosts are counted and tolerated, as in the class-server test. Reported: runs per second,
per-run latency (p50, p95, worst), the total time, and the leaderboard over that store,
through the server's REST API (what `mlcourse leaderboard` does with the class's URI) and
with SQL on the database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEARNER_SCRIPT = ROOT / "tests" / "test_tracking" / "learner.py"
LEARNERS, RUNS, PROCESSES = 200, 20, 4
LEADERBOARD_BUDGET_S = 2.0
EXPERIMENT = "mlcourse/07_classification_evaluation"


def _learner_names(learners: int) -> list[str]:
    return [f"learner{i:03d}" for i in range(learners)]


def _log_class(uri: str, folder: Path, names: list[str], runs: int, processes: int) -> list[dict]:
    """Start the learner processes, wait for them, and return their JSON records."""
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri, "MLCOURSE_ROOT": str(folder)}
    env.pop("MLCOURSE_LEARNER", None)
    # one HTTP connection per learner thread, rather than MLflow's default pool of 10
    env["MLFLOW_HTTP_POOL_MAXSIZE"] = str(len(names) // processes + 1)
    groups = [names[i::processes] for i in range(processes)]
    children = [
        subprocess.Popen(
            [sys.executable, str(LEARNER_SCRIPT), "--runs", str(runs), *group],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for group in groups
    ]
    records = []
    for child in children:
        out, err = child.communicate(timeout=1800)
        if child.returncode != 0:
            raise AssertionError(f"a learner process failed:\n{err[-3000:]}")
        head, *lines = out.splitlines()
        if not head.startswith(uri):
            raise AssertionError(f"the learners did not log to the class server: {head}")
        records += [json.loads(line) for line in lines if line.startswith("{")]
        records.append({"retries": [line for line in err.splitlines() if "Retrying" in line]})
    return records


def _check_nothing_lost(uri: str, names: list[str], runs: int) -> int:
    """Assert every learner's runs are there once, finished, with their data; return ghosts."""
    sys.path.insert(0, str(LEARNER_SCRIPT.parent))
    from learner import score
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    client = MlflowClient(uri)
    experiment = client.get_experiment_by_name(EXPERIMENT)
    every, token = [], None
    while True:
        page = client.search_runs(
            [experiment.experiment_id],
            run_view_type=ViewType.ALL,
            max_results=1000,
            page_token=token,
        )
        every += page
        token = page.token
        if not token:
            break
    finished = [run for run in every if run.info.status == "FINISHED"]
    ghosts = [run for run in every if run.info.status != "FINISHED"]
    assert all(
        run.info.status == "RUNNING" and not run.data.metrics and not run.data.params
        for run in ghosts
    ), f"unfinished runs with data: {[run.info.run_name for run in ghosts]}"
    seen = sorted(
        (run.data.tags["mlcourse.learner"], run.info.run_name, run.data.metrics["score"])
        for run in finished
        if run.data.tags.get("mlcourse.module") == "07"
        and run.data.tags.get("mlcourse.course_version")
        and run.data.params.get("j") == run.info.run_name.rsplit("-", 1)[1]
    )
    expected = sorted((name, f"{name}-{j}", score(name, j)) for name in names for j in range(runs))
    assert len(finished) == len(expected), f"{len(finished)} finished runs, not {len(expected)}"
    assert seen == expected, "runs lost, duplicated, or logged with wrong tags or values"
    return len(ghosts)


def _time(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _leaderboards(uri: str, database: str, runs: int, row) -> None:
    """Time the leaderboard through the server and with SQL on its database; both must agree."""
    import mlflow
    from mlflow.tracking import MlflowClient

    from mlcourse.tracking import leaderboard

    mlflow.set_tracking_uri(uri)  # the server's leaderboard endpoint
    rest_seconds, rest = _time(lambda: leaderboard("07", "score"))
    api_seconds, api = _time(lambda: leaderboard("07", "score", client=MlflowClient(uri)))
    row("leaderboard via MLflow's search API", f"{api_seconds:.2f} s", "-", True)
    assert api.equals(rest), "the endpoint's and the search API's leaderboards differ"
    mlflow.set_tracking_uri(database)
    leaderboard("07", "score")  # warm: engine and imports
    sql_seconds, sql = _time(lambda: leaderboard("07", "score"))
    ok = rest_seconds < LEADERBOARD_BUDGET_S
    row("leaderboard via the server's endpoint", f"{rest_seconds:.2f} s", "2 s", ok)
    ok = sql_seconds < LEADERBOARD_BUDGET_S
    row("leaderboard with SQL on its PostgreSQL", f"{sql_seconds:.2f} s", "2 s", ok)
    assert rest.equals(sql), "the leaderboards through the server and with SQL differ"
    assert rest["runs"].eq(runs).all() and rest["rank"].notna().all()


def _percentile(values: list[float], fraction: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def _report(records: list[dict], total: float, ghosts: int, row) -> None:
    seconds = [s for record in records if "seconds" in record for s in record["seconds"]]
    timed = [record for record in records if "seconds" in record]
    window = max(r["last"] for r in timed) - min(r["first"] for r in timed)
    in_flight = sum(record.get("most_in_flight", 0) for record in records)
    row("runs per second (5 requests a run)", f"{len(seconds) / window:.0f}", "-", True)
    row("per-run latency p50", f"{statistics.median(seconds) * 1000:.0f} ms", "-", True)
    row("per-run latency p95", f"{_percentile(seconds, 0.95) * 1000:.0f} ms", "-", True)
    row("per-run latency, worst", f"{max(seconds):.1f} s", "-", True)
    row(f"{len(seconds)} runs logged in", f"{window:.1f} s", "-", True)
    row("total, processes started to checked", f"{total:.1f} s", "-", True)
    print(f"    at most {in_flight} runs in flight at once (sum of each process's most);")
    print(f"    {ghosts} ghost runs (RUNNING, nothing logged) from the client's retries")
    retries = [line for record in records for line in record.get("retries", [])]
    row("requests the MLflow client retried", str(len(retries)), "-", True)
    for line in retries[:3]:
        print(f"      {line.strip()[:160]}")


def main(row, learners: int = LEARNERS, runs: int = RUNS, processes: int = PROCESSES) -> None:
    """Run the class against a PostgreSQL-backed server and print the rows.

    Parameters
    ----------
    row : callable
        ``row(name, value, budget, ok)`` prints one line of the report.
    learners, runs, processes : int
        Learners, runs per learner, and the processes that drive them.
    """
    sys.path.insert(0, str(ROOT))
    from tests.test_tracking.servers import postgres, tracking_server

    names = _learner_names(learners)
    with tempfile.TemporaryDirectory(prefix="mlcourse-bench-class-") as tmp:
        folder = Path(tmp)
        with postgres() as database, tracking_server(folder, database) as uri:
            print(f"    {learners} learners x {runs} runs from {processes} processes ...")
            start = time.perf_counter()
            records = _log_class(uri, folder, names, runs, processes)
            ghosts = _check_nothing_lost(uri, names, runs)
            total = time.perf_counter() - start
            row(f"{learners} learners x {runs} runs, nothing lost", "yes", "-", True)
            _report(records, total, ghosts, row)
            _leaderboards(uri, database, runs, row)
            errors = _server_errors(folder)
            row("server log: errors and tracebacks", str(errors), "0", errors == 0)


def _server_errors(folder: Path) -> int:
    lines = (line for log in folder.glob("server-*.log") for line in log.open(errors="replace"))
    return sum(("Traceback" in line or " ERROR " in line) for line in lines)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=LEARNERS, help="learners (200)")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per learner (20)")
    parser.add_argument("--processes", type=int, default=PROCESSES, help="learner processes (4)")
    args = parser.parse_args(argv)
    if min(args.learners, args.runs, args.processes) < 1 or args.processes > args.learners:
        parser.error("learners, runs and processes must be positive, processes <= learners")
    return args


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "ci"))
    from bench import _row

    arguments = _parse(sys.argv[1:])
    print("class tracking server (mlcourse tracking serve, PostgreSQL):")
    main(_row, arguments.learners, arguments.runs, arguments.processes)
