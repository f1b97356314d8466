"""Answer key of module 21 (monitoring and retraining): references, mistakes and the judge.

Every expected value is recomputed from the drift stream (``make_drift_stream``, seed 42) and
its drift-free twin; the promotion judge refits the two logistic regressions the prompt asks
for and compares them with the versions the learner's decision run names.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    require_bool,
    require_dict,
    require_float,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises.m21 import (
    ALPHA,
    BASE_NAME,
    CHALLENGER_ROWS,
    CHAMPION_ROWS,
    CHECK_ROWS,
    COMPARE_ROWS,
    EPS,
    FEATURES,
    MARGIN,
    N_BINS,
    REF_ROWS,
    TARGET_RATE,
    _stream,
    _windows,
)
from mlcourse.tracking import learner_slug

# Exercise 9: the share of the 1,000 compared and kept rows on which a registered version must
# agree with the key's refit. The same model refitted (another BLAS, a row more or less) agrees
# on all of them; logistic regressions on other rows of the same concept agree on 98.4-99.6%
# (rows 0-1,999, 3,000-4,999, 4,000-6,999 against the champion's 5,000-6,999).
_AGREEMENT = 0.997

# --------------------------------------------------------------------------------------
# Exercise 1: KS statistic.
# --------------------------------------------------------------------------------------


def _ks_statistic(reference, current) -> float:
    """By hand (the check bans SciPy's KS test inside the learner's function); it equals
    ``scipy.stats.ks_2samp(reference, current).statistic``."""
    return float(np.max(np.abs(_ecdf_gaps(reference, current))))


def _ecdf_gaps(reference, current) -> np.ndarray:
    ref, cur = np.sort(np.asarray(reference, float)), np.sort(np.asarray(current, float))
    grid = np.concatenate([ref, cur])
    return np.searchsorted(ref, grid, side="right") / len(ref) - np.searchsorted(
        cur, grid, side="right"
    ) / len(cur)


def _ks_one_sided(reference, current) -> float:
    return float(np.max(_ecdf_gaps(reference, current)))


def _ks_reference_points_only(reference, current) -> float:
    ref, cur = np.sort(np.asarray(reference, float)), np.sort(np.asarray(current, float))
    gaps = np.searchsorted(ref, ref, side="right") / len(ref) - np.searchsorted(
        cur, ref, side="right"
    ) / len(cur)
    return float(np.max(np.abs(gaps)))


# --------------------------------------------------------------------------------------
# Exercise 2: PSI.
# --------------------------------------------------------------------------------------


def _proportions(values, cuts) -> np.ndarray:
    values = np.asarray(values, float)
    counts = np.bincount(np.searchsorted(cuts, values, side="right"), minlength=len(cuts) + 1)
    return counts / len(values)


def _psi_from(p: np.ndarray, q: np.ndarray, eps: float | None = EPS) -> float:
    if eps is not None:
        p, q = np.maximum(p, eps), np.maximum(q, eps)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((q - p) * np.log(q / p)))


def _cuts(values, n_bins: int) -> np.ndarray:
    return np.unique(np.quantile(np.asarray(values, float), np.linspace(0, 1, n_bins + 1)[1:-1]))


def _psi(reference, current, n_bins: int = N_BINS) -> float:
    cuts = _cuts(reference, n_bins)
    return _psi_from(_proportions(reference, cuts), _proportions(current, cuts))


def _psi_no_eps(reference, current, n_bins: int = N_BINS) -> float:
    cuts = _cuts(reference, n_bins)
    return _psi_from(_proportions(reference, cuts), _proportions(current, cuts), eps=None)


def _psi_current_bins(reference, current, n_bins: int = N_BINS) -> float:
    cuts = _cuts(current, n_bins)
    return _psi_from(_proportions(reference, cuts), _proportions(current, cuts))


def _psi_pooled_bins(reference, current, n_bins: int = N_BINS) -> float:
    cuts = _cuts(np.concatenate([np.asarray(reference, float), np.asarray(current, float)]), n_bins)
    return _psi_from(_proportions(reference, cuts), _proportions(current, cuts))


def _psi_even_bins(reference, current, n_bins: int = N_BINS) -> float:
    ref = np.asarray(reference, float)
    cuts = np.unique(np.linspace(ref.min(), ref.max(), n_bins + 1)[1:-1])
    return _psi_from(_proportions(reference, cuts), _proportions(current, cuts))


# --------------------------------------------------------------------------------------
# Exercise 3: chi-squared.
# --------------------------------------------------------------------------------------


def _table(reference, current) -> np.ndarray:
    ref, cur = Counter(reference), Counter(current)
    cats = sorted(set(ref) | set(cur))
    return np.array([[ref[c] for c in cats], [cur[c] for c in cats]])


def _chi2_drift(reference, current) -> tuple[float, float]:
    from scipy.stats import chi2_contingency

    res = chi2_contingency(_table(reference, current), correction=False)
    return (float(res.statistic), float(res.pvalue))


def _chi2_yates(reference, current) -> tuple[float, float]:
    from scipy.stats import chi2_contingency

    res = chi2_contingency(_table(reference, current))
    return (float(res.statistic), float(res.pvalue))


def _chi2_goodness_of_fit(reference, current) -> tuple[float, float]:
    from scipy.stats import chisquare

    table = _table(reference, current).astype(float)
    expected = np.maximum(table[0] / table[0].sum(), 1e-12) * table[1].sum()
    res = chisquare(table[1], expected)
    return (float(res.statistic), float(res.pvalue))


# --------------------------------------------------------------------------------------
# Exercises 4 and 5: false alarms and a threshold on drift-free windows.
# --------------------------------------------------------------------------------------


def _alarm_table(drift: bool = False, alpha: float = ALPHA) -> np.ndarray:
    from scipy.stats import ks_2samp

    df = _stream(drift)
    ref = df.iloc[:REF_ROWS]
    return np.array(
        [
            [ks_2samp(ref[f], df.iloc[a:b][f]).pvalue < alpha for f in FEATURES]
            for a, b in _windows(len(df))
        ]
    )


def _false_alarms(drift: bool = False) -> dict[str, float]:
    table = _alarm_table(drift)
    return {"per_test": float(table.mean()), "per_window": float(table.any(axis=1).mean())}


def _null_psi(drift: bool = False, psi=_psi) -> np.ndarray:
    df = _stream(drift)
    ref = df.iloc[:REF_ROWS]
    return np.array([psi(ref[f], df.iloc[a:b][f]) for a, b in _windows(len(df)) for f in FEATURES])


def _psi_threshold() -> float:
    return float(np.quantile(_null_psi(False), 1 - TARGET_RATE))


def _judge_alarms(data: Any) -> None:
    """The learner's table of alarms must be the key's; the rates must be derived from it."""
    data = require_dict(data, "data", ("alarms", "false_alarms"))
    rows = require_list(data["alarms"], "data['alarms']")
    if not all(type(r) is list and all(type(a) is bool for a in r) for r in rows):
        raise Fail("`alarms` should hold one row of bools per window.")
    if len({len(r) for r in rows}) > 1:
        raise Fail("`alarms` should hold rows of the same length, one column per feature.")
    want = _alarm_table(False)
    got = np.array(rows, dtype=bool) if rows else np.zeros((0, 0), dtype=bool)
    if got.shape != want.shape:
        raise Fail(
            f"`alarms` has shape {got.shape}: it should have one row per full window of 250 "
            "rows after the reference (rows 1000-1249, 1250-1499, ...) and one column per "
            "feature, x1..x4."
        )
    if np.array_equal(got, _alarm_table(True)):
        raise Fail(
            "`alarms` comes from the stream *with* drift. A false alarm is an alarm on "
            "drift-free data: use `make_drift_stream(feature_drift_at=None, "
            "concept_drift_at=None)`."
        )
    if np.array_equal(got, ~want):
        raise Fail(
            "An alarm is a *small* p-value (p < 0.05); `alarms` marks the tests that did not fire."
        )
    if not np.array_equal(got, want):
        raise Fail(
            "`alarms` is not the table of KS alarms on the drift-free stream: reference rows "
            "0-999, windows of 250 rows, `ks_2samp(...).pvalue < 0.05` per window and feature."
        )
    rates = require_dict(data["false_alarms"], "data['false_alarms']", ("per_test", "per_window"))
    derived = {"per_test": float(got.mean()), "per_window": float(got.any(axis=1).mean())}
    for name, value in derived.items():
        got_rate = require_float(rates[name], at("data['false_alarms']", name))
        if not math.isclose(got_rate, value, rel_tol=1e-9, abs_tol=1e-12):
            raise Fail(
                f"`false_alarms['{name}']` is not the rate derived from your `alarms`: "
                + (
                    "the share of all its entries that are True."
                    if name == "per_test"
                    else "the share of its rows (windows) with at least one True."
                )
            )


# --------------------------------------------------------------------------------------
# Exercise 6: first alert.
# --------------------------------------------------------------------------------------


def _first_alert(values, ref_size, window, threshold, psi=_psi, moving=False, partial=False):
    values = np.asarray(values, float)
    reference = values[:ref_size]
    stop = len(values) if partial else len(values) - window + 1
    previous = reference
    for start in range(ref_size, stop, window):
        current = values[start : start + window]
        if psi(previous, current) > threshold:
            return start
        if moving:
            previous = current
    return -1


def _first_alert_ks(values, ref_size, window, threshold):
    return _first_alert(values, ref_size, window, threshold, psi=lambda r, c: 1.0 - _ks_p(r, c))


def _ks_p(r, c) -> float:
    from scipy.stats import ks_2samp

    return float(ks_2samp(r, c).pvalue)


# --------------------------------------------------------------------------------------
# Exercise 7: rolling accuracy with delayed labels.
# --------------------------------------------------------------------------------------


def _rolling(y_true, y_pred, delay, window, *, shift=True, min_periods=None) -> np.ndarray:
    import pandas as pd

    correct = pd.Series(np.asarray(y_true) == np.asarray(y_pred), dtype=float)
    rolled = correct.rolling(window, min_periods=min_periods or window).mean()
    return (rolled.shift(delay) if shift else rolled).to_numpy()


def _rolling_accuracy(y_true, y_pred, delay, window) -> np.ndarray:
    return _rolling(y_true, y_pred, delay, window)


def _rolling_no_delay(y_true, y_pred, delay, window) -> np.ndarray:
    return _rolling(y_true, y_pred, delay, window, shift=False)


def _rolling_partial(y_true, y_pred, delay, window) -> np.ndarray:
    return _rolling(y_true, y_pred, delay, window, min_periods=1)


def _rolling_off_by_one(y_true, y_pred, delay, window) -> np.ndarray:
    return _rolling(y_true, y_pred, delay + 1, window)


# --------------------------------------------------------------------------------------
# Exercise 8: the promotion rule.
# --------------------------------------------------------------------------------------


def _paired(champion_correct, challenger_correct) -> np.ndarray:
    a = np.asarray(champion_correct, float)
    b = np.asarray(challenger_correct, float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("the two models must be scored on the same rows")
    if len(a) < 2:
        raise ValueError("at least two rows are needed")
    return b - a


def _should_promote(champion_correct, challenger_correct, margin) -> bool:
    d = _paired(champion_correct, challenger_correct)
    se = d.std(ddof=1) / math.sqrt(len(d))
    return bool(d.mean() > margin + 2 * se)


def _promote_if_not_worse(champion_correct, challenger_correct, margin) -> bool:
    d = _paired(champion_correct, challenger_correct)
    se = d.std(ddof=1) / math.sqrt(len(d))
    return bool(d.mean() >= margin + 2 * se)


def _promote_on_gain_only(champion_correct, challenger_correct, margin) -> bool:
    return bool(_paired(champion_correct, challenger_correct).mean() > margin)


def _promote_on_abs_gain(champion_correct, challenger_correct, margin) -> bool:
    d = _paired(champion_correct, challenger_correct)
    se = d.std(ddof=1) / math.sqrt(len(d))
    return bool(abs(d.mean()) > margin + 2 * se)


# --------------------------------------------------------------------------------------
# Exercise 9: the learner's promotion.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _refit_predictions(rows: tuple[int, int]) -> dict[str, tuple[int, ...]]:
    from sklearn.linear_model import LogisticRegression

    df = _stream()
    train = df.iloc[rows[0] : rows[1]]
    model = LogisticRegression().fit(train[list(FEATURES)], train["target"])
    out = {}
    for key, (a, b) in {
        "compare": COMPARE_ROWS,
        "check": CHECK_ROWS,
        "challenger_train": CHALLENGER_ROWS,
    }.items():
        out[key] = tuple(int(p) for p in model.predict(df.iloc[a:b][list(FEATURES)]))
    return out


def _labels(rows: tuple[int, int]) -> np.ndarray:
    return _stream()["target"].to_numpy()[rows[0] : rows[1]]


_PARTS = {"compare": COMPARE_ROWS, "check": CHECK_ROWS, "challenger_train": CHALLENGER_ROWS}


def _valid_predictions(value: Any, path: str) -> dict[str, np.ndarray]:
    """One version's predictions: per part, a list of 0/1 ints of the part's length."""
    value = require_dict(value, path, ("estimator", *_PARTS))
    out: dict[str, Any] = {"estimator": require_str(value["estimator"], at(path, "estimator"))}
    for part, (a, b) in _PARTS.items():
        entries = require_list(value[part], at(path, part), length=b - a, per="row")
        if not all(type(e) is int for e in entries):
            raise Fail(f"Version predictions at {path} are not whole numbers.")
        out[part] = np.asarray(entries, dtype=float)
    return out


def _collected(data: Any) -> dict[str, Any]:
    data = require_dict(
        data,
        "data",
        (
            "name",
            "learner",
            "run_found",
            "lifecycle_stage",
            "exercise",
            "params",
            "metrics",
            "alias_version",
            "predictions",
        ),
    )
    require_optional(require_str)(data["lifecycle_stage"], "data['lifecycle_stage']")
    require_optional(require_str)(data["exercise"], "data['exercise']")
    require_str(data["name"], "data['name']")
    require_optional(require_str)(data["learner"], "data['learner']")
    if data["name"] != f"{BASE_NAME}-{learner_slug(data['learner'])}":
        raise Fail(
            f"The registered model is `{data['name']}`, which is not your own name: register "
            "it as `mlcourse.tracking.model_name('drift-classifier')`."
        )
    require_bool(data["run_found"], "data['run_found']")
    for key in ("params", "metrics"):
        require_dict(data[key], at("data", key))
    for key, value in data["params"].items():
        require_str(value, at("data['params']", key))
    for key, value in data["metrics"].items():
        require_float(value, at("data['metrics']", key))
    require_optional(require_str)(data["alias_version"], "data['alias_version']")
    predictions = require_dict(data["predictions"], "data['predictions']")
    data["predictions"] = {
        version: _valid_predictions(value, at("data['predictions']", version))
        for version, value in predictions.items()
    }
    return data


def _same_model(predictions: dict[str, Any], rows, version, who, where) -> None:
    if predictions["estimator"] != "LogisticRegression":
        raise Fail(
            f"Version {version}, logged as the {who}, is a `{predictions['estimator']}`, not a "
            "`LogisticRegression`: the prompt asks for `LogisticRegression()` with default "
            "settings."
        )
    refit = _refit_predictions(rows)
    got = np.concatenate([predictions["compare"], predictions["check"]])
    want = np.asarray(refit["compare"] + refit["check"], dtype=float)
    if np.mean(got == want) < _AGREEMENT:
        raise Fail(
            f"Version {version}, logged as the {who}, does not predict like "
            f"`LogisticRegression()` trained on x1..x4 of rows {where}: train the {who} on "
            "exactly those rows, with default settings, and register that model."
        )


def _metric(data, key: str) -> float:
    value = data["metrics"].get(key)
    if value is None or not math.isfinite(value):
        raise Fail(f"The decision run should log the metric `{key}` (a finite number).")
    return value


def _judge_promotion(data: Any) -> None:  # noqa: C901 - one rule per branch
    data = _collected(data)
    name, params = data["name"], data["params"]
    if not data["run_found"]:
        raise Fail(
            "`decision_run_id` names no run in this tracking store: keep the id of the run "
            "that logged the decision (`run.info.run_id`)."
        )
    if data["lifecycle_stage"] != "active":
        raise Fail(
            "The decision run has been deleted: keep the run that logged the decision, and "
            "check again."
        )
    if data["exercise"] != "21.9":
        raise Fail(
            "The decision run is not tagged as exercise 21.9: log it inside "
            "`mlcourse.tracking.run('21.9', run_name='promotion decision')`."
        )
    for key in ("champion_version", "challenger_version", "decision"):
        if key not in params:
            raise Fail(f"The decision run should log the parameter `{key}`.")
    if data["alias_version"] is None:
        raise Fail(
            f"The registered model `{name}` has no alias 'champion'. Register your models under "
            "`model_name('drift-classifier')` and set the alias with "
            "`set_registered_model_alias`."
        )
    champion, challenger = params["champion_version"], params["challenger_version"]
    if champion == challenger:
        raise Fail("The decision run names the same version as champion and challenger.")
    for version in (champion, challenger):
        if version not in data["predictions"]:
            raise Fail(f"The decision run names version {version!r}, which `{name}` does not have.")
    champ, chall = data["predictions"][champion], data["predictions"][challenger]
    _same_model(champ, CHAMPION_ROWS, champion, "champion", "5,000-6,999")
    _same_model(chall, CHALLENGER_ROWS, challenger, "challenger", "8,000-8,999")
    y = _labels(COMPARE_ROWS)
    champion_right = (champ["compare"] == y).astype(float)
    challenger_right = (chall["compare"] == y).astype(float)
    logged_champion = _metric(data, "champion_accuracy")
    logged_challenger = _metric(data, "challenger_accuracy")
    train_acc = float(np.mean(chall["challenger_train"] == _labels(CHALLENGER_ROWS)))
    if abs(logged_challenger - train_acc) < 1e-9:
        raise Fail(
            "`challenger_accuracy` is the challenger's accuracy on its own training rows, which "
            "flatters it. Score both models on rows 9,000-9,499, which neither was trained on."
        )
    for logged, right, who in (
        (logged_champion, champion_right, "champion"),
        (logged_challenger, challenger_right, "challenger"),
    ):
        if abs(logged - float(right.mean())) > 1e-9:
            raise Fail(
                f"`{who}_accuracy` is not the {who}'s accuracy on rows 9,000-9,499 "
                "(`df.iloc[9000:9500]`): compute both accuracies on those same rows, unrounded."
            )
    d = challenger_right - champion_right
    for key, want in (("gain", d.mean()), ("se", d.std(ddof=1) / math.sqrt(len(d)))):
        if abs(_metric(data, key) - float(want)) > 1e-9:
            raise Fail(
                f"The metric `{key}` is not the paired "
                + ("gain" if key == "gain" else "gain's standard error")
                + " of the challenger over the champion on rows 9,000-9,499: compute it from "
                "the per-row differences `challenger_correct - champion_correct`, unrounded."
            )
    decision = "promote" if _should_promote(champion_right, challenger_right, MARGIN) else "keep"
    if params["decision"] != decision:
        raise Fail(
            f"The decision run logs decision={params['decision']!r}, which is not what the "
            f"promotion rule (margin {MARGIN}) gives on these accuracies: apply "
            "`should_promote` to the two models' per-row correctness on rows 9,000-9,499."
        )
    expected_alias = challenger if decision == "promote" else champion
    if data["alias_version"] != expected_alias:
        raise Fail(
            f"The alias 'champion' points at version {data['alias_version']}, but after the "
            f"decision {decision!r} it should point at the "
            + ("challenger" if decision == "promote" else "champion")
            + " the run names: move it only after the decision, and only when it is 'promote'."
        )


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def _any_alarm_20() -> float:
    return 1 - (1 - 0.05) ** 20


KEY = {
    "21.1": {
        "reference": _ks_statistic,
        "mistakes": [
            Mistake(
                _ks_one_sided,
                "This is a one-sided statistic: it keeps only the gaps where the reference's "
                "CDF is above the current one. The two-sided KS statistic is the largest "
                "*absolute* gap.",
            ),
            Mistake(
                _ks_reference_points_only,
                "The CDFs are compared only at the reference's values; the largest gap can sit "
                "at a value of the current sample. Evaluate both CDFs on the pooled values.",
            ),
        ],
    },
    "21.2": {
        "reference": _psi,
        "mistakes": [
            Mistake(
                _psi_no_eps,
                "An empty bin gives log(0) and an infinite (or NaN) PSI: floor both "
                "proportions at 1e-4 before taking the logarithm.",
            ),
            Mistake(
                _psi_current_bins,
                "The bins come from the current window's quantiles. Bins are fixed once, from "
                "the reference, so that every window is measured on the same grid.",
            ),
            Mistake(
                _psi_pooled_bins,
                "The bins come from the pooled reference and current values; take the "
                "quantiles of the reference alone.",
            ),
            Mistake(
                _psi_even_bins,
                "The bins are evenly spaced over the reference's range; PSI's bins are the "
                "reference's quantiles, so that each holds about the same share of it.",
            ),
        ],
    },
    "21.3": {
        "reference": _chi2_drift,
        "mistakes": [
            Mistake(
                _chi2_yates,
                "With two categories SciPy applies Yates' continuity correction unless you pass "
                "`correction=False`; the prompt asks for the uncorrected statistic.",
            ),
            Mistake(
                _chi2_goodness_of_fit,
                "This is a goodness-of-fit test that treats the reference's proportions as "
                "exact. Both windows are samples: test the 2 x k contingency table.",
            ),
        ],
    },
    "21.4": {"judge": _judge_alarms},
    "21.5": {
        "expected": _psi_threshold,
        "mistakes": [
            Mistake(
                lambda: float(np.quantile(_null_psi(True), 1 - TARGET_RATE)),
                "This threshold comes from the stream with drift, whose drifted windows push it "
                "up. A false-alarm rate is measured where there is no drift: use the "
                "drift-free twin.",
            ),
            Mistake(
                lambda: float(np.quantile(_null_psi(False), TARGET_RATE)),
                "That is the 5% quantile: 95% of drift-free windows would exceed it. The "
                "threshold leaves 5% *above* it.",
            ),
            Mistake(
                lambda: float(np.quantile(_null_psi(False, _psi_current_bins), 1 - TARGET_RATE)),
                "The PSIs use bins from each window instead of the reference: fix `psi` "
                "(exercise 2) first.",
            ),
        ],
    },
    "21.6": {
        "reference": _first_alert,
        "mistakes": [
            Mistake(
                lambda v, r, w, t: _first_alert(v, r, w, t, moving=True),
                "Each window is compared with the previous one; the reference stays the first "
                "`ref_size` values, so that a slow drift is not missed.",
            ),
            Mistake(
                lambda v, r, w, t: _first_alert(v, r, w, t, partial=True),
                "A last, incomplete window is tested too; test full windows only: a few rows "
                "give a noisy PSI.",
            ),
        ],
    },
    "21.7": {
        "reference": _rolling_accuracy,
        "mistakes": [
            Mistake(
                _rolling_no_delay,
                "The delay is ignored: at time t the last `delay` labels are not known yet. "
                "Shift the rolling accuracy by `delay` rows.",
            ),
            Mistake(
                _rolling_partial,
                "Partial windows are averaged: report NaN until `window` labels are known.",
            ),
            Mistake(
                _rolling_off_by_one,
                "Off by one: the label of row i is known at time i + delay (not later).",
            ),
        ],
    },
    "21.8": {
        "reference": _should_promote,
        "mistakes": [
            Mistake(
                _promote_if_not_worse,
                "An equal challenger is promoted: the gain must be *strictly* above the margin "
                "plus two standard errors.",
            ),
            Mistake(
                _promote_on_gain_only,
                "The gain is compared with the margin alone; a gain within noise (two standard "
                "errors of the paired differences) must not promote.",
            ),
            Mistake(
                _promote_on_abs_gain,
                "A challenger that is *worse* by a lot is promoted: use the signed gain, "
                "challenger minus champion.",
            ),
        ],
    },
    "21.9": {"judge": _judge_promotion},
    "21.kc1": {
        "answer": "c",
        "explanation": (
            "P(y) changed while P(x | y) stayed the same: that is prior (label) shift. By Bayes' "
            "rule the posteriors P(y | x) move with the prior, so a model's scores and "
            "thresholds drift, but the change can be corrected without new labels by "
            "re-weighting the posteriors with the new prior (Saerens et al., 2002). Covariate "
            "shift changes P(x) with P(y | x) fixed; concept drift changes P(y | x) with no "
            "such fixed part."
        ),
        "feedback": {
            "a": "Covariate shift keeps P(y | x) fixed while P(x) moves. Here what is said to "
            "stay fixed is how each class looks, and with a new share of flu the posterior "
            "P(flu | symptoms) cannot stay the same.",
            "b": "Concept drift is a new relation between symptoms and diagnosis that no fixed "
            "part explains; here each class's symptoms are unchanged, so the posteriors move "
            "only through the class shares, a change that can be corrected without new labels.",
            "d": "The model learned the old base rate: with a new one, its scores are no "
            "longer calibrated and its precision at a fixed threshold moves.",
        },
    },
    "21.kc2": {
        "answer": "b",
        "explanation": (
            "0.1 and 0.25 are conventions from credit scoring practice, not the quantiles of "
            "a test statistic; PSI's size under no drift depends on the sample sizes and the "
            "bins, which is why the lesson calibrates a threshold on drift-free windows."
        ),
        "feedback": {
            "a": "PSI has no p-value by itself: no test was derived that maps it to a 5% or "
            "1% level.",
            "c": "PSI grows with the number of bins and shrinks with larger samples under no "
            "drift; a fixed cut-off cannot be valid for every bin count and size.",
            "d": "PSI is a symmetrised Kullback-Leibler divergence; that does not turn a "
            "divergence of 0.25 into a probability of 25%.",
        },
    },
    "21.kc3": {
        "expected": _any_alarm_20,
        "mistakes": [
            Mistake(lambda: 0.05, "That is the rate of one test; 20 tests each get a chance."),
            Mistake(
                lambda: 1.0,
                "20 x 0.05 = 1 adds probabilities of events that can "
                "happen together; use the complement of 'no test fires'.",
            ),
        ],
    },
    "21.kc4": {
        "answer": "d",
        "explanation": (
            "Concept drift changes P(y | x) while P(x) may stay the same: the inputs look "
            "as they always did, and only labels (or a proxy of them) reveal it."
        ),
        "feedback": {
            "a": "More data makes the input tests more sensitive to input changes, but the "
            "inputs did not change at the concept drift.",
            "b": "Switching to PSI changes how input changes are measured, not whether an "
            "unchanged input distribution can reveal a new relation to the label.",
            "c": "The model's predictions are computed from the inputs alone, so their "
            "distribution cannot move unless the inputs' does.",
        },
    },
    "21.kc5": {
        "answer": "a",
        "explanation": (
            "Scored on the same recent rows, the two models face the same difficulty, and "
            "the paired differences cancel what the rows have in common. Scores measured on "
            "different periods mix the model's quality with the period's difficulty."
        ),
        "feedback": {
            "b": "The champion's score from the time it was trained measures it on data that "
            "no longer looks like today's; comparing it with a recent score mixes two periods.",
            "c": "The challenger's training rows are the ones it fitted: its score there is "
            "optimistic, not a fair comparison.",
            "d": "Averaging a validation score and a recent one still compares the models on "
            "different rows.",
        },
    },
    "21.kc6": {
        "answer": "b",
        "explanation": (
            "The KS test's power grows with the sample size, so with 100,000 rows a tiny, "
            "harmless shift gets a tiny p-value. Statistical significance is not practical "
            "importance: pair the test with an effect size (the KS statistic itself, PSI) "
            "and a threshold that matters."
        ),
        "feedback": {
            "a": "The KS test is distribution-free for continuous data; normality is not the "
            "reason it fires.",
            "c": "The alarm is not a bug in SciPy: the p-value is right for the question it "
            "answers.",
            "d": "A smaller p-value threshold only delays the problem: with enough rows any "
            "fixed shift gets below it.",
        },
    },
}
