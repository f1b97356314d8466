"""Module 10 — Unsupervised learning: the declaration of the exercises and the quiz.

The exercises work on the digits (``mlcourse.datasets.load_digits``), pixels divided by 16 so
that they lie in [0, 1], split 75/25 with stratification and seed 42 where a model is scored,
and on 20,000 generated card transactions (``make_transactions(n_rows=20_000, seed=42)``),
split in time: the first 70 % to fit PCA and the detectors, the later 30 % to evaluate them.
The fraud labels are used only to evaluate. The key is in mlcourse.keys.m10.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Answer,
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    Value,
    describe,
    safe_repr,
)
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import one_thread as _one_thread

SPLIT_SEED = 42  # the digits' train/test split and the cross-validation splitter
TEST_SIZE = 0.25
KS = tuple(range(2, 11))  # exercise 1: the numbers of clusters compared
KMEANS_SEED = 0  # exercise 1: KMeans(n_clusters=k, n_init=KMEANS_STARTS, random_state=0)
KMEANS_STARTS = 3  # exercise 1: three starts per k (the lesson uses one), on X_train
VARIANCE_TARGET = 0.90  # exercise 3
N_GRID = (5, 10, 20, 30, 40, 64)  # exercise 5: the numbers of principal components compared
N_FOLDS = 5
GMM_PCA = 10  # exercise 6: the mixture is fitted on the first 10 principal components
GMM_NS = (2, 4, 6, 8, 10, 12, 14)  # exercise 6: the numbers of components compared
DETECTOR_COMPONENTS = 5  # exercise 7: GaussianMixture(n_components=5, random_state=0)
N_TRANSACTIONS = 20_000
TRAIN_SHARE = 0.7
FEATURES = (
    "amount",
    "hour",
    "distance_from_home_km",
    "n_txn_last_1h",
    "n_txn_last_24h",
    "seconds_since_last_txn",
    "amount_ratio_to_customer_mean",
)


# --------------------------------------------------------------------------------------
# Data, as the notebook prepares it.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits: pixels / 16 (in [0, 1]) and the labels."""
    from mlcourse.datasets import load_digits

    digits = load_digits()
    return np.asarray(digits.data, dtype=float) / 16.0, np.asarray(digits.target)


@lru_cache(maxsize=1)
def _digits_split() -> dict[str, np.ndarray]:
    """The notebook's split: stratified 75/25, seed 42."""
    from sklearn.model_selection import train_test_split

    X, y = _digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=SPLIT_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _cv():
    """The notebook's splitter: stratified 5-fold, shuffled with seed 42."""
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SPLIT_SEED)


@lru_cache(maxsize=1)
def _transactions() -> dict[str, Any]:
    """The notebook's transactions: 20,000 rows, split in time 70/30."""
    from mlcourse.datasets import make_transactions

    df = make_transactions(n_rows=N_TRANSACTIONS, seed=42)
    n_train = int(TRAIN_SHARE * len(df))
    train, test = df.iloc[:n_train], df.iloc[n_train:]
    return {
        "X_train": train[list(FEATURES)],
        "X_test": test[list(FEATURES)],
        "y_test": test["is_fraud"].to_numpy(),
        "train": train,
        "test": test,
    }


# --------------------------------------------------------------------------------------
# Values written in another reasonable container, and ints that must be ints.
# --------------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _numeric_series(value: Any) -> bool:
    """Whether ``value`` is a 1-D pandas Series of numbers (a column of a table, say)."""
    import pandas as pd

    return type(value) is pd.Series and value.dtype.kind in "iuf" and len(value) <= 100_000


