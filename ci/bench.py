"""Performance figures against the budgets of DESIGN §11, printed side by side.

Usage: python ci/bench.py

- check() latency beyond the learner's own computation (budget < 200 ms), per problem kind;
- each notebook's execution time in a fresh kernel (budget <= 60 s).
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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mlcourse-bench-") as tmp:
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp}/mlflow.db"
        os.environ["MLCOURSE_EVENTS"] = f"{tmp}/events.jsonl"
        print(f"mlcourse benchmarks on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}\n")
        bench_checks()
        print()
        bench_notebooks()
    return 0


if __name__ == "__main__":
    sys.exit(main())
