"""Module 24: adversarial attempts that are not expressible as a self-test in the notebook.

The notebook's self-tests feed each check a wrong answer. These tests cover what a notebook
cell cannot: that the hidden cases themselves are safe to run against a calculator without
limits (no hang, no number too long to encode), that every hidden case says what kind of input
it is, that the inputs drawn at random (exercises 7 and 8) are drawn afresh at every collection
and rebuilt by the judge from their seed, that answers go through the grader's encoding and its
isolated evaluator, that forged collected data is rejected, that the key of the real-corpus
exercise recomputes everything from the frozen copy of the course's text (so numbers from
another corpus, typed numbers or a test-chosen size fail), that this copy is whole, and that
the key's fast BM25 gives exactly the reference's floats.
"""

from __future__ import annotations

import ast
import operator
import sys
import time

import pytest

from mlcourse.checks import Answer
from mlcourse.exercises import get_module
from mlcourse.exercises.m24 import MAX_LENGTH
from mlcourse.grader import encode_answers
from mlcourse.grader._evaluate import evaluate_isolated
from mlcourse.keys import m24 as key

MODULE = get_module("24")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


def _no_limits(expression: str):
    """A calculator that parses safely but has no limit at all: the worst plausible answer."""

    def walk(node):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
            value = walk(node.operand)
            return value if isinstance(node.op, ast.UAdd) else -value
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        raise ValueError("not allowed")

    return walk(ast.parse(expression.strip(), mode="eval").body)


def test_calculator_cases_never_hang_a_calculator_without_limits():
    # 2 ** 1000 is in the cases: an exponent limit is still needed, but nothing here explodes.
    cases = [case for _, case in PROBLEMS["24.8"].cases()]
    for case in cases:
        start = time.perf_counter()
        try:
            value = _no_limits(*case.args)
        except (ValueError, SyntaxError, ZeroDivisionError, OverflowError, TypeError):
            continue
        except RecursionError:  # the long sum: quick, and the wrong exception
            continue
        assert time.perf_counter() - start < 0.5, case.args
        if type(value) is int:
            # The grader encodes ints as text, and Python refuses to turn an int of more than
            # 4,300 digits into text: a case must not make a plausible answer unencodable.
            assert value.bit_length() * 0.30103 < sys.get_int_max_str_digits() - 10, case.args


def test_calculator_limits_are_tested_on_both_sides():
    cases = {case.args[0]: case for _, case in PROBLEMS["24.8"].cases()}
    assert cases["10 ** 100"].raises is None  # exactly at the bound: allowed
    assert cases["2 ** 100"].raises is None  # exponent exactly MAX_EXPONENT
    assert cases["2 ** (50 + 50)"].raises is None  # a computed exponent of exactly the limit
    for refused in ("(2 ** 100) ** 100", "1e308 * 10", "1e10 ** 50", "(-8) ** 0.5", "1e999"):
        assert cases[refused].raises is ValueError
    for refused in ("0 ** -101", "2 ** (50 + 51)", "1+" * 2000 + "1"):
        assert cases[refused].raises is ValueError
    at_limit = [text for text in cases if len(text.strip()) == MAX_LENGTH]
    beyond = [text for text in cases if len(text.strip()) == MAX_LENGTH + 1]
    assert [cases[t].raises for t in at_limit] == [None]
    assert [cases[t].raises for t in beyond] == [ValueError]
    for text in ("1 / 0", "5 % 0", "0 ** -1"):  # arithmetic errors, not refusals
        assert cases[text].raises is ZeroDivisionError
    with pytest.raises(ValueError):
        key._calculate("10 ** 60 * 10 ** 60 / 10 ** 30")  # only an intermediate is too large


def test_the_earlier_calculator_answer_is_now_incorrect():
    # The answer this exercise accepted before the result bound: exponent limit only.
    outcome = PROBLEMS["24.8"].check({"calculate": key._calculate_unbounded})
    assert outcome.status == "incorrect"


