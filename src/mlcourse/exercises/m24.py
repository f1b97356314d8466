"""Module 24 — RAG and agents: the declaration of the exercises (the key is in mlcourse.keys.m24).

Exercises 1-11 are checked on small, fixed inputs written here (not on the course text, which
changes whenever a lesson does): visible cases name the failing input, hidden cases cover the
edges (empty inputs, k beyond the list, ties, hostile or explosive expressions for the
calculator, a planner that never stops for the agent loop), each with a label that says what
kind of input failed. Exercises 7 and 8 also draw inputs at random every time an answer is
collected (a fresh seed, kept with the results so that the judge rebuilds the same inputs), so
that a table of answers to the fixed cases cannot pass; exercise 8 also reads the learner's code
for eval, exec and compile, which its prompt forbids. Exercise 12 is the real-corpus exercise:
it runs on a frozen copy of the course's lessons and question set stored beside this file
(``m24_course_snapshot.json``), which the learner's notebook and the key both read, so that the
grading sandbox (which sees no curriculum/) and later edits of the lessons change nothing.
"""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlcourse.checks import (
    ATTRIBUTE_LOADS,
    GLOBAL_LOADS,
    Answer,
    Case,
    Choice,
    Custom,
    Function,
    Numeric,
    Value,
    compare,
    exception_name,
    exception_names,
    names_used,
)
from mlcourse.exercises import Module

_SEED = 24  # seeds the random arrays of the cosine test cases

# --------------------------------------------------------------------------------------
# Exercise 1: chunking into overlapping word windows.
# --------------------------------------------------------------------------------------

_FLOATS = (
    "Floats are stored in binary, so most decimal fractions, such as 0.1, are only "
    "approximated, and the sum of two approximations need not equal the approximation of the "
    "sum. Never test floats for exact equality after arithmetic: math.isclose compares within "
    "a tolerance, and round is for displaying numbers."
)
_TEN = "one two three four five six seven eight nine ten"


def _chunk_cases() -> list[Case]:
    return [
        Case(
            _TEN, 4, 1, call='chunk_text("one two three four five six seven eight nine ten", 4, 1)'
        ),
        Case(_FLOATS, 12, 4, call="chunk_text(<a 48-word paragraph on floats>, 12, 4)"),
    ]


