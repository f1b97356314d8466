"""Module 21 — Monitoring and retraining: the declaration of the exercises (the key is in mlcourse.keys.m21).

The data is the drift stream of the lesson (``make_drift_stream``, seed 42, 10,000 hourly rows,
feature drift at row 5,000, concept drift at row 7,500) and its drift-free twin
(``feature_drift_at=None, concept_drift_at=None``), with the windows stated in the prompts:
a reference of the first 1,000 rows, then consecutive windows of 250 rows (the lesson uses
500, so its printed rates are not the answers). Exercise 9 reads the
learner's registered model by its alias and the MLflow run that logged the decision, loads both
model versions the run names, and scores them on rows the prompt keeps for the check.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    UNRESOLVED,
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    MethodRule,
    Numeric,
    Value,
    describe,
    names_used,
)
from mlcourse.exercises import Module

FEATURES = ("x1", "x2", "x3", "x4")
REF_ROWS = 1_000  # the reference window: rows 0-999 of a stream
WINDOW = 250  # exercises 4-5's windows: rows 1000-1249, 1250-1499, ... (36 of them)
ALPHA = 0.05  # the KS test's level in exercise 4
TARGET_RATE = 0.05  # exercise 5: the share of drift-free (window, feature) PSIs above the threshold
N_BINS = 10
EPS = 1e-4  # PSI: the floor of a bin's proportion
BASE_NAME = "drift-classifier"  # exercise 9's registered model: model_name(BASE_NAME)
ALIAS = "champion"
CHAMPION_ROWS = (5_000, 7_000)  # exercise 9: the first champion's training rows
CHALLENGER_ROWS = (8_000, 9_000)  # the challenger's training rows
COMPARE_ROWS = (9_000, 9_500)  # the comparison both models are scored on
CHECK_ROWS = (9_500, 10_000)  # kept for the check: no model sees them
MARGIN = 0.02  # exercise 9: the margin of the promotion rule


@lru_cache(maxsize=2)
def _stream(drift: bool = True):
    """The lesson's stream (``drift=True``) or its drift-free twin, seed 42, 10,000 rows."""
    from mlcourse.datasets import make_drift_stream

    if drift:
        return make_drift_stream()
    return make_drift_stream(feature_drift_at=None, concept_drift_at=None)


def _windows(n_rows: int = 10_000) -> list[tuple[int, int]]:
    """(start, stop) of the monitored windows after the reference."""
    return [(s, s + WINDOW) for s in range(REF_ROWS, n_rows - WINDOW + 1, WINDOW)]


# --------------------------------------------------------------------------------------
# Visible and hidden cases.
# --------------------------------------------------------------------------------------


def _sample(seed: int, n: int, loc: float = 0.0, scale: float = 1.0) -> np.ndarray:
    return np.round(np.random.default_rng(seed).normal(loc, scale, n), 4)


def _ks_cases() -> list[Case]:
    return [
        Case(_sample(1, 300), _sample(2, 200, 0.3), call="ks_statistic(ref_demo, cur_demo)"),
        Case(np.array([1.0, 2.0, 3.0]), np.array([2.5, 3.5])),
    ]


def _ks_hidden() -> list[Case]:
    ints = np.random.default_rng(3).integers(0, 5, 400).astype(float)
    ints_cur = np.random.default_rng(4).integers(1, 6, 250).astype(float)
    return [
        Case(ints, ints_cur, label="samples with many ties (integers)"),
        Case(_sample(5, 50), _sample(5, 50), label="two identical samples"),
        Case(_sample(6, 1000, 0.1), _sample(7, 40), label="samples of very different lengths"),
        Case(np.array([0.0]), np.array([1.0]), label="one value in each sample"),
        Case(_sample(8, 300, 0.5), _sample(9, 300), label="a current sample shifted *down*"),
    ]


_KS_NAMES = frozenset({"ks_2samp", "kstest"})


