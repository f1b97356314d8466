"""Checks judged by the classroom service with its own installation's answer key."""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mlcourse.exercises import get_module
from mlcourse.exercises.m00 import STUDY_MINUTES
from mlcourse.grader._encode import encode_answers
from mlcourse.live import _grading
from mlcourse.live._protocol import MAX_ANSWER_BYTES

from .conftest import make_app

TAR = {"Content-Type": "application/x-tar"}


def problem(pid: str):
    return next(p for p in get_module("00").problems if p.id == pid)


def answer_tar(tmp_path: Path, pid: str, namespace: dict) -> bytes:
    """The archive a notebook sends: ``encode_answers`` of the collected answer, as a tar."""
    folder = tmp_path / f"answer-{pid}-{time.monotonic_ns()}"
    folder.mkdir()
    encode_answers({pid: problem(pid).collect(namespace)}, folder)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for path in sorted(folder.iterdir()):
            archive.add(path, arcname=path.name)
    return buffer.getvalue()


def raw_tar(members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            archive.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buffer.getvalue()


def regular(name: str, data: bytes = b"{}") -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), data


@pytest.fixture
def graded(tmp_path):
    """A session with server checks, a learner in it, and a function to post an answer."""
    app, store, sid = make_app(tmp_path, server_checks=True)
    with TestClient(app) as client:
        key = store.session(sid)["join_key"]
        learner = client.post(f"/api/s/{sid}/join", json={"name": "alice", "key": key}).json()
        headers = {**TAR, "Authorization": f"Bearer {learner['token']}"}

        def send(pid: str, body: bytes):
            return client.post(f"/api/s/{sid}/check/{pid}", content=body, headers=headers)

        yield send, store, sid
    store.dispose()


def test_right_and_wrong_value_answers_are_judged_and_attempts_counted(graded, tmp_path):
    send, store, sid = graded
    wrong = send("00.1", answer_tar(tmp_path, "00.1", {"average_minutes": 30}))
    assert wrong.status_code == 200, wrong.text
    assert wrong.json()["status"] == "incorrect" and wrong.json()["attempt"] == 1
    mean = sum(STUDY_MINUTES) / len(STUDY_MINUTES)
    right = send("00.1", answer_tar(tmp_path, "00.1", {"average_minutes": mean}))
    assert right.json()["status"] == "correct" and right.json()["attempt"] == 2
    assert right.json()["points"] == right.json()["max_points"] == 1
    assert str(round(mean, 4)) not in wrong.text  # the expected value never travels
    checks = [(e["kind"], e["status"]) for e in store.timeline(sid, "alice")]
    assert checks == [("check", "incorrect"), ("check", "correct")]
    cells = store.board(sid)["learners"][0]["cells"]
    assert cells["00.1"] == "correct"


def test_a_function_problems_hidden_cases_stay_hidden(graded, tmp_path):
    send, _store, _sid = graded

    def almost(number, slug):  # right on the visible cases only
        return {7: "mlcourse/07_classification_evaluation", 0: "mlcourse/00_start_here"}.get(
            number, "mlcourse/nope"
        )

    response = send("00.2", answer_tar(tmp_path, "00.2", {"experiment_name": almost}))
    assert response.status_code == 200, response.text
    outcome = response.json()
    assert outcome["status"] == "incorrect" and outcome["problem"] == "00.2"
    for hidden in ("mlcourse/19_experiment_tracking_mlflow", "mlcourse/26_interview_prep",
                   "experiment_tracking_mlflow", "interview_prep"):  # fmt: skip
        assert hidden not in response.text

    def right(number, slug):
        return f"mlcourse/{number:02d}_{slug}"

    good = send("00.2", answer_tar(tmp_path, "00.2", {"experiment_name": right}))
    assert good.json()["status"] == "correct" and good.json()["attempt"] == 2


