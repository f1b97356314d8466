"""The command line: --help everywhere, one-line errors, non-zero exit on bad input."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mlcourse.cli import build_parser, main
from mlcourse.lab import lab_command, port_is_free

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = (
    "lab",
    "build",
    "update",
    "check",
    "data",
    "models",
    "grade",
    "gradebook",
    "similarity",
    "whoami",
    "tracking",
    "leaderboard",
    "progress",
    "live",
    "quiz",
    "release",
    "doctor",
)


def _run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "mlcourse.cli", *args], capture_output=True, text=True, env=env
    )


def test_help_lists_every_command():
    out = _run("--help")
    assert out.returncode == 0
    for command in COMMANDS:
        assert command in out.stdout
    registered = build_parser()._subparsers._group_actions[0].choices
    assert set(registered) == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "usage: mlcourse " + command in capsys.readouterr().out


def test_check_of_a_missing_notebook_is_a_one_line_error(capsys):
    assert main(["check", "no/such.ipynb"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such notebook" in err


def test_grade_without_a_sandbox_refuses_in_one_line(tmp_path, monkeypatch, capsys):
    import mlcourse.grader

    monkeypatch.setattr(mlcourse.grader, "bubblewrap", lambda: None)
    (tmp_path / "ada.ipynb").write_text("{}")
    assert main(["grade", str(tmp_path), "--module", "01", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert not (tmp_path / "o").exists()


def test_grade_help_states_every_space_a_submission_can_write(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--scratch" in text and "in memory, never on disk" in text and "64 MB" in text
    assert "--no-sandbox" in text


def test_lab_on_a_busy_port_is_a_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert not port_is_free(port)
        out = _run("lab", "--no-browser", "--port", str(port))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and f"port {port} is busy" in out.stderr


def test_lab_command_roots_jupyterlab_at_the_course():
    command = lab_command(ROOT, 8899, no_browser=True, as_root=True)
    assert f"--ServerApp.root_dir={ROOT}" in command
    assert "--allow-root" in command and "--no-browser" in command
    assert not any(a.startswith("--LabApp.default_url") for a in command)  # /lab: the layout
    assert "--LabApp.news_url=None" in command  # offline: no news feed, no update check
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in command
    assert "--ContentsManager.hide_globs=solutions" in command
    assert "--allow-root" not in lab_command(ROOT, 8899, as_root=False)


def test_doctor_reports_a_complete_install():
    out = _run("doctor")
    assert out.returncode == 0, out.stdout
    assert "kernel spec 'mlcourse': ok" in out.stdout


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_lab_serves_the_course_and_opens_module_00(tmp_path):
    port = _free_port()
    env = {
        **__import__("os").environ,
        "JUPYTER_TOKEN": "mlcourse-test",
        "JUPYTER_RUNTIME_DIR": str(tmp_path),
        "MLCOURSE_ROOT": str(ROOT),
    }
    log = (tmp_path / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "mlcourse.cli", "lab", "--no-browser", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _ = _get(f"{base}/lab?token=mlcourse-test")
                break
            except urllib.error.HTTPError as error:
                status = error.code
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, (tmp_path / "lab.log").read_text()[-2000:]
        status, body = _get(
            f"{base}/api/contents/curriculum/00_start_here.ipynb?token=mlcourse-test"
        )
        assert status == 200 and b"Module 00" in body
        _, specs = _get(f"{base}/api/kernelspecs?token=mlcourse-test")
        assert b'"mlcourse"' in specs
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
