"""Answer key of module 07 — Classification and evaluation.

Every expected value is computed here from the data, split and modelled exactly as in the
exercises notebook (see the declaration, mlcourse.exercises.m07). Logged runs are recomputed
(the cross-validated scores of every C, the paired comparison and the choice it implies), and
the two final pipelines are compared with the same models refitted on the training rows.
"""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    malformed,
    require_bool,
    require_dict,
    require_float,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m07 import (
    _C_GRID,
    _CM_THRESHOLD,
    _COST_FN,
    _COST_FP,
    _DEFAULT_C,
    _K_SELECTED,
    _KC_COST_FN,
    _KC_COST_FP,
    _N_FOLDS,
    _N_NOISE,
    _N_SE,
    _NOISE_SEED,
    _ROW_SETS,
    _SCALERS,
    _SCORING,
    _SCREEN,
    _SCREENING,
    _SPAM,
    _cancer,
    _cv,
    _oof_scores,
    _penguins,
    _pipeline,
)

_RUN_ATOL = 1e-6  # logged CV numbers against the key's (deterministic) recomputation
_ROUNDED_ATOL = 5.1e-4  # within this, a logged number that is not right was rounded
_PROBA_ATOL = 1e-2  # the final model's test probabilities against the key's refit (any solver)
_REFIT_ATOL = 1e-6  # the penguin pipeline's probabilities against its own clone's refit


def _thresholds() -> np.ndarray:
    return np.round(np.arange(0.01, 1.0, 0.01), 2)


@lru_cache(maxsize=1)
def _test_scores() -> np.ndarray:
    """The test tumours' probabilities from the notebook's model fitted on training."""
    d = _cancer()
    with _one_thread():
        model = _pipeline().fit(d["X_train"], d["y_train"])
    return model.predict_proba(d["X_test"])[:, 1]


# --------------------------------------------------------------------------------------
# Reference implementations, and known wrong ones.
# --------------------------------------------------------------------------------------


def _precision_recall(y_true, y_pred) -> tuple[float, float]:
    truth = np.asarray(y_true) == 1
    flagged = np.asarray(y_pred) == 1
    tp = int(np.sum(truth & flagged))
    n_flagged, n_positive = int(np.sum(flagged)), int(np.sum(truth))
    precision = tp / n_flagged if n_flagged else 0.0
    recall = tp / n_positive if n_positive else 0.0
    return (float(precision), float(recall))


def _recall_precision(y_true, y_pred) -> tuple[float, float]:
    return _precision_recall(y_true, y_pred)[::-1]


def _precision_recall_nan(y_true, y_pred) -> tuple[float, float]:
    truth = np.asarray(y_true) == 1
    flagged = np.asarray(y_pred) == 1
    tp = float(np.sum(truth & flagged))
    n_flagged, n_positive = float(np.sum(flagged)), float(np.sum(truth))
    return (
        tp / n_flagged if n_flagged else math.nan,
        tp / n_positive if n_positive else math.nan,
    )


def _expected_cost(y_true, scores, threshold, cost_fn, cost_fp) -> float:
    truth = np.asarray(y_true) == 1
    flagged = np.asarray(scores) >= threshold
    fn = int(np.sum(truth & ~flagged))
    fp = int(np.sum(~truth & flagged))
    return float((cost_fn * fn + cost_fp * fp) / len(truth))


def _cost_swapped(y_true, scores, threshold, cost_fn, cost_fp) -> float:
    return _expected_cost(y_true, scores, threshold, cost_fp, cost_fn)


def _cost_total(y_true, scores, threshold, cost_fn, cost_fp) -> float:
    return _expected_cost(y_true, scores, threshold, cost_fn, cost_fp) * len(np.asarray(y_true))


def _cost_strict(y_true, scores, threshold, cost_fn, cost_fp) -> float:
    truth = np.asarray(y_true) == 1
    flagged = np.asarray(scores) > threshold
    fn, fp = int(np.sum(truth & ~flagged)), int(np.sum(~truth & flagged))
    return float((cost_fn * fn + cost_fp * fp) / len(truth))


# --------------------------------------------------------------------------------------
# Exercises 1 and 2: a confusion matrix on validation scores, and metrics from counts.
# --------------------------------------------------------------------------------------


def _confusion(threshold: float, on_test: bool = False) -> np.ndarray:
    from sklearn.metrics import confusion_matrix

    if on_test:
        y, scores = _cancer()["y_test"], _test_scores()
    else:
        y, scores = _cancer()["y_train"], _oof_scores()
    return confusion_matrix(y, (scores >= threshold).astype(int))


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


