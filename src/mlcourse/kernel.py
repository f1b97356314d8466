"""The ``mlcourse`` Jupyter kernel: ipykernel with the course's environment defaults.

Run as ``python -m mlcourse.kernel -f CONNECTION_FILE`` (by Jupyter), or
``python -m mlcourse.kernel install`` to install the kernel spec into this environment.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from ._setup import QUIET_TF_ENV

NAME = "mlcourse"
DISPLAY_NAME = "Python (mlcourse)"


def kernelspec_dir(prefix: str | None = None) -> Path:
    """Where the kernel spec lives: ``<prefix>/share/jupyter/kernels/mlcourse``."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / NAME


def kernelspec() -> dict:
    """The kernel spec: this interpreter, launched through this module."""
    return {
        "argv": [sys.executable, "-m", "mlcourse.kernel", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "env": dict(QUIET_TF_ENV),
        "metadata": {"debugger": True},
    }


def install_kernelspec(prefix: str | None = None) -> Path:
    """Install (or refresh) the kernel spec; idempotent.

    Returns
    -------
    pathlib.Path
        The kernel spec folder.
    """
    folder = kernelspec_dir(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(kernelspec(), indent=2) + "\n"
    target = folder / "kernel.json"
    if not target.is_file() or target.read_text() != text:
        target.write_text(text)
    return folder


def is_installed(prefix: str | None = None) -> bool:
    """True when the installed spec matches this interpreter."""
    target = kernelspec_dir(prefix) / "kernel.json"
    try:
        return json.loads(target.read_text()) == kernelspec()
    except (OSError, ValueError):
        return False


def _launch() -> None:
    for key, value in QUIET_TF_ENV.items():
        os.environ.setdefault(key, value)
    from .tracking import ensure_tracking_env

    ensure_tracking_env()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    if sys.argv[1:] == ["install"]:
        print(f"Installed the {NAME} kernel spec in {install_kernelspec()}")
    else:
        _launch()
