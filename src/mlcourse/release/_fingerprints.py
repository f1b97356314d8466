"""Fingerprints of the answer keys: what a class release must never contain.

Two sources define the answers. ``solutions/`` holds every answer cell (the cells ``mlcourse
build`` blanks); ``mlcourse.keys`` holds every reference (expected values and how they are
computed, reference implementations, judges, mistake catalogues, quiz keys). A fingerprint is
a few normalised lines of code, or a normalised sentence, that only an answer holds: lines the
exercises notebook (or a declaration module) also holds are never part of one, so the blanks
(``...``) and the scaffolding around an answer do not match.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# A line shorter than this (``else:``, ``pass``, ``x = 3``) says nothing about an answer.
MIN_LINE_CHARS = 8
# Answer lines adding up to less than this are too trivial to recognise (``n = 3``).
MIN_FINGERPRINT_CHARS = 24
# A key's string constant is distinctive from this many characters and words on.
MIN_STRING_CHARS = 40
MIN_STRING_WORDS = 6
# Shingles: a string is found through its first words, then confirmed whole.
SHINGLE_WORDS = 6

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalise_line(line: str) -> str:
    """A line with its indentation and runs of white space removed."""
    return _SPACES.sub(" ", line).strip()


def significant_lines(source: str) -> list[str]:
    """The normalised lines of ``source`` that can identify code (not blank, comment or short)."""
    lines = []
    for raw in source.splitlines():
        line = normalise_line(raw)
        if len(line) >= MIN_LINE_CHARS and not line.startswith("#"):
            lines.append(line)
    return lines


def words(text: str) -> list[str]:
    """The lower-case words of ``text``, as shingles and whole-string matches compare them."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class CodeFingerprint:
    """Lines that together identify one answer or reference."""

    lines: frozenset[str]
    what: str

    @property
    def anchor(self) -> str:
        """The line looked up first: the longest, so the rarest."""
        return max(self.lines, key=lambda line: (len(line), line))


@dataclass(frozen=True)
class TextFingerprint:
    """A distinctive sentence of a key (a mistake's message, an explanation)."""

    words: tuple[str, ...]
    what: str


@dataclass
class Fingerprints:
    """Every fingerprint of the course's answers, indexed for lookup."""

    code: list[CodeFingerprint]
    text: list[TextFingerprint]
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_anchor: dict[str, list[CodeFingerprint]] = {}
        for fingerprint in self.code:
            self.by_anchor.setdefault(fingerprint.anchor, []).append(fingerprint)
        self.by_shingle: dict[tuple[str, ...], list[TextFingerprint]] = {}
        for fingerprint in self.text:
            self.by_shingle.setdefault(fingerprint.words[:SHINGLE_WORDS], []).append(fingerprint)

    def found_in(self, text: str) -> list[str]:
        """What of the answers ``text`` holds (one description per fingerprint found)."""
        found: list[str] = []
        lines = set(significant_lines(text))
        for line in lines:
            for fingerprint in self.by_anchor.get(line, ()):
                if fingerprint.lines <= lines:
                    found.append(fingerprint.what)
        if self.text:
            found.extend(self._text_found_in(words(text)))
        return sorted(set(found))

    def _text_found_in(self, text_words: list[str]) -> list[str]:
        found = []
        for start in range(len(text_words) - SHINGLE_WORDS + 1):
            shingle = tuple(text_words[start : start + SHINGLE_WORDS])
            for fingerprint in self.by_shingle.get(shingle, ()):
                end = start + len(fingerprint.words)
                if tuple(text_words[start:end]) == fingerprint.words:
                    found.append(fingerprint.what)
        return found


def _shingles(text_words: list[str] | tuple[str, ...]) -> set[tuple[str, ...]]:
    return {
        tuple(text_words[start : start + SHINGLE_WORDS])
        for start in range(len(text_words) - SHINGLE_WORDS + 1)
    }


def _code_fingerprint(source: str, *known: set[str], what: str) -> CodeFingerprint | None:
    """The lines of ``source`` in none of ``known``, when they are enough to recognise it."""
    lines = frozenset(
        line for line in significant_lines(source) if not any(line in seen for seen in known)
    )
    if sum(len(line) for line in lines) < MIN_FINGERPRINT_CHARS:
        return None
    return CodeFingerprint(lines, what)


# --------------------------------------------------------------------------------------
# Answer cells of solutions/
# --------------------------------------------------------------------------------------


