"""Answer key of module 11 — Pipelines and tuning.

Every expected value is computed here from the course's data, split as in the exercises
notebook (see mlcourse.exercises.m11): the reference penguin pipeline is refitted on the
training penguins, every search's cross-validated scores are recomputed candidate by
candidate, the nested and leaky cross-validations are rerun, and the Optuna study is replayed
with its seeded sampler.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    require_bool,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m11 import (
    C_GRID,
    C_HIGH,
    C_LOW,
    CATEGORIES,
    MEASUREMENTS,
    N_INNER,
    N_STARTUP,
    N_TRIALS,
    OPTUNA_SEED,
    SAMPLERS,
    TX_CATEGORICAL,
    TX_NUMERIC,
    _cv,
    _inner_cv,
    _penguins,
    _penguins_with_gaps,
    _transactions,
)

_PROBA_ATOL = 2e-3  # another converging solver lands within this of the reference
_SCORE_ATOL = 1e-4


def _add_features(df):
    out = df.copy()
    out["bill_ratio"] = out["bill_length_mm"] / out["bill_depth_mm"]
    out["mass_per_flipper"] = out["body_mass_g"] / out["flipper_length_mm"]
    return out


def _add_features_inverted(df):
    out = df.copy()
    out["bill_ratio"] = out["bill_depth_mm"] / out["bill_length_mm"]
    out["mass_per_flipper"] = out["flipper_length_mm"] / out["body_mass_g"]
    return out


def _reference_pipeline(C: float = 1.0):
    """The notebook's pipeline: features, imputers, scaler and one-hot, logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    prep = ColumnTransformer(
        [
            ("num", numeric, [*MEASUREMENTS, "bill_ratio", "mass_per_flipper"]),
            ("cat", categorical, list(CATEGORIES)),
        ]
    )
    return Pipeline(
        [
            ("features", FunctionTransformer(_add_features)),
            ("prep", prep),
            ("model", LogisticRegression(C=C, solver="newton-cholesky")),
        ]
    )


def _penguin_rows(rows: str):
    import pandas as pd

    p = _penguins()
    if rows == "train":
        return p["X_train"], p["y_train"]
    if rows == "test":
        return p["X_test"], p["y_test"]
    return pd.concat([p["X_train"], p["X_test"]]), pd.concat([p["y_train"], p["y_test"]])


