"""Module 26: adversarial attempts that are not expressible as a self-test in the notebook.

The notebook's self-tests feed each check a wrong answer. These tests cover what a notebook
cell cannot: that ROC-AUC's reference (the rank formula) equals scikit-learn's on every case and
on random inputs; that the inputs drawn at random are drawn afresh at every collection and
rebuilt by the judge from their seed, so that a table of answers to every fixed case fails;
that forged random results (another seed's, a wrong length, junk) are Incorrect and never a
checker error; that a function that mutates its input only on large inputs is caught; that the
answers go through the grader's encoding and its isolated evaluator; and that the metrics of
exercise 4 are recomputed from the stated matrix, not copied.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mlcourse.checks import Answer
from mlcourse.exercises import get_module
from mlcourse.exercises import m26 as declaration
from mlcourse.grader import encode_answers
from mlcourse.grader._evaluate import evaluate_isolated
from mlcourse.keys import m26 as key

MODULE = get_module("26")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}

#: The function problems, the learner's name of each, and the key's reference.
FUNCTIONS = {
    "26.1": ("roc_auc", key._roc_auc),
    "26.2": ("kfold_indices", key._kfold),
    "26.3": ("precision_at_k", key._precision_at_k),
    "26.5": ("stratified_split", key._stratified_split),
    "26.6": ("bootstrap_ci", key._bootstrap_ci),
}


def _check(problem_id: str, func):
    name, _ = FUNCTIONS[problem_id]
    return PROBLEMS[problem_id].check({name: func})


# --------------------------------------------------------------------------------------
# References.
# --------------------------------------------------------------------------------------


def test_roc_auc_reference_equals_scikit_learn_on_every_case_and_on_random_inputs():
    from sklearn.metrics import roc_auc_score

    problem = PROBLEMS["26.1"]
    cases = [case for _, case in problem.cases() if case.raises is None]
    for seed in range(60):
        cases += problem.fresh(seed)
    assert len(cases) > 150
    for case in cases:
        y, scores = case.args
        expected = roc_auc_score(np.asarray(y), np.asarray(scores, dtype=float))
        assert key._roc_auc(*copy.deepcopy(case.args)) == pytest.approx(expected, abs=1e-12)


def test_kfold_reference_has_the_properties_the_prompt_states():
    for n, k in [(10, 3), (11, 4), (101, 10), (7, 7), (400, 11)]:
        folds = key._kfold(n, k)
        tests = [test for _, test in folds]
        assert len(folds) == k
        assert sorted(np.concatenate(tests).tolist()) == list(range(n))  # all covered, once
        sizes = [len(test) for test in tests]
        assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)
        for train, test in folds:
            assert not set(train) & set(test) and len(train) + len(test) == n


def test_stratified_reference_keeps_every_class_share():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=500)
    train, test = key._stratified_split(y, 0.2, 5)
    assert not set(train) & set(test) and len(train) + len(test) == 500
    for c in range(3):
        assert (y[test] == c).sum() == round(0.2 * (y == c).sum())


# --------------------------------------------------------------------------------------
# Inputs drawn at random: fresh at every collection, rebuilt from their seed.
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem_id", sorted(FUNCTIONS))
def test_random_inputs_are_drawn_afresh_and_rebuilt_from_their_seed(problem_id):
    name, reference = FUNCTIONS[problem_id]
    problem = PROBLEMS[problem_id]
    first = problem.collect({name: reference})
    second = problem.collect({name: reference})
    assert first.values["fresh_seed"] != second.values["fresh_seed"]
    again = problem.fresh(first.values["fresh_seed"])
    drawn = problem.fresh(first.values["fresh_seed"])
    assert len(drawn) == declaration.N_FRESH
    for a, b in zip(again, drawn, strict=True):
        assert repr(a.args) == repr(b.args) and a.kwargs == b.kwargs
    assert problem.evaluate(first).correct


@pytest.mark.parametrize("problem_id", sorted(FUNCTIONS))
def test_a_table_of_every_fixed_answer_fails_on_the_random_inputs(problem_id):
    name, reference = FUNCTIONS[problem_id]
    problem = PROBLEMS[problem_id]
    table = {}
    for _, case in problem.cases():
        if case.raises is None:
            table[repr(case.args) + repr(case.kwargs)] = reference(
                *copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)
            )
    raising = [case for _, case in problem.cases() if case.raises is not None]

    def lookup(*args, **kwargs):
        found = table.get(repr(args) + repr(kwargs))
        if found is not None:
            return copy.deepcopy(found)
        for case in raising:
            if repr(case.args) == repr(args) and case.kwargs == kwargs:
                raise case.raises("refused")
        return None  # an input not in the table

    outcome = _check(problem_id, lookup)
    assert outcome.status == "incorrect", outcome
    assert "drawn at random" in outcome.message


def test_a_function_that_mutates_only_large_inputs_is_caught():
    def auc_sorting_big(y_true, scores):
        value = key._roc_auc(y_true, scores)
        if isinstance(scores, np.ndarray) and len(scores) > 100:
            scores.sort()
        return value

    assert _check("26.1", auc_sorting_big).status == "incorrect"


def test_sklearn_reached_indirectly_is_still_reported():
    import importlib

    def sneaky(y_true, scores):
        metrics = importlib.import_module("sklearn" + ".metrics")
        return float(getattr(metrics, "roc_" + "auc_score")(np.asarray(y_true), scores))

    outcome = _check("26.1", sneaky)
    assert outcome.status == "incorrect" and "scikit-learn" in outcome.message


# --------------------------------------------------------------------------------------
# Forged collected data.
# --------------------------------------------------------------------------------------


def _forged(problem_id: str, **changes):
    name, reference = FUNCTIONS[problem_id]
    answer = PROBLEMS[problem_id].collect({name: reference})
    values = copy.deepcopy(answer.values)
    values.update(changes)
    return PROBLEMS[problem_id].evaluate(Answer(values))


@pytest.mark.parametrize("problem_id", sorted(FUNCTIONS))
@pytest.mark.parametrize(
    "changes",
    [
        {"fresh_seed": -1},
        {"fresh_seed": 2**62},
        {"fresh_seed": "7"},
        {"fresh_seed": 1.0},
        {"fresh": []},
        {"fresh": None},
        {"fresh": [{"ok": True}] * declaration.N_FRESH},
        {"fresh": [{"ok": "yes", "value": 1}] * declaration.N_FRESH},
        {"fresh": [{"ok": False, "error": 3, "error_types": []}] * declaration.N_FRESH},
        {"fresh": [{"ok": True, "value": 0.5, "mutated": "no"}] * declaration.N_FRESH},
    ],
    ids=lambda changes: repr(changes)[:40],
)
def test_forged_random_results_are_incorrect_never_a_checker_error(problem_id, changes):
    outcome = _forged(problem_id, **changes)
    assert outcome.status == "incorrect", outcome


@pytest.mark.parametrize("problem_id", sorted(FUNCTIONS))
def test_right_results_claimed_for_another_seed_are_rejected(problem_id):
    name, reference = FUNCTIONS[problem_id]
    answer = PROBLEMS[problem_id].collect({name: reference})
    seed = answer.values["fresh_seed"]
    outcome = _forged(problem_id, fresh_seed=(seed + 1) % 2**62, fresh=answer.values["fresh"])
    assert outcome.status == "incorrect", outcome


@pytest.mark.parametrize("problem_id", sorted(FUNCTIONS))
def test_the_grader_encodes_and_judges_the_random_inputs(problem_id, tmp_path):
    name, reference = FUNCTIONS[problem_id]
    problem = PROBLEMS[problem_id]
    answers = {problem_id: problem.collect({name: reference})}
    encode_answers(answers, tmp_path)
    outcome = next(
        o
        for o in evaluate_isolated("26", tmp_path, memory_mb=1024, timeout=120)
        if o["problem"] == problem_id
    )
    assert outcome["status"] == "correct", outcome


def test_the_grader_rejects_a_lookup_table_too(tmp_path):
    problem = PROBLEMS["26.2"]
    fixed = {(case.args[0], case.args[1]) for _, case in problem.cases() if case.raises is None}

    def only_fixed(n, k):
        if (n, k) in fixed or k < 2 or k > n:
            return key._kfold(n, k)
        return list(reversed(key._kfold(n, k)))  # right folds, in the wrong order

    encode_answers({"26.2": problem.collect({"kfold_indices": only_fixed})}, tmp_path)
    outcome = next(
        o
        for o in evaluate_isolated("26", tmp_path, memory_mb=1024, timeout=120)
        if o["problem"] == "26.2"
    )
    assert outcome["status"] == "incorrect", outcome


# --------------------------------------------------------------------------------------
# Exercise 4: metrics recomputed from the stated matrix.
# --------------------------------------------------------------------------------------


def test_confusion_metrics_are_recomputed_from_the_matrix(monkeypatch):
    problem = PROBLEMS["26.4"]
    right = key._cm_metrics()
    assert problem.check({"cm_metrics": right}).correct
    monkeypatch.setitem(key.CONFUSION, "tp", key.CONFUSION["tp"] + 30)
    assert not problem.check({"cm_metrics": right}).correct  # the key follows the matrix


def test_a_notebook_cannot_change_the_stated_matrix():
    with pytest.raises(TypeError):
        declaration.CONFUSION["tp"] = 500  # read-only in the learner's kernel
    changed = dict(declaration.CONFUSION, tp=500)  # a copy changed, then metrics from it
    tn, fp, fn, tp = (changed[k] for k in ("tn", "fp", "fn", "tp"))
    p, r = tp / (tp + fp), tp / (tp + fn)
    forged = {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r),
        "false_positive_rate": fp / (fp + tn),
    }
    assert PROBLEMS["26.4"].check({"cm_metrics": forged}).status == "incorrect"


def test_the_lesson_numbers_typed_in_are_rejected():
    typed = {"precision": 0.107, "recall": 0.71, "f1": 0.185, "false_positive_rate": 0.024}
    assert PROBLEMS["26.4"].check({"cm_metrics": typed}).status == "incorrect"
    right = key._cm_metrics()
    four = {k: round(v, 4) for k, v in right.items()}
    assert PROBLEMS["26.4"].check({"cm_metrics": four}).status == "incorrect"


@pytest.mark.parametrize(
    "attempt",
    [
        "rounded to 2 decimals",
        "a list of the four values",
        "precision typed as 0.1",
        "extra key",
    ],
)
def test_confusion_metrics_attempts_are_rejected(attempt):
    right = key._cm_metrics()
    forged = {
        "rounded to 2 decimals": {k: round(v, 2) for k, v in right.items()},
        "a list of the four values": list(right.values()),
        "precision typed as 0.1": {**right, "precision": 0.1},
        "extra key": {**right, "accuracy": 0.97},
    }[attempt]
    assert PROBLEMS["26.4"].check({"cm_metrics": forged}).status == "incorrect"


def test_an_incorrect_message_hides_the_expected_number():
    right = key._cm_metrics()
    assert right["recall"] == pytest.approx(0.71)
    outcome = PROBLEMS["26.4"].check({"cm_metrics": {**right, "recall": 0.5}})
    assert outcome.status == "incorrect" and "0.71" not in outcome.message


# --------------------------------------------------------------------------------------
# Review attacks: scikit-learn behind a table, splitters, dtypes, ties, out-of-range arguments.
# --------------------------------------------------------------------------------------


def _fixed_table(problem_id):
    name, reference = FUNCTIONS[problem_id]
    return {
        repr([np.asarray(a).tolist() for a in case.args]): reference(*copy.deepcopy(case.args))
        for _, case in PROBLEMS[problem_id].cases()
        if case.raises is None and not case.kwargs
    }


def test_a_table_with_scikit_learn_behind_it_is_reported():
    import importlib
    import sys

    table = _fixed_table("26.1")

    def auc_table_then_sklearn(y, s):
        found = table.get(repr([np.asarray(y).tolist(), np.asarray(s).tolist()]))
        if found is not None:
            return found
        if len(set(np.asarray(y).tolist())) < 2:
            raise ValueError("one class")
        metrics = importlib.import_module("sklearn" + ".metrics")
        return float(getattr(metrics, "roc_" + "auc_score")(np.asarray(y), np.asarray(s)))

    def auc_sklearn_when_untraced(y, s):
        if sys.getprofile() is None:
            return float(importlib.import_module("sklearn.metrics").roc_auc_score(y, s))
        return key._roc_auc(y, s) + 0.25  # wrong whenever traced

    outcome = _check("26.1", auc_table_then_sklearn)
    assert outcome.status == "incorrect" and "roc_auc_score" in outcome.message
    assert _check("26.1", auc_sklearn_when_untraced).status == "incorrect"


def test_kfold_from_scikit_learn_is_reported_and_the_reference_equals_it():
    from sklearn.model_selection import KFold

    def from_sklearn(n, k):
        return list(KFold(n_splits=k).split(np.zeros(n)))

    outcome = _check("26.2", from_sklearn)
    assert outcome.status == "incorrect" and "splitters" in outcome.message
    for n, k in [(10, 3), (11, 4), (300, 7), (101, 10), (2, 2)]:
        for (tr, te), (tr2, te2) in zip(key._kfold(n, k), from_sklearn(n, k), strict=True):
            assert tr.tolist() == tr2.tolist() and te.tolist() == te2.tolist()


def test_a_stratified_split_from_scikit_learn_is_reported():
    def from_sklearn(y, test_frac, seed):
        from sklearn.model_selection import train_test_split

        if not 0 < test_frac < 1:
            raise ValueError("bad test_frac")
        idx = np.arange(len(np.asarray(y)))
        train, test = train_test_split(
            idx, test_size=test_frac, stratify=np.asarray(y), random_state=seed
        )
        return np.sort(train), np.sort(test)

    assert _check("26.5", from_sklearn).status == "incorrect"


@pytest.mark.parametrize("dtype", [float, np.uint8])
def test_kfold_positions_of_another_dtype_are_rejected(dtype):
    def cast(n, k):
        return [(tr.astype(dtype), te.astype(dtype)) for tr, te in key._kfold(n, k)]

    assert _check("26.2", cast).status == "incorrect"
    assert _check(
        "26.2",
        lambda n, k: [(tr.astype(np.int32), te.astype(np.int32)) for tr, te in key._kfold(n, k)],
    ).correct


def test_split_positions_as_floats_are_rejected():
    def as_float(y, test_frac, seed):
        train, test = key._stratified_split(y, test_frac, seed)
        return train.astype(float), test.astype(float)

    assert _check("26.5", as_float).status == "incorrect"


def test_an_unstable_sort_fails_the_tie_case():
    def unstable(y, s, k):
        y, s = np.asarray(y), np.asarray(s, dtype=float)
        if not 1 <= k <= len(s):
            raise ValueError("bad k")
        return float(np.mean(y[np.argsort(-s)[:k]] == 1))

    for _ in range(5):
        assert _check("26.3", unstable).status == "incorrect"


@pytest.mark.parametrize(
    ("problem_id", "func"),
    [
        ("26.2", lambda n, k: [] if k < 0 else key._kfold(n, k)),
        ("26.3", lambda y, s, k: 0.5 if k < 0 else key._precision_at_k(y, s, k)),
        (
            "26.5",
            lambda y, f, seed: (
                key._stratified_split(y, min(f, 0.5), seed)
                if f != 1
                else key._stratified_split(y, f, seed)
            ),
        ),
    ],
)
def test_out_of_range_arguments_must_raise(problem_id, func):
    assert _check(problem_id, func).status == "incorrect"


def test_kc3_and_q8_feedback_do_not_give_the_answer_away():
    kc3 = key.KEY["26.kc3"]["feedback"]
    assert "box 0" not in kc3["a"] + kc3["c"] and "over" not in kc3["a"] and "reset" not in kc3["c"]
    assert "300" not in key.KEY["26.8"]["feedback"]["c"]
