"""Module 25's custom judges: the data the real extracts collect from a right capstone (the
wine data, a logistic-regression pipeline, a logged run, a registered champion, a service and
a drift report) and from plausible wrong work (data changed before the split, an unstratified
split, a typed-in score, a model fitted on every row, a run of another model, an alias on
another version, a constant service, a service without validation, a report that flags every
feature, a constant decision, a padded summary), merged into ``test_forged_extracts.py``'s
``RIGHT``, ``WRONG`` and ``HARMLESS``. The runs and versions are logged once, in the tests'
throwaway tracking store.
"""

import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from functools import cache
from typing import Annotated, Any

import pandas as pd


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


SUMMARY = (
    "The wine data hold 178 wines of three cultivars described by thirteen chemical "
    "measurements. A stratified quarter of them was held out before any modelling. A pipeline "
    "that standardises the measurements and fits a logistic regression beats the majority "
    "baseline by a wide margin on those held-out wines. Its run, parameters and accuracy are "
    "logged in MLflow, the registered version carries the alias champion, and a small FastAPI "
    "service loads that alias when it starts and refuses malformed rows. A batch with three "
    "shifted features made the drift report ask for an investigation; labels would be needed to "
    "know whether the accuracy fell, and forty-five wines leave a wide margin around the score."
)


def _pipeline():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))])


def make_service(features: list[str], *, validate: bool = True, constant: int | None = None):
    """The capstone's service; ``validate=False`` takes any dict, ``constant`` ignores the model."""
    import mlflow
    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict, Field

    Row = Annotated[list[float], Field(min_length=len(features), max_length=len(features))]

    class Rows(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        rows: list[Row] = Field(min_length=1)

    @asynccontextmanager
    async def lifespan(app):
        app.state.model = mlflow.pyfunc.load_model(os.environ["MODEL_URI"])
        yield

    app = FastAPI(lifespan=lifespan)

    def answer(rows: list[list[float]]) -> dict:
        if constant is not None:
            return {"predictions": [constant] * len(rows)}
        frame = pd.DataFrame(rows, columns=features)
        return {"predictions": [int(p) for p in app.state.model.predict(frame)]}

    if validate:

        @app.post("/predict")
        def predict(body: Rows) -> dict:
            return answer(body.rows)
    else:

        @app.post("/predict")
        def predict_any(body: dict) -> dict:
            return answer(body["rows"])

    return app


def drift_report(reference, current):
    """A right stage 7 report (the key's reference)."""
    from mlcourse.keys.m25 import reference_report

    return reference_report(reference, current)


def decide(report):
    return "investigate" if report["drifted"].any() else "no action"


@cache
def work() -> dict[str, Any]:
    """A right capstone on the wine data, logged and registered in the tests' store."""
    import mlflow
    from mlflow import MlflowClient
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import train_test_split

    import mlcourse
    from mlcourse.exercises.m25 import load_dataset

    mlcourse.tracking.configure(module="25")
    X, y = load_dataset("wine")
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=25
    )
    model = _pipeline().fit(X_train, y_train)
    cheat = _pipeline().fit(X, y)
    baseline = DummyClassifier().fit(X_train, y_train)
    with mlcourse.tracking.run("25.4", run_name="right") as run:
        mlflow.log_params({"C": 1.0, "max_iter": 1000})
        mlflow.log_metric("test_accuracy", accuracy_score(y_test, model.predict(X_test)))
        info = mlflow.sklearn.log_model(model, name="model", serialization_format="pickle")
    with mlcourse.tracking.run("25.4", run_name="forged") as forged:
        mlflow.log_params({"C": 1.0})
        mlflow.log_metric("test_accuracy", 1.0)
        forged_info = mlflow.sklearn.log_model(cheat, name="model", serialization_format="pickle")
    name = mlcourse.tracking.model_name("capstone")
    right_version = mlflow.register_model(info.model_uri, name)
    wrong_version = mlflow.register_model(forged_info.model_uri, name)
    MlflowClient().set_registered_model_alias(name, "champion", right_version.version)
    split = {
        "DATASET": "wine",
        "X_train": X_train,
        "X_test": X_test,
        "y_train": y_train,
        "y_test": y_test,
    }
    return {
        "X": X,
        "y": y,
        "split": split,
        "model": model,
        "cheat": cheat,
        "baseline": baseline,
        "scores": {
            "baseline_score": accuracy_score(y_test, baseline.predict(X_test)),
            "test_score": accuracy_score(y_test, model.predict(X_test)),
        },
        "run_id": run.info.run_id,
        "model_uri": info.model_uri,
        "forged_run_id": forged.info.run_id,
        "forged_uri": forged_info.model_uri,
        "name": name,
        "right_version": right_version.version,
        "wrong_version": wrong_version.version,
        "features": list(X.columns),
    }


def namespace(problem_id: str, **changes: Any) -> dict[str, Any]:
    """The namespace a right notebook holds for one stage, with ``changes``."""
    w = work()
    split = w["split"]
    base: dict[str, dict[str, Any]] = {
        "25.1": {"DATASET": "wine", "X": w["X"], "y": w["y"]},
        "25.2": dict(split),
        "25.3": {**split, "baseline": w["baseline"], "model": w["model"], **w["scores"]},
        "25.4": {**split, "model": w["model"], "run_id": w["run_id"], "model_uri": w["model_uri"]},
        "25.5": {
            **split,
            "model": w["model"],
            "run_id": w["run_id"],
            "model_uri": w["model_uri"],
            "champion_uri": f"models:/{w['name']}@champion",
        },
        "25.6": {**split, "service": make_service(w["features"])},
        "25.7": {**split, "drift_report": drift_report, "decide": decide},
        "25.8": {"summary": SUMMARY},
    }
    return {**base[problem_id], **changes}


