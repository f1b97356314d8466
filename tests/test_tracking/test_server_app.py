"""The class server's leaderboard endpoint (``mlflow server --app-name mlcourse``).

Two real servers on loopback share one SQLite store: one with the course's app, one plain
MLflow. Through either, ``leaderboard()`` must give the frame the database gives; through the
first it comes from the endpoint, through the second from the search API.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import mlflow
import pytest
from flask import Flask
from mlflow.server.constants import (
    BACKEND_STORE_URI_ENV_VAR,
    READ_REPLICA_BACKEND_STORE_URI_ENV_VAR,
)
from mlflow.tracking import MlflowClient

from mlcourse.tracking import _leaderboard, leaderboard, prepare_store
from mlcourse.tracking._leaderboard import LEADERBOARD_ENDPOINT, _rows_frame, frame_rows
from mlcourse.tracking._serve import serve_command, serve_environment
from mlcourse.tracking._server_app import create_app, store_uri
from mlcourse.tracking._store import wait_until_up

from .servers import free_port

MODULE = "07"
# (metric, lower, top): guessed and forced directions, cuts, a name with a slash and a space,
# and a metric nobody logged
QUERIES = (
    ("score", None, None),
    ("score", True, None),
    ("score", None, 2),
    ("val/loss 1", None, None),
    ("val/loss 1", False, 1),
    ("absent", None, None),
    ("score", None, 10**7),  # beyond what the endpoint takes: the client sends its largest
)


def _log(client, experiment, learner, metrics, name, end=True, delete=False):
    tags = {"mlcourse.learner": learner} if learner else {}
    run = client.create_run(experiment, tags=tags, run_name=name, start_time=len(name) * 1000)
    for key, value in metrics.items():
        client.log_metric(run.info.run_id, key, value)
    if end:
        client.set_terminated(run.info.run_id)
    if delete:
        client.delete_run(run.info.run_id)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A SQLite store with what a class leaves: ties, NaN, inf, no metric, ghosts, deletions."""
    path = tmp_path_factory.mktemp("store")
    uri = f"sqlite:///{path}/mlflow.db"
    prepare_store(uri, str(path / "artifacts"))
    client = MlflowClient(uri)
    experiment = client.create_experiment("mlcourse/07_classification_evaluation")
    _log(client, experiment, "ada", {"score": 0.8, "val/loss 1": 0.3}, "a1")
    _log(client, experiment, "ada", {"score": 0.9}, "a22")
    _log(client, experiment, "bob", {"score": 0.9, "val/loss 1": 0.3}, "b333")  # ties, later
    _log(client, experiment, "cy", {"score": math.nan, "val/loss 1": 0.1}, "c1")
    _log(client, experiment, "cy", {"score": 0.5}, "c22", end=False)  # running, has logged
    _log(client, experiment, "dee", {"score": math.inf}, "d1")  # inf is no score
    _log(client, experiment, "eve", {"accuracy": 1.0}, "e1")  # never logged score
    _log(client, experiment, "bob", {}, "ghost", end=False)  # a retried create's ghost
    _log(client, experiment, "fay", {"score": 0.99}, "f1", delete=True)  # deleted
    _log(client, experiment, None, {"score": 1.0}, "untagged")
    return uri


def _server_command(port, artifacts, with_app):
    """``serve_command``'s server with the course's app or without (a plain MLflow server)."""
    command = serve_command(host="127.0.0.1", port=port, artifacts=artifacts, workers=1)
    if "--app-name" in command:
        at = command.index("--app-name")
        del command[at : at + 2]
    return command + (["--app-name", "mlcourse"] if with_app else [])


