"""The retraining template: ``retrain.py`` run exactly as ``retrain.yml`` runs it.

Each test gets its own SQLite tracking store. The command is read from the workflow's run step
(its ``$VARIABLES`` replaced by the step's ``env:`` values, with the ``${{ ... }}`` expressions
a repository would supply), so a change of options in one file and not the other fails here.
The cases that need no separate process call the script's ``main`` in this process.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "ci" / "templates" / "retraining"
SCRIPT = "ci/templates/retraining/retrain.py"
NAME = "drift-classifier-test"
FEATURES = ["x1", "x2", "x3", "x4"]
EXPRESSIONS = {
    "vars.MODEL_NAME": NAME,
    "vars.EXPERIMENT || 'retraining'": "retraining",
    "inputs.margin || '0.02'": "0.02",
}


def _workflow() -> dict:
    return yaml.safe_load((TEMPLATE / "retrain.yml").read_text(encoding="utf-8"))


def _run_step() -> dict:
    steps = _workflow()["jobs"]["retrain"]["steps"]
    runs = [step for step in steps if SCRIPT in step.get("run", "")]
    assert len(runs) == 1, "the workflow should call retrain.py in exactly one step"
    return runs[0]


def workflow_command() -> list[str]:
    """The workflow's command with its step variables filled in, as argv."""

    def fill(match: re.Match) -> str:
        return EXPRESSIONS[match.group(1).strip()]

    step = _run_step()
    values = {
        key: re.sub(r"\$\{\{(.*?)\}\}", fill, value)
        for key, value in step["env"].items()
        if "secrets." not in value
    }
    text = re.sub(r"\$([A-Z_]+)", lambda m: values[m.group(1)], step["run"])
    argv = shlex.split(text)
    assert argv[0] == "python"
    return [sys.executable, *argv[1:]]


