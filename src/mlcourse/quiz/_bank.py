"""The question bank: one TOML file per module, loaded and validated strictly."""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

BANK_DIR = Path(__file__).resolve().parent / "bank"
"""Where the course's question bank lives (``bank/mNN.toml``)."""

KINDS = ("choice", "numeric", "code")
DIFFICULTIES = ("easy", "medium", "hard")
LETTERS = ("a", "b", "c", "d")
DEFAULT_NUMERIC_TOLERANCE = 1e-6
DEFAULT_CODE_TOLERANCE = 1e-9

_FILE_NAME = re.compile(r"^m(\d\d)\.toml$")
_ID = re.compile(r"^m(\d\d)-q\d{2,3}$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMMON = {"id", "module", "difficulty", "kind", "topic", "prompt", "explanation"}
_BY_KIND = {
    "choice": {"options", "answer"},
    "numeric": {"answer", "tolerance"},
    "code": {"function", "starter", "reference", "cases", "tolerance"},
}
_REQUIRED = {
    "choice": {"options", "answer"},
    "numeric": {"answer"},
    "code": {"function", "starter", "reference", "cases"},
}


class BankError(ValueError):
    """A malformed question bank; ``problems`` lists every problem found, each naming its file.

    Parameters
    ----------
    problems : list of str
        One line per problem, e.g. ``"m07.toml, m07-q03: answer must be one of a, b, c, d"``.
    """

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = len(self.problems) - 1
        text = self.problems[0] if self.problems else "the question bank is malformed"
        super().__init__(text + (f" (and {more} more problem(s))" if more > 0 else ""))


@dataclass(frozen=True)
class Question:
    """One question of the bank.

    Attributes
    ----------
    id : str
        ``"mNN-qKK"``, stable: the quiz history refers to it.
    module : str
        The module number, ``"07"``.
    difficulty : str
        ``"easy"``, ``"medium"`` or ``"hard"``.
    kind : str
        ``"choice"``, ``"numeric"`` or ``"code"``.
    topic : str
        A few words, shown in the drill's summary.
    prompt : str
        The question.
    explanation : str
        Why the answer is right, shown after the learner answers.
    options : tuple of str
        The four options of a choice question (empty otherwise).
    answer : str or float or None
        The right letter (choice), the number (numeric), None (code).
    tolerance : float
        Absolute tolerance of a numeric answer, or of the floats a code answer returns.
    function : str
        The name of the function a code question asks for ("" otherwise).
    starter : str
        The code the learner starts from ("" unless code).
    reference : str
        The reference implementation ("" unless code).
    cases : tuple
        The argument lists the function is called with (empty unless code).
    source : pathlib.Path or None
        The file the question was read from.
    """

    id: str
    module: str
    difficulty: str
    kind: str
    topic: str
    prompt: str
    explanation: str
    options: tuple[str, ...] = ()
    answer: str | float | None = None
    tolerance: float = 0.0
    function: str = ""
    starter: str = ""
    reference: str = ""
    cases: tuple[Any, ...] = ()
    source: Path | None = field(default=None, compare=False)


def _defines(source: str, function: str) -> str | None:
    """Why ``source`` does not define ``function`` at top level (None when it does)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        return f"does not compile (line {error.lineno}: {error.msg})"
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            return None
    return f"does not define a top-level function {function!r}"


def _arity(source: str, function: str) -> tuple[int, float]:
    """The least and most positional arguments ``function`` in ``source`` accepts."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            args = node.args
            total = len(args.posonlyargs) + len(args.args)
            return total - len(args.defaults), math.inf if args.vararg else total
    return 0, math.inf  # pragma: no cover - callers check _defines first


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_question(raw: Any, module: str) -> tuple[list[str], Question | None]:
    """The problems of one raw question table, and the Question when there are none."""
    if not isinstance(raw, dict):
        return ["a [[question]] entry is not a table"], None
    problems: list[str] = []
    for key in sorted(_COMMON - set(raw)):
        problems.append(f"missing {key!r}")
    for key in ("id", "module", "difficulty", "kind", "topic", "prompt", "explanation"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            problems.append(f"{key!r} must be a non-empty string")
    if problems:
        return problems, None
    qid, kind = raw["id"], raw["kind"]
    match = _ID.match(qid)
    if not match:
        problems.append(f"id {qid!r} is not of the form mNN-qKK")
    elif match.group(1) != module:
        problems.append(f"id {qid!r} does not start with m{module}")
    if raw["module"] != module:
        problems.append(f"module {raw['module']!r} does not match the file (module {module!r})")
    if raw["difficulty"] not in DIFFICULTIES:
        problems.append(f"difficulty {raw['difficulty']!r} is not one of {', '.join(DIFFICULTIES)}")
    if kind not in KINDS:
        problems.append(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        return problems, None
    for key in sorted(set(raw) - _COMMON - _BY_KIND[kind]):
        problems.append(f"unknown key {key!r} for a {kind} question")
    for key in sorted(_REQUIRED[kind] - set(raw)):
        problems.append(f"a {kind} question needs {key!r}")
    if problems:
        return problems, None

    extra: dict[str, Any] = {}
    tolerance = raw.get("tolerance")
    if tolerance is not None and (not _is_number(tolerance) or tolerance < 0):
        problems.append(f"tolerance {tolerance!r} must be a non-negative number")
    if kind == "choice":
        options = raw["options"]
        if (
            not isinstance(options, list)
            or len(options) != 4
            or not all(isinstance(o, str) and o.strip() for o in options)
        ):
            problems.append("options must be a list of exactly 4 non-empty strings")
        elif len({o.strip() for o in options}) != 4:
            problems.append("options must be 4 different strings")
        if raw["answer"] not in LETTERS:
            problems.append(f"answer {raw['answer']!r} must be one of a, b, c, d")
        extra = {"options": tuple(options) if isinstance(options, list) else ()}
        extra["answer"] = raw["answer"]
    elif kind == "numeric":
        if not _is_number(raw["answer"]):
            problems.append(f"answer {raw['answer']!r} must be a finite number")
        extra = {
            "answer": raw["answer"],
            "tolerance": DEFAULT_NUMERIC_TOLERANCE if tolerance is None else tolerance,
        }
    else:
        function = raw["function"]
        for key in ("function", "starter", "reference"):
            if not isinstance(raw[key], str) or not raw[key].strip():
                problems.append(f"{key!r} must be a non-empty string")
        if problems:
            return problems, None
        if not _IDENTIFIER.match(function):
            problems.append(f"function {function!r} is not a Python name")
        for key in ("reference", "starter"):
            why = _defines(raw[key], function)
            if why:
                problems.append(f"the {key} {why}")
        cases = raw["cases"]
        if not isinstance(cases, list) or not cases or not all(isinstance(c, list) for c in cases):
            problems.append("cases must be a non-empty list of argument lists")
        elif not problems:
            least, most = _arity(raw["reference"], function)
            for number, case in enumerate(cases, 1):
                if not least <= len(case) <= most:
                    problems.append(
                        f"case {number} has {len(case)} argument(s); {function} takes "
                        f"{least}" + ("" if most == least else f" to {most}")
                    )
        extra = {
            "function": function,
            "starter": raw["starter"],
            "reference": raw["reference"],
            "cases": tuple(cases) if isinstance(cases, list) else (),
            "tolerance": DEFAULT_CODE_TOLERANCE if tolerance is None else tolerance,
        }
    if problems:
        return problems, None
    common = {key: raw[key] for key in _COMMON}
    common["prompt"] = common["prompt"].strip()
    common["explanation"] = common["explanation"].strip()
    return [], Question(**common, **extra)


def load_file(path: Path) -> list[Question]:
    """Load and validate one bank file ``mNN.toml``.

    Parameters
    ----------
    path : pathlib.Path
        The file; its name gives the module.

    Returns
    -------
    list of Question
        In file order.

    Raises
    ------
    BankError
        Listing every problem, each naming the file and the question id.
    """
    path = Path(path)
    match = _FILE_NAME.match(path.name)
    if not match:
        raise BankError([f"{path.name}: a bank file is named mNN.toml (NN the module number)"])
    module = match.group(1)
    from .._curriculum import MODULES

    if module not in MODULES:
        raise BankError([f"{path.name}: no module {module} in the course (modules are 00 to 26)"])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise BankError([f"{path.name}: not valid TOML: {error}"]) from None
    problems = [f"{path.name}: unknown top-level key {key!r}" for key in raw if key != "question"]
    entries = raw.get("question", [])
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path.name}: no [[question]] tables")
        entries = []
    questions = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        label = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path.name}, {label if isinstance(label, str) else f'question {number}'}"
        found, question = _check_question(entry, module)
        if isinstance(label, str):
            if label in seen:
                found.append(f"id {label!r} is used twice")
            seen.add(label)
        problems.extend(f"{where}: {p}" for p in found)
        if question is not None and not found:
            questions.append(Question(**{**question.__dict__, "source": path}))
    if problems:
        raise BankError(problems)
    return questions


def load_bank(path: str | Path | None = None) -> list[Question]:
    """Load and validate the question bank.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A folder of ``mNN.toml`` files, or one such file. Defaults to the course's bank.

    Returns
    -------
    list of Question
        Every question, ordered by module then file order.

    Raises
    ------
    BankError
        When any file is malformed or an id is used in two files; every problem is listed in
        ``problems``.
    FileNotFoundError
        When ``path`` does not exist.

    Examples
    --------
    >>> bank = load_bank()  # doctest: +SKIP
    >>> sorted({q.module for q in bank})[:3]  # doctest: +SKIP
    ['00', '01', '02']
    """
    base = Path(path) if path is not None else BANK_DIR
    if base.is_file():
        files = [base]
    elif base.is_dir():
        files = sorted(base.glob("*.toml"))
    elif path is None:
        return []
    else:
        raise FileNotFoundError(f"{base}: no such question bank (a folder of mNN.toml files)")
    questions: list[Question] = []
    problems: list[str] = []
    owner: dict[str, str] = {}
    for file in files:
        try:
            loaded = load_file(file)
        except BankError as error:
            problems.extend(error.problems)
            continue
        for question in loaded:
            if question.id in owner:
                problems.append(
                    f"{file.name}, {question.id}: id already used in {owner[question.id]}"
                )
            owner[question.id] = file.name
        questions.extend(loaded)
    if problems:
        raise BankError(problems)
    return questions
