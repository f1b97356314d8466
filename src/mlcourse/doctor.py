"""``mlcourse doctor``: what is installed, what is missing, and how to fix it."""

from __future__ import annotations

import os
import shutil
import sys
from importlib import metadata

from . import kernel
from ._paths import course_root
from .tracking import default_tracking_uri

REQUIRED = (
    "jupyterlab",
    "ipykernel",
    "nbformat",
    "nbclient",
    "numpy",
    "pandas",
    "scikit-learn",
    "matplotlib",
    "seaborn",
    "mlflow",
    "keras",
)
OPTIONAL = {"nbval": "needed by `make test`", "pytest": "needed by `make test`"}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def run_doctor() -> int:
    """Print a report; return 1 when something required is missing."""
    problems = 0
    print(f"Python {sys.version.split()[0]} at {sys.executable}")
    root = course_root()
    print(f"course folder: {root}")
    for folder in ("curriculum", "exercises", "solutions"):
        present = (root / folder).is_dir()
        note = (
            ""
            if present or folder != "solutions"
            else " (solutions not shipped: solution() will say so)"
        )
        print(f"  {folder + '/':<12} {'ok' if present else 'missing'}{note}")
        problems += not present and folder != "solutions"
    for name in REQUIRED:
        version = _version(name) or (_version("tensorflow-cpu") if name == "tensorflow" else None)
        print(f"  {name:<14} {version or 'MISSING: run `make lab` or pip install -e .'}")
        problems += version is None
    tf = _version("tensorflow-cpu") or _version("tensorflow")
    print(f"  {'tensorflow':<14} {tf or 'MISSING: run `make lab`'}")
    problems += tf is None
    for name, why in OPTIONAL.items():
        print(f"  {name:<14} {_version(name) or f'not installed ({why})'}")
    ok = kernel.is_installed()
    print(
        f"kernel spec '{kernel.NAME}': {'ok' if ok else 'missing or stale: run python -m mlcourse.kernel install'}"
    )
    problems += not ok
    uri = os.environ.get("MLFLOW_TRACKING_URI") or default_tracking_uri(root)
    print(f"MLflow tracking: {uri}")
    bwrap = shutil.which("bwrap")
    print(f"bubblewrap (grader sandbox): {bwrap or 'not found (apt-get install bubblewrap)'}")
    print(
        "all required parts are present" if not problems else f"{problems} required part(s) missing"
    )
    return 1 if problems else 0
