"""Leaderboard ranking, LoggedRun checks and progress, on a real SQLite store."""

import json

import pytest
from mlflow.tracking import MlflowClient

from mlcourse._curriculum import experiment_name
from mlcourse.checks import LoggedRun
from mlcourse.exercises import get_module
from mlcourse.tracking import leaderboard, lower_is_better, prepare_store
from mlcourse.tracking._progress import collect_statuses, format_progress


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store")
    uri = f"sqlite:///{path}/mlflow.db"
    prepare_store(uri, str(path / "artifacts"))
    return uri


def _log(client, experiment, learner, metrics, name="", params=None, exercise=None, end=True):
    tags = {"mlcourse.learner": learner} if learner else {}
    if exercise:
        tags["mlcourse.exercise"] = exercise
    run = client.create_run(experiment, tags=tags, run_name=name)
    for key, value in metrics.items():
        client.log_metric(run.info.run_id, key, value)
    for key, value in (params or {}).items():
        client.log_param(run.info.run_id, key, value)
    if end:
        client.set_terminated(run.info.run_id)


@pytest.fixture(scope="module")
def board(store):
    client = MlflowClient(store)
    experiment = client.create_experiment("mlcourse/06_ml_workflow_regression")
    _log(client, experiment, "ada", {"rmse": 50.0}, "a1")
    _log(client, experiment, "ada", {"rmse": 45.0}, "a2")
    _log(client, experiment, "bob", {"rmse": 45.0}, "b1")  # a tie with ada, logged later
    _log(client, experiment, "cy", {"rmse": 60.0, "r2": 0.4}, "c1")
    _log(client, experiment, "dee", {"mae": 3.0}, "d1")  # never logged rmse
    _log(client, experiment, None, {"rmse": 1.0}, "untagged")  # no learner: does not count
    _log(client, experiment, "bob", {}, "ghost", end=False)  # a retried create's ghost
    _log(client, experiment, "cy", {"rmse": 70.0}, "c2", end=False)  # running, has logged
    return client


def test_lower_is_better_guess():
    assert lower_is_better("rmse") and lower_is_better("val_loss") and lower_is_better("MAE")
    assert not lower_is_better("roc_auc") and not lower_is_better("accuracy")


def test_best_run_per_learner_ties_and_missing(board):
    frame = leaderboard("06", "rmse", client=board)
    assert frame["learner"].tolist() == ["ada", "bob", "cy", "dee"]
    assert frame["rank"].tolist()[:3] == [1, 1, 3] and frame["rank"].isna().tolist()[3]
    assert frame["value"].tolist()[:3] == [45.0, 45.0, 60.0]
    assert frame["runs"].tolist() == [2, 1, 2, 1]
    assert frame["best_run"].tolist()[:2] == ["a2", "b1"]


def test_database_fast_path_agrees_with_the_search_api(board, store, monkeypatch):
    import mlflow

    monkeypatch.setattr(mlflow, "get_tracking_uri", lambda: store)
    for metric, lower in (("rmse", None), ("r2", None), ("rmse", False)):
        fast = leaderboard("06", metric, lower=lower)
        slow = leaderboard("06", metric, lower=lower, client=board)
        assert fast.equals(slow), (fast, slow)


def test_higher_is_better_and_top(board):
    frame = leaderboard("06", "rmse", lower=False, top=1, client=board)
    assert frame["learner"].tolist() == ["cy"]
    assert leaderboard("06", "r2", client=board)["learner"].tolist()[0] == "cy"


def test_empty_module(board):
    assert leaderboard("05", "rmse", client=board).empty


