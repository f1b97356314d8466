"""Problem kinds: what a problem reads from the learner's namespace and how it is judged.

Every problem splits checking into two steps so that the grader can run them in different
processes:

``collect(namespace)``
    runs where the learner's code lives (the notebook kernel) and returns an :class:`Answer`
    holding plain data only: the learner's values, or the results of calling the learner's
    function on the test cases.
``evaluate(answer)``
    is pure and runs anywhere (the notebook, or the grader outside the learner's process).
    It returns one of the four outcomes.

``check(namespace)`` does both, and turns a bug in the checker into a CheckerError outcome
rather than a verdict on the learner.
"""

from __future__ import annotations

import copy
import re
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._compare import CompareError, compare, describe, how_far, safe_repr
from ._keys import FROM_KEY, KeyUnavailable, answer_key
from ._outcomes import (
    Outcome,
    checker_error,
    correct,
    incorrect,
    judged_when_graded,
    not_attempted,
)

_MISSING = object()


class Fail(Exception):
    """Raised by a custom judge to reject an answer with a message for the learner."""


@dataclass
class Answer:
    """What was collected from the learner: plain data, safe to serialise.

    Attributes
    ----------
    values : dict
        Per problem kind: the learner's variables, or function results.
    missing : str or None
        The name of the first variable that is missing or still a placeholder.
    error : str or None
        Set when collecting itself failed because of the learner's object
        (e.g. a custom extract called the learner's model and it raised).
    """

    values: dict[str, Any] = field(default_factory=dict)
    missing: str | None = None
    error: str | None = None


def is_placeholder(value: Any) -> bool:
    """True for what an exercise starts with: ``...``, ``None``, a stub function or class."""
    return value is Ellipsis or value is None or is_stub_function(value) or _is_stub_class(value)


_TRIVIAL_OPS = {"RESUME", "NOP", "CACHE", "PRECALL", "EXTENDED_ARG"}


def is_stub_function(func: Any) -> bool:
    """True for a function whose body is only ``...``/``pass``/``return None`` (and a docstring)."""
    code = getattr(func, "__code__", None)
    if code is None or not callable(func):
        return False
    import dis

    ops = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in _TRIVIAL_OPS]
    return ops in ([("RETURN_CONST", None)], [("LOAD_CONST", None), ("RETURN_VALUE", None)])


_FRAMEWORK_ATTRIBUTES = {"model_config"}  # added by pydantic to every model class
_LIBRARY_MODULES = ("builtins", "abc", "typing", "enum", "dataclasses", "collections", "pydantic")


def _is_stub_class(value: Any) -> bool:
    """True for a class whose body is only ``...``/``pass`` (and a docstring) or stub methods.

    The learner's own classes in its hierarchy are looked at, so a subclass of a written class
    is not a stub. Fields declared with annotations (dataclasses, pydantic models) count as an
    attempt; private and framework attributes (pydantic's ``model_config``) do not.
    """
    if not isinstance(value, type) or value.__module__ == "builtins":
        return False
    own = [k for k in value.__mro__ if k.__module__.split(".")[0] not in _LIBRARY_MODULES]
    for klass in own:
        if vars(klass).get("__annotations__"):
            return False
        members = [
            member
            for name, member in vars(klass).items()
            if name == "__init__" or not (name.startswith("_") or name in _FRAMEWORK_ATTRIBUTES)
        ]
        if not all(is_stub_function(member) for member in members):
            return False
    return True


@dataclass(frozen=True)
class Mistake:
    """A plausible mistake with targeted feedback.

    Parameters
    ----------
    value : callable
        Computes the value a learner making this mistake would get (from data).
    message : str
        What to tell the learner when their value matches it.
    """

    value: Callable[[], Any]
    message: str


