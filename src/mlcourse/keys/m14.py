"""Answer key of module 14 — Responsible ML (evaluator side only; hidden when grading)."""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Fail, Mistake, require_bool, require_dict, require_list, require_str
from mlcourse.checks._collected import malformed
from mlcourse.exercises._sklearn import one_thread
from mlcourse.exercises.m14 import (
    _PREDICT_SEED,
    BIASES,
    FEATURES,
    _fitted,
    _logreg,
    _split,
)

_MAX_DISAGREEMENT = 0.002  # 14.7: share of test decisions that may differ from the reference
_TABLE_ATOL = 1e-3  # 14.7: tolerance on each group's p0 and thresholds

# --------------------------------------------------------------------------------------
# 14.1 Permutation importance.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _perm_imp(rows: str = "test", scoring: str | None = "roc_auc", target: str = "repaid"):
    import pandas as pd
    from sklearn.inspection import permutation_importance

    data = _split()[rows]
    model = _fitted("boosting", "repaid")
    with one_thread():
        result = permutation_importance(
            model,
            data[list(FEATURES)],
            data[target],
            scoring=scoring,
            n_repeats=5,
            random_state=0,
            n_jobs=1,
        )
    return pd.Series(result.importances_mean, index=list(FEATURES))


def _perm_sorted():
    return _perm_imp().sort_values(ascending=False)


# --------------------------------------------------------------------------------------
# 14.2 ICE curves.
# --------------------------------------------------------------------------------------


def _columns(model: Any, X: Any, feature: str, grid: Any, method: str, column: int) -> np.ndarray:
    out = []
    for value in np.asarray(grid).ravel():
        X_mod = X.copy()
        X_mod[feature] = value
        scores = getattr(model, method)(X_mod)
        scores = np.asarray(scores, dtype=float)
        out.append(scores[:, column] if scores.ndim == 2 else scores)
    return np.column_stack(out)


def _ice(model, X, feature, grid):
    return _columns(model, X, feature, grid, "predict_proba", 1)


def _ice_class0(model, X, feature, grid):
    return _columns(model, X, feature, grid, "predict_proba", 0)


def _ice_decision(model, X, feature, grid):
    return _columns(model, X, feature, grid, "decision_function", 0)


def _ice_labels(model, X, feature, grid):
    return _columns(model, X, feature, grid, "predict", 0)


def _pdp(model, X, feature, grid):
    return _ice(model, X, feature, grid).mean(axis=0)


def _ice_sorted_grid(model, X, feature, grid):
    return _ice(model, X, feature, np.sort(np.asarray(grid).ravel()))


# --------------------------------------------------------------------------------------
# 14.3 MetricFrame by group.
# --------------------------------------------------------------------------------------


_THRESHOLD_3 = 0.4  # 14.3: approve when the probability of approval is at least this


def _by_group(
    model_target: str = "approved",
    truth: str = "repaid",
    rows: str = "test",
    threshold: float | None = _THRESHOLD_3,
):
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    data = _split()[rows]
    model = _fitted("logreg", model_target)
    if threshold is None:
        pred = model.predict(data[list(FEATURES)])
    else:
        pred = (model.predict_proba(data[list(FEATURES)])[:, 1] >= threshold).astype(int)
    frame = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
        },
        y_true=data[truth],
        y_pred=pred,
        sensitive_features=data["group"],
    )
    return frame.by_group


# --------------------------------------------------------------------------------------
# 14.4 Fairness gaps from scratch.
# --------------------------------------------------------------------------------------


def _rates(y_true, y_pred, groups) -> dict[Any, tuple[float, float, float]]:
    y = np.asarray(y_true).astype(int).ravel()
    p = np.asarray(y_pred).astype(int).ravel()
    g = np.asarray(groups).ravel()
    out = {}
    for value in dict.fromkeys(g.tolist()):  # first-seen order
        mask = g == value
        sel = float(p[mask].mean())
        tpr = float(p[mask & (y == 1)].mean())
        fpr = float(p[mask & (y == 0)].mean())
        out[value] = (sel, tpr, fpr)
    return out


