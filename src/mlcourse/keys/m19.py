"""Answer key of module 19 — Experiment tracking with MLflow.

Every logged number is recomputed here from the wine data and the logged parameters: the key
refits ``StandardScaler`` then ``LogisticRegression(C, max_iter=1000)`` on the notebooks'
training split and measures it on the test wines, cross-validates the search's candidates, and
compares the registered models' predicted probabilities with those refits. A number typed into
``log_metric``, a model fitted on the test set, a choice made on the test set, an alias on
another name, or a model whose logged C is not the C it was fitted with, do not agree with them.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from mlcourse.checks import (
    Fail,
    at,
    malformed,
    require_bool,
    require_dict,
    require_float,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m19 import C_GRID, CV_FOLDS, MODEL_BASE, SIZES, TARGET, _data, features
from mlcourse.tracking import learner_slug

_ATOL = 1e-6  # logged numbers against the key's (deterministic) recomputation
_PROBA_ATOL = 1e-6  # registered models' probabilities against the key's refit
_LABELS = [0, 1, 2]
_FIGURE = "confusion_matrix.png"
_TABLE = "confusion_matrix.json"
_BASELINE_C = 1.0  # the C of exercise 1 (stated in the prompt)
_ARTIFACT_C = 0.03  # the C of exercise 3 (stated in the prompt)
_PNG_MAGIC = "89504e470d0a1a0a"  # the first 8 bytes of every PNG file
_MIN_PNG_BYTES = 5_000  # an empty 640x480 figure is about 2 kB; the matrix drawn is far more
_UNTRUSTED = " Log the number your code computed, unrounded."


# --------------------------------------------------------------------------------------
# The reference: the model, its refits and their scores.
# --------------------------------------------------------------------------------------


def make_model(C: float) -> Any:
    """The notebooks' model: standardise, then a logistic regression with this C."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [("scale", StandardScaler()), ("model", LogisticRegression(C=C, max_iter=1000))]
    )


@cache
def _fit(C: float, rows: int | None = None) -> Any:
    d = _data()
    n = len(d["X_train"]) if rows is None else rows
    with _one_thread():
        return make_model(C).fit(d["X_train"].iloc[:n], d["y_train"].iloc[:n])


@cache
def _proba(C: float, rows: int | None = None) -> tuple[tuple[float, ...], ...]:
    with _one_thread():
        proba = _fit(C, rows).predict_proba(_data()["X_test"])
    return tuple(tuple(float(p) for p in row) for row in proba)


@cache
def _test_scores(C: float, rows: int | None = None) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, log_loss

    d = _data()
    model = _fit(C, rows)
    with _one_thread():
        predicted = model.predict(d["X_test"])
        proba = model.predict_proba(d["X_test"])
    return {
        "test_accuracy": float(accuracy_score(d["y_test"], predicted)),
        "test_log_loss": float(log_loss(d["y_test"], proba, labels=_LABELS)),
    }


@cache
def _confusion(C: float) -> list[list[int]]:
    from sklearn.metrics import confusion_matrix

    d = _data()
    predicted = _fit(C).predict(d["X_test"])
    return [
        [int(v) for v in row] for row in confusion_matrix(d["y_test"], predicted, labels=_LABELS)
    ]


@cache
def _cv_log_loss(C: float) -> float:
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    d = _data()
    cv = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0)
    with _one_thread():
        scores = cross_val_score(
            make_model(C), d["X_train"], d["y_train"], cv=cv, scoring="neg_log_loss"
        )
    return float(-scores.mean())


@cache
def _cv_fold_losses(C: float) -> tuple[float, ...]:
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    d = _data()
    cv = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=0)
    with _one_thread():
        scores = cross_val_score(
            make_model(C), d["X_train"], d["y_train"], cv=cv, scoring="neg_log_loss"
        )
    return tuple(float(-v) for v in scores)


def _paired_cv_difference(C_new: float, C_old: float) -> float:
    """Mean over the same folds of (log loss of C_new) - (log loss of C_old)."""
    new, old = _cv_fold_losses(C_new), _cv_fold_losses(C_old)
    return sum(a - b for a, b in zip(new, old, strict=True)) / len(new)


