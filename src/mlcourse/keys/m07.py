"""Answer key of module 07 — Classification and evaluation.

Every expected value is computed here from the data, split and modelled exactly as in the
exercises notebook (see the declaration, mlcourse.exercises.m07). The two model exercises are
judged on the held-out test sets against baselines computed here.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    malformed,
    require_dict,
    require_float,
    require_list,
    require_str,
)
from mlcourse.exercises.m07 import (
    _CM_THRESHOLD,
    _COST_FN,
    _COST_FP,
    _K_SELECTED,
    _KC_COST_FN,
    _KC_COST_FP,
    _N_FOLDS,
    _N_NOISE,
    _NOISE_SEED,
    _PENGUIN_NUMERIC,
    _SCALERS,
    _SCREENING,
    _SPAM,
    _SPLIT_SEED,
    _cancer,
    _penguins,
    _pipeline,
    _test_scores,
)

# --------------------------------------------------------------------------------------
# Validation scores and thresholds, as in the exercises notebook.
# --------------------------------------------------------------------------------------


def _cv():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=_N_FOLDS, shuffle=True, random_state=_SPLIT_SEED)


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


def _require_scaler(value: Any, path: str) -> str:
    if require_str(value, path) not in _SCALERS:
        raise malformed(path, "is not the name of a scikit-learn scaler")
    return value


def _judge_cancer_model(data: dict[str, Any]) -> None:
    """Judge the test tumours' scores; the key's own test labels decide how many are needed."""
    from sklearn.metrics import roc_auc_score

    require_dict(data, "data", ("scalers", "classes", "scores"))
    require_list(data["scalers"], at("data", "scalers"), item=_require_scaler)
    require_list(data["classes"], at("data", "classes"), item=require_str)
    require_list(data["scores"], at("data", "scores"), item=require_float)
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
    if not all(math.isfinite(score) for score in data["scores"]):
        raise Fail(
            "`clf.predict_proba` gives NaN (not a number) or infinite probabilities for some "
            "held-out test tumours; a fitted classifier gives probabilities between 0 and 1."
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


def _judge_penguin_model(data: dict[str, Any]) -> None:
    """Judge the test penguins' species; the key's own test labels decide how many are needed."""
    from sklearn.metrics import f1_score

    require_dict(data, "data", ("predicted", "with_gaps"))
    require_list(data["predicted"], at("data", "predicted"), item=require_str)
    require_list(data["with_gaps"], at("data", "with_gaps"), item=require_str)
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


KEY = {
    "07.1": {
        "expected": _expected_cm,
        "mistakes": [
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
    },
    "07.2": {
        "expected": _screening_metrics,
        "mistakes": [
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
    },
    "07.3": {"reference": _precision_recall},
    "07.4": {"reference": _expected_cost},
    "07.5": {
        "expected": _expected_threshold,
        "mistakes": [
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
                "Several thresholds share the lowest cost; the task asks for the smallest of them.",
            ),
        ],
    },
    "07.6": {
        "expected": _honest_scores,
        "mistakes": [
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
    },
    "07.8": {"judge": _judge_cancer_model},
    "07.9": {"judge": _judge_penguin_model},
    "07.kc1": {
        "answer": "b",
        "explanation": (
            "Recall is the share of the patients with cancer whom the model flags: "
            "the doctors ask for few false negatives. Precision would start from the flagged "
            "patients, specificity from the healthy ones."
        ),
    },
    "07.kc2": {
        "expected": _spam_f1,
        "mistakes": [
            Mistake(
                lambda: _spam_f1(arithmetic=True),
                "That is the arithmetic mean of precision and recall; F1 is their harmonic mean.",
            ),
            Mistake(
                lambda: _SPAM["flagged_positives"] / _SPAM["flagged"],
                "That is the precision alone.",
            ),
        ],
    },
    "07.kc3": {
        "answer": "b",
        "explanation": (
            "ROC-AUC is the probability that a randomly chosen positive gets a "
            "higher score than a randomly chosen negative (ties count half): it measures "
            "ranking, at no particular threshold."
        ),
    },
    "07.kc4": {
        "expected": _kc_threshold,
        "mistakes": [
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
    },
    "07.kc5": {
        "answer": "ac",
        "explanation": (
            "(a) The scaler's means and standard deviations come from the "
            "validation folds too. (c) The test set chose the threshold, so the reported cost "
            "is optimistic. In (b) and (d) every step is fitted on training rows only."
        ),
    },
    "07.kc6": {
        "answer": "c",
        "explanation": (
            "Chinstrap, the smallest class, has the lowest recall. Accuracy "
            "weighs it by its 17 of 86 penguins; the macro average gives it a third of the "
            "weight, so its poor recall pulls the macro average down."
        ),
    },
    "07.kc7": {
        "answer": "c",
        "explanation": (
            "A difference of 0.001 between the means is far smaller than the "
            "fold-to-fold standard deviations of 0.007 and 0.009: five folds cannot tell the "
            "two values of C apart. Deciding on the test set instead would fit the choice to "
            "the test set and leave no honest estimate."
        ),
    },
}
