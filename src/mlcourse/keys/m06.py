"""Answer key of module 06 — The ML workflow: regression.

Every expected value is recomputed here from the cars data, split and cross-validated exactly
as in the exercises notebook (see the declaration, mlcourse.exercises.m06). The final model of
exercise 8 is judged by its predictions on the test cars, compared with the model that the
stated rule chooses, refitted here on the training cars; its test metrics are recomputed from
its own predictions.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m06 import FEATURES, KC_ERRORS, TARGET, _cars, _cv, _split

_PRED_ATOL = 1e-6  # mpg: predictions of the same model fitted on the same rows agree to this


def _rmse_mae(y_true: Any, y_pred: Any) -> tuple[float, float]:
    truth = np.asarray(y_true, dtype=float).ravel()
    pred = np.asarray(y_pred, dtype=float).ravel()
    if len(truth) == 0 or len(truth) != len(pred):
        raise ValueError("y_true and y_pred must be non-empty and of the same length")
    errors = pred - truth
    return (float(np.sqrt(np.mean(errors**2))), float(np.mean(np.abs(errors))))


def _mse_mae(y_true: Any, y_pred: Any) -> tuple[float, float]:
    rmse, mae = _rmse_mae(y_true, y_pred)
    return (rmse**2, mae)


def _mae_rmse(y_true: Any, y_pred: Any) -> tuple[float, float]:
    return _rmse_mae(y_true, y_pred)[::-1]


def _rmse_mean_error(y_true: Any, y_pred: Any) -> tuple[float, float]:
    truth = np.asarray(y_true, dtype=float).ravel()
    pred = np.asarray(y_pred, dtype=float).ravel()
    if len(truth) == 0 or len(truth) != len(pred):
        raise ValueError("bad input")
    return (_rmse_mae(truth, pred)[0], float(np.mean(pred - truth)))


# --------------------------------------------------------------------------------------
# Cross-validated scores on the training cars.
# --------------------------------------------------------------------------------------


def _lr():
    from sklearn.linear_model import LinearRegression

    return LinearRegression()


def _log_lr():
    from sklearn.compose import TransformedTargetRegressor

    return TransformedTargetRegressor(regressor=_lr(), func=np.log, inverse_func=np.exp)


def _fold_rmse(model: Any, cv: Any = None, rows: str = "train", y_transform=None) -> np.ndarray:
    from sklearn.model_selection import cross_val_score

    d = _split()
    X, y = d["X_train"], d["y_train"]
    if rows == "all":
        cars = _cars()
        X, y = cars[list(FEATURES)], cars[TARGET]
    if y_transform is not None:
        y = y_transform(y)
    with _one_thread():
        scores = cross_val_score(
            model, X, y, cv=_cv() if cv is None else cv, scoring="neg_root_mean_squared_error"
        )
    return -scores


def _dummy():
    from sklearn.dummy import DummyRegressor

    return DummyRegressor()


@lru_cache(maxsize=16)
def _cached_folds(name: str, cv5: bool, rows: str, log_y: bool) -> tuple[float, ...]:
    model = {"dummy": _dummy, "lr": _lr, "log": _log_lr}[name]()
    scores = _fold_rmse(
        model, cv=5 if cv5 else None, rows=rows, y_transform=np.log if log_y else None
    )
    return tuple(float(v) for v in scores)


def _folds(name: str, *, cv5: bool = False, rows: str = "train", log_y: bool = False):
    """Five fold RMSEs of the named model (``dummy``, ``lr``, ``log``), computed once."""
    return np.array(_cached_folds(name, cv5, rows, log_y))


def _baseline_rmse() -> float:

    return float(_folds("dummy").mean())


@lru_cache(maxsize=8)
def _dummy_other(kind: str) -> float:
    from sklearn.dummy import DummyRegressor
    from sklearn.model_selection import cross_val_score

    d = _split()
    if kind == "all":
        return float(_folds("dummy", rows="all").mean())
    if kind == "unshuffled":
        return float(_folds("dummy", cv5=True).mean())
    if kind == "in-sample":
        return float(np.std(np.asarray(d["y_train"], dtype=float)))
    if kind == "mae":
        return float(
            -cross_val_score(
                DummyRegressor(),
                d["X_train"],
                d["y_train"],
                cv=_cv(),
                scoring="neg_mean_absolute_error",
            ).mean()
        )
    if kind == "test":
        y_test = np.asarray(d["y_test"], dtype=float)
        return float(np.sqrt(np.mean((y_test - np.mean(d["y_train"])) ** 2)))
    raise ValueError(kind)


@lru_cache(maxsize=1)
def _dummy_scores() -> dict[str, dict[str, float]]:
    from sklearn.dummy import DummyRegressor
    from sklearn.model_selection import cross_validate

    d = _split()
    out = {}
    for strategy in ("mean", "median"):
        with _one_thread():
            s = cross_validate(
                DummyRegressor(strategy=strategy),
                d["X_train"],
                d["y_train"],
                cv=_cv(),
                scoring=["neg_root_mean_squared_error", "neg_mean_absolute_error"],
            )
        out[strategy] = {
            "rmse": float(-s["test_neg_root_mean_squared_error"].mean()),
            "mae": float(-s["test_neg_mean_absolute_error"].mean()),
        }
    return out


def _dummy_swapped(what: str) -> dict[str, dict[str, float]]:
    s = _dummy_scores()
    if what == "strategies":
        return {"mean": dict(s["median"]), "median": dict(s["mean"])}
    return {k: {"rmse": v["mae"], "mae": v["rmse"]} for k, v in s.items()}


_ROUNDING_DIGITS = (1, 2, 3, 4, 5)


def _rounded(value: Any, digits: int) -> Any:
    """``value`` (a float, array, Series or dict of them) rounded as a learner might."""
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, digits)
    return value.round(digits)


def _rounding(expected: Any, name: str) -> list[Mistake]:
    """Mistakes: ``expected()`` rounded to 1 to 5 decimals, each with a "don't round" message.

    The checks that use them read their variable to 1e-6, so each of these roundings fails the
    comparison with the expected value and is named as a rounding.
    """
    return [
        Mistake(
            lambda digits=digits: _rounded(expected(), digits),
            f"`{name}` is rounded to {digits} decimal{'s' if digits > 1 else ''}: store what "
            "you computed, unrounded. Round only what you display (the last line of the cell), "
            "never the variable the check reads.",
        )
        for digits in _ROUNDING_DIGITS
    ]


def _residuals(kind: str = "right") -> Any:
    return _cached_residuals(kind).copy()


@lru_cache(maxsize=8)
def _cached_residuals(kind: str) -> Any:
    from sklearn.model_selection import cross_val_predict

    d = _split()
    X, y = d["X_train"], d["y_train"]
    with _one_thread():
        if kind == "in-sample":
            pred = _lr().fit(X, y).predict(X)
        else:
            cv = 5 if kind == "unshuffled" else _cv()
            pred = cross_val_predict(_lr(), X, y, cv=cv)
    residuals = y - pred
    return -residuals if kind == "flipped" else residuals


# --------------------------------------------------------------------------------------
# Exercise 1 and exercise 8: judges.
# --------------------------------------------------------------------------------------


def _renumbered(rows: list[int]) -> bool:
    """Whether the labels are 0, 1, 2, ...: a part whose index was reset."""
    return len(rows) > 1 and rows == list(range(len(rows)))


def _judge_split(data: dict[str, Any]) -> None:
    names = ("X_train", "X_test", "y_train", "y_test")
    require_dict(
        data,
        "data",
        (
            *(f"{n}_rows" for n in names),
            "X_train_columns",
            "X_test_columns",
            "X_train_values",
            "X_test_values",
            "y_train_values",
            "y_test_values",
        ),
    )
    for n in names:
        require_list(data[f"{n}_rows"], at("data", f"{n}_rows"), item=require_int)
    for n in ("X_train", "X_test"):
        require_list(data[f"{n}_columns"], at("data", f"{n}_columns"), item=require_str)
    for n in ("X_train", "X_test", "y_train", "y_test"):
        require_list(data[f"{n}_values"], at("data", f"{n}_values"), item=require_float)
    d = _split()
    n_cars = len(_cars())
    train, test = data["X_train_rows"], data["X_test_rows"]
    if sorted(train + test) != list(range(n_cars)) and len(train) + len(test) == n_cars:
        if _renumbered(train) or _renumbered(test):
            raise Fail(
                f"`X_train` and `X_test` hold {len(train)} + {len(test)} rows, as many as `X` "
                "has cars, but these are not `X`'s row labels (did you reset the index?): keep "
                "the labels that `train_test_split` gives, so that each row stays with its car."
            )
        raise Fail(
            f"`X_train` and `X_test` hold {len(train)} + {len(test)} rows, as many as `X` has "
            "cars, but their row labels are not each of `X`'s labels once: some cars are "
            "repeated and others missing. Split `X` itself, once, and keep the parts as they "
            "come."
        )
    if sorted(train + test) != list(range(n_cars)):
        raise Fail(
            f"`X_train` and `X_test` together should hold each of the {n_cars} cars of `X` "
            f"exactly once, but they hold {len(train)} + {len(test)} rows: split `X` itself, "
            "once."
        )
    if len(test) != len(d["X_test"]):
        raise Fail(
            f"`X_test` has {len(test)} of the {n_cars} cars; the task asks for a test set of "
            "20% (`test_size=0.2`)."
        )
    if data["y_train_rows"] != train or data["y_test_rows"] != test:
        if _renumbered(data["y_train_rows"]) or _renumbered(data["y_test_rows"]):
            raise Fail(
                "The row labels of `y_train` or `y_test` are not those of `X_train` and "
                "`X_test` (did you reset the index?): keep the labels that `train_test_split` "
                "gives, so that each target stays with its car."
            )
        raise Fail(
            "`y_train` and `y_test` are not the targets of the same cars as `X_train` and "
            "`X_test`, in the same order: split `X` and `y` in one call of `train_test_split`."
        )
    if train != [int(v) for v in d["X_train"].index] or test != [int(v) for v in d["X_test"].index]:
        raise Fail(
            "Your split has the right sizes but other cars (or another order) than the one "
            "the rest of the notebook uses: pass `random_state=42`, and leave `shuffle` at its "
            "default."
        )
    for name in ("X_train", "X_test"):
        if data[f"{name}_columns"] != list(FEATURES):
            raise Fail(
                f"`{name}` should have the six feature columns of `X` ({', '.join(FEATURES)}), "
                f"but it has {data[f'{name}_columns'][:8]}: split `X`, not `cars`."
            )
    for name in ("y_train", "y_test"):
        values = data[f"{name}_values"]
        expected = np.asarray(d[name], dtype=float)
        if len(values) != len(expected) or not np.allclose(values, expected, atol=1e-9):
            raise Fail(
                f"`{name}` does not hold the cars' fuel economy in miles per gallon: split "
                "`y` as it is, untransformed."
            )
    for name in ("X_train", "X_test"):
        values = data[f"{name}_values"]
        expected = np.asarray(d[name], dtype=float).ravel()
        if len(values) != len(expected) or not np.allclose(
            values, expected, rtol=0, atol=1e-9, equal_nan=True
        ):
            raise Fail(
                f"`{name}` has the right cars and columns but other values than the features "
                "in `X`: split `X` as it is, before anything else. A scaler or any other "
                "transformation is fitted afterwards, on the training rows only; fitted on "
                "every car before the split, it would carry the test cars into training."
            )


@lru_cache(maxsize=1)
def _chosen() -> tuple[str, list[float]]:
    """The model the stated rule chooses (lower mean CV RMSE), and its test predictions."""
    d = _split()
    lr_mean = float(_folds("lr").mean())
    log_mean = float(_folds("log").mean())
    name, model = ("log", _log_lr()) if log_mean < lr_mean else ("plain", _lr())
    with _one_thread():
        model.fit(d["X_train"], d["y_train"])
    return name, [float(v) for v in model.predict(d["X_test"])]


def _judge_final(data: dict[str, Any]) -> None:
    require_dict(
        data,
        "data",
        ("estimator", "regressor", "predicted", "refit", "refit2", "test_rmse", "test_mae"),
    )
    require_str(data["estimator"], at("data", "estimator"))
    require_str(data["regressor"], at("data", "regressor"))
    for name in ("predicted", "refit", "refit2"):
        require_list(data[name], at("data", name), item=require_float)
    for name in ("test_rmse", "test_mae"):
        require_float(data[name], at("data", name))
    foreign = [
        c for c in (data["estimator"], data["regressor"]) if c and not c.startswith("sklearn.")
    ]
    if foreign:
        raise Fail(
            f"`final_model` is (or wraps) `{foreign[0].rsplit('.', 1)[-1]}`, which is not one of "
            "scikit-learn's estimators: build it from scikit-learn's `LinearRegression` (and "
            "`TransformedTargetRegressor`), as in exercises 4 and 7."
        )
    d = _split()
    n = len(d["y_test"])
    pred, refit, refit2 = (
        np.asarray(data[k], dtype=float) for k in ("predicted", "refit", "refit2")
    )
    if len(pred) != n or len(refit) != n or len(refit2) != n:
        raise Fail(
            f"`final_model.predict(X_test)` should give one prediction per test car ({n}), "
            f"but it gave {len(pred)}."
        )
    if not (
        np.all(np.isfinite(pred)) and np.all(np.isfinite(refit)) and np.all(np.isfinite(refit2))
    ):
        raise Fail("`final_model` predicts NaN or infinite values for some test cars.")
    if float(np.max(np.abs(refit - refit2))) > _PRED_ATOL:
        raise Fail(
            "Two fresh copies of `final_model` fitted on the same training cars predict "
            "differently: its fit is random, so the check cannot tell which rows it was "
            "fitted on. Use the deterministic models of exercises 4 and 7."
        )
    name, chosen = _chosen()
    with np.errstate(over="ignore"):
        unlogged = np.exp(np.clip(pred, -50.0, 50.0))
    if float(np.max(np.abs(unlogged - np.asarray(chosen)))) <= 1e-4:
        raise Fail(
            "`final_model` predicts the log of the fuel economy, not miles per gallon: wrap "
            "the linear regression in a `TransformedTargetRegressor` (`func=np.log`, "
            "`inverse_func=np.exp`) and fit it on `y_train` itself."
        )
    if float(np.max(np.abs(pred - refit))) > _PRED_ATOL:
        raise Fail(
            "`final_model` was not fitted on `X_train` and `y_train` as they are: a fresh copy "
            f"fitted on the {len(d['y_train'])} training cars predicts the test cars otherwise. "
            "Fit it on every training car, and only on them (not on the test set, not on all "
            "the cars, not on a sample)."
        )
    if float(np.max(np.abs(pred - np.asarray(chosen)))) > _PRED_ATOL:
        if name == "log":
            raise Fail(
                "`final_model` is not the model that the rule chooses. The model with the "
                "lower mean cross-validated RMSE is the linear regression on the log of the "
                "fuel economy (exercise 7), as a `TransformedTargetRegressor`."
            )
        raise Fail(
            "`final_model` is not the model that the rule chooses: the plain linear "
            "regression of exercise 4 has the lower mean cross-validated RMSE."
        )
    y_test = np.asarray(d["y_test"], dtype=float)
    rmse, mae = _rmse_mae(y_test, pred)
    for label, got, expected, other in (
        ("test_rmse", data["test_rmse"], rmse, mae),
        ("test_mae", data["test_mae"], mae, rmse),
    ):
        if math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-6):
            continue
        if math.isclose(got, other, rel_tol=1e-6, abs_tol=1e-6):
            raise Fail("`test_rmse` and `test_mae` are swapped.")
        if label == "test_rmse" and math.isclose(got, rmse**2, rel_tol=1e-6):
            raise Fail("`test_rmse` is the mean squared error: take its square root.")
        if any(
            math.isclose(got, round(expected, k), rel_tol=0, abs_tol=1e-9) for k in _ROUNDING_DIGITS
        ):
            raise Fail(
                f"`{label}` is rounded: store the {label[5:].upper()} of `final_model`'s "
                "predictions as computed, and round only what you display."
            )
        raise Fail(
            f"`{label}` ({got:.4g}) is not the {label[5:].upper()} of `final_model`'s "
            "predictions for the test cars against `y_test`: compute it from "
            "`final_model.predict(X_test)`, in miles per gallon."
        )


# --------------------------------------------------------------------------------------
# Knowledge check.
# --------------------------------------------------------------------------------------


def _kc_rmse() -> float:
    e = np.asarray(KC_ERRORS)
    return float(np.sqrt(np.mean(e**2)))


KEY = {
    "06.1": {"judge": _judge_split},
    "06.2": {
        "expected": _baseline_rmse,
        "mistakes": [
            Mistake(
                lambda: _dummy_other("in-sample"),
                "That is the RMSE of the mean on the very cars it was computed from (the "
                "standard deviation of `y_train`): cross-validate the baseline with `cv`.",
            ),
            Mistake(
                lambda: _dummy_other("all"),
                "That was cross-validated on all the cars, test cars included: use `X_train` "
                "and `y_train` only.",
            ),
            Mistake(
                lambda: _dummy_other("unshuffled"),
                "`cv=5` does not shuffle: pass the notebook's splitter, `cv=cv`.",
            ),
            Mistake(
                lambda: _dummy_other("mae"),
                "That is the mean absolute error; the task asks for the RMSE "
                "(`scoring='neg_root_mean_squared_error'`).",
            ),
            Mistake(
                lambda: -_baseline_rmse(),
                "The sign is wrong: scikit-learn negates errors so that greater is better. "
                "Flip it back.",
            ),
            Mistake(
                lambda: _dummy_other("test"),
                "That is the baseline's RMSE on the test set, which waits for exercise 8.",
            ),
            *_rounding(_baseline_rmse, "baseline_rmse"),
        ],
    },
    "06.3": {
        "reference": _rmse_mae,
        "mistakes": [
            Mistake(_mse_mae, "Your first number is the mean squared error: take its square root."),
            Mistake(_mae_rmse, "The two numbers are the wrong way round: return (rmse, mae)."),
            Mistake(
                _rmse_mean_error,
                "Your MAE is the mean of the signed errors, in which errors of opposite signs "
                "cancel: average their absolute values.",
            ),
        ],
    },
    "06.4": {
        "expected": lambda: _folds("lr"),
        "mistakes": [
            Mistake(
                lambda: -_folds("lr"),
                "These are negated RMSEs, as scikit-learn's scorer returns them: flip the sign.",
            ),
            Mistake(
                lambda: _folds("lr", cv5=True),
                "`cv=5` does not shuffle: pass the notebook's splitter, `cv=cv`.",
            ),
            Mistake(
                lambda: _folds("lr", rows="all"),
                "These folds include the test cars: cross-validate on `X_train` and `y_train`.",
            ),
            *_rounding(lambda: _folds("lr"), "lr_fold_rmse"),
        ],
    },
    "06.5": {
        "expected": _dummy_scores,
        "mistakes": [
            Mistake(
                lambda: _dummy_swapped("strategies"),
                "The two strategies are swapped: 'mean' and 'median' name the constant the "
                "baseline predicts.",
            ),
            Mistake(
                lambda: _dummy_swapped("metrics"),
                "RMSE and MAE are swapped within each strategy.",
            ),
            *_rounding(_dummy_scores, "dummy_scores"),
        ],
    },
    "06.6": {
        "expected": _residuals,
        "mistakes": [
            Mistake(
                lambda: _residuals("flipped"),
                "The sign is flipped: a residual is the true value minus the prediction.",
            ),
            Mistake(
                lambda: _residuals("in-sample"),
                "These are in-sample residuals, from a model fitted on the very cars it "
                "predicts: use `cross_val_predict` so that each car is predicted by a model "
                "that did not see it.",
            ),
            Mistake(
                lambda: _residuals("unshuffled"),
                "`cv=5` does not shuffle: pass the notebook's splitter, `cv=cv`.",
            ),
            *_rounding(_residuals, "residuals"),
        ],
    },
    "06.7": {
        "expected": lambda: _folds("log"),
        "mistakes": [
            Mistake(
                lambda: _folds("lr", log_y=True),
                "These RMSEs are in log units, from a model scored on the log target: wrap the "
                "model in a `TransformedTargetRegressor` so that it is scored in miles per "
                "gallon.",
            ),
            Mistake(
                lambda: _folds("lr"),
                "These are the plain linear regression's scores of exercise 4: model the log "
                "of the target.",
            ),
            Mistake(
                lambda: -_folds("log"),
                "These are negated RMSEs: flip the sign.",
            ),
            *_rounding(lambda: _folds("log"), "log_fold_rmse"),
        ],
    },
    "06.8": {"judge": _judge_final},
    "06.kc1": {
        "answer": "c",
        "explanation": (
            "Every number a model uses, the baseline's mean included, comes from the training "
            "rows (in cross-validation, from the training folds): the test rows stay unseen."
        ),
        "feedback": {
            "a": "Fitting on the validation fold lets the baseline see the rows it is scored "
            "on, which makes its score optimistic: a leak, and a baseline is not excused from "
            "it.",
            "b": "Test rows are never used to fit anything, a baseline included: the test set "
            "stays unseen until the final estimate.",
            "d": "A mean taken from the rows being predicted uses their answers: it scores "
            "better than any baseline could on new data, whose targets are unknown.",
        },
    },
    "06.kc2": {
        "expected": _kc_rmse,
        "mistakes": [
            Mistake(
                lambda: float(np.mean(np.abs(KC_ERRORS))),
                "That is the MAE; RMSE squares the errors before averaging.",
            ),
            Mistake(
                lambda: float(np.mean(np.square(KC_ERRORS))),
                "That is the mean squared error: take its square root.",
            ),
        ],
    },
    "06.kc3": {
        "answer": "a",
        "explanation": (
            "When the training and validation errors have met at a high level, the model is "
            "too simple (high bias): more rows of the same data change little; richer features "
            "or a more flexible model can."
        ),
        "feedback": {
            "b": "More rows close a gap between training and validation error, and here the two "
            "have already met: more data of the same kind changes little.",
            "c": "A learning curve is a diagnosis, not a setting to tune: training on fewer "
            "rows does not change what the model can represent, and its error stays far too high "
            "at every size.",
            "d": "The test set is for the final estimate of the chosen model, not for "
            "diagnosing it; and another measurement would not change that the error is too high.",
        },
    },
    "06.kc4": {
        "answer": "d",
        "explanation": (
            "The median: moving the constant away from it lengthens more absolute errors than "
            "it shortens. The mean minimises the squared errors instead."
        ),
        "feedback": {
            "a": "The mean minimises the squared errors (MSE, RMSE), not the absolute ones: a "
            "few large targets pull it away from where most targets lie.",
            "b": "The midpoint of the range minimises the largest single error, not the mean "
            "one; it depends only on the two most extreme targets.",
            "c": "The most frequent value minimises the number of exact misses, not their size: "
            "it can sit far from most of the targets, and rounding has nothing to do with MAE.",
        },
    },
    "06.kc5": {
        "answer": "b",
        "explanation": (
            "A funnel means the size of the errors grows with the prediction "
            "(heteroscedasticity): one RMSE over-states the error for small values and "
            "under-states it for large ones; a log target often helps."
        ),
        "feedback": {
            "a": "Residuals centred on zero everywhere mean the predictions are right on "
            "average at every size; a bias would show as residuals shifted to one side of zero.",
            "c": "Overfitting shows as a training error far below the validation error; a "
            "funnel in out-of-fold residuals says how the errors' size varies, not that there is "
            "such a gap.",
            "d": "The RMSE squares the residuals before averaging them, so it measures their "
            "size, not their mean; residuals are not fine just because they average to zero.",
        },
    },
    "06.kc6": {
        "answer": "c",
        "explanation": (
            "The test score estimates how the chosen model will do on new data. Used to choose "
            "anything, it becomes one more validation score and optimistic."
        ),
        "feedback": {
            "a": "The test set is there to estimate how the model you have already chosen will "
            "do on new data, not to choose: choosing is what cross-validation on the training "
            "set is for.",
            "b": "A training RMSE measures the fit on rows the model has seen; computing it "
            "first, or not at all, changes nothing about what the test set has been used for.",
            "d": "Trying more models on the test set makes matters worse, not better: the more "
            "models compete on it, the more the winner's test score owes to luck.",
        },
    },
}
