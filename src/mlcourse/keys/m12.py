"""Module 12 — Project: fraud detection: the answer key.

Every expected value is recomputed from the generated transactions: the periods by date, the
models refitted on the training period, the calibrator on the validation period.
"""

from __future__ import annotations

from functools import cache
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
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m12 import (
    BASE_PARAMS,
    CATEGORICAL,
    CHILD_CANDIDATES,
    FEE,
    NUMERIC,
    TEST_START,
    THRESHOLDS,
    VAL_START,
    _periods,
    _transactions,
    _xy,
)

_PROBA_ATOL = 1e-6  # LightGBM's sums may differ in the last bits with other thread counts

# --------------------------------------------------------------------------------------
# Exercise 1: the split in time.
# --------------------------------------------------------------------------------------


def _ids(name: str) -> np.ndarray:
    return _periods()[name]["transaction_id"].to_numpy()


@cache
def _period_hash(name: str) -> int:
    import pandas as pd

    return int(pd.util.hash_pandas_object(_periods()[name], index=False).sum())


def _judge_split(data: dict[str, Any]) -> None:
    order = ("train", "val", "test")
    require_dict(
        data, "data", (*order, *(f"{n}_columns" for n in order), *(f"{n}_hash" for n in order))
    )
    got = {}
    for name in order:
        got[name] = np.asarray(
            require_list(data[name], at("data", name), item=require_int), dtype=np.int64
        )
        require_list(data[f"{name}_columns"], at("data", f"{name}_columns"), item=require_str)
        require_int(data[f"{name}_hash"], at("data", f"{name}_hash"))
    tx = _transactions()
    n = len(tx)
    for name, ids in got.items():
        if ids.size and (ids.min() < 0 or ids.max() >= n):
            raise Fail(
                f"`{name}` holds transaction ids outside 0..{n - 1}: take its rows from `tx`."
            )
    seen = np.concatenate(list(got.values()))
    if len(np.unique(seen)) != len(seen):
        raise Fail(
            "Some transactions are in two periods (or twice in one): each row belongs to "
            "exactly one of `train`, `val`, `test`."
        )
    if len(seen) != n:
        raise Fail(
            f"The three periods hold {len(seen)} transactions together, but `tx` has {n}: "
            "every transaction belongs to one period."
        )
    times = tx["timestamp"].to_numpy()
    order = ("train", "val", "test")
    for early, late in zip(order, order[1:], strict=False):
        if got[early].size and got[late].size and times[got[early]].max() >= times[got[late]].min():
            raise Fail(
                f"`{early}` holds transactions from after the start of `{late}`: the model "
                "would learn from the future it is meant to predict. Split by `timestamp`, "
                "each period strictly after the one before."
            )
    for name in order:
        if not np.array_equal(np.sort(got[name]), _ids(name)):
            raise Fail(
                f"`{name}` is in time order but does not cover its dates: the boundaries are "
                f"{VAL_START} (first validation day) and {TEST_START} (first test day)."
            )
        if not np.array_equal(got[name], _ids(name)):
            raise Fail(
                f"`{name}` holds the right transactions but not in time order; keep `tx`'s order."
            )
    columns = [str(c) for c in tx.columns]
    for name in order:
        if data[f"{name}_columns"] != columns:
            raise Fail(
                f"`{name}` holds the right transactions but not `tx`'s columns (in `tx`'s "
                "order): keep every column as it is, the rows are all you select."
            )
        if data[f"{name}_hash"] != _period_hash(name):
            raise Fail(
                f"`{name}` holds the right transactions and columns, but some of its values "
                "differ from `tx`'s: select rows of `tx` without changing them."
            )


# --------------------------------------------------------------------------------------
# Exercise 2: average precision.
# --------------------------------------------------------------------------------------


def _average_precision(y_true, scores) -> float:
    from sklearn.metrics import average_precision_score

    y = np.asarray(y_true)
    if not (y == 1).any():
        raise ValueError("no positive label")
    return float(average_precision_score(y, np.asarray(scores, dtype=float)))


