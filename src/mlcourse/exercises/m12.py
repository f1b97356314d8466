"""Module 12 — Project: fraud detection: the declaration of the exercises and the quiz.

The exercises work on 100,000 generated card transactions (``make_transactions(100_000,
seed=42)``, 0.5% fraud, 90 days from 2025-01-01) split in time: training before 1 March,
validation 1-15 March, test from 16 March. The models are fitted on the training period; the
calibration, the threshold and every choice use the validation period; the test period is used
once, at the end. 12.1 collects the transaction ids, columns and a hash of the values of the
three periods, 12.3 the learner's validation evidence and choice of ``min_child_samples`` with
the validation probabilities of the booster kept, 12.5 the test probabilities of the calibrated
model, 12.10 the model card's text; the key compares them with the same models refitted on the
course's rows. 12.2 and 12.6 add a hidden case drawn unseeded when answers are collected
(``_FreshCase``), so no function can look its answers up. The key is in mlcourse.keys.m12.
"""

from __future__ import annotations

import math
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Value, describe
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import NoSklearnMetrics
from mlcourse.exercises._sklearn import class_path as _class_path
from mlcourse.exercises._sklearn import fitted as _fitted
from mlcourse.exercises._sklearn import one_thread as _one_thread

TX_ROWS, TX_SEED = 100_000, 42
VAL_START, TEST_START = "2025-03-01", "2025-03-16"  # the period boundaries (in the prompt)
NUMERIC = (
    "amount",
    "hour",
    "distance_from_home_km",
    "n_txn_last_1h",
    "n_txn_last_24h",
    "seconds_since_last_txn",
    "amount_ratio_to_customer_mean",
)
CATEGORICAL = ("merchant_category", "channel")
FEATURES = NUMERIC + CATEGORICAL
# exercise 3: the booster's fixed settings, and the candidates of the one the learner chooses
BASE_PARAMS = {
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "random_state": 0,
}
CHILD_CANDIDATES = (10, 50, 200)  # min_child_samples, chosen on the validation period
FEE = 5.0  # the cost of reviewing one flagged transaction (exercises 6-8)
THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.005, 0.5001, 0.005), 3))
_AP_METRICS = frozenset({"average_precision_score", "precision_recall_curve", "auc"})


# bound when the declaration is imported, before any learner cell runs: a learner cell that
# replaces np.random.default_rng later does not choose the drawn cases
_fresh_rng = np.random.default_rng


class _FreshCase:
    """A function problem with one more hidden case, drawn unseeded each time answers are collected.

    Every other case can be read from this declaration, so a function could look its answers
    up; this one is drawn when ``collect`` runs (``draw()``, plain lists) and carried in the
    answer as ``fresh``, so the judge (in another process when graded) scores the learner's
    result on the same inputs with the key's reference.
    """

    def __init__(self, *args: Any, draw: Any, n_args: int, fresh_label: str, **kwargs: Any):
        self._draw, self._n_args, self._fresh_label, self._fresh = draw, n_args, fresh_label, None
        super().__init__(*args, **kwargs)

    def cases(self) -> list[tuple[bool, Case]]:
        cases = super().cases()
        if self._fresh is not None:
            cases.append((True, Case(*self._fresh, label=self._fresh_label)))
        return cases

    def collect(self, namespace: Any) -> Any:
        self._fresh = self._draw()
        try:
            answer = super().collect(namespace)
            if answer.missing is None and answer.error is None:
                answer.values["fresh"] = [
                    list(a) if isinstance(a, list) else a for a in self._fresh
                ]
        finally:
            self._fresh = None
        return answer

    def _collected_names(self) -> tuple[str, ...]:
        return (*super()._collected_names(), "fresh")

    def evaluate(self, answer: Any) -> Any:
        values = answer.values if isinstance(answer.values, dict) else {}
        fresh = values.get("fresh")
        if answer.missing is None and answer.error is None:
            if not _plain_args(fresh, self._n_args):
                return self._wrong(
                    "The collected answer could not be read: its drawn case is malformed."
                )
            self._fresh = tuple(fresh)
        try:
            return super().evaluate(answer)
        finally:
            self._fresh = None


