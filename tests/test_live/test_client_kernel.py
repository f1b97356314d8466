"""A real kernel in a class: module 00's solutions notebook, run with ``MLCOURSE_CLASS`` set,
against the classroom service on a loopback port."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from pathlib import Path

from mlcourse.exercises import get_module
from mlcourse.exercises._run import run_notebook

REPO = Path(__file__).resolve().parents[2]


def _exported(live_server) -> dict:
    request = urllib.request.Request(
        f"{live_server.url}/api/s/{live_server.session}/export", headers=live_server.auth
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def test_a_notebook_in_class_sends_its_checks(tmp_path, live_server):
    course = tmp_path / "course"
    (course / "exercises").mkdir(parents=True)
    for notebook in (REPO / "exercises").glob("00_*.ipynb"):
        shutil.copy(notebook, course / "exercises" / notebook.name)
    [path] = (REPO / "solutions").glob("00_*.ipynb")
    env = {
        "MLCOURSE_CLASS": live_server.class_url,
        "MLCOURSE_ROOT": str(course),
        "MLCOURSE_LEARNER": "ada",
    }
    run = run_notebook(Path(path), env=env)
    assert run.error is None
    expected = {p.id for p in get_module("00").problems}
    deadline = time.monotonic() + 15
    while True:
        export = _exported(live_server)
        checks = [e for e in export["events"] if e["kind"] == "check"]
        if {e["problem"] for e in checks} >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert {e["problem"] for e in checks} == expected
    assert all(e["status"] == "correct" and e["learner"] == "ada" for e in checks)
    assert [learner["name"] for learner in export["learners"]] == ["ada"]
    assert (course / ".mlcourse" / "live" / "class.json").is_file()
