"""Answer key of module 02 — NumPy."""

from __future__ import annotations

import numpy as np

from mlcourse.checks import Mistake
from mlcourse.exercises.m02 import N_TRAIN, _data, _target

# --------------------------------------------------------------------------------------
# Exercise 1: mean ink per digit.
# --------------------------------------------------------------------------------------


def _ink_per_digit() -> np.ndarray:
    ink, y = _data().sum(axis=1), _target()
    return np.array([ink[y == d].mean() for d in range(10)])


def _mean_pixel_per_digit() -> np.ndarray:
    return _ink_per_digit() / 64


def _total_ink_per_digit() -> np.ndarray:
    ink, y = _data().sum(axis=1), _target()
    return np.array([ink[y == d].sum() for d in range(10)])


def _ink_per_pixel_row() -> np.ndarray:
    X, y = _data(), _target()
    return np.array([X[y == d].sum(axis=0).mean() for d in range(10)])


# --------------------------------------------------------------------------------------
# Exercise 2: squared pixels, with and without overflow.
# --------------------------------------------------------------------------------------


def _energy_of(pixels: np.ndarray) -> np.ndarray:
    return (pixels.astype(np.int64) ** 2).sum(axis=(1, 2))


def _energy_overflowed(pixels: np.ndarray) -> np.ndarray:
    return (pixels**2).sum(axis=(1, 2))


def _energy_overflowed_int64(pixels: np.ndarray) -> np.ndarray:
    return _energy_overflowed(pixels).astype(np.int64)


def _energy_int16(pixels: np.ndarray) -> np.ndarray:
    return (pixels.astype(np.int16) ** 2).sum(axis=(1, 2)).astype(np.int64)


_OVERFLOW = (
    "Some squares wrapped around: in uint8, 16 ** 2 = 256 becomes 0, without a warning. "
    "Convert the pixels to a wider integer type before squaring."
)

# --------------------------------------------------------------------------------------
# Exercise 3: occluded images, on a copy.
# --------------------------------------------------------------------------------------


def _occlude(images: np.ndarray) -> np.ndarray:
    out = images.copy()
    out[:, 4:, :] = 0
    return out


def _occlude_top(images: np.ndarray) -> np.ndarray:
    out = images.copy()
    out[:, :4, :] = 0
    return out


def _occlude_columns(images: np.ndarray) -> np.ndarray:
    out = images.copy()
    out[:, :, 4:] = 0
    return out


# --------------------------------------------------------------------------------------
# Exercise 4: centring.
# --------------------------------------------------------------------------------------


def _center(X: np.ndarray) -> np.ndarray:
    return X - X.mean(axis=0)


def _center_rows(X: np.ndarray) -> np.ndarray:
    return X - X.mean(axis=1, keepdims=True)


def _center_overall(X: np.ndarray) -> np.ndarray:
    return X - X.mean()


# --------------------------------------------------------------------------------------
# Exercise 5: squared distances.
# --------------------------------------------------------------------------------------


def _pairwise_sq_dists(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    A = np.asarray(A, dtype=np.float64)
    B = np.asarray(B, dtype=np.float64)
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)


