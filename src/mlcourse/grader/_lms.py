"""``mlcourse gradebook``: a module's grades as a file that Canvas or Moodle imports.

The grader names each learner after their submission (a file, a folder, an entry of an LMS
zip); an LMS knows its students by its own identifiers. A roster CSV maps one to the other:

``learner,name,lms_id,sis_id,login,email,section``

``learner`` (required) is the name the grader gave (``OUT/results/NN/<learner>.json``), the
others are what the LMS holds. The grades are read from ``OUT/results/NN/*.json`` as hostile
files (regular files only, size-capped, each grade keyed by its file's name and checked
against the module's maximum), and written as:

- **canvas**: Canvas's gradebook CSV (``Student, ID, SIS User ID, SIS Login ID, Section``, one
  assignment column, a ``Points Possible`` row), the layout Canvas exports and imports;
- **moodle**: a CSV for Moodle's "Import grades: CSV file", one identifier column (email,
  username or ID number, mapped on Moodle's import page) and one grade column.

Both files hold only learners with a usable grade: an empty cell would clear a grade the LMS
holds. Everyone else is left out and listed: graded learners missing from the roster, roster
learners with no result, results the grader could not judge, result files that cannot be used.
For Canvas, a result named after a Canvas download (``..._<user id>_<file id>``) that is not in
the roster is matched to the roster learner with that ``lms_id``, so a roster built for one
module serves the next. Every cell is guarded against spreadsheet formulas. docs/lms.md cites
each system's documentation.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._files import read_regular
from ._report import SCHEMA, atomic_write, clean_text
from ._submissions import MAX_LEARNER_NAME

FORMATS = ("canvas", "moodle")
ROSTER_COLUMNS = ("learner", "name", "lms_id", "sis_id", "login", "email", "section")
# Moodle's user fields a grade import can map to, the roster column that holds each, and the
# header Moodle's own exports give that column
MOODLE_IDENTIFIERS = {
    "email": ("email", "Email address"),
    "username": ("login", "Username"),
    "idnumber": ("sis_id", "ID number"),
}
NOT_JUDGED = ("grader_error", "unreadable")  # an empty grade and a line in the summary, never 0
CANVAS_HEADER = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_POSSIBLE = "    Points Possible"  # as Canvas writes it in its own export

MAX_ROSTER_BYTES = 10 * 1024 * 1024
MAX_ROSTER_ROWS = 100_000
MAX_CELL = 256
MAX_RESULT_BYTES = 16 * 1024 * 1024
MAX_RESULT_FILES = 100_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
#: the characters of every name the grader gives a learner (see ``learner_from_name``)
_LEARNER = re.compile(r"[A-Za-z0-9._@+-]+", re.ASCII)
#: a Canvas download's name ends ``[_LATE]_<user id>_<file id>`` (``lib/content_zipper.rb``)
_CANVAS_DOWNLOAD = re.compile(r"_(?:LATE_)?([0-9]+)_[0-9]+$", re.ASCII)


class LmsExportError(ValueError):
    """The export cannot be written: a bad roster, format, identifier or assignment."""


@dataclass(frozen=True)
class RosterEntry:
    """One roster row: the grader's name for a learner and the LMS's identifiers."""

    learner: str
    name: str = ""
    lms_id: str = ""
    sis_id: str = ""
    login: str = ""
    email: str = ""
    section: str = ""


@dataclass(frozen=True)
class Grade:
    """A learner's grade for the module.

    ``points`` is None when the grader did not judge the submission (``status`` says why) or
    when the result file cannot be used (``problem`` says why).
    """

    learner: str
    points: float | None
    status: str
    problem: str = ""


@dataclass
class ExportSummary:
    """What an export wrote, and the learners an instructor must look at."""

    path: Path
    rows: int
    not_in_roster: list[str] = field(default_factory=list)
    no_result: list[str] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)  # "name: why", any result file
    by_canvas_id: dict[str, str] = field(default_factory=dict)  # result name -> roster learner


def guard_cell(value: Any) -> str:
    """``value`` as a CSV cell that no spreadsheet reads as a formula.

    A cell starting with ``= + - @``, a tab or a carriage return (also after leading spaces)
    is prefixed with ``'``.

    Parameters
    ----------
    value : Any
        The cell's content.

    Returns
    -------
    str
    """
    text = "" if value is None else str(value)
    if text[:1] in _FORMULA_START or text.lstrip(" ")[:1] in _FORMULA_START:
        return "'" + text
    return text


# -- the roster ---------------------------------------------------------------------------------


def read_roster(path: Path) -> list[RosterEntry]:
    """Read and check a roster CSV (UTF-8, a header row, the columns of ``ROSTER_COLUMNS``).

    Parameters
    ----------
    path : Path
        The roster file.

    Returns
    -------
    list of RosterEntry
        In the file's order.

    Raises
    ------
    LmsExportError
        For a file that cannot be read, an unknown or missing column, a learner name with
        characters the grader never gives, an overlong cell, too many rows, a duplicate
        learner or identifier.
    """
    reader = csv.reader(io.StringIO(_roster_text(path), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise LmsExportError(f"{path}: empty; the first row must be a header") from None
    except csv.Error as error:
        raise LmsExportError(f"{path}: not a readable CSV file ({error})") from None
    unknown = [h for h in header if h not in ROSTER_COLUMNS]
    if unknown or "learner" not in header or len(set(header)) != len(header):
        raise LmsExportError(
            f"{path}: the header must name distinct columns among {', '.join(ROSTER_COLUMNS)} "
            f"and include learner (found: {', '.join(header) or 'nothing'})"
        )
    entries = _entries(path, header, reader)
    _refuse_duplicates(entries)
    return entries


def _roster_text(path: Path) -> str:
    try:  # the instructor's file, perhaps a symlink; never a FIFO or a device
        data = read_regular(os.path.realpath(path), MAX_ROSTER_BYTES)
    except OSError as error:
        if "larger than" in str(error):
            raise LmsExportError(f"{path}: larger than {MAX_ROSTER_BYTES // 2**20} MB") from None
        raise LmsExportError(f"{path}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LmsExportError(f"{path}: not UTF-8 text (save the roster as CSV UTF-8)") from None


def _entries(path: Path, header: list[str], reader) -> list[RosterEntry]:
    """The roster's rows as entries, counted as they are read: blank lines cost nothing."""
    entries: list[RosterEntry] = []
    try:
        for number, row in enumerate(reader, start=2):
            entry = _entry(header, row, number)
            if entry is None:
                continue
            if len(entries) == MAX_ROSTER_ROWS:
                raise LmsExportError(f"{path}: more than {MAX_ROSTER_ROWS} learners")
            entries.append(entry)
    except csv.Error as error:
        raise LmsExportError(f"{path}: not a readable CSV file ({error})") from None
    return entries


