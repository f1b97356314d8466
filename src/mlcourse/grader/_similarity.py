"""``mlcourse similarity``: the most similar pairs of learners' answers, for an instructor to read.

Each learner's answer cells (the cells written in for an exercise) are fingerprinted with
copydetect's winnowing (its tokenizer first replaces names by ``V``/``F``/``O`` and strings by
``S`` and drops comments and whitespace). The course's own code, the released exercises
notebook (starter code, setup, checks) and the lesson, is copydetect boilerplate: its
fingerprints are removed from every answer, so untouched notebooks have nothing to compare.
Learners are compared exercise by exercise; a pair's overall score adds their exercises up.
The numbers are a prompt for a human look, never evidence by themselves.
"""

from __future__ import annotations

import bisect
import csv
import html
import io
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import numpy as np

from ._report import atomic_write, clean_text

#: copydetect's noise threshold: the shortest run of normalised code that counts as a match
NOISE_THRESHOLD = 25
#: copydetect's guarantee threshold: every shared run this long is found (window = 1)
GUARANTEE_THRESHOLD = 25
WINDOW = GUARANTEE_THRESHOLD - NOISE_THRESHOLD + 1
#: answers with fewer normalised characters outside the course's code are not compared
MIN_ANSWER_LENGTH = 40
#: one exercise's answer is cut here (characters of source), a whole learner's here
MAX_ANSWER_CHARS = 20_000
MAX_LEARNER_CHARS = 400_000
#: the reading of one notebook: memory beyond the reader's start, and seconds
READ_MEMORY_MB = 1024
READ_SECONDS = 60
#: notebooks parsed by one limited process: at most this many, and this many bytes
BATCH_FILES = 25
BATCH_BYTES = 4 * 1024 * 1024
DEFAULT_TOP = 50
DEFAULT_MIN_SIMILARITY = 0.3
LANGUAGE = "python"

Progress = Callable[[str, int, int], None]


class SimilarityError(ValueError):
    """The comparison cannot run: no released notebook, no submissions, bad options."""


@dataclass(frozen=True)
class Layout:
    """What the released notebook says about its cells, as plain data.

    ``problems`` are the exercise ids in notebook order, ``checks`` maps a check's attribute
    (``q3``) to its exercise id, ``template`` holds every released code cell's source.
    """

    problems: tuple[str, ...]
    checks: dict[str, str]
    template: tuple[str, ...]


@dataclass
class Learner:
    """One learner's answers, by exercise id, and the exercises whose answer was cut."""

    name: str
    answers: dict[str, str]
    cut: list[str] = field(default_factory=list)


@dataclass
class Match:
    """Two answers to one exercise, compared as copydetect does.

    ``similarity_a`` is the share of A's fingerprinted answer found in B's (and the other way
    round for ``similarity_b``); ``lines_a`` and ``lines_b`` are the matching line numbers.
    """

    similarity_a: float
    similarity_b: float
    lines_a: set[int]
    lines_b: set[int]


@dataclass
class Pair:
    """Two learners, their matches per exercise, and their overall scores."""

    a: str
    b: str
    matches: dict[str, Match]
    overall_a: float
    overall_b: float

    @property
    def score(self) -> float:
        """The ranking score: the larger of the two overall similarities."""
        return max(self.overall_a, self.overall_b)


@dataclass
class SimilarityReport:
    """What a comparison found, and what it could not compare."""

    module: str
    problems: tuple[str, ...]
    learners: list[Learner]
    skipped: list[tuple[str, str]]
    too_short: dict[str, list[str]]
    pairs: list[Pair]
    compared: int
    seconds: float = 0.0
    html_path: Path | None = None
    csv_path: Path | None = None


# -- the released notebook ----------------------------------------------------------------------


