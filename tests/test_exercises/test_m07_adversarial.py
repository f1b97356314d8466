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
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, make_scorer
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    StandardScaler,
)

from mlcourse.checks import Answer
from mlcourse.datasets import load_breast_cancer, load_penguins
from mlcourse.exercises import get_module
from mlcourse.exercises.m07 import _metrics_used
from tests.helpers import option_length_scores

GRID = [0.03, 0.3, 1.0, 3.0, 30.0]  # exercise 7's grid (not the lesson's)
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
    """Each C's five fold average precisions, computed as the exercise asks."""
    X, y, cv = cancer["X_train"], cancer["y_train"], cancer["cv"]
    return {C: cross_val_score(pipeline(C), X, y, cv=cv, scoring="average_precision") for C in GRID}


def run(C, ap, std, name=None, **params):
    return {
        "name": name or f"C={C}",
        "params": {"C": str(C), **params},
        "metrics": {"average_precision": float(ap), "average_precision_std": float(std)},
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
    se0 = (folds[0.3] - folds[1.0]).std() / np.sqrt(5)
    choice0 = decision(1, right_runs["gain"], se0, C="1.0")
    assert judge_runs([choice0, *ddof0]).correct


def test_07_7_rejects_runs_that_do_not_prove_the_work(right_runs, folds, cancer):
    grid, choice = right_runs["grid"], right_runs["choice"]
    X, y, cv = cancer["X_train"], cancer["y_train"], cancer["cv"]

    def scores(C, **kwargs):
        return cross_val_score(pipeline(C), X, y, **kwargs)

    def test_ap(C):
        model = pipeline(C).fit(X, y)
        proba = model.predict_proba(cancer["X_test"])[:, 1]
        return average_precision_score(cancer["y_test"], proba)

    def pooled_ap(C):
        proba = cross_val_predict(pipeline(C), X, y, cv=cv, method="predict_proba")[:, 1]
        return average_precision_score(y, proba)

    def grid_of(means):
        return [run(C, means[C], with_std[C]) for C in GRID] + [choice]

    with_std = {C: folds[C].std(ddof=1) for C in GRID}
    d = folds[0.3] - folds[1.0]
    gain, se = right_runs["gain"], right_runs["se"]
    forged = {
        "one run with a made-up number": [run(1.0, 0.99, 0.01)],
        "every C with made-up numbers": [run(C, 0.99, 0.01) for C in GRID] + [choice],
        "four values of C": grid[1:] + [choice],
        "the lesson's grid and printed ROC-AUCs": [
            run(0.01, 0.9903, 0.0069),
            run(0.1, 0.9921, 0.0072),
            run(1.0, 0.9914, 0.0101),
            run(10.0, 0.9875, 0.0150),
            run(100.0, 0.9846, 0.0155),
            decision(1.0, 0.0007, 0.0022),
        ],
        "ROC-AUCs on this grid": grid_of(
            {C: scores(C, cv=cv, scoring="roc_auc").mean() for C in GRID}
        ),
        "test-set average precisions": grid_of({C: test_ap(C) for C in GRID}),
        "pooled out-of-fold average precisions": grid_of({C: pooled_ap(C) for C in GRID}),
        "folds without shuffling (cv=5)": grid_of(
            {C: scores(C, cv=5, scoring="average_precision").mean() for C in GRID}
        ),
        "accuracies": grid_of({C: scores(C, cv=cv, scoring="accuracy").mean() for C in GRID}),
        "AP of 0/1 predictions": grid_of(
            {C: scores(C, cv=cv, scoring=make_scorer(average_precision_score)).mean() for C in GRID}
        ),
        "means rounded to 4 decimals": grid_of({C: round(folds[C].mean(), 4) for C in GRID}),
        "means rounded to 5 decimals": grid_of({C: round(folds[C].mean(), 5) for C in GRID}),
        "the standard error logged as the standard deviation": [
            run(C, folds[C].mean(), with_std[C] / np.sqrt(5)) for C in GRID
        ]
        + [choice],
        "no average_precision_std": [
            {**r, "metrics": {"average_precision": r["metrics"]["average_precision"]}} for r in grid
        ]
        + [choice],
        "no decision run": grid,
        "best_C = 0.3, the best mean": grid + [decision(0.3, gain, se)],
        "best_C = 0.03, the one-standard-error rule": grid + [decision(0.03, gain, se)],
        "the gain reversed": grid + [decision(1.0, -gain, se)],
        "the gain rounded": grid + [decision(1.0, round(gain, 4), se)],
        "the standard error rounded": grid + [decision(1.0, gain, round(se, 4))],
        "no square root of 5": grid + [decision(1.0, gain, d.std(ddof=1))],
        "an unpaired standard error": grid
        + [decision(1.0, gain, np.sqrt((folds[0.3].var(ddof=1) + folds[1.0].var(ddof=1)) / 5))],
        "no paired_gain_se": grid
        + [{**choice, "metrics": {"paired_gain": choice["metrics"]["paired_gain"]}}],
        "NaN metrics": [run(C, np.nan, np.nan) for C in GRID] + [choice],
    }
    for label, runs in forged.items():
        outcome = judge_runs(runs)
        assert outcome.status == "incorrect", (label, outcome)
    # The feedback names what the logged number matches, never the expected value.
    says = {
        "test-set average precisions": "test set",
        "ROC-AUCs on this grid": "ROC-AUC",
        "pooled out-of-fold average precisions": "pooled",
        "folds without shuffling (cv=5)": "cv=5",
        "means rounded to 4 decimals": "unrounded",
        "means rounded to 5 decimals": "unrounded",
        "the gain rounded": "unrounded",
        "the standard error rounded": "unrounded",
        "no square root of 5": "square root",
        "an unpaired standard error": "independent",
        "the lesson's grid and printed ROC-AUCs": "no run for C = 0.03",
    }
    for label, text in says.items():
        message = judge_runs(forged[label]).message
        assert text in message, (label, message)
        if "rounded" not in label:  # a rounded number is echoed, and it is the learner's
            assert f"{folds[0.03].mean():.4f}" not in message


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


def test_07_3_traces_calls_that_reading_the_code_cannot_follow():
    """The reviewer's eight bypasses of the bytecode reading, and switching the trace off."""
    namespace: dict = {}
    exec(  # a notebook's namespace, as the learner's functions see it
        """
import functools, sys
import numpy as np
import sklearn.metrics
from sklearn.metrics import precision_score, recall_score

def sk(t, p, zero_division=0):
    if len(t) == 0:
        return (0.0, 0.0)
    return (float(precision_score(t, p, zero_division=zero_division)),
            float(recall_score(t, p, zero_division=zero_division)))

def by_default(t, p, _p=precision_score, _r=recall_score):
    if len(t) == 0:
        return (0.0, 0.0)
    return (float(_p(t, p, zero_division=0)), float(_r(t, p, zero_division=0)))

TOOLS = {"p": precision_score, "r": recall_score}
def by_dict(t, p):
    if len(t) == 0:
        return (0.0, 0.0)
    return (float(TOOLS["p"](t, p, zero_division=0)), float(TOOLS["r"](t, p, zero_division=0)))

by_partial = functools.partial(sk, zero_division=0)

def by_getattr(t, p):
    m = getattr(sklearn.metrics, "precision" + "_score")
    r = getattr(sklearn.metrics, "recall" + "_score")
    if len(t) == 0:
        return (0.0, 0.0)
    return (float(m(t, p, zero_division=0)), float(r(t, p, zero_division=0)))

class Tools:
    p = staticmethod(precision_score)
    r = staticmethod(recall_score)

def by_class(t, p):
    if len(t) == 0:
        return (0.0, 0.0)
    return (float(Tools.p(t, p, zero_division=0)), float(Tools.r(t, p, zero_division=0)))

class Scorer:
    def __call__(self, t, p):
        return sk(t, p)

by_instance = Scorer()

def by_eval(t, p):
    if len(t) == 0:
        return (0.0, 0.0)
    return (float(eval("precision_score")(t, p, zero_division=0)),
            float(globals()["recall_score"](t, p, zero_division=0)))

def h5(t, p): return sk(t, p)
def h4(t, p): return h5(t, p)
def h3(t, p): return h4(t, p)
def h2(t, p): return h3(t, p)
def by_deep(t, p): return h2(t, p)

def trace_off(t, p):
    sys.setprofile(None)
    return sk(t, p)

def counting(t, p):
    t, p = np.asarray(t) == 1, np.asarray(p) == 1
    tp = int((t & p).sum())
    return (tp / int(p.sum()) if p.any() else 0.0, tp / int(t.sum()) if t.any() else 0.0)
""",
        namespace,
    )
    for name in (
        "by_default",
        "by_dict",
        "by_partial",
        "by_getattr",
        "by_class",
        "by_instance",
        "by_eval",
        "by_deep",
        "trace_off",
    ):
        outcome = problem("q3").check({"precision_recall": namespace[name]})
        assert outcome.status == "incorrect", (name, outcome)
        assert "scikit-learn's metrics" in outcome.message, (name, outcome.message)
    assert "setprofile" in problem("q3").check({"precision_recall": namespace["trace_off"]}).message
    assert problem("q3").check({"precision_recall": namespace["counting"]}).correct
    import sys

    assert sys.getprofile() is None  # the check leaves no trace behind


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

    def with_scaler(scaler, **settings):
        return Pipeline(
            [("scale", scaler), ("logreg", LogisticRegression(max_iter=1000, **settings))]
        )

    assert check(pipeline().fit(X, y)).correct
    assert check(pipeline().fit(X.to_numpy(), y.to_numpy())).correct  # arrays
    # Other ways of writing the same model: another solver, a scaler that does not centre.
    assert check(
        make_pipeline(StandardScaler(), LogisticRegression(solver="newton-cholesky")).fit(X, y)
    ).correct
    for solver in ("sag", "saga"):
        assert check(pipeline(solver=solver, random_state=0).fit(X, y)).correct, solver
    assert check(with_scaler(StandardScaler(with_mean=False)).fit(X, y)).correct
    assert "test set" in check(pipeline().fit(X_test, y_test)).message
    both = pipeline().fit(pd.concat([X, X_test]), pd.concat([y, y_test]))
    assert "together" in check(both).message
    assert "60 rows" in check(pipeline().fit(X[:60], y[:60])).message
    assert (
        "60 rows" in check(with_scaler(StandardScaler(with_mean=False)).fit(X[:60], y[:60])).message
    )
    # C must be the rule's (1 here): the best mean (0.3) and others are refused, without the value.
    for C in (0.3, 0.1, 0.5, 30.0):
        outcome = check(pipeline(C).fit(X, y))
        assert outcome.status == "incorrect" and "rule" in outcome.message, (C, outcome)
    for wrong in (
        pipeline(class_weight="balanced").fit(X, y),
        pipeline().fit(X, y.sample(frac=1, random_state=0).to_numpy()),  # shuffled labels
        make_pipeline(MinMaxScaler(), LogisticRegression(max_iter=1000)).fit(X_test, y_test),
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


def penguin_pipeline(
    numeric_imputer=None,
    categorical_imputer=None,
    numeric=None,
    columns=MEASUREMENTS,
    categories=("island", "sex"),
    classifier=None,
) -> Pipeline:
    numeric = numeric or make_pipeline(
        numeric_imputer or SimpleImputer(strategy="median"), StandardScaler()
    )
    categorical = make_pipeline(
        categorical_imputer or SimpleImputer(strategy="most_frequent"),
        OneHotEncoder(handle_unknown="ignore"),
    )
    groups = [("numbers", numeric, list(columns))]
    groups += [("categories", categorical, list(categories))] if categories else []
    return Pipeline(
        [
            ("preprocess", ColumnTransformer(groups)),
            ("logreg", classifier or LogisticRegression(max_iter=1000)),
        ]
    )


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


def test_07_9_judges_what_the_pipeline_is_made_of(penguins):
    """Pipelines that beat the baseline without doing the task (the reviewer's second round)."""
    X, y = penguins["X_train"], penguins["y_train"]
    everyone = pd.concat([penguins["y_train"], penguins["y_test"]])

    def check(model):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return problem("q9").check({"penguin_clf": model.fit(X, y)})

    def look_up(Z):  # the true species of each row, by its index: a leak a refit cannot show
        return Z.assign(adelie=(everyone.reindex(Z.index) == "Adelie").astype(float))

    class Mine(FunctionTransformer):  # a learner's own class
        pass

    median = SimpleImputer(strategy="median")
    rejected = {
        "no island and sex": (penguin_pipeline(categories=()), "island"),
        "no scaler": (penguin_pipeline(numeric=median), "not scaled"),
        "two measurements": (
            penguin_pipeline(columns=["bill_length_mm", "flipper_length_mm"]),
            "bill_depth_mm",
        ),
        "a FunctionTransformer that looks up the labels": (
            Pipeline([("look", FunctionTransformer(look_up)), *penguin_pipeline().steps]),
            "FunctionTransformer",
        ),
        "a class of the learner's own": (
            Pipeline([("mine", Mine()), *penguin_pipeline().steps]),
            "not one of scikit-learn's",
        ),
        "saga without random_state": (
            penguin_pipeline(classifier=LogisticRegression(solver="saga", max_iter=50)),
            "random",
        ),
    }
    for label, (model, says) in rejected.items():
        outcome = check(model)
        assert outcome.status == "incorrect", (label, outcome)
        assert says in outcome.message, (label, outcome.message)
    seeded = LogisticRegression(solver="saga", max_iter=2000, random_state=0)
    assert check(penguin_pipeline(classifier=seeded)).correct
    scaled_after = Pipeline(
        [
            *penguin_pipeline(numeric=median).steps[:1],
            ("scale", StandardScaler()),
            ("logreg", LogisticRegression(max_iter=1000)),
        ]
    )
    assert check(scaled_after).correct


# --------------------------------------------------------------------------------------
# Targeted feedback, and the knowledge check.
# --------------------------------------------------------------------------------------


def test_targeted_messages(cancer):
    X, y = cancer["X_train"], cancer["y_train"]
    in_sample = pipeline().fit(X, y).predict_proba(X)[:, 1]
    thresholds = np.round(np.arange(0.01, 1.0, 0.01), 2)
    costs = [
        (5 * ((y == 1) & (in_sample < t)).sum() + ((y == 0) & (in_sample >= t)).sum()) / len(y)
        for t in thresholds
    ]
    chosen = float(thresholds[int(np.argmin(costs))])
    assert chosen == 0.37
    assert "in-sample" in problem("q5").check({"best_threshold": chosen}).message
    noise = np.random.default_rng(7).normal(size=(len(y), 1000))
    k20 = Pipeline([("select", SelectKBest(f_classif, k=20)), ("logreg", LogisticRegression())])
    scores = cross_val_score(k20, noise, y, cv=cancer["cv"], scoring="roc_auc")
    assert "k=20" in problem("q6").check({"honest_scores": scores}).message
    for percent in (8.3, 8.29, 8.295):
        assert "percentage" in problem("kc9").check({"kc9": percent}).message


def test_knowledge_check_cannot_be_passed_by_option_length():
    """Picking the longest (or the shortest) option of every choice question earns at most 2."""
    from mlcourse.keys.m07 import KEY

    questions, earned = option_length_scores("07_classification_evaluation.ipynb", KEY)
    assert questions == 7
    assert earned["longest"] <= 2 and earned["shortest"] <= 2, earned
