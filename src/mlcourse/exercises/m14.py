"""Module 14 — Responsible ML: explanations, fairness metrics, a mitigation and its cost.

The declaration of the module's problems (the key is in mlcourse.keys.m14). The data are the
course's credit generator, ``make_credit(6_000, bias=1.0, seed=42)`` (exercise 5 also uses
other values of ``bias``: with the same seed the frames differ only in ``approved``), split
75/25 with stratification on ``group`` and ``random_state=42``. The features are the seven
legitimate columns of ``FEATURES``; ``group`` is the sensitive attribute and is never a feature
in the exercises. Everything is scored on the test rows; the models are fitted on the training
rows only. Exercise 7's mitigation is collected as its predictions for the test rows (drawn with
``random_state=0``), which the key compares with the same mitigation fitted on the course's
training rows.
"""

from __future__ import annotations

import types
import warnings
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
from mlcourse.exercises._sklearn import class_path as _class_path
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises._sklearn import traced_calls as _traced_calls

N_ROWS = 6_000
BIAS = 1.0  # the historical penalty on group B (log-odds) in the notebook's frame
_SEED = 42  # make_credit's seed, and random_state of the split
_TEST_SIZE = 0.25
FEATURES = (
    "age",
    "income",
    "debt_to_income",
    "credit_history_years",
    "n_late_payments",
    "employment_years",
    "loan_amount",
)
BIASES = (0.0, 0.5, 1.0, 2.0)  # exercise 5 (stated in the prompt)
_PREDICT_SEED = 0  # exercise 7: ThresholdOptimizer.predict(..., random_state=0)


@lru_cache(maxsize=8)
def _credit(bias: float = BIAS):
    from mlcourse.datasets import make_credit

    return make_credit(N_ROWS, bias=bias, seed=_SEED)


@lru_cache(maxsize=8)
def _split(bias: float = BIAS) -> dict[str, Any]:
    """The notebook's split: 75/25 stratified on group, random_state 42."""
    from sklearn.model_selection import train_test_split

    df = _credit(bias)
    train, test = train_test_split(
        df, test_size=_TEST_SIZE, stratify=df["group"], random_state=_SEED
    )
    return {"train": train, "test": test}


def _logreg():
    """The notebook's linear model: a StandardScaler, then LogisticRegression(max_iter=1000)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _boosting():
    """The notebook's boosted trees (exercise 1): 50 iterations, random_state 0."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=50, random_state=0)


@lru_cache(maxsize=8)
def _fitted(kind: str, target: str, bias: float = BIAS, rows: str = "train"):
    """A model of ``kind`` ("logreg" or "boosting") fitted on FEATURES -> ``target``."""
    data = _split(bias)[rows]
    model = _logreg() if kind == "logreg" else _boosting()
    with _one_thread():
        return model.fit(data[list(FEATURES)], data[target])


# --------------------------------------------------------------------------------------
# Exercise 2: ICE curves, cases.
# --------------------------------------------------------------------------------------


def _ice_cases() -> list[Case]:
    test = _split()["test"]
    X_demo = test[list(FEATURES)].iloc[:5]
    return [
        Case(
            _fitted("logreg", "repaid"),
            X_demo,
            "income",
            np.array([20_000.0, 40_000.0, 60_000.0, 80_000.0]),
            call='ice(model_repaid, X_demo, "income", np.array([20_000, 40_000, 60_000, 80_000]))',
        )
    ]