def _entry(header: list[str], row: list[str], number: int) -> RosterEntry | None:
    """One roster row as an entry; None for a blank line."""
    if not any(cell.strip() for cell in row):
        return None
    if len(row) > len(header):
        raise LmsExportError(f"roster row {number}: more cells than the header has columns")
    values = {}
    for column, cell in zip(header, row, strict=False):  # a short row leaves the rest empty
        text = clean_text(cell).strip()
        if len(text) > MAX_CELL:
            raise LmsExportError(f"roster row {number}: {column} is longer than {MAX_CELL}")
        values[column] = text
    learner = values.get("learner", "")
    _check_learner(learner, number)
    return RosterEntry(**values)


def _check_learner(learner: str, number: int) -> None:
    """Refuse a learner that cannot be a result's name: its characters, not a re-derivation."""
    from ._submissions import learner_from_name

    if not learner:
        raise LmsExportError(f"roster row {number}: no learner")
    if len(learner) > MAX_LEARNER_NAME or not _LEARNER.fullmatch(learner):
        raise LmsExportError(
            f"roster row {number}: {learner!r} is not a name the grader gives (letters, digits "
            f"and ._@+- only, at most {MAX_LEARNER_NAME} characters; the grader would name it "
            f"{learner_from_name(learner)!r}): copy the names in OUT/results/NN/"
        )


