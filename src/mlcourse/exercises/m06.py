"""Module 06 — The ML workflow: regression, as an end-to-end project on the cars data.

The declaration of the module's problems (the key is in mlcourse.keys.m06). The exercises
repeat the lesson's workflow (shown there on the diabetes data) on the cars data: fuel economy
in miles per US gallon from six engine and body columns. The data are prepared exactly as in
the exercises notebook: the rows without fuel economy or horsepower dropped (392 cars left, the
set that ISLR's ``Auto`` data uses), the model year as a number, an 80/20 split with seed 42
and a shuffled 5-fold splitter with seed 42 for every cross-validation. Until exercise 8 every
number comes from the training cars; exercise 8 collects the learner's final model's
predictions on the test cars, which the key compares with the same model refitted on the
training rows.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Answer as _Answer
from mlcourse.checks import (
    Case,
    Choice,
    Custom,
    Fail,
    Numeric,
    Value,
    describe,
)
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import NoSklearnMetrics
from mlcourse.exercises._sklearn import class_path as _class_path

SEED = 42  # random_state of the split and of the cross-validation splitter
TEST_SIZE = 0.2
N_FOLDS = 5
TARGET = "Miles_per_Gallon"
FEATURES = (
    "Cylinders",
    "Displacement",
    "Horsepower",
    "Weight_in_lbs",
    "Acceleration",
    "model_year",
)
KC_ERRORS = (1.0, -1.0, 1.0, -1.0, 6.0)  # question 2: five prediction errors, in mpg


# --------------------------------------------------------------------------------------
# Data, as in the exercises notebook.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _cars() -> Any:
    """The cars with a fuel economy and a horsepower (392 rows), ``model_year`` added."""
    from mlcourse.datasets import load_cars

    cars = load_cars().dropna(subset=[TARGET, "Horsepower"]).reset_index(drop=True)
    cars["model_year"] = cars["Year"].dt.year
    return cars


@lru_cache(maxsize=1)
def _split() -> dict[str, Any]:
    """The notebook's split: 80/20, seed 42, of the six features and the target."""
    from sklearn.model_selection import train_test_split

    cars = _cars()
    X_train, X_test, y_train, y_test = train_test_split(
        cars[list(FEATURES)], cars[TARGET], test_size=TEST_SIZE, random_state=SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _cv():
    """The notebook's splitter: 5 folds, shuffled with seed 42."""
    from sklearn.model_selection import KFold

    return KFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)


# --------------------------------------------------------------------------------------
# Exercise 1: the split, collected as row labels, columns and values.
# --------------------------------------------------------------------------------------


def _labels_of(obj: Any, name: str) -> list[int]:
    import pandas as pd

    if not isinstance(obj, (pd.Series, pd.DataFrame)):
        raise Fail(
            f"`{name}` should be a pandas object with the cars' row labels (what "
            f"`train_test_split` returns when given DataFrames and Series), but it is "
            f"{describe(obj)}. Split the DataFrame `X` and the Series `y` themselves."
        )
    return [int(v) for v in list(obj.index)]


def _feature_values(obj: Any) -> list[float]:
    """The feature values, row by row, as plain floats ([] when they are not numbers)."""
    try:
        values = np.asarray(obj, dtype=float)
    except (TypeError, ValueError):
        return []
    return [float(v) for v in values.ravel()]


def _extract_split(values: dict[str, Any]) -> dict[str, Any]:
    """Row labels, columns, feature values and targets of the four parts (learner's process)."""
    out: dict[str, Any] = {}
    for name in ("X_train", "X_test", "y_train", "y_test"):
        out[f"{name}_rows"] = _labels_of(values[name], name)
    for name in ("X_train", "X_test"):
        columns = getattr(values[name], "columns", None)
        out[f"{name}_columns"] = [str(c) for c in columns] if columns is not None else []
        out[f"{name}_values"] = _feature_values(values[name])
    for name in ("y_train", "y_test"):
        out[f"{name}_values"] = [float(v) for v in np.asarray(values[name], dtype=float).ravel()]
    return out


