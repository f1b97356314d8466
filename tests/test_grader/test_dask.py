"""Grading on a Dask cluster gives the local pool's results, resumes, and refuses what it must."""

import csv
import json
import logging
import re
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from distributed import KilledWorker, WorkerPlugin

from mlcourse.grader import DaskCluster, GradeError, Limits, _batch, _dask, bubblewrap, grade_batch
from mlcourse.grader._dask import (
    check_address,
    check_workers,
    expected_facts,
    grading_sources_sha256,
    unfitness,
)

CORPUS = Path(__file__).resolve().parents[1] / "grader_corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus  # noqa: E402

LIMITS = Limits(timeout=60, cell_timeout=20, memory_mb=3072)
#: Fields that are measurements of one run, not its outcome: they differ from run to run.
MEASUREMENTS = {
    ("graded_at",),
    ("execution", "seconds"),
    ("execution", "evaluator_peak_mb"),
    ("execution", "sandbox_peak_mb"),
}


def _submissions(folder: Path) -> list[str]:
    """A correct, a wrong, an untouched, a raising and a tampered notebook, and a broken file."""
    correct = make_corpus.answered(*make_corpus.ALL)
    wrong = make_corpus.add(make_corpus.answered(*make_corpus.ALL), "header = {'wrong': True}")
    raises = make_corpus.add(
        make_corpus.answered("q1", "q2"), "raise ValueError('a bug of the learner')", at=None
    )
    tampered = make_corpus.add(
        make_corpus.answered(*make_corpus.ALL), "import mlcourse.grader._evaluate"
    )
    for name, nb in {
        "correct": correct,
        "wrong": wrong,
        "untouched": make_corpus.exercises(),
        "raises": raises,
        "tampered": tampered,
    }.items():
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
    (folder / "broken.ipynb").write_text("{ not a notebook")
    return ["broken", "correct", "raises", "tampered", "untouched", "wrong"]


def _outcome(result: dict) -> dict:
    """The result without its measurements."""
    kept = json.loads(json.dumps(result))
    for path in MEASUREMENTS:
        holder = kept
        for part in path[:-1]:
            holder = holder[part]
        holder.pop(path[-1], None)
    return kept


def _results(out: Path) -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text()) for p in sorted((out / "results" / "01").glob("*.json"))
    }


def _gradebook(out: Path) -> list[dict]:
    with (out / "gradebook_01.csv").open() as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster of two worker processes with one thread each, as workers are started."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=0,
        )
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture(scope="module")
def both(tmp_path_factory, scheduler):
    """The same submissions graded by the local pool and on the cluster."""
    assert bubblewrap(), "bubblewrap is required (make test installs it)"
    folder = tmp_path_factory.mktemp("submissions")
    learners = _submissions(folder)
    local, remote = tmp_path_factory.mktemp("local"), tmp_path_factory.mktemp("dask")
    grade_batch([folder], "01", local, workers=2, limits=LIMITS, progress=lambda line: None)
    lines: list[str] = []
    summary = grade_batch(
        [folder],
        "01",
        remote,
        limits=LIMITS,
        progress=lines.append,
        cluster=DaskCluster(scheduler=scheduler),
    )
    return folder, learners, local, remote, summary, lines


def test_results_on_the_cluster_equal_the_local_pools(both):
    _, learners, local, remote, summary, _ = both
    here, there = _results(local), _results(remote)
    assert sorted(here) == sorted(there) == learners
    statuses = {name: result["status"] for name, result in there.items()}
    assert statuses == {
        "broken": "unreadable",
        "correct": "ok",
        "raises": "ok",
        "tampered": "tampered",
        "untouched": "ok",
        "wrong": "ok",
    }
    assert there["correct"]["points"] == there["correct"]["max_points"]
    assert 0 < there["wrong"]["points"] < there["correct"]["points"]
    assert there["untouched"]["points"] == 0
    assert there["raises"]["execution"]["cell_errors"]
    assert there["correct"]["execution"]["sandboxed"] is True
    for name in learners:
        assert _outcome(there[name]) == _outcome(here[name]), name
    assert _gradebook(remote) == _gradebook(local)
    assert summary.graded == len(learners) and summary.grader_errors == []


def test_each_line_shows_rate_and_eta(both):
    *_, lines = both
    graded = [line for line in lines if line.startswith("[")]
    assert len(graded) == 6
    assert all("/min, ETA " in line for line in graded)
    assert graded[-1].startswith("[6/6]")


def test_resume_on_the_cluster_grades_only_what_is_missing(both, scheduler):
    folder, learners, _, remote, _, _ = both
    before = _results(remote)
    (remote / "results" / "01" / "tampered.json").unlink()  # as if the batch had been killed
    summary = grade_batch(
        [folder],
        "01",
        remote,
        limits=LIMITS,
        resume=True,
        progress=lambda line: None,
        cluster=DaskCluster(scheduler=scheduler),
    )
    assert (summary.graded, summary.skipped) == (1, len(learners) - 1)
    after = _results(remote)
    assert after["correct"] == before["correct"]  # untouched, graded_at included
    assert _outcome(after["tampered"]) == _outcome(before["tampered"])
    assert len(_gradebook(remote)) == len(learners)