def _best_threshold(y, scores, cost_fn=_COST_FN, cost_fp=_COST_FP, last=False) -> float:
    costs = _costs(y, scores, cost_fn, cost_fp)
    best = np.flatnonzero(costs == costs.min())
    return float(_thresholds()[best[-1] if last else best[0]])


def _expected_threshold() -> float:
    return _best_threshold(_cancer()["y_train"], _oof_scores())


def _threshold_on_test() -> float:
    return _best_threshold(_cancer()["y_test"], _test_scores())


def _threshold_in_sample() -> float:
    """The cheapest threshold on training scores of a model fitted on those same tumours."""
    d = _cancer()
    with _one_thread():
        model = _pipeline().fit(d["X_train"], d["y_train"])
    return _best_threshold(d["y_train"], model.predict_proba(d["X_train"])[:, 1])


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
    with _one_thread():
        return cross_val_score(_selection_pipeline(), _noise(), y, cv=_cv(), scoring="roc_auc")


def _leaky_scores() -> np.ndarray:
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    selected = SelectKBest(f_classif, k=_K_SELECTED).fit_transform(_noise(), y)
    with _one_thread():
        return cross_val_score(LogisticRegression(), selected, y, cv=_cv(), scoring="roc_auc")


def _honest_scores_k(k: int) -> np.ndarray:
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline

    y = _cancer()["y_train"]
    pipeline = Pipeline([("select", SelectKBest(f_classif, k=k)), ("logreg", LogisticRegression())])
    with _one_thread():
        return cross_val_score(pipeline, _noise(), y, cv=_cv(), scoring="roc_auc")


def _honest_scores_unshuffled() -> np.ndarray:
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    with _one_thread():
        return cross_val_score(_selection_pipeline(), _noise(), y, cv=_N_FOLDS, scoring="roc_auc")


def _honest_accuracy() -> np.ndarray:
    from sklearn.model_selection import cross_val_score

    y = _cancer()["y_train"]
    with _one_thread():
        return cross_val_score(_selection_pipeline(), _noise(), y, cv=_cv(), scoring="accuracy")


# --------------------------------------------------------------------------------------
# Exercise 7: the logged runs, recomputed; the paired comparison and the choice of C.
# --------------------------------------------------------------------------------------


@cache
def _fold_scores(C: float, variant: str = "right") -> np.ndarray:
    """The five fold average precisions of the notebook's pipeline with this C, or a mistake's.

    ``variant``: ``"right"``, or ``"test"`` (the test set's AP), ``"roc_auc"`` (the lesson's
    metric), ``"unshuffled"`` (``cv=5``), ``"accuracy"``, ``"labels"`` (an AP of 0/1
    predictions), ``"pooled"`` (the AP of the pooled out-of-fold probabilities).
    """
    from sklearn.metrics import average_precision_score, make_scorer
    from sklearn.model_selection import cross_val_predict, cross_val_score

    d = _cancer()
    X, y = d["X_train"], d["y_train"]
    with _one_thread():
        if variant == "test":
            model = _pipeline(C).fit(X, y)
            proba = model.predict_proba(d["X_test"])[:, 1]
            return np.array([average_precision_score(d["y_test"], proba)])
        if variant == "pooled":
            proba = cross_val_predict(_pipeline(C), X, y, cv=_cv(), method="predict_proba")
            return np.array([average_precision_score(y, proba[:, 1])])
        scoring = {
            "accuracy": "accuracy",
            "roc_auc": "roc_auc",
            "labels": make_scorer(average_precision_score),
        }.get(variant, _SCORING)
        cv = _N_FOLDS if variant == "unshuffled" else _cv()
        return cross_val_score(_pipeline(C), X, y, cv=cv, scoring=scoring)


_RUN_MISTAKES = {  # cheapest first: the first that matches explains the logged number
    "roc_auc": "It matches the mean ROC-AUC, the lesson's metric; this exercise measures "
    "average precision: `scoring='average_precision'`.",
    "test": "It matches the average precision on the test set: cross-validate on the training "
    "set; the test set is kept for the final report.",
    "pooled": "It matches the average precision of the pooled out-of-fold probabilities "
    "(`cross_val_predict`); log the mean of the five fold scores of `cross_val_score`.",
    "unshuffled": "It matches `cv=5`, which cuts the folds without shuffling: pass the "
    "notebook's splitter, `cv=cv`.",
    "accuracy": "It matches the mean accuracy: pass `scoring='average_precision'`.",
    "labels": "It matches an average precision computed from 0/1 predictions; it should rank "
    "the probabilities, which `scoring='average_precision'` uses.",
}