def _same_container(expected: Any, got: Any) -> Any:
    """``got`` in the container ``expected`` uses, when only the container differs.

    A list of numbers may come as a tuple or a 1-D array, an array of numbers as a list or a
    tuple, either as a numeric pandas Series (read by position, its index ignored), and dict
    keys as NumPy integers (``np.arange`` gives them); the values themselves are still
    compared as they are. Anything else is returned unchanged.
    """
    if (isinstance(expected, list) or type(expected) is np.ndarray) and _numeric_series(got):
        as_array = got.to_numpy(dtype=float)
        return as_array.tolist() if isinstance(expected, list) else as_array
    if isinstance(expected, list) and type(got) in (tuple, np.ndarray):
        if type(got) is np.ndarray and (got.ndim != 1 or got.dtype.kind not in "iuf"):
            return got
        items = got.tolist() if type(got) is np.ndarray else list(got)
        return items if all(_is_number(v) for v in items) else got
    if type(expected) is np.ndarray and type(got) in (list, tuple):
        if len(got) <= 10_000 and all(_is_number(v) for v in got):
            return np.asarray([float(v) for v in got])
        return got
    if isinstance(expected, dict) and type(got) is dict:
        out = {}
        for key, value in got.items():
            if isinstance(key, np.integer) and not isinstance(key, np.bool_):
                key = int(key)
            if key in out:  # two keys that only differ in their type: leave it to the compare
                return got
            out[key] = _same_container(expected.get(key), value) if key in expected else value
        return out
    return got


class _Plain(Value):
    """A :class:`Value` that accepts another container for the same numbers (see
    :func:`_same_container`) and, for the dict entries named in ``ints``, requires an int."""

    def __init__(
        self, id: str, *, ints: tuple[str, ...] = (), int_keys: bool = False, **kwargs: Any
    ):
        super().__init__(id, **kwargs)
        self.ints = ints
        self.int_keys = int_keys

    def _judge(self, answer: Answer):
        got = answer.values.get(self.var)
        if type(got) is dict and self.int_keys:
            for key in list(got)[:100]:
                if not isinstance(key, (int, np.integer)) or isinstance(key, (bool, np.bool_)):
                    return self._wrong(
                        f"`{self.var}` has the key {safe_repr(key, 40)} ({describe(key)}); its "
                        "keys should be ints (the numbers of components): use `int(n)`."
                    )
        if type(got) is dict:
            for key in self.ints:
                value = got.get(key)
                if key in got and not (
                    isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
                ):
                    return self._wrong(
                        f"`{self.var}[{key!r}]` should be an int (a number of components), but "
                        f"it is {safe_repr(value, 40)} ({describe(value)}): convert it with `int(...)`."
                    )
        normal = _same_container(self.expected_value(), got)
        if normal is not got:
            answer = Answer({**answer.values, self.var: normal})
        return super()._judge(answer)


# --------------------------------------------------------------------------------------
# Exercise 2: one step of k-means.
# --------------------------------------------------------------------------------------


def _step_cases() -> list[Case]:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0], [6.0, 5.0]])
    centers = np.array([[0.0, 0.0], [5.0, 6.0]])
    return [Case(X, centers, call="kmeans_step(X_demo, centers_demo)")]


def _step_hidden() -> list[Case]:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 5))
    X[:100] += 3.0
    X_digits = _digits()[0][:300]
    return [
        Case(
            np.array([[0.0], [1.0], [10.0]]),
            np.array([[0.0], [1.0], [100.0]]),
            label="a centre that no point is closest to (it keeps its position)",
        ),
        Case(
            np.array([[1.0, 0.0], [3.0, 0.0]]),
            np.array([[2.0, 1.0], [2.0, -1.0]]),
            label="points exactly halfway between two centres (the lower index wins)",
        ),
        Case(X, X[[0, 150, 199]].copy(), label="200 points in 5 dimensions, 3 centres"),
        Case(X_digits, X_digits[:10].copy(), label="300 digits, 10 centres"),
        Case(np.array([[2.0, 2.0]]), np.array([[0.0, 0.0]]), label="one point and one centre"),
        Case(
            np.array([[0, 0], [1, 0], [0, 1], [9, 9], [10, 9]]),
            np.array([[0, 0], [9, 10]]),
            label="integer points and centres (the new centres are float means)",
        ),
    ]


