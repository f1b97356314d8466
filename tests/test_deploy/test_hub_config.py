"""``deploy/jupyterhub/jupyterhub_config.py`` loaded as JupyterHub loads it (no Hub started)."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.test_tracking.servers import free_port

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub"


def _load(monkeypatch, tmp_path, **settings):
    for name in ("MLCOURSE_TRACKING_DB", "MLCOURSE_HUB_TRACKING_URI", "MLCOURSE_LIVE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLCOURSE_HUB_STATE", str(tmp_path / "state"))
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(CONFIG)).load_config()


def test_without_a_tracking_database_the_hub_refuses_to_start(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="MLCOURSE_TRACKING_DB is not set"):
        _load(monkeypatch, tmp_path)


def test_an_unknown_spawner_is_refused(monkeypatch, tmp_path):
    with pytest.raises(SystemExit, match="must be local or simple"):
        _load(
            monkeypatch,
            tmp_path,
            MLCOURSE_TRACKING_DB="postgresql://u@127.0.0.1/db",
            MLCOURSE_HUB_SPAWNER="docker",
        )


def test_the_services_the_learners_environment_and_the_secrets(monkeypatch, tmp_path):
    config = _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB="postgresql://u@127.0.0.1/db")
    services = {s["name"]: s for s in config.JupyterHub.services}
    assert services["live"]["url"] == "http://127.0.0.1:8765"
    assert "url" not in services["tracking"]  # MLflow has no login: never routed by the proxy
    assert "postgresql://u@127.0.0.1/db" in services["tracking"]["command"]
    environment = config.Spawner.environment
    assert (
        environment["MLCOURSE_LEARNER"](SimpleNamespace(user=SimpleNamespace(name="ada"))) == "ada"
    )
    assert environment["MLFLOW_TRACKING_URI"] == "http://127.0.0.1:5000"
    assert config.JupyterHub.spawner_class == "localprocess"  # system accounts by default
    state = tmp_path / "state"
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for secret in ("live-instructor-token", "proxy-token"):
        assert stat.S_IMODE((state / secret).stat().st_mode) == 0o600


def test_no_open_session_means_no_class_url(monkeypatch, tmp_path):
    config = _load(
        monkeypatch,
        tmp_path,
        MLCOURSE_TRACKING_DB="postgresql://u@127.0.0.1/db",
        MLCOURSE_HUB_LIVE_PORT=str(free_port()),  # nothing listens there
    )
    spawner = SimpleNamespace(environment={"MLCOURSE_CLASS": "http://stale/s/x?key=k"})
    asyncio.run(config.Spawner.pre_spawn_hook(spawner))
    assert "MLCOURSE_CLASS" not in spawner.environment