# --------------------------------------------------------------------------------------
# Exercise 3: RMSE and MAE from scratch, without scikit-learn's metrics.
# --------------------------------------------------------------------------------------


def _demo_cases() -> list[Case]:
    return [
        Case(
            [3.0, 5.0, 2.5, 7.0],
            [2.5, 5.0, 4.0, 8.0],
            call="rmse_mae([3.0, 5.0, 2.5, 7.0], [2.5, 5.0, 4.0, 8.0])",
        ),
        Case(
            np.array([10.0, 20.0, 30.0]),
            np.array([12.0, 18.0, 33.0]),
            call="rmse_mae(np.array([10.0, 20.0, 30.0]), np.array([12.0, 18.0, 33.0]))",
        ),
    ]


def _hidden_cases() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(SEED + 6)
    truth = rng.normal(25, 8, size=500)
    y_train = _split()["y_train"]
    shuffled = pd.Series(
        np.asarray(y_train, dtype=float)[::-1], index=np.asarray(y_train.index)[::-1]
    )
    return [
        Case([4.0], [1.0], label="a single example"),
        Case([1, 2, 3, 4], [1, 2, 3, 4], label="perfect integer predictions"),
        Case([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], label="errors of both signs that cancel out"),
        Case([2.0, 2.0, 2.0, 2.0], [2.0, 2.0, 2.0, 12.0], label="one large error"),
        Case(truth, truth + rng.standard_t(3, size=500), label="500 examples, heavy-tailed errors"),
        Case(y_train, np.asarray(shuffled), label="a pandas Series and a NumPy array"),
        Case(y_train, shuffled, label="two pandas Series whose indexes are in different orders"),
        Case([], [], raises=ValueError, label="empty inputs"),
        Case([1.0, 2.0, 3.0], [1.0, 2.0], raises=ValueError, label="inputs of different lengths"),
        Case([5.0], [1.0, 2.0, 3.0], raises=ValueError, label="one value against several"),
    ]


_REGRESSION_METRICS = frozenset(
    {
        "mean_squared_error",
        "root_mean_squared_error",
        "mean_absolute_error",
        "median_absolute_error",
        "r2_score",
    }
)


class _SameCars(Value):
    """A Series keyed by car: the same values under the same labels in another order pass.

    ``residuals.sort_index()`` keeps every residual with its car, so it is reordered to the
    expected labels before the comparison; labels that differ still fail.
    """

    def _judge(self, answer: _Answer):
        import pandas as pd

        got = answer.values.get(self.var)
        expected = self.expected_value()
        if (
            type(got) is pd.Series
            and isinstance(expected, pd.Series)
            and len(got) == len(expected)
            and got.index.is_unique
            and not got.index.equals(expected.index)
            and set(got.index) == set(expected.index)
        ):
            answer = _Answer({**answer.values, self.var: got.reindex(expected.index)})
        return super()._judge(answer)


# --------------------------------------------------------------------------------------
# Exercise 8: the final model, scored once on the test cars.
# --------------------------------------------------------------------------------------


def _as_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Fail(f"`{name}` should be a number (a float), but it is {describe(value)}.")
    return float(value)


