"""Module 11 — Pipelines and tuning: feature engineering, searches, nested CV, imbalance, Optuna.

The declaration of the module's problems (the key is in mlcourse.keys.m11). The data are
loaded and split exactly as in the exercises notebook:

- the Palmer penguins with a known sex (333 rows), the target ``sex == "male"`` from the
  species, the island and the four measurements, split 75/25 with stratification and seed 42;
  the splitter ``cv`` is five stratified folds shuffled with seed 42;
- 30,000 generated card transactions (``make_transactions(n_rows=30_000, seed=42)``) in time
  order: the earlier 70 % for training and every choice, the later 30 % touched once; their
  splitter ``cv_t`` is three stratified folds shuffled with seed 42, their metric average
  precision.

Extracts turn the learner's fitted objects into plain data (probabilities on the test rows,
cross-validation tables, trials); the key refits its reference models on the course's rows and
compares.
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Value, describe
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import class_path as _class_path

_SEED = 42  # random_state of every split and of both splitters
_TEST_SIZE = 0.25
_N_FOLDS = 5
MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
ENGINEERED = ("bill_ratio", "mass_per_flipper")
CATEGORIES = ("species", "island")
C_GRID = (0.01, 0.1, 1.0, 10.0)  # exercises 4 and 5 (stated in the prompts)
INNER_SEED = 0  # exercise 5: the inner splitter, 2 stratified folds shuffled with this seed
N_INNER = 2
TX_ROWS = 30_000
TX_TRAIN_SHARE = 0.7
TX_NUMERIC = (
    "amount",
    "hour",
    "distance_from_home_km",
    "n_txn_last_1h",
    "n_txn_last_24h",
    "seconds_since_last_txn",
    "amount_ratio_to_customer_mean",
)
TX_CATEGORICAL = ("merchant_category", "channel")
SAMPLERS = ("passthrough", "RandomUnderSampler", "SMOTE")  # exercise 7's candidates
N_TRIALS = 10
N_STARTUP = 5  # exercise 8
OPTUNA_SEED = 0
C_LOW, C_HIGH = 1e-3, 1e2


# --------------------------------------------------------------------------------------
# Data, as in the notebook.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _penguins() -> dict[str, Any]:
    """Penguins with a known sex; X = species, island, measurements; y = 1 for male."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_penguins

    df = load_penguins().dropna(subset=["sex"])
    X = df[[*CATEGORIES, *MEASUREMENTS]]
    y = (df["sex"] == "male").astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=_TEST_SIZE, stratify=y, random_state=_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _cv():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=_N_FOLDS, shuffle=True, random_state=_SEED)


def _inner_cv():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=N_INNER, shuffle=True, random_state=INNER_SEED)


def _penguins_with_gaps():
    """Copies of four test penguins with gaps: no measurements, no island, no species, none."""
    X = _penguins()["X_test"].iloc[:4].copy()
    X.loc[X.index[0], list(MEASUREMENTS)] = np.nan
    X.loc[X.index[1], "island"] = np.nan
    X.loc[X.index[2], "species"] = np.nan
    X.loc[X.index[3], [*CATEGORIES, *MEASUREMENTS]] = np.nan
    return X


@lru_cache(maxsize=1)
def _transactions() -> dict[str, Any]:
    """The transactions in time order: the earlier 70 % to train, the later 30 % to test."""
    from mlcourse.datasets import make_transactions

    tx = make_transactions(n_rows=TX_ROWS, seed=_SEED)
    X = tx[[*TX_NUMERIC, *TX_CATEGORICAL]]
    y = tx["is_fraud"]
    n_train = int(TX_TRAIN_SHARE * len(tx))
    return {
        "X_train": X.iloc[:n_train],
        "X_test": X.iloc[n_train:],
        "y_train": y.iloc[:n_train],
        "y_test": y.iloc[n_train:],
    }


# --------------------------------------------------------------------------------------
# Exercise 1: feature engineering as a function of a DataFrame.
# --------------------------------------------------------------------------------------


def _frame(rows: list[tuple]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=[*CATEGORIES, *MEASUREMENTS])


def _feature_cases() -> list[Case]:
    return [
        Case(
            _frame([("Adelie", "Torgersen", 39.1, 18.7, 181.0, 3750.0)]),
            call="add_features(one_adelie)",
        ),
    ]