def _plain_args(fresh: Any, n: int) -> bool:
    """Whether a collected drawn case has the drawn cases' form (data from the learner's kernel).

    ``n`` arguments; the lists (labels first) of one length between 200 and 499, the labels 0
    or 1 with at least two frauds, every number finite.
    """
    if type(fresh) is not list or len(fresh) != n:
        return False
    lists = [arg for arg in fresh if type(arg) is list]
    if not lists or len({len(arg) for arg in lists}) != 1 or not 200 <= len(lists[0]) < 500:
        return False
    for arg in fresh:
        items = arg if type(arg) is list else [arg]
        if not all(type(v) in (int, float) and math.isfinite(v) for v in items):
            return False
    labels = fresh[0]
    return type(labels) is list and set(labels) <= {0, 1} and sum(labels) >= 2


class _FreshAP(_FreshCase, NoSklearnMetrics):
    pass


class _FreshFunction(_FreshCase, Function):
    pass


def _ap_fresh() -> tuple[list[int], list[float]]:
    rng = _fresh_rng()  # unseeded on purpose: not known before the check runs
    n = int(rng.integers(300, 500))
    y = (rng.random(n) < 0.05).astype(int)
    y[rng.choice(n, 2, replace=False)] = 1
    scores = np.round(0.3 * y + rng.random(n), 2)  # many ties
    return [int(v) for v in y], [float(v) for v in scores]


def _cost_fresh() -> tuple[list[int], list[float], list[float], float, float]:
    rng = _fresh_rng()  # unseeded on purpose: not known before the check runs
    n = int(rng.integers(200, 400))
    cents = int(rng.integers(20, 60)) / 100
    threshold = cents + 0.0045  # between two 2-decimal values
    y = (rng.random(n) < 0.15).astype(int)
    proba = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    near = rng.choice(n, 20, replace=False)  # unrounded, on both sides of the threshold
    proba[near[:10]] = threshold - rng.uniform(1e-6, 4e-3, 10)
    proba[near[10:]] = rng.uniform(threshold + 1e-6, cents + 0.005 - 1e-6, 10)  # round down
    y[near[::2]] = 1
    amount = np.round(rng.gamma(2.0, 40.0, n), 2)
    fee = float(np.round(rng.uniform(1.0, 10.0), 2))
    return (
        [int(v) for v in y],
        [float(v) for v in proba],
        [float(v) for v in amount],
        threshold,
        fee,
    )


@lru_cache(maxsize=1)
def _transactions():
    from mlcourse.datasets import make_transactions

    return make_transactions(TX_ROWS, seed=TX_SEED)


@lru_cache(maxsize=1)
def _periods() -> dict[str, Any]:
    """The three periods of the notebook, as frames of the generated transactions."""
    tx = _transactions()
    ts = tx["timestamp"]
    return {
        "train": tx[ts < VAL_START],
        "val": tx[(ts >= VAL_START) & (ts < TEST_START)],
        "test": tx[ts >= TEST_START],
    }


def _xy(period: str) -> tuple[Any, Any]:
    frame = _periods()[period]
    return frame[list(FEATURES)].copy(), frame["is_fraud"]


# --------------------------------------------------------------------------------------
# Exercise 1: the three periods, as transaction ids.
# --------------------------------------------------------------------------------------


