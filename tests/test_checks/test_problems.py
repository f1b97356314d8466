"""Problem kinds and the four outcomes."""

import numpy as np
import pytest

from mlcourse.checks import (
    CHECKER_ERROR,
    CORRECT,
    INCORRECT,
    NOT_ATTEMPTED,
    Answer,
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    Mistake,
    Numeric,
    Outcome,
    Value,
    is_placeholder,
)

DATA = [3, 1, 4, 1, 5, 9, 2, 6]


def _mean(values):
    if not values:
        raise ValueError("mean of an empty list")
    return sum(values) / len(values)


@pytest.fixture
def value_problem():
    return Value(
        "99.1",
        var="total",
        expected=lambda: sum(DATA),
        hints=["add them", "use sum()"],
        mistakes=[Mistake(lambda: sum(DATA[1:]), "You skipped the first value.")],
    )


@pytest.fixture
def function_problem():
    return Function(
        "99.2",
        name="mean",
        reference=_mean,
        cases=[Case([1, 2, 3]), Case([2.5])],
        hidden=[Case([-1, 1]), Case([10] * 7), Case([], raises=ValueError)],
        points=3,
    )


def test_value_outcomes(value_problem):
    assert value_problem.check({"total": 31}).status == CORRECT
    assert value_problem.check({"total": 31}).points == 1
    wrong = value_problem.check({"total": 30})
    assert wrong.status == INCORRECT and wrong.points == 0
    assert "31" not in wrong.message and "ex.q1.hint()" in wrong.message
    assert value_problem.check({}).status == NOT_ATTEMPTED
    assert value_problem.check({"total": ...}).status == NOT_ATTEMPTED
    assert value_problem.check({"total": None}).status == NOT_ATTEMPTED


def test_mistake_gets_targeted_feedback(value_problem):
    outcome = value_problem.check({"total": 28})
    assert outcome.status == INCORRECT
    assert "skipped the first value" in outcome.message


def test_value_with_nan_wrong_shape_and_dtype():
    problem = Value("99.3", var="a", expected=lambda: np.linspace(0, 1, 5))
    assert problem.check({"a": np.linspace(0, 1, 5)}).correct
    assert "NaN" in problem.check({"a": np.array([0, 0.25, np.nan, 0.75, 1])}).message
    assert "shape" in problem.check({"a": np.zeros((5, 1))}).message
    assert "dtype" in problem.check({"a": np.array(list("abcde"))}).message


def test_always_equal_object_is_incorrect(value_problem):
    class Liar:
        def __eq__(self, other):
            return True

    assert value_problem.check({"total": Liar()}).status == INCORRECT


def test_function_correct_and_partial(function_problem):
    assert function_problem.check({"mean": _mean}).status == CORRECT

    def forgets_empty(values):
        return sum(values) / len(values)

    outcome = function_problem.check({"mean": forgets_empty})
    assert outcome.status == INCORRECT
    assert "hidden" in outcome.message and "1 of 3" in outcome.message
    assert outcome.details == {
        "cases": 5,
        "passed": 4,
        "hidden": 3,
        "hidden_failed": 1,
        "error": "ZeroDivisionError",
    }
    partial = Function(
        "99.4",
        name="mean",
        reference=_mean,
        cases=[Case([1])],
        hidden=[Case([], raises=ValueError)],
        points=2,
        partial=True,
    )
    assert partial.check({"mean": forgets_empty}).points == 1.0


def test_function_that_raises_names_the_visible_input(function_problem):
    def broken(values):
        return values[10]

    outcome = function_problem.check({"mean": broken})
    assert outcome.status == INCORRECT
    assert "mean([1, 2, 3])" in outcome.message and "IndexError" in outcome.message


def test_function_wrong_value_on_visible_case(function_problem):
    outcome = function_problem.check({"mean": lambda values: sum(values)})
    assert outcome.status == INCORRECT
    assert "`mean([1, 2, 3])` returned 6" in outcome.message


def test_function_expected_raise_not_raised():
    problem = Function("99.5", name="f", reference=_mean, cases=[Case([], raises=ValueError)])
    outcome = problem.check({"f": lambda values: 0.0})
    assert "should raise ValueError" in outcome.message
    outcome = problem.check({"f": lambda values: 1 / 0})
    assert "raised ZeroDivisionError" in outcome.message


