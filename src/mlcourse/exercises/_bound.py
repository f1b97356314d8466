"""Problems bound to a learner's namespace: ``ex.q3.check()``, ``hint()``, ``solution()``."""

from __future__ import annotations

import html
import os
import re
import sys
from collections.abc import Mapping
from typing import Any

from ..checks import Outcome, Problem
from . import _events
from ._registry import Module

_TRUE = {"1", "true", "yes", "on"}
#: The longest solution shown in a notebook (a longer text is cut, and says so).
MAX_SOLUTION_CHARS = 20_000
# ASCII punctuation that Markdown may read as syntax (``&<>"'`` are left to html.escape)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~=:])")


class CheckFailed(Exception):
    """Raised by ``check()`` in strict mode (``MLCOURSE_STRICT=1``) when not Correct."""


class SelfTestFailed(AssertionError):
    """Raised by ``assert_rejects``/``assert_accepts`` when a check does not behave as claimed."""


def strict_mode() -> bool:
    """True when ``MLCOURSE_STRICT`` is set to 1/true/yes/on."""
    return os.environ.get("MLCOURSE_STRICT", "").strip().lower() in _TRUE


def _live_client() -> Any:
    """The live-class client when this notebook joined a class (never imported otherwise)."""
    return sys.modules.get("mlcourse.live._client")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows it literally: no link, image, emphasis or HTML.

    Parameters
    ----------
    text : str
        Text from elsewhere (a class service's message or reason).

    Returns
    -------
    str
        The text with Markdown's punctuation backslash-escaped and ``&<>"'`` as entities.
    """
    return html.escape(_MARKDOWN_SPECIALS.sub(r"\\\1", text))


def code_block(text: str, language: str = "python") -> str:
    """``text`` as a fenced Markdown code block that nothing in it can close.

    The fence is one backtick longer than the longest run of backticks in ``text``, so a
    line of backticks inside it is code, not the end of the block; a text longer than
    :data:`MAX_SOLUTION_CHARS` is cut.

    Parameters
    ----------
    text : str
        The code.
    language : str
        The fence's language tag.

    Returns
    -------
    str
    """
    if len(text) > MAX_SOLUTION_CHARS:
        text = text[:MAX_SOLUTION_CHARS] + "\n# … (cut: too long to show)"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


class Text:
    """Markdown shown in a notebook, with a plain-text fallback."""

    def __init__(self, markdown: str, plain: str):
        self.markdown = markdown
        self.plain = plain

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.plain


class BoundProblem:
    """One problem of a loaded module, reading answers from the learner's namespace."""

    def __init__(self, problem: Problem, module: Module, namespace: Mapping[str, Any]):
        self.problem = problem
        self.module = module
        self._namespace = namespace

    @property
    def id(self) -> str:
        """The problem id, e.g. ``"01.3"``."""
        return self.problem.id

    def check(self) -> Outcome:
        """Check the learner's current answer and show the outcome.

        In strict mode (``MLCOURSE_STRICT=1``) anything but Correct raises CheckFailed.
        """
        client = _live_client()
        outcome = client and client.check_on_service(
            self.problem, self._namespace, self.module.number
        )
        if outcome is None:
            outcome = self.problem.check(self._namespace)
            _events.record(outcome, self.module.number)
        if strict_mode() and not outcome.correct:
            raise CheckFailed(str(outcome))
        return outcome

    def hint(self, level: int = 1) -> Text:
        """Show hint number ``level`` (1 is the gentlest)."""
        hints = self.problem.hints
        if not hints:
            text = (
                "There are no hints for this one. Re-read the task and the lesson section it names."
            )
            return Text(text, text)
        if not isinstance(level, int) or not 1 <= level <= len(hints):
            text = f"Hints for {self.id} are numbered 1 to {len(hints)}; try `hint({min(max(1, level if isinstance(level, int) else 1), len(hints))})`."
            return Text(text, text)
        client = _live_client()
        if client is not None:
            client.on_hint(self.module.number, self.id)
        more = f" (`hint({level + 1})` says more)" if level < len(hints) else ""
        head = f"Hint {level} of {len(hints)} for {self.id}{more}:"
        return Text(f"💡 **{html.escape(head)}** {hints[level - 1]}", f"{head} {hints[level - 1]}")

    def solution(self) -> Text:
        """Show the answer cell(s) of this problem from the solutions notebook, if present.

        In a live class the class service decides: it shows the solution once released.
        """
        from ._solutions import solution_source

        client = _live_client()
        answer = client and client.solution_from_service(self.id)
        if answer is not None and not answer[0]:
            return Text(markdown_text(answer[1]), answer[1])
        found, text = answer if answer is not None else solution_source(self.module, self.problem)
        if not found:
            return Text(text, text)
        head = f"Solution to {self.id}:"
        return Text(f"**{head}**\n\n{code_block(text)}", f"{head}\n{text}")

    def evaluate_values(self, **values: Any) -> Outcome:
        """Check answers given as keyword arguments instead of the notebook's variables."""
        return self.problem.check(values)

    def assert_rejects(self, **values: Any) -> Outcome:
        """Self-test: the check must reject these (mistaken) values as Incorrect.

        Raises
        ------
        SelfTestFailed
            When the outcome is anything but Incorrect.
        """
        outcome = self.evaluate_values(**values)
        if outcome.status != "incorrect":
            raise SelfTestFailed(
                f"expected the check of {self.id} to reject this answer, got: {outcome}"
            )
        return outcome

    def assert_accepts(self, **values: Any) -> Outcome:
        """Self-test: the check must accept these values as Correct.

        Raises
        ------
        SelfTestFailed
            When the outcome is anything but Correct.
        """
        outcome = self.evaluate_values(**values)
        if not outcome.correct:
            raise SelfTestFailed(
                f"expected the check of {self.id} to accept this answer, got: {outcome}"
            )
        return outcome

    def __repr__(self) -> str:
        title = f" — {self.problem.title}" if self.problem.title else ""
        return f"{self.id}{title} ({self.problem.points:g} pt): ex.{self.problem.attribute}.check(), .hint(), .solution()"


class LoadedModule:
    """The problems of one module bound to a namespace, as attributes ``q1``, ``kc1``, ..."""

    def __init__(self, module: Module, namespace: Mapping[str, Any]):
        self.module = module
        self._bound = {p.attribute: BoundProblem(p, module, namespace) for p in module.problems}

    def __getattr__(self, name: str) -> BoundProblem:
        bound = self.__dict__.get("_bound", {})
        if name in bound:
            return bound[name]
        raise AttributeError(
            f"module {self.module.number} has no problem {name!r}; it has {', '.join(bound)}"
        )

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._bound]

    @property
    def problems(self) -> list[BoundProblem]:
        """All bound problems, in declaration order."""
        return list(self._bound.values())

    def outcomes(self) -> list[Outcome]:
        """Check every problem without rendering, recording or strict mode."""
        return [b.problem.check(b._namespace) for b in self._bound.values()]

    def summary(self) -> Text:
        """A table of every problem's current outcome and the total score."""
        outcomes = self.outcomes()
        rows = [
            (o.problem, o.status.replace("_", " "), f"{o.points:g}/{o.max_points:g}")
            for o in outcomes
        ]
        total = sum(o.points for o in outcomes)
        total_text = f"{total:g}/{self.module.max_points:g}"
        md = ["| problem | status | points |", "|---|---|---|"]
        md += [f"| {p} | {s} | {pts} |" for p, s, pts in rows]
        md.append(f"| **total** | | **{total_text}** |")
        plain = [f"{p:<8} {s:<15} {pts}" for p, s, pts in rows] + [
            f"{'total':<8} {'':<15} {total_text}"
        ]
        return Text("\n".join(md), "\n".join(plain))

    def __repr__(self) -> str:
        head = f"Module {self.module.number} — {self.module.title}: {len(self._bound)} problems, {self.module.max_points:g} points"
        return "\n".join([head, *(f"  {b!r}" for b in self._bound.values())])