def _ap_no_ties(y_true, scores) -> float:
    y = np.asarray(y_true)
    if not (y == 1).any():
        raise ValueError("no positive label")
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    hits = (y[order] == 1).astype(float)
    tp = np.cumsum(hits)
    precision = tp / np.arange(1, len(hits) + 1)
    return float(np.sum(precision * hits) / tp[-1])


def _ap_trapezoid(y_true, scores) -> float:
    from sklearn.metrics import auc, precision_recall_curve

    y = np.asarray(y_true)
    if not (y == 1).any():
        raise ValueError("no positive label")
    precision, recall, _ = precision_recall_curve(y, np.asarray(scores, dtype=float))
    return float(auc(recall, precision))


# --------------------------------------------------------------------------------------
# Exercises 3-5: the models.
# --------------------------------------------------------------------------------------


def _logreg():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), list(NUMERIC)),
            ("cat", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL)),
        ]
    )
    return Pipeline([("prep", prep), ("logreg", LogisticRegression(max_iter=1000))])


def _fitted_model(kind: str, rows: str = "train", child: int | None = None) -> Any:
    if kind == "lgbm" and child is None:
        child = _chosen()
    return _fit(kind, rows, child)


@cache
def _fit(kind: str, rows: str, child: int | None) -> Any:
    import lightgbm as lgb
    import pandas as pd

    if rows == "train+val":
        parts = [_xy("train"), _xy("val")]
        X = pd.concat([p[0] for p in parts])
        y = pd.concat([p[1] for p in parts])
    else:
        X, y = _xy(rows)
    if kind == "lgbm":
        params = {**BASE_PARAMS, "min_child_samples": child}
        model = lgb.LGBMClassifier(**params, n_jobs=1, verbose=-1)
    else:
        model = _logreg()
    with _one_thread():
        return model.fit(X, y)


@cache
def _child_ap(on: str) -> dict[int, float]:
    """The average precision on ``on`` of a booster per candidate, fitted on the training period."""
    from sklearn.metrics import average_precision_score

    y = _xy(on)[1]
    out = {}
    for m in CHILD_CANDIDATES:
        with _one_thread():
            p = _fitted_model("lgbm", "train", m).predict_proba(_xy(on)[0])[:, 1]
        out[m] = float(average_precision_score(y, p))
    return out


def _chosen() -> int:
    ap = _child_ap("val")
    return max(ap, key=ap.get)


@cache
def _proba(kind: str, rows: str, on: str) -> np.ndarray:
    with _one_thread():
        return _fitted_model(kind, rows).predict_proba(_xy(on)[0])[:, 1]


