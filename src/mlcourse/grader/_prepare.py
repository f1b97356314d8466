"""Steps 1-2: read and normalise a submission, restore its protected cells, add the extraction.

Only the code matters for grading. The learner's code cells are kept in their order; every
cell that is (or claims to be, or looks like) a setup cell is replaced by the released one,
once, whatever was edited, duplicated, split or deleted; a missing setup is put back at the
top. Check calls are left out: the verdicts are computed outside the sandbox, so in a graded
run a check would only print that it is judged later. Whatever else a learner typed into a
setup or check cell (an answer, say) is kept as their own code, in place. The released
notebook's roles, recorded by ``mlcourse build``, say which cells are which.
"""

from __future__ import annotations

import json
import warnings

import nbformat

from ..build import CHECK, SETUP, check_target
from ..build._roles import is_setup_source

EXTRACTION = """# Added by the grader: collect the answers as data. The verdicts are computed outside.
from mlcourse.grader._extract import extract as __mlcourse_extract
__mlcourse_extract({module!r}, globals(), {out!r})
"""


def prepare_file(submitted: str, module: str, out: str, notebook: str) -> dict:
    """Read a submitted file, restore its protected cells and write the notebook to run.

    Runs in a limited process (:func:`mlcourse.grader._isolate.run_limited`): the file is the
    learner's, and parsing it can take time and memory the grader does not give away.

    Returns
    -------
    dict
        ``{"learner_cells": n, "tampering": [reasons]}``, or ``{"unreadable": reason}``.
        ``tampering`` lists what in the learner's cells reaches the course's own modules
        (read from the source, never run).
    """
    from ._batch import release_notebook
    from ._tamper import reaches_into_the_course

    with open(submitted, "rb") as handle:
        data = handle.read()
    try:
        nb = read_submission(data)
    except Unreadable as error:
        return {"unreadable": str(error)}
    prepared, learner_cells = prepare(nb, release_notebook(module), module, out)
    nbformat.write(prepared, notebook)
    learner_sources = [cell.source for cell in prepared.cells[:-1] if not _is_released(cell)]
    return {
        "learner_cells": learner_cells,
        "tampering": reaches_into_the_course(learner_sources),
    }


MAX_CODE_CELLS = 5000


class Unreadable(ValueError):
    """The submission is not a notebook that can be read."""


def read_submission(data: bytes) -> nbformat.NotebookNode:
    """Parse any nbformat version into nbformat 4, or raise Unreadable with the reason."""
    if not data.strip():
        raise Unreadable("the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the file is not UTF-8 text") from None
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise Unreadable(f"not valid JSON ({error})") from None
    except RecursionError:
        raise Unreadable("JSON nested too deeply to be a notebook") from None
    if type(raw) is not dict or "cells" not in raw and "worksheets" not in raw:
        raise Unreadable("valid JSON, but not a notebook (no cells)")
    if type(raw.get("cells")) is list:
        # only code is run: other cells are dropped before nbformat reads (and validates) them
        code = [c for c in raw["cells"] if type(c) is dict and c.get("cell_type") == "code"]
        if len(code) > MAX_CODE_CELLS:
            raise Unreadable(f"more than {MAX_CODE_CELLS} code cells")
        raw["cells"] = [_repaired(c) for c in code]
        text = json.dumps(raw)
    try:
        with warnings.catch_warnings():  # duplicate cell ids are repaired, and that is fine here
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except RecursionError:
        raise Unreadable("not a readable notebook (nested too deeply)") from None
    except Exception as error:  # nbformat raises many kinds on odd input
        raise Unreadable(
            f"not a readable notebook ({type(error).__name__}: {str(error)[:200]})"
        ) from None
    cells = nb.get("cells", [])
    nb.cells = [c for c in cells if isinstance(c, dict)] if isinstance(cells, list) else []
    return nb


def _repaired(cell: dict) -> dict:
    """A v4 cell whose fields have the types nbformat needs; only the code matters here."""
    source = _source(cell)
    cell_type = (
        cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown", "raw") else "raw"
    )
    repaired = {"cell_type": cell_type, "source": source, "metadata": {}}
    metadata = cell.get("metadata")
    if isinstance(metadata, dict):
        role = metadata.get("mlcourse")
        repaired["metadata"] = {"mlcourse": role} if isinstance(role, dict) else {}
    if cell_type == "code":
        repaired.update(outputs=[], execution_count=None)
    if isinstance(cell.get("id"), str):
        repaired["id"] = cell["id"]
    return repaired


def _role(cell) -> tuple[str | None, str | None]:
    """The role recorded by ``mlcourse build``, when it has the expected types."""
    meta = cell.get("metadata")
    meta = meta.get("mlcourse") if isinstance(meta, dict) else None
    if not isinstance(meta, dict):
        return None, None
    role, problem = meta.get("role"), meta.get("problem")
    return (
        role if isinstance(role, str) else None,
        problem if isinstance(problem, str) else None,
    )


def _source(cell) -> str:
    """A cell's source as text, whatever shape the file gave it."""
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def prepare(
    submission: nbformat.NotebookNode, release: nbformat.NotebookNode, module: str, out: str
) -> tuple[nbformat.NotebookNode, int]:
    """Build the notebook to execute.

    Returns
    -------
    (NotebookNode, int)
        The notebook, and how many of the learner's own code cells it holds.
    """
    release_setup = [c for c in release.cells if _role(c)[0] == SETUP]
    setup_lines = {line.strip() for c in release_setup for line in c.source.splitlines()}
    cells = []
    placed_setup, learner_cells = False, 0
    for cell in submission.cells:
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        role, _ = _role(cell)
        if role == SETUP or is_setup_source(source):
            if not placed_setup:
                cells += [_fresh(c.source, released=True) for c in release_setup]
                placed_setup = True
            source = _without(source, lambda line: line in setup_lines or is_setup_source(line))
        elif role == CHECK or check_target(source) is not None or ".check(" in source:
            # judged outside; what else the learner typed in the cell is theirs and runs
            source = _without(source, lambda line: check_target(line) is not None)
        if source.strip():
            cells.append(_fresh(source))
            learner_cells += 1
    if not placed_setup:
        cells = [_fresh(c.source, released=True) for c in release_setup] + cells
    cells.append(_fresh(EXTRACTION.format(module=module, out=out)))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "mlcourse",
        "display_name": "Python (mlcourse)",
        "language": "python",
    }
    return nb, learner_cells


def _without(source: str, protected) -> str:
    """``source`` without the lines that are the course's (a setup or a check call).

    What is left is the learner's own code: an answer typed into a check or setup cell still
    counts, and only comments and blank lines left behind make it empty.
    """
    kept = [line for line in source.splitlines() if not protected(line.strip())]
    code = [line for line in kept if line.strip() and not line.strip().startswith("#")]
    return "\n".join(kept) if code else ""


def _is_released(cell) -> bool:
    return cell.metadata.get("mlcourse", {}).get("released") is True


def _fresh(source: str, released: bool = False) -> nbformat.NotebookNode:
    # a lone surrogate (valid as a JSON escape) cannot be written back as UTF-8
    cell = nbformat.v4.new_code_cell(source.encode("utf-8", "replace").decode("utf-8"))
    if released:
        cell.metadata["mlcourse"] = {"released": True}
    return cell
