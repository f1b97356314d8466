"""Module 07: attempts to pass a check without doing the task, and right work written otherwise.

The solutions notebook's self-tests hold the attempts that ``assert_rejects`` can express. These
are the others: logged runs forged as the tracking store would return them (07.7), the code
that exercise 3's check reads (07.3), and models fitted on the wrong rows, judged through the
problems' own collect and evaluate (07.8, 07.9). Right answers are computed here independently
of the key, the way a learner would.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import make_scorer, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mlcourse.checks import Answer
from mlcourse.datasets import load_breast_cancer, load_penguins
from mlcourse.exercises import get_module
from mlcourse.exercises.m07 import _metrics_used

GRID = [0.01, 0.1, 1.0, 10.0, 100.0]
MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def problem(attribute: str):
    return get_module("07").problem(attribute)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=42
    )
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test, "cv": cv}


def pipeline(C: float = 1.0, **kwargs) -> Pipeline:
    return Pipeline(
        [("scale", StandardScaler()), ("logreg", LogisticRegression(C=C, max_iter=1000, **kwargs))]
    )


# --------------------------------------------------------------------------------------
# 07.7: logged runs, forged as the tracking store returns them.
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folds(cancer):
    """Each C's five fold ROC-AUCs, computed as the exercise asks."""
    X, y, cv = cancer["X_train"], cancer["y_train"], cancer["cv"]
    return {C: cross_val_score(pipeline(C), X, y, cv=cv, scoring="roc_auc") for C in GRID}


def run(C, auc, std, name=None, **params):
    return {
        "name": name or f"C={C}",
        "params": {"C": str(C), **params},
        "metrics": {"roc_auc": float(auc), "roc_auc_std": float(std)},
        "tags": {"mlcourse.exercise": "07.7"},
    }


def decision(best_C, gain, se, **extra_params):
    return {
        "name": "choice of C",
        "params": {"best_C": str(best_C), **extra_params},
        "metrics": {"paired_gain": float(gain), "paired_gain_se": float(se)},
        "tags": {"mlcourse.exercise": "07.7"},
    }


@pytest.fixture(scope="module")
def right_runs(folds):
    grid = [run(C, folds[C].mean(), folds[C].std(ddof=1)) for C in GRID]
    c_star = max(GRID, key=lambda C: folds[C].mean())
    d = folds[c_star] - folds[1.0]
    gain, se = d.mean(), d.std(ddof=1) / np.sqrt(5)
    best = c_star if gain > 2 * se else 1.0
    return {"grid": grid, "choice": decision(best, gain, se), "gain": gain, "se": se}


def judge_runs(runs):
    return problem("q7").evaluate(Answer({"runs": copy.deepcopy(runs)}))


def test_07_7_accepts_right_runs_written_several_ways(right_runs, folds):
    grid, choice = right_runs["grid"], right_runs["choice"]
    assert judge_runs(grid + [choice]).correct
    # Newest first, as collected: an older wrong attempt behind the right runs does not count.
    stale = [run(C, 0.99, 0.01) for C in GRID]
    assert judge_runs([choice, *grid, *stale]).correct
    # Standard deviations with ddof=0, C logged as "1" rather than "1.0", a standard error
    # with ddof=0, and the decision run also logging C.
    ddof0 = [run(C, folds[C].mean(), folds[C].std()) for C in GRID]
    ddof0[2]["params"]["C"] = "1"
    se0 = (folds[0.1] - folds[1.0]).std() / np.sqrt(5)
    choice0 = decision(1, right_runs["gain"], se0, C="1.0")
    assert judge_runs([choice0, *ddof0]).correct


