"""``mlcourse grade``: grade submissions in parallel, resumably, one result per learner."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from .._paths import course_root, module_notebook
from ..exercises import get_module
from ._evaluate import EvaluationFailed, evaluate_isolated
from ._files import remove_tree
from ._isolate import IsolatedFailure, preload_for, run_limited, warm_up
from ._prepare import prepare_file
from ._report import clean_text, result_path, write_gradebook, write_result
from ._sandbox import INSIDE, NOTEBOOK, Limits, bubblewrap, execute
from ._submissions import Submission, discover

_ENAME = re.compile(r"[^A-Za-z0-9_.]")  # an exception's name, as the learner's code chose it


class GradeError(RuntimeError):
    """The batch cannot start (no release notebook, no submissions, bad paths)."""


@dataclass
class BatchSummary:
    """What a batch did."""

    graded: int
    skipped: int
    gradebook: Path
    seconds: float
    grader_errors: list[str] = field(default_factory=list)
    not_graded: list[str] = field(default_factory=list)


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
    submission: Submission,
    module: str,
    limits: Limits,
    worker: int = 0,
    *,
    sandbox: bool = True,
    refuse_tampering: bool = True,
) -> dict[str, Any]:
    """Grade one submission; never raises for anything the submission contains.

    Whatever goes wrong on the grader's side while this submission is prepared, run, decoded,
    judged or cleaned up becomes the status ``grader_error`` with a one-line reason. Code
    that reaches into the course's internals is refused unrun (``tampered``) unless
    ``refuse_tampering`` is False (the grader's own tests use that to reach the defences
    behind that first one).
    """
    declaration = get_module(module)
    base = _base_result(submission, module, declaration)
    execution = _no_execution()
    try:
        base["submission"]["sha256"] = submission.sha256
        status, reason, problems = _grade(
            submission, module, limits, worker, sandbox, execution, refuse_tampering
        )
    except Exception as error:  # noqa: BLE001 - one submission never stops a batch
        status, reason, problems = "grader_error", _grader_failure(error), []
    return _finish(base, declaration, status, reason, problems, execution)


def _base_result(submission: Submission, module: str, declaration) -> dict[str, Any]:
    """The fields of a result known before the submission is graded (its hash filled later)."""
    return {
        "schema": "mlcourse.grade/1",
        "learner": submission.learner,
        "module": module,
        "submission": {"file": clean_text(submission.name), "sha256": ""},
        "max_points": declaration.max_points,
        "graded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "mlcourse_version": _version(),
    }


def _no_execution() -> dict[str, Any]:
    return {"seconds": 0.0, "sandboxed": False, "cell_errors": [], "output_truncated": False}


def _grader_failure(error: BaseException) -> str:
    return (
        "The grader could not judge this submission "
        f"({type(error).__name__}); your instructor has been told."
    )


def _grade(submission, module, limits, worker, sandbox, execution, refuse_tampering=True):
    try:
        data = submission.data
    except Exception as error:  # noqa: BLE001 - a corrupt, encrypted or odd zip member
        return "unreadable", f"the file could not be read ({type(error).__name__})", []
    if data is None:
        return "missing", submission.problem or "no notebook", []
    scratch = Path(tempfile.mkdtemp(prefix="mlcourse-grade-"))
    try:
        submitted = scratch / "submitted.ipynb"
        submitted.write_bytes(data)
        del data
        out_inside = f"{INSIDE}/out" if sandbox else str(scratch / "out")
        notebook = scratch / NOTEBOOK
        try:
            read, _ = run_limited(
                prepare_file,
                str(submitted),
                module,
                out_inside,
                str(notebook),
                memory_mb=limits.eval_memory_mb,
                timeout=limits.eval_timeout,
                preload=preload_for(module),
            )
        except IsolatedFailure as error:
            return (
                "unreadable",
                f"the notebook could not be read within the grader's limits: {error}",
                [],
            )
        if "unreadable" in read:
            return "unreadable", str(read["unreadable"]), []
        learner_cells = int(read["learner_cells"])
        if refuse_tampering and read.get("tampering"):
            return "tampered", _tampering_reason(read["tampering"]), []
        answers = scratch / "answers"
        answers.mkdir()
        run = execute(notebook, scratch, answers, limits, worker, sandbox=sandbox)
        report = _runner_report(run.report)
        execution.update(
            seconds=round(run.seconds, 2),
            sandboxed=run.sandboxed,
            cell_errors=report.get("errors", [])[:50],
            output_truncated=bool(report.get("truncated")),
        )
        if run.peak_mb is not None:
            execution["sandbox_peak_mb"] = run.peak_mb
        status, reason = _status(run, report, learner_cells, "answers.json" in run.files)
        if status not in ("ok", "empty"):
            return status, reason, []  # a run that did not finish earns nothing
        try:
            problems = evaluate_isolated(
                module,
                answers,
                memory_mb=limits.eval_memory_mb,
                timeout=limits.eval_timeout,
                stats=execution,
            )
        except EvaluationFailed as error:
            return "grader_error", f"The grader could not judge the answers: {error}.", []
        return status, reason, problems
    finally:
        left = remove_tree(scratch)
        if left:
            warnings.warn(f"could not remove all of {scratch}: {left[:3]}", stacklevel=2)


def _tampering_reason(reasons: list[str]) -> str:
    return (
        "Not run: the notebook's own code reaches into the course's internals, which no "
        f"exercise needs ({'; '.join(str(r) for r in reasons[:3])}). Remove that code and "
        "hand it in again."
    )


def _runner_report(data: dict | None) -> dict[str, Any]:
    """The runner's report (from the private pipe), reduced to known, typed fields."""
    if type(data) is not dict:
        return {}
    errors = [
        e
        for e in data.get("errors", [])
        if type(e) is dict and type(e.get("cell")) is int and e["cell"] >= 0
    ]
    return {
        "errors": [
            {"cell": e["cell"], "ename": _ENAME.sub("", str(e.get("ename", "")))[:60] or "Error"}
            for e in errors
        ],
        "truncated": data.get("truncated") is True,
        "status": str(data.get("status", ""))[:40],
        "answers_problem": str(data.get("answers_problem") or "")[:200],
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
    if not report:
        return (
            "crashed",
            "The notebook's run ended without reporting back (its processes were killed or "
            "exceeded a resource limit).",
        )
    if run.status == "crashed" or report.get("status") == "kernel_died" or not answered:
        if report.get("answers_problem", "").startswith("the answers are larger"):
            return "crashed", f"The notebook ran, but {report['answers_problem']}."
        return (
            "crashed",
            "The notebook's kernel died or exited before the end (a crash, os._exit, or a resource limit).",
        )
    if learner_cells == 0:
        return "empty", "The notebook holds no code of its own."
    notes = []
    if report.get("errors"):  # an interrupted cell is reported twice: interrupt and timeout
        cells = {e["cell"] for e in report["errors"]}
        notes.append(f"{len(cells)} cell(s) raised an error")
    if report.get("truncated"):
        notes.append("its output was cut at the size limit")
    return "ok", ("The notebook ran to its end" + (f"; {', '.join(notes)}." if notes else "."))


def _finish(base, declaration, status, reason, problems, execution) -> dict[str, Any]:
    if not problems:
        from ..checks import not_attempted

        problems = [
            not_attempted(p.id, p.points, f"Not graded: {reason}").to_dict()
            for p in declaration.problems
        ]
    return clean_text(
        {
            **base,
            "status": status,
            "reason": reason,
            "problems": problems,
            "points": sum(p["points"] for p in problems),
            "execution": execution,
        }
    )


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
    sandbox: bool = True,
    progress=print,
    refuse_tampering: bool = True,
    cluster=None,
    bar: bool = False,
) -> BatchSummary:
    """Grade every submission under ``paths`` into ``out``.

    Each result is written atomically as soon as it is known, and the gradebook is rebuilt from
    all results at the end (also when the batch is interrupted), so a killed batch loses
    nothing: ``resume=True`` skips submissions whose result is already there for the same
    file content, except a ``grader_error`` (a failure on the grader's side is worth another
    try). One submission can never stop the batch: whatever fails on the grader's side
    becomes that submission's ``grader_error``. A submission whose Dask worker was lost while
    grading it gets no result at all (``BatchSummary.not_graded``): ``resume`` grades it.

    Parameters
    ----------
    paths : list of Path
        Notebook files, folders or LMS zips.
    module : str
        The module being graded (``"01"``).
    out : Path
        The output folder.
    workers : int
        Submissions graded at once by this machine's pool (ignored with ``cluster``).
    limits : Limits, optional
        Resource limits of each submission.
    resume : bool
        Skip submissions already graded with the same content.
    mlflow : bool
        Also log one MLflow run per submission.
    sandbox : bool
        Run submissions in bubblewrap (refused when it is missing).
    progress : callable
        Receives one line per graded submission (with rate and ETA) and notes.
    refuse_tampering : bool
        Grade tampering notebooks as ``tampered`` without running them.
    cluster : DaskCluster, optional
        Grade on a Dask cluster instead of this machine's pool; results, resume, the
        gradebook and MLflow logging stay here.
    bar : bool
        Show a progress bar on stderr instead of one line per submission.

    Raises
    ------
    GradeError
        When the batch cannot start: no release notebook, no submissions, no sandbox while
        ``sandbox`` is asked for, or a Dask cluster that cannot be reached or is unfit; or
        when the cluster loses all its workers or a worker grades with other course code
        (the results so far are saved and the gradebook is written).
    """
    if sandbox and not bubblewrap() and cluster is None:
        raise GradeError(
            "bubblewrap is not installed, so submissions cannot be sandboxed: install it "
            "(apt-get install bubblewrap), or pass --no-sandbox for a batch you trust"
        )
    limits = limits or Limits()
    release_notebook(module)  # fails early, with the reason, when there is none
    declaration = get_module(module)
    submissions = discover(paths, module)
    if not submissions:
        raise GradeError("no submissions found under the given paths")
    todo = [s for s in submissions if not (resume and _already_graded(out, module, s))]
    skipped = len(submissions) - len(todo)
    if skipped:
        progress(f"resuming: {skipped} submission(s) already graded")
    start = time.monotonic()
    failures: list[str] = []
    lost: list[str] = []
    lock = threading.Lock()
    meter = Progress(len(todo), progress, bar=bar)

    def record(submission: Submission, result: dict[str, Any]) -> None:
        """The driver's side of one graded submission: saved, logged, counted."""
        with lock:
            result = _save(out, result, submission, declaration)
            if result["status"] == "grader_error":
                failures.append(result["learner"])
            if mlflow:
                try:
                    _log_mlflow(result)
                except Exception as error:  # tracking is optional; the grade is already saved
                    meter.note(f"  (MLflow logging failed for {submission.learner}: {error})")
            meter.advance(result)

    def lose(submission: Submission, reason: str) -> None:
        """A submission that got no result (its worker was lost): counted, never saved."""
        with lock:
            lost.append(submission.learner)
            meter.lost(submission.learner, reason)

    task = GradingTask(module, limits, sandbox, refuse_tampering)
    with contextlib.ExitStack() as stack:
        if cluster is None:
            run = _local_pool(workers)
        else:
            from ._dask import cluster_pool

            run = stack.enter_context(cluster_pool(cluster, module, sandbox, meter.note))
        if todo and cluster is None:
            warm_up(module)
        meter.begin()  # the rate counts grading, not starting a cluster
        try:
            run(todo, task, record, lose)
        finally:
            meter.close()
            gradebook = write_gradebook(out, module, [p.id for p in declaration.problems])
    if lost:
        progress(
            f"{len(lost)} submission(s) not graded: worker lost; run again with --resume "
            f"({', '.join(sorted(lost))})"
        )
    return BatchSummary(
        len(todo) - len(lost),
        skipped,
        gradebook,
        time.monotonic() - start,
        sorted(failures),
        sorted(lost),
    )


