"""Answer key of module 05 — Maths and statistics.

Every expected value is computed here from the CO2 record, reduced to annual means exactly as
in the exercises notebook (see the declaration, mlcourse.exercises.m05), or from the stated
seeds. The simulation of exercise 6 is judged by what any honest simulation shows (the mean,
spread and skewness of the sample means, within several standard errors), not by one draw.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    require_dict,
    require_float,
    require_int,
    require_list,
)
from mlcourse.exercises.m05 import (
    BOOT_REPS,
    BOOT_SEED,
    CASE_ORIGIN,
    CLT_N,
    CLT_REPS,
    EXP_MEAN,
    FIRST_YEAR,
    GD_LR,
    GD_STEPS,
    SPLIT_YEAR,
    _co2,
    _growth,
    _years,
)

# --------------------------------------------------------------------------------------
# Exercise 1: the design matrix.
# --------------------------------------------------------------------------------------


def _design() -> np.ndarray:
    t = (_years() - FIRST_YEAR).astype(float)
    return np.column_stack([np.ones_like(t), t])


# --------------------------------------------------------------------------------------
# Exercises 2-5: gradients and gradient descent.
# --------------------------------------------------------------------------------------


def _mse_gradient(w, X, y):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    return 2.0 / len(y) * X.T @ (X @ w - y)


def _grad_without_two(w, X, y):
    return _mse_gradient(w, X, y) / 2


def _grad_summed(w, X, y):
    return _mse_gradient(w, X, y) * len(y)


def _grad_flipped(w, X, y):
    return -_mse_gradient(w, X, y)


def _numerical_gradient(f, w, h=1e-5):
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    for i in range(len(w)):
        e = np.zeros_like(w)
        e[i] = h
        grad[i] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


def _forward_difference(f, w, h=1e-5):
    w = np.array(w, dtype=float)
    grad = np.zeros_like(w)
    for i in range(len(w)):
        e = np.zeros_like(w)
        e[i] = h
        grad[i] = (f(w + e) - f(w)) / h
    return grad


def _gradient_descent(X, y, lr, n_steps):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    for _ in range(n_steps):
        w = w - lr * _mse_gradient(w, X, y)
    return w


def _gradient_ascent(X, y, lr, n_steps):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    for _ in range(n_steps):
        w = w + lr * _mse_gradient(w, X, y)
    return w


def _one_step_more(X, y, lr, n_steps):
    return _gradient_descent(X, y, lr, n_steps + 1)


def _from_ones(X, y, lr, n_steps):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w = np.ones(X.shape[1])
    for _ in range(n_steps):
        w = w - lr * _mse_gradient(w, X, y)
    return w


def _standardised_fit() -> tuple[np.ndarray, float]:
    """Exercise 5: gradient descent on ``[1, z]`` and the scale ``t.std()`` of the years."""
    t = (_years() - FIRST_YEAR).astype(float)
    z = (t - t.mean()) / t.std()
    Z = np.column_stack([np.ones_like(z), z])
    return _gradient_descent(Z, _co2(), GD_LR, GD_STEPS), float(t.std())


def _hessian(origin: int) -> np.ndarray:
    t = (_years() - origin).astype(float)
    X = np.column_stack([np.ones_like(t), t])
    return 2 / len(t) * X.T @ X


def _lr_max(origin: int = CASE_ORIGIN, factor: float = 2.0, which: int = -1) -> float:
    """Exercise 11: ``factor / eigenvalue`` of the Hessian for years counted from ``origin``."""
    return float(factor / np.linalg.eigvalsh(_hessian(origin))[which])


def _least_squares_slope() -> float:
    t = (_years() - FIRST_YEAR).astype(float)
    return float(np.polyfit(t, _co2(), 1)[0])


def _slope_per_year() -> float:
    w, scale = _standardised_fit()
    return float(w[1] / scale)


# --------------------------------------------------------------------------------------
# Exercise 6: the sample means (judged by what every honest simulation shows).
# --------------------------------------------------------------------------------------


def _ks_to_exact(means: np.ndarray) -> float:
    """The Kolmogorov-Smirnov distance of the means to their exact law, Gamma(n, mean / n).

    An honest simulation of 10,000 means lies about 0.009 away (below 0.002 with probability
    about 1e-12); evenly spaced quantiles of the exact law, in any order, lie about 5e-5 away.
    """
    from scipy import stats

    exact = stats.gamma(CLT_N, scale=EXP_MEAN / CLT_N)
    x = np.sort(means)
    cdf = exact.cdf(x)
    n = len(x)
    return float(max(np.max(np.arange(1, n + 1) / n - cdf), np.max(cdf - np.arange(n) / n)))


def _judge_sample_means(data: Any) -> None:
    data = require_dict(data, "data", ("shape", "values"))
    shape = require_list(data["shape"], at("data", "shape"), item=require_int)
    if shape != [CLT_REPS]:
        raise Fail(
            f"`sample_means` should be a 1-D array of {CLT_REPS} sample means, one per sample, "
            f"but its shape is {tuple(shape)}. Take the mean of each row: `.mean(axis=1)`."
        )
    values = require_list(
        data["values"],
        at("data", "values"),
        length=CLT_REPS,
        per="sample mean",
        item=lambda value, path: require_float(value, path, finite=True),
    )
    means = np.array(values, dtype=float)
    if len(np.unique(means)) < 0.99 * CLT_REPS:
        raise Fail(
            "`sample_means` repeats the same values: every sample must be drawn afresh, so "
            "that no two means are equal."
        )
    if _ks_to_exact(means) < 0.002:
        raise Fail(
            "`sample_means` follows the exact distribution of the mean far more closely than "
            f"{CLT_REPS} random samples can (its largest gap from that distribution is "
            "smaller than sampling noise allows): these look like computed quantiles, not "
            "simulated samples. Draw the waiting times at random and average each sample."
        )
    sigma = EXP_MEAN  # an exponential distribution's standard deviation equals its mean
    se = sigma / math.sqrt(CLT_N)
    centre, spread = float(means.mean()), float(means.std(ddof=1))
    if abs(centre - 1 / EXP_MEAN) < 6 * (1 / EXP_MEAN) / math.sqrt(CLT_N * CLT_REPS):
        raise Fail(
            "The means centre on 0.5, not 2.0: NumPy's `exponential(scale)` takes the mean "
            "(the scale), not the rate. Pass 2.0."
        )
    if abs(centre - EXP_MEAN) > 5 * se / math.sqrt(CLT_REPS):
        raise Fail(
            f"The sample means average {centre:.3g}, too far from the population mean for "
            f"{CLT_REPS} samples: draw from an exponential distribution with mean 2.0."
        )
    if abs(spread - sigma) < 0.1 * sigma:
        raise Fail(
            "The values spread as much as single waiting times do: these are draws, not "
            "means of 30 draws. Average each row of a (10000, 30) array."
        )
    if abs(spread / se - 1) > 0.04:
        raise Fail(
            f"The standard deviation of the sample means is {spread:.3g}, which does not fit "
            f"means of {CLT_N} values (it shrinks like sigma / sqrt(n)). Check the size of "
            "each sample and that the mean is taken over it."
        )
    skew = float(np.mean((means - centre) ** 3) / means.std() ** 3)
    if not 0.24 < skew < 0.49:
        raise Fail(
            f"The sample means have a skewness of {skew:.2g}. Means of 30 exponential waiting "
            "times are still a little skewed to the right (the central limit theorem is a "
            "limit): simulate them from exponential samples rather than drawing them from a "
            "normal distribution."
        )


# --------------------------------------------------------------------------------------
# Exercise 7: the t interval.
# --------------------------------------------------------------------------------------


def _interval(sample, confidence, quantile, ddof=1) -> tuple[float, float]:
    x = np.asarray(sample, dtype=float)
    if len(x) < 2:
        raise ValueError("a confidence interval needs at least two values")
    se = x.std(ddof=ddof) / math.sqrt(len(x))
    q = quantile(confidence, len(x))
    return float(x.mean() - q * se), float(x.mean() + q * se)


def _t_interval(sample, confidence=0.95):
    from scipy import stats

    return _interval(sample, confidence, lambda c, n: stats.t.ppf((1 + c) / 2, df=n - 1))


def _z_interval(sample, confidence=0.95):
    from scipy import stats

    return _interval(sample, confidence, lambda c, n: stats.norm.ppf((1 + c) / 2))


def _t_interval_ddof0(sample, confidence=0.95):
    from scipy import stats

    return _interval(sample, confidence, lambda c, n: stats.t.ppf((1 + c) / 2, df=n - 1), 0)


def _t_interval_one_sided_quantile(sample, confidence=0.95):
    from scipy import stats

    return _interval(sample, confidence, lambda c, n: stats.t.ppf(c, df=n - 1))


def _t_interval_df_n(sample, confidence=0.95):
    from scipy import stats

    return _interval(sample, confidence, lambda c, n: stats.t.ppf((1 + c) / 2, df=n))


# --------------------------------------------------------------------------------------
# Exercise 8: the exact permutation test.
# --------------------------------------------------------------------------------------


def _splits(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    pooled = np.concatenate([a, b])
    observed = a.mean() - b.mean()
    everyone = np.arange(len(pooled))
    diffs = []
    for chosen in combinations(range(len(pooled)), len(a)):
        mask = np.isin(everyone, chosen)
        diffs.append(pooled[mask].mean() - pooled[~mask].mean())
    return observed, np.array(diffs)


def _permutation_p_value(a, b):
    observed, diffs = _splits(a, b)
    return float(np.mean(np.abs(diffs) >= abs(observed) - 1e-9))


def _one_sided_p(a, b):
    observed, diffs = _splits(a, b)
    return float(np.mean(diffs >= observed - 1e-9))


def _strict_p(a, b):
    observed, diffs = _splits(a, b)
    return float(np.mean(np.abs(diffs) > abs(observed) + 1e-9))


def _doubled_one_sided_p(a, b):
    """SciPy's ``permutation_test(..., alternative="two-sided")``: twice the smaller tail."""
    observed, diffs = _splits(a, b)
    greater = np.mean(diffs >= observed - 1e-9)
    less = np.mean(diffs <= observed + 1e-9)
    return float(min(1.0, 2 * min(greater, less)))