def load_layout(module: str, root: Path | None = None) -> Layout:
    """Read the released exercises notebook (and the lesson) of ``module``.

    Parameters
    ----------
    module : str
        Two-digit module number.
    root : Path, optional
        The course folder (default: the installed course).

    Returns
    -------
    Layout

    Raises
    ------
    SimilarityError
        When the module has no released exercises notebook or no exercise.
    """
    import nbformat

    from .._paths import module_notebook
    from ._batch import GradeError, release_notebook

    try:
        release = release_notebook(module, root)
    except GradeError as error:
        raise SimilarityError(str(error)) from None
    problems: list[str] = []
    checks: dict[str, str] = {}
    template = [c.source for c in release.cells if c.cell_type == "code"]
    for cell in release.cells:
        role = cell.get("metadata", {}).get("mlcourse", {})
        problem = role.get("problem")
        if role.get("role") == "answer" and problem not in problems:
            problems.append(problem)
        if role.get("role") == "check" and (attribute := _check_attribute(cell.source)):
            checks[attribute] = problem
    if not problems:
        raise SimilarityError(f"the released notebook of module {module} has no answer cells")
    lesson = module_notebook("curriculum", module, root)
    if lesson is not None:
        lesson_nb = nbformat.read(str(lesson), as_version=4)
        template += [c.source for c in lesson_nb.cells if c.cell_type == "code"]
    return Layout(tuple(problems), checks, tuple(template))


def _check_attribute(source: str) -> str | None:
    from ..build import check_target

    return check_target(source)


# -- reading a learner's answers (in a limited process: the notebook is the learner's) ---------


def extract_answers(data: bytes, layout: dict) -> dict:
    """Every answer of a submitted notebook, by exercise id.

    A cell recorded as an exercise's answer belongs to it; a cell of the learner's own (no
    role, or lesson code that was changed) belongs to the exercise of the next check cell;
    released code left as it is belongs to no one. Each answer is cut at
    ``MAX_ANSWER_CHARS`` characters, a learner's answers at ``MAX_LEARNER_CHARS``.

    Parameters
    ----------
    data : bytes
        The submitted file.
    layout : dict
        :class:`Layout`'s fields as plain data.

    Returns
    -------
    dict
        ``{"answers": {id: source}, "cut": [ids]}``, or ``{"unreadable": reason}``.
    """
    from ._prepare import Unreadable, _role, _source, read_submission

    try:
        nb = read_submission(data)
    except Unreadable as error:
        return {"unreadable": str(error)}
    problems, template = set(layout["problems"]), {s.strip() for s in layout["template"]}
    parts: dict[str, list[str]] = {}
    pending: list[str] = []
    for cell in nb.cells:
        role, problem = _role(cell)
        source = _source(cell)
        attribute = _check_attribute(source)
        if role == "check" or attribute is not None:
            target = problem if problem in problems else layout["checks"].get(attribute)
            if target is not None:
                parts.setdefault(target, []).extend(pending)
            pending = []
        elif role == "answer" and problem in problems:
            parts.setdefault(problem, []).append(source)
        elif role != "setup" and source.strip() and source.strip() not in template:
            pending.append(source)
    return _capped(parts)


def _capped(parts: dict[str, list[str]]) -> dict:
    """Each exercise's cells joined, cut at the answer and learner caps."""
    answers, cut, total = {}, [], 0
    for problem, sources in parts.items():
        text = "\n\n".join(sources)
        room = max(0, min(MAX_ANSWER_CHARS, MAX_LEARNER_CHARS - total))
        if len(text) > room:
            text = text[:room]
            cut.append(problem)
        total += len(text)
        answers[problem] = text
    return {"answers": answers, "cut": cut}


def extract_many(datas: list[bytes], layout: dict) -> list[dict]:
    """:func:`extract_answers` of several submitted files, in order."""
    return [extract_answers(data, layout) for data in datas]