_UNROUNDED = (
    " It agrees with the right value only to a few decimals: log the number your code "
    "computes, unrounded (round only what you print)."
)


@lru_cache(maxsize=1)
def _rule() -> dict[str, Any]:
    """The stated rule: keep the default C unless the best mean beats it clearly, paired."""
    means = {C: float(_fold_scores(C).mean()) for C in _C_GRID}
    c_star = max(_C_GRID, key=lambda C: means[C])
    d = _fold_scores(c_star) - _fold_scores(_DEFAULT_C)
    gain = float(d.mean())
    se = float(d.std(ddof=1) / math.sqrt(_N_FOLDS))
    unpaired = [
        math.sqrt(sum(_fold_scores(C).var(ddof=ddof) for C in (c_star, _DEFAULT_C)) / _N_FOLDS)
        for ddof in (0, 1)
    ]
    return {
        "c_star": c_star,
        "gain": gain,
        "se": se,
        "se_ddof0": float(d.std() / math.sqrt(_N_FOLDS)),
        "sd": [float(d.std(ddof=1)), float(d.std())],
        "unpaired": unpaired,
        "best": c_star if gain > _N_SE * se else _DEFAULT_C,
    }


def _param_float(text: Any) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _close(value: Any, *targets: float, atol: float = _RUN_ATOL) -> bool:
    return type(value) is float and any(
        math.isclose(value, t, rel_tol=0.0, abs_tol=atol) for t in targets
    )


def _rounded(value: Any, *targets: float) -> bool:
    """Whether ``value`` is one of ``targets`` rounded (to 3 decimals or more)."""
    return _close(value, *targets, atol=_ROUNDED_ATOL)


def _grid_value(value: float | None) -> float | None:
    if value is None:
        return None
    return next((C for C in _C_GRID if math.isclose(value, C, rel_tol=1e-9)), None)


def _judge_c_runs(runs: list[dict[str, Any]]) -> None:
    """One run per C of the grid, its numbers recomputed; then the logged choice of C."""
    grid = ", ".join(f"{C:g}" for C in _C_GRID)
    latest: dict[float, dict[str, Any]] = {}
    decision = None
    for run in runs:  # the most recent first: a re-run replaces an older attempt
        if "best_C" in run["params"]:
            decision = decision or run
            continue  # the decision run, even if it also logged C
        C = _grid_value(_param_float(run["params"].get("C")))
        if C is not None and C not in latest:
            latest[C] = run
    missing = [f"{C:g}" for C in _C_GRID if C not in latest]
    if missing:
        raise Fail(
            f"There is no run for C = {', '.join(missing)}. Log one run per value of the grid "
            f"({grid}), each with the parameter `C`."
        )
    for C in _C_GRID:
        run = latest[C]
        label = f"run '{run['name']}' (C = {C:g})" if run["name"] else f"the run with C = {C:g}"
        ap, std = (
            run["metrics"].get("average_precision"),
            run["metrics"].get("average_precision_std"),
        )
        folds = _fold_scores(C)
        if ap is None or std is None:
            name = "average_precision" if ap is None else "average_precision_std"
            raise Fail(
                f"In {label}, the metric `{name}` was not logged: log the mean and the "
                "standard deviation of the five fold scores."
            )
        if not _close(ap, float(folds.mean())):
            why = next(
                (
                    m
                    for v, m in _RUN_MISTAKES.items()
                    if _close(ap, float(_fold_scores(C, v).mean()))
                ),
                _UNROUNDED.strip()
                if _rounded(ap, float(folds.mean()))
                else "Log `scores.mean()` of `cross_val_score(pipeline, X_train, y_train, "
                "cv=cv, scoring='average_precision')`, the pipeline being the scaler and "
                "`LogisticRegression(C=C, max_iter=1000)`.",
            )
            raise Fail(
                f"In {label}, `average_precision` is {ap:.4f}, which is not the mean "
                f"cross-validated average precision of that pipeline on the training set. {why}"
            )
        stds = (float(folds.std()), float(folds.std(ddof=1)))
        if not _close(std, *stds):
            raise Fail(
                f"In {label}, `average_precision_std` is {std:.4f}, which is not the standard "
                "deviation of the five fold scores: log `scores.std(ddof=1)` (or "
                f"`scores.std()`).{_UNROUNDED if _rounded(std, *stds) else ''}"
            )
    if decision is None:
        raise Fail(
            "The runs of the grid are right. Now log the decision: one more run, opened with "
            '`mlcourse.tracking.run("07.7", run_name="choice of C")`, with the parameter '
            "`best_C` and the metrics `paired_gain` and `paired_gain_se`."
        )
    _judge_choice(decision)