def test_an_unfit_worker_stops_the_batch_naming_it(scheduler):
    from distributed import Client

    expected = {**expected_facts("01"), "version": "0.0.0-other"}
    with Client(scheduler, set_as_default=False) as client:
        with pytest.raises(GradeError, match=r"Dask worker tcp://127\.0\.0\.1:\d+ .*0\.0\.0-other"):
            check_workers(client, expected, "01", True, lambda line: None)


def test_unfitness_names_what_a_worker_lacks():
    expected = {"version": "1.0", "sources": "a" * 64, "python": "3.11.7", "numpy": "2.0"}
    expected["release"] = "abc"
    fit = {**expected, "root": "/c", "bubblewrap": True, "daemon": False}
    assert unfitness(fit, expected, sandbox=True) is None
    other_commit = unfitness({**fit, "sources": "b" * 64}, expected, sandbox=True)
    assert "grading code" in other_commit and "bbbbbbbbbbbb" in other_commit
    older = {k: v for k, v in fit.items() if k != "sources"}  # an mlcourse that does not say
    assert "SHA-256 unknown" in unfitness(older, expected, sandbox=True)
    assert "numpy 1.26 and this machine 2.0" in unfitness({**fit, "numpy": "1.26"}, expected, True)
    assert "Python 3.12.1" in unfitness({**fit, "python": "3.12.1"}, expected, sandbox=True)
    assert "bubblewrap" in unfitness({**fit, "bubblewrap": False}, expected, sandbox=True)
    assert unfitness({**fit, "bubblewrap": False}, expected, sandbox=False) is None
    assert "DAEMON=False" in unfitness({**fit, "daemon": True}, expected, sandbox=True)
    assert "differs" in unfitness({**fit, "release": "xyz"}, expected, sandbox=True)
    assert "MLCOURSE_ROOT" in unfitness({**fit, "release": ""}, expected, sandbox=True)


def test_an_unreachable_scheduler_is_a_one_line_error(tmp_path):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "ada.ipynb").write_text("x")
    with pytest.raises(GradeError, match="cannot reach the Dask scheduler") as raised:
        grade_batch(
            [tmp_path / "ada.ipynb"],
            "01",
            tmp_path / "out",
            progress=lambda line: None,
            cluster=DaskCluster(scheduler=f"tcp://127.0.0.1:{port}", timeout=1),
        )
    assert "\n" not in str(raised.value)
    assert not (tmp_path / "out").exists()  # nothing written


def test_the_command_line_refuses_a_pool_and_a_cluster_at_once(capsys):
    from mlcourse.cli import main

    assert main(["grade", "x.ipynb", "--module", "01", "--workers", "2", "--dask-local", "2"]) == 2
    assert "drop --workers" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(
            ["grade", "x.ipynb", "--module", "01", "--dask-local", "2", "--scheduler", "tcp://h:1"]
        )
    assert "not allowed with" in capsys.readouterr().err


def test_the_driver_records_which_cluster_worker_graded_each_submission(both, scheduler):
    from distributed import Client

    *_, lines = both
    with Client(scheduler, set_as_default=False) as client:
        workers = set(client.nthreads())
    notes = [line for line in lines if line.startswith("graded on ")]
    assert len(notes) == 1
    counted = dict(re.findall(r"(tcp://[\d.]+:\d+) \((\d+)\)", notes[0]))
    assert counted and set(counted) <= workers
    assert sum(int(n) for n in counted.values()) == 6  # every submission, the broken one too


def test_a_worker_on_other_grading_code_is_refused(scheduler):
    from distributed import Client

    expected = {**expected_facts("01"), "sources": "0" * 64}
    with Client(scheduler, set_as_default=False) as client:
        with pytest.raises(GradeError, match=r"grading code .* and this machine 000000000000"):
            check_workers(client, expected, "01", True, lambda line: None)


def test_a_worker_that_joins_late_is_checked_by_its_first_task(scheduler, tmp_path, monkeypatch):
    other = {**expected_facts("01"), "sources": "1" * 64}
    monkeypatch.setattr(_dask, "check_workers", lambda *args: 1)  # as if it joined after it
    monkeypatch.setattr(_dask, "expected_facts", lambda module: other)
    nbformat.write(make_corpus.answered(*make_corpus.ALL), str(tmp_path / "ada.ipynb"))
    with pytest.raises(GradeError, match=r"cannot grade: it has mlcourse grading code"):
        grade_batch(
            [tmp_path / "ada.ipynb"],
            "01",
            tmp_path / "out",
            limits=LIMITS,
            progress=lambda line: None,
            cluster=DaskCluster(scheduler=scheduler),
        )
    assert not list((tmp_path / "out").glob("results/01/*.json"))
    assert (tmp_path / "out" / "gradebook_01.csv").is_file()