def _feature_hidden() -> list[Case]:
    import pandas as pd

    p = _penguins()
    shuffled = p["X_test"].sample(frac=1.0, random_state=3)
    gaps = _penguins_with_gaps()
    empty = p["X_train"].iloc[:0]
    extra = p["X_train"].iloc[:6].assign(year=2008)
    ints = pd.DataFrame(
        {
            "species": ["Gentoo", "Chinstrap"],
            "island": ["Biscoe", "Dream"],
            "bill_length_mm": [50, 47],
            "bill_depth_mm": [15, 17],
            "flipper_length_mm": [220, 195],
            "body_mass_g": [5400, 3700],
        }
    )
    return [
        Case(shuffled, label="the test penguins with a shuffled index"),
        Case(gaps, label="penguins with missing values"),
        Case(empty, label="an empty table"),
        Case(extra, label="a table with an extra column"),
        Case(ints, label="integer measurements"),
    ]


# --------------------------------------------------------------------------------------
# Exercises 2 and 3: the fitted penguin pipeline, and its saved copy.
# --------------------------------------------------------------------------------------


def _proba(model: Any, X: Any) -> list[float]:
    """P(male) per row, from a fitted classifier whose classes are 0 and 1."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(X.copy()), dtype=float)
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    if proba.ndim != 2 or 1 not in classes:
        raise Fail(
            "The model's classes should be 0 (female) and 1 (male), from `y_train`; they are "
            f"{[str(c) for c in classes][:4]}."
        )
    return [float(v) for v in proba[:, classes.index(1)]]


def _fitted_pipeline(model: Any, name: str, fix: str = "") -> Any:
    from sklearn.exceptions import NotFittedError
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    if not isinstance(model, Pipeline):
        raise Fail(f"`{name}` should be a scikit-learn `Pipeline`, but it is {describe(model)}.")
    try:
        check_is_fitted(model)
    except NotFittedError:
        fix = fix or f"call `{name}.fit(X_train, y_train)`"
        raise Fail(f"`{name}` has not been fitted: {fix}.") from None
    return model


def _step_classes(estimator: Any, depth: int = 0) -> list[str]:
    """Class paths of an estimator and of every estimator inside it."""
    if isinstance(estimator, str) or estimator is None or depth > 8:
        return []
    found = [_class_path(estimator)]
    inner: list[Any] = []
    for attr in ("steps", "transformers_", "transformers"):
        entries = getattr(estimator, attr, None)
        if entries:
            inner += [e[1] for e in entries if isinstance(e, tuple) and len(e) >= 2]
            break
    for step in inner:
        found += _step_classes(step, depth + 1)
    return found


def _rows_seen(estimator: Any, depth: int = 0) -> int | None:
    """``n_samples_seen_`` of the first fitted StandardScaler inside an estimator, if any."""
    from sklearn.preprocessing import StandardScaler

    if isinstance(estimator, StandardScaler):
        seen = getattr(estimator, "n_samples_seen_", None)
        return None if seen is None else int(np.max(seen))
    if isinstance(estimator, str) or estimator is None or depth > 8:
        return None
    for attr in ("steps", "transformers_"):
        for entry in getattr(estimator, attr, None) or []:
            if isinstance(entry, tuple) and len(entry) >= 2:
                found = _rows_seen(entry[1], depth + 1)
                if found is not None:
                    return found
    return None


def _pipeline_answer(model: Any, name: str) -> dict[str, Any]:
    """What the judges of exercises 2, 4 and 8 need from a fitted penguin pipeline."""
    p = _penguins()
    try:
        proba = _proba(model, p["X_test"])
    except Fail:
        raise
    except Exception as error:
        raise Fail(
            f"`{name}` cannot predict the test penguins as they come (species, island and the "
            f"four measurements): it raised {type(error).__name__}: {str(error)[:120]}. "
            "Compute the new features inside the pipeline (a `FunctionTransformer`)."
        ) from None
    try:
        gaps = _proba(model, _penguins_with_gaps())
    except Fail:
        raise
    except Exception as error:
        raise Fail(
            f"`{name}` cannot predict penguins with missing values: it raised "
            f"{type(error).__name__}: {str(error)[:120]}. Put the imputers inside the pipeline."
        ) from None
    final = model.steps[-1][1]
    C = getattr(final, "C", None)
    seen = _rows_seen(model)
    return {
        "steps": _step_classes(model)[:40],
        "estimator": _class_path(final),
        "C": float(C) if isinstance(C, (int, float)) and not isinstance(C, bool) else None,
        "proba": proba,
        "gaps": gaps,
        "n_seen": seen,
    }


def _extract_pipeline(values: dict[str, Any]) -> dict[str, Any]:
    model = _fitted_pipeline(values["penguin_pipe"], "penguin_pipe")
    return _pipeline_answer(model, "penguin_pipe")


def _extract_saved(values: dict[str, Any]) -> dict[str, Any]:
    """Load the learner's file here, and predict with it, with `reloaded` and the pipeline."""
    import joblib

    path = values["model_path"]
    if not isinstance(path, (str, os.PathLike)):
        raise Fail(f"`model_path` should be the path of the file (a str), not {describe(path)}.")
    if not os.path.isfile(path):
        raise Fail(f"There is no file at `model_path` ({str(path)[:80]!r}): call joblib.dump.")
    model = _fitted_pipeline(values["penguin_pipe"], "penguin_pipe")
    reloaded = _fitted_pipeline(values["reloaded"], "reloaded")
    from_file = _fitted_pipeline(
        joblib.load(path), "the model in the file", "save `penguin_pipe` after fitting it"
    )
    return {
        "same_object": reloaded is model,
        "pipeline": _pipeline_answer(model, "penguin_pipe"),
        "reloaded": _pipeline_answer(reloaded, "reloaded"),
        "from_file": _pipeline_answer(from_file, "the model in the file"),
    }