def _extract_split(values: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    out = {}
    for name in ("train", "val", "test"):
        frame = values[name]
        if not isinstance(frame, pd.DataFrame) or "transaction_id" not in frame.columns:
            raise Fail(
                f"`{name}` should be a DataFrame of transactions (rows of `tx` with all its "
                f"columns), but it is {describe(frame)}."
            )
        ids = np.asarray(frame["transaction_id"])
        if ids.dtype.kind not in "iu":
            raise Fail(f"`{name}['transaction_id']` should hold integers, not {ids.dtype}.")
        out[name] = [int(i) for i in ids[:200_000]]
        out[f"{name}_columns"] = [str(c) for c in list(frame.columns)[:100]]
        try:
            digest = int(pd.util.hash_pandas_object(frame, index=False).sum())
        except (TypeError, ValueError):
            digest = -1  # a column that cannot be hashed: not `tx`'s columns
        out[f"{name}_hash"] = digest
    return out


# --------------------------------------------------------------------------------------
# Exercise 2: average precision from scratch.
# --------------------------------------------------------------------------------------


def _ap_cases() -> list[Case]:
    return [
        Case(
            [0, 1, 0, 1, 1, 0],
            [0.1, 0.9, 0.4, 0.35, 0.8, 0.3],
            call="average_precision([0, 1, 0, 1, 1, 0], [0.1, 0.9, 0.4, 0.35, 0.8, 0.3])",
        ),
        Case(
            np.array([1, 0, 0, 1, 0]),
            np.array([0.2, 0.6, 0.1, 0.7, 0.05]),
            call=(
                "average_precision(np.array([1, 0, 0, 1, 0]), np.array([0.2, 0.6, 0.1, 0.7, 0.05]))"
            ),
        ),
    ]


def _ap_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(12)
    y = (rng.random(400) < 0.05).astype(int)
    y[:2] = 1
    scores = np.round(0.3 * y + rng.random(400), 2)  # many ties
    index = rng.permutation(400) + 1000
    return [
        Case([0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5], label="every score tied"),
        Case([1, 0, 1, 0, 0], [0.8, 0.6, 0.6, 0.2, 0.6], label="a tie across both classes"),
        Case([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1], label="a perfect ranking"),
        Case([0, 0, 1, 1], [0.9, 0.8, 0.3, 0.1], label="a reversed ranking"),
        Case([1, 1, 1], [0.2, 0.5, 0.1], label="only positive labels"),
        Case([0, 0, 0], [0.2, 0.5, 0.1], raises=ValueError, label="no positive label"),
        Case([1, 0, 0, 1], [-3.0, -1.0, -2.0, 5.0], label="scores that are not probabilities"),
        Case(
            pd.Series(y, index=index),
            pd.Series(scores, index=index[::-1]),
            label="400 labels with ties, as pandas Series with shuffled indexes",
        ),
        Case(y.tolist(), scores.tolist(), label="400 labels with ties, as lists"),
    ]


# --------------------------------------------------------------------------------------
# Exercises 3 and 5: the fitted models (learner's process).
# --------------------------------------------------------------------------------------


def _positive_proba(model: Any, X: Any) -> list[float]:
    with warnings.catch_warnings(), _one_thread():
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(X), dtype=float)
    classes = [str(c) for c in getattr(model, "classes_", [])]
    if proba.ndim != 2 or classes != ["0", "1"]:
        raise Fail(
            "The model should be fitted on `is_fraud` (classes 0 and 1), but its classes are "
            f"{classes[:5]}."
        )
    return [float(p) for p in proba[:, 1]]


def _plain(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)[:200]


def _extract_lgbm(values: dict[str, Any]) -> dict[str, Any]:
    """The evidence and the choice of min_child_samples, and the booster kept."""
    choice = values["size_choice"]
    if not isinstance(choice, dict) or set(choice) != {"val_ap", "min_child_samples"}:
        raise Fail(
            "`size_choice` should be a dict with the keys 'val_ap' and 'min_child_samples', "
            f"but it is {describe(choice)}."
        )
    evidence = choice["val_ap"]
    if not hasattr(evidence, "items"):
        raise Fail(
            "`size_choice['val_ap']` should map each candidate of `CHILD_CANDIDATES` to its "
            f"average precision (a dict or a Series), but it is {describe(evidence)}."
        )
    try:
        pairs = [[int(k), float(v)] for k, v in list(evidence.items())[:20]]
        chosen = int(choice["min_child_samples"])
    except (TypeError, ValueError):
        raise Fail(
            "`size_choice['val_ap']` should map integers (the candidates) to numbers, and "
            "`size_choice['min_child_samples']` be one of the candidates."
        ) from None
    model = _fitted(values["lgbm"], "lgbm", "lightgbm.LGBMClassifier", "fit it first")
    params = model.get_params(deep=False)
    X_val, _ = _xy("val")
    names = (*BASE_PARAMS, "min_child_samples", "class_weight")
    return {
        "val_ap": pairs,
        "chosen": chosen,
        "estimator": _class_path(model),
        "params": {k: _plain(params.get(k, "<missing>")) for k in names},
        "proba": _proba_categorical(model, X_val, "lgbm"),
    }


def _proba_categorical(model: Any, X: Any, name: str) -> list[float]:
    try:
        return _positive_proba(model, X)
    except ValueError as error:
        if "categorical_feature" not in str(error):
            raise
        raise Fail(
            f"`{name}` was fitted on other categorical columns than `X_val` holds (LightGBM: "
            "train and valid dataset categorical_feature do not match). Keep "
            "`merchant_category` and `channel` as the `category` dtype of `tx`: select the "
            "columns `FEATURES`, without encoding them."
        ) from None