def test_fast_bm25_gives_the_reference_floats():
    documents = [["a", "b", "a"], ["b", "c"], [], ["a"] * 7 + ["d"]]
    fast = key._bm25_index(documents)
    for query in (["a"], ["a", "a", "d"], ["z"], [], ["b", "c", "d"]):
        assert fast(query) == key._bm25_scores(query, documents)


def test_the_snapshot_is_whole_and_fresh_on_every_load():
    from mlcourse.exercises.m24 import load_course_snapshot

    course, questions = load_course_snapshot()
    assert list(course.columns) == ["notebook", "text"] and len(course) > 100
    assert "24_rag_agents" not in set(course["notebook"])
    assert len(questions) >= 25
    texts = [" ".join(t.lower().split()) for t in course["text"]]
    for question in questions:
        for passage in question["relevant"]:
            phrase = " ".join(passage["phrase"].lower().split())
            assert any(
                nb == passage["notebook"] and phrase in text
                for nb, text in zip(course["notebook"], texts, strict=True)
            ), (question["id"], passage)
    course.loc[0, "text"] = "changed by a learner"
    questions.clear()
    again, questions_again = load_course_snapshot()
    assert again.loc[0, "text"] != "changed by a learner" and questions_again


@pytest.fixture(scope="module")
def report():
    return key._chunk_report()


def test_chunk_report_is_computed_from_the_course(report):
    assert set(report) == {"dev_mrr", "chosen", "test_mrr", "test_mrr_all"}
    assert report["test_mrr"] == report["test_mrr_all"][key.SIZES.index(report["chosen"])]
    assert report["chosen"] in key.SIZES and len(report["dev_mrr"]) == len(key.SIZES)
    assert all(0 < value <= 1 for value in [*report["dev_mrr"], report["test_mrr"]])
    best = max(report["dev_mrr"])
    candidates = [s for s, v in zip(key.SIZES, report["dev_mrr"], strict=True) if v == best]
    assert report["chosen"] == min(candidates)


def test_chunk_report_rejects_work_on_another_corpus(report, monkeypatch):
    # A learner who computed everything right, but on a corpus missing one lesson (or on an
    # older release), typed in numbers, or a size chosen on the test questions: all Incorrect.
    problem = PROBLEMS["24.12"]
    assert problem.check({"chunk_report": report}).correct
    cells, questions = key._course_data()
    fewer = [cell for cell in cells if cell[0] != cells[-1][0]]
    study = {
        split: [sum(key._reciprocal_ranks(fewer, qs, size)) / len(qs) for size in key.SIZES]
        for split, qs in (
            ("dev", [q for q in questions if key._is_dev(q)]),
            ("test", [q for q in questions if not key._is_dev(q)]),
        )
    }
    chosen = key.SIZES[study["dev"].index(max(study["dev"]))]
    other = {
        "dev_mrr": study["dev"],
        "chosen": chosen,
        "test_mrr": study["test"][key.SIZES.index(chosen)],
        "test_mrr_all": study["test"],
    }
    if other != report:
        assert problem.check({"chunk_report": other}).status == "incorrect"
    typed = {**report, "dev_mrr": [round(v, 3) for v in report["dev_mrr"]]}
    assert problem.check({"chunk_report": typed}).status == "incorrect"
    # Typed from a printout with nine decimals: still not the computed value (rtol 1e-12).
    nine = {**report, "test_mrr_all": [round(v, 9) for v in report["test_mrr_all"]]}
    if nine != report:
        assert problem.check({"chunk_report": nine}).status == "incorrect"
    as_tuple = {**report, "dev_mrr": tuple(report["dev_mrr"])}
    outcome = problem.check({"chunk_report": as_tuple})
    assert outcome.status == "incorrect" and "list" in outcome.message


def test_a_size_chosen_on_test_questions_gets_its_own_feedback(report):
    problem = PROBLEMS["24.12"]
    on_test = key._report("test")
    if on_test["chosen"] == report["chosen"]:
        pytest.skip("on this release of the lessons, dev and test prefer the same size")
    outcome = problem.check({"chunk_report": on_test})
    assert outcome.status == "incorrect" and "test questions" in outcome.message


