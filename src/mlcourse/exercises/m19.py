"""Module 19 — Experiment tracking with MLflow: the declaration of the exercises (the key is in mlcourse.keys.m19).

The data are those of the notebooks: the wine data split 75/25 (stratified, ``random_state=0``),
and one model family, ``StandardScaler`` then ``LogisticRegression(C=C, max_iter=1000)``.
Exercises 1-4 and 9 are checked through the learner's logged runs (``LoggedRun``): the key
refits the model with the logged parameters and recomputes every logged number. Exercises 5-8
read the tracking store and the model registry in the learner's process (``Custom``): the
extracts below only collect plain data (run ids, signatures, predicted probabilities on the
test wines), and the key judges them. Nothing here imports MLflow or scikit-learn until a check
needs it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from mlcourse.checks import Choice, Custom, Fail, LoggedRun, describe
from mlcourse.exercises import Module

TARGET = "cultivar"
SPLIT_SEED = 0  # random_state of the train/test split (stated in the prompts)
TEST_SIZE = 0.25
C_GRID = (0.03, 0.3, 3.0, 30.0)  # the candidates of the search (exercise 4)
SIZES = (30, 60, 90, 133)  # training rows per step of the learning curve (exercise 2)
MODEL_BASE = "wine-classifier"  # registered model names are model_name(MODEL_BASE)
CV_FOLDS = 5
_MAX_ROWS = 100  # predictions collected per model (the test set has 45 wines)


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    """The notebooks' split: ``X_train, X_test, y_train, y_test`` and ``train_frame``."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=SPLIT_SEED
    )
    return {
        "X_train": X_train,
        "X_test": X_test,
        "y_train": y_train,
        "y_test": y_test,
        "train_frame": X_train.assign(**{TARGET: y_train}),
    }


def features() -> list[str]:
    """The 13 feature columns, in order."""
    return list(_data()["X_train"].columns)


# --------------------------------------------------------------------------------------
# Extracts: they run in the learner's process and read the store and the registry.
# --------------------------------------------------------------------------------------


def _run_param_c(client: Any, run_id: str | None) -> str | None:
    """The parameter ``C`` of the run that logged a model version, as logged (or None)."""
    if not run_id:
        return None
    try:
        return client.get_run(run_id).data.params.get("C")
    except Exception:  # the run is not in this store
        return None


def _probabilities(uri: str) -> list[list[float]] | None:
    """Predicted probabilities of the test wines by the scikit-learn model at ``uri``."""
    import mlflow

    try:
        model = mlflow.sklearn.load_model(uri)
        proba = model.predict_proba(_data()["X_test"])
    except Exception:  # not a scikit-learn model, or not one of the wine features
        return None
    return [[float(p) for p in row] for row in proba[:_MAX_ROWS]]


def _signature_columns(info: Any) -> list[list[str]] | None:
    signature = info.signature
    if signature is None or signature.inputs is None:
        return None
    columns = []
    for spec in signature.inputs.to_dict():
        columns.append([str(spec.get("name")), str(spec.get("type"))])
    return columns


def _error_name(call: Any) -> str:
    """The exception class a call raises, or '' when it returns."""
    try:
        call()
    except Exception as error:  # the kind of error is the data collected
        return type(error).__name__
    return ""


def _run_facts(run_id: str | None) -> dict[str, Any]:
    """The exercise tag and the parameter ``C`` of the run that logged a model (or None)."""
    from mlflow import MlflowClient

    if not run_id:
        return {"exercise": None, "C": None}
    try:
        run = MlflowClient().get_run(run_id)
    except Exception:  # the run is not in this store
        return {"exercise": None, "C": None}
    return {"exercise": run.data.tags.get("mlcourse.exercise"), "C": run.data.params.get("C")}


def _versions(client: Any, name: str) -> list[dict[str, Any]]:
    """Every version of the registered model ``name``: its number and its run's C."""
    try:
        found = client.search_model_versions(f"name='{name}'")
    except Exception:  # no such model
        return []
    rows = [
        {"version": str(v.version), "C": _run_param_c(client, _version_run_id(name, v))}
        for v in found[:_MAX_ROWS]
    ]
    return sorted(rows, key=lambda row: int(row["version"]))


def _version_run_id(name: str, version: Any) -> str | None:
    """The run that logged a version's model (a version made from a model URI may not say)."""
    if version.run_id:
        return version.run_id
    import mlflow

    try:
        return mlflow.models.get_model_info(f"models:/{name}/{version.version}").run_id
    except Exception:  # the model's files are gone
        return None