def _ks_label(value: Any) -> str | None:
    """A label when ``value`` is SciPy's two-sample or one-sample KS test."""
    target = getattr(value, "func", value)  # functools.partial
    module, name = getattr(target, "__module__", None), getattr(target, "__name__", None)
    if isinstance(module, str) and module.split(".")[0] == "scipy" and name in _KS_NAMES:
        return f"`scipy.stats.{name}`"
    return None


def _ks_used(func: Any) -> list[str]:
    """SciPy's KS tests that ``func`` (or a notebook function it calls) refers to."""

    def judge(name: str, value: Any, opname: str) -> str | None:
        if value is UNRESOLVED:
            return f"`{name}`" if name.split(".")[-1] in _KS_NAMES else None
        return _ks_label(value)

    return names_used(func, judge)


def _psi_cases() -> list[Case]:
    return [
        Case(_sample(11, 1000), _sample(12, 500, 0.5), call="psi(ref_demo_psi, cur_demo_psi)"),
        Case(_sample(13, 1000), _sample(14, 300), n_bins=5),
    ]


def _psi_hidden() -> list[Case]:
    ref = _sample(15, 2000)
    return [
        Case(
            ref,
            np.abs(_sample(16, 400)) + 3.0,
            label="a current window above every reference bin but the last (empty bins)",
        ),
        Case(np.full(200, 2.5), _sample(17, 100, 2.5), label="a constant reference feature"),
        Case(np.full(200, 2.5), np.full(150, 2.5), label="constant and unchanged"),
        Case(ref, _sample(18, 30, 0.2, 2.0), label="a short current window with a wider spread"),
        Case(
            np.random.default_rng(19).integers(0, 4, 1000).astype(float),
            np.random.default_rng(20).integers(0, 4, 600).astype(float),
            n_bins=10,
            label="a feature with few distinct values (repeated quantiles)",
        ),
        Case(_sample(21, 800, 0.0, 3.0), _sample(22, 800, 0.0, 3.0), n_bins=20, label="20 bins"),
    ]


def _chi2_cases() -> list[Case]:
    ref = ["card"] * 60 + ["bank"] * 30 + ["cash"] * 10
    cur = ["card"] * 40 + ["bank"] * 40 + ["cash"] * 20
    return [Case(ref, cur, call="chi2_drift(ref_cats_demo, cur_cats_demo)")]


def _chi2_hidden() -> list[Case]:
    rng = np.random.default_rng(23)
    ref = [str(c) for c in rng.choice(["a", "b", "c", "d"], 500, p=[0.4, 0.3, 0.2, 0.1])]
    cur = [str(c) for c in rng.choice(["a", "b", "c", "d"], 120, p=[0.3, 0.3, 0.2, 0.2])]
    return [
        Case(ref, cur, label="four categories, samples of different lengths"),
        Case(["x"] * 30 + ["y"] * 70, ["x"] * 45 + ["y"] * 55, label="two categories only"),
        Case(
            ["web"] * 50 + ["shop"] * 50,
            ["web"] * 40 + ["shop"] * 40 + ["phone"] * 20,
            label="a category that appears only in the current window",
        ),
    ]


def _alert_cases() -> list[Case]:
    values = np.concatenate([_sample(31, 1600), _sample(32, 1000, 1.0)])
    return [
        Case(values, 1000, 300, 0.25, call="first_alert(values_demo, 1000, 300, 0.25)"),
    ]


def _alert_hidden() -> list[Case]:
    calm = _sample(33, 3000)
    late = np.concatenate([_sample(34, 3000), _sample(35, 300, 2.0)])
    gradual = np.concatenate(
        [_sample(44, 1000)] + [_sample(45 + k, 500, 0.1 * k) for k in range(1, 9)]
    )
    return [
        Case(gradual, 1000, 500, 0.1, label="a slow, gradual drift"),
        Case(calm, 1000, 500, 0.25, label="a stream without drift (no alert)"),
        Case(late, 1000, 500, 0.25, label="drift only in a last, incomplete window"),
        Case(
            np.concatenate([_sample(36, 1000), _sample(37, 400, 0.05), _sample(38, 800, 1.5)]),
            1000,
            200,
            0.1,
            label="a small shift, then a large one",
        ),
        Case(
            np.concatenate([_sample(39, 1000), _sample(40, 1000, 0.0, 1.0) * 0.01]),
            1000,
            250,
            0.25,
            label="a window whose spread collapses (mean unchanged)",
        ),
        Case(
            np.concatenate([_sample(46, 1000), _sample(47, 1500), _sample(48, 500, 1.5)]),
            1000,
            500,
            0.25,
            label="drift in the last full window only",
        ),
        Case(
            np.concatenate([_sample(60, 1000), _sample(61, 500), _sample(62, 1000, 0.0, 1.4)]),
            1000,
            250,
            0.05,
            label="a change in spread only (mean unchanged)",
        ),
    ]


