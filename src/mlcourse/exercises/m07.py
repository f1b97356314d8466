"""Module 07 — Classification and evaluation: metrics, thresholds, leakage and tracked runs.

Every expected value is computed here from the data, split and modelled exactly as in the
exercises notebook: the breast cancer data (positive class: malignant) split 75/25 with
stratification and seed 42, a scaler and a logistic regression in a pipeline, and the Palmer
penguins split the same way. The two model exercises are judged on the held-out test sets
against baselines computed here; exercise 7 is judged through the learner's logged MLflow runs.
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
    Mistake,
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
# Data and the reference model, prepared exactly as in the exercises notebook.
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


def _cv():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=_N_FOLDS, shuffle=True, random_state=_SPLIT_SEED)


@lru_cache(maxsize=1)
def _test_scores() -> np.ndarray:
    """Probabilities of malignancy for the test tumours, from the model fitted on training."""
    d = _cancer()
    model = _pipeline().fit(d["X_train"], d["y_train"])
    return model.predict_proba(d["X_test"])[:, 1]


@lru_cache(maxsize=1)
def _oof_scores() -> np.ndarray:
    """Out-of-fold probabilities for the training tumours (5-fold, the notebook's splitter)."""
    from sklearn.model_selection import cross_val_predict

    d = _cancer()
    proba = cross_val_predict(
        _pipeline(), d["X_train"], d["y_train"], cv=_cv(), method="predict_proba"
    )
    return proba[:, 1]


def _thresholds() -> np.ndarray:
    return np.round(np.arange(0.01, 1.0, 0.01), 2)


# --------------------------------------------------------------------------------------
# Reference implementations.
# --------------------------------------------------------------------------------------


def _precision_recall(y_true, y_pred) -> tuple[float, float]:
    truth = np.asarray(y_true) == 1
    flagged = np.asarray(y_pred) == 1
    tp = int(np.sum(truth & flagged))
    n_flagged, n_positive = int(np.sum(flagged)), int(np.sum(truth))
    precision = tp / n_flagged if n_flagged else 0.0
    recall = tp / n_positive if n_positive else 0.0
    return (float(precision), float(recall))


def _expected_cost(y_true, scores, threshold, cost_fn, cost_fp) -> float:
    truth = np.asarray(y_true) == 1
    flagged = np.asarray(scores) >= threshold
    fn = int(np.sum(truth & ~flagged))
    fp = int(np.sum(~truth & flagged))
    return float((cost_fn * fn + cost_fp * fp) / len(truth))


# --------------------------------------------------------------------------------------
# Exercises 1 and 2: a confusion matrix, and metrics from counts.
# --------------------------------------------------------------------------------------


def _confusion(threshold: float) -> np.ndarray:
    from sklearn.metrics import confusion_matrix

    predicted = (_test_scores() >= threshold).astype(int)
    return confusion_matrix(_cancer()["y_test"], predicted)


def _expected_cm() -> np.ndarray:
    return _confusion(_CM_THRESHOLD)


def _screening_metrics(swap: bool = False, arithmetic_f1: bool = False) -> dict[str, float]:
    c = _SCREENING
    precision = c["tp"] / (c["tp"] + c["fp"])
    recall = c["tp"] / (c["tp"] + c["fn"])
    if swap:
        precision, recall = recall, precision
    if arithmetic_f1:
        f1 = (precision + recall) / 2
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1}


def _screening_with_accuracy() -> dict[str, float]:
    c = _SCREENING
    metrics = _screening_metrics()
    metrics["precision"] = (c["tp"] + c["tn"]) / sum(c.values())
    return metrics


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
# Exercise 5: the threshold with the lowest expected cost on validation (out-of-fold) scores.
# --------------------------------------------------------------------------------------


def _costs(y, scores, cost_fn, cost_fp) -> np.ndarray:
    return np.array([_expected_cost(y, scores, t, cost_fn, cost_fp) for t in _thresholds()])


def _best_threshold(y, scores, cost_fn=_COST_FN, cost_fp=_COST_FP, last: bool = False) -> float:
    costs = _costs(y, scores, cost_fn, cost_fp)
    best = np.flatnonzero(costs == costs.min())
    return float(_thresholds()[best[-1] if last else best[0]])


def _expected_threshold() -> float:
    return _best_threshold(_cancer()["y_train"], _oof_scores())


def _threshold_on_test() -> float:
    return _best_threshold(_cancer()["y_test"], _test_scores())


def _threshold_inverted() -> float:
    return _best_threshold(_cancer()["y_train"], _oof_scores(), _COST_FP, _COST_FN)


