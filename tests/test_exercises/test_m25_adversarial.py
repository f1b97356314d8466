"""Module 25: attempts to pass the capstone's checks without doing the work, run through the
real extracts and judges on a right capstone logged in the tests' throwaway store
(``forged_m25.work``), and right work written differently."""

import pytest

from mlcourse.exercises import get_module

from .forged_m25 import (
    decide,
    drift_report,
    make_service,
    namespace,
    with_alias_on_wrong_version,
    work,
)

PROBLEMS = {problem.id: problem for problem in get_module("25").problems}


@pytest.fixture(autouse=True)
def _module_25_experiment():
    """Runs logged here go to module 25's experiment, whatever a test of another module in
    this process configured since ``work()`` first did."""
    import mlcourse

    work()
    mlcourse.tracking.configure(module="25")


def status(problem_id: str, **changes) -> str:
    return PROBLEMS[problem_id].check(namespace(problem_id, **changes)).status


@pytest.mark.parametrize("problem_id", [f"25.{k}" for k in range(1, 9)])
def test_right_work_is_correct(problem_id):
    assert status(problem_id) == "correct"


def test_a_dataset_outside_the_menu_is_rejected():
    assert status("25.1", DATASET="iris") == "incorrect"
    assert status("25.2", DATASET="breast_cancer") == "incorrect"  # wine rows, another name


def test_a_typed_in_metric_is_rejected():
    score = work()["scores"]["test_score"]
    assert status("25.3", test_score=round(score, 2)) == "incorrect"
    assert status("25.3", test_score=1.0) == "incorrect"


def test_a_model_fitted_on_the_test_rows_is_rejected():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    split = work()["split"]
    on_test = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    on_test.fit(split["X_test"], split["y_test"])
    score = accuracy_score(split["y_test"], on_test.predict(split["X_test"]))
    assert status("25.3", model=on_test, test_score=score) == "incorrect"
    cheat = work()["cheat"]
    score = accuracy_score(split["y_test"], cheat.predict(split["X_test"]))
    assert status("25.3", model=cheat, test_score=score) == "incorrect"


def test_an_unseeded_forest_is_rejected_and_a_seeded_one_accepted():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import accuracy_score
    from sklearn.pipeline import make_pipeline

    split = work()["split"]
    for seed, want in ((None, "incorrect"), (0, "correct")):
        forest = make_pipeline(RandomForestClassifier(n_estimators=20, random_state=seed))
        forest.fit(split["X_train"], split["y_train"])
        score = accuracy_score(split["y_test"], forest.predict(split["X_test"]))
        assert status("25.3", model=forest, test_score=score) == want


def test_a_run_logged_with_another_model_is_rejected():
    w = work()
    assert status("25.4", run_id=w["forged_run_id"], model_uri=w["forged_uri"]) == "incorrect"
    assert status("25.4", model_uri=w["forged_uri"]) == "incorrect"
    assert status("25.5", run_id=w["forged_run_id"]) == "incorrect"


def test_the_alias_on_the_wrong_version_is_rejected():
    assert with_alias_on_wrong_version(lambda: status("25.5")) == "incorrect"
    assert status("25.5") == "correct"


def test_another_alias_or_name_is_rejected():
    w = work()
    assert status("25.5", champion_uri=f"models:/{w['name']}@challenger") == "incorrect"
    assert status("25.5", champion_uri="models:/someone-else@champion") == "incorrect"


def test_a_service_with_constant_predictions_is_rejected():
    for constant in (0, 1, 2):
        service = make_service(work()["features"], constant=constant)
        assert status("25.6", service=service) == "incorrect"


def test_a_service_without_validation_is_rejected():
    assert status("25.6", service=make_service(work()["features"], validate=False)) == "incorrect"


def test_a_service_that_ignores_model_uri_is_rejected():
    import mlflow
    import pandas as pd
    from fastapi import FastAPI

    features = work()["features"]
    loaded = mlflow.pyfunc.load_model(f"models:/{work()['name']}@champion")
    app = FastAPI()

    @app.post("/predict")
    def predict(body: dict) -> dict:
        rows = body.get("rows")
        frame = pd.DataFrame(rows, columns=features)
        return {"predictions": [int(p) for p in loaded.predict(frame)]}

    assert status("25.6", service=app) == "incorrect"
    assert status("25.6", service="http://localhost:8000") == "incorrect"


def test_drift_reports_on_the_wrong_columns_or_with_a_constant_decision_are_rejected():
    def first_five(reference, current):
        return drift_report(reference[reference.columns[:5]], current[current.columns[:5]])

    def reordered(reference, current):
        return drift_report(reference, current).sort_index()

    def flags_none(reference, current):
        out = drift_report(reference, current)
        out["drifted"] = False
        return out

    def flags_all(reference, current):
        out = drift_report(reference, current)
        out["drifted"] = True
        return out

    for report in (first_five, reordered, flags_none, flags_all):
        assert status("25.7", drift_report=report) == "incorrect", report.__name__
    for decision in ("retrain", "keep"):
        assert status("25.7", decide=lambda report, d=decision: d) == "incorrect"