def _judge_lgbm(data: dict[str, Any]) -> None:
    import lightgbm as lgb

    names = (*BASE_PARAMS, "min_child_samples", "class_weight")
    require_dict(data, "data", ("val_ap", "chosen", "estimator", "params", "proba"))
    pairs = require_list(data["val_ap"], at("data", "val_ap"))
    got_ap: dict[int, float] = {}
    for i, pair in enumerate(pairs):
        pair = require_list(pair, at(at("data", "val_ap"), str(i)))
        if len(pair) != 2:
            raise Fail("`size_choice['val_ap']` should map each candidate to one number.")
        got_ap[require_int(pair[0], "candidate")] = require_float(pair[1], "average precision")
    chosen = require_int(data["chosen"], at("data", "chosen"))
    require_str(data["estimator"], at("data", "estimator"))
    require_dict(data["params"], at("data", "params"), names)
    for key, value in data["params"].items():
        require_str(value, at(at("data", "params"), key))
    proba = np.asarray(
        require_list(data["proba"], at("data", "proba"), item=require_float), dtype=float
    )
    if len(pairs) != len(got_ap) or sorted(got_ap) != sorted(CHILD_CANDIDATES):
        raise Fail(
            "`size_choice['val_ap']` should hold one average precision for each candidate of "
            f"`CHILD_CANDIDATES` {CHILD_CANDIDATES}, and nothing else."
        )

    def same(ap: dict[int, float]) -> bool:
        return all(abs(got_ap[m] - ap[m]) <= 1e-6 for m in CHILD_CANDIDATES)

    if not same(_child_ap("val")):
        if same(_child_ap("test")):
            raise Fail(
                "These average precisions are measured on the test period: a choice made there "
                "makes the final test figures optimistic. Compare the candidates on validation."
            )
        if same(_child_ap("train")):
            raise Fail(
                "These average precisions are measured on the training period, which each "
                "booster was fitted on: they reward the most flexible trees. Use validation."
            )
        raise Fail(
            "`size_choice['val_ap']` does not hold, for each candidate, the validation average "
            "precision of `LGBMClassifier(**BASE_PARAMS, min_child_samples=m, n_jobs=1, "
            "verbose=-1)` fitted on the training period."
        )
    if chosen != _chosen():
        raise Fail(
            f"`size_choice['min_child_samples']` is {chosen}, not the candidate with the "
            "highest validation average precision in your own `val_ap`."
        )
    path = f"{lgb.LGBMClassifier.__module__}.{lgb.LGBMClassifier.__qualname__}"
    if data["estimator"] != path:
        raise Fail(
            f"`lgbm` is a `{data['estimator'].rsplit('.', 1)[-1]}`; the task asks for LightGBM's "
            "`LGBMClassifier` (`import lightgbm as lgb`)."
        )
    wanted = {**BASE_PARAMS, "min_child_samples": chosen, "class_weight": None}
    for key, value in wanted.items():
        if data["params"][key] != repr(value):
            raise Fail(
                f"`lgbm` has `{key}={data['params'][key]}`; the task asks for the booster of "
                "your choice: `BASE_PARAMS` unchanged and `min_child_samples` as chosen, the "
                "other settings at their defaults."
            )
    if proba.shape != (len(_ids("val")),) or not np.isfinite(proba).all():
        raise Fail("`lgbm.predict_proba(X_val)` should give one finite probability per row.")
    for rows, message in (
        ("train", None),
        ("val", "`lgbm` was fitted on the validation period; fit it on the training period."),
        ("test", "`lgbm` was fitted on the test period; fit it on the training period only."),
        (
            "train+val",
            "`lgbm` was fitted on the training AND validation periods: the validation period "
            "must stay unseen, to compare models, calibrate and choose the threshold.",
        ),
    ):
        if float(np.max(np.abs(proba - _proba("lgbm", rows, "val")))) <= _PROBA_ATOL:
            if message is None:
                return
            raise Fail(message)
    raise Fail(
        "`lgbm` does not predict like the chosen candidate fitted on `X_train`, `y_train`: fit "
        "it on every training row, with the columns `FEATURES` in that order."
    )


def _val_ap(on: str = "val", metric: str = "ap") -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score

    score = average_precision_score if metric == "ap" else roc_auc_score
    y = _xy(on)[1]
    prevalence = float(_xy("train")[1].mean())
    return {
        "prevalence": float(score(y, np.full(len(y), prevalence))),
        "logreg": float(score(y, _proba("logreg", "train", on))),
        "lgbm": float(score(y, _proba("lgbm", "train", on))),
    }


@cache
def _calibrated(method: str = "sigmoid", rows: str = "val", frozen: bool = True) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    base = _fitted_model("lgbm", "train")
    inner = FrozenEstimator(base) if frozen else _fitted_model("lgbm", "train")
    model = CalibratedClassifierCV(inner, method=method)
    X, y = _xy(rows)
    with _one_thread():
        return model.fit(X, y)


