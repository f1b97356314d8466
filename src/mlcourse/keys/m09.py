"""Answer key of module 09 (SVMs, kNN and regularisation): computed from the course's data."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    require_dict,
    require_list,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m09 import (
    _GRID,
    _GRID_FOLDS,
    _LASSO_ALPHAS,
    _SVM_CS,
    _WINE_K,
    _cv,
    _diabetes,
    _digits,
    _iris2,
    _row_digest,
    _wine,
)

# --------------------------------------------------------------------------------------
# Exercise 1: kNN.
# --------------------------------------------------------------------------------------


def _knn(X_train, y_train, X_query, k, *, p: int = 2, nearest_wins: bool = False):
    X_train = np.asarray(X_train, dtype=float)
    y_train = np.asarray(y_train)
    X_query = np.asarray(X_query, dtype=float)
    diff = np.abs(X_query[:, None, :] - X_train[None, :, :])
    dist = (diff**p).sum(axis=2)
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    out = []
    for row in y_train[order]:
        labels, counts = np.unique(row, return_counts=True)
        winners = labels[counts == counts.max()]
        if nearest_wins:
            out.append(next(v for v in row if v in winners))
        else:
            out.append(winners[0])
    return np.asarray(out)


def _knn_predict(X_train, y_train, X_query, k):
    return _knn(X_train, y_train, X_query, k)


# --------------------------------------------------------------------------------------
# Exercise 2: kNN on the wine data, with and without a scaler.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _wine_knn(
    *, leak: bool = False, unshuffled: bool = False, on_test: bool = False, k: int = _WINE_K
):
    """The five fold accuracies of kNN on the wine data, raw and standardised in a pipeline."""
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    w = _wine()
    X, y = (w["X_test"], w["y_test"]) if on_test else (w["X_train"], w["y_train"])
    cv = 5 if unshuffled else _cv()
    with _one_thread():
        unscaled = cross_val_score(KNeighborsClassifier(n_neighbors=k), X, y, cv=cv)
        if leak:
            Z = StandardScaler().fit_transform(X)
            scaled = cross_val_score(KNeighborsClassifier(n_neighbors=k), Z, y, cv=cv)
        else:
            model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
            scaled = cross_val_score(model, X, y, cv=cv)
    return {"unscaled": np.asarray(unscaled, float), "scaled": np.asarray(scaled, float)}


# --------------------------------------------------------------------------------------
# Exercise 3: ridge.
# --------------------------------------------------------------------------------------


def _ridge_fit(X, y, alpha, *, penalise_intercept: bool = False, intercept: bool = True):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if penalise_intercept:
        A = np.column_stack([np.ones(len(X)), X])
        w = np.linalg.solve(A.T @ A + alpha * np.eye(A.shape[1]), A.T @ y)
        return float(w[0]), w[1:]
    if not intercept:
        w = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)
        return 0.0, w
    xm, ym = X.mean(axis=0), y.mean()
    Xc, yc = X - xm, y - ym
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return float(ym - xm @ w), w


# --------------------------------------------------------------------------------------
# Exercise 4: lasso path; exercise 5: support vectors.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _lasso_coefs(*, scaled: bool = True, all_rows: bool = False) -> np.ndarray:
    """The lasso's coefficients, one row per alpha of the exercise (shape (5, 10))."""
    import warnings

    from sklearn.linear_model import Lasso
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    d = _diabetes()
    X, y = d["X_train"], d["y_train"]
    if all_rows:
        import pandas as pd

        X, y = pd.concat([X, d["X_test"]]), pd.concat([y, d["y_test"]])
    out = []
    for alpha in _LASSO_ALPHAS:
        final = Lasso(alpha=alpha, max_iter=10000)
        steps = [StandardScaler(), final] if scaled else [final]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pipe = make_pipeline(*steps).fit(X, y)
        out.append(np.asarray(pipe[-1].coef_, dtype=float))
    return np.array(out)


