"""Module 25: attempts to pass the capstone's checks without doing the work, run through the
real extracts and judges on a right capstone logged in the tests' throwaway store
(``forged_m25.work``), and right work written differently."""

import pytest

from mlcourse.exercises import get_module

from .forged_m25 import (
    drift_report,
    make_service,
    namespace,
    with_alias_on_wrong_version,
    work,
)

PROBLEMS = {problem.id: problem for problem in get_module("25").problems}


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
