"""The class tracking server's app: MLflow's own, plus the course's read-only leaderboard.

``mlflow server --app-name mlcourse`` serves it (the ``mlflow.app`` entry point ``mlcourse``).
``GET /mlcourse/api/leaderboard?module=07&metric=roc_auc[&mode=max|min][&top=N]`` answers the
leaderboard computed with one SQL query on the server's own database, one row per learner,
where MLflow's search API would send every run in full::

    {"format": 1, "module": "07", "metric": "roc_auc", "lower": false,
     "rows": [{"rank": 1, "learner": "ada", "value": 0.93, "runs": 4, "best_run": "run3"}]}

Every parameter is checked; anything else gets a 400 with ``{"error": "..."}``. The endpoint
reads and writes nothing else.
"""

from __future__ import annotations

import logging
import os
import re

from flask import Flask, jsonify, request
from mlflow.server import app as mlflow_app

from .._curriculum import MODULES
from ._leaderboard import (
    ENDPOINT_FORMAT,
    ENDPOINT_MAX_TOP,
    LEADERBOARD_ENDPOINT,
    _is_database,
    database_leaderboard,
    frame_rows,
    lower_is_better,
)

# MLflow's own rule for metric names (``mlflow.utils.validation``) and its longest key.
_METRIC_NAME = re.compile(r"[/\w.\- :]+")
_METRIC_MAX_LENGTH = 250
_MODULE = re.compile(r"\d\d")
_TOP = re.compile(r"[1-9]\d{0,8}")
_MODES = {"max": False, "min": True}
_PARAMETERS = ("module", "metric", "mode", "top")
_VIEW_NAME = "mlcourse_leaderboard"
_log = logging.getLogger(__name__)


class _BadRequest(ValueError):
    """A parameter the endpoint refuses; its message is the answer's error."""


def create_app(app: Flask = mlflow_app):
    """MLflow's tracking server app with the course's leaderboard endpoint.

    Parameters
    ----------
    app : flask.Flask, optional
        The Flask app to add the endpoint to; MLflow's own by default.

    Returns
    -------
    flask.Flask or fastapi.FastAPI
        ``app``, wrapped in MLflow's FastAPI app when the server runs under uvicorn (as MLflow's
        ``basic-auth`` app does).
    """
    from mlflow.environment_variables import _MLFLOW_SGI_NAME
    from mlflow.server.handlers import _add_static_prefix

    if _VIEW_NAME not in app.view_functions:
        app.add_url_rule(
            _add_static_prefix(LEADERBOARD_ENDPOINT), _VIEW_NAME, _leaderboard_view, methods=["GET"]
        )

    if _MLFLOW_SGI_NAME.get() == "uvicorn":
        from mlflow.server.fastapi_app import create_fastapi_app

        return create_fastapi_app(app)
    return app


def store_uri() -> str | None:
    """The database the server reads: its read replica if it has one, else its store.

    Returns
    -------
    str or None
        The URI ``mlflow server`` hands its workers, or ``MLFLOW_BACKEND_STORE_URI``; None
        when neither is set.
    """
    from mlflow.server.constants import (
        BACKEND_STORE_URI_ENV_VAR,
        READ_REPLICA_BACKEND_STORE_URI_ENV_VAR,
    )

    names = (
        READ_REPLICA_BACKEND_STORE_URI_ENV_VAR,
        BACKEND_STORE_URI_ENV_VAR,
        "MLFLOW_BACKEND_STORE_URI",
    )
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


def _leaderboard_view():
    """``GET /mlcourse/api/leaderboard``: the leaderboard as JSON, or a 400 on a bad parameter."""
    try:
        module, metric, lower, top = _parameters(request.args)
    except _BadRequest as error:
        return _error(str(error), 400)
    uri = store_uri()
    if uri is None or not _is_database(uri):
        return _error("this server's store is not a database: no leaderboard endpoint", 404)
    try:
        frame = database_leaderboard(uri, module, metric, lower=lower, top=top)
    except Exception:  # noqa: BLE001 - any database failure is one 503; the log has the cause
        _log.exception("the leaderboard query failed")
        return _error("the tracking database did not answer", 503)
    answer = jsonify(
        format=ENDPOINT_FORMAT,
        module=module,
        metric=metric,
        lower=lower,
        rows=frame_rows(frame),
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer


def _parameters(args) -> tuple[str, str, bool, int | None]:
    """The module, metric, direction and top of the query string, each checked."""
    unknown = sorted(set(args) - set(_PARAMETERS))
    if unknown:
        raise _BadRequest(f"unknown parameter {unknown[0]!r}; expected {', '.join(_PARAMETERS)}")
    repeated = [name for name in _PARAMETERS if len(args.getlist(name)) > 1]
    if repeated:
        raise _BadRequest(f"parameter {repeated[0]!r} given more than once")
    module = args.get("module", "")
    if not _MODULE.fullmatch(module) or module not in MODULES:
        raise _BadRequest(f"module should be a module number 00-{max(MODULES)}, like 07")
    metric = args.get("metric", "")
    if not 0 < len(metric) <= _METRIC_MAX_LENGTH or not _METRIC_NAME.fullmatch(metric):
        raise _BadRequest(
            f"metric should be an MLflow metric name (1-{_METRIC_MAX_LENGTH} letters, digits, "
            "and _ - . : / or spaces)"
        )
    mode = args.get("mode")
    if mode is not None and mode not in _MODES:
        raise _BadRequest("mode should be max or min")
    top = args.get("top")
    if top is not None and not (_TOP.fullmatch(top) and int(top) <= ENDPOINT_MAX_TOP):
        raise _BadRequest(f"top should be a whole number from 1 to {ENDPOINT_MAX_TOP}")
    lower = lower_is_better(metric) if mode is None else _MODES[mode]
    return module, metric, lower, None if top is None else int(top)


def _error(message: str, status: int):
    return jsonify(error=message), status
