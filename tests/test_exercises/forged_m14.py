"""Module 14's custom judge (14.7, the ThresholdOptimizer): the data the real extract collects
from right work and from plausible wrong work, merged into ``test_forged_extracts.py``'s
``RIGHT`` and ``WRONG`` so its forged-data battery runs over it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _mitigated(
    estimator: str = "approved",
    rows: str = "train",
    labels: str = "approved",
    constraints: str = "demographic_parity",
    prefit: bool = True,
    extra_test_rows: int = 0,
    first_rows: int | None = None,
    objective: str = "accuracy_score",
    boolean_groups: bool = False,
) -> Any:
    """A ThresholdOptimizer as exercise 14.7 asks for, or varied in one respect."""
    import pandas as pd
    from fairlearn.postprocessing import ThresholdOptimizer

    from mlcourse.exercises.m14 import FEATURES, _fitted, _logreg, _split

    d = _split()
    data = pd.concat([d["train"], d["test"]]) if rows == "all" else d[rows]
    if extra_test_rows:
        data = pd.concat([data, d["test"].iloc[:extra_test_rows]])
    if first_rows is not None:
        data = data.iloc[:first_rows]
    groups = data["group"] == "B" if boolean_groups else data["group"]
    base = _fitted("logreg", estimator) if prefit else _logreg()
    mitigator = ThresholdOptimizer(
        estimator=base,
        constraints=constraints,
        objective=objective,
        prefit=prefit,
        predict_method="predict_proba",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mitigator.fit(data[list(FEATURES)], data[labels], sensitive_features=groups)
    mitigator.objective = "accuracy_score"  # cosmetic: the attribute the task names
    return _collected("14.7", mitigated=mitigator)


RIGHT: dict[str, Callable[[], Any]] = {
    "14.7": _mitigated,
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "14.7": lambda: [
        _mitigated(rows="test"),  # thresholds learned on the test rows
        _mitigated(rows="all"),  # thresholds learned on every row
        _mitigated(labels="repaid"),  # fitted with the true outcomes as labels
        _mitigated(estimator="repaid"),  # another model post-processed
        _mitigated(constraints="equalized_odds"),  # another constraint
        _mitigated(constraints="true_positive_rate_parity"),
        # review 14, rows 1-2: training rows plus a few test rows, or too few training rows
        # (decisions within the old 3-row tolerance; p0 and thresholds differ)
        _mitigated(extra_test_rows=25),
        _mitigated(extra_test_rows=100),
        _mitigated(first_rows=4450),
        _mitigated(first_rows=4400),
        # review 14, row 4: another objective, then the attribute set to the task's
        _mitigated(objective="balanced_accuracy_score"),
        # review 14, borderline: boolean group labels (the check predicts with the strings)
        _mitigated(boolean_groups=True),
    ],
}
