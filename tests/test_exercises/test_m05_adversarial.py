"""Module 05: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/05_math_statistics.ipynb.

Each test names the attempt it encodes.
"""

from __future__ import annotations

import math
from itertools import combinations, permutations

import numpy as np
import pytest
from scipy import stats

from mlcourse.checks import Answer, Function
from mlcourse.exercises import get_module
from mlcourse.exercises.m05 import _co2, _growth, _years
from tests.helpers import problem_helpers

MODULE = get_module("05")
FUNCTIONS = [p for p in MODULE.problems if isinstance(p, Function)]


problem, outcome = problem_helpers("05")


# --------------------------------------------------------------------------------------
# Every Function problem: mutation of the input, known mistakes.
# --------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------
# 05.2-05.4: gradients and descent.
# --------------------------------------------------------------------------------------


def test_a_gradient_computed_row_by_row_is_accepted():
    # The prompt recommends matrix products but allows a loop over rows: same numbers, slower.
    def mse_gradient(w, X, y):
        grad = np.zeros(len(w))
        for row, target in zip(X, y, strict=True):
            grad += 2 * (row @ w - target) * row
        return grad / len(y)

    assert outcome("05.2", mse_gradient=mse_gradient).correct


@pytest.mark.parametrize("h", [1e-5, 1e-3, 1e-2, 1.0, 100.0, 1e4])
def test_a_numerical_gradient_used_for_the_analytic_one_is_rejected(h):
    # The prompt asks for the analytic formula. A central difference of a quadratic has no
    # truncation error, so only rounding shows it: the hidden case with targets of order 1e15
    # makes that rounding visible for steps up to 1e4. (A step far beyond the data's scale
    # would be exact on a quadratic and pass: no value can show it.)
    from mlcourse.keys.m05 import _numerical_gradient

    def mse_gradient(w, X, y):
        return _numerical_gradient(lambda v: np.mean((X @ v - y) ** 2), w, h)

    assert outcome("05.2", mse_gradient=mse_gradient).status == "incorrect"


@pytest.mark.parametrize(
    "formula",
    [
        lambda w, X, y: 2 / len(y) * X.T @ (X @ w - y),
        lambda w, X, y: 2 * np.mean((X @ w - y)[:, None] * X, axis=0),
        lambda w, X, y: (2 * (X @ w - y) @ X) / X.shape[0],
    ],
    ids=["X.T @ r", "mean of r * X", "r @ X"],
)
def test_valid_analytic_formulas_pass_the_large_residual_case(formula):
    assert outcome("05.2", mse_gradient=formula).correct


def test_no_declared_case_holds_the_design_matrix_of_exercise_1():
    # A public route to an answer: ex.q2.problem.cases()[1][1].args[1] used to be 05.1's X.
    from mlcourse.keys.m05 import _design

    answer = _design()
    for fn in FUNCTIONS:
        for _, case in fn.cases():
            for arg in [*case.args, *case.kwargs.values()]:
                if isinstance(arg, np.ndarray) and arg.shape == answer.shape:
                    assert not np.allclose(arg, answer), fn.id
    import mlcourse.exercises.m05 as declaration

    for name in dir(declaration):
        value = getattr(declaration, name)
        if isinstance(value, np.ndarray) and value.shape == answer.shape:
            assert not np.allclose(value, answer), name


def test_a_vectorised_numerical_gradient_is_accepted():
    def numerical_gradient(f, w, h=1e-5):
        w = np.asarray(w, dtype=float)
        steps = h * np.eye(len(w))
        return np.array([(f(w + e) - f(w - e)) / (2 * h) for e in steps])

    assert outcome("05.3", numerical_gradient=numerical_gradient).correct


def test_a_numerical_gradient_that_returns_the_analytic_bowl_gradient_is_rejected():
    def numerical_gradient(f, w, h=1e-5):
        return np.array([2 * (w[0] - 1) + w[1], 6 * (w[1] + 2) + w[0]], dtype=float)

    assert outcome("05.3", numerical_gradient=numerical_gradient).status == "incorrect"