def _gaps(y_true, y_pred, groups, how: str = "right") -> dict[str, float]:
    rates = list(_rates(y_true, y_pred, groups).values())
    sel, tpr, fpr = (np.array([r[i] for r in rates]) for i in range(3))

    def spread(values: np.ndarray) -> float:
        if how == "signed":
            return float(values[0] - values[-1])
        return float(values.max() - values.min())

    eodds = {
        "right": max(spread(tpr), spread(fpr)),
        "signed": max(spread(tpr), spread(fpr)),
        "mean": (spread(tpr) + spread(fpr)) / 2,
        "tpr_only": spread(tpr),
    }[how]
    return {
        "demographic_parity": spread(sel),
        "equal_opportunity": spread(tpr),
        "equalized_odds": eodds,
    }


def _fairness_gaps(y_true, y_pred, groups):
    return _gaps(y_true, y_pred, groups)


# --------------------------------------------------------------------------------------
# 14.5 The learned bias, per historical bias.
# --------------------------------------------------------------------------------------


def _dp(y_true, y_pred, groups) -> float:
    return _gaps(y_true, y_pred, groups)["demographic_parity"]


def _dp_by_bias(variant: str = "model", rows: str = "test"):
    import pandas as pd

    values = []
    for bias in BIASES:
        data = _split(bias)[rows]
        if variant == "labels":
            pred = data["approved"].to_numpy()
        else:
            target = "repaid" if variant == "repaid" else "approved"
            pred = _fitted("logreg", target, bias).predict(data[list(FEATURES)])
        values.append(_dp(data["repaid"], pred, data["group"]))
    return pd.Series(values, index=list(BIASES))


# --------------------------------------------------------------------------------------
# 14.6 The proxy.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _proxy_auc(
    rows: str = "test",
    columns: tuple[str, ...] = FEATURES,
    labels: bool = False,
    fit_rows: str = "train",
):
    from sklearn.metrics import roc_auc_score

    d = _split()
    train, data = d[fit_rows], d[rows]
    with one_thread():
        model = _logreg().fit(train[list(columns)], train["group"] == "B")
    X = data[list(columns)]
    scores = model.predict(X) if labels else model.predict_proba(X)[:, 1]
    return float(roc_auc_score(data["group"] == "B", scores))


# --------------------------------------------------------------------------------------
# 14.7 and 14.8 The mitigation.
# --------------------------------------------------------------------------------------

_CONSTRAINT = "demographic_parity"