def _cv_best() -> float:
    return min(C_GRID, key=_cv_log_loss)


def _test_best() -> float:
    return min(C_GRID, key=lambda C: _test_scores(C)["test_log_loss"])


@cache
def _train_digest() -> str:
    import mlflow.data

    return mlflow.data.from_pandas(_data()["train_frame"], targets=TARGET, name="wine-train").digest


def _close(got: float, want: float, atol: float = _ATOL) -> bool:
    return abs(got - want) <= atol * max(1.0, abs(want))  # False for NaN


def _param_c(value: Any, where: str) -> float:
    try:
        C = float(value)
    except (TypeError, ValueError):
        C = math.nan
    if not (math.isfinite(C) and C > 0):
        raise Fail(f"{where}, the parameter `C` is {value!r}; it should be a positive number.")
    return C


def _label(run: dict[str, Any]) -> str:
    return f"run '{run['name']}'" if run["name"] else "your latest run"


def _newest(runs: list[dict[str, Any]], keep: Any, what: str) -> dict[str, Any]:
    for run in runs:  # the most recent first
        if keep(run):
            return run
    raise Fail(what)


def _metric_matches(run: dict[str, Any], name: str, want: float, how: str) -> None:
    got = run["metrics"].get(name)
    if got is None:
        raise Fail(f"In {_label(run)}, the metric `{name}` was not logged.")
    if not _close(got, want):
        raise Fail(
            f"In {_label(run)}, `{name}` is {got:.4g}, which is not what {how} gives when the key "
            f"recomputes it.{_UNTRUSTED}"
        )


def _training_digest(run: dict[str, Any]) -> str | None:
    for entry in run.get("inputs", []):
        if entry["context"] == "training":
            return entry["digest"]
    return None


def _require_training_input(run: dict[str, Any]) -> None:
    digest = _training_digest(run)
    if digest is None:
        raise Fail(
            f"{_label(run)} has no dataset input with the context 'training'. Log it with "
            "`mlflow.log_input(mlflow.data.from_pandas(train_frame, targets='cultivar', "
            "name='wine-train'), context='training')`."
        )
    if digest != _train_digest():
        raise Fail(
            f"The training dataset logged in {_label(run)} has another digest than the course's "
            "`train_frame`: log `train_frame` itself (the training split with its target)."
        )


# --------------------------------------------------------------------------------------
# Exercises 1-4 and 9: the logged runs.
# --------------------------------------------------------------------------------------


def _judge_baseline(runs: list[dict[str, Any]]) -> None:
    """The newest 19.1 run: a model, the training data, and metrics the key recomputes."""
    run = _newest(
        runs,
        lambda r: "C" in r["params"],
        "No run of exercise 1 logged the parameter `C`.",
    )
    where = f"In {_label(run)}"
    C = _param_c(run["params"]["C"], where)
    if not _close(C, _BASELINE_C):
        raise Fail(
            f"{_label(run)} logged C = {C:g}; the baseline of the task is `make_model(1.0)`, "
            "with C = 1.0."
        )
    if run.get("models", 0) < 1:
        raise Fail(
            f"{_label(run)} logged metrics but no model: a number in a run proves nothing "
            "without the model that produced it. Log the fitted model with "
            "`mlflow.sklearn.log_model(model, name='model', ...)` in the same run."
        )
    _require_training_input(run)
    scores = _test_scores(C)
    how = f"the model with C = {C:g} fitted on `X_train, y_train` and measured on `X_test, y_test`"
    for name in ("test_accuracy", "test_log_loss"):
        _metric_matches(run, name, scores[name], how)