def test_function_not_attempted_and_not_callable(function_problem):
    def mean(values):
        """Return the mean."""
        ...

    assert function_problem.check({"mean": mean}).status == NOT_ATTEMPTED
    assert function_problem.check({}).status == NOT_ATTEMPTED
    assert function_problem.check({"mean": 3}).status == INCORRECT


def test_function_cannot_mutate_the_cases_it_is_given(function_problem):
    def mutating(values):
        values.clear()
        return 0

    function_problem.check({"mean": mutating})
    assert function_problem.check({"mean": _mean}).status == CORRECT


def test_a_function_that_mutates_its_input_is_incorrect_unless_allowed():
    def sorts_in_place(values):
        values.sort()
        return _mean(values)

    problem = Function("99.6", name="mean", reference=_mean, cases=[Case([3, 1, 2])])
    outcome = problem.check({"mean": sorts_in_place})
    assert outcome.status == INCORRECT and "changed its input" in outcome.message
    allowed = Function(
        "99.6", name="mean", reference=_mean, cases=[Case([3, 1, 2])], may_mutate=True
    )
    assert allowed.check({"mean": sorts_in_place}).status == CORRECT
    arrays = Function(
        "99.7", name="f", reference=lambda a: a.sum(), cases=[Case(np.array([1.0, 2.0]))]
    )

    def scales_in_place(a):
        a *= 2
        return a.sum() / 2

    assert arrays.check({"f": scales_in_place}).status == INCORRECT
    assert arrays.check({"f": lambda a: a.sum()}).status == CORRECT


def test_hidden_failures_name_the_kind_of_case_and_the_exception_never_the_input():
    problem = Function(
        "99.8",
        name="mean",
        reference=_mean,
        cases=[Case([1, 2, 3])],
        hidden=[
            Case([], raises=ValueError, label="an empty list"),
            Case([1, 2], label="a mean that is not a whole number"),
            Case([4, 5]),
        ],
    )

    def naive(values):
        return sum(values) // len(values)

    outcome = problem.check({"mean": naive})
    assert "fails 3 of 3 hidden" in outcome.message
    assert "an empty list (it raised ZeroDivisionError)" in outcome.message
    assert "a mean that is not a whole number (wrong result)" in outcome.message
    assert "a case without a description (wrong result)" in outcome.message
    assert "[1, 2]" not in outcome.message and "1.5" not in outcome.message
    assert "edge cases" not in outcome.message

    def crashes_on_nines(values):
        if 5 in values:
            raise KeyError("x")
        return _mean(values)

    assert problem.check({"mean": crashes_on_nines}).message.endswith(
        "fails 1 of 3 hidden case(s): a case without a description (it raised KeyError)."
    )


def test_visible_case_messages_use_the_call_text_and_say_how_far_off():
    problem = Function(
        "99.9",
        name="double",
        reference=lambda a: 2 * a,
        cases=[Case(np.arange(1.0, 50.0), call="double(x_demo)")],
    )
    outcome = problem.check({"double": lambda a: 4 * a})
    assert outcome.message.startswith("What `double(x_demo)` returned")
    assert "2 times too large" in outcome.message and "49." not in outcome.message
    assert "wrong sign" in problem.check({"double": lambda a: -2 * a}).message
    pairs = Function(
        "99.10", name="pr", reference=lambda: (0.5, 0.25), cases=[Case(call="pr(y_demo)")]
    )
    message = pairs.check({"pr": lambda: (0.5, 0.3)}).message
    assert message.startswith("In what `pr(y_demo)` returned, the element `[1]` is 0.3"), message