def _scipy_permutation_test_p(a, b):
    """The same through SciPy itself, which refuses groups of fewer than two values."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError("each sample in `data` must contain two or more observations")
    return _doubled_one_sided_p(a, b)


_DOUBLED_MESSAGE = (
    "This doubles the smaller one-sided p-value, the convention of "
    "`scipy.stats.permutation_test(..., alternative='two-sided')`. The task asks for the "
    "other two-sided convention: the share of relabellings whose *absolute* difference of "
    "means is at least the observed absolute difference (and one value per group is allowed)."
)


def _without_observed_p(a, b):
    observed, diffs = _splits(a, b)
    count = np.sum(np.abs(diffs) >= abs(observed) - 1e-9) - 1
    return float(count / (len(diffs) - 1)) if len(diffs) > 1 else 1.0


# --------------------------------------------------------------------------------------
# Exercise 9: the bootstrap.
# --------------------------------------------------------------------------------------


def _resamples(replace: bool = True) -> np.ndarray:
    g = _growth()
    rng = np.random.default_rng(BOOT_SEED)
    if replace:
        return rng.choice(g, size=(BOOT_REPS, len(g)), replace=True)
    return np.array([rng.choice(g, size=len(g), replace=False) for _ in range(BOOT_REPS)])


def _boot_ci() -> np.ndarray:
    return np.percentile(np.median(_resamples(), axis=1), [2.5, 97.5])


# --------------------------------------------------------------------------------------
# Exercise 10: Welch's t-test.
# --------------------------------------------------------------------------------------


def _groups(shift: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Growth before SPLIT_YEAR and from it on, by the year each growth ends in (shift 1)."""
    years = _years()[shift : len(_years()) - 1 + shift]
    g = _growth()
    return g[years < SPLIT_YEAR], g[years >= SPLIT_YEAR]