def load_script():
    """``retrain.py`` imported from its path, to call ``main`` in this process."""
    spec = importlib.util.spec_from_file_location("retrain_template", ROOT / SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drift_csv(path: Path, rows: tuple[int, int], columns: list[str] | None = None) -> Path:
    """Rows of the drift stream written as a CSV of 'recent labelled rows'."""
    from mlcourse.datasets import make_drift_stream

    part = make_drift_stream().iloc[rows[0] : rows[1]]
    part[columns or [*FEATURES, "target"]].to_csv(path, index=False)
    return path


@pytest.fixture
def store(tmp_path, monkeypatch):
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    import mlflow

    mlflow.set_tracking_uri(uri)
    yield uri
    mlflow.set_tracking_uri(None)


def run(argv: list[str], uri: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MLFLOW_TRACKING_URI": uri}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def register_champion(rows: tuple[int, int]) -> str:
    """Register a logistic regression trained on ``rows`` and give it the alias; its version."""
    import mlflow
    import sklearn
    from sklearn.linear_model import LogisticRegression

    from mlcourse.datasets import make_drift_stream

    part = make_drift_stream().iloc[rows[0] : rows[1]]
    model = LogisticRegression().fit(part[FEATURES], part["target"])
    mlflow.set_experiment("setup")
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            registered_model_name=NAME,
            pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
        )
    version = str(info.registered_model_version)
    mlflow.MlflowClient().set_registered_model_alias(NAME, "champion", version)
    return version


def alias_version() -> str | None:
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        return str(MlflowClient().get_model_version_by_alias(NAME, "champion").version)
    except MlflowException:
        return None


def decision_runs() -> list:
    import mlflow

    experiment = mlflow.get_experiment_by_name("retraining")
    if experiment is None:
        return []
    return mlflow.MlflowClient().search_runs([experiment.experiment_id])


def test_workflow_is_scheduled_and_manual_and_reads_the_uri_from_a_secret():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "schedule" in triggers and triggers["schedule"][0]["cron"]
    assert "workflow_dispatch" in triggers
    assert "env" not in workflow["jobs"]["retrain"], "secrets belong to the steps that use them"
    env = _run_step()["env"]
    assert env["MLFLOW_TRACKING_URI"] == "${{ secrets.MLFLOW_TRACKING_URI }}"
    assert "${{" not in _run_step()["run"], "expressions go through env:, not into the shell"
    steps = workflow["jobs"]["retrain"]["steps"]
    uses_secrets = [s.get("name") for s in steps if "secrets." in str(s)]
    assert len(uses_secrets) == 2  # the check of the secret and the retraining step
    check = next(s for s in steps if "secrets." in str(s) and SCRIPT not in s.get("run", ""))
    assert "-z" in check["run"] and "exit 1" in check["run"]
    installs = [
        s["run"] for s in workflow["jobs"]["retrain"]["steps"] if "pip install" in s.get("run", "")
    ]
    assert installs and "-e ." in installs[0]


def test_workflow_command_uses_the_options_this_test_uses():
    argv = workflow_command()
    assert argv[1] == SCRIPT
    options = {a for a in argv if a.startswith("--")}
    assert options == {"--model-name", "--experiment", "--rows", "--margin"}
    assert argv[argv.index("--model-name") + 1] == NAME
    assert argv[argv.index("--experiment") + 1] == "retraining"


def test_help_works():
    result = subprocess.run(
        [sys.executable, SCRIPT, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    for option in ("--model-name", "--tracking-uri", "--data", "--rows", "--margin", "--dry-run"):
        assert option in result.stdout


def test_better_challenger_is_promoted_and_the_decision_logged(store):
    champion = register_champion((5000, 7000))  # before the concept drift at row 7,500
    result = run(workflow_command(), store)
    assert result.returncode == 0, result.stderr
    assert "decision: promote" in result.stdout
    now = alias_version()
    assert now is not None and int(now) > int(champion)
    runs = decision_runs()
    assert len(runs) == 1
    assert runs[0].data.params["decision"] == "promote"
    assert runs[0].data.params["challenger_version"] == now
    assert runs[0].data.params["champion_version"] == champion
    assert runs[0].data.metrics["challenger_accuracy"] > runs[0].data.metrics["champion_accuracy"]


def test_equal_challenger_leaves_the_alias_alone(store, capsys):
    # The lesson's case before the concept drift: champion trained on rows 5,000-6,999, the
    # challenger on rows 6,000-7,049, both scored on rows 7,050-7,399 that neither has seen.
    champion = register_champion((5000, 7000))
    argv = ["--model-name", NAME, "--rows", "6000", "7400", "--holdout", "0.25"]
    assert load_script().main([*argv, "--experiment", "retraining"]) == 0
    assert "decision: keep" in capsys.readouterr().out
    assert alias_version() == champion
    runs = decision_runs()
    assert len(runs) == 1 and runs[0].data.params["decision"] == "keep"
    assert "challenger_version" not in runs[0].data.params


def test_no_champion_registers_the_first_one_only_when_allowed(store):
    result = run(workflow_command(), store)
    assert result.returncode == 2
    assert "--allow-first-champion" in result.stderr.strip().splitlines()[-1]
    assert alias_version() is None and decision_runs() == []
    result = run([*workflow_command(), "--allow-first-champion"], store)
    assert result.returncode == 0, result.stderr
    assert "first-champion" in result.stdout
    assert alias_version() == "1"


def test_dry_run_changes_nothing(store, capsys):
    champion = register_champion((5000, 7000))
    argv = ["--model-name", NAME, "--rows", "8000", "9400", "--experiment", "retraining"]
    assert load_script().main([*argv, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "decision: promote" in out and "nothing logged" in out
    assert alias_version() == champion
    assert decision_runs() == []


def test_a_data_file_is_used(store, tmp_path, capsys):
    champion = register_champion((5000, 7000))
    data = drift_csv(tmp_path / "recent.csv", (8000, 9400))
    argv = ["--model-name", NAME, "--data", str(data), "--experiment", "retraining"]
    assert load_script().main(argv) == 0
    assert "decision: promote" in capsys.readouterr().out
    assert int(alias_version()) > int(champion)


@pytest.mark.parametrize(
    ("columns", "rows", "message"),
    [
        (["x1", "x2", "x3", "target"], (8000, 9400), "x4"),
        (None, (8000, 8040), "at least 50"),
    ],
)
def test_bad_data_files_are_rejected(store, tmp_path, capsys, columns, rows, message):
    champion = register_champion((5000, 7000))
    data = drift_csv(tmp_path / "recent.csv", rows, columns)
    capsys.readouterr()  # registering the champion prints to stderr
    argv = ["--model-name", NAME, "--data", str(data), "--experiment", "retraining"]
    assert load_script().main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert alias_version() == champion and decision_runs() == []


def test_empty_model_name_is_rejected(store, capsys):
    argv = ["--model-name", "", "--rows", "8000", "9400", "--allow-first-champion"]
    assert load_script().main([*argv, "--experiment", "retraining"]) == 2
    assert "--model-name" in capsys.readouterr().err
    assert decision_runs() == []


def test_missing_tracking_uri_fails_and_writes_no_local_store(tmp_path):
    # An unset repository secret arrives as an empty variable: no fallback to ./mlflow.db.
    env = {**os.environ, "MLFLOW_TRACKING_URI": ""}
    argv = [sys.executable, str(ROOT / SCRIPT), "--model-name", NAME, "--rows", "8000", "9400"]
    result = subprocess.run(
        [*argv, "--allow-first-champion"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "MLFLOW_TRACKING_URI" in result.stderr and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_never_promotes(store, monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    champion = register_champion((5000, 7000))
    argv = ["--model-name", NAME, "--rows", "8000", "9400", "--allow-first-champion"]
    argv += ["--tracking-uri", "http://127.0.0.1:9", "--experiment", "retraining"]
    capsys.readouterr()  # registering the champion prints to stderr
    assert load_script().main(argv) == 2
    captured = capsys.readouterr()
    assert "decision" not in captured.out
    assert len(captured.err.strip().splitlines()) == 1
    import mlflow

    mlflow.set_tracking_uri(store)
    assert alias_version() == champion and decision_runs() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--model", "svm"], "unknown model"),
        (["--margin", "-1"], "--margin"),
        (["--rows", "9000", "20000"], "--rows"),
    ],
)
def test_bad_input_is_one_line_nonzero_and_changes_nothing(store, change, message):
    champion = register_champion((5000, 7000))
    argv = workflow_command()
    option = change[0]
    if option in argv:
        i = argv.index(option)
        width = 3 if option == "--rows" else 2
        argv = argv[:i] + argv[i + width :]
    result = run([*argv, *change], store)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert alias_version() == champion
    assert decision_runs() == []


def test_unreadable_data_is_one_line_nonzero(store, tmp_path):
    champion = register_champion((5000, 7000))
    bad = tmp_path / "recent.csv"
    bad.write_bytes(b"\x00\x01 not a csv")
    for data in (bad, tmp_path / "missing.parquet"):
        result = run([sys.executable, SCRIPT, "--model-name", NAME, "--data", str(data)], store)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert alias_version() == champion