def _extract_calibrated(values: dict[str, Any]) -> dict[str, Any]:
    """The calibrator's class, method, what it wraps, and its test probabilities of fraud."""
    model = _fitted(values["calibrated"], "calibrated", "CalibratedClassifierCV", "fit it first")
    inner = getattr(model, "estimator", None)
    wrapped = getattr(inner, "estimator", None)
    X_test, _ = _xy("test")
    return {
        "estimator": _class_path(model),
        "method": _plain(getattr(model, "method", None)),
        "inner": _class_path(inner),
        "wrapped": _class_path(wrapped),
        "n_calibrators": len(getattr(model, "calibrated_classifiers_", []) or []),
        "proba": _proba_categorical(model, X_test, "calibrated"),
    }


def _extract_choice(values: dict[str, Any]) -> dict[str, Any]:
    """The costs (an array, a list or a Series: their values, in order) and the threshold."""
    choice = values["threshold_choice"]
    if not isinstance(choice, dict) or set(choice) != {"costs", "threshold"}:
        raise Fail(
            "`threshold_choice` should be a dict with the keys 'costs' and 'threshold', but it "
            f"is {describe(choice)}."
        )
    try:
        costs = np.asarray(choice["costs"], dtype=float).ravel()
        threshold = float(choice["threshold"])
    except (TypeError, ValueError):
        raise Fail(
            "`threshold_choice['costs']` should hold one number per threshold (an array, a list "
            "or a Series) and `threshold_choice['threshold']` a number."
        ) from None
    return {"costs": [float(c) for c in costs[:1000]], "threshold": threshold}


def _extract_card(values: dict[str, Any]) -> dict[str, Any]:
    card = values["model_card"]
    if not isinstance(card, str):
        raise Fail(f"`model_card` should be a string (the filled template), not {describe(card)}.")
    return {"card": str(card)[:20_000]}