def test_descent_through_a_learner_gradient_function_is_accepted():
    def grad(w, X, y):
        return 2 / len(y) * X.T @ (X @ w - y)

    def gradient_descent(X, y, lr, n_steps):
        w = np.zeros(X.shape[1])
        for _ in range(n_steps):
            w -= lr * grad(w, X, y)  # in place on its own array: allowed
        return w

    assert outcome("05.4", gradient_descent=gradient_descent).correct


def test_descent_that_stops_when_the_loss_is_small_is_rejected():
    def gradient_descent(X, y, lr, n_steps):
        w = np.zeros(X.shape[1])
        for _ in range(n_steps):
            g = 2 / len(y) * X.T @ (X @ w - y)
            if np.linalg.norm(g) < 1e-3:
                break
            w = w - lr * g
        return w

    assert outcome("05.4", gradient_descent=gradient_descent).status == "incorrect"


def test_a_least_squares_slope_without_descent_is_rejected_with_its_message():
    # The task asks for 30 steps of the learner's gradient descent, which stop short of the
    # least-squares slope: np.polyfit, lstsq or linregress (no descent) must not pass.
    t = (_years() - 1959).astype(float)
    X = np.column_stack([np.ones_like(t), t])
    for slope in (
        float(np.linalg.lstsq(X, _co2(), rcond=None)[0][1]),
        float(np.polyfit(_years(), _co2(), 1)[0]),
        float(stats.linregress(_years(), _co2()).slope),
    ):
        result = outcome("05.5", slope_per_year=slope)
        assert result.status == "incorrect" and "least-squares" in result.message


def test_the_slope_by_descent_on_the_standardised_years_is_accepted_and_not_when_rounded():
    t = (_years() - 1959).astype(float)
    z = (t - t.mean()) / t.std()
    Z = np.column_stack([np.ones_like(z), z])
    w = np.zeros(2)
    for _ in range(30):
        w = w - 0.1 * 2 / len(z) * Z.T @ (Z @ w - _co2())
    slope = float(w[1] / t.std())
    assert outcome("05.5", slope_per_year=slope).correct
    assert outcome("05.5", slope_per_year=round(slope, 3)).status == "incorrect"


# --------------------------------------------------------------------------------------
# 05.6: the simulation, judged statistically.
# --------------------------------------------------------------------------------------


def _collect_means(means):
    return problem("05.6").collect({"sample_means": means})


def _judge_data(data):
    return problem("05.6").evaluate(Answer({"data": data}))


@pytest.mark.parametrize("seed", range(40))
def test_every_honest_simulation_is_accepted(seed):
    rng = np.random.default_rng(seed)
    means = rng.exponential(2.0, size=(10_000, 30)).mean(axis=1)
    assert problem("05.6").check({"sample_means": means}).correct


@pytest.mark.parametrize("seed", range(20))
def test_means_drawn_from_the_normal_limit_are_rejected_for_every_seed(seed):
    rng = np.random.default_rng(seed)
    means = rng.normal(2.0, 2.0 / math.sqrt(30), size=10_000)
    result = problem("05.6").check({"sample_means": means})
    assert result.status == "incorrect" and "skewness" in result.message


def test_means_of_the_wrong_sample_size_are_rejected():
    rng = np.random.default_rng(3)
    for n in (10, 20, 50, 100):
        means = rng.exponential(2.0, size=(10_000, n)).mean(axis=1)
        assert problem("05.6").check({"sample_means": means}).status == "incorrect", n


def test_means_of_a_shifted_distribution_are_rejected():
    rng = np.random.default_rng(4)
    means = rng.exponential(2.0, size=(10_000, 30)).mean(axis=1) + 0.05
    assert problem("05.6").check({"sample_means": means}).status == "incorrect"


@pytest.mark.parametrize("shuffle", [False, True])
def test_quantiles_of_the_exact_distribution_are_rejected(shuffle):
    # Not a simulation: evenly spaced quantiles of Gamma(30, 2/30), sorted or shuffled. Their
    # distance to the exact law is about 5e-5; an honest simulation's is about 0.009.
    means = stats.gamma.ppf((np.arange(10_000) + 0.5) / 10_000, 30, scale=2 / 30)
    if shuffle:
        means = np.random.default_rng(0).permutation(means)
    result = problem("05.6").check({"sample_means": means})
    assert result.status == "incorrect" and "quantiles" in result.message
    assert _judge_data({"shape": [10_000], "values": list(means)}).status == "incorrect"