def _refuse_duplicates(entries: list[RosterEntry]) -> None:
    for column in ("learner", "lms_id", "sis_id", "login", "email"):
        seen: set[object] = set()
        for entry in entries:
            value = getattr(entry, column)
            key: object = value
            if column == "email":
                key = value.casefold()
            elif column == "lms_id" and _DIGITS.fullmatch(value):
                key = int(value)  # 0101 is user 101
            if value and key in seen:
                raise LmsExportError(f"the roster has {column} {value!r} twice")
            seen.add(key)


# -- the grades ---------------------------------------------------------------------------------


def read_grades(out: Path, module: str, max_points: float | None = None) -> dict[str, Grade]:
    """Every grade in ``OUT/results/NN/``, by the name of its file (``<learner>.json``).

    The files are hostile input: only regular files of at most ``MAX_RESULT_BYTES`` are read
    (never a symlink, FIFO or device). A file gives a grade when it is a result of this module
    whose ``learner`` is its own name and whose ``points`` are a number from 0 to the module's
    maximum; a result with the status ``grader_error`` or ``unreadable`` gives points None;
    any other file gives points None and a ``problem``.

    Parameters
    ----------
    out : Path
        The grader's output folder (``mlcourse grade --out``).
    module : str
        The module number, ``NN``.
    max_points : float, optional
        The module's maximum (default: the course's, ``get_module(NN).max_points``).

    Returns
    -------
    dict of str to Grade
        By result file name without ``.json``.

    Raises
    ------
    LmsExportError
        When the folder cannot be listed or holds more than ``MAX_RESULT_FILES`` results.
    """
    if max_points is None:
        from ..exercises import get_module

        max_points = get_module(module).max_points
    folder = out / "results" / module
    grades: dict[str, Grade] = {}
    for name in _result_names(folder):
        learner = name.removesuffix(".json")
        grades[learner] = _grade_from_file(folder / name, learner, module, max_points)
    return grades