_PROBLEMS = (
    Custom(
        "12.1",
        reads=("train", "val", "test"),
        extract=_extract_split,
        title="A split in time",
        points=2,
        hints=[
            "Fraud detection scores tomorrow's transactions with a model trained on yesterday's: "
            "split by the `timestamp` column, not at random.",
            "Compare `tx['timestamp']` with the dates `'2025-03-01'` and `'2025-03-16'`: a "
            "boolean mask per period, each row in exactly one of them.",
            "`train = tx[tx['timestamp'] < '2025-03-01']`, `val = tx[(tx['timestamp'] >= "
            "'2025-03-01') & (tx['timestamp'] < '2025-03-16')]`, `test = tx[tx['timestamp'] >= "
            "'2025-03-16']`.",
        ],
    ),
    _FreshAP(
        "12.2",
        draw=_ap_fresh,
        n_args=2,  # labels, scores
        fresh_label="labels with ties drawn at random when the check runs",
        metric_names=_AP_METRICS,
        advice="Sort the scores, then count the true and false positives above each threshold.",
        name="average_precision",
        cases=_ap_cases,
        hidden=_ap_hidden,
        title="Average precision from scratch",
        points=2,
        hints=[
            "Average precision sums, over the distinct thresholds from the highest score down, "
            "the precision at that threshold times the recall gained there.",
            "Sort by score, descending; tied scores form ONE threshold: take the cumulative "
            "counts of positives and of all rows at the last row of each group of ties "
            "(`np.unique` of the scores, or `np.diff` of the sorted scores, finds the groups).",
            "With `tp` and `n` the cumulative positives and rows at each distinct threshold: "
            "`precision = tp / n`, `recall = tp / tp[-1]`, and `np.sum(np.diff(recall, "
            "prepend=0) * precision)`; raise ValueError first when `y_true` has no 1.",
        ],
    ),
    Custom(
        "12.3",
        reads=("size_choice", "lgbm"),
        extract=_extract_lgbm,
        title="Choosing the booster's leaf size on validation",
        points=3,
        hints=[
            "A hyperparameter is chosen on rows the model was not fitted on and that the test "
            "period does not touch: fit one booster per candidate on the training period and "
            "compare them on the validation period, with the metric of the task.",
            "For each `m` in `CHILD_CANDIDATES`: `lgb.LGBMClassifier(**BASE_PARAMS, "
            "min_child_samples=m, n_jobs=1, verbose=-1)` fitted on `X_train`, `y_train`, then "
            "`average_precision_score(y_val, model.predict_proba(X_val)[:, 1])`; keep the "
            "fitted models in a dict.",
            "`size_choice = {'val_ap': val_ap_by_m, 'min_child_samples': max(val_ap_by_m, "
            "key=val_ap_by_m.get)}` and `lgbm = boosters[size_choice['min_child_samples']]`.",
        ],
    ),
    Value(
        "12.4",
        var="val_ap",
        rtol=1e-6,
        atol=1e-9,
        title="Average precision of the baselines and the booster on validation",
        points=2,
        hints=[
            "Score each model on the validation period: the rows it was not fitted on.",
            "The prevalence baseline gives every transaction the same score, the training "
            "fraud rate; `logreg` and `lgbm` give `predict_proba(X_val)[:, 1]`. Score each with "
            "`average_precision_score(y_val, scores)`.",
            "`val_ap = {'prevalence': average_precision_score(y_val, np.full(len(y_val), "
            "y_train.mean())), 'logreg': ..., 'lgbm': ...}`, as floats.",
        ],
    ),
    Custom(
        "12.5",
        reads=("calibrated",),
        extract=_extract_calibrated,
        title="Calibrating the booster on the validation period",
        points=2,
        hints=[
            "The booster is already trained: the calibrator must not refit it, only learn a "
            "map from its scores to probabilities, on rows it was not trained on.",
            "scikit-learn's `CalibratedClassifierCV` learns the map; wrapped in "
            "`sklearn.frozen.FrozenEstimator`, a fitted model is used as it is, never refitted. "
            "With about 80 frauds to learn from, choose the method with two parameters, and fit "
            "on the period the booster has not seen and the test does not touch.",
            "`calibrated = CalibratedClassifierCV(FrozenEstimator(lgbm), method='sigmoid')"
            ".fit(X_val, y_val)`",
        ],
    ),
    _FreshFunction(
        "12.6",
        draw=_cost_fresh,
        n_args=5,  # as _cost_fresh returns them
        fresh_label="transactions drawn at random when the check runs, unrounded probabilities "
        "next to the threshold",
        name="review_cost",
        cases=lambda: [
            Case(
                [1, 0, 1, 0],
                [0.9, 0.2, 0.1, 0.6],
                [120.0, 30.0, 45.5, 10.0],
                0.5,
                5.0,
                call="review_cost([1, 0, 1, 0], [0.9, 0.2, 0.1, 0.6], "
                "[120.0, 30.0, 45.5, 10.0], 0.5, 5.0)",
            ),
        ],
        hidden=lambda: _cost_hidden(),
        title="The cost of a threshold",
        points=2,
        hints=[
            "Flag every transaction whose probability is at least the threshold. Each flag "
            "costs the fee; each fraud that is not flagged costs its amount.",
            "`flag = np.asarray(proba) >= threshold`; with `y = np.asarray(y_true) == 1`, the "
            "missed frauds are `y & ~flag`.",
            "`return float(fee * flag.sum() + np.asarray(amount, dtype=float)[y & ~flag].sum())`",
        ],
    ),
    Custom(
        "12.7",
        reads=("threshold_choice",),
        extract=_extract_choice,
        title="A threshold chosen from costs on the validation period",
        points=3,
        hints=[
            "The evidence comes first: the cost of every threshold in `thresholds` on the "
            "validation period, with the calibrated probabilities and the fee `FEE`.",
            "`costs = np.array([review_cost(y_val, p_val, X_val['amount'], t, FEE) for t in "
            "thresholds])` with `p_val = calibrated.predict_proba(X_val)[:, 1]`.",
            "`threshold_choice = {'costs': costs, 'threshold': float(thresholds[np.argmin("
            "costs)])}` (`np.argmin` takes the smallest of tied thresholds).",
        ],
    ),
    Value(
        "12.8",
        var="test_costs",
        rtol=1e-7,
        atol=1e-6,
        title="The test period, once: the model's cost and the alternatives",
        points=3,
        hints=[
            "Apply the threshold chosen on validation, unchanged, to the calibrated "
            "probabilities of the test period; the alternatives are policies, not models.",
            "Reviewing everything is threshold 0, reviewing nothing a threshold above 1; "
            "threshold 0.5 is the default of `predict`.",
            "`test_costs = {'model': review_cost(y_test, p_test, X_test['amount'], "
            "threshold_choice['threshold'], FEE), 'threshold_0.5': ..., 'review_all': ..., "
            "'review_none': ...}`",
        ],
    ),
    Value(
        "12.9",
        var="test_report",
        rtol=1e-6,
        atol=1e-9,
        title="The model card's test figures",
        points=1,
        hints=[
            "The model card reports the deployed model, the calibrated booster, on the test "
            "period.",
            "`average_precision_score(y_test, p_test)` and `brier_score_loss(y_test, p_test)` "
            "with `p_test = calibrated.predict_proba(X_test)[:, 1]`.",
            "`test_report = {'average_precision': ..., 'brier': ..., 'fraud_rate': "
            "float(y_test.mean())}`",
        ],
    ),
    Custom(
        "12.10",
        reads=("model_card",),
        extract=_extract_card,
        title="The model card, filled from your own figures",
        points=3,
        hints=[
            "Every figure of the card comes from a variable you computed: your choice of "
            "`min_child_samples`, your threshold, your `test_report` and `test_costs`. Type "
            "none of them in: when a choice changes, the card changes with it.",
            "`CARD_TEMPLATE.format(...)` with one keyword per `{field}`; `test_costs` has the "
            "key `'threshold_0.5'`, which a format field cannot name: pass it as "
            "`threshold_05=test_costs['threshold_0.5']`. The intended use and the limits are "
            "your own sentences (at least three limits, separated by semicolons).",
            "`model_card = CARD_TEMPLATE.format(FEE=FEE, min_child_samples=size_choice["
            "'min_child_samples'], threshold=threshold_choice['threshold'], intended_use='...', "
            "limits='...; ...; ...', threshold_05=test_costs['threshold_0.5'], **test_report, "
            "**{k: v for k, v in test_costs.items() if k != 'threshold_0.5'})`",
        ],
    ),
    Choice(
        "12.kc1",
        var="kc1",
        choices="abcd",
        title="Accuracy under heavy imbalance",
        hints=["What does a model that never flags anything score?"],
    ),
    Choice(
        "12.kc2",
        var="kc2",
        choices="abcd",
        title="ROC-AUC and average precision",
        hints=["Which of the two rates divides by the number of legitimate transactions?"],
    ),
    Choice(
        "12.kc3",
        var="kc3",
        choices="abcd",
        title="A random split of transactions",
        hints=["A fraud episode is several transactions on one card within an hour or two."],
    ),
    Choice(
        "12.kc4",
        var="kc4",
        choices="abcd",
        title="Sigmoid or isotonic calibration",
        hints=["How many frauds does the validation period hold, and how many parameters?"],
    ),
    Choice(
        "12.kc5",
        var="kc5",
        choices="abcd",
        title="What the test cost does not tell",
        hints=["Read the dataset card's section on what is not simulated."],
    ),
)