def test_logged_run_problem(store, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store)
    monkeypatch.setenv("MLCOURSE_LEARNER", "eve")
    client = MlflowClient(store)
    experiment = client.create_experiment("mlcourse/07_classification_evaluation")
    # ids without an entry in the answer key: the conditions alone decide
    problem = LoggedRun(
        "07.90", params=("C",), metrics={"roc_auc": 0.9}, tagged=True, hints=["log it"]
    )
    assert problem.check({}).status == "not_attempted"
    _log(client, experiment, "eve", {"roc_auc": 0.85}, "weak", {"C": "1.0"}, exercise="07.90")
    outcome = problem.check({})
    assert outcome.status == "incorrect" and "`roc_auc` is 0.85" in outcome.message
    _log(client, experiment, "eve", {"roc_auc": 0.95}, "untagged", {"C": "1.0"})
    assert problem.check({}).status == "incorrect"  # not tagged with the exercise
    _log(client, experiment, "mallory", {"roc_auc": 0.99}, "other", {"C": "1"}, exercise="07.90")
    assert problem.check({}).status == "incorrect"  # someone else's run
    _log(client, experiment, "eve", {"roc_auc": 0.93}, "good", {"C": "0.1"}, exercise="07.90")
    assert problem.check({}).correct
    no_param = LoggedRun("07.91", params=("penalty",), metrics={"roc_auc": 0.5})
    assert "`penalty` was not logged" in no_param.check({}).message
    with pytest.raises(ValueError):
        LoggedRun("07.92", metrics={"x": ("==", 1)})


def test_progress_from_local_events(tmp_path, monkeypatch):
    events = tmp_path / "events.jsonl"
    rows = [
        {"learner": "ada", "module": "00", "problem": "00.1", "status": "incorrect"},
        {"learner": "ada", "module": "00", "problem": "00.1", "status": "correct"},
        {"learner": "ada", "module": "00", "problem": "00.kc1", "status": "correct"},
        {"learner": "bob", "module": "00", "problem": "00.2", "status": "correct"},
    ]
    events.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("MLCOURSE_EVENTS", str(events))
    statuses = collect_statuses()
    assert statuses[("ada", "00")] == {"00.1": "correct", "00.kc1": "correct"}
    text = format_progress(collect_statuses("ada"))
    total = len(get_module("00").problems)
    assert text.startswith("ada:") and f"2/{total} solved" in text and "bob" not in text
    assert "open: q2 q3" in text


@pytest.fixture(scope="module")
def hard_board(store):
    """Module 08's experiment: what breaks a naive aggregate, on the same store."""
    client = MlflowClient(store)
    experiment = client.create_experiment("mlcourse/08_trees_ensembles")

    def log(learner, metrics, name, *, end=True, start=None, delete=False):
        tags = {"mlcourse.learner": learner} if learner is not None else {}
        run = client.create_run(experiment, tags=tags, run_name=name, start_time=start)
        for key, value in metrics.items():
            client.log_metric(run.info.run_id, key, value)
        if end:
            client.set_terminated(run.info.run_id)
        if delete:
            client.delete_run(run.info.run_id)
        return run.info.run_id

    same = 1_700_000_000_000
    twins = {log("tia", {"acc": 0.8}, f"t{i}", start=same): f"t{i}" for i in range(3)}
    log("tia", {"acc": float("nan")}, "t-nan")
    log("nan", {"acc": float("nan")}, "n1")  # only NaN: unranked, still counted
    log("nan", {"acc": float("nan")}, "n-running", end=False)  # RUNNING with NaN: not counted
    log("inf", {"acc": float("inf")}, "i1")  # stored as the largest double
    log("minf", {"acc": float("-inf")}, "m1")
    log("gone", {"acc": 0.99}, "g1", delete=True)  # only a deleted run: absent
    log("ann", {"acc": 0.99}, "a-deleted", delete=True)
    log("ann", {"acc": 0.7}, "a1")
    log("ann", {}, "a-ghost", end=False)
    log("ann", {"loss": 0.1}, "a-running", end=False)  # running, no acc: not counted for acc
    log("", {"acc": 1.0}, "empty-tag")  # an empty learner tag: does not count
    log("zed", {"acc": 0.7}, "z1", start=same - 1)  # ties ann's 0.7, started earlier
    return client, twins[min(twins)]  # equal value and start: the smallest run id wins