def _judge_curve(runs: list[dict[str, Any]]) -> None:
    """The newest 19.2 run with a history: one value per training size, each recomputed."""
    run = _newest(
        runs,
        lambda r: "test_log_loss" in r.get("history", {}),
        "No run of exercise 2 logged `test_log_loss`.",
    )
    history = run["history"]["test_log_loss"]
    steps = [step for step, _ in history]
    if steps != list(SIZES):
        raise Fail(
            f"In {_label(run)}, `test_log_loss` was logged at the steps {steps}; log one value "
            "per size in `SIZES`, with the number of training rows as the step (`step=n`)."
        )
    for n, value in history:
        want = _test_scores(1.0, n)["test_log_loss"]
        if not _close(value, want):
            raise Fail(
                f"In {_label(run)}, the value at step {n} ({value:.4g}) is not the test log loss "
                f"of `make_model(1.0)` fitted on the first {n} training rows.{_UNTRUSTED}"
            )


def _judge_artifacts(runs: list[dict[str, Any]]) -> None:
    """The newest 19.3 run: the figure, the table recomputed, and the metric recomputed."""
    run = _newest(
        runs,
        lambda r: "C" in r["params"],
        "No run of exercise 3 logged the parameter `C`.",
    )
    C = _param_c(run["params"]["C"], f"In {_label(run)}")
    if not _close(C, _ARTIFACT_C):
        raise Fail(
            f"{_label(run)} logged C = {C:g}; the task asks for the model with C = "
            f"{_ARTIFACT_C:g}, whose confusion matrix is not all on the diagonal."
        )
    if _FIGURE not in run.get("artifacts", []):
        raise Fail(
            f"{_label(run)} has no artifact `{_FIGURE}`: log the figure with "
            f"`mlflow.log_figure(fig, '{_FIGURE}')`."
        )
    picture = run.get("files", {}).get(_FIGURE)
    if picture is None or picture["head"] != _PNG_MAGIC or picture["size"] < _MIN_PNG_BYTES:
        raise Fail(
            f"The artifact `{_FIGURE}` of {_label(run)} is not a PNG image of a drawn figure "
            "(not a PNG file, or too small to hold the confusion matrix): log the figure itself "
            f"with `mlflow.log_figure(fig, '{_FIGURE}')` after plotting the matrix on it."
        )
    table = run.get("json", {}).get(_TABLE)
    if table is None:
        raise Fail(
            f"{_label(run)} has no readable artifact `{_TABLE}`: log the dict with "
            f"`mlflow.log_dict(d, '{_TABLE}')`."
        )
    if type(table) is not dict or table.get("labels") != _LABELS or "matrix" not in table:
        raise Fail(
            f"`{_TABLE}` should be a dict with the keys 'labels' ([0, 1, 2]) and 'matrix' (a "
            "list of rows of counts)."
        )
    if table["matrix"] != _confusion(C):
        raise Fail(
            f"The matrix in `{_TABLE}` is not the confusion matrix of the model with C = {C:g} "
            "fitted on the training set, on the test wines, with the true cultivar in rows "
            "(`confusion_matrix(y_test, model.predict(X_test)).tolist()`)."
        )
    _metric_matches(
        run,
        "test_log_loss",
        _test_scores(C)["test_log_loss"],
        f"C = {C:g} fitted on `X_train, y_train` and measured on `X_test, y_test`",
    )


