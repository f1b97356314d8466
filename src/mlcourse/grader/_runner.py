"""Runs inside the sandbox: execute one prepared notebook, then report through a private pipe.

Usage: python -m mlcourse.grader._runner NOTEBOOK OUT_DIR CELL_TIMEOUT MAX_OUTPUT REPORT_FD ANSWERS_CAP

The grader hands this process the write end of a pipe as ``REPORT_FD``. Before anything else
the runner makes itself non-dumpable (so no process of the learner's, which runs as the same
user, can open ``/proc/<runner>/fd`` or trace it) and marks the descriptor non-inheritable (so
the kernel it starts never holds it). After the notebook ends it writes one JSON header line
(status, cell errors, output volume, the answer files and their sizes) followed by the bytes of
those files. Learner code can make that report say less (by killing the runner) but cannot
write into it; the answer files themselves are learner-made and judged as hostile data.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys

# This process validates one notebook and its outputs: plain jsonschema costs nothing to set up,
# while the default validator compiles its schema for about 0.2 s, once per submission.
os.environ["NBFORMAT_VALIDATOR"] = "jsonschema"

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from ._files import NotRegular, read_regular
from ._protocol import ANSWER_FILE, MAX_FILES, PROTOCOL

_PR_SET_DUMPABLE = 4


class CappedClient(NotebookClient):
    """An nbclient that keeps at most ``max_output`` bytes of outputs, dropping the rest."""

    def __init__(self, nb, max_output: int, **kwargs):
        super().__init__(nb, **kwargs)
        self.max_output = max_output
        self.output_bytes = 0
        self.truncated = False
        self.timed_out: list[int] = []

    async def _async_handle_timeout(self, timeout, cell=None):
        if cell is not None:
            self.timed_out.append(next(i for i, c in enumerate(self.nb.cells) if c is cell))
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        self.output_bytes += size
        if self.output_bytes > self.max_output:
            self.truncated = True
            return None
        return super().output(outs, msg, display_id, cell_index)


def _private(fd: int) -> None:
    """Keep ``fd`` to this process: not inherited, and this process not readable via /proc."""
    os.set_inheritable(fd, False)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _execute(notebook: str, cell_timeout: int, max_output: int) -> dict:
    """Run the notebook; return the runner's own view of the run."""
    nb = nbformat.read(notebook, as_version=4)
    client = CappedClient(
        nb,
        max_output=max_output,
        timeout=cell_timeout,
        kernel_name="mlcourse",
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": "CellTimeoutError",
            "evalue": f"the cell ran for more than {cell_timeout} s",
        },
        record_timing=False,
        shutdown_kernel="immediate",  # the answers are written; nothing is left to wait for
        resources={"metadata": {"path": os.getcwd()}},
    )
    status = "finished"
    try:
        client.execute()
    except DeadKernelError:
        status = "kernel_died"
    except CellTimeoutError:
        status = "cell_timeout"
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append({"cell": index, "ename": str(output.get("ename"))[:100]})
    errors += [{"cell": index, "ename": "CellTimeoutError"} for index in client.timed_out]
    report = {
        "protocol": PROTOCOL,
        "status": status,
        "errors": errors[:200],
        "output_bytes": client.output_bytes,
        "truncated": client.truncated,
    }
    return report


def collect_files(out: str, cap: int) -> tuple[list[tuple[str, bytes]], str | None]:
    """The answer files in ``out`` (regular files with expected names only), at most ``cap`` bytes."""
    try:
        folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return [], "no answers were written"
    files: list[tuple[str, bytes]] = []
    total = 0
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if ANSWER_FILE.match(e.name))
        if len(names) > MAX_FILES:
            return [], f"more than {MAX_FILES} answer files"
        for name in names:
            try:
                data = read_regular(name, cap - total, dir_fd=folder)
            except NotRegular as error:
                if "larger than" in str(error) or "grew past" in str(error):
                    return [], f"the answers are larger than {cap // 2**20} MB"
                continue
            files.append((name, data))
            total += len(data)
    finally:
        os.close(folder)
    if not any(name == "answers.json" for name, _ in files):
        return [], "no answers were written"
    return files, None


def _send(fd: int, report: dict, files: list[tuple[str, bytes]]) -> None:
    report = {**report, "files": [[name, len(data)] for name, data in files]}
    payload = [json.dumps(report).encode("ascii") + b"\n", *(data for _, data in files)]
    for chunk in payload:
        view = memoryview(chunk)
        while view:
            written = os.write(fd, view[: 1 << 20])
            view = view[written:]
    os.close(fd)


def main(argv: list[str]) -> int:
    notebook, out = argv[0], argv[1]
    cell_timeout, max_output, fd, cap = (int(a) for a in argv[2:6])
    _private(fd)
    report = _execute(notebook, cell_timeout, max_output)
    files, problem = collect_files(out, cap)
    report["answers_problem"] = problem
    _send(fd, report, files)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
