"""Module 19: attempts to pass the checks without doing the task, and right work written
differently. Runs are forged as the tracking store returns them (plain data); one test logs
real runs to check that runs of another experiment are never collected.
"""

from __future__ import annotations

import copy
import math

import pytest

from mlcourse.checks import Answer
from mlcourse.exercises import get_module
from mlcourse.exercises.m19 import C_GRID, SIZES
from mlcourse.keys import m19 as key

from . import forged_m19 as forged

MODULE = get_module("19")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}
DIGEST = None


def digest() -> str:
    return key._train_digest()


def run(exercise, name="run", params=None, metrics=None, **extra):
    """A run as LoggedRun collects it."""
    plain = {
        "name": name,
        "params": {k: str(v) for k, v in (params or {}).items()},
        "metrics": {k: float(v) for k, v in (metrics or {}).items()},
        "tags": {"mlcourse.exercise": exercise} if exercise else {},
        "id": extra.pop("id", f"{abs(hash((exercise, name))) % 16**32:032x}"),
        "parent": extra.pop("parent", None),
        "models": extra.pop("models", 0),
        "artifacts": extra.pop("artifacts", []),
        "inputs": extra.pop("inputs", []),
    }
    plain.update(extra)
    return plain


def training_input(value=None):
    return [{"name": "wine-train", "digest": value or digest(), "context": "training"}]


def verdict(problem_id, runs):
    return PROBLEMS[problem_id].evaluate(Answer({"runs": copy.deepcopy(runs)}))


def judged(problem_id, data):
    return PROBLEMS[problem_id].evaluate(Answer({"data": copy.deepcopy(data)}))


def baseline(C=1.0, scores=None, **extra):
    scores = scores or key._test_scores(C)
    extra.setdefault("models", 1)
    extra.setdefault("inputs", training_input())
    return run("19.1", "baseline", {"C": C}, scores, id="b" * 32, **extra)


def test_only_the_judges_verdict_counts():
    assert verdict("19.1", [baseline()]).correct


# --------------------------------------------------------------------------------------
# 19.1: a run that proves its numbers.
# --------------------------------------------------------------------------------------


def test_19_1_right_work_written_differently_is_accepted():
    as_int = baseline()
    as_int["params"]["C"] = "1"
    assert verdict("19.1", [as_int]).correct
    # an older wrong attempt does not matter: the newest counts
    old = baseline(scores={"test_accuracy": 0.5, "test_log_loss": 0.5})
    assert verdict("19.1", [baseline(), old]).correct


def fitted_on_test_scores(C):
    from sklearn.metrics import accuracy_score, log_loss

    d = key._data()
    model = key.make_model(C).fit(d["X_test"], d["y_test"])
    return {
        "test_accuracy": accuracy_score(d["y_test"], model.predict(d["X_test"])),
        "test_log_loss": log_loss(d["y_test"], model.predict_proba(d["X_test"])),
    }


@pytest.mark.parametrize(
    "why, forged_run",
    [
        (
            "a metric typed in",
            lambda: baseline(scores={"test_accuracy": 1.0, "test_log_loss": 0.01}),
        ),
        ("no model behind the numbers", lambda: baseline(models=0)),
        ("a model fitted on the test set", lambda: baseline(scores=fitted_on_test_scores(1.0))),
        (
            "params that do not match the metrics",
            lambda: baseline(C=1.0) | {"params": {"C": "3.0"}},
        ),
        ("no training data", lambda: baseline(inputs=[])),
        ("another training table", lambda: baseline(inputs=training_input("0" * 8))),
        (
            "the right table logged as evaluation data",
            lambda: baseline(
                inputs=[{"name": "wine-train", "digest": digest(), "context": "evaluation"}]
            ),
        ),
        ("a C of zero", lambda: baseline() | {"params": {"C": "0"}}),
        ("a C of nan", lambda: baseline() | {"params": {"C": "nan"}}),
        (
            "NaN metrics",
            lambda: baseline(scores={"test_accuracy": math.nan, "test_log_loss": math.nan}),
        ),
    ],
)
def test_19_1_rejects_runs_that_do_not_prove_the_work(why, forged_run):
    outcome = verdict("19.1", [forged_run()])
    assert outcome.status == "incorrect", why


def test_19_1_messages_never_give_the_expected_value():
    outcome = verdict("19.1", [baseline(scores={"test_accuracy": 1.0, "test_log_loss": 0.01})])
    assert f"{key._test_scores(1.0)['test_log_loss']:.4g}" not in outcome.message


def test_runs_of_another_experiment_are_never_collected():
    import mlflow

    from mlcourse.datasets import load_wine  # noqa: F401 - the data is the course's

    experiment = mlflow.set_experiment("somewhere-else-19")
    with mlflow.start_run(tags={"mlcourse.exercise": "19.1"}) as elsewhere:
        mlflow.log_param("C", 1.0)
        mlflow.log_metrics(key._test_scores(1.0))
    answer = PROBLEMS["19.1"].collect({})
    runs = (answer.values or {}).get("runs", []) if answer.missing is None else []
    assert all(r["id"] != elsewhere.info.run_id for r in runs)
    assert experiment.name != PROBLEMS["19.1"].experiment


