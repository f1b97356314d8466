"""Module 07 — Classification and evaluation: metrics, thresholds, leakage and tracked runs.

The declaration of the module's problems (the key is in mlcourse.keys.m07). The data are
loaded and split exactly as in the exercises notebook: the breast cancer data (positive
class: malignant) split 75/25 with stratification and seed 42, a scaler and a logistic
regression in a pipeline, and the Palmer penguins split the same way. Until exercise 8 the
exercises work on validation data only: the out-of-fold probabilities of the training
tumours. Exercise 7 is judged through the learner's logged MLflow runs, whose numbers the key
recomputes. The two model exercises collect the learner's probabilities on the held-out test
sets, which the key compares with the same model refitted on the training rows.
"""

from __future__ import annotations

import warnings
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
from mlcourse.exercises._sklearn import NoSklearnMetrics, metrics_used
from mlcourse.exercises._sklearn import class_path as _class_path
from mlcourse.exercises._sklearn import one_thread as _one_thread

_SPLIT_SEED = 42  # random_state of every split and of the cross-validation splitter
_TEST_SIZE = 0.25
_N_FOLDS = 5
_CM_THRESHOLD = 0.3  # exercise 1: the confusion matrix at this threshold (stated in the prompt)
_SCREENING = {"tp": 40, "fp": 20, "fn": 10, "tn": 330}  # exercise 2 (stated in the prompt)
_COST_FN, _COST_FP = 5.0, 1.0  # exercise 5: a missed malignant tumour costs 5 false alarms
_NOISE_SEED, _N_NOISE, _K_SELECTED = 7, 1000, 10  # exercise 6 (stated in the notebook)
_C_GRID = (0.03, 0.3, 1.0, 3.0, 30.0)  # exercise 7: the values of C compared (not the lesson's)
_SCORING = "average_precision"  # exercise 7's metric (the lesson's section 8 uses ROC-AUC)
_DEFAULT_C = 1.0  # exercise 7: kept unless another C is clearly better (the stated rule)
_N_SE = 2.0  # exercise 7: "clearly": the paired gain exceeds this many standard errors
_SPAM = {"n": 200, "positives": 20, "flagged": 30, "flagged_positives": 15}  # question 2
_KC_COST_FN, _KC_COST_FP = 4.0, 1.0  # question 4
_SCREEN = {"prevalence": 1 / 200, "recall": 0.9, "fpr": 0.05}  # question 9
_SCALERS = ("StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler")
_PENGUIN_NUMERIC = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
#: scikit-learn's metrics that exercise 3 asks not to use (it asks for the counting itself)
_SKLEARN_METRICS = frozenset(
    {
        "precision_score",
        "recall_score",
        "f1_score",
        "fbeta_score",
        "precision_recall_fscore_support",
        "confusion_matrix",
        "multilabel_confusion_matrix",
        "classification_report",
    }
)

# --------------------------------------------------------------------------------------
# Data, and the notebook's model whose validation scores are inputs of the test cases.
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


def _pipeline(C: float = _DEFAULT_C):
    """The notebook's pipeline: a StandardScaler, then LogisticRegression(C, max_iter=1000)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [("scale", StandardScaler()), ("logreg", LogisticRegression(C=C, max_iter=1000))]
    )


def _cv():
    """The notebook's splitter: stratified 5-fold, shuffled with seed 42."""
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=_N_FOLDS, shuffle=True, random_state=_SPLIT_SEED)


@lru_cache(maxsize=1)
def _oof_scores() -> np.ndarray:
    """Out-of-fold probabilities of malignancy for the training tumours (the notebook's)."""
    from sklearn.model_selection import cross_val_predict

    d = _cancer()
    with _one_thread():
        proba = cross_val_predict(
            _pipeline(), d["X_train"], d["y_train"], cv=_cv(), method="predict_proba"
        )
    return proba[:, 1]


# --------------------------------------------------------------------------------------
# Exercises 3 and 4: test cases.
# --------------------------------------------------------------------------------------