def _extract_signed(values: dict[str, Any]) -> dict[str, Any]:
    import mlflow

    uri = values["signed_uri"]
    if type(uri) is not str or not uri.strip():
        raise Fail(
            f"`signed_uri` should be a str, the model's URI such as `info.model_uri`, but it is "
            f"{describe(uri)}."
        )
    uri = uri.strip()
    try:
        info = mlflow.models.get_model_info(uri)
    except Exception as error:
        raise Fail(
            f"MLflow cannot find a model at `signed_uri` = {uri!r} ({type(error).__name__}). "
            "Use the `model_uri` of the ModelInfo that `mlflow.sklearn.log_model` returned."
        ) from None
    data: dict[str, Any] = {
        "columns": _signature_columns(info),
        "has_output": info.signature is not None and info.signature.outputs is not None,
        "input_example": info.saved_input_example_info is not None,
        "missing_column": "",
        "text_column": "",
        "proba": _probabilities(uri),
        "run": _run_facts(info.run_id),
    }
    if data["columns"] is not None:
        model = mlflow.pyfunc.load_model(uri)
        X_test = _data()["X_test"]
        first = X_test.columns[0]
        data["missing_column"] = _error_name(lambda: model.predict(X_test.drop(columns=[first])))
        data["text_column"] = _error_name(lambda: model.predict(X_test.astype({first: "str"})))
    return data


def _alias_data(client: Any, name: str, alias: str) -> dict[str, Any]:
    """What the registry says about ``name@alias``: version, the run's C, probabilities."""
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        version = client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return {"found": False}
    uri = f"models:/{name}@{alias}"
    info = mlflow.models.get_model_info(uri)
    return {
        "found": True,
        "version": str(version.version),
        "C": _run_param_c(client, version.run_id or info.run_id),
        "signature": _signature_columns(info) is not None,
        "proba": _probabilities(uri),
    }


def _parse_alias_uri(uri: Any, var: str) -> tuple[str, str]:
    if type(uri) is not str:
        raise Fail(
            f"`{var}` should be a str such as 'models:/NAME@ALIAS', but it is {describe(uri)}."
        )
    text = uri.strip()
    if not text.startswith("models:/") or "@" not in text:
        raise Fail(
            f"`{var}` is {uri!r}; it should name the registered model by an alias, in the form "
            "'models:/NAME@ALIAS', not a run, a path or a version number."
        )
    name, alias = text[len("models:/") :].rsplit("@", 1)
    return name, alias