def _dists_not_squared(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return np.sqrt(_pairwise_sq_dists(A, B))


def _dists_without_float(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    A, B = np.asarray(A), np.asarray(B)
    if A.dtype == np.float64 and B.dtype == np.float64:
        raise ValueError("the mistake differs only on integer inputs")
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=2)


# --------------------------------------------------------------------------------------
# Exercise 6: 1-nearest-neighbour predictions on the held-out digits.
# --------------------------------------------------------------------------------------


def _split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = _data(), _target()
    return X[:N_TRAIN], X[N_TRAIN:], y[:N_TRAIN], y[N_TRAIN:]


def _nearest(X_query: np.ndarray, X_ref: np.ndarray, farthest: bool = False) -> np.ndarray:
    """Index of the nearest (or farthest) row of X_ref for each query (exact in float64)."""
    sq = (X_query**2).sum(axis=1)[:, None] + (X_ref**2).sum(axis=1)[None, :] - 2 * X_query @ X_ref.T
    return sq.argmax(axis=1) if farthest else sq.argmin(axis=1)


def _test_pred() -> np.ndarray:
    X_train, X_test, y_train, _ = _split()
    return y_train[_nearest(X_test, X_train)]


def _test_pred_indices() -> np.ndarray:
    X_train, X_test, _, _ = _split()
    return _nearest(X_test, X_train)


def _test_pred_farthest() -> np.ndarray:
    X_train, X_test, y_train, _ = _split()
    return y_train[_nearest(X_test, X_train, farthest=True)]


def _test_true() -> np.ndarray:
    return _split()[3]


def _train_pred() -> np.ndarray:
    """Predictions for the training images themselves (each finds itself)."""
    return _split()[2]


# --------------------------------------------------------------------------------------
# Exercise 7: least squares.
# --------------------------------------------------------------------------------------


def _fit_least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return w


def _normal_equations(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.solve(X.T @ X, X.T @ y)


def _sklearn_linear_regression(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.linear_model import LinearRegression

    return LinearRegression(fit_intercept=False).fit(X, y).coef_


# --------------------------------------------------------------------------------------
# Exercise 8: bootstrap means.
# --------------------------------------------------------------------------------------


def _bootstrap_means(x: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    return x[idx].mean(axis=1)


def _bootstrap_fixed_seed(x: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    if seed == 42:
        raise ValueError("the mistake differs only for other seeds")
    return _bootstrap_means(x, n_boot, 42)


def _bootstrap_legacy(x: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    state = np.random.RandomState(seed)
    idx = state.randint(0, len(x), size=(n_boot, len(x)))
    return x[idx].mean(axis=1)


def _bootstrap_without_replacement(x: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([rng.permutation(x).mean() for _ in range(n_boot)])


# --------------------------------------------------------------------------------------
# Exercise 9: confusion counts.
# --------------------------------------------------------------------------------------


def _confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    t = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(y_pred, dtype=np.int64)
    counts = np.bincount(t * n_classes + p, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes)


def _confusion_transposed(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    return _confusion_counts(y_true, y_pred, n_classes).T


KEY = {
    "02.1": {
        "expected": _ink_per_digit,
        "mistakes": [
            Mistake(
                _mean_pixel_per_digit,
                "These are mean pixel values (the ink divided by 64): the ink of an image is "
                "the sum of its pixels, not their mean.",
            ),
            Mistake(
                _total_ink_per_digit,
                "These are totals over all the images of each digit: take the mean over the "
                "images of a digit, not the sum.",
            ),
            Mistake(
                _ink_per_pixel_row,
                "You summed over the images (axis 0) first: sum each image's pixels "
                "(`axis=1`), then average over the images of a digit.",
            ),
        ],
    },
    "02.2": {
        "reference": _energy_of,
        "mistakes": [
            Mistake(_energy_overflowed, _OVERFLOW),
            Mistake(_energy_overflowed_int64, _OVERFLOW),
            Mistake(
                _energy_int16,
                "Some squares overflowed: an int16 holds up to 32,767, and 255 ** 2 = 65,025. "
                "Convert to a wider integer type before squaring.",
            ),
        ],
    },
    "02.3": {
        "reference": _occlude,
        "mistakes": [
            Mistake(
                _occlude_top,
                "You set the top four rows to 0: the bottom half is rows 4 to 7, `[:, 4:, :]`.",
            ),
            Mistake(
                _occlude_columns,
                "You set the right four columns to 0: in `images[k, row, column]` the rows are "
                "axis 1, so the bottom half is `[:, 4:, :]`.",
            ),
        ],
    },
    "02.4": {
        "reference": _center,
        "mistakes": [
            Mistake(
                _center_rows,
                "You subtracted each row's mean: the task centres the columns, `X.mean(axis=0)`.",
            ),
            Mistake(
                _center_overall,
                "You subtracted one mean of the whole array: each column needs its own mean, "
                "`X.mean(axis=0)`.",
            ),
        ],
    },
    "02.5": {
        "reference": _pairwise_sq_dists,
        "mistakes": [
            Mistake(
                _dists_not_squared,
                "These are distances: the task asks for squared distances, without `np.sqrt`.",
            ),
            Mistake(
                _dists_without_float,
                "On integer inputs the differences wrapped around or kept an integer dtype: "
                "convert both arrays to float before subtracting.",
            ),
        ],
    },
    "02.6": {
        "expected": _test_pred,
        "mistakes": [
            Mistake(
                _test_pred_indices,
                "These are positions of the nearest training images: look their labels up in "
                "`y_train`.",
            ),
            Mistake(
                _test_pred_farthest,
                "You took the farthest training image (`argmax`): the nearest is `argmin`.",
            ),
            Mistake(
                _test_true,
                "These are the true labels `y_test`: the task asks for the model's predictions, "
                "with the training images only as neighbours (a test image among the "
                "neighbours finds itself).",
            ),
        ],
    },
    "02.7": {
        "reference": _fit_least_squares,
        "mistakes": [
            Mistake(
                _normal_equations,
                "This is the normal-equations formula, `solve(X.T @ X, X.T @ y)`: it squares "
                "the condition number and breaks on dependent columns. Use `np.linalg.lstsq`.",
            ),
            Mistake(
                _sklearn_linear_regression,
                "These are scikit-learn's `LinearRegression` coefficients: on nearly dependent "
                "columns its solver returns another `w`, which leaves a larger residual than "
                "NumPy's least-squares solution. The task asks for NumPy's solver "
                "(`ex.q7.hint()`).",
            ),
        ],
    },
    "02.8": {
        "reference": _bootstrap_means,
        "mistakes": [
            Mistake(
                _bootstrap_fixed_seed,
                "Your results do not change with `seed`: build the generator from the "
                "function's argument, `np.random.default_rng(seed)`.",
            ),
            Mistake(
                _bootstrap_legacy,
                "These come from the legacy global API (`np.random.seed`/`RandomState`): the "
                "task asks for a Generator, `np.random.default_rng(seed)`.",
            ),
            Mistake(
                _bootstrap_without_replacement,
                "Every resample has the same mean as `x`: you drew without replacement (a "
                "permutation). A bootstrap draws with replacement, `rng.integers(...)`.",
            ),
        ],
    },
    "02.9": {
        "reference": _confusion_counts,
        "mistakes": [
            Mistake(
                _confusion_transposed,
                "Your table is transposed: row `i` should hold the images whose true class is "
                "`i`, and column `j` those predicted as `j`.",
            ),
        ],
    },
    "02.kc1": {
        "answer": "b",
        "explanation": "uint8 arithmetic wraps around modulo 256: 200 + 100 = 300 - 256 = 44.",
        "feedback": {
            "a": "NumPy 2 keeps the array's dtype when the other operand is a Python int (NEP "
            "50): the result is uint8 again, and a uint8 cannot hold 300.",
            "c": "NumPy raises OverflowError only when the Python integer itself does not fit "
            "in uint8 (`a + 300`, say); 100 fits, and array arithmetic does not check its "
            "results for overflow.",
            "d": "NumPy's integer arithmetic never saturates at the largest value: results are "
            "clipped only when you ask for it, with `np.clip` on a wider dtype.",
        },
    },
    "02.kc2": {
        "answer": "c",
        "explanation": "A basic slice is a view: `b[0] = 99` writes into `a[1]`.",
        "feedback": {
            "a": "Basic slicing with start:stop:step does not copy the values; it is indexing "
            "with a list of positions or a boolean mask that makes a copy.",
            "b": "A slice of a writable array is writable too: assigning to `b[0]` is allowed "
            "and raises nothing.",
            "d": "`np.arange` has no `copy` argument, and what basic slicing does does not "
            "depend on how the array was made: it behaves the same for every array.",
        },
    },
    "02.kc3": {
        "answer": "d",
        "explanation": "(3, 1) and (4,) line up from the right as (3, 1) and (1, 4): (3, 4).",
        "feedback": {
            "a": "Broadcasting aligns shapes from the right, so 3 and 4 are never compared with "
            "each other: 4 meets the last axis of (3, 1), whose size is 1.",
            "b": "An elementwise operation does not simply take the left operand's shape: (3, "
            "1) has room for one value per row, while the other operand brings 4 of them.",
            "c": "A missing axis is added on the left of the shorter shape, but the existing "
            "axes keep their order: the 3 of (3, 1) stays on the first axis.",
        },
    },
    "02.kc4": {
        "answer": "a",
        "explanation": (
            "solve factorises A once (LU) and does not form the inverse: less work and a "
            "smaller rounding error."
        ),
        "feedback": {
            "b": "`solve` computes in floating point like the rest of NumPy: its result carries "
            "rounding error too, just as the product with the inverse does.",
            "c": "`solve` raises LinAlgError for a singular `A`; the smallest-norm solution is "
            "what `np.linalg.lstsq` or `np.linalg.pinv` give.",
            "d": "`np.linalg.inv` is not deprecated in NumPy 2: it is still there for when the "
            "inverse itself is wanted.",
        },
    },
    "02.kc5": {
        "answer": "b",
        "explanation": "Reducing along axis 0 removes the 1,797 images, leaving one value per pixel.",
        "feedback": {
            "a": "One mean per image reduces along axis 1, across each row's 64 values; axis 0 "
            "runs down the 1,797 rows.",
            "c": "A single mean of all the values is `X.mean()`, with no axis; with `axis=0` "
            "only that one axis is reduced.",
            "d": "The reduced axis is dropped from the shape unless you pass `keepdims=True`: "
            "that is what gives (1, 64).",
        },
    },
    "02.kc6": {
        "answer": "c",
        "explanation": (
            "Two generators from the same seed produce the same stream, each with its own "
            "state; a generator's second draw differs from its first."
        ),
        "feedback": {
            "a": "A generator made from a seed adds no fresh entropy: the seed fixes its whole "
            "stream. Only `default_rng()` without a seed draws entropy from the operating "
            "system.",
            "b": "The seed fixes the sequence, not a single number: each draw advances the "
            "generator's state, so the second draw differs from the first.",
            "d": "Each generator keeps its own state: drawing from `r1` does not move `r2` "
            "along its stream.",
        },
    },
}