@pytest.fixture(scope="module")
def servers(store, tmp_path_factory):
    """``{"app": URI, "plain": URI}``: both servers on the store, started side by side."""
    tmp = tmp_path_factory.mktemp("servers")
    env = serve_environment(store)
    env.pop("MLFLOW_TRACKING_URI", None)
    started = {}
    with contextlib.ExitStack() as stack:
        for name in ("app", "plain"):
            port = free_port()
            log = tmp / f"{name}.log"
            process = subprocess.Popen(
                _server_command(port, tmp / "artifacts", with_app=name == "app"),
                stdout=stack.enter_context(log.open("w")),
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
            stack.callback(_stop, process)
            started[name] = (process, f"http://127.0.0.1:{port}", log)
        for process, uri, log in started.values():
            wait_until_up(process, uri, log, seconds=90)
        yield {name: uri for name, (_, uri, _) in started.items()}


def _stop(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)  # gunicorn's quick shutdown
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a loaded machine: a worker still finishing a request
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def _get(uri, **params):
    """Status, headers and JSON body of a GET on the leaderboard endpoint."""
    url = f"{uri}{LEADERBOARD_ENDPOINT}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read())
    except urllib.error.HTTPError as error:
        body = error.read()
        try:
            return error.code, error.headers, json.loads(body)
        except ValueError:
            return error.code, error.headers, None


def _on_database(store, metric, lower, top):
    mlflow.set_tracking_uri(store)
    return leaderboard(MODULE, metric, lower=lower, top=top)


def test_through_the_endpoint_the_frame_is_the_database_one(store, servers, monkeypatch):
    def search_api(*_args):
        raise AssertionError("the search API was read: the endpoint was not used")

    for metric, lower, top in QUERIES:
        expected = _on_database(store, metric, lower, top)
        searched = leaderboard(
            MODULE, metric, lower=lower, top=top, client=MlflowClient(servers["app"])
        )
        with monkeypatch.context() as patch:
            patch.setattr(_leaderboard, "_fetch_runs", search_api)
            mlflow.set_tracking_uri(servers["app"])
            served = leaderboard(MODULE, metric, lower=lower, top=top)
        assert served.equals(expected), (metric, lower, top, served, expected)
        assert searched.equals(expected), (metric, lower, top, searched, expected)
    board = _on_database(store, "score", None, None).set_index("learner")
    assert board.loc["ada", "rank"] == board.loc["bob", "rank"]  # a tie, whatever came first
    assert board.loc["cy", "value"] == 0.5 and board.loc["cy", "runs"] == 2  # NaN is no score
    assert board.loc["bob", "runs"] == 1 and "fay" not in board.index  # no ghost, no deleted
    assert board["rank"].isna().tolist()[-1] and board.index[-1] == "eve"


def test_a_plain_server_gives_the_same_frame_through_the_search_api(store, servers, monkeypatch):
    searched = []
    fetch = _leaderboard._fetch_runs
    monkeypatch.setattr(
        _leaderboard, "_fetch_runs", lambda *args: searched.append(args) or fetch(*args)
    )
    for metric, lower, top in QUERIES[:3]:
        expected = _on_database(store, metric, lower, top)
        mlflow.set_tracking_uri(servers["plain"])
        assert leaderboard(MODULE, metric, lower=lower, top=top).equals(expected)
    assert len(searched) == 3
    assert _get(servers["plain"], module=MODULE, metric="score")[0] == 404


def test_the_endpoint_answers_one_row_per_learner_in_json(servers):
    status, headers, body = _get(servers["app"], module=MODULE, metric="score", mode="max")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    assert body["format"] == 1 and body["lower"] is False and body["metric"] == "score"
    rows = {row["learner"]: row for row in body["rows"]}
    assert sorted(rows) == ["ada", "bob", "cy", "dee", "eve"]
    assert rows["ada"] == {"rank": 1, "learner": "ada", "value": 0.9, "runs": 2, "best_run": "a22"}
    assert rows["bob"]["rank"] == 1 and rows["cy"]["value"] == 0.5
    assert rows["dee"]["rank"] is None and rows["dee"]["value"] is None  # inf is no score
    assert rows["eve"]["rank"] is None and rows["eve"]["value"] is None


@pytest.mark.parametrize(
    "params",
    [{"module": "7", "metric": "score"}, {"module": "07", "metric": "score; DROP TABLE runs"}],
)
def test_the_server_refuses_bad_parameters(servers, params):
    status, _, body = _get(servers["app"], **params)
    assert status == 400 and body["error"]


def _client(monkeypatch, store_uri_value=None):
    """A test client of a fresh Flask app with the endpoint, on ``store_uri_value``."""
    for name in (BACKEND_STORE_URI_ENV_VAR, READ_REPLICA_BACKEND_STORE_URI_ENV_VAR):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("_MLFLOW_SGI_NAME", raising=False)
    if store_uri_value:
        monkeypatch.setenv("MLFLOW_BACKEND_STORE_URI", store_uri_value)
    else:
        monkeypatch.delenv("MLFLOW_BACKEND_STORE_URI", raising=False)
    return create_app(Flask("mlcourse-test")).test_client()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "metric=score",
        "module=07",
        "module=99&metric=score",
        "module=07x&metric=score",
        "module=07%0A&metric=score",
        "module=07&metric=",
        "module=07&metric=" + "m" * 251,
        "module=07&metric=score%0A",
        "module=07&metric=a%27b",
        "module=07&metric=score&mode=up",
        "module=07&metric=score&top=0",
        "module=07&metric=score&top=-1",
        "module=07&metric=score&top=1e3",
        "module=07&metric=score&top=1000000",
        "module=07&metric=score&module=08",
        "module=07&metric=score&sql=1",
    ],
)
def test_every_bad_parameter_gets_a_400_with_a_json_error(monkeypatch, store, query):
    response = _client(monkeypatch, store).get(f"{LEADERBOARD_ENDPOINT}?{query}")
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]