@cache
def _reference_proba(C: float = 1.0, rows: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """P(male) of the reference pipeline fitted on ``rows``: test penguins, penguins with gaps."""
    X, y = _penguin_rows(rows)
    with _one_thread():
        model = _reference_pipeline(C).fit(X, y)
    return (
        model.predict_proba(_penguins()["X_test"])[:, 1],
        model.predict_proba(_penguins_with_gaps())[:, 1],
    )


def _logreg() -> str:
    from sklearn.linear_model import LogisticRegression

    return f"{LogisticRegression.__module__}.{LogisticRegression.__qualname__}"


def _require_answer(value: Any, path: str) -> dict:
    require_dict(value, path, ("steps", "estimator", "C", "proba", "gaps", "n_seen"))
    require_optional(require_int)(value["n_seen"], at(path, "n_seen"))
    require_list(value["steps"], at(path, "steps"), item=require_str)
    require_str(value["estimator"], at(path, "estimator"))
    require_optional(require_float)(value["C"], at(path, "C"))
    require_list(value["proba"], at(path, "proba"), item=require_float)
    require_list(value["gaps"], at(path, "gaps"), item=require_float)
    return value


def _close(got: list[float], expected: np.ndarray, atol: float = _PROBA_ATOL) -> bool:
    got_a = np.asarray(got, dtype=float)
    return got_a.shape == expected.shape and bool(
        np.all(np.isfinite(got_a)) and np.max(np.abs(got_a - expected), initial=0.0) <= atol
    )


def _judge_fitted(answer: dict, name: str, C: float, what: str) -> None:
    """A fitted penguin pipeline against the reference with this C fitted on the training rows."""
    if answer["estimator"] != _logreg():
        raise Fail(
            f"The last step of `{name}` is a `{answer['estimator'].rsplit('.', 1)[-1]}`; the "
            "task asks for scikit-learn's `LogisticRegression`."
        )
    if answer["steps"][-1:] != [answer["estimator"]]:
        raise Fail(f"The steps collected from `{name}` do not end with its classifier.")
    steps = [s.rsplit(".", 1)[-1] for s in answer["steps"]]
    for needed, advice in (
        ("FunctionTransformer", "compute the two features inside it with a FunctionTransformer"),
        ("ColumnTransformer", "send numbers and categories to their own branch"),
        ("StandardScaler", "scale the numbers inside it"),
        ("OneHotEncoder", "one-hot encode species and island inside it"),
    ):
        if needed not in steps:
            raise Fail(f"`{name}` has no `{needed}` among its steps: {advice}.")
    if answer["C"] is None or not math.isclose(answer["C"], C, rel_tol=1e-9):
        raise Fail(f"The LogisticRegression in `{name}` has C = {answer['C']}: {what}.")
    test, gaps = _reference_proba(C)
    n_train = len(_penguins()["X_train"])
    if answer["n_seen"] != n_train:
        for rows, where in (("test", "the test penguins"), ("all", "all penguins, test included")):
            if _close(answer["proba"], _reference_proba(C, rows)[0]):
                raise Fail(
                    f"`{name}` was fitted on {where}. Fit it on `X_train, y_train` only: the "
                    "test set is for the one final measurement."
                )
        raise Fail(
            f"The scaler in `{name}` saw {answer['n_seen']} rows while fitting; fit it on all "
            f"{n_train} training penguins, `X_train, y_train`, no more and no fewer."
        )
    if _close(answer["proba"], test):
        if not _close(answer["gaps"], gaps):
            raise Fail(
                f"`{name}` predicts the test penguins as expected but not penguins with missing "
                "values: fill numbers with the training median and categories with the most "
                "frequent training value, inside the pipeline."
            )
        return
    for rows, where in (("test", "the test penguins"), ("all", "all penguins, test included")):
        if _close(answer["proba"], _reference_proba(C, rows)[0]):
            raise Fail(
                f"`{name}` was fitted on {where}. Fit it on `X_train, y_train` only: the test "
                "set is for the one final measurement."
            )
    raise Fail(
        f"`{name}`'s probabilities for the test penguins differ from those of the pipeline the "
        "task describes fitted on the training penguins (by more than 0.002). Check the two "
        "features (bill length / bill depth, body mass / flipper length), that every column "
        "is used, and the imputers, scaler and encoder named in the prompt."
    )


# --------------------------------------------------------------------------------------
# Exercises 2 and 3.
# --------------------------------------------------------------------------------------


def _judge_pipeline(data: Any) -> None:
    _require_answer(data, "data")
    _judge_fitted(data, "penguin_pipe", 1.0, "keep the default C = 1.0 here")


def _judge_saved(data: Any) -> None:
    require_dict(data, "data", ("same_object", "pipeline", "reloaded", "from_file"))
    require_bool(data["same_object"], at("data", "same_object"))
    for name in ("pipeline", "reloaded", "from_file"):
        _require_answer(data[name], at("data", name))
    if data["same_object"]:
        raise Fail(
            "`reloaded` is `penguin_pipe` itself, not a copy read back from the file: set "
            "`reloaded = joblib.load(model_path)`."
        )
    _judge_fitted(data["pipeline"], "penguin_pipe", 1.0, "keep the default C = 1.0 here")
    for name in ("reloaded", "from_file"):
        if (
            data[name]["steps"] != data["pipeline"]["steps"]
            or data[name]["C"] != (data["pipeline"]["C"])
            or data[name]["n_seen"] != data["pipeline"]["n_seen"]
        ):
            raise Fail(
                f"`{name}` is not the same pipeline as `penguin_pipe` (other steps or another "
                "C): save the fitted `penguin_pipe` and load that file."
            )
    pipe = np.asarray(data["pipeline"]["proba"] + data["pipeline"]["gaps"])
    for name, label in (("from_file", "The model in the file"), ("reloaded", "`reloaded`")):
        got = np.asarray(data[name]["proba"] + data[name]["gaps"])
        if got.shape != pipe.shape or not np.allclose(got, pipe, rtol=0, atol=1e-12):
            raise Fail(
                f"{label} does not predict exactly as `penguin_pipe`: save the fitted "
                "`penguin_pipe` (after `fit`) and load that same file."
            )


# --------------------------------------------------------------------------------------
# Exercise 4: the grid search, recomputed.
# --------------------------------------------------------------------------------------


@cache
def _prepared(rows: str, fold: int, inner: int = -1) -> tuple:
    """The reference preprocessing (it does not depend on C) fitted on one fold's training rows.

    ``fold`` is an outer fold of ``_cv()`` (-1: all ``rows``); ``inner`` a fold of
    ``_inner_cv()`` inside it. Returns the transformed fit and validation rows and targets,
    so that every C reuses them: the same numbers as refitting the whole pipeline, faster.
    """
    from sklearn.pipeline import Pipeline

    X, y = _penguin_rows(rows)
    idx = np.arange(len(X))
    if fold >= 0:
        train, valid = list(_cv().split(X, y))[fold]
        idx_fit, idx_val = idx[train], idx[valid]
    else:
        idx_fit, idx_val = idx, idx[:0]
    if inner >= 0:
        Xo, yo = X.iloc[idx_fit], y.iloc[idx_fit]
        train, valid = list(_inner_cv().split(Xo, yo))[inner]
        idx_fit, idx_val = idx_fit[train], idx_fit[valid]
    prep = Pipeline(_reference_pipeline().steps[:-1])
    with _one_thread():
        Z_fit = prep.fit_transform(X.iloc[idx_fit], y.iloc[idx_fit])
        Z_val = prep.transform(X.iloc[idx_val]) if len(idx_val) else None
    return Z_fit, y.iloc[idx_fit].to_numpy(), Z_val, y.iloc[idx_val].to_numpy(), prep


def _fold_score(C: float, scoring: str, rows: str, fold: int, inner: int = -1) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, log_loss

    Z_fit, y_fit, Z_val, y_val, _ = _prepared(rows, fold, inner)
    with _one_thread():
        model = LogisticRegression(C=C, solver="newton-cholesky").fit(Z_fit, y_fit)
        if scoring == "accuracy":
            return float(accuracy_score(y_val, model.predict(Z_val)))
        return float(-log_loss(y_val, model.predict_proba(Z_val), labels=model.classes_))


@cache
def _cv_scores(C: float, scoring: str = "neg_log_loss", rows: str = "train") -> np.ndarray:
    """The 5 fold scores of the reference pipeline with this C (preprocessing reused per fold)."""
    return np.array([_fold_score(C, scoring, rows, k) for k in range(_cv().get_n_splits())])


def _grid_best() -> float:
    means = [_cv_scores(C).mean() for C in C_GRID]
    return C_GRID[int(np.argmax(means))]


_SEARCH_KEYS = ("kind", "n_splits", "rows", "best", "refit")


def _require_search(data: Any, extra: tuple[str, ...]) -> None:
    require_dict(data, "data", (*_SEARCH_KEYS, *extra))
    require_str(data.get("kind"), at("data", "kind"))
    require_int(data.get("n_splits"), at("data", "n_splits"))
    require_bool(data.get("refit"), at("data", "refit"))

    def row(value: Any, path: str) -> dict:
        require_dict(value, path, ("params", "splits"))
        require_dict(value["params"], at(path, "params"))
        for k, v in value["params"].items():
            require_str(v, at(at(path, "params"), k))
        require_list(value["splits"], at(path, "splits"), item=require_float)
        return value

    require_list(data.get("rows"), at("data", "rows"), item=row)
    require_dict(data.get("best"), at("data", "best"))
    for k, v in data["best"].items():
        require_str(v, at(at("data", "best"), k))


def _grid_c(row: dict) -> float | None:
    if set(row["params"]) != {"model__C"}:
        return None
    try:
        return float(row["params"]["model__C"])
    except ValueError:
        return None


def _judge_grid(data: Any) -> None:
    _require_search(data, ("final",))
    _require_answer(data.get("final"), at("data", "final"))
    Cs = [_grid_c(row) for row in data["rows"]]
    if None in Cs or sorted(Cs) != sorted(C_GRID):
        raise Fail(
            "`grid` should search the parameter `model__C` over exactly the four values of "
            "`C_GRID`, and nothing else."
        )
    if data["n_splits"] != 5:
        raise Fail(f"`grid` used {data['n_splits']} folds; use the notebook's `cv` (5 folds).")
    for row, C in zip(data["rows"], Cs, strict=True):
        got = np.asarray(row["splits"], dtype=float)
        if got.shape == (5,) and np.allclose(got, _cv_scores(C), atol=_SCORE_ATOL):
            continue
        if got.shape == (5,) and np.allclose(got, _cv_scores(C, rows="all"), atol=_SCORE_ATOL):
            raise Fail(
                "`grid` was fitted on all penguins, test set included: search on `X_train, "
                "y_train` only."
            )
        if got.shape == (5,) and np.allclose(got, _cv_scores(C, "accuracy"), atol=_SCORE_ATOL):
            raise Fail("`grid` scored accuracy; the task asks for `scoring='neg_log_loss'`.")
        raise Fail(
            f"The fold scores of `grid` for C = {C:g} differ from those of the exercise-2 "
            "pipeline cross-validated on the training penguins with `cv` and "
            "`scoring='neg_log_loss'`. Use `clone(penguin_pipe)`, `cv=cv`, and fit on "
            "`X_train, y_train`."
        )
    best = _grid_best()
    if data["best"] != {"model__C": repr(float(best))}:
        raise Fail("`grid.best_params_` is not the C with the highest mean score.")
    _judge_fitted(
        data["final"], "grid.best_estimator_", best, "refit the best C (keep `refit=True`)"
    )


# --------------------------------------------------------------------------------------
# Exercise 5: nested cross-validation.
# --------------------------------------------------------------------------------------


def _inner_search(inner=None):
    from sklearn.model_selection import GridSearchCV

    return GridSearchCV(
        _reference_pipeline(),
        {"model__C": list(C_GRID)},
        cv=inner if inner is not None else _inner_cv(),
        scoring="neg_log_loss",
    )


@cache
def _nested() -> np.ndarray:
    """Nested CV: per outer fold, the grid over C_GRID on the inner folds, refit, scored."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    scores = []
    for k in range(_cv().get_n_splits()):
        inner = [
            np.mean([_fold_score(C, "neg_log_loss", "train", k, j) for j in range(N_INNER)])
            for C in C_GRID
        ]
        best = C_GRID[int(np.argmax(inner))]
        Z_fit, y_fit, Z_val, y_val, _ = _prepared("train", k)
        with _one_thread():
            model = LogisticRegression(C=best, solver="newton-cholesky").fit(Z_fit, y_fit)
            proba = model.predict_proba(Z_val)
        scores.append(-log_loss(y_val, proba, labels=model.classes_))
    return np.array(scores)


# --------------------------------------------------------------------------------------
# Exercise 6: SMOTE inside the folds and before them.
# --------------------------------------------------------------------------------------


def _tx_prep():
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return ColumnTransformer(
        [
            ("num", StandardScaler(), list(TX_NUMERIC)),
            (
                "cat",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                list(TX_CATEGORICAL),
            ),
        ]
    )


def _cv_t():
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=3, shuffle=True, random_state=42)


def _tx_pipeline(sampler: str = "passthrough", class_weight: str | None = None):
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline as ImbPipeline
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.linear_model import LogisticRegression

    sample = {
        "passthrough": "passthrough",
        "RandomUnderSampler": RandomUnderSampler(random_state=0),
        "SMOTE": SMOTE(random_state=0),
    }[sampler]
    return ImbPipeline(
        [
            ("prep", _tx_prep()),
            ("sample", sample),
            ("model", LogisticRegression(solver="newton-cholesky", class_weight=class_weight)),
        ]
    )


@cache
def _tx_fold(k: int) -> tuple:
    """``_tx_prep()`` fitted on training fold k of ``_cv_t()``: the fold's rows, transformed.

    The preprocessing comes before the sampler and does not depend on the candidate, so every
    candidate reuses it: the same numbers as cross-validating each whole pipeline, faster.
    """
    t = _transactions()
    X, y = t["X_train"], t["y_train"]
    train, valid = list(_cv_t().split(X, y))[k]
    prep = _tx_prep()
    with _one_thread():
        Z_fit = prep.fit_transform(X.iloc[train])
        Z_val = prep.transform(X.iloc[valid])
    return Z_fit, y.iloc[train], Z_val, y.iloc[valid].to_numpy()


@cache
def _tx_cv(sampler: str, class_weight: str | None) -> np.ndarray:
    """The fold APs of the exercise-7 candidate (what cross_val_score reports for it)."""
    from sklearn.base import clone
    from sklearn.metrics import average_precision_score

    pipe = _tx_pipeline(sampler, class_weight)
    scores = []
    for k in range(_cv_t().get_n_splits()):
        Z_fit, y_fit, Z_val, y_val = _tx_fold(k)
        with _one_thread():
            rest = clone(pipe[1:]).fit(Z_fit, y_fit)
            scores.append(float(average_precision_score(y_val, rest.decision_function(Z_val))))
    return np.array(scores)


@lru_cache(maxsize=2)
def _leaky(kind: str = "smote") -> float:
    from imblearn.over_sampling import SMOTE
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    t = _transactions()
    sampler = SMOTE(random_state=0) if kind == "smote" else RandomUnderSampler(random_state=0)
    with _one_thread():
        Z = _tx_prep().fit_transform(t["X_train"])
        Z_res, y_res = sampler.fit_resample(Z, t["y_train"])
        scores = cross_val_score(
            LogisticRegression(solver="newton-cholesky"),
            Z_res,
            y_res,
            cv=_cv_t(),
            scoring="average_precision",
        )
    return float(scores.mean())


def _leak_expected() -> dict[str, float]:
    return {"leaky": _leaky(), "honest": float(_tx_cv("SMOTE", None).mean())}


# --------------------------------------------------------------------------------------
# Exercise 7: the imbalance search and its one test score.
# --------------------------------------------------------------------------------------


def _candidate(row: dict) -> tuple[str, str | None] | None:
    if set(row["params"]) != {"sample", "model__class_weight"}:
        return None
    sampler, weight = row["params"]["sample"], row["params"]["model__class_weight"]
    if sampler not in SAMPLERS or weight not in ("None", "balanced"):
        return None
    return sampler, (None if weight == "None" else weight)


_ALL_CANDIDATES = [(s, w) for s in SAMPLERS for w in (None, "balanced")]


def _imb_best() -> tuple[str, str | None]:
    means = [_tx_cv(s, w).mean() for s, w in _ALL_CANDIDATES]
    return _ALL_CANDIDATES[int(np.argmax(means))]


@cache
def _imb_final_proba() -> np.ndarray:
    t = _transactions()
    sampler, weight = _imb_best()
    with _one_thread():
        model = _tx_pipeline(sampler, weight).fit(t["X_train"], t["y_train"])
    return model.predict_proba(t["X_test"])[:, 1]


def _judge_imbalance(data: Any) -> None:
    from sklearn.metrics import average_precision_score

    _require_search(data, ("steps", "proba", "test_ap"))
    require_list(data.get("steps"), at("data", "steps"), item=require_str)
    require_list(data.get("proba"), at("data", "proba"), item=require_float)
    candidates = [_candidate(row) for row in data["rows"]]
    if None in candidates or sorted(candidates, key=str) != sorted(_ALL_CANDIDATES, key=str):
        raise Fail(
            "`imb_search` should try exactly the six candidates of the prompt: `sample` in "
            "('passthrough', RandomUnderSampler(random_state=0), SMOTE(random_state=0)) "
            "crossed with `model__class_weight` in (None, 'balanced'), and nothing else."
        )
    steps = [s.rsplit(".", 1)[-1] for s in data["steps"]]
    if not steps or data["steps"][0] != "imblearn.pipeline.Pipeline":
        raise Fail(
            "The estimator of `imb_search` should be an imbalanced-learn `Pipeline` "
            "(`imblearn.pipeline.Pipeline`), the one that resamples only while fitting."
        )
    if data["steps"][-1:] != [_logreg()]:
        raise Fail(
            "The last step of `imb_search`'s pipeline should be scikit-learn's "
            "`LogisticRegression`."
        )
    if "ColumnTransformer" not in steps:
        raise Fail("The pipeline of `imb_search` should start with the preprocessing `tx_prep`.")
    if data["n_splits"] != 3:
        raise Fail(f"`imb_search` used {data['n_splits']} folds; use `cv_t` (3 folds).")
    for row, (sampler, weight) in zip(data["rows"], candidates, strict=True):
        got = np.asarray(row["splits"], dtype=float)
        if got.shape != (3,) or not np.allclose(got, _tx_cv(sampler, weight), atol=_SCORE_ATOL):
            raise Fail(
                f"The fold scores of `imb_search` for sample={sampler}, class_weight={weight} "
                "differ from those of the pipeline the prompt describes, cross-validated on "
                "`Xt_train, yt_train` with `cv_t` and `scoring='average_precision'`."
            )
    sampler, weight = _imb_best()
    if data["best"] != {"sample": sampler, "model__class_weight": str(weight)}:
        raise Fail("`imb_search.best_params_` is not the candidate with the highest mean score.")
    expected = _imb_final_proba()
    if not _close(data["proba"], expected):
        raise Fail(
            "`imb_search.best_estimator_` does not predict the later transactions as the best "
            "candidate refitted on `Xt_train, yt_train` does: keep `refit=True` and fit the "
            "search on the earlier rows only."
        )
    test_ap = data.get("test_ap")
    if isinstance(test_ap, (np.floating, np.integer)):
        test_ap = float(test_ap)
    if not isinstance(test_ap, float) or not math.isfinite(test_ap):
        raise Fail(f"`tx_test_ap` should be a float (the average precision), not {test_ap!r}.")
    t = _transactions()
    right = float(average_precision_score(t["y_test"], expected))
    if abs(test_ap - right) <= 1e-3:
        return
    search_mean = float(_tx_cv(sampler, weight).mean())
    if abs(test_ap - search_mean) <= 1e-3:
        raise Fail(
            "`tx_test_ap` is the cross-validated score of the best candidate; the task asks for "
            "its average precision on the later transactions, `Xt_test, yt_test`."
        )
    labels = (expected >= 0.5).astype(int)
    if abs(test_ap - float(average_precision_score(t["y_test"], labels))) <= 1e-3:
        raise Fail(
            "`tx_test_ap` was computed from predicted labels (`predict`); average precision "
            "needs the scores, `predict_proba(Xt_test)[:, 1]`."
        )
    raise Fail(
        "`tx_test_ap` is not the average precision of `imb_search` on `Xt_test, yt_test`: "
        "`average_precision_score(yt_test, imb_search.predict_proba(Xt_test)[:, 1])`."
    )


# --------------------------------------------------------------------------------------
# Exercise 8: the Optuna study, replayed.
# --------------------------------------------------------------------------------------


def _objective_value(C: float) -> float:
    return float(_cv_scores(float(C)).mean())


def _replays(Cs: list[float], values: list[float]) -> bool:
    """Whether a seeded TPE study, told these values, proposes exactly these Cs in this order.

    The values themselves are spot-checked against the key's cross-validation elsewhere; here
    the study is replayed with them, so the sequence shows the seed and the search space.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    same = [True]

    def objective(trial):
        C = trial.suggest_float("C", C_LOW, C_HIGH, log=True)
        if not math.isclose(C, Cs[trial.number], rel_tol=1e-9):
            same[0] = False
        return values[trial.number]

    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=OPTUNA_SEED, n_startup_trials=N_STARTUP),
    )
    study.optimize(objective, n_trials=len(Cs))
    return same[0]


