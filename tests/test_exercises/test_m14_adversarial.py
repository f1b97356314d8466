"""Module 14: attempts to pass a check without doing the task, and right work written otherwise.

The solutions notebook's self-tests hold the attempts that ``assert_rejects`` can express. These
are the others: the mitigation of 14.7 built from other objects (an unfitted optimizer, the
base model itself, another pipeline with the same decisions on most rows), functions that
mutate their inputs or ignore them (14.2, 14.4), the targeted messages of known mistakes, and
properties of the expected values that make them unguessable. Right answers are computed here
independently of the key, the way a learner would.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.postprocessing import ThresholdOptimizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from mlcourse.datasets import make_credit
from mlcourse.exercises import get_module

FEATURES = [
    "age",
    "income",
    "debt_to_income",
    "credit_history_years",
    "n_late_payments",
    "employment_years",
    "loan_amount",
]


def problem(attribute: str):
    return get_module("14").problem(attribute)


def make_model():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


@pytest.fixture(scope="module")
def credit():
    frame = make_credit(6_000, bias=1.0, seed=42)
    train, test = train_test_split(frame, test_size=0.25, stratify=frame["group"], random_state=42)
    model = make_model().fit(train[FEATURES], train["approved"])
    return {"train": train, "test": test, "model_approved": model}


def optimizer(credit, estimator=None, rows="train", prefit=True):
    data = credit[rows]
    mitigator = ThresholdOptimizer(
        estimator=credit["model_approved"] if estimator is None else estimator,
        constraints="demographic_parity",
        objective="accuracy_score",
        prefit=prefit,
        predict_method="predict_proba",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigator.fit(data[FEATURES], data["approved"], sensitive_features=data["group"])


def test_14_7_accepts_the_right_optimizer_and_rejects_other_objects(credit):
    q7 = problem("q7")
    assert q7.check({"mitigated": optimizer(credit)}).correct
    unfitted = ThresholdOptimizer(
        estimator=credit["model_approved"], constraints="demographic_parity", prefit=True
    )
    for label, value in {
        "an unfitted optimizer": unfitted,
        "the base model itself": credit["model_approved"],
        "its decisions as an array": credit["model_approved"].predict(credit["test"][FEATURES]),
    }.items():
        outcome = q7.check({"mitigated": value})
        assert not outcome.correct, label
        assert outcome.status == "incorrect", (label, outcome.message)


def test_14_7_rejects_another_pipeline_and_test_rows(credit):
    q7 = problem("q7")
    other = make_pipeline(MinMaxScaler(), LogisticRegression(max_iter=1000)).fit(
        credit["train"][FEATURES], credit["train"]["approved"]
    )
    outcome = q7.check({"mitigated": optimizer(credit, estimator=other)})
    assert not outcome.correct and "estimator" in outcome.message
    outcome = q7.check({"mitigated": optimizer(credit, rows="test")})
    assert not outcome.correct and "test rows" in outcome.message


def test_14_2_rejects_functions_that_ignore_or_change_their_input():
    q2 = problem("q2")
    from mlcourse.keys.m14 import _ice

    def constant(model, X, feature, grid):
        return np.full((len(X), len(np.asarray(grid).ravel())), 0.7)

    def mutating(model, X, feature, grid):
        out = _ice(model, X, feature, grid)
        X[feature] = np.asarray(grid).ravel()[0]
        return out

    def positional(model, X, feature, grid):  # the rows in a sorted-index order
        return _ice(model, X.sort_index(), feature, grid)

    assert q2.check({"ice": _ice}).correct
    for func in (constant, mutating, positional):
        assert not q2.check({"ice": func}).correct, func.__name__


def test_14_4_rejects_mutation_and_accepts_a_pandas_version():
    q4 = problem("q4")

    def sorting(y_true, y_pred, groups):
        from mlcourse.keys.m14 import _fairness_gaps

        out = _fairness_gaps(y_true, y_pred, groups)
        if isinstance(y_true, list):
            y_true.sort()
        return out

    def with_pandas(y_true, y_pred, groups):
        frame = pd.DataFrame(
            {"y": np.asarray(y_true), "p": np.asarray(y_pred), "g": np.asarray(groups)}
        )
        sel = frame.groupby("g")["p"].mean()
        tpr = frame[frame.y == 1].groupby("g")["p"].mean()
        fpr = frame[frame.y == 0].groupby("g")["p"].mean()
        return {
            "demographic_parity": float(sel.max() - sel.min()),
            "equal_opportunity": float(tpr.max() - tpr.min()),
            "equalized_odds": float(max(tpr.max() - tpr.min(), fpr.max() - fpr.min())),
        }

    assert not q4.check({"fairness_gaps": sorting}).correct
    assert q4.check({"fairness_gaps": with_pandas}).correct


def test_known_mistakes_get_their_messages(credit):
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.inspection import permutation_importance

    train, test = credit["train"], credit["test"]
    boost = HistGradientBoostingClassifier(max_iter=50, random_state=0).fit(
        train[FEATURES], train["repaid"]
    )
    on_train = permutation_importance(
        boost, train[FEATURES], train["repaid"], scoring="roc_auc", n_repeats=5, random_state=0
    )
    outcome = problem("q1").check(
        {"perm_imp": pd.Series(on_train.importances_mean, index=FEATURES)}
    )
    assert not outcome.correct and "training rows" in outcome.message
    proxy = make_model().fit(train[FEATURES], train["group"] == "B")
    from sklearn.metrics import roc_auc_score

    auc_labels = float(roc_auc_score(test["group"] == "B", proxy.predict(test[FEATURES])))
    outcome = problem("q6").check({"proxy_auc": auc_labels})
    assert not outcome.correct and "scores" in outcome.message


def test_expected_values_are_not_guessable():
    from mlcourse.keys.m14 import _dp_by_bias, _proxy_auc, _report

    gaps = _dp_by_bias()
    assert gaps.is_monotonic_increasing and gaps.iloc[0] > 0  # a gap even at bias 0: the proxy
    assert all(abs(v * 1000 - round(v * 1000)) > 1e-6 for v in gaps)  # not a 3-decimal number
    assert 0.55 < _proxy_auc() < 0.95
    report = _report()
    assert report["dp_after"] < report["dp_before"] / 5
    assert report["accuracy_after"] < report["accuracy_before"]


def test_14_4_rejects_fairlearn_reached_without_naming_it():
    """Review 14, row 3: Fairlearn is forbidden inside the function; a call reached through
    importlib (no Fairlearn name in the code) is caught by the trace of calls."""
    import importlib

    q4 = problem("q4")

    def hidden(y_true, y_pred, groups):
        metrics = importlib.import_module("fair" + "learn.metrics")
        y, p, g = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
        ours = {
            name: float(getattr(metrics, f"{name}_difference")(y, p, sensitive_features=g))
            for name in ("demographic_parity", "equal_opportunity", "equalized_odds")
        }
        return ours

    outcome = q4.check({"fairness_gaps": hidden})
    assert outcome.status == "incorrect" and "Fairlearn" in outcome.message


def test_14_7_rejects_near_copies_with_other_thresholds(credit):
    """Review 14, rows 1, 2 and 4: decisions within 3 test rows of the reference, but other
    thresholds (test rows added, too few rows, another objective relabelled)."""
    q7 = problem("q7")
    train, test = credit["train"], credit["test"]

    def fitted(data, objective="accuracy_score"):
        mitigator = ThresholdOptimizer(
            estimator=credit["model_approved"],
            constraints="demographic_parity",
            objective=objective,
            prefit=True,
            predict_method="predict_proba",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mitigator.fit(data[FEATURES], data["approved"], sensitive_features=data["group"])
        mitigator.objective = "accuracy_score"
        return mitigator

    for label, value in {
        "50 test rows added": fitted(pd.concat([train, test.iloc[:50]])),
        "100 test rows added": fitted(pd.concat([train, test.iloc[:100]])),
        "the first 4,400 training rows": fitted(train.iloc[:4400]),
        "the first 4,200 training rows": fitted(train.iloc[:4200]),
        "balanced accuracy, relabelled": fitted(train, "balanced_accuracy_score"),
    }.items():
        outcome = q7.check({"mitigated": value})
        assert outcome.status == "incorrect", (label, outcome.message)