def test_the_endpoint_only_reads(monkeypatch, store):
    client = _client(monkeypatch, store)
    url = f"{LEADERBOARD_ENDPOINT}?module=07&metric=score"
    assert client.get(url).status_code == 200
    for method in (client.post, client.put, client.delete, client.patch):
        assert method(url).status_code == 405


def test_a_store_that_is_not_a_database_has_no_leaderboard(monkeypatch, tmp_path):
    response = _client(monkeypatch, str(tmp_path / "mlruns")).get(
        f"{LEADERBOARD_ENDPOINT}?module=07&metric=score"
    )
    assert response.status_code == 404 and response.get_json()["error"]


def test_the_read_replica_is_read_first(monkeypatch):
    monkeypatch.setenv("MLFLOW_BACKEND_STORE_URI", "sqlite:///a.db")
    monkeypatch.setenv(BACKEND_STORE_URI_ENV_VAR, "sqlite:///b.db")
    assert store_uri() == "sqlite:///b.db"
    monkeypatch.setenv(READ_REPLICA_BACKEND_STORE_URI_ENV_VAR, "sqlite:///c.db")
    assert store_uri() == "sqlite:///c.db"


def test_under_uvicorn_the_app_is_mlflows_fastapi_one(monkeypatch, store):
    from starlette.testclient import TestClient

    monkeypatch.setenv("MLFLOW_BACKEND_STORE_URI", store)
    monkeypatch.setenv("_MLFLOW_SGI_NAME", "uvicorn")
    app = create_app(Flask("mlcourse-uvicorn-test"))
    assert type(app).__name__ == "FastAPI"
    response = TestClient(app, base_url="http://localhost").get(
        f"{LEADERBOARD_ENDPOINT}?module=07&metric=score"
    )
    assert response.status_code == 200
    assert response.json()["rows"] == frame_rows(_on_database(store, "score", None, None))


def test_rows_make_the_same_frame_again(store):
    for metric, lower, top in QUERIES:
        frame = _on_database(store, metric, lower, top)
        assert _rows_frame(json.loads(json.dumps(frame_rows(frame)))).equals(frame)


class _Answer:
    def __init__(self, status, body, content_type="application/json"):
        self.status_code, self._body = status, body
        self.headers = {"Content-Type": content_type}

    def json(self):
        return json.loads(self._body)


