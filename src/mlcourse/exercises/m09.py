"""Module 09 — SVMs, kNN and regularisation: distances, margins, penalties and dimensions.

The declaration of the module's problems (the key is in mlcourse.keys.m09). The data are
loaded and split exactly as in the exercises notebook, each with ``random_state=42`` and a
quarter held out: the digits (stratified), the wine data (stratified), two iris species
(versicolor and virginica, petal length and width, stratified) and the diabetes data. Every
choice is made with cross-validation on training rows; exercise 8 alone touches the digits'
test set, and its key compares the learner's test predictions with those of an SVC it fits
itself on the training rows.
"""

from __future__ import annotations

import ast
import hashlib
import inspect
import textwrap
import types
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    UNRESOLVED,
    Case,
    Choice,
    CompareError,
    Custom,
    Fail,
    MethodRule,
    Numeric,
    Value,
    compare,
    correct,
    describe,
    names_used,
)
from mlcourse.checks import Answer as _Answer
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import one_thread as _one_thread

_SEED = 42  # random_state of every split and splitter (stated in the notebook)
_TEST_SIZE = 0.25
_LASSO_ALPHAS = (0.1, 1.0, 3.0, 10.0, 30.0)  # exercise 4 (stated in the prompt)
_WINE_K = 9  # exercise 2: KNeighborsClassifier(n_neighbors=9) (stated in the prompt)
_SVM_CS = (0.003, 0.03, 0.3, 3.0, 30.0)  # exercise 5 (stated; not the lesson's 0.01 and 100)
_GRID = {"C": [1.0, 10.0], "gamma": [0.0003, 0.001, 0.003]}  # exercise 7 (stated)
_GRID_FOLDS = 3  # exercise 7: StratifiedKFold(3, shuffle=True, random_state=42)

# --------------------------------------------------------------------------------------
# Data, split as in the notebook (cached; callers must not modify the arrays).
# --------------------------------------------------------------------------------------


def _split(X: Any, y: Any, stratify: bool = True) -> dict[str, Any]:
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=_TEST_SIZE, stratify=y if stratify else None, random_state=_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


@lru_cache(maxsize=1)
def _digits() -> dict[str, Any]:
    """The digits as float arrays (1,797 x 64 pixels, 0-16), stratified 75/25, seed 42."""
    from mlcourse.datasets import load_digits

    bunch = load_digits()
    d = _split(np.asarray(bunch.data, dtype=float), np.asarray(bunch.target, dtype=np.int64))
    for array in d.values():
        array.flags.writeable = False
    return d


@lru_cache(maxsize=1)
def _wine() -> dict[str, Any]:
    """The wine data (13 measurements, 3 cultivars), stratified 75/25, seed 42."""
    from mlcourse.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    return _split(X, y)


@lru_cache(maxsize=1)
def _iris2() -> dict[str, Any]:
    """Versicolor and virginica, petal length and width (cm), stratified 75/25, seed 42."""
    from mlcourse.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    keep = (y != "setosa").to_numpy()
    X2 = X.loc[keep, ["petal_length_cm", "petal_width_cm"]]
    y2 = y[keep].astype(str)
    return _split(X2, y2)


@lru_cache(maxsize=1)
def _diabetes() -> dict[str, Any]:
    """The diabetes data (10 unscaled variables, progression), 75/25, seed 42."""
    from mlcourse.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    return _split(X, y, stratify=False)


def _cv(n_splits: int = 5):
    """The notebook's splitter: stratified folds, shuffled with seed 42."""
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=_SEED)


# --------------------------------------------------------------------------------------
# Functions written from scratch: scikit-learn, scipy.spatial (and, for ridge, matrix
# inversion and least-squares helpers) ruled out; the code is read with names_used.
# --------------------------------------------------------------------------------------

_SPATIAL_NAMES = frozenset(
    {"spatial", "cdist", "pdist", "distance_matrix", "minkowski_distance", "KDTree", "cKDTree"}
)


