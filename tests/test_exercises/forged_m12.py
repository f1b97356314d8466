"""Module 12's custom judges (12.1 the split, 12.3 the choice and the booster, 12.5 the
calibrator, 12.7 the threshold's evidence, 12.10 the model card): the data
the real extracts collect from right work and from plausible wrong work, merged into
``test_forged_extracts.py``'s ``RIGHT`` and ``WRONG``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _tx():
    from mlcourse.datasets import make_transactions

    return make_transactions(100_000, seed=42)


def _split(tx, val_start="2025-03-01", test_start="2025-03-16") -> dict[str, Any]:
    ts = tx["timestamp"]
    return {
        "train": tx[ts < val_start],
        "val": tx[(ts >= val_start) & (ts < test_start)],
        "test": tx[ts >= test_start],
    }


def _wrong_split() -> list[Any]:
    tx = _tx()
    right = _split(tx)
    shuffled = tx.sample(frac=1.0, random_state=0)
    a, b = len(right["train"]), len(right["train"]) + len(right["val"])
    return [
        _collected(
            "12.1", train=shuffled.iloc[:a], val=shuffled.iloc[a:b], test=shuffled.iloc[b:]
        ),  # a random split of the same sizes
        _collected("12.1", **_split(tx, "2025-03-02", "2025-03-16")),  # another boundary
        _collected(
            "12.1", train=tx.iloc[:70_000], val=tx.iloc[70_000:85_000], test=tx.iloc[85_000:]
        ),  # a cut by row count
        _collected("12.1", **{**right, "train": tx[tx["timestamp"] < "2025-03-02"]}),  # overlap
    ]


def _xy(part):
    from mlcourse.exercises.m12 import FEATURES

    return part[list(FEATURES)], part["is_fraud"]


@cache
def _periods():
    return _split(_tx())


def _booster(rows: str = "train", child: int | None = None, **changes: Any):
    import lightgbm as lgb
    import pandas as pd

    from mlcourse.exercises.m12 import BASE_PARAMS

    parts = [_xy(_periods()[r]) for r in rows.split("+")]
    X = pd.concat([p[0] for p in parts])
    y = pd.concat([p[1] for p in parts])
    params = {**BASE_PARAMS, "min_child_samples": _child() if child is None else child, **changes}
    return lgb.LGBMClassifier(**params, n_jobs=1, verbose=-1).fit(X, y)


@cache
def _child() -> int:
    ap = _child_ap_raw()
    return max(ap, key=ap.get)


@cache
def _child_ap_raw() -> dict[int, float]:
    import lightgbm as lgb
    from sklearn.metrics import average_precision_score

    from mlcourse.exercises.m12 import BASE_PARAMS, CHILD_CANDIDATES

    X, y = _xy(_periods()["train"])
    Xv, yv = _xy(_periods()["val"])
    out = {}
    for m in CHILD_CANDIDATES:
        model = lgb.LGBMClassifier(**BASE_PARAMS, min_child_samples=m, n_jobs=1, verbose=-1)
        out[m] = float(average_precision_score(yv, model.fit(X, y).predict_proba(Xv)[:, 1]))
    return out


@cache
def _right_booster():
    return _booster()


def _choice(ap: dict[int, float] | None = None, chosen: int | None = None) -> dict[str, Any]:
    ap = _child_ap_raw() if ap is None else ap
    return {"val_ap": ap, "min_child_samples": max(ap, key=ap.get) if chosen is None else chosen}


@cache
def _calibrated(rows: str = "val", method: str = "sigmoid", frozen: bool = True):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    base = FrozenEstimator(_right_booster()) if frozen else _booster()
    X, y = _xy(_periods()[rows])
    return CalibratedClassifierCV(base, method=method).fit(X, y)


def _test_ap() -> dict[int, float]:
    from sklearn.metrics import average_precision_score

    from mlcourse.exercises.m12 import CHILD_CANDIDATES

    X, y = _xy(_periods()["test"])
    return {
        m: float(average_precision_score(y, _booster(child=m).predict_proba(X)[:, 1]))
        for m in CHILD_CANDIDATES
    }


def _wrong_split_columns() -> list[Any]:
    import numpy as np

    right = _split(_tx())
    perm = np.random.default_rng(0).permutation(right["train"]["amount"].to_numpy())
    return [
        _collected("12.1", **{k: v[["transaction_id"]] for k, v in right.items()}),  # row 3
        _collected("12.1", **{**right, "train": right["train"].assign(is_fraud=0)}),  # row 3
        _collected("12.1", **{**right, "train": right["train"].assign(amount=perm)}),  # row 3
    ]


def _costs(on: str = "val", calibrated: bool = True):
    import numpy as np

    from mlcourse.exercises.m12 import FEE, THRESHOLDS

    part = _periods()[on]
    X, y = _xy(part)
    model = _calibrated() if calibrated else _right_booster()
    p = model.predict_proba(X)[:, 1]
    fraud, amount = y.to_numpy() == 1, X["amount"].to_numpy()
    return np.array([FEE * (p >= t).sum() + amount[fraud & (p < t)].sum() for t in THRESHOLDS])


def _threshold(costs) -> float:
    import numpy as np

    from mlcourse.exercises.m12 import THRESHOLDS

    return float(THRESHOLDS[int(np.argmin(costs))])


@cache
def _card_figures() -> dict[str, Any]:
    from sklearn.metrics import average_precision_score, brier_score_loss

    X, y = _xy(_periods()["test"])
    p = _calibrated().predict_proba(X)[:, 1]
    t = _threshold(_costs())
    fraud, amount = y.to_numpy() == 1, X["amount"].to_numpy()

    def cost(th: float) -> float:
        return float(5.0 * (p >= th).sum() + amount[fraud & (p < th)].sum())

    return {
        "m": _child(),
        "threshold": t,
        "average_precision": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "fraud_rate": float(y.mean()),
        "model": cost(t),
        "threshold_05": cost(0.5),
        "review_all": cost(0.0),
        "review_none": cost(1.01),
    }


_CARD = (
    "Model: LightGBM, min_child_samples={m} (chosen on validation).\n"
    "Decision rule: reviewed when its calibrated probability is at least {threshold}.\n"
    "Intended use: ranking card transactions for manual review; never automatic declines.\n"
    "Test period: average precision {average_precision:.3f}, Brier score {brier:.5f}, "
    "fraud rate {fraud_rate:.4f}.\n"
    "Test cost: {model:,.0f} with the model, {review_none:,.0f} reviewing nothing, "
    "{threshold_05:,.0f} at threshold 0.5, {review_all:,.0f} reviewing everything.\n"
    "Limits: synthetic data from one generator; labels known at once here; "
    "fewer than 100 frauds in each period"
)


def _card(**changes: Any) -> Any:
    return _collected("12.10", model_card=_CARD.format(**{**_card_figures(), **changes}))


RIGHT: dict[str, Callable[[], Any]] = {
    "12.1": lambda: _collected("12.1", **_split(_tx())),
    "12.3": lambda: _collected("12.3", size_choice=_choice(), lgbm=_right_booster()),
    "12.5": lambda: _collected("12.5", calibrated=_calibrated()),
    "12.7": lambda: _collected(
        "12.7", threshold_choice={"costs": _costs(), "threshold": _threshold(_costs())}
    ),
    "12.10": lambda: _card(),
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "12.1": lambda: _wrong_split() + _wrong_split_columns(),
    "12.3": lambda: [
        _collected("12.3", size_choice=_choice(), lgbm=_booster("train+val")),  # val seen
        _collected("12.3", size_choice=_choice(), lgbm=_booster("test")),  # fitted on test
        _collected("12.3", size_choice=_choice(), lgbm=_booster(n_estimators=50)),  # settings
        _collected("12.3", size_choice=_choice(), lgbm=_booster(class_weight="balanced")),
        _collected("12.3", size_choice=_choice(_test_ap()), lgbm=_right_booster()),  # on test
        _collected("12.3", size_choice=_choice(chosen=50), lgbm=_booster(child=50)),  # not best
        _collected("12.3", size_choice=_choice(), lgbm=_booster(child=10)),  # another booster
    ],
    "12.5": lambda: [
        _collected("12.5", calibrated=_calibrated(rows="test")),
        _collected("12.5", calibrated=_calibrated(rows="train")),
        _collected("12.5", calibrated=_calibrated(method="isotonic")),
        _collected("12.5", calibrated=_calibrated(frozen=False)),  # refits the booster on folds
    ],
    "12.7": lambda: [
        _collected(
            "12.7",
            threshold_choice={"costs": _costs("test"), "threshold": _threshold(_costs("test"))},
        ),  # chosen on the test period
        _collected(
            "12.7",
            threshold_choice={
                "costs": _costs(calibrated=False),
                "threshold": _threshold(_costs(calibrated=False)),
            },
        ),  # raw probabilities
        _collected("12.7", threshold_choice={"costs": _costs(), "threshold": 0.5}),
        _collected(
            "12.7", threshold_choice={"costs": _costs().round(-2), "threshold": 0.07}
        ),  # typed in, rounded
    ],
    "12.10": lambda: [
        _card(average_precision=0.451, model=4273.0),  # the lesson's figures
        _card(m=50),  # the lesson's leaf size
        _card(threshold=0.5),  # the default threshold
        _card(review_none=_card_figures()["review_all"]),  # swapped policies
        _collected("12.10", model_card=_CARD),  # the template unfilled
    ],
}

HARMLESS = {
    "12.3": [
        (r"\['val_ap'\]$", {"reordered"}, "the candidates' order carries no meaning"),
    ],
}