def _ice_hidden() -> list[Case]:
    test = _split()["test"][list(FEATURES)]
    shuffled = test.iloc[40:70].sample(frac=1.0, random_state=3)
    return [
        Case(
            _fitted("boosting", "repaid"),
            test.iloc[5:25],
            "debt_to_income",
            np.linspace(0.05, 0.8, 7),
            label="boosted trees, 20 rows, a 7-point grid",
        ),
        Case(
            _fitted("logreg", "approved"),
            test.iloc[[100]],
            "n_late_payments",
            np.array([0, 1, 2, 3, 4, 5]),
            label="a single row, an integer feature",
        ),
        Case(
            _fitted("logreg", "repaid"),
            test.iloc[200:212],
            "loan_amount",
            np.array([15_000.0]),
            label="a grid of one value",
        ),
        Case(
            _fitted("boosting", "repaid"),
            shuffled,
            "income",
            [25_000.0, 50_000.0, 100_000.0],
            label="a frame with a shuffled index, the grid as a list",
        ),
        Case(
            _fitted("logreg", "repaid"),
            test.iloc[300:340],
            "age",
            np.array([70.0, 30.0, 50.0]),
            label="a grid that is not sorted",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 4: fairness gaps from scratch, cases.
# --------------------------------------------------------------------------------------


def _gap_cases() -> list[Case]:
    return [
        Case(
            [1, 0, 1, 1, 0, 1, 0, 0],
            [1, 0, 1, 0, 1, 1, 0, 0],
            ["A", "A", "A", "A", "B", "B", "B", "B"],
            call=(
                "fairness_gaps([1, 0, 1, 1, 0, 1, 0, 0], [1, 0, 1, 0, 1, 1, 0, 0], "
                '["A", "A", "A", "A", "B", "B", "B", "B"])'
            ),
        )
    ]


def _gap_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(_SEED + 14)
    n = 600
    groups = rng.choice(np.array(["x", "y", "z"]), size=n, p=[0.5, 0.3, 0.2])
    y = (rng.random(n) < np.where(groups == "x", 0.6, 0.4)).astype(int)
    pred = np.where(rng.random(n) < 0.75, y, 1 - y)
    pred = np.where((groups == "z") & (rng.random(n) < 0.3), 1, pred)
    index = rng.permutation(n) + 1000
    test = _split()["test"]
    model = _fitted("logreg", "approved")
    return [
        Case(
            [1, 1, 0, 0, 1, 1, 0, 0],
            [1, 0, 0, 0, 1, 1, 1, 1],
            ["A", "A", "A", "A", "B", "B", "B", "B"],
            label="group B favoured (every rate higher in B)",
        ),
        Case(y, pred, groups, label="three groups, 600 rows"),
        Case(
            pd.Series(y, index=index),
            pd.Series(pred, index=index[::-1]),
            pd.Series(groups, index=index),
            label="pandas Series with different indexes",
        ),
        Case(
            [0, 1, 0, 1, 0, 1],
            [0, 1, 0, 1, 0, 1],
            [1, 1, 1, 2, 2, 2],
            label="perfect predictions, integer group labels",
        ),
        Case(
            [1, 0, 1, 0, 1, 0, 1, 0],
            [1, 1, 0, 0, 1, 0, 1, 0],
            ["A"] * 8,
            label="a single group",
        ),
        Case(
            test["repaid"].to_numpy(),
            model.predict(test[list(FEATURES)]),
            test["group"],
            label="the credit test rows, the group as a categorical Series",
        ),
        Case(
            [1, 0, 1, 0, 1, 0, 1, 0],
            [1, 1, 1, 1, 0, 0, 1, 0],
            ["A", "A", "A", "A", "B", "B", "B", "B"],
            label="a larger gap in false positive rates than in true positive rates",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 4: the rule "not Fairlearn inside the function".
# --------------------------------------------------------------------------------------

# Names that count when the code names them but they cannot be resolved (an import inside the
# function, an attribute of a module): Fairlearn's own, distinctive names.
_FAIRLEARN_NAMES = frozenset(
    {
        "fairlearn",
        "MetricFrame",
        "demographic_parity_difference",
        "demographic_parity_ratio",
        "equalized_odds_difference",
        "equalized_odds_ratio",
        "equal_opportunity_difference",
        "equal_opportunity_ratio",
    }
)


def _fairlearn_object(obj: Any) -> str | None:
    """The name of the Fairlearn function, class or module that ``obj`` is, or None."""
    target = getattr(obj, "func", obj)  # functools.partial
    if isinstance(target, types.ModuleType):
        name = target.__name__
        return name if name.split(".")[0] == "fairlearn" else None
    module = getattr(target, "__module__", None) or ""
    if isinstance(module, str) and module.split(".")[0] == "fairlearn":
        return getattr(target, "__name__", "a function of fairlearn")
    return None


def _fairlearn_used(func: Any) -> list[str]:
    """Fairlearn names that ``func`` (or a notebook function it calls) refers to."""

    def judge(name: str, value: Any, opname: str) -> str | None:
        if value is UNRESOLVED:
            if opname == "IMPORT_NAME":
                return name if name.split(".")[0] == "fairlearn" else None
            return name if name in _FAIRLEARN_NAMES else None
        return _fairlearn_object(value)

    return names_used(func, judge)


def _traced_fairlearn(run: Any) -> tuple[Any, list[str]]:
    """``run()``, and the Fairlearn functions called while it ran (a live trace)."""
    import fairlearn

    return _traced_calls(run, fairlearn)


class _NoFairlearn(MethodRule):
    """Exercise 4: a function problem whose prompt forbids Fairlearn inside the function.

    The compiled code is read (a Fairlearn name reached counts) and the calls into the
    ``fairlearn`` package are traced while the cases run. Both run in the learner's kernel.
    """

    def __init__(self, id: str, **kwargs: Any):
        super().__init__(
            id,
            find=_fairlearn_used,
            breaks="uses Fairlearn",
            advice=(
                "The task asks for the rates and gaps from scratch, with NumPy or pandas "
                "(compare with `fairlearn.metrics` outside the function if you like)."
            ),
            **kwargs,
        )

    def collect(self, namespace):
        func = namespace.get(self.name)
        named = _fairlearn_used(func) if callable(func) else []
        if named:  # the code names Fairlearn: no need for the (slow) trace
            answer = Function.collect(self, namespace)
            if answer.missing is None and answer.error is None:
                answer.values["uses"] = [f"`{name}`" for name in named][:10]
            return answer
        answer, called = _traced_fairlearn(lambda: Function.collect(self, namespace))
        if answer.missing is None and answer.error is None:
            named = _fairlearn_used(namespace[self.name])
            public = [name for name in called if not name.startswith(("_", "<"))]
            rest = [name for name in called if not name.startswith("<")]
            found = dict.fromkeys([*named, *public, *rest])  # ordered, without repeats
            answer.values["uses"] = [f"`{name}`" for name in found][:10]
        return answer


# --------------------------------------------------------------------------------------
# Exercise 7: the mitigated model, collected as its test predictions.
# --------------------------------------------------------------------------------------


def _extract_mitigated(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's ThresholdOptimizer, described and asked for the test rows' decisions.

    Runs in the learner's process: the class, the constraint, the objective, whether the
    estimator was prefit and its class, what it learned per group (the probability ``p0`` of
    the first threshold and the two thresholds, read from ``interpolated_thresholder_``), and
    the 0/1 decisions for the test rows drawn with random_state 0 (ThresholdOptimizer
    randomises between two thresholds).
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    model = values["mitigated"]
    path = _class_path(model)
    if not path.startswith("fairlearn.") or type(model).__name__ != "ThresholdOptimizer":
        raise Fail(
            "`mitigated` should be a fitted Fairlearn `ThresholdOptimizer`, but it is "
            f"{describe(model)}."
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise Fail(
            "`mitigated` is a ThresholdOptimizer that has not been fitted yet: call "
            "`mitigated.fit(X_train, y_train, sensitive_features=g_train)`."
        ) from None
    test = _split()["test"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        decisions = model.predict(
            test[list(FEATURES)].copy(),
            sensitive_features=test["group"].copy(),
            random_state=_PREDICT_SEED,
        )
    thresholder = getattr(model, "interpolated_thresholder_", None)
    table = getattr(thresholder, "interpolation_dict", None)
    groups: dict[str, list[float]] = {}
    if isinstance(table, dict):
        for key, entry in table.items():
            try:
                groups[str(key)] = [
                    float(entry["p0"]),
                    float(entry["operation0"].threshold),
                    float(entry["operation1"].threshold),
                ]
            except (KeyError, TypeError, AttributeError, ValueError):
                groups[str(key)] = []
    estimator = getattr(model, "estimator", None)
    return {
        "groups": groups,
        "estimator": _class_path(estimator),
        "steps": [_class_path(step[1]) for step in list(getattr(estimator, "steps", None) or ())],
        "constraints": str(getattr(model, "constraints", "")),
        "objective": str(getattr(model, "objective", "")),
        "prefit": bool(getattr(model, "prefit", False)),
        "decisions": [int(d) for d in np.asarray(decisions).ravel()],
    }


MODULE = Module(
    "14",
    "responsible_ml",
    "Responsible ML",
    problems=(
        Value(
            "14.1",
            var="perm_imp",
            atol=1e-9,
            title="Permutation importance on the test rows",
            points=2,
            hints=[
                "Permutation importance is measured on data the model did not see: the test "
                "rows, with their true outcomes `repaid`.",
                "`sklearn.inspection.permutation_importance(boost, X_test, y_test, "
                "scoring='roc_auc', n_repeats=5, random_state=0)` returns an object whose "
                "`importances_mean` has one entry per column.",
                "`pd.Series(result.importances_mean, index=X_test.columns)`, in the columns' "
                "order (do not sort it).",
            ],
        ),
        Function(
            "14.2",
            name="ice",
            cases=_ice_cases,
            hidden=_ice_hidden,
            atol=1e-9,
            title="ICE curves by hand",
            points=2,
            hints=[
                "For each value of the grid, make a copy of `X` in which the column `feature` "
                "holds that value on every row, and ask the model for its probabilities.",
                "`X_mod = X.copy(); X_mod[feature] = value`; "
                "`model.predict_proba(X_mod)[:, 1]` is one column of the answer.",
                "Stack the columns: `np.column_stack([...])` has one row per row of `X` and one "
                "column per grid value, in the grid's order. Never change `X` itself.",
            ],
        ),
        Value(
            "14.3",
            var="by_group",
            atol=1e-9,
            title="Rates per group with MetricFrame",
            points=1,
            hints=[
                "The true outcome is `repaid` (on the test rows); the decisions are "
                "`model_approved`'s probabilities of approval compared with 0.4; the sensitive "
                "feature is `g_test`.",
                "`MetricFrame(metrics={'selection_rate': selection_rate, "
                "'true_positive_rate': true_positive_rate, 'false_positive_rate': "
                "false_positive_rate}, y_true=y_test, y_pred=decisions, sensitive_features=g_test)` "
                "with `decisions = (model_approved.predict_proba(X_test)[:, 1] >= 0.4).astype(int)`",
                "`by_group` is the frame's attribute `.by_group`: rows A and B, three columns.",
            ],
        ),
        _NoFairlearn(
            "14.4",
            name="fairness_gaps",
            cases=_gap_cases,
            hidden=_gap_hidden,
            atol=1e-9,
            title="Three fairness gaps from scratch",
            points=2,
            hints=[
                "Compute, for every group, three rates: the selection rate (mean of `y_pred`), "
                "the true positive rate (mean of `y_pred` where `y_true` is 1) and the false "
                "positive rate (mean of `y_pred` where `y_true` is 0).",
                "Each gap is the largest rate minus the smallest, over the groups: never "
                "negative, and it works for any number of groups. Turn the inputs into NumPy "
                "arrays first so that pandas indexes play no part.",
                "`demographic_parity` is the gap in selection rates, `equal_opportunity` the "
                "gap in true positive rates, `equalized_odds` the larger of the gaps in true "
                "and in false positive rates.",
            ],
        ),
        Value(
            "14.5",
            var="dp_by_bias",
            atol=1e-9,
            title="The model learns the historical bias",
            points=2,
            hints=[
                "For each `b` in `biases`, generate `make_credit(6_000, bias=b, seed=42)`, split "
                "it exactly as in the setup, fit a fresh `make_model()` on the training rows' "
                "`approved`, and predict the test rows.",
                "The demographic parity difference of those predictions: "
                "`demographic_parity_difference(test['repaid'], pred, "
                "sensitive_features=test['group'])` (or your `fairness_gaps`).",
                "`pd.Series(values, index=biases)`, one entry per bias, in the order of `biases`.",
            ],
        ),
        Value(
            "14.6",
            var="proxy_auc",
            atol=1e-9,
            title="How well do the features reveal the group?",
            points=1,
            hints=[
                "Treat the group as the target: 1 for B, 0 for A. If the legitimate features "
                "predict it, a model can treat the groups differently without ever seeing "
                "`group`.",
                "Fit a fresh `make_model()` on `X_train` with the target `(g_train == 'B')`, "
                "and score it on the test rows.",
                "`roc_auc_score(g_test == 'B', proxy.predict_proba(X_test)[:, 1])`, as a float.",
            ],
        ),
        Custom(
            "14.7",
            reads=("mitigated",),
            extract=_extract_mitigated,
            title="A mitigation with ThresholdOptimizer",
            points=3,
            hints=[
                "Fairlearn's `ThresholdOptimizer` takes the already fitted `model_approved` and "
                "learns one threshold (or a mix of two) per group.",
                "`ThresholdOptimizer(estimator=model_approved, constraints='demographic_parity', "
                "objective='accuracy_score', prefit=True, predict_method='predict_proba')`",
                "Fit it on the training rows with the labels the model was trained on: "
                "`mitigated.fit(X_train, train['approved'], sensitive_features=g_train)`.",
            ],
        ),
        Value(
            "14.8",
            var="mitigation_report",
            atol=1e-9,
            title="What the mitigation costs, measured on the test rows",
            points=2,
            hints=[
                "Four numbers, all on the test rows and all against the true outcomes "
                "`y_test` (`repaid`): accuracy and demographic parity difference, before and "
                "after the mitigation.",
                "Before: `model_approved.predict(X_test)`. After: `mitigated.predict(X_test, "
                "sensitive_features=g_test, random_state=0)`.",
                "A dict with the keys `accuracy_before`, `accuracy_after`, `dp_before`, "
                "`dp_after`, each a float.",
            ],
        ),
        Choice(
            "14.kc1",
            var="kc1",
            choices="abcd",
            title="What permutation importance measures",
            hints=["Ask what is shuffled, on which rows, and what is then measured."],
        ),
        Choice(
            "14.kc2",
            var="kc2",
            choices="abcd",
            title="What ICE shows that a PDP hides",
            hints=["A partial dependence curve is an average of the ICE curves."],
        ),
        Choice(
            "14.kc3",
            var="kc3",
            choices="abcd",
            title="Fairness criteria that cannot all hold",
            hints=[
                "Think of a perfect classifier, whose decisions equal the true outcomes, when "
                "the groups' base rates differ."
            ],
        ),
        Choice(
            "14.kc4",
            var="kc4",
            choices="abcd",
            title="Dropping the sensitive attribute",
            hints=["Exercise 6 measured how much of the group the other features carry."],
        ),
        Choice(
            "14.kc5",
            var="kc5",
            choices="abcd",
            title="Selective labels",
            hints=["Which applicants' repayment does a real lender never observe?"],
        ),
        Numeric(
            "14.kc6",
            var="kc6",
            atol=0.0005,
            title="SHAP values add up",
            hints=[
                "A prediction's SHAP values add up to the prediction minus the expected "
                "prediction (the base value)."
            ],
        ),
    ),
)