# --------------------------------------------------------------------------------------
# Exercises 4, 7: searches, read from their cv_results_.
# --------------------------------------------------------------------------------------


def _name(value: Any) -> str:
    if isinstance(value, str) or value is None:
        return str(value)
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return repr(float(value))
    return type(value).__name__


def _search_table(search: Any, name: str, kind: str) -> dict[str, Any]:
    from sklearn.model_selection import GridSearchCV

    if not isinstance(search, GridSearchCV):
        raise Fail(f"`{name}` should be a `GridSearchCV`, but it is {describe(search)}.")
    if not hasattr(search, "cv_results_"):
        raise Fail(f"`{name}` has not been fitted: call `{name}.fit(...)` on the training rows.")
    results = search.cv_results_
    n_splits = int(getattr(search, "n_splits_", 0))
    rows = []
    for i, params in enumerate(results["params"]):
        rows.append(
            {
                "params": {str(k): _name(v) for k, v in params.items()},
                "splits": [
                    float(results[f"split{k}_test_score"][i])
                    for k in range(n_splits)
                    if f"split{k}_test_score" in results
                ],
            }
        )
    best = getattr(search, "best_params_", None) or {}
    return {
        "kind": kind,
        "n_splits": n_splits,
        "rows": rows[:50],
        "best": {str(k): _name(v) for k, v in best.items()},
        "refit": hasattr(search, "best_estimator_"),
    }


def _extract_grid(values: dict[str, Any]) -> dict[str, Any]:
    grid = values["grid"]
    data = _search_table(grid, "grid", "penguins")
    if not data["refit"]:
        raise Fail("`grid` has no `best_estimator_`: keep `refit=True` (the default).")
    data["final"] = _pipeline_answer(grid.best_estimator_, "grid.best_estimator_")
    return data


def _extract_imbalance(values: dict[str, Any]) -> dict[str, Any]:
    search = values["imb_search"]
    data = _search_table(search, "imb_search", "transactions")
    if not data["refit"]:
        raise Fail("`imb_search` has no `best_estimator_`: keep `refit=True` (the default).")
    t = _transactions()
    model = search.best_estimator_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba = np.asarray(model.predict_proba(t["X_test"].copy()), dtype=float)
    data["steps"] = _step_classes(model)[:40]
    data["proba"] = [float(v) for v in proba[:, -1]] if proba.ndim == 2 else []
    data["test_ap"] = values["tx_test_ap"]
    return data


# --------------------------------------------------------------------------------------
# Exercise 8: an Optuna study and the pipeline refitted with its best C.
# --------------------------------------------------------------------------------------


