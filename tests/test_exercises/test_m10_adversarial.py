"""Module 10: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/10_unsupervised.ipynb.

Each test names the attempt it encodes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlcourse.checks import Answer
from mlcourse.exercises import get_module
from mlcourse.exercises.m10 import _digits_split, _transactions
from tests.helpers import problem_helpers

MODULE = get_module("10")

problem, outcome = problem_helpers("10")


def test_a_kmeans_step_returning_lists_is_pointed_to_arrays_and_a_constant_is_rejected():
    reference = problem("10.2").reference

    def as_lists(X, centers):
        labels, new = reference(X, centers)
        return labels.tolist(), new.tolist()

    result = outcome("10.2", kmeans_step=as_lists)  # the prompt asks for arrays
    assert result.status == "incorrect" and "np.asarray" in result.message
    fixed = reference(np.zeros((5, 2)), np.zeros((2, 2)))
    assert not outcome("10.2", kmeans_step=lambda X, centers: fixed).correct


def test_a_reconstruction_that_ignores_k_is_rejected():
    reference = problem("10.4").reference
    assert not outcome("10.4", pca_reconstruct=lambda X, k: reference(X, 1)).correct


def test_precision_at_k_that_pairs_series_by_index_label_is_rejected():
    import pandas as pd

    def by_label(y_true, scores, k):
        y, s = pd.Series(y_true), pd.Series(scores)
        if not 1 <= k <= len(y):
            raise ValueError("k")
        return float((y.reindex(s.sort_values(ascending=False).index[:k]) == 1).mean())

    assert not outcome("10.8", precision_at_k=by_label).correct


def test_precision_at_k_that_raises_another_exception_for_a_bad_k_is_rejected():
    reference = problem("10.8").reference

    def index_error(y_true, scores, k):
        if not 1 <= k <= len(y_true):
            raise IndexError("k")
        return reference(y_true, scores, k)

    assert not outcome("10.8", precision_at_k=index_error).correct


def test_a_mixture_with_other_settings_is_rejected():
    from sklearn.mixture import GaussianMixture
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    t = _transactions()

    def scores(mixture, rows=slice(None)):
        model = make_pipeline(StandardScaler(), mixture).fit(t["X_train"].iloc[rows])
        return -model.score_samples(t["X_test"])

    diagonal = GaussianMixture(n_components=5, covariance_type="diag", random_state=0)
    assert not outcome("10.7", gmm_scores=scores(diagonal)).correct
    subset = GaussianMixture(n_components=5, random_state=0)
    assert not outcome("10.7", gmm_scores=scores(subset, slice(0, 2000))).correct
    other_seed = GaussianMixture(n_components=5, random_state=1)
    right = GaussianMixture(n_components=5, random_state=0)
    same = np.allclose(scores(other_seed), scores(right), rtol=1e-4, atol=1e-6)
    assert outcome("10.7", gmm_scores=scores(other_seed)).correct == same


def _pca_pipeline(n, **logreg):
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [("pca", PCA(n_components=n)), ("logreg", LogisticRegression(max_iter=2000, **logreg))]
    )


def _best_n():
    from mlcourse.keys.m10 import _best_n

    return _best_n()


def _cv_scores():
    from mlcourse.keys.m10 import _cv_scores

    return {n: list(v) for n, v in _cv_scores().items()}


def _collected(n, model_n=None, scores=None, best=None):
    """What the extract collects for a right pipeline with ``model_n`` components."""
    d = _digits_split()
    model = _pca_pipeline(model_n or n).fit(d["X_train"], d["y_train"])
    proba = np.asarray(model.predict_proba(d["X_test"]), dtype=float).ravel().tolist()
    scores = scores if scores is not None else _cv_scores()
    return {
        "cv_grid": sorted(scores),
        "cv_scores": [list(scores[k]) for k in sorted(scores)],
        "steps": [
            "sklearn.decomposition._pca.PCA",
            "sklearn.linear_model._logistic.LogisticRegression",
        ],
        "n_components": model_n or n,
        "n_components_kind": "",
        "best_n": n if best is None else best,
        "best_n_kind": "",
        "proba": proba,
        "refit_proba": proba,
    }


def test_the_collected_right_answer_is_accepted():
    result = problem("10.5").evaluate(Answer({"data": _collected(_best_n())}))
    assert result.correct, result


def test_made_up_fold_scores_that_make_the_rule_pick_the_largest_n_are_rejected():
    """Rows 1-2 of the second review: the largest n (no PCA at all) with fold scores invented
    so that the rule would pick it."""
    from mlcourse.exercises.m10 import N_GRID

    largest = max(N_GRID)
    forged = {n: [0.5] * 5 for n in N_GRID}
    forged[largest] = [0.96] * 5
    result = problem("10.5").evaluate(Answer({"data": _collected(largest, scores=forged)}))
    assert result.status == "incorrect" and "fold accuracies" in result.message, result


def test_the_rule_is_applied_to_the_learners_own_scores_within_one_test_digit():
    """Fold accuracies where one fold has one test digit more or fewer right (another thread
    count or CPU) are accepted, and best_n is judged by the rule on them."""
    from mlcourse.keys.m10 import _fold_sizes, _one_se_choices

    scores = _cv_scores()
    shifted = {n: list(folds) for n, folds in scores.items()}
    shifted[30][0] -= 1 / _fold_sizes()[0]
    best = min(_one_se_choices(shifted))
    result = problem("10.5").evaluate(Answer({"data": _collected(best, scores=shifted)}))
    assert result.correct, result


def _spread(scores, n, digits):
    """``scores[n]`` with each fold moved by a whole number of test digits."""
    from mlcourse.keys.m10 import _fold_sizes

    moved = {k: list(v) for k, v in scores.items()}
    moved[n] = [v + d / size for v, d, size in zip(moved[n], digits, _fold_sizes(), strict=True)]
    return moved


def test_fold_scores_nudged_within_a_digit_per_fold_to_move_the_rule_are_rejected():
    """Row 4 of the third review and a variant found while fixing it: 0.0039 added to every
    fold of n = 20 (inside the old per-fold tolerance), and whole-digit moves that keep each
    mean within 0.0008 of the key's but inflate the best n's standard error; both make the
    rule pick 20."""
    from mlcourse.keys.m10 import _one_se_choices

    scores = _cv_scores()
    plus = {n: [v + 0.0039 for v in f] if n == 20 else f for n, f in scores.items()}
    spread = _spread(
        _spread(_spread(scores, 20, [-1, -1, -1, 1, 1]), 40, [-1, -1, 1, -1, 1]),
        64,
        [-1, -1, -1, 1, 1],
    )
    for forged in (plus, spread):
        assert 20 in _one_se_choices(forged)  # the forgery would work without the check
        result = problem("10.5").evaluate(Answer({"data": _collected(20, scores=forged)}))
        assert result.status == "incorrect" and "fold accuracies" in result.message, result
    two_digits = _spread(scores, 30, [1, 0, 0, 0, 1])
    result = problem("10.5").evaluate(Answer({"data": _collected(_best_n(), scores=two_digits)}))
    assert result.status == "incorrect", result


def test_forged_refit_probabilities_of_a_test_fitted_model_are_rejected():
    """A learner who replaces the extract and copies the test-fitted model's probabilities
    into the refit field still fails: the key compares them with its own pipeline."""
    d = _digits_split()
    n = _best_n()
    on_test = _pca_pipeline(n).fit(d["X_test"], d["y_test"])
    proba = np.asarray(on_test.predict_proba(d["X_test"]), dtype=float).ravel().tolist()
    data = {**_collected(n), "proba": proba, "refit_proba": proba}
    result = problem("10.5").evaluate(Answer({"data": data}))
    assert result.status == "incorrect", result


def test_a_pca_pipeline_with_another_c_is_rejected_and_another_solver_accepted():
    from mlcourse.keys.m10 import _cv_scores

    d = _digits_split()
    n = _best_n()
    scores = {k: np.array(v) for k, v in _cv_scores().items()}
    other_c = _pca_pipeline(n, C=0.01).fit(d["X_train"], d["y_train"])
    assert not outcome("10.5", cv_scores=scores, pca_clf=other_c, best_n=n).correct
    newton = _pca_pipeline(n, solver="newton-cg").fit(d["X_train"], d["y_train"])
    assert outcome("10.5", cv_scores=scores, pca_clf=newton, best_n=n).correct


def test_a_pca_pipeline_with_a_slightly_other_c_is_rejected_and_valid_variants_accepted():
    """Row 3 of the third review: C = 0.8 or 1.25 passed the 0.05 tolerance. Other solvers
    (seeded where they are random), a tighter tol, more iterations and a randomized PCA are
    the same pipeline and pass."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from mlcourse.keys.m10 import _cv_scores

    d = _digits_split()
    n = _best_n()
    scores = {k: np.array(v) for k, v in _cv_scores().items()}

    def fitted(pca=None, **logreg):
        logreg = {"max_iter": 2000, **logreg}
        model = Pipeline(
            [("pca", pca or PCA(n_components=n)), ("logreg", LogisticRegression(**logreg))]
        )
        return model.fit(d["X_train"], d["y_train"])

    for c in (0.8, 1.25):
        assert not outcome("10.5", cv_scores=scores, pca_clf=fitted(C=c), best_n=n).correct
    for valid in (
        fitted(solver="sag", max_iter=5000, random_state=0),
        fitted(tol=1e-6),
        fitted(max_iter=5000),
        fitted(pca=PCA(n_components=n, svd_solver="randomized", random_state=1)),
    ):
        result = outcome("10.5", cv_scores=scores, pca_clf=valid, best_n=n)
        assert result.correct, result


