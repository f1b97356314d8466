"""The sandbox's own walls: no kernel keyring, one cgroup per sandbox, bounded notebooks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mlcourse.grader import Limits, bubblewrap, grade_batch
from mlcourse.grader._seccomp import keyring_filter

REVIEW = Path(__file__).resolve().parents[1] / "grader_corpus" / "review"


def test_the_keyring_filter_denies_add_key_and_nothing_else():
    assert bubblewrap(), "bubblewrap is required (make test installs it)"
    program = keyring_filter()
    assert program is not None, "this machine's architecture has no keyring filter"
    read, write = os.pipe()
    os.write(write, program)
    os.close(write)
    code = (
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "import platform\nnr = {'x86_64': 248, 'aarch64': 217}[platform.machine()]\n"
        "rc = libc.syscall(nr, b'user', b'k', b'v', 1, -4)\n"
        "print(rc, ctypes.get_errno(), os.getpid() > 0)\n"
    )
    done = subprocess.run(
        ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
         "--seccomp", str(read), "--", sys.executable, "-c", code],
        pass_fds=(read,), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    os.close(read)
    assert done.stdout.split() == ["-1", "1", "True"], done.stderr  # EPERM, and getpid works


def test_two_sandboxes_of_one_uid_cannot_pass_answers_through_the_keyring(tmp_path):
    """a_writer stores its quiz answers in the uid's keyring; b_reader, next on the same
    worker, tries to read them. Only b_reader's own honest answer may count."""
    out = tmp_path / "out"
    grade_batch(
        [REVIEW / "keyring"], "01", out, workers=1, progress=lambda line: None,
        limits=Limits(timeout=60, cell_timeout=20),
        refuse_tampering=False,  # its ctypes would be refused unrun; the sandbox is tested
    )  # fmt: skip
    reader = json.loads((out / "results" / "01" / "b_reader.json").read_text())
    writer = json.loads((out / "results" / "01" / "a_writer.json").read_text())
    assert writer["points"] > 1  # it did answer, so there was something to steal
    assert reader["points"] == 1, [(p["problem"], p["status"]) for p in reader["problems"]]


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make cgroups")
def test_a_cgroup_per_sandbox_bounds_memory_and_processes():
    from mlcourse.grader._cgroup import create

    group = create("mlcourse-test", 256, 32)
    if group is None:
        pytest.skip("this machine's cgroups cannot be written")
    try:
        texts = " ".join(p.read_text() for f in group.folders for p in f.glob("*") if p.name in (
            "memory.max", "memory.limit_in_bytes", "pids.max"))  # fmt: skip
        assert str(256 * 2**20) in texts and "32" in texts
    finally:
        group.remove()
    assert not any(f.exists() for f in group.folders)


def test_a_notebook_of_too_many_cells_is_refused_before_it_is_parsed():
    from mlcourse.grader._prepare import MAX_CODE_CELLS, Unreadable, read_submission

    cell = {"cell_type": "code", "source": "", "metadata": {}, "outputs": []}
    many = {"cells": [cell] * (MAX_CODE_CELLS + 1), "metadata": {}, "nbformat": 4,
            "nbformat_minor": 5}  # fmt: skip
    with pytest.raises(Unreadable, match="code cells"):
        read_submission(json.dumps(many).encode())
    prose = {**many, "cells": [{"cell_type": "markdown", "source": "x", "metadata": {}}] * 50_000}
    assert read_submission(json.dumps(prose).encode()).cells == []  # prose is never parsed


def test_the_sandboxed_runner_starts_without_the_batch_machinery():
    """The runner starts once per submission: it imports nbclient, not NumPy or the checks."""
    heavy = (
        "numpy",
        "pandas",
        "mlcourse.checks",
        "mlcourse.exercises",
        "mlcourse.grader._batch",
        "rfc3987_syntax",
        "arrow",
    )
    code = (
        "import sys, mlcourse.grader._runner\n"
        f"print(','.join(m for m in {heavy!r} if sys.modules.get(m)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_a_graded_run_without_bubblewrap_never_sees_the_live_class_or_its_tokens(monkeypatch):
    from mlcourse.grader._sandbox import _trusted_environment

    monkeypatch.setenv("MLCOURSE_CLASS", "http://10.0.0.2:8765/s/03-x?key=abcdefghijklmnop")
    monkeypatch.setenv("MLCOURSE_LIVE_TOKEN", "instructor-secret")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-secret")
    monkeypatch.setenv("MLCOURSE_LEARNER", "ada")
    env = _trusted_environment()
    assert not {"MLCOURSE_CLASS", "MLCOURSE_LIVE_TOKEN", "JUPYTERHUB_API_TOKEN"} & set(env)
    assert env["MLCOURSE_LEARNER"] == "ada"


def test_a_limited_process_sees_the_course_its_caller_sees_now(tmp_path, monkeypatch):
    # the fork server is started once per process and keeps the environment of that moment;
    # a reader forked from it must still look for release notebooks where the caller would
    from mlcourse._paths import course_root
    from mlcourse.grader._isolate import run_limited

    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        (folder / "exercises").mkdir(parents=True)
    monkeypatch.setenv("MLCOURSE_ROOT", str(first))
    seen, _ = run_limited(course_root, memory_mb=256, timeout=30)
    assert seen == str(first.resolve())
    monkeypatch.setenv("MLCOURSE_ROOT", str(second))
    seen, _ = run_limited(course_root, memory_mb=256, timeout=30)
    assert seen == str(second.resolve())