@cache
def _cal_proba(on: str, method: str = "sigmoid", rows: str = "val", frozen: bool = True):
    with _one_thread():
        return _calibrated(method, rows, frozen).predict_proba(_xy(on)[0])[:, 1]


def _judge_calibrated(data: dict[str, Any]) -> None:
    keys = ("estimator", "method", "inner", "wrapped", "n_calibrators", "proba")
    require_dict(data, "data", keys)
    for key in ("estimator", "method", "inner", "wrapped"):
        require_str(data[key], at("data", key))
    require_int(data["n_calibrators"], at("data", "n_calibrators"))
    proba = np.asarray(
        require_list(data["proba"], at("data", "proba"), item=require_float), dtype=float
    )
    if data["estimator"] != "sklearn.calibration.CalibratedClassifierCV":
        raise Fail(
            f"`calibrated` is a `{data['estimator'].rsplit('.', 1)[-1]}`; the task asks for "
            "scikit-learn's `CalibratedClassifierCV`."
        )
    if data["inner"] != "sklearn.frozen._frozen.FrozenEstimator":
        raise Fail(
            "`calibrated` does not wrap the booster in `FrozenEstimator`: without it, "
            "`CalibratedClassifierCV` refits copies of the booster on folds of the rows you "
            "give it. Pass `FrozenEstimator(lgbm)`."
        )
    if data["method"] != repr("sigmoid"):
        raise Fail(
            f"`calibrated` uses `method={data['method']}`; the task asks for 'sigmoid' (two "
            "parameters, which the few frauds of the validation period can support)."
        )
    if proba.shape != (len(_ids("test")),) or not np.isfinite(proba).all():
        raise Fail("`calibrated.predict_proba(X_test)` should give one finite probability per row.")
    for rows, message in (
        ("val", None),
        (
            "test",
            "`calibrated` was fitted on the test period: the test set is for one final "
            "measurement. Fit it on the validation period.",
        ),
        (
            "train",
            "`calibrated` was fitted on the training period, whose scores the booster has "
            "already fitted (over-confident there). Fit it on the validation period.",
        ),
    ):
        if float(np.max(np.abs(proba - _cal_proba("test", rows=rows)))) <= _PROBA_ATOL:
            if message is None:
                return
            raise Fail(message)
    raise Fail(
        "`calibrated` does not predict like `CalibratedClassifierCV(FrozenEstimator(lgbm), "
        "method='sigmoid')` fitted on `X_val`, `y_val` with the booster of exercise 3."
    )


# --------------------------------------------------------------------------------------
# Exercises 6-9: costs.
# --------------------------------------------------------------------------------------


def _review_cost(y_true, proba, amount, threshold, fee) -> float:
    y = np.asarray(y_true) == 1
    flag = np.asarray(proba, dtype=float) >= threshold
    amount = np.asarray(amount, dtype=float)
    return float(fee * flag.sum() + amount[y & ~flag].sum())


def _cost_strict(y_true, proba, amount, threshold, fee) -> float:
    y = np.asarray(y_true) == 1
    flag = np.asarray(proba, dtype=float) > threshold
    return float(fee * flag.sum() + np.asarray(amount, dtype=float)[y & ~flag].sum())


def _cost_all_missed_amount(y_true, proba, amount, threshold, fee) -> float:
    flag = np.asarray(proba, dtype=float) >= threshold
    return float(fee * flag.sum() + np.asarray(amount, dtype=float)[~flag].sum())


def _p(on: str, calibrated: bool = True) -> np.ndarray:
    return _cal_proba(on) if calibrated else _proba("lgbm", "train", on)


def _costs(on: str = "val", calibrated: bool = True, fee: float = FEE) -> np.ndarray:
    X, y = _xy(on)
    p = _p(on, calibrated)
    return np.array([_review_cost(y, p, X["amount"], t, fee) for t in THRESHOLDS])


