"""load_course_text and the course's question set: schema, determinism, errors, relevance."""

import json
from pathlib import Path

import pandas as pd
import pytest

from mlcourse.datasets._course_text import (
    find_passage,
    load_course_text,
    read_course_qa,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def course():
    return load_course_text(root=ROOT)


def _notebook(cells):
    """A minimal nbformat-4 notebook with the given (cell_type, source) cells."""
    return {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for kind, source in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _write_course(root, notebooks):
    (root / "curriculum").mkdir(parents=True)
    for name, cells in notebooks.items():
        (root / "curriculum" / name).write_text(json.dumps(_notebook(cells)), encoding="utf-8")
    return root


def test_columns_dtypes_and_description(course):
    assert list(course.columns) == ["notebook", "module", "cell", "heading", "text"]
    assert {c: str(course[c].dtype) for c in course.columns} == {
        "notebook": "str",
        "module": "str",
        "cell": "int64",
        "heading": "str",
        "text": "str",
    }
    assert course.attrs["name"] == "course_text"
    assert len(course.attrs["description"]) > 40
    assert not course.isna().any().any()
    assert (course["text"].str.strip() == course["text"]).all()
    assert (course["text"].str.len() > 0).all()


def test_rows_cover_every_lesson_in_order(course):
    lessons = sorted(p.stem for p in (ROOT / "curriculum").glob("[0-9][0-9]_*.ipynb"))
    assert list(dict.fromkeys(course["notebook"])) == lessons
    assert (course["module"] == course["notebook"].str[:2]).all()
    for _, group in course.groupby("notebook"):
        assert group["cell"].is_monotonic_increasing and group["cell"].is_unique
    first = course.groupby("notebook").head(1)
    assert first["text"].str.startswith("# Module ").all()
    assert (first["heading"] == first["text"].str.split("\n").str[0].str[2:]).all()


def test_deterministic(course):
    again = load_course_text(root=ROOT)
    pd.testing.assert_frame_equal(course, again)
    assert again.attrs == course.attrs


def test_default_root_is_the_course_folder(course, monkeypatch):
    monkeypatch.chdir(ROOT / "curriculum")
    monkeypatch.delenv("MLCOURSE_ROOT", raising=False)
    pd.testing.assert_frame_equal(load_course_text(), course)


def test_clear_error_outside_a_course_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="no curriculum/ folder.*MLCOURSE_ROOT"):
        load_course_text()
    (tmp_path / "curriculum").mkdir()
    with pytest.raises(FileNotFoundError, match="holds no lesson notebooks"):
        load_course_text(root=tmp_path)
    with pytest.raises(FileNotFoundError, match="course_qa.toml"):
        read_course_qa(root=tmp_path)


def test_unreadable_notebook_is_named(tmp_path):
    (tmp_path / "curriculum").mkdir()
    (tmp_path / "curriculum" / "03_pandas.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="03_pandas.ipynb"):
        load_course_text(root=tmp_path)


def test_headings_cells_and_what_is_left_out(tmp_path):
    root = _write_course(
        tmp_path,
        {
            "02_numpy.ipynb": [
                ("markdown", "# Module 02 — NumPy\n\n*Arrays.*"),
                ("code", "import numpy as np"),
                ("markdown", ["## 1. Arrays\n", "\n", "An array is typed.\r\n"]),
                ("markdown", "   \n"),
                ("markdown", "More on arrays.\n\n```bash\n# not a heading\n```\n### 1.1 Shapes"),
                ("markdown", "Shapes come in tuples."),
                ("raw", "# raw cells are not lesson text"),
            ],
            "01_python_essentials.ipynb": [("markdown", "# Module 01 — Python")],
            "notes.ipynb": [("markdown", "# Not a lesson")],
        },
    )
    frame = load_course_text(root=root)
    assert frame["notebook"].tolist() == ["01_python_essentials"] + ["02_numpy"] * 4
    assert frame["cell"].tolist() == [0, 0, 2, 4, 5]
    assert frame["heading"].tolist() == [
        "Module 01 — Python",
        "Module 02 — NumPy",
        "1. Arrays",
        "1. Arrays",  # the cell starts in section 1 and opens 1.1 at its end
        "1.1 Shapes",
    ]
    assert frame["text"].iloc[2] == "## 1. Arrays\n\nAn array is typed."


def test_find_passage_ignores_case_and_line_breaks(course):
    rows = find_passage(course, "01_python_essentials", "NEVER test floats\n  for exact equality")
    assert len(rows) == 1
    assert find_passage(course, "00_start_here", "Never test floats for exact equality") == []


def test_every_course_qa_question_has_a_relevant_cell(course):
    questions = read_course_qa(root=ROOT)
    assert len(questions) >= 25
    ids = [q["id"] for q in questions]
    assert len(set(ids)) == len(ids), "question ids must be unique"
    lessons = set(course["notebook"])
    for question in questions:
        assert question["question"].strip() and question["answer"].strip()
        for passage in question["relevant"]:
            assert passage["notebook"] in lessons, f"{question['id']}: no lesson {passage}"
            rows = find_passage(course, passage["notebook"], passage["phrase"])
            assert rows, f"{question['id']}: no cell of {passage['notebook']} contains {passage}"


def test_course_qa_rejects_questions_without_passages(tmp_path):
    (tmp_path / "datasets").mkdir()
    path = tmp_path / "datasets" / "course_qa.toml"
    path.write_text('[[questions]]\nid = "x"\nquestion = "q?"\nanswer = "a"\nrelevant = []\n')
    with pytest.raises(ValueError, match="needs relevant passages"):
        read_course_qa(root=tmp_path)
    path.write_text('[[questions]]\nid = "x"\nquestion = "q?"\n')
    with pytest.raises(ValueError, match="lacks answer, relevant"):
        read_course_qa(root=tmp_path)