def _correct_demo(seed: int, n: int, acc_before: float, acc_after: float, at: int):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    p = np.where(np.arange(n) < at, acc_before, acc_after)
    right = rng.random(n) < p
    return y, np.where(right, y, 1 - y)


def _rolling_cases() -> list[Case]:
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    pred = np.array([1, 0, 0, 1, 0, 1, 1, 1])
    return [Case(y, pred, 2, 3, call="rolling_accuracy(y_demo, pred_demo, 2, 3)")]


def _rolling_hidden() -> list[Case]:
    y, pred = _correct_demo(42, 300, 0.85, 0.45, 200)
    y2, pred2 = _correct_demo(43, 30, 0.8, 0.8, 0)
    return [
        Case(y, pred, 0, 50, label="labels that arrive at once (delay 0)"),
        Case(y, pred, 48, 24, label="a long delay"),
        Case(y2, pred2, 40, 1, label="a delay longer than the stream"),
        Case(y2, pred2, 3, 1, label="a window of one label"),
        Case(y.tolist(), pred.tolist(), 10, 30, label="plain Python lists"),
    ]


def _pairs(seed: int, n: int, p_champion: float, p_challenger: float):
    rng = np.random.default_rng(seed)
    return (
        (rng.random(n) < p_champion).astype(int),
        (rng.random(n) < p_challenger).astype(int),
    )


def _promote_cases() -> list[Case]:
    a, b = _pairs(51, 500, 0.6, 0.8)
    return [
        Case(a, b, 0.02, call="should_promote(champ_demo, chall_demo, 0.02)"),
        Case(b, a, 0.02, call="should_promote(chall_demo, champ_demo, 0.02)"),
    ]


def _near_boundary(n: int, challenger_only: int, champion_only: int):
    """Correctness on n rows: the challenger alone right on the first rows, the champion alone
    on the next ones, both wrong elsewhere (the gain's distance to the bar is set exactly)."""
    champion, challenger = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    challenger[:challenger_only] = 1
    champion[challenger_only : challenger_only + champion_only] = 1
    return champion, challenger