_ASKED = {"module": "07", "metric": "acc", "lower": False}
_ROW = {"rank": 1, "learner": "ada", "value": 0.9, "runs": 1, "best_run": "a1"}


def _board(rows, **echo):
    """A leaderboard answer's JSON: the query asked for (changed by ``echo``) and ``rows``."""
    return json.dumps({"format": 1, **_ASKED, **echo, "rows": rows})


def _rows(*changes):
    """Rows ranked 1, 2, ... with values 0.9, 0.8, ..., each changed by its dict."""
    return [
        {**_ROW, "rank": k + 1, "learner": f"l{k}", "value": 0.9 - k / 10, **change}
        for k, change in enumerate(changes)
    ]


@pytest.mark.parametrize(
    "answer",
    [
        _Answer(200, "<html>MLflow</html>", "text/html"),
        _Answer(404, '{"error": "no"}'),
        _Answer(200, "not json"),
        _Answer(200, '{"format": 2, "rows": []}'),
        _Answer(200, '{"format": 1, "rows": [{"learner": "ada"}]}'),
        _Answer(200, '{"format": 1, "rows": {}}'),
        _Answer(200, json.dumps({"format": 1, "rows": [_ROW]})),  # echoes no query
        # another query's leaderboard
        _Answer(200, _board([_ROW], module="08")),
        _Answer(200, _board([_ROW], metric="f1")),
        _Answer(200, _board([_ROW], lower=True)),
        _Answer(200, _board([_ROW], lower=0)),
        # a row of the wrong types
        _Answer(200, _board(_rows({"value": "abc"}))),
        _Answer(200, _board(_rows({"rank": 1.5}))),
        _Answer(200, _board(_rows({"rank": True}))),
        _Answer(200, _board(_rows({"rank": 0}))),
        _Answer(200, _board(_rows({"runs": None}))),
        _Answer(200, _board(_rows({"runs": -1}))),
        _Answer(200, _board(_rows({"learner": ""}))),
        _Answer(200, _board(_rows({"learner": 7}))),
        _Answer(200, _board(_rows({"best_run": None}))),
        _Answer(200, _board(_rows({"value": 1.7976931348623157e308}))),
        _Answer(200, _board(_rows({"value": None}))),  # a rank without a score
        _Answer(200, _board(_rows({}, {"rank": None}))),  # a score without a rank
        # rows out of order
        _Answer(200, _board(_rows({"rank": 2}, {"rank": 1}))),
        _Answer(200, _board(_rows({}, {"value": 0.95}))),  # worse value ranked first
        _Answer(200, _board(_rows({}, {"rank": 1}))),  # a shared rank without a tie
        _Answer(200, _board(_rows({}, {"learner": "l0"}))),  # one learner twice
        _Answer(200, _board([{**_ROW, "rank": None, "value": None, "learner": "z"}, _ROW])),
    ],
)
def test_anything_but_the_leaderboard_asked_for_means_no_endpoint(answer):
    assert _leaderboard._endpoint_rows(answer, "07", "acc", False) is None


def test_a_cut_answer_holds_the_top_ranks_only():
    rows = _rows({}, {}, {})
    assert _leaderboard._endpoint_rows(_Answer(200, _board(rows)), "07", "acc", False, 3) == rows
    assert _leaderboard._endpoint_rows(_Answer(200, _board(rows)), "07", "acc", False, 2) is None
    unranked = [*rows[:1], {**_ROW, "rank": None, "value": None, "learner": "z"}]
    assert (
        _leaderboard._endpoint_rows(_Answer(200, _board(unranked)), "07", "acc", False, 1) is None
    )