def test_a_known_wrong_implementation_gets_its_targeted_message():
    def population_std(values):
        m = _mean(values)
        return (sum((v - m) ** 2 for v in values) / len(values)) ** 0.5

    def sample_std(values):
        m = _mean(values)
        return (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5

    problem = Function(
        "99.11",
        name="std",
        reference=population_std,
        cases=[Case([1.0, 2.0, 4.0])],
        hidden=[Case([5.0, 7.0], label="two values")],
        mistakes=[Mistake(sample_std, "Divide by n, not n - 1: this is the population std.")],
    )
    assert problem.check({"std": population_std}).status == CORRECT
    outcome = problem.check({"std": sample_std})
    assert outcome.status == INCORRECT and "Divide by n" in outcome.message
    other = problem.check({"std": lambda values: 0.0})
    assert other.status == INCORRECT and "Divide by n" not in other.message


def test_checker_that_raises_is_a_checker_error():
    broken = Value("99.6", var="x", expected=lambda: 1 / 0)
    outcome = broken.check({"x": 1})
    assert outcome.status == CHECKER_ERROR
    assert "not a verdict on your answer" in outcome.message
    reference_bug = Function("99.7", name="f", reference=lambda x: x.nope, cases=[Case(1)])
    assert reference_bug.check({"f": lambda x: x}).status == CHECKER_ERROR
    unsupported = Value("99.8", var="x", expected=object)
    assert unsupported.check({"x": 1}).status == CHECKER_ERROR


def test_custom_problem_extract_and_judge():
    class Counter:
        def __init__(self):
            self.n = 0

        def add(self, k):
            self.n += k
            return self

    def extract(values):
        return values["Counter"]().add(2).add(3).n

    def judge(n):
        if n != 5:
            raise Fail("After add(2) and add(3) the count should be 5.")

    problem = Custom("99.9", reads=("Counter",), extract=extract, judge=judge)
    assert problem.check({"Counter": Counter}).status == CORRECT

    class Wrong(Counter):
        def add(self, k):
            self.n = k
            return self

    assert "should be 5" in problem.check({"Wrong": 1, "Counter": Wrong}).message

    class Raises:
        def add(self, k):
            raise TypeError("nope")

    raised = problem.check({"Counter": Raises})
    assert raised.status == INCORRECT and "TypeError" in raised.message

    class Stub:
        def add(self, k): ...

    assert problem.check({"Counter": Stub}).status == NOT_ATTEMPTED
    buggy = Custom("99.10", reads=("x",), judge=lambda data: data["missing"])
    assert buggy.check({"x": 1}).status == CHECKER_ERROR


def test_choice_questions():
    single = Choice("99.kc1", var="kc1", choices="abcd", answer="c", explanation="Because.")
    assert single.attribute == "kc1"
    assert single.check({"kc1": "C"}).status == CORRECT
    assert single.check({"kc1": "C"}).message == "Because."
    assert single.check({"kc1": "a"}).status == INCORRECT
    assert "one of" in single.check({"kc1": "z"}).message
    assert "letter" in single.check({"kc1": 3}).message
    multi = Choice("99.kc2", var="kc2", choices="abcd", answer="bd")
    assert multi.check({"kc2": "d, b"}).status == CORRECT
    assert "More than one" not in multi.check({"kc2": "b"}).message
    assert "not the right set of choices" in multi.check({"kc2": "abd"}).message
    assert "not the right set of choices" in multi.check({"kc2": "a"}).message  # no count given
    assert "has one right choice" in single.check({"kc1": "cd"}).message
    assert "not the right set of choices" in multi.check({"kc2": "ac"}).message
    with pytest.raises(ValueError):
        Choice("99.kc3", var="x", choices="ab", answer="c")


def test_a_wrong_choice_gets_the_feedback_written_for_that_option():
    question = Choice(
        "99.kc5",
        var="kc5",
        choices="abcd",
        answer="c",
        explanation="Right.",
        feedback={"a": "Option a confuses the training loss with the validation loss."},
    )
    wrong_a = question.check({"kc5": "a"})
    assert wrong_a.status == INCORRECT and "confuses the training loss" in wrong_a.message
    assert "confuses" not in question.check({"kc5": "b"}).message  # b has no feedback
    assert question.check({"kc5": "c"}).message == "Right."
    assert "confuses" not in question.check({"kc5": "ab"}).message  # one right choice
    with pytest.raises(ValueError, match="wrong letters only"):
        Choice("99.kc6", var="x", choices="ab", answer="a", explanation="", feedback={"a": "?"})


def test_numeric_question():
    question = Numeric("99.kc4", var="kc4", expected=lambda: 0.25, atol=0.01)
    assert question.check({"kc4": 0.255}).correct
    assert not question.check({"kc4": 0.3}).correct


def test_collect_and_evaluate_are_separable(function_problem):
    answer = function_problem.collect({"mean": _mean})
    assert isinstance(answer, Answer) and len(answer.values["results"]) == 5
    assert function_problem.evaluate(answer).status == CORRECT
    assert function_problem.evaluate(Answer(missing="mean")).status == NOT_ATTEMPTED


def test_outcome_rendering_and_validation():
    outcome = Outcome(INCORRECT, "99.1", "`x` is <b>", 0, 2)
    assert "Incorrect" in str(outcome) and "0/2" in str(outcome)
    assert "&lt;b&gt;" in outcome._repr_markdown_()
    assert outcome.to_dict()["status"] == INCORRECT
    with pytest.raises(ValueError):
        Outcome("maybe", "99.1")


def test_placeholders():
    assert is_placeholder(...) and is_placeholder(None)
    assert not is_placeholder(0) and not is_placeholder("")

    class Empty: ...

    assert is_placeholder(Empty)

    import pydantic

    class Blank(pydantic.BaseModel):
        """A model still to be written."""

    class Written(pydantic.BaseModel):
        mass: float

    class Configured(Written):
        model_config = pydantic.ConfigDict(extra="ignore")

    assert is_placeholder(Blank) and not is_placeholder(Written)
    assert not is_placeholder(Configured)


def test_problem_ids_are_validated():
    with pytest.raises(ValueError):
        Value("7", var="x", expected=1)
    assert Value("07.12", var="x", expected=1).attribute == "q12"


def _runs(*metrics, **extra):
    return Answer(
        {
            "runs": [
                {"name": f"r{i}", "params": {"C": str(i)}, "metrics": m, **extra}
                for i, m in enumerate(metrics)
            ]
        }
    )


def test_logged_runs_are_hostile_data_and_a_judge_recomputes_them():
    from mlcourse.checks import LoggedRun

    def judge(runs):
        if len(runs) < 2:
            raise Fail("Log one run per value of C.")
        if any(abs(r["metrics"]["auc"] - 0.9) > 0.01 for r in runs):
            raise Fail("A logged AUC is not what cross-validation gives.")

    problem = LoggedRun("99.12", params=("C",), metrics={"auc": 0.8}, judge=judge, experiment="x")
    assert problem.evaluate(_runs({"auc": 0.9}, {"auc": 0.905})).status == CORRECT
    assert "one run per" in problem.evaluate(_runs({"auc": 0.9})).message
    assert (
        "not what cross-validation" in problem.evaluate(_runs({"auc": 0.99}, {"auc": 0.9})).message
    )
    assert problem.evaluate(_runs({"auc": float("nan")})).status == INCORRECT
    for forged in (
        Answer({"runs": []}),
        Answer({"runs": "all"}),
        Answer({"runs": [{"name": "x", "params": {"C": 1}, "metrics": {"auc": 0.9}}]}),
        Answer({"runs": [{"name": "x", "params": {}, "metrics": {"auc": "0.9"}}]}),
        Answer({"runs": [{"name": "x", "params": {}, "metrics": {}, "tags": []}]}),
        Answer({"runs": [{"params": {}, "metrics": {}}] * 501}),
    ):
        outcome = problem.evaluate(forged)
        assert outcome.status == INCORRECT and "could not be read" in outcome.message
    without_judge = LoggedRun("99.13", metrics={"auc": 0.8}, judge=None, experiment="x")
    assert without_judge.evaluate(_runs({"auc": 0.85})).status == CORRECT


def test_a_mistake_explains_raised_errors_but_never_a_right_value_that_mutated():
    def reference(values):
        if not values:
            raise ValueError("empty")
        return sorted(values)[0]

    def no_guard(values):
        return sorted(values)[0]  # IndexError on []

    problem = Function(
        "99.14",
        name="smallest",
        reference=reference,
        cases=[Case([3, 1, 2])],
        hidden=[Case([], raises=ValueError, label="an empty list")],
        mistakes=[Mistake(no_guard, "Raise ValueError for an empty list.")],
    )
    assert "Raise ValueError" in problem.check({"smallest": no_guard}).message

    def sorts_in_place(values):
        if not values:
            raise ValueError("empty")
        values.sort()
        return values[0]

    outcome = problem.check({"smallest": sorts_in_place})
    assert "changed its input" in outcome.message and "Raise ValueError" not in outcome.message


def test_messages_about_missing_keys_read_well():
    problem = Function(
        "99.15", name="f", reference=lambda: {"a": 1, "b": 2}, cases=[Case(call="f()")]
    )
    message = problem.check({"f": lambda: {"a": 1}}).message
    assert message.startswith("What `f()` returned is missing the key(s) ['b']"), message


def test_choice_letters_in_common_formats_and_ints_where_ints_are_asked():
    single = Choice("99.kc1", var="kc1", choices="abcd", answer="c", explanation="")
    for written in ("(c)", "c)", "c.", "C", ["c"], ("c",), " c "):
        assert single.check({"kc1": written}).correct, written
    multi = Choice("99.kc2", var="kc2", choices="abcd", answer="ad", explanation="")
    for written in ("a;d", "[a, d]", ["a", "d"], "d,a"):
        assert multi.check({"kc2": written}).correct, written
    counts = Value("99.16", var="n", expected=178, check_dtype=True)
    assert "should be an int" in counts.check({"n": 178.0}).message
    assert counts.check({"n": 178}).correct
    from fractions import Fraction

    assert (
        "Convert it with float"
        in Value("99.17", var="x", expected=0.5).check({"x": Fraction(1, 2)}).message
    )


def test_mutation_is_judged_per_argument_even_beside_one_that_cannot_be_compared():
    class Client:
        pass

    def clears(client, values):
        values.clear()
        return 0

    problem = Function("99.18", name="f", reference=lambda c, v: 0, cases=[Case(Client(), [1, 2])])
    assert "changed its input" in problem.check({"f": clears}).message
    assert problem.check({"f": lambda c, v: 0}).correct


def test_stand_in_objects_among_the_arguments_are_not_judged_for_mutation():
    class Tools(dict):
        pass

    problem = Function(
        "99.19", name="f", reference=lambda t, v: 0, cases=[Case(Tools(a=1), [1, 2])]
    )
    assert problem.check({"f": lambda t, v: 0}).correct
    assert "changed its input" in problem.check({"f": lambda t, v: v.pop() and 0}).message


def test_a_learners_own_class_named_like_a_builtin_exception_is_not_that_exception():
    import builtins
    import json

    expected = builtins.ValueError
    problem = Function("99.8", name="f", reference=_mean, cases=[Case([], raises=expected)])

    class ValueError(Exception):  # noqa: A001 - the learner's shadowing class
        pass

    def shadowed(values):
        raise ValueError("empty")

    outcome = problem.check({"f": shadowed})
    assert outcome.status == INCORRECT and "should raise ValueError" in outcome.message

    def library_subclass(values):  # json's error is a ValueError: that counts
        raise json.JSONDecodeError("empty", "", 0)

    assert problem.check({"f": library_subclass}).status == CORRECT


def test_changes_to_a_frames_dtypes_names_or_attrs_count_as_mutation():
    import pandas as pd

    def frame():  # a column called "name" is not the frame's name
        return pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"], "name": ["p", "q"]})

    problem = Function("99.9", name="f", reference=lambda df: len(df), cases=[Case(frame())])
    changes = [
        lambda df: df.__setitem__("b", df["b"].astype("category")),
        lambda df: setattr(df.index, "name", "row"),
        lambda df: df.attrs.__setitem__("seen", True),
        lambda df: setattr(df.columns, "name", "cols"),
    ]
    for change in changes:

        def changing(df, change=change):
            change(df)
            return len(df)

        outcome = problem.check({"f": changing})
        assert outcome.status == INCORRECT and "changed its input" in outcome.message
    assert problem.check({"f": lambda df: len(df)}).status == CORRECT


def test_a_method_rule_rejects_what_its_finder_reports_and_forged_reports():
    from mlcourse.checks import MethodRule

    def loops(func):
        import dis

        found = any(i.opname == "FOR_ITER" for i in dis.get_instructions(func))
        return ["a `for` loop"] if found else []

    problem = MethodRule(
        "99.9",
        name="total",
        reference=sum,
        cases=[Case([1, 2, 3])],
        find=loops,
        breaks="loops in Python",
        advice="Use the built-in sum.",
    )

    def by_loop(values):
        result = 0
        for value in values:
            result += value
        return result

    def builtin(values):
        return sum(values)

    assert problem.check({"total": builtin}).status == CORRECT
    outcome = problem.check({"total": by_loop})
    assert outcome.status == INCORRECT
    assert outcome.message.startswith("`total` loops in Python (a `for` loop). Use the built-in")
    right = problem.collect({"total": builtin})
    for forged in (None, "none", [1], ["ok", None]):
        answer = Answer({**right.values, "uses": forged})
        assert problem.evaluate(answer).status == INCORRECT, forged