class Problem:
    """Base class of every problem kind.

    Parameters
    ----------
    id : str
        ``"NN.k"`` for exercises, ``"NN.kcK"`` for knowledge-check questions.
    points : float
        Points awarded when correct.
    title : str
        A short title shown in feedback and gradebooks.
    hints : sequence of str
        Tiered hints, gentlest first.
    """

    kind = "problem"
    #: The reference parts of this kind, with their defaults (``FROM_KEY`` marks a required one).
    reference_parts: dict[str, Any] = {}

    def __init__(self, id: str, *, points: float = 1.0, title: str = "", hints: Sequence[str] = ()):
        if "." not in id:
            raise ValueError(f"problem id {id!r} should look like '01.3' or '01.kc1'")
        self.id = id
        self.points = float(points)
        self.title = title
        self.hints = tuple(hints)
        self._inline: dict[str, Any] | None = None

    def _set_reference(self, **parts: Any) -> None:
        """Keep reference parts given inline, or none at all (then they come from the key)."""
        given = {k: v for k, v in parts.items() if v is not FROM_KEY}
        if not given:
            self._inline = None
            return
        missing = [
            k
            for k, default in self.reference_parts.items()
            if default is FROM_KEY and k not in given
        ]
        if missing:
            raise ValueError(
                f"{self.id}: give every reference part inline or none (then they come from the "
                f"answer key); missing {missing}"
            )
        self._inline = given

    @property
    def keyed(self) -> bool:
        """True when this problem's reference comes from its module's answer key."""
        return self._inline is None

    def reference_part(self, name: str) -> Any:
        """One reference part (expected value, reference function, judge, quiz key, ...).

        Raises
        ------
        KeyUnavailable
            When the part lives in an answer key that is not installed here.
        """
        default = self.reference_parts[name]
        source = self._inline if self._inline is not None else answer_key(self.id)
        if name in source:
            return source[name]
        if default is FROM_KEY:
            raise LookupError(f"the answer key of {self.id} has no {name!r}")
        return default

    @property
    def reads(self) -> tuple[str, ...]:
        """The names this problem reads from the learner's namespace."""
        raise NotImplementedError

    @property
    def attribute(self) -> str:
        """The attribute name on a loaded module: ``q3`` for ``"01.3"``, ``kc1`` for ``"01.kc1"``."""
        suffix = self.id.split(".", 1)[1]
        return f"q{suffix}" if suffix.isdigit() else suffix

    def collect(self, namespace: Mapping[str, Any]) -> Answer:
        """Read the learner's answer from ``namespace`` (runs in the learner's process)."""
        values = {}
        for name in self.reads:
            value = namespace.get(name, _MISSING)
            if value is _MISSING or is_placeholder(value):
                return Answer(missing=name)
            values[name] = value
        return Answer(values)

    def evaluate(self, answer: Answer) -> Outcome:
        """Judge a collected answer (pure; runs in the notebook or in the grader)."""
        if answer.missing is not None:
            return not_attempted(self.id, self.points, self._not_attempted_message(answer.missing))
        if answer.error is not None:
            return self._wrong(answer.error)
        malformed = self._malformed(answer)
        if malformed is not None:
            # collected in the learner's process, so its shape is the learner's to break
            return self._wrong(f"The collected answer could not be read: {malformed}.")
        try:
            return self._judge(answer)
        except KeyUnavailable as error:
            return judged_when_graded(self.id, self.points, str(error))
        except Exception as error:
            return checker_error(self.id, self.points, _describe_error(error))

    def check(self, namespace: Mapping[str, Any]) -> Outcome:
        """Collect and evaluate in one step. Never raises for a learner's mistake."""
        try:
            answer = self.collect(namespace)
        except Exception as error:
            return checker_error(self.id, self.points, _describe_error(error))
        return self.evaluate(answer)

    def _not_attempted_message(self, name: str) -> str:
        return f"`{name}` has no answer yet: replace the `...` with your code, run the cell, then check again."

    def _collected_names(self) -> tuple[str, ...]:
        """The names ``collect`` puts in ``Answer.values``."""
        return self.reads

    def _malformed(self, answer: Answer) -> str | None:
        """Why a collected answer does not have the shape ``collect`` gives, or None."""
        if not isinstance(answer.values, dict):
            return "it is not a mapping of names to values"
        missing = [n for n in self._collected_names() if n not in answer.values]
        return f"it has no `{missing[0]}`" if missing else None

    def _judge(self, answer: Answer) -> Outcome:
        raise NotImplementedError

    def _wrong(self, message: str, points: float = 0.0, **details: Any) -> Outcome:
        suffix = f" Run `ex.{self.attribute}.hint()` for a nudge." if self.hints else ""
        return incorrect(self.id, self.points, message + suffix, points, **details)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.title!r} ({self.points:g} pt)>"