@lru_cache(maxsize=8)
def _svm_margins(*, scaled: bool = True, half: bool = False, one_class: bool = False):
    """Margin width 2 / ||w|| (standardised units) and support vectors, one per C."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    d = _iris2()
    width, n_support = [], []
    for C in _SVM_CS:
        svc = SVC(kernel="linear", C=C)
        pipe = make_pipeline(StandardScaler(), svc) if scaled else make_pipeline(svc)
        pipe.fit(d["X_train"], d["y_train"])
        width.append(float((1.0 if half else 2.0) / np.linalg.norm(pipe[-1].coef_)))
        counts = pipe[-1].n_support_
        n_support.append(int(counts[0] if one_class else counts.sum()))
    return {"width": width, "n_support": n_support}


# --------------------------------------------------------------------------------------
# Exercise 6: contrast.
# --------------------------------------------------------------------------------------


def _distance_contrast(X, q, *, squared: bool = False, ratio: bool = False):
    X = np.asarray(X, dtype=float)
    q = np.asarray(q, dtype=float)
    dist = ((X - q) ** 2).sum(axis=1)
    if not squared:
        dist = np.sqrt(dist)
    if dist.min() == 0:
        raise ValueError("the query coincides with a point: the contrast is undefined")
    if ratio:
        return float(dist.max() / dist.min())
    return float((dist.max() - dist.min()) / dist.min())


def _contrast_ratio(X, q):
    """max / min, one more than the contrast everywhere (1.0 for a single point)."""
    return _distance_contrast(X, q, ratio=True)


def _contrast_no_guard(X, q):
    X = np.asarray(X, dtype=float)
    dist = np.sqrt(((X - np.asarray(q, dtype=float)) ** 2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((dist.max() - dist.min()) / dist.min())


# --------------------------------------------------------------------------------------
# Exercises 7 and 8: the grid search on the digits, and the final SVM.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _grid(folds: int = _GRID_FOLDS, shuffle: bool = True, on_test: bool = False):
    """The grid search of exercise 7: the chosen pair and the six mean CV accuracies."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.svm import SVC

    d = _digits()
    X, y = (d["X_test"], d["y_test"]) if on_test else (d["X_train"], d["y_train"])
    cv = StratifiedKFold(folds, shuffle=shuffle, random_state=42 if shuffle else None)
    with _one_thread():
        search = GridSearchCV(SVC(), _GRID, cv=cv).fit(X, y)
    return {
        "C": float(search.best_params_["C"]),
        "gamma": float(search.best_params_["gamma"]),
        "mean_scores": np.asarray(search.cv_results_["mean_test_score"], dtype=float),
    }


@lru_cache(maxsize=1)
def _training_digests() -> frozenset[str]:
    """The fingerprints of the training digits' rows (none is also a test row)."""
    return frozenset(_row_digest(row) for row in _digits()["X_train"])


@lru_cache(maxsize=1)
def _reference_predictions() -> tuple[int, ...]:
    """The test predictions of the SVC that exercise 8 asks for, fitted here."""
    from sklearn.svm import SVC

    d, chosen = _digits(), _grid()
    with _one_thread():
        model = SVC(C=chosen["C"], gamma=chosen["gamma"]).fit(d["X_train"], d["y_train"])
        return tuple(int(v) for v in model.predict(d["X_test"]))