def test_bootstrap_cases_accept_a_per_resample_loop():
    # A right answer written differently: one rng.integers call per resample draws the same
    # numbers as one call for all of them, and must be accepted.
    import numpy as np

    def looped(scores_a, scores_b, n_resamples=2000, seed=0, confidence=0.95):
        diff = np.asarray(scores_a, dtype=float) - np.asarray(scores_b, dtype=float)
        if len(scores_a) != len(scores_b) or diff.size == 0:
            raise ValueError("bad input")
        rng = np.random.default_rng(seed)
        means = [
            diff[rng.integers(0, len(diff), size=len(diff))].mean() for _ in range(n_resamples)
        ]
        low, high = np.percentile(means, [50 * (1 - confidence), 50 * (1 + confidence)])
        return (float(diff.mean()), float(low), float(high))

    assert PROBLEMS["24.11"].check({"paired_bootstrap": looped}).correct


def test_case_labels_do_not_reveal_inputs():
    # A label names the kind of input; it never contains the expression itself.
    for _, case in PROBLEMS["24.8"].cases():
        if case.label and case.args and case.args[0].strip():
            assert case.args[0].strip() not in case.label, case.label


# --------------------------------------------------------------------------------------
# Exercise 8: expressions drawn at random, the code read for eval, and the grader's path.
# --------------------------------------------------------------------------------------


def test_calculator_draws_new_expressions_at_every_collection():
    problem = PROBLEMS["24.8"]
    first = problem.collect({"calculate": key._calculate}).values
    second = problem.collect({"calculate": key._calculate}).values
    assert first["fresh_seed"] != second["fresh_seed"]
    assert first["uses"] == [] and len(first["fresh"]) == len(second["fresh"]) == 8
    from mlcourse.exercises.m24 import fresh_calculations

    # The judge rebuilds the same expressions from the seed, in another process as here.
    assert fresh_calculations(first["fresh_seed"]) == fresh_calculations(first["fresh_seed"])
    assert fresh_calculations(first["fresh_seed"]) != fresh_calculations(second["fresh_seed"])


def _eval_behind_a_refusal_list():
    """eval, reached without writing its name, refusing exactly the declared cases."""
    import builtins

    refuse = {case.args[0]: case.raises for _, case in PROBLEMS["24.8"].cases() if case.raises}

    def calculate(expression):
        if expression in refuse:
            raise refuse[expression]("refused")
        return getattr(builtins, "ev" + "al")(expression)  # looked up when called

    return calculate


def test_a_lookup_of_the_declared_cases_fails_on_the_random_expressions():
    calculate = _eval_behind_a_refusal_list()
    for _ in range(5):  # whatever the seed drawn
        outcome = PROBLEMS["24.8"].check({"calculate": calculate})
        assert outcome.status == "incorrect"
        assert "drawn at random" in outcome.message


def test_eval_exec_and_compile_are_found_in_the_code():
    import builtins
    import re

    def helper(text):
        return eval(text)

    def through_a_helper(expression):
        return helper(expression)

    run = builtins.exec

    def through_an_alias(expression):
        return run(expression)

    def through_builtins(expression):
        return builtins.eval(expression)

    def with_compile(expression):
        return key._calculate(expression) if compile else None

    def with_a_regex(expression):  # re.compile is not Python's compile: accepted
        if re.compile(r"__").search(expression):
            raise ValueError("a dunder name")
        return key._calculate(expression)

    for func, name in (
        (through_a_helper, "eval"),
        (through_an_alias, "exec"),
        (through_builtins, "eval"),
        (with_compile, "compile"),
    ):
        outcome = PROBLEMS["24.8"].check({"calculate": func})
        assert outcome.status == "incorrect" and f"`{name}`" in outcome.message, func
    assert PROBLEMS["24.8"].check({"calculate": with_a_regex}).correct


