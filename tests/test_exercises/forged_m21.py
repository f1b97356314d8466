"""Module 21's custom judge (21.9, the logged promotion): the data the real extract collects
from right work and from plausible wrong work, merged into ``test_forged_extracts.py``'s
``RIGHT``, ``WRONG`` and ``HARMLESS``.

The models are registered for real, once, in the tests' throwaway tracking store: a champion
and a challenger as the prompt asks, a champion of the wrong rows, a challenger of another
model family, and decision runs that are right or wrong in one way each. Exercise 4 (the table
of alarms) is a custom problem too: its right and wrong tables come from the key.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

FEATURES = ["x1", "x2", "x3", "x4"]


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _register(rows: tuple[int, int], family: str = "logistic") -> tuple[Any, str]:
    import mlflow
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    from mlcourse.exercises.m21 import BASE_NAME, _stream
    from mlcourse.tracking import model_name

    part = _stream().iloc[rows[0] : rows[1]]
    estimator = LinearSVC() if family == "svm" else LogisticRegression()
    model = estimator.fit(part[FEATURES], part["target"])
    with mlflow.start_run(run_name=f"rows {rows}"):
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=model_name(BASE_NAME),
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    return model, str(info.registered_model_version)


@cache
def _models() -> dict[str, tuple[Any, str]]:
    return {
        "champion": _register((5000, 7000)),
        "challenger": _register((8000, 9000)),
        "wrong_champion": _register((0, 2000)),
        "challenger_with_check_rows": _register((8000, 10000)),
        "svm_challenger": _register((8000, 9000), family="svm"),
    }


def _correct(model, rows: tuple[int, int]) -> np.ndarray:
    from mlcourse.exercises.m21 import _stream

    part = _stream().iloc[rows[0] : rows[1]]
    return (model.predict(part[FEATURES]) == part["target"].to_numpy()).astype(float)


def _accuracy(model, rows: tuple[int, int]) -> float:
    from mlcourse.exercises.m21 import _stream

    part = _stream().iloc[rows[0] : rows[1]]
    return float(np.mean(model.predict(part[FEATURES]) == part["target"].to_numpy()))


def _decision_run(
    champion: str = "champion",
    challenger: str = "challenger",
    decision: str = "promote",
    alias: str | None = "challenger",
    champion_rows: tuple[int, int] = (9000, 9500),
    challenger_rows: tuple[int, int] = (9000, 9500),
    drop: str | None = None,
    tag: str | None = "21.9",
    gain_shift: float = 0.0,
    delete: bool = False,
) -> str:
    import mlflow
    from mlflow import MlflowClient

    from mlcourse.exercises.m21 import BASE_NAME, COMPARE_ROWS
    from mlcourse.tracking import model_name
    from mlcourse.tracking._tags import EXERCISE_TAG

    models = _models()
    params = {
        "champion_version": models[champion][1],
        "challenger_version": models[challenger][1],
        "decision": decision,
    }
    metrics = {
        "champion_accuracy": _accuracy(models[champion][0], champion_rows),
        "challenger_accuracy": _accuracy(models[challenger][0], challenger_rows),
    }
    d = _correct(models[challenger][0], COMPARE_ROWS) - _correct(models[champion][0], COMPARE_ROWS)
    metrics["gain"] = float(d.mean()) + gain_shift
    metrics["se"] = float(d.std(ddof=1) / np.sqrt(len(d)))
    params.pop(drop, None)
    metrics.pop(drop, None)
    with mlflow.start_run(run_name="decision") as run:
        mlflow.log_params(params)
        mlflow.log_metrics(metrics)
        if tag is not None:
            mlflow.set_tag(EXERCISE_TAG, tag)
    if delete:
        MlflowClient().delete_run(run.info.run_id)
    if alias is not None:
        MlflowClient().set_registered_model_alias(
            model_name(BASE_NAME), "champion", models[alias][1]
        )
    return run.info.run_id


def _answer(**kwargs: Any) -> Any:
    return _collected("21.9", decision_run_id=_decision_run(**kwargs))


def _right() -> Any:
    return _answer()


def _wrong() -> list[Any]:
    right = _right()
    return [
        _collected("21.9", decision_run_id="0" * 32),  # no such run
        _answer(challenger_rows=(8000, 9000)),  # scored on its own training rows
        _answer(champion_rows=(5000, 7000)),  # the champion's training-time score
        _answer(decision="keep", alias="champion"),  # keeping a challenger that wins
        _answer(alias="champion"),  # 'promote' logged, alias not moved
        _answer(alias="wrong_champion"),  # alias moved elsewhere
        _answer(champion="wrong_champion"),  # a champion of other rows
        _answer(challenger="challenger_with_check_rows"),  # trained on the kept rows too
        _answer(champion="challenger", challenger="champion", decision="keep", alias="challenger"),
        _answer(drop="challenger_accuracy"),
        _answer(drop="decision"),
        _answer(drop="gain"),  # the decision typed in, without the rule's figures
        _answer(drop="se"),
        _answer(gain_shift=0.01),  # a gain that is not the paired gain
        _answer(tag=None),  # logged outside the exercise's tracking run
        _answer(tag="21.8"),
        _answer(delete=True),  # deleted after the check
        _answer(challenger="svm_challenger"),  # another model family, agreeing 99.7-99.9%
        {**copy.deepcopy(right), "lifecycle_stage": "deleted"},
        {**copy.deepcopy(right), "name": "drift-classifier-someone-else"},
        {**copy.deepcopy(right), "alias_version": None},
        {**copy.deepcopy(right), "metrics": {k: round(v, 2) for k, v in right["metrics"].items()}},
    ]


def _alarms_answer(table: np.ndarray, rates: dict[str, float] | None = None) -> Any:
    rates = rates or {
        "per_test": float(table.mean()),
        "per_window": float(table.any(axis=1).mean()),
    }
    return _collected("21.4", alarms=table, false_alarms=rates)


def _right_alarms() -> Any:
    from mlcourse.keys.m21 import _alarm_table

    return _alarms_answer(_alarm_table(False))


def _wrong_alarms() -> list[Any]:
    from mlcourse.keys.m21 import _alarm_table

    table = _alarm_table(False)
    one_wrong = table.copy()
    one_wrong[3, 2] = not one_wrong[3, 2]
    swapped = {"per_test": float(table.any(axis=1).mean()), "per_window": float(table.mean())}
    return [
        _alarms_answer(_alarm_table(True)),  # the stream with drift
        _alarms_answer(~table),  # p > 0.05 counted
        _alarms_answer(one_wrong),
        _alarms_answer(_alarm_table(False, alpha=0.1)),
        _alarms_answer(table[:, ::-1]),  # features in another order
        _alarms_answer(table, swapped),
        _alarms_answer(table, {"per_test": 0.05, "per_window": 1 - 0.95**4}),
        _alarms_answer(np.zeros_like(table)),
    ]


RIGHT: dict[str, Callable[[], Any]] = {"21.4": _right_alarms, "21.9": _right}
WRONG: dict[str, Callable[[], list[Any]]] = {"21.4": _wrong_alarms, "21.9": _wrong}
HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {
    "21.9": [
        (r"\['params'\]$", {"extra key"}, "a run may log other parameters"),
        (r"\['metrics'\]$", {"extra key"}, "a run may log other metrics"),
        (r"\['predictions'\]$", {"extra key"}, "only the versions the run names are read"),
    ],
}
HARMLESS["21.9"] += [
    (
        r"\['predictions'\]\['\d+'\]\['check'\]$",
        {"first repeated"},
        "one kept row's prediction changed: the refit comparison tolerates 3 rows of 1,000",
    ),
    (
        r"\['predictions'\]\['\d+'\]\['challenger_train'\]$",
        None,
        "the training rows' predictions only recognise a training-set accuracy",
    ),
]