def _extract_study(values: dict[str, Any]) -> dict[str, Any]:
    study = values["study"]
    kind = type(study)
    if kind.__name__ != "Study" or not kind.__module__.startswith("optuna"):
        raise Fail(f"`study` should be an `optuna.Study`, but it is {describe(study)}.")
    trials = []
    for trial in study.trials[:200]:
        C = trial.params.get("C")
        value = trial.value
        trials.append(
            {
                "state": str(getattr(trial.state, "name", trial.state)),
                "C": float(C) if isinstance(C, (int, float)) else None,
                "value": float(value) if isinstance(value, (int, float)) else None,
                "params": sorted(str(k) for k in trial.params),
            }
        )
    try:
        best_C = study.best_params.get("C")
    except Exception:
        best_C = None
    direction = str(getattr(study.direction, "name", study.direction))
    model = _fitted_pipeline(values["optuna_pipe"], "optuna_pipe")
    return {
        "direction": direction,
        "sampler": _class_path(study.sampler),
        "trials": trials,
        "best_C": float(best_C) if isinstance(best_C, (int, float)) else None,
        "final": _pipeline_answer(model, "optuna_pipe"),
    }


MODULE = Module(
    "11",
    "pipelines_tuning",
    "Pipelines and tuning",
    problems=(
        Function(
            "11.1",
            name="add_features",
            cases=_feature_cases,
            hidden=_feature_hidden,
            title="Two engineered features",
            points=1,
            hints=[
                "Return a new table: every column of the input, plus two columns computed row "
                "by row from the measurements.",
                "Start with `out = df.copy()` so that the input is left as it was; pandas "
                "divides whole columns at once and keeps missing values missing.",
                '`out["bill_ratio"] = out["bill_length_mm"] / out["bill_depth_mm"]` and '
                '`out["mass_per_flipper"] = out["body_mass_g"] / out["flipper_length_mm"]`.',
            ],
        ),
        Custom(
            "11.2",
            reads=("penguin_pipe",),
            extract=_extract_pipeline,
            title="One pipeline from raw columns to a prediction",
            points=3,
            hints=[
                "Three steps: `FunctionTransformer(add_features)`, a `ColumnTransformer` with "
                "one branch for the six numbers and one for the two categories, and the "
                "classifier.",
                "Numbers: `SimpleImputer(strategy='median')` then `StandardScaler()`. "
                "Categories: `SimpleImputer(strategy='most_frequent')` then "
                "`OneHotEncoder(handle_unknown='ignore')`.",
                "Name the last step `model`: `LogisticRegression(solver='newton-cholesky')`; then "
                "`penguin_pipe.fit(X_train, y_train)`, the training penguins only.",
            ],
        ),
        Custom(
            "11.3",
            reads=("model_path", "reloaded", "penguin_pipe"),
            extract=_extract_saved,
            title="Save the fitted pipeline, load it back",
            points=1,
            hints=[
                "`joblib.dump(obj, path)` writes the object; `joblib.load(path)` reads it back "
                "as a new object.",
                "Save the fitted `penguin_pipe`, then load the file into `reloaded`.",
                '`model_path = MODELS_DIR / "penguin_pipe.joblib"`; `joblib.dump(penguin_pipe, '
                "model_path)`; `reloaded = joblib.load(model_path)`.",
            ],
        ),
        Custom(
            "11.4",
            reads=("grid",),
            extract=_extract_grid,
            title="A grid search over C, on the training penguins",
            points=2,
            hints=[
                "The estimator of the search is the whole pipeline of exercise 2 (a fresh, "
                "unfitted copy: `clone(penguin_pipe)`); the parameter is reached as "
                "`model__C`.",
                "`GridSearchCV(clone(penguin_pipe), {'model__C': list(C_GRID)}, cv=cv, "
                "scoring='neg_log_loss')`.",
                "Fit it on `X_train, y_train`: the search refits the best C on all of them.",
            ],
        ),
        Value(
            "11.5",
            var="nested_scores",
            atol=1e-4,
            title="Nested cross-validation",
            points=2,
            hints=[
                "The outer loop scores a whole procedure: 'search C with a grid search on the "
                "data I am given, then refit'. That procedure is a `GridSearchCV` object.",
                "Inner: `GridSearchCV(clone(penguin_pipe), {'model__C': list(C_GRID)}, "
                "cv=inner_cv, scoring='neg_log_loss')`. Outer: `cross_val_score(inner_search, "
                "X_train, y_train, cv=cv, scoring='neg_log_loss')`.",
                "`nested_scores` is the array of the five outer scores, unrounded.",
            ],
        ),
        Value(
            "11.6",
            var="leak_ap",
            atol=1e-4,
            title="Resampling before the split, measured",
            points=2,
            hints=[
                "Two cross-validations of the same model with the same folds `cv_t`: one "
                "oversamples inside each training fold, the other oversamples first.",
                "Honest: `cross_val_score(ImbPipeline([('prep', clone(tx_prep)), ('sample', "
                "SMOTE(random_state=0)), ('model', LogisticRegression(solver='newton-cholesky'))]), "
                "Xt_train, yt_train, cv=cv_t, scoring='average_precision').mean()`.",
                "Leaky: `Z = clone(tx_prep).fit_transform(Xt_train)`, `Z_res, y_res = "
                "SMOTE(random_state=0).fit_resample(Z, yt_train)`, then cross-validate "
                "`LogisticRegression(solver='newton-cholesky')` on `Z_res, y_res` with `cv_t`.",
            ],
        ),
        Custom(
            "11.7",
            reads=("imb_search", "tx_test_ap"),
            extract=_extract_imbalance,
            title="Class weights or resampling: chosen by cross-validation",
            points=3,
            hints=[
                "One imbalanced-learn pipeline with a step named `sample` and a final step "
                "named `model`; the grid swaps what sits in `sample` and the model's "
                "`class_weight`.",
                "`{'sample': ['passthrough', RandomUnderSampler(random_state=0), "
                "SMOTE(random_state=0)], 'model__class_weight': [None, 'balanced']}`, "
                "`cv=cv_t`, `scoring='average_precision'`, fitted on `Xt_train, yt_train`.",
                "Only then the test rows, once: `average_precision_score(yt_test, "
                "imb_search.predict_proba(Xt_test)[:, 1])`.",
            ],
        ),
        Custom(
            "11.8",
            reads=("study", "optuna_pipe"),
            extract=_extract_study,
            title="Tune C with Optuna, then refit",
            points=3,
            hints=[
                "The objective takes a `trial`, asks it for C, and returns the mean "
                "cross-validated score of the pipeline with that C: Optuna maximises it.",
                "`C = trial.suggest_float('C', 1e-3, 1e2, log=True)`; "
                "`cross_val_score(clone(penguin_pipe).set_params(model__C=C), X_train, "
                "y_train, cv=cv, scoring='neg_log_loss').mean()`.",
                "`study = optuna.create_study(direction='maximize', "
                "sampler=optuna.samplers.TPESampler(seed=0, n_startup_trials=5))`; "
                "`study.optimize(objective, n_trials=10)`; then `optuna_pipe = clone(penguin_pipe).set_params("
                "model__C=study.best_params['C']).fit(X_train, y_train)`.",
            ],
        ),
        Choice(
            "11.kc1",
            var="kc1",
            choices="abcd",
            title="Loading a pickle",
            hints=["What does unpickling do to rebuild an object, and who chose what it does?"],
        ),
        Choice(
            "11.kc2",
            var="kc2",
            choices="abcd",
            title="Why best_score_ is optimistic",
            hints=["Which data chose the winner, and which data scored it?"],
        ),
        Function(
            "11.kc3",
            name="n_fits",
            cases=[Case(2, 3, True)],
            hidden=[
                Case(12, 5, True, label="a grid of 12 candidates with a refit"),
                Case(6, 4, False, label="a search without refit"),
                Case(1, 10, True, label="a single candidate"),
                Case(30, 2, False, label="many candidates, two folds, no refit"),
            ],
            title="Counting fits",
            hints=[
                "Every candidate is fitted once per fold; with `refit=True` the best is "
                "fitted once more on everything."
            ],
        ),
        Choice(
            "11.kc4",
            var="kc4",
            choices="abcd",
            title="Successive halving",
            hints=["Halving spends little on every candidate first, and more on fewer later."],
        ),
        Choice(
            "11.kc5",
            var="kc5",
            choices="abcd",
            title="Where the sampler goes",
            hints=["Which rows may the resampler see when the pipeline is scored?"],
        ),
        Choice(
            "11.kc6",
            var="kc6",
            choices="abcd",
            title="Class weights and average precision",
            hints=["Average precision depends only on the order of the scores."],
        ),
    ),
)