def _judge_study(data: Any) -> None:
    require_dict(data, "data", ("direction", "sampler", "trials", "best_C", "final"))
    require_str(data["direction"], at("data", "direction"))
    require_str(data["sampler"], at("data", "sampler"))
    require_optional(require_float)(data["best_C"], at("data", "best_C"))
    _require_answer(data["final"], at("data", "final"))

    def trial(value: Any, path: str) -> dict:
        require_dict(value, path, ("state", "C", "value", "params"))
        require_str(value["state"], at(path, "state"))
        require_optional(require_float)(value["C"], at(path, "C"))
        require_optional(require_float)(value["value"], at(path, "value"))
        require_list(value["params"], at(path, "params"), item=require_str)
        return value

    trials = require_list(data["trials"], at("data", "trials"), item=trial)
    if data["direction"] != "MAXIMIZE":
        raise Fail(
            "`study` minimises; the objective is a score where higher is better "
            "(`neg_log_loss`): create it with `direction='maximize'`."
        )
    if not data["sampler"].endswith("TPESampler"):
        raise Fail("`study` should use `optuna.samplers.TPESampler(seed=0)`.")
    done = [t for t in trials if t["state"] == "COMPLETE"]
    if len(done) != N_TRIALS or len(trials) != N_TRIALS:
        raise Fail(
            f"`study` has {len(done)} completed trials out of {len(trials)}; run exactly "
            f"{N_TRIALS} on a fresh study."
        )
    if any(t["params"] != ["C"] for t in done):
        raise Fail("Each trial should suggest one parameter, named 'C', and nothing else.")
    Cs = [t["C"] for t in done]
    if any(C is None or not (C_LOW <= C <= C_HIGH) for C in Cs):
        raise Fail("Every trial's C should lie between 1e-3 and 1e2.")
    if any(t["value"] is None or not math.isfinite(t["value"]) for t in done):
        raise Fail("Every trial should return a finite score (the mean of the fold scores).")
    for i, (C, t) in enumerate(zip(Cs, done, strict=True)):
        if abs(t["value"] - _objective_value(C)) > _SCORE_ATOL:
            raise Fail(
                f"The value of trial {i} is not the mean cross-validated `neg_log_loss` of the "
                "exercise-2 pipeline with that trial's C, on the training penguins with `cv`."
            )
    if not _replays(Cs, [float(t["value"]) for t in done]):
        raise Fail(
            "The Cs the trials tried are not those of a `TPESampler(seed=0, n_startup_trials=5)` study of the "
            "stated objective (`suggest_float('C', 1e-3, 1e2, log=True)`): seed the sampler, "
            "and optimise a fresh study once."
        )
    best = Cs[int(np.argmax([t["value"] for t in done]))]
    if data["best_C"] is None or not math.isclose(data["best_C"], best, rel_tol=1e-12):
        raise Fail("`study.best_params['C']` is not the C of the best trial.")
    _judge_fitted(
        data["final"],
        "optuna_pipe",
        best,
        "use the study's best C, `study.best_params['C']`",
    )


