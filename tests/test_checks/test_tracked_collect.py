"""What ``LoggedRun.collect`` reads from a real tracking store: each run's id, parent run,
logged models, artifact names, dataset inputs, and on request metric histories and small JSON
artifacts; and how the optional parts are validated when judged."""

from __future__ import annotations

import uuid

import pytest

from mlcourse.checks import INCORRECT, Answer, Fail, LoggedRun


def _run(**extra):
    return {"name": "r", "params": {"C": "1"}, "metrics": {"auc": 0.9}, "tags": {}, **extra}


@pytest.fixture(scope="module")
def logged():
    """A parent with a child, a dataset, a per-step metric, a JSON artifact and a model."""
    import mlflow
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    name = f"test-tracked-{uuid.uuid4().hex[:8]}"
    mlflow.set_experiment(name)
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [0, 0, 1, 1]})
    with mlflow.start_run(run_name="parent") as parent:
        mlflow.log_param("C", 1.0)
        mlflow.log_metric("auc", 0.9)
        for step, value in ((2, 0.5), (1, 0.25)):
            mlflow.log_metric("loss", value, step=step)
        mlflow.log_dict({"a": [1, 2]}, "table.json")
        mlflow.log_text("not json", "notes.txt")
        mlflow.log_input(mlflow.data.from_pandas(frame, targets="y", name="tiny"), "training")
        model = LogisticRegression().fit(frame[["x"]], frame["y"])
        mlflow.sklearn.log_model(model, name="model", pip_requirements=["scikit-learn"])
        with mlflow.start_run(run_name="child", nested=True) as child:
            mlflow.log_param("C", 2.0)
            mlflow.log_metric("auc", 0.8)
    return {"experiment": name, "parent": parent.info.run_id, "child": child.info.run_id}


def test_collect_reads_ids_parents_models_artifacts_and_inputs(logged):
    problem = LoggedRun("99.20", params=("C",), judge=None, experiment=logged["experiment"])
    runs = {r["name"]: r for r in problem.collect({}).values["runs"]}
    parent, child = runs["parent"], runs["child"]
    assert parent["id"] == logged["parent"] and child["id"] == logged["child"]
    assert parent["parent"] is None and child["parent"] == logged["parent"]
    assert parent["models"] == 1 and child["models"] == 0
    assert parent["inputs"][0]["name"] == "tiny" and parent["inputs"][0]["context"] == "training"
    assert child["inputs"] == []
    # artifacts cost a store call per run: listed only for problems that read them
    assert "history" not in parent and "json" not in parent and "artifacts" not in parent
    assert not any(k.startswith("mlflow.") for k in parent["tags"])  # as before


def test_collect_reads_histories_and_json_artifacts_on_request(logged):
    problem = LoggedRun(
        "99.21",
        history=("loss", "auc"),
        json_artifacts=True,
        judge=None,
        experiment=logged["experiment"],
    )
    runs = {r["name"]: r for r in problem.collect({}).values["runs"]}
    assert runs["parent"]["history"]["loss"] == [[1, 0.25], [2, 0.5]]
    assert runs["parent"]["history"]["auc"] == [[0, 0.9]]
    assert "loss" not in runs["child"]["history"]
    assert runs["parent"]["json"] == {"table.json": {"a": [1, 2]}}
    assert runs["parent"]["artifacts"] == ["notes.txt", "table.json"]
    assert runs["child"]["json"] == {}


def test_collect_describes_files_by_their_ending_on_request(logged):
    problem = LoggedRun("99.25", file_heads=(".txt",), judge=None, experiment=logged["experiment"])
    runs = {r["name"]: r for r in problem.collect({}).values["runs"]}
    assert runs["parent"]["files"] == {
        "notes.txt": {"size": len("not json"), "head": b"not json".hex()}
    }
    assert runs["child"]["files"] == {}
    assert (
        "files"
        not in LoggedRun("99.26", judge=None, experiment=logged["experiment"])
        .collect({})
        .values["runs"][0]
    )


def test_the_judge_sees_the_new_parts(logged):
    seen = {}

    def judge(runs):
        seen["parents"] = {r["name"]: r["parent"] for r in runs}
        raise Fail("no")

    problem = LoggedRun("99.22", judge=judge, experiment=logged["experiment"])
    outcome = problem.check({})
    assert outcome.status == INCORRECT
    assert seen["parents"]["child"] == logged["parent"]


def test_runs_in_the_old_form_are_still_judged():
    problem = LoggedRun("99.23", params=("C",), metrics={"auc": 0.8}, judge=None, experiment="x")
    assert problem.evaluate(Answer({"runs": [_run()]})).correct


@pytest.mark.parametrize(
    "extra",
    [
        {"id": 7},
        {"parent": 3},
        {"models": "1"},
        {"models": True},
        {"artifacts": "model"},
        {"artifacts": [1]},
        {"inputs": [{"name": "x", "digest": "y"}]},
        {"inputs": [{"name": "x", "digest": 1, "context": "training"}]},
        {"history": {"loss": [[1, 1]]}},
        {"history": {"loss": [[1.0, 1.0]]}},
        {"history": {"loss": [(1, 1.0)]}},
        {"history": []},
        {"json": []},
        {"json": {1: {}}},
        {"files": []},
        {"files": {"a.png": {"size": "1", "head": "89"}}},
        {"files": {"a.png": {"size": 1}}},
    ],
)
def test_malformed_new_parts_are_rejected(extra):
    problem = LoggedRun("99.24", params=("C",), judge=None, experiment="x")
    outcome = problem.evaluate(Answer({"runs": [_run(**extra)]}))
    assert outcome.status == INCORRECT