def test_means_of_the_wrong_distribution_are_mostly_rejected():
    # A lognormal with the limit's mean and sd, and means of 33 values instead of 30, are
    # close to the right law: judged from 10,000 values they are rejected most of the time
    # (measured: 57 and 48 of 60 seeds), never always, without rejecting honest runs too.
    sd, mu = 2 / math.sqrt(30), 2.0
    s2 = math.log(1 + sd**2 / mu**2)
    rejected = {"lognormal": 0, "33 values": 0}
    for seed in range(20):
        rng = np.random.default_rng(100 + seed)
        lognormal = rng.lognormal(math.log(mu) - s2 / 2, math.sqrt(s2), 10_000)
        of_33 = rng.exponential(2.0, size=(10_000, 33)).mean(axis=1)
        for name, means in (("lognormal", lognormal), ("33 values", of_33)):
            rejected[name] += problem("05.6").check({"sample_means": means}).status == "incorrect"
    assert rejected["lognormal"] >= 17 and rejected["33 values"] >= 12, rejected


def test_exact_gamma_means_are_accepted():
    # The mean of 30 exponential values with mean 2 has exactly a gamma distribution (shape 30,
    # scale 2 / 30): knowing that is a right derivation, not a way around the task.
    rng = np.random.default_rng(5)
    means = rng.gamma(30, 2.0 / 30, size=10_000)
    assert problem("05.6").check({"sample_means": means}).correct


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        [],
        {"shape": [10_000]},
        {"shape": [10_000], "values": []},
        {"shape": [10_000], "values": None},
        {"shape": "10000", "values": [2.0] * 10_000},
        {"shape": [10_000], "values": [math.nan] * 10_000},
        {"shape": [10_000], "values": [2.0] * 10_000},
        {"shape": [10_000], "values": list(range(10_000))},
        {"shape": [True], "values": [2.0]},
        {"shape": [10_000], "values": [2.0] * 9_999, "extra": 1},
    ],
    ids=range(12),
)
def test_forged_data_is_incorrect_never_a_checker_error(data):
    assert _judge_data(data).status == "incorrect"


def test_right_data_collected_by_the_real_extract_is_correct():
    rng = np.random.default_rng(6)
    answer = _collect_means(rng.exponential(2.0, size=(10_000, 30)).mean(axis=1))
    assert answer.error is None
    assert problem("05.6").evaluate(answer).correct


# --------------------------------------------------------------------------------------
# 05.7-05.10: intervals and tests.
# --------------------------------------------------------------------------------------