def _judge_choice(run: dict[str, Any]) -> None:
    rule = _rule()
    best = _param_float(run["params"]["best_C"])
    gain, se = run["metrics"].get("paired_gain"), run["metrics"].get("paired_gain_se")
    if gain is None or se is None:
        raise Fail(
            "The decision run has no metric "
            f"`{'paired_gain' if gain is None else 'paired_gain_se'}`: log the mean of the "
            "per-fold differences between the C with the best mean and the default C = 1, "
            "and its standard error."
        )
    if not _close(gain, rule["gain"]):
        if _close(gain, -rule["gain"]):
            why = (
                " Its sign is reversed: subtract the default's fold scores from those of the "
                "C with the best mean."
            )
        elif _rounded(gain, rule["gain"]):
            why = _UNROUNDED
        else:
            why = ""
        raise Fail(
            f"`paired_gain` is {gain:.4f}, which is not the mean of the per-fold differences "
            "between the C with the best mean average precision and the default C = 1 (the "
            f"same five folds, so take the differences fold by fold).{why}"
        )
    right_se = (rule["se"], rule["se_ddof0"])
    if not _close(se, *right_se):
        if _close(se, *rule["sd"]):
            raise Fail(
                f"`paired_gain_se` is {se:.4f}: that is the standard deviation of the per-fold "
                "differences. The standard error of their mean divides it by the square root "
                "of the number of folds, 5."
            )
        if _close(se, *rule["unpaired"]):
            raise Fail(
                f"`paired_gain_se` is {se:.4f}: that combines the two models' spreads as if "
                "their folds were independent. Both models were scored on the same folds: take "
                "the standard deviation of the per-fold differences, divided by the square "
                "root of 5."
            )
        raise Fail(
            f"`paired_gain_se` is {se:.4f}, which is not the standard error of the per-fold "
            "differences: their standard deviation (`ddof=1`) divided by the square root of 5."
            f"{_UNROUNDED if _rounded(se, *right_se) else ''}"
        )
    if best is None or not math.isclose(best, rule["best"], rel_tol=1e-9):
        if best is not None and math.isclose(best, rule["c_star"], rel_tol=1e-9):
            raise Fail(
                f"`best_C` is {best:g}, the C with the best mean. The rule switches from the "
                f"default only when the paired gain is larger than {_N_SE:g} standard errors "
                "of the differences; compare your `paired_gain` with that."
            )
        raise Fail(
            f"`best_C` is {run['params']['best_C']!s:.20}, which does not follow the rule: the C "
            f"with the best mean if its paired gain over C = 1 exceeds {_N_SE:g} standard "
            "errors, otherwise the default C = 1."
        )


# --------------------------------------------------------------------------------------
# Exercise 8: the final breast cancer pipeline, against the same model refitted in the key.
# --------------------------------------------------------------------------------------


@cache
def _final_scores(C: float, rows: str = "train", exact: bool = False) -> np.ndarray:
    """Test probabilities of the notebook's pipeline with this C fitted on ``rows``.

    With ``exact``, the logistic regression is solved to a far tighter tolerance than
    scikit-learn's default: another solver that converges (``newton-cg``, ...) lands there.
    """
    from sklearn.linear_model import LogisticRegression

    d = _cancer()
    X, y = _rows(rows)
    model = _pipeline(C)
    if exact:
        model.set_params(
            logreg=LogisticRegression(C=C, solver="newton-cholesky", tol=1e-10, max_iter=1000)
        )
    with _one_thread():
        model.fit(X, y)
    return model.predict_proba(d["X_test"])[:, 1]


def _require_scaler(value: Any, path: str) -> str:
    if require_str(value, path) not in _SCALERS:
        raise malformed(path, "is not the name of a scikit-learn scaler")
    return value


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _logreg() -> str:
    """Where scikit-learn's LogisticRegression lives, as the extracts name classes."""
    from sklearn.linear_model import LogisticRegression

    return f"{LogisticRegression.__module__}.{LogisticRegression.__qualname__}"