def _chunk_hidden() -> list[Case]:
    return [
        Case("", 5, 1, label="an empty text"),
        Case("   \n ", 3, 0, label="a text of white space only"),
        Case("a b c", 3, 0, label="a text of exactly one window"),
        Case("a b c", 10, 2, label="a text shorter than one window"),
        Case("a b c d e f", 4, 2, label="a second window that reaches the last word"),
        Case("a b c d e f g", 3, 0, label="no overlap and a shorter last window"),
        Case("alpha  beta\n\ngamma\tdelta", 2, 1, label="words separated by tabs and newlines"),
        Case(_FLOATS, 1, 0, label="windows of one word"),
        # Invalid arguments. Only values with which a loop that forgets to check them still
        # ends: with overlap >= max_words such a loop would never move forward, so those cases
        # have a text of at most one window (a clamped overlap returns it instead of raising).
        Case(_TEN, 3, -1, raises=ValueError, label="a negative overlap"),
        Case(_TEN, 0, -1, raises=ValueError, label="max_words of 0"),
        Case("a b", 3, 3, raises=ValueError, label="an overlap equal to max_words"),
        Case("", 2, 5, raises=ValueError, label="an overlap larger than max_words, empty text"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 2: BM25 scores of a tokenised query against tokenised documents.
# --------------------------------------------------------------------------------------

_DOCS = [
    "the loss falls during training and the validation loss flattens".split(),
    "softmax turns scores into probabilities".split(),
    "a gradient check compares the analytic gradient with a numerical gradient".split(),
    "training loss and validation loss together show overfitting when the gap grows".split(),
    "floats are approximations compare them with a tolerance".split(),
]


def _bm25_cases() -> list[Case]:
    return [
        Case(["validation", "loss"], _DOCS, call="bm25_scores(['validation', 'loss'], DOCS)"),
        Case(
            ["gradient", "check"],
            _DOCS,
            k1=1.5,
            b=0.5,
            call="bm25_scores(['gradient', 'check'], DOCS, k1=1.5, b=0.5)",
        ),
    ]


def _bm25_hidden() -> list[Case]:
    long_doc = "loss " + "word " * 60
    return [
        Case(["loss"], [], label="no documents"),
        Case([], _DOCS, label="an empty query"),
        Case(["transformer"], _DOCS, label="a query word found in no document"),
        Case(["loss", "loss", "softmax"], _DOCS, label="a query word repeated"),
        Case(["the", "loss"], _DOCS, label="a query of two words"),
        Case(["loss"], _DOCS, b=0.0, label="b = 0 (no length normalisation)"),
        Case(["loss"], _DOCS, b=1.0, label="b = 1"),
        Case(["loss"], _DOCS, k1=0.0, label="k1 = 0 (only presence counts)"),
        Case(["loss"], [["loss"], [], long_doc.split()], label="an empty document"),
        Case(["a"], [["a"], ["a", "b"], ["a", "a", "a"]], label="a word in every document"),
        Case(
            ["gradient"],
            [["gradient"] * k + ["x"] * (10 - k) for k in range(1, 6)],
            label="documents of equal length with growing counts",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 3: cosine top-k over the rows of a matrix.
# --------------------------------------------------------------------------------------


def _cosine_cases() -> list[Case]:
    matrix = np.array([[10.0, 0.0], [1.0, 1.0], [0.0, 3.0], [-2.0, 0.5]])
    return [
        # Row 0 has the largest dot product, not the largest cosine.
        Case(np.array([1.0, 0.9]), matrix, 2, call="cosine_top_k(query, matrix, 2)"),
        Case(np.array([0.2, 1.0]), matrix, 3, call="cosine_top_k(np.array([0.2, 1.0]), matrix, 3)"),
    ]


def _cosine_hidden() -> list[Case]:
    rng = np.random.default_rng(_SEED)
    big = rng.normal(size=(30, 8)) * rng.uniform(0.1, 20.0, size=(30, 1))  # lengths vary a lot
    ties = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 2.0], [1.0, 2.0], [3.0, -1.0]])
    return [
        Case(rng.normal(size=8), big, 5, label="30 rows of very different lengths, k = 5"),
        Case(rng.normal(size=8), big, 1, label="30 rows of very different lengths, k = 1"),
        Case(np.array([1.0, 2.0]), ties, 3, label="three identical rows (a tie)"),
        Case(np.array([1.0, 2.0]), ties, 10, label="k larger than the number of rows"),
        Case(
            np.array([1.0, 1.0]),
            np.array([[0.0, 0.0], [1.0, -2.0], [2.0, 1.0]]),  # no tie, even with float noise
            3,
            label="a row of zeros",
        ),
        Case(np.array([0.0, 0.0]), ties, 2, label="a query of zeros"),
        Case(
            np.array([1.0, 0.0]),
            np.array([[-1.0, 0.0], [-5.0, 0.1]]),
            2,
            label="only negative similarities",
        ),
        Case(np.array([1.0, 0.0]), ties, 0, raises=ValueError, label="k = 0"),
    ]


# --------------------------------------------------------------------------------------
# Exercises 4 and 5: recall@k and mean reciprocal rank.
# --------------------------------------------------------------------------------------


def _recall_cases() -> list[Case]:
    return [
        Case(["c3", "c7", "c1", "c9"], {"c1", "c2"}, 3),
        Case(["c3", "c7", "c1", "c9"], {"c1", "c2"}, 2),
    ]


def _recall_hidden() -> list[Case]:
    return [
        Case(["a", "b"], {"b"}, 10, label="k beyond the length of the ranking"),
        Case([], {"a"}, 3, label="an empty ranking"),
        Case(["a", "a", "b"], {"a", "b"}, 2, label="an id repeated in the ranking"),
        Case(
            ["x", "y", "z"], ["y", "y", "z"], 3, label="relevant ids given as a list with repeats"
        ),
        Case(["a", "b", "c"], {"a", "b", "c", "d"}, 3, label="more relevant ids than k"),
        Case(["a"], set(), 1, raises=ValueError, label="no relevant ids"),
        Case(["a"], {"a"}, 0, raises=ValueError, label="k = 0"),
    ]


def _mrr_cases() -> list[Case]:
    return [
        Case([["a", "b", "c"], ["d", "e", "f"]], [{"b"}, {"d"}]),
        Case([["a", "b", "c"], ["d", "e", "f"], ["g", "h"]], [{"c", "a"}, {"f"}, {"x"}]),
    ]


def _mrr_hidden() -> list[Case]:
    return [
        Case([["a"]], [{"a"}], label="one query, a hit at rank 1"),
        Case([["a", "b"]], [{"z"}], label="a query without any hit"),
        Case([[], ["a"]], [{"a"}, {"a"}], label="an empty ranking"),
        Case([["b", "a", "c"]], [{"c", "a"}], label="two relevant ids in one ranking"),
        Case([["x", "y", "z", "w"]] * 3, [{"w"}, {"z"}, {"x"}], label="hits at ranks 4, 3 and 1"),
        Case([], [], raises=ValueError, label="no queries"),
        Case([["a"], ["b"]], [{"a"}], raises=ValueError, label="lists of different lengths"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 6: reciprocal rank fusion.
# --------------------------------------------------------------------------------------


def _rrf_cases() -> list[Case]:
    return [
        Case([["d1", "d2", "d3"], ["d3", "d1", "d4"]]),
        Case([["d1", "d2", "d3"], ["d3", "d1", "d4"]], k=1),
    ]


def _rrf_hidden() -> list[Case]:
    return [
        Case([], label="no rankings"),
        Case([["a", "b"], []], label="one empty ranking"),
        Case([["a", "b", "c"]], label="a single ranking"),
        Case([["b", "a"], ["a", "b"]], label="a tie in the fused scores"),
        Case([["z", "y"], ["y", "z"], ["x"]], k=0, label="k = 0"),
        Case([["a", "b", "c", "d"], ["e", "d"]], k=2, label="ids found by one ranking or by both"),
        Case(
            [["p", "q", "r", "s", "t"], ["t", "s", "r", "q", "p"], ["r"]],
            k=60,
            label="three rankings, one in reverse order",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 7: a grounded, extractive answer with citations (judged on its properties).
# --------------------------------------------------------------------------------------

NO_ANSWER = "No answer found in the retrieved chunks."
LABEL = "(extractive answer: no language model was used)"
STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i in is it me my of on or should so "
    "that the their then there these this to was what when which why with you your".split()
)

_CHUNKS = [
    {
        "id": "01_python_essentials:3:0",
        "text": "Every value in Python has a type. Division with / always gives a float. "
        "Floor division // rounds down.",
    },
    {
        "id": "01_python_essentials:5:0",
        "text": "Floats are stored in binary, so 0.1 is only approximated. Never test floats "
        "for exact equality after arithmetic. Use math.isclose to compare floats within a "
        "tolerance.",
    },
    {
        "id": "15_neural_networks:12:0",
        "text": "Softmax turns scores into probabilities. Subtracting the row maximum keeps "
        "large scores from overflowing.",
    },
]
_SAME_CHUNK = [
    {
        "id": "00_start_here:17:0",
        "text": "Hints come in tiers. Ask for hint two or three when stuck.",
    },
    {
        "id": "00_start_here:21:0",
        "text": "The solution shows the answer cell. Hints are gentle first, then more specific.",
    },
]

_REPEATS = [
    {
        "id": "01_python_essentials:9:0",
        "text": "Floats, floats and more floats. Compare two floats with math.isclose.",
    }
]

_SCENARIOS: list[dict[str, Any]] = [
    {"question": "How should I compare two floats?", "chunks": _CHUNKS, "max_sentences": 2},
    {"question": "How should I compare two floats?", "chunks": _CHUNKS, "max_sentences": 1},
    {
        "question": "Why does softmax overflow on large scores?",
        "chunks": _CHUNKS,
        "max_sentences": 3,
    },
    {
        "question": "How do hints work, and what if I am stuck?",
        "chunks": _SAME_CHUNK,
        "max_sentences": 2,
    },
    {"question": "Who painted the Mona Lisa?", "chunks": _CHUNKS, "max_sentences": 2},
    {"question": "How should I compare two floats?", "chunks": [], "max_sentences": 2},
    # A word repeated in a sentence counts once: the first sentence says "floats" three times
    # but shares one word with the question; the second shares two.
    {"question": "How should I compare floats?", "chunks": _REPEATS, "max_sentences": 1},
]

# Scenarios drawn at random every time the answer is collected (a fresh seed each time, kept
# with the results so that the judge rebuilds the same scenarios): texts and questions from
# these pools, chunks in random order under random ids. A table of answers to the fixed
# scenarios above cannot answer them.
N_FRESH_SCENARIOS = 3
_POOL_TEXTS = [
    *(chunk["text"] for chunk in _CHUNKS + _SAME_CHUNK + _REPEATS),
    "A validation set chooses the model. The test set is used once, at the end, to report it.",
    "Overfitting shows as a gap: the training loss keeps falling while the validation loss "
    "rises. Stop training when the validation loss stops improving.",
]
# Each question with the pool text that answers it (the other texts are drawn as distractors).
_POOL_QUESTIONS = [
    ("How should I compare two floats?", 1),
    ("Why does softmax overflow on large scores?", 2),
    ("What does floor division do?", 0),
    ("What if I am stuck on a hint?", 3),
    ("Are hints specific from the start?", 4),
    ("Should I compare floats with isclose?", 5),
    ("When should I use the test set?", 6),
    ("How do I notice overfitting from the validation loss?", 7),
]
_ID_PREFIXES = ("notes", "lesson", "page", "doc", "section")


def fresh_grounded_scenario(seed: int) -> dict[str, Any]:
    """The random scenario of exercise 7 drawn from ``seed`` (the same in every process): a
    question, the text that answers it among 1 to 3 others, in random order, under random ids,
    and a random max_sentences."""
    rng = random.Random(seed)
    question, answering = rng.choice(_POOL_QUESTIONS)
    others = [i for i in range(len(_POOL_TEXTS)) if i != answering]
    chosen = [answering, *rng.sample(others, rng.randint(1, 3))]
    rng.shuffle(chosen)
    prefix = rng.choice(_ID_PREFIXES)
    numbers = rng.sample(range(100, 1000), len(chosen))
    chunks = [
        {
            "id": f"{prefix}_{number}:{rng.randint(0, 40)}:{rng.randint(0, 3)}",
            "text": _POOL_TEXTS[i],
        }
        for number, i in zip(numbers, chosen, strict=True)
    ]
    return {"question": question, "chunks": chunks, "max_sentences": rng.randint(1, 3)}


def _answer_of(func: Any, scenario: dict[str, Any]) -> dict[str, Any]:
    """What one call of the learner's grounded_answer gave: an error, a wrong shape, or the
    answer, its citations and whether the caller's chunks were left as they were."""
    chunks = [dict(chunk) for chunk in scenario["chunks"]]
    try:
        got = func(scenario["question"], chunks, max_sentences=scenario["max_sentences"])
    except Exception as error:
        return {"error": f"{type(error).__name__}: {str(error)[:80]}"}
    if type(got) is not dict or set(got) != {"answer", "citations"}:
        return {"shape": type(got).__name__}
    answer, citations = got["answer"], got["citations"]
    ok_citations = type(citations) is list and all(type(c) is str for c in citations)
    unchanged = len(chunks) == len(scenario["chunks"]) and all(
        type(chunk) is dict
        and list(chunk) == list(original)
        and all(type(chunk[k]) is str and str.__eq__(chunk[k], v) for k, v in original.items())
        for chunk, original in zip(chunks, scenario["chunks"], strict=False)
    )
    return {
        "answer": answer if type(answer) is str else None,
        "answer_type": type(answer).__name__,
        "citations": list(citations) if ok_citations else None,
        "mutated": not unchanged,
    }


def _extract_grounded(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Call the learner's grounded_answer on the fixed scenarios, then on fresh random ones
    (learner's process). One entry per scenario; a random one also holds its seed."""
    func = values["grounded_answer"]
    results = [_answer_of(func, scenario) for scenario in _SCENARIOS]
    draw = random.SystemRandom()  # not the notebook's seeded generators
    for _ in range(N_FRESH_SCENARIOS):
        seed = draw.randrange(2**62)
        results.append({"seed": seed, **_answer_of(func, fresh_grounded_scenario(seed))})
    return results


# --------------------------------------------------------------------------------------
# Exercise 8: a safe calculator for an agent's tool.
# --------------------------------------------------------------------------------------

MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e100
MAX_LENGTH = 200

_LONG_SUM = "+".join(["1"] * 100)  # 199 characters

# Hostile or explosive expressions of the hidden cases, each with what it is. None of them
# takes long for a calculator that lacks a limit: they are chosen so that a missing limit shows
# as a wrong result or the wrong exception, not as a hang (and every such result has fewer than
# 4,300 digits, Python's limit for turning an int into text). A calculator that computes a
# power before checking its exponent shows on "0 ** -101" (ZeroDivisionError), one that checks
# only exponents written as a number on "2 ** (50 + 51)".
_REFUSED = {
    "().__class__": "an attribute lookup",
    "abs(-3)": "a function call",
    "x * 2": "a name",
    "'ab' * 2": "a string",
    "True + 1": "True used as a number",
    "[1, 2]": "a list",
    "1 if 1 else 2": "a conditional expression",
    "(lambda: 1)()": "a lambda",
    "3 < 4": "a comparison",
    "1 << 3": "a bit shift",
    "~5": "a bitwise not",
    "1j * 2": "a complex literal",
    "2 ** 1000": "an exponent above MAX_EXPONENT",
    "10 ** -101": "a negative exponent below -MAX_EXPONENT",
    "(2 ** 100) ** 100": "a power of a power (nested powers)",
    "((10 ** 10) ** 10) ** 10": "three nested powers",
    "2 ** 90 * 2 ** 90 * 2 ** 90 * 2 ** 90": "a product beyond MAX_MAGNITUDE",
    "10 ** 60 * 10 ** 60 / 10 ** 30": "an intermediate result beyond MAX_MAGNITUDE",
    "1" + "0" * 120: "a number literal beyond MAX_MAGNITUDE",
    "1e999": "a float literal that is infinite",
    "1e308 * 10": "a float product that overflows to infinity",
    "1e10 ** 50": "a float power that overflows (OverflowError)",
    "(-8) ** 0.5": "a negative number to a fractional power (a complex result)",
    "(-1) ** (1 / 3)": "a cube root of a negative number (a complex result)",
    "0 ** -101": "zero to an exponent below -MAX_EXPONENT (checked before computing)",
    "2 ** (50 + 51)": "an exponent above MAX_EXPONENT that is itself computed",
    "1 +": "an incomplete expression",
    "": "an empty text",
    "import os": "a statement",
    "1+" * 2000 + "1": "a valid but very long expression (beyond MAX_LENGTH)",
    _LONG_SUM + "00": "an expression one character longer than MAX_LENGTH",
}

# Arithmetic errors that are not refusals: they leave the calculator as Python raises them.
_ARITHMETIC_ERRORS = {
    "1 / 0": "a division by zero",
    "5 % 0": "a remainder by zero",
    "0 ** -1": "zero to a negative power within MAX_EXPONENT",
}


def _calculate_cases() -> list[Case]:
    return [
        Case("2 + 3 * 4"),
        Case("(1 + 2) ** 2 / 4"),
        Case("-7 // 2"),
        Case("__import__('os').name", raises=ValueError),
        Case("(2 ** 100) ** 4", raises=ValueError),
    ]


def _calculate_hidden() -> list[Case]:
    allowed = {
        "0.1 + 0.2": "float addition",
        "7 % 3": "a remainder",
        "2 ** -2": "a negative exponent",
        "1_000 * 3": "a literal with an underscore",
        "+5 - -2": "unary plus and minus",
        "1e3 / 8": "a float literal in scientific notation",
        "  2 * 3  ": "spaces around the expression",
        "2 ** 100": "an exponent of exactly MAX_EXPONENT",
        "((4))": "nested parentheses",
        "10 ** 100": "a result just within MAX_MAGNITUDE",
        "-(10 ** 50) * 10 ** 50": "a large negative result within MAX_MAGNITUDE",
        "(-2) ** -2": "a negative base with an integer exponent",
        "2 ** 0.5": "a fractional exponent of a positive number",
        "(2 ** 10) ** 10": "nested powers with a result within MAX_MAGNITUDE",
        "2 ** (50 + 50)": "a computed exponent of exactly MAX_EXPONENT",
        _LONG_SUM + "0": "an expression of exactly MAX_LENGTH characters",
    }
    return [
        *(Case(text, label=label) for text, label in allowed.items()),
        *(Case(text, raises=ValueError, label=label) for text, label in _REFUSED.items()),
        *(
            Case(text, raises=ZeroDivisionError, label=label)
            for text, label in _ARITHMETIC_ERRORS.items()
        ),
    ]


# Expressions drawn at random every time the answer is collected, from a fresh seed kept with
# the results (the judge rebuilds them from it): a calculator that looks the hidden cases up,
# for example eval with a list of the inputs to refuse, cannot know them in advance.
N_FRESH_CALCULATIONS = 8
_CALLED = ("abs", "round", "int", "float", "hex", "oct", "bin", "chr", "str", "bool")  # harmless


def fresh_calculations(seed: int) -> list[tuple[str, str]]:
    """Exercise 8's random expressions for ``seed``, each with the kind of input it is."""
    rng = random.Random(seed)

    def n(low: int, high: int) -> int:
        return rng.randint(low, high)

    return [
        (f"({n(2, 9)} ** {n(90, 100)}) ** {n(90, 100)}", "a power of a power (drawn at random)"),
        (
            f"{n(2, 9)} ** ({n(51, 60)} + {n(51, 60)})",
            "a computed exponent above MAX_EXPONENT (drawn at random)",
        ),
        (f"{n(2, 9)}e{n(51, 99)} * {n(2, 9)}e{n(51, 99)}", "a product beyond MAX_MAGNITUDE"),
        (f"{rng.choice(_CALLED)}({n(1, 99)})", "a function call (drawn at random)"),
        (f"{n(2, 99)} * {n(2, 99)} - {n(2, 99)} / {n(2, 9)}", "arithmetic (drawn at random)"),
        (
            f"({n(2, 9)} ** {n(2, 5)}) ** {n(2, 5)} // {n(2, 99)}",
            "a power of a power within MAX_MAGNITUDE (drawn at random)",
        ),
        (
            f"-{n(2, 99)} % {n(2, 9)} + {n(1, 9)}.{n(0, 99):02d} ** {n(2, 3)}",
            "a remainder and a float power (drawn at random)",
        ),
        (f"{n(2, 9)} ** -{n(1, 10)}", "a negative exponent (drawn at random)"),
    ]


_FORBIDDEN = frozenset({"eval", "exec", "compile"})


def _forbidden_names(func: Any) -> list[str]:
    """Which of eval, exec and compile ``func`` (or a notebook function it calls) refers to.

    Reads the compiled code, nested functions included (``co_consts``): a global name, an
    alias of one of the three in the function's namespace or closure, or an attribute named
    eval or exec (``builtins.eval``). An attribute named compile is allowed: ``re.compile``
    compiles a regular expression, not Python code.
    """
    import builtins

    banned = {id(getattr(builtins, name)): name for name in _FORBIDDEN}

    def judge(name: str, value: Any, opname: str) -> str | None:
        if opname in GLOBAL_LOADS and name in _FORBIDDEN:
            return name
        if opname in ATTRIBUTE_LOADS and name in ("eval", "exec"):
            return name
        return banned.get(id(value))

    return names_used(func, judge)


def plain_number(value: Any) -> Any:
    """An int too large for a float, replaced by text that says how large it is.

    Such an int cannot be compared as a number (float() overflows) and, beyond 4,300 digits,
    cannot even be written out; a calculator without limits returns them. Anything else is
    returned unchanged.
    """
    if type(value) is int and value.bit_length() > 1024:
        return f"<an int of about {int(value.bit_length() * 0.30103) + 1} digits>"
    return value


def _call_summary(func: Any, expression: str) -> dict[str, Any]:
    """One call of the learner's calculator, as plain data small enough to encode."""
    try:
        value = func(expression)
    except Exception as error:
        return {"ok": False, "error_types": exception_names(error)}
    small = type(value) is float or (type(value) is int and value.bit_length() <= 1024)
    return {"ok": True, "value": value if small else None, "value_type": type(value).__name__}


class _Calculator(Function):
    """Exercise 8: the fixed cases, expressions drawn at random, and the names the code uses.

    ``collect`` adds ``fresh_seed`` and ``fresh`` (the results on the expressions of
    ``fresh_calculations(fresh_seed)``, a seed drawn anew at every collection) and ``uses``
    (eval, exec or compile in the code, which the prompt forbids); the judge rejects either.
    """

    def collect(self, namespace):
        answer = super().collect(namespace)
        if answer.missing is None and answer.error is None:
            for result in answer.values["results"]:
                if result.get("ok"):
                    result["value"] = plain_number(result["value"])
            func = namespace[self.name]
            seed = random.SystemRandom().randrange(2**62)  # not the notebook's seeded generators
            answer.values["fresh_seed"] = seed
            answer.values["fresh"] = [
                _call_summary(func, text) for text, _ in fresh_calculations(seed)
            ]
            answer.values["uses"] = _forbidden_names(func)
        return answer

    def _collected_names(self) -> tuple[str, ...]:
        return ("results", "fresh_seed", "fresh", "uses")

    def _malformed(self, answer: Answer) -> str | None:
        problem = super()._malformed(answer)
        if problem is not None:
            return problem
        values = answer.values
        seed, fresh, uses = values["fresh_seed"], values["fresh"], values["uses"]
        if type(seed) is not int or not 0 <= seed < 2**62:
            return "its seed of the random expressions is not one the check draws"
        if type(fresh) is not list or len(fresh) != N_FRESH_CALCULATIONS:
            return "it does not hold one result per random expression"
        for result in fresh:
            if type(result) is not dict or type(result.get("ok")) is not bool:
                return "a random expression's result has an unexpected form"
            if result["ok"]:
                if set(result) != {"ok", "value", "value_type"}:
                    return "a random expression's result has an unexpected form"
                if type(result["value"]) not in (int, float, type(None)):
                    return "a random expression's value is not a number"
                if type(result["value_type"]) is not str:
                    return "a random expression's result has an unexpected form"
            elif set(result) != {"ok", "error_types"} or type(result["error_types"]) is not list:
                return "a random expression's error has an unexpected form"
            elif not all(type(name) is str for name in result["error_types"]):
                return "a random expression's error has an unexpected form"
        if type(uses) is not list or not all(name in _FORBIDDEN for name in uses):
            return "its list of the names used has an unexpected form"
        return None

    def _judge(self, answer: Answer):
        uses = answer.values["uses"]
        if uses:
            names = " and ".join(f"`{name}`" for name in uses)
            return self._wrong(
                f"`{self.name}` uses {names}, which the exercise forbids: eval, exec and compile "
                "run any Python code, and no list of inputs to refuse can make that safe. Parse "
                "the text with `ast.parse` and evaluate the tree yourself, node by node."
            )
        outcome = super()._judge(answer)
        if outcome.status != "correct":
            return outcome
        failed = []
        drawn = fresh_calculations(answer.values["fresh_seed"])
        for (text, label), result in zip(drawn, answer.values["fresh"], strict=True):
            why = self._fresh_problem(text, result)
            if why:
                failed.append(f"{label} ({why})")
        if failed:
            return self._wrong(
                f"`{self.name}` passes the fixed cases but fails {len(failed)} of "
                f"{len(drawn)} expressions drawn at random for this check: "
                f"{'; '.join(failed[:4])}. Refuse by kind of input and by size, never by "
                "looking an input up."
            )
        return outcome

    def _fresh_problem(self, text: str, result: dict[str, Any]) -> str | None:
        """Why the learner's result on one random expression is wrong, or None."""
        try:
            expected = self.reference(text)
        except Exception as error:
            if result["ok"]:
                return f"it should raise {type(error).__name__} but returned"
            if exception_name(type(error)) not in result["error_types"]:
                return f"it raised {result['error_types'][0]}"
            return None
        if not result["ok"]:
            return f"it raised {result['error_types'][0] if result['error_types'] else 'an error'}"
        if result["value"] is None or result["value_type"] not in ("int", "float"):
            return f"it returned a {result['value_type']}"
        if compare(expected, result["value"], "result", **self.options) is not None:
            return "wrong result"
        return None


# --------------------------------------------------------------------------------------
# Exercise 9: the agent loop, with fake planners and tools.
# --------------------------------------------------------------------------------------


def _search(query: str) -> str:
    return f"3 chunks about {query}"


# What the planners of the agent cases ask the calculator, spaces removed.
_ASKED = {"6*7": lambda: 6 * 7, "1/0": lambda: 1 / 0, "2**10": lambda: 2**10}


def _calculator(expression: str) -> int | float:
    """The calculator tool of the agent cases: a stand-in that knows only what it is asked.

    It answers the expressions the planners of these cases send, a lone number, and rejects
    text that does not parse, or whose outermost node is not arithmetic, with the ValueError
    of exercise 8's ``calculate``.
    """
    text = expression.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"not an arithmetic expression: {error.msg}") from None
    node = tree.body
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    asked = _ASKED.get("".join(text.split()))
    if asked is not None:
        return asked()
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        raise ValueError(f"the calculator of these cases knows only {', '.join(_ASKED)}")
    raise ValueError(f"not allowed in a calculation: {type(node).__name__}")


# A plain dict, so that the check can tell whether a learner's loop changed it in place (every
# visible case names it in its `call`, so its repr is never shown).
_TOOLS = {"calculator": _calculator, "search": _search}


class _Planner:
    """A scripted planner: the actions to take, then finish with the last observation."""

    def __init__(self, name: str, actions: list[tuple[str, str]]):
        self.name = name
        self.actions = actions

    def __call__(self, task: str, steps: list) -> tuple[str, str]:
        if len(steps) < len(self.actions):
            return self.actions[len(steps)]
        last = steps[-1]["observation"] if steps else "nothing"
        return ("finish", f"{task}: {last}")

    def __repr__(self) -> str:
        return self.name


class _Looping:
    """A planner that never finishes; it gives up loudly if the loop has no step limit."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, task: str, steps: list) -> tuple[str, str]:
        self.calls += 1
        if self.calls > 50:
            raise RuntimeError("the planner was asked 51 times: the loop ignores max_steps")
        return ("search", f"attempt {self.calls}")

    def __repr__(self) -> str:
        return "never_finishes"


def _agent_cases() -> list[Case]:
    return [
        Case(
            "6 times 7",
            _Planner("calculate_then_finish", [("calculator", "6 * 7")]),
            _TOOLS,
            call="run_agent('6 times 7', <a planner that calls calculator('6 * 7'), then "
            "finishes>, {'calculator': ..., 'search': ...})",
        ),
        Case(
            "anything",
            _Looping(),
            _TOOLS,
            max_steps=3,
            call="run_agent('anything', <a planner that never finishes>, {'calculator': ..., "
            "'search': ...}, max_steps=3)",
        ),
    ]


def _agent_hidden() -> list[Case]:
    two = _Planner("search_twice", [("search", "floats"), ("search", "isclose")])
    return [
        Case(
            "nothing to do",
            _Planner("finish_at_once", []),
            _TOOLS,
            label="a planner that finishes at once",
        ),
        Case("two searches", two, _TOOLS, label="two tool calls, then finish"),
        Case(
            "two searches",
            two,
            _TOOLS,
            max_steps=2,
            label="max_steps reached just before the planner would finish",
        ),
        Case(
            "browse",
            _Planner("unknown_tool", [("browse", "the web")]),
            _TOOLS,
            label="an unknown tool",
        ),
        Case(
            "divide",
            _Planner("failing_tool", [("calculator", "1 / 0")]),
            _TOOLS,
            label="a tool that raises ZeroDivisionError",
        ),
        Case(
            "hostile",
            _Planner("hostile", [("calculator", "__import__('os')")]),
            _TOOLS,
            label="a tool that raises ValueError",
        ),
        Case(
            "once",
            _Planner("calculate_then_finish", [("calculator", "2 ** 10")]),
            _TOOLS,
            max_steps=1,
            label="max_steps = 1",
        ),
        Case(
            "loop", _Looping(), _TOOLS, max_steps=1, label="a planner that never finishes, 1 step"
        ),
        Case("loop", _Looping(), _TOOLS, label="a planner that never finishes, default limit"),
        Case(
            "none",
            _Planner("finish_at_once", []),
            _TOOLS,
            max_steps=0,
            label="max_steps = 0",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 10: a token-level F1 between an answer and the reference answer.
# --------------------------------------------------------------------------------------


def _f1_cases() -> list[Case]:
    return [
        Case(
            "Use math.isclose to compare floats. [01_python_essentials:5:0]",
            "Compare them with math.isclose.",
        ),
        Case("Shift+Enter.", "Shift+Enter."),
    ]


def _f1_hidden() -> list[Case]:
    label_answer = f"Press Shift+Enter. [00_start_here §Running cells] {LABEL}"
    return [
        Case("loss loss loss", "loss", label="a word repeated in the answer"),
        Case("validation loss", "loss loss validation", label="a word repeated in the reference"),
        Case("", "", label="two empty texts"),
        Case("", "Shift+Enter.", label="an empty answer"),
        Case("The answer is in the notebook.", "", label="an empty reference"),
        Case("what is it?", "Shift+Enter.", label="an answer of stop words only"),
        Case("Softmax overflows.", "Shift+Enter.", label="no word in common"),
        Case("SHIFT+enter", "shift+Enter.", label="upper and lower case"),
        Case(label_answer, "Shift+Enter.", label="a citation with spaces and the LABEL"),
        Case(
            "Floats compare with isclose [a] [b:1] and [c]",
            "compare floats with math.isclose",
            label="several citations",
        ),
        Case("0.1 + 0.2 is 0.30000000000000004", "0.1 plus 0.2", label="numbers"),
        Case(NO_ANSWER, "Shift+Enter.", label="the NO_ANSWER text"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 11: a paired bootstrap confidence interval for the difference of two systems.
# --------------------------------------------------------------------------------------

_RR_A = [1.0, 0.5, 0.0, 1.0, 1 / 3, 1.0, 0.25, 1.0]
_RR_B = [0.5, 0.5, 0.0, 1.0, 0.25, 1.0, 0.0, 1.0]


def _bootstrap_cases() -> list[Case]:
    return [
        Case(_RR_A, _RR_B, call="paired_bootstrap(rr_hybrid, rr_bm25)"),
        Case(
            _RR_A,
            _RR_B,
            n_resamples=500,
            seed=1,
            confidence=0.9,
            call="paired_bootstrap(rr_hybrid, rr_bm25, n_resamples=500, seed=1, confidence=0.9)",
        ),
    ]


def _bootstrap_hidden() -> list[Case]:
    rng = np.random.default_rng(_SEED)
    a = rng.uniform(size=40).round(3).tolist()
    b = (np.clip(np.array(a) + rng.normal(0.0, 0.2, size=40), 0, 1)).round(3).tolist()
    return [
        Case([0.5, 1.0, 0.0], [0.5, 1.0, 0.0], label="two identical systems"),
        Case([1.0], [0.5], label="a single question"),
        Case(np.array(_RR_B), np.array(_RR_A), label="NumPy arrays, B better than A"),
        Case([1, 0, 1, 1, 0, 1], [0, 0, 1, 0, 0, 1], label="hits given as integers 0 and 1"),
        Case(a, b, seed=3, label="40 questions"),
        Case(a, b, n_resamples=1, label="a single resample"),
        Case(a[:10], b[:9], raises=ValueError, label="lists of different lengths"),
        Case([], [], raises=ValueError, label="no questions"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 12 (the real corpus): the chunk size chosen on dev questions, reported on test.
# --------------------------------------------------------------------------------------

SIZES = (40, 80, 160)
_SNAPSHOT = Path(__file__).with_name("m24_course_snapshot.json")


def load_course_snapshot() -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The corpus of exercise 12: a frozen copy of the lessons' text and of the question set.

    The grading sandbox sees neither curriculum/ nor datasets/, and the lessons change between
    releases, so exercise 12 runs on this copy, stored with the exercise: the learner's notebook
    and the grader compute on exactly the same text. Each call returns fresh objects.

    Returns
    -------
    course : pandas.DataFrame
        One row per markdown cell, with the columns ``notebook`` and ``text``, as
        ``load_course_text()`` gives them (module 24's own lesson left out).
    questions : list of dict
        The questions of ``datasets/course_qa.toml``, as ``read_course_qa()`` gives them.
    """
    data = json.loads(_SNAPSHOT.read_text(encoding="utf-8"))
    course = pd.DataFrame(data["cells"], columns=["notebook", "text"])
    course.attrs["description"] = data["description"]
    return course, data["questions"]


MODULE = Module(
    "24",
    "rag_agents",
    "RAG and agents",
    problems=(
        Function(
            "24.1",
            name="chunk_text",
            cases=_chunk_cases,
            hidden=_chunk_hidden,
            title="Chunk a text into overlapping word windows",
            points=2,
            hints=[
                "Split the text into words with `text.split()`. Consecutive windows start "
                "`max_words - overlap` words apart.",
                "Stop as soon as a window reaches the last word: a further window would lie "
                "entirely inside the previous one. `range(0, len(words), step)` can produce "
                "such a superfluous last window.",
                "Check the arguments first: `max_words < 1`, `overlap < 0` or "
                "`overlap >= max_words` raise ValueError. Then loop with `start = 0`, append "
                "`' '.join(words[start:start + max_words])`, `break` if "
                "`start + max_words >= len(words)`, else `start += max_words - overlap`.",
            ],
        ),
        Function(
            "24.2",
            name="bm25_scores",
            cases=_bm25_cases,
            hidden=_bm25_hidden,
            title="BM25 scores",
            points=3,
            hints=[
                "Loop over the distinct query terms (`dict.fromkeys(query)` keeps their order). "
                "For each term, count the documents that contain it (df), then add its "
                "contribution to every document that contains it.",
                "idf = log((N - df + 0.5) / (df + 0.5) + 1), with N the number of documents; "
                "without the + 1 the idf of a common term turns negative.",
                "Contribution: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / avgdl)), "
                "where tf = doc.count(term) and avgdl is the mean document length. An empty "
                "corpus gives [].",
            ],
        ),
        Function(
            "24.3",
            name="cosine_top_k",
            cases=_cosine_cases,
            hidden=_cosine_hidden,
            title="Top k rows by cosine similarity",
            points=2,
            hints=[
                "Cosine similarity is the dot product divided by both lengths: "
                "`matrix @ query / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(query))`. "
                "Without the division, long rows win.",
                "Rows (or a query) of zeros have similarity 0: compute the division only where "
                "both norms are positive, e.g. with `np.zeros(len(matrix))` and a mask.",
                "`np.argsort(-similarity, kind='stable')` sorts from most to least similar and "
                "keeps equal similarities in index order; take the first k and convert each "
                "index with `int(...)`. Raise ValueError for k < 1.",
            ],
        ),
        Function(
            "24.4",
            name="recall_at_k",
            cases=_recall_cases,
            hidden=_recall_hidden,
            title="Recall at k",
            points=1,
            hints=[
                "Recall@k is the share of the relevant ids found among the first k results.",
                "Use sets: `set(ranked_ids[:k]) & set(relevant_ids)`, so that an id repeated in "
                "the ranking is not counted twice.",
                "Divide by `len(set(relevant_ids))`; raise ValueError when that is 0 or when "
                "k < 1.",
            ],
        ),
        Function(
            "24.5",
            name="mrr",
            cases=_mrr_cases,
            hidden=_mrr_hidden,
            title="Mean reciprocal rank",
            points=2,
            hints=[
                "For each query, find the position (counting from 1) of the first result that "
                "is relevant; its reciprocal rank is 1 / position, or 0 if there is none.",
                "`for position, item in enumerate(ranked, start=1):` and `break` at the first "
                "relevant item.",
                "Average over **all** queries, including those without a hit. Raise ValueError "
                "for no queries, or when the two lists differ in length.",
            ],
        ),
        Function(
            "24.6",
            name="reciprocal_rank_fusion",
            cases=_rrf_cases,
            hidden=_rrf_hidden,
            title="Reciprocal rank fusion",
            points=2,
            hints=[
                "Every ranking adds 1 / (k + rank) to the score of each id in it, with ranks "
                "counted from 1.",
                "Accumulate the scores in a dict: `scores[item] = scores.get(item, 0.0) + ...`.",
                "Return the ids sorted by score, highest first, ties by id: "
                "`sorted(scores, key=lambda item: (-scores[item], item))`.",
            ],
        ),
        Custom(
            "24.7",
            reads=("grounded_answer",),
            extract=_extract_grounded,
            title="A grounded answer with citations",
            points=3,
            hints=[
                "Score every sentence of every chunk with "
                "`len(words(question) & words(sentence))` and keep those that score at least 1, "
                "together with their chunk's id.",
                "`sorted(candidates, key=lambda c: -c[0])` is stable, so equal scores stay in "
                "reading order; keep the first `max_sentences`. With none left, return "
                "`{'answer': NO_ANSWER, 'citations': []}`.",
                "Build `' '.join(f'{sentence} [{cid}]' ...) + ' ' + LABEL`, and the citations "
                "with `list(dict.fromkeys(ids in order of use))`.",
            ],
        ),
        _Calculator(
            "24.8",
            name="calculate",
            cases=_calculate_cases,
            hidden=_calculate_hidden,
            title="A safe calculator",
            points=3,
            hints=[
                "Never `eval` the text (the check reads your code for eval, exec and compile): "
                "strip it, refuse it with ValueError if it is longer than MAX_LENGTH, parse it "
                "with `ast.parse(text, mode='eval')` (turning SyntaxError into ValueError) and "
                "evaluate the tree yourself, node by node.",
                "Allow only three kinds of node: `ast.Constant` whose value's type is exactly "
                "int or float (`isinstance` would let `True` through), `ast.UnaryOp` with "
                "UAdd/USub, and `ast.BinOp` with the seven operators listed. Anything else "
                "raises ValueError.",
                "Map operator classes to functions with the `operator` module, e.g. "
                "`{ast.Add: operator.add, ...}`, and evaluate both sides recursively. Check "
                "`abs(right) > MAX_EXPONENT` on the evaluated exponent before computing a "
                "power, and compute inside `try:` ... `except OverflowError:` (a float power can "
                "overflow). Let ZeroDivisionError through: it is not a refusal.",
                "Pass every value through one guard before returning it, number literals "
                "included: raise ValueError unless `type(value) in (int, float)` (a negative "
                "number to a fractional power gives a complex) and `abs(value) <= "
                "MAX_MAGNITUDE` (which is False for infinity). Then a power of a power can "
                "never grow beyond the limit.",
            ],
        ),
        Function(
            "24.9",
            name="run_agent",
            cases=_agent_cases,
            hidden=_agent_hidden,
            title="The agent loop",
            points=3,
            hints=[
                "`for _ in range(max_steps):` asks the planner at most max_steps times; after "
                "the loop, return `{'answer': None, 'steps': steps}`.",
                "Each turn: `name, argument = planner(task, steps)`; return at once on "
                "'finish'. Otherwise call the tool and append a dict with 'tool', 'input' and "
                "'observation'.",
                "An unknown tool and a tool that raises are observations, not crashes: "
                '`f"error: unknown tool {name!r}"` and, in `except Exception as error:`, '
                '`f"error: {type(error).__name__}: {error}"`. Convert results with `str(...)`.',
            ],
        ),
        Function(
            "24.10",
            name="answer_f1",
            cases=_f1_cases,
            hidden=_f1_hidden,
            title="Token F1 of an answer against the reference",
            points=2,
            hints=[
                "Clean both texts the same way: drop the citations and LABEL, lower-case, keep "
                "the words and numbers, leave out STOPWORDS. Keep repeated words: this is a "
                "count, not a set.",
                "`re.sub(r'\\[[^\\]]*\\]', ' ', text.replace(LABEL, ' '))` removes LABEL and "
                "every bracketed citation; `collections.Counter(a) & Counter(b)` keeps the "
                "smaller count of each word, and the sum of its values is the overlap.",
                "Both token lists empty: 1.0. One of them empty, or no overlap: 0.0. Otherwise "
                "precision = overlap / len(answer tokens), recall = overlap / len(reference "
                "tokens), F1 = 2 * precision * recall / (precision + recall).",
            ],
        ),
        Function(
            "24.11",
            name="paired_bootstrap",
            cases=_bootstrap_cases,
            hidden=_bootstrap_hidden,
            title="A paired bootstrap interval",
            points=2,
            hints=[
                "Work on the per-question differences `a - b`: both systems answered the same "
                "questions, so resample questions, not the two systems separately.",
                "`idx = rng.integers(0, n, size=(n_resamples, n))` draws all resamples at once, "
                "each row a list of question positions; `diff[idx].mean(axis=1)` is the mean "
                "difference of every resample.",
                "`np.percentile(means, [50 * (1 - confidence), 50 * (1 + confidence)])` gives "
                "the interval. Return `(float(diff.mean()), float(low), float(high))`; raise "
                "ValueError for no questions or lists of different lengths.",
            ],
        ),
        Value(
            "24.12",
            var="chunk_report",
            rtol=1e-12,
            atol=1e-12,
            title="Choose the chunk size on dev questions, report it on test questions",
            points=3,
            hints=[
                "Loop over SIZES. For each size, chunk every lesson cell with your "
                "`chunk_text(text, size, size // 4)`, rank the chunks for every **dev** question "
                "with your `bm25_scores` and `rank`, and compute the MRR with your `mrr`.",
                "The relevant chunks of a question are the positions of the chunks that "
                "`contains(chunk, passage)` for any of its passages; `mrr(rankings, "
                "relevant_sets)` takes one full ranking and one set per question.",
                "`chosen = max(SIZES, key=lambda size: (dev_mrr[size], -size))` picks the best "
                "dev MRR, the smaller size on a tie. Only then compute the MRR of the chosen "
                "size on the **test** questions, and, to compare with it, that of every size "
                "(`test_mrr_all`, in the order of SIZES); the comparison changes nothing.",
            ],
        ),
        Choice(
            "24.kc1",
            var="kc1",
            choices="abcd",
            title="BM25's b",
            hints=["b scales the term-frequency saturation by len(doc) / avgdl. What if it is 0?"],
        ),
        Numeric(
            "24.kc2",
            var="kc2",
            atol=1e-3,
            title="Mean reciprocal rank",
            hints=["Reciprocal ranks 1/2, 1/1 and 0; average over all three queries."],
        ),
        Choice(
            "24.kc3",
            var="kc3",
            choices="abcd",
            title="A flat inner-product index",
            hints=["Two are right. What is the inner product of two unit vectors?"],
        ),
        Choice(
            "24.kc4",
            var="kc4",
            choices="abcd",
            title="Why chunks overlap",
            hints=["What happens to a sentence that straddles the boundary between two chunks?"],
        ),
        Choice(
            "24.kc5",
            var="kc5",
            choices="abcd",
            title="What an extractive answer can do",
            hints=["Two are right. The provider copies sentences; it does not write any."],
        ),
        Numeric(
            "24.kc6",
            var="kc6",
            atol=1e-4,
            title="A fused score",
            hints=["Ranks count from 1: add 1 / (60 + rank) for each retriever."],
        ),
        Choice(
            "24.kc7",
            var="kc7",
            choices="abcd",
            title="A hostile chunk",
            hints=["Which part of the agent decides what the calculator is able to run?"],
        ),
        Choice(
            "24.kc8",
            var="kc8",
            choices="abcd",
            title="Choosing and reporting on the same questions",
            hints=["Which configuration wins depends partly on luck with these 20 questions."],
        ),
        Choice(
            "24.kc9",
            var="kc9",
            choices="abcd",
            title="When to abstain",
            hints=["Two are right. Does a BM25 score of 8 mean the same for every question?"],
        ),
    ),
)