def _choice(on: str = "val", calibrated: bool = True, last: bool = False) -> dict[str, Any]:
    costs = _costs(on, calibrated)
    best = np.flatnonzero(costs == costs.min())
    return {"costs": costs, "threshold": THRESHOLDS[int(best[-1] if last else best[0])]}


def _judge_choice(data: dict[str, Any]) -> None:
    require_dict(data, "data", ("costs", "threshold"))
    got = np.asarray(
        require_list(data["costs"], at("data", "costs"), item=require_float), dtype=float
    )
    threshold = require_float(data["threshold"], at("data", "threshold"), finite=True)

    def same(a: np.ndarray, b: np.ndarray) -> bool:
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-7, atol=1e-6))

    right = _choice()
    if got.shape != (len(THRESHOLDS),):
        raise Fail(
            f"`threshold_choice['costs']` holds {got.size} values; it should hold one cost per "
            f"threshold of `thresholds` ({len(THRESHOLDS)}), in their order."
        )
    if not same(got, right["costs"]):
        for costs, message in (
            (
                _costs(on="test"),
                "These costs are measured on the test period: a threshold chosen there makes "
                "the test cost optimistic. Use the validation period.",
            ),
            (
                _costs(calibrated=False),
                "These costs use the booster's raw probabilities; use the calibrated model's.",
            ),
        ):
            if same(got, costs):
                raise Fail(message)
        raise Fail(
            "`threshold_choice['costs']` are not the costs of `thresholds` on the validation "
            "period with the calibrated probabilities and `FEE`."
        )
    if abs(threshold - right["threshold"]) > 1e-9:
        if abs(threshold - _choice(last=True)["threshold"]) <= 1e-9:
            raise Fail("Several thresholds tie at the lowest cost; take the smallest of them.")
        raise Fail(
            "`threshold_choice['threshold']` is not the threshold of the lowest cost in your "
            "`costs`."
        )


def _test_costs(threshold: float | None = None, calibrated: bool = True) -> dict[str, float]:
    X, y = _xy("test")
    p = _p("test", calibrated)
    t = _choice()["threshold"] if threshold is None else threshold
    a = X["amount"]
    return {
        "model": _review_cost(y, p, a, t, FEE),
        "threshold_0.5": _review_cost(y, p, a, 0.5, FEE),
        "review_all": _review_cost(y, p, a, 0.0, FEE),
        "review_none": _review_cost(y, p, a, 1.01, FEE),
    }


def _test_report(on: str = "test", calibrated: bool = True) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, brier_score_loss

    y = _xy(on)[1]
    p = _p(on, calibrated)
    return {
        "average_precision": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "fraud_rate": float(y.mean()),
    }


def _number(card: str, pattern: str, what: str) -> float:
    import re

    found = re.search(pattern, card)
    if found is None:
        raise Fail(
            f"The card should state {what} as `CARD_TEMPLATE` does; it is missing. Fill the "
            "template with `CARD_TEMPLATE.format(...)`, keeping its wording."
        )
    return float(found.group(1).replace(",", ""))


