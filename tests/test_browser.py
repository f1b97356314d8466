"""The learner's path in a real browser: `make lab`, an exercise, a check, a restart.

Headless Chromium (the system's, driven by Playwright) opens JupyterLab as ``mlcourse lab``
starts it, on a copy of the course: Module 00 opens, the file browser shows the workspace;
the workspace copy of an exercises notebook runs and every check says Not attempted; one
answer typed in turns its check Correct; after a save and a restart of the lab the answer is
still there. Screenshots land in ``$MLCOURSE_TEST_ARTIFACTS/lab`` (``make test`` sets it to
``test-output/``), else in the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from mlcourse.lab import port_is_free

from .helpers import CHROMIUM, needs_chromium, screenshot_folder

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")

ROOT = Path(__file__).resolve().parents[1]
MODULE = "00_start_here.ipynb"
pytestmark = needs_chromium()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def course(tmp_path):
    """A copy of the course's learner-facing folders, with module 00."""
    root = tmp_path / "course"
    for folder in ("curriculum", "exercises", "solutions"):
        (root / folder).mkdir(parents=True)
        shutil.copy(ROOT / folder / MODULE, root / folder / MODULE)
    return root


class Lab:
    """``mlcourse lab --no-browser`` in a process of its own, as ``make lab`` starts it."""

    def __init__(self, root: Path, port: int, log: Path):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "MLCOURSE_"))}
        env["MLCOURSE_ROOT"] = str(root)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mlcourse.cli", "lab", "--no-browser", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.url = self._wait_for_url(port)

    def _wait_for_url(self, port: int) -> str:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            found = re.search(rf"http://127\.0\.0\.1:{port}/\S*token=\w+", self.log.read_text())
            if found:
                return found.group(0)
            assert self.process.poll() is None, self.log.read_text()[-2000:]
            time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _answer(course: Path) -> tuple[str, str]:
    """A knowledge-check answer of module 00 (``kc1 = "b"``) and its check's attribute."""
    nb = nbformat.read(str(course / "solutions" / MODULE), as_version=4)
    for cell in nb.cells:
        found = re.match(r'^(kc\d+) = "([a-z]+)"\s+# SOLUTION$', cell.source.strip())
        if found:
            return f'{found.group(1)} = "{found.group(2)}"', found.group(1)
    raise AssertionError("module 00 has no one-line knowledge-check answer")


def _saved(course: Path, answer: str) -> bool:
    try:  # JupyterLab may be writing the file at this very moment
        nb = nbformat.read(str(course / "work" / MODULE), as_version=4)
    except Exception:  # noqa: BLE001 - a half-written file is read again
        return False
    return any(cell.source.strip() == answer for cell in nb.cells)


def _checks(course: Path) -> int:
    nb = nbformat.read(str(course / "exercises" / MODULE), as_version=4)
    return sum(c.metadata.get("mlcourse", {}).get("role") == "check" for c in nb.cells)


def test_a_learner_opens_the_lab_answers_checks_saves_and_finds_the_answer_after_a_restart(
    course, tmp_path
):
    from playwright.sync_api import expect, sync_playwright

    port = _free_port()
    answer, name = _answer(course)
    lab = Lab(course, port, tmp_path / "lab.log")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(lab.url)  # the address the lab prints
            expect(page.locator(".lm-TabBar-tab", has_text="00_start_here.ipynb")).to_be_visible(
                timeout=120_000
            )
            crumbs = page.locator(".jp-BreadCrumbs")
            expect(crumbs).to_contain_text("work", timeout=30_000)
            expect(page.locator(".jp-DirListing-content")).to_contain_text(MODULE)
            page.screenshot(
                path=str(screenshot_folder("lab", tmp_path) / "1-lab-opens-module-00.png")
            )
            assert "news" not in page.content().lower() or "Jupyter news" not in page.content()

            token = lab.url.split("token=")[1]
            base = f"http://127.0.0.1:{port}"
            # the workspace copy alone (reset: the lesson of the same name is not open beside it)
            page.goto(f"{base}/lab/tree/work/{MODULE}?reset&token={token}")
            notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
            expect(notebook.locator(".jp-CodeCell").first).to_be_visible(timeout=120_000)
            idle = page.get_by_role("button", name="Python (mlcourse) | Idle")
            expect(idle).to_be_visible(timeout=120_000)
            notebook.locator(".jp-Cell").first.click()  # Run All acts on the focused notebook
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            outputs = notebook.locator(
                ".jp-OutputArea-output", has_text=re.compile("Not attempted yet")
            )
            expect(outputs).to_have_count(_checks(course), timeout=180_000)
            page.screenshot(
                path=str(screenshot_folder("lab", tmp_path) / "2-run-all-not-attempted.png")
            )

            cell = notebook.locator(".jp-CodeCell", has_text=f"{name} = ...")
            cell.locator(".cm-content").click()
            page.keyboard.press("Control+A")
            page.keyboard.type(answer)
            page.keyboard.press("Shift+Enter")  # runs the answer, moves to its check
            page.keyboard.press("Shift+Enter")  # runs the check
            check = notebook.locator(".jp-CodeCell", has_text=f"ex.{name}.check()")
            expect(check.locator(".jp-OutputArea-output")).to_contain_text(
                "Correct", timeout=60_000
            )
            page.keyboard.press("Control+S")
            deadline = time.monotonic() + 30
            while not _saved(course, answer) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert _saved(course, answer), "the answer was not saved to the workspace"
            page.screenshot(path=str(screenshot_folder("lab", tmp_path) / "3-answer-correct.png"))
            browser.close()

        lab.stop()
        assert port_is_free(port) or time.sleep(2) is None
        lab = Lab(course, port, tmp_path / "lab-again.log")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            token = lab.url.split("token=")[1]
            page.goto(f"http://127.0.0.1:{port}/lab/tree/work/{MODULE}?reset&token={token}")
            notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
            expect(notebook.locator(".jp-CodeCell", has_text=answer)).to_have_count(
                1, timeout=120_000
            )
            page.screenshot(
                path=str(screenshot_folder("lab", tmp_path) / "4-answer-after-restart.png")
            )
            browser.close()
        assert (course / "exercises" / MODULE).read_bytes() == (
            ROOT / "exercises" / MODULE
        ).read_bytes()
    finally:
        lab.stop()
