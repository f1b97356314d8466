"""Module 26 — Interview preparation: the declaration of the exercises (the key is in mlcourse.keys.m26).

Interview-style coding and reasoning exercises. The five functions (ROC-AUC from ranks, k-fold
indices, precision at k, a stratified split, a bootstrap interval) are called on visible cases,
on hidden cases that cover the edges (ties, one class, uneven folds, a boundary tie at k, pandas
input with a shuffled index), and on inputs drawn at random every time an answer is collected:
a fresh seed, kept with the results, from which the judge rebuilds the same inputs, so that a
table of answers to the fixed cases cannot pass. Exercise 4 is a metric computed from a
confusion matrix stated here (the key recomputes it from the matrix); exercises 7 and 8 are
reasoning questions with one right option.
"""

from __future__ import annotations

import random
import types
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Answer, Case, Choice, Function, MethodRule, Numeric, Value
from mlcourse.checks._problems import _call, results_form_problem
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import NoSklearnMetrics, traced_calls, traced_metrics

SPLIT_SEED = 26  # the held-out split of the breast cancer data (lesson and exercises)
TEST_SIZE = 0.25
N_FRESH = 3  # inputs drawn at random per function, at every collection

#: Exercise 4: a fraud screen's confusion matrix on a month of held-out transactions (read-only:
#: the key recomputes the metrics from its own copy of these counts).
CONFUSION = types.MappingProxyType({"tn": 48_611, "fp": 1_189, "fn": 58, "tp": 142})

_AUC_METRICS = frozenset({"roc_auc_score", "roc_curve", "auc", "RocCurveDisplay"})


# --------------------------------------------------------------------------------------
# Functions checked on inputs drawn afresh at every collection.
# --------------------------------------------------------------------------------------


class _Fresh:
    """A Function whose answer also holds its results on ``fresh(seed)`` for a seed drawn anew.

    ``collect`` adds ``fresh_seed`` and ``fresh`` (one call result per case of
    ``fresh(fresh_seed)``, in the form of the fixed cases' results); the judge rebuilds the cases
    from the seed and compares each result with the reference's.
    """

    fresh: Callable[[int], list[Case]]

    def collect(self, namespace):
        answer = super().collect(namespace)
        if answer.missing is None and answer.error is None:
            func = namespace[self.name]
            seed = random.SystemRandom().randrange(2**62)  # not the notebook's seeded generators
            answer.values["fresh_seed"] = seed
            answer.values["fresh"] = [_call(func, case) for case in self.fresh(seed)]
        return answer

    def _collected_names(self) -> tuple[str, ...]:
        return (*super()._collected_names(), "fresh_seed", "fresh")

    def _malformed(self, answer: Answer) -> str | None:
        problem = super()._malformed(answer)
        if problem is not None:
            return problem
        seed, fresh = answer.values["fresh_seed"], answer.values["fresh"]
        if type(seed) is not int or not 0 <= seed < 2**62:
            return "its seed of the random inputs is not one the check draws"
        return results_form_problem(fresh, N_FRESH, "a random input")

    def _judge(self, answer: Answer):
        outcome = super()._judge(answer)
        if outcome.status != "correct":
            return outcome
        cases = self.fresh(answer.values["fresh_seed"])
        failed = [
            case.label or "a random input"
            for case, result in zip(cases, answer.values["fresh"], strict=True)
            if self._case_problem(case, result) is not None
        ]
        if failed:
            return self._wrong(
                f"`{self.name}` passes the fixed cases but fails {len(failed)} of {len(cases)} "
                f"inputs drawn at random for this check: {'; '.join(failed)}. Compute the "
                "result from the arguments; never look an input up."
            )
        return outcome


def _merge_uses(answer: Answer, called: list[str]) -> None:
    """Add the traced calls ``called`` to the answer's ``uses`` (ordered, without repeats)."""
    if answer.missing is None and answer.error is None and called:
        found = dict.fromkeys([*answer.values.get("uses", []), *(f"`{c}`" for c in called)])
        answer.values["uses"] = list(found)[:10]