def _threshold_last_tie() -> float:
    return _best_threshold(_cancer()["y_train"], _oof_scores(), last=True)


# --------------------------------------------------------------------------------------
# Exercise 6: feature selection on noise, inside and outside cross-validation.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _noise() -> np.ndarray:
    rng = np.random.default_rng(_NOISE_SEED)
    return rng.normal(size=(len(_cancer()["y_train"]), _N_NOISE))


def _selection_pipeline():
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline(
        [("select", SelectKBest(f_classif, k=_K_SELECTED)), ("logreg", LogisticRegression())]
    )


def _honest_scores() -> np.ndarray:
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    return cross_val_score(_selection_pipeline(), _noise(), y, cv=_cv(), scoring="roc_auc")


def _leaky_scores() -> np.ndarray:
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    selected = SelectKBest(f_classif, k=_K_SELECTED).fit_transform(_noise(), y)
    return cross_val_score(LogisticRegression(), selected, y, cv=_cv(), scoring="roc_auc")


def _honest_scores_unshuffled() -> np.ndarray:
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    return cross_val_score(_selection_pipeline(), _noise(), y, cv=_N_FOLDS, scoring="roc_auc")


def _honest_accuracy() -> np.ndarray:
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    return cross_val_score(_selection_pipeline(), _noise(), y, cv=_cv(), scoring="accuracy")


# --------------------------------------------------------------------------------------
# Exercise 8: the final breast cancer pipeline, against a single-feature baseline.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _single_feature_baseline() -> tuple[str, float]:
    """The held-out ROC-AUC of the one feature that ranks the training tumours best.

    The feature and its direction are chosen on the training set; its raw value is then used
    as the score of every test tumour.
    """
    from sklearn.metrics import roc_auc_score

    d = _cancer()
    train_auc = {c: roc_auc_score(d["y_train"], d["X_train"][c]) for c in d["X_train"].columns}
    best = max(train_auc, key=lambda c: abs(train_auc[c] - 0.5))
    sign = 1.0 if train_auc[best] >= 0.5 else -1.0
    return best, float(roc_auc_score(d["y_test"], sign * d["X_test"][best]))


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


def _judge_cancer_model(data: dict[str, Any]) -> None:
    from sklearn.metrics import roc_auc_score

    if not data["scalers"]:
        raise Fail(
            "`clf` has no scaler among its steps before the classifier. Put the "
            "`StandardScaler` inside the pipeline, so that every fit (in cross-validation "
            "and on the whole training set) learns the scaling from its own training rows only."
        )
    y_test = _cancer()["y_test"]
    if data["classes"] != ["0", "1"] or len(data["scores"]) != len(y_test):
        raise Fail(
            f"`clf` should be fitted on `y_train` (0 = benign, 1 = malignant), so that "
            f"`clf.classes_` is [0, 1], but its classes are {data['classes']}."
        )
    auc = float(roc_auc_score(y_test, data["scores"]))
    feature, baseline = _single_feature_baseline()
    if not auc > baseline:
        raise Fail(
            f"`clf` ranks the {len(y_test)} held-out test tumours with a ROC-AUC of {auc:.4f}; "
            f"a model of all 30 features should beat the {baseline:.4f} of the single feature "
            f"'{feature}' used as a score. Did you fit on `X_train` and `y_train`, with the C "
            "that your cross-validation chose?"
        )


# --------------------------------------------------------------------------------------
# Exercise 9: a penguin species pipeline, against a nearest-centroid baseline.
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