@dataclass(frozen=True)
class GradingTask:
    """What grading one submission needs besides the submission: the same wherever it runs."""

    module: str
    limits: Limits
    sandbox: bool
    refuse_tampering: bool

    def __call__(self, submission: Submission, worker: int = 0) -> dict[str, Any]:
        """Grade ``submission`` with sandbox slot ``worker`` (see :func:`grade_submission`)."""
        return grade_submission(
            submission,
            self.module,
            self.limits,
            worker,
            sandbox=self.sandbox,
            refuse_tampering=self.refuse_tampering,
        )


def _local_pool(workers: int):
    """A runner grading on this machine's threads, each with a sandbox slot of its own."""

    def run(todo: list[Submission], task: GradingTask, record, lose=None) -> None:
        lock = threading.Lock()
        slots = list(range(workers))

        def one(submission: Submission) -> None:
            with lock:
                worker = slots.pop()
            try:
                result = task(submission, worker)
            finally:
                with lock:
                    slots.append(worker)
            record(submission, result)

        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            for future in [pool.submit(one, s) for s in todo]:
                future.result()
        finally:
            # interrupted: the submissions being graded finish (within their deadline) and are
            # saved, the rest wait
            pool.shutdown(wait=True, cancel_futures=True)

    return run


def declaration_mismatch(result: dict[str, Any], declaration) -> str | None:
    """How a result disagrees with this machine's declaration of its module; None if it agrees.

    A result graded with other course code (another commit's problems or points) must never
    be saved as a grade.

    Parameters
    ----------
    result : dict
        A result, as :func:`grade_submission` returns.
    declaration : mlcourse.exercises.Module
        This machine's declaration of the result's module.

    Returns
    -------
    str or None
        One line naming what differs.
    """
    expected = {p.id: float(p.points) for p in declaration.problems}
    try:
        found = {str(p["problem"]): float(p["max_points"]) for p in result["problems"]}
        total = float(result["max_points"])
    except (KeyError, TypeError, ValueError):
        return "the result is malformed"
    if list(found) != list(expected):
        return f"problems {', '.join(found) or 'none'} instead of {', '.join(expected)}"
    differ = [k for k in expected if found[k] != expected[k]]
    if differ:
        first = differ[0]
        return f"{first} is worth {found[first]:g} points there and {expected[first]:g} here"
    if total != float(declaration.max_points):
        return f"max_points {total:g} there and {float(declaration.max_points):g} here"
    return None