def read_learners(
    paths: list[Path], module: str, layout: Layout, progress: Progress | None = None
) -> tuple[list[Learner], list[tuple[str, str]]]:
    """Find the submissions as ``mlcourse grade`` does and read every learner's answers.

    The notebooks are parsed in a limited process (:func:`~._isolate.run_limited`), small ones
    a batch at a time; when a batch fails, each of its notebooks is read again on its own, so
    that only the one at fault is skipped.

    Parameters
    ----------
    paths : list of Path
        Notebooks, folders and zips.
    module : str
        The module compared.
    layout : Layout
        From :func:`load_layout`.
    progress : callable, optional
        Called as ``progress(what, done, total)``.

    Returns
    -------
    (learners, skipped)
        The learners read, and ``(learner, reason)`` for each submission that was not.
    """
    from ._submissions import discover

    submissions = discover(paths, module)
    if not submissions:
        raise SimilarityError("no submissions found in the given paths")
    plain = {"problems": list(layout.problems), "checks": layout.checks}
    plain["template"] = list(layout.template)
    learners, skipped = [], []
    for batch in _batches(submissions, skipped):
        for (learner, _), found in zip(batch, _read_batch(batch, plain), strict=True):
            if "unreadable" in found:
                skipped.append((learner, clean_text(found["unreadable"])))
            else:
                learners.append(Learner(learner, found["answers"], found["cut"]))
        if progress:
            progress("reading", len(learners) + len(skipped), len(submissions))
    order = {s.learner: i for i, s in enumerate(submissions)}
    learners.sort(key=lambda x: order[x.name])
    skipped.sort(key=lambda x: order[x[0]])
    return learners, skipped