def _pr_cases() -> list[Case]:
    return [
        Case(
            [1, 0, 1, 1, 0, 0, 1],
            [1, 0, 0, 1, 1, 0, 0],
            call="precision_recall([1, 0, 1, 1, 0, 0, 1], [1, 0, 0, 1, 1, 0, 0])",
        ),
        Case(
            np.array([0, 1, 1, 0, 1, 0]),
            np.array([1, 1, 1, 0, 0, 1]),
            call="precision_recall(np.array([0, 1, 1, 0, 1, 0]), np.array([1, 1, 1, 0, 0, 1]))",
        ),
    ]


def _pr_hidden() -> list[Case]:
    rng = np.random.default_rng(_SPLIT_SEED + 3)
    y = rng.integers(0, 2, size=200)
    y_train = _cancer()["y_train"]
    return [
        Case([1, 1, 0, 0], [0, 0, 0, 0], label="no positive predictions (precision undefined)"),
        Case(
            np.array([0, 0, 0]),
            np.array([1, 0, 1]),
            label="no positive labels (recall undefined)",
        ),
        Case([0, 0, 0, 0], [0, 0, 0, 0], label="neither positive labels nor predictions"),
        Case([], [], label="empty inputs"),
        Case([1, 0, 1], [1, 0, 1], label="perfect predictions"),
        Case([1, 1, 1], [0, 0, 0], label="every positive missed"),
        Case(y, np.where(rng.random(200) < 0.8, y, 1 - y), label="200 random labels"),
        Case(
            y_train,
            (_oof_scores() >= 0.5).astype(int),
            label="a pandas Series with a shuffled index, and a NumPy array",
        ),
    ]


def _cost_cases() -> list[Case]:
    return [
        Case(
            [1, 0, 1, 0, 1, 0],
            [0.9, 0.4, 0.2, 0.7, 0.6, 0.55],
            0.5,
            10,
            1,
            call="expected_cost([1, 0, 1, 0, 1, 0], [0.9, 0.4, 0.2, 0.7, 0.6, 0.55], 0.5, 10, 1)",
        ),
        Case(
            np.array([0, 0, 1, 1, 0]),
            np.array([0.1, 0.35, 0.3, 0.8, 0.2]),
            threshold=0.25,
            cost_fn=5,
            cost_fp=2,
            call=(
                "expected_cost(np.array([0, 0, 1, 1, 0]), np.array([0.1, 0.35, 0.3, 0.8, 0.2]), "
                "threshold=0.25, cost_fn=5, cost_fp=2)"
            ),
        ),
    ]


def _cost_hidden() -> list[Case]:
    rng = np.random.default_rng(_SPLIT_SEED + 4)
    y = rng.integers(0, 2, size=300)
    scores = np.clip(0.35 * y + rng.random(300) * 0.65, 0.0, 1.0)
    return [
        Case(
            [1, 0, 1, 0], [0.5, 0.5, 0.2, 0.3], 0.5, 10, 1, label="scores exactly at the threshold"
        ),
        Case(
            [1, 0, 1, 0],
            [0.3, 0.2, 0.9, 0.95],
            1.01,
            3,
            1,
            label="a threshold above every score (nothing flagged)",
        ),
        Case([1, 0, 0, 0], [0.3, 0.2, 0.9, 0.95], 0.0, 3, 1, label="threshold 0 (all flagged)"),
        Case([0, 0, 0], [0.1, 0.2, 0.3], 0.5, 5, 1, label="negatives only, none flagged"),
        Case([1, 1], [0.9, 0.8], 0.5, 5, 1, label="positives only, all flagged"),
        Case(y, scores, 0.4, 1, 1, label="300 examples with equal costs"),
        Case(y, scores, 0.62, 20, 1, label="300 examples with cost_fn 20"),
        Case(
            _cancer()["y_train"],
            _oof_scores(),
            0.09,
            10,
            1,
            label="a pandas Series with a shuffled index, and a NumPy array",
        ),
    ]


