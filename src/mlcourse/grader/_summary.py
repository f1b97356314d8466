"""A graded notebook's result for CI: a Markdown summary, and a saved result read back.

``mlcourse check --summary`` writes :func:`check_summary` (for ``$GITHUB_STEP_SUMMARY`` or a
pull-request comment); ``mlcourse check --from-json FILE --problem ID`` reads a result saved
with ``--json`` through :func:`read_grader_result`, which refuses anything that is not the
grader's result for the installed course's module. Everything in a result that came from the
notebook is learner text: shown only inside code spans, one line, capped.
"""

from __future__ import annotations

import re
from pathlib import Path


class ResultRefused(ValueError):
    """A file that is not the grader's result for the module asked about."""


_OUTCOME_LABELS = {
    "correct": "✅ correct",
    "incorrect": "❌ incorrect",
    "not_attempted": "✏️ not attempted",
    "checker_error": "⚠️ checker error",
}
_SUMMARY_TEXT_LIMIT = 160  # characters of learner-influenced text per table cell
_RESULT_SIZE_LIMIT = 5_000_000  # a grader result is a few kB; anything larger is not one


def markdown_code(text: object, *, in_table: bool = True) -> str:
    """``text`` as one Markdown code span: shown as typed, never read as Markdown or HTML.

    Only the first line is kept, capped in length; a pipe is escaped so that a table cell
    stays one cell. Mentions and links are not made inside code spans.
    """
    lines = str(text).splitlines()
    line = lines[0].strip() if lines else ""
    if len(line) > _SUMMARY_TEXT_LIMIT:
        line = line[: _SUMMARY_TEXT_LIMIT - 1] + "…"
    if not line:
        return ""
    if in_table:
        line = line.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", line)), default=0) + 1)
    return f"{fence} {line} {fence}"


def points_text(value: object) -> str:
    """Points as printed (``3``, ``0.5``), or ``?`` for a value that is not a number."""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "?"


def check_summary(result: dict, notebook_name: str) -> str:
    """A Markdown report of one graded notebook, for ``$GITHUB_STEP_SUMMARY`` or a PR comment.

    Parameters
    ----------
    result : dict
        The grader's result (``mlcourse.grade/1``), as ``grade_submission`` returns it.
    notebook_name : str
        The notebook's file name, shown in the heading.

    Returns
    -------
    str
        A heading with the total, one line on how the run went, and a table with a row per
        problem: its outcome, points and the first line of its feedback. Everything that
        comes from the notebook is shown in code spans, so none of it is read as Markdown
        or HTML, and no pipe can split a row.
    """
    name = markdown_code(notebook_name, in_table=False)
    total = f"{points_text(result.get('points'))}/{points_text(result.get('max_points'))}"
    lines = [f"### {name}: {total} points", ""]
    status = str(result.get("status", ""))
    where = "sandboxed" if result.get("execution", {}).get("sandboxed") else "NOT sandboxed"
    if status in ("ok", "empty"):
        lines.append(f"Graded as the course's grader does ({where}). ")
    else:
        lines.append(f"**Not graded ({status.replace('_', ' ')[:40]})**: ")
    lines[-1] += markdown_code(result.get("reason", ""), in_table=False)
    lines += ["", "| exercise | outcome | points | feedback |", "| --- | --- | ---: | --- |"]
    for outcome in result.get("problems", []):
        label = _OUTCOME_LABELS.get(outcome.get("status"), "unknown")
        details = outcome.get("details")
        if type(details) is dict and details.get("key_unavailable") is True:
            label = "⏳ judged when graded"  # no answer key installed here: not a bug
        score = f"{points_text(outcome.get('points'))}/{points_text(outcome.get('max_points'))}"
        feedback = markdown_code(outcome.get("message", ""))
        lines.append(
            f"| {markdown_code(outcome.get('problem', ''))} | {label} | {score} | {feedback} |"
        )
    return "\n".join(lines) + "\n\n"


def unreadable_summary(path: Path, reason: str) -> str:
    return (
        f"### {markdown_code(path.name, in_table=False)}: not checked\n\n"
        f"**Not graded (unreadable)**: {markdown_code(reason, in_table=False)}\n\n"
    )


def _outcome_points(problems: object) -> dict[str, float] | None:
    """``{problem id: max points}`` of a result's outcomes; None when they are malformed."""
    if type(problems) is not list:
        return None
    found = {}
    for outcome in problems:
        try:
            float(outcome["points"])
            if type(outcome["status"]) is not str or outcome["problem"] in found:
                return None
            found[outcome["problem"]] = float(outcome["max_points"])
        except (KeyError, TypeError, ValueError):
            return None
    return found


def read_grader_result(path: Path, module: str, notebook: Path | None) -> dict:
    """The grader's result for ``module`` in ``path``; a one-line error for anything else."""
    import hashlib
    import json

    from ..exercises import get_module

    def refuse(why: str) -> ResultRefused:
        return ResultRefused(f"{path}: not the grader's result for module {module}: {why}")

    try:
        with path.open("rb") as handle:
            data = handle.read(_RESULT_SIZE_LIMIT + 1)
    except OSError as error:
        raise ResultRefused(f"{path}: cannot read ({error.strerror or error})") from None
    if len(data) > _RESULT_SIZE_LIMIT:
        raise refuse("the file is far larger than a result")
    try:
        result = json.loads(data)
    except (ValueError, RecursionError):
        raise refuse("it is not JSON") from None
    if type(result) is not dict or result.get("schema") != "mlcourse.grade/1":
        raise refuse('no "schema": "mlcourse.grade/1"')
    if result.get("module") != module:
        raise refuse(f"it grades module {str(result.get('module'))[:10]!r}")
    declared = {p.id: float(p.points) for p in get_module(module).problems}
    found = _outcome_points(result.get("problems"))
    if found is None:
        raise refuse("its problems are not a list of outcomes")
    if found != declared:
        raise refuse("its problems or points are not this course's (another version?)")
    if notebook is not None:
        sha = hashlib.sha256(notebook.read_bytes()).hexdigest()
        submission = result.get("submission")
        if type(submission) is not dict or submission.get("sha256") != sha:
            raise refuse(f"it was made from another version of {notebook.name}")
    return result