def _welch_p(equal_var: bool = False, shift: int = 1) -> float:
    from scipy import stats

    early, late = _groups(shift)
    return float(stats.ttest_ind(early, late, equal_var=equal_var).pvalue)


KEY = {
    "05.1": {
        "expected": _design,
        "mistakes": [
            Mistake(
                lambda: np.column_stack([np.ones(len(_years())), _years().astype(float)]),
                "The second column holds the calendar years: count the years since 1959 "
                "instead (subtract 1959), so that the intercept is the level in 1959.",
            ),
            Mistake(
                lambda: _design()[:, ::-1],
                "The columns are in the wrong order: the column of ones comes first.",
            ),
        ],
    },
    "05.2": {
        "reference": _mse_gradient,
        "mistakes": [
            Mistake(
                _grad_without_two,
                "Every component is half the right size: the derivative of r**2 is 2 * r, so "
                "the factor 2 stays.",
            ),
            Mistake(
                _grad_summed,
                "This is the gradient of the *sum* of squared errors: the loss is their mean, "
                "so divide by the number of rows.",
            ),
            Mistake(
                _grad_flipped,
                "The sign is flipped: the residual is `X @ w - y` (prediction minus target), "
                "and the gradient points uphill.",
            ),
        ],
    },
    "05.3": {
        "reference": _numerical_gradient,
        "mistakes": [
            Mistake(
                _forward_difference,
                "This is a forward difference, (f(w + h) - f(w)) / h, whose error shrinks "
                "only like h. Use the central difference (f(w + h) - f(w - h)) / (2h).",
            )
        ],
    },
    "05.4": {
        "reference": _gradient_descent,
        "mistakes": [
            Mistake(
                _gradient_ascent,
                "The weights move uphill: subtract `lr` times the gradient, don't add it.",
            ),
            Mistake(
                _one_step_more,
                "One step too many: `n_steps` updates, starting from zeros (`range(n_steps)`).",
            ),
            Mistake(
                _from_ones,
                "Start from a vector of zeros, as the task says, not ones.",
            ),
        ],
    },
    "05.5": {
        "expected": _slope_per_year,
        "mistakes": [
            Mistake(
                lambda: float(_standardised_fit()[0][1]),
                "That is the slope per standard deviation of the years, the scale that "
                "gradient descent saw. Divide it by `t.std()` to get ppm per year.",
            ),
            Mistake(
                lambda: float(_standardised_fit()[0][1] * _standardised_fit()[1]),
                "The scaling is undone the wrong way round: divide by `t.std()`, don't multiply.",
            ),
            Mistake(
                lambda: float(_standardised_fit()[0][0]),
                "That is the intercept (the mean level), not the slope: take `w[1]`.",
            ),
            Mistake(
                _least_squares_slope,
                "That is the exact least-squares slope (np.polyfit, lstsq or linregress): the "
                "task asks for the result of your `gradient_descent` with `lr=0.1` and "
                "`n_steps=30`, which stops a little short of it.",
            ),
        ],
    },
    "05.6": {"judge": _judge_sample_means},
    "05.7": {
        "reference": _t_interval,
        "mistakes": [
            Mistake(
                _z_interval,
                "The interval uses the normal quantile (1.96 for 95 %): with an estimated "
                "standard deviation use Student's t with n - 1 degrees of freedom.",
            ),
            Mistake(
                _t_interval_ddof0,
                "The standard deviation divides by n: use the sample standard deviation, `ddof=1`.",
            ),
            Mistake(
                _t_interval_one_sided_quantile,
                "The quantile is one-sided: a two-sided interval at level c leaves (1 - c) / 2 "
                "in each tail, so use `t.ppf((1 + c) / 2, df)`.",
            ),
            Mistake(
                _t_interval_df_n,
                "The degrees of freedom are n - 1, not n.",
            ),
        ],
    },
    "05.8": {
        "reference": _permutation_p_value,
        "mistakes": [
            Mistake(
                _one_sided_p,
                "This is a one-sided p-value: a two-sided test counts differences at least as "
                "large as the observed one *in absolute value*, in either direction.",
            ),
            Mistake(
                _strict_p,
                "Relabellings whose difference equals the observed one are not counted: 'at "
                "least as extreme' includes equality (and the observed labelling itself).",
            ),
            Mistake(_doubled_one_sided_p, _DOUBLED_MESSAGE),
            Mistake(_scipy_permutation_test_p, _DOUBLED_MESSAGE),
            Mistake(
                _without_observed_p,
                "The observed labelling is left out: it is one of the equally likely "
                "relabellings under the null hypothesis, so count it.",
            ),
        ],
    },
    "05.9": {
        "expected": _boot_ci,
        "mistakes": [
            Mistake(
                lambda: np.percentile(np.mean(_resamples(), axis=1), [2.5, 97.5]),
                "This is an interval for the mean growth: the task asks for the median.",
            ),
            Mistake(
                lambda: np.percentile(np.median(_resamples(replace=False), axis=1), [2.5, 97.5]),
                "The interval has no width: resampling without replacement only reorders the "
                "data. Draw with `replace=True`.",
            ),
            Mistake(
                lambda: np.percentile(_growth(), [2.5, 97.5]),
                "These are percentiles of the growth values themselves, the spread of single "
                "years; the interval for the median comes from the medians of the resamples.",
            ),
            Mistake(
                lambda: np.percentile(np.median(_resamples(), axis=1), [5, 95]),
                "This is a 90 % interval: a 95 % interval cuts 2.5 % from each tail.",
            ),
            Mistake(
                lambda: np.percentile(np.median(_resamples(), axis=0), [2.5, 97.5]),
                "The medians are taken down the columns: each row is one resample, so take "
                "the median along `axis=1`.",
            ),
        ],
    },
    "05.10": {
        "expected": _welch_p,
        "mistakes": [
            Mistake(
                lambda: _welch_p(equal_var=True),
                "This is Student's test, which assumes equal variances: pass "
                "`equal_var=False` for Welch's.",
            ),
            Mistake(
                lambda: _welch_p() / 2,
                "This is a one-sided p-value: the question is whether the mean growth "
                "differs, in either direction.",
            ),
            Mistake(
                lambda: _welch_p(shift=0),
                "The year 1980 has gone to the early group. Either the growth values are "
                "labelled by the year they start from (`years[:-1]`), or the split is "
                "`<= 1980`: label each growth by the year it ends in (`growth_years`) and "
                "compare `< 1980` with `>= 1980`.",
            ),
        ],
    },
    "05.11": {
        "expected": _lr_max,
        "mistakes": [
            Mistake(
                lambda: _lr_max(origin=FIRST_YEAR),
                "That is the limit for the years counted from 1959, the lesson's `X`: "
                "centring changes the Hessian, so recompute its eigenvalues for `X_c`.",
            ),
            Mistake(
                lambda: _lr_max(factor=1.0),
                "That is 1 / largest eigenvalue, where steps stop overshooting; descent still "
                "converges up to 2 / largest eigenvalue, where the factor 1 - lr * eigenvalue "
                "reaches -1.",
            ),
            Mistake(
                lambda: _lr_max(which=0),
                "That uses the smallest eigenvalue: with that learning rate the steep direction "
                "explodes. The largest eigenvalue sets the limit.",
            ),
            Mistake(
                lambda: float(
                    2 / np.linalg.eigvalsh(_hessian(CASE_ORIGIN) * len(_years()) / 2)[-1]
                ),
                "That uses the eigenvalues of `X_c.T @ X_c`: the Hessian of the *mean* squared "
                "error is `2 / n * X_c.T @ X_c`.",
            ),
        ],
    },
    "05.kc1": {
        "answer": "b",
        "explanation": (
            "A p-value is computed assuming the null hypothesis: it is the probability of a "
            "result at least as extreme as the one observed. It is not the probability that "
            "the null hypothesis is true, nor that the result is due to chance."
        ),
        "feedback": {
            "a": "A p-value is computed assuming the rates are equal, so it cannot be the "
            "probability that they are: that would take a prior and Bayes' rule.",
            "c": "1 − p is not the probability of any hypothesis: p is computed assuming the "
            "null hypothesis, so it cannot say how likely that hypothesis, or its opposite, is.",
            "d": "'Produced by chance alone' is the null hypothesis itself, so this is the "
            "probability that the null hypothesis is true in other words, which a p-value "
            "assumes and does not measure.",
        },
    },
    "05.kc2": {
        "expected": lambda: 0.8 * math.sqrt(25 / 100),
        "mistakes": [
            Mistake(lambda: 0.8 / 4, "The standard error shrinks like 1 / sqrt(n), not 1 / n."),
            Mistake(lambda: 0.8, "The standard error does shrink as n grows: like 1 / sqrt(n)."),
        ],
    },
    "05.kc3": {
        "answer": "c",
        "explanation": (
            "The true mean is fixed; the interval is random. 95 % is the share of intervals, "
            "computed this way from repeated samples, that contain the true mean."
        ),
        "feedback": {
            "a": "The true mean is a fixed number, not a random one: (1.12, 1.49) either "
            "contains it or does not, and no probability attaches to that once it is computed.",
            "b": "A confidence interval for the mean describes the uncertainty about the mean, "
            "not the spread of the data: it narrows as the sample grows, while the observations "
            "spread as widely as ever.",
            "d": "A new sample's mean varies around the true mean, not around this interval, "
            "and by how much depends on that sample's size: a mean of 5 values scatters far more "
            "than one of 5,000.",
        },
    },
    "05.kc4": {
        "answer": "a",
        "explanation": (
            "With too large a learning rate each step overshoots the minimum by more than it "
            "started from, so the loss grows step after step: lower the learning rate."
        ),
        "feedback": {
            "b": "Too small a learning rate makes the loss fall slowly, step after step; it "
            "does not make the loss grow.",
            "c": "With a suitable learning rate the loss falls from the very first steps; a "
            "loss that grows at every step does not turn round when more steps are taken.",
            "d": "Zero starting weights are harmless for a linear model (they cause trouble in "
            "neural networks, by making hidden units identical), and they do not make the "
            "gradient grow.",
        },
    },
    "05.kc5": {
        "answer": "d",
        "explanation": (
            "The central difference's error is proportional to h squared (until rounding "
            "takes over), so halving h divides it by about four."
        ),
        "feedback": {
            "a": "The truncation error of a finite difference depends on h: it shrinks as h "
            "shrinks, until rounding error takes over at very small steps.",
            "b": "An error proportional to h is that of the forward difference, (f(x + h) − "
            "f(x)) / h; in the central difference the terms in h cancel between f(x + h) and f(x "
            "− h).",
            "c": "Dividing by a smaller h magnifies only the rounding error, which the question "
            "sets aside; the truncation error shrinks as h shrinks.",
        },
    },
    "05.kc6": {
        "answer": "c",
        "explanation": (
            "The deviations are measured from the sample mean, which is closer to the data "
            "than the population mean is, so their squares are too small on average; "
            "dividing by n - 1 removes that bias from the variance."
        ),
        "feedback": {
            "a": "No observation is dropped: all n deviations are squared and summed, and only "
            "the number they are divided by changes.",
            "b": "Dividing by n already gives zero for a single value; dividing by n − 1 gives "
            "0 / 0, which is undefined (NumPy's `ddof=1` returns nan, with a warning).",
            "d": "n − 1 is smaller than n, so dividing by it makes the variance larger, not "
            "smaller: for n = 5, larger by a quarter.",
        },
    },
}