def _batches(submissions, skipped: list) -> Iterable[list[tuple[str, bytes]]]:
    """``(learner, bytes)`` batches of at most ``BATCH_FILES`` files and ``BATCH_BYTES`` bytes.

    A submission without a notebook, or whose bytes cannot be read for any reason, goes to
    ``skipped`` with the reason; the others are still compared.
    """
    batch: list[tuple[str, bytes]] = []
    size = 0
    for submission in submissions:
        try:
            data = submission.data if submission.problem is None else None
        except Exception as error:  # noqa: BLE001 - a corrupt zip member (bad CRC, zlib, EOF...)
            submission.problem = f"could not be read ({type(error).__name__})"
            data = None
        if data is None:
            skipped.append((submission.learner, clean_text(submission.problem or "no notebook")))
            continue
        if batch and (len(batch) >= BATCH_FILES or size + len(data) > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((submission.learner, data))
        size += len(data)
    if batch:
        yield batch


def _read_batch(batch: list[tuple[str, bytes]], plain: dict) -> list[dict]:
    """Every notebook of the batch read in one limited process, one by one if that fails."""
    from ._isolate import IsolatedFailure, run_limited

    def limited(datas: list[bytes]) -> list[dict]:
        found, _ = run_limited(
            extract_many,
            datas,
            plain,
            memory_mb=READ_MEMORY_MB,
            timeout=READ_SECONDS,
            preload=["mlcourse.grader._prepare", "mlcourse.grader._similarity"],
        )
        return found

    try:
        return limited([data for _, data in batch])
    except (IsolatedFailure, ValueError):
        if len(batch) == 1:
            return [{"unreadable": "could not be read within the reader's memory and time limits"}]
    return [_read_batch([item], plain)[0] for item in batch]


# -- fingerprints and comparison ----------------------------------------------------------------


def normalise(text: str) -> str:
    """Text as the tokenizer sees it: visible characters only, ``\\n`` line ends, no blank ends.

    Pygments turns ``\\r\\n`` into ``\\n`` and drops leading and trailing newlines; doing it
    first keeps copydetect's match positions on the text shown in the report.
    """
    text = clean_text(text)
    lines = [line.rstrip() for line in re.split(r"\r\n|\r|\n", text)]
    return "\n".join(lines).strip("\n")


def boilerplate_hashes(template: Iterable[str]) -> np.ndarray:
    """Every k-gram fingerprint of the course's code, as copydetect builds its boilerplate."""
    from copydetect import CodeFingerprint

    hashes: set[int] = set()
    for source in template:
        print_ = CodeFingerprint(
            "template.py", NOISE_THRESHOLD, 1, language=LANGUAGE, fp=io.StringIO(normalise(source))
        )
        hashes |= print_.hashes
    return np.unique(np.array(sorted(hashes), dtype=np.int64))


def fingerprint(text: str, boilerplate: np.ndarray):
    """copydetect's fingerprint of one answer, the course's code removed."""
    from copydetect import CodeFingerprint

    return CodeFingerprint(
        "answer.py",
        NOISE_THRESHOLD,
        WINDOW,
        boilerplate=boilerplate,
        language=LANGUAGE,
        fp=io.StringIO(text),
    )


def _lines(text: str, slices: np.ndarray) -> set[int]:
    """The (0-based) lines of ``text`` that a copied slice touches."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    found: set[int] = set()
    if len(slices) == 0 or slices.size == 0:
        return found
    for start, end in zip(slices[0], slices[1], strict=False):
        start, end = _trimmed(text, max(0, int(start)), min(len(text), int(end)))
        if start >= end:
            continue
        first = bisect.bisect_right(starts, start) - 1
        last = bisect.bisect_right(starts, end - 1) - 1
        found.update(range(first, max(first, last) + 1))
    return found


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """A copied slice without the whitespace around it.

    copydetect ends a slice where the next token starts, so the slice holds the newline and
    indentation before a line that is not shared: that line must not be marked.
    """
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def compare(
    learners: list[Learner],
    layout: Layout,
    progress: Progress | None = None,
) -> tuple[list[Pair], dict[str, list[str]], int]:
    """Compare every pair of learners, exercise by exercise.

    Only pairs that share a fingerprint on an exercise are compared there (an inverted index);
    an answer shorter than ``MIN_ANSWER_LENGTH`` normalised characters outside the course's
    code is not compared at all.

    Returns
    -------
    (pairs, too_short, compared)
        Pairs with any match, every learner's answers too short to compare, and the number of
        answer pairs compared.
    """
    from copydetect import compare_files

    boilerplate = boilerplate_hashes(layout.template)
    texts = {(x.name, p): normalise(t) for x in learners for p, t in x.answers.items()}
    too_short: dict[str, list[str]] = {}
    coverage: dict[str, float] = {x.name: 0.0 for x in learners}
    overlap: dict[tuple[str, str], list[float]] = {}
    matches: dict[tuple[str, str], dict[str, Match]] = {}
    compared = 0
    for done, problem in enumerate(layout.problems, 1):
        prints = {}
        for learner in learners:
            text = texts.get((learner.name, problem), "")
            print_ = fingerprint(text, boilerplate) if text.strip() else None
            if print_ is None or print_.token_coverage < MIN_ANSWER_LENGTH:
                if text.strip() and print_ is not None and print_.token_coverage > 0:
                    too_short.setdefault(learner.name, []).append(problem)
                continue
            prints[learner.name] = print_
            coverage[learner.name] += float(print_.token_coverage)
        for a, b in _candidates(prints):
            compared += 1
            _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(prints[a], prints[b])
            if sim_a <= 0 and sim_b <= 0:
                continue
            matches.setdefault((a, b), {})[problem] = Match(
                min(1.0, float(sim_a)),
                min(1.0, float(sim_b)),
                _lines(prints[a].raw_code, slices_a),
                _lines(prints[b].raw_code, slices_b),
            )
            totals = overlap.setdefault((a, b), [0.0, 0.0])
            totals[0] += float(sim_a) * prints[a].token_coverage
            totals[1] += float(sim_b) * prints[b].token_coverage
        if progress:
            progress("comparing", done, len(layout.problems))
    pairs = [
        Pair(
            a,
            b,
            matches[(a, b)],
            min(1.0, overlap[(a, b)][0] / coverage[a]) if coverage[a] else 0.0,
            min(1.0, overlap[(a, b)][1] / coverage[b]) if coverage[b] else 0.0,
        )
        for a, b in matches
    ]
    pairs.sort(key=lambda p: (-p.score, -(p.overall_a + p.overall_b), p.a, p.b))
    return pairs, too_short, compared


def _candidates(prints: dict) -> list[tuple[str, str]]:
    """The pairs of learners (in the order given) that share at least one fingerprint."""
    order = {name: i for i, name in enumerate(prints)}
    holders: dict[int, list[str]] = {}
    for name, print_ in prints.items():
        for value in print_.hashes:
            holders.setdefault(value, []).append(name)
    pairs: set[tuple[str, str]] = set()
    for names in holders.values():
        if len(names) > 1:
            pairs.update(combinations(names, 2))
    return sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))


# -- the whole run ------------------------------------------------------------------------------


def run_similarity(
    paths: list[Path],
    module: str,
    out: Path,
    *,
    top: int = DEFAULT_TOP,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    root: Path | None = None,
    progress: Progress | None = None,
) -> SimilarityReport:
    """Compare the learners' answers and write ``OUT/similarity_NN.html`` and ``.csv``.

    Parameters
    ----------
    paths : list of Path
        Notebooks, folders and zips, as ``mlcourse grade`` takes them.
    module : str
        Two-digit module number.
    out : Path
        Output folder.
    top : int
        Pairs shown in the HTML report.
    min_similarity : float
        Pairs whose larger overall similarity is below this are left out of both files.
    root : Path, optional
        The course folder (default: the installed course).
    progress : callable, optional
        Called as ``progress(what, done, total)``.

    Returns
    -------
    SimilarityReport
    """
    if top < 1:
        raise SimilarityError(f"--top must be at least 1, not {top}")
    if not 0.0 <= min_similarity <= 1.0:
        raise SimilarityError(f"--min-similarity must be between 0 and 1, not {min_similarity:g}")
    started = time.perf_counter()
    layout = load_layout(module, root)
    learners, skipped = read_learners(paths, module, layout, progress)
    pairs, too_short, compared = compare(learners, layout, progress)
    kept = [p for p in pairs if p.score >= min_similarity and p.score > 0]
    report = SimilarityReport(module, layout.problems, learners, skipped, too_short, kept, compared)
    report.seconds = time.perf_counter() - started
    report.csv_path = out / f"similarity_{module}.csv"
    report.html_path = out / f"similarity_{module}.html"
    atomic_write(report.csv_path, pairs_csv(report))
    atomic_write(report.html_path, report_html(report, top, min_similarity))
    return report


# -- the files ----------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def pairs_csv(report: SimilarityReport) -> str:
    """The ranked pairs as CSV: overall scores, then both scores of every exercise.

    Parameters
    ----------
    report : SimilarityReport

    Returns
    -------
    str
    """
    from ._lms import guard_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    per_exercise = [f"{p} {side}" for p in report.problems for side in ("a", "b")]
    writer.writerow(["rank", "learner_a", "learner_b", "overall_a", "overall_b", *per_exercise])
    for rank, pair in enumerate(report.pairs, 1):
        cells = []
        for problem in report.problems:
            match = pair.matches.get(problem)
            cells += (
                [f"{match.similarity_a:.3f}", f"{match.similarity_b:.3f}"] if match else ["", ""]
            )
        writer.writerow(
            [
                rank,
                guard_cell(pair.a),
                guard_cell(pair.b),
                f"{pair.overall_a:.3f}",
                f"{pair.overall_b:.3f}",
                *cells,
            ]
        )
    return buffer.getvalue()


_STYLE = """body{font-family:system-ui,sans-serif;max-width:90rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}
.banner{background:#fff4d6;border:1px solid #e0b000;padding:.8rem 1rem}
.side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
pre{background:#f6f6f6;padding:.5rem;overflow-x:auto;font-size:.85rem;line-height:1.4;margin:0}
mark{background:#ffe08a;display:inline-block;width:100%}
.n{color:#888;user-select:none}section{border-top:2px solid #ccc;margin-top:2rem}"""

_BANNER = (
    "Each score is the share of one learner's answer code (after copydetect's normalisation: "
    "names become V, F or O, strings S, comments and layout dropped; the course's own starter "
    "and lesson code removed) that is also found, in runs of at least {k} normalised "
    "characters, in the other learner's answer to the same exercise. <b>It is a prompt for a "
    "human look, never evidence by itself</b>: shared starter code, small exercises, the one "
    "obvious way to write something and common idioms all give similarity, and independent "
    "learners can score high. Read the answers side by side before drawing any conclusion; "
    "no grade is changed by this report."
)


def report_html(report: SimilarityReport, top: int, min_similarity: float) -> str:
    """One self-contained page: the banner, the ranked pairs and their answers side by side.

    Parameters
    ----------
    report : SimilarityReport
    top : int
        Pairs shown.
    min_similarity : float
        The threshold used, stated on the page.

    Returns
    -------
    str
    """
    e = html.escape
    answers = {x.name: x.answers for x in report.learners}
    shown = report.pairs[:top]
    rows = "".join(
        f'<tr><td><a href="#pair-{rank}">{rank}</a></td><td>{e(p.a)}</td><td>{e(p.b)}</td>'
        f"<td>{_percent(p.overall_a)}</td><td>{_percent(p.overall_b)}</td></tr>"
        for rank, p in enumerate(shown, 1)
    )
    sections = "".join(
        _pair_html(rank, pair, answers, report.problems) for rank, pair in enumerate(shown, 1)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Module {e(report.module)}: similar answers</title>
<style>{_STYLE}</style></head><body>
<h1>Module {e(report.module)}: the most similar pairs of answers</h1>
<p class="banner">{_BANNER.format(k=NOISE_THRESHOLD)}</p>
<p>{len(report.learners)} learners compared on {len(report.problems)} exercises
({report.compared} answer pairs compared); {len(report.pairs)} pairs at or above
{_percent(min_similarity)}, the first {len(shown)} shown (all of them in the CSV).
Answers under {MIN_ANSWER_LENGTH} normalised characters outside the course's code are not
compared.</p>
{_skipped_html(report)}
<table><thead><tr><th>rank</th><th>learner A</th><th>learner B</th>
<th>A's code found in B's</th><th>B's code found in A's</th></tr></thead>
<tbody>{rows}</tbody></table>
{sections}
</body></html>
"""


def _skipped_html(report: SimilarityReport) -> str:
    e = html.escape
    parts = []
    if report.skipped:
        items = "".join(f"<li>{e(name)}: {e(reason)}</li>" for name, reason in report.skipped)
        parts.append(f"<h2>Not compared: submissions that could not be read</h2><ul>{items}</ul>")
    if report.too_short:
        items = "".join(
            f"<li>{e(name)}: {e(', '.join(problems))}</li>"
            for name, problems in sorted(report.too_short.items())
        )
        parts.append(
            f"<details><summary>Answers too short to compare</summary><ul>{items}</ul></details>"
        )
    cut = [x for x in report.learners if x.cut]
    if cut:
        items = "".join(f"<li>{e(x.name)}: {e(', '.join(x.cut))}</li>" for x in cut)
        parts.append(f"<h2>Answers cut at {MAX_ANSWER_CHARS} characters</h2><ul>{items}</ul>")
    return "\n".join(parts)


def _pair_html(rank: int, pair: Pair, answers: dict, problems: tuple[str, ...]) -> str:
    e = html.escape
    rows, blocks = [], []
    for problem in problems:
        match = pair.matches.get(problem)
        if match is None:
            continue
        rows.append(
            f"<tr><td>{e(problem)}</td><td>{_percent(match.similarity_a)}</td>"
            f"<td>{_percent(match.similarity_b)}</td></tr>"
        )
        left = _code_html(answers[pair.a].get(problem, ""), match.lines_a)
        right = _code_html(answers[pair.b].get(problem, ""), match.lines_b)
        blocks.append(
            f"<h3>Exercise {e(problem)}</h3><div class=side><div><b>{e(pair.a)}</b>{left}</div>"
            f"<div><b>{e(pair.b)}</b>{right}</div></div>"
        )
    return (
        f'<section id="pair-{rank}"><h2>#{rank}: {e(pair.a)} and {e(pair.b)}: '
        f"{_percent(pair.overall_a)} / {_percent(pair.overall_b)}</h2>"
        "<table><thead><tr><th>exercise</th><th>A's code found in B's</th>"
        f"<th>B's code found in A's</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{''.join(blocks)}</section>"
    )


def _code_html(text: str, marked: set[int]) -> str:
    """An answer as numbered, escaped lines, the matching ones highlighted."""
    e = html.escape
    lines = normalise(text).split("\n")
    shown = []
    for number, line in enumerate(lines):
        body = f'<span class="n">{number + 1:>3} </span>{e(line)}'
        shown.append(f"<mark>{body}</mark>" if number in marked else body)
    return "<pre>" + "\n".join(shown) + "</pre>"


# -- the command line ---------------------------------------------------------------------------


def _terminal_progress() -> Progress:
    """tqdm bars on a terminal, a line every tenth of the work otherwise."""
    import sys

    bars: dict = {}

    def report(what: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            from tqdm import tqdm

            if what not in bars:
                bars[what] = tqdm(total=total, desc=what)
            bar = bars[what]
            bar.update(done - bar.n)
            if done == total:
                bar.close()
        elif done == total or done % max(1, total // 10) == 0:
            print(f"{what}: {done}/{total}", file=sys.stderr, flush=True)

    return report


def _cmd_similarity(args) -> int:
    from ..cli import UsageError, _module

    module = _module(args.module, written=True)
    try:
        report = run_similarity(
            [Path(p) for p in args.paths],
            module,
            Path(args.out),
            top=args.top,
            min_similarity=args.min_similarity,
            progress=_terminal_progress(),
        )
    except (SimilarityError, FileNotFoundError) as error:
        raise UsageError(" ".join(str(error).split())) from None
    print(
        f"compared {len(report.learners)} learners on {len(report.problems)} exercises in "
        f"{report.seconds:.1f} s: {len(report.pairs)} pairs at or above "
        f"{_percent(args.min_similarity)}; report: {report.html_path}; CSV: {report.csv_path}"
    )
    if report.skipped:
        print(f"{len(report.skipped)} submission(s) not compared (listed in the report)")
    return 0


def add_similarity_parser(sub) -> None:
    """Add ``mlcourse similarity`` to the command line's subparsers.

    Parameters
    ----------
    sub : argparse._SubParsersAction
        ``mlcourse``'s subparsers.
    """
    parser = sub.add_parser(
        "similarity",
        help="find the most similar pairs of learners' answers, for a human look",
        description="Compare learners' answer cells exercise by exercise with copydetect's "
        "winnowing fingerprints (the course's starter and lesson code excluded) and write "
        "OUT/similarity_NN.html, the most similar pairs with matching lines side by side, and "
        "OUT/similarity_NN.csv. The scores are a prompt for an instructor to read the answers, "
        "never a penalty by themselves.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="notebooks, folders or zips, as for grade"
    )
    parser.add_argument("--module", required=True, metavar="NN", help="the module compared")
    parser.add_argument("--out", default="grades", help="output folder (default ./grades)")
    parser.add_argument(
        "--top",
        type=int,
        default=DEFAULT_TOP,
        help=f"pairs shown in the HTML (default {DEFAULT_TOP})",
    )
    parser.add_argument(
        "--min-similarity",
        type=float,
        default=DEFAULT_MIN_SIMILARITY,
        metavar="F",
        help="leave out pairs whose larger overall score is below F, 0 to 1 "
        f"(default {DEFAULT_MIN_SIMILARITY})",
    )
    parser.set_defaults(func=_cmd_similarity)
