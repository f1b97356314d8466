"""``mlcourse grade``: grade submissions in parallel, resumably, one result per learner."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from .._paths import course_root, module_notebook
from ..exercises import get_module
from ._evaluate import evaluate_module
from ._prepare import Unreadable, prepare, read_submission
from ._report import result_path, write_gradebook, write_result
from ._sandbox import INSIDE, Limits, bubblewrap, execute
from ._submissions import Submission, discover


class GradeError(RuntimeError):
    """The batch cannot start (no release notebook, no submissions, bad paths)."""


@dataclass
class BatchSummary:
    """What a batch did."""

    graded: int
    skipped: int
    gradebook: Path
    seconds: float


def _version() -> str:
    from .. import __version__

    return __version__


def release_notebook(module: str, root: Path | None = None) -> nbformat.NotebookNode:
    """The released exercises notebook of a module (its recorded roles restore the protected cells)."""
    path = module_notebook("exercises", module, root)
    if path is None:
        raise GradeError(
            f"no exercises/{module}_*.ipynb under {root or course_root()}: run from the course folder"
        )
    return nbformat.read(str(path), as_version=4)


def grade_submission(
    submission: Submission, module: str, release, limits: Limits, worker: int = 0
) -> dict[str, Any]:
    """Grade one submission; never raises for anything the submission contains."""
    declaration = get_module(module)
    base = {
        "schema": "mlcourse.grade/1",
        "learner": submission.learner,
        "module": module,
        "submission": {"file": submission.name, "sha256": submission.sha256},
        "max_points": declaration.max_points,
        "graded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "mlcourse_version": _version(),
    }
    execution = {"seconds": 0.0, "sandboxed": False, "cell_errors": [], "output_truncated": False}
    if submission.data is None:
        return _finish(
            base, declaration, "missing", submission.problem or "no notebook", [], execution
        )
    try:
        nb = read_submission(submission.data)
    except Unreadable as error:
        return _finish(base, declaration, "unreadable", str(error), [], execution)
    scratch = Path(tempfile.mkdtemp(prefix="mlcourse-grade-"))
    out_inside = f"{INSIDE}/out" if bubblewrap() else str(scratch / "out")
    prepared, learner_cells = prepare(nb, release, module, out_inside)
    try:
        (scratch / "in").mkdir()
        (scratch / "out").mkdir()
        notebook = scratch / "in" / "submission.ipynb"
        nbformat.write(prepared, str(notebook))
        run = execute(notebook, scratch, limits, worker)
        execution.update(seconds=round(run.seconds, 2), sandboxed=run.sandboxed)
        report = _runner_report(scratch / "out")
        execution["cell_errors"] = report.get("errors", [])[:50]
        execution["output_truncated"] = bool(report.get("truncated"))
        answered = (scratch / "out" / "answers.json").is_file()
        status, reason = _status(run, report, learner_cells, answered)
        finished = status in ("ok", "empty")
        outcomes = evaluate_module(
            declaration, scratch / "out", submission.learner, finished, reason
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return _finish(base, declaration, status, reason, outcomes, execution)


def _runner_report(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    try:
        if path.is_symlink() or path.stat().st_size > 1_000_000:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if type(data) is not dict:
        return {}
    errors = [e for e in data.get("errors", []) if type(e) is dict and type(e.get("cell")) is int]
    return {
        "errors": [{"cell": e["cell"], "ename": str(e.get("ename", ""))[:100]} for e in errors],
        "truncated": data.get("truncated") is True,
        "status": str(data.get("status", "")),
    }


def _status(run, report: dict, learner_cells: int, answered: bool) -> tuple[str, str]:
    if run.status == "timeout":
        return "timeout", "The notebook did not finish within the time limit and was stopped."
    timed_out = any(e["ename"] == "CellTimeoutError" for e in report.get("errors", []))
    if not answered and timed_out:
        return (
            "timeout",
            "A cell ran past the time limit and could not be interrupted, so no answer could be read.",
        )
    if (
        run.status == "crashed"
        or report.get("status") == "kernel_died"
        or not report
        or not answered
    ):
        return (
            "crashed",
            "The notebook's kernel died or exited before the end (a crash, os._exit, or a resource limit).",
        )
    if learner_cells == 0:
        return "empty", "The notebook holds no code of its own."
    notes = []
    if report.get("errors"):
        notes.append(f"{len(report['errors'])} cell(s) raised an error")
    if report.get("truncated"):
        notes.append("its output was cut at the size limit")
    return "ok", ("The notebook ran to its end" + (f"; {', '.join(notes)}." if notes else "."))


def _finish(base, declaration, status, reason, outcomes, execution) -> dict[str, Any]:
    if not outcomes:
        from ..checks import not_attempted

        outcomes = [
            not_attempted(p.id, p.points, f"Not graded: {reason}") for p in declaration.problems
        ]
    problems = [o.to_dict() for o in outcomes]
    return {
        **base,
        "status": status,
        "reason": reason,
        "problems": problems,
        "points": sum(p["points"] for p in problems),
        "execution": execution,
    }


def _log_mlflow(result: dict[str, Any]) -> None:
    import mlflow

    from .._curriculum import module_name

    mlflow.set_experiment(f"mlcourse/grades/{module_name(result['module'])}")
    with mlflow.start_run(
        run_name=result["learner"],
        tags={
            "mlcourse.learner": result["learner"],
            "mlcourse.module": result["module"],
            "mlcourse.grade_status": result["status"],
        },
    ):
        mlflow.log_metric("points", result["points"])
        mlflow.log_metric("max_points", result["max_points"])
        for problem in result["problems"]:
            mlflow.log_metric(f"points.{problem['problem']}", problem["points"])


def grade_batch(
    paths: list[Path],
    module: str,
    out: Path,
    *,
    workers: int = 1,
    limits: Limits | None = None,
    resume: bool = False,
    mlflow: bool = False,
    progress=print,
) -> BatchSummary:
    """Grade every submission under ``paths`` into ``out``.

    Each result is written atomically as soon as it is known, and the gradebook is rebuilt from
    all results at the end, so a killed batch loses nothing: ``resume=True`` skips submissions
    whose result is already there for the same file content.
    """
    limits = limits or Limits()
    release = release_notebook(module)
    declaration = get_module(module)
    submissions = discover(paths, module)
    if not submissions:
        raise GradeError("no submissions found under the given paths")
    todo = []
    for submission in submissions:
        existing = result_path(out, module, submission.learner)
        if resume and existing.is_file():
            try:
                if json.loads(existing.read_text())["submission"]["sha256"] == submission.sha256:
                    continue
            except (ValueError, KeyError, TypeError):
                pass
        todo.append(submission)
    skipped = len(submissions) - len(todo)
    if skipped:
        progress(f"resuming: {skipped} submission(s) already graded")
    start = time.monotonic()
    done = [0]
    lock = threading.Lock()
    slots = list(range(workers))

    def one(submission: Submission) -> None:
        with lock:
            worker = slots.pop()
        try:
            result = grade_submission(submission, module, release, limits, worker)
        finally:
            with lock:
                slots.append(worker)
        write_result(out, result)
        if mlflow:
            try:
                _log_mlflow(result)
            except Exception as error:  # tracking is optional; the grade is already saved
                progress(f"  (MLflow logging failed for {submission.learner}: {error})")
        with lock:
            done[0] += 1
            progress(
                f"[{done[0]}/{len(todo)}] {submission.learner:<24} {result['points']:g}/{result['max_points']:g} pt"
                f"  {result['status']}  ({result['execution']['seconds']:.1f} s)"
            )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, s) for s in todo]:
            future.result()
    gradebook = write_gradebook(out, module, [p.id for p in declaration.problems])
    return BatchSummary(len(todo), skipped, gradebook, time.monotonic() - start)
