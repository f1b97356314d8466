"""A local log of check events, one JSON line per ``check()``, for progress reports."""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from pathlib import Path

from ..checks import Outcome


def events_path() -> Path:
    """``MLCOURSE_EVENTS`` or ``<course root>/.mlcourse/events.jsonl``."""
    env = os.environ.get("MLCOURSE_EVENTS")
    if env:
        return Path(env)
    from .._paths import course_root

    return course_root() / ".mlcourse" / "events.jsonl"


def record(outcome: Outcome, module: str, *, live: bool = True) -> None:
    """Append one check event. A failure to write warns and never breaks the notebook.

    In a live class (``mlcourse.live.join``) the event is also sent to the class service,
    unless ``live`` is False (the service judged the check and recorded it itself).
    """
    event = {
        "time": round(time.time(), 3),
        "learner": os.environ.get("MLCOURSE_LEARNER"),
        "module": module,
        "problem": outcome.problem,
        "status": outcome.status,
        "points": outcome.points,
        "max_points": outcome.max_points,
    }
    path = events_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")
    except OSError as error:
        warnings.warn(f"could not record the check in {path}: {error}", stacklevel=3)
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    if event["learner"] and uri.startswith(("http://", "https://")):
        from ..tracking._server_events import post_check_in_background

        post_check_in_background(uri, event["learner"], module, outcome.problem, outcome.status)
    client = sys.modules.get("mlcourse.live._client") if live else None
    if client is not None:  # imported only once the notebook joined a class
        client.on_check(outcome, module)


def read(path: Path | None = None) -> list[dict]:
    """Read all recorded events (an absent file means none; unreadable lines are skipped)."""
    path = path or events_path()
    if not path.is_file():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError):  # RecursionError: deeply nested JSON
            continue
    return events
