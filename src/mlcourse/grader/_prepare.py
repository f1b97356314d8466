"""Steps 1-2: read and normalise a submission, restore its protected cells, add the extraction.

Only the code matters for grading. The learner's code cells are kept in their order; every
cell that is (or claims to be, or looks like) a setup or check cell is replaced by the released
one, once, whatever was edited, duplicated, split or deleted; a missing setup is put back at the
top. The released notebook's roles, recorded by ``mlcourse build``, say which cells are which.
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
    if type(raw) is not dict or "cells" not in raw and "worksheets" not in raw:
        raise Unreadable("valid JSON, but not a notebook (no cells)")
    try:
        with warnings.catch_warnings():  # duplicate cell ids are repaired, and that is fine here
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises many kinds on odd input
        raise Unreadable(
            f"not a readable notebook ({type(error).__name__}: {str(error)[:200]})"
        ) from None
    cells = [c for c in nb.get("cells", []) if isinstance(c, dict)]
    nb.cells = cells
    return nb


def _role(cell) -> tuple[str | None, str | None]:
    meta = cell.get("metadata", {}).get("mlcourse", {})
    return (meta.get("role"), meta.get("problem")) if isinstance(meta, dict) else (None, None)


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
    release_checks = {}
    for cell in release.cells:
        role, problem = _role(cell)
        if role == CHECK and problem:
            release_checks[problem] = cell
    by_attribute = {p.split(".", 1)[1]: p for p in release_checks}
    cells = []
    placed_setup, placed_checks, learner_cells = False, set(), 0
    for cell in submission.cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        role, problem = _role(cell)
        target = check_target(source)
        if target is not None:
            suffix = target[1:] if target.startswith("q") else target
            problem = by_attribute.get(suffix, problem)
        if role == SETUP or is_setup_source(source):
            if not placed_setup:
                cells += [_fresh(c.source) for c in release_setup]
                placed_setup = True
            continue
        if role == CHECK or target is not None:
            if problem in release_checks and problem not in placed_checks:
                cells.append(_fresh(release_checks[problem].source))
                placed_checks.add(problem)
            continue
        if source.strip():
            cells.append(_fresh(source))
            learner_cells += 1
    if not placed_setup:
        cells = [_fresh(c.source) for c in release_setup] + cells
    cells.append(_fresh(EXTRACTION.format(module=module, out=out)))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "mlcourse",
        "display_name": "Python (mlcourse)",
        "language": "python",
    }
    return nb, learner_cells


def _fresh(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source)