def test_scipy_t_interval_with_the_guard_is_accepted():
    # The lesson's own method; SciPy returns (nan, nan) for equal values, so no hidden case
    # has a zero standard deviation (the interval is undefined there).
    def t_interval(sample, confidence=0.95):
        x = np.asarray(sample, dtype=float)
        if len(x) < 2:
            raise ValueError("need two values")
        low, high = stats.t.interval(confidence, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        return (float(low), float(high))

    assert outcome("05.7", t_interval=t_interval).correct


def test_a_t_interval_that_hard_codes_the_95_percent_quantile_is_rejected():
    def t_interval(sample, confidence=0.95):
        x = np.asarray(sample, dtype=float)
        if len(x) < 2:
            raise ValueError("need two values")
        q = stats.t.ppf(0.975, df=len(x) - 1)
        se = x.std(ddof=1) / math.sqrt(len(x))
        return (float(x.mean() - q * se), float(x.mean() + q * se))

    assert outcome("05.7", t_interval=t_interval).status == "incorrect"


def test_an_exact_test_over_permutations_is_accepted():
    # Every ordering of the pooled values, not every subset: each split is counted the same
    # number of times, so the fraction is the same.
    def permutation_p_value(a, b):
        pooled = [float(v) for v in a] + [float(v) for v in b]
        k = len(a)
        observed = abs(np.mean(a) - np.mean(b))
        hits = total = 0
        for order in permutations(pooled):
            d = np.mean(order[:k]) - np.mean(order[k:])
            hits += abs(d) >= observed - 1e-9
            total += 1
        return hits / total

    fn = problem("05.8")
    for _, case in fn.cases():  # the larger cases would take too long by permutations
        if len(case.args[0]) + len(case.args[1]) <= 8:
            assert math.isclose(
                permutation_p_value(*case.args), fn.reference(*case.args), rel_tol=1e-12
            )


def test_an_exact_test_written_with_sums_is_accepted():
    def permutation_p_value(a, b):
        pooled = np.concatenate([np.asarray(a, float), np.asarray(b, float)])
        total_sum, k, m = pooled.sum(), len(a), len(pooled) - len(a)
        observed = abs(np.mean(a) - np.mean(b))
        sums = [pooled[list(c)].sum() for c in combinations(range(len(pooled)), k)]
        diffs = [s / k - (total_sum - s) / m for s in sums]
        return float(np.mean([abs(d) >= observed - 1e-9 for d in diffs]))

    assert outcome("05.8", permutation_p_value=permutation_p_value).correct


def test_scipy_permutation_test_gets_the_message_naming_its_convention():
    def permutation_p_value(a, b):
        result = stats.permutation_test(
            (np.asarray(a, float), np.asarray(b, float)),
            lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
            permutation_type="independent",
            alternative="two-sided",
            n_resamples=np.inf,
            vectorized=True,
        )
        return float(result.pvalue)

    result = outcome("05.8", permutation_p_value=permutation_p_value)
    assert result.status == "incorrect" and "permutation_test" in result.message


def test_a_p_value_of_the_t_test_is_rejected_as_a_permutation_p_value():
    def permutation_p_value(a, b):
        if len(a) < 2 or len(b) < 2 or np.std(a) == np.std(b) == 0:
            return 1.0
        return float(stats.ttest_ind(a, b, equal_var=False).pvalue)

    assert outcome("05.8", permutation_p_value=permutation_p_value).status == "incorrect"


def test_the_bootstrap_drawn_by_index_is_the_same_computation():
    from mlcourse.keys.m05 import _boot_ci

    g = _growth()
    rng = np.random.default_rng(0)
    index = rng.integers(0, len(g), size=(5000, len(g)))
    by_index = np.percentile(np.median(g[index], axis=1), [2.5, 97.5])
    result = outcome("05.9", boot_ci=by_index)
    # Generator.choice draws its indices with integers(0, n): the same stream, the same answer.
    assert result.correct == bool(np.allclose(by_index, _boot_ci())), result


def test_a_bootstrap_with_another_seed_or_as_a_list_is_rejected():
    g = _growth()
    rng = np.random.default_rng(1)
    medians = np.median(rng.choice(g, size=(5000, len(g))), axis=1)
    other = np.percentile(medians, [2.5, 97.5])
    assert outcome("05.9", boot_ci=other).status == "incorrect"
    from mlcourse.keys.m05 import _boot_ci

    assert outcome("05.9", boot_ci=list(_boot_ci())).status == "incorrect"


def test_welch_with_1980_in_the_early_group_gets_a_message_that_describes_it():
    g, years = _growth(), _years()[1:]
    p = float(stats.ttest_ind(g[years <= 1980], g[years > 1980], equal_var=False).pvalue)
    result = outcome("05.10", welch_p=p)
    assert result.status == "incorrect" and "1980 has gone to the early group" in result.message


def test_welch_with_the_groups_swapped_is_accepted():
    g, years = _growth(), _years()[1:]
    early, late = g[years < 1980], g[years >= 1980]
    swapped = float(stats.ttest_ind(late, early, equal_var=False).pvalue)
    assert outcome("05.10", welch_p=swapped).correct
    assert outcome("05.10", welch_p=round(swapped, 3)).status == "incorrect"


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def test_the_numeric_question_rejects_the_one_over_n_answer():
    assert outcome("05.kc2", kc2=0.4).correct
    assert outcome("05.kc2", kc2=0.2).status == "incorrect"
    assert outcome("05.kc2", kc2=0.8).status == "incorrect"
