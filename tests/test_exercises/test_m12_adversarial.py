"""Module 12: attempts to pass a check without doing the task, and right work written otherwise.

The solutions notebook's self-tests hold the quick attempts. These are the slower or more
hostile ones: splits that overlap or leave rows out (12.1), average precision that calls
scikit-learn or sorts its input in place (12.2), boosters and calibrators of another family or
fitted on the wrong rows (12.3, 12.5), costs computed on the wrong period or typed in rounded
(12.4, 12.7-12.9), a cost function that mutates its input (12.6); and right answers written
differently (a loop, lists instead of arrays, NumPy scalars), which must stay Correct.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import average_precision_score, brier_score_loss
from threadpoolctl import threadpool_limits

from mlcourse.datasets import make_transactions
from mlcourse.exercises.m12 import BASE_PARAMS, CHILD_CANDIDATES, FEATURES, THRESHOLDS

from ..helpers import problem_helpers

problem, outcome = problem_helpers("12")
FEE = 5.0


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def d():
    tx = make_transactions(100_000, seed=42)
    ts = tx["timestamp"]
    parts = {
        "train": tx[ts < "2025-03-01"],
        "val": tx[(ts >= "2025-03-01") & (ts < "2025-03-16")],
        "test": tx[ts >= "2025-03-16"],
    }
    out = {"tx": tx, **parts}
    for name, part in parts.items():
        out[f"X_{name}"], out[f"y_{name}"] = part[list(FEATURES)], part["is_fraud"]
    boosters, val_ap = {}, {}
    for m in CHILD_CANDIDATES:
        boosters[m] = lgb.LGBMClassifier(
            **BASE_PARAMS, min_child_samples=m, n_jobs=1, verbose=-1
        ).fit(out["X_train"], out["y_train"])
        p = boosters[m].predict_proba(out["X_val"])[:, 1]
        val_ap[m] = float(average_precision_score(out["y_val"], p))
    chosen = max(val_ap, key=val_ap.get)
    out["boosters"], out["params"] = boosters, {**BASE_PARAMS, "min_child_samples": chosen}
    out["size_choice"] = {"val_ap": val_ap, "min_child_samples": chosen}
    out["lgbm"] = boosters[chosen]
    out["calibrated"] = CalibratedClassifierCV(FrozenEstimator(out["lgbm"]), method="sigmoid").fit(
        out["X_val"], out["y_val"]
    )
    return out


def cost(y, p, a, t, fee=FEE):
    fraud, flag = np.asarray(y) == 1, np.asarray(p, dtype=float) >= t
    return float(fee * flag.sum() + np.asarray(a, dtype=float)[fraud & ~flag].sum())


def test_12_1_split(d):
    tx, ts = d["tx"], d["tx"]["timestamp"]
    right = {k: d[k] for k in ("train", "val", "test")}
    assert outcome("12.1", **right).correct
    assert outcome("12.1", **{k: v.copy() for k, v in right.items()}).correct
    wrong = [
        {**right, "train": tx[ts < "2025-03-16"]},  # validation rows also in training
        {**right, "test": d["test"].iloc[:-1]},  # a row left out
        {**right, "val": d["val"][list(FEATURES)]},  # without the ids
        {**right, "train": d["train"].iloc[:0]},  # empty
        {"train": d["test"], "val": d["val"], "test": d["train"]},  # periods swapped
        {**right, "train": d["train"]["transaction_id"]},  # a Series
    ]
    for values in wrong:
        assert outcome("12.1", **values).status == "incorrect"
    message = outcome("12.1", **{**right, "train": tx[ts <= "2025-03-01 12:00"]}).message
    assert "two periods" in message


def test_12_2_average_precision():
    def by_unique(y_true, scores):  # another valid algorithm: a loop over distinct scores
        y = np.asarray(y_true) == 1
        s = np.asarray(scores, dtype=float)
        if not y.any():
            raise ValueError("no positive")
        total, previous = 0.0, 0.0
        for t in np.unique(s)[::-1]:
            flag = s >= t
            recall = (y & flag).sum() / y.sum()
            total += (recall - previous) * (y & flag).sum() / flag.sum()
            previous = recall
        return float(total)

    assert outcome("12.2", average_precision=by_unique).correct

    def wrapped(y_true, scores):  # the method rule: scikit-learn's metric
        if not (np.asarray(y_true) == 1).any():
            raise ValueError("no positive")
        return float(average_precision_score(np.asarray(y_true), np.asarray(scores)))

    assert outcome("12.2", average_precision=wrapped).status == "incorrect"

    def sorts_in_place(y_true, scores):
        result = by_unique(y_true, scores)
        if isinstance(scores, list):
            scores.sort()
        elif isinstance(scores, np.ndarray):
            scores.sort()
        return result

    assert outcome("12.2", average_precision=sorts_in_place).status == "incorrect"
    assert outcome("12.2", average_precision=lambda y, s: 0.5).status == "incorrect"


def test_12_3_booster_family_and_rows(d):
    choice = d["size_choice"]
    assert outcome("12.3", size_choice=choice, lgbm=d["lgbm"]).correct
    params = {**d["params"], "random_state": np.int64(0)}
    same = lgb.LGBMClassifier(**params, n_jobs=2, verbose=-1).fit(d["X_train"], d["y_train"])
    assert outcome("12.3", size_choice=choice, lgbm=same).correct  # two threads, a NumPy seed
    listed = {**choice, "val_ap": pd.Series(choice["val_ap"]).astype("float32").astype(float)}
    assert outcome("12.3", size_choice=listed, lgbm=d["lgbm"]).correct  # a Series of them
    hgb = HistGradientBoostingClassifier(random_state=0).fit(d["X_train"], d["y_train"])
    tail = lgb.LGBMClassifier(**d["params"], n_jobs=1, verbose=-1).fit(
        d["X_train"].iloc[-20_000:], d["y_train"].iloc[-20_000:]
    )
    shuffled = lgb.LGBMClassifier(**d["params"], n_jobs=1, verbose=-1).fit(
        d["X_train"], d["y_train"].sample(frac=1, random_state=0).to_numpy()
    )
    for wrong in (hgb, tail, shuffled, "LGBMClassifier(**BASE_PARAMS)"):
        assert outcome("12.3", size_choice=choice, lgbm=wrong).status == "incorrect", wrong


def test_12_3_evidence_of_the_choice(d):
    lgbm = d["lgbm"]
    for on in ("train", "test"):
        ap = {
            m: float(average_precision_score(d[f"y_{on}"], b.predict_proba(d[f"X_{on}"])[:, 1]))
            for m, b in d["boosters"].items()
        }
        result = outcome(
            "12.3", size_choice={"val_ap": ap, "min_child_samples": max(ap, key=ap.get)}, lgbm=lgbm
        )
        assert result.status == "incorrect" and f"{on}" in result.message, result.message
    typed = {m: round(v, 2) for m, v in d["size_choice"]["val_ap"].items()}
    chosen = d["size_choice"]["min_child_samples"]
    for wrong in (
        {"val_ap": typed, "min_child_samples": chosen},  # typed-in, rounded evidence
        {"val_ap": {chosen: 0.5}, "min_child_samples": chosen},  # one candidate only
        {"val_ap": d["size_choice"]["val_ap"], "min_child_samples": 7},  # not a candidate
        {"min_child_samples": chosen},
    ):
        assert outcome("12.3", size_choice=wrong, lgbm=lgbm).status == "incorrect", wrong


def test_12_3_category_codes_are_explained(d):
    codes = d["X_train"].assign(
        merchant_category=d["X_train"]["merchant_category"].cat.codes,
        channel=d["X_train"]["channel"].cat.codes,
    )
    model = lgb.LGBMClassifier(**d["params"], n_jobs=1, verbose=-1).fit(codes, d["y_train"])
    result = outcome("12.3", size_choice=d["size_choice"], lgbm=model)
    assert result.status == "incorrect" and "category" in result.message, result.message


def test_12_4_values_on_the_wrong_rows(d):
    lr_free = outcome("12.4", val_ap={"prevalence": 0.005, "logreg": 0.35, "lgbm": 0.455})
    assert lr_free.status == "incorrect"
    p = d["lgbm"].predict_proba(d["X_test"])[:, 1]
    on_test = {
        "prevalence": float(d["y_test"].mean()),
        "logreg": 0.3,
        "lgbm": float(average_precision_score(d["y_test"], p)),
    }
    assert outcome("12.4", val_ap=on_test).status == "incorrect"


def test_12_5_calibrator_rows(d):
    assert outcome("12.5", calibrated=d["calibrated"]).correct
    seen = lgb.LGBMClassifier(**d["params"], n_jobs=1, verbose=-1).fit(
        pd.concat([d["X_train"], d["X_val"]]), pd.concat([d["y_train"], d["y_val"]])
    )
    on_seen = CalibratedClassifierCV(FrozenEstimator(seen), method="sigmoid").fit(
        d["X_val"], d["y_val"]
    )
    assert outcome("12.5", calibrated=on_seen).status == "incorrect"
    assert outcome("12.5", calibrated=d["lgbm"]).status == "incorrect"  # not calibrated


def test_12_6_cost_function():
    def loop(y_true, proba, amount, threshold, fee):  # right, written as a loop
        total = 0.0
        for y, p, a in zip(list(y_true), list(proba), list(amount), strict=True):
            if p >= threshold:
                total += fee
            elif y == 1:
                total += a
        return total

    assert outcome("12.6", review_cost=loop).correct

    def mutates(y_true, proba, amount, threshold, fee):
        result = loop(y_true, proba, amount, threshold, fee)
        if isinstance(amount, np.ndarray):
            amount[:] = 0
        return result

    assert outcome("12.6", review_cost=mutates).status == "incorrect"
    assert outcome("12.6", review_cost=lambda *args: 0.0).status == "incorrect"


def test_12_7_to_12_9_evidence_and_test_figures(d):
    p_val = d["calibrated"].predict_proba(d["X_val"])[:, 1]
    a_val = d["X_val"]["amount"]
    costs = np.array([cost(d["y_val"], p_val, a_val, t) for t in THRESHOLDS])
    best = float(np.array(THRESHOLDS)[np.argmin(costs)])
    assert outcome("12.7", threshold_choice={"costs": costs, "threshold": best}).correct
    assert outcome("12.7", threshold_choice={"costs": costs, "threshold": np.float64(best)}).correct
    assert (
        outcome("12.7", threshold_choice={"costs": costs.round(), "threshold": best}).status
        == "incorrect"
    )
    assert outcome("12.7", threshold_choice={"threshold": best}).status == "incorrect"
    p = d["calibrated"].predict_proba(d["X_test"])[:, 1]
    a, y = d["X_test"]["amount"], d["y_test"]
    right = {
        "model": cost(y, p, a, best),
        "threshold_0.5": cost(y, p, a, 0.5),
        "review_all": cost(y, p, a, 0.0),
        "review_none": cost(y, p, a, 1.01),
    }
    assert outcome("12.8", test_costs=right).correct
    assert outcome("12.8", test_costs={k: round(v) for k, v in right.items()}).status == (
        "incorrect"
    )
    report = {
        "average_precision": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "fraud_rate": float(y.mean()),
    }
    assert outcome("12.9", test_report=report).correct
    whole = {**report, "fraud_rate": float(d["tx"]["is_fraud"].mean())}
    assert outcome("12.9", test_report=whole).status == "incorrect"


def test_12_4_scores_on_the_training_period(d):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from mlcourse.exercises.m12 import CATEGORICAL, NUMERIC

    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), list(NUMERIC)),
            ("cat", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL)),
        ]
    )
    logreg = Pipeline([("prep", prep), ("logreg", LogisticRegression(max_iter=1000))])
    logreg.fit(d["X_train"], d["y_train"])
    X, y = d["X_train"], d["y_train"]
    on_train = {
        "prevalence": float(average_precision_score(y, np.full(len(y), y.mean()))),
        "logreg": float(average_precision_score(y, logreg.predict_proba(X)[:, 1])),
        "lgbm": float(average_precision_score(y, d["lgbm"].predict_proba(X)[:, 1])),
    }
    result = outcome("12.4", val_ap=on_train)
    assert result.status == "incorrect" and "training period" in result.message


def test_12_1_values_and_columns_of_the_periods(d):
    right = {k: d[k] for k in ("train", "val", "test")}
    perm = np.random.default_rng(0).permutation(d["train"]["amount"].to_numpy())
    for wrong in (
        {name: part[["transaction_id"]] for name, part in right.items()},  # ids only
        {**right, "train": d["train"].assign(is_fraud=0)},  # a column overwritten
        {**right, "train": d["train"].assign(amount=perm)},  # a column shuffled
        {**right, "val": d["val"][list(d["val"].columns[::-1])]},  # columns reordered
    ):
        assert outcome("12.1", **wrong).status == "incorrect"


def test_12_2_and_12_6_fresh_case_defeats_a_lookup_table():
    """Review row 1: every declared case scored outside the function and looked up."""
    p2 = problem("12.2")
    table = {}
    for _, case in p2.cases():
        y, s = case.args
        key = (tuple(np.asarray(y).tolist()), tuple(np.asarray(s, dtype=float).tolist()))
        table[key] = float(average_precision_score(y, s)) if (np.asarray(y) == 1).any() else None

    def lookup(y, s):
        value = table[(tuple(np.asarray(y).tolist()), tuple(np.asarray(s, dtype=float).tolist()))]
        if value is None:
            raise ValueError("no positive label")
        return value

    assert outcome("12.2", average_precision=lookup).status == "incorrect"
    p6 = problem("12.6")
    table6 = {}
    for _, case in p6.cases():
        key = repr([np.asarray(a).tolist() for a in case.args])
        table6[key] = cost(*case.args[:4], fee=case.args[4])

    def lookup6(y, p, a, t, fee):
        return table6[repr([np.asarray(v).tolist() for v in (y, p, a, t, fee)])]

    assert outcome("12.6", review_cost=lookup6).status == "incorrect"
    # two checks in a row draw different inputs, and right work passes both
    assert p6._draw() != p6._draw()
    assert outcome("12.6", review_cost=cost).correct


def test_12_6_rounded_probabilities():
    """Review row 2: rounding the probabilities to 2 decimals."""

    def rounded(y, p, a, t, fee):
        return cost(y, np.round(np.asarray(p, dtype=float), 2), a, t, fee)

    assert outcome("12.6", review_cost=rounded).status == "incorrect"


def test_12_fresh_case_is_judged_from_the_answer():
    """The judge scores the drawn case carried in the answer, as the grader does elsewhere."""
    p6 = problem("12.6")
    answer = p6.collect({"review_cost": cost})
    assert "fresh" in answer.values and p6._fresh is None
    assert p6.evaluate(answer).correct
    answer.values["fresh"] = "junk"
    assert p6.evaluate(answer).status == "incorrect"


def test_12_6_probabilities_rounded_to_four_decimals():
    """Second review: rounding to 4 decimals passed the drawn case 28 times in 40."""

    def rounded(y, p, a, t, fee):
        return cost(y, np.round(np.asarray(p, dtype=float), 4), a, t, fee)

    for _ in range(5):
        assert outcome("12.6", review_cost=rounded).status == "incorrect"


def _ap(y_true, scores):
    """Average precision over distinct scores (ties flagged together), written out."""
    y = np.asarray(y_true) == 1
    s = np.asarray(scores, dtype=float)
    if not y.any():
        raise ValueError("no positive label")
    total, previous = 0.0, 0.0
    for t in np.unique(s)[::-1]:
        flag = s >= t
        recall = (y & flag).sum() / y.sum()
        total += (recall - previous) * (y & flag).sum() / flag.sum()
        previous = recall
    return float(total)


@pytest.mark.parametrize("forged", [None, "drop", "visible", "empty", "nan", "inf"])
def test_12_2_and_12_6_forged_drawn_cases_are_refused(forged):
    """Second review: a forged answer choosing its own drawn inputs, or none, is malformed."""
    for pid, name, func in (("12.2", "average_precision", _ap), ("12.6", "review_cost", cost)):
        p = problem(pid)
        answer = p.collect({name: func})
        assert p.evaluate(answer).correct, pid  # unforged, the same answer is right
        answer = p.collect({name: func})
        visible = [list(np.asarray(a).tolist()) if np.ndim(a) else a for a in p.cases()[0][1].args]
        if forged is None:
            answer.values["fresh"] = None
        elif forged == "drop":
            del answer.values["fresh"]
            answer.values["results"] = answer.values["results"][:-1]
        elif forged == "visible":
            answer.values["fresh"] = visible
        elif forged == "empty":
            answer.values["fresh"] = [
                [] if isinstance(a, list) else a for a in answer.values["fresh"]
            ]
        else:
            value = float(forged)
            answer.values["fresh"][1][0] = value
        assert p.evaluate(answer).status == "incorrect", (pid, forged)


def test_12_10_model_card(d):
    p_val = d["calibrated"].predict_proba(d["X_val"])[:, 1]
    costs = np.array([cost(d["y_val"], p_val, d["X_val"]["amount"], t) for t in THRESHOLDS])
    best = float(np.array(THRESHOLDS)[np.argmin(costs)])
    p = d["calibrated"].predict_proba(d["X_test"])[:, 1]
    a, y = d["X_test"]["amount"], d["y_test"]
    figures = {
        "model": cost(y, p, a, best),
        "threshold_05": cost(y, p, a, 0.5),
        "review_all": cost(y, p, a, 0.0),
        "review_none": cost(y, p, a, 1.01),
        "average_precision": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "fraud_rate": float(y.mean()),
    }
    template = (
        "Model: LightGBM, min_child_samples={m}.\n"
        "Decision rule: reviewed when its calibrated probability is at least {threshold}.\n"
        "Intended use: {use}\n"
        "Test period: average precision {average_precision:.3f}, Brier score {brier:.5f}, "
        "fraud rate {fraud_rate:.4f}.\n"
        "Test cost: {model:,.0f} with the model, {review_none:,.0f} reviewing nothing, "
        "{threshold_05:,.0f} at threshold 0.5, {review_all:,.0f} reviewing everything.\n"
        "Limits: {limits}"
    )
    words = {
        "use": "ranking transactions for manual review; never for automatic declines.",
        "limits": "synthetic data only here; labels known at once here; fewer than 100 frauds",
    }
    m = d["size_choice"]["min_child_samples"]
    card = template.format(m=m, threshold=best, **words, **figures)
    assert outcome("12.10", model_card=card).correct
    wrong_cards = [
        template.format(m=50, threshold=best, **words, **figures),  # the lesson's leaf size
        template.format(m=m, threshold=0.5, **words, **figures),  # not the chosen threshold
        template.format(m=m, threshold=best, **words, **{**figures, "model": 4273.0}),
        template.format(m=m, threshold=best, **{**words, "limits": "none"}, **figures),
        template.format(m=m, threshold=best, **{**words, "use": "fraud"}, **figures),
        card.replace("Test cost:", "Cost:"),  # the wording of the template lost
        template,  # unfilled
    ]
    for wrong in wrong_cards:
        assert outcome("12.10", model_card=wrong).status == "incorrect", wrong
    assert outcome("12.10", model_card=figures).status == "incorrect"
    # second review: validation figures in the learner's own sentence are not read as the test's
    own_use = {**words, "use": "ranks by average precision 0.46 on validation; Brier 0.003."}
    assert outcome(
        "12.10", model_card=template.format(m=m, threshold=best, **own_use, **figures)
    ).correct
    # ... a use that starts on the next line, and a limit with braces that are not a field
    other = {"use": "\n" + words["use"], "limits": words["limits"] + "; costs {fee, amount} only"}
    assert outcome(
        "12.10", model_card=template.format(m=m, threshold=best, **other, **figures)
    ).correct
    # ... while filler and one limit said three times are not a card
    for filler in (
        {**words, "use": "x" * 30},
        {
            **words,
            "limits": "synthetic data only here; synthetic data only here; synthetic data only here",
        },
        {**words, "limits": "aaaaaaaaaaaaaaa; bbbbbbbbbbbbbbb; ccccccccccccccc"},
    ):
        card_f = template.format(m=m, threshold=best, **filler, **figures)
        assert outcome("12.10", model_card=card_f).status == "incorrect", filler


def test_12_7_costs_written_another_way(d):
    """Review row 4: a list, or a Series indexed by the thresholds, is right work."""
    p_val = d["calibrated"].predict_proba(d["X_val"])[:, 1]
    costs = np.array([cost(d["y_val"], p_val, d["X_val"]["amount"], t) for t in THRESHOLDS])
    best = float(np.array(THRESHOLDS)[np.argmin(costs)])
    for form in (costs.tolist(), pd.Series(costs, index=THRESHOLDS), tuple(costs)):
        assert outcome("12.7", threshold_choice={"costs": form, "threshold": best}).correct
    assert (
        outcome("12.7", threshold_choice={"costs": costs[:-1], "threshold": best}).status
        == "incorrect"
    )
