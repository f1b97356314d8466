"""``mlcourse progress``: which exercises each learner has solved, module by module."""

from __future__ import annotations

import os

from ..exercises import _events
from ..exercises._registry import available_modules, get_module
from ._identity import current_learner


def collect_statuses(
    learner: str | None = None, uri: str | None = None
) -> dict[tuple[str, str], dict[str, str]]:
    """Latest status per problem, keyed by (learner, module).

    Local check events come first; a class server's (when ``uri`` is an HTTP URI) override
    them, being the record the instructor sees.
    """
    statuses: dict[tuple[str, str], dict[str, str]] = {}
    me = current_learner() or "(you)"
    for event in _events.read():
        who = event.get("learner") or me
        if learner and who != learner:
            continue
        statuses.setdefault((who, event["module"]), {})[event["problem"]] = event["status"]
    if uri and uri.startswith(("http://", "https://")):
        from ._server_events import server_checks

        for event in server_checks(uri, learner):
            if event["learner"] and event["module"]:
                key = (event["learner"], event["module"])
                statuses.setdefault(key, {})[event["problem"]] = event["status"]
    return statuses


def format_progress(statuses: dict[tuple[str, str], dict[str, str]]) -> str:
    """One block per learner: per module, solved/total and the problems still open."""
    if not statuses:
        return "no checks recorded yet: run a check cell such as ex.q1.check() in an exercises notebook"
    modules = {m: get_module(m) for m in available_modules()}
    lines = []
    for who in sorted({w for w, _ in statuses}):
        lines.append(f"{who}:")
        for number in sorted(m for w, m in statuses if w == who):
            module = modules.get(number)
            seen = statuses[(who, number)]
            if module is None:
                lines.append(f"  {number}  {sum(s == 'correct' for s in seen.values())} correct")
                continue
            solved = [p.id for p in module.problems if seen.get(p.id) == "correct"]
            points = sum(p.points for p in module.problems if seen.get(p.id) == "correct")
            todo = [p.attribute for p in module.problems if seen.get(p.id) != "correct"]
            lines.append(
                f"  {number} {module.title:<32} {len(solved):>2}/{len(module.problems)} solved, "
                f"{points:g}/{module.max_points:g} pt"
                + (f"; open: {' '.join(todo)}" if todo else "")
            )
    return "\n".join(lines)


def progress(learner: str | None = None) -> str:
    """The progress report for the configured tracking URI."""
    return format_progress(collect_statuses(learner, os.environ.get("MLFLOW_TRACKING_URI")))
