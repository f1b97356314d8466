"""The class deployment on loopback: JupyterHub with ``deploy/jupyterhub/jupyterhub_config.py``.

:func:`class_hub` starts the Hub (its proxy, the live service and the tracking server on
PostgreSQL as Hub services) and stops everything it started, even on failure.
:class:`HubUser` is a browser's view of one account: a real login form post, then a token
made through the Hub's REST API with that login's cookie.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
BIN = Path(sys.executable).parent
PASSWORD = "class-password-for-tests"
ADMIN_PASSWORD = "instructor-password-for-tests-0123456789"


def wait_for(condition, what: str, seconds: float = 60.0, log: Path | None = None):
    """Call ``condition`` until it returns something true; fail with ``log``'s tail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            value = condition()
            if value:
                return value
        time.sleep(0.3)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise AssertionError(f"{what} did not happen within {seconds} s\n{tail}")


@dataclass
class ClassHub:
    """A running class Hub: its public ``url``, the learners' ``tracking_uri``, its ``log``."""

    url: str
    tracking_uri: str
    log: Path
    homes: Path

    def wait_for_tracking(self) -> None:
        """Wait until the tracking server (started by the Hub, slow to prepare) is healthy."""
        wait_for(
            lambda: httpx.get(f"{self.tracking_uri}/health", timeout=5).status_code == 200,
            "the tracking server's start",
            120,
            self.log,
        )


def _hub_environment(tmp: Path, course: Path, database: str, ports: dict[str, int]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLCOURSE_", "MLFLOW_"))}
    env.update(
        {
            "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            "MLCOURSE_TRACKING_DB": database,
            "MLCOURSE_HUB_STATE": str(tmp / "state"),
            "MLCOURSE_HUB_URL": f"http://127.0.0.1:{ports['hub']}",
            "MLCOURSE_HUB_API_URL": f"http://127.0.0.1:{ports['api']}",
            "MLCOURSE_HUB_PROXY_API_URL": f"http://127.0.0.1:{ports['proxy']}",
            "MLCOURSE_HUB_COURSE": str(course),
            "MLCOURSE_HUB_AUTHENTICATOR": "shared-password",
            "MLCOURSE_HUB_PASSWORD": PASSWORD,
            "MLCOURSE_HUB_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "MLCOURSE_HUB_SPAWNER": "simple",
            "MLCOURSE_HUB_HOMES": str(tmp / "homes" / "{username}"),
            "MLCOURSE_HUB_LIVE_PORT": str(ports["live"]),
            "MLCOURSE_HUB_TRACKING_PORT": str(ports["tracking"]),
        }
    )
    return env


def _descendants(pid: int) -> list:
    import psutil

    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).children(recursive=True)
    return []


def _stop(process: subprocess.Popen) -> None:
    """Stop the Hub (it stops its servers, services and proxy), then whatever it left."""
    import psutil

    children = _descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    children += [p for c in children for p in _descendants(c.pid)]
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=10)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


@contextlib.contextmanager
def class_hub(tmp: Path, course: Path, database: str, admins: str, users: str):
    """Run ``jupyterhub -f deploy/jupyterhub/jupyterhub_config.py`` on free loopback ports.

    Yields
    ------
    ClassHub
        Once the Hub answers and the live service is routed (the tracking server may still be
        preparing its database: :meth:`ClassHub.wait_for_tracking`).
    """
    from tests.test_tracking.servers import free_port

    ports = {name: free_port() for name in ("hub", "api", "proxy", "live", "tracking")}
    env = _hub_environment(tmp, course, database, ports)
    env.update({"MLCOURSE_HUB_ADMINS": admins, "MLCOURSE_HUB_USERS": users})
    log = tmp / "jupyterhub.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(CONFIG)],
            cwd=tmp,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            hub = ClassHub(
                f"http://127.0.0.1:{ports['hub']}",
                f"http://127.0.0.1:{ports['tracking']}",
                log,
                tmp / "homes",
            )
            _wait_until_up(hub, process)
            yield hub
        finally:
            _stop(process)


def _wait_until_up(hub: ClassHub, process: subprocess.Popen) -> None:
    def up(url: str):
        if process.poll() is not None:
            raise AssertionError(f"JupyterHub exited\n{hub.log.read_text()[-4000:]}")
        return httpx.get(url, timeout=5).status_code == 200

    wait_for(lambda: up(f"{hub.url}/hub/api/"), "the Hub's start", 60, hub.log)
    # the live service answers through the Hub's proxy (an unknown session: 404 from it)
    wait_for(
        lambda: (
            httpx.get(f"{hub.url}/services/live/api/s/nosuch/board", timeout=5).status_code == 404
        ),
        "the live service's start",
        60,
        hub.log,
    )


