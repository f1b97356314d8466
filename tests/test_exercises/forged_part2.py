"""Part 2's custom judges (modules 06, 08, 09, 10): the data the real extracts collect from
right work and from plausible wrong work, merged into ``test_forged_extracts.py``'s ``RIGHT``
and ``WRONG`` so its forged-data battery runs over them as over every other custom judge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


# --------------------------------------------------------------------------------------
# Module 06: the split (06.1) and the final model (06.8).
# --------------------------------------------------------------------------------------


def _cars_split(X: Any) -> dict[str, Any]:
    from sklearn.model_selection import train_test_split

    from mlcourse.exercises.m06 import _cars

    cars = _cars()
    parts = train_test_split(X, cars["Miles_per_Gallon"], test_size=0.2, random_state=42)
    return dict(zip(["X_train", "X_test", "y_train", "y_test"], parts))


def _cars_X() -> Any:
    from mlcourse.exercises.m06 import FEATURES, _cars

    return _cars()[list(FEATURES)]


def _log_linear() -> Any:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.linear_model import LinearRegression

    return TransformedTargetRegressor(
        regressor=LinearRegression(), func=np.log, inverse_func=np.exp
    )


def _final_06(model: Any, fit_on_all: bool = False) -> dict[str, Any]:
    from mlcourse.exercises.m06 import FEATURES, _cars, _split

    d = _split()
    if fit_on_all:
        cars = _cars()
        model.fit(cars[list(FEATURES)], cars["Miles_per_Gallon"])
    else:
        model.fit(d["X_train"], d["y_train"])
    errors = model.predict(d["X_test"]) - d["y_test"].to_numpy()
    return {
        "final_model": model,
        "test_rmse": float(np.sqrt(np.mean(errors**2))),
        "test_mae": float(np.mean(np.abs(errors))),
    }


def _right_06_8() -> Any:
    return _collected("06.8", **_final_06(_log_linear()))


def _wrong_06_8() -> list[Any]:
    from sklearn.linear_model import LinearRegression

    return [
        _collected("06.8", **_final_06(LinearRegression())),
        _collected("06.8", **_final_06(_log_linear(), fit_on_all=True)),  # test cars seen
    ]


def _wrong_06_1() -> list[Any]:
    X = _cars_X()
    return [
        _collected("06.1", **_cars_split((X - X.mean()) / X.std())),  # scaled on every car
        _collected("06.1", **_cars_split(X * 0)),
    ]


RIGHT_P2: dict[str, Callable[[], Any]] = {
    "06.1": lambda: _collected("06.1", **_cars_split(_cars_X())),
    "06.8": _right_06_8,
}

WRONG_P2: dict[str, Callable[[], list[Any]]] = {
    "06.1": _wrong_06_1,
    "06.8": _wrong_06_8,
}

HARMLESS_P2: dict[str, list[tuple[str, set[str] | None, str]]] = {}