class _KMeansStep(Function):
    """Exercise 2: besides the values, the labels must be an integer array, as the prompt asks.

    A tuple subclass (a namedtuple of labels and centres) is a tuple, and is judged as one;
    it is made a plain tuple where answers are collected, so that the grader can store it.
    """

    def collect(self, namespace: Any) -> Answer:
        answer = super().collect(namespace)
        for result in (answer.values or {}).get("results", ()):
            value = result.get("value")
            if isinstance(value, tuple) and type(value) is not tuple:
                result["value"] = tuple(value)
        return answer

    def _case_problem(self, case: Case, result: dict[str, Any]) -> str | None:
        value = result.get("value")
        if isinstance(value, tuple) and type(value) is not tuple:
            result = {**result, "value": tuple(value)}
        problem = super()._case_problem(case, result)
        if problem is not None or case.raises is not None:
            return problem
        value = result["value"]
        labels = value[0] if type(value) in (tuple, list) and len(value) == 2 else None
        if type(labels) is np.ndarray and labels.dtype.kind not in "iu":
            return (
                f"`{case.call_text(self.name)}` returned labels of dtype {labels.dtype}; the "
                "labels are indices of centres, an integer array (`argmin` gives one): do not "
                "convert them to float."
            )
        return None


# --------------------------------------------------------------------------------------
# Exercise 4: reconstruction from k principal components.
# --------------------------------------------------------------------------------------


def _recon_cases() -> list[Case]:
    X = np.array([[2.0, 0.0, 1.0], [0.0, 2.0, 1.0], [4.0, 4.0, 3.0], [2.0, 2.0, 0.0]])
    return [Case(X, 1, call="pca_reconstruct(X_small, 1)")]


def _recon_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 6)) @ rng.normal(size=(6, 6)) + 10.0
    X_digits = _digits()[0][:200]
    return [
        Case(X, 0, label="k = 0 (every row becomes the mean row)"),
        Case(X, 6, label="k equal to the number of columns (the data come back exactly)"),
        Case(X, 2, label="50 rows far from the origin, k = 2"),
        Case(X_digits, 10, label="200 digits, k = 10"),
        Case(rng.normal(size=(4, 9)), 2, label="fewer rows than columns"),
        Case(
            pd.DataFrame(X[:20], columns=list("abcdef"), index=range(100, 120)),
            3,
            label="a pandas DataFrame",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 5: PCA before a classifier.
# --------------------------------------------------------------------------------------


def _extract_cv_scores(scores: Any) -> tuple[list[int], list[list[float]]]:
    """``cv_scores`` as plain data: its int keys, sorted, and each key's fold accuracies."""
    if type(scores) is not dict:
        raise Fail(
            "`cv_scores` should be a dict mapping each n of `n_grid` to its fold accuracies "
            f"(what `cross_val_score` returns), but it is {describe(scores)}."
        )
    grid, folds = [], []
    for key in list(scores)[:50]:
        if not isinstance(key, (int, np.integer)) or isinstance(key, (bool, np.bool_)):
            raise Fail(
                f"`cv_scores` has the key {describe(key)}; its keys should be the ints of `n_grid`."
            )
        try:
            values = np.asarray(scores[key], dtype=float).ravel()
        except (TypeError, ValueError):
            raise Fail(
                f"`cv_scores[{int(key)}]` should be the fold accuracies (an array of numbers), "
                f"but it is {describe(scores[key])}."
            ) from None
        grid.append(int(key))
        folds.append([float(v) for v in values[:50]])
    order = sorted(range(len(grid)), key=grid.__getitem__)
    return [grid[i] for i in order], [folds[i] for i in order]


def _extract_pca_model(values: dict[str, Any]) -> dict[str, Any]:
    """What the key needs to judge ``cv_scores``, ``best_n`` and ``pca_clf`` (learner's process).

    The fold accuracies per n, ``best_n``, the class of each step of the pipeline, its number
    of components, the probabilities on the test digits, and those of a fresh copy
    (``sklearn.base.clone``) fitted here on the training digits.
    """
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    grid, folds = _extract_cv_scores(values["cv_scores"])
    model = values["pca_clf"]
    if not isinstance(model, Pipeline):
        raise Fail(
            f"`pca_clf` should be a scikit-learn `Pipeline` (a PCA, then a logistic "
            f"regression), but it is {describe(model)}."
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise Fail("`pca_clf` has not been fitted: call `pca_clf.fit(X_train, y_train)`.") from None
    steps = [f"{type(s).__module__}.{type(s).__qualname__}" for _, s in model.steps]
    n = getattr(model.steps[0][1], "n_components", None)
    n_integral = isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))
    best = values["best_n"]
    integral = isinstance(best, (int, np.integer)) and not isinstance(best, (bool, np.bool_))
    d = _digits_split()
    with warnings.catch_warnings(), _one_thread():
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(d["X_test"].copy()), dtype=float)
        refit = clone(model).fit(d["X_train"].copy(), d["y_train"].copy())
        refit_proba = np.asarray(refit.predict_proba(d["X_test"].copy()), dtype=float)
    return {
        "cv_grid": grid,
        "cv_scores": folds,
        "steps": steps,
        "n_components": int(n) if n_integral else None,
        "n_components_kind": "" if n_integral else f"{safe_repr(n, 60)} ({describe(n)})"[:120],
        "best_n": int(best) if integral else None,
        "best_n_kind": "" if integral else describe(best)[:120],
        "proba": proba.ravel().tolist(),
        "refit_proba": refit_proba.ravel().tolist(),
    }