def _extract_final(values: dict[str, Any]) -> dict[str, Any]:
    """The final model's predictions on the test cars, and those of fresh copies fitted here.

    Two copies (``sklearn.base.clone``) are fitted on the course's training cars, so that the
    key can tell whether the learner's model was fitted on those rows, and whether its fit is
    random. Also the two test metrics the learner reported.
    """
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    model = values["final_model"]
    if not hasattr(model, "predict") or not hasattr(model, "get_params"):
        raise Fail(
            "`final_model` should be a fitted scikit-learn regressor (one with `fit` and "
            f"`predict`), but it is {describe(model)}."
        )
    try:
        check_is_fitted(model)
    except NotFittedError:
        raise Fail(
            "`final_model` has not been fitted yet: call `final_model.fit(X_train, y_train)`."
        ) from None
    except TypeError:
        pass
    d = _split()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        predicted = np.asarray(model.predict(d["X_test"].copy()), dtype=float).ravel()
        refits = []
        for _ in range(2):
            try:
                refit = clone(model).fit(d["X_train"].copy(), d["y_train"].copy())
            except Exception as error:
                raise Fail(
                    "A fresh copy of `final_model` (`sklearn.base.clone`) cannot be fitted on "
                    f"`X_train` and `y_train`: it raised {type(error).__name__}: "
                    f"{str(error)[:120]}. Build it from scikit-learn parts."
                ) from None
            refits.append([float(v) for v in np.asarray(refit.predict(d["X_test"].copy())).ravel()])
    inner = getattr(model, "regressor", None)
    return {
        "estimator": _class_path(model),
        "regressor": _class_path(inner) if inner is not None else "",
        "predicted": [float(v) for v in predicted],
        "refit": refits[0],
        "refit2": refits[1],
        "test_rmse": _as_float(values["test_rmse"], "test_rmse"),
        "test_mae": _as_float(values["test_mae"], "test_mae"),
    }