def _rows(rows: str) -> tuple[Any, Any]:
    import pandas as pd

    d = _cancer()
    return {
        "train": (d["X_train"], d["y_train"]),
        "test": (d["X_test"], d["y_test"]),
        "all": (pd.concat([d["X_train"], d["X_test"]]), pd.concat([d["y_train"], d["y_test"]])),
    }[rows]


def _require_rows(value: Any, path: str) -> str:
    require_str(value, path)
    if value not in (*_ROW_SETS, "unknown", "other rows") and not re.fullmatch(
        r"\d{1,7} rows", value
    ):
        raise malformed(path, "does not name a set of rows")
    return value


_FITTED_ON = {
    "test": "`clf` was fitted on the test set: its scaler learned its statistics from the test "
    "tumours. Fit it on `X_train` and `y_train`, and keep the test set for the one final "
    "measurement.",
    "all": "`clf` was fitted on the training and the test tumours together. Fit it on "
    "`X_train` and `y_train` only: a test set the model has seen measures nothing.",
}


def _judge_cancer_model(data: dict[str, Any]) -> None:
    """Judge the rows the pipeline saw, its C, and its test scores against the key's refit."""
    keys = ("scalers", "scaler_rows", "estimator", "C", "classes", "scores")
    require_dict(data, "data", keys)
    require_list(data["scalers"], at("data", "scalers"), item=_require_scaler)
    _require_rows(data["scaler_rows"], at("data", "scaler_rows"))
    require_str(data["estimator"], at("data", "estimator"))
    require_optional(require_float)(data["C"], at("data", "C"))
    require_list(data["classes"], at("data", "classes"), item=require_str)
    require_list(data["scores"], at("data", "scores"), item=require_float)
    if not data["scalers"]:
        raise Fail(
            "`clf` has no scaler among its steps before the classifier. Put the "
            "`StandardScaler` inside the pipeline, so that every fit (in cross-validation "
            "and on the whole training set) learns the scaling from its own training rows only."
        )
    if data["estimator"] != _logreg():
        raise Fail(
            f"The last step of `clf` is a `{_short(data['estimator'])}`; the task asks for "
            "scikit-learn's `LogisticRegression`."
        )
    y_test = _cancer()["y_test"]
    if data["classes"] != ["0", "1"] or len(data["scores"]) != len(y_test):
        raise Fail(
            f"`clf` should be fitted on `y_train` (0 = benign, 1 = malignant), so that "
            f"`clf.classes_` is [0, 1], but its classes are {data['classes'][:5]}."
        )
    if not all(math.isfinite(score) for score in data["scores"]):
        raise Fail(
            "`clf.predict_proba` gives NaN (not a number) or infinite probabilities for some "
            "held-out test tumours; a fitted classifier gives probabilities between 0 and 1."
        )
    seen_rows = data["scaler_rows"]
    if seen_rows in _FITTED_ON:
        raise Fail(_FITTED_ON[seen_rows])
    if seen_rows not in ("train", "unknown"):
        count = f" ({seen_rows})" if seen_rows != "other rows" else ""
        raise Fail(
            f"`clf`'s scaler was not fitted on the 426 training tumours{count}: fit the whole "
            "pipeline on `X_train` and `y_train`, every row, not on a subset or another table."
        )
    best = _rule()["best"]
    C = data["C"]
    if C is None or not math.isclose(C, best, rel_tol=1e-9):
        raise Fail(
            f"The LogisticRegression in `clf` has C = {C}, which is not the C that exercise "
            "7's rule gives. Use `best_C` from exercise 7 (and check that exercise first): a C "
            "chosen any other way, on the test set especially, makes the test score optimistic."
        )
    scores = np.asarray(data["scores"], dtype=float)

    def matches(rows: str, exact: bool = False) -> bool:
        return float(np.max(np.abs(scores - _final_scores(best, rows, exact)))) <= _PROBA_ATOL

    if matches("train") or matches("train", exact=True):
        return
    for rows in ("test", "all"):  # when the scaler could not tell
        if seen_rows == "unknown" and matches(rows):
            raise Fail(_FITTED_ON[rows])
    raise Fail(
        f"`clf`'s probabilities for the test tumours differ from those of a `StandardScaler` "
        f"followed by `LogisticRegression(C={best:g}, max_iter=1000)` fitted on all 426 "
        "training tumours by more than 0.01. Were other columns or labels used, or other "
        "settings (another scaler, a penalty, class weights)?"
    )


