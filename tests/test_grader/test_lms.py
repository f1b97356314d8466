"""Gradebook exports for Canvas and Moodle: exact files, roster checks, listed learners, formulas,
hostile result folders."""

from __future__ import annotations

import csv
import io
import json
import os
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from mlcourse.cli import main
from mlcourse.grader import _lms, discover
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
    # linus (not judged) and edsger (no result) get no row: an empty cell would clear a grade
    # Canvas holds (its importer sends an empty posted_grade for a cell that differs)
    assert summary.path.read_bytes().decode("utf-8") == (
        "Student,ID,SIS User ID,SIS Login ID,Section,Module 03\r\n"
        "    Points Possible,,,,,22.00\r\n"
        '"Lovelace, Ada",101,S-1,ada.l,Lab A,22.00\r\n'
        '"Hopper, Grace",102,S-2,grace.h,Lab B,12.50\r\n'
        '"Turing, Alan",103,S-3,alan.t,Lab A,0.00\r\n'
    )
    assert summary.rows == 3
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
        (ROSTER + "bob,Bob,0101,,,,\n", "lms_id '0101' twice"),  # the same Canvas user
        (ROSTER + "bob,Bob,,S-3,,,\n", "sis_id 'S-3' twice"),
        (ROSTER + "bob,Bob,,,linus.t,,\n", "login 'linus.t' twice"),
        (ROSTER + "bob,Bob,106,,,ADA@uni.example,\n", "email 'ADA@uni.example' twice"),
        ("learner,name,canvas id\nada,Ada,1\n", "header must name"),
        ("name,lms_id\nAda,1\n", "header must name"),
        ("learner,learner\nada,ada\n", "header must name"),
        ("learner,lms_id\nAda Lovelace,1\n", "'Ada-Lovelace'"),
        ("learner,lms_id\nada/../x,1\n", "not a name the grader gives"),
        (f"learner,lms_id\n{'a' * 101},1\n", "at most 100 characters"),
        (f"learner,name\nada,{'x' * 257}\n", "name is longer than 256"),
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


def test_roster_cells_of_256_characters_are_read(tmp_path):
    (entry,) = read_roster(_roster(tmp_path, f"learner,name\nada,{'x' * 256}\n"))
    assert entry.name == "x" * 256


@pytest.mark.parametrize(
    "learner",
    [
        "ada_03_pandas",  # a name the grader gave before its suffix rules changed
        "x_03_pandas",  # from x_03_pandas. (a trailing dot)
        "a" * 98 + "-2",  # a second learner of a 100-character name
        "Ada-Lovelace_123456_assignsubmission_file",  # from an earlier grader's Moodle names
    ],
)
def test_roster_accepts_any_name_made_of_the_graders_characters(tmp_path, learner):
    """The check is the characters of result names, not a re-derivation of the name."""
    (entry,) = read_roster(_roster(tmp_path, f"learner,email\n{learner},a@uni.example\n"))
    assert entry.learner == learner


def test_roster_row_limit_counts_learners(tmp_path, monkeypatch):
    monkeypatch.setattr(_lms, "MAX_ROSTER_ROWS", 3)
    three = "learner\nada\n\n\n\nbob\n\ncy\n"
    assert [e.learner for e in read_roster(_roster(tmp_path, three))] == ["ada", "bob", "cy"]
    with pytest.raises(LmsExportError, match="more than 3 learners"):
        read_roster(_roster(tmp_path, three + "dee\n"))