def results_form_problem(results: Any, count: int, what: str) -> str | None:
    """Why collected per-case results lack the form ``Function.collect`` gives them, or None.

    Parameters
    ----------
    results : Any
        The collected list of results, one dict per case (learner-made data).
    count : int
        How many cases the check ran.
    what : str
        What a case is called in the message, e.g. ``"a test case"``.
    """
    if type(results) is not list or len(results) != count:
        return f"it does not hold one result per {what.split(' ', 1)[-1]}"
    for result in results:
        if type(result) is not dict or type(result.get("ok")) is not bool:
            return f"{what}'s result has an unexpected form"
        if result["ok"] and "value" not in result:
            return f"{what}'s result has no value"
        if type(result.get("mutated", False)) is not bool:
            return f"{what}'s result has an unexpected form"
        if not result["ok"] and (
            type(result.get("error")) is not str
            or type(result.get("error_types")) is not list
            or not all(type(t) is str for t in result["error_types"])
        ):
            return f"{what}'s error has an unexpected form"
    return None


def _describe_error(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    where = f" at {frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno}" if frame else ""
    return f"{type(error).__name__}: {error}{where}"


def _resolve(value: Any) -> Any:
    return value() if callable(value) else value


class Value(Problem):
    """A variable whose value must match one computed by the checker.

    Parameters
    ----------
    id : str
        Problem id.
    var : str
        The learner variable to read.
    expected : callable or value
        A zero-argument function computing the expected value from data (preferred), or the
        value itself for trivial cases.
    rtol, atol : float
        Tolerances for floating-point comparisons.
    check_dtype, check_index : bool
        Passed to :func:`mlcourse.checks.compare`.
    mistakes : sequence of Mistake
        Plausible mistakes with targeted feedback.
    **kwargs
        ``points``, ``title``, ``hints``.
    """

    kind = "value"

    def __init__(
        self,
        id: str,
        *,
        var: str,
        expected: Any = FROM_KEY,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        check_dtype: bool = False,
        check_index: bool = True,
        mistakes: Sequence[Mistake] | Any = FROM_KEY,
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
        self.var = var
        self._set_reference(expected=expected, mistakes=mistakes)
        self.options = {
            "rtol": rtol,
            "atol": atol,
            "check_dtype": check_dtype,
            "check_index": check_index,
        }

    reference_parts = {"expected": FROM_KEY, "mistakes": ()}

    @property
    def expected(self) -> Any:
        """The expected value, or a zero-argument function computing it (reference)."""
        return self.reference_part("expected")

    @property
    def mistakes(self) -> tuple[Mistake, ...]:
        """Plausible mistakes with targeted feedback (reference)."""
        return tuple(self.reference_part("mistakes"))

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.var,)

    def expected_value(self) -> Any:
        """Compute the expected value (checker side)."""
        return _resolve(self.expected)

    def _judge(self, answer: Answer) -> Outcome:
        got = answer.values[self.var]
        problem = compare(self.expected_value(), got, self.var, **self.options)
        if problem is None:
            return correct(self.id, self.points)
        for mistake in self.mistakes:
            try:
                matches = compare(_resolve(mistake.value), got, self.var, **self.options) is None
            except CompareError:
                matches = False
            if matches:
                return self._wrong(mistake.message)
        return self._wrong(problem)


class Numeric(Value):
    """A knowledge-check question answered with a number (a :class:`Value` with tolerances)."""

    kind = "numeric"


@dataclass(frozen=True)
class Case:
    """One call of a learner function: ``Case(1, 2, key=3)``.

    Parameters
    ----------
    *args, **kwargs
        The arguments of the call.
    raises : type, optional
        An exception type the function is expected to raise instead of returning.
    label : str, optional
        The kind of input, e.g. ``"a 2-D batch"`` or ``"scores near 1000"``: what a learner is
        told when this case fails while hidden (never the input or the answer).
    call : str, optional
        How the call reads in messages when the case is visible, e.g. ``"relu(X_demo)"``,
        instead of the arguments' repr (name the demo inputs as the notebook does).
    """

    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    raises: type[BaseException] | None = None
    label: str | None = None
    call: str | None = None

    def __init__(
        self,
        *args: Any,
        raises: type[BaseException] | None = None,
        label: str | None = None,
        call: str | None = None,
        **kwargs: Any,
    ):
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "kwargs", kwargs)
        object.__setattr__(self, "raises", raises)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "call", call)

    def call_text(self, name: str) -> str:
        """How the call reads in a message, e.g. ``mean([1, 2])``."""
        if self.call:
            return self.call
        parts = [safe_repr(a, 60) for a in self.args]
        parts += [f"{k}={safe_repr(v, 60)}" for k, v in self.kwargs.items()]
        return f"{name}({', '.join(parts)})"