def test_sql_aggregate_agrees_with_the_search_api_on_hard_cases(hard_board, store, monkeypatch):
    import mlflow

    client, first_twin = hard_board
    monkeypatch.setattr(mlflow, "get_tracking_uri", lambda: store)
    for metric, lower in (("acc", False), ("acc", True), ("loss", None), ("absent", None)):
        fast = leaderboard("08", metric, lower=lower)
        slow = leaderboard("08", metric, lower=lower, client=client)
        assert fast.equals(slow), (metric, lower, fast, slow)
    frame = leaderboard("08", "acc", lower=False)
    # +-inf, stored by MLflow as the largest double, is no score, like NaN
    assert frame["learner"].tolist() == ["tia", "zed", "ann", "inf", "minf", "nan"]
    assert (
        frame["rank"].tolist()[:3] == [1, 2, 2] and frame["rank"].isna().tolist()[3:] == [True] * 3
    )
    assert frame["value"].tolist()[:3] == [0.8, 0.7, 0.7]
    assert frame["runs"].tolist() == [4, 1, 1, 1, 1, 1]
    assert frame["best_run"].tolist() == [first_twin, "z1", "a1", "", "", ""]
    lowest = leaderboard("08", "acc", lower=True)
    assert lowest["learner"].tolist()[:3] == ["zed", "ann", "tia"]  # -inf does not come first


def test_a_file_store_and_a_database_agree_that_inf_is_no_score(tmp_path, monkeypatch):
    import mlflow

    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # a file store keeps inf as inf
    boards = []
    for uri in (f"sqlite:///{tmp_path}/inf.db", str(tmp_path / "mlruns")):
        if uri.startswith("sqlite"):
            prepare_store(uri, str(tmp_path / "artifacts"))
        client = MlflowClient(uri)
        experiment = client.create_experiment(experiment_name("09"))
        _log(client, experiment, "ada", {"acc": 0.5}, "a1")
        _log(client, experiment, "inf", {"acc": float("inf")}, "i1")
        _log(client, experiment, "minf", {"acc": float("-inf")}, "m1")
        boards.append(leaderboard("09", "acc", lower=False, client=client))
    monkeypatch.setattr(mlflow, "get_tracking_uri", lambda: f"sqlite:///{tmp_path}/inf.db")
    boards.append(leaderboard("09", "acc", lower=False))
    for board in boards:
        assert board["learner"].tolist() == ["ada", "inf", "minf"], board
        assert board["rank"].isna().tolist() == [False, True, True], board


class _ClassLogging:
    """A client whose search API pages 2 runs at a time while the class keeps logging: after
    the first page a learner starts a run, or deletes the first run already read."""

    def __init__(self, client, experiment, change):
        self.client, self.experiment, self.change = client, experiment, change
        self.pages = 0

    def get_experiment_by_name(self, name):
        return self.client.get_experiment_by_name(name)

    def search_runs(self, experiment_ids, **options):
        page = self.client.search_runs(experiment_ids, **{**options, "max_results": 2})
        self.pages += 1
        if self.pages == 1 and self.change == "start":
            run = self.client.create_run(
                self.experiment, tags={"mlcourse.learner": "dan"}, run_name="d1"
            )
            self.client.log_metric(run.info.run_id, "acc", 0.4)
            self.client.set_terminated(run.info.run_id)
        elif self.pages == 1:
            self.client.delete_run(page[0].info.run_id)
        return page


@pytest.mark.parametrize("change", ["start", "delete"])
def test_paging_while_the_class_logs_reads_each_run_once(store, change):
    client = MlflowClient(store)
    experiment = client.create_experiment(experiment_name("10") + "-" + change)
    for k in range(4):
        run = client.create_run(
            experiment, tags={"mlcourse.learner": "ada"}, run_name=f"a{k}", start_time=1000 + k
        )
        client.log_metric(run.info.run_id, "acc", 0.5 + k / 10)
        client.set_terminated(run.info.run_id)
    for k in range(3):  # more runs with one start time than a page holds
        run = client.create_run(
            experiment, tags={"mlcourse.learner": "cy"}, run_name=f"c{k}", start_time=2000
        )
        client.log_metric(run.info.run_id, "acc", 0.1)
        client.set_terminated(run.info.run_id)
    busy = _ClassLogging(client, experiment, change)
    busy.get_experiment_by_name = lambda _name: client.get_experiment(experiment)
    frame = leaderboard("10", "acc", lower=False, client=busy).set_index("learner")
    # every run there when reading began is read once (a run deleted after it was read
    # included); a run started meanwhile is read at most once
    assert frame.loc["ada", "runs"] == 4 and frame.loc["ada", "best_run"] == "a3"
    assert frame.loc["cy", "runs"] == 3
    assert frame["runs"].get("dan", 1) == 1
    assert busy.pages >= 4  # it did page
