"""Module 06: attempts to pass a check without doing the task, and right work written otherwise.

The solutions notebook's self-tests hold the attempts that ``assert_rejects`` can express. These
are the others: collected data forged as a hostile kernel could send it (06.1, 06.8), the
metrics that exercise 3's check traces or reads in the code, targeted messages, and the
knowledge check's resistance to test-taking tricks. Right answers are computed here
independently of the key, the way a learner would.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import KFold, cross_val_score, train_test_split

from mlcourse.checks import Answer
from mlcourse.datasets import load_cars
from mlcourse.exercises import get_module

FEATURES = [
    "Cylinders",
    "Displacement",
    "Horsepower",
    "Weight_in_lbs",
    "Acceleration",
    "model_year",
]


def problem(attribute: str):
    return get_module("06").problem(attribute)


@pytest.fixture(scope="module")
def cars():
    data = load_cars().dropna(subset=["Miles_per_Gallon", "Horsepower"]).reset_index(drop=True)
    data["model_year"] = data["Year"].dt.year
    X, y = data[FEATURES], data["Miles_per_Gallon"]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
    return {
        "X": X,
        "y": y,
        "X_train": X_train,
        "X_test": X_test,
        "y_train": y_train,
        "y_test": y_test,
        "cv": KFold(n_splits=5, shuffle=True, random_state=42),
    }


def _log_lr():
    return TransformedTargetRegressor(
        regressor=LinearRegression(), func=np.log, inverse_func=np.exp
    )


def _final_namespace(cars, model):
    pred = model.predict(cars["X_test"])
    errors = pred - cars["y_test"].to_numpy()
    return {
        "final_model": model,
        "test_rmse": float(np.sqrt(np.mean(errors**2))),
        "test_mae": float(np.mean(np.abs(errors))),
    }


def test_06_1_rejects_forged_row_labels(cars):
    right = problem("q1").collect({k: cars[k] for k in ("X_train", "X_test", "y_train", "y_test")})
    assert problem("q1").evaluate(copy.deepcopy(right)).correct
    data = right.values["data"]
    # the test rows repeated in the training part; train and test swapped; a sorted train part
    forged = [
        {**data, "X_train_rows": data["X_train_rows"][:-5] + data["X_test_rows"][:5]},
        {
            **data,
            "X_train_rows": data["X_test_rows"],
            "X_test_rows": data["X_train_rows"],
        },
        {**data, "X_train_rows": sorted(data["X_train_rows"])},
        {**data, "X_train_rows": "all of them"},
    ]
    for values in forged:
        outcome = problem("q1").evaluate(Answer({"data": values}))
        assert not outcome.correct, values.keys()


def test_06_3_rejects_sklearn_metrics_reached_indirectly():
    import sklearn.metrics

    def via_module(y_true, y_pred):
        if len(y_true) == 0 or len(y_true) != len(y_pred):
            raise ValueError("bad input")
        return (
            float(sklearn.metrics.root_mean_squared_error(y_true, y_pred)),
            float(getattr(sklearn.metrics, "mean_" + "absolute_error")(y_true, y_pred)),
        )

    class Holder:
        metric = staticmethod(sklearn.metrics.mean_squared_error)

    def via_class(y_true, y_pred):
        truth = np.asarray(y_true, dtype=float)
        pred = np.asarray(y_pred, dtype=float)
        if len(truth) == 0 or len(truth) != len(pred):
            raise ValueError("bad input")
        return (float(np.sqrt(Holder.metric(truth, pred))), float(np.mean(np.abs(pred - truth))))

    def numpy_only(y_true, y_pred):
        truth = np.asarray(y_true, dtype=float)
        pred = np.asarray(y_pred, dtype=float)
        if len(truth) == 0 or len(truth) != len(pred):
            raise ValueError("bad input")
        e = pred - truth
        return (float(np.sqrt(np.mean(e * e))), float(np.mean(np.abs(e))))

    for attempt in (via_module, via_class):
        outcome = problem("q3").check({"rmse_mae": attempt})
        assert not outcome.correct and "scikit-learn" in outcome.message, attempt.__name__
    assert problem("q3").check({"rmse_mae": numpy_only}).correct


def test_06_3_wrong_exception_on_empty_input_is_rejected():
    def returns_zero(y_true, y_pred):
        truth = np.asarray(y_true, dtype=float)
        pred = np.asarray(y_pred, dtype=float)
        if len(truth) != len(pred):
            raise ValueError("bad input")
        if len(truth) == 0:
            return (0.0, 0.0)
        e = pred - truth
        return (float(np.sqrt(np.mean(e * e))), float(np.mean(np.abs(e))))

    def raises_type_error(y_true, y_pred):
        if len(y_true) == 0:
            raise TypeError("empty")
        return returns_zero(y_true, y_pred)

    for attempt in (returns_zero, raises_type_error):
        assert not problem("q3").check({"rmse_mae": attempt}).correct


def test_06_8_judges_what_the_model_was_fitted_on(cars):
    right = _log_lr().fit(cars["X_train"], cars["y_train"])
    assert problem("q8").check(_final_namespace(cars, right)).correct
    # another family, close in score; a Ridge with a visible penalty; refit on train + test
    for wrong in (
        LinearRegression().fit(cars["X_train"], cars["y_train"]),
        TransformedTargetRegressor(
            regressor=Ridge(alpha=100.0), func=np.log, inverse_func=np.exp
        ).fit(cars["X_train"], cars["y_train"]),
        _log_lr().fit(cars["X"], cars["y"]),
        _log_lr().fit(cars["X_train"].iloc[::2], cars["y_train"].iloc[::2]),
    ):
        assert not problem("q8").check(_final_namespace(cars, wrong)).correct


def test_06_8_rejects_forged_collected_data(cars):
    right = _log_lr().fit(cars["X_train"], cars["y_train"])
    answer = problem("q8").collect(_final_namespace(cars, right))
    assert problem("q8").evaluate(copy.deepcopy(answer)).correct
    data = answer.values["data"]
    shifted = [v + 0.5 for v in data["predicted"]]
    forged = [
        {**data, "estimator": "__main__.Replay"},
        {**data, "predicted": shifted, "refit": shifted, "refit2": shifted},
        {**data, "predicted": data["predicted"][:10]},
        {**data, "test_rmse": float("nan")},
        {**data, "predicted": [float("nan")] * len(data["predicted"])},
    ]
    for values in forged:
        outcome = problem("q8").evaluate(Answer({"data": values}))
        assert not outcome.correct


def test_targeted_messages(cars):
    X_train, y_train, cv = cars["X_train"], cars["y_train"], cars["cv"]
    scoring = "neg_root_mean_squared_error"
    log_units = -cross_val_score(
        LinearRegression(), X_train, np.log(y_train), cv=cv, scoring=scoring
    )
    assert "log units" in problem("q7").check({"log_fold_rmse": log_units}).message
    unshuffled = -cross_val_score(LinearRegression(), X_train, y_train, cv=5, scoring=scoring)
    assert "shuffle" in problem("q4").check({"lr_fold_rmse": unshuffled}).message
    assert (
        "standard deviation"
        in problem("q2").check({"baseline_rmse": float(np.std(y_train))}).message
    )
    right = _log_lr().fit(X_train, y_train)
    swapped = _final_namespace(cars, right)
    swapped["test_rmse"], swapped["test_mae"] = swapped["test_mae"], swapped["test_rmse"]
    assert "swapped" in problem("q8").check(swapped).message
    plain = LinearRegression().fit(X_train, y_train)
    assert "rule chooses" in problem("q8").check(_final_namespace(cars, plain)).message
    in_logs = LinearRegression().fit(X_train, np.log(y_train))  # predicts log mpg
    assert "log of the fuel economy" in problem("q8").check(_final_namespace(cars, in_logs)).message


def test_right_answers_written_otherwise_are_accepted(cars):
    X_train, y_train, cv = cars["X_train"], cars["y_train"], cars["cv"]
    folds = []
    for fit_rows, val_rows in cv.split(X_train):
        model = LinearRegression().fit(X_train.iloc[fit_rows], y_train.iloc[fit_rows])
        errors = model.predict(X_train.iloc[val_rows]) - y_train.iloc[val_rows].to_numpy()
        folds.append(float(np.sqrt(np.mean(errors**2))))
    assert problem("q4").check({"lr_fold_rmse": np.array(folds)}).correct
    rounded = problem("q4").check({"lr_fold_rmse": np.round(folds, 4)})  # read to 1e-6
    assert not rounded.correct and "rounded to 4 decimals" in rounded.message
    assert problem("q4").check({"lr_fold_rmse": np.round(folds, 7)}).correct
    mean_only = []
    for fit_rows, val_rows in cv.split(X_train):
        errors = y_train.iloc[val_rows].to_numpy() - y_train.iloc[fit_rows].mean()
        mean_only.append(float(np.sqrt(np.mean(errors**2))))
    assert problem("q2").check({"baseline_rmse": float(np.mean(mean_only))}).correct


def test_06_1_rejects_forged_or_transformed_feature_values(cars):
    right = problem("q1").collect({k: cars[k] for k in ("X_train", "X_test", "y_train", "y_test")})
    data = right.values["data"]
    n = len(data["X_train_values"])
    forged = [
        {**data, "X_train_values": [0.0] * n},
        {**data, "X_train_values": data["X_train_values"][::-1]},
        {**data, "X_test_values": data["X_test_values"][:-6]},
        {**data, "X_train_values": []},
    ]
    for values in forged:
        assert not problem("q1").evaluate(Answer({"data": values})).correct
    # split after a transformation fitted on every car: right rows, columns and targets
    X = cars["X"]
    scaled = (X - X.mean()) / X.std()
    parts = train_test_split(scaled, cars["y"], test_size=0.2, random_state=42)
    names = ("X_train", "X_test", "y_train", "y_test")
    outcome = problem("q1").check(dict(zip(names, parts, strict=True)))
    assert not outcome.correct and "before anything else" in outcome.message


def test_06_3_is_a_method_rule():
    from mlcourse.checks import MethodRule

    assert isinstance(problem("q3"), MethodRule)


def test_06_6_residuals_in_another_order_keep_their_cars(cars):
    X_train, y_train, cv = cars["X_train"], cars["y_train"], cars["cv"]
    from sklearn.model_selection import cross_val_predict

    residuals = y_train - cross_val_predict(LinearRegression(), X_train, y_train, cv=cv)
    for reordered in (residuals.sort_index(), residuals.sort_values(), residuals.sample(frac=1.0)):
        assert problem("q6").check({"residuals": reordered}).correct
    relabelled = residuals.sort_index()
    relabelled.index = relabelled.index[::-1]  # same labels, residuals moved to other cars
    assert not problem("q6").check({"residuals": relabelled}).correct
    doubled = residuals.copy()
    doubled.index = [*residuals.index[:-1], residuals.index[0]]  # a label repeated
    assert not problem("q6").check({"residuals": doubled}).correct


def test_values_typed_from_a_display_are_rejected_as_rounded(cars):
    typed = {"mean": {"rmse": 7.914, "mae": 6.730}, "median": {"rmse": 7.931, "mae": 6.704}}
    for attribute, values in (
        ("q5", {"dummy_scores": typed}),
        ("q2", {"baseline_rmse": 7.914}),
        ("q2", {"baseline_rmse": 7.91}),
    ):
        outcome = problem(attribute).check(values)
        assert not outcome.correct and "rounded" in outcome.message, (attribute, outcome.message)
    right = _log_lr().fit(cars["X_train"], cars["y_train"])
    namespace = _final_namespace(cars, right)
    outcome = problem("q8").check({**namespace, "test_mae": round(namespace["test_mae"], 2)})
    assert not outcome.correct and "rounded" in outcome.message


def test_06_1_reset_labels_are_named(cars):
    names = ("X_train", "X_test", "y_train", "y_test")
    parts = {n: cars[n] for n in names}
    for reset in (("X_train", "X_test"), ("y_train",), ("y_test",)):
        values = {**parts, **{n: parts[n].reset_index(drop=True) for n in reset}}
        outcome = problem("q1").check(values)
        assert not outcome.correct and "reset the index" in outcome.message, reset
    # the test rows repeated in the training part: the right count, not a reset index
    X_train = pd.concat([parts["X_train"].iloc[:-5], parts["X_test"].iloc[:5]])
    repeated = {**parts, "X_train": X_train}
    outcome = problem("q1").check(repeated)
    assert not outcome.correct and "reset the index" not in outcome.message


def test_06_8_calls_only_true_roundings_rounded(cars):
    right = _log_lr().fit(cars["X_train"], cars["y_train"])
    namespace = _final_namespace(cars, right)
    for digits in (1, 2, 3, 4):
        outcome = problem("q8").check(
            {**namespace, "test_rmse": round(namespace["test_rmse"], digits)}
        )
        assert not outcome.correct and "rounded" in outcome.message, digits
    for offset in (0.004, -0.002, 0.0004):
        outcome = problem("q8").check({**namespace, "test_mae": namespace["test_mae"] + offset})
        assert not outcome.correct and "rounded" not in outcome.message, offset
