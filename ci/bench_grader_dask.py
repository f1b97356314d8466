"""Grader throughput: this machine's pool (1 and 2 workers) against a 2-worker Dask LocalCluster.

The same 40 submissions of module 01 as ``ci/bench_grader.py`` (20 correct, 10 partial, 10
hostile) are graded three ways, each in a process of its own, and the throughput is printed
side by side in submissions per minute, with the cluster's start counted in its batch. The
results of the cluster's batch must equal the local pool's (measurements aside).

Usage: python ci/bench_grader_dask.py [COUNT]   (or through ``python ci/bench.py grader-dask``)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SPEEDUP_BUDGET = 1.8  # two workers against one, as for the local pool (DESIGN 11)
MEASUREMENTS = ("graded_at", "seconds", "evaluator_peak_mb", "sandbox_peak_mb")

_BATCH = """
import json, sys, time
from pathlib import Path
from mlcourse.grader import DaskCluster, Limits, grade_batch
workers, dask_local = int(sys.argv[3]), int(sys.argv[4])
cluster = DaskCluster(local_workers=dask_local) if dask_local else None
start = time.perf_counter()
grade_batch([Path(sys.argv[1])], "01", Path(sys.argv[2]), workers=workers, cluster=cluster,
            limits=Limits(timeout=120, cell_timeout=30), progress=lambda line: None)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def grade(folder: Path, out: Path, *, workers: int = 1, dask_local: int = 0) -> float:
    """Seconds to grade ``folder`` into ``out`` in a fresh process (cluster start included)."""
    done = subprocess.run(
        [sys.executable, "-c", _BATCH, str(folder), str(out), str(workers), str(dask_local)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def outcomes(out: Path) -> dict[str, dict]:
    """Every result of a batch without its measurements."""
    found = {}
    for path in sorted((out / "results" / "01").glob("*.json")):
        result = json.loads(path.read_text())
        for key in MEASUREMENTS:
            result.pop(key, None)
            result["execution"].pop(key, None)
        found[path.stem] = result
    return found


def main(row, count: int = 40) -> None:
    """Print the three throughputs side by side, and whether the results agree."""
    sys.path.insert(0, str(ROOT / "ci"))
    from bench_grader import submissions

    subs = dict(list(submissions().items())[:count])
    work = Path(tempfile.mkdtemp(prefix="mlcourse-bench-dask-"))
    folder = work / "subs"
    folder.mkdir()
    for learner, nb in subs.items():
        nbformat.write(nb, str(folder / f"{learner}.ipynb"))
    n = len(subs)
    print(f"  {n} submissions of module 01, 2 CPUs; submissions per minute (higher is better)")
    try:
        one = grade(folder, work / "one", workers=1)
        row("local pool, 1 worker", f"{60 * n / one:.1f}/min", "-", True)
        two = grade(folder, work / "two", workers=2)
        row("local pool, 2 workers", f"{60 * n / two:.1f}/min", "-", True)
        dask = grade(folder, work / "dask", dask_local=2)
        row("Dask LocalCluster, 2 workers", f"{60 * n / dask:.1f}/min", "-", True)
        row(
            "  Dask 2 workers / local 1 worker",
            f"{one / dask:.2f}x",
            f"{SPEEDUP_BUDGET}x",
            one / dask >= SPEEDUP_BUDGET,
        )
        same = outcomes(work / "two") == outcomes(work / "dask")
        row("  Dask results equal the local pool's", "yes" if same else "NO", "equal", same)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":

    def _row(name: str, value: str, budget: str, ok: bool) -> None:
        print(f"  {name:<48} {value:>10}   budget {budget:<8} {'ok' if ok else 'OVER'}")

    main(_row, int(sys.argv[1]) if len(sys.argv) > 1 else 40)