def _metrics_used(func: Any) -> list[str]:
    """The scikit-learn metrics ``func`` refers to (see ``_sklearn.metrics_used``)."""
    return metrics_used(func, _SKLEARN_METRICS)


# --------------------------------------------------------------------------------------
# Exercises 8 and 9: the final pipelines, scored on the held-out test sets.
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
    final = model.steps[-1][1]
    if not hasattr(final, "predict_proba"):
        raise Fail(
            f"The last step of `{name}` is {describe(final)}, which has no `predict_proba`; it "
            "should be the classifier, `LogisticRegression(max_iter=1000)`."
        )
    return model


_SCALER_STATS = ("mean_", "var_", "data_min_", "data_max_", "max_abs_", "center_")
_ROW_SETS = ("train", "test", "all")  # the rows a scaler may have been fitted on, named


def _cancer_rows(rows: str) -> Any:
    import pandas as pd

    d = _cancer()
    return {
        "train": d["X_train"],
        "test": d["X_test"],
        "all": pd.concat([d["X_train"], d["X_test"]]),
    }[rows]


def _scaler_rows(model: Any) -> str:
    """The rows the pipeline's first scaler was fitted on, named from what it learned.

    The first scaler among the top-level steps (imputers may come first), fed the raw
    columns: its ``n_samples_seen_`` and its statistics (means, variances, minima, ...) are
    compared with those of a default scaler of its class fitted on the course's training, test,
    or all tumours, whatever its own settings (``with_mean=False``, say). ``"train"``,
    ``"test"``, ``"all"``, ``"N rows"`` (other rows, N when the scaler counts them), or
    ``"unknown"`` (no such scaler, or nothing to compare).
    """
    import sklearn.preprocessing as preprocessing

    scaler = None
    for _, step in model.steps[:-1]:
        name = type(step).__name__
        if name in _SCALERS and type(step).__module__.startswith("sklearn.preprocessing"):
            scaler = step
            break
        if name != "SimpleImputer":  # a step that may change the columns: cannot tell
            return "unknown"
    if scaler is None:
        return "unknown"
    seen = getattr(scaler, "n_samples_seen_", None)
    seen = float(np.max(seen)) if seen is not None and np.size(seen) else None
    own = {
        name: np.asarray(getattr(scaler, name), dtype=float)
        for name in _SCALER_STATS
        if isinstance(getattr(scaler, name, None), np.ndarray)
    }
    compared = False
    for rows in _ROW_SETS:
        X = _cancer_rows(rows)
        same = seen is None or seen == len(X)
        reference = getattr(preprocessing, type(scaler).__name__)().fit(X)
        for name, stat in own.items():
            expected = getattr(reference, name, None)
            if not isinstance(expected, np.ndarray) or expected.shape != stat.shape:
                continue
            compared = True
            same = same and bool(np.allclose(stat, expected, rtol=1e-7, atol=1e-9))
        if same and (compared or seen is not None):
            return rows
    if seen is not None:
        return f"{seen:.0f} rows"
    return "other rows" if compared else "unknown"


def _extract_cancer_model(values: dict[str, Any]) -> dict[str, Any]:
    """The test tumours' probabilities from the learner's pipeline (learner's process).

    Also its scalers, the rows its first scaler was fitted on (named here, from the course's
    own data), its last step's class and C: the key compares the probabilities with the same
    model refitted on the training rows.
    """
    model = _fitted_pipeline(values, "clf", "a scaler, then a logistic regression")
    scalers = [name for _, step in model.steps[:-1] for name in _find_scalers(step)]
    final = model.steps[-1][1]
    C = getattr(final, "C", None)
    with warnings.catch_warnings():  # e.g. a model fitted on an array, asked about a frame
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(_cancer()["X_test"].copy()), dtype=float)
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    column = classes.index(1) if 1 in classes else -1
    scores = [float(s) for s in proba[:, column]] if proba.ndim == 2 and column >= 0 else []
    return {
        "scalers": scalers,
        "scaler_rows": _scaler_rows(model),
        "estimator": _class_path(final),
        "C": float(C) if isinstance(C, (int, float)) and not isinstance(C, bool) else None,
        "classes": [str(c) for c in classes],
        "scores": scores,
    }


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


