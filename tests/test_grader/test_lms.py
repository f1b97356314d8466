"""Gradebook exports for Canvas and Moodle: exact files, roster checks, listed learners, formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from mlcourse.cli import main
from mlcourse.grader._lms import (
    LmsExportError,
    export_gradebook,
    guard_cell,
    read_grades,
    read_roster,
)
from mlcourse.grader._report import write_result

MODULE = "03"  # 22 points


def _result(learner: str, points, status: str = "ok") -> dict:
    return {
        "schema": "mlcourse.grade/1",
        "learner": learner,
        "module": MODULE,
        "status": status,
        "reason": "",
        "points": points,
        "max_points": 22.0,
        "submission": {"file": f"{learner}.ipynb", "sha256": "0" * 64},
        "problems": [],
        "execution": {"seconds": 1.0, "sandboxed": True, "cell_errors": []},
        "graded_at": "2025-01-01T00:00:00+00:00",
        "mlcourse_version": "test",
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A results folder as the grader writes it: five learners, one not judged."""
    folder = tmp_path / "grades"
    for learner, points, status in (
        ("ada", 22.0, "ok"),
        ("grace", 12.5, "ok"),
        ("alan", 0.0, "timeout"),
        ("linus", 0.0, "grader_error"),
        ("stranger", 7.0, "ok"),
    ):
        write_result(folder, _result(learner, points, status))
    return folder


ROSTER = """learner,name,lms_id,sis_id,login,email,section
ada,"Lovelace, Ada",101,S-1,ada.l,ada@uni.example,Lab A
grace,"Hopper, Grace",102,S-2,grace.h,grace@uni.example,Lab B
alan,"Turing, Alan",103,S-3,alan.t,alan@uni.example,Lab A
linus,"Torvalds, Linus",104,S-4,linus.t,linus@uni.example,Lab B
edsger,"Dijkstra, Edsger",105,S-5,edsger.d,edsger@uni.example,Lab A
"""


def _roster(tmp_path: Path, text: str = ROSTER, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_canvas_file_is_canvas_gradebook_layout(out, tmp_path):
    summary = export_gradebook(out, MODULE, "canvas", _roster(tmp_path))
    assert summary.path == out / "gradebook_03_canvas.csv"
    assert summary.path.read_bytes().decode("utf-8") == (
        "Student,ID,SIS User ID,SIS Login ID,Section,Module 03\r\n"
        "    Points Possible,,,,,22.00\r\n"
        '"Lovelace, Ada",101,S-1,ada.l,Lab A,22.00\r\n'
        '"Hopper, Grace",102,S-2,grace.h,Lab B,12.50\r\n'
        '"Turing, Alan",103,S-3,alan.t,Lab A,0.00\r\n'
        '"Torvalds, Linus",104,S-4,linus.t,Lab B,\r\n'
        '"Dijkstra, Edsger",105,S-5,edsger.d,Lab A,\r\n'
    )
    assert summary.rows == 5
    assert summary.not_in_roster == ["stranger"]
    assert summary.no_result == ["edsger"]
    assert summary.not_judged == ["linus"]


def test_canvas_column_names_an_existing_assignment_by_id(out, tmp_path):
    path = export_gradebook(
        out, MODULE, "canvas", _roster(tmp_path), assignment="Pandas lab", assignment_id="4567"
    ).path
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header == "Student,ID,SIS User ID,SIS Login ID,Section,Pandas lab (4567)"


def test_moodle_file_has_one_identifier_and_one_grade_column(out, tmp_path):
    summary = export_gradebook(
        out, MODULE, "moodle", _roster(tmp_path), assignment="Module 03: pandas"
    )
    assert summary.path == out / "gradebook_03_moodle.csv"
    assert summary.path.read_bytes().decode("utf-8") == (
        "Email address,Module 03: pandas\r\n"
        "ada@uni.example,22\r\n"
        "grace@uni.example,12.5\r\n"
        "alan@uni.example,0\r\n"
    )
    assert summary.rows == 3
    assert summary.no_result == ["edsger"] and summary.not_judged == ["linus"]


@pytest.mark.parametrize(
    ("identifier", "header", "first"),
    [("username", "Username", "ada.l"), ("idnumber", "ID number", "S-1")],
)
def test_moodle_identifier_column_follows_the_choice(out, tmp_path, identifier, header, first):
    path = export_gradebook(out, MODULE, "moodle", _roster(tmp_path), identifier=identifier).path
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"{header},Module 03"
    assert lines[1] == f"{first},22"


def test_results_the_grader_could_not_judge_are_never_a_silent_zero(out):
    (out / "results" / MODULE / "mallory.json").write_text("{not json", encoding="utf-8")
    odd = out / "results" / MODULE / "nan-points.json"  # a result edited by hand
    odd.write_text(json.dumps(_result("nan-points", "NaN")), encoding="utf-8")
    grades = read_grades(out, MODULE)
    assert grades["linus"].points is None and grades["linus"].status == "grader_error"
    assert grades["mallory"].points is None
    assert grades["nan-points"].points is None
    assert grades["alan"].points == 0.0  # a timeout is a judged 0, as the grader says


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (ROSTER + "ada,Again,106,,,,\n", "learner 'ada' twice"),
        (ROSTER + "bob,Bob,101,,,,\n", "lms_id '101' twice"),
        (ROSTER + "bob,Bob,106,,,ADA@uni.example,\n", "email 'ADA@uni.example' twice"),
        ("learner,name,canvas id\nada,Ada,1\n", "header must name"),
        ("name,lms_id\nAda,1\n", "header must name"),
        ("learner,learner\nada,ada\n", "header must name"),
        ("learner,lms_id\nAda Lovelace,1\n", "'Ada-Lovelace'"),
        ("learner,lms_id\nada,1,extra\n", "more cells"),
        ("", "empty"),
    ],
)
def test_roster_errors_are_refused(tmp_path, text, message):
    with pytest.raises(LmsExportError, match=message):
        read_roster(_roster(tmp_path, text))