# --------------------------------------------------------------------------------------
# Exercise 9: a penguin species pipeline, refitted, and against a nearest-centroid baseline.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _penguin_baseline() -> float:
    """Macro-F1 on the test penguins of a nearest-centroid classifier on the four measurements.

    Missing measurements are filled with the training medians, and every measurement is
    standardised with the training mean and standard deviation.
    """
    from sklearn.metrics import f1_score

    from mlcourse.exercises.m07 import _PENGUIN_NUMERIC

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


def _require_branches(value: Any, path: str) -> list:
    def branch(entry: Any, where: str) -> dict:
        require_dict(entry, where, ("columns", "steps"))
        require_list(entry["columns"], at(where, "columns"), item=require_str)
        require_list(entry["steps"], at(where, "steps"), item=require_str)
        return entry

    return require_list(value, path, item=branch)


def _judge_penguin_structure(structure: Any, path: str) -> None:
    """scikit-learn's steps, no FunctionTransformer, every column the task uses, scaled."""
    from mlcourse.exercises.m07 import _PENGUIN_NUMERIC

    keys = ("foreign", "function_transformer", "column_transformer", "named", "missing")
    require_dict(structure, path, (*keys, "unscaled"))
    foreign = require_str(structure["foreign"], at(path, "foreign"))
    for name in ("function_transformer", "column_transformer", "named"):
        require_bool(structure[name], at(path, name))
    needed = [*_PENGUIN_NUMERIC, "island (one-hot)", "sex (one-hot)"]
    for name in ("missing", "unscaled"):
        require_list(structure[name], at(path, name), item=require_str)
        if not set(structure[name]) <= set(needed):
            raise malformed(at(path, name), "names a column the task does not use")
    if foreign:
        raise Fail(
            f"`penguin_clf` contains a `{_short(foreign)}`, which is not one of scikit-learn's "
            "classes. Build it from scikit-learn's own steps (`SimpleImputer`, "
            "`StandardScaler`, `OneHotEncoder`, `ColumnTransformer`, `LogisticRegression`)."
        )
    if structure["function_transformer"]:
        raise Fail(
            "`penguin_clf` contains a `FunctionTransformer`, which can run any code, so the "
            "check cannot vouch for what it does. The task needs none: impute, scale and "
            "one-hot encode with `SimpleImputer`, `StandardScaler` and `OneHotEncoder`."
        )
    if not structure["column_transformer"]:
        raise Fail(
            "`penguin_clf` has no `ColumnTransformer` before its classifier: the task asks "
            "for one that treats the measurements and the categories (island, sex) each "
            "their own way."
        )
    if not structure["named"]:
        raise Fail(
            "The preprocessing of `penguin_clf` cannot name the columns it produces "
            "(`penguin_clf[:-1].get_feature_names_out()` fails), so the check cannot see "
            "which columns reach the classifier. Build it from `SimpleImputer`, "
            "`StandardScaler` and `OneHotEncoder` in a `ColumnTransformer`."
        )
    if structure["missing"]:
        raise Fail(
            f"The classifier of `penguin_clf` does not get {', '.join(structure['missing'][:3])}"
            ": the task uses the four measurements, scaled, and island and sex, one-hot "
            "encoded (columns such as `island_Biscoe`, `sex_female`)."
        )
    if structure["unscaled"]:
        raise Fail(
            f"In `penguin_clf`, the measurements ({', '.join(structure['unscaled'][:2])}, ...) "
            "are not scaled: give their group of columns a `StandardScaler` after its imputer, "
            "so that grams and millimetres weigh alike in the penalty."
        )


