"""The post-session report: per exercise, how the class did; as HTML, CSV and an MLflow run.

Everything here is a pure function of a session's export (``GET /api/s/{sid}/export``, or
:meth:`mlcourse.live._store.Store.export`): ``{"session": {...}, "problems": [...],
"learners": [{"name", "pseudonym", "joined"}], "events": [{"learner", "kind", "problem",
"status", "error", "detail", "time", ...}], "reveals": [...]}``. The export's strings come
from learners, so every one of them is escaped in the HTML and neutralised in the CSV.

Definitions (the HTML says them too):

- *attempted*: the learner checked the exercise with an answer (a check whose status is not
  ``not_attempted``);
- *attempts*: checks with an answer up to and including the first correct one (all of them
  when the learner never passed), per learner who attempted;
- *pass rate*: learners who passed over learners in the session;
- *passed after the solution*: learners whose first correct check came after they viewed the
  released solution (counted in *passed* too, and left out of the time to pass);
- *time to pass*: to the learner's first correct check, from the moment the class was put on
  the exercise (its checkpoint) or from the learner's first attempt, whichever came first
  (without a checkpoint, a pass at the first attempt takes 0 s);
- *attempted, never passed*: learners who attempted the exercise and never passed it;
- *top errors*: exception class and message, counted in distinct learners.

The checkpoint times come from the export's ``checkpoints`` (``[{"problem", "at"}]``, every
time the instructor set one) when present, else from the session's current ``checkpoint``
and ``checkpoint_at``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html
import io
import os
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOP_ERRORS = 3
ANSWERED = ("correct", "incorrect", "checker_error")
CSV_COLUMNS = (
    "problem",
    "learners",
    "attempted",
    "passed",
    "pass_rate",
    "attempts_mean",
    "attempts_median",
    "hints",
    "hint_learners",
    "solutions",
    "passed_after_solution",
    "median_seconds_to_pass",
    "clock_from",
    "attempted_never_passed",
    "top_errors",
)
EXPERIMENT = "mlcourse/live"


@dataclass
class ExerciseStats:
    """How the class did on one exercise (see the module's docstring for the definitions)."""

    problem: str
    learners: int
    attempted: int
    passed: int
    pass_rate: float | None
    attempts_mean: float | None
    attempts_median: float | None
    hints: int
    hint_learners: int
    solutions: int
    median_seconds_to_pass: float | None
    attempted_never_passed: list[str] = field(default_factory=list)
    top_errors: list[tuple[str, str, int]] = field(default_factory=list)
    passed_after_solution: int = 0
    checkpoint_at: float | None = None

    @property
    def clock_from(self) -> str:
        """Where the time to pass starts: ``"checkpoint or first attempt"`` or ``"first attempt"``."""
        return "checkpoint or first attempt" if self.checkpoint_at is not None else "first attempt"


@dataclass
class SessionReport:
    """A session's facts, its exercises, and the learners who passed none of them."""

    session: str
    module: str
    title: str
    created: float | None
    ended: float | None
    learners: int
    events: int
    exercises: list[ExerciseStats]
    never_passed: list[str]

    @property
    def duration_seconds(self) -> float | None:
        """From the session's opening to its closing (or its last event)."""
        if self.created is None or self.ended is None:
            return None
        return max(0.0, self.ended - self.created)


# -- numbers ---------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if value == value and abs(value) != float("inf") else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _clean_events(export: dict[str, Any]) -> list[dict[str, Any]]:
    """The export's events that have a learner, a kind and a time, in time order."""
    rows = []
    for event in export.get("events") or []:
        if not isinstance(event, dict):
            continue
        when = _number(event.get("time"))
        if when is None or not event.get("learner") or not event.get("kind"):
            continue
        rows.append({**event, "time": when, "received": _number(event.get("received")) or when})
    rows.sort(key=lambda e: (e["time"], e["received"]))
    return rows


def report_problems(export: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """The exercises to report: the export's list, then any other of the module's seen in events.

    Parameters
    ----------
    export : dict
        A session's export.
    events : list of dict
        Its events (as :func:`summarise` cleans them).

    Returns
    -------
    list of str
    """
    module = _text((export.get("session") or {}).get("module"))
    listed = [str(p) for p in export.get("problems") or [] if isinstance(p, str)]
    seen = sorted(
        {
            str(e["problem"])
            for e in events
            if e.get("problem") and str(e["problem"]).split(".", 1)[0] == module
        }
        - set(listed)
    )
    return listed + seen


def _attempts_until_pass(checks: list[dict[str, Any]]) -> int:
    count = 0
    for event in checks:
        count += 1
        if event.get("status") == "correct":
            break
    return count


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def _mean(values: list[float]) -> float | None:
    return float(statistics.fmean(values)) if values else None


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def exercise_stats(
    problem: str,
    events: list[dict[str, Any]],
    learners: int,
    checkpoint_at: float | None = None,
) -> ExerciseStats:
    """How the class did on one exercise.

    Parameters
    ----------
    problem : str
        The exercise's id (``"03.2"``).
    events : list of dict
        The session's events, time-ordered, each with a ``learner`` name.
    learners : int
        Learners in the session (the pass rate's denominator).
    checkpoint_at : float, optional
        When the class was first put on this exercise (its checkpoint), if it was.

    Returns
    -------
    ExerciseStats
    """
    mine = [e for e in events if e.get("problem") == problem]
    by_learner: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in mine:
        by_learner[event["learner"]].append(event)
    answered = {
        name: [e for e in rows if e["kind"] == "check" and e.get("status") in ANSWERED]
        for name, rows in by_learner.items()
    }
    answered = {name: checks for name, checks in answered.items() if checks}
    times_to_pass = []
    passed, after_solution = set(), set()
    for name, rows in by_learner.items():
        first_pass = next(
            (e for e in rows if e["kind"] == "check" and e.get("status") == "correct"), None
        )
        if first_pass is None:
            continue
        passed.add(name)
        if _saw_solution_before(rows, first_pass["time"]):
            after_solution.add(name)
            continue
        start = answered[name][0]["time"]  # a pass is an answered check: there is one
        if checkpoint_at is not None:
            start = min(start, checkpoint_at)
        times_to_pass.append(max(0.0, first_pass["time"] - start))
    attempts = [float(_attempts_until_pass(checks)) for checks in answered.values()]
    hints = [e for e in mine if e["kind"] == "hint"]
    return ExerciseStats(
        problem=problem,
        learners=learners,
        attempted=len(answered),
        passed=len(passed),
        pass_rate=_rounded(len(passed) / learners, 3) if learners else None,
        attempts_mean=_rounded(_mean(attempts)),
        attempts_median=_rounded(_median(attempts)),
        hints=len(hints),
        hint_learners=len({e["learner"] for e in hints}),
        solutions=sum(1 for e in mine if e["kind"] == "solution"),
        median_seconds_to_pass=_rounded(_median(times_to_pass), 1),
        attempted_never_passed=sorted(set(answered) - passed),
        top_errors=top_errors(mine),
        passed_after_solution=len(after_solution),
        checkpoint_at=checkpoint_at,
    )


def _saw_solution_before(rows: list[dict[str, Any]], moment: float) -> bool:
    return any(e["kind"] == "solution" and e["time"] <= moment for e in rows)


def checkpoint_times(export: dict[str, Any]) -> dict[str, float]:
    """When the class was first put on each exercise, from the export.

    Parameters
    ----------
    export : dict
        A session's export: its ``checkpoints`` (``[{"problem", "at"}]``) when present, and
        the session's current ``checkpoint`` with its ``checkpoint_at``.

    Returns
    -------
    dict of str to float
        Problem id to the earliest time it was the checkpoint.
    """
    session = export.get("session") or {}
    marks = [c for c in export.get("checkpoints") or [] if isinstance(c, dict)]
    marks.append({"problem": session.get("checkpoint"), "at": session.get("checkpoint_at")})
    times: dict[str, float] = {}
    for mark in marks:
        problem, at = mark.get("problem"), _number(mark.get("at"))
        if isinstance(problem, str) and problem and at is not None:
            times[problem] = min(at, times.get(problem, at))
    return times


def top_errors(events: list[dict[str, Any]], n: int = TOP_ERRORS) -> list[tuple[str, str, int]]:
    """The most common ``(error, detail)`` pairs, counted in distinct learners.

    Parameters
    ----------
    events : list of dict
        Events (of one exercise).
    n : int
        How many to keep.

    Returns
    -------
    list of (error, detail, learners)
        Most learners first, ties by error then detail.
    """
    who: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event in events:
        if event.get("error"):
            who[(_text(event["error"]), _text(event.get("detail")))].add(event["learner"])
    ranked = sorted(who.items(), key=lambda item: (-len(item[1]), item[0]))
    return [(error, detail, len(names)) for (error, detail), names in ranked[:n]]


def summarise(export: dict[str, Any]) -> SessionReport:
    """The report's numbers from a session's export.

    Parameters
    ----------
    export : dict
        What ``GET /api/s/{sid}/export`` answers.

    Returns
    -------
    SessionReport
    """
    session = export.get("session") or {}
    events = _clean_events(export)
    names = sorted(
        {_text(r.get("name")) for r in export.get("learners") or [] if isinstance(r, dict)} - {""}
    )
    problems = report_problems(export, events)
    checkpoints = checkpoint_times(export)
    exercises = [
        exercise_stats(problem, events, len(names), checkpoints.get(problem))
        for problem in problems
    ]
    passed_any = {
        e["learner"]
        for e in events
        if e["kind"] == "check" and e.get("status") == "correct" and e.get("problem") in problems
    }
    created = _number(session.get("created"))
    ended = _number(session.get("closed"))
    if ended is None and events:
        ended = max(events[-1]["time"], events[-1]["received"])
    return SessionReport(
        session=_text(session.get("id")),
        module=_text(session.get("module")),
        title=_text(session.get("title")),
        created=created,
        ended=ended if created is not None else None,
        learners=len(names),
        events=len(events),
        exercises=exercises,
        never_passed=[name for name in names if name not in passed_any],
    )


# -- CSV --------------------------------------------------------------------------------------


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _errors_text(errors: list[tuple[str, str, int]]) -> str:
    return "; ".join(
        f"{error}: {detail} ({count})" if detail else f"{error} ({count})"
        for error, detail, count in errors
    )


def csv_rows(report: SessionReport) -> list[dict[str, Any]]:
    """One row per exercise, with :data:`CSV_COLUMNS` as keys.

    Parameters
    ----------
    report : SessionReport

    Returns
    -------
    list of dict
    """
    return [
        {
            "problem": x.problem,
            "learners": x.learners,
            "attempted": x.attempted,
            "passed": x.passed,
            "pass_rate": x.pass_rate,
            "attempts_mean": x.attempts_mean,
            "attempts_median": x.attempts_median,
            "hints": x.hints,
            "hint_learners": x.hint_learners,
            "solutions": x.solutions,
            "passed_after_solution": x.passed_after_solution,
            "median_seconds_to_pass": x.median_seconds_to_pass,
            "clock_from": x.clock_from,
            "attempted_never_passed": len(x.attempted_never_passed),
            "top_errors": _errors_text(x.top_errors),
        }
        for x in report.exercises
    ]


def render_csv(report: SessionReport) -> str:
    """The per-exercise CSV (one header line, one row per exercise).

    Parameters
    ----------
    report : SessionReport

    Returns
    -------
    str
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(report):
        writer.writerow({key: _csv_safe(value) for key, value in row.items()})
    return buffer.getvalue()


# -- HTML -------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
color:#1d2330;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #d4d8e0;padding:.35rem .55rem;text-align:left;vertical-align:top}
th{background:#eef1f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#5b6474}code{font-family:ui-monospace,monospace;font-size:.92em}
"""


def _e(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def format_seconds(seconds: float | None) -> str:
    """``75`` -> ``"1 min 15 s"``; ``None`` -> ``"-"``.

    Parameters
    ----------
    seconds : float or None

    Returns
    -------
    str
    """
    if seconds is None:
        return "-"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _clock(value: float | None) -> str:
    if value is None:
        return "-"
    return dt.datetime.fromtimestamp(value).strftime("%Y-%m-%d %H:%M")


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    """An HTML table; ``rows`` hold already-escaped cells."""
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{cell}</td>" if i in numeric else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _facts_section(report: SessionReport) -> str:
    rows = [
        ["Session", f"<code>{_e(report.session)}</code>"],
        ["Module", _e(report.module)],
        ["Title", _e(report.title) or "-"],
        ["Opened", _e(_clock(report.created))],
        ["Learners", _e(report.learners)],
        ["Events", _e(report.events)],
        ["Duration", _e(format_seconds(report.duration_seconds))],
    ]
    return "<h2>Session</h2>" + _table(["Fact", "Value"], rows)


def _exercises_section(report: SessionReport) -> str:
    headers = [
        "Exercise",
        "Attempted",
        "Passed",
        "After the solution",
        "Pass rate",
        "Attempts (mean)",
        "Attempts (median)",
        "Hints (learners)",
        "Solutions",
        "Median time to pass",
        "Time to pass from",
    ]
    rows = [
        [
            _e(x.problem),
            _e(x.attempted),
            _e(x.passed),
            _e(x.passed_after_solution),
            _e(_percent(x.pass_rate)),
            _e(_num(x.attempts_mean)),
            _e(_num(x.attempts_median)),
            f"{x.hints} ({x.hint_learners})",
            _e(x.solutions),
            _e(format_seconds(x.median_seconds_to_pass)),
            _e(_clock_text(x)),
        ]
        for x in report.exercises
    ]
    note = (
        "<p class='muted'>Pass rate: learners who passed over the session's learners. "
        "After the solution: of those who passed, learners whose first pass came after they "
        "viewed the released solution. "
        "Attempts: checks with an answer until the first pass, per learner who attempted. "
        "Time to pass: to a learner's first correct check, from the exercise's checkpoint "
        "(when the class was put on it) or from the learner's first attempt, whichever came "
        "first, as the last column says; passes after the solution are left out. Without a "
        "checkpoint, a pass at the first attempt takes 0 s.</p>"
    )
    if not rows:
        return "<h2>Exercises</h2><p>No exercise was worked on.</p>"
    return "<h2>Exercises</h2>" + note + _table(headers, rows, set(range(1, 10)))


def _clock_text(stats: ExerciseStats) -> str:
    if stats.checkpoint_at is None:
        return "first attempt"
    return f"checkpoint ({_clock(stats.checkpoint_at)}) or first attempt"


def _errors_section(report: SessionReport) -> str:
    rows = [
        [_e(x.problem), f"<code>{_e(error)}</code>", _e(detail), _e(count)]
        for x in report.exercises
        for error, detail, count in x.top_errors
    ]
    if not rows:
        return "<h2>Top errors</h2><p>No errors were reported.</p>"
    return "<h2>Top errors</h2>" + _table(["Exercise", "Error", "Message", "Learners"], rows, {3})


def _never_passed_section(report: SessionReport) -> str:
    rows = [
        [_e(x.problem), _e(", ".join(x.attempted_never_passed))]
        for x in report.exercises
        if x.attempted_never_passed
    ]
    parts = ["<h2>Learners who never passed</h2>"]
    if report.never_passed:
        parts.append(
            "<p>No exercise passed in this session: " + _e(", ".join(report.never_passed)) + "</p>"
        )
    else:
        parts.append("<p>Every learner passed at least one exercise.</p>")
    if rows:
        parts.append("<p>Attempted but never passed, per exercise:</p>")
        parts.append(_table(["Exercise", "Learners"], rows))
    return "".join(parts)


def render_html(report: SessionReport) -> str:
    """The report as one self-contained HTML page (inline style, no script, all text escaped).

    Parameters
    ----------
    report : SessionReport

    Returns
    -------
    str
    """
    title = f"Live session {report.session}"
    heading = _e(title) + (f": {_e(report.title)}" if report.title else "")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1>"
        f"<p class='muted'>mlcourse live report, module {_e(report.module)}</p>"
        + _facts_section(report)
        + _exercises_section(report)
        + _errors_section(report)
        + _never_passed_section(report)
        + "</body></html>\n"
    )


# -- files and MLflow -------------------------------------------------------------------------


def write_report(export: dict[str, Any], out_dir: Path) -> tuple[Path, Path, SessionReport]:
    """Write ``<SID>-report.html`` and ``<SID>-report.csv`` into ``out_dir``.

    Parameters
    ----------
    export : dict
        A session's export.
    out_dir : Path
        The folder (made when missing).

    Returns
    -------
    (Path, Path, SessionReport)
        The HTML file, the CSV file and the numbers in them.
    """
    report = summarise(export)
    if not report.session or "/" in report.session or report.session.startswith("."):
        raise ValueError(f"the export's session id {report.session!r} cannot name a file")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{report.session}-report.html"
    csv_path = out_dir / f"{report.session}-report.csv"
    html_path.write_text(render_html(report), encoding="utf-8")
    csv_path.write_text(render_csv(report), encoding="utf-8", newline="")
    return html_path, csv_path, report


def report_metrics(report: SessionReport) -> dict[str, float]:
    """The report's numbers as MLflow metrics (``pass_rate.03_2``, ``learners``, ...).

    Parameters
    ----------
    report : SessionReport

    Returns
    -------
    dict of str to float
        Only numbers that exist (an exercise nobody passed has no time to pass).
    """
    metrics: dict[str, float | None] = {
        "learners": report.learners,
        "events": report.events,
        "never_passed": len(report.never_passed),
        "duration_minutes": _rounded(
            report.duration_seconds / 60 if report.duration_seconds is not None else None
        ),
    }
    for x in report.exercises:
        key = x.problem.replace(".", "_")
        metrics.update(
            {
                f"pass_rate.{key}": x.pass_rate,
                f"attempted.{key}": x.attempted,
                f"passed.{key}": x.passed,
                f"attempts_mean.{key}": x.attempts_mean,
                f"hints.{key}": x.hints,
                f"solutions.{key}": x.solutions,
                f"passed_after_solution.{key}": x.passed_after_solution,
                f"median_time_to_pass.{key}": x.median_seconds_to_pass,
            }
        )
    passing_times = [
        x.median_seconds_to_pass for x in report.exercises if x.median_seconds_to_pass is not None
    ]
    metrics["median_time_to_pass"] = _rounded(_median(passing_times), 1)
    return {k: float(v) for k, v in metrics.items() if v is not None}


def log_report(report: SessionReport, files: list[Path]) -> str:
    """Log one MLflow run for the session in the experiment ``mlcourse/live``.

    The run is named the session id, tagged ``mlcourse.module`` and ``mlcourse.live_session``,
    carries :func:`report_metrics` and the report's files as artifacts; the tracking store is
    the course's (:func:`mlcourse.tracking.configure`: ``MLFLOW_TRACKING_URI`` or the embedded
    store). The caller's tracking URI and active experiment are theirs again when it returns
    or raises.

    Parameters
    ----------
    report : SessionReport
    files : list of Path
        The files to attach.

    Returns
    -------
    str
        The run's id.
    """
    import mlflow

    from ..tracking import configure

    with _callers_tracking_kept():
        info = configure()
        if info.message:
            print(info.message)
        mlflow.set_experiment(EXPERIMENT)
        with mlflow.start_run(
            run_name=report.session,
            tags={"mlcourse.module": report.module, "mlcourse.live_session": report.session},
        ) as run:
            mlflow.log_metrics(report_metrics(report))
            for path in files:
                mlflow.log_artifact(str(path))
    return run.info.run_id


#: The environment variables MLflow sets with the tracking URI and the active experiment.
_MLFLOW_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID")


@contextlib.contextmanager
def _callers_tracking_kept() -> Iterator[None]:
    """Put MLflow's tracking URI and active experiment back as they were (on error too).

    MLflow keeps both in module globals, and sets them in the environment as well (for its
    subprocesses): all four are restored.
    """
    import mlflow
    from mlflow.tracking import fluent
    from mlflow.tracking._tracking_service import utils

    uri, experiment = utils._tracking_uri, fluent._active_experiment_id
    variables = {name: os.environ.get(name) for name in _MLFLOW_VARIABLES}
    try:
        yield
    finally:
        mlflow.set_tracking_uri(uri)
        fluent._active_experiment_id = experiment
        for name, value in variables.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def summary_lines(report: SessionReport) -> list[str]:
    """A few lines for the terminal: learners, and each exercise's pass rate.

    Parameters
    ----------
    report : SessionReport

    Returns
    -------
    list of str
    """
    lines = [
        f"session {report.session} (module {report.module}): {report.learners} learners, "
        f"{report.events} events, {format_seconds(report.duration_seconds)}"
    ]
    for x in report.exercises:
        lines.append(
            f"  {x.problem:<8} passed {x.passed}/{x.learners} ({_percent(x.pass_rate)}), "
            f"median time to pass {format_seconds(x.median_seconds_to_pass)}"
        )
    return lines