def _judge_card(data: dict[str, Any]) -> None:
    import re

    require_dict(data, "data", ("card",))
    card = require_str(data["card"], at("data", "card"))
    if re.search(r"\{\w*(?:[:!][^}]*)?\}", card):
        raise Fail("The card still holds `{...}` fields: fill every one with `format`.")
    # each figure is read in the template's own line, whatever the learner's sentences say
    head = card.split("Intended use:")[0]
    tested = card.split("Test period", 1)[1].split("Limits:")[0] if "Test period" in card else ""
    num = r"([0-9][0-9,]*(?:\.[0-9]+)?)"
    report, costs, threshold = _test_report(), _test_costs(), _choice()["threshold"]
    if _number(head, r"min_child_samples=" + num, "`min_child_samples`") != _chosen():
        raise Fail(
            "The card's `min_child_samples` is not the one chosen on validation in exercise 3."
        )
    if abs(_number(head, r"probability is at least " + num, "the threshold") - threshold) > 1e-9:
        raise Fail("The card's threshold is not the one chosen on validation in exercise 7.")
    figures = (
        (r"average precision " + num, "the test average precision", report["average_precision"], 3),
        (r"Brier score " + num, "the test Brier score", report["brier"], 5),
        (r"fraud rate " + num, "the test fraud rate", report["fraud_rate"], 4),
        (r"Test cost: " + num + " with the model", "the model's test cost", costs["model"], 0),
        (num + " reviewing nothing", "the cost of reviewing nothing", costs["review_none"], 0),
        (num + r" at threshold 0\.5", "the cost at threshold 0.5", costs["threshold_0.5"], 0),
        (num + " reviewing everything", "the cost of reviewing everything", costs["review_all"], 0),
    )
    for pattern, what, value, digits in figures:
        if abs(_number(tested, pattern, what) - value) > 0.5 * 10.0**-digits + 1e-9:
            raise Fail(
                f"The card's {what} does not match the test figures of exercises 8 and 9: fill "
                "it from `test_report` and `test_costs`, not from the lesson or another period."
            )
    use = re.search(r"Intended use:\s*(\S.*)", card)
    if use is None or len(set(re.findall(r"[A-Za-z]{2,}", use.group(1)))) < 5:
        raise Fail(
            "The card's `Intended use:` line should say, in a sentence of your own, what the "
            "model is for and what it must not be used for."
        )
    limits = re.search(r"Limits:(.*)", card, flags=re.S)
    items = [x.strip().lower() for x in limits.group(1).split(";")] if limits else []
    sentences = {x for x in items if len(set(re.findall(r"[a-z]{2,}", x))) >= 3}
    if len(sentences) < 3:
        raise Fail(
            "The card's `Limits:` should name at least three different limits of these figures "
            "in your own words, separated by semicolons (what the data, the labels or the cost "
            "model leave out)."
        )