# --------------------------------------------------------------------------------------
# 19.2: the learning curve.
# --------------------------------------------------------------------------------------


def curve(values=None, steps=SIZES):
    values = values or [key._test_scores(1.0, n)["test_log_loss"] for n in steps]
    history = [[int(n), float(v)] for n, v in zip(steps, values, strict=True)]
    return run(
        "19.2",
        "learning curve",
        metrics={"test_log_loss": values[-1]},
        history={"test_log_loss": history},
    )


def test_19_2_right_curve_is_accepted_and_forgeries_are_not():
    assert verdict("19.2", [curve()]).correct
    full = key._test_scores(1.0)["test_log_loss"]
    assert verdict("19.2", [curve([full] * len(SIZES))]).status == "incorrect"
    assert (
        verdict("19.2", [curve(values=[full] * len(SIZES), steps=range(len(SIZES)))]).status
        == "incorrect"
    )
    assert verdict("19.2", [curve(steps=SIZES[-1:], values=[full])]).status == "incorrect"
    no_history = run("19.2", metrics={"test_log_loss": full}, history={})
    assert verdict("19.2", [no_history]).status == "incorrect"


# --------------------------------------------------------------------------------------
# 19.3: artifacts.
# --------------------------------------------------------------------------------------


PNG = {"size": 12_000, "head": "89504e470d0a1a0a"}


def artifacts_run(C=0.03, matrix=None, figure=True, loss=None):
    matrix = matrix if matrix is not None else key._confusion(C)
    return run(
        "19.3",
        "confusion matrix",
        {"C": C},
        {"test_log_loss": loss if loss is not None else key._test_scores(C)["test_log_loss"]},
        artifacts=["confusion_matrix.json", *(["confusion_matrix.png"] if figure else [])],
        json={"confusion_matrix.json": {"labels": [0, 1, 2], "matrix": matrix}},
        files={"confusion_matrix.png": PNG} if figure else {},
    )


def test_19_3_artifacts():
    assert verdict("19.3", [artifacts_run()]).correct
    right = key._confusion(0.03)
    transposed = [list(col) for col in zip(*right, strict=True)]
    for forged_run in (
        artifacts_run(figure=False),
        artifacts_run(matrix=transposed),
        artifacts_run(matrix=[[15, 0, 0], [0, 18, 0], [0, 0, 12]]),
        artifacts_run(C=1.0),
        artifacts_run(loss=0.2),
        {**artifacts_run(), "json": {}},
    ):
        assert verdict("19.3", [forged_run]).status == "incorrect"


# --------------------------------------------------------------------------------------
# 19.4: the nested search.
# --------------------------------------------------------------------------------------


def search(best=None, cv=None, parent_of=None, grid=C_GRID, test_loss=None):
    parent_id = "p" * 32
    best = key._cv_best() if best is None else best
    children = [
        run(
            None,
            f"C={C}",
            {"C": C},
            {"cv_log_loss": (cv or {}).get(C, key._cv_log_loss(C))},
            id=f"{i:032x}",
            parent=parent_of or parent_id,
        )
        for i, C in enumerate(grid, 1)
    ]
    loss = key._test_scores(best)["test_log_loss"] if test_loss is None else test_loss
    parent = run("19.4", "search", {"best_C": best}, {"test_log_loss": loss}, id=parent_id)
    return [parent, *children]


def test_19_4_search():
    assert verdict("19.4", search()).correct
    picked_on_test = verdict("19.4", search(best=key._test_best()))
    assert picked_on_test.status == "incorrect" and "test set" in picked_on_test.message
    assert verdict("19.4", search(cv={C_GRID[0]: 0.01})).status == "incorrect"
    assert verdict("19.4", search(grid=C_GRID[1:])).status == "incorrect"
    assert verdict("19.4", search(grid=(*C_GRID, C_GRID[0]))).status == "incorrect"
    assert verdict("19.4", search(parent_of="f" * 32)).status == "incorrect"
    assert verdict("19.4", search(test_loss=0.001)).status == "incorrect"
    flat = [{**r, "parent": None} for r in search()]
    assert verdict("19.4", flat).status == "incorrect"


# --------------------------------------------------------------------------------------
# 19.5-19.8: the store and the registry (forged extracts).
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem_id", ["19.5", "19.6", "19.7", "19.8"])
def test_custom_right_and_wrong(problem_id):
    assert judged(problem_id, forged.RIGHT[problem_id]()).correct
    for wrong in forged.WRONG[problem_id]():
        assert judged(problem_id, wrong).status == "incorrect"


def test_19_7_an_alias_on_someone_elses_model_is_rejected():
    data = forged._champion()
    data["name"] = "wine-classifier-grace-hopper"
    outcome = judged("19.7", data)
    assert outcome.status == "incorrect" and "your own" in outcome.message


def test_19_7_params_that_do_not_match_the_registered_model_are_rejected():
    data = forged._champion()
    data["model"]["C"] = "3.0"  # the run claims C = 3; the model is C = 1's
    assert judged("19.7", data).status == "incorrect"


