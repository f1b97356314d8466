"""A newcomer's first command: `make lab` on a fresh clone, to a JupyterLab that answers.

A clean clone of this repository (its committed state) gets its own `.venv` from `make lab`'s
install step, exactly as a newcomer's machine would (packages come from the package index,
with empty package caches); then `mlcourse lab --no-browser` starts and the time until
its API answers is taken. Printed: install, serve and total seconds against the 5-minute
budget. The clone is removed afterwards.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 300.0


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(clone: Path, log: Path) -> float:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MLCOURSE_"))}
    start = time.perf_counter()
    process = subprocess.Popen(
        ["make", "lab", f"PORT={port}", "LAB_ARGS=--no-browser"],
        cwd=clone,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        while time.perf_counter() - start < 600:
            found = re.search(rf"127\.0\.0\.1:{port}/\S*token=(\w+)", log.read_text())
            if found:
                url = f"http://127.0.0.1:{port}/api/status?token={found.group(1)}"
                with urllib.request.urlopen(url, timeout=10) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            if process.poll() is not None:
                raise RuntimeError(f"make lab stopped: {log.read_text()[-1500:]}")
            time.sleep(0.5)
        raise RuntimeError("JupyterLab did not answer within 10 minutes")
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def main(row) -> None:
    """Print install, serve and total time of `make lab` on a fresh clone."""
    work = Path(tempfile.mkdtemp(prefix="mlcourse-bench-lab-"))
    clone = work / "course"
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        # A newcomer has no package cache: uv's (and pip's) caches start empty here too.
        cold = {
            **os.environ,
            "UV_CACHE_DIR": str(work / "uv-cache"),
            "PIP_NO_CACHE_DIR": "1",
        }
        start = time.perf_counter()
        subprocess.run(["make", "install"], cwd=clone, env=cold, check=True, capture_output=True)
        install = time.perf_counter() - start
        serve = _serve(clone, work / "lab.log")
        row("make lab: install .venv on a fresh clone", f"{install:.0f} s", "-", True)
        row("make lab: start to a JupyterLab that answers", f"{serve:.1f} s", "-", True)
        total = install + serve
        row(
            "make lab on a fresh clone, in all",
            f"{total:.0f} s",
            f"{BUDGET_S:.0f} s",
            total <= BUDGET_S,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
