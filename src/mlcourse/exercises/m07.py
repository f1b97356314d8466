"""Module 07 — Classification and evaluation: metrics, thresholds, leakage and tracked runs.

The declaration of the module's problems (the key is in mlcourse.keys.m07). The data are
loaded and split exactly as in the exercises notebook: the breast cancer data (positive
class: malignant) split 75/25 with stratification and seed 42, a scaler and a logistic
regression in a pipeline, and the Palmer penguins split the same way. The two model exercises
collect the learner's predictions on the held-out test sets; exercise 7 is judged through the
learner's logged MLflow runs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    LoggedRun,
    Numeric,
    Value,
    describe,
)
from mlcourse.exercises import Module

_SPLIT_SEED = 42  # random_state of every split and of the cross-validation splitter
_TEST_SIZE = 0.25
_N_FOLDS = 5
_CM_THRESHOLD = 0.3  # exercise 1: the confusion matrix at this threshold (stated in the prompt)
_SCREENING = {"tp": 40, "fp": 20, "fn": 10, "tn": 330}  # exercise 2 (stated in the prompt)
_COST_FN, _COST_FP = 5.0, 1.0  # exercise 5: a missed malignant tumour costs 5 false alarms
_NOISE_SEED, _N_NOISE, _K_SELECTED = 7, 1000, 10  # exercise 6 (stated in the notebook)
_MIN_CV_AUC = 0.98  # exercise 7: the logged mean cross-validated ROC-AUC must reach this
_SPAM = {"n": 200, "positives": 20, "flagged": 30, "flagged_positives": 15}  # question 2
_KC_COST_FN, _KC_COST_FP = 4.0, 1.0  # question 4
_SCALERS = ("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler")
_PENGUIN_NUMERIC = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")

# --------------------------------------------------------------------------------------
# Data, and the notebook's model whose scores are inputs of the test cases.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _cancer() -> dict[str, Any]:
    """The breast cancer split of the notebook: stratified 75/25, seed 42."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=_TEST_SIZE, stratify=y, random_state=_SPLIT_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _pipeline(C: float = 1.0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [("scale", StandardScaler()), ("logreg", LogisticRegression(C=C, max_iter=1000))]
    )


@lru_cache(maxsize=1)
def _test_scores() -> np.ndarray:
    """Probabilities of malignancy for the test tumours, from the model fitted on training."""
    d = _cancer()
    model = _pipeline().fit(d["X_train"], d["y_train"])
    return model.predict_proba(d["X_test"])[:, 1]


# --------------------------------------------------------------------------------------
# Exercises 3 and 4: test cases.
# --------------------------------------------------------------------------------------


def _pr_cases() -> list[Case]:
    return [
        Case([1, 0, 1, 1, 0, 0, 1], [1, 0, 0, 1, 1, 0, 0]),
        Case(np.array([0, 1, 1, 0, 1, 0]), np.array([1, 1, 1, 0, 0, 1])),
    ]


def _pr_hidden() -> list[Case]:
    rng = np.random.default_rng(_SPLIT_SEED + 3)
    y = rng.integers(0, 2, size=200)
    y_test = _cancer()["y_test"]
    return [
        Case([1, 1, 0, 0], [0, 0, 0, 0]),  # no positive predictions: precision 0.0
        Case(np.array([0, 0, 0]), np.array([1, 0, 1])),  # no positive labels: recall 0.0
        Case([0, 0, 0, 0], [0, 0, 0, 0]),  # neither
        Case([1, 0, 1], [1, 0, 1]),  # perfect
        Case(y, np.where(rng.random(200) < 0.8, y, 1 - y)),
        Case(y_test, (_test_scores() >= 0.5).astype(int)),  # a pandas Series and an array
    ]


def _cost_cases() -> list[Case]:
    return [
        Case([1, 0, 1, 0, 1, 0], [0.9, 0.4, 0.2, 0.7, 0.6, 0.55], 0.5, 10, 1),
        Case(
            np.array([0, 0, 1, 1, 0]),
            np.array([0.1, 0.35, 0.3, 0.8, 0.2]),
            threshold=0.25,
            cost_fn=5,
            cost_fp=2,
        ),
    ]