def _cost_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(121)
    y = (rng.random(300) < 0.1).astype(int)
    proba = np.clip(0.4 * y + 0.6 * rng.random(300), 0, 1)  # not rounded
    amount = np.round(rng.gamma(2.0, 40.0, 300), 2)
    index = rng.permutation(300) + 500
    return [
        Case(
            [1, 0, 1],
            [0.5, 0.5, 0.49],
            [10.0, 20.0, 30.0],
            0.5,
            5.0,
            label="probabilities exactly at the threshold",
        ),
        Case(
            [1, 0, 1],
            [0.2, 0.9, 0.1],
            [10.0, 20.0, 30.0],
            0.0,
            2.0,
            label="threshold 0 (review everything)",
        ),
        Case(
            [1, 0, 1],
            [0.2, 0.9, 0.1],
            [10.0, 20.0, 30.0],
            1.01,
            2.0,
            label="a threshold above 1 (review nothing)",
        ),
        Case([0, 0], [0.7, 0.1], [3.0, 4.0], 0.5, 5.0, label="no fraud"),
        Case(
            [1, 1],
            [0.4999, 0.5],
            [10.0, 20.0],
            0.5,
            5.0,
            label="unrounded probabilities on both sides of the threshold",
        ),
        Case(
            [1, 1, 1],
            [0.49996, 0.5, 0.50004],
            [10.0, 20.0, 40.0],
            0.5,
            5.0,
            label="probabilities within 0.0001 of the threshold",
        ),
        Case([], [], [], 0.5, 5.0, label="no transactions"),
        Case(y, proba, amount, 0.3, 5.0, label="300 transactions as arrays"),
        Case(
            y.tolist(),
            proba.tolist(),
            amount.tolist(),
            0.55,
            12.5,
            label="300 transactions as lists, another fee",
        ),
        Case(
            pd.Series(y, index=index),
            pd.Series(proba, index=index[::-1]),
            pd.Series(amount, index=rng.permutation(index)),
            0.42,
            5.0,
            label="300 transactions as pandas Series with shuffled indexes",
        ),
    ]


MODULE = Module("12", "project_fraud_detection", "Project: fraud detection", problems=_PROBLEMS)