MODULE = Module(
    "06",
    "ml_workflow_regression",
    "The ML workflow: regression",
    problems=(
        Custom(
            "06.1",
            reads=("X_train", "X_test", "y_train", "y_test"),
            extract=_extract_split,
            title="The split, before anything else",
            points=1,
            hints=[
                "One call of `train_test_split` on the DataFrame `X` and the Series `y` gives "
                "the four parts, in the order X_train, X_test, y_train, y_test.",
                "Pass `test_size=0.2` and `random_state=42`, and nothing else: the rows are "
                "shuffled by default.",
                "`X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, "
                "random_state=42)`",
            ],
        ),
        Value(
            "06.2",
            var="baseline_rmse",
            rtol=0,
            atol=1e-6,
            title="The baseline's cross-validated RMSE",
            points=1,
            hints=[
                "The baseline is `DummyRegressor()`, which predicts the mean of the training "
                "targets it was fitted on. Score it like any model: cross-validated on the "
                "training cars.",
                "`cross_val_score(DummyRegressor(), X_train, y_train, cv=cv, "
                "scoring='neg_root_mean_squared_error')` gives five negated RMSEs.",
                "`baseline_rmse = float(-cross_val_score(...).mean())`",
            ],
        ),
        NoSklearnMetrics(
            "06.3",
            metric_names=_REGRESSION_METRICS,
            advice=(
                "The task is to compute the errors and their averages yourself with NumPy; "
                "compare with scikit-learn afterwards, outside the function."
            ),
            name="rmse_mae",
            cases=_demo_cases,
            hidden=_hidden_cases,
            atol=1e-9,
            rtol=1e-9,
            title="RMSE and MAE from scratch",
            points=2,
            hints=[
                "Turn both arguments into float NumPy arrays with `np.asarray(..., "
                "dtype=float)`: that also drops a Series' index, so rows are paired by "
                "position. Then check the lengths.",
                "The errors are `y_pred - y_true`. RMSE is the square root of the mean of the "
                "squared errors; MAE is the mean of their absolute values.",
                "`if len(y_true) == 0 or len(y_true) != len(y_pred): raise ValueError(...)`, "
                "then `return (float(np.sqrt(np.mean(e**2))), float(np.mean(np.abs(e))))`.",
            ],
        ),
        Value(
            "06.4",
            var="lr_fold_rmse",
            rtol=0,
            atol=1e-6,
            title="Linear regression, fold by fold",
            points=1,
            hints=[
                "The same call as for the baseline, with `LinearRegression()`; keep all five "
                "scores, not their mean.",
                "scikit-learn's scorers are 'greater is better', so RMSE comes negated: flip the "
                "sign.",
                "`lr_fold_rmse = -cross_val_score(LinearRegression(), X_train, y_train, cv=cv, "
                "scoring='neg_root_mean_squared_error')`",
            ],
        ),
        Value(
            "06.5",
            var="dummy_scores",
            rtol=0,
            atol=1e-6,
            title="Mean or median: what RMSE and MAE reward",
            points=2,
            hints=[
                "Two baselines, `DummyRegressor(strategy='mean')` and "
                "`DummyRegressor(strategy='median')`, each scored with both metrics on the same "
                "folds `cv`.",
                "`cross_validate(model, X_train, y_train, cv=cv, scoring=["
                "'neg_root_mean_squared_error', 'neg_mean_absolute_error'])` returns both "
                "metrics at once, under the keys 'test_neg_root_mean_squared_error' and "
                "'test_neg_mean_absolute_error'.",
                "For each strategy: `{'rmse': float(-s['test_neg_root_mean_squared_error']"
                ".mean()), 'mae': float(-s['test_neg_mean_absolute_error'].mean())}`.",
            ],
        ),
        _SameCars(
            "06.6",
            var="residuals",
            rtol=0,
            atol=1e-6,
            title="Out-of-fold residuals",
            points=2,
            hints=[
                "Each training car needs a prediction from a model that did not see it: "
                "`cross_val_predict` with the same `cv`.",
                "A residual is the true value minus the prediction, so a positive residual "
                "means the model predicted too few miles per gallon.",
                "`residuals = y_train - cross_val_predict(LinearRegression(), X_train, "
                "y_train, cv=cv)` keeps y_train's index.",
            ],
        ),
        Value(
            "06.7",
            var="log_fold_rmse",
            rtol=0,
            atol=1e-6,
            title="A log target, scored in miles per gallon",
            points=2,
            hints=[
                "`log_model` is scored like any other model: it takes logs to fit and "
                "exponentiates its predictions itself, so its scores come out in mpg.",
                "The same `cross_val_score` call as in exercise 4 (`X_train`, `y_train`, `cv=cv`, "
                "the RMSE scorer), with `log_model` in place of `LinearRegression()`; flip the "
                "sign.",
                "`log_fold_rmse = -cross_val_score(log_model, X_train, y_train, cv=cv, "
                "scoring='neg_root_mean_squared_error')`",
            ],
        ),
        Custom(
            "06.8",
            reads=("final_model", "test_rmse", "test_mae"),
            extract=_extract_final,
            title="The final model, measured once on the test set",
            points=3,
            hints=[
                "Compare the mean of `lr_fold_rmse` with that of `log_fold_rmse`: the lower "
                "one names the model. The test set has no say in the choice.",
                "Fit a fresh copy of the chosen model on all of `X_train` and `y_train`, then "
                "predict `X_test` once.",
                "`test_rmse = float(np.sqrt(np.mean((y_test - pred) ** 2)))` and `test_mae = "
                "float(np.mean(np.abs(y_test - pred)))`, with `pred = final_model.predict"
                "(X_test)` (or use your `rmse_mae`).",
            ],
        ),
        Choice(
            "06.kc1",
            var="kc1",
            choices="abcd",
            title="Where the baseline's mean comes from",
            hints=["Which rows is any number that a model uses allowed to come from?"],
        ),
        Numeric(
            "06.kc2",
            var="kc2",
            atol=0.005,
            title="RMSE of five errors",
            hints=[
                "Square the errors, take their mean, then the square root.",
            ],
        ),
        Choice(
            "06.kc3",
            var="kc3",
            choices="abcd",
            title="Reading a learning curve",
            hints=["What would more rows change when the two curves have already met?"],
        ),
        Choice(
            "06.kc4",
            var="kc4",
            choices="abcd",
            title="The best constant for MAE",
            hints=["Move the constant a little: how many absolute errors grow, how many shrink?"],
        ),
        Choice(
            "06.kc5",
            var="kc5",
            choices="abcd",
            title="A funnel in the residual plot",
            hints=["Look at the spread of the residuals, not their mean."],
        ),
        Choice(
            "06.kc6",
            var="kc6",
            choices="abcd",
            title="What the test score is for",
            hints=["The lesson used the test set exactly once. Why once?"],
        ),
    ),
)