def _library_label(value: Any, banned: frozenset[str]) -> str | None:
    """A label when ``value`` comes from scikit-learn or scipy.spatial or is a banned function."""
    target = getattr(value, "func", value)  # functools.partial
    if isinstance(target, types.ModuleType):
        module, name = target.__name__, target.__name__
    else:
        module, name = getattr(target, "__module__", None), getattr(target, "__name__", None)
    if not isinstance(module, str):
        return None
    shown = name if isinstance(name, str) else module
    if module.split(".")[0] == "sklearn":
        return f"scikit-learn (`{shown}`)"
    if module.startswith("scipy.spatial"):
        return f"scipy.spatial (`{shown}`)"
    if isinstance(name, str) and name in banned and module.split(".")[0] in {"numpy", "scipy"}:
        return f"`{module.split('.')[0]}.{name}`"
    return None


def _banned_finder(banned: frozenset[str]):
    """``find(func)`` for a MethodRule: what ``func`` refers to among the ruled-out names."""

    def judge(name: str, value: Any, opname: str) -> str | None:
        if value is UNRESOLVED:  # an attribute, an import, or a name not yet defined
            top = name.split(".")[0]
            if name in banned or name in _SPATIAL_NAMES or top == "sklearn":
                return f"`{name}`"
            if name.startswith("scipy.spatial"):
                return f"`{name}`"
            return None
        return _library_label(value, banned)

    def find(func: Any) -> list[str]:
        return names_used(func, judge)

    return find


def _callee(node: ast.expr) -> str | None:
    """The last name of a called function: ``solve`` for ``np.linalg.solve(...)``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _solve_against_identity(func: Any) -> list[str]:
    """``solve(M, np.eye(p))`` (or ``identity``) written in ``func``'s own source: an inverse.

    Names alone cannot tell it from ``alpha * np.eye(p)``, so the source is parsed. A function
    whose source cannot be read, or an identity built elsewhere, is not seen.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, ValueError):
        return []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _callee(node.func) == "solve"):
            continue
        rhs = node.args[1] if len(node.args) > 1 else None
        rhs = next((k.value for k in node.keywords if k.arg == "b"), rhs)
        if isinstance(rhs, ast.Call) and _callee(rhs.func) in {"eye", "identity"}:
            return ["`solve` with an identity matrix on the right (an inverse)"]
    return []


def _from_scratch(
    id: str, *, banned: tuple[str, ...], advice: str, inverse: bool = False, **kwargs: Any
) -> MethodRule:
    """A function problem whose prompt rules out scikit-learn, scipy.spatial and ``banned``
    (and, with ``inverse``, ``solve`` against a literal identity matrix)."""
    names = _banned_finder(frozenset(banned))

    def find(func: Any) -> list[str]:
        return names(func) + (_solve_against_identity(func) if inverse else [])

    return MethodRule(
        id,
        find=find,
        breaks="uses what the task rules out",
        advice=advice,
        **kwargs,
    )


def _knn_cases() -> list[Case]:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [4.0, 3.5]])
    y = np.array([0, 0, 1, 1, 1])
    Xq = np.array([[0.2, 0.1], [3.2, 2.9]])
    return [
        Case(X, y, Xq, 3, call="knn_predict(X_demo, y_demo, X_query_demo, 3)"),
        Case(X, y, Xq, 1, call="knn_predict(X_demo, y_demo, X_query_demo, 1)"),
    ]


def _knn_hidden() -> list[Case]:
    rng = np.random.default_rng(_SEED + 9)
    d = _digits()
    X3 = rng.normal(size=(40, 3))
    y3 = rng.integers(0, 4, size=40)
    return [
        Case(
            np.array([[0.0], [1.0], [10.0]]),
            np.array([2, 1, 1]),
            np.array([[0.4]]),
            2,
            label="a tie in the vote (the smaller label wins)",
        ),
        Case(
            np.array([[0.0, 0.0], [5.0, 5.0], [6.0, 5.0]]),
            np.array([7, 3, 3]),
            np.array([[0.1, 0.0]]),
            3,
            label="k equal to the number of training points",
        ),
        Case(X3, y3, rng.normal(size=(15, 3)), 5, label="random points in 3 dimensions"),
        Case(X3, y3, rng.normal(size=(15, 3)), 4, label="an even k"),
        Case(
            np.array(d["X_train"][:300]),
            np.array(d["y_train"][:300]),
            np.array(d["X_test"][:40]),
            7,
            label="digits: 64 pixels, ten classes",
        ),
    ]