def notebook_cells(path: Path) -> list[dict]:
    """The cells of a notebook file, each ``source`` as one string (read as plain JSON)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for cell in notebook.get("cells", []):
        source = cell.get("source", "")
        cells.append({**cell, "source": "".join(source) if isinstance(source, list) else source})
    return cells


def public_lines_and_words(texts: Iterable[str]) -> tuple[set[str], set[tuple[str, ...]]]:
    """The significant lines and word shingles of what is handed out anyway."""
    lines: set[str] = set()
    shingles: set[tuple[str, ...]] = set()
    for text in texts:
        lines.update(significant_lines(text))
        shingles.update(_shingles(words(text)))
    return lines, shingles


def answer_fingerprints(
    solutions: Path, public: set[str]
) -> tuple[list[CodeFingerprint], list[str]]:
    """One fingerprint per answer cell of every ``solutions/*.ipynb``.

    An answer cell is a cell ``mlcourse build`` blanks (it holds solution markers); its
    fingerprint is the lines that neither its blanked version nor the public material
    (``public``: the lessons and the exercises notebooks) holds, i.e. the answer itself.

    Returns
    -------
    tuple
        The fingerprints, and one note per answer that the public material shows whole
        (a lesson that teaches the answer verbatim: not a secret a release can keep).
    """
    from ..build import ANSWER, classify, strip_solutions
    from ..exercises._solutions import _drop_markers

    fingerprints, notes = [], []
    for path in sorted(solutions.glob("*.ipynb")):
        cells = notebook_cells(path)
        for index, (cell, role) in enumerate(zip(cells, classify(cells), strict=True)):
            if role.role != ANSWER:
                continue
            what = (
                f"the answer to {path.stem[:2]} {role.attribute or '(unchecked)'} "
                f"(solutions/{path.name}, cell {index})"
            )
            blanked = set(significant_lines(strip_solutions(cell["source"])))
            answer = _drop_markers(cell["source"])
            fingerprint = _code_fingerprint(answer, blanked, public, what=what)
            if fingerprint is not None:
                fingerprints.append(fingerprint)
            elif _code_fingerprint(answer, blanked, what=what) is not None:
                notes.append(
                    f"{what} is taught by the course, so it is not looked for: the lessons or "
                    "the exercises notebooks show all of it but a few characters"
                )
    return fingerprints, notes


# --------------------------------------------------------------------------------------
# References of mlcourse.keys
# --------------------------------------------------------------------------------------


def _references(source: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A key module's references: ``(name, source)`` of every function, class and top-level
    assignment, and its string constants but docstrings and the fragments of f-strings."""
    tree = ast.parse(source)
    lines = source.splitlines()
    sources: list[tuple[str, str]] = []
    skipped: set[int] = set()
    constants: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skipped.add(id(body[0].value))
            if not isinstance(node, ast.Module):
                sources.append((node.name, "\n".join(lines[node.lineno - 1 : node.end_lineno])))
        elif isinstance(node, ast.JoinedStr):
            skipped.update(id(value) for value in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            constants.append(node)
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            name = ", ".join(ast.unparse(target) for target in targets)
            sources.append((name, "\n".join(lines[node.lineno - 1 : node.end_lineno])))
    return sources, [node.value for node in constants if id(node) not in skipped]


def key_fingerprints(
    keys: Path, public_lines: set[str], public_shingles: set[tuple[str, ...]]
) -> tuple[list[CodeFingerprint], list[TextFingerprint]]:
    """Fingerprints of every reference in the key modules under ``keys``.

    Parameters
    ----------
    keys : pathlib.Path
        The ``mlcourse/keys`` folder.
    public_lines, public_shingles : set
        The lines and word shingles of what is handed out anyway (the declarations, the
        lessons, the exercises): a line or a sentence a key shares with them is not part of
        a fingerprint.
    """
    code: list[CodeFingerprint] = []
    text: dict[tuple[str, ...], TextFingerprint] = {}
    for path in sorted(keys.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        module = f"mlcourse.keys.{path.stem}"
        sources, constants = _references(source)
        for name, segment in sources:
            fingerprint = _code_fingerprint(segment, public_lines, what=f"{module}.{name}")
            if fingerprint is not None:
                code.append(fingerprint)
        for constant in constants:
            constant_words = tuple(words(constant))
            if (
                len(normalise_line(constant)) >= MIN_STRING_CHARS
                and len(constant_words) >= MIN_STRING_WORDS
                and not _shingles(constant_words) <= public_shingles
            ):
                text.setdefault(
                    constant_words,
                    TextFingerprint(constant_words, f"a string of {module}: {constant[:50]!r}"),
                )
    return code, list(text.values())
