"""Every command fails well: one line on stderr saying what is wrong, a non-zero exit, no traceback."""

from __future__ import annotations

import pytest

from mlcourse.cli import main

UNREACHABLE = "http://127.0.0.1:9"  # port 9 (discard) refuses at once on loopback


def _bad_notebook(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


CASES = [
    # wrong module numbers
    (["build", "42"], "no module 42 in the course"),
    (["build", "abc"], "two-digit number"),
    (["build", "--root", "{tmp}"], "not a course folder"),
    (["grade", "--module", "99", "{tmp}"], "no module 99 in the course"),
    (["leaderboard", "99", "--metric", "f1"], "no module 99 in the course"),
    # missing files and folders
    (["check", "{tmp}/missing.ipynb"], "no such notebook"),
    (["check", "{tmp}/notes.ipynb"], "not a course module notebook"),
    (["check", "{tmp}/01_broken.ipynb"], "not a readable notebook"),
    (["grade", "--module", "01", "{tmp}/nothing-here"], "no such file or folder"),
    (["data", "seed", "--from", "{tmp}/nothing-here"], "no such folder"),
    (["data", "export", "{tmp}/a-file"], "File exists"),
    (["data", "info", "no-such-data"], "no dataset 'no-such-data'"),
    # bad numbers and ports
    (["grade", "--module", "01", "{tmp}", "--workers", "0"], "--workers must be positive"),
    (["check", "{tmp}/01_broken.ipynb", "--timeout", "0"], "--timeout must be positive"),
    (["lab", "--port", "0"], "port must be between 1 and 65535"),
    (["tracking", "serve", "--port", "70000"], "port must be between 1 and 65535"),
    (["tracking", "serve", "--host", "10.255.255.254", "--port", "5999"], "cannot listen on"),
    (["leaderboard", "07", "--metric", "f1", "--top", "0"], "--top must be at least 1"),
    (["leaderboard", "07", "--metric", "f1", "--watch", "--interval", "0"], "--interval"),
    # unreachable or malformed tracking servers and databases
    (["lab", "--tracking-uri", UNREACHABLE], "is not answering"),
    (["lab", "--tracking-uri", "sqlite:///x.db"], "should be the class server's address"),
    (["progress"], "is not answering"),
    (["leaderboard", "07", "--metric", "f1"], "is not answering"),
    (["tracking", "serve", "--backend-store-uri", "nonsense"], "should be sqlite"),
    (
        ["tracking", "serve", "--backend-store-uri", "postgresql://u@127.0.0.1:9/x"],
        "cannot connect to the database",
    ),
    # empty names
    (["whoami", "--set", ""], "learner name '' is not valid"),
    (["progress", "--learner", " "], "is not valid"),
    (["lab", "--learner", ""], "is not valid"),
    (["leaderboard", "07", "--metric", " "], "--metric needs a metric name"),
    (["quiz", "--n", "0"], "--n must be at least 1"),
    (["quiz", "--module", "99"], "no module 99 in the course"),
    (["quiz", "--reset"], "add --yes to confirm"),
    (["quiz", "--bank", "{tmp}/nothing-here"], "no such question bank"),
    # an action is missing
    (["data"], "say what to do"),
    (["tracking"], "say what to do"),
]


@pytest.mark.parametrize(
    ("argv", "fragment"), CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test_bad_input_gets_one_line_and_a_nonzero_exit(argv, fragment, tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.ipynb").write_text("{}")
    (tmp_path / "01_broken.ipynb").write_text("{not json")
    (tmp_path / "a-file").write_text("x")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", UNREACHABLE)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    status = main(argv)
    err = capsys.readouterr().err.strip()
    assert status != 0
    assert err.count("\n") == 0, err
    assert err.startswith(f"mlcourse {argv[0]}: error: ") and fragment in err, err
    assert "Traceback" not in err


def test_grading_a_module_not_written_yet_is_one_line(tmp_path, monkeypatch, capsys):
    import mlcourse.exercises

    written = [n for n in mlcourse.exercises.available_modules() if n != "25"]
    monkeypatch.setattr(mlcourse.exercises, "available_modules", lambda: written)
    assert main(["grade", "--module", "25", str(tmp_path)]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("mlcourse grade: error: module 25 is not written yet"), err
    assert err.count("\n") == 0, err


def test_an_unexpected_failure_is_one_line_too(monkeypatch, capsys):
    import mlcourse.doctor

    def broken():
        raise RuntimeError("disk\nfull")

    monkeypatch.setattr(mlcourse.doctor, "run_doctor", broken)
    assert main(["doctor"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "mlcourse doctor: error: RuntimeError: disk full (MLCOURSE_DEBUG=1 shows where)"
    monkeypatch.setenv("MLCOURSE_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["doctor"])
