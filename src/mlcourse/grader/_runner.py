"""Runs inside the sandbox: execute one prepared notebook with nbclient, outputs capped.

Usage: python -m mlcourse.grader._runner NOTEBOOK OUT_DIR CELL_TIMEOUT MAX_OUTPUT_BYTES

Writes ``OUT_DIR/run.json`` (cell errors, timeouts, output volume) for the feedback page. The
answers themselves are written by the notebook's last, injected cell. Nothing here is trusted
by the grader beyond being shown as information.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


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


def main(argv: list[str]) -> int:
    notebook, out, cell_timeout, max_output = argv[0], Path(argv[1]), int(argv[2]), int(argv[3])
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
        resources={"metadata": {"path": str(Path(notebook).parent)}},
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
                errors.append(
                    {
                        "cell": index,
                        "ename": str(output.get("ename"))[:100],
                        "evalue": str(output.get("evalue"))[:300],
                    }
                )
    errors += [
        {"cell": index, "ename": "CellTimeoutError", "evalue": "interrupted at the time limit"}
        for index in client.timed_out
    ]
    report = {
        "status": status,
        "errors": errors,
        "output_bytes": client.output_bytes,
        "truncated": client.truncated,
    }
    (out / "run.json").write_text(json.dumps(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