class HubUser:
    """One account on the Hub, logged in through its login form; ``token`` made by the API."""

    def __init__(self, hub: ClassHub, name: str, password: str):
        self.hub, self.name = hub, name
        self.browser = httpx.Client(base_url=hub.url, timeout=30)
        self.browser.get("/hub/login")
        answer = self.browser.post(
            "/hub/login",
            data={"username": name, "password": password, "_xsrf": self._xsrf()},
            follow_redirects=False,
        )
        assert answer.status_code == 302, f"login of {name} refused: {answer.status_code}"
        made = self.browser.post(
            f"/hub/api/users/{name}/tokens",
            json={"note": "class test", "expires_in": 3600},
            headers={"X-XSRFToken": self._xsrf()},
        )
        assert made.status_code == 201, made.text
        self.token = made.json()["token"]
        self.api = httpx.Client(
            base_url=hub.url, timeout=30, headers={"Authorization": f"token {self.token}"}
        )

    def _xsrf(self) -> str:
        return next(c.value for c in self.browser.cookies.jar if c.name == "_xsrf")

    def close(self) -> None:
        """Close both HTTP clients."""
        self.browser.close()
        self.api.close()

    def server_ready(self) -> bool:
        """Whether this user's default server is running and ready."""
        model = self.api.get(f"/hub/api/users/{self.name}").json()
        server = (model.get("servers") or {}).get("")
        return bool(server and server.get("ready"))

    def start_server(self) -> None:
        """Start the default server and wait until it is ready."""
        started = self.api.post(f"/hub/api/users/{self.name}/server")
        assert started.status_code in (201, 202), started.text
        wait_for(self.server_ready, f"{self.name}'s server", 120, self.hub.log)

    def stop_server(self) -> None:
        """Stop the default server and wait until it is gone."""
        stopped = self.api.delete(f"/hub/api/users/{self.name}/server")
        assert stopped.status_code in (202, 204), stopped.text
        wait_for(lambda: not self._has_server(), f"{self.name}'s server to stop", 60, self.hub.log)

    def _has_server(self) -> bool:
        model = self.api.get(f"/hub/api/users/{self.name}").json()
        return bool((model.get("servers") or {}).get(""))

    def contents(self, path: str) -> dict:
        """A file of the user's server, through the Jupyter contents API."""
        answer = self.api.get(f"/user/{self.name}/api/contents/{path}")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def save(self, path: str, model: dict) -> None:
        """Save a notebook through the Jupyter contents API."""
        answer = self.api.put(
            f"/user/{self.name}/api/contents/{path}",
            json={"type": "notebook", "format": "json", "content": model["content"]},
        )
        assert answer.status_code in (200, 201), answer.text

    @contextlib.contextmanager
    def kernel(self, timeout: float = 120.0):
        """A new kernel of the user's server, reached through the Hub's proxy (Jupyter's REST
        API and its websocket protocol); yields a function that runs code in it and returns
        what it printed (failing when the code raises)."""
        import websocket

        names = self.api.get(f"/user/{self.name}/api/kernelspecs").json()["kernelspecs"]
        kernel_name = "mlcourse" if "mlcourse" in names else "python3"
        kernel = self.api.post(f"/user/{self.name}/api/kernels", json={"name": kernel_name})
        assert kernel.status_code == 201, kernel.text
        kernel_id = kernel.json()["id"]
        ws_url = self.hub.url.replace("http", "ws", 1)
        channel = websocket.create_connection(
            f"{ws_url}/user/{self.name}/api/kernels/{kernel_id}/channels",
            header=[f"Authorization: token {self.token}"],
            timeout=timeout,
        )
        try:
            yield lambda code: _execute(channel, code, time.monotonic() + timeout)
        finally:
            channel.close()
            self.api.delete(f"/user/{self.name}/api/kernels/{kernel_id}")


def _execute(channel, code: str, deadline: float) -> str:
    msg_id = uuid.uuid4().hex
    channel.send(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "msg_type": "execute_request",
                    "username": "test",
                    "session": uuid.uuid4().hex,
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "stop_on_error": True},
                "channel": "shell",
                "buffers": [],
            }
        )
    )
    printed, error = [], None
    while True:
        if time.monotonic() > deadline:
            raise AssertionError(f"the kernel did not finish; printed so far: {''.join(printed)}")
        message = json.loads(channel.recv())
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream":
            printed.append(content["text"])
        elif kind in ("execute_result", "display_data"):
            printed.append(content["data"].get("text/plain", "") + "\n")
        elif kind == "error":
            error = f"{content['ename']}: {content['evalue']}"
        elif kind == "status" and content["execution_state"] == "idle":
            break
    if error:
        raise AssertionError(f"the kernel raised {error}; printed: {''.join(printed)}")
    return "".join(printed)