def test_the_sources_hash_follows_the_grading_code_only(tmp_path):
    import shutil

    import mlcourse

    package = tmp_path / "mlcourse"
    for name in _dask.GRADING_PACKAGES:
        shutil.copytree(Path(mlcourse.__file__).parent / name, package / name)
    before = grading_sources_sha256(package)
    assert before == grading_sources_sha256()
    (package / "keys" / "__pycache__").mkdir(exist_ok=True)
    (package / "keys" / "__pycache__" / "m01.cpython-311.pyc").write_bytes(b"compiled")
    assert grading_sources_sha256(package) == before
    key = package / "keys" / "m01.py"
    key.write_text(key.read_text() + "\n# another commit\n")
    assert grading_sources_sha256(package) != before


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "127.0.0.1:8786", "tcp://127.0.0.1", "http://h:1"]
)
def test_a_scheduler_address_without_scheme_or_port_is_refused_before_connecting(address):
    with pytest.raises(GradeError, match=r"must look like tcp://HOST:PORT") as raised:
        check_address(address)
    assert repr(address) in str(raised.value)
    check_address("tcp://127.0.0.1:8786")
    check_address("tls://[::1]:8786")


# -- the driver's side of a cluster, on an in-process one: workers lost, foreign results ------


@dataclass(frozen=True)
class _StandInTask:
    """Stands in for GradingTask on an in-process worker: fails or answers as asked."""

    outcome: str
    module: str = "01"
    sandbox: bool = False
    limits: Limits = LIMITS
    refuse_tampering: bool = True

    def __call__(self, submission, worker=0):
        if self.outcome == "worker dies":
            raise KilledWorker(submission.learner, SimpleNamespace(address="tcp://gone:1"), 0)
        if self.outcome == "sleeps":
            time.sleep(4)
        result = _batch.failed_result(submission, "01", RuntimeError())
        if self.outcome == "other declaration":
            result["problems"][0]["max_points"] += 1
            result["max_points"] += 1
        return result


@pytest.fixture
def in_process(monkeypatch):
    """A LocalCluster of one in-process worker, and grade_batch grading with ``_StandInTask``."""
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",  # an address as users give it, on loopback
        host="127.0.0.1",
        dashboard_address=None,
        worker_dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    monkeypatch.setattr(_dask, "WarmUp", lambda module: _NoWarmUp())
    outcome = {}
    monkeypatch.setattr(_batch, "GradingTask", lambda *args: _StandInTask(outcome["what"]))
    yield cluster, outcome
    cluster.close()


class _NoWarmUp(WorkerPlugin):
    idempotent = True
    name = "no-warm-up"


def _grade_on(cluster, tmp_path, learners=("ada",), timeout=10.0):
    lines = []
    for learner in learners:
        (tmp_path / f"{learner}.ipynb").write_text("{}")
    summary = grade_batch(
        [tmp_path / f"{learner}.ipynb" for learner in learners],
        "01",
        tmp_path / "out",
        sandbox=False,
        progress=lines.append,
        cluster=DaskCluster(scheduler=cluster.scheduler_address, timeout=timeout),
    )
    return summary, lines


def test_a_worker_lost_under_a_task_saves_nothing_and_resume_grades_it(in_process, tmp_path):
    cluster, outcome = in_process
    outcome["what"] = "worker dies"
    summary, lines = _grade_on(cluster, tmp_path)
    assert summary.not_graded == ["ada"] and summary.graded == 0
    assert not (tmp_path / "out" / "results" / "01" / "ada.json").exists()
    assert "1 submission(s) not graded: worker lost; run again with --resume (ada)" in lines
    assert any("not graded (worker lost: KilledWorker)" in line for line in lines)
    outcome["what"] = "graded"
    again, _ = _grade_on(cluster, tmp_path)
    assert (again.graded, again.skipped, again.not_graded) == (1, 0, [])
    assert (tmp_path / "out" / "results" / "01" / "ada.json").is_file()


def test_a_result_for_another_declaration_is_refused_unsaved(in_process, tmp_path):
    cluster, outcome = in_process
    outcome["what"] = "other declaration"
    with pytest.raises(GradeError, match=r"graded ada with another declaration of module 01 "):
        _grade_on(cluster, tmp_path)
    assert not (tmp_path / "out" / "results" / "01" / "ada.json").exists()


def test_a_cluster_that_loses_all_its_workers_stops_the_batch(in_process, tmp_path, monkeypatch):
    cluster, outcome = in_process
    outcome["what"] = "sleeps"
    monkeypatch.setattr(_dask, "LOST_WORKERS_GRACE", 0.5)
    threading.Timer(1.0, cluster.scale, args=(0,)).start()  # the only worker goes away
    with pytest.raises(GradeError, match=r"lost all its workers.*run again with --resume"):
        _grade_on(cluster, tmp_path, timeout=1.0)
    assert (tmp_path / "out" / "gradebook_01.csv").is_file()