def _ridge_cases() -> list[Case]:
    X = np.array([[1.0, 2.0], [2.0, 0.0], [3.0, 1.0], [4.0, 3.0], [5.0, 2.0]])
    y = np.array([3.0, 2.5, 4.0, 7.0, 6.5])
    return [
        Case(X, y, 1.0, call="ridge_fit(X_demo_r, y_demo_r, 1.0)"),
        Case(X, y, 10.0, call="ridge_fit(X_demo_r, y_demo_r, 10.0)"),
    ]


def _ridge_hidden() -> list[Case]:
    rng = np.random.default_rng(_SEED + 3)
    X = rng.normal(size=(30, 4)) * np.array([1.0, 10.0, 0.1, 3.0]) + 5.0
    y = X @ np.array([1.0, -0.2, 4.0, 0.5]) + 12.0 + rng.normal(size=30)
    d = _diabetes()
    return [
        Case(X, y, 0.0, label="alpha = 0 (ordinary least squares)"),
        Case(X, y, 3.0, label="features with different scales and a non-zero mean"),
        Case(X, y, 1e6, label="a huge alpha (the coefficients shrink towards 0)"),
        Case(X[:, :1], y, 2.0, label="a single feature"),
        Case(d["X_train"].to_numpy(), d["y_train"].to_numpy(), 5.0, label="the diabetes data"),
    ]


def _contrast_cases() -> list[Case]:
    X = np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 2.0]])
    call = "distance_contrast(np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 2.0]]), np.array([0.0, 0.0]))"
    return [Case(X, np.array([0.0, 0.0]), call=call)]