def _judge_search(runs: list[dict[str, Any]]) -> None:
    """The newest 19.4 parent: one child per candidate, each recomputed, the CV-best chosen."""
    parent = _newest(
        runs,
        lambda r: (
            "best_C" in r["params"]
            and r["tags"].get("mlcourse.exercise") == "19.4"
            and r.get("parent") is None
        ),
        "No parent run of exercise 4 (tagged with the exercise, with the parameter `best_C`) "
        "was found: open it with `mlcourse.tracking.run('19.4', run_name='search')`.",
    )
    children = [r for r in runs if r.get("parent") is not None and r["parent"] == parent["id"]]
    if not children:
        raise Fail(
            f"The search {_label(parent)} has no child runs: open one run per candidate inside "
            "it, with `mlflow.start_run(run_name=..., nested=True)`."
        )
    by_c: dict[float, dict[str, Any]] = {}
    for child in children:
        C = _param_c(child["params"].get("C"), f"In the child {_label(child)}")
        match = next((c for c in C_GRID if _close(C, c)), None)
        if match is None or match in by_c:
            raise Fail(
                f"The search has a child run with C = {C:g} that is not one of `C_GRID`, or "
                "two children for the same C: log exactly one child per candidate."
            )
        by_c[match] = child
    if len(by_c) != len(C_GRID):
        raise Fail(
            f"The search has {len(by_c)} child runs; it should have one per candidate in `C_GRID`."
        )
    for C, child in by_c.items():
        _metric_matches(
            child,
            "cv_log_loss",
            _cv_log_loss(C),
            f"the mean over `cv`'s {CV_FOLDS} folds of `X_train, y_train` of "
            f"`cross_val_score(make_model({C:g}), ..., scoring='neg_log_loss')`, negated",
        )
    best = _param_c(parent["params"]["best_C"], f"In {_label(parent)} (`best_C`)")
    if not _close(best, _cv_best()):
        why = (
            " That is the C with the lowest test log loss: the test set chose it, so its test "
            "score is no longer an honest estimate."
            if _close(best, _test_best())
            else ""
        )
        raise Fail(
            f"`best_C` is {best:g}, which is not the candidate with the lowest `cv_log_loss` "
            f"among the children.{why} Choose by cross-validation only."
        )
    _metric_matches(
        parent,
        "test_log_loss",
        _test_scores(_cv_best())["test_log_loss"],
        "the chosen C refitted on `X_train, y_train` and measured on `X_test, y_test`",
    )


def _judge_reproduction(runs: list[dict[str, Any]]) -> None:
    """The newest 19.9 run names the baseline it reproduces and gets its numbers again."""
    run = _newest(
        runs,
        lambda r: r["tags"].get("mlcourse.exercise") == "19.9",
        "No run of exercise 9 was found: open it with "
        "`mlcourse.tracking.run('19.9', run_name='reproduction')`.",
    )
    original_id = run["tags"].get("reproduces")
    if original_id is None:
        raise Fail(
            f"{_label(run)} has no tag `reproduces`: set it to the id of the run it reproduces "
            "(`mlflow.set_tag('reproduces', baseline_run_id)`)."
        )
    original = next((r for r in runs if r.get("id") == original_id and r is not run), None)
    if original is None or original["tags"].get("mlcourse.exercise") != "19.1":
        raise Fail(
            f"The tag `reproduces` of {_label(run)} does not name one of your runs of exercise "
            "1 in this module's experiment: give it `baseline_run_id`."
        )
    if "C" not in original["params"] or "C" not in run["params"]:
        raise Fail("Both the baseline and its reproduction should have the parameter `C`.")
    C = _param_c(run["params"]["C"], f"In {_label(run)}")
    if not _close(C, _param_c(original["params"]["C"], "In the baseline run")):
        raise Fail(
            f"{_label(run)} logged C = {run['params']['C']}, but the baseline logged "
            f"C = {original['params']['C']}: a reproduction uses the logged parameters."
        )
    _require_training_input(run)
    if _training_digest(original) != _training_digest(run):
        raise Fail("The reproduction was trained on other data than the baseline (another digest).")
    want = _test_scores(C)["test_log_loss"]
    _metric_matches(
        run,
        "test_log_loss",
        want,
        f"the model with C = {C:g} fitted on `X_train, y_train` and measured on `X_test, y_test`",
    )
    logged = original["metrics"].get("test_log_loss")
    if logged is None or not _close(logged, want):
        raise Fail("The baseline's own `test_log_loss` does not hold: fix exercise 1 first.")


# --------------------------------------------------------------------------------------
# Exercises 5-8: the store and the registry, read by the extracts.
# --------------------------------------------------------------------------------------


def _require_floats(value: Any, path: str, length: int | None = None) -> list:
    return require_list(
        value, path, length=length, item=lambda v, p: require_float(v, p, finite=True)
    )


def _require_proba(value: Any, path: str) -> list:
    n = len(_data()["X_test"])
    return require_list(
        value,
        path,
        length=n,
        per="test wine",
        item=lambda row, p: _require_floats(row, p, len(_LABELS)),
    )