KEY = {
    "12.1": {"judge": _judge_split},
    "12.2": {
        "reference": _average_precision,
        "mistakes": [
            Mistake(
                _ap_no_ties,
                "Tied scores are one threshold: the model cannot rank them, so they are "
                "flagged together. Take the counts at the last row of each group of ties.",
            ),
        ],
    },
    "12.3": {"judge": _judge_lgbm},
    "12.4": {
        "expected": _val_ap,
        "mistakes": [
            Mistake(
                lambda: _val_ap(metric="roc_auc"),
                "These are ROC-AUCs; the task asks for average precision.",
            ),
            Mistake(
                lambda: _val_ap(on="train"),
                "These are scored on the training period, which the models were fitted on. "
                "Score them on the validation period.",
            ),
            Mistake(
                lambda: _val_ap(on="test"),
                "These are scored on the test period. Compare models on the validation "
                "period; the test set waits for the end.",
            ),
        ],
    },
    "12.5": {"judge": _judge_calibrated},
    "12.6": {
        "reference": _review_cost,
        "mistakes": [
            Mistake(
                _cost_strict,
                "A probability equal to the threshold is flagged: use `>=`, not `>`.",
            ),
            Mistake(
                _cost_all_missed_amount,
                "Only the frauds that are not flagged cost their amount; a legitimate "
                "transaction that is not flagged costs nothing.",
            ),
        ],
    },
    "12.7": {"judge": _judge_choice},
    "12.8": {
        "expected": _test_costs,
        "mistakes": [
            Mistake(
                lambda: _test_costs(
                    threshold=_choice(on="test")["threshold"],
                ),
                "The model's cost uses a threshold chosen on the test period. Use the "
                "threshold chosen on validation, `threshold_choice['threshold']`, unchanged.",
            ),
            Mistake(
                lambda: _test_costs(calibrated=False),
                "These costs use the booster's raw probabilities; use the calibrated model's.",
            ),
        ],
    },
    "12.9": {
        "expected": _test_report,
        "mistakes": [
            Mistake(
                lambda: _test_report(calibrated=False),
                "These figures are the raw booster's; the card reports the calibrated model.",
            ),
            Mistake(
                lambda: _test_report(on="val"),
                "These figures are the validation period's; the card reports the test period.",
            ),
        ],
    },
    "12.10": {"judge": _judge_card},
    "12.kc1": {
        "answer": "b",
        "explanation": (
            "Flagging nothing is right on every legitimate transaction: 99.5% accuracy while "
            "it catches no fraud at all."
        ),
        "feedback": {
            "a": "A model without skill scores 50% accuracy only when the two classes are equally "
            "common, and here they are far from it.",
            "c": "A model that never flags calls every transaction legitimate, so the frauds are "
            "the transactions it gets wrong, not the ones it gets right.",
            "d": "Accuracy is defined for any predictions: correct ones over all of them. It is "
            "precision that is undefined (0/0) when nothing is flagged.",
        },
    },
    "12.kc2": {
        "answer": "d",
        "explanation": (
            "The false-positive rate divides by the ~99.5% legitimate transactions, so "
            "hundreds of false alarms barely move it; precision divides by what is flagged."
        ),
        "feedback": {
            "a": "Both curves are computed from the same scores on the same validation rows.",
            "b": "Average precision is not measured at one threshold, so it does not depend on "
            "how many transactions a model chooses to flag: it summarises precision over every "
            "level of recall.",
            "c": "Both depend only on the ranking, but they summarise it differently; on rare "
            "positives a high ROC-AUC next to a much lower average precision is common, not a "
            "sign of a bug.",
        },
    },
    "12.kc3": {
        "answer": "a",
        "explanation": (
            "A random split puts members of one fraud episode, and later days, in training: "
            "the model is scored on a past it partly saw, which flatters it."
        ),
        "feedback": {
            "b": "A stratified random split (`stratify=` in `train_test_split`) keeps the share "
            "of fraud equal in the two sets, so that is not what goes wrong with a shuffled "
            "split.",
            "c": "A random test set of the same size holds, on average, the overall share of "
            "frauds: the number of frauds is not what makes a shuffled split a mistake.",
            "d": "Stratifying fixes only the fraud rate of each set; the rows are still drawn at "
            "random from the whole period, so the test rows are no more like future transactions "
            "than before.",
        },
    },
    "12.kc4": {
        "answer": "c",
        "explanation": (
            "With about 80 frauds, a free non-decreasing step function (isotonic) overfits and "
            "creates ties; the two-parameter sigmoid is the safer choice. scikit-learn advises "
            "the sigmoid when calibration data are few."
        ),
        "feedback": {
            "a": "On 8-15 March isotonic calibration had a slightly lower Brier score than the "
            "sigmoid (3.438 against 3.454, both times 1000), not a clearly worse one; and one "
            "week's Brier score on 44 frauds settles nothing by itself.",
            "b": "The sigmoid is an increasing function of the score, so it keeps the ranking: "
            "its average precision is the booster's own.",
            "d": "`FrozenEstimator` keeps the booster as it is for either method: both "
            "calibrators are fitted on top of the frozen booster's scores, so neither needs the "
            "booster refitted.",
        },
    },
    "12.kc5": {
        "answer": "d",
        "explanation": (
            "Labels here are known at once and fraudsters do not adapt; in production the "
            "labels arrive weeks later and the patterns drift, so the test cost is a best case."
        ),
        "feedback": {
            "a": "Using the test period once makes its cost an honest estimate for that period; "
            "it says nothing, by itself, about whether production will resemble it, and that is "
            "what a model card must state.",
            "b": "The booster's size was fixed before the test period was looked at, and the test "
            "rows played no part in it, so its 200 trees do not make the test figure optimistic.",
            "c": "Synthetic data say something about a model under the conditions they simulate: "
            "the figure has limits to state, which is not the same as being worthless.",
        },
    },
}