# --------------------------------------------------------------------------------------
# Exercise 8: precision among the k highest scores.
# --------------------------------------------------------------------------------------


def _pak_cases() -> list[Case]:
    return [
        Case(
            [0, 1, 0, 1, 0, 0],
            [0.1, 0.9, 0.3, 0.2, 0.8, 0.05],
            2,
            call="precision_at_k([0, 1, 0, 1, 0, 0], [0.1, 0.9, 0.3, 0.2, 0.8, 0.05], 2)",
        )
    ]


def _many_ties() -> Case:
    """100 examples with three score levels: only a stable sort keeps earlier rows first."""
    rng = np.random.default_rng(1)
    y = (rng.random(100) < 0.3).astype(int)
    scores = rng.integers(0, 3, 100).astype(float)
    return Case(y, scores, 10, label="100 examples with many tied scores (earlier rows first)")


def _pak_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(8)
    y = (rng.random(500) < 0.05).astype(int)
    scores = rng.normal(size=500) + 1.5 * y
    return [
        Case([1, 0, 1], [0.2, 0.5, 0.9], 3, label="k equal to the number of examples"),
        Case([1, 0, 1], [0.2, 0.5, 0.9], 0, raises=ValueError, label="k = 0"),
        Case([1, 0, 1], [0.2, 0.5, 0.9], 4, raises=ValueError, label="k larger than the data"),
        Case([1, 0, 1], [0.2, 0.5, 0.9], -1, raises=ValueError, label="a negative k"),
        Case(
            [1, 1, 0, 0, 1], [0.5, 0.5, 0.5, 0.5, 0.1], 2, label="tied scores (earlier rows first)"
        ),
        Case(y, scores, 25, label="500 examples, k = 25"),
        _many_ties(),
        Case(np.zeros(10, dtype=int), np.arange(10.0), 3, label="no positive example at all"),
        Case(
            pd.Series(y[:100], index=rng.permutation(100)),
            pd.Series(scores[:100], index=rng.permutation(100)),
            10,
            label="two pandas Series with shuffled, different indexes",
        ),
    ]


# --------------------------------------------------------------------------------------
# The declaration.
# --------------------------------------------------------------------------------------