def test_a_leaderboard_answer_is_read():
    rows = [
        *_rows({}, {"value": 0.9, "rank": 1}, {"value": 0.5, "rank": 3}),
        {**_ROW, "rank": None, "value": None, "learner": "z", "runs": 0, "best_run": ""},
    ]
    answer = _Answer(200, _board(rows))
    assert _leaderboard._endpoint_rows(answer, "07", "acc", False) == rows
    lowest = _Answer(200, _board(list(reversed(rows[:3])), lower=True))
    assert _leaderboard._endpoint_rows(lowest, "07", "acc", True) is None  # ranks 3, 1, 1
    ascending = [
        {**_ROW, "rank": 1, "learner": "a", "value": 0.1},
        {**_ROW, "rank": 2, "learner": "b", "value": 0.2},
        {**_ROW, "rank": 2, "learner": "c", "value": 0.2},
    ]
    read = _leaderboard._endpoint_rows(
        _Answer(200, _board(ascending, lower=True)), "07", "acc", True
    )
    assert read == ascending


class _FakeServer:
    """A loopback HTTP server answering /health and the leaderboard endpoint as told."""

    def __init__(self):
        import http.server
        import threading

        self.answer = (200, "application/json", "{}")
        self.delay = 0.0
        self.asked = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                fake.asked.append(self.path)
                if self.path.startswith(LEADERBOARD_ENDPOINT):
                    time.sleep(fake.delay)
                    status, content_type, body = fake.answer
                else:
                    status, content_type, body = 200, "text/plain", "OK"
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake(monkeypatch):
    """A fake class server as the tracking URI; the search API records being read."""
    server = _FakeServer()
    monkeypatch.setattr(_leaderboard, "ENDPOINT_TIMEOUT_S", 0.5)
    searched = []
    monkeypatch.setattr(_leaderboard, "_fetch_runs", lambda *args: searched.append(args) or [])
    mlflow.set_tracking_uri(server.uri)
    server.searched = searched
    yield server
    server.close()


@pytest.mark.parametrize(
    "answer",
    [
        (404, "text/html", "<h1>Not Found</h1>"),
        (405, "text/html", "<h1>Method Not Allowed</h1>"),
        (200, "text/html", "<html>MLflow</html>"),
        (200, "application/json", _board(_rows({"value": "abc"}))),
        (200, "application/json", _board(_rows({"rank": 1.5}))),
        (200, "application/json", _board([_ROW], module="99")),
    ],
)
def test_no_endpoint_or_another_answer_falls_back_to_the_search_api(fake, answer):
    fake.answer = answer
    assert leaderboard("07", "acc", lower=False).empty
    assert len(fake.searched) == 1


def test_a_slow_server_is_an_error_not_a_search_of_every_run(fake):
    fake.delay = 2.0
    with pytest.raises(_leaderboard.LeaderboardUnavailable, match="did not answer within 0.5 s"):
        leaderboard("07", "acc", lower=False)
    assert fake.searched == []


def test_a_failing_server_is_an_error_not_a_search_of_every_run(fake):
    fake.answer = (503, "application/json", '{"error": "the tracking database did not answer"}')
    with pytest.raises(_leaderboard.LeaderboardUnavailable, match="HTTP 503"):
        leaderboard("07", "acc", lower=False)
    assert fake.searched == []


def test_an_unreachable_server_is_an_error_without_its_password(monkeypatch):
    monkeypatch.setattr(
        _leaderboard, "_fetch_runs", lambda *_: pytest.fail("the search API was read")
    )
    uri = f"http://ada:pw-0123@127.0.0.1:{free_port()}"
    with pytest.raises(_leaderboard.LeaderboardUnavailable, match="cannot connect") as error:
        _leaderboard._server_leaderboard(uri, "07", "acc", False, None)
    assert "pw-0123" not in str(error.value) and "127.0.0.1" in str(error.value)


def test_the_command_says_so_in_one_line(fake, monkeypatch, tmp_path, capsys):
    from mlcourse.cli import main

    fake.delay = 2.0
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", fake.uri)
    assert main(["leaderboard", "07", "--metric", "acc"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("mlcourse leaderboard: error: "), err
    assert "did not answer within 0.5 s" in err and "Traceback" not in err
    assert fake.searched == []