def _contrast_hidden() -> list[Case]:
    rng = np.random.default_rng(_SEED + 5)
    return [
        Case(
            np.array([[1.0, 1.0], [2.0, 2.0]]),
            np.array([1.0, 1.0]),
            raises=ValueError,
            label="a query equal to one of the points",
        ),
        Case(np.array([[3.0, 4.0]]), np.zeros(2), label="a single point (contrast 0)"),
        Case(rng.random((200, 2)), rng.random(2), label="200 random points in 2 dimensions"),
        Case(rng.random((200, 500)), rng.random(500), label="200 random points in 500 dimensions"),
        Case(np.array([[1.0], [4.0], [-2.0]]), np.array([0.5]), label="points on a line"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 8: the learner's final SVM, predicted and refitted in the learner's process.
# --------------------------------------------------------------------------------------


def _row_digest(row: Any) -> str:
    """A short fingerprint of one row of pixels, as float64 (the key fingerprints its rows so)."""
    data = np.ascontiguousarray(row, dtype=np.float64).tobytes()
    return hashlib.sha1(data).hexdigest()[:16]


def _support_vector_digests(final: Any) -> list[str] | None:
    """The fingerprints of the fitted SVC's support vectors, sorted; None when it has none."""
    vectors = getattr(final, "support_vectors_", None)
    if vectors is None:
        return None
    if hasattr(vectors, "toarray"):  # fitted on a sparse matrix
        vectors = vectors.toarray()
    vectors = np.asarray(vectors)
    if vectors.ndim != 2:
        return None
    return sorted(_row_digest(row) for row in vectors)


def _extract_svm(values: dict[str, Any]) -> dict[str, Any]:
    """The final SVM: its class, settings, fit status, and its predictions on the test digits.

    The key compares the predictions with those of a reference SVC that it fits itself on the
    training digits with the chosen C and gamma, and the support vectors' fingerprints with
    those of the training rows; nothing here refits the learner's model.
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.svm import SVC
    from sklearn.utils.validation import check_is_fitted

    model = values["svm_clf"]
    if not hasattr(model, "predict") or not hasattr(model, "get_params"):
        raise Fail(f"`svm_clf` should be a fitted scikit-learn `SVC`, but it is {describe(model)}.")
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise Fail(
            "`svm_clf` has not been fitted yet: call `svm_clf.fit(X_train, y_train)`."
        ) from None
    pipeline = type(model) is Pipeline
    final = model.steps[-1][1] if pipeline else model
    steps = [type(s).__name__ for _, s in model.steps[:-1]] if pipeline else []
    d = _digits()
    with warnings.catch_warnings(), _one_thread():
        warnings.simplefilter("ignore")
        predicted = np.asarray(model.predict(d["X_test"].copy())).ravel()
    shape_fit = getattr(final, "shape_fit_", None)
    n_fit = int(shape_fit[0]) if isinstance(shape_fit, tuple) and shape_fit else None
    status = getattr(final, "fit_status_", None)

    def number(v: Any) -> Any:
        if isinstance(v, str):
            return v
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
            return float(v)
        return None

    accuracy = values["test_accuracy"]
    n_support = getattr(final, "n_support_", None)
    return {
        "estimator": str(getattr(type(final), "__name__", "?")),
        # the exact class, not its name: a subclass or a renamed look-alike is not an SVC
        "is_svc": type(final) is SVC,
        "steps": steps,
        "kernel": str(getattr(final, "kernel", "")),
        "C": number(getattr(final, "C", None)),
        "gamma": number(getattr(final, "gamma", None)),
        "fit_status": int(status) if isinstance(status, (int, np.integer)) else None,
        "predicted": [int(v) for v in predicted],
        "n_fit": n_fit,
        "n_support": int(np.sum(n_support)) if n_support is not None else None,
        "support_vectors": _support_vector_digests(final),
        "test_accuracy": number(accuracy) if not isinstance(accuracy, str) else None,
    }


_HUGE = float(np.finfo(float).max)  # a tolerance under which only the form is compared


class _HiddenValues(Value):
    """A value made of several numbers, judged all at once.

    A wrong answer of the right form (type, keys, lengths, shapes) is told that its values are
    not the expected ones, or a known mistake's message, but never which element differs: the
    answers are short lists of fractions (accuracies over a few dozen rows, counts) that could
    otherwise be found one element at a time.
    """

    def __init__(self, id: str, *, advice: str, **kwargs: Any):
        super().__init__(id, **kwargs)
        self.advice = advice

    def _judge(self, answer: _Answer):
        got = answer.values[self.var]
        expected = self.expected_value()
        loose = {**self.options, "rtol": 0.0, "atol": _HUGE}
        form = compare(expected, got, self.var, **loose)  # type, keys, lengths, NaN only
        if form is not None:
            return self._wrong(form)
        if compare(expected, got, self.var, **self.options) is None:
            return correct(self.id, self.points)
        for mistake in self.mistakes:
            value = mistake.value() if callable(mistake.value) else mistake.value
            try:
                if compare(value, got, self.var, **self.options) is None:
                    return self._wrong(mistake.message)
            except CompareError:
                continue
        return self._wrong(
            f"`{self.var}` has the right form, but its values are not the expected ones. "
            + self.advice
        )


MODULE = Module(
    "09",
    "svm_knn_regularization",
    "SVMs, kNN and regularisation",
    problems=(
        _from_scratch(
            "09.1",
            name="knn_predict",
            cases=_knn_cases,
            hidden=_knn_hidden,
            banned=("KNeighborsClassifier", "NearestNeighbors", "BallTree"),
            advice=(
                "Compute the distances yourself with NumPy (broadcasting), without "
                "scikit-learn or `scipy.spatial`; compare with the library outside the function."
            ),
            title="k-nearest neighbours from scratch",
            points=2,
            hints=[
                "For every query row: the Euclidean distance to every training row, the k "
                "smallest, the labels of those rows, and the most frequent label.",
                "Broadcasting gives all distances at once: `X_query[:, None, :] - "
                "X_train[None, :, :]` has shape (queries, training rows, features). "
                "`np.argsort(..., kind='stable')[:, :k]` gives the neighbours' positions.",
                "`labels, counts = np.unique(votes, return_counts=True)` sorts the labels, and "
                "`labels[np.argmax(counts)]` takes the first most frequent one: the smallest "
                "label in a tie.",
            ],
        ),
        _HiddenValues(
            "09.2",
            var="wine_knn",
            atol=1e-6,
            advice=(
                "Use `KNeighborsClassifier(n_neighbors=9)` in both models, the splitter `cv`, "
                "the training wines only, and the scaler inside a pipeline."
            ),
            title="Does kNN need scaling? Cross-validated on the wine data",
            points=1,
            hints=[
                "Two models: `KNeighborsClassifier(n_neighbors=9)` alone, and a pipeline of a "
                "`StandardScaler` and a `KNeighborsClassifier(n_neighbors=9)`.",
                "`cross_val_score(model, Xw_train, yw_train, cv=cv)` returns the five fold "
                "accuracies as a NumPy array; the scaler inside the pipeline is refitted on "
                "each training fold.",
                "`wine_knn = {'unscaled': cross_val_score(KNeighborsClassifier(n_neighbors=9), "
                "Xw_train, yw_train, cv=cv), 'scaled': ...}`",
            ],
        ),
        _from_scratch(
            "09.3",
            name="ridge_fit",
            cases=_ridge_cases,
            hidden=_ridge_hidden,
            banned=(
                *("inv", "pinv", "matrix_power", "tensorinv", "Ridge"),
                *("lstsq", "lsqr", "lsmr", "lsq_linear"),
            ),
            inverse=True,
            advice=(
                "Solve the linear system with `np.linalg.solve`, without scikit-learn, a matrix "
                "inverse or a least-squares helper; compare with `Ridge` outside the function."
            ),
            title="Ridge regression from its normal equations",
            points=2,
            hints=[
                "The intercept is not penalised: centre X and y on their column means, solve "
                "for the coefficients, then recover the intercept.",
                "With centred `Xc` and `yc`, the coefficients solve "
                "`(Xc.T @ Xc + alpha * I) w = Xc.T @ yc`: use `np.linalg.solve`.",
                "`intercept = y.mean() - X.mean(axis=0) @ w`; return `(float(intercept), w)`.",
            ],
        ),
        _HiddenValues(
            "09.4",
            var="lasso_coefs",
            # Lasso's default tol leaves the key up to 0.04 from the exact path (a tighter
            # tol, LassoLars, selection="random"); the known mistakes differ by >= 5.
            rtol=1e-2,
            atol=0.05,
            advice=(
                "Fit one pipeline per alpha, in the order of `alphas`, on `Xd_train`, "
                "`yd_train`: a `StandardScaler`, then `Lasso(alpha=alpha, max_iter=10000)`."
            ),
            title="Sparsity along the lasso path",
            points=1,
            hints=[
                "One pipeline per alpha: a `StandardScaler`, then `Lasso(alpha=alpha, "
                "max_iter=10000)`, fitted on `Xd_train`, `yd_train`.",
                "The fitted lasso is the pipeline's last step: `pipe[-1].coef_`, one "
                "coefficient per variable.",
                "`np.array([make_pipeline(...).fit(Xd_train, yd_train)[-1].coef_ for alpha in "
                "alphas])` has shape (5, 10).",
            ],
        ),
        _HiddenValues(
            "09.5",
            var="svm_margins",
            # the training rows in another order move libsvm's widths by up to 7e-4
            # (relative); the half-width is 2 times off.
            rtol=2e-3,
            advice=(
                "For each C in `Cs`, in order: a pipeline of a `StandardScaler` and "
                "`SVC(kernel='linear', C=C)` fitted on `Xi_train`, `yi_train`; the width "
                "2 / ||w|| from `coef_`, and the support vectors of both classes."
            ),
            title="Margin and support vectors as C changes",
            points=1,
            hints=[
                "One pipeline per C: a `StandardScaler`, then `SVC(kernel='linear', C=C)`, "
                "fitted on `Xi_train`, `yi_train`.",
                "A fitted linear SVC has `coef_` (w, shape (1, 2)) and `n_support_`, the number "
                "of support vectors of each class.",
                "`float(2 / np.linalg.norm(pipe[-1].coef_))` and "
                "`int(pipe[-1].n_support_.sum())` for each C, each in a list.",
            ],
        ),
        _from_scratch(
            "09.6",
            name="distance_contrast",
            cases=_contrast_cases,
            hidden=_contrast_hidden,
            banned=("NearestNeighbors",),
            advice=(
                "Compute the distances with NumPy (`np.linalg.norm` is fine), without "
                "`scipy.spatial` or scikit-learn."
            ),
            title="The relative contrast of distances",
            points=2,
            hints=[
                "Compute the Euclidean distance from `q` to every row of `X` (one number per "
                "row), then its largest and smallest values.",
                "`dist = np.sqrt(((X - q) ** 2).sum(axis=1))` (or `np.linalg.norm(X - q, "
                "axis=1)`); the contrast is `(dist.max() - dist.min()) / dist.min()`.",
                "Raise `ValueError` when `dist.min() == 0` before dividing, and return a float.",
            ],
        ),
        _HiddenValues(
            "09.7",
            var="best_svm",
            atol=1e-9,
            advice=(
                "Run `GridSearchCV(SVC(), param_grid, cv=cv3)` on `X_train`, `y_train`; take "
                "`best_params_` and the whole `cv_results_['mean_test_score']`."
            ),
            title="Choose C and gamma by cross-validation",
            points=2,
            hints=[
                "`GridSearchCV(SVC(), param_grid, cv=cv3)`, fitted on the training digits "
                "only; the test digits wait for exercise 8.",
                "`search.best_params_` holds the chosen C and gamma; "
                "`search.cv_results_['mean_test_score']` the mean cross-validated accuracy of "
                "each of the six pairs, in the order of `search.cv_results_['params']`.",
                "`best_svm = {'C': float(search.best_params_['C']), 'gamma': "
                "float(search.best_params_['gamma']), 'mean_scores': "
                "search.cv_results_['mean_test_score']}`",
            ],
        ),
        Custom(
            "09.8",
            reads=("svm_clf", "test_accuracy"),
            extract=_extract_svm,
            title="The final SVM, measured once on the test digits",
            points=2,
            hints=[
                "An `SVC` with the RBF kernel and the C and gamma of `best_svm`, fitted on all "
                "the training digits (the raw pixels, no other step).",
                "Then, once, its accuracy on `X_test`, `y_test`: `svm_clf.score(X_test, y_test)`.",
                "`svm_clf = SVC(C=best_svm['C'], gamma=best_svm['gamma']).fit(X_train, "
                "y_train)`; `test_accuracy = float(svm_clf.score(X_test, y_test))`",
            ],
        ),
        Choice(
            "09.kc1",
            var="kc1",
            choices="abcd",
            title="Which model ignores scaling",
            hints=["Which of these models never computes a distance or a penalty on weights?"],
        ),
        Choice(
            "09.kc2",
            var="kc2",
            choices="abcd",
            title="A very large gamma",
            hints=["How far does the influence of one support vector reach when gamma is huge?"],
        ),
        Choice(
            "09.kc3",
            var="kc3",
            choices="abcd",
            title="Why the lasso gives zeros",
            hints=["Compare the slope of |w| and of w² near w = 0."],
        ),
        Choice(
            "09.kc4",
            var="kc4",
            choices="abcd",
            title="1-NN on its own training set",
            hints=["Which training point is nearest to a training point?"],
        ),
        Numeric(
            "09.kc5",
            var="kc5",
            atol=0.005,
            title="How large is a 'local' neighbourhood in 10 dimensions",
            hints=[
                "A sub-cube of edge e inside the unit cube holds the share e^d of uniformly "
                "spread points.",
                "Solve e^10 = 0.01 for e.",
            ],
        ),
    ),
)