class _IntegerArrays:
    """A function problem whose NumPy arrays in the result must hold integers (row positions)."""

    def _case_problem(self, case: Case, result: dict[str, Any]) -> str | None:
        problem = super()._case_problem(case, result)
        if problem is not None or case.raises is not None or not result["ok"]:
            return problem
        stack, value = [result["value"]], None
        while stack:
            value = stack.pop()
            if isinstance(value, (list, tuple)):
                stack.extend(value)
            elif isinstance(value, np.ndarray) and not np.issubdtype(value.dtype, np.integer):
                return (
                    f"`{case.call_text(self.name)}` returned row positions in an array of dtype "
                    f"{value.dtype}: positions are whole numbers, so return NumPy integer arrays."
                )
        return None


class _FreshFunction(_Fresh, Function):
    """A :class:`Function` also checked on inputs drawn at random at every collection."""

    def __init__(self, id: str, *, fresh: Callable[[int], list[Case]], **kwargs: Any):
        super().__init__(id, **kwargs)
        self.fresh = fresh


class _FreshNoMetrics(_Fresh, NoSklearnMetrics):
    """A :class:`NoSklearnMetrics` rule also checked on inputs drawn at random.

    The inputs drawn at random run under the same trace of ``sklearn.metrics`` as the fixed
    cases, so a function that answers the fixed cases from a table and calls scikit-learn on
    other inputs is reported.
    """

    def __init__(self, id: str, *, fresh: Callable[[int], list[Case]], **kwargs: Any):
        super().__init__(id, **kwargs)
        self.fresh = fresh

    def collect(self, namespace):
        answer, called = traced_metrics(lambda: super(_FreshNoMetrics, self).collect(namespace))
        _merge_uses(answer, called)
        return answer


def _model_selection_used(func: Any) -> list[str]:
    """Names in ``func``'s code (and what it reaches) that resolve to sklearn.model_selection."""
    from mlcourse.checks import UNRESOLVED, names_used

    def judge(name: str, value: Any, opname: str) -> str | None:
        if value is UNRESOLVED:
            return None
        target = getattr(value, "func", value)
        if isinstance(target, types.ModuleType):
            module = target.__name__
        else:
            module = getattr(target, "__module__", None) or ""
        if isinstance(module, str) and module.startswith("sklearn.model_selection"):
            return getattr(target, "__name__", name)
        return None

    return names_used(func, judge)


class _FreshIndices(_IntegerArrays, _Fresh, MethodRule):
    """Row positions written by hand: integer arrays, and no call into sklearn.model_selection.

    Every case, fixed or drawn at random, runs under a trace of ``sklearn.model_selection``.
    """

    def __init__(self, id: str, *, fresh: Callable[[int], list[Case]], **kwargs: Any):
        super().__init__(
            id,
            find=_model_selection_used,
            breaks="calls scikit-learn's splitters",
            advice="The task is to write the splitting yourself, with NumPy.",
            **kwargs,
        )
        self.fresh = fresh

    def collect(self, namespace):
        import sklearn.model_selection

        answer, called = traced_calls(
            lambda: super(_FreshIndices, self).collect(namespace), sklearn.model_selection
        )
        _merge_uses(answer, called)
        return answer


# --------------------------------------------------------------------------------------
# The held-out breast cancer predictions (the visible input of exercise 6).
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def cancer_split() -> dict[str, Any]:
    """The breast cancer data (positive class: malignant) split 75/25, stratified, seed 26."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=SPLIT_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


@lru_cache(maxsize=1)
def _cancer_correct() -> np.ndarray:
    """1 where the notebook's model (scaler + logistic regression) is right on a test tumour."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from mlcourse.exercises._sklearn import one_thread

    d = cancer_split()
    with one_thread():
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        model.fit(d["X_train"], d["y_train"])
        predicted = model.predict(d["X_test"])
    return (predicted == d["y_test"].to_numpy()).astype(int)