def _flat_proba(model: Any, X: Any) -> list[float]:
    return [float(p) for p in np.asarray(model.predict_proba(X), dtype=float).ravel()]


def _extract_penguin_model(values: dict[str, Any]) -> dict[str, Any]:
    """Predict the test penguins, and three with missing values (learner's process).

    A copy of the pipeline (``sklearn.base.clone``, unfitted) is also fitted here on the
    course's training penguins: the key compares its probabilities with the learner's, which
    shows whether the learner's pipeline was fitted on those rows.
    """
    from sklearn.base import clone

    model = _fitted_pipeline(values, "penguin_clf", "preprocessing, then a classifier")
    with warnings.catch_warnings():  # the learner's model may warn; the check should not
        warnings.simplefilter("ignore")
        return _penguin_answers(model, clone)


def _step_classes(estimator: Any, depth: int = 0) -> list[str]:
    """Class paths of an estimator and of every estimator inside it (steps, transformers...)."""
    if isinstance(estimator, str) or estimator is None or depth > 8:  # "drop", "passthrough"
        return []
    found = [_class_path(estimator)]
    inner: list[Any] = []
    for name in ("steps", "transformers_", "transformer_list"):
        for entry in getattr(estimator, name, None) or ():
            if isinstance(entry, tuple) and len(entry) >= 2:
                inner.append(entry[1])
    if not inner and hasattr(estimator, "get_params"):
        try:
            params = estimator.get_params(deep=False)
        except Exception:
            params = {}
        inner = [v for v in params.values() if hasattr(v, "fit") and not isinstance(v, type)]
    for step in inner:
        found += _step_classes(step, depth + 1)
    return found


def _column_names(columns: Any, names_in: Any) -> list[str]:
    """The input column names that a ColumnTransformer's column selection stands for."""
    names = [str(n) for n in names_in] if names_in is not None else []
    if isinstance(columns, str):
        return [columns]
    if isinstance(columns, slice):
        return names[columns]
    values = list(np.asarray(columns).ravel()) if columns is not None else []
    if values and all(isinstance(v, (bool, np.bool_)) for v in values):
        return [n for n, keep in zip(names, values, strict=False) if keep]
    out = []
    for v in values:
        if isinstance(v, (int, np.integer)) and 0 <= int(v) < len(names):
            out.append(names[int(v)])
        else:
            out.append(str(v))
    return out


def _branches(model: Any) -> list[dict[str, Any]] | None:
    """The groups of columns of the first ColumnTransformer, each with its steps' classes.

    ``{"columns": [...], "steps": [...]}`` per group; None when the preprocessing has no
    ColumnTransformer among its top-level steps.
    """
    from sklearn.compose import ColumnTransformer

    for _, step in model.steps[:-1]:
        if isinstance(step, ColumnTransformer):
            names_in = getattr(step, "feature_names_in_", None)
            return [
                {"columns": _column_names(columns, names_in), "steps": _step_classes(transformer)}
                for _, transformer, columns in step.transformers_
            ]
    return None


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _is_scaler(path: str) -> bool:
    module, _, name = path.rpartition(".")
    return module.startswith("sklearn.preprocessing") and name in _SCALERS