def with_alias_on_wrong_version(call: Callable[[], Any]) -> Any:
    from mlflow import MlflowClient

    w = work()
    client = MlflowClient()
    client.set_registered_model_alias(w["name"], "champion", w["wrong_version"])
    try:
        return call()
    finally:
        client.set_registered_model_alias(w["name"], "champion", w["right_version"])


def _right(problem_id: str) -> Callable[[], Any]:
    return lambda: _collected(problem_id, **namespace(problem_id))


def _wrong_split() -> list[Any]:
    from sklearn.model_selection import train_test_split

    w = work()
    Xa, Xb, ya, yb = train_test_split(w["X"], w["y"], test_size=0.25, shuffle=False)
    return [
        _collected("25.2", **namespace("25.2", X_train=Xa, X_test=Xb, y_train=ya, y_test=yb)),
        _collected("25.2", **namespace("25.2", X_test=w["split"]["X_test"] * 1.01)),
    ]


def _wrong_model() -> list[Any]:
    from sklearn.metrics import accuracy_score

    w = work()
    X_test, y_test = w["split"]["X_test"], w["split"]["y_test"]
    cheat_score = accuracy_score(y_test, w["cheat"].predict(X_test))
    from sklearn.dummy import DummyClassifier

    half = _pipeline().fit(w["split"]["X_train"].iloc[::2], w["split"]["y_train"].iloc[::2])
    rare = DummyClassifier(strategy="constant", constant=2).fit(
        w["split"]["X_train"], w["split"]["y_train"]
    )
    return [
        _collected("25.3", **namespace("25.3", test_score=round(w["scores"]["test_score"], 2))),
        _collected("25.3", **namespace("25.3", model=w["cheat"], test_score=cheat_score)),
        _collected(
            "25.3",
            **namespace(
                "25.3", model=half, test_score=accuracy_score(y_test, half.predict(X_test))
            ),
        ),
        _collected(
            "25.3",
            **namespace(
                "25.3", baseline=rare, baseline_score=accuracy_score(y_test, rare.predict(X_test))
            ),
        ),
    ]


def _wrong_drift() -> list[Any]:
    def flags_all(reference, current):
        out = drift_report(reference, current)
        out["drifted"] = True
        return out

    def unadjusted(reference, current):
        out = drift_report(reference, current)
        out["drifted"] = (out["ks_pvalue"] < 0.01) & (out["psi"] > 0.1)
        return out

    return [
        _collected("25.7", **namespace("25.7", drift_report=flags_all)),
        _collected("25.7", **namespace("25.7", decide=lambda report: "retrain")),
        _collected("25.7", **namespace("25.7", drift_report=unadjusted)),
    ]


RIGHT: dict[str, Callable[[], Any]] = {pid: _right(pid) for pid in (f"25.{k}" for k in range(1, 9))}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "25.1": lambda: [_collected("25.1", **namespace("25.1", X=work()["X"] * 2.0))],
    "25.2": _wrong_split,
    "25.3": _wrong_model,
    "25.4": lambda: [
        _collected(
            "25.4",
            **namespace("25.4", run_id=work()["forged_run_id"], model_uri=work()["forged_uri"]),
        ),
        _collected("25.4", **namespace("25.4", model_uri=work()["forged_uri"])),
    ],
    "25.5": lambda: [
        with_alias_on_wrong_version(lambda: _collected("25.5", **namespace("25.5"))),
        _collected("25.5", **namespace("25.5", run_id=work()["forged_run_id"])),
    ],
    "25.6": lambda: [
        _collected(
            "25.6", **namespace("25.6", service=make_service(work()["features"], constant=0))
        ),
        _collected(
            "25.6", **namespace("25.6", service=make_service(work()["features"], validate=False))
        ),
    ],
    "25.7": _wrong_drift,
    "25.8": lambda: [
        _collected("25.8", summary="Done."),
        _collected("25.8", summary="model " * 100),
    ],
}

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {
    "25.4": [
        (
            r"\['run'\]\['(params|metrics)'\]$",
            {"dropped"},
            "a run may log more params and metrics than the ones the judge reads",
        ),
        (
            r"\['run'\]\['params'\]\['[^']+'\]$",
            {"dropped"},
            "one logged hyperparameter of the model is enough",
        ),
        (
            r"\['logged'\]\['hyper'\](\['[^']+'\])?$",
            {"dropped", "extra key"},
            "the model's parameters are only read for the names the run logged",
        ),
    ],
    "25.6": [
        (
            r"\['responses'\]\[[1-9]\d*\]\['json'\]$",
            None,
            "the body of a 422 answer is not read",
        ),
        (
            r"\['probe'\]\[0\]\['json'\]\['predictions'\]$",
            {"reordered", "first repeated"},
            "the probe model answers one class: reordering changes nothing",
        ),
    ],
}