def test_roster_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("learner,name\nada,Lovelace é\n".encode("latin-1"))
    with pytest.raises(LmsExportError, match="not UTF-8"):
        read_roster(path)


def test_roster_with_bom_and_blank_lines_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufefflearner,LMS_ID\r\n\r\nada,101\r\n".encode())
    assert [(e.learner, e.lms_id) for e in read_roster(path)] == [("ada", "101")]


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        ("canvas", "learner,name,email\nada,Ada,ada@uni.example\n", "no lms_id, sis_id or login"),
        ("canvas", "learner,lms_id\nada,abc\n", "not a Canvas user id"),
        ("moodle", "learner,lms_id\nada,101\n", "no email"),
    ],
)
def test_roster_that_cannot_identify_a_learner_in_the_lms_is_refused(
    out, tmp_path, fmt, text, message
):
    with pytest.raises(LmsExportError, match=message):
        export_gradebook(out, MODULE, fmt, _roster(tmp_path, text))
    assert not (out / f"gradebook_03_{fmt}.csv").exists()


def test_assignment_name_that_canvas_would_read_as_an_id_is_refused(out, tmp_path):
    with pytest.raises(LmsExportError, match="assignment id"):
        export_gradebook(out, MODULE, "canvas", _roster(tmp_path), assignment="Lab (12)")
    with pytest.raises(LmsExportError, match="canvas only"):
        export_gradebook(out, MODULE, "moodle", _roster(tmp_path), assignment_id="12")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-3", "'-3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("  =HYPERLINK(1)", "'  =HYPERLINK(1)"),
        ("Lovelace, Ada", "Lovelace, Ada"),
        ("12.50", "12.50"),
        ("    Points Possible", "    Points Possible"),
        (None, ""),
    ],
)
def test_formula_guard(value, cell):
    assert guard_cell(value) == cell


def test_hostile_names_reach_the_file_as_inert_text(tmp_path):
    out = tmp_path / "grades"
    # "@SUM(1)" as a submission file name is graded as learner "@SUM-1"
    write_result(out, _result("@SUM-1", 5.0))
    roster = _roster(
        tmp_path,
        'learner,name,lms_id,sis_id,login,email,section\n@SUM-1,"=HYPERLINK(""http://x"",""a,b"")",7,+1,-x,'
        '@evil.example,"\tLab\u202e A"\n',
    )
    text = export_gradebook(out, MODULE, "canvas", roster).path.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[2] == [
        '\'=HYPERLINK("http://x","a,b")',
        "7",
        "'+1",
        "'-x",
        "Lab A",  # the tab is trimmed, the bidirectional override removed
        "5.00",
    ]
    moodle = export_gradebook(out, MODULE, "moodle", roster).path.read_text(encoding="utf-8")
    assert moodle.splitlines()[1] == "'@evil.example,5"


def test_command_lists_the_learners_to_look_at(out, tmp_path, capsys):
    roster = _roster(tmp_path)
    args = ["gradebook", MODULE, "--out", str(out), "--format", "canvas", "--roster", str(roster)]
    assert main(args) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"wrote {out / 'gradebook_03_canvas.csv'} (5 learner rows, canvas)",
        "1 graded but not in the roster (left out): stranger",
        "1 in the roster with no result (an empty grade): edsger",
        "1 not judged by the grader: grader_error or unreadable (an empty grade): linus",
    ]
    assert main([*args[:5], "moodle", *args[6:]]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].endswith("(3 learner rows, moodle)")
    assert printed[2] == "1 in the roster with no result (left out): edsger"


def test_command_refuses_a_bad_roster_in_one_line(out, tmp_path, capsys):
    roster = _roster(tmp_path, ROSTER + "ada,Again,106,,,,\n")
    args = ["gradebook", MODULE, "--out", str(out), "--format", "canvas", "--roster", str(roster)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "learner 'ada' twice" in err
    assert not (out / "gradebook_03_canvas.csv").exists()


def test_command_without_results_says_to_grade_first(tmp_path, capsys):
    roster = _roster(tmp_path)
    args = ["gradebook", MODULE, "--out", str(tmp_path / "none"), "--format", "moodle"]
    assert main([*args, "--roster", str(roster)]) == 2
    assert "run `mlcourse grade` first" in capsys.readouterr().err
