"""Module 21: attempts to pass the checks without doing the task, and right work written
differently, beyond the self-tests in solutions/21_monitoring_retraining.ipynb. (The logged
promotion, 21.9, is attacked with real runs in ``forged_m21.py``.)
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from scipy.stats import chi2_contingency, ks_2samp

from mlcourse.checks import Function
from mlcourse.exercises import get_module
from mlcourse.keys import m21 as key

MODULE = get_module("21")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}


def outcome(problem_id: str, **namespace):
    return PROBLEMS[problem_id].check(namespace)


def rejected(problem_id: str, **namespace) -> bool:
    return outcome(problem_id, **namespace).status == "incorrect"


@pytest.mark.parametrize(
    "problem", [p for p in MODULE.problems if isinstance(p, Function)], ids=lambda p: p.id
)
def test_every_hidden_case_has_a_label(problem):
    for hidden, case in problem.cases():
        if hidden:
            assert case.label, f"{problem.id}: a hidden case without a label"


def _visible_answers(problem_id: str) -> dict:
    """A function that returns the right answer on the visible cases only (hard-coded)."""
    problem = PROBLEMS[problem_id]
    table = []
    for hidden, case in problem.cases():
        if not hidden:
            table.append((case.args, problem.reference(*case.args, **case.kwargs)))
    return table


def _hard_coded(problem_id: str):
    table = _visible_answers(problem_id)

    def answer(*args, **kwargs):
        for known, value in table:
            if len(known) == len(args) and all(
                np.array_equal(np.asarray(a), np.asarray(b))
                for a, b in zip(known, args, strict=True)
            ):
                return value
        return table[0][1]

    return answer


@pytest.mark.parametrize(
    ("problem_id", "name"),
    [
        ("21.1", "ks_statistic"),
        ("21.2", "psi"),
        ("21.3", "chi2_drift"),
        ("21.6", "first_alert"),
        ("21.7", "rolling_accuracy"),
        ("21.8", "should_promote"),
    ],
)
def test_visible_cases_hard_coded_are_rejected(problem_id, name):
    assert rejected(problem_id, **{name: _hard_coded(problem_id)})


# --------------------------------------------------------------------------------------
# Exercise 1: KS.
# --------------------------------------------------------------------------------------


def test_ks_from_scipy_is_rejected_as_the_prompt_bans_it():
    from scipy import stats
    from scipy.stats import kstest

    for fn in (
        lambda r, c: float(ks_2samp(r, c).statistic),
        lambda r, c: float(kstest(r, c).statistic),
        lambda r, c: float(stats.ks_2samp(r, c).statistic),
    ):
        result = outcome("21.1", ks_statistic=fn)
        assert result.status == "incorrect" and "KS test" in result.message


def test_ks_by_hand_on_the_distinct_values_is_accepted():
    def ks(reference, current):
        ref, cur = np.sort(np.asarray(reference, float)), np.sort(np.asarray(current, float))
        grid = np.unique(np.concatenate([ref, cur]))
        f_ref = np.searchsorted(ref, grid, side="right") / len(ref)
        f_cur = np.searchsorted(cur, grid, side="right") / len(cur)
        return float(np.abs(f_ref - f_cur).max())

    assert outcome("21.1", ks_statistic=ks).correct


def test_ks_one_sided_scipy_is_rejected():
    for alternative in ("less", "greater"):
        fn = lambda r, c, a=alternative: float(ks_2samp(r, c, alternative=a).statistic)  # noqa: E731
        assert rejected("21.1", ks_statistic=fn)


def test_ks_returning_the_p_value_is_rejected():
    assert rejected("21.1", ks_statistic=lambda r, c: float(ks_2samp(r, c).pvalue))


def test_ks_that_sorts_its_input_in_place_is_rejected():
    def ks(r, c):
        r.sort()
        return float(ks_2samp(r, c).statistic)

    assert rejected("21.1", ks_statistic=ks)


# --------------------------------------------------------------------------------------
# Exercise 2: PSI.
# --------------------------------------------------------------------------------------


def test_psi_with_pandas_qcut_style_bins_written_differently_is_accepted():
    def psi(reference, current, n_bins=10):
        reference, current = np.asarray(reference, float), np.asarray(current, float)
        cuts = np.unique(np.percentile(reference, np.arange(1, n_bins) * 100 / n_bins))
        edges = np.concatenate([[-np.inf], cuts, [np.inf]])
        p = np.array(
            [
                np.sum((reference >= a) & (reference < b))
                for a, b in zip(edges[:-1], edges[1:], strict=False)
            ]
        )
        q = np.array(
            [
                np.sum((current >= a) & (current < b))
                for a, b in zip(edges[:-1], edges[1:], strict=False)
            ]
        )
        p = np.clip(p / len(reference), 1e-4, None)
        q = np.clip(q / len(current), 1e-4, None)
        return float(((q - p) * np.log(q / p)).sum())

    assert outcome("21.2", psi=psi).correct


@pytest.mark.parametrize(
    "wrong", [key._psi_no_eps, key._psi_current_bins, key._psi_pooled_bins, key._psi_even_bins]
)
def test_psi_mistakes_are_rejected(wrong):
    assert rejected("21.2", psi=wrong)


def test_psi_with_eps_added_instead_of_floored_is_rejected():
    def psi(reference, current, n_bins=10):
        cuts = key._cuts(reference, n_bins)
        p = key._proportions(reference, cuts) + 1e-4
        q = key._proportions(current, cuts) + 1e-4
        return float(np.sum((q - p) * np.log(q / p)))

    # Adding rather than flooring differs only where a bin is empty: the hidden cases have some.
    assert rejected("21.2", psi=psi)


def test_psi_kl_one_direction_is_rejected():
    def psi(reference, current, n_bins=10):
        cuts = key._cuts(reference, n_bins)
        p = np.maximum(key._proportions(reference, cuts), 1e-4)
        q = np.maximum(key._proportions(current, cuts), 1e-4)
        return float(np.sum(q * np.log(q / p)))

    assert rejected("21.2", psi=psi)


# --------------------------------------------------------------------------------------
# Exercise 3: chi-squared.
# --------------------------------------------------------------------------------------


def test_chi2_by_hand_is_accepted():
    def chi2(reference, current):
        ref, cur = Counter(reference), Counter(current)
        cats = sorted(set(ref) | set(cur))
        table = np.array([[ref[c] for c in cats], [cur[c] for c in cats]], float)
        expected = table.sum(1, keepdims=True) * table.sum(0, keepdims=True) / table.sum()
        stat = float(((table - expected) ** 2 / expected).sum())
        from scipy.stats import chi2 as dist

        return (stat, float(dist.sf(stat, len(cats) - 1)))

    assert outcome("21.3", chi2_drift=chi2).correct


def test_chi2_statistic_only_or_swapped_is_rejected():
    def stat_only(r, c):
        return key._chi2_drift(r, c)[0]

    def swapped(r, c):
        s, p = key._chi2_drift(r, c)
        return (p, s)

    assert rejected("21.3", chi2_drift=stat_only)
    assert rejected("21.3", chi2_drift=swapped)


def test_chi2_with_yates_is_rejected_with_its_message():
    result = outcome("21.3", chi2_drift=key._chi2_yates)
    assert result.status == "incorrect" and "Yates" in result.message


def test_chi2_ignoring_categories_new_in_current_is_rejected():
    def chi2(reference, current):
        ref, cur = Counter(reference), Counter(current)
        cats = sorted(ref)
        res = chi2_contingency([[ref[c] for c in cats], [cur[c] for c in cats]], correction=False)
        return float(res.statistic), float(res.pvalue)

    assert rejected("21.3", chi2_drift=chi2)


# --------------------------------------------------------------------------------------
# Exercises 4 and 5: false alarms and the threshold.
# --------------------------------------------------------------------------------------


def _rates(table):
    return {"per_test": float(table.mean()), "per_window": float(table.any(axis=1).mean())}


def test_false_alarms_typed_in_next_to_the_right_table_are_rejected():
    table = key._alarm_table(False)
    for value in (
        {"per_test": 0.05, "per_window": 1 - 0.95**4},
        key._false_alarms(True),
        {"per_test": 0.0, "per_window": 0.0},
        {"per_test": _rates(table)["per_test"]},
    ):
        assert rejected("21.4", alarms=table, false_alarms=value)


def test_alarm_tables_that_are_not_the_drift_free_ks_table_are_rejected():
    table = key._alarm_table(False)
    for wrong in (
        key._alarm_table(False, alpha=0.01),
        key._alarm_table(True),
        ~table,
        np.zeros_like(table),
        table[:-1],
        table.astype(int),
    ):
        assert rejected("21.4", alarms=wrong, false_alarms=_rates(wrong))
    assert rejected("21.4", alarms=table.tolist(), false_alarms=_rates(table))


def test_alarm_table_outcome_does_not_say_how_many_entries_differ():
    table = key._alarm_table(False)
    one_wrong = table.copy()
    one_wrong[5, 1] = not one_wrong[5, 1]
    message = outcome("21.4", alarms=one_wrong, false_alarms=_rates(one_wrong)).message
    assert "index" not in message and "1 of" not in message and "144" not in message


def test_false_alarms_as_numpy_floats_are_accepted():
    table = key._alarm_table(False)
    rates = {k: np.float64(v) for k, v in _rates(table).items()}
    assert outcome("21.4", alarms=table, false_alarms=rates).correct


def test_threshold_on_drifted_data_or_a_rule_of_thumb_is_rejected():
    drifted = float(np.quantile(key._null_psi(True), 0.95))
    for value in (drifted, 0.1, 0.25, float(np.max(key._null_psi(False))), math.nan, math.inf):
        assert rejected("21.5", psi_threshold=value)


def test_threshold_from_one_feature_or_the_mean_plus_two_sd_is_rejected():
    null = key._null_psi(False)
    assert rejected("21.5", psi_threshold=float(np.quantile(null[::4], 0.95)))
    assert rejected("21.5", psi_threshold=float(null.mean() + 2 * null.std()))


# --------------------------------------------------------------------------------------
# Exercises 6-8.
# --------------------------------------------------------------------------------------


def test_first_alert_returning_the_window_number_or_none_is_rejected():
    def window_number(values, ref_size, window, threshold):
        start = key._first_alert(values, ref_size, window, threshold)
        return -1 if start == -1 else (start - ref_size) // window

    def none_if_quiet(values, ref_size, window, threshold):
        start = key._first_alert(values, ref_size, window, threshold)
        return None if start == -1 else start

    assert rejected("21.6", first_alert=window_number)
    assert rejected("21.6", first_alert=none_if_quiet)


def test_first_alert_with_ks_instead_of_psi_is_rejected():
    assert rejected("21.6", first_alert=key._first_alert_ks)

    def ks_statistic(values, ref_size, window, threshold):
        return key._first_alert(
            values, ref_size, window, threshold, psi=lambda r, c: float(ks_2samp(r, c).statistic)
        )

    assert rejected("21.6", first_alert=ks_statistic)


def test_first_alert_skipping_the_last_full_window_or_with_other_bins_is_rejected():
    def short_range(values, ref_size, window, threshold):
        values = np.asarray(values, float)
        for start in range(ref_size, len(values) - window, window):
            if key._psi(values[:ref_size], values[start : start + window]) > threshold:
                return start
        return -1

    def current_bins(values, ref_size, window, threshold):
        return key._first_alert(values, ref_size, window, threshold, psi=key._psi_current_bins)

    assert rejected("21.6", first_alert=short_range)
    assert rejected("21.6", first_alert=current_bins)


def test_first_alert_returning_a_float_is_rejected():
    def as_float(*args):
        return float(key._first_alert(*args))

    assert rejected("21.6", first_alert=as_float)
    assert outcome("21.6", first_alert=lambda *a: np.int64(key._first_alert(*a))).correct


def test_first_alert_at_or_above_threshold_is_accepted_when_no_psi_ties():
    def at_or_above(values, ref_size, window, threshold):
        return key._first_alert(values, ref_size, window, np.nextafter(threshold, -np.inf))

    assert outcome("21.6", first_alert=at_or_above).correct


def test_rolling_accuracy_ignoring_the_delay_or_as_a_list_is_rejected():
    assert rejected("21.7", rolling_accuracy=key._rolling_no_delay)
    assert rejected("21.7", rolling_accuracy=key._rolling_partial)
    as_list = lambda *a: key._rolling_accuracy(*a).tolist()  # noqa: E731
    result = outcome("21.7", rolling_accuracy=as_list)  # the prompt asks for a NumPy array
    assert result.status == "incorrect" and "np.asarray" in result.message


def test_rolling_accuracy_with_the_delay_capped_at_the_stream_is_rejected():
    import pandas as pd

    def capped(y_true, y_pred, delay, window):
        correct = pd.Series(np.asarray(y_true) == np.asarray(y_pred), dtype=float)
        return correct.rolling(window).mean().shift(min(delay, len(correct) - 1)).to_numpy()

    assert rejected("21.7", rolling_accuracy=capped)


def test_rolling_accuracy_with_zeros_for_unknown_is_rejected():
    def zeros(*args):
        return np.nan_to_num(key._rolling_accuracy(*args))

    assert rejected("21.7", rolling_accuracy=zeros)


def test_should_promote_variants():
    assert rejected("21.8", should_promote=key._promote_if_not_worse)
    assert rejected("21.8", should_promote=key._promote_on_gain_only)
    assert rejected("21.8", should_promote=key._promote_on_abs_gain)
    assert rejected("21.8", should_promote=lambda a, b, m: True)
    assert rejected("21.8", should_promote=lambda a, b, m: False)

    def numpy_bool(a, b, m):
        return np.bool_(key._should_promote(a, b, m))

    assert outcome("21.8", should_promote=numpy_bool).correct


def test_should_promote_with_a_z_test_on_unpaired_accuracies_is_rejected():
    def unpaired(a, b, m):
        a, b = np.asarray(a, float), np.asarray(b, float)
        if a.shape != b.shape or len(a) < 2:
            raise ValueError("same rows")
        se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
        return bool(b.mean() - a.mean() > m + 2 * se)

    assert rejected("21.8", should_promote=unpaired)


def _promote_with(k: float = 2.0, ddof: int = 1):
    def promote(a, b, m):
        d = key._paired(a, b)
        return bool(d.mean() > m + k * d.std(ddof=ddof) / math.sqrt(len(d)))

    return promote


@pytest.mark.parametrize(
    ("k", "ddof"), [(1.3, 1), (1.645, 1), (1.96, 1), (2.1, 1), (3, 1), (4.5, 1), (2, 0)]
)
def test_should_promote_with_another_number_of_standard_errors_is_rejected(k, ddof):
    assert rejected("21.8", should_promote=_promote_with(k, ddof))


def test_should_promote_as_a_paired_t_test_is_rejected():
    from scipy.stats import ttest_rel

    def t_test(a, b, m):
        d = key._paired(a, b)
        if np.all(d == d[0]):
            return bool(d[0] > m)
        a, b = np.asarray(a, float), np.asarray(b, float)
        return bool(ttest_rel(b - m, a, alternative="greater").pvalue < 0.025)

    assert rejected("21.8", should_promote=t_test)


def test_should_promote_raising_another_error_is_rejected():
    def wrong_error(a, b, m):
        if len(a) != len(b) or len(a) < 2:
            raise AssertionError("same rows")
        return key._should_promote(a, b, m)

    assert rejected("21.8", should_promote=wrong_error)


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def test_knowledge_check_feedback_never_names_the_answer():
    for _problem_id, entry in key.KEY.items():
        for letter, text in entry.get("feedback", {}).items():
            assert letter != entry["answer"]
            assert f"({entry['answer']})" not in text


def test_kc3_accepts_rounding_and_rejects_the_sum():
    assert outcome("21.kc3", kc3=0.642).correct
    assert rejected("21.kc3", kc3=1.0)
    assert rejected("21.kc3", kc3=0.05)
    assert rejected("21.kc3", kc3=0.637)
    assert rejected("21.kc3", kc3=0.6465)
