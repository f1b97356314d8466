"""``mlcourse gradebook``: a module's grades as a file that Canvas or Moodle imports.

The grader names each learner after their submission (a file, a folder, an entry of an LMS
zip); an LMS knows its students by its own identifiers. A roster CSV maps one to the other:

``learner,name,lms_id,sis_id,login,email,section``

``learner`` (required) is the name the grader gave (``OUT/results/NN/<learner>.json``), the
others are what the LMS holds. The grades are read from ``OUT/results/NN/*.json`` with the
grader's own reader, and written as:

- **canvas**: Canvas's gradebook CSV (``Student, ID, SIS User ID, SIS Login ID, Section``, one
  assignment column, a ``Points Possible`` row), the layout Canvas exports and imports;
- **moodle**: a CSV for Moodle's "Import grades: CSV file", one identifier column (email,
  username or ID number, mapped on Moodle's import page) and one grade column.

Learners graded but missing from the roster are left out and listed; roster learners with no
result, and results the grader could not judge, get an empty Canvas cell or are left out of the
Moodle file (an empty Moodle cell would clear the grade there), and are listed. Every cell is
guarded against spreadsheet formulas. docs/lms.md cites each system's documentation.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._report import atomic_write, clean_text, load_results

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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = re.compile(r"\d+")


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
    """A learner's grade for the module; ``points`` is None when it was not judged."""

    learner: str
    points: float | None
    status: str


@dataclass
class ExportSummary:
    """What an export wrote, and the learners an instructor must look at."""

    path: Path
    rows: int
    not_in_roster: list[str] = field(default_factory=list)
    no_result: list[str] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)


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
        For a file that cannot be read, an unknown or missing column, a learner name the
        grader would never give, an overlong cell, a duplicate learner or identifier.
    """
    rows = _roster_rows(path)
    header = [h.strip().lower() for h in rows[0]]
    unknown = [h for h in header if h not in ROSTER_COLUMNS]
    if unknown or "learner" not in header or len(set(header)) != len(header):
        raise LmsExportError(
            f"{path}: the header must name distinct columns among {', '.join(ROSTER_COLUMNS)} "
            f"and include learner (found: {', '.join(header) or 'nothing'})"
        )
    entries = [_entry(header, row, number) for number, row in enumerate(rows[1:], start=2)]
    entries = [e for e in entries if e is not None]
    _refuse_duplicates(entries)
    return entries


def _roster_rows(path: Path) -> list[list[str]]:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ROSTER_BYTES + 1)
    except OSError as error:
        raise LmsExportError(f"{path}: {error.strerror or error}") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise LmsExportError(f"{path}: larger than {MAX_ROSTER_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LmsExportError(f"{path}: not UTF-8 text (save the roster as CSV UTF-8)") from None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise LmsExportError(f"{path}: not a readable CSV file ({error})") from None
    if not rows:
        raise LmsExportError(f"{path}: empty; the first row must be a header")
    if len(rows) > MAX_ROSTER_ROWS + 1:
        raise LmsExportError(f"{path}: more than {MAX_ROSTER_ROWS} learners")
    return rows


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
    from ._submissions import learner_from_name

    if not learner:
        raise LmsExportError(f"roster row {number}: no learner")
    if learner_from_name(learner) != learner:
        raise LmsExportError(
            f"roster row {number}: {learner!r} is not a name the grader gives "
            f"(it would be {learner_from_name(learner)!r}; see OUT/results/NN/)"
        )


def _refuse_duplicates(entries: list[RosterEntry]) -> None:
    for column in ("learner", "lms_id", "sis_id", "login", "email"):
        seen: set[str] = set()
        for entry in entries:
            value = getattr(entry, column)
            key = value.casefold() if column == "email" else value
            if key and key in seen:
                raise LmsExportError(f"the roster has {column} {value!r} twice")
            seen.add(key)


# -- the grades ---------------------------------------------------------------------------------


def read_grades(out: Path, module: str) -> dict[str, Grade]:
    """Every learner's grade in ``OUT/results/NN/``, read as the grader reads its results.

    A result with the status ``grader_error`` or ``unreadable``, with points that are not a
    finite number, or a result file the grader's reader cannot load, gives a grade of None.

    Parameters
    ----------
    out : Path
        The grader's output folder (``mlcourse grade --out``).
    module : str
        The module number, ``NN``.

    Returns
    -------
    dict of str to Grade
        By learner.
    """
    grades: dict[str, Grade] = {}
    for result in load_results(out, module):
        learner = clean_text(str(result.get("learner", "")))
        if learner:
            grades[learner] = Grade(learner, _points(result), str(result.get("status", "")))
    folder = out / "results" / module
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        grades.setdefault(path.stem, Grade(path.stem, None, "unreadable result file"))
    return grades


def _points(result: dict[str, Any]) -> float | None:
    if result.get("status") in NOT_JUDGED:
        return None
    try:
        points = float(result["points"])
    except (KeyError, TypeError, ValueError):
        return None
    return points if math.isfinite(points) and points >= 0 else None


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


def canvas_csv(
    roster: list[RosterEntry],
    grades: dict[str, Grade],
    assignment: str,
    points_possible: float,
    assignment_id: str | None = None,
) -> str:
    """Canvas's gradebook CSV for one assignment, a row per roster learner.

    Parameters
    ----------
    roster : list of RosterEntry
        The learners, in the order of the rows.
    grades : dict of str to Grade
        From :func:`read_grades`; a learner without a judged grade gets an empty cell.
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
        points = "" if grade is None or grade.points is None else _number(grade.points)
        student = entry.name or entry.learner
        rows.append([student, entry.lms_id, entry.sis_id, entry.login, entry.section, points])
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
        From :func:`read_grades`.
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
        if grade is not None and grade.points is not None:
            rows.append([getattr(entry, column), f"{grade.points:g}"])
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
    grades = read_grades(out, module)
    if fmt == "canvas":
        points_possible = get_module(module).max_points
        text = canvas_csv(roster, grades, assignment, points_possible, assignment_id)
    else:
        text = moodle_csv(roster, grades, assignment, identifier)
    path = out / f"gradebook_{module}_{fmt}.csv"
    atomic_write(path, text)
    return _summary(path, fmt, roster, grades)


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


def _summary(path: Path, fmt: str, roster, grades) -> ExportSummary:
    on_roster = {e.learner for e in roster}
    no_result = [e.learner for e in roster if e.learner not in grades]
    not_judged = [
        e.learner for e in roster if e.learner in grades and grades[e.learner].points is None
    ]
    rows = len(roster) if fmt == "canvas" else len(roster) - len(no_result) - len(not_judged)
    return ExportSummary(
        path=path,
        rows=rows,
        not_in_roster=sorted(set(grades) - on_roster),
        no_result=no_result,
        not_judged=not_judged,
    )


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
    empty = "an empty grade" if fmt == "canvas" else "left out"
    lines = [f"wrote {summary.path} ({summary.rows} learner rows, {fmt})"]
    groups = (
        (summary.not_in_roster, "graded but not in the roster (left out)"),
        (summary.no_result, f"in the roster with no result ({empty})"),
        (summary.not_judged, f"not judged by the grader: grader_error or unreadable ({empty})"),
    )
    for names, what in groups:
        if names:
            lines.append(f"{len(names)} {what}: {', '.join(names)}")
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
