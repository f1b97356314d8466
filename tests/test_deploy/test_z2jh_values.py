"""``deploy/z2jh/values.yaml``: valid for the zero-to-jupyterhub chart, secrets in services'
environments, and its Python (``hub.extraConfig``) run against a stand-in config.

No Kubernetes runs here: the chart's own schema and defaults (4.4.0, in ``z2jh_chart/``) check
the values as ``helm`` would before rendering, and the extraConfig snippets run as the chart's
``jupyterhub_config.py`` runs them, after it has filled ``c.JupyterHub.services``.
"""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[2]
CHART = Path(__file__).resolve().parent / "z2jh_chart"
SECRET_URL = "postgresql://mlflow:k8s-pw-0123@postgres.example:5432/mlflow"


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "z2jh" / "values.yaml").read_text())


def _helm_merge(defaults, override):
    """Helm's merge of values: mappings merged key by key, anything else replaced."""
    if isinstance(defaults, dict) and isinstance(override, dict):
        merged = dict(defaults)
        for key, value in override.items():
            merged[key] = _helm_merge(defaults[key], value) if key in defaults else value
        return merged
    return override


def _schema_errors(values: dict) -> list[str]:
    schema = yaml.safe_load((CHART / "values.schema.yaml").read_text())
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    validator = jsonschema.Draft7Validator(schema)
    merged = _helm_merge(defaults, values)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(merged)]


def test_the_values_are_valid_for_the_chart(values):
    assert _schema_errors(values) == []


def test_the_schema_check_catches_a_misspelt_setting(values):
    wrong = copy.deepcopy(values)
    wrong["singleuser"]["extraEnvs"] = wrong["singleuser"].pop("extraEnv")
    assert any("extraEnvs" in error for error in _schema_errors(wrong))


def test_both_services_start_without_a_secret_on_their_command_line(values):
    services = values["hub"]["services"]
    assert set(services) >= {"live", "tracking"}
    assert services["live"]["url"].startswith("http://")
    for service in services.values():
        command = " ".join(service["command"])
        assert "$" not in command and "--db" not in command and "--backend" not in command
    hosts = services["tracking"]["environment"]["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    assert "hub:5000" in hosts  # how learners' pods name it
    env = values["hub"]["extraEnv"]
    for name in ("MLCOURSE_TRACKING_DB", "MLCOURSE_LIVE_TOKEN"):
        assert "secretKeyRef" in env[name]["valueFrom"]  # from a k8s Secret, not inline
    assert "loadRoles" not in values["hub"]  # learners keep the default role


def _run_extra_config(values: dict, name: str, c: Config) -> None:
    exec(compile(values["hub"]["extraConfig"][name], name, "exec"), {"c": c})  # noqa: S102


def test_each_service_gets_its_secrets_in_its_own_environment(values, monkeypatch):
    monkeypatch.setenv("MLCOURSE_TRACKING_DB", SECRET_URL)
    monkeypatch.setenv("MLCOURSE_LIVE_TOKEN", "live-token-4567")
    c = Config()  # as the chart's config leaves it: hub.services as a list
    c.JupyterHub.services = [
        {"name": key, **copy.deepcopy(spec)} for key, spec in values["hub"]["services"].items()
    ]
    _run_extra_config(values, "mlcourse-service-secrets", c)
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert services["tracking"]["environment"]["MLCOURSE_TRACKING_DB"] == SECRET_URL
    assert services["live"]["environment"]["MLCOURSE_LIVE_TOKEN"] == "live-token-4567"
    assert "MLCOURSE_TRACKING_DB" not in services["live"]["environment"]


def test_the_hook_names_the_learner_and_drops_a_stale_class_url(values, monkeypatch):
    monkeypatch.setenv("MLCOURSE_LIVE_TOKEN", "live-token-4567")
    c = Config()
    _run_extra_config(values, "mlcourse-class", c)
    user = SimpleNamespace(name="ada.lovelace@example.org")  # KubeSpawner would escape it
    spawner = SimpleNamespace(user=user, environment={"MLCOURSE_CLASS": "http://hub:8765/s/old"})
    hook = c.KubeSpawner.pre_spawn_hook
    hook.__globals__["_open_class_url"] = lambda: None  # no open session
    asyncio.run(hook(spawner))
    assert spawner.environment["MLCOURSE_LEARNER"] == "ada.lovelace@example.org"
    assert "MLCOURSE_CLASS" not in spawner.environment
    assert "MLCOURSE_LEARNER" not in values["singleuser"]["extraEnv"]
