"""Fixtures every test gets.

MLflow keeps its tracking URI, registry URI and active experiment in module globals. Code
under test sets them (``configure_tracking``, ``log_report``), and a test that did not undo it
would send a later test of the same worker to another store: each test gets them back as it
found them, with the environment variables MLflow sets beside them.
"""

from __future__ import annotations

import os
import sys

import pytest

_GLOBALS = (
    ("mlflow.tracking._tracking_service.utils", "_tracking_uri"),
    ("mlflow.tracking._model_registry.utils", "_registry_uri"),
    ("mlflow.tracking.fluent", "_active_experiment_id"),
)


def _mlflow_globals() -> dict[tuple[str, str], object]:
    """Return the MLflow globals of the modules already imported, by (module, name)."""
    found = {}
    for module_name, name in _GLOBALS:
        module = sys.modules.get(module_name)
        if module is not None:
            found[(module_name, name)] = getattr(module, name, None)
    return found


#: set by ``mlflow.set_tracking_uri`` and ``mlflow.set_experiment`` for MLflow's subprocesses
_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "MLFLOW_EXPERIMENT_ID")


@pytest.fixture(autouse=True)
def _mlflow_globals_restored():
    """Put MLflow's process-wide tracking state back as the test found it."""
    before = _mlflow_globals()
    variables = {name: os.environ.get(name) for name in _VARIABLES}
    yield
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    for (module_name, name), value in _mlflow_globals().items():
        restored = before.get((module_name, name))
        if value is not restored:
            setattr(sys.modules[module_name], name, restored)