def test_a_drift_report_on_the_target_or_on_another_batch_is_rejected():
    from mlcourse.exercises.m25 import shifted_batch

    def fixed_batch(reference, current):  # always reports the scaffold's batch
        return drift_report(reference, shifted_batch(work()["split"]["X_test"]))

    assert status("25.7", drift_report=fixed_batch) == "incorrect"


def test_a_short_or_padded_summary_is_rejected():
    assert status("25.8", summary="Accuracy 0.98, done.") == "incorrect"
    assert status("25.8", summary="good model " * 60) == "incorrect"
    assert (
        status("25.8", summary=None) == "not_attempted" or status("25.8", summary=None) != "correct"
    )


# --------------------------------------------------------------------------------------
# Attacks found in review: each must fail, and the right variants must pass.
# --------------------------------------------------------------------------------------


def _scored(model):
    from sklearn.metrics import accuracy_score

    split = work()["split"]
    return accuracy_score(split["y_test"], model.predict(split["X_test"]))


def test_models_not_fitted_on_the_training_rows_are_rejected_by_their_probabilities():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    w = work()
    X_train, y_train = w["split"]["X_train"], w["split"]["y_train"]
    wrong = [
        make_pipeline(StandardScaler(), GaussianNB()).fit(w["X"], w["y"]),
        make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000)).fit(
            X_train.iloc[::2], y_train.iloc[::2]
        ),
        make_pipeline(RandomForestClassifier(n_estimators=50, random_state=0)).fit(
            X_train.iloc[::2], y_train.iloc[::2]
        ),
        make_pipeline(StandardScaler(), KNeighborsClassifier()).fit(
            X_train.iloc[::2], y_train.iloc[::2]
        ),
    ]
    for model in wrong:
        assert status("25.3", model=model, test_score=_scored(model)) == "incorrect", model


def test_a_seeded_forest_on_shuffled_training_rows_is_accepted():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline

    split = work()["split"]
    forest = make_pipeline(RandomForestClassifier(n_estimators=30, random_state=3))
    forest.fit(split["X_train"], split["y_train"])
    assert status("25.3", model=forest, test_score=_scored(forest)) == "correct"


def test_labels_smuggled_into_the_pipeline_are_rejected():
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    w = work()
    lookup = {tuple(np.round(r, 6)): int(t) for r, t in zip(w["X"].to_numpy(), w["y"], strict=True)}

    def leak(frame):
        rows = np.round(np.asarray(frame, dtype=float), 6)
        return np.array([[lookup.get(tuple(r), 0)] for r in rows])

    class Spy(StandardScaler):
        def transform(self, X, copy=None):
            return leak(X)

    Spy.__module__ = "sklearn.preprocessing"
    fit = w["split"]["X_train"], w["split"]["y_train"]
    for step in (FunctionTransformer(lambda F: leak(F)), FunctionTransformer(leak), Spy()):
        model = Pipeline([("step", step), ("clf", LogisticRegression(max_iter=1000))]).fit(*fit)
        assert status("25.3", model=model, test_score=_scored(model)) == "incorrect"
    Spy.__qualname__ = "StandardScaler"
    model = Pipeline([("step", Spy()), ("clf", LogisticRegression(max_iter=1000))]).fit(*fit)
    assert status("25.3", model=model, test_score=_scored(model)) == "incorrect"
    safe = Pipeline([("log", FunctionTransformer(np.log1p)), ("clf", LogisticRegression())])
    safe.set_params(clf__max_iter=2000).fit(*fit)
    assert status("25.3", model=safe, test_score=_scored(safe)) == "correct"


def test_a_baseline_other_than_the_majority_is_rejected_and_prior_accepted():
    from sklearn.dummy import DummyClassifier

    split = work()["split"]
    fit = split["X_train"], split["y_train"]
    rare = int(split["y_train"].value_counts().idxmin())
    for baseline, want in (
        (DummyClassifier(strategy="constant", constant=rare), "incorrect"),
        (DummyClassifier(strategy="uniform", random_state=0), "incorrect"),
        (DummyClassifier(strategy="prior"), "correct"),
    ):
        baseline.fit(*fit)
        got = status("25.3", baseline=baseline, baseline_score=_scored(baseline))
        assert got == want, baseline


