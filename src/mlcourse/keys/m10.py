"""Answer key of module 10 — Unsupervised learning.

Every expected value is recomputed here from the course's data, prepared exactly as in the
declaration (mlcourse.exercises.m10): the digits (pixels / 16) and their stratified split, and
the generated transactions split in time. Nothing is copied from a run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m10 import (
    DETECTOR_COMPONENTS,
    GMM_NS,
    GMM_PCA,
    KMEANS_SEED,
    KMEANS_STARTS,
    KS,
    N_FOLDS,
    N_GRID,
    VARIANCE_TARGET,
    _cv,
    _digits_split,
    _transactions,
)

_REFIT_ATOL = 1e-6  # the learner's model against its own clone, refitted
# Against the key's pipeline: other solvers, a tighter tol, more iterations or a randomized PCA
# stay within 0.0065; LogisticRegression(C=0.9) or C=1.1 differ by 0.02.
_REFERENCE_ATOL = 0.015
# cv_scores: each fold accuracy is a count of right digits over the fold's size; one of all
# the fold accuracies may be one digit away from the key's (another thread count or CPU can
# tip one near-tie), no more: two such changes can already move the rule's choice.
_FOLD_DIGITS = 1
_MEAN_ATOL = 0.0008  # each n's mean fold accuracy (one digit of one fold moves it 0.00074)


# --------------------------------------------------------------------------------------
# Exercise 1: inertia and silhouette.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _kmeans_scores(scale: float = 1.0, truth: bool = False) -> tuple[tuple, tuple]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    d = _digits_split()
    X, y = d["X_train"] * scale, d["y_train"]
    inertia, silhouette = [], []
    with _one_thread():
        for k in KS:
            km = KMeans(n_clusters=k, n_init=KMEANS_STARTS, random_state=KMEANS_SEED).fit(X)
            inertia.append(float(km.inertia_))
            silhouette.append(float(silhouette_score(X, y if truth else km.labels_)))
    return tuple(inertia), tuple(silhouette)


def _expected_kmeans(scale: float = 1.0, truth: bool = False) -> dict[str, list[float]]:
    inertia, silhouette = _kmeans_scores(scale, truth)
    return {"inertia": list(inertia), "silhouette": list(silhouette)}


# --------------------------------------------------------------------------------------
# Exercise 2: one k-means step.
# --------------------------------------------------------------------------------------


def _kmeans_step(X, centers):
    X = np.asarray(X, dtype=float)
    centers = np.asarray(centers, dtype=float)
    distances = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    labels = distances.argmin(axis=1)
    new = centers.copy()
    for j in range(len(centers)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return labels, new


def _kmeans_step_nan(X, centers):
    X = np.asarray(X, dtype=float)
    centers = np.asarray(centers, dtype=float)
    labels = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        new = np.array(
            [
                X[labels == j].mean(axis=0) if np.any(labels == j) else np.full(X.shape[1], np.nan)
                for j in range(len(centers))
            ]
        )
    return labels, new


def _kmeans_step_old_centers(X, centers):
    labels, _ = _kmeans_step(X, centers)
    return labels, np.asarray(centers, dtype=float)


# --------------------------------------------------------------------------------------
# Exercise 3: explained variance.
# --------------------------------------------------------------------------------------


def _cumulative(rows: str = "train", scaled: bool = False, scaler_on: str = "train") -> np.ndarray:
    import pandas as pd
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    t = _transactions()
    every = pd.concat([t["X_train"], t["X_test"]])
    X = {"train": t["X_train"], "all": every}[rows]
    if scaled:
        scaler = StandardScaler().fit({"train": t["X_train"], "all": every}[scaler_on])
        X = scaler.transform(X)
    with _one_thread():
        return np.cumsum(PCA().fit(np.asarray(X, dtype=float)).explained_variance_ratio_)


def _k90(cumulative: np.ndarray) -> int:
    return int(np.argmax(cumulative >= VARIANCE_TARGET)) + 1


def _pca_summary(
    rows: str = "train", scaler_on: str = "train", off_by_one: int = 0, swapped: bool = False
) -> dict[str, Any]:
    raw = _cumulative(rows)
    scaled = _cumulative(rows, scaled=True, scaler_on=scaler_on)
    if swapped:
        raw, scaled = scaled, raw
    return {
        "raw": raw,
        "scaled": scaled,
        "k90_raw": _k90(raw) + off_by_one,
        "k90_scaled": _k90(scaled) + off_by_one,
    }


# --------------------------------------------------------------------------------------
# Exercise 4: reconstruction.
# --------------------------------------------------------------------------------------


def _pca_reconstruct(X, k):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    Xc = X - mean
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    V = Vt[:k]
    return Xc @ V.T @ V + mean


def _reconstruct_uncentred(X, k):
    X = np.asarray(X, dtype=float)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return X @ Vt[:k].T @ Vt[:k]


def _reconstruct_no_mean_back(X, k):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Xc @ Vt[:k].T @ Vt[:k]


# --------------------------------------------------------------------------------------
# Exercise 5: PCA before a classifier.
# --------------------------------------------------------------------------------------


def _pca_pipeline(n: int):
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([("pca", PCA(n_components=n)), ("logreg", LogisticRegression(max_iter=2000))])


@lru_cache(maxsize=1)
def _cv_scores() -> dict[int, tuple[float, ...]]:
    """The fold accuracies of each pipeline of the grid, on the training digits."""
    from sklearn.model_selection import cross_val_score

    d = _digits_split()
    with _one_thread():
        return {
            n: tuple(
                float(v)
                for v in cross_val_score(_pca_pipeline(n), d["X_train"], d["y_train"], cv=_cv())
            )
            for n in N_GRID
        }


def _one_se_choices(scores: dict[int, Any]) -> set[int]:
    """The n chosen by the one-standard-error rule on these fold accuracies.

    The n of the highest mean is the smaller one on a tie; means that differ by less than
    1e-9 (rounding, when two pipelines get the same folds right) count as a tie, and so do
    not, so both readings of "the best" are accepted when they lead to different choices.
    """
    means = {n: float(np.mean(scores[n])) for n in N_GRID}
    choices = set()
    for top in (
        max(N_GRID, key=lambda n: means[n]),
        min(n for n in N_GRID if means[n] >= max(means.values()) - 1e-9),
    ):
        folds = np.asarray(scores[top], dtype=float)
        se = float(folds.std(ddof=1) / np.sqrt(len(folds)))
        choices.add(min(n for n in N_GRID if means[n] >= means[top] - se - 1e-12))
    return choices


def _best_n() -> int:
    """The rule's choice on the key's own cross-validation."""
    return min(_one_se_choices(_cv_scores()))


@lru_cache(maxsize=len(N_GRID))
def _reference_proba(n: int) -> np.ndarray:
    """The test digits' probabilities from the task's pipeline with n components."""
    d = _digits_split()
    with _one_thread():
        model = _pca_pipeline(n).fit(d["X_train"], d["y_train"])
        return np.asarray(model.predict_proba(d["X_test"]), dtype=float).ravel()


@lru_cache(maxsize=1)
def _fold_sizes() -> tuple[int, ...]:
    """The number of training digits in each validation fold of ``cv``."""
    d = _digits_split()
    return tuple(len(rows) for _, rows in _cv().split(d["X_train"], d["y_train"]))


def _judge_cv_scores(grid: list[int], folds: list[list[float]]) -> dict[int, list[float]]:
    if grid != list(N_GRID):
        raise Fail(
            f"`cv_scores` has the keys {grid[:10]}; it should have one key per n of `n_grid`, "
            f"{list(N_GRID)}."
        )
    expected = _cv_scores()
    sizes = np.asarray(_fold_sizes(), dtype=float)
    not_the_folds = (
        "are not the fold accuracies of PCA(n_components={n}) -> LogisticRegression("
        "max_iter=2000) cross-validated with `cv` on `X_train`, `y_train` (in the order of the "
        "folds). Check the pipeline, the data (the training digits, not the test set) and the "
        "splitter; store what `cross_val_score` returns, unchanged."
    )
    digits_off = 0
    for n, got in zip(grid, folds, strict=True):
        if len(got) != N_FOLDS:
            raise Fail(
                f"`cv_scores[{n}]` holds {len(got)} numbers; it should hold the {N_FOLDS} fold "
                "accuracies of `cross_val_score(..., cv=cv)`."
            )
        if not all(np.isfinite(got)):
            raise Fail(f"`cv_scores[{n}]` holds NaN or infinite values.")
        right = np.asarray(got, dtype=float) * sizes  # digits classified right in each fold
        if float(np.max(np.abs(right - np.round(right)))) > 1e-6:
            raise Fail(
                f"`cv_scores[{n}]` {not_the_folds.format(n=n)} A fold accuracy is a number of "
                "digits classified right divided by the fold's size; yours are not."
            )
        off = np.abs(np.round(right) - np.round(np.asarray(expected[n]) * sizes))
        digits_off += int(off.sum())
        if (
            digits_off > _FOLD_DIGITS
            or abs(float(np.mean(got)) - float(np.mean(expected[n]))) > _MEAN_ATOL
        ):
            raise Fail(f"`cv_scores[{n}]` {not_the_folds.format(n=n)}")
    return dict(zip(grid, folds, strict=True))


def _judge_pca_model(data: dict[str, Any]) -> None:
    """Judge ``cv_scores``, ``best_n`` and ``pca_clf`` from what ``_extract_pca_model`` collects.

    The data are read as hostile: every field is checked for its type before use.
    """
    keys = (
        "cv_grid",
        "cv_scores",
        "steps",
        "n_components",
        "n_components_kind",
        "best_n",
        "best_n_kind",
        "proba",
        "refit_proba",
    )
    require_dict(data, "data", keys)
    require_list(data["cv_grid"], "data.cv_grid", item=require_int)
    require_list(
        data["cv_scores"],
        "data.cv_scores",
        item=lambda v, path: require_list(v, path, item=require_float),
    )
    require_list(data["steps"], "data.steps", item=require_str)
    require_optional(require_int)(data["n_components"], "data.n_components")
    require_str(data["n_components_kind"], "data.n_components_kind")
    require_optional(require_int)(data["best_n"], "data.best_n")
    require_str(data["best_n_kind"], "data.best_n_kind")
    require_list(data["proba"], "data.proba", item=require_float)
    require_list(data["refit_proba"], "data.refit_proba", item=require_float)
    if len(data["cv_grid"]) != len(data["cv_scores"]):
        raise Fail("The collected answer is malformed: `cv_scores` has keys without values.")
    scores = _judge_cv_scores(data["cv_grid"], data["cv_scores"])
    got_best = data["best_n"]
    if got_best is None:
        raise Fail(
            f"`best_n` should be an int, one of {list(N_GRID)}, but it is "
            f"{data['best_n_kind'][:120]}."
        )
    if data["best_n_kind"]:  # the extract describes best_n only when it is not an int
        raise Fail("The collected answer is malformed: `best_n` is an int and yet described.")
    if got_best not in N_GRID:
        raise Fail(f"`best_n` is {got_best}; it should be one of the grid {list(N_GRID)}.")
    choices = _one_se_choices(scores)
    if got_best not in choices:
        raise Fail(
            f"`best_n` = {got_best} is not what the rule gives on your `cv_scores`: find the n "
            "with the highest mean fold accuracy, the standard error of that mean "
            "(`std(ddof=1) / sqrt(5)` of its five folds), and take the *smallest* n whose mean "
            "is within one standard error of it."
        )
    steps = data["steps"]
    if len(steps) != 2 or steps[0] != "sklearn.decomposition._pca.PCA":
        names = [s.rsplit(".", 1)[-1] for s in steps][:4]
        raise Fail(
            "`pca_clf` should have two steps: scikit-learn's `PCA`, then "
            f"`LogisticRegression(max_iter=2000)`; its steps are {names}."
        )
    if steps[1] != "sklearn.linear_model._logistic.LogisticRegression":
        raise Fail(
            f"The last step of `pca_clf` is a `{steps[1].rsplit('.', 1)[-1][:60]}`; the task "
            "asks for `LogisticRegression(max_iter=2000)`."
        )
    if data["n_components"] != got_best:
        kept = (
            data["n_components"]
            if data["n_components"] is not None
            else data["n_components_kind"][:80]
        )
        raise Fail(
            f"The PCA of `pca_clf` has n_components = {kept}; build it with "
            f"`n_components=best_n` ({got_best})."
        )
    proba = np.asarray(data["proba"], dtype=float)
    refit = np.asarray(data["refit_proba"], dtype=float)
    n_expected = len(_digits_split()["y_test"]) * 10
    if proba.shape != (n_expected,) or refit.shape != (n_expected,):
        raise Fail(
            "`pca_clf.predict_proba` should give ten probabilities per test digit: fit it on "
            "all ten digits of `y_train`."
        )
    if not (np.all(np.isfinite(proba)) and np.all(np.isfinite(refit))):
        raise Fail("`pca_clf.predict_proba` gives NaN or infinite probabilities.")
    if float(np.max(np.abs(proba - refit))) > _REFIT_ATOL:
        raise Fail(
            "`pca_clf` was not fitted on `X_train` and `y_train` as they are: a fresh copy "
            "fitted on all 1,347 training digits gives other probabilities for the test "
            "digits. Fit it on every training digit, not on the test set or a sample."
        )
    if float(np.max(np.abs(proba - _reference_proba(got_best)))) > _REFERENCE_ATOL:
        raise Fail(
            "`pca_clf` gives other probabilities for the test digits than the pipeline the "
            "task describes, fitted on the training digits: use `PCA(n_components=best_n)` "
            "and `LogisticRegression(max_iter=2000)` with their other settings at their "
            "defaults, fitted on `X_train`, `y_train`."
        )
    rows = proba.reshape(-1, 10)
    if not (np.all(rows >= -1e-9) and np.allclose(rows.sum(axis=1), 1.0, atol=1e-6)):
        raise Fail("`pca_clf.predict_proba` does not give probabilities that sum to 1 per digit.")


# --------------------------------------------------------------------------------------
# Exercise 6: BIC of Gaussian mixtures.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _criteria() -> dict[str, tuple[float, ...]]:
    """BIC, AIC and mean log-likelihood of each mixture of the grid, fitted once."""
    from sklearn.decomposition import PCA
    from sklearn.mixture import GaussianMixture

    d = _digits_split()
    out: dict[str, list[float]] = {"bic": [], "aic": [], "score": []}
    with _one_thread():
        Z = PCA(n_components=GMM_PCA).fit_transform(d["X_train"])
        for n in GMM_NS:
            gm = GaussianMixture(n_components=n, random_state=0).fit(Z)
            for which in out:
                out[which].append(float(getattr(gm, which)(Z)))
    return {which: tuple(values) for which, values in out.items()}


def _expected_bics(which: str = "bic") -> dict[int, float]:
    return dict(zip(GMM_NS, _criteria()[which], strict=True))


# --------------------------------------------------------------------------------------
# Exercise 7: isolation forest.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _gmm(fit_on: str = "train", scaled: bool = True) -> tuple[float, ...]:
    """``score_samples`` of the later rows, from the mixture fitted on ``fit_on``."""
    from sklearn.mixture import GaussianMixture
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    t = _transactions()
    X_fit = {"train": t["X_train"], "test": t["X_test"]}[fit_on]
    mixture = GaussianMixture(n_components=DETECTOR_COMPONENTS, random_state=0)
    model = make_pipeline(StandardScaler(), mixture) if scaled else mixture
    with _one_thread():
        model.fit(np.asarray(X_fit, dtype=float))
        return tuple(float(v) for v in model.score_samples(np.asarray(t["X_test"], dtype=float)))


def _gmm_expected(fit_on: str = "train", scaled: bool = True, sign: float = -1.0) -> np.ndarray:
    return sign * np.array(_gmm(fit_on, scaled))


# --------------------------------------------------------------------------------------
# Exercise 8: precision at k.
# --------------------------------------------------------------------------------------


def _precision_at_k(y_true, scores, k):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if not 1 <= k <= len(y):
        raise ValueError(f"k should be between 1 and {len(y)}, got {k}")
    order = np.argsort(-s, kind="stable")
    return float(np.mean(y[order[:k]] == 1))


def _recall_at_k(y_true, scores, k):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if not 1 <= k <= len(y):
        raise ValueError(f"k should be between 1 and {len(y)}, got {k}")
    order = np.argsort(-s, kind="stable")
    positives = int(np.sum(y == 1))
    return float(np.sum(y[order[:k]] == 1) / positives) if positives else 0.0


def _precision_at_k_lowest(y_true, scores, k):
    y = np.asarray(y_true)
    s = np.asarray(scores, dtype=float)
    if not 1 <= k <= len(y):
        raise ValueError(f"k should be between 1 and {len(y)}, got {k}")
    order = np.argsort(s, kind="stable")
    return float(np.mean(y[order[:k]] == 1))


KEY = {
    "10.1": {
        "expected": _expected_kmeans,
        "mistakes": [
            Mistake(
                lambda: _expected_kmeans(truth=True),
                "Your silhouettes use the true digits `y_train` as the clusters. The task "
                "scores the clusters k-means found: `silhouette_score(X_train, km.labels_)`.",
            ),
            Mistake(
                lambda: _expected_kmeans(scale=16.0),
                "Your inertias are 256 times too large: they come from the raw pixels (0-16). "
                "Use `X_train`, the pixels divided by 16, as the notebook prepares it.",
            ),
        ],
    },
    "10.2": {
        "reference": _kmeans_step,
        "mistakes": [
            Mistake(
                _kmeans_step_nan,
                "A centre that no point is closest to gets NaN: the mean of no points. Keep "
                "such a centre where it was.",
            ),
            Mistake(
                _kmeans_step_old_centers,
                "The labels are right, but the centres did not move: set each centre to the "
                "mean of the points assigned to it.",
            ),
        ],
    },
    "10.3": {
        "expected": _pca_summary,
        "mistakes": [
            Mistake(
                lambda: _pca_summary(rows="all", scaler_on="all"),
                "Your PCA was fitted on all the transactions, the later 30 % included. Fit the "
                "scaler and the PCA on `Xt_train` only.",
            ),
            Mistake(
                lambda: _pca_summary(scaler_on="all"),
                "Your scaler was fitted on all the transactions, the later 30 % included. Fit "
                "it on `Xt_train` only.",
            ),
            Mistake(
                lambda: _pca_summary(off_by_one=-1),
                "The k90 values are one short: they look like the index of the first component "
                "that reaches 90 %, counted from 0. Give the number of components (index + 1).",
            ),
            Mistake(
                lambda: _pca_summary(swapped=True),
                'The raw and the standardised results are swapped: `"raw"` is the PCA of the '
                "columns as they are.",
            ),
        ],
    },
    "10.4": {
        "reference": _pca_reconstruct,
        "mistakes": [
            Mistake(
                _reconstruct_uncentred,
                "Centre the columns first (subtract the mean of each column) before the SVD: "
                "principal components are directions around the mean, not around the origin.",
            ),
            Mistake(
                _reconstruct_no_mean_back,
                "The reconstruction is centred: add the column means back at the end.",
            ),
        ],
    },
    "10.5": {"judge": _judge_pca_model},
    "10.6": {
        "expected": _expected_bics,
        "mistakes": [
            Mistake(
                lambda: _expected_bics("aic"),
                "These are AIC values; the task asks for `gm.bic(Z_train)`.",
            ),
            Mistake(
                lambda: {n: -v for n, v in _expected_bics("score").items()},
                "These are negated mean log-likelihoods (`-gm.score`); BIC also penalises the "
                "number of parameters: use `gm.bic(Z_train)`.",
            ),
            Mistake(
                lambda: _expected_bics("score"),
                "These are mean log-likelihoods (`gm.score`); use `gm.bic(Z_train)`.",
            ),
        ],
    },
    "10.7": {
        "expected": _gmm_expected,
        "mistakes": [
            Mistake(
                lambda: _gmm_expected(sign=1.0),
                "The sign is the wrong way round: `score_samples` is the log-density, *lower* "
                "for unusual transactions. Negate it, so that a higher score means more "
                "anomalous.",
            ),
            Mistake(
                lambda: _gmm_expected(scaled=False),
                "Your mixture was fitted on the raw columns. Standardise them first (a "
                "`StandardScaler` fitted on `Xt_train`), as the task says.",
            ),
            Mistake(
                lambda: _gmm_expected(fit_on="test"),
                "Your mixture was fitted on the later transactions it scores. Fit it on "
                "`Xt_train` (the earlier 70 %) and score `Xt_test`.",
            ),
        ],
    },
    "10.8": {
        "reference": _precision_at_k,
        "mistakes": [
            Mistake(
                _recall_at_k,
                "That is the recall among the top k (positives found / all positives); the "
                "task asks for the share of positives among the k flagged.",
            ),
            Mistake(
                _precision_at_k_lowest,
                "You took the k *lowest* scores; a higher score means more anomalous.",
            ),
        ],
    },
    "10.kc1": {
        "answer": "c",
        "explanation": (
            "Adding a centre can only shorten some point's distance to its nearest centre "
            "(the best solution with k + 1 centres is at least as good as with k), so the "
            "minimum inertia keeps falling up to one cluster per point. Inertia can show an "
            "elbow; it cannot be minimised to choose k."
        ),
        "feedback": {
            "a": "Inertia has no minimum at the true number of groups: at best it shows a bend "
            "(an elbow) there, and it reaches 0 only when every point is its own centre.",
            "b": "An extra centre beyond the real clusters splits one of them, which still brings "
            "some points nearer a centre: past the real clusters, each extra centre gains less, "
            "and that is all.",
            "d": "Inertia is a sum of squared distances: at least 0, in the squared units of the "
            "data, and larger with more points. The score between -1 and 1 is the silhouette.",
        },
    },
    "10.kc2": {
        "answer": "a",
        "explanation": (
            "The silhouette compares each point's mean distance to its own cluster with that "
            "to the nearest other cluster: compact, well-separated, roughly round groups score "
            "high. Elongated or nested shapes and clusters of different densities score low "
            "even when the grouping is the natural one, and it knows nothing of the labels."
        ),
        "feedback": {
            "b": "The silhouette uses only the distances between points and the clusters it is "
            "given, never the true classes; and the moons are labelled correctly.",
            "c": "k-means minimises the inertia, not the silhouette; other groupings can have a "
            "higher silhouette than the one k-means finds.",
            "d": "The silhouette works on any data. Scaling the columns changes the distances, "
            "and so its value, but that value is not random.",
        },
    },
    "10.kc3": {
        "answer": "d",
        "explanation": (
            "The variance of a column measured in seconds (values in the tens to hundreds of "
            "thousands) dwarfs "
            "that of a count in single digits, so the first component points along the "
            "seconds. Standardise columns measured in different units before PCA; pixels, "
            "which share a unit, need not be."
        ),
        "feedback": {
            "a": "scikit-learn's PCA centres each column but does not scale it: standardise first "
            "if every column is to count the same.",
            "b": "PCA compares variances in the units it is given, not relative variation: a "
            "count between 0 and 5 has a variance of no more than about 6.",
            "c": "PCA sees numbers, not units: it runs without complaint on columns in any mix of "
            "units, which is why scaling them is your job.",
        },
    },
    "10.kc4": {
        "answer": "b",
        "explanation": (
            "t-SNE keeps who is near whom; the sizes of the islands and the gaps between "
            "them depend on perplexity and are not distances in the data. It has no "
            "`transform` for new points, so its coordinates are not features for a model."
        ),
        "feedback": {
            "a": "t-SNE does not keep sizes or distances between islands: it expands dense groups "
            "and shrinks sparse ones, and the gaps depend on the perplexity, so neither tells you "
            "about spread or distance in pixel space.",
            "c": "t-SNE has no `transform`: it places only the points it was fitted on, and a "
            "rerun places them differently, so its coordinates cannot be computed for new digits.",
            "d": "Positions do change from run to run (a fixed `random_state` makes them "
            "reproducible), but the picture is not noise: what t-SNE is built to keep survives a "
            "change of seed even when the layout does not.",
        },
    },
    "10.kc5": {
        "answer": "d",
        "explanation": (
            "`contamination` only sets `offset_`, the threshold that `predict` and "
            "`decision_function` use; `score_samples`, and so the ranking, the ROC-AUC and "
            "the precision among the top k, do not change."
        ),
        "feedback": {
            "a": "`contamination` plays no part in growing the trees: with the same "
            "`random_state` the forest is the same, and every `score_samples` value with it.",
            "b": "The forest never sees the labels, and `contamination` is not used to fit it: "
            "the ROC-AUC of `-score_samples` is the same with either setting.",
            "c": "The rows each tree is grown on are set by `max_samples` (by default 256, or all "
            "of them if there are fewer), which `contamination` does not touch.",
        },
    },
    "10.kc6": {
        "answer": "b",
        "explanation": (
            "A Gaussian mixture gives each point a probability of belonging to each component "
            "(`predict_proba`), and with full covariances its clusters can be elongated "
            "ellipses; k-means assigns every point to exactly one nearest centre."
        ),
        "feedback": {
            "a": "EM only climbs to a local optimum, which depends on where it starts; that is "
            "why `GaussianMixture` has `n_init` and `random_state`.",
            "c": "A mixture needs its number of components, `n_components`, as k-means needs k; "
            "it is chosen with a criterion such as BIC, compared over several sizes.",
            "d": "In theory full covariances can adapt to each column's scale, but scikit-learn "
            "starts EM from k-means, which depends on the scales, and adds `reg_covar` to the "
            "variances in the columns' units: rescaling a column can change the clusters found.",
        },
    },
}