def _same_proba(got: list[list[float]], C: float) -> bool:
    want = _proba(C)
    return all(
        abs(g - w) <= _PROBA_ATOL
        for row, want_row in zip(got, want, strict=True)
        for g, w in zip(row, want_row, strict=True)
    )


def _require_store(value: Any, path: str) -> None:
    require_dict(value, path, ("ids", "C", "cv"))
    require_list(value["ids"], at(path, "ids"), item=require_str)
    require_list(value["C"], at(path, "C"), length=len(value["ids"]), item=require_str)
    _require_floats(value["cv"], at(path, "cv"), len(value["ids"]))


def _judge_ranked(data: Any) -> None:
    require_dict(data, "data", ("ids", "cv", "store"))
    require_list(data["ids"], at("data", "ids"), item=require_str)
    _require_floats(data["cv"], at("data", "cv"), len(data["ids"]))
    _require_store(data["store"], at("data", "store"))
    store = data["store"]
    if len(store["ids"]) != len(C_GRID) or len(set(store["ids"])) != len(store["ids"]):
        raise Fail(
            "Your newest search of exercise 4 does not have one child run per candidate in the "
            "store: finish exercise 4 first, then query its children."
        )
    for C_text, cv in zip(store["C"], store["cv"], strict=True):
        C = _param_c(C_text, "In a child of your search")
        if not any(_close(C, c) for c in C_GRID) or not _close(cv, _cv_log_loss(C)):
            raise Fail("Your search's child runs do not hold the right numbers: fix exercise 4.")
    if store["cv"] != sorted(store["cv"]):
        raise malformed(at("data", "store"), "is not in the order of its metric")
    if set(data["ids"]) != set(store["ids"]) or len(data["ids"]) != len(store["ids"]):
        raise Fail(
            f"`ranked` holds {len(data['ids'])} run(s), which are not exactly the child runs of "
            "your newest search: filter on `tags.mlflow.parentRunId` with the search's run id."
        )
    if data["ids"] != store["ids"]:
        raise Fail(
            "`ranked` holds the right runs in the wrong order: sort them by "
            "`metrics.cv_log_loss`, lowest (best) first, with `order_by`."
        )
    if not all(_close(g, w) for g, w in zip(data["cv"], store["cv"], strict=True)):
        raise Fail("The `metrics.cv_log_loss` column of `ranked` does not match the store.")


def _judge_signed(data: Any) -> None:  # noqa: C901 - one rule per branch
    keys = ("columns", "has_output", "input_example", "missing_column", "text_column", "proba")
    require_dict(data, "data", (*keys, "run"))
    require_dict(data["run"], at("data", "run"), ("exercise", "C"))
    require_optional(require_str)(data["run"]["exercise"], at(at("data", "run"), "exercise"))
    require_optional(require_str)(data["run"]["C"], at(at("data", "run"), "C"))
    require_optional(
        lambda v, p: require_list(
            v, p, item=lambda c, q: require_list(c, q, length=2, item=require_str)
        )
    )(data["columns"], at("data", "columns"))
    require_bool(data["has_output"], at("data", "has_output"))
    require_bool(data["input_example"], at("data", "input_example"))
    require_str(data["missing_column"], at("data", "missing_column"))
    require_str(data["text_column"], at("data", "text_column"))
    require_optional(_require_proba)(data["proba"], at("data", "proba"))
    if data["columns"] is None:
        if data["missing_column"] or data["text_column"]:
            raise malformed(at("data", "missing_column"), "is given for a model without signature")
        raise Fail(
            "The model at `signed_uri` was logged without a signature: pass "
            "`signature=infer_signature(X_train, model.predict(X_train))` to `log_model`."
        )
    names = [name for name, _ in data["columns"]]
    if names != features():
        raise Fail(
            f"The signature's inputs are {names[:4]}{'...' if len(names) > 4 else ''}; they "
            "should be the 13 columns of `X_train`, in order. Infer it from `X_train`."
        )
    types = {kind for _, kind in data["columns"]}
    if types != {"double"}:
        raise Fail(
            f"The signature gives the inputs the types {sorted(types)}; the wine measurements "
            "are all doubles. Infer it from `X_train` itself, not from a converted copy."
        )
    if not data["has_output"]:
        raise Fail(
            "The signature has no output: infer it from the inputs and the predictions, "
            "`infer_signature(X_train, model.predict(X_train))`."
        )
    if not data["input_example"]:
        raise Fail(
            "The model was logged without an input example: pass `input_example=X_train.head(3)`."
        )
    for key, what in (("missing_column", "a column missing"), ("text_column", "a column of text")):
        if data[key] != "MlflowException":
            raise malformed(at("data", key), f"does not hold the error for {what}")
    if data["proba"] is None or not _same_proba(data["proba"], _BASELINE_C):
        raise Fail(
            "The model at `signed_uri` does not give the probabilities of `make_model(1.0)` fitted "
            "on `X_train, y_train`: log that model."
        )
    run = data["run"]
    if (
        run["exercise"] != "19.1"
        or run["C"] is None
        or not _close(_param_c(run["C"], "In the run of `signed_uri`"), _BASELINE_C)
    ):
        raise Fail(
            "The model at `signed_uri` was not logged by your baseline run of exercise 1 (a run "
            "opened with `mlcourse.tracking.run('19.1', ...)` that logged C = 1.0): use the "
            "`model_uri` of the `info` that exercise 1's `log_model` returned."
        )