def _judge_svm(data: Any) -> None:
    keys = (
        "estimator",
        "is_svc",
        "steps",
        "kernel",
        "C",
        "gamma",
        "fit_status",
        "predicted",
        "n_fit",
        "n_support",
        "support_vectors",
        "test_accuracy",
    )
    require_dict(data, "data", keys)
    require_str(data["estimator"], at("data", "estimator"))
    require_str(data["kernel"], at("data", "kernel"))
    require_list(data["steps"], at("data", "steps"), item=require_str)
    require_list(data["predicted"], at("data", "predicted"))
    if not all(type(v) is int for v in data["predicted"]):
        raise Fail("`svm_clf.predict` should give digit labels (integers).")
    for name in ("n_fit", "fit_status", "n_support"):
        if data[name] is not None and type(data[name]) is not int:
            raise Fail(f"The collected answer is malformed: `data['{name}']` should be an int.")
    y_test = [int(v) for v in _digits()["y_test"]]
    if data["is_svc"] is not True:
        raise Fail(
            f"`svm_clf` is a `{data['estimator']}` that is not scikit-learn's `SVC`; the task "
            "asks for `sklearn.svm.SVC` itself (not a subclass or another model)."
        )
    if data["steps"]:
        raise Fail(
            f"`svm_clf` puts {', '.join(data['steps'])} before the SVC; the task asks for the "
            "chosen SVC on the raw pixels, as in exercise 7, with no other step."
        )
    if data["kernel"] != "rbf":
        raise Fail(f"`svm_clf` uses the kernel {data['kernel']!r}; the task asks for 'rbf'.")
    chosen = _grid()
    for name in ("C", "gamma"):
        value = data[name]
        if type(value) is not float or not math.isclose(value, chosen[name], rel_tol=1e-9):
            raise Fail(
                f"The {name} of `svm_clf` is {value!r}; it should be the value chosen by the "
                "cross-validated grid search of exercise 7 (`best_svm`)."
            )
    if len(data["predicted"]) != len(y_test):
        raise Fail(f"`svm_clf.predict(X_test)` should give {len(y_test)} labels.")
    n_train = len(_digits()["y_train"])
    if data["n_fit"] != n_train:
        raise Fail(
            f"`svm_clf` was fitted on {data['n_fit']} digits; fit it on all {n_train} "
            "training digits `X_train`, `y_train` (not the test set, not a sample)."
        )
    vectors = data["support_vectors"]
    if vectors is not None:
        require_list(vectors, at("data", "support_vectors"), item=require_str)
    if (
        vectors is None
        or data["n_support"] != len(vectors)
        or any(a >= b for a, b in zip(vectors, vectors[1:], strict=False))
    ):
        raise Fail(
            "`svm_clf` should be a fitted SVC whose support vectors (`support_vectors_`, one "
            "per `n_support_`) are distinct rows of `X_train`."
        )
    if not set(vectors) <= _training_digests():
        raise Fail(
            "Some of `svm_clf`'s support vectors are not training digits: it was fitted, at "
            "least partly, on other rows (the test set?). Fit it on `X_train`, `y_train` only."
        )
    if data["fit_status"] != 0:
        raise Fail(
            "`svm_clf`'s solver stopped before it converged (`fit_status_` is not 0): leave "
            "`max_iter` at its default."
        )
    if tuple(data["predicted"]) != _reference_predictions():
        raise Fail(
            "`svm_clf` predicts the test digits differently from the SVC with the chosen C and "
            "gamma fitted on `X_train` and `y_train`: fit it on every training digit as it is "
            "(not the test set, a sample or transformed pixels), with the default settings "
            "otherwise."
        )
    accuracy = sum(p == t for p, t in zip(data["predicted"], y_test, strict=True)) / len(y_test)
    given = data["test_accuracy"]
    # one digit more or less right is 1/450 = 0.0022; rounding to 3 decimals is accepted
    if type(given) is not float or not math.isclose(given, accuracy, abs_tol=5e-4):
        raise Fail(
            f"`test_accuracy` is {given!r}, but it should be the share of the {len(y_test)} "
            "test digits that `svm_clf` classifies correctly, as a float between 0 and 1: "
            "`svm_clf.score(X_test, y_test)`."
        )
    if accuracy < 0.98:
        raise Fail(
            f"`svm_clf` classifies {accuracy:.3f} of the test digits correctly; the chosen "
            "RBF SVM should reach at least 0.98."
        )


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------

_KC5_SHARE, _KC5_DIM = 0.01, 10


