"""Grading on a Dask cluster gives the local pool's results, resumes, and refuses what it must."""

import csv
import json
import socket
import sys
from pathlib import Path

import nbformat
import pytest

from mlcourse.grader import DaskCluster, GradeError, Limits, bubblewrap, grade_batch
from mlcourse.grader._dask import check_workers, expected_facts, unfitness

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
    expected = {"version": "1.0", "release": "abc"}
    fit = {"version": "1.0", "release": "abc", "root": "/c", "bubblewrap": True, "daemon": False}
    assert unfitness(fit, expected, sandbox=True) is None
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