def test_19_7_no_learner_means_the_local_name():
    data = forged._champion() | {"learner": None, "name": "wine-classifier-local"}
    assert judged("19.7", data).correct


def test_19_5_reads_a_real_search_runs_frame():
    import pandas as pd

    data = forged._ranked()
    frame = pd.DataFrame(
        {
            "run_id": data["ids"],
            "experiment_id": "1",
            "status": "FINISHED",
            "start_time": pd.Timestamp(0),
            "metrics.cv_log_loss": data["cv"],
            "params.C": ["x"] * 4,
        }
    )
    collected = PROBLEMS["19.5"].extract({"ranked": frame})
    assert collected["ids"] == data["ids"] and collected["cv"] == data["cv"]


# --------------------------------------------------------------------------------------
# 19.9: reproduction.
# --------------------------------------------------------------------------------------


def reproduction(C=1.0, reproduces="b" * 32, inputs=None, loss=None):
    loss = key._test_scores(C)["test_log_loss"] if loss is None else loss
    repro = run(
        "19.9",
        "reproduction",
        {"C": C},
        {"test_log_loss": loss},
        inputs=training_input() if inputs is None else inputs,
    )
    if reproduces is not None:
        repro["tags"]["reproduces"] = reproduces
    return repro


def test_19_9_reproduction():
    assert verdict("19.9", [reproduction(), baseline()]).correct
    as_int = baseline()
    as_int["params"]["C"] = "1"  # the baseline logged C as "1", the reproduction as "1.0"
    assert verdict("19.9", [reproduction(), as_int]).correct
    for runs in (
        [reproduction(reproduces=None), baseline()],
        [reproduction(reproduces="c" * 32), baseline()],
        [reproduction(C=3.0), baseline()],
        [reproduction(inputs=training_input("1" * 8)), baseline()],
        [reproduction(loss=0.01), baseline()],
        [reproduction()],  # the baseline is not among the learner's runs
        [reproduction(), baseline(scores={"test_accuracy": 1.0, "test_log_loss": 0.01})],
    ):
        assert verdict("19.9", runs).status == "incorrect"


def test_knowledge_check_feedback_never_names_the_answer():
    for kc in ("kc1", "kc2", "kc3", "kc4", "kc5", "kc6"):
        entry = key.KEY[f"19.{kc}"]
        assert entry["answer"] not in entry["feedback"]
        assert len(entry["feedback"]) == 3


def test_19_8_the_decision_follows_cross_validation_not_the_test_set():
    """Against C = 2, the test wines favour C = 3 and cross-validation does not: the decision
    must follow the paired cross-validated comparison; against the baseline C = 1,
    cross-validation favours the challenger, so leaving the champion in place is wrong."""
    from mlcourse.keys.m19 import _paired_cv_difference, _test_scores

    assert _paired_cv_difference(3.0, 2.0) > 0
    assert _test_scores(3.0)["test_log_loss"] < _test_scores(2.0)["test_log_loss"]
    # a champion that is neither the baseline nor the search's choice is not one of the task
    odd = forged._challenger() | {"champion": forged._model("1", 2.0)}
    assert judged("19.8", odd).status == "incorrect"
    left = forged._challenger() | {"champion": forged._model("1", 1.0)}
    outcome = judged("19.8", left)
    assert outcome.status == "incorrect" and "cross-validated" in outcome.message


def test_19_1_rejects_a_baseline_with_another_c():
    assert verdict("19.1", [baseline(C=30.0)]).status == "incorrect"


def test_19_3_the_figure_must_be_a_drawn_png():
    right = artifacts_run()
    assert verdict("19.3", [{**right, "files": {"confusion_matrix.png": PNG}}]).correct
    for files in (
        {},  # not readable
        {"confusion_matrix.png": {"size": 12_000, "head": "68656c6c6f20776f"}},  # a text file
        {"confusion_matrix.png": {**PNG, "size": 2_400}},  # an empty figure
    ):
        assert verdict("19.3", [{**right, "files": files}]).status == "incorrect"


def test_19_5_rejects_hand_built_and_unfiltered_frames():
    import pandas as pd

    from mlcourse.checks import Fail

    data = forged._ranked()
    hand_built = pd.DataFrame({"run_id": data["ids"], "metrics.cv_log_loss": data["cv"]})
    with pytest.raises(Fail, match="experiment_id"):
        PROBLEMS["19.5"].extract({"ranked": hand_built})
    unfiltered = pd.DataFrame(
        {
            "run_id": [*data["ids"], "f" * 32],
            "experiment_id": "1",
            "status": "FINISHED",
            "start_time": pd.Timestamp(0),
            "metrics.cv_log_loss": [*data["cv"], math.nan],
        }
    )
    with pytest.raises(Fail, match="without `cv_log_loss`"):
        PROBLEMS["19.5"].extract({"ranked": unfiltered})


def test_19_8_differences_must_be_an_array_of_the_folds():
    from mlcourse.checks import Fail

    with pytest.raises(Fail, match="differences"):
        PROBLEMS["19.8"].extract({"challenger_uri": "models:/x@challenger", "differences": 0.1})