@lru_cache(maxsize=1)
def _penguin_baseline() -> float:
    """Macro-F1 on the test penguins of a nearest-centroid classifier on the four measurements.

    Missing measurements are filled with the training medians, and every measurement is
    standardised with the training mean and standard deviation.
    """
    from sklearn.metrics import f1_score

    p = _penguins()
    cols = list(_PENGUIN_NUMERIC)
    medians = p["X_train"][cols].median()
    train = p["X_train"][cols].fillna(medians)
    mean, std = train.mean(), train.std()
    Z_train = ((train - mean) / std).to_numpy()
    Z_test = ((p["X_test"][cols].fillna(medians) - mean) / std).to_numpy()
    y_train = p["y_train"].astype(str).to_numpy()
    classes = np.unique(y_train)
    centroids = np.stack([Z_train[y_train == c].mean(axis=0) for c in classes])
    distances = ((Z_test[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    predicted = classes[distances.argmin(axis=1)]
    return float(f1_score(p["y_test"].astype(str), predicted, average="macro"))


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


def _judge_penguin_model(data: dict[str, Any]) -> None:
    from sklearn.metrics import f1_score

    y_test = _penguins()["y_test"].astype(str)
    species = sorted(set(y_test))
    if len(data["predicted"]) != len(y_test) or len(data["with_gaps"]) != 3:
        raise Fail(
            f"`penguin_clf.predict` should give one species per penguin: {len(y_test)} for the "
            f"test penguins, but it gave {len(data['predicted'])}."
        )
    unknown = sorted((set(data["predicted"]) | set(data["with_gaps"])) - set(species))
    if unknown:
        raise Fail(
            f"`penguin_clf` predicts {unknown[:3]}, which are not species names; fit it on the "
            f"species names themselves ({', '.join(species)}), not on numeric codes."
        )
    macro_f1 = float(f1_score(y_test, data["predicted"], average="macro"))
    baseline = _penguin_baseline()
    if not macro_f1 >= baseline:
        raise Fail(
            f"`penguin_clf` reaches a macro-averaged F1 of {macro_f1:.3f} on the {len(y_test)} "
            f"held-out test penguins; it should do at least as well as a nearest-centroid "
            f"classifier on the four measurements ({baseline:.3f}). Use the measurements as well "
            "as island and sex, scaled and one-hot encoded inside the pipeline."
        )


# --------------------------------------------------------------------------------------
# Knowledge check: values computed from the numbers stated in the questions.
# --------------------------------------------------------------------------------------


def _spam_f1(arithmetic: bool = False) -> float:
    precision = _SPAM["flagged_positives"] / _SPAM["flagged"]
    recall = _SPAM["flagged_positives"] / _SPAM["positives"]
    if arithmetic:
        return (precision + recall) / 2
    return 2 * precision * recall / (precision + recall)


def _kc_threshold() -> float:
    # Flag when the expected cost of waiting, p * cost_fn, exceeds that of flagging, (1 - p) * cost_fp.
    return _KC_COST_FP / (_KC_COST_FP + _KC_COST_FN)


MODULE = Module(
    "07",
    "classification_evaluation",
    "Classification and evaluation",
    problems=(
        Value(
            "07.1",
            var="cm",
            expected=_expected_cm,
            title="A confusion matrix at threshold 0.3",
            points=1,
            hints=[
                "Turn the probabilities into labels first: a tumour is flagged malignant when "
                "its score is at least 0.3. Then count the four kinds of outcome.",
                "`sklearn.metrics.confusion_matrix(y_true, y_pred)` takes the true labels "
                "first; its rows are the true classes and its columns the predicted ones.",
                "`confusion_matrix(y_test, (test_scores >= 0.3).astype(int))`",
            ],
            mistakes=[
                Mistake(
                    lambda: _expected_cm().T,
                    "Rows and columns are swapped: the rows should be the true classes and the "
                    "columns the predictions. Pass the true labels first.",
                ),
                Mistake(
                    lambda: _confusion(0.5),
                    "That is the confusion matrix at the default threshold 0.5 "
                    "(`model.predict`); the task asks for threshold 0.3.",
                ),
                Mistake(
                    lambda: _expected_cm()[::-1, ::-1],
                    "The classes are in the wrong order: row and column 0 should be benign (0), "
                    "row and column 1 malignant (1).",
                ),
            ],
        ),
        Value(
            "07.2",
            var="screening",
            expected=_screening_metrics,
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
            mistakes=[
                Mistake(
                    lambda: _screening_metrics(swap=True),
                    "Precision and recall are swapped. Precision is about the people the model "
                    "flags; recall is about the people who are ill.",
                ),
                Mistake(
                    lambda: _screening_metrics(arithmetic_f1=True),
                    "Your F1 is the ordinary (arithmetic) mean of precision and recall; F1 is "
                    "their harmonic mean.",
                ),
                Mistake(
                    _screening_with_accuracy,
                    "Your precision is the accuracy (right answers over everyone). Precision "
                    "counts only the people the model flags.",
                ),
            ],
        ),
        Function(
            "07.3",
            name="precision_recall",
            reference=_precision_recall,
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
            reference=_expected_cost,
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
            expected=_expected_threshold,
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
            mistakes=[
                Mistake(
                    _threshold_on_test,
                    "That threshold minimises the cost on the test set. Choose on the "
                    "validation (out-of-fold) scores `oof_scores` with `y_train`, and keep the "
                    "test set for the final report.",
                ),
                Mistake(
                    _threshold_inverted,
                    "The costs are swapped: a missed malignant tumour (false negative) costs 5, "
                    "a false alarm (false positive) costs 1.",
                ),
                Mistake(
                    _threshold_last_tie,
                    "Several thresholds share the lowest cost; the task asks for the smallest "
                    "of them.",
                ),
            ],
        ),
        Value(
            "07.6",
            var="honest_scores",
            expected=_honest_scores,
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
            mistakes=[
                Mistake(
                    _leaky_scores,
                    "These are the leaky scores: the features were selected on all the rows, "
                    "validation folds included, before cross-validation. Select inside a "
                    "Pipeline instead.",
                ),
                Mistake(
                    _honest_scores_unshuffled,
                    "`cv=5` splits without shuffling; pass the notebook's splitter `cv=cv`.",
                ),
                Mistake(
                    _honest_accuracy,
                    "These are accuracies; use `scoring='roc_auc'`, like the leaky version.",
                ),
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
            judge=_judge_cancer_model,
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
            judge=_judge_penguin_model,
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
            answer="b",
            title="Which number must be high",
            hints=["The doctors' sentence starts from the patients who do have cancer."],
            explanation="Recall is the share of the patients with cancer whom the model flags: "
            "the doctors ask for few false negatives. Precision would start from the flagged "
            "patients, specificity from the healthy ones.",
        ),
        Numeric(
            "07.kc2",
            var="kc2",
            expected=_spam_f1,
            atol=0.002,
            title="F1 of a spam filter",
            hints=["Compute precision and recall first, then their harmonic mean."],
            mistakes=[
                Mistake(
                    lambda: _spam_f1(arithmetic=True),
                    "That is the arithmetic mean of precision and recall; F1 is their harmonic "
                    "mean.",
                ),
                Mistake(
                    lambda: _SPAM["flagged_positives"] / _SPAM["flagged"],
                    "That is the precision alone.",
                ),
            ],
        ),
        Choice(
            "07.kc3",
            var="kc3",
            choices="abcd",
            answer="b",
            title="What ROC-AUC measures",
            hints=["ROC-AUC does not depend on any threshold. What does it look at instead?"],
            explanation="ROC-AUC is the probability that a randomly chosen positive gets a "
            "higher score than a randomly chosen negative (ties count half): it measures "
            "ranking, at no particular threshold.",
        ),
        Numeric(
            "07.kc4",
            var="kc4",
            expected=_kc_threshold,
            atol=0.002,
            title="The threshold that costs imply",
            hints=[
                "Flagging a tumour with probability p of malignancy risks a false alarm with "
                "probability 1 - p; not flagging it risks a miss with probability p.",
                "Flag when p * 4 > (1 - p) * 1, and solve for p.",
            ],
            mistakes=[
                Mistake(
                    lambda: _KC_COST_FN / (_KC_COST_FP + _KC_COST_FN),
                    "The costs are the wrong way round: expensive misses should make the "
                    "threshold lower, not higher.",
                ),
                Mistake(
                    lambda: _KC_COST_FP / _KC_COST_FN,
                    "Close: that is the ratio of the costs. Solve p * 4 = (1 - p) * 1 for p.",
                ),
            ],
        ),
        Choice(
            "07.kc5",
            var="kc5",
            choices="abcd",
            answer="ac",
            title="Spot the leak",
            hints=[
                "Two are leaks. In each case ask: does anything computed from the rows that "
                "are used for evaluation flow into the model or into a choice?"
            ],
            explanation="(a) The scaler's means and standard deviations come from the "
            "validation folds too. (c) The test set chose the threshold, so the reported cost "
            "is optimistic. In (b) and (d) every step is fitted on training rows only.",
        ),
        Choice(
            "07.kc6",
            var="kc6",
            choices="abcd",
            answer="c",
            title="Accuracy and macro averages",
            hints=["The macro average gives each species the same weight, whatever its size."],
            explanation="Chinstrap, the smallest class, has the lowest recall. Accuracy "
            "weighs it by its 17 of 86 penguins; the macro average gives it a third of the "
            "weight, so its poor recall pulls the macro average down.",
        ),
        Choice(
            "07.kc7",
            var="kc7",
            choices="abcd",
            answer="c",
            title="Reading cross-validation results",
            hints=["Compare the difference between the means with the spread across folds."],
            explanation="A difference of 0.001 between the means is far smaller than the "
            "fold-to-fold standard deviations of 0.007 and 0.009: five folds cannot tell the "
            "two values of C apart. Deciding on the test set instead would fit the choice to "
            "the test set and leave no honest estimate.",
        ),
    ),
)
