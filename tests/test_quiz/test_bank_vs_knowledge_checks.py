"""No interview-bank question repeats a graded knowledge check.

The bank ships in the course's package, answers and all, so a bank question that is a graded
knowledge check (``NN.kcK``) in other words hands learners the graded answer. A shared topic is
fine; a shared question is not. Two texts share a question when a code block is the same up to
the names and strings in it, when an inline expression with a number in it (``-7 // 2``) is the
same, or when the prompts' words are nearly the same.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
import pytest

from mlcourse.exercises._registry import available_modules, get_module
from mlcourse.quiz import Question, load_bank

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
KNOWLEDGE_CHECK = re.compile(r"\.kc\d+$")
FENCED = re.compile(r"```[^\n]*\n(.*?)```", re.S)
INLINE = re.compile(r"`([^`\n]+)`")
QUESTION_START = re.compile(r"\*\*Question \d+\.\*\*")
OPTION_LINE = re.compile(r"^\s*[a-d]\)\s.*$", re.M)
OPERATIONS = (ast.BinOp, ast.Compare, ast.BoolOp, ast.Call, ast.Subscript, ast.Attribute)
SAME_WORDING = 0.8  # the rest of the course's bank scores at most 0.76


class _Anonymise(ast.NodeTransformer):
    """Rename variables, parameters and functions to ``_v0``, ``_v1``...; blank out strings."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def _rename(self, name: str) -> str:
        return self.names.setdefault(name, f"_v{len(self.names)}")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._rename(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg, node.annotation = self._rename(node.arg), None
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node.name = self._rename(node.name)
        self.generic_visit(node)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        if isinstance(node.value, str):
            node.value = "_s"
        return node


def _parse(source: str) -> ast.AST | None:
    try:
        return ast.parse(source.strip())
    except SyntaxError:
        return None


def code_block_key(source: str) -> str:
    """A code block's shape: its syntax tree with names and strings anonymised."""
    tree = _parse(source)
    if tree is None:
        return " ".join(source.split())
    return ast.dump(_Anonymise().visit(tree))


def expression_key(source: str) -> str | None:
    """An inline expression's syntax tree when it computes with a number in it, else None.

    ``-7 // 2`` and ``round(2.5)`` are questions in themselves; ``fit`` or
    ``memory_usage(deep=True)`` only name the topic.
    """
    tree = _parse(source)
    if tree is None:
        return None
    nodes = list(ast.walk(tree))
    has_number = any(
        isinstance(n, ast.Constant)
        and isinstance(n.value, (int, float, complex))
        and not isinstance(n.value, bool)
        for n in nodes
    )
    has_operation = any(isinstance(n, OPERATIONS) for n in nodes)
    return ast.dump(tree) if has_number and has_operation else None


@cache
def snippet_keys(text: str) -> frozenset[str]:
    """The keys of every fenced code block and every computing inline expression of ``text``."""
    keys = {code_block_key(block) for block in FENCED.findall(text)}
    inline = (expression_key(span) for span in INLINE.findall(FENCED.sub(" ", text)))
    return frozenset(keys | {key for key in inline if key is not None})


@cache
def wording(text: str) -> str:
    """The words of a question, without code blocks, options or punctuation, lower case."""
    text = QUESTION_START.sub(" ", OPTION_LINE.sub(" ", FENCED.sub(" ", text)))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@dataclass(frozen=True)
class KnowledgeCheck:
    """A graded knowledge-check question and the text of its prompt."""

    id: str
    prompt: str


def _question_text(markdown: list[str]) -> str:
    """The prompt of the answer cell that follows these markdown cells."""
    text = "\n\n".join(markdown)
    starts = list(QUESTION_START.finditer(text))
    return text[starts[-1].start() :] if starts else text


def knowledge_checks() -> list[KnowledgeCheck]:
    """Every module's knowledge checks, each with the markdown just before its answer cell."""
    found: list[KnowledgeCheck] = []
    for number in available_modules():
        module = get_module(number)
        wanted = {p.id for p in module.problems if KNOWLEDGE_CHECK.search(p.id)}
        notebook = nbformat.read(EXERCISES / f"{module.name}.ipynb", as_version=4)
        markdown: list[str] = []
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                markdown.append(cell.source)
                continue
            meta = cell.metadata.get("mlcourse", {})
            if meta.get("role") == "answer" and meta.get("problem") in wanted:
                found.append(KnowledgeCheck(meta["problem"], _question_text(markdown)))
                wanted.discard(meta["problem"])
            markdown = []
        assert not wanted, f"{module.name}: no answer cell found for {sorted(wanted)}"
    return found


def bank_text(question: Question) -> str:
    """The text a learner reads before answering: the prompt and, for code, the starter."""
    if question.starter:
        return f"{question.prompt}\n```python\n{question.starter}\n```"
    return question.prompt


def shared_question(question: Question, check: KnowledgeCheck) -> str | None:
    """Why ``question`` repeats ``check`` (None when it does not)."""
    if snippet_keys(bank_text(question)) & snippet_keys(check.prompt):
        return "the same code"
    matcher = difflib.SequenceMatcher(None, wording(question.prompt), wording(check.prompt))
    # the quick ratios are upper bounds of ratio(): most pairs stop there
    if matcher.real_quick_ratio() < SAME_WORDING or matcher.quick_ratio() < SAME_WORDING:
        return None
    ratio = matcher.ratio()
    return f"nearly the same wording ({ratio:.2f})" if ratio >= SAME_WORDING else None


CHECKS = knowledge_checks()
BANK = load_bank()


def _bank_question(prompt: str, starter: str = "") -> Question:
    return Question(
        id="m01-q99", module="01", difficulty="easy", kind="numeric", topic="t",
        prompt=prompt, explanation="e", starter=starter,
    )  # fmt: skip


def test_every_module_with_knowledge_checks_was_read():
    assert len(CHECKS) >= 150
    assert {c.id.split(".")[0] for c in CHECKS} >= {f"{n:02d}" for n in range(27)}
    by_id = {c.id: c for c in CHECKS}
    assert "-7 // 2" in by_id["01.kc2"].prompt
    assert "Question 1." not in by_id["01.kc2"].prompt  # only its own question


@pytest.mark.parametrize(
    "prompt",
    [
        "What is `-7//2`?",  # the same expression, spaced differently
        "Run this:\n```python\ndef keep(item, bag=[]):\n    bag.append(item)\n    return bag\n\n"
        'keep("a")\nout = keep("b")\n```\nWhat is `out`?',  # renamed
        "After running this code, what is `result` now?",  # nearly the same words
    ],
)
def test_a_copy_of_a_knowledge_check_in_other_clothes_is_caught(prompt):
    checks = [c for c in CHECKS if c.id in ("01.kc2", "01.kc3")]
    assert any(shared_question(_bank_question(prompt), c) for c in checks)


def test_a_shared_topic_is_not_a_shared_question():
    checks = [c for c in CHECKS if c.id.startswith("01.")]
    other = _bank_question("What does `-9 // 4` return, and why is `memory_usage(deep=True)` used?")
    assert not any(shared_question(other, c) for c in checks)


def test_no_bank_question_repeats_a_knowledge_check():
    clashes = [
        f"{q.id} repeats {c.id}: {why}"
        for q in BANK
        for c in CHECKS
        if (why := shared_question(q, c))
    ]
    assert not clashes, "\n".join(clashes)
