"""configure(): the embedded store, learner identity, tags on plain MLflow runs, a server down."""

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import pytest

from mlcourse.tracking import (
    current_learner,
    default_tracking_uri,
    describe_tracking_uri,
    ensure_tracking_env,
    set_learner,
    validate_learner,
)

from .servers import free_port


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLCOURSE_LEARNER", raising=False)
    monkeypatch.delenv("_MLFLOW_SERVER_ARTIFACT_ROOT", raising=False)
    return tmp_path


def _python(code, env):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_embedded_store_is_under_the_course_root(course):
    uri = ensure_tracking_env()
    assert uri == default_tracking_uri() == f"sqlite:///{course}/.mlcourse/mlflow.db"
    assert os.environ["_MLFLOW_SERVER_ARTIFACT_ROOT"] == str(course / ".mlcourse" / "artifacts")
    assert describe_tracking_uri(uri).startswith("embedded store")


def test_an_existing_tracking_uri_wins(course, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://class.example:5000")
    assert ensure_tracking_env() == "http://class.example:5000"
    assert os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] == "2"


def test_learner_identity(course, monkeypatch):
    assert current_learner() is None
    assert set_learner("  ada.lovelace ") == "ada.lovelace"
    assert current_learner() == "ada.lovelace"
    monkeypatch.setenv("MLCOURSE_LEARNER", "grace")
    assert current_learner() == "grace"
    for bad in ("", "two words", "-dash", "x" * 65, "semi;colon"):
        with pytest.raises(ValueError, match="not valid"):
            validate_learner(bad)


def test_plain_mlflow_runs_carry_the_course_tags_and_artifacts_stay_in_the_course(course):
    env = {**os.environ, "MLCOURSE_ROOT": str(course), "MLCOURSE_LEARNER": "ada"}
    out = _python(
        """
        import mlflow, mlcourse
        from mlcourse.tracking import configure, run
        info = configure("07")
        with mlflow.start_run():
            mlflow.log_metric("roc_auc", 0.91)
        with run("07.9", run_name="tagged"):
            mlflow.log_param("C", 1.0)
        runs = mlflow.search_runs(order_by=["attributes.start_time ASC"])
        print(info.experiment)
        print(sorted(set(runs["tags.mlcourse.learner"])), sorted(set(runs["tags.mlcourse.module"])))
        print(runs["tags.mlcourse.exercise"].tolist()[-1], runs["tags.mlcourse.course_version"].notna().all())
        print(runs["artifact_uri"].str.startswith(mlcourse.course_root().as_posix() + "/.mlcourse/artifacts").all())
        """,
        env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split("\n")[:4] == [
        "mlcourse/07_classification_evaluation",
        "['ada'] ['07']",
        "07.9 True",
        "True",
    ]
    assert not (course / "mlruns").exists()


def test_four_processes_configure_a_fresh_store_at_once(course):
    env = {**os.environ, "MLCOURSE_ROOT": str(course)}
    code = """
        import mlflow
        from mlcourse.tracking import configure
        configure("07", learner="p{i}")
        with mlflow.start_run():
            mlflow.log_metric("x", {i})
        print("ok")
        """
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: _python(code.format(i=i), env), range(4)))
    for result in results:
        assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-3000:]
    check = _python(
        "import mlflow; from mlcourse.tracking import configure; configure('07'); print(len(mlflow.search_runs()))",
        env,
    )
    assert check.stdout.strip() == "4", check.stderr[-2000:]


def test_a_server_that_is_down_gives_a_clear_message_and_the_notebook_keeps_working(course):
    env = {
        **os.environ,
        "MLCOURSE_ROOT": str(course),
        "MLFLOW_TRACKING_URI": f"http://127.0.0.1:{free_port()}",
    }
    out = _python(
        """
        import mlflow, mlcourse
        mlcourse.setup_notebook(seed=1, module="07")
        with mlflow.start_run():
            mlflow.log_metric("x", 1.0)
        print("logged", len(mlflow.search_runs()))
        """,
        env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "is not answering" in out.stdout and "nothing is lost" in out.stdout
    assert "logged 1" in out.stdout
    assert (course / ".mlcourse" / "mlflow.db").is_file()