@lru_cache(maxsize=8)
def _mitigated(target: str = "approved", rows: str = "train", constraint: str = _CONSTRAINT):
    import pandas as pd
    from fairlearn.postprocessing import ThresholdOptimizer

    d = _split()
    data = pd.concat([d["train"], d["test"]]) if rows == "all" else d[rows]
    mitigator = ThresholdOptimizer(
        estimator=_fitted("logreg", "approved"),
        constraints=constraint,
        objective="accuracy_score",
        prefit=True,
        predict_method="predict_proba",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigator.fit(data[list(FEATURES)], data[target], sensitive_features=data["group"])


@lru_cache(maxsize=8)
def _table(
    target: str = "approved", rows: str = "train", constraint: str = _CONSTRAINT
) -> dict[str, tuple[float, float, float]]:
    """Per group: p0 and the two thresholds of the reference mitigation."""
    table = _mitigated(target, rows, constraint).interpolated_thresholder_.interpolation_dict
    return {
        str(key): (
            float(entry["p0"]),
            float(entry["operation0"].threshold),
            float(entry["operation1"].threshold),
        )
        for key, entry in table.items()
    }


@lru_cache(maxsize=8)
def _decisions(target: str = "approved", rows: str = "train", constraint: str = _CONSTRAINT):
    test = _split()["test"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = _mitigated(target, rows, constraint).predict(
            test[list(FEATURES)], sensitive_features=test["group"], random_state=_PREDICT_SEED
        )
    return np.asarray(pred).astype(int)


def _judge_mitigated(data: Any) -> None:
    data = require_dict(
        data,
        "data",
        ("groups", "estimator", "steps", "constraints", "objective", "prefit", "decisions"),
    )
    groups = require_dict(data["groups"], "data['groups']")
    table: dict[str, tuple[float, ...]] = {}
    for key, entry in groups.items():
        key = require_str(key, "a key of data['groups']")
        entry = require_list(entry, f"data['groups'][{key!r}]")
        if any(type(v) is not float or not np.isfinite(v) for v in entry):
            raise malformed(f"data['groups'][{key!r}]", "should hold finite floats only")
        table[key] = tuple(entry)
    estimator = require_str(data["estimator"], "data['estimator']")
    steps = require_list(data["steps"], "data['steps']", item=require_str)
    constraints = require_str(data["constraints"], "data['constraints']")
    objective = require_str(data["objective"], "data['objective']")
    prefit = require_bool(data["prefit"], "data['prefit']")
    n_test = len(_split()["test"])
    decisions = require_list(data["decisions"], "data['decisions']", length=n_test, per="test row")
    if any(type(d) is not int or d not in (0, 1) for d in decisions):
        raise malformed("data['decisions']", "should hold the decisions 0 and 1 only")
    if estimator != "sklearn.pipeline.Pipeline" or steps != [
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.linear_model._logistic.LogisticRegression",
    ]:
        raise Fail(
            "The ThresholdOptimizer's `estimator` should be `model_approved`, the setup's "
            "pipeline (a StandardScaler, then a LogisticRegression), not another model."
        )
    del prefit  # prefit=False refits a copy of the same pipeline on the same rows: allowed
    if constraints != _CONSTRAINT:
        raise Fail(
            f"The constraint is {constraints!r}; the task asks for demographic parity "
            "(`constraints='demographic_parity'`)."
        )
    if objective != "accuracy_score":
        raise Fail(
            f"The objective is {objective!r}; the task asks for `objective='accuracy_score'`."
        )
    if sorted(table) != sorted(_table()):
        raise Fail(
            f"`mitigated` learned thresholds for the groups {sorted(table)}, but the check "
            "asks it for decisions with the test rows' group labels, the strings in "
            "`g_test` (`test['group']`). Fit it with `sensitive_features=g_train`, the "
            "training rows' labels as they are."
        )
    got = np.asarray(decisions, dtype=int)

    def agrees(**kwargs: str) -> bool:
        reference = _table(**kwargs)
        same_table = all(
            len(table[key]) == 3
            and np.allclose(table[key], reference[key], rtol=0, atol=_TABLE_ATOL)
            for key in reference
        )
        same_decisions = float(np.mean(got != _decisions(**kwargs))) <= _MAX_DISAGREEMENT
        return same_table and same_decisions

    if agrees():
        return
    if agrees(rows="test"):
        raise Fail(
            "These thresholds were learned on the test rows. Fit the ThresholdOptimizer on "
            "the training rows (`X_train`, `g_train`): the test rows only measure it."
        )
    if agrees(rows="all"):
        raise Fail(
            "These thresholds were learned on every row, the test rows included. Fit the "
            "ThresholdOptimizer on the training rows only (`X_train`, `g_train`)."
        )
    if agrees(target="repaid"):
        raise Fail(
            "These thresholds were fitted with `repaid` as the labels. The task fits them "
            "with the labels `model_approved` was trained on, `train['approved']`: the "
            "lender only has the historical decisions."
        )
    raise Fail(
        "What `mitigated` learned (each group's thresholds and how often each is used) or its "
        "decisions for the test rows differ from those of the ThresholdOptimizer the task "
        "describes, fitted on all the training rows, and only those, with `model_approved` "
        "as it is and `objective='accuracy_score'`. Check the labels (`train['approved']`), "
        "the sensitive features (`g_train`) and the rows you fitted it on."
    )


def _accuracy(truth: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(np.asarray(truth) == np.asarray(pred)))


def _report(
    truth: str = "repaid", swap: bool = False, threshold: float | None = None
) -> dict[str, float]:
    test = _split()["test"]
    model = _fitted("logreg", "approved")
    if threshold is None:
        before = model.predict(test[list(FEATURES)])
    else:
        before = (model.predict_proba(test[list(FEATURES)])[:, 1] >= threshold).astype(int)
    after = _decisions()
    if swap:
        before, after = after, before
    y = test[truth].to_numpy()
    g = test["group"]
    return {
        "accuracy_before": _accuracy(y, before),
        "accuracy_after": _accuracy(y, after),
        "dp_before": _dp(y, before, g),
        "dp_after": _dp(y, after, g),
    }


# --------------------------------------------------------------------------------------
# Questions.
# --------------------------------------------------------------------------------------

_KC6 = {"base": -0.35, "shap": (0.42, -0.18, 0.07, -0.51, 0.26)}  # stated in the question


def _kc6() -> float:
    logit = _KC6["base"] + sum(_KC6["shap"])
    return float(1 / (1 + np.exp(-logit)))


KEY = {
    "14.1": {
        "expected": _perm_imp,
        "mistakes": [
            Mistake(
                lambda: _perm_imp(rows="train"),
                "These importances were measured on the training rows. Permutation importance "
                "says what the model relies on for unseen data only when it is measured on "
                "held-out rows: use `X_test` and `y_test`.",
            ),
            Mistake(
                lambda: _perm_imp(scoring=None),
                "These importances are drops in accuracy (the default score); the task asks "
                "for drops in ROC-AUC: `scoring='roc_auc'`.",
            ),
            Mistake(
                _perm_sorted,
                "The values look right but the order is not the columns' order: keep the index "
                "in the order of `X_test.columns` (do not sort).",
            ),
        ],
    },
    "14.2": {
        "reference": _ice,
        "mistakes": [
            Mistake(
                _pdp,
                "You returned the average over rows (the partial dependence curve); an ICE "
                "array keeps one row per applicant.",
            ),
            Mistake(
                _ice_class0,
                "These are the probabilities of class 0; the task asks for column 1 of "
                "`predict_proba`, the probability of the positive class.",
            ),
            Mistake(
                _ice_decision,
                "These are decision-function scores (log-odds), not probabilities: use "
                "`predict_proba(...)[:, 1]`.",
            ),
            Mistake(
                _ice_labels,
                "These are predicted classes (0 or 1); ICE curves show the predicted "
                "probability: `predict_proba(...)[:, 1]`.",
            ),
            Mistake(
                _ice_sorted_grid,
                "Your columns follow the sorted grid; keep the grid's own order, one column per "
                "grid value as given.",
            ),
        ],
    },
    "14.3": {
        "expected": _by_group,
        "mistakes": [
            Mistake(
                lambda: _by_group(truth="approved"),
                "The rates were computed against the historical decisions `approved`. The "
                "true outcome is `repaid`: pass `y_true=y_test`.",
            ),
            Mistake(
                lambda: _by_group(model_target="repaid"),
                "These are the rates of a model trained on `repaid`; the task asks about "
                "`model_approved`, trained on the historical decisions.",
            ),
            Mistake(
                lambda: _by_group(threshold=None),
                "These are the rates of `model_approved.predict`, which approves at a "
                "probability of 0.5; the task's lender approves from 0.4: "
                "`predict_proba(X_test)[:, 1] >= 0.4`.",
            ),
            Mistake(
                lambda: _by_group(rows="train"),
                "These rates are those of the training rows; measure on the test rows.",
            ),
        ],
    },
    "14.4": {
        "reference": _fairness_gaps,
        "mistakes": [
            Mistake(
                lambda y, p, g: _gaps(y, p, g, "signed"),
                "A gap is the largest rate minus the smallest, over the groups, so it is never "
                "negative whichever group is favoured; not the first group's rate minus the "
                "last's.",
            ),
            Mistake(
                lambda y, p, g: _gaps(y, p, g, "mean"),
                "The equalized odds difference is the larger of the two gaps (in true and in "
                "false positive rates), not their mean.",
            ),
            Mistake(
                lambda y, p, g: _gaps(y, p, g, "tpr_only"),
                "Your equalized odds difference ignores the false positive rates: it is the "
                "larger of the gaps in true and in false positive rates.",
            ),
        ],
    },
    "14.5": {
        "expected": _dp_by_bias,
        "mistakes": [
            Mistake(
                lambda: _dp_by_bias("labels"),
                "These are the gaps of the historical decisions themselves; the task asks "
                "for the gaps of a model trained on them, predicting the test rows.",
            ),
            Mistake(
                lambda: _dp_by_bias("repaid"),
                "These models were trained on `repaid`, which does not depend on the bias; "
                "train each on that frame's `approved`.",
            ),
            Mistake(
                lambda: _dp_by_bias(rows="train"),
                "These gaps are those of the training rows; predict the test rows.",
            ),
        ],
    },
    "14.6": {
        "expected": _proxy_auc,
        "mistakes": [
            Mistake(
                lambda: _proxy_auc(rows="train"),
                "That ROC-AUC was measured on the training rows; score the test rows.",
            ),
            Mistake(
                lambda: _proxy_auc(columns=("income",)),
                "That model sees income only; the task uses all seven features of `FEATURES`.",
            ),
            Mistake(
                lambda: _proxy_auc(labels=True),
                "ROC-AUC needs scores, not predicted labels: use `predict_proba(X_test)[:, 1]`.",
            ),
            Mistake(
                lambda: _proxy_auc(fit_rows="test"),
                "That model was fitted on the test rows and scored on the same rows. Fit it on "
                "the training rows (`X_train`, `g_train == 'B'`) and score the test rows.",
            ),
        ],
    },
    "14.7": {"judge": _judge_mitigated},
    "14.8": {
        "expected": _report,
        "mistakes": [
            Mistake(
                lambda: _report(truth="approved"),
                "These accuracies (and gaps) are measured against the historical decisions "
                "`approved`; measure against the true outcomes `y_test` (`repaid`).",
            ),
            Mistake(
                lambda: _report(swap=True),
                "Before and after are swapped.",
            ),
            Mistake(
                lambda: _report(threshold=_THRESHOLD_3),
                'Your "before" numbers are those of exercise 3\'s lender, who approves from a '
                "probability of 0.4. The mitigation post-processes `model_approved` itself: "
                "before is `model_approved.predict(X_test)` (threshold 0.5).",
            ),
        ],
    },
    "14.kc1": {
        "answer": "c",
        "explanation": (
            "Shuffling a column on held-out rows breaks its link with the outcome; the drop in "
            "score is how much this fitted model relies on it for unseen data. It is not a "
            "causal effect, and correlated columns share (and can hide) importance."
        ),
        "feedback": {
            "a": "Permutation importance is a drop in a ranking score (ROC-AUC) over all the test "
            "rows, not the effect of one unit of income on a probability; shuffling a column says "
            "nothing about what raising one applicant's income would do.",
            "b": "Shuffling a column measures how much a fitted model's score depends on it, not "
            "how much the column causes the outcome: a model can lean on a proxy that causes "
            "nothing.",
            "d": "Importance belongs to the fitted model, not to the data: another model can lean "
            "on a feature correlated with income instead, and correlated features share (and can "
            "hide) their importance.",
        },
    },
    "14.kc2": {
        "answer": "a",
        "explanation": (
            "The PDP is the average of the ICE curves: when the effect of a feature differs "
            "between applicants (an interaction), the curves spread or cross and their average "
            "hides it."
        ),
        "feedback": {
            "b": "ICE curves are no more causal than the partial dependence curve: both show how "
            "this model's output moves when one input is changed with the others held fixed, even "
            "to combinations that never occur.",
            "c": "ICE curves are not bootstrap replicates: each one follows a single row's "
            "prediction as the feature sweeps the grid, so their spread is not the uncertainty of "
            "the average.",
            "d": "ICE stands for individual conditional expectation: one curve per row of the "
            "data, not one per class. The partial dependence curve is a single average over the "
            "rows.",
        },
    },
    "14.kc3": {
        "answer": "d",
        "explanation": (
            "With different base rates, a perfect classifier has equal error rates (zero "
            "equalised-odds gap) but selects each group at its own base rate, so demographic "
            "parity fails; forcing equal selection rates then needs different error rates."
        ),
        "feedback": {
            "a": "A classifier whose decisions equal the outcomes approves 80% of group A and 60% "
            "of group B: the selection rates differ, so demographic parity cannot hold.",
            "b": "Demographic parity asks for equal selection rates, and this classifier approves "
            "each group at its own repayment rate, 80% against 60%: demographic parity fails.",
            "c": "Different selection rates break demographic parity only. Equalised odds compares "
            "other rates, the true and false positive rates within each group: work them out for a "
            "classifier that makes no error.",
        },
    },
    "14.kc4": {
        "answer": "b",
        "explanation": (
            "The other features carry information about the group (income is a proxy), so a "
            "model without the column can still treat the groups differently; the lesson "
            "measured the gap that remains."
        ),
        "feedback": {
            "a": "A model needs no group column to approve the groups at different rates: it "
            "reacts to the features it has, and in the course's data those are not distributed "
            "alike in the two groups (group B's incomes are lower).",
            "c": "Fairness metrics need each applicant's group at audit time, not as an input of "
            "the model: a lender can keep the column for auditing while the model never sees it, "
            "as the lesson did.",
            "d": "Demographic parity compares selection rates, and those still differ: in the "
            "lesson the model trained without the group had a demographic parity difference of "
            "0.093.",
        },
    },
    "14.kc5": {
        "answer": "c",
        "explanation": (
            "A lender observes repayment only for the loans it granted: the outcomes of the "
            "rejected applicants are missing, and missing not at random, so neither the model "
            "nor a fairness metric computed on approved loans can be checked for them."
        ),
        "feedback": {
            "a": "Whether the model uses the group is a question about its inputs; the difference "
            "asked about lies in the labels a real lender has, which leaving the group out does "
            "not change.",
            "b": "A lender always records its own decisions, approvals and rejections alike (the "
            "course's `approved` column imitates them). It is the first half, repayment known for "
            "everyone, that a real lender's data cannot offer.",
            "d": "A delay of a few months postpones outcomes but loses none of them. The claim to "
            "question is that repayment is observed for everyone at all.",
        },
    },
    "14.kc6": {
        "expected": _kc6,
        "mistakes": [
            Mistake(
                lambda: _KC6["base"] + sum(_KC6["shap"]),
                "That is the applicant's log-odds (base value plus SHAP values); the question "
                "asks for a probability: apply the logistic function 1 / (1 + exp(-x)).",
            ),
            Mistake(
                lambda: float(1 / (1 + np.exp(-sum(_KC6["shap"])))),
                "The SHAP values add up to the prediction minus the base value: add the base "
                "value -0.35 before turning log-odds into a probability.",
            ),
            Mistake(
                lambda: 100 * _kc6(),
                "Give the probability as a number between 0 and 1, not as a percentage.",
            ),
        ],
    },
}
