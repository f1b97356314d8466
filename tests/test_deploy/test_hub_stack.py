"""The class deployment, whole, on loopback: JupyterHub, the tracking server, the live classroom.

PostgreSQL (the ``pgserver`` wheel) backs the class tracking server; JupyterHub runs
``deploy/jupyterhub/jupyterhub_config.py`` with the Python ``configurable-http-proxy``, the
shared-password login and ``SimpleLocalProcessSpawner``; the tracking server and the live
service are Hub services. Five learners exist. The instructor logs in (a real login form
post) and opens a live session with a token made through the Hub's API; a learner logs in the
same way and starts their server, whose start command brings the course into their workspace.
Code runs in a kernel of that server (Jupyter's REST and websocket protocol, through the Hub's
proxy): the module's setup joins the class with the learner's Hub token, a real exercise is
checked and a run is logged. The board, read through the Hub's proxy, shows the learner's
pseudonym with the outcome; the run is on the PostgreSQL-backed server under the learner's
name. A course update then arrives, the learner's server starts again, and their edited
answer is still there beside the new material. PostgreSQL's password, in the URL the Hub is
given, appears in no command line of the machine and nowhere in the Hub's log.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
from pathlib import Path

import httpx
import nbformat
import pytest
import sqlalchemy as sa

from tests.test_tracking.servers import postgres

from .hub import ADMIN_PASSWORD, PASSWORD, ROOT, HubUser, class_hub

MODULE = "00_start_here.ipynb"
LEARNERS = ("ada", "grace", "alan", "edsger", "barbara")
INSTRUCTOR = "teacher"
EDITED_ANSWER = "average_minutes = sum(study_minutes) / len(study_minutes)  # mine"
DB_PASSWORD = "pg-secret-7f3a9c"


def _postgres_missing() -> str | None:
    from tests.test_tracking.servers import _pg_bin

    try:
        _pg_bin("initdb")
    except RuntimeError as error:
        return str(error)
    return None


needs_hub = pytest.mark.skipif(
    importlib.util.find_spec("jupyterhub") is None
    or importlib.util.find_spec("configurable_http_proxy") is None,
    reason="JupyterHub and configurable-http-proxy are not installed (the `hub` extra)",
)
POSTGRES_MISSING = _postgres_missing()
needs_postgres = pytest.mark.skipif(POSTGRES_MISSING is not None, reason=POSTGRES_MISSING or "")

IMPORTS = "import mlcourse, mlflow, pandas, matplotlib.pyplot"  # while the tracking server starts
KERNEL_CODE = """
mlcourse.setup_notebook(seed=42, module="00")
ex = mlcourse.exercises.load("00")
study_minutes = [25, 40, 0, 35, 50, 30, 45]
average_minutes = sum(study_minutes) / 7
print("CHECK", ex.q1.check().status)
with mlflow.start_run(run_name="hub-stack"):
    mlflow.log_metric("score", 0.75)
from mlcourse.live import _client
print("EVENTS-LEFT", _client.flush(10.0))
import os
print("DB-ENV", sorted(k for k in os.environ if k.endswith("_DB") or "BACKEND_STORE" in k))
"""


def _course(folder: Path) -> Path:
    """A course of module 00 alone, installed for the class (without solutions: the simple
    spawner runs learners as the Hub's user, so the Hub refuses a course that has them)."""
    for part in ("curriculum", "exercises"):
        (folder / part).mkdir(parents=True)
        shutil.copy(ROOT / part / MODULE, folder / part / MODULE)
    return folder


def _update_course(course: Path) -> str:
    """A course update: module 00's first prompt changes and module 01 arrives."""
    path = course / "exercises" / MODULE
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[0].source += "\n\n*Updated for this class.*"
    nbformat.write(notebook, path)
    shutil.copy(ROOT / "exercises" / "01_python_essentials.ipynb", course / "exercises")
    return notebook.cells[0].source


def _answer_cell(notebook: dict, problem: str) -> dict:
    return next(
        cell
        for cell in notebook["cells"]
        if cell["metadata"].get("mlcourse", {}).get("problem") == problem
        and cell["metadata"]["mlcourse"].get("role") == "answer"
    )


def _runs_on_postgres(database: str, learner: str) -> int:
    query = sa.text(
        "SELECT count(*) FROM runs JOIN tags ON tags.run_uuid = runs.run_uuid "
        "JOIN experiments ON experiments.experiment_id = runs.experiment_id "
        "WHERE tags.key = 'mlcourse.learner' AND tags.value = :learner "
        "AND experiments.name = 'mlcourse/00_start_here'"
    )
    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            return conn.execute(query, {"learner": learner}).scalar_one()
    finally:
        engine.dispose()


def _open_session(hub, instructor: HubUser) -> dict:
    answer = instructor.api.post(
        "/services/live/api/sessions",
        json={"module": "00", "title": "Hub class"},
        headers={"Authorization": f"Bearer {instructor.token}"},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def _instructor_page_through_hub_login(instructor: HubUser, learner: HubUser, sid: str) -> None:
    """The instructor's page sends a browser through the Hub's OAuth login: the Hub admin gets
    the page, a learner is refused."""
    page = f"/services/live/s/{sid}/instructor"
    admitted = instructor.browser.get(page, follow_redirects=True)
    assert admitted.status_code == 200 and admitted.url.path == page, admitted.url
    assert instructor.browser.get(f"/services/live/api/s/{sid}/instructor").status_code == 200
    refused = learner.browser.get(page, follow_redirects=True)
    assert refused.status_code == 403  # the Hub refuses the learner the service's OAuth
    assert learner.browser.get(f"/services/live/api/s/{sid}/instructor").status_code in (
        401,
        403,
    )


def _with_password(database: str) -> str:
    """The test server's URL with a password set for its user, so that a leak would show (the
    server trusts loopback, so the password is carried everywhere but never checked)."""
    engine = sa.create_engine(database)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"ALTER USER mlcourse PASSWORD '{DB_PASSWORD}'"))
    finally:
        engine.dispose()
    return database.replace("mlcourse@", f"mlcourse:{DB_PASSWORD}@", 1)


