"""Performance figures against the budgets of DESIGN §11, printed side by side.

Usage: python ci/bench.py [SECTION ...]   (sections: checks generators tracking class
       leaderboard-http notebooks grader grader-dask lab live)

- check() latency beyond the learner's own computation (budget < 200 ms), per problem kind;
- dataset generators at their default and large sizes;
- the leaderboard over 10,000 and 100,000 runs on SQLite and PostgreSQL (budget < 2 s), and
  the per-run cost of the course's tracking helpers against plain MLflow;
- the class tracking server on PostgreSQL: 200 learners x 20 runs at once, nothing lost, runs
  per second, per-run latency, the leaderboard over that store;
- the leaderboard through a class server's endpoint over 100,000 runs (budget < 2 s);
- each notebook's execution time in a fresh kernel (budget <= 60 s);
- the grader against bare nbclient and nbgrader;
- grading throughput: the local pool (1 and 2 workers) and a 2-worker Dask LocalCluster over
  the same 40 submissions;
- `make lab` on a fresh clone to a JupyterLab that answers (budget 5 minutes);
- the live classroom service: events per second from 200 simulated learners, and the board's
  update latency idle and under load.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK_BUDGET_MS = 200.0
NOTEBOOK_BUDGET_S = 60.0


def _row(name: str, value: str, budget: str, ok: bool) -> None:
    print(f"  {name:<48} {value:>10}   budget {budget:<8} {'ok' if ok else 'OVER'}")


def bench_checks() -> None:
    """Median and worst check() time for every declared problem, on the reference answers."""
    from mlcourse.exercises import available_modules, get_module
    from mlcourse.exercises._run import run_notebook  # noqa: F401  (import cost not measured)

    print("check() latency (reference answers, 20 repeats, median / worst):")
    for number in available_modules():
        module = get_module(number)
        namespace = _reference_namespace(number)
        for problem in module.problems:
            times = []
            for _ in range(20):
                start = time.perf_counter()
                problem.check(namespace)
                times.append((time.perf_counter() - start) * 1000)
            worst = max(times)
            _row(
                f"{problem.id} ({problem.kind})",
                f"{statistics.median(times):.2f}/{worst:.1f} ms",
                f"{CHECK_BUDGET_MS:.0f} ms",
                worst < CHECK_BUDGET_MS,
            )


def _reference_namespace(number: str) -> dict:
    """Execute the module's solutions notebook code (no self-tests) to get real answers."""
    import nbformat

    from mlcourse.build import SOLUTION_ONLY, check_target

    path = next((ROOT / "solutions").glob(f"{number}_*.ipynb"))
    nb = nbformat.read(str(path), as_version=4)
    namespace: dict = {"__name__": "__bench__"}
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        for cell in nb.cells:
            if cell.cell_type != "code" or SOLUTION_ONLY in cell.metadata.get("tags", []):
                continue
            if check_target(cell.source) or cell.source.lstrip().startswith(("%", "!")):
                continue
            exec(compile(cell.source, path.name, "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace


def bench_notebooks() -> None:
    """Wall-clock time of every course notebook in a fresh kernel."""
    from mlcourse.exercises._run import run_notebook

    print("notebook execution (fresh kernel, includes kernel start):")
    paths = [
        p
        for folder in ("curriculum", "solutions", "exercises")
        for p in sorted((ROOT / folder).glob("*.ipynb"))
    ]
    for path in paths:
        run = run_notebook(path, timeout=300, strict=path.parent.name != "exercises")
        label = f"{path.parent.name}/{path.name}"
        if run.error:
            label += " (error)"
        _row(
            label,
            f"{run.seconds:.1f} s",
            f"{NOTEBOOK_BUDGET_S:.0f} s",
            run.seconds <= NOTEBOOK_BUDGET_S and not run.error,
        )


def bench_generators() -> None:
    """Generation time of every make_* dataset, at its default size and at a large size."""
    import mlcourse.datasets as datasets

    print("dataset generators (wall clock, second call):")
    large = {"make_transactions": {"n_rows": 1_000_000}}
    for name in sorted(n for n in datasets.__all__ if n.startswith("make_")):
        function = getattr(datasets, name)
        for kwargs in ({}, *([large[name]] if name in large else [])):
            function(**kwargs)
            start = time.perf_counter()
            function(**kwargs)
            seconds = time.perf_counter() - start
            label = f"{name}({', '.join(f'{k}={v:,}' for k, v in kwargs.items())})"
            budget = 5.0 if kwargs else 2.0
            _row(label, f"{seconds:.2f} s", f"{budget:.0f} s", seconds <= budget)


def bench_tracking() -> None:
    """Leaderboard at scale and the per-run cost of the helpers."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_tracking

    print("tracking:")
    bench_tracking.bench_leaderboard(_row)
    bench_tracking.bench_run_overhead(_row)


def bench_class_server() -> None:
    """200 learners x 20 runs to the class tracking server on PostgreSQL."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_class_server

    print("class tracking server (mlcourse tracking serve, PostgreSQL):")
    try:
        bench_class_server.main(_row)
    except RuntimeError as error:  # PostgreSQL or the server could not start
        print(f"    skipped: {error}")


def bench_leaderboard_http() -> None:
    """The leaderboard through a class server (its endpoint) over 100,000 runs."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_leaderboard_http

    print("leaderboard over HTTP (mlflow server --app-name mlcourse, SQLite):")
    try:
        bench_leaderboard_http.main(_row)
    except RuntimeError as error:  # the server could not start
        print(f"    skipped: {error}")


def bench_grader() -> None:
    """The grader against bare nbclient and nbgrader."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_grader

    print("grader (module 01):")
    bench_grader.main(_row)


def bench_grader_dask() -> None:
    """Grading throughput: the local pool against a Dask LocalCluster."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_grader_dask

    print("grader on Dask (module 01, 40 submissions):")
    bench_grader_dask.main(_row)


def bench_lab() -> None:
    """`make lab` on a fresh clone, install included."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_lab

    print("first start (make lab on a fresh clone):")
    bench_lab.main(_row)


def bench_live() -> None:
    """The classroom service: events per second and the board's update latency."""
    sys.path.insert(0, str(ROOT / "ci"))
    import bench_live

    print("live classroom (mlcourse live serve, SQLite):")
    bench_live.main(_row)


SECTIONS = {
    "checks": bench_checks,
    "generators": bench_generators,
    "tracking": bench_tracking,
    "class": bench_class_server,
    "leaderboard-http": bench_leaderboard_http,
    "notebooks": bench_notebooks,
    "grader": bench_grader,
    "grader-dask": bench_grader_dask,
    "lab": bench_lab,
    "live": bench_live,
}


def main(argv: list[str]) -> int:
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown or any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 2 if unknown else 0
    with tempfile.TemporaryDirectory(prefix="mlcourse-bench-") as tmp:
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp}/mlflow.db"
        os.environ["MLCOURSE_EVENTS"] = f"{tmp}/events.jsonl"
        print(f"mlcourse benchmarks on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}\n")
        for name in argv or list(SECTIONS):
            SECTIONS[name]()
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