def test_a_float32_score_and_a_30_percent_split_are_accepted():
    import numpy as np
    from sklearn.model_selection import train_test_split

    w = work()
    assert status("25.3", test_score=np.float32(w["scores"]["test_score"])) == "correct"
    a, b, c, d = train_test_split(w["X"], w["y"], test_size=0.3, stratify=w["y"], random_state=0)
    assert status("25.2", X_train=a, X_test=b, y_train=c, y_test=d) == "correct"
    a, b, c, d = train_test_split(w["X"], w["y"], test_size=0.35, stratify=w["y"], random_state=0)
    assert status("25.2", X_train=a, X_test=b, y_train=c, y_test=d) == "incorrect"


def test_made_up_or_wrong_hyperparameters_are_rejected():
    import mlflow

    import mlcourse

    w = work()
    for params, want in (
        ({"n_estimators": 7, "depth": 3}, "incorrect"),  # none is a parameter of the model
        ({"C": 1000}, "incorrect"),  # a parameter of the model, with another value
        ({"clf__C": 1, "max_iter": "1000"}, "correct"),  # the same values, written differently
    ):
        with mlcourse.tracking.run("25.4", run_name="params") as run:
            mlflow.log_params(params)
            mlflow.log_metric("test_accuracy", w["scores"]["test_score"])
            info = mlflow.sklearn.log_model(w["model"], name="model", serialization_format="pickle")
        got = status("25.4", run_id=run.info.run_id, model_uri=info.model_uri)
        assert got == want, params


def test_a_champion_from_a_run_outside_stage_4_is_rejected():
    import mlflow
    from mlflow import MlflowClient

    w = work()
    experiment = mlflow.get_run(w["run_id"]).info.experiment_id
    with mlflow.start_run(experiment_id=experiment, run_name="untagged") as other:
        info = mlflow.sklearn.log_model(w["model"], name="model", serialization_format="pickle")
    version = mlflow.register_model(info.model_uri, w["name"])
    client = MlflowClient()
    client.set_registered_model_alias(w["name"], "champion", version.version)
    try:
        got = status("25.5", run_id=other.info.run_id, model_uri=info.model_uri)
    finally:
        client.set_registered_model_alias(w["name"], "champion", w["right_version"])
    assert got == "incorrect"


def test_a_champion_that_is_not_the_evaluated_model_is_rejected():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    split = work()["split"]
    other = make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=1000))
    other.fit(split["X_train"], split["y_train"])
    assert status("25.5", model=other) == "incorrect"


def _service(features, *, strict: bool = True, forbid: bool = True, lookup=None):
    import os
    from contextlib import asynccontextmanager
    from typing import Annotated

    import mlflow
    import pandas as pd
    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict, Field

    Row = Annotated[list[float], Field(min_length=len(features), max_length=len(features))]

    class Rows(BaseModel):
        model_config = ConfigDict(extra="forbid" if forbid else "ignore", strict=strict)
        rows: list[Row] = Field(min_length=1)

    @asynccontextmanager
    async def lifespan(app):
        uri = os.environ["MODEL_URI"]
        app.state.model = (
            None if lookup and uri.endswith("@champion") else mlflow.pyfunc.load_model(uri)
        )
        yield

    app = FastAPI(lifespan=lifespan)

    @app.post("/predict")
    def predict(body: Rows) -> dict:
        if app.state.model is None:
            return {"predictions": [lookup.get(tuple(r), 0) for r in body.rows]}
        frame = pd.DataFrame(body.rows, columns=features)
        return {"predictions": [int(p) for p in app.state.model.predict(frame)]}

    return app


def test_services_with_lax_validation_are_rejected():
    features = work()["features"]
    assert status("25.6", service=_service(features, strict=False)) == "incorrect"
    assert status("25.6", service=_service(features, forbid=False)) == "incorrect"


def test_a_service_that_looks_up_the_held_out_rows_is_rejected():
    w = work()
    X_test = w["split"]["X_test"]
    table = {
        tuple(map(float, r)): int(p)
        for r, p in zip(X_test.to_numpy(), w["model"].predict(X_test), strict=True)
    }
    assert status("25.6", service=_service(w["features"], lookup=table)) == "incorrect"


def test_drift_rules_and_decisions():
    import numpy as np

    from mlcourse.keys.m25 import _psi_left

    def unadjusted(reference, current):  # p < 0.01 per feature, no Bonferroni
        out = drift_report(reference, current)
        out["drifted"] = (out["ks_pvalue"] < 0.01) & (out["psi"] > 0.1)
        return out

    def right_closed(reference, current):  # ties counted in the lower bin (pd.cut)
        out = drift_report(reference, current)
        out["psi"] = [_psi_left(reference[c], current[c]) for c in reference.columns]
        return out

    def old_words(report):
        return "retrain" if report["drifted"].any() else "keep"

    assert status("25.7", drift_report=unadjusted) == "incorrect"
    assert status("25.7", decide=old_words) == "incorrect"
    assert status("25.7", drift_report=right_closed) == "correct"
    assert status("25.7", decide=lambda r: np.str_(decide(r))) == "correct"