def cancer_correct() -> np.ndarray:
    """A fresh copy of the held-out correctness vector (143 zeros and ones)."""
    return _cancer_correct().copy()


# --------------------------------------------------------------------------------------
# Exercise 1: ROC-AUC from ranks, with ties.
# --------------------------------------------------------------------------------------


def _auc_cases() -> list[Case]:
    return [
        Case([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),
        Case([1, 0, 1, 0, 1, 0], [0.9, 0.9, 0.5, 0.2, 0.5, 0.5]),
    ]


def _auc_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(SPLIT_SEED + 1)
    y = rng.integers(0, 2, size=300)
    scores = np.round(rng.normal(size=300) + 0.8 * y, 1)  # one decimal: many ties
    order = rng.permutation(300)
    return [
        Case([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], label="every score equal"),
        Case([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], label="a perfect ranking"),
        Case([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9], label="a reversed ranking"),
        Case([1, 0, 0, 0, 0], [0.3, 0.1, 0.3, 0.3, 0.2], label="one positive tied with negatives"),
        Case(y, scores, label="300 examples with many tied scores"),
        Case(y, np.round(scores * 3), label="300 examples with integer scores"),
        Case(np.array([0, 1, 1, 0, 1]), np.array([-2.0, 3.5, 0.0, 1.2, -0.4]), label="logits"),
        Case(
            pd.Series(y[order], index=order),
            pd.Series(scores[order], index=order[::-1]),
            label="pandas Series with shuffled, different indexes",
        ),
        Case([1, 1, 1], [0.2, 0.5, 0.9], raises=ValueError, label="positives only"),
        Case([0, 0], [0.2, 0.5], raises=ValueError, label="negatives only"),
        Case([], [], raises=ValueError, label="empty inputs"),
    ]


def _auc_fresh(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for decimals, label in ((3, "fine scores"), (1, "many tied scores"), (0, "integer scores")):
        n = int(rng.integers(20, 300))
        y = (rng.random(n) < rng.uniform(0.1, 0.6)).astype(int)
        y[:2] = [0, 1]  # both classes present
        y = rng.permutation(y)
        scores = np.round(rng.normal(size=n) * 2 + rng.uniform(0, 2) * y, decimals)
        cases.append(Case(y, scores, label=f"random examples with {label}"))
    return cases


# --------------------------------------------------------------------------------------
# Exercise 2: k-fold indices.
# --------------------------------------------------------------------------------------


def _kfold_cases() -> list[Case]:
    return [Case(10, 3), Case(6, 2)]


def _kfold_hidden() -> list[Case]:
    return [
        Case(10, 5, label="n a multiple of k"),
        Case(11, 4, label="a remainder of 3"),
        Case(13, 5, label="a remainder of 3 with k = 5"),
        Case(4, 4, label="leave-one-out (k = n)"),
        Case(101, 10, label="a remainder of 1"),
        Case(2, 2, label="two rows"),
        Case(300, 7, label="300 rows (positions above 255)"),
        Case(4, 5, raises=ValueError, label="k larger than n"),
        Case(10, 1, raises=ValueError, label="k = 1"),
        Case(10, 0, raises=ValueError, label="k = 0"),
        Case(10, -2, raises=ValueError, label="a negative k"),
    ]


def _kfold_fresh(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(N_FRESH):
        k = int(rng.integers(2, 12))
        n = int(rng.integers(k, 400))
        cases.append(Case(n, k, label="an n and a k drawn at random"))
    return cases


# --------------------------------------------------------------------------------------
# Exercise 3: precision at k.
# --------------------------------------------------------------------------------------


def _patk_cases() -> list[Case]:
    return [
        Case([1, 0, 1, 0, 0, 1], [0.9, 0.8, 0.3, 0.7, 0.1, 0.6], 3),
        Case([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.95], 2),
    ]


def _patk_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(SPLIT_SEED + 3)
    y = (rng.random(500) < 0.1).astype(int)
    scores = rng.random(500) + 0.3 * y
    order = rng.permutation(500)
    return [
        Case([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], 1, label="every score tied, k = 1"),
        Case([0, 1, 1, 0, 1], [0.9, 0.7, 0.7, 0.7, 0.1], 2, label="a tie across the k-th place"),
        Case([1, 0, 1], [0.2, 0.9, 0.4], 3, label="k equal to the number of items"),
        Case([0, 0, 0], [0.2, 0.9, 0.4], 2, label="no positives"),
        Case(y, scores, 50, label="500 items, 10% positive, k = 50"),
        Case(y, scores, 1, label="500 items, k = 1"),
        Case(y, np.round(scores, 1), 50, label="500 items, many ties at the k-th place"),
        Case(
            pd.Series(y[order], index=order),
            pd.Series(scores[order], index=order[::-1]),
            20,
            label="pandas Series with shuffled, different indexes",
        ),
        Case([1, 0], [0.3, 0.2], 0, raises=ValueError, label="k = 0"),
        Case([1, 0], [0.3, 0.2], -1, raises=ValueError, label="a negative k"),
        Case([1, 0], [0.3, 0.2], 3, raises=ValueError, label="k larger than the number of items"),
    ]


def _patk_fresh(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for decimals in (3, 1, 1):
        n = int(rng.integers(20, 400))
        y = (rng.random(n) < rng.uniform(0.05, 0.5)).astype(int)
        scores = np.round(rng.random(n) + rng.uniform(0, 0.5) * y, decimals)
        k = int(rng.integers(1, n + 1))
        cases.append(Case(y, scores, k, label="random items and a random k"))
    return cases


# --------------------------------------------------------------------------------------
# Exercise 5: a stratified split by hand.
# --------------------------------------------------------------------------------------


def _no_half(y: Any, test_frac: float) -> bool:
    """True when no class's ``test_frac * size`` ends in .5 (where roundings disagree)."""
    _, counts = np.unique(np.asarray(y), return_counts=True)
    return all(abs(test_frac * c - np.floor(test_frac * c) - 0.5) > 1e-9 for c in counts)


def _split_cases() -> list[Case]:
    return [
        Case([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], 0.2, 0),
        Case(["b", "a", "b", "b", "a", "c", "b", "a", "c", "b", "c", "a"], 0.25, 7),
    ]


def _split_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(SPLIT_SEED + 5)
    y = (rng.random(400) < 0.15).astype(int)
    return [
        Case(y, 0.2, 1, label="400 labels, 15% positive, seed 1"),
        Case(y, 0.2, 2, label="the same labels, seed 2"),
        Case(np.array([2, 0, 1] * 20), 0.3, 5, label="three classes, interleaved"),
        Case(pd.Series(y[:60], index=rng.permutation(60)), 0.3, 3, label="a pandas Series"),
        Case(["x"] * 7 + ["y"] * 3, 0.3, 4, label="string labels, a rare class"),
        Case([0, 1, 0, 1], 0.0, 0, raises=ValueError, label="test_frac = 0"),
        Case([0, 1, 0, 1], 1.0, 0, raises=ValueError, label="test_frac = 1"),
        Case([0, 1, 0, 1], 1.5, 0, raises=ValueError, label="test_frac above 1"),
    ]


def _split_fresh(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < N_FRESH:
        n = int(rng.integers(20, 300))
        n_classes = int(rng.integers(2, 5))
        y = rng.integers(0, n_classes, size=n)
        test_frac = float(rng.choice([0.2, 0.25, 0.3]))
        if _no_half(y, test_frac):
            cases.append(
                Case(
                    y,
                    test_frac,
                    int(rng.integers(0, 1000)),
                    label="random labels of 2 to 4 classes",
                )
            )
    return cases


# --------------------------------------------------------------------------------------
# Exercise 6: a bootstrap interval of a held-out accuracy.
# --------------------------------------------------------------------------------------


def _boot_cases() -> list[Case]:
    return [
        Case(cancer_correct(), call="bootstrap_ci(cancer_correct)"),
        Case([1, 1, 0, 1, 0, 1, 1, 1], n_boot=500, seed=3, confidence=0.9),
    ]


def _boot_hidden() -> list[Case]:
    rng = np.random.default_rng(SPLIT_SEED + 6)
    return [
        Case(cancer_correct(), n_boot=1000, seed=7, label="the held-out tumours, another seed"),
        Case(cancer_correct(), confidence=0.8, label="the held-out tumours, 80% confidence"),
        Case([1, 1, 1, 1], label="every prediction right"),
        Case([1], n_boot=10, label="a single prediction"),
        Case((rng.random(1000) < 0.7).astype(int), seed=1, label="1,000 predictions"),
        Case(list(rng.integers(0, 2, size=30)), n_boot=300, label="a list of 30"),
        Case([], raises=ValueError, label="no predictions"),
    ]


def _boot_fresh(seed: int) -> list[Case]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(N_FRESH):
        n = int(rng.integers(10, 400))
        correct = (rng.random(n) < rng.uniform(0.5, 0.98)).astype(int)
        cases.append(
            Case(
                correct,
                n_boot=int(rng.integers(100, 1000)),
                seed=int(rng.integers(0, 10_000)),
                confidence=float(rng.choice([0.8, 0.9, 0.95, 0.99])),
                label="random predictions and settings",
            )
        )
    return cases


MODULE = Module(
    "26",
    "interview_prep",
    "Interview preparation",
    problems=(
        _FreshNoMetrics(
            "26.1",
            metric_names=_AUC_METRICS,
            advice=(
                "The task is the rank formula itself: rank the scores (ties get the average "
                "rank), sum the positives' ranks and subtract what the positives would have "
                "among themselves. Use scikit-learn afterwards to compare, outside the function."
            ),
            fresh=_auc_fresh,
            name="roc_auc",
            cases=_auc_cases,
            hidden=_auc_hidden,
            title="ROC-AUC from ranks, with ties",
            points=3,
            hints=[
                "ROC-AUC is the probability that a random positive scores above a random "
                "negative, a tie counting one half. Ranks give it without comparing every pair.",
                "`scipy.stats.rankdata(scores)` gives ranks 1..n with ties averaged (the "
                "default, `method='average'`). With R the sum of the positives' ranks, "
                "n1 positives and n0 negatives, AUC = (R - n1 (n1 + 1) / 2) / (n1 n0).",
                "Convert both inputs with `np.asarray(...)` first (a Series's index must not "
                "matter), raise ValueError when n1 or n0 is 0, and return a float.",
            ],
        ),
        _FreshIndices(
            "26.2",
            fresh=_kfold_fresh,
            name="kfold_indices",
            cases=_kfold_cases,
            hidden=_kfold_hidden,
            title="k-fold indices",
            points=2,
            hints=[
                "Every fold has n // k rows, and the first n % k folds one more: the sizes "
                "differ by at most one and add up to n.",
                "Walk through 0..n-1 with a running start: the test indices of fold i are "
                "`np.arange(start, start + size_i)`; the training indices are every other row, "
                "e.g. `np.setdiff1d(np.arange(n), test)` (sorted).",
                "Raise ValueError when k < 2 or k > n, and return a list of k tuples "
                "`(train, test)` of NumPy integer arrays.",
            ],
        ),
        _FreshFunction(
            "26.3",
            fresh=_patk_fresh,
            name="precision_at_k",
            cases=_patk_cases,
            hidden=_patk_hidden,
            title="Precision at k",
            points=2,
            hints=[
                "Sort the items from the highest score down and keep the first k; precision at "
                "k is the share of positives among them.",
                "`np.argsort(-scores, kind='stable')` sorts from high to low and keeps tied "
                "items in their original order (lower index first). `np.argsort(scores)[::-1]` "
                "puts the later item first on a tie.",
                "Divide by k (not by the number of positives: that would be recall at k), "
                "convert inputs with `np.asarray`, and raise ValueError unless 1 <= k <= n.",
            ],
        ),
        Value(
            "26.4",
            var="cm_metrics",
            rtol=0,
            atol=1e-9,
            title="Metrics from a confusion matrix",
            points=2,
            hints=[
                "Precision is about the flagged transactions (tp + fp), recall about the "
                "frauds (tp + fn), the false positive rate about the legitimate ones (fp + tn).",
                "F1 is the harmonic mean of precision and recall, 2 p r / (p + r), not their "
                "average.",
                "Compute each value from `CONFUSION` with Python expressions and store a dict "
                "with the keys 'precision', 'recall', 'f1' and 'false_positive_rate'.",
            ],
        ),
        _FreshIndices(
            "26.5",
            fresh=_split_fresh,
            name="stratified_split",
            cases=_split_cases,
            hidden=_split_hidden,
            title="A stratified split by hand",
            points=2,
            hints=[
                "Treat each class on its own: its rows are `np.flatnonzero(y == c)` for c in "
                "`np.unique(y)` (sorted), and round(test_frac * len(rows)) of them go to test.",
                "Create one generator, `rng = np.random.default_rng(seed)`, before the loop, and "
                "shuffle each class's rows with `rng.permutation(rows)` in the order of "
                "`np.unique(y)`; the first n_test go to the test set.",
                "Convert y with `np.asarray`, raise ValueError unless 0 < test_frac < 1, and "
                "return `(np.sort(train), np.sort(test))`.",
            ],
        ),
        _FreshFunction(
            "26.6",
            fresh=_boot_fresh,
            name="bootstrap_ci",
            cases=_boot_cases,
            hidden=_boot_hidden,
            title="A bootstrap interval of a held-out accuracy",
            points=2,
            hints=[
                "Resample the test rows with replacement: each resample has as many rows as the "
                "test set, and its mean is one bootstrap accuracy.",
                "`idx = rng.integers(0, n, size=(n_boot, n))` draws every resample at once; "
                "`correct[idx].mean(axis=1)` gives the n_boot accuracies.",
                "A 95% interval cuts 2.5% from each end: `np.percentile(means, [50 * (1 - "
                "confidence), 50 * (1 + confidence)])`. Return a tuple of two floats.",
            ],
        ),
        Choice(
            "26.7",
            var="leak_line",
            choices="abcd",
            title="Find the leak",
            points=1,
            hints=[
                "Follow one fraud row through line A: where can its copies end up?",
                "cross_val_score splits X_train into folds: a fraud and its copies, made before "
                "any split, can sit in a training fold and in the fold it is scored on.",
            ],
        ),
        Choice(
            "26.8",
            var="metric_choice",
            choices="abcd",
            title="A metric for a stated business cost",
            points=1,
            hints=["The team can read 300 alerts a day, whatever the model does."],
        ),
        Choice(
            "26.kc1",
            var="kc1",
            choices="abcd",
            title="Reading a learning curve",
            hints=["Look at the gap between the two curves, and where the validation curve goes."],
        ),
        Numeric(
            "26.kc2",
            var="kc2",
            atol=5e-4,
            title="Precision at a low base rate",
            hints=["Count per 100,000 transactions: frauds caught, and legitimate ones flagged."],
        ),
        Choice(
            "26.kc3",
            var="kc3",
            choices="abcd",
            title="A wrong answer in the drill",
            hints=["The drill's rule for a wrong answer does not depend on the box."],
        ),
        Numeric(
            "26.kc4",
            var="kc4",
            atol=1e-3,
            title="AUC by hand",
            hints=["Six (positive, negative) pairs: count the wins, a tie counts one half."],
        ),
        Choice(
            "26.kc5",
            var="kc5",
            choices="abcd",
            title="Evaluating a fraud model",
            hints=["The model is used on next month's transactions, after it was trained."],
        ),
    ),
)