def failed_result(submission: Submission, module: str, error: BaseException) -> dict[str, Any]:
    """The ``grader_error`` result of a submission the grader could not run at all.

    Parameters
    ----------
    submission : Submission
        The submission.
    module : str
        The module being graded.
    error : BaseException
        What went wrong (only its type is shown to the learner).

    Returns
    -------
    dict
        A complete result, as :func:`grade_submission` returns.
    """
    declaration = get_module(module)
    base = _base_result(submission, module, declaration)
    base["submission"]["sha256"] = submission.sha256
    return _finish(base, declaration, "grader_error", _grader_failure(error), [], _no_execution())


class Progress:
    """Progress of a batch: a tqdm bar (rate, ETA) or one line per submission with both.

    Parameters
    ----------
    total : int
        Submissions to grade.
    emit : callable
        Receives the lines (when there is no bar) and notes.
    bar : bool
        Draw a bar on stderr.
    """

    def __init__(self, total: int, emit, *, bar: bool = False) -> None:
        self.total, self.emit, self.done = total, emit, 0
        self.start = time.monotonic()
        self.bar = None
        if bar and total:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, file=sys.stderr, unit="submission", dynamic_ncols=True, smoothing=0.1
            )

    def begin(self) -> None:
        """Start the clock of the rate and ETA now."""
        self.start = time.monotonic()
        if self.bar is not None:
            self.bar.reset(total=self.total)

    def advance(self, result: dict[str, Any]) -> None:
        """Count one graded submission and show it."""
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(f"{result['learner']} {result['status']}", refresh=False)
            self.bar.update(1)
            return
        self.emit(
            f"[{self.done}/{self.total}] {result['learner']:<24} "
            f"{result['points']:g}/{result['max_points']:g} pt  {result['status']}  "
            f"({result['execution']['seconds']:.1f} s)  {self.rate_and_eta()}"
        )

    def lost(self, learner: str, reason: str) -> None:
        """Count a submission that got no result (its worker was lost) and say so."""
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.write(f"{learner}: not graded ({reason})", file=sys.stderr)
            return
        self.emit(
            f"[{self.done}/{self.total}] {learner:<24} not graded ({reason})  {self.rate_and_eta()}"
        )

    def rate_and_eta(self) -> str:
        """``12.3/min, ETA 04:05`` from the submissions graded so far."""
        from tqdm import tqdm

        elapsed = max(time.monotonic() - self.start, 1e-6)
        per_second = self.done / elapsed
        left = (self.total - self.done) / per_second if per_second else 0.0
        return f"{per_second * 60:.1f}/min, ETA {tqdm.format_interval(left)}"

    def note(self, line: str) -> None:
        """Show a line that is not a graded submission (above the bar, when there is one)."""
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            self.emit(line)

    def close(self) -> None:
        """Close the bar, if any."""
        if self.bar is not None:
            self.bar.close()