def _penguin_structure(model: Any) -> dict[str, Any]:
    """What the penguin pipeline is made of, as the check needs it (learner's process).

    ``foreign``: the first step that is not one of scikit-learn's classes ("" if none);
    ``function_transformer``: whether a FunctionTransformer is among the steps;
    ``column_transformer``: whether a top-level step is a ColumnTransformer; ``named``: whether
    the preprocessing names its output columns (``get_feature_names_out``); ``missing``: the
    columns the task needs that do not reach the classifier (the four measurements, one-hot
    island_* and sex_*); ``unscaled``: the measurements that no scaler sees (in their group of
    the ColumnTransformer, or after it). Empty lists and "" for a pipeline built as asked.
    """
    steps = _step_classes(model)
    foreign = next((step for step in steps if not step.startswith("sklearn.")), "")
    branches = _branches(model)
    try:
        names = [str(n) for n in np.asarray(model[:-1].get_feature_names_out()).ravel()]
    except Exception:
        names = None
    out = [name.rsplit("__", 1)[-1] for name in names or ()]
    missing = [m for m in _PENGUIN_NUMERIC if m not in out]
    missing += [
        f"{c} (one-hot)" for c in ("island", "sex") if not any(n.startswith(f"{c}_") for n in out)
    ]
    unscaled: list[str] = []
    if branches is not None:
        top = [_class_path(step) for _, step in model.steps[:-1]]
        after = top[[_short(t) for t in top].index("ColumnTransformer") + 1 :]
        if not any(_is_scaler(t) for t in after):  # a scaler after it sees every column
            unscaled = [
                m
                for m in _PENGUIN_NUMERIC
                if not any(
                    m in b["columns"] and any(_is_scaler(s) for s in b["steps"]) for b in branches
                )
            ]
    return {
        "foreign": foreign[:200],
        "function_transformer": any(_short(s) == "FunctionTransformer" for s in steps),
        "column_transformer": branches is not None,
        "named": names is not None,
        "missing": missing if names is not None else [],
        "unscaled": unscaled,
    }


def _structure_ok(structure: dict[str, Any]) -> bool:
    return (
        not structure["foreign"]
        and not structure["function_transformer"]
        and structure["column_transformer"]
        and structure["named"]
        and not structure["missing"]
        and not structure["unscaled"]
    )