def test_07_7_rejects_runs_that_do_not_prove_the_work(right_runs, folds, cancer):
    grid, choice = right_runs["grid"], right_runs["choice"]
    X, y, cv = cancer["X_train"], cancer["y_train"], cancer["cv"]

    def scores(C, **kwargs):
        return cross_val_score(pipeline(C), X, y, **kwargs)

    def test_auc(C):
        model = pipeline(C).fit(X, y)
        return roc_auc_score(cancer["y_test"], model.predict_proba(cancer["X_test"])[:, 1])

    with_std = {C: folds[C].std(ddof=1) for C in GRID}
    forged = {
        "one run with a made-up ROC-AUC": [run(1.0, 0.99, 0.01)],
        "every C with made-up numbers": [run(C, 0.99, 0.01) for C in GRID] + [choice],
        "four values of C": grid[1:] + [choice],
        "test-set ROC-AUCs": [run(C, test_auc(C), with_std[C]) for C in GRID] + [choice],
        "folds without shuffling (cv=5)": [
            run(C, scores(C, cv=5, scoring="roc_auc").mean(), with_std[C]) for C in GRID
        ]
        + [choice],
        "accuracies": [
            run(C, scores(C, cv=cv, scoring="accuracy").mean(), with_std[C]) for C in GRID
        ]
        + [choice],
        "ROC-AUC of 0/1 predictions": [
            run(C, scores(C, cv=cv, scoring=make_scorer(roc_auc_score)).mean(), with_std[C])
            for C in GRID
        ]
        + [choice],
        "the standard error logged as the standard deviation": [
            run(C, folds[C].mean(), with_std[C] / np.sqrt(5)) for C in GRID
        ]
        + [choice],
        "no roc_auc_std": [{**r, "metrics": {"roc_auc": r["metrics"]["roc_auc"]}} for r in grid]
        + [choice],
        "no decision run": grid,
        "best_C = 0.1, the best mean": grid + [decision(0.1, right_runs["gain"], right_runs["se"])],
        "best_C = 0.01, the one-standard-error rule": grid
        + [decision(0.01, right_runs["gain"], right_runs["se"])],
        "the gain reversed": grid + [decision(1.0, -right_runs["gain"], right_runs["se"])],
        "an unpaired standard error": grid
        + [
            decision(
                1.0,
                right_runs["gain"],
                np.sqrt((folds[0.1].var(ddof=1) + folds[1.0].var(ddof=1)) / 5),
            )
        ],
        "no paired_gain_se": grid
        + [{**choice, "metrics": {"paired_gain": choice["metrics"]["paired_gain"]}}],
        "NaN metrics": [run(C, np.nan, np.nan) for C in GRID] + [choice],
    }
    for label, runs in forged.items():
        outcome = judge_runs(runs)
        assert outcome.status == "incorrect", (label, outcome)
    # The feedback names what the logged number matches, never the expected value.
    message = judge_runs(forged["test-set ROC-AUCs"]).message
    assert "test set" in message and f"{folds[0.01].mean():.4f}" not in message
    assert "cv=5" in judge_runs(forged["folds without shuffling (cv=5)"]).message
    assert "independent" in judge_runs(forged["an unpaired standard error"]).message


# --------------------------------------------------------------------------------------
# 07.3: the code is read for scikit-learn's metrics.
# --------------------------------------------------------------------------------------


def test_07_3_reads_which_metrics_a_function_uses():
    namespace: dict = {}
    exec(  # a notebook's namespace, as the learner's functions see it
        """
import numpy as np
import sklearn.metrics as skm
from sklearn.metrics import precision_score as ps, confusion_matrix

def alias(t, p):
    return ps(t, p, zero_division=0), 0.0

def attribute(t, p):
    return skm.recall_score(t, p), 0.0

def imported_inside(t, p):
    from sklearn.metrics import f1_score
    return f1_score(t, p), 0.0

def helper(t, p):
    return confusion_matrix(t, p)

def through_helper(t, p):
    return helper(t, p), 0.0

def in_a_lambda(t, p):
    return (lambda: confusion_matrix(t, p))(), 0.0

def counting(t, p):
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    return float((t & p).sum()), float(t.sum())
""",
        namespace,
    )
    for name in ("alias", "attribute", "imported_inside", "through_helper", "in_a_lambda"):
        assert _metrics_used(namespace[name]), name
    assert _metrics_used(namespace["counting"]) == []
    own: dict = {"np": np}
    exec(
        "def confusion_matrix(t, p):\n    return 0\n\ndef mine(t, p):\n    return confusion_matrix(t, p)\n",
        own,
    )
    assert _metrics_used(own["mine"]) == []  # the learner's own function of that name


def test_07_3_rejects_sklearn_and_accepts_counting():
    from sklearn.metrics import precision_score, recall_score

    def with_sklearn(y_true, y_pred):
        if len(y_true) == 0:
            return (0.0, 0.0)
        return (
            float(precision_score(y_true, y_pred, zero_division=0)),
            float(recall_score(y_true, y_pred, zero_division=0)),
        )

    def counting(y_true, y_pred):
        truth, flagged = np.asarray(y_true) == 1, np.asarray(y_pred) == 1
        tp = int((truth & flagged).sum())
        return (
            tp / int(flagged.sum()) if flagged.any() else 0.0,
            tp / int(truth.sum()) if truth.any() else 0.0,
        )

    outcome = problem("q3").check({"precision_recall": with_sklearn})
    assert outcome.status == "incorrect" and "precision_score" in outcome.message
    assert problem("q3").check({"precision_recall": counting}).correct