def _already_graded(out: Path, module: str, submission: Submission) -> bool:
    try:
        existing = json.loads(result_path(out, module, submission.learner).read_text("utf-8"))
        # a failure on the grader's side is no verdict on the submission: grade it again
        return (
            existing["submission"]["sha256"] == submission.sha256
            and existing["status"] != "grader_error"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _save(out: Path, result: dict[str, Any], submission: Submission, declaration) -> dict:
    """Write a result; when it cannot be written, write a plain grader_error in its place."""
    try:
        write_result(out, result)
        return result
    except Exception as error:  # noqa: BLE001 - the batch goes on
        fallback = {
            **{k: result[k] for k in ("schema", "learner", "module", "max_points", "graded_at")},
            "mlcourse_version": result.get("mlcourse_version", ""),
            "submission": {"file": "", "sha256": submission.sha256},
            "execution": {
                "seconds": 0.0,
                "sandboxed": False,
                "cell_errors": [],
                "output_truncated": False,
            },
        }
        fallback = _finish(
            fallback, declaration, "grader_error", _grader_failure(error), [], fallback["execution"]
        )
        try:
            write_result(out, fallback)
        except Exception:  # noqa: BLE001 - the output folder itself fails: reported at the end
            fallback["status"] = "grader_error"
        return fallback