@pytest.mark.parametrize(
    "forged",
    [
        None,
        [],
        {},
        {"steps": None},
        {"proba": [math.nan]},
        {"cv_grid": "5", "cv_scores": []},
        {"cv_grid": [5], "cv_scores": [[0.9, "x"]]},
    ],
    ids=["None", "list", "dict", "steps None", "NaN", "grid str", "score str"],
)
def test_junk_handed_to_the_pca_judge_is_incorrect_never_an_error(forged):
    result = problem("10.5").evaluate(Answer({"data": forged}))
    assert result.status == "incorrect", result


@pytest.mark.parametrize("letter", "abcd")
def test_no_single_letter_answers_most_questions(letter):
    from mlcourse.checks import Choice

    questions = [p for p in MODULE.problems if isinstance(p, Choice)]
    assert sum(p.check({p.var: letter}).correct for p in questions) <= 2


@pytest.mark.parametrize(
    ("qid", "giveaway"),
    [("10.kc4", "neighbour"), ("10.kc5", "score_samples"), ("10.kc6", "predict_proba")],
)
def test_quiz_hints_do_not_echo_the_right_option(qid, giveaway):
    """Row 10 of the second review: the hints named the right option's key idea."""
    assert not any(giveaway in hint for hint in problem(qid).hints)