def _n_fits(n_candidates: int, n_folds: int, refit: bool) -> int:
    return n_candidates * n_folds + int(bool(refit))


KEY = {
    "11.1": {
        "reference": _add_features,
        "mistakes": [
            Mistake(
                _add_features_inverted,
                "Your ratios are upside down: bill length over bill depth, and body mass over "
                "flipper length.",
            )
        ],
    },
    "11.2": {"judge": _judge_pipeline},
    "11.3": {"judge": _judge_saved},
    "11.4": {"judge": _judge_grid},
    "11.5": {
        "expected": lambda: _nested(),
        "mistakes": [
            Mistake(
                lambda: _cv_scores(_grid_best()),
                "These are the fold scores of the best C of a grid search on the same folds: "
                "either the folds that chose C also scored it (wrap the search itself in "
                "`cross_val_score`), or your inner search does not use `inner_cv` (2 folds, "
                "shuffled, seed 0).",
            ),
            Mistake(
                lambda: _cv_scores(1.0),
                "These are the scores of the default C = 1.0, with no search inside. Wrap the "
                "grid search in `cross_val_score`.",
            ),
        ],
    },
    "11.6": {
        "expected": _leak_expected,
        "mistakes": [
            Mistake(
                lambda: {"leaky": _leak_expected()["honest"], "honest": _leak_expected()["leaky"]},
                "The two are swapped: resampling before splitting is the leaky one.",
            ),
            Mistake(
                lambda: {"leaky": _leaky(), "honest": float(_tx_cv("passthrough", None).mean())},
                "The honest score should still oversample, with SMOTE inside the pipeline "
                "(an imbalanced-learn `Pipeline`), so that only the fit's rows are resampled.",
            ),
        ],
    },
    "11.7": {"judge": _judge_imbalance},
    "11.8": {"judge": _judge_study},
    "11.kc1": {
        "answer": "c",
        "explanation": "Unpickling calls whatever callables the file names, with the "
        "arguments it holds: a file can run any code when loaded.",
        "feedback": {
            "a": "A joblib file is a pickle with the arrays stored efficiently: besides numbers "
            "it records which classes and functions rebuild each object, which is how a fitted "
            "pipeline comes back as a pipeline.",
            "b": "joblib compresses only when asked (`compress=` in `joblib.dump`), and a slow "
            "load is a nuisance, not a risk to your machine.",
            "d": "A different scikit-learn version usually loads with an "
            "`InconsistentVersionWarning` rather than failing, and a version mismatch is the "
            "mildest of the risks of a file from someone else.",
        },
    },
    "11.kc2": {
        "answer": "a",
        "explanation": "The same folds chose the best candidate and scored it; the maximum "
        "of noisy estimates is biased upwards.",
        "feedback": {
            "b": "`best_score_` is the best candidate's mean score on the validation folds (its "
            "`mean_test_score`), not a score on the training rows of each fold.",
            "c": "An average of unbiased estimates is unbiased: averaging the folds reduces "
            "noise, it does not push the estimate up.",
            "d": "`best_score_` comes from the cross-validation, before the refit; refitting on "
            "all the rows does not change it.",
        },
    },
    "11.kc3": {
        "reference": _n_fits,
        "mistakes": [
            Mistake(
                lambda n_candidates, n_folds, refit: n_candidates * n_folds,
                "You left out the refit: with `refit=True` the best candidate is fitted once "
                "more, on all the rows.",
            ),
            Mistake(
                lambda n_candidates, n_folds, refit: n_candidates * n_folds + 1,
                "With `refit=False` there is no final fit: add one only when `refit` is true.",
            ),
        ],
    },
    "11.kc4": {
        "answer": "d",
        "explanation": "Successive halving gives every candidate few resources (samples), "
        "keeps the best third (factor 3), and multiplies the resources of the survivors.",
        "feedback": {
            "a": "No candidate of the grid is skipped at random (sampling candidates at random is "
            "what a randomised search does): every candidate takes part in the first round.",
            "b": "The number of folds stays as `cv` sets it in every round: successive halving "
            "does not save time by cross-validating less carefully.",
            "c": "If every candidate were first fitted on all the rows, the first round alone "
            "would cost what the whole grid search costs, and nothing would be saved; the share "
            "kept each round also follows `factor`, not a fixed half.",
        },
    },
    "11.kc5": {
        "answer": "b",
        "explanation": "Inside the pipeline the sampler runs only in fit, on the training "
        "fold; validation rows are scored as they are.",
        "feedback": {
            "a": "SMOTE works on any numeric features (imblearn also has `SMOTENC` and `SMOTEN` "
            "for categories): where it goes is a question of which rows it sees, not of the input "
            "type.",
            "c": "Validation folds must keep the real class balance: the model meets that balance "
            "in use, and a balanced fold would give precision and other scores that do not hold "
            "there.",
            "d": "`cross_val_score` accepts any arrays and cannot tell synthetic rows from real "
            "ones: that is why resampling first goes unnoticed, not a reason it fails.",
        },
    },
    "11.kc6": {
        "answer": "b",
        "explanation": "Average precision depends only on the ranking of the scores. "
        "Class weights change the loss, so the fitted coefficients change, not just the "
        "intercept: the ranking, and AP, can get worse (here each fraud weighs about 200 "
        "times a normal row, and the fit gets noisier).",
        "feedback": {
            "a": "`LogisticRegression` honours `class_weight` with every solver, the default "
            "lbfgs included; no other setting is needed.",
            "c": "Average precision summarises the precision-recall curve over every threshold; "
            "it is not computed at 0.5.",
            "d": "'Always, by construction' is too strong: weighting the rare class changes which "
            "coefficients fit best, and on other data the same weighting can raise a ranking "
            "metric as well as lower it.",
        },
    },
}