def _promote_hidden() -> list[Case]:
    a, _ = _pairs(52, 400, 0.7, 0.7)
    c, d = _pairs(53, 300, 0.7, 0.74)
    e, f = _pairs(54, 2000, 0.70, 0.80)
    better = a.copy()
    better[np.flatnonzero(a == 0)[:20]] = 1  # right wherever the champion is, and on 20 more rows
    g = np.ones(50, dtype=int)
    h = g.copy()
    h[:1] = 0
    return [
        Case(a, a.copy(), 0.0, label="two models right on exactly the same rows"),
        Case(c, d, 0.0, label="a small gain on few rows"),
        Case(
            a,
            better,
            0.0,
            label="a challenger right wherever the champion is, and on a few more rows",
        ),
        Case(e, f, 0.02, label="a real gain on many rows"),
        Case(e, f, 0.15, label="a gain below the margin"),
        Case(h, g, 0.0, label="one row of difference"),
        Case(*_near_boundary(200, 22, 10), 0.0025, label="a gain just above the bar"),
        Case(*_near_boundary(200, 22, 10), 0.0045, label="a gain just below the bar"),
        Case(*_near_boundary(10, 4, 0), 0.08, label="ten rows, a gain within noise"),
        Case(a, a[:-1], 0.0, raises=ValueError, label="arrays of different lengths"),
        Case(a[:1], a[:1], 0.0, raises=ValueError, label="a single row"),
        Case(a.tolist(), np.ones(400, dtype=int).tolist(), 0.02, label="plain Python lists"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 4: the table of alarms and the rates derived from it.
# --------------------------------------------------------------------------------------


def _extract_alarms(values: dict[str, Any]) -> dict[str, Any]:
    """``alarms`` as lists of bools, ``false_alarms`` as a dict of floats."""
    alarms, rates = values["alarms"], values["false_alarms"]
    if type(alarms) is not np.ndarray or alarms.dtype != bool or alarms.ndim != 2:
        raise Fail(
            "`alarms` should be a 2-D NumPy array of bools (one row per window, one column per "
            f"feature), but it is {describe(alarms)}."
        )
    if type(rates) is not dict or not all(type(k) is str for k in rates):
        raise Fail(f"`false_alarms` should be a dict with str keys, but it is {describe(rates)}.")
    out: dict[str, float] = {}
    for key, value in rates.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise Fail(f"`false_alarms[{key!r}]` should be a float, but it is {describe(value)}.")
        out[key] = float(value)
    return {"alarms": [[bool(a) for a in row] for row in alarms], "false_alarms": out}


# --------------------------------------------------------------------------------------
# Exercise 9: the learner's promotion, read from the registry and the decision run.
# --------------------------------------------------------------------------------------


def _estimator_class(model: Any) -> str:
    """The class name of a loaded model: a pipeline's last step, or the model itself."""
    steps = getattr(model, "steps", None)
    if isinstance(steps, list) and steps:
        model = steps[-1][1]
    return type(model).__name__


def _version_predictions(name: str, version: str) -> dict[str, Any]:
    """A registered version's estimator class and 0/1 predictions on the comparison, check
    and challenger rows."""
    import mlflow

    uri = f"models:/{name}/{version}"
    try:
        model = mlflow.sklearn.load_model(uri)
    except Exception:  # not a scikit-learn flavour: the generic loader
        model = mlflow.pyfunc.load_model(uri)
    df = _stream()
    out: dict[str, Any] = {"estimator": _estimator_class(model)}
    for part, (a, b) in (
        ("compare", COMPARE_ROWS),
        ("check", CHECK_ROWS),
        ("challenger_train", CHALLENGER_ROWS),
    ):
        predicted = np.asarray(model.predict(df.iloc[a:b][list(FEATURES)])).ravel()
        out[part] = [int(p) for p in predicted]
    return out


def _extract_promotion(values: dict[str, Any]) -> dict[str, Any]:
    """The decision run's params and metrics, the alias, and the named versions' predictions."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    from mlcourse.tracking import current_learner, model_name
    from mlcourse.tracking._tags import EXERCISE_TAG

    run_id = values["decision_run_id"]
    if type(run_id) is not str:
        raise Fail(f"`decision_run_id` should be a str (a run's id), but it is {describe(run_id)}.")
    name = model_name(BASE_NAME)
    client = MlflowClient()
    data: dict[str, Any] = {
        "name": name,
        "learner": current_learner(),
        "run_found": False,
        "lifecycle_stage": None,
        "exercise": None,
        "params": {},
        "metrics": {},
        "alias_version": None,
        "predictions": {},
    }
    try:
        run = client.get_run(run_id)
    except MlflowException:
        return data
    data["run_found"] = True
    data["lifecycle_stage"] = str(run.info.lifecycle_stage)
    exercise = run.data.tags.get(EXERCISE_TAG)
    data["exercise"] = None if exercise is None else str(exercise)
    data["params"] = {str(k): str(v) for k, v in run.data.params.items()}
    data["metrics"] = {str(k): float(v) for k, v in run.data.metrics.items()}
    try:
        data["alias_version"] = str(client.get_model_version_by_alias(name, ALIAS).version)
    except MlflowException:
        return data
    registered = {str(v.version) for v in client.search_model_versions(f"name='{name}'")}
    for key in ("champion_version", "challenger_version"):
        version = data["params"].get(key)
        if version in registered and version not in data["predictions"]:
            data["predictions"][version] = _version_predictions(name, version)
    return data


_HINTS_PROMOTION = [
    "Follow the lesson's section 6 by hand, in the notebook: a champion trained on rows "
    "5,000-6,999, registered with its alias, then a challenger trained on rows 8,000-8,999, both "
    "scored on rows 9,000-9,499, and your `should_promote` deciding.",
    "Register each model with `mlflow.sklearn.log_model(model, name='model', "
    "registered_model_name=name)` inside a run, where `name = model_name('drift-classifier')`; "
    "pass `pip_requirements=[f'scikit-learn=={sklearn.__version__}']` as the prompt says; "
    "the returned info's `registered_model_version` is the version. Set the alias with "
    "`MlflowClient().set_registered_model_alias(name, 'champion', version)`.",
    "The decision run: `with mlcourse.tracking.run('21.9', run_name='promotion decision') as "
    "run:` log params `champion_version`, `challenger_version`, `decision` ('promote' or "
    "'keep') and metrics `champion_accuracy`, `challenger_accuracy` (on rows 9,000-9,499), "
    "`gain` and `se` (the paired gain and its standard error); move the alias only if the "
    "decision is 'promote'; `decision_run_id = run.info.run_id`.",
]


MODULE = Module(
    "21",
    "monitoring_retraining",
    "Monitoring and retraining",
    problems=(
        MethodRule(
            "21.1",
            find=_ks_used,
            breaks="calls SciPy's KS test",
            advice=(
                "The task asks for the statistic from the two empirical CDFs, with NumPy; "
                "use `ks_2samp` only outside the function, to check your result."
            ),
            name="ks_statistic",
            cases=_ks_cases,
            hidden=_ks_hidden,
            title="The two-sample KS statistic by hand",
            points=2,
            hints=[
                "The statistic is the largest vertical gap between the two empirical CDFs. "
                "Where can that gap be largest? Only at a value that occurs in one of the "
                "samples.",
                "Sort both samples; evaluate both CDFs at every value of the pooled sample with "
                "`np.searchsorted(sorted_sample, values, side='right') / n`.",
                "`grid = np.concatenate([ref, cur])`; `F_ref = np.searchsorted(np.sort(ref), "
                "grid, side='right') / len(ref)`, the same for `cur`; return "
                "`float(np.max(np.abs(F_ref - F_cur)))`.",
            ],
        ),
        Function(
            "21.2",
            name="psi",
            cases=_psi_cases,
            hidden=_psi_hidden,
            title="The population stability index, with the reference's bins",
            points=2,
            hints=[
                "Three steps: cut points from the *reference*, the proportion of each sample in "
                "each bin, then the sum over bins. An empty bin makes a logarithm infinite.",
                "`cuts = np.unique(np.quantile(reference, np.linspace(0, 1, n_bins + 1)[1:-1]))`; "
                "`np.searchsorted(cuts, x, side='right')` numbers the bins 0..len(cuts); "
                "`np.bincount(..., minlength=len(cuts) + 1) / len(x)` gives the proportions.",
                "Clip both proportion vectors below at 1e-4 (`np.maximum(p, 1e-4)`), then "
                "`float(np.sum((q - p) * np.log(q / p)))` with p the reference's, q the "
                "current's.",
            ],
        ),
        Function(
            "21.3",
            name="chi2_drift",
            cases=_chi2_cases,
            hidden=_chi2_hidden,
            title="Chi-squared drift test for a categorical feature",
            points=2,
            hints=[
                "Build a 2 x k table: one row per window, one column per category seen in "
                "either window, holding counts.",
                "Count with `collections.Counter`; list the categories with "
                "`sorted(set(ref) | set(cur))`; pass the table to `scipy.stats.chi2_contingency`.",
                "`res = chi2_contingency(table, correction=False)`; return "
                "`(float(res.statistic), float(res.pvalue))`. Without `correction=False`, "
                "SciPy applies Yates' correction when there are two categories.",
            ],
        ),
        Custom(
            "21.4",
            reads=("alarms", "false_alarms"),
            extract=_extract_alarms,
            title="How often KS fires on drift-free windows",
            points=2,
            hints=[
                "Use the drift-free twin stream. Reference: its rows 0-999; then every full "
                "window of 250 rows after it; a test per window and per feature.",
                "`for start in range(1000, 10_000 - 250 + 1, 250)`: for each feature, "
                "`ks_2samp(ref[f], window[f]).pvalue < 0.05` is an alarm. `alarms` holds one "
                "row per window and one column per feature, in the order x1..x4.",
                "`alarms = np.array([[... for f in FEATURES] for start in ...])`; then "
                "`false_alarms = {'per_test': float(alarms.mean()), 'per_window': "
                "float(alarms.any(axis=1).mean())}`.",
            ],
        ),
        Value(
            "21.5",
            var="psi_threshold",
            title="A PSI threshold for a 5% false-alarm rate, chosen on drift-free data",
            points=2,
            rtol=1e-9,
            hints=[
                "A false alarm is a PSI above the threshold on a window without drift: so the "
                "threshold must come from drift-free windows only.",
                "The same windows as exercise 4, on the drift-free twin: the PSI (10 bins) of "
                "each feature in each window against the reference rows 0-999, 144 values.",
                "`psi_threshold = float(np.quantile(null_psi, 0.95))` where `null_psi` holds "
                "those 144 values.",
            ],
        ),
        Function(
            "21.6",
            name="first_alert",
            cases=_alert_cases,
            hidden=_alert_hidden,
            title="The first alert on a stream",
            points=2,
            check_dtype=True,
            hints=[
                "The reference is `values[:ref_size]` and never moves; the windows follow it "
                "back to back; only full windows are tested.",
                "`for start in range(ref_size, len(values) - window + 1, window)`: compute "
                "`psi(values[:ref_size], values[start:start + window])`.",
                "Return `start` for the first window whose PSI is strictly above `threshold`, "
                "and -1 when there is none.",
            ],
        ),
        Function(
            "21.7",
            name="rolling_accuracy",
            cases=_rolling_cases,
            hidden=_rolling_hidden,
            title="Rolling accuracy when labels arrive late",
            points=2,
            hints=[
                "At time t, the label of row i is known only if i + delay <= t. The last "
                "`window` known labels are those of rows t - delay - window + 1 .. t - delay.",
                "Compute `correct = (y_true == y_pred)` and its rolling mean over full windows "
                "(`pd.Series(correct).rolling(window).mean()`), then shift it by `delay` rows.",
                "`out = pd.Series(np.asarray(y_true) == np.asarray(y_pred), dtype=float)"
                ".rolling(window).mean().shift(delay).to_numpy()`; the first entries are NaN.",
            ],
        ),
        Function(
            "21.8",
            name="should_promote",
            cases=_promote_cases,
            hidden=_promote_hidden,
            title="The promotion rule",
            points=2,
            hints=[
                "Work with the paired difference d = challenger_correct - champion_correct, one "
                "value per held-out row. Its mean is the gain in accuracy.",
                "The gain's standard error is `d.std(ddof=1) / np.sqrt(len(d))`. Check the "
                "lengths first and raise ValueError if they differ or if there are fewer than "
                "two rows.",
                "Return `bool(gain > margin + 2 * se)`: an equal or worse challenger never "
                "wins, nor one whose gain is within noise of the margin.",
            ],
        ),
        Custom(
            "21.9",
            reads=("decision_run_id",),
            extract=_extract_promotion,
            title="Retrain, compare and promote, logged",
            points=3,
            hints=_HINTS_PROMOTION,
        ),
        Choice("21.kc1", var="kc1", choices="abcd"),
        Choice("21.kc2", var="kc2", choices="abcd"),
        Numeric("21.kc3", var="kc3", atol=0.0006),
        Choice("21.kc4", var="kc4", choices="abcd"),
        Choice("21.kc5", var="kc5", choices="abcd"),
        Choice("21.kc6", var="kc6", choices="abcd"),
    ),
)
