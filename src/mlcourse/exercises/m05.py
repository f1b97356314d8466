"""Module 05 — Maths and statistics: the declaration of the exercises and the quiz.

The exercises work on the Mauna Loa CO2 record (``mlcourse.datasets.load_co2``), reduced to
annual means of the complete years 1959-2001 exactly as in the notebook, and on generated
data with fixed seeds. The key is in mlcourse.keys.m05.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Numeric, Value, describe
from mlcourse.exercises import Module

FIRST_YEAR = 1959  # the first complete year of the record; the design matrix counts from it
LAST_YEAR = 2001
CASE_ORIGIN = 1980  # the CO2 cases of exercises 2-3 count years from here, so that no declared
# object equals exercise 1's answer (which counts from FIRST_YEAR)
GD_LR, GD_STEPS = 0.1, 30  # exercise 5: gradient descent on the standardised year (30 steps
# stop short of least squares, so a least-squares slope without descent is told apart)
EXP_MEAN, CLT_N, CLT_REPS = 2.0, 30, 10_000  # exercise 6: means of 30 exponential waiting times
BOOT_SEED, BOOT_REPS = 0, 5000  # exercise 9: the bootstrap's generator seed and resamples
SPLIT_YEAR = 1980  # exercise 10: growth of the years before 1980 against 1980 and after


# --------------------------------------------------------------------------------------
# Data: annual means of the weekly record, as the notebook computes them.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _annual_cached() -> tuple[tuple[int, ...], tuple[float, ...]]:
    from mlcourse.datasets import load_co2

    weekly = load_co2().set_index("date")["co2"]
    annual = weekly.resample("YS").mean()
    annual = annual[(annual.index.year >= FIRST_YEAR) & (annual.index.year <= LAST_YEAR)]
    return tuple(int(y) for y in annual.index.year), tuple(float(v) for v in annual)


def _years() -> np.ndarray:
    """The complete years 1959-2001 as ints."""
    return np.array(_annual_cached()[0])


def _co2() -> np.ndarray:
    """The annual mean CO2 (ppm) of each complete year, in year order."""
    return np.array(_annual_cached()[1])


def _growth() -> np.ndarray:
    """The year-on-year growth (ppm per year) from 1960 on: ``np.diff`` of the annual means."""
    return np.diff(_co2())


# --------------------------------------------------------------------------------------
# Exercises 2 and 4: the mean squared error's gradient, and gradient descent.
# --------------------------------------------------------------------------------------


def _co2_design() -> np.ndarray:
    """A design matrix of the CO2 years counted from CASE_ORIGIN (not exercise 1's answer)."""
    t = (_years() - CASE_ORIGIN).astype(float)
    return np.column_stack([np.ones_like(t), t])


def _random_problem(seed: int, n: int, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = X @ rng.normal(size=p) + rng.normal(scale=0.5, size=n)
    return rng.normal(size=p), X, y


def _grad_cases() -> list[Case]:
    X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    y = np.array([1.0, 3.0, 4.0])
    return [
        Case(
            np.array([0.5, 1.0]),
            X,
            y,
            call="mse_gradient(np.array([0.5, 1.0]), X_small, y_small)",
        ),
        Case(
            np.array([340.0, 1.5]),
            _co2_design(),
            _co2(),
            call="mse_gradient(np.array([340.0, 1.5]), X - [0, 21], co2)",
        ),
    ]


def _grad_hidden() -> list[Case]:
    w3, X3, y3 = _random_problem(51, 40, 3)
    w1, X1, y1 = _random_problem(52, 1, 4)
    return [
        Case(*_random_problem(50, 25, 2), label="25 rows and 2 columns of random data"),
        Case(w3, X3, y3, label="three columns"),
        Case(w1, X1, y1, label="a single row and more columns than rows"),
        Case(np.zeros(2), _co2_design(), _co2(), label="weights of zero on the CO2 data"),
        Case(
            np.array([1.0, -2.0]),
            np.array([[1.0, 0.5], [1.0, -1.5], [1.0, 2.0]]),
            np.array([3e15, -1e15, 2e15]),
            label="large residuals (targets of order 1e15)",
        ),
        Case(
            np.linalg.lstsq(X3, y3, rcond=None)[0],
            X3,
            y3,
            label="the least-squares weights, where the gradient vanishes",
        ),
    ]


def _gd_cases() -> list[Case]:
    X = np.array([[1.0, -1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0.0, 2.0, 4.0])
    return [
        Case(X, y, 0.1, 3, call="gradient_descent(X_demo, y_demo, lr=0.1, n_steps=3)"),
        Case(X, y, 0.25, 50, call="gradient_descent(X_demo, y_demo, lr=0.25, n_steps=50)"),
    ]


def _gd_hidden() -> list[Case]:
    _, X, y = _random_problem(53, 30, 3)
    _, X2, y2 = _random_problem(54, 12, 2)
    return [
        Case(X, y, 0.05, 1, label="a single step"),
        Case(X, y, 0.05, 0, label="no step at all"),
        Case(X, y, 0.05, 7, label="a few steps on three columns"),
        Case(X2, y2, 0.01, 25, label="a small learning rate"),
        Case(X2, y2, 0.2, 400, label="many steps, close to convergence"),
        Case(X2, y2, 1.5, 6, label="a learning rate too large, which diverges"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 3: numerical gradients of functions the declaration defines.
# --------------------------------------------------------------------------------------


def bowl(w: np.ndarray) -> float:
    """A tilted bowl: ``(w0 - 1)**2 + 3 * (w1 + 2)**2 + w0 * w1`` (exercise 3's demo)."""
    return float((w[0] - 1) ** 2 + 3 * (w[1] + 2) ** 2 + w[0] * w[1])


def _cubic(w: np.ndarray) -> float:
    return float(np.sum(np.asarray(w, dtype=float) ** 3))


def _wavy(w: np.ndarray) -> float:
    w = np.asarray(w, dtype=float)
    return float(np.sin(w[0]) * np.exp(w[1]) + w[2] ** 2)


def _co2_loss(w: np.ndarray) -> float:
    residual = _co2_design() @ np.asarray(w, dtype=float) - _co2()
    return float(np.mean(residual**2))


def _numgrad_cases() -> list[Case]:
    return [
        Case(bowl, np.array([0.5, -1.0]), call="numerical_gradient(bowl, np.array([0.5, -1.0]))"),
        Case(
            bowl,
            np.array([2.0, 0.0]),
            h=1e-3,
            call="numerical_gradient(bowl, np.array([2.0, 0.0]), h=1e-3)",
        ),
    ]


def _numgrad_hidden() -> list[Case]:
    return [
        Case(_cubic, np.array([1.0, -2.0, 0.5]), h=0.01, label="a cubic with h=0.01"),
        Case(_cubic, np.array([3.0]), label="a single weight"),
        Case(_wavy, np.array([0.3, 0.7, -1.2]), label="sin and exp of three weights"),
        Case(_co2_loss, np.array([339.0, 1.3]), label="the mean squared error on the CO2 data"),
        Case(_cubic, np.array([1, 2]), h=0.5, label="integer weights and a large h"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 7: confidence intervals.
# --------------------------------------------------------------------------------------


def _ci_cases() -> list[Case]:
    return [
        Case([4.1, 5.3, 3.8, 6.0, 5.1], call="t_interval([4.1, 5.3, 3.8, 6.0, 5.1])"),
        Case(
            [4.1, 5.3, 3.8, 6.0, 5.1],
            confidence=0.9,
            call="t_interval([4.1, 5.3, 3.8, 6.0, 5.1], confidence=0.9)",
        ),
        Case([2.0], raises=ValueError, call="t_interval([2.0])"),
    ]


def _ci_hidden() -> list[Case]:
    rng = np.random.default_rng(57)
    return [
        Case([1.0, 3.0], label="two values (few degrees of freedom)"),
        Case(list(_growth()), label="the CO2 growth, 42 values"),
        Case(_growth()[:12], 0.99, label="a NumPy array and a 99 % level"),
        Case(list(rng.exponential(3.0, size=500)), label="500 values"),
        Case([], raises=ValueError, label="an empty list"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 8: the exact permutation test.
# --------------------------------------------------------------------------------------


def _perm_cases() -> list[Case]:
    return [
        Case([3, 5, 4], [1, 2], call="permutation_p_value([3, 5, 4], [1, 2])"),
        Case(
            [1.2, 0.9, 1.4, 1.1],
            [1.0, 1.6, 1.5],
            call="permutation_p_value([1.2, 0.9, 1.4, 1.1], [1.0, 1.6, 1.5])",
        ),
    ]


def _perm_hidden() -> list[Case]:
    g = _growth()
    return [
        Case([1.0], [2.0], label="one value in each group"),
        Case([2, 2, 2], [2, 2], label="equal values everywhere"),
        Case([1, 2, 3], [1, 2, 3], label="two identical groups"),
        Case([10, 11, 12, 13], [1, 2, 3, 4], label="groups that do not overlap"),
        Case([1, 2, 3, 4], [10, 11, 12, 13], label="the same groups the other way round"),
        Case([-1.5, 0.5, 2.0], [-3.0, -2.5, 0.0, 1.0, -1.0], label="negative values"),
        Case(g[:6], g[-7:], label="NumPy arrays: early against late CO2 growth"),
        Case([1.0, 9.0, 5.0, 7.0, 3.0, 8.0], [2.0, 4.0, 6.0], label="unequal group sizes"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 6: the means of samples, collected as plain numbers.
# --------------------------------------------------------------------------------------


def _extract_sample_means(values: dict[str, Any]) -> dict[str, Any]:
    means = values["sample_means"]
    if type(means) is not np.ndarray:
        raise Fail(
            "`sample_means` should be a NumPy array of sample means, but it is "
            f"{describe(means)}. Compute it with NumPy (`.mean(axis=1)` of a 2-D array)."
        )
    if means.dtype.kind not in "fiu":
        raise Fail(f"`sample_means` should hold numbers, but its dtype is {means.dtype}.")
    return {"shape": list(means.shape), "values": [float(v) for v in means.ravel()[:100_000]]}


_PROBLEMS: tuple = (
    Value(
        "05.1",
        var="X",
        title="A design matrix for the CO2 trend",
        points=1,
        hints=[
            "One row per year; two columns: a column of ones (for the intercept) and the "
            "number of years since 1959.",
            "`t = years - 1959` gives 0 for 1959; `np.ones(len(t))` gives the first column.",
            "`X = np.column_stack([np.ones(len(years)), years - 1959]).astype(float)`",
        ],
    ),
    Function(
        "05.2",
        name="mse_gradient",
        cases=_grad_cases,
        hidden=_grad_hidden,
        title="The gradient of the mean squared error",
        points=2,
        hints=[
            "Write the loss as the mean of the squared residuals `r = X @ w - y`, and "
            "differentiate one squared residual first.",
            "The derivative of `mean(r**2)` with respect to `w` is `2 / n` times `X.T @ r`, "
            "where `n` is the number of rows.",
            "`return 2 / len(y) * X.T @ (X @ w - y)`",
        ],
    ),
    Function(
        "05.3",
        name="numerical_gradient",
        cases=_numgrad_cases,
        hidden=_numgrad_hidden,
        title="A numerical gradient by central differences",
        points=2,
        hints=[
            "For each weight `i`, nudge only that weight up by `h` and down by `h`, evaluate "
            "`f` at both points, and take the slope between them.",
            "Make a float copy first (`w = np.array(w, dtype=float)`), so that the caller's "
            "array is not changed and integer weights can take a fractional nudge. "
            "`e = np.zeros_like(w); e[i] = h` is the nudge.",
            "`grad[i] = (f(w + e) - f(w - e)) / (2 * h)`; return a float array of the same "
            "length as `w`.",
        ],
    ),
    Function(
        "05.4",
        name="gradient_descent",
        cases=_gd_cases,
        hidden=_gd_hidden,
        title="Gradient descent from scratch",
        points=2,
        hints=[
            "Start from a vector of zeros with one weight per column of `X`, then repeat one "
            "update `n_steps` times.",
            "One update moves against the gradient: `w = w - lr * mse_gradient(w, X, y)`.",
            "`w = np.zeros(X.shape[1])`, then `for _ in range(n_steps): w = w - lr * "
            "mse_gradient(w, X, y)`, then `return w`.",
        ],
    ),
    Value(
        "05.5",
        var="slope_per_year",
        title="The CO2 trend in ppm per year",
        points=1,
        hints=[
            "Standardise the years first (`z = (t - t.mean()) / t.std()`), run "
            "`gradient_descent` on the design matrix `[1, z]`, then undo the scaling.",
            "A step of one standard deviation in `z` is `t.std()` years, so the slope per year "
            "is the slope per standard deviation divided by `t.std()`.",
            "`w = gradient_descent(np.column_stack([np.ones(len(z)), z]), co2, 0.1, 30)`; "
            "`slope_per_year = float(w[1] / t.std())`",
        ],
    ),
    Custom(
        "05.6",
        reads=("sample_means",),
        extract=_extract_sample_means,
        title="The central limit theorem by simulation",
        points=2,
        hints=[
            "Draw a 2-D array of waiting times: one row per sample, 30 columns. The mean of "
            "each row is one sample mean.",
            "`rng.exponential(scale, size=(10000, 30))`: NumPy's `scale` is the mean of the "
            "distribution (not the rate).",
            "`sample_means = rng.exponential(2.0, size=(10000, 30)).mean(axis=1)`",
        ],
    ),
    Function(
        "05.7",
        name="t_interval",
        cases=_ci_cases,
        hidden=_ci_hidden,
        title="A t confidence interval for a mean",
        points=2,
        hints=[
            "The interval is the sample mean plus or minus a quantile times the standard "
            "error, `s / sqrt(n)`, where `s` is the sample standard deviation (ddof=1).",
            "Use Student's t with `n - 1` degrees of freedom: for a two-sided level `c`, the "
            "quantile is `scipy.stats.t.ppf((1 + c) / 2, df=n - 1)`.",
            "Raise ValueError when `len(sample) < 2`; return "
            "`(float(mean - q * se), float(mean + q * se))`.",
        ],
    ),
    Function(
        "05.8",
        name="permutation_p_value",
        cases=_perm_cases,
        hidden=_perm_hidden,
        title="An exact two-sided permutation test",
        points=2,
        hints=[
            "Pool the two groups. Every way of choosing `len(a)` of the pooled values to be "
            "group a is one relabelling; `itertools.combinations(range(n), len(a))` lists them.",
            "For each relabelling compute the difference of means; count those whose absolute "
            "difference is at least the observed absolute difference (minus 1e-9, so that "
            "rounding does not drop ties).",
            "The observed labelling is one of the relabellings, so the count is at least 1; "
            "`return count / total`.",
        ],
    ),
    Value(
        "05.9",
        var="boot_ci",
        title="A bootstrap interval for the median growth",
        points=2,
        hints=[
            "Resample the 42 growth values with replacement, 5,000 times, all at once: a "
            "(5000, 42) array whose rows are the resamples.",
            "`rng = np.random.default_rng(0)`, then `rng.choice(growth, size=(5000, "
            "len(growth)), replace=True)`; the median of each row is one bootstrap median.",
            "`boot_ci = np.percentile(np.median(resamples, axis=1), [2.5, 97.5])`",
        ],
    ),
    Value(
        "05.10",
        var="welch_p",
        title="Welch's t-test on the CO2 growth",
        points=1,
        hints=[
            "Split `growth` by the year each growth value ends in (`growth_years`): before "
            "1980, and 1980 on (1980 itself belongs to the later group).",
            "Welch's test does not assume equal variances: `scipy.stats.ttest_ind(..., "
            "equal_var=False)`.",
            "`welch_p = float(stats.ttest_ind(growth[growth_years < 1980], "
            "growth[growth_years >= 1980], equal_var=False).pvalue)`",
        ],
    ),
    Value(
        "05.11",
        var="lr_max",
        title="The largest stable learning rate after centring the years",
        points=1,
        hints=[
            "Centring changes the design matrix, so it changes the curvature of the loss: "
            "recompute the Hessian of the mean squared error for `X_c`, do not reuse the "
            "lesson's number.",
            "The Hessian is `2 / n * X_c.T @ X_c`; descent converges when every step's factor "
            "`1 - lr * eigenvalue` stays between -1 and 1, so the steepest direction decides.",
            "`lr_max = float(2 / np.linalg.eigvalsh(2 / len(X_c) * X_c.T @ X_c).max())`",
        ],
    ),
    Choice(
        "05.kc1",
        var="kc1",
        choices="abcd",
        title="What a p-value is",
        hints=[
            "Recall how the lesson's permutation test produced its p: what did shuffling the "
            "labels take for granted, and what was counted among the shuffles?"
        ],
    ),
    Numeric(
        "05.kc2",
        var="kc2",
        atol=1e-6,
        title="The standard error and the sample size",
        hints=["The standard error of a mean is the standard deviation divided by sqrt(n)."],
    ),
    Choice(
        "05.kc3",
        var="kc3",
        choices="abcd",
        title="What a 95 % confidence interval means",
        hints=["What is random: the true mean, or the interval computed from a sample?"],
    ),
    Choice(
        "05.kc4",
        var="kc4",
        choices="abcd",
        title="A loss that grows",
        hints=["Look at what one step does when the step is larger than the valley is wide."],
    ),
    Choice(
        "05.kc5",
        var="kc5",
        choices="abcd",
        title="The error of central differences",
        hints=[
            "Section 3 of the lesson plots the error of each difference against h on log "
            "axes: read off the slope of the central difference's line."
        ],
    ),
    Choice(
        "05.kc6",
        var="kc6",
        choices="abcd",
        title="Why n - 1",
        hints=[
            "For a fixed set of numbers, which centre c makes the sum of squared deviations "
            "sum((x - c)**2) smallest? Compare that with the centre the population variance uses."
        ],
    ),
)

MODULE = Module("05", "math_statistics", "Maths and statistics", problems=_PROBLEMS)