def test_a_list_with_text_is_not_turned_into_numbers():
    values = problem("10.1").reference_part("expected")()
    as_text = {"inertia": [str(v) for v in values["inertia"]], "silhouette": values["silhouette"]}
    assert not outcome("10.1", kmeans_scores=as_text).correct
    assert outcome("10.1", kmeans_scores={k: tuple(v) for k, v in values.items()}).correct


def test_a_kmeans_step_returning_a_namedtuple_is_collected_as_a_plain_tuple_and_accepted():
    """Row 7 of the third review: a namedtuple got "should be a tuple, but it is a Step", and
    the grader cannot store one; it is collected as a tuple."""
    from collections import namedtuple

    step = namedtuple("Step", ["labels", "centers"])
    reference = problem("10.2").reference
    answer = problem("10.2").collect({"kmeans_step": lambda X, c: step(*reference(X, c))})
    assert all(type(r["value"]) is tuple for r in answer.values["results"] if r["ok"])
    assert problem("10.2").evaluate(answer).correct


def test_a_series_of_words_or_a_2d_frame_is_not_taken_for_numbers():
    import pandas as pd

    values = problem("10.1").reference_part("expected")()
    words = pd.Series([str(v) for v in values["inertia"]])
    assert not outcome("10.1", kmeans_scores={**values, "inertia": words}).correct
    frame = pd.DataFrame({"a": values["inertia"]})
    assert not outcome("10.1", kmeans_scores={**values, "inertia": frame}).correct