_PROBLEMS = (
    _Plain(
        "10.1",
        var="kmeans_scores",
        title="Inertia and silhouette for k = 2 to 10",
        points=1,
        rtol=1e-9,
        atol=0.0,
        hints=[
            "One `KMeans(n_clusters=k, n_init=3, random_state=0)` per k, fitted on `X_train` "
            "(the 1,347 training digits, pixels / 16); its `inertia_` is the first number, and "
            "`silhouette_score(X_train, km.labels_)` the second.",
            "Build two lists in the order k = 2, 3, ..., 10 and put them in a dict with the "
            'keys "inertia" and "silhouette". The labels play no part.',
            "for k in ks: km = KMeans(n_clusters=k, n_init=3, random_state=0).fit(X_train); "
            "inertia.append(km.inertia_); "
            "silhouette.append(silhouette_score(X_train, km.labels_))",
        ],
    ),
    _KMeansStep(
        "10.2",
        name="kmeans_step",
        title="One step of k-means from scratch",
        points=2,
        cases=_step_cases,
        hidden=_step_hidden,
        hints=[
            "A step has two halves: assign every point to its nearest centre, then move every "
            "centre to the mean of its points.",
            "The squared distances of every point to every centre form an (n, k) array: "
            "`((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)`; `argmin(axis=1)` "
            "picks the nearest (the lower index on a tie).",
            "new = centers.astype(float).copy(); for j in range(len(centers)): if "
            "np.any(labels == j): new[j] = X[labels == j].mean(axis=0)",
        ],
    ),
    _Plain(
        "10.3",
        var="pca_summary",
        title="PCA on the transactions, raw and standardised",
        points=2,
        ints=("k90_raw", "k90_scaled"),
        rtol=1e-9,
        atol=0.0,
        hints=[
            "Fit `PCA()` twice on the earlier transactions `Xt_train` only: once on the raw "
            "columns, once on the columns standardised by a `StandardScaler` fitted on "
            "`Xt_train`.",
            "`np.cumsum(pca.explained_variance_ratio_)` is the share kept by the first 1, 2, "
            "... components; k90 is a count of components, not an index. Look at the first "
            "component of the raw fit: which column dominates it, and why?",
            "raw = np.cumsum(PCA().fit(Xt_train).explained_variance_ratio_); scaled = "
            "np.cumsum(PCA().fit(StandardScaler().fit_transform(Xt_train))"
            ".explained_variance_ratio_); k90 = int(np.argmax(cumulative >= 0.90)) + 1",
        ],
    ),
    Function(
        "10.4",
        name="pca_reconstruct",
        title="Reconstruction from k principal components",
        points=2,
        cases=_recon_cases,
        hidden=_recon_hidden,
        hints=[
            "Centre the columns, find the directions with an SVD, keep the first k, project, "
            "come back, and add the mean again.",
            "`U, S, Vt = np.linalg.svd(Xc, full_matrices=False)`: the rows of `Vt[:k]` are "
            "the first k principal directions; `Xc @ Vt[:k].T` are the coordinates.",
            "mean = X.mean(axis=0); Xc = X - mean; ...; return Xc @ Vt[:k].T @ Vt[:k] + mean",
        ],
    ),
    Custom(
        "10.5",
        reads=("cv_scores", "best_n", "pca_clf"),
        extract=_extract_pca_model,
        title="PCA before a classifier: the fewest components within one standard error",
        points=3,
        hints=[
            "For each n in `n_grid`, `cross_val_score` the pipeline PCA(n_components=n) -> "
            "LogisticRegression(max_iter=2000) on the training digits with `cv`; keep the five "
            "fold accuracies in `cv_scores[n]`.",
            "Find the n with the highest mean, and the standard error of *its* mean: "
            "`scores.std(ddof=1) / np.sqrt(len(scores))`. `best_n` is the smallest n whose "
            "mean is at least that best mean minus that standard error. Then fit the pipeline "
            "with `best_n` on all of `X_train`, `y_train`; the test set is used once, after.",
            "means = {n: s.mean() for n, s in cv_scores.items()}; top = max(n_grid, "
            "key=means.get); se = cv_scores[top].std(ddof=1) / np.sqrt(5); best_n = "
            "min(n for n in n_grid if means[n] >= means[top] - se)",
        ],
    ),
    _Plain(
        "10.6",
        var="bics",
        title="A Gaussian mixture's number of components by BIC",
        points=2,
        rtol=1e-4,
        int_keys=True,
        hints=[
            "Fit `GaussianMixture(n_components=n, random_state=0)` on `Z_train` (the "
            "training digits' first 10 principal components) for each n in the grid.",
            "`gm.bic(Z_train)` is the criterion: lower is better. Store the values in a dict "
            "keyed by n.",
            "bics = {n: GaussianMixture(n_components=n, random_state=0).fit(Z_train)"
            ".bic(Z_train) for n in gmm_ns}",
        ],
    ),
    _Plain(
        "10.7",
        var="gmm_scores",
        title="A Gaussian mixture's density as an anomaly score",
        points=2,
        rtol=1e-4,
        atol=1e-3,
        hints=[
            "A mixture is a density model: `score_samples` is the log of the density at each "
            "row, low where the earlier transactions were rare. Fit it on `Xt_train` only, "
            "after a `StandardScaler` fitted on `Xt_train`.",
            "`GaussianMixture(n_components=5, random_state=0)`; a pipeline "
            "`make_pipeline(StandardScaler(), GaussianMixture(...))` has `score_samples` too. "
            "Negate it so that a higher score means more anomalous.",
            "detector = make_pipeline(StandardScaler(), GaussianMixture(n_components=5, "
            "random_state=0)).fit(Xt_train); gmm_scores = -detector.score_samples(Xt_test)",
        ],
    ),
    Function(
        "10.8",
        name="precision_at_k",
        title="Precision among the k most anomalous",
        points=2,
        cases=_pak_cases,
        hidden=_pak_hidden,
        hints=[
            "Sort the examples by score, highest first, keep the first k, and take the share "
            "of positives among them.",
            "`np.argsort(-scores, kind='stable')` orders by decreasing score and keeps earlier "
            "rows first on ties. Convert Series with `np.asarray` first: positions, not index "
            "labels, pair a label with its score.",
            "if not 1 <= k <= len(y): raise ValueError(...); "
            "order = np.argsort(-np.asarray(scores, dtype=float), kind='stable'); "
            "return float(np.asarray(y)[order[:k]].mean())",
        ],
    ),
    Choice(
        "10.kc1",
        var="kc1",
        choices="abcd",
        title="Inertia and the number of clusters",
        hints=["What happens to the distances to the nearest centre when you add a centre?"],
    ),
    Choice(
        "10.kc2",
        var="kc2",
        choices="abcd",
        title="What a silhouette rewards",
        hints=["The silhouette compares distances within a cluster with distances to the next."],
    ),
    Choice(
        "10.kc3",
        var="kc3",
        choices="abcd",
        title="PCA and units",
        hints=["PCA looks for the directions of largest variance, in the units it is given."],
    ),
    Choice(
        "10.kc4",
        var="kc4",
        choices="abcd",
        title="Reading a t-SNE picture",
        hints=[
            "Reread the lesson's section 6 and test each option against it: what is the "
            "picture for, and what can it not be used for?"
        ],
    ),
    Choice(
        "10.kc5",
        var="kc5",
        choices="abcd",
        title="What `contamination` changes",
        hints=[
            "The lesson's last cell refits the forest with `contamination=0.01`; look at the "
            "three things it compares, then test each option against them."
        ],
    ),
    Choice(
        "10.kc6",
        var="kc6",
        choices="abcd",
        title="A Gaussian mixture against k-means",
        hints=[
            "The lesson's section 5 opens with how a mixture models the data; test each "
            "option against it (and against what you know of EM and of choosing k)."
        ],
    ),
)

MODULE = Module("10", "unsupervised", "Unsupervised learning", problems=_PROBLEMS)