def _extract_champion(values: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient

    from mlcourse.tracking import current_learner

    name, alias = _parse_alias_uri(values["champion_uri"], "champion_uri")
    client = MlflowClient()
    return {
        "name": name,
        "alias": alias,
        "learner": current_learner(),
        "model": _alias_data(client, name, alias),
        "versions": _versions(client, name),
    }


def _extract_challenger(values: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient

    from mlcourse.tracking import current_learner

    name, alias = _parse_alias_uri(values["challenger_uri"], "challenger_uri")
    differences = _differences(values["differences"])
    client = MlflowClient()
    return {
        "name": name,
        "alias": alias,
        "learner": current_learner(),
        "challenger": _alias_data(client, name, alias),
        "champion": _alias_data(client, name, "champion"),
        "versions": _versions(client, name),
        "differences": differences,
    }


def _differences(value: Any) -> list[float]:
    """The learner's paired fold differences, as plain floats."""
    import numpy as np

    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.ndim != 1 or len(array) != CV_FOLDS:
        raise Fail(
            f"`differences` should be a NumPy array of {CV_FOLDS} fold differences (the "
            f"challenger's fold losses minus the champion's), but it is {describe(value)}."
        )
    return [float(v) for v in array]


def _search_children(client: Any) -> dict[str, Any]:
    """The learner's newest search (exercise 4) in the store: its children, best CV first."""
    from mlcourse._curriculum import experiment_name
    from mlcourse.tracking import current_learner

    experiment = client.get_experiment_by_name(experiment_name("19"))
    if experiment is None:
        return {"ids": [], "C": [], "cv": []}
    learner = current_learner()
    filters = ["tags.`mlcourse.exercise` = '19.4'", "params.best_C != ''"]
    if learner:
        filters.append(f"tags.`mlcourse.learner` = '{learner}'")
    parents = client.search_runs(
        [experiment.experiment_id],
        " and ".join(filters),
        max_results=1,
        order_by=["attributes.start_time DESC"],
    )
    if not parents:
        return {"ids": [], "C": [], "cv": []}
    children = client.search_runs(
        [experiment.experiment_id],
        f"tags.`mlflow.parentRunId` = '{parents[0].info.run_id}'",
        max_results=100,
    )
    rows = [
        (r.data.metrics.get("cv_log_loss", math.inf), r.info.run_id, r.data.params.get("C", ""))
        for r in children
    ]
    rows.sort()
    return {
        "ids": [r[1] for r in rows],
        "C": [str(r[2]) for r in rows],
        "cv": [float(r[0]) for r in rows],
    }


def _extract_ranked(values: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from mlflow import MlflowClient

    ranked = values["ranked"]
    if type(ranked) is not pd.DataFrame:
        raise Fail(
            f"`ranked` should be the DataFrame that `mlflow.search_runs` returns, but it is "
            f"{describe(ranked)}."
        )
    for column in ("run_id", "metrics.cv_log_loss", "experiment_id", "status", "start_time"):
        if column not in ranked.columns:
            raise Fail(
                f"`ranked` has no column {column!r}: keep the DataFrame of `mlflow.search_runs` "
                "as it is (one row per run), with the metric `cv_log_loss` logged by each child."
            )
    missing = int(ranked["metrics.cv_log_loss"].isna().sum())
    if missing:
        raise Fail(
            f"`ranked` holds {missing} run(s) without `cv_log_loss`: keep only the search's "
            "children."
        )
    return {
        "ids": [str(v) for v in ranked["run_id"].tolist()[:_MAX_ROWS]],
        "cv": [float(v) for v in ranked["metrics.cv_log_loss"].tolist()[:_MAX_ROWS]],
        "store": _search_children(MlflowClient()),
    }


# --------------------------------------------------------------------------------------
# The problems.
# --------------------------------------------------------------------------------------

_KNOWLEDGE = (
    ("kc1", "What a run records"),
    ("kc2", "Choosing among candidates"),
    ("kc3", "What autolog logs"),
    ("kc4", "Why a signature"),
    ("kc5", "Aliases"),
    ("kc6", "Reproducing a run"),
)

MODULE = Module(
    "19",
    "experiment_tracking_mlflow",
    "Experiment tracking with MLflow",
    problems=(
        LoggedRun(
            "19.1",
            params=("C",),
            metrics={"test_accuracy": 0.0, "test_log_loss": 0.0},
            tagged=True,
            title="A run, properly logged",
            points=2,
            hints=[
                "Open the run with `mlcourse.tracking.run('19.1', run_name='baseline')`; inside "
                "it, log what you chose, what you used, what you measured and what you built.",
                "`mlflow.log_param('C', 1.0)`, `mlflow.log_input(mlflow.data.from_pandas("
                "train_frame, targets='cultivar', name='wine-train'), context='training')`, "
                "fit `make_model(1.0)` on `X_train, y_train`, then `mlflow.log_metrics(...)` "
                "with the test accuracy and log loss.",
                "Finish with `info = mlflow.sklearn.log_model(model, name='model', "
                "signature=infer_signature(X_train, model.predict(X_train)), "
                "input_example=X_train.head(3), pip_requirements=PIP_REQUIREMENTS)` and keep "
                "`baseline_run_id = run.info.run_id`.",
            ],
        ),
        LoggedRun(
            "19.2",
            metrics={"test_log_loss": 0.0},
            history=("test_log_loss",),
            tagged=True,
            title="A metric per step: the learning curve",
            points=2,
            hints=[
                "One run, one metric name, several values: `mlflow.log_metric(name, value, "
                "step=...)` keeps them all, each with its step.",
                "For each `n` in `SIZES`, fit `make_model(1.0)` on the first `n` training rows "
                "(`X_train.iloc[:n]`, `y_train.iloc[:n]`) and measure the log loss on the test "
                "wines.",
                "`mlflow.log_metric('test_log_loss', log_loss(y_test, "
                "m.predict_proba(X_test)), step=n)`, inside one "
                "`mlcourse.tracking.run('19.2', run_name='learning curve')`.",
            ],
        ),
        LoggedRun(
            "19.3",
            params=("C",),
            metrics={"test_log_loss": 0.0},
            tagged=True,
            json_artifacts=True,
            file_heads=(".png",),
            title="Artifacts: a figure and a table",
            points=2,
            hints=[
                "Metrics are numbers; a confusion matrix is a table and its picture a figure. "
                "`mlflow.log_figure(fig, 'confusion_matrix.png')` and "
                "`mlflow.log_dict(d, 'confusion_matrix.json')` store them with the run.",
                "Fit `make_model(0.03)` on the training set; `confusion_matrix(y_test, "
                "model.predict(X_test))` gives the counts (rows: true cultivar).",
                "`mlflow.log_dict({'labels': [0, 1, 2], 'matrix': cm.tolist()}, "
                "'confusion_matrix.json')`, and `ConfusionMatrixDisplay(cm).plot(ax=ax)` for "
                "the figure; log the parameter `C` and the metric `test_log_loss` too.",
            ],
        ),
        LoggedRun(
            "19.4",
            params=("best_C",),
            metrics={"test_log_loss": 0.0},
            title="A nested search, chosen by cross-validation",
            points=3,
            hints=[
                "A parent run for the search, and inside it one child run per candidate: "
                "`mlflow.start_run(run_name=f'C={C}', nested=True)`.",
                "Each child logs `C` and `cv_log_loss`, the mean of `-cross_val_score(make_model"
                "(C), X_train, y_train, cv=cv, scoring='neg_log_loss')`. The best C has the "
                "lowest `cv_log_loss`: the test set plays no part in the choice.",
                "After the loop, still in the parent: refit `make_model(best_C)` on the whole "
                "training set, `mlflow.log_param('best_C', best_C)` and log its "
                "`test_log_loss`, measured once.",
            ],
        ),
        Custom(
            "19.5",
            reads=("ranked",),
            extract=_extract_ranked,
            title="Query the runs with search_runs",
            points=2,
            hints=[
                "`mlflow.search_runs` returns a DataFrame, one row per run. A filter string "
                "selects runs by their tags, params or metrics.",
                "The children of a run carry the tag `mlflow.parentRunId`: filter with "
                "`filter_string=f\"tags.mlflow.parentRunId = '{search_run_id}'\"`.",
                "Add `order_by=['metrics.cv_log_loss ASC']` so that the best candidate comes "
                "first.",
            ],
        ),
        Custom(
            "19.6",
            reads=("signed_uri",),
            extract=_extract_signed,
            title="What the signature enforces",
            points=2,
            hints=[
                "Exercise 1 logged the model with a signature: `signed_uri = info.model_uri`, "
                "where `info` is what its `log_model` returned.",
                "`loaded = mlflow.pyfunc.load_model(signed_uri)`; call `loaded.predict(...)` "
                "inside `try:` and catch `MlflowException` as `error`.",
                "`message = str(error)`; `message[message.index('Model is missing inputs'):]"
                ".splitlines()[0]` is the line that names the problem (likewise with "
                "'Incompatible input types' for `X_test.astype({'alcohol': 'str'})`).",
            ],
        ),
        Custom(
            "19.7",
            reads=("champion_uri",),
            extract=_extract_champion,
            title="Register the model, with the alias champion",
            points=2,
            hints=[
                "Name the model with `mlcourse.tracking.model_name(MODEL_BASE)`: on a class "
                "server, everyone else's model has another name.",
                "`mlflow.register_model(signed_uri, MODEL_NAME)` registers exercise 1's model "
                "(the URI of exercise 6) and returns the new version.",
                "`MlflowClient().set_registered_model_alias(MODEL_NAME, 'champion', "
                "version.version)`, then `champion_uri = f'models:/{MODEL_NAME}@champion'`.",
            ],
        ),
        Custom(
            "19.8",
            reads=("challenger_uri", "differences"),
            extract=_extract_challenger,
            title="A challenger, promoted only if it is better",
            points=3,
            hints=[
                "Register the search's choice (the model of `best_C`, fitted on the whole "
                "training set) as a new version, with the alias `challenger`.",
                "Load both by alias (`models:/NAME@champion`, `models:/NAME@challenger`) and "
                "compare them as the search did, by cross-validation on the same folds `cv` of "
                "`X_train, y_train`; the test wines only measure the model kept, once, at the end.",
                "`-cross_val_score(clone(loaded), X_train, y_train, cv=cv, "
                "scoring='neg_log_loss')` gives each one's fold losses; `differences` = "
                "challenger's minus champion's. If `differences.mean() < 0`, "
                "`set_registered_model_alias(MODEL_NAME, 'champion', challenger_version)`; "
                "otherwise leave the champion. `challenger_uri = "
                "f'models:/{MODEL_NAME}@challenger'`.",
            ],
        ),
        LoggedRun(
            "19.9",
            params=("C",),
            metrics={"test_log_loss": 0.0},
            title="Reproduce a logged run",
            points=2,
            hints=[
                "Everything you need is in the baseline run: "
                "`original = mlflow.get_run(baseline_run_id)`, its `data.params` and its "
                "`inputs.dataset_inputs[0].dataset.digest`.",
                "Rebuild the training frame, check that `mlflow.data.from_pandas(...).digest` "
                "is the logged digest, refit with the logged C, and measure the test log loss.",
                "Log it all in `mlcourse.tracking.run('19.9', run_name='reproduction')`, with "
                "the tag `mlflow.set_tag('reproduces', baseline_run_id)`, the same params, the "
                "dataset input, and the metric `test_log_loss`.",
            ],
        ),
        *(
            Choice(f"19.{kc}", var=kc, choices="abcd", title=title, hints=[hint])
            for (kc, title), hint in zip(
                _KNOWLEDGE,
                (
                    "Which of these can a later reader not rebuild from the others?",
                    "Which data did the candidates never see, and what is it for?",
                    "What data did the fitted model compute those numbers on?",
                    "When does MLflow compare an input with the signature?",
                    "What does an alias point to, and who moves it?",
                    "Which of these changes the numbers without changing the code?",
                ),
                strict=True,
            )
        ),
    ),
)