def _command_lines_showing(secret: str) -> list[str]:
    """Every process's command line (what `ps` shows to all accounts) that holds ``secret``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if secret in text:
                found.append(text[:200])
    return found


def _live_knows_ada_and_refuses_others(hub, instructor: HubUser, learner: HubUser, session):
    """The instructor's view names the learner by their Hub name; a learner's token is not an
    instructor's, and another learner's token joins as that learner, never as ada."""
    sid = session["id"]
    view = instructor.api.get(
        f"/services/live/api/s/{sid}/instructor",
        headers={"Authorization": f"Bearer {instructor.token}"},
    )
    assert view.status_code == 200 and "ada" in {row["name"] for row in view.json()["learners"]}
    as_learner = learner.api.get(
        f"/services/live/api/s/{sid}/instructor",
        headers={"Authorization": f"Bearer {learner.token}"},
    )
    assert as_learner.status_code in (401, 403), as_learner.text
    grace = HubUser(hub, "grace", PASSWORD)
    try:
        joined = grace.api.post(
            f"/services/live/api/s/{sid}/join",
            json={"key": session["join_key"], "name": "ada"},
            headers={"Authorization": f"Bearer {grace.token}"},
        )
        assert joined.status_code == 200 and joined.json()["learner"] == "grace", joined.text
    finally:
        grace.close()


def _edit_answer(learner: HubUser) -> None:
    model = learner.contents(f"work/{MODULE}")
    _answer_cell(model["content"], "00.1")["source"] = EDITED_ANSWER
    learner.save(f"work/{MODULE}", model)


@needs_hub
@needs_postgres
def test_a_class_on_the_hub_from_login_to_the_board(tmp_path):
    course = _course(tmp_path / "course")
    with (
        postgres() as trusted,
        class_hub(
            tmp_path, course, (database := _with_password(trusted)), INSTRUCTOR, ",".join(LEARNERS)
        ) as hub,
    ):
        instructor = HubUser(hub, INSTRUCTOR, ADMIN_PASSWORD)
        users = {u["name"]: u for u in instructor.api.get("/hub/api/users").json()}
        assert set(LEARNERS) | {INSTRUCTOR} == set(users)
        assert users[INSTRUCTOR]["admin"] and not any(users[n]["admin"] for n in LEARNERS)
        session = _open_session(hub, instructor)

        learner = HubUser(hub, "ada", PASSWORD)
        _instructor_page_through_hub_login(instructor, learner, session["id"])
        learner.start_server()
        with learner.kernel() as run:
            run(IMPORTS)
            hub.wait_for_tracking()
            printed = run(KERNEL_CODE)
        assert "CHECK correct" in printed, printed
        assert f"Live class: joined {session['id']} as " in printed, printed
        assert "EVENTS-LEFT 0" in printed, printed
        assert "DB-ENV []" in printed, printed  # no database URL in a learner's environment
        pseudonym = printed.split(f"joined {session['id']} as ", 1)[1].splitlines()[0].strip()

        board = httpx.get(f"{hub.url}/services/live/api/s/{session['id']}/board", timeout=10)
        assert board.status_code == 200
        rows = {row["pseudonym"]: row for row in board.json()["learners"]}
        assert rows[pseudonym]["cells"]["00.1"] == "correct", rows
        assert "ada" not in board.text  # the board shows pseudonyms, never the Hub name

        assert _runs_on_postgres(database, "ada") == 1
        _live_knows_ada_and_refuses_others(hub, instructor, learner, session)
        assert _command_lines_showing(DB_PASSWORD) == []  # the Hub's services are all running

        _edit_answer(learner)
        learner.stop_server()
        new_prompt = _update_course(course)
        learner.start_server()
        notebook = learner.contents(f"work/{MODULE}")["content"]
        assert _answer_cell(notebook, "00.1")["source"] == EDITED_ANSWER
        assert notebook["cells"][0]["source"] == new_prompt
        assert learner.contents("work/01_python_essentials.ipynb")["type"] == "notebook"
        backups = hub.homes / "ada" / "mlcourse" / "work" / ".backup"
        assert [p.name for p in backups.iterdir() if p.name.startswith("00_start_here.")]
        assert DB_PASSWORD not in hub.log.read_text(errors="replace")
        learner.close()
        instructor.close()
