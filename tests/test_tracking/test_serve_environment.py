"""``mlcourse tracking serve`` keeps the database URI (and its password) off command lines."""

from __future__ import annotations

import pytest

from mlcourse.tracking import _serve

from .servers import free_port


class Served(Exception):
    """Raised in place of ``os.execve``: what ``mlflow server`` would have been started with."""

    def __init__(self, command, env):
        super().__init__("served")
        self.command, self.env = command, env


def _serve_without_flag(monkeypatch, tmp_path, **environment) -> Served:
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    for name in ("MLCOURSE_TRACKING_DB", "MLFLOW_BACKEND_STORE_URI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    def execve(program, command, env):
        raise Served(command, env)

    monkeypatch.setattr(_serve.os, "execve", execve)
    with pytest.raises(Served) as served:
        _serve.serve(None, "127.0.0.1", free_port(), str(tmp_path / "artifacts"))
    return served.value


def test_the_database_comes_from_the_environment_and_reaches_mlflow_through_it(
    monkeypatch, tmp_path
):
    uri = f"sqlite:///{tmp_path / 'class.db'}"
    served = _serve_without_flag(monkeypatch, tmp_path, MLCOURSE_TRACKING_DB=uri)
    assert (tmp_path / "class.db").exists()  # prepared there, not in the default place
    assert not any(uri in part for part in served.command)
    assert "--backend-store-uri" not in served.command
    assert served.env["MLFLOW_BACKEND_STORE_URI"] == uri
    assert "MLCOURSE_TRACKING_DB" not in served.env


def test_mlflows_own_variable_is_read_too(monkeypatch, tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow-own.db'}"
    served = _serve_without_flag(monkeypatch, tmp_path, MLFLOW_BACKEND_STORE_URI=uri)
    assert served.env["MLFLOW_BACKEND_STORE_URI"] == uri
    assert (tmp_path / "mlflow-own.db").exists()


def test_a_password_never_reaches_the_command_line():
    command = _serve.serve_command("127.0.0.1", 5000, _serve.Path("/srv/artifacts"))
    env = _serve.serve_environment("postgresql://mlflow:pw-0123@db/mlflow")
    assert not any("pw-0123" in part for part in command)
    assert env["MLFLOW_BACKEND_STORE_URI"] == "postgresql://mlflow:pw-0123@db/mlflow"


@pytest.mark.parametrize(
    "uri",
    [
        "postgresql://mlflow:pw-0123@db/mlflow",
        "postgresql://mlflow:pw@0123@db/mlflow",  # a raw @ in the password
        "postgresql://mlflow@db/mlflow?password=pw-0123",
        "postgresql:///mlflow?host=db&user=mlflow&password=pw-0123",
        "postgresql://db/mlflow?sslmode=require&sslpassword=pw-0123",
        "mysql://mlflow:pw-0123@db/mlflow",
        "postgresql://mlflow:pw-0123@db:notaport/mlflow",
    ],
)
def test_a_database_uri_is_shown_without_credentials(uri):
    shown = _serve._safe(uri)
    assert "0123" not in shown and "mlflow:" not in shown
    assert shown.startswith(uri.split("://")[0] + "://")


def test_a_connection_error_names_the_database_without_its_password():
    uri = f"postgresql://mlflow@127.0.0.1:{free_port()}/mlflow?password=pw-0123"
    with pytest.raises(RuntimeError, match="cannot connect to the database") as error:
        _serve._check_database(uri)
    assert "pw-0123" not in str(error.value)
    assert f"postgresql://127.0.0.1:{uri.split(':')[2].split('/')[0]}/mlflow" in str(error.value)


def _gunicorn_settings(options: str):
    """``options`` as gunicorn itself reads them."""
    import shlex

    from gunicorn.config import Config

    config = Config()
    parsed = config.parser().parse_args(shlex.split(options))
    for name, value in vars(parsed).items():
        if value is not None and name != "args":
            config.set(name.lower(), value)
    return config


def test_a_long_upload_holds_one_thread_not_a_whole_worker():
    # sync workers serve one request each, and the arbiter kills one busy past --timeout: two
    # slow artifact uploads stopped every learner and were cut off at 120 s
    command = _serve.serve_command("127.0.0.1", 5000, _serve.Path("/srv/artifacts"))
    settings = _gunicorn_settings(command[command.index("--gunicorn-opts") + 1])
    assert settings.worker_class_str == "gthread" and settings.threads >= 4
    assert settings.timeout == 120 and settings.graceful_timeout == 30
    # an idle kept-alive connection would hold a worker's shutdown for the graceful timeout
    assert settings.keepalive == 0
    assert settings.control_socket_disable
