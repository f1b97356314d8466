"""Run an exercises notebook and report the outcome of every problem (``mlcourse check``)."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import _events
from ._registry import Module, get_module


@dataclass
class NotebookRun:
    """The result of executing a notebook and collecting its check events."""

    path: Path
    module: Module | None
    seconds: float
    error: str | None = None
    statuses: dict[str, str] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)

    @property
    def unchecked(self) -> list[str]:
        """Declared problems whose check never ran."""
        if self.module is None:
            return []
        return [p.id for p in self.module.problems if p.id not in self.statuses]


def run_notebook(
    path: Path, *, timeout: int = 120, strict: bool = False, env: dict | None = None
) -> NotebookRun:
    """Execute ``path`` in a fresh ``mlcourse`` kernel and collect its check outcomes.

    The notebook is executed in its own folder and is not modified on disk. Its check events
    go to a temporary file, so the learner's progress log is untouched.

    Parameters
    ----------
    path : Path
        The notebook.
    timeout : int
        Seconds allowed per cell.
    strict : bool
        Run with ``MLCOURSE_STRICT=1``.
    env : dict, optional
        Extra environment variables for the kernel.

    Returns
    -------
    NotebookRun
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(str(path), as_version=4)
    try:
        module = get_module(path.name[:2])
    except (LookupError, ValueError):
        module = None
    with tempfile.TemporaryDirectory(prefix="mlcourse-check-") as tmp:
        events = Path(tmp) / "events.jsonl"
        kernel_env = dict(os.environ)
        kernel_env.update(env or {})
        kernel_env["MLCOURSE_EVENTS"] = str(events)
        kernel_env["MLCOURSE_STRICT"] = "1" if strict else "0"
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="mlcourse",
            resources={"metadata": {"path": str(path.parent)}},
        )
        start = time.perf_counter()
        error = None
        old = dict(os.environ)
        os.environ.update(kernel_env)
        try:
            client.execute()
        except CellExecutionError as exc:
            error = _first_line(exc)
        except (CellTimeoutError, DeadKernelError, RuntimeError) as exc:
            error = f"{type(exc).__name__}: {_first_line(exc)}"
        finally:
            os.environ.clear()
            os.environ.update(old)
        seconds = time.perf_counter() - start
        run = NotebookRun(path, module, seconds, error)
        for event in _events.read(events):
            run.statuses[event["problem"]] = event["status"]
            run.points[event["problem"]] = event["points"]
    return run


def _first_line(error: BaseException) -> str:
    lines = [text for text in str(error).splitlines() if text.strip()]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line:
            return line.strip()
    return lines[-1].strip() if lines else type(error).__name__