KEY = {
    "09.1": {
        "reference": _knn_predict,
        "mistakes": [
            Mistake(
                lambda *a: _knn(*a, p=1),
                "Those are the neighbours by Manhattan distance (sum of absolute differences); "
                "the task asks for the Euclidean distance.",
            ),
            Mistake(
                lambda *a: _knn(*a, nearest_wins=True),
                "In a tied vote the task asks for the smallest label, not the label of the "
                "nearest neighbour among the tied ones.",
            ),
        ],
    },
    "09.2": {
        "expected": _wine_knn,
        "mistakes": [
            Mistake(
                lambda: _wine_knn(leak=True),
                "The scaler was fitted on all the training wines before cross-validation, so "
                "each validation fold helped set the means and deviations. Put the scaler in a "
                "Pipeline and cross-validate the pipeline.",
            ),
            Mistake(
                lambda: _wine_knn(unshuffled=True),
                "`cv=5` splits without shuffling; pass the notebook's splitter `cv=cv`.",
            ),
            Mistake(
                lambda: _wine_knn(k=5),
                "Those are the scores of the default 5 neighbours; the task asks for "
                "`n_neighbors=9`.",
            ),
            Mistake(
                lambda: _wine_knn(on_test=True),
                "Those are scores on the test wines. Cross-validate on `Xw_train`, `yw_train`.",
            ),
        ],
    },
    "09.3": {
        "reference": lambda X, y, alpha: _ridge_fit(X, y, alpha),
        "mistakes": [
            Mistake(
                lambda X, y, alpha: _ridge_fit(X, y, alpha, penalise_intercept=True),
                "The intercept is penalised too: centre X and y first, so that only the "
                "coefficients pay the penalty.",
            ),
            Mistake(
                lambda X, y, alpha: _ridge_fit(X, y, alpha, intercept=False),
                "The model has no intercept: centre X and y, solve, then compute the "
                "intercept from the means.",
            ),
        ],
    },
    "09.4": {
        "expected": _lasso_coefs,
        "mistakes": [
            Mistake(
                lambda: _lasso_coefs(scaled=False),
                "The lasso was fitted on unscaled variables: the penalty then hits the "
                "variables measured in small units harder. Put a StandardScaler first.",
            ),
            Mistake(
                lambda: _lasso_coefs(all_rows=True),
                "The pipelines were fitted on all the patients; fit them on the training "
                "patients `Xd_train`, `yd_train`.",
            ),
        ],
    },
    "09.5": {
        "expected": _svm_margins,
        "mistakes": [
            Mistake(
                lambda: _svm_margins(scaled=False),
                "The SVMs were fitted on unscaled measurements: put a StandardScaler first.",
            ),
            Mistake(
                lambda: _svm_margins(half=True),
                "1 / ||w|| is the distance from the line to one edge of the margin; the width "
                "of the band is 2 / ||w||.",
            ),
            Mistake(
                lambda: _svm_margins(one_class=True),
                "`n_support_` holds one count per class: add them up.",
            ),
        ],
    },
    "09.6": {
        "reference": lambda X, q: _distance_contrast(X, q),
        "mistakes": [
            Mistake(
                lambda X, q: _distance_contrast(X, q, squared=True),
                "Those are squared distances: take the square root before comparing them.",
            ),
            Mistake(
                _contrast_ratio,
                "That is the ratio max / min; the contrast (max - min) / min is one less than "
                "max / min: 0, not 1, for a single point.",
            ),
            Mistake(
                _contrast_no_guard,
                "When the query equals a point, the smallest distance is 0: raise ValueError "
                "instead of dividing by zero.",
            ),
        ],
    },
    "09.7": {
        "expected": _grid,
        "mistakes": [
            Mistake(
                lambda: _grid(on_test=True),
                "That grid search ran on the test digits. Choose with the cross-validated grid "
                "search on the training digits (`X_train`, `y_train`, `cv=cv3`).",
            ),
            Mistake(
                lambda: _grid(shuffle=False),
                "`cv=3` splits without shuffling; pass the notebook's splitter `cv=cv3`.",
            ),
        ],
    },
    "09.8": {"judge": _judge_svm},
    "09.kc1": {
        "answer": "c",
        "explanation": (
            "A tree splits one feature at a time at a threshold; rescaling a feature moves the "
            "threshold with it and leaves the splits, hence the predictions, unchanged. kNN "
            "computes distances, and the penalties of the linear SVM (½||w||²) and of the "
            "lasso weigh coefficients whose size depends on the units."
        ),
        "feedback": {
            "a": "Standardising divides each feature by its own standard deviation, which changes "
            "the distances between points, and so which points are each other's nearest "
            "neighbours.",
            "b": "With a fixed C, the penalty ½||w||² weighs each coefficient, whose size depends "
            "on its feature's units: rescaling the features changes the boundary the SVM fits.",
            "d": "The penalty alpha * |w| weighs coefficients whose size depends on the units of "
            "their features: rescaling a feature changes how much its coefficient costs, and so "
            "which coefficients the lasso keeps.",
        },
    },
    "09.kc2": {
        "answer": "a",
        "explanation": (
            "With a huge gamma, exp(-gamma * ||x - x'||²) is almost 0 except at x' = x: each "
            "training point is its own island, the model memorises the training set and "
            "predicts new points poorly. Lower gamma."
        ),
        "feedback": {
            "b": "C is not what fails here: with gamma = 100 the cross-validated accuracy stays "
            "poor whatever C is, and a small C gives up the training accuracy as well.",
            "c": "In exp(-gamma * ||x - x'||²) a larger gamma makes the kernel fall faster with "
            "distance, so 100 is very large on standardised data. A gamma so small that all "
            "points look alike would underfit, not score 1.0 on the training set.",
            "d": "With gamma this large nearly every training point becomes a support vector: the "
            "model has too many support vectors, not too few.",
        },
    },
    "09.kc3": {
        "answer": "d",
        "explanation": (
            "The slope of alpha * |w| stays at ±alpha however small w is, so a coefficient "
            "whose benefit to the fit is smaller than alpha is set exactly to 0; the slope of "
            "alpha * w² goes to 0 with w, so ridge shrinks but never reaches 0."
        ),
        "feedback": {
            "a": "For large coefficients it is the other way round: alpha * w² grows with the "
            "square of w, alpha * |w| only in proportion to it.",
            "b": "The lasso puts the same penalty, alpha * |w|, on every coefficient; which "
            "coefficients end at zero depends on how much each one helps the fit, not on a "
            "penalty aimed at the weakest.",
            "c": "Ridge's solution has a closed form and is computed exactly: its coefficients "
            "are small but genuinely non-zero, not zeros missed by a tolerance.",
        },
    },
    "09.kc4": {
        "answer": "b",
        "explanation": (
            "Each training point is at distance 0 from itself, so 1-NN returns its own label: "
            "the training accuracy is 1.0 whatever the model's quality (unless duplicates "
            "disagree). Only held-out data measures it."
        ),
        "feedback": {
            "a": "k = 1 often generalises worse than larger values of k, because a single "
            "neighbour follows the noise; no value of k is best on every data set.",
            "c": "A kNN classifier predicts class labels, by a vote among the k nearest training "
            "points, so its accuracy is defined like any classifier's.",
            "d": "Standardising changes which points are neighbours, not this result: 1-NN also "
            "scores 1.0 on its own training set with raw features (unless duplicates disagree).",
        },
    },
    "09.kc5": {
        "expected": lambda: _KC5_SHARE ** (1 / _KC5_DIM),
        "mistakes": [
            Mistake(
                lambda: _KC5_SHARE / _KC5_DIM,
                "The share of the volume is the edge to the power 10, not the edge times 10.",
            ),
            Mistake(
                lambda: _KC5_SHARE ** (1 / 2),
                "That is the edge in 2 dimensions; the question is about 10.",
            ),
        ],
    },
}
