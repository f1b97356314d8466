"""Step 6: per-submission JSON, the gradebook CSV and an HTML feedback page, written atomically.

The JSON schema (``"schema": "mlcourse.grade/1"``):

- ``learner``, ``module``, ``status`` (``ok``, ``empty``, ``unreadable``, ``timeout``,
  ``crashed``, ``missing``, ``grader_error``), ``reason`` (one sentence), ``points``,
  ``max_points``;
- ``submission``: ``file`` and ``sha256`` of what was graded;
- ``problems``: one entry per problem with ``problem``, ``status`` (correct, incorrect,
  not_attempted, checker_error), ``points``, ``max_points``, ``message``, ``details``;
- ``execution``: ``seconds``, ``sandboxed``, ``cell_errors`` (cell index and exception name),
  ``output_truncated``, ``evaluator_peak_mb`` (when the answers were judged);
- ``graded_at`` (UTC, ISO 8601) and ``mlcourse_version``.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

SCHEMA = "mlcourse.grade/1"


# control characters but newline and tab, and format characters (bidirectional overrides,
# zero-width characters): learner-made text must not reorder or hide what an instructor reads
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


def clean_text(value: Any, depth: int = 0) -> Any:
    """``value`` with every string made writable as UTF-8 and shown as it is.

    Learner-made text (messages quoting their values, file names) can hold code points that
    cannot be encoded (lone surrogates, replaced) or that reorder or hide text (bidirectional
    overrides, zero-width and control characters, removed); results, pages and the gradebook
    must still be written, and read truthfully.
    """
    if depth > 50:
        return "…"
    if isinstance(value, str):
        text = value.encode("utf-8", "replace").decode("utf-8")
        return _INVISIBLE.sub("", text)
    if isinstance(value, dict):
        return {clean_text(k, depth + 1): clean_text(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_text(v, depth + 1) for v in value]
    return value


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not read as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def result_path(out: Path, module: str, learner: str) -> Path:
    """Where one submission's result lives."""
    return out / "results" / module / f"{learner}.json"


def write_result(out: Path, result: dict[str, Any]) -> Path:
    """Write the JSON result and the learner's HTML page."""
    result = clean_text(result)
    path = result_path(out, result["module"], result["learner"])
    atomic_write(path, json.dumps(result, indent=2, sort_keys=True) + "\n")
    atomic_write(
        out / "feedback" / result["module"] / f"{result['learner']}.html", feedback_html(result)
    )
    return path


def load_results(out: Path, module: str) -> list[dict[str, Any]]:
    """Every result of a module in ``out``, by learner."""
    folder = out / "results" / module
    results = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (
            type(data) is dict
            and data.get("schema") == SCHEMA
            and type(data.get("problems")) is list
        ):
            results.append(data)
    return results


def write_gradebook(out: Path, module: str, problem_ids: list[str]) -> Path:
    """Rebuild ``gradebook_NN.csv`` from every result: a row per learner, a column per problem."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["learner", "status", *problem_ids, "total", "max_points"])
    for result in load_results(out, module):
        try:
            points = {p["problem"]: float(p["points"]) for p in result["problems"]}
            row = [
                _cell(result["learner"]),
                _cell(result["status"]),
                *(f"{points.get(i, 0):g}" for i in problem_ids),
                f"{float(result['points']):g}",
                f"{float(result['max_points']):g}",
            ]
        except (KeyError, TypeError, ValueError):
            continue
        writer.writerow(row)
    path = out / f"gradebook_{module}.csv"
    atomic_write(path, buffer.getvalue())
    return path


_ICONS = {"correct": "✅", "incorrect": "❌", "not_attempted": "✏️", "checker_error": "⚠️"}
_STATUS_NOTES = {
    "tampered": "Your notebook was not run: its code imports or changes the course's own "
    "modules (the checking and grading machinery). No exercise needs that; remove it, check "
    "with `mlcourse check`, and hand the notebook in again.",
    "grader_error": "The grader itself could not judge this submission; this is not a verdict "
    "on your work. Your instructor sees it in the batch summary and will grade it again.",
}


def feedback_html(result: dict[str, Any]) -> str:
    """A self-contained feedback page: the score, the status and every problem's message."""
    e = html.escape
    rows = []
    for p in result["problems"]:
        hidden = p.get("details", {}).get("hidden")
        extra = ""
        if hidden:
            passed_hidden = hidden - p["details"].get("hidden_failed", 0)
            extra = f"<br><small>hidden tests passed: {passed_hidden} of {hidden}</small>"
        rows.append(
            f"<tr><td>{e(p['problem'])}</td><td>{_ICONS.get(p['status'], '')} {e(p['status'].replace('_', ' '))}</td>"
            f"<td>{p['points']:g} / {p['max_points']:g}</td><td>{e(p['message'])}{extra}</td></tr>"
        )
    errors = result.get("execution", {}).get("cell_errors", [])
    error_text = "".join(f"<li>cell {c['cell'] + 1}: {e(c['ename'])}</li>" for c in errors[:20])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Module {e(result["module"])} feedback for {e(result["learner"])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}}</style></head>
<body><h1>Module {e(result["module"])}: {result["points"]:g} / {result["max_points"]:g} points</h1>
<p>Learner: <b>{e(result["learner"])}</b>. Status: <b>{e(result["status"])}</b>. {e(result.get("reason", ""))}</p>
{f"<p><b>{e(_STATUS_NOTES[result['status']])}</b></p>" if result["status"] in _STATUS_NOTES else ""}
<table><thead><tr><th>exercise</th><th>outcome</th><th>points</th><th>feedback</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{f"<h2>Cells that raised an error</h2><ul>{error_text}</ul>" if error_text else ""}
<p><small>Graded {e(result.get("graded_at", ""))} by mlcourse {e(result.get("mlcourse_version", ""))}.
Answers were evaluated outside your notebook; what a cell printed does not change the grade.</small></p>
</body></html>
"""