def test_power_computed_before_its_exponent_is_checked_fails_quickly():
    start = time.perf_counter()
    outcome = PROBLEMS["24.8"].check({"calculate": key._calculate_power_first})
    assert outcome.status == "incorrect" and "before computing" in outcome.message
    outcome = PROBLEMS["24.8"].check({"calculate": key._calculate_literal_exponent})
    assert outcome.status == "incorrect" and "however it was computed" in outcome.message
    assert time.perf_counter() - start < 5


def test_forged_random_results_and_names_are_rejected():
    problem = PROBLEMS["24.8"]
    right = problem.collect({"calculate": key._calculate})
    assert problem.evaluate(right).correct
    forged = {
        "no random results": {**right.values, "fresh": []},
        "a seed the check never draws": {**right.values, "fresh_seed": -1},
        "a bool for a seed": {**right.values, "fresh_seed": True},
        "every random expression refused": {
            **right.values,
            "fresh": [{"ok": False, "error_types": ["ValueError"]}] * 8,
        },
        "a name that is not a forbidden one": {**right.values, "uses": ["open"]},
        "eval admitted": {**right.values, "uses": ["eval"]},
        "results of another seed": {
            **right.values,
            "fresh_seed": (right.values["fresh_seed"] + 1) % 2**62,
        },
    }
    for label, values in forged.items():
        outcome = problem.evaluate(Answer(values))
        assert outcome.status == "incorrect", (label, outcome)


def test_a_calculator_without_limits_is_judged_after_the_graders_encoding(tmp_path):
    """Huge results are collected as text, so they can be encoded and compared."""
    module = get_module("24")
    answers = {"24.8": module.problem("24.8").collect({"calculate": _no_limits})}
    encode_answers(answers, tmp_path)
    outcome = next(
        o
        for o in evaluate_isolated("24", tmp_path, memory_mb=1024, timeout=120)
        if o["problem"] == "24.8"
    )
    assert outcome["status"] == "incorrect", outcome


# --------------------------------------------------------------------------------------
# Exercise 7: scenarios drawn at random, repeated words, and the caller's chunks.
# --------------------------------------------------------------------------------------


def test_grounded_answer_scenarios_are_drawn_afresh_and_rebuilt_from_their_seed():
    from mlcourse.exercises.m24 import _SCENARIOS, N_FRESH_SCENARIOS, fresh_grounded_scenario

    problem = PROBLEMS["24.7"]
    first = problem.collect({"grounded_answer": key._grounded_answer}).values["data"]
    second = problem.collect({"grounded_answer": key._grounded_answer}).values["data"]
    assert len(first) == len(_SCENARIOS) + N_FRESH_SCENARIOS
    seeds = [entry["seed"] for entry in first[len(_SCENARIOS) :]]
    assert seeds != [entry["seed"] for entry in second[len(_SCENARIOS) :]]
    for seed in seeds:
        scenario = fresh_grounded_scenario(seed)
        assert scenario == fresh_grounded_scenario(seed)
        assert key._grounded_answer(**scenario)["answer"] != key.NO_ANSWER  # always answerable
        assert len({chunk["id"] for chunk in scenario["chunks"]}) == len(scenario["chunks"])