def _require_model(value: Any, path: str) -> None:
    if type(value) is dict and value.get("found") is False:
        require_dict(value, path, ("found",))
        return
    require_dict(value, path, ("found", "version", "C", "signature", "proba"))
    if value["found"] is not True:
        raise malformed(at(path, "found"), "should be True or False")
    require_str(value["version"], at(path, "version"))
    if not value["version"].isdigit():
        raise malformed(at(path, "version"), "is not a version number")
    require_optional(require_str)(value["C"], at(path, "C"))
    require_bool(value["signature"], at(path, "signature"))
    require_optional(_require_proba)(value["proba"], at(path, "proba"))


def _require_versions(value: Any, path: str) -> list[dict[str, Any]]:
    def one(row: Any, p: str) -> None:
        require_dict(row, p, ("version", "C"))
        require_str(row["version"], at(p, "version"))
        if not row["version"].isdigit():
            raise malformed(at(p, "version"), "is not a version number")
        require_optional(require_str)(row["C"], at(p, "C"))

    rows = require_list(value, path, item=one)
    numbers = [int(row["version"]) for row in rows]
    if numbers != sorted(set(numbers)):
        raise malformed(path, "is not the model's versions, each once, in order")
    return rows


def _require_listed(versions: list[dict[str, Any]], model: dict[str, Any], path: str) -> None:
    """The version an alias names is among the versions, with the same run's C."""
    if model.get("found") and not any(
        row["version"] == model["version"] and row["C"] == model["C"] for row in versions
    ):
        raise malformed(path, "does not list the version the alias points to")


def _version_c(row: dict[str, Any]) -> float | None:
    try:
        C = float(row["C"])
    except (TypeError, ValueError):
        return None
    return C if math.isfinite(C) else None


def _baseline_versions(versions: list[dict[str, Any]]) -> list[int]:
    """The numbers of the versions whose run logged the baseline's C."""
    return [
        int(row["version"])
        for row in versions
        if (C := _version_c(row)) is not None and _close(C, _BASELINE_C)
    ]


def _check_name(data: dict[str, Any], var: str, alias: str) -> None:
    if data["alias"] != alias:
        raise Fail(f"`{var}` uses the alias {data['alias']!r}; the task asks for {alias!r}.")
    want = f"{MODEL_BASE}-{learner_slug(data['learner'])}"
    if data["name"] != want:
        raise Fail(
            f"`{var}` names the registered model {data['name']!r}, which is not your own model's "
            "name: on a class server everyone's aliases would collide there. Register under "
            "`MODEL_NAME = mlcourse.tracking.model_name(MODEL_BASE)`."
        )