def _penguin_answers(model: Any, clone: Any) -> dict[str, Any]:
    """The data ``_extract_penguin_model`` collects from a fitted pipeline.

    What the pipeline is made of (``_penguin_structure``); its predictions for the test
    penguins and for three with gaps; its probabilities, and those of two fresh copies fitted
    here on the training penguins (two, so that a pipeline whose fit is random shows; none when
    the structure already fails).
    """
    p = _penguins()
    predicted = model.predict(p["X_test"].copy())
    try:
        with_gaps = model.predict(_penguins_with_gaps())
    except Exception as error:
        raise Fail(
            "`penguin_clf` cannot predict penguins with missing values: on test penguins "
            f"without sex or without measurements it raised {type(error).__name__}: "
            f"{str(error)[:120]}. Put a `SimpleImputer` in front of each group of columns, "
            "inside the pipeline."
        ) from None
    structure = _penguin_structure(model)
    refits: list[list[float]] = [[], []]  # not fitted when the structure already fails (slow)
    for i in range(2 if _structure_ok(structure) else 0):
        try:
            refit = clone(model).fit(p["X_train"].copy(), p["y_train"].copy())
            refits[i] = _flat_proba(refit, p["X_test"].copy())
        except Exception as error:
            raise Fail(
                "A fresh copy of `penguin_clf` (`sklearn.base.clone`) cannot be fitted on "
                f"`Xp_train` and `yp_train`: it raised {type(error).__name__}: "
                f"{str(error)[:120]}. Build the pipeline from scikit-learn steps, and fit it on "
                "those two."
            ) from None
    return {
        "estimator": _class_path(model.steps[-1][1]),
        "structure": structure,
        "predicted": [str(v) for v in np.asarray(predicted).ravel()],
        "with_gaps": [str(v) for v in np.asarray(with_gaps).ravel()],
        "proba": _flat_proba(model, p["X_test"].copy()),
        "refit_proba": refits[0],
        "refit2_proba": refits[1],
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
                "Turn the validation probabilities into labels first: a tumour is flagged "
                "malignant when its score is at least 0.3. Then count the four kinds of outcome.",
                "`sklearn.metrics.confusion_matrix(y_true, y_pred)` takes the true labels "
                "first; its rows are the true classes and its columns the predicted ones.",
                "`confusion_matrix(y_train, (oof_scores >= 0.3).astype(int))`",
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
        NoSklearnMetrics(
            "07.3",
            metric_names=_SKLEARN_METRICS,
            advice=(
                "The task is to count the true positives, the flagged examples and the positive "
                "examples yourself, with NumPy or plain Python; use scikit-learn afterwards to "
                "compare, outside the function."
            ),
            name="precision_recall",
            cases=_pr_cases,
            hidden=_pr_hidden,
            title="Precision and recall from scratch",
            points=2,
            hints=[
                "Count three things: the true positives, all positive predictions, and all "
                "positive labels. Comparing arrays element by element gives booleans you can sum.",
                "With NumPy: `truth = np.asarray(y_true) == 1`, `flagged = np.asarray(y_pred) "
                "== 1`, then `tp = np.sum(truth & flagged)`. `np.asarray` also turns a pandas "
                "Series into an array, so its index no longer matters.",
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
            metrics={"average_precision": 0.0, "average_precision_std": 0.0},
            tagged=True,
            title="Log a cross-validated comparison, and the choice of C, to MLflow",
            points=3,
            hints=[
                "Follow the lesson's section 8 step by step, with two changes: the grid of C "
                "and the metric. Keep every C's five fold scores: the paired comparison needs "
                "them, not only their means.",
                "One run per value of C, each opened with "
                '`with mlcourse.tracking.run("07.7", run_name=f"C={C}"):`, logging the '
                "parameter `C` and the metrics `average_precision` and "
                "`average_precision_std` of the five scores of `cross_val_score(..., cv=cv, "
                "scoring='average_precision')`, unrounded; keep them in `fold_scores[C]`.",
                "`C_star = max(fold_scores, key=lambda C: fold_scores[C].mean())`; "
                "`d = fold_scores[C_star] - fold_scores[1.0]`; `gain = d.mean()`, "
                "`gain_se = d.std(ddof=1) / np.sqrt(5)`; `best_C = C_star if gain > 2 * "
                'gain_se else 1.0`; then the run "choice of C" with `mlflow.log_param("best_C", '
                'best_C)` and `mlflow.log_metrics({"paired_gain": gain, "paired_gain_se": '
                "gain_se})`.",
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
                "with the C that exercise 7's rule chose, `best_C`.",
                "Fit it on `X_train` and `y_train`, all 426 training tumours: not on the test "
                "set, not on a subset.",
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
                "Island and sex: `SimpleImputer(strategy='most_frequent')` (or a constant "
                "such as 'unknown') then `OneHotEncoder(handle_unknown='ignore')`.",
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
            title="Applying the rule for C",
            hints=[
                "The rule compares the paired gain with two standard errors of the paired "
                "differences, not the means alone."
            ],
        ),
        Choice(
            "07.kc8",
            var="kc8",
            choices="abcd",
            title="Paired folds",
            hints=[
                "Both models were scored on the same five folds. Look at the difference on "
                "each fold, not at each model's spread."
            ],
        ),
        Numeric(
            "07.kc9",
            var="kc9",
            atol=0.005,
            title="Precision at a low prevalence",
            hints=[
                "Count people: how many of the 10,000 are ill, how many of them are flagged, "
                "and how many healthy people are flagged.",
                "Precision = flagged ill / (flagged ill + flagged healthy).",
            ],
        ),
        Choice(
            "07.kc10",
            var="kc10",
            choices="abcd",
            title="When random folds mislead",
            hints=[
                "Ask, for each case, whether a random split puts rows into validation whose "
                "close relatives (the same patient, a later time) are in training. A column "
                "that should not be there is a different problem."
            ],
        ),
    ),
)
