"""``deploy/jupyterhub/jupyterhub_config.py`` loaded as JupyterHub loads it (no Hub started)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.test_tracking.servers import free_port

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub"
TRACKING_DB = "postgresql://mlflow:tracking-pw-0123@127.0.0.1/mlflow"
LIVE_DB = "postgresql+psycopg://live:live-pw-4567@127.0.0.1/live"


def _course(folder: Path) -> Path:
    """A course folder learners may be given: no solutions in it."""
    (folder / "exercises").mkdir(parents=True, exist_ok=True)
    return folder


def _checkouts(monkeypatch, tmp_path) -> tuple[Path, Path]:
    """The Hub's checkout (a copy of the config in it) and the installed ``mlcourse``'s
    (an editable install's ``src/mlcourse``), both without solutions: this repository's own
    keeps them open, as a developer's checkout does."""
    hub = tmp_path / "hub-checkout"
    shutil.copytree(CONFIG, hub / "deploy" / "jupyterhub", dirs_exist_ok=True)
    installed = tmp_path / "installed-checkout"
    (installed / "src" / "mlcourse").mkdir(parents=True, exist_ok=True)
    real_find_spec = importlib.util.find_spec

    def find_spec(name, package=None):
        if name == "mlcourse":
            return SimpleNamespace(origin=str(installed / "src" / "mlcourse" / "__init__.py"))
        return real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    return hub, installed


def _load(monkeypatch, tmp_path, **settings):
    for name in ("MLCOURSE_TRACKING_DB", "MLCOURSE_HUB_TRACKING_URI", "MLCOURSE_LIVE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name in ("MLCOURSE_LIVE_DB", "MLCOURSE_HUB_SOLUTIONS", "MLCOURSE_HUB_SPAWNER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MLCOURSE_HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("MLCOURSE_HUB_COURSE", str(_course(tmp_path / "course")))
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    hub, _ = _checkouts(monkeypatch, tmp_path)
    config = hub / "deploy" / "jupyterhub"
    return PyFileConfigLoader("jupyterhub_config.py", path=str(config)).load_config()


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
    config = _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)
    services = {s["name"]: s for s in config.JupyterHub.services}
    assert services["live"]["url"] == "http://127.0.0.1:8765"
    assert "url" not in services["tracking"]  # MLflow has no login: never routed by the proxy
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


def test_database_passwords_travel_in_the_services_environment_never_in_a_command(
    monkeypatch, tmp_path
):
    config = _load(
        monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB, MLCOURSE_LIVE_DB=LIVE_DB
    )
    services = {s["name"]: s for s in config.JupyterHub.services}
    for service in services.values():  # the Hub logs commands; `ps` shows them to everyone
        assert not any("-pw-" in part for part in service["command"]), service["command"]
    assert services["tracking"]["environment"]["MLCOURSE_TRACKING_DB"] == TRACKING_DB
    assert services["live"]["environment"]["MLCOURSE_LIVE_DB"] == LIVE_DB
    assert "-pw-" not in repr(config.Spawner.environment)  # learners' servers never get them


def test_mlflow_accepts_the_host_learners_reach_it_by(monkeypatch, tmp_path):
    config = _load(
        monkeypatch,
        tmp_path,
        MLCOURSE_TRACKING_DB=TRACKING_DB,
        MLCOURSE_HUB_TRACKING_URI="http://class-tracking:5000",
    )
    (tracking,) = [s for s in config.JupyterHub.services if s["name"] == "tracking"]
    hosts = tracking["environment"]["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    assert {"class-tracking:*", "127.0.0.1:*", "localhost:*"} <= set(hosts)


def test_learners_keep_the_default_role(monkeypatch, tmp_path):
    config = _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)
    assert "load_roles" not in config.JupyterHub  # no access to the live service's OAuth


@pytest.mark.parametrize("folder", ["solutions", ".git"])
def test_the_hub_refuses_to_start_while_learners_could_read_the_solutions(
    monkeypatch, tmp_path, folder
):
    (_course(tmp_path / "course") / folder).mkdir(mode=0o755)
    with pytest.raises(SystemExit, match=f"learners could read the solutions in .*{folder}"):
        _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)


def test_solutions_closed_to_learners_or_given_to_them_are_accepted(monkeypatch, tmp_path):
    closed = _course(tmp_path / "course") / "solutions"
    closed.mkdir()
    closed.chmod(0o700)
    config = _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)
    assert config.Spawner.environment["MLCOURSE_SOLUTIONS"] == "0"
    closed.chmod(0o755)
    config = _load(
        monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB, MLCOURSE_HUB_SOLUTIONS="1"
    )
    assert config.Spawner.environment["MLCOURSE_SOLUTIONS"] == "1"


def test_the_simple_spawner_needs_a_course_without_solutions(monkeypatch, tmp_path):
    closed = _course(tmp_path / "course") / "solutions"
    closed.mkdir()
    closed.chmod(0o700)  # no help: learners run as the Hub's own user
    with pytest.raises(SystemExit, match="learners could read the solutions"):
        _load(
            monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB, MLCOURSE_HUB_SPAWNER="simple"
        )


@pytest.mark.parametrize("checkout", ["hub-checkout", "installed-checkout"])
@pytest.mark.parametrize("folder", ["solutions", ".git"])
def test_the_checkouts_learners_run_are_checked_too(monkeypatch, tmp_path, checkout, folder):
    (tmp_path / checkout / folder).mkdir(mode=0o755, parents=True)  # the course copy is clean
    with pytest.raises(SystemExit, match=f"could read the solutions in .*{checkout}/{folder}"):
        _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)


def test_closed_solutions_must_belong_to_the_hubs_user(monkeypatch, tmp_path):
    closed = _course(tmp_path / "course") / "solutions"
    closed.mkdir(mode=0o700)
    owner = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)  # the Hub runs as another account
    with pytest.raises(SystemExit, match=f"could read the solutions in .*solutions .*uid {owner}"):
        _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)


def test_a_git_file_is_followed_to_the_history_it_names(monkeypatch, tmp_path):
    history = tmp_path / "elsewhere" / "worktree-git"
    history.mkdir(parents=True, mode=0o755)
    dot_git = _course(tmp_path / "course") / ".git"
    dot_git.write_text(f"gitdir: {history}\n")
    dot_git.chmod(0o600)
    with pytest.raises(SystemExit, match="could read the solutions in .*worktree-git"):
        _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)
    history.chmod(0o700)
    assert _load(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=TRACKING_DB)


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