def _check_model(model: dict[str, Any], what: str) -> float:
    """The C of a registered version whose model is that C's refit; its test log loss."""
    if not model["found"]:
        raise Fail(
            f"Your registered model has no version with the alias {what}: set it with "
            "`MlflowClient().set_registered_model_alias(MODEL_NAME, alias, version)`."
        )
    if not model["signature"]:
        raise Fail(
            f"The {what} version was logged without a signature: register a model logged "
            "with `signature=` (and an input example)."
        )
    if model["C"] is None:
        raise Fail(
            f"The run that logged the {what} version has no parameter `C`: register a model "
            "from a run that logged its parameters."
        )
    C = _param_c(model["C"], f"In the run of the {what} version")
    if model["proba"] is None or not _same_proba(model["proba"], C):
        raise Fail(
            f"The {what} version does not predict like `make_model(C)` fitted on the training "
            f"set with the C its run logged ({C:g}): its parameters do not describe the model, "
            "or it was fitted on other rows. Register the model that its run logged."
        )
    return C


def _judge_champion(data: Any) -> None:
    require_dict(data, "data", ("name", "alias", "learner", "model", "versions"))
    require_str(data["name"], at("data", "name"))
    require_str(data["alias"], at("data", "alias"))
    require_optional(require_str)(data["learner"], at("data", "learner"))
    _require_model(data["model"], at("data", "model"))
    versions = _require_versions(data["versions"], at("data", "versions"))
    _require_listed(versions, data["model"], at("data", "versions"))
    _check_name(data, "champion_uri", "champion")
    C = _check_model(data["model"], "champion")
    if not _baseline_versions(data["versions"]):
        raise Fail(
            "Your registered model has no version logged by the baseline (C = 1.0): register "
            "exercise 1's model, `mlflow.register_model(signed_uri, MODEL_NAME)`."
        )
    _require_honest_champion(C)


def _require_honest_champion(C: float) -> None:
    if not (_close(C, _BASELINE_C) or _close(C, _cv_best())):
        raise Fail(
            f"The champion has C = {C:g}, which is neither the baseline's C (1.0) nor the C "
            "that cross-validation chose (exercise 4). A champion is chosen without the test set."
        )


def _judge_challenger(data: Any) -> None:
    keys = ("name", "alias", "learner", "challenger", "champion", "versions", "differences")
    require_dict(data, "data", keys)
    versions = _require_versions(data["versions"], at("data", "versions"))
    _require_floats(data["differences"], at("data", "differences"), CV_FOLDS)
    require_str(data["name"], at("data", "name"))
    require_str(data["alias"], at("data", "alias"))
    require_optional(require_str)(data["learner"], at("data", "learner"))
    _require_model(data["challenger"], at("data", "challenger"))
    _require_model(data["champion"], at("data", "champion"))
    for alias in ("challenger", "champion"):
        _require_listed(versions, data[alias], at("data", "versions"))
    _check_name(data, "challenger_uri", "challenger")
    C_challenger = _check_model(data["challenger"], "challenger")
    if not _close(C_challenger, _cv_best()):
        raise Fail(
            f"The challenger has C = {C_challenger:g}, which is not the C your search chose by "
            "cross-validation (exercise 4): register the model of `best_C`."
        )
    C_champion = _check_model(data["champion"], "champion")
    _require_honest_champion(C_champion)
    challenger_number = int(data["challenger"]["version"])
    if not any(n < challenger_number for n in _baseline_versions(versions)):
        raise Fail(
            "Your registered model has no baseline version (C = 1.0, exercise 7) registered "
            "before the challenger: the challenger is compared with the champion of exercise "
            "7, so register that one first."
        )
    want = [
        a - b
        for a, b in zip(_cv_fold_losses(C_challenger), _cv_fold_losses(_BASELINE_C), strict=True)
    ]
    if not all(_close(g, w) for g, w in zip(data["differences"], want, strict=True)):
        raise Fail(
            "`differences` is not the challenger's fold losses minus the baseline champion's, "
            "on the same folds `cv` of `X_train, y_train`: compute both with "
            "`-cross_val_score(clone(loaded), X_train, y_train, cv=cv, scoring='neg_log_loss')`."
        )
    # Once promoted, champion and challenger are one version and the former champion is no
    # longer visible here: only a champion left in place can be judged against the challenger.
    same = data["champion"]["version"] == data["challenger"]["version"]
    if not same and _paired_cv_difference(C_challenger, C_champion) < 0:
        raise Fail(
            "The challenger has the lower cross-validated log loss on the same folds of the "
            "training set (the mean of the paired differences is negative), yet `champion` "
            "still points to another version: move the alias to the challenger's version."
        )


