"""Grader benchmark: mlcourse grade against bare nbclient and nbgrader's autograde.

40 submissions of module 01 (20 correct, 10 partly answered, 10 hostile) are graded:

- by executing the same cells with bare nbclient (no sandbox, no grading): the floor;
- by ``mlcourse grade`` with one worker and with two;
- by nbgrader's ``autograde`` (installed in its own environment under .bench/), on the same
  answers converted to nbgrader's format, its tests running inside the learner's kernel.

Prints times side by side, the per-submission overhead, and what each grader awarded the hostile
submissions.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
OVERHEAD_BUDGET_S = 1.0
SPEEDUP_BUDGET = 1.8
MEMORY_BUDGET_MB = 512  # the grader process itself, whatever the submissions hold
EVALUATOR_BUDGET_MB = 2560  # one evaluator per worker: its start plus the 2 GB cap
HOSTILE = (
    "eq_always_true",
    "monkeypatch_numpy_and_mlcourse",
    "forged_check_output",
    "showtraceback_patched",
    "os_exit",
)


def submissions() -> dict[str, nbformat.NotebookNode]:
    """learner -> notebook: 20 correct, 10 partial, 10 hostile (each hostile case twice)."""
    sys.path.insert(0, str(ROOT / "tests" / "grader_corpus"))
    import make_corpus

    rng = random.Random(0)
    subs = {f"correct{i:02d}": make_corpus.answered(*make_corpus.ALL) for i in range(20)}
    for i in range(10):
        subs[f"partial{i:02d}"] = make_corpus.answered(*rng.sample(make_corpus.ALL, 8), "q1", "q2")
    cases = make_corpus.cases()
    for i, name in enumerate(HOSTILE * 2):
        subs[f"hostile{i:02d}-{name.replace('_', '-')}"] = cases[name][0]
    return subs


def bench_nbclient(prepared: list[Path]) -> float:
    """Seconds per notebook with bare nbclient, sequentially."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    start = time.perf_counter()
    for path in prepared:
        nb = nbformat.read(str(path), as_version=4)
        client = NotebookClient(
            nb,
            timeout=60,
            kernel_name="mlcourse",
            allow_errors=True,
            shutdown_kernel="immediate",  # as the grader's runner does
            resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute()
        except DeadKernelError:  # the os._exit submissions end their kernel
            pass
    return (time.perf_counter() - start) / len(prepared)


_BATCH = """
import json, resource, sys, time
from pathlib import Path
from mlcourse.grader import Limits, grade_batch
start = time.perf_counter()
grade_batch([Path(sys.argv[1])], "01", Path(sys.argv[2]), workers=int(sys.argv[3]),
            limits=Limits(timeout=120, cell_timeout=30), progress=lambda line: None)
print(json.dumps({"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_mlcourse(folder: Path, workers: int, out: Path) -> tuple[float, dict, dict]:
    """Grade in a process of its own, so that its peak memory is the grader's alone."""
    done = subprocess.run(
        [sys.executable, "-c", _BATCH, str(folder), str(out), str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    points, evaluator = {}, []
    for path in (out / "results" / "01").glob("*.json"):
        result = json.loads(path.read_text())
        points[result["learner"]] = result["points"]
        evaluator.append(result["execution"].get("evaluator_peak_mb") or 0)
    figures["evaluator_peak_mb"] = max(evaluator, default=0)
    return figures["seconds"], points, figures


# --- nbgrader -------------------------------------------------------------------------------


def _nbgrader_env() -> Path:
    venv = BENCH / "nbgrader-venv"
    if not (venv / "bin" / "nbgrader").exists():
        print(
            "  installing nbgrader 0.9.6 in its own environment (.bench/nbgrader-venv) ...",
            flush=True,
        )
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "nbgrader==0.9.6"],
            check=True,
            capture_output=True,
        )
    return venv


def _nbgrader_meta(grade_id: str, *, solution=False, grade=False, locked=False, points=0.0) -> dict:
    meta = {
        "grade_id": grade_id,
        "solution": solution,
        "grade": grade,
        "locked": locked,
        "schema_version": 3,
    }
    if grade:
        meta["points"] = points
    return meta


def to_nbgrader(nb: nbformat.NotebookNode, source: bool) -> nbformat.NotebookNode:
    """Convert an mlcourse exercises/submission notebook to nbgrader's format, cell by cell.

    Answer cells become solution cells; check cells become autograder test cells that assert the
    check passes in the kernel (nbgrader's model); the setup cell is locked.
    """
    from mlcourse.exercises import get_module

    module = get_module("01")
    points = {p.id: p.points for p in module.problems}
    out = nbformat.v4.new_notebook()
    out.metadata = {
        "kernelspec": {
            "name": "mlcourse",
            "display_name": "Python (mlcourse)",
            "language": "python",
        }
    }
    used = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("mlcourse", {})
        role, problem = meta.get("role"), meta.get("problem")
        new = (
            nbformat.v4.new_code_cell(cell.source)
            if cell.cell_type == "code"
            else nbformat.v4.new_markdown_cell(cell.source)
        )
        if role == "setup" and "setup" not in used:
            new.metadata["nbgrader"] = _nbgrader_meta("setup", locked=True)
            used.add("setup")
        elif role == "answer" and f"answer-{problem}" not in used:
            text = cell.source
            if source:
                text = "### BEGIN SOLUTION\n" + text + "\n### END SOLUTION"
            new.source = text
            new.metadata["nbgrader"] = _nbgrader_meta(
                f"answer-{problem.replace('.', '_')}", solution=True
            )
            used.add(f"answer-{problem}")
        elif role == "check" and f"test-{problem}" not in used:
            attribute = (
                "q" + problem.split(".")[1]
                if problem.split(".")[1].isdigit()
                else problem.split(".")[1]
            )
            new.source = (
                f"assert ex.{attribute}.problem.check(globals()).correct, 'not correct yet'"
            )
            new.metadata["nbgrader"] = _nbgrader_meta(
                f"test-{problem.replace('.', '_')}", grade=True, locked=True, points=points[problem]
            )
            used.add(f"test-{problem}")
        out.cells.append(new)
    return out


def bench_nbgrader(
    subs: dict[str, nbformat.NotebookNode], answers_source: nbformat.NotebookNode
) -> tuple[float, dict]:
    venv = _nbgrader_env()
    course = Path(tempfile.mkdtemp(prefix="mlcourse-nbgrader-"))
    (course / "source" / "ps1").mkdir(parents=True)
    nbformat.write(
        to_nbgrader(answers_source, source=True),
        str(course / "source" / "ps1" / "01_python_essentials.ipynb"),
    )
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\nc.ExecutePreprocessor.timeout = 60\n"
    )
    env = {**os.environ, "JUPYTER_PATH": f"{sys.prefix}/share/jupyter"}
    nbgrader = str(venv / "bin" / "nbgrader")
    subprocess.run(
        [nbgrader, "db", "student", "import", "/dev/null"], cwd=course, env=env, capture_output=True
    )
    subprocess.run(
        [nbgrader, "generate_assignment", "ps1", "--force", "--log-level=ERROR"],
        cwd=course,
        env=env,
        check=True,
    )
    release = nbformat.read(
        str(course / "release" / "ps1" / "01_python_essentials.ipynb"), as_version=4
    )
    for learner, nb in subs.items():
        converted = to_nbgrader(nb, source=False)
        # keep nbgrader's own checksums and ids on the cells it released
        released = {
            c.metadata["nbgrader"]["grade_id"]: c for c in release.cells if "nbgrader" in c.metadata
        }
        for cell in converted.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in released:
                cell.metadata["nbgrader"] = released[grade_id].metadata["nbgrader"]
        target = course / "submitted" / learner / "ps1"
        target.mkdir(parents=True)
        nbformat.write(converted, str(target / "01_python_essentials.ipynb"))
        (target / "timestamp.txt").write_text("2026-11-21 12:00:00.000000 UTC")
    start = time.perf_counter()
    subprocess.run(
        [nbgrader, "autograde", "ps1", "--force", "--log-level=ERROR"],
        cwd=course,
        env=env,
        check=False,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    export = course / "grades.csv"
    subprocess.run(
        [nbgrader, "export", "--to", str(export), "--log-level=ERROR"],
        cwd=course,
        env=env,
        capture_output=True,
    )
    points = {}
    if export.is_file():
        import csv

        for row in csv.DictReader(export.open()):
            points[row["student_id"]] = float(row["raw_score"] or 0)
    shutil.rmtree(course, ignore_errors=True)
    return seconds, points


def main(row) -> None:
    from mlcourse.grader._batch import release_notebook
    from mlcourse.grader._prepare import prepare

    subs = submissions()
    n = len(subs)
    work = Path(tempfile.mkdtemp(prefix="mlcourse-bench-grader-"))
    folder = work / "subs"
    folder.mkdir()
    for learner, nb in subs.items():
        nbformat.write(nb, str(folder / f"{learner}.ipynb"))
    release = release_notebook("01")
    prepared_dir = work / "prepared"
    prepared_dir.mkdir()
    prepared = []
    for learner, nb in subs.items():
        ready, _ = prepare(nb, release, "01", str(work / "extract" / learner))
        path = prepared_dir / f"{learner}.ipynb"
        nbformat.write(ready, str(path))
        prepared.append(path)
    print(f"  {n} submissions of module 01 (20 correct, 10 partial, 10 hostile), 2 CPUs")
    bare = bench_nbclient(prepared)
    row("bare nbclient, per notebook", f"{bare:.2f} s", "-", True)
    one, points_one, memory_one = bench_mlcourse(folder, 1, work / "out1")
    two, _, memory_two = bench_mlcourse(folder, 2, work / "out2")
    per_one = one / n
    row("mlcourse grade, 1 worker, per submission", f"{per_one:.2f} s", "-", True)
    row(
        "  overhead beyond bare nbclient",
        f"{per_one - bare:+.2f} s",
        f"{OVERHEAD_BUDGET_S:.0f} s",
        per_one - bare <= OVERHEAD_BUDGET_S,
    )
    row("mlcourse grade, 2 workers, per submission", f"{two / n:.2f} s", "-", True)
    row(
        "  grader process peak memory (1 / 2 workers)",
        f"{memory_one['peak_mb']:.0f} / {memory_two['peak_mb']:.0f} MB",
        f"{MEMORY_BUDGET_MB} MB",
        max(memory_one["peak_mb"], memory_two["peak_mb"]) <= MEMORY_BUDGET_MB,
    )
    row(
        "  evaluator peak memory, per worker",
        f"{max(memory_one['evaluator_peak_mb'], memory_two['evaluator_peak_mb']):.0f} MB",
        f"{EVALUATOR_BUDGET_MB} MB",
        max(memory_one["evaluator_peak_mb"], memory_two["evaluator_peak_mb"])
        <= EVALUATOR_BUDGET_MB,
    )
    row(
        "  throughput, 2 workers / 1 worker",
        f"{one / two:.2f}x",
        f"{SPEEDUP_BUDGET}x",
        one / two >= SPEEDUP_BUDGET,
    )
    answers_source = nbformat.read(
        str(ROOT / "exercises" / "01_python_essentials.ipynb"), as_version=4
    )
    import make_corpus

    answers_source = make_corpus.answered(*make_corpus.ALL)
    try:
        nbg, points_nbg = bench_nbgrader(subs, answers_source)
    except (subprocess.CalledProcessError, OSError) as error:
        print(f"  nbgrader could not run: {error}")
        return
    row("nbgrader autograde (1 process), per submission", f"{nbg / n:.2f} s", "-", True)
    row("  mlcourse grade (1 worker) / nbgrader time", f"{one / nbg:.2f}x", "-", True)
    print(f"  points awarded to the hostile submissions (max {make_corpus.FULL}):")
    for learner in sorted(s for s in subs if s.startswith("hostile")):
        print(
            f"    {learner:<44} mlcourse {points_one.get(learner, 0):>4g}   nbgrader {points_nbg.get(learner, float('nan')):>4g}"
        )
    agree = sum(points_one.get(s) == points_nbg.get(s) for s in subs if not s.startswith("hostile"))
    print(f"  honest submissions graded the same by both: {agree} of {n - 10}")
    shutil.rmtree(work, ignore_errors=True)