def test_a_missing_answer_is_not_attempted(graded, tmp_path):
    send, _store, _sid = graded
    response = send("00.1", answer_tar(tmp_path, "00.1", {}))
    assert response.json()["status"] == "not_attempted"


@pytest.mark.parametrize(
    "members",
    [
        [regular("answers.json"), (_link := tarfile.TarInfo("v1.npy"), b"")],
        [regular("../answers.json")],
        [regular("sub/answers.json")],
        [regular("/answers.json")],
        [regular("answers.json"), regular("answers.json")],
        [regular(f"v{i}.npy") for i in range(65)],
        [regular("notes.txt")],
    ],
    ids=["symlink", "dotdot", "folder", "absolute", "twice", "too-many", "no-answers"],
)
def test_unsafe_archives_are_400(graded, members):
    send, store, sid = graded
    if members[-1][0].name == "v1.npy" and len(members) == 2:
        members[-1][0].type = tarfile.SYMTYPE
        members[-1][0].linkname = "/etc/passwd"
    response = send("00.1", raw_tar(members))
    assert response.status_code == 400, response.text
    assert store.timeline(sid, "alice") == []


def test_devices_and_garbage_are_400(graded):
    send, _store, _sid = graded
    device = tarfile.TarInfo("answers.json")
    device.type = tarfile.CHRTYPE
    assert send("00.1", raw_tar([(device, b"")])).status_code == 400
    assert send("00.1", b"not a tar at all" * 100).status_code == 400


def test_too_big_answers_are_413(graded):
    send, _store, _sid = graded
    assert send("00.1", b"\0" * (MAX_ANSWER_BYTES + 1)).status_code == 413


def test_extraction_bounds_total_size(tmp_path, monkeypatch):
    monkeypatch.setattr(_grading, "MAX_EXTRACTED_BYTES", 1000)
    data = raw_tar([regular("answers.json", b"x" * 600), regular("v1.npy", b"y" * 600)])
    with pytest.raises(_grading.GradingError) as refused:
        _grading.extract_answers(data, tmp_path)
    assert refused.value.status == 413
    assert (tmp_path / "answers.json").read_bytes() == b"x" * 600  # the first file only
    assert not (tmp_path / "v1.npy").exists()


def test_sparse_members_are_refused(tmp_path):
    sparse = tarfile.TarInfo("answers.json")
    sparse.type = tarfile.GNUTYPE_SPARSE
    with pytest.raises(_grading.GradingError) as refused:
        _grading.extract_answers(raw_tar([(sparse, b"")]), tmp_path)
    assert refused.value.status == 400


def test_no_server_checks_means_404(live_app, tmp_path):
    learner = live_app.client.post(
        f"/api/s/{live_app.session}/join", json={"name": "alice", "key": live_app.key}
    ).json()
    response = live_app.client.post(
        f"/api/s/{live_app.session}/check/00.1",
        content=answer_tar(tmp_path, "00.1", {"average_minutes": 1.0}),
        headers={**TAR, "Authorization": f"Bearer {learner['token']}"},
    )
    assert response.status_code == 404


def test_unknown_problem_is_404(graded, tmp_path):
    send, _store, _sid = graded
    body = answer_tar(tmp_path, "00.1", {"average_minutes": 1.0})
    assert send("00.9", body).status_code == 404


def test_a_busy_grader_says_429():
    import asyncio

    grader = _grading.Grader(running=1, waiting=0)
    with pytest.raises(_grading.GradingError) as busy:
        asyncio.run(grader.judge("00.1", b""))
    assert busy.value.status == 429


def test_a_judged_answer_that_raised_is_recorded_with_its_exception_class(graded, tmp_path):
    send, store, sid = graded

    def fails(number, slug):
        return {"slug": slug}[number]  # KeyError on every case

    response = send("00.2", answer_tar(tmp_path, "00.2", {"experiment_name": fails}))
    assert response.json()["status"] == "incorrect"
    (event,) = store.timeline(sid, "alice")
    assert event["kind"] == "check" and event["error"] == "KeyError"
