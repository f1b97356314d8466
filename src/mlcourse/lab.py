"""``mlcourse lab``: JupyterLab set up for the course, offline, opening Module 00.

- every way into the lab (the printed URL, ``/``, ``/lab``) opens the course's default layout:
  ``curriculum/00_start_here.ipynb`` open, the file browser in the learner's workspace
  ``work/`` (copied from ``exercises/`` on first use), the lessons one folder up. Once the
  learner changes the layout, JupyterLab keeps theirs;
- no news feed, no update check and no extension catalogue, so nothing reaches the internet
  and no dialog asks about it;
- the course's machinery (``src/``, ``tests/``, ``ci/``, the generated ``exercises/``, the
  ``solutions/``) is hidden from the file browser.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path

from . import kernel
from ._paths import course_root
from ._setup import QUIET_TF_ENV
from .tracking import default_tracking_uri

START = "curriculum/00_start_here.ipynb"
# shown in the file browser: the lessons, the workspace, the datasets' cards and the README
HIDDEN = [
    "__pycache__", "*.pyc", "*.egg-info", "src", "tests", "ci", "docs", "exercises",
    "solutions", "Makefile", "pyproject.toml", "constraints.txt", "mlruns", "mlartifacts",
]  # fmt: skip
# JupyterLab's own settings, overridden for the course (the learner can still change them)
SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
    # every cell stays in the page, so the browser's find and a screen reader see all of it
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}


class LabError(RuntimeError):
    """JupyterLab cannot be started as asked."""


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def lab_command(
    root: Path, port: int, *, no_browser: bool = False, as_root: bool | None = None
) -> list[str]:
    """The JupyterLab command line for the course."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--MappingKernelManager.default_kernel_name={kernel.NAME}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.workspaces_dir={root / '.mlcourse' / 'lab' / 'workspaces'}",
        f"--LabApp.user_settings_dir={root / '.mlcourse' / 'lab' / 'user-settings'}",
        *(f"--ContentsManager.hide_globs={pattern}" for pattern in HIDDEN),
    ]
    if no_browser:
        command.append("--no-browser")
    if as_root if as_root is not None else hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def prepare_lab(root: Path) -> None:
    """Write the course's JupyterLab settings and the default layout (only where missing).

    The settings go to the course's own settings folder, so another JupyterLab on this machine
    is unaffected; the default layout starts the file browser in the workspace.
    """
    lab = root / ".mlcourse" / "lab"
    for plugin, values in SETTINGS.items():
        extension, name = plugin.split(":")
        path = lab / "user-settings" / extension / f"{name}.jupyterlab-settings"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=2) + "\n", encoding="utf-8")
    from jupyterlab_server.workspaces_handler import WorkspacesManager

    manager = WorkspacesManager(str(lab / "workspaces"))
    try:
        manager.load("default")["data"]["file-browser-filebrowser:cwd"]
    except (KeyError, FileNotFoundError, ValueError, TypeError):
        layout = {
            "data": {
                "file-browser-filebrowser:cwd": {"path": "work"},
                "layout-restorer:data": {
                    "main": {
                        "dock": {
                            "type": "tab-area",
                            "currentIndex": 0,
                            "widgets": [f"notebook:{START}"],
                        }
                    },
                    "left": {"collapsed": False, "visible": True, "current": "filebrowser"},
                },
                f"notebook:{START}": {"data": {"path": START, "factory": "Notebook"}},
            },
            "metadata": {"id": "default"},
        }
        manager.save("default", json.dumps(layout))


def lab_environment(
    root: Path, tracking_uri: str | None, learner: str | None, class_url: str | None = None
) -> dict[str, str]:
    """The environment JupyterLab and its kernels run with (``MLCOURSE_CLASS``: the live class)."""
    env = dict(os.environ)
    for key, value in QUIET_TF_ENV.items():
        env.setdefault(key, value)
    env["MLCOURSE_ROOT"] = str(root)
    if tracking_uri:
        env["MLFLOW_TRACKING_URI"] = tracking_uri
    env.setdefault("MLFLOW_TRACKING_URI", default_tracking_uri(root))
    if learner:
        env["MLCOURSE_LEARNER"] = learner
    if class_url:
        env["MLCOURSE_CLASS"] = class_url
    return env


def run_lab(
    port: int = 8888,
    no_browser: bool = False,
    tracking_uri: str | None = None,
    learner: str | None = None,
    class_url: str | None = None,
) -> None:
    """Start JupyterLab on the course (replaces this process).

    Parameters
    ----------
    port : int
        Port on 127.0.0.1.
    no_browser : bool
        Do not open a browser.
    tracking_uri : str, optional
        A class tracking server to log to instead of the embedded store.
    learner : str, optional
        The learner's name, recorded on their runs and checks.
    class_url : str, optional
        A live class to join: every notebook's ``setup_notebook`` joins it
        (``http://HOST:PORT/s/SESSION?key=KEY``, the full class URL with its join key).

    Raises
    ------
    LabError
        When the port is busy, the course folder has no notebooks, the learner's name is not
        valid, the class tracking server does not answer or the class URL is not one.
    """
    root = course_root()
    if not (root / "curriculum").is_dir():
        raise LabError(f"no curriculum/ folder under {root}; run this from the course folder")
    if not 1 <= port <= 65535:
        raise LabError(f"port must be between 1 and 65535, not {port}")
    if not port_is_free(port):
        raise LabError(
            f"port {port} is busy (is JupyterLab already running?); choose another with --port"
        )
    if learner is not None:
        from .tracking._identity import validate_learner

        try:
            learner = validate_learner(learner)
        except ValueError as error:
            raise LabError(str(error)) from None
    if tracking_uri is not None:
        _check_tracking_uri(tracking_uri)
    if class_url is not None:
        class_url = _check_class_url(class_url)
    kernel.install_kernelspec()
    (root / ".mlcourse").mkdir(exist_ok=True)
    from .workspace import pending_updates, prepare_workspace, workspace_dir

    copied = prepare_workspace(root)
    if copied:
        print(f"Your workspace {workspace_dir(root)} has {len(copied)} new exercises notebook(s).")
    pending = pending_updates(root)
    if pending:
        print(
            f"Course updates for {', '.join(pending)}: run `mlcourse update` to bring them in "
            "(your answers are kept)."
        )
    prepare_lab(root)
    command = lab_command(root, port, no_browser=no_browser)
    env = lab_environment(root, tracking_uri, learner, class_url)
    print(f"Starting JupyterLab on http://127.0.0.1:{port}/lab (course folder {root})", flush=True)
    os.execve(command[0], command, env)


def _check_tracking_uri(uri: str) -> None:
    """A class server given on the command line must be an http(s) URL that answers."""
    from .tracking._store import server_is_up

    if not uri.startswith(("http://", "https://")):
        raise LabError(
            f"--tracking-uri should be the class server's address, such as http://HOST:5000, not {uri!r}"
        )
    if not server_is_up(uri, timeout=5):
        raise LabError(
            f"the tracking server {uri} is not answering: check the address your instructor "
            "gave, or start without --tracking-uri to log to your own store"
        )


def _check_class_url(url: str) -> str:
    """A live class URL given on the command line must have the shape ``.../s/SESSION?key=KEY``."""
    from .live._client import parse_class_url

    try:
        return str(parse_class_url(url))
    except ValueError as error:
        raise LabError(str(error)) from None