def test_grounded_answer_attempts_are_rejected():
    problem = PROBLEMS["24.7"]

    def counting_repeats(question, chunks, max_sentences=2):
        return key._grounded_answer(question, chunks, max_sentences, repeats=True)

    def emptying(question, chunks, max_sentences=2):
        result = key._grounded_answer(question, chunks, max_sentences)
        chunks.clear()
        return result

    def rewriting(question, chunks, max_sentences=2):
        result = key._grounded_answer(question, chunks, max_sentences)
        for chunk in chunks:
            chunk["text"] = chunk["text"].lower()
        return result

    from mlcourse.exercises.m24 import _SCENARIOS

    table = {
        (s["question"], s["max_sentences"], tuple(c["id"] for c in s["chunks"])): (
            key._grounded_answer(s["question"], s["chunks"], s["max_sentences"])
        )
        for s in _SCENARIOS
    }

    def lookup(question, chunks, max_sentences=2):
        found = table.get((question, max_sentences, tuple(c["id"] for c in chunks)))
        return dict(found) if found else {"answer": key.NO_ANSWER, "citations": []}

    outcome = problem.check({"grounded_answer": counting_repeats})
    assert outcome.status == "incorrect" and "distinct" in outcome.message
    for attempt in (emptying, rewriting):
        outcome = problem.check({"grounded_answer": attempt})
        assert outcome.status == "incorrect" and "changed the list of chunks" in outcome.message
    for _ in range(5):
        outcome = problem.check({"grounded_answer": lookup})
        assert outcome.status == "incorrect" and "drawn at random" in outcome.message


def test_grounded_answer_forged_seeds_and_order_are_rejected():
    from mlcourse.exercises.m24 import _SCENARIOS

    problem = PROBLEMS["24.7"]
    data = problem.collect({"grounded_answer": key._grounded_answer}).values["data"]
    n = len(_SCENARIOS)
    forged = {
        "a fixed scenario with a seed": [{**data[0], "seed": 1}, *data[1:]],
        "a random scenario without its seed": [
            *data[:n],
            {k: v for k, v in data[n].items() if k != "seed"},
            *data[n + 1 :],
        ],
        "a seed out of range": [*data[:n], {**data[n], "seed": 2**62}, *data[n + 1 :]],
        "another seed": [*data[:n], {**data[n], "seed": data[n]["seed"] ^ 1}, *data[n + 1 :]],
        "mutated chunks admitted": [{**data[0], "mutated": True}, *data[1:]],
    }
    for label, forged_data in forged.items():
        if label == "another seed" and (
            key._grounded_answer(**fresh_scenario(data[n]["seed"] ^ 1))
            == key._grounded_answer(**fresh_scenario(data[n]["seed"]))
        ):
            continue  # the other seed happens to give the same answer
        outcome = problem.evaluate(Answer({"data": forged_data}))
        assert outcome.status == "incorrect", (label, outcome)


def fresh_scenario(seed):
    from mlcourse.exercises.m24 import fresh_grounded_scenario

    return fresh_grounded_scenario(seed)


# --------------------------------------------------------------------------------------
# Exercises 1, 3 and 9: the cases the review asked for.
# --------------------------------------------------------------------------------------


def test_chunk_text_refuses_an_overlap_of_max_words_or_more_even_on_short_texts():
    cases = [case for hidden, case in PROBLEMS["24.1"].cases() if hidden]
    refused = {(case.args[1], case.args[2]) for case in cases if case.raises is ValueError}
    assert {(3, 3), (2, 5)} <= refused
    outcome = PROBLEMS["24.1"].check({"chunk_text": key._chunk_text_clamped})
    assert outcome.status == "incorrect" and "making it smaller" in outcome.message


def test_cosine_top_k_accepts_normalising_first():
    import numpy as np

    def normalise_first(query, matrix, k):
        if k < 1:
            raise ValueError("k")
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        units = np.divide(matrix, norms, out=np.zeros_like(matrix, dtype=float), where=norms > 0)
        q_norm = np.linalg.norm(query)
        q_unit = query / q_norm if q_norm > 0 else np.zeros_like(query, dtype=float)
        return [int(i) for i in np.argsort(-(units @ q_unit), kind="stable")[:k]]

    assert PROBLEMS["24.3"].check({"cosine_top_k": normalise_first}).correct


def test_agent_loop_that_changes_the_tools_is_rejected():
    def dropping_tools(task, planner, tools, max_steps=5):
        result = key._run_agent(task, planner, tools, max_steps)
        tools.clear()
        return result

    outcome = PROBLEMS["24.9"].check({"run_agent": dropping_tools})
    assert outcome.status == "incorrect" and "in place" in outcome.message