def _result_names(folder: Path) -> list[str]:
    names: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and not entry.name.startswith("."):
                    if len(names) == MAX_RESULT_FILES:
                        raise LmsExportError(f"{folder}: more than {MAX_RESULT_FILES} results")
                    names.append(entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as error:
        raise LmsExportError(f"{folder}: {error.strerror or error}") from None
    return sorted(names)


def _grade_from_file(path: Path, learner: str, module: str, max_points: float) -> Grade:
    try:
        data = json.loads(read_regular(path, MAX_RESULT_BYTES))
    except OSError as error:
        why = "too large" if "larger than" in str(error) else "not a readable regular file"
        return Grade(learner, None, "unusable", why)
    except (ValueError, RecursionError):
        return Grade(learner, None, "unusable", "not JSON")
    if type(data) is not dict or data.get("schema") != SCHEMA:
        return Grade(learner, None, "unusable", "not a result of mlcourse grade")
    if data.get("learner") != learner:
        return Grade(learner, None, "unusable", "its learner is not its file name")
    if data.get("module") != module:
        return Grade(learner, None, "unusable", f"not a result of module {module}")
    status = data.get("status")
    if type(status) is not str:
        return Grade(learner, None, "unusable", "no status")
    if status in NOT_JUDGED:
        return Grade(learner, None, status)
    points = data.get("points")
    if not _is_points(points, max_points):
        return Grade(learner, None, "unusable", f"points not a number from 0 to {max_points:g}")
    return Grade(learner, float(points), status)


def _is_points(value: Any, max_points: float) -> bool:
    """A real number (not a bool, not a string) from 0 to the maximum."""
    if type(value) not in (int, float) or (type(value) is float and math.isnan(value)):
        return False
    return 0 <= value <= max_points * (1 + 1e-9)  # exact for any int; the total sums floats


def match_grades(
    roster: list[RosterEntry], grades: dict[str, Grade], fmt: str
) -> tuple[dict[str, Grade], dict[str, str]]:
    """Each roster learner's grade, by learner name or, for Canvas, by Canvas user id.

    Canvas names downloaded files ``<name>[_LATE]_<user id>_<file id>_<file>``; the file id
    changes with every submission, so a roster built from one module's results names learners
    the next module's results do not. A result whose name is not in the roster, ends with
    ``_<user id>_<file id>`` and is the only such result for a roster ``lms_id``, is that roster
    learner's grade (when the roster learner has no result of their own).

    Parameters
    ----------
    roster : list of RosterEntry
        The checked roster.
    grades : dict of str to Grade
        From :func:`read_grades`.
    fmt : str
        ``canvas`` or ``moodle`` (Moodle's participant ids are per assignment: no match by id).

    Returns
    -------
    tuple of (dict of str to Grade, dict of str to str)
        The grades by roster learner, and the results matched by Canvas user id (result name
        to roster learner).
    """
    matched = {e.learner: grades[e.learner] for e in roster if e.learner in grades}
    by_id: dict[str, str] = {}
    if fmt != "canvas":
        return matched, by_id
    on_roster = {e.learner for e in roster}
    candidates: dict[int, list[str]] = {}
    for name in grades:
        found = _CANVAS_DOWNLOAD.search(name)
        if found and name not in on_roster:
            candidates.setdefault(int(found.group(1)), []).append(name)
    for entry in roster:
        if entry.learner in matched or not _DIGITS.fullmatch(entry.lms_id):
            continue
        names = candidates.get(int(entry.lms_id), [])
        if len(names) == 1:  # several: which is the grade is not ours to guess
            matched[entry.learner] = grades[names[0]]
            by_id[names[0]] = entry.learner
    return matched, by_id


# -- the files ----------------------------------------------------------------------------------


def _csv_text(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
    return buffer.getvalue()


def _number(value: float) -> str:
    """Points as Canvas exports them: two decimals."""
    return f"{value:.2f}"


def _usable(grade: Grade | None) -> bool:
    return grade is not None and grade.points is not None


def _canvas_id(lms_id: str) -> str:
    """A Canvas user id without leading zeros (``0101`` is user 101)."""
    return str(int(lms_id)) if _DIGITS.fullmatch(lms_id) else lms_id


def canvas_csv(
    roster: list[RosterEntry],
    grades: dict[str, Grade],
    assignment: str,
    points_possible: float,
    assignment_id: str | None = None,
) -> str:
    """Canvas's gradebook CSV for one assignment, a row per roster learner with a grade.

    Learners without a grade get no row: Canvas leaves students who are not in the file as
    they are, while an empty cell would remove a score Canvas holds.

    Parameters
    ----------
    roster : list of RosterEntry
        The learners, in the order of the rows.
    grades : dict of str to Grade
        By roster learner (from :func:`read_grades` or :func:`match_grades`).
    assignment : str
        The assignment's name in Canvas (a new column by that name creates the assignment).
    points_possible : float
        The module's maximum, written in the ``Points Possible`` row.
    assignment_id : str, optional
        The Canvas assignment id: the column is then ``Name (id)``, matched by id.

    Returns
    -------
    str
    """
    title = f"{assignment} ({assignment_id})" if assignment_id else assignment
    rows: list[list[Any]] = [[*CANVAS_HEADER, title]]
    rows.append([CANVAS_POINTS_POSSIBLE, "", "", "", "", _number(points_possible)])
    for entry in roster:
        grade = grades.get(entry.learner)
        if _usable(grade):
            student = entry.name or entry.learner
            rows.append(
                [
                    student,
                    _canvas_id(entry.lms_id),
                    entry.sis_id,
                    entry.login,
                    entry.section,
                    _number(grade.points),
                ]
            )
    return _csv_text(rows)


def moodle_csv(
    roster: list[RosterEntry], grades: dict[str, Grade], assignment: str, identifier: str
) -> str:
    """The CSV for Moodle's grade import: an identifier column and a grade column.

    Only learners with a judged grade get a row: Moodle imports an empty cell as "no grade",
    which would clear the grade it holds.

    Parameters
    ----------
    roster : list of RosterEntry
        The learners, in the order of the rows.
    grades : dict of str to Grade
        By roster learner (from :func:`read_grades` or :func:`match_grades`).
    assignment : str
        The grade column's header (mapped on Moodle's import page to a grade item, or to a new
        one by this name).
    identifier : str
        ``email``, ``username`` or ``idnumber``: the Moodle user field the rows are matched on.

    Returns
    -------
    str
    """
    column, label = MOODLE_IDENTIFIERS[identifier]
    rows: list[list[Any]] = [[label, assignment]]
    for entry in roster:
        grade = grades.get(entry.learner)
        if _usable(grade):
            rows.append([getattr(entry, column), f"{round(grade.points, 2):g}"])
    return _csv_text(rows)


def _check_roster_for(fmt: str, roster: list[RosterEntry], identifier: str) -> None:
    """Refuse a roster that cannot identify every learner in the chosen LMS."""
    for entry in roster:
        if fmt == "canvas":
            if entry.lms_id and not _DIGITS.fullmatch(entry.lms_id):
                raise LmsExportError(
                    f"roster learner {entry.learner}: lms_id {entry.lms_id!r} is not a Canvas "
                    "user id (a number)"
                )
            if not (entry.lms_id or entry.sis_id or entry.login):
                raise LmsExportError(
                    f"roster learner {entry.learner}: no lms_id, sis_id or login, so Canvas "
                    "could only guess the student from the name"
                )
        else:
            column = MOODLE_IDENTIFIERS[identifier][0]
            if not getattr(entry, column):
                raise LmsExportError(
                    f"roster learner {entry.learner}: no {column}, the column Moodle matches "
                    f"on with --identifier {identifier}"
                )


def export_gradebook(
    out: Path,
    module: str,
    fmt: str,
    roster_path: Path,
    *,
    assignment: str | None = None,
    assignment_id: str | None = None,
    identifier: str = "email",
) -> ExportSummary:
    """Write ``OUT/gradebook_NN_<format>.csv`` for Canvas or Moodle from a module's results.

    Parameters
    ----------
    out : Path
        The grader's output folder.
    module : str
        The module number, ``NN``.
    fmt : str
        ``canvas`` or ``moodle``.
    roster_path : Path
        The roster CSV (see :func:`read_roster`).
    assignment : str, optional
        The assignment's (grade item's) name in the LMS (default ``Module NN``).
    assignment_id : str, optional
        Canvas only: the assignment's id in Canvas.
    identifier : str
        Moodle only: ``email``, ``username`` or ``idnumber``.

    Returns
    -------
    ExportSummary

    Raises
    ------
    LmsExportError
        For a bad roster, format, identifier or assignment; nothing is written then.
    """
    from ..exercises import get_module

    assignment = _check_options(fmt, module, assignment, assignment_id, identifier)
    roster = read_roster(roster_path)
    _check_roster_for(fmt, roster, identifier)
    points_possible = get_module(module).max_points
    grades = read_grades(out, module, points_possible)
    matched, by_id = match_grades(roster, grades, fmt)
    if fmt == "canvas":
        text = canvas_csv(roster, matched, assignment, points_possible, assignment_id)
    else:
        text = moodle_csv(roster, matched, assignment, identifier)
    path = out / f"gradebook_{module}_{fmt}.csv"
    atomic_write(path, text)
    return _summary(path, roster, grades, matched, by_id)


def _check_options(fmt, module, assignment, assignment_id, identifier) -> str:
    if fmt not in FORMATS:
        raise LmsExportError(f"unknown format {fmt!r}: canvas or moodle")
    if identifier not in MOODLE_IDENTIFIERS:
        raise LmsExportError(f"unknown identifier {identifier!r}: email, username or idnumber")
    if assignment_id is not None and (fmt != "canvas" or not _DIGITS.fullmatch(assignment_id)):
        raise LmsExportError("--assignment-id is a Canvas assignment's number (canvas only)")
    name = clean_text(assignment if assignment is not None else f"Module {module}").strip()
    if not name or len(name) > MAX_CELL or "\n" in name or "\r" in name:
        raise LmsExportError("--assignment needs a name on one line, at most 256 characters")
    if fmt == "canvas" and assignment_id is None and re.search(r"\(\d+\)$", name):
        raise LmsExportError(
            f"{name!r} ends with a number in brackets, which Canvas reads as an assignment id: "
            "pass --assignment-id, or rename"
        )
    return name


def _summary(path: Path, roster, grades, matched, by_id) -> ExportSummary:
    on_roster = {e.learner for e in roster}
    used = on_roster | set(by_id)
    return ExportSummary(
        path=path,
        rows=sum(1 for e in roster if _usable(matched.get(e.learner))),
        not_in_roster=sorted(n for n, g in grades.items() if n not in used and not g.problem),
        no_result=[e.learner for e in roster if e.learner not in matched],
        not_judged=[
            e.learner
            for e in roster
            if e.learner in matched
            and matched[e.learner].points is None
            and not matched[e.learner].problem
        ],
        unusable=[f"{_shown(n)}: {g.problem}" for n, g in sorted(grades.items()) if g.problem],
        by_canvas_id=dict(sorted(by_id.items())),
    )


def _shown(name: str) -> str:
    """A name as printed: a learner name as it is, anything else escaped on one line."""
    return name if _LEARNER.fullmatch(name) else ascii(name)


# -- the command line ---------------------------------------------------------------------------


def _cmd_gradebook(args) -> int:
    from ..cli import UsageError, _module

    module = _module(args.module)
    out = Path(args.out)
    if not (out / "results" / module).is_dir():
        raise UsageError(f"no results for module {module} under {out}: run `mlcourse grade` first")
    try:
        summary = export_gradebook(
            out,
            module,
            args.format,
            Path(args.roster),
            assignment=args.assignment,
            assignment_id=args.assignment_id,
            identifier=args.identifier,
        )
    except LmsExportError as error:
        raise UsageError(" ".join(str(error).split())) from None
    for line in summary_lines(summary, args.format):
        print(line)
    return 0


def summary_lines(summary: ExportSummary, fmt: str) -> list[str]:
    """What an export wrote, and who was left out or left without a grade, as printed lines.

    Parameters
    ----------
    summary : ExportSummary
        From :func:`export_gradebook`.
    fmt : str
        ``canvas`` or ``moodle``.

    Returns
    -------
    list of str
    """
    lines = [f"wrote {summary.path} ({summary.rows} learner rows, {fmt})"]
    if summary.by_canvas_id:
        pairs = [f"{_shown(n)} as {learner}" for n, learner in summary.by_canvas_id.items()]
        lines.append(f"{len(pairs)} matched to the roster by Canvas user id: {', '.join(pairs)}")
    groups = (
        ([_shown(n) for n in summary.not_in_roster], "graded but not in the roster"),
        (summary.no_result, "in the roster with no result"),
        (summary.not_judged, "not judged by the grader: grader_error or unreadable"),
    )
    for names, what in groups:
        if names:
            lines.append(f"{len(names)} {what} (left out): {', '.join(names)}")
    if summary.unusable:
        lines.append(
            f"{len(summary.unusable)} result files not used (left out): "
            + "; ".join(summary.unusable)
        )
    return lines


def add_gradebook_parser(sub) -> None:
    """Add ``mlcourse gradebook`` to the command line's subparsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        ``mlcourse``'s subparsers.
    """
    parser = sub.add_parser(
        "gradebook",
        help="export a module's grades for Canvas or Moodle",
        description="Write OUT/gradebook_NN_FORMAT.csv from the results `mlcourse grade` wrote, "
        "for Canvas's gradebook import or Moodle's CSV grade import, with the learners' LMS "
        "identifiers from a roster CSV (columns learner,name,lms_id,sis_id,login,email,section; "
        "see docs/lms.md).",
    )
    parser.add_argument("module", metavar="NN", help="the graded module")
    parser.add_argument(
        "--out", default="grades", help="the grader's output folder (default ./grades)"
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="the LMS to import into")
    parser.add_argument("--roster", required=True, metavar="ROSTER.csv", help="learner to LMS ids")
    parser.add_argument(
        "--assignment", help='the assignment (grade item) name in the LMS (default "Module NN")'
    )
    parser.add_argument(
        "--assignment-id", metavar="N", help="canvas: the assignment's id, to match it by id"
    )
    parser.add_argument(
        "--identifier",
        default="email",
        choices=tuple(MOODLE_IDENTIFIERS),
        help="moodle: the user field rows are matched on (default email)",
    )
    parser.set_defaults(func=_cmd_gradebook)