def test_roster_of_blank_lines_is_read_in_little_memory(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"learner\n" + b"\n" * 600_000 + b"ada\n")
    tracemalloc.start()
    try:
        entries = read_roster(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [e.learner for e in entries] == ["ada"]
    assert peak < 12 * 2**20  # a list of 600,000 empty rows alone is over 35 MB


def _run_beside_fifo(function, fifo: Path):
    """``function()``'s result or exception; a failure if it blocks on ``fifo`` for 20 s."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except Exception as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive():  # blocked opening the FIFO: give it a writer, so it ends
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(timeout=5)
        pytest.fail(f"blocked on the FIFO {fifo.name}")
    return outcome


def test_roster_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    outcome = _run_beside_fifo(lambda: read_roster(fifo), fifo)
    assert isinstance(outcome.get("error"), LmsExportError)
    assert "not a regular file" in str(outcome["error"])


def test_roster_with_bom_and_blank_lines_is_read(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes("\ufefflearner,LMS_ID\r\n\r\nada,101\r\n".encode())
    assert [(e.learner, e.lms_id) for e in read_roster(path)] == [("ada", "101")]


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        ("canvas", "learner,name,email\nada,Ada,ada@uni.example\n", "no lms_id, sis_id or login"),
        ("canvas", "learner,lms_id\nada,abc\n", "not a Canvas user id"),
        ("canvas", "learner,lms_id\nada,\u0661\u0660\u0661\n", "not a Canvas user id"),
        ("moodle", "learner,lms_id\nada,101\n", "no email"),
    ],
)
def test_roster_that_cannot_identify_a_learner_in_the_lms_is_refused(
    out, tmp_path, fmt, text, message
):
    with pytest.raises(LmsExportError, match=message):
        export_gradebook(out, MODULE, fmt, _roster(tmp_path, text))
    assert not (out / f"gradebook_03_{fmt}.csv").exists()


@pytest.mark.parametrize(
    ("identifier", "message"),
    [("username", "no login, the column Moodle matches"), ("idnumber", "no sis_id, the column")],
)
def test_moodle_roster_without_the_chosen_identifier_is_refused(out, tmp_path, identifier, message):
    roster = _roster(tmp_path, "learner,email,login,sis_id\nada,a@x,ada.l,S-1\ngrace,g@x,,\n")
    with pytest.raises(LmsExportError, match=message):
        export_gradebook(out, MODULE, "moodle", roster, identifier=identifier)
    assert not (out / "gradebook_03_moodle.csv").exists()


def test_canvas_user_id_is_written_without_leading_zeros(out, tmp_path):
    roster = _roster(tmp_path, "learner,lms_id\nada,0101\n")
    text = export_gradebook(out, MODULE, "canvas", roster).path.read_text(encoding="utf-8")
    assert text.splitlines()[2] == "ada,101,,,,22.00"


def test_assignment_name_that_canvas_would_read_as_an_id_is_refused(out, tmp_path):
    with pytest.raises(LmsExportError, match="assignment id"):
        export_gradebook(out, MODULE, "canvas", _roster(tmp_path), assignment="Lab (12)")
    with pytest.raises(LmsExportError, match="canvas only"):
        export_gradebook(out, MODULE, "moodle", _roster(tmp_path), assignment_id="12")


@pytest.mark.parametrize("assignment_id", ["abc", "12a", "1 2", "", "\u0661\u0662", "-12"])
def test_assignment_id_that_is_not_a_number_is_refused(out, tmp_path, assignment_id):
    with pytest.raises(LmsExportError, match="assignment's number"):
        export_gradebook(out, MODULE, "canvas", _roster(tmp_path), assignment_id=assignment_id)
    assert not (out / "gradebook_03_canvas.csv").exists()


@pytest.mark.parametrize(
    ("assignment", "ok"), [("x" * 256, True), ("x" * 257, False), ("a\nb", False), (" ", False)]
)
def test_assignment_name_is_one_line_of_at_most_256_characters(out, tmp_path, assignment, ok):
    roster = _roster(tmp_path)
    if ok:
        path = export_gradebook(out, MODULE, "moodle", roster, assignment=assignment).path
        assert path.read_text(encoding="utf-8").splitlines()[0] == f"Email address,{assignment}"
    else:
        with pytest.raises(LmsExportError, match="at most 256 characters"):
            export_gradebook(out, MODULE, "moodle", roster, assignment=assignment)


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
        f"wrote {out / 'gradebook_03_canvas.csv'} (3 learner rows, canvas)",
        "1 graded but not in the roster (left out): stranger",
        "1 in the roster with no result (left out): edsger",
        "1 not judged by the grader: grader_error or unreadable (left out): linus",
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


# -- hostile result folders ---------------------------------------------------------------------


def _write(out: Path, name: str, result) -> Path:
    path = out / "results" / MODULE / name
    path.write_text(json.dumps(result), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("points", "usable"),
    [
        (22, True),
        (0, True),
        (21.5, True),
        (-1, False),
        (-0.5, False),
        (22.5, False),  # more than the module's 22 points
        (True, False),  # a JSON boolean is not a number
        ("1e300", False),
        ("12", False),
        (1e300, False),
        (10**400, False),
        (None, False),
        ([22], False),
    ],
)
def test_points_must_be_a_number_from_zero_to_the_module_maximum(tmp_path, points, usable):
    out = tmp_path / "grades"
    write_result(out, _result("ada", 0.0))
    _write(out, "ada.json", _result("ada", points))
    (grade,) = read_grades(out, MODULE).values()
    if usable:
        assert grade.points == points and not grade.problem
    else:
        assert grade.points is None and "points not a number from 0 to 22" in grade.problem


def test_a_result_claiming_another_learner_never_replaces_their_grade(out, tmp_path):
    _write(out, "zz.json", _result("ada", 0.0))  # sorts after ada.json
    _write(out, "grace.json", _result("ada", 1.0))
    grades = read_grades(out, MODULE)
    assert grades["ada"].points == 22.0
    assert grades["zz"].points is None and "learner is not its file name" in grades["zz"].problem
    assert grades["grace"].points is None
    summary = export_gradebook(out, MODULE, "moodle", _roster(tmp_path))
    lines = summary.path.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["ada@uni.example,22", "alan@uni.example,0"]
    assert summary.unusable == [
        "grace: its learner is not its file name",
        "zz: its learner is not its file name",
    ]
    assert "zz" not in summary.not_in_roster and "grace" not in summary.no_result


def test_a_result_of_another_module_is_not_used(out):
    result = _result("ada", 5.0)
    result["module"] = "04"
    _write(out, "ada.json", result)
    assert read_grades(out, MODULE)["ada"].problem == "not a result of module 03"


def test_symlinked_results_are_not_followed(out, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps(_result("edsger", 22.0)), encoding="utf-8")
    (out / "results" / MODULE / "edsger.json").symlink_to(outside)
    (out / "results" / MODULE / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    grades = read_grades(out, MODULE)
    assert (
        grades["edsger"].points is None
        and grades["edsger"].problem == "not a readable regular file"
    )
    assert grades["dangling"].problem == "not a readable regular file"


def test_a_fifo_in_the_results_is_not_read(out):
    fifo = out / "results" / MODULE / "edsger.json"
    os.mkfifo(fifo)
    outcome = _run_beside_fifo(lambda: read_grades(out, MODULE), fifo)
    assert outcome["value"]["edsger"].problem == "not a readable regular file"


def test_results_too_large_or_malformed_are_listed_not_read(out, monkeypatch):
    monkeypatch.setattr(_lms, "MAX_RESULT_BYTES", 4096)
    folder = out / "results" / MODULE
    (folder / "big.json").write_text(json.dumps(_result("big", 1.0) | {"pad": "x" * 5000}))
    (folder / "deep.json").write_text("[" * 2000 + "]" * 2000)  # past the recursion limit
    (folder / "list.json").write_text("[]")
    (folder / "latin.json").write_bytes(b'{"learner": "\xe9"}')
    grades = read_grades(out, MODULE)
    assert grades["big"].problem == "too large"
    assert grades["deep"].problem == "not JSON"
    assert grades["list"].problem == "not a result of mlcourse grade"
    assert grades["latin"].problem == "not JSON"
    assert grades["ada"].points == 22.0


def test_unusable_result_files_are_listed_as_such_not_as_not_in_roster(out, tmp_path, capsys):
    folder = out / "results" / MODULE
    (folder / "edsger.json").write_text("{not json", encoding="utf-8")  # on the roster
    (folder / "mallory.json").write_text("{not json", encoding="utf-8")  # not on the roster
    _write(out, "bad\nwrote x (99 learner rows, canvas).json", _result("x", 1.0))
    roster = _roster(tmp_path)
    args = ["gradebook", MODULE, "--out", str(out), "--format", "canvas", "--roster", str(roster)]
    assert main(args) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"wrote {out / 'gradebook_03_canvas.csv'} (3 learner rows, canvas)",
        "1 graded but not in the roster (left out): stranger",
        "1 not judged by the grader: grader_error or unreadable (left out): linus",
        "3 result files not used (left out): "
        "'bad\\nwrote x (99 learner rows, canvas)': its learner is not its file name; "
        "edsger: not JSON; mallory: not JSON",
    ]


# -- learners named by LMS downloads ------------------------------------------------------------


def test_moodle_flat_and_folder_downloads_match_one_roster(tmp_path):
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Ada Lovelace_123456_assignsubmission_file_03_pandas.ipynb", "{}")
        z.writestr("Grace Hopper_123460_assignsubmission_file_pandas.ipynb", "{}")
        z.writestr("Alan Turing_123470_assignsubmission_file_/03_pandas.ipynb", "{}")
    learners = sorted(s.learner for s in discover([archive], MODULE))
    assert learners == ["Ada-Lovelace_123456", "Alan-Turing_123470", "Grace-Hopper_123460"]
    out = tmp_path / "grades"
    for points, learner in enumerate(learners):
        write_result(out, _result(learner, float(points)))
    roster = _roster(
        tmp_path,
        "learner,email\nAda-Lovelace_123456,ada@x\nGrace-Hopper_123460,grace@x\n"
        "Alan-Turing_123470,alan@x\n",
    )
    summary = export_gradebook(out, MODULE, "moodle", roster)
    lines = summary.path.read_text(encoding="utf-8").splitlines()
    assert lines[1:] == ["ada@x,0", "grace@x,2", "alan@x,1"]
    assert summary.not_in_roster == [] and summary.no_result == []


CANVAS_ROSTER = """learner,name,lms_id
lovelaceada_101_5551,"Lovelace, Ada",101
hoppergrace_102_5552,"Hopper, Grace",102
turingalan_103_5553,"Turing, Alan",103
"""


def test_canvas_roster_from_an_earlier_module_matches_by_user_id(tmp_path):
    """Canvas's file ids change with each submission; the user id does not."""
    out = tmp_path / "grades"
    write_result(out, _result("lovelaceada_101_7771", 20.0))  # a new file id
    write_result(out, _result("hoppergrace_LATE_102_7772", 11.0))  # late this time
    write_result(out, _result("turingalan_103_5553", 3.0))  # the roster's own name
    write_result(out, _result("turingalan_103_7773", 9.0))  # Alan has his own result already
    write_result(out, _result("nobody_999_7774", 1.0))
    summary = export_gradebook(out, MODULE, "canvas", _roster(tmp_path, CANVAS_ROSTER))
    rows = summary.path.read_text(encoding="utf-8").splitlines()[2:]
    assert rows == [
        '"Lovelace, Ada",101,,,,20.00',
        '"Hopper, Grace",102,,,,11.00',
        '"Turing, Alan",103,,,,3.00',
    ]
    assert summary.by_canvas_id == {
        "hoppergrace_LATE_102_7772": "hoppergrace_102_5552",
        "lovelaceada_101_7771": "lovelaceada_101_5551",
    }
    assert summary.not_in_roster == ["nobody_999_7774", "turingalan_103_7773"]
    lines = _lms.summary_lines(summary, "canvas")
    assert lines[1] == (
        "2 matched to the roster by Canvas user id: "
        "hoppergrace_LATE_102_7772 as hoppergrace_102_5552, "
        "lovelaceada_101_7771 as lovelaceada_101_5551"
    )


def test_canvas_user_id_matching_two_results_is_not_guessed(tmp_path):
    out = tmp_path / "grades"
    write_result(out, _result("lovelaceada_101_7771", 20.0))
    write_result(out, _result("lovelaceada_101_7779", 2.0))
    summary = export_gradebook(out, MODULE, "canvas", _roster(tmp_path, CANVAS_ROSTER))
    assert summary.rows == 0 and summary.by_canvas_id == {}
    assert summary.no_result == [
        "lovelaceada_101_5551",
        "hoppergrace_102_5552",
        "turingalan_103_5553",
    ]


def test_moodle_never_matches_by_an_id_in_the_name(tmp_path):
    out = tmp_path / "grades"
    write_result(out, _result("lovelaceada_101_7771", 20.0))
    roster = _roster(tmp_path, "learner,lms_id,email\nlovelaceada_101_5551,101,ada@x\n")
    summary = export_gradebook(out, MODULE, "moodle", roster)
    assert summary.rows == 0 and summary.no_result == ["lovelaceada_101_5551"]