def _judge_penguin_model(data: dict[str, Any]) -> None:
    """Judge the test penguins' species; the key's own test labels decide how many are needed."""
    from sklearn.metrics import f1_score

    keys = ("estimator", "structure", "predicted", "with_gaps", "proba")
    require_dict(data, "data", (*keys, "refit_proba", "refit2_proba"))
    require_str(data["estimator"], at("data", "estimator"))
    _judge_penguin_structure(data["structure"], at("data", "structure"))
    require_list(data["predicted"], at("data", "predicted"), item=require_str)
    require_list(data["with_gaps"], at("data", "with_gaps"), item=require_str)
    for name in ("proba", "refit_proba", "refit2_proba"):
        require_list(data[name], at("data", name), item=require_float)
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
    if data["estimator"] != _logreg():
        raise Fail(
            f"The last step of `penguin_clf` is a `{_short(data['estimator'])}`; the task asks "
            "for scikit-learn's `LogisticRegression(max_iter=1000)`."
        )
    n_proba = len(y_test) * len(species)
    proba, refit, refit2 = data["proba"], data["refit_proba"], data["refit2_proba"]
    if len(proba) != n_proba or len(refit) != n_proba or len(refit2) != n_proba:
        raise Fail(
            f"`penguin_clf.predict_proba` should give one probability per species for each "
            f"test penguin, {n_proba} in all, but it gave {len(proba)}: was it fitted on "
            "every species of `yp_train`?"
        )
    if not all(math.isfinite(v) for v in proba + refit + refit2):
        raise Fail("`penguin_clf.predict_proba` gives NaN or infinite probabilities.")
    if float(np.max(np.abs(np.asarray(refit) - np.asarray(refit2)))) > _REFIT_ATOL:
        raise Fail(
            "Two fresh copies of `penguin_clf` fitted on the same training penguins give "
            "different probabilities: its fit is random (a solver such as 'saga' or 'sag' "
            "without `random_state`, say), so the check cannot tell which rows it was fitted "
            "on. Fix the randomness (`random_state=0`) or use the default solver, refit, and "
            "check again."
        )
    if float(np.max(np.abs(np.asarray(proba) - np.asarray(refit)))) > _REFIT_ATOL:
        raise Fail(
            "`penguin_clf` was not fitted on `Xp_train` and `yp_train` as they are: a fresh "
            "copy of your pipeline fitted on all 258 training penguins gives other "
            "probabilities for the test penguins. Fit on every training row (do not drop the "
            "penguins with gaps; the imputers fill them), not on the test set or a sample."
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


def _screen_precision() -> float:
    ill = _SCREEN["prevalence"] * _SCREEN["recall"]
    healthy = (1 - _SCREEN["prevalence"]) * _SCREEN["fpr"]
    return ill / (ill + healthy)


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
                "That is the confusion matrix at the default threshold 0.5; the task asks for "
                "threshold 0.3.",
            ),
            Mistake(
                lambda: _expected_cm()[::-1, ::-1],
                "The classes are in the wrong order: row and column 0 should be benign (0), "
                "row and column 1 malignant (1).",
            ),
            Mistake(
                lambda: _confusion(_CM_THRESHOLD, on_test=True),
                "That is the confusion matrix of the test tumours. Use the validation scores "
                "`oof_scores` with `y_train`: the test set waits for exercise 8.",
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
    "07.3": {
        "reference": _precision_recall,
        "mistakes": [
            Mistake(
                _recall_precision,
                "The two numbers are the wrong way round: return (precision, recall).",
            ),
            Mistake(
                _precision_recall_nan,
                "When nothing is flagged (or nothing is positive), return 0.0 for the "
                "undefined ratio, not NaN.",
            ),
        ],
    },
    "07.4": {
        "reference": _expected_cost,
        "mistakes": [
            Mistake(
                _cost_swapped,
                "The two costs are swapped: a missed positive (false negative) costs "
                "`cost_fn`, a flagged negative (false positive) `cost_fp`.",
            ),
            Mistake(
                _cost_total,
                "That is the total cost; the task asks for the mean cost per example.",
            ),
            Mistake(
                _cost_strict,
                "A score equal to the threshold must be flagged: use `>=`, not `>`.",
            ),
        ],
    },
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
                _threshold_in_sample,
                "That threshold is cheapest on in-sample scores: the probabilities of a model "
                "fitted on the very tumours it scores, which are over-confident. Use the "
                "out-of-fold scores `oof_scores`, each from a model that did not see the tumour.",
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
                lambda: _honest_scores_k(20),
                "These scores come from `k=20`; the leaky version selected `k=10` columns, and "
                "the comparison is fair only with the same selection.",
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
    "07.7": {"judge": _judge_c_runs},
    "07.8": {"judge": _judge_cancer_model},
    "07.9": {"judge": _judge_penguin_model},
    "07.kc1": {
        "answer": "d",
        "explanation": (
            "Recall is the share of the patients with cancer whom the model flags: "
            "the doctors ask for few false negatives. Precision would start from the flagged "
            "patients, specificity from the healthy ones."
        ),
        "feedback": {
            "a": "Precision starts from the patients the model flags: of those, how many have "
            "cancer. A model can flag only a few sure cases, with high precision, and still miss "
            "most of the patients who are ill.",
            "b": "Specificity starts from the healthy patients: the share of them who are not "
            "sent for tests. It says nothing about how many of the patients with cancer are "
            "caught.",
            "c": "Accuracy mixes both kinds of error and is dominated by the larger group: when "
            "few patients have cancer, a model can be highly accurate while missing many of them.",
        },
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
        "feedback": {
            "a": "That would be an out-of-fold accuracy at the threshold 0.5. ROC-AUC fixes no "
            "threshold and counts no classifications: it summarises the ROC curve over every "
            "threshold.",
            "c": "Recall at 0.5 is a single point of the ROC curve, its true-positive rate at "
            "that threshold; ROC-AUC is the area under the whole curve, over every threshold.",
            "d": "Whether the probabilities match the true ones is calibration, which the Brier "
            "score measures. ROC-AUC does not change when the scores go through any strictly "
            "increasing function, so it cannot tell calibrated probabilities from badly "
            "calibrated ones.",
        },
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
            "weighs it by its 51 of 258 penguins; the macro average gives it a third of the "
            "weight, so its poor recall pulls the macro average down."
        ),
        "feedback": {
            "a": "The macro average covers all three species, Gentoo included: no class is left "
            "out of it.",
            "b": "A macro-averaged recall counts each misclassified penguin once, in the recall "
            "of its true species. The predicted species' precision suffers too, but precision is "
            "not part of a macro recall.",
            "d": "Both numbers come from the same out-of-fold predictions on all 258 training "
            'penguins. The pipeline fills a missing sex with its own category, "unknown", '
            "rather than dropping the penguin.",
        },
    },
    "07.kc7": {
        "answer": "b",
        "explanation": (
            "The per-fold differences average +0.007 with a standard error of 0.0007: the gain "
            "is ten standard errors, far beyond the rule's two, and C = 0.3 is ahead on every "
            "fold, so the rule switches. Comparing the means with each model's own spread "
            "ignores the pairing; whether 0.007 matters was settled when the rule was fixed; "
            "and the test set is never the tie-breaker."
        ),
        "feedback": {
            "a": "The fold-to-fold spread of each model's scores mostly measures how hard the "
            "folds are, which affects both values of C alike; the lesson's rule looks at the "
            "per-fold differences and their standard error instead.",
            "c": "Whether a gain is worth having was settled when the rule was fixed, before "
            "looking; overriding the rule once the numbers are in is exactly what fixing it in "
            "advance prevents.",
            "d": "The test set never chooses between candidates: a choice made on it makes its "
            "score an optimistic estimate. The lesson's rule decides from the cross-validation "
            "folds alone.",
        },
    },
    "07.kc8": {
        "answer": "c",
        "explanation": (
            "Both were scored on the same folds, so compare them fold by fold: B is ahead by "
            "0.01 on every fold, and the differences hardly vary. The spread of each model's "
            "scores comes from the folds being easier or harder, which affects both alike. "
            "Whether 0.01 matters is a separate question, and the folds share training data, "
            "so even a paired standard error is somewhat optimistic."
        ),
        "feedback": {
            "a": "The spread of 0.038 mostly says that some folds are harder than others, for "
            "both models alike; comparing the difference with it ignores that the two models were "
            "scored on the same folds.",
            "b": "Equal spreads say that the folds vary in difficulty for both models alike. They "
            "make neither model safer, and a lower mean on the same folds is no advantage.",
            "d": "Each fold holds different examples, but both models were scored on the same "
            "five folds: fold 1 of A and fold 1 of B hold the same examples, so the scores pair "
            "up fold by fold.",
        },
    },
    "07.kc9": {
        "expected": _screen_precision,
        "mistakes": [
            Mistake(
                lambda: _SCREEN["recall"],
                "That is the recall: the share of the ill who are flagged. Precision starts "
                "from the flagged people.",
            ),
            Mistake(
                lambda: 1 - _SCREEN["fpr"],
                "That is the specificity. Precision is flagged ill / everyone flagged.",
            ),
            *(
                Mistake(  # a percentage, rounded to 1, 2 or 3 decimals (the tolerance is 0.005)
                    lambda digits=digits: round(100 * _screen_precision(), digits),
                    "That looks like a percentage: answer with the share as a number between "
                    "0 and 1.",
                )
                for digits in (1, 2, 3)
            ),
        ],
    },
    "07.kc10": {
        "answer": "ab",
        "explanation": (
            "(a) Scans of one patient resemble each other: random folds put some in training "
            "and others in validation, so the model is rewarded for recognising patients; use "
            "GroupKFold by patient. (b) Random folds let the model learn from months after "
            "the ones it predicts; validate on later months than it trained on "
            "(TimeSeriesSplit). (c) Independent rows need nothing special. (d) is target "
            "leakage: the column must go, whatever the split."
        ),
    },
}