def test_07_4_rejects_an_unlabelled_confusion_matrix_and_mutation():
    from sklearn.metrics import confusion_matrix

    def unlabelled(y_true, scores, threshold, cost_fn, cost_fp):
        predicted = (np.asarray(scores) >= threshold).astype(int)
        tn, fp, fn, tp = confusion_matrix(y_true, predicted).ravel()
        return float((cost_fn * fn + cost_fp * fp) / len(predicted))

    def clipping(y_true, scores, threshold, cost_fn, cost_fp):
        truth, scores = np.asarray(y_true) == 1, np.asarray(scores)
        flagged = scores >= threshold
        cost = float(cost_fn * (truth & ~flagged).sum() + cost_fp * (~truth & flagged).sum())
        if scores.dtype.kind == "f":
            np.clip(scores, 0.0, 0.5, out=scores)  # the caller's own array, when given one
        return cost / len(truth)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = problem("q4").check({"expected_cost": unlabelled})
    assert outcome.status == "incorrect" and "negatives only" in outcome.message
    # Rejected for changing its input, and told so: no known mistake explains a right value.
    outcome = problem("q4").check({"expected_cost": clipping})
    assert outcome.status == "incorrect" and "in place" in outcome.message


# --------------------------------------------------------------------------------------
# 07.8 and 07.9: what the model was fitted on.
# --------------------------------------------------------------------------------------


def test_07_8_judges_what_the_model_was_fitted_on(cancer):
    X, y, X_test, y_test = cancer["X_train"], cancer["y_train"], cancer["X_test"], cancer["y_test"]

    def check(model):
        return problem("q8").check({"clf": model})

    assert check(pipeline().fit(X, y)).correct
    assert check(pipeline(0.1).fit(X.to_numpy(), y.to_numpy())).correct  # arrays, another C
    assert check(
        make_pipeline(StandardScaler(), LogisticRegression(solver="newton-cholesky")).fit(X, y)
    ).correct
    assert "test set" in check(pipeline().fit(X_test, y_test)).message
    both = pipeline().fit(pd.concat([X, X_test]), pd.concat([y, y_test]))
    assert "together" in check(both).message
    for wrong in (
        pipeline().fit(X[:60], y[:60]),
        pipeline(class_weight="balanced").fit(X, y),
        pipeline(C=0.5).fit(X, y),
        pipeline().fit(X, y.sample(frac=1, random_state=0).to_numpy()),  # shuffled labels
    ):
        assert check(wrong).status == "incorrect"


@pytest.fixture(scope="module")
def penguins():
    data = load_penguins()
    X, y = data.drop(columns="species"), data["species"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=42
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def penguin_pipeline(numeric_imputer=None, categorical_imputer=None) -> Pipeline:
    numeric = make_pipeline(numeric_imputer or SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        categorical_imputer or SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore"),
    )
    preprocess = ColumnTransformer(
        [("numbers", numeric, MEASUREMENTS), ("categories", categorical, ["island", "sex"])]
    )
    return Pipeline([("preprocess", preprocess), ("logreg", LogisticRegression(max_iter=1000))])


def test_07_9_judges_what_the_pipeline_was_fitted_on(penguins):
    X, y = penguins["X_train"], penguins["y_train"]

    def check(model):
        return problem("q9").check({"penguin_clf": model})

    assert check(penguin_pipeline().fit(X, y)).correct
    assert check(penguin_pipeline(KNNImputer()).fit(X, y)).correct
    constant = SimpleImputer(strategy="constant", fill_value="unknown")
    indicator = SimpleImputer(strategy="median", add_indicator=True)
    assert check(penguin_pipeline(indicator, constant).fit(X, y)).correct
    complete = X.notna().all(axis=1)
    for model in (
        penguin_pipeline().fit(penguins["X_test"], penguins["y_test"]),
        penguin_pipeline().fit(X[complete], y[complete]),
        penguin_pipeline().fit(X.iloc[:60], y.iloc[:60]),
        penguin_pipeline().fit(
            pd.concat([X, penguins["X_test"]]), pd.concat([y, penguins["y_test"]])
        ),
    ):
        outcome = check(model)
        assert outcome.status == "incorrect", outcome
    assert (
        "not fitted on `Xp_train`"
        in check(clone(penguin_pipeline()).fit(X[complete], y[complete])).message
    )
