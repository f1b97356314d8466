"""``load_course_text``: the markdown cells of the course's own lessons, as a corpus.

The course text is read from the lesson notebooks in ``curriculum/`` of the course folder
(found with :func:`mlcourse.course_root`), so it changes whenever a lesson changes. For a given
set of lesson notebooks the result is deterministic: notebooks are read in file-name order and
cells in notebook order, and nothing else (outputs, execution counts, metadata, the date, the
machine) enters it.

``read_course_qa`` reads ``datasets/course_qa.toml``, the questions written for the course to
evaluate retrieval over this text (module 24).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["find_passage", "load_course_text", "read_course_qa"]

_NOTEBOOK = re.compile(r"^(\d\d)_\w+\.ipynb$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
COLUMNS = ("notebook", "module", "cell", "heading", "text")


def _course_folder(root: str | Path | None) -> Path:
    if root is not None:
        return Path(root).expanduser().resolve()
    from .._paths import course_root

    return course_root()


def _lesson_notebooks(root: str | Path | None) -> list[Path]:
    """The lesson notebooks ``curriculum/NN_slug.ipynb``, sorted by file name."""
    folder = _course_folder(root)
    curriculum = folder / "curriculum"
    hint = (
        "load_course_text() reads the lessons of the course: run it inside the course folder "
        "(where curriculum/ is), or set MLCOURSE_ROOT to that folder."
    )
    if not curriculum.is_dir():
        raise FileNotFoundError(f"no curriculum/ folder in {folder}. {hint}")
    notebooks = sorted(p for p in curriculum.iterdir() if _NOTEBOOK.match(p.name))
    if not notebooks:
        raise FileNotFoundError(f"{curriculum} holds no lesson notebooks (NN_slug.ipynb). {hint}")
    return notebooks


def _markdown_cells(path: Path) -> list[tuple[int, str]]:
    """``(position, source)`` of every markdown cell of a notebook, in order."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"curriculum/{path.name} is not a readable notebook: {error}") from None
    found = []
    for position, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        found.append((position, source))
    return found


def headings(text: str) -> list[tuple[int, str]]:
    """The markdown headings of a text as ``(line number, heading text)``.

    Lines inside fenced code blocks (```` ``` ```` or ``~~~``) are not headings, so a shell
    comment such as ``# run this`` in a code block is ignored.
    """
    found = []
    fenced = False
    for number, line in enumerate(text.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append((number, match.group(2).strip()))
    return found


def _leading_heading(text: str) -> str | None:
    """The last of the headings that open the text (before its first other non-blank line)."""
    lines = text.split("\n")
    last = None
    for number, title in headings(text):
        before = [line for line in lines[:number] if line.strip()]
        if any(not _HEADING.match(line) for line in before):
            break
        last = title
    return last


def load_course_text(*, root: str | Path | None = None) -> pd.DataFrame:
    """The markdown cells of the course's lesson notebooks: one row per cell.

    Parameters
    ----------
    root : str or Path, optional
        The course folder. Defaults to :func:`mlcourse.course_root` (``MLCOURSE_ROOT``, or the
        nearest folder upwards from the working directory that holds ``curriculum/``).

    Returns
    -------
    DataFrame
        Columns ``notebook`` (the lesson's file stem, e.g. ``"01_python_essentials"``),
        ``module`` (``"01"``), ``cell`` (the cell's position in its notebook, counting every
        cell from 0), ``heading`` (the heading of the section the cell starts in) and
        ``text`` (the cell's markdown source, with line endings normalised and surrounding
        blank space stripped). Empty cells are left out. Rows are in file-name order, then
        cell order; ``df.attrs["description"]`` says how many notebooks and cells were read.

    Raises
    ------
    FileNotFoundError
        When the course folder has no ``curriculum/`` or it holds no lesson notebooks.
    ValueError
        When a lesson notebook is not valid notebook JSON.
    """
    rows: list[dict[str, Any]] = []
    notebooks = _lesson_notebooks(root)
    for path in notebooks:
        heading = ""
        for position, source in _markdown_cells(path):
            text = source.replace("\r\n", "\n").replace("\r", "\n").strip()
            if not text:
                continue
            opening = _leading_heading(text)
            if opening is not None:
                heading = opening
            rows.append(
                {
                    "notebook": path.stem,
                    "module": path.name[:2],
                    "cell": position,
                    "heading": heading,
                    "text": text,
                }
            )
            found = headings(text)
            if found:
                heading = found[-1][1]
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["cell"] = df["cell"].astype("int64")
    for column in ("notebook", "module", "heading", "text"):
        df[column] = df[column].astype("str")
    names = ", ".join(p.stem for p in notebooks)
    df.attrs["name"] = "course_text"
    df.attrs["description"] = (
        f"The course's own text: {len(df)} markdown cells of {len(notebooks)} lesson "
        f"notebooks in curriculum/ ({names}), one row per non-empty cell, in file and cell "
        "order. It changes whenever a lesson changes; for a given set of lessons it is "
        "always the same. Used in module 24 for retrieval-augmented generation."
    )
    return df


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def find_passage(frame: pd.DataFrame, notebook: str, phrase: str) -> list[int]:
    """Row positions of ``frame`` from ``notebook`` whose ``text`` contains ``phrase``.

    Case and runs of white space (line breaks included) are ignored, so that a phrase
    matches across the hard line breaks of a lesson.
    """
    wanted = _normalise(phrase)
    return [
        i
        for i, (name, text) in enumerate(zip(frame["notebook"], frame["text"], strict=True))
        if name == notebook and wanted in _normalise(text)
    ]


def read_course_qa(*, root: str | Path | None = None) -> list[dict[str, Any]]:
    """The questions of ``datasets/course_qa.toml``, written to evaluate retrieval.

    Parameters
    ----------
    root : str or Path, optional
        The course folder; defaults to :func:`mlcourse.course_root`.

    Returns
    -------
    list of dict
        One dict per question with ``id``, ``question``, ``answer`` (a short reference answer
        for people) and ``relevant``: a list of passages, each a dict with ``notebook`` (a
        lesson's file stem) and ``phrase`` (words that occur in the passage, matched with
        :func:`find_passage`). Passages are named by their words, not by chunk or cell
        numbers, so that the judgements survive any re-chunking.

    Raises
    ------
    FileNotFoundError
        When the course folder has no ``datasets/course_qa.toml``.
    ValueError
        When a question lacks a field or has no relevant passage.
    """
    path = _course_folder(root) / "datasets" / "course_qa.toml"
    if not path.is_file():
        raise FileNotFoundError(
            f"no datasets/course_qa.toml in {path.parent.parent}: run inside the course folder "
            "or set MLCOURSE_ROOT."
        )
    questions = tomllib.loads(path.read_text(encoding="utf-8")).get("questions", [])
    for number, question in enumerate(questions, start=1):
        missing = [k for k in ("id", "question", "answer", "relevant") if k not in question]
        if missing:
            raise ValueError(f"course_qa.toml: question {number} lacks {', '.join(missing)}")
        if not question["relevant"] or any(
            set(p) != {"notebook", "phrase"} for p in question["relevant"]
        ):
            raise ValueError(
                f"course_qa.toml: question {question['id']} needs relevant passages, each "
                "with exactly `notebook` and `phrase`"
            )
    return questions
