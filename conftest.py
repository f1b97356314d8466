"""Test-session set-up shared by the unit tests and nbval over the notebooks.

- MLflow and the check-event log point at a throwaway folder, never at the learner's store;
- checks run in strict mode (anything but Correct raises), except where a test says otherwise;
- nbval ignores stderr (warnings from libraries are not course output);
- every notebook's execution time is reported, and a notebook over its budget fails the run.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

NOTEBOOK_BUDGET_SECONDS = float(os.environ.get("MLCOURSE_NOTEBOOK_BUDGET", "60"))
_times: dict[str, float] = defaultdict(float)


def pytest_configure(config: pytest.Config) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="mlcourse-tests-"))
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{scratch}/mlflow.db"
    os.environ["MLCOURSE_EVENTS"] = str(scratch / "events.jsonl")
    os.environ["MLCOURSE_STRICT"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.pop("MLCOURSE_LEARNER", None)
    from mlcourse.kernel import install_kernelspec

    install_kernelspec()


def pytest_collectstart(collector: pytest.Collector) -> None:
    if type(collector).__name__ == "IPyNbFile":
        collector.skip_compare = (*collector.skip_compare, "stderr")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _times[path] += report.duration
    for key, value in report.user_properties:
        if key == "notebook_seconds" and report.when == "call":
            name, seconds = value
            _times[name] += seconds


def _over_budget() -> list[str]:
    return [name for name, seconds in _times.items() if seconds > NOTEBOOK_BUDGET_SECONDS]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _times:
        return
    terminalreporter.section("notebook times")
    for name, seconds in sorted(_times.items()):
        flag = "  OVER BUDGET" if seconds > NOTEBOOK_BUDGET_SECONDS else ""
        terminalreporter.write_line(f"{seconds:7.1f} s  {name}{flag}")
    terminalreporter.write_line(f"budget: {NOTEBOOK_BUDGET_SECONDS:.0f} s per notebook")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    over = _over_budget()
    if over and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nnotebooks over the {NOTEBOOK_BUDGET_SECONDS:.0f} s budget: {', '.join(over)}")