def _cost_hidden() -> list[Case]:
    rng = np.random.default_rng(_SPLIT_SEED + 4)
    y = rng.integers(0, 2, size=300)
    scores = np.clip(0.35 * y + rng.random(300) * 0.65, 0.0, 1.0)
    return [
        Case([1, 0, 1, 0], [0.5, 0.5, 0.2, 0.3], 0.5, 10, 1),  # scores exactly at the threshold
        Case([1, 0, 1, 0], [0.3, 0.2, 0.9, 0.95], 1.01, 3, 1),  # above every score: none flagged
        Case([1, 0, 0, 0], [0.3, 0.2, 0.9, 0.95], 0.0, 3, 1),  # zero: all flagged
        Case(y, scores, 0.4, 1, 1),
        Case(y, scores, 0.62, 20, 1),
        Case(_cancer()["y_test"], _test_scores(), 0.09, 10, 1),  # a pandas Series
    ]


# --------------------------------------------------------------------------------------
# Exercise 8: the final breast cancer pipeline, scored on the test tumours.
# --------------------------------------------------------------------------------------


def _find_scalers(estimator: Any) -> list[str]:
    """Class names of the scikit-learn scalers among the steps of a pipeline (recursively)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline

    found = []
    if isinstance(estimator, Pipeline):
        for _, step in estimator.steps:
            found += _find_scalers(step)
    elif isinstance(estimator, ColumnTransformer):
        transformers = getattr(estimator, "transformers_", estimator.transformers)
        for _, transformer, _ in transformers:
            found += _find_scalers(transformer)
    elif type(estimator).__name__ in _SCALERS and type(estimator).__module__.startswith(
        "sklearn.preprocessing"
    ):
        found.append(type(estimator).__name__)
    return found


def _fitted_pipeline(values: dict[str, Any], name: str, what: str):
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    model = values[name]
    if not isinstance(model, Pipeline):
        raise Fail(
            f"`{name}` should be a scikit-learn `Pipeline` ({what}), but it is {describe(model)}."
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise Fail(
            f"`{name}` is a Pipeline that has not been fitted yet: call "
            f"`{name}.fit(...)` on the training data."
        ) from None
    return model


def _extract_cancer_model(values: dict[str, Any]) -> dict[str, Any]:
    """Score the breast cancer test tumours with the learner's pipeline (learner's process)."""
    model = _fitted_pipeline(values, "clf", "a scaler, then a logistic regression")
    scalers = [name for _, step in model.steps[:-1] for name in _find_scalers(step)]
    if not scalers:  # rejected for that alone; no need to call the model
        return {"scalers": [], "classes": [], "scores": []}
    final = model.steps[-1][1]
    if not hasattr(final, "predict_proba"):
        raise Fail(
            f"The last step of `clf` is {describe(final)}, which has no `predict_proba`; it "
            "should be the classifier, e.g. `LogisticRegression(max_iter=1000)`."
        )
    proba = np.asarray(model.predict_proba(_cancer()["X_test"].copy()), dtype=float)
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    column = classes.index(1) if 1 in classes else -1
    scores = [float(s) for s in proba[:, column]] if proba.ndim == 2 and column >= 0 else []
    return {
        "scalers": scalers,
        "classes": [str(c) for c in classes],
        "scores": scores,
    }


# --------------------------------------------------------------------------------------
# Exercise 9: a penguin species pipeline, predicting the test penguins.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _penguins() -> dict[str, Any]:
    """The penguins split of the notebook: stratified 75/25 on species, seed 42."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_penguins

    X, y = load_penguins(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=_TEST_SIZE, stratify=y, random_state=_SPLIT_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _penguins_with_gaps():
    """Copies of three test penguins with missing values: no sex, no measurements, neither."""
    X = _penguins()["X_test"].iloc[:3].copy()
    X.loc[X.index[0], "sex"] = np.nan
    X.loc[X.index[1], list(_PENGUIN_NUMERIC)] = np.nan
    X.loc[X.index[2], ["sex", *_PENGUIN_NUMERIC]] = np.nan
    return X


def _extract_penguin_model(values: dict[str, Any]) -> dict[str, Any]:
    """Predict the test penguins, and three with missing values (learner's process)."""
    model = _fitted_pipeline(values, "penguin_clf", "preprocessing, then a classifier")
    predicted = model.predict(_penguins()["X_test"].copy())
    try:
        with_gaps = model.predict(_penguins_with_gaps())
    except Exception as error:
        raise Fail(
            "`penguin_clf` cannot predict penguins with missing values: on test penguins "
            f"without sex or without measurements it raised {type(error).__name__}: "
            f"{str(error)[:120]}. Put a `SimpleImputer` in front of each group of columns, "
            "inside the pipeline."
        ) from None
    return {
        "predicted": [str(p) for p in np.asarray(predicted).ravel()],
        "with_gaps": [str(p) for p in np.asarray(with_gaps).ravel()],
    }


MODULE = Module(
    "07",
    "classification_evaluation",
    "Classification and evaluation",
    problems=(
        Value(
            "07.1",
            var="cm",
            title="A confusion matrix at threshold 0.3",
            points=1,
            hints=[
                "Turn the probabilities into labels first: a tumour is flagged malignant when "
                "its score is at least 0.3. Then count the four kinds of outcome.",
                "`sklearn.metrics.confusion_matrix(y_true, y_pred)` takes the true labels "
                "first; its rows are the true classes and its columns the predicted ones.",
                "`confusion_matrix(y_test, (test_scores >= 0.3).astype(int))`",
            ],
        ),
        Value(
            "07.2",
            var="screening",
            atol=1e-3,
            title="Precision, recall and F1 from counts",
            points=1,
            hints=[
                "Write down the four counts first: true positives, false positives, false "
                "negatives, true negatives.",
                "Precision divides the true positives by everyone flagged; recall divides them "
                "by everyone who is ill.",
                "F1 is the harmonic mean: 2 * precision * recall / (precision + recall).",
            ],
        ),
        Function(
            "07.3",
            name="precision_recall",
            cases=_pr_cases,
            hidden=_pr_hidden,
            title="Precision and recall from scratch",
            points=2,
            hints=[
                "Count three things: the true positives, all positive predictions, and all "
                "positive labels. Comparing arrays element by element gives booleans you can sum.",
                "With NumPy: `truth = np.asarray(y_true) == 1`, `flagged = np.asarray(y_pred) "
                "== 1`, then `tp = np.sum(truth & flagged)`.",
                "Guard both divisions: when nothing is flagged, precision is 0.0; when nothing "
                "is positive, recall is 0.0. Return `(float(precision), float(recall))`.",
            ],
        ),
        Function(
            "07.4",
            name="expected_cost",
            cases=_cost_cases,
            hidden=_cost_hidden,
            title="Expected cost at a threshold",
            points=2,
            hints=[
                "Flag every example whose score is at least the threshold; then count the "
                "missed positives (false negatives) and the flagged negatives (false positives).",
                "Each false negative costs `cost_fn`, each false positive `cost_fp`; correct "
                "answers cost nothing. Divide the total by the number of examples.",
                "`flagged = np.asarray(scores) >= threshold` (at least, not above); "
                "`truth = np.asarray(y_true) == 1`; `fn = np.sum(truth & ~flagged)`.",
            ],
        ),
        Value(
            "07.5",
            var="best_threshold",
            atol=1e-6,
            title="The threshold for a 5:1 cost",
            points=2,
            hints=[
                "Compute `expected_cost(y_train, oof_scores, t, 5, 1)` for every `t` in "
                "`thresholds`: validation scores, not the test set.",
                "Put the costs in an array and take the threshold at the position of the "
                "smallest cost.",
                "`np.argmin` returns the first position of the minimum, which is the smallest "
                "threshold among equally cheap ones: `thresholds[np.argmin(costs)]`.",
            ],
        ),
        Value(
            "07.6",
            var="honest_scores",
            atol=1e-4,
            title="Feature selection inside cross-validation",
            points=2,
            hints=[
                "The selection must be refitted on the training folds of every split, which "
                "is what a Pipeline does inside `cross_val_score`.",
                "`Pipeline([('select', SelectKBest(f_classif, k=10)), ('logreg', "
                "LogisticRegression())])`, cross-validated on the raw `X_noise`.",
                "`cross_val_score(pipeline, X_noise, y_train, cv=cv, scoring='roc_auc')`: the "
                "same `cv` as the leaky version.",
            ],
        ),
        LoggedRun(
            "07.7",
            params=("C",),
            metrics={"roc_auc": _MIN_CV_AUC},
            tagged=True,
            title="Log a cross-validated comparison to MLflow",
            points=2,
            hints=[
                "One run per value of C, each opened with "
                '`with mlcourse.tracking.run("07.7", run_name=f"C={C}"):`, so that the check '
                "can find it.",
                'Inside the run: `mlflow.log_param("C", C)`, then '
                '`mlflow.log_metric("roc_auc", scores.mean())` with the scores of '
                "`cross_val_score(..., cv=cv, scoring='roc_auc')` on the training set.",
                "ROC-AUC needs scores, not labels: `scoring='roc_auc'` uses the model's "
                "probabilities. An AUC computed from 0/1 predictions comes out lower.",
            ],
        ),
        Custom(
            "07.8",
            reads=("clf",),
            extract=_extract_cancer_model,
            title="The final breast cancer pipeline",
            points=3,
            hints=[
                "A `Pipeline` with two steps: a `StandardScaler`, then a `LogisticRegression` "
                "with the C you chose from your runs.",
                "Fit it on `X_train` and `y_train` (all the training rows), not on the test set.",
                "`clf = Pipeline([('scale', StandardScaler()), ('logreg', "
                "LogisticRegression(C=best_C, max_iter=1000))]).fit(X_train, y_train)`",
            ],
        ),
        Custom(
            "07.9",
            reads=("penguin_clf",),
            extract=_extract_penguin_model,
            title="A penguin pipeline with missing values and categories",
            points=3,
            hints=[
                "A `ColumnTransformer` with two groups: the four measurements, and island and "
                "sex. Each group gets its own small pipeline; then a `LogisticRegression`.",
                "Measurements: `SimpleImputer(strategy='median')` then `StandardScaler()`. "
                "Island and sex: `SimpleImputer(strategy='most_frequent')` then "
                "`OneHotEncoder(handle_unknown='ignore')`.",
                "Fit the whole pipeline on `Xp_train` and `yp_train` (species names) without "
                "dropping any rows: the imputers fill the gaps.",
            ],
        ),
        Choice(
            "07.kc1",
            var="kc1",
            choices="abcd",
            title="Which number must be high",
            hints=["The doctors' sentence starts from the patients who do have cancer."],
        ),
        Numeric(
            "07.kc2",
            var="kc2",
            atol=0.002,
            title="F1 of a spam filter",
            hints=["Compute precision and recall first, then their harmonic mean."],
        ),
        Choice(
            "07.kc3",
            var="kc3",
            choices="abcd",
            title="What ROC-AUC measures",
            hints=["ROC-AUC does not depend on any threshold. What does it look at instead?"],
        ),
        Numeric(
            "07.kc4",
            var="kc4",
            atol=0.002,
            title="The threshold that costs imply",
            hints=[
                "Flagging a tumour with probability p of malignancy risks a false alarm with "
                "probability 1 - p; not flagging it risks a miss with probability p.",
                "Flag when p * 4 > (1 - p) * 1, and solve for p.",
            ],
        ),
        Choice(
            "07.kc5",
            var="kc5",
            choices="abcd",
            title="Spot the leak",
            hints=[
                "Two are leaks. In each case ask: does anything computed from the rows that "
                "are used for evaluation flow into the model or into a choice?"
            ],
        ),
        Choice(
            "07.kc6",
            var="kc6",
            choices="abcd",
            title="Accuracy and macro averages",
            hints=["The macro average gives each species the same weight, whatever its size."],
        ),
        Choice(
            "07.kc7",
            var="kc7",
            choices="abcd",
            title="Reading cross-validation results",
            hints=["Compare the difference between the means with the spread across folds."],
        ),
    ),
)