KEY = {
    "19.1": {"judge": _judge_baseline},
    "19.2": {"judge": _judge_curve},
    "19.3": {"judge": _judge_artifacts},
    "19.4": {"judge": _judge_search},
    "19.5": {"judge": _judge_ranked},
    "19.6": {"judge": _judge_signed},
    "19.7": {"judge": _judge_champion},
    "19.8": {"judge": _judge_challenger},
    "19.9": {"judge": _judge_reproduction},
    "19.kc1": {
        "answer": "b",
        "explanation": "C is chosen before training: a parameter. The others are measured "
        "(metrics) or produced (artifacts).",
        "feedback": {
            "a": "The test log loss is measured after training: that makes it a metric.",
            "c": "Training time is measured, and changes from run to run: a metric.",
            "d": "A confusion matrix is a table produced by the run: an artifact (log_dict, "
            "log_figure), not one number chosen in advance.",
        },
    },
    "19.kc2": {
        "answer": "d",
        "explanation": "Choose on cross-validation, then measure the chosen model once on the "
        "test set: its test score stays an unbiased estimate.",
        "feedback": {
            "a": "Choosing on the test set makes the chosen model's test score optimistic: the "
            "test set has been used to pick it.",
            "c": "Any use of the test score in the choice lets the test set pick the model.",
            "b": "The training log loss rewards the least regularised model, which may overfit.",
        },
    },
    "19.kc3": {
        "answer": "a",
        "explanation": "autolog's training_* metrics are measured on the rows the model was "
        "fitted on: optimistic, and no substitute for held-out evaluation.",
        "feedback": {
            "b": "Ask which rows autolog scored the model on, and whether new wines were among them.",
            "c": "autolog calls fit once and scores that model; it runs no cross-validation.",
            "d": "autolog sees only what `fit` sees: it never had the test set.",
        },
    },
    "19.kc4": {
        "answer": "c",
        "explanation": "The pyfunc wrapper enforces the signature before the model runs: a "
        "missing column raises an MlflowException.",
        "feedback": {
            "a": "MLflow never invents values for a missing required column.",
            "b": "Loaded with mlflow.pyfunc, the model is wrapped: ask what the wrapper does with "
            "the DataFrame before scikit-learn is called.",
            "d": "Loaded with mlflow.pyfunc, the signature is enforced, not only shown.",
        },
    },
    "19.kc5": {
        "answer": "a",
        "explanation": "An alias is resolved when the model is loaded: a running service keeps "
        "the version it loaded until it loads the model again.",
        "feedback": {
            "b": "A loaded model is an object in the service's memory: ask when the registry is "
            "consulted, and whether predicting consults it.",
            "c": "Moving an alias breaks nothing that is running: the old version still exists.",
            "d": "Aliases move: that is what they are for.",
        },
    },
    "19.kc6": {
        "answer": "c",
        "explanation": "The same code, data and parameters can still give other numbers with "
        "another version of scikit-learn or of the numerical libraries under it (NumPy, SciPy, "
        "the BLAS). MLflow's default requirements pin only MLflow and scikit-learn: add NumPy "
        "and SciPy to `pip_requirements`, as the lesson does.",
        "feedback": {
            "a": "Had the data changed, the digest would very likely differ: it is the same here.",
            "b": "MLflow stores metrics as 64-bit floats, unrounded.",
            "d": "The learner's name is a tag: it changes nothing in training.",
        },
    },
}
