"""Execute course notebooks in place, as maintainers do before committing them.

Usage: python ci/execute.py NOTEBOOK [NOTEBOOK ...]

Runs each notebook top to bottom in the ``mlcourse`` kernel, from its own folder, with
checks in strict mode and MLflow pointed at a throwaway store, and writes the outputs back.
No timing metadata is recorded, so re-running an unchanged notebook gives the same file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def execute(path: Path) -> float:
    """Execute ``path`` in place and return the seconds it took."""
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="mlcourse",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, str(path))
    return seconds


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    with tempfile.TemporaryDirectory(prefix="mlcourse-execute-") as tmp:
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp}/mlflow.db"
        os.environ["MLCOURSE_EVENTS"] = f"{tmp}/events.jsonl"
        os.environ["MLCOURSE_STRICT"] = "1"
        for name in argv:
            path = Path(name).resolve()
            try:
                seconds = execute(path)
            except CellExecutionError as error:
                print(f"{name}: failed\n{error}", file=sys.stderr)
                return 1
            print(f"{name}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