class Function(Problem):
    """A learner function called on visible and hidden test cases.

    Parameters
    ----------
    id : str
        Problem id.
    name : str
        The learner function's name.
    reference : callable
        The reference implementation, from which expected results are computed.
    cases : sequence of Case, or callable returning one
        Visible cases: a failure names the input.
    hidden : sequence of Case, or callable returning one
        Hidden cases: failures are reported only as counts.
    partial : bool
        Award points in proportion to the cases passed.
    may_mutate : bool
        Whether the function may change its arguments in place. By default a case fails when
        any argument differs after the call from what was passed.
    mistakes : sequence of Mistake
        Known wrong implementations with targeted feedback (reference). Each ``Mistake.value``
        is called like the reference; when the learner's results on every failing case equal
        the mistake's, its message is given.
    **kwargs
        ``rtol``, ``atol``, ``check_dtype``, ``check_index`` for comparisons; ``points``,
        ``title``, ``hints``.
    """

    kind = "function"

    def __init__(
        self,
        id: str,
        *,
        name: str,
        reference: Callable[..., Any] | Any = FROM_KEY,
        cases: Sequence[Case] | Callable[[], Sequence[Case]] = (),
        hidden: Sequence[Case] | Callable[[], Sequence[Case]] = (),
        partial: bool = False,
        may_mutate: bool = False,
        mistakes: Sequence[Mistake] | Any = FROM_KEY,
        rtol: float = 1e-6,
        atol: float = 1e-9,
        check_dtype: bool = False,
        check_index: bool = True,
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
        self.name = name
        self._set_reference(reference=reference, mistakes=mistakes)
        self._cases = cases
        self._hidden = hidden
        self.partial = partial
        self.may_mutate = may_mutate
        self.options = {
            "rtol": rtol,
            "atol": atol,
            "check_dtype": check_dtype,
            "check_index": check_index,
        }

    reference_parts = {"reference": FROM_KEY, "mistakes": ()}

    @property
    def reference(self) -> Callable[..., Any]:
        """The reference implementation (reference)."""
        return self.reference_part("reference")

    @property
    def mistakes(self) -> tuple[Mistake, ...]:
        """Known wrong implementations with targeted feedback (reference)."""
        return tuple(self.reference_part("mistakes"))

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.name,)

    def cases(self) -> list[tuple[bool, Case]]:
        """All cases as ``(hidden, case)`` pairs, visible first."""
        visible = [(False, c) for c in _resolve(self._cases)]
        hidden = [(True, c) for c in _resolve(self._hidden)]
        if not visible and not hidden:
            raise ValueError(f"function problem {self.id} has no test cases")
        return visible + hidden

    def collect(self, namespace: Mapping[str, Any]) -> Answer:
        func = namespace.get(self.name, _MISSING)
        if func is _MISSING or is_placeholder(func):
            return Answer(missing=self.name)
        if not callable(func):
            return Answer(error=f"`{self.name}` should be a function, but it is {describe(func)}.")
        results = [_call(func, case) for _, case in self.cases()]
        return Answer({"results": results})

    def _not_attempted_message(self, name: str) -> str:
        return f"`{name}` is not written yet: replace the `...` in its body, run the cell, then check again."

    def _collected_names(self) -> tuple[str, ...]:
        return ("results",)

    def _malformed(self, answer: Answer) -> str | None:
        problem = super()._malformed(answer)
        if problem is not None:
            return problem
        return results_form_problem(answer.values["results"], len(self.cases()), "a test case")

    def _judge(self, answer: Answer) -> Outcome:
        cases = self.cases()
        results = answer.values["results"]
        if len(results) != len(cases):
            raise ValueError(f"got {len(results)} results for {len(cases)} cases")
        first_visible: str | None = None
        failed: list[tuple[bool, Case, dict[str, Any]]] = []
        for (hidden, case), result in zip(cases, results, strict=False):
            problem = self._case_problem(case, result)
            if problem is None:
                continue
            failed.append((hidden, case, result))
            if not hidden and first_visible is None:
                first_visible = problem
        passed = len(cases) - len(failed)
        n_hidden = sum(hidden for hidden, _ in cases)
        failed_hidden = [(case, result) for hidden, case, result in failed if hidden]
        details = {
            "cases": len(cases),
            "passed": passed,
            "hidden": n_hidden,
            "hidden_failed": len(failed_hidden),
        }
        raised = _first_error_type(result for _, _, result in failed)
        if raised is not None:
            details["error"] = raised
        if not failed:
            return correct(self.id, self.points, **details)
        points = self.points * passed / len(cases) if self.partial else 0.0
        mistake = self._matching_mistake(failed)
        if mistake is not None:
            return self._wrong(mistake.message, points, **details)
        if first_visible is not None:
            return self._wrong(first_visible, points, **details)
        return self._wrong(
            f"`{self.name}` passes every visible case but fails {len(failed_hidden)} of "
            f"{n_hidden} hidden case(s): {_hidden_failures(failed_hidden)}.",
            points,
            **details,
        )

    def _expected(self, case: Case) -> Any:
        return self.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))

    def _matching_mistake(self, failed: list[tuple[bool, Case, dict[str, Any]]]) -> Mistake | None:
        """The first known mistake that explains every failing case.

        On a case where the learner's function returned, the mistake must return the same
        wrong value (a right value that failed for mutating its input is not explained by
        any mistake); where it raised, the mistake must raise the same exception type.
        """
        for mistake in self.mistakes:
            if all(self._explains(mistake.value, case, result) for _, case, result in failed):
                return mistake
        return None

    def _explains(self, implementation: Callable[..., Any], case: Case, result: dict) -> bool:
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
        try:
            value = implementation(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - the mistake's own exception is compared
            return not result["ok"] and result["error_types"][:1] == [exception_name(type(error))]
        if not result["ok"]:
            return False
        try:
            same = compare(value, result["value"], "result", **self.options) is None
            if case.raises is not None:  # both returned where the reference raises
                return same
            right = compare(self._expected(case), value, "result", **self.options) is None
        except Exception:  # noqa: BLE001 - a value the comparisons cannot judge explains nothing
            return False
        return same and not right

    def _case_problem(self, case: Case, result: dict[str, Any]) -> str | None:
        call = case.call_text(self.name)
        if case.raises is not None:
            if result["ok"]:
                return f"`{call}` should raise {case.raises.__name__}, but it returned {safe_repr(result['value'])}."
            if exception_name(case.raises) not in result["error_types"]:
                return f"`{call}` should raise {case.raises.__name__}, but it raised {result['error']}."
            return None
        if not result["ok"]:
            return f"`{call}` raised {result['error']}."
        if result.get("mutated") and not self.may_mutate:
            return (
                f"`{call}` changed its input in place. Leave the arguments as they were: work "
                "on a copy, or build a new result."
            )
        expected = self._expected(case)
        problem = compare(expected, result["value"], "result", **self.options)
        if problem is None:
            return None
        return _returned_message(problem, call) + how_far(expected, result["value"])


class MethodRule(Function):
    """A learner function whose prompt forbids a way of computing: its code is read for it.

    Judged as a :class:`Function`, and rejected first when ``find`` reports anything in it.

    Parameters
    ----------
    id : str
        Problem id.
    find : callable
        ``find(func)`` returns what in the learner's function (and in what it reaches) breaks
        the rule, as short labels (``"`inv`"``). It runs where answers are collected: in the
        learner's kernel, so it holds honest work to the rule and cannot stop a learner set on
        hiding a call (give such exercises few points).
    breaks : str
        What the function does when ``find`` reports something, after its name:
        ``"loops in Python"`` gives "`center` loops in Python (`for`)."
    advice : str
        What the task asks instead, without giving the answer.
    **kwargs
        As for :class:`Function`.
    """

    def __init__(
        self, id: str, *, find: Callable[[Any], list[str]], breaks: str, advice: str, **kwargs: Any
    ):
        super().__init__(id, **kwargs)
        self.find, self.breaks, self.advice = find, breaks, advice

    def collect(self, namespace: Mapping[str, Any]) -> Answer:
        answer = super().collect(namespace)
        if answer.missing is None and answer.error is None:
            answer.values["uses"] = list(self.find(namespace[self.name]))[:10]
        return answer

    def _collected_names(self) -> tuple[str, ...]:
        return ("results", "uses")

    def _malformed(self, answer: Answer) -> str | None:
        problem = super()._malformed(answer)
        if problem is not None:
            return problem
        uses = answer.values["uses"]
        if type(uses) is not list or not all(type(label) is str for label in uses):
            return "its list of what breaks the rule has an unexpected form"
        return None

    def _judge(self, answer: Answer) -> Outcome:
        uses = answer.values["uses"]
        if uses:
            return self._wrong(
                f"`{self.name}` {self.breaks} ({', '.join(uses[:3])}). {self.advice}"
            )
        return super()._judge(answer)


def _returned_message(problem: str, call: str) -> str:
    """Rewrite a comparison message about ``result`` as one about what ``call`` returned."""
    value = re.match(r"`result` is (.+), which is not the expected (value|text)\.$", problem, re.S)
    if value:
        return f"`{call}` returned {value.group(1)}, which is not the expected {value.group(2)}."
    if problem.startswith("`result` "):
        return f"What `{call}` returned " + problem[len("`result` ") :]
    if problem.startswith("`result"):
        element, rest = problem[len("`result") :].split("`", 1)
        return f"In what `{call}` returned, the element `{element}`" + rest
    return problem


def _first_error_type(results: Iterable[dict[str, Any]]) -> str | None:
    """The exception class of the first failing case that raised one (``"KeyError"``), or None.

    Only the class: a live class counts it across learners, and a message could carry data.
    """
    for result in results:
        if not result["ok"] and result["error_types"]:
            return result["error_types"][0]
    return None


def _hidden_failures(failed: list[tuple[Case, dict[str, Any]]]) -> str:
    """``a 2-D batch (it raised ValueError); an empty list (wrong result)`` — never the input."""
    parts = []
    for case, result in failed[:5]:
        label = case.label or "a case without a description"
        if case.raises is not None and result["ok"]:
            why = f"it should raise {case.raises.__name__} but returned"
        elif not result["ok"]:
            why = f"it raised {result['error_types'][0] if result['error_types'] else 'an error'}"
        elif result.get("mutated"):
            why = "it changed its input in place"
        else:
            why = "wrong result"
        parts.append(f"{label} ({why})")
    more = f"; and {len(failed) - 5} more" if len(failed) > 5 else ""
    return "; ".join(parts) + more


def exception_name(kind: type) -> str:
    """A built-in exception by its bare name (``ValueError``), any other by its full path.

    A learner's own ``class ValueError(Exception)`` is ``__main__.ValueError``, so raising it
    never passes for the built-in one a prompt asks for.
    """
    if getattr(kind, "__module__", None) == "builtins":
        return kind.__name__
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', kind.__name__)}"


def exception_names(error: BaseException) -> list[str]:
    """The exception's class and its bases, each named by :func:`exception_name`."""
    return [exception_name(kind) for kind in type(error).__mro__]


def _call(func: Callable[..., Any], case: Case) -> dict[str, Any]:
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    try:
        value = func(*args, **kwargs)
    except Exception as error:
        names = exception_names(error)
        return {
            "ok": False,
            "error": f"{type(error).__name__}: {safe_repr(str(error), 100)}",
            "error_types": names,
        }
    return {"ok": True, "value": value, "mutated": _changed(case, args, kwargs)}


_PLAIN_ARGUMENTS = {
    "list", "tuple", "dict", "set", "frozenset", "str", "bytes", "int", "float", "bool",
    "ndarray", "Series", "DataFrame",
}  # fmt: skip


def _changed(case: Case, args: tuple, kwargs: dict) -> bool:
    """Whether a call left any argument different from the case's.

    Each argument is compared on its own; one that these comparisons do not know (a stand-in
    client object, say) is skipped, and the others are still judged.
    """
    pairs = list(zip(case.args, args, strict=True))
    pairs += [(case.kwargs[k], kwargs[k]) for k in case.kwargs]
    for before, after in pairs:
        if type(before).__name__ not in _PLAIN_ARGUMENTS:
            continue  # a stand-in object (a dict subclass of tools, a planner): not data
        try:
            if compare(before, after, "argument", rtol=0, atol=0, check_dtype=True) is not None:
                return True
        except CompareError:
            continue
        if _labels(before) != _labels(after):
            return True
    return False


def _labels(value: Any) -> tuple | None:
    """What a pandas object carries beside its values: dtypes, name, axis names, ``attrs``."""
    kind = type(value).__name__
    if kind not in ("Series", "DataFrame") or getattr(value, "index", None) is None:
        return None
    columns = value.columns if kind == "DataFrame" else None  # a column may be called "name"
    return (
        value.name if kind == "Series" else None,
        tuple(value.index.names),
        tuple(columns.names) if columns is not None else None,
        repr(getattr(value, "attrs", {})),
        repr(getattr(value, "dtypes", None)),
    )


class Custom(Problem):
    """A problem judged by a custom function.

    Parameters
    ----------
    id : str
        Problem id.
    reads : sequence of str
        The learner names to read.
    judge : callable
        ``judge(data)`` returns None to accept or raises :class:`Fail` with a message to reject.
        Any other exception is a CheckerError.
    extract : callable, optional
        ``extract(values)`` runs in the learner's process and turns live learner objects into
        plain data (e.g. a fitted model's predictions on a test set). An exception here is
        reported to the learner as their object failing. Defaults to the values themselves.
    **kwargs
        ``points``, ``title``, ``hints``.
    """

    kind = "custom"

    def __init__(
        self,
        id: str,
        *,
        reads: Sequence[str],
        judge: Callable[[Any], None] | Any = FROM_KEY,
        extract: Callable[[dict[str, Any]], Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
        self._reads = tuple(reads)
        self._set_reference(judge=judge)
        self.extract = extract

    reference_parts = {"judge": FROM_KEY}

    @property
    def judge(self) -> Callable[[Any], None]:
        """The judge: returns None to accept, raises Fail to reject (reference)."""
        return self.reference_part("judge")

    @property
    def reads(self) -> tuple[str, ...]:
        return self._reads

    def collect(self, namespace: Mapping[str, Any]) -> Answer:
        answer = super().collect(namespace)
        if answer.missing is not None or self.extract is None:
            return answer
        try:
            data = self.extract(dict(answer.values))
        except Fail as failure:
            return Answer(error=str(failure))
        except Exception as error:
            names = ", ".join(f"`{n}`" for n in self.reads)
            return Answer(
                error=f"Using {names} raised {type(error).__name__}: {safe_repr(str(error), 100)}."
            )
        return Answer({"data": data})

    def _collected_names(self) -> tuple[str, ...]:
        return ("data",) if self.extract is not None else self.reads

    def _judge(self, answer: Answer) -> Outcome:
        data = answer.values["data"] if self.extract is not None else answer.values
        try:
            self.judge(data)
        except Fail as failure:
            return self._wrong(str(failure))
        return correct(self.id, self.points)


class Choice(Problem):
    """A multiple-choice knowledge-check question answered with letters, e.g. ``kc1 = "b"``.

    Parameters
    ----------
    id : str
        Problem id.
    var : str
        The learner variable holding the chosen letter(s).
    choices : str
        The valid letters, e.g. ``"abcd"``.
    answer : str
        The correct letter, or several letters (``"ac"``) when more than one must be chosen.
    explanation : str
        Shown once the answer is correct.
    feedback : dict, optional
        Per wrong letter, why that option is wrong (``{"a": "...", "c": "..."}``): shown when a
        single-answer question is answered with that letter, so that a wrong pick teaches
        something. Never say which letter is right.
    **kwargs
        ``points``, ``title``, ``hints``.
    """

    kind = "choice"

    def __init__(
        self,
        id: str,
        *,
        var: str,
        choices: str,
        answer: str | Any = FROM_KEY,
        explanation: str | Any = FROM_KEY,
        feedback: dict[str, str] | Any = FROM_KEY,
        **kwargs: Any,
    ):
        super().__init__(id, **kwargs)
        if answer is not FROM_KEY and not set(answer) <= set(choices):
            raise ValueError(f"{id}: answer {answer!r} is not among the choices {choices!r}")
        if feedback is not FROM_KEY and answer is not FROM_KEY and set(feedback) & set(answer):
            raise ValueError(f"{id}: feedback is for wrong letters only, not {answer!r}")
        self.var = var
        self.choices = choices
        self._set_reference(answer=answer, explanation=explanation, feedback=feedback)

    reference_parts = {"answer": FROM_KEY, "explanation": "", "feedback": {}}

    @property
    def answer(self) -> str:
        """The right letter(s) (reference)."""
        return self.reference_part("answer")

    @property
    def explanation(self) -> str:
        """Shown once the answer is correct (reference)."""
        return self.reference_part("explanation")

    @property
    def feedback(self) -> dict[str, str]:
        """Why each wrong letter is wrong, for the letters the key explains (reference)."""
        return self.reference_part("feedback")

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.var,)

    def _judge(self, answer: Answer) -> Outcome:
        got = answer.values[self.var]
        options = ", ".join(repr(c) for c in self.choices)
        if type(got) in (list, tuple) and all(type(g) is str for g in got) and len(got) <= 26:
            got = "".join(got)  # ["a", "c"] says the same as "ac"
        if type(got) is not str:
            return self._wrong(
                f"`{self.var}` should be a letter in quotes such as 'a', but it is {describe(got)}."
            )
        letters = "".join(sorted(set(re.sub(r"[\s,;:.()\[\]]", "", got.lower()))))
        if not letters or not set(letters) <= set(self.choices):
            return self._wrong(f"`{self.var}` is {safe_repr(got)}; answer with one of {options}.")
        if letters == "".join(sorted(self.answer)):
            return correct(self.id, self.points, self.explanation)
        if len(self.answer) == 1 and len(letters) > 1:
            return self._wrong(
                f"`{self.var}` is {safe_repr(got)}: this question has one right choice."
            )
        if len(self.answer) > 1:  # how many are right is part of the question
            return self._wrong(
                f"`{self.var}` is {safe_repr(got)}, which is not the right set of choices."
            )
        why = self.feedback.get(letters, "") if isinstance(self.feedback, dict) else ""
        return self._wrong(
            f"`{self.var}` is {safe_repr(got)}, which is not the right choice."
            + (f" {why}" if why else "")
        )
