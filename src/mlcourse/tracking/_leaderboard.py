"""``mlcourse leaderboard``: the best run per learner in a module's experiment."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import pandas as pd

from .._curriculum import experiment_name
from ._tags import LEARNER_TAG

LOWER_IS_BETTER_WORDS = (
    "loss",
    "error",
    "rmse",
    "mse",
    "mae",
    "mape",
    "brier",
    "cost",
    "perplexity",
)


def lower_is_better(metric: str) -> bool:
    """Guess the direction of a metric from its name (``rmse`` and ``val_loss`` are lower)."""
    name = metric.lower()
    return any(word in name for word in LOWER_IS_BETTER_WORDS)


@dataclass(frozen=True)
class _Run:
    learner: str
    value: float | None
    name: str
    start: int
    running: bool = False
    run_id: str = ""

    @property
    def counts(self) -> bool:
        """Whether the run counts toward the learner's runs.

        A run still RUNNING that logged nothing is left out: it is either just starting or a
        ghost the MLflow client left behind when it retried a ``runs/create`` whose answer
        was lost (the server had made the run, the client made another).
        """
        return not (self.running and self.value is None)


COLUMNS = ("rank", "learner", "value", "runs", "best_run")
# The class server's leaderboard (``_server_app``): its path, the version of its answer, and
# how long to wait for it before reading every run through the search API instead.
LEADERBOARD_ENDPOINT = "/mlcourse/api/leaderboard"
ENDPOINT_FORMAT = 1
ENDPOINT_TIMEOUT_S = 10.0
ENDPOINT_MAX_TOP = 999_999  # more ranks than a class has learners: the same as any larger top
_log = logging.getLogger(__name__)

_DATABASE_SCHEMES = ("sqlite", "postgresql", "mysql", "mssql")
_engines: dict[str, object] = {}
# MLflow's SQL store keeps +-inf as the largest finite double (a file store keeps inf): a value
# this large either way is no score, like NaN.
_LARGEST_DOUBLE = 1.7976931348623157e308
_SQLITE_MMAP_BYTES = 512 * 2**20
_POSTGRES_SORT_MEMORY = "64MB"


def _is_database(uri: str) -> bool:
    return uri.split(":", 1)[0].split("+", 1)[0] in _DATABASE_SCHEMES


def _engine(uri: str):
    import sqlalchemy as sa

    engine = _engines.get(uri)
    if engine is None:
        engine = _engines[uri] = sa.create_engine(uri)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _map_sqlite_file)
    return engine


def _map_sqlite_file(connection, _record) -> None:
    """Read a SQLite store through memory mapping: about a third faster on 100,000 runs,
    whose index lookups otherwise go through SQLite's small page cache."""
    connection.execute(f"PRAGMA mmap_size={_SQLITE_MMAP_BYTES}")


def _experiment_id(session, module: str) -> int | None:
    import sqlalchemy as sa
    from mlflow.store.tracking.dbmodels.models import SqlExperiment

    return session.execute(
        sa.select(SqlExperiment.experiment_id).where(SqlExperiment.name == experiment_name(module))
    ).scalar_one_or_none()


def _runs_query(experiment: int, metric: str):
    """Every active, learner-tagged run of the experiment with its score (NULL when unusable)."""
    import sqlalchemy as sa
    from mlflow.store.tracking.dbmodels.models import SqlLatestMetric, SqlRun, SqlTag
    from sqlalchemy.orm import aliased

    learner = aliased(SqlTag)
    unusable = sa.or_(
        SqlLatestMetric.is_nan.is_(True),
        SqlLatestMetric.value >= _LARGEST_DOUBLE,
        SqlLatestMetric.value <= -_LARGEST_DOUBLE,
    )
    score = sa.case((unusable, sa.null()), else_=SqlLatestMetric.value)
    return (
        sa.select(
            learner.value.label("learner"),
            SqlRun.run_uuid.label("run_id"),
            sa.func.coalesce(SqlRun.name, "").label("name"),
            sa.func.coalesce(SqlRun.start_time, 0).label("start"),
            SqlRun.status.label("status"),
            score.label("score"),
        )
        .join(learner, sa.and_(learner.run_uuid == SqlRun.run_uuid, learner.key == LEARNER_TAG))
        .outerjoin(
            SqlLatestMetric,
            sa.and_(SqlLatestMetric.run_uuid == SqlRun.run_uuid, SqlLatestMetric.key == metric),
        )
        .where(
            SqlRun.experiment_id == experiment,
            SqlRun.lifecycle_stage == "active",
            learner.value != "",
        )
    )


def _fetch_runs_sql(uri: str, module: str, metric: str) -> list[_Run]:
    """Every active, learner-tagged run's row (the reference the SQL aggregate is checked by)."""
    from sqlalchemy.orm import Session

    with Session(_engine(uri)) as session:
        experiment = _experiment_id(session, module)
        if experiment is None:
            return []
        rows = session.execute(_runs_query(experiment, metric)).all()
    return [
        _Run(row.learner, row.score, row.name, row.start, row.status == "RUNNING", row.run_id)
        for row in rows
    ]


def _best_runs_sql(uri: str, module: str, metric: str, lower: bool) -> list[tuple[_Run, int]]:
    """Each learner's best run and run count, aggregated by the database in one query.

    A window over each learner's runs orders them as ``_better`` does (a usable score first,
    the best score, the earliest start, the smallest run id) and counts the runs that count;
    only one row per learner leaves the database, whatever the number of runs.
    """
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    with Session(_engine(uri)) as session:
        experiment = _experiment_id(session, module)
        if experiment is None:
            return []
        if session.bind.dialect.name == "postgresql":
            # sort each learner's runs in memory, not in files (PostgreSQL's 4 MB default
            # spills at 100,000 runs); for this transaction only
            session.execute(sa.text(f"SET LOCAL work_mem = '{_POSTGRES_SORT_MEMORY}'"))
        runs = _runs_query(experiment, metric).subquery()
        place = sa.func.row_number().over(
            partition_by=runs.c.learner,
            order_by=(
                sa.case((runs.c.score.is_(None), 1), else_=0),
                runs.c.score.asc() if lower else runs.c.score.desc(),
                runs.c.start,
                runs.c.run_id,
            ),
        )
        ghost = sa.and_(runs.c.status == "RUNNING", runs.c.score.is_(None))
        counted = sa.func.sum(sa.case((ghost, 0), else_=1)).over(partition_by=runs.c.learner)
        ranked = sa.select(runs, place.label("place"), counted.label("counted")).subquery()
        rows = session.execute(sa.select(ranked).where(ranked.c.place == 1)).all()
    return [
        (
            _Run(row.learner, row.score, row.name, row.start, row.status == "RUNNING", row.run_id),
            int(row.counted),
        )
        for row in rows
    ]


def _score(value: float | None) -> float | None:
    """A metric's value as a score: None for no value, NaN and +-inf (or the largest double)."""
    if value is None or math.isnan(value) or abs(value) >= _LARGEST_DOUBLE:
        return None
    return value


def _fetch_runs(module: str, metric: str, client) -> list[_Run]:
    """Every learner-tagged run through the client's search API, each run once."""
    from mlflow.entities import ViewType

    experiment = client.get_experiment_by_name(experiment_name(module))
    if experiment is None:
        return []
    runs: dict[str, _Run] = {}
    for page in _search_pages(client, experiment.experiment_id, ViewType.ACTIVE_ONLY):
        for run in page:
            learner = run.data.tags.get(LEARNER_TAG)
            if learner and run.info.run_id not in runs:
                runs[run.info.run_id] = _Run(
                    learner,
                    _score(run.data.metrics.get(metric)),
                    run.info.run_name or "",
                    run.info.start_time or 0,
                    run.info.status == "RUNNING",
                    run.info.run_id,
                )
    return list(runs.values())


SEARCH_PAGE_SIZE = 5000
_SEARCH_ORDER = ["attributes.start_time ASC", "attributes.run_id ASC"]


def _search_pages(client, experiment_id: str, view):
    """The experiment's runs, oldest first, a page at a time, while the class keeps logging.

    Each page starts at the previous page's latest start time (keyset paging) rather than at
    an offset: a run created meanwhile starts later and comes at the end, and a run deleted
    meanwhile moves no other run to a page already read. The runs at that start time are read
    again (the caller keeps each run id once); only when a whole page shares one start time
    does the next page go on from it by offset.
    """
    since, token = None, None
    while True:
        page = client.search_runs(
            [experiment_id],
            filter_string="" if since is None else f"attributes.start_time >= {since}",
            run_view_type=view,
            max_results=SEARCH_PAGE_SIZE,
            order_by=_SEARCH_ORDER,
            page_token=token,
        )
        yield page
        if not page.token or not page:
            return
        latest = page[-1].info.start_time or 0
        if latest == since:
            token = page.token  # a page of one start time: on by offset within it
        else:
            since, token = latest, None


def leaderboard(
    module: str,
    metric: str,
    *,
    top: int | None = None,
    lower: bool | None = None,
    client=None,
) -> pd.DataFrame:
    """Rank learners by their best run in ``mlcourse/NN_slug``.

    Each learner's best run is judged by the run's latest value of the metric.

    Parameters
    ----------
    module : str
        Two-digit module number.
    metric : str
        The metric to rank by.
    top : int, optional
        Keep the first ``top`` ranks (learners without the metric are dropped then).
    lower : bool, optional
        Whether lower values are better; guessed from the metric's name when None.
    client : mlflow.tracking.MlflowClient, optional
        Read through this client's search API. By default the configured tracking URI is read:
        a database (SQLite, PostgreSQL) with one SQL query on MLflow's tables that returns one
        row per learner; a class server (``mlcourse tracking serve``) through its leaderboard
        endpoint, which runs that query on the server's database; any other MLflow server
        through its search API, every run in full.

    Returns
    -------
    pandas.DataFrame
        One row per learner, for the learner's best run, judged by the run's latest value of
        the metric (a run's earlier values do not count). Columns ``rank`` (ties share a
        rank), ``learner``, ``value`` (that latest value of the best run), ``runs`` (the
        learner's runs in the experiment, leaving out runs still RUNNING that logged nothing)
        and ``best_run`` (of equal values, the earliest run's). NaN and +-inf are no score:
        learners with no score in any run come last, with no rank and no value. Only runs
        tagged with a learner count.

    Raises
    ------
    LeaderboardUnavailable
        The class server's leaderboard endpoint did not answer in time, could not be reached
        or failed (a 5xx answer); the search API would load the same server.
    """
    lower = lower_is_better(metric) if lower is None else lower
    if client is None:
        import mlflow

        uri = mlflow.get_tracking_uri()
        if _is_database(uri):
            return database_leaderboard(uri, module, metric, lower=lower, top=top)
        if _is_http(uri):
            frame = _server_leaderboard(uri, module, metric, lower, top)
            if frame is not None:
                return frame
        from mlflow.tracking import MlflowClient

        client = MlflowClient()
    return _leaderboard_frame(_fetch_runs(module, metric, client), metric, lower=lower, top=top)


def database_leaderboard(
    uri: str, module: str, metric: str, *, lower: bool, top: int | None = None
) -> pd.DataFrame:
    """The leaderboard read from a tracking database with one SQL query (see :func:`leaderboard`).

    Parameters
    ----------
    uri : str
        The database's SQLAlchemy URI (SQLite, PostgreSQL).
    module, metric, top
        As for :func:`leaderboard`.
    lower : bool
        Whether lower values are better.

    Returns
    -------
    pandas.DataFrame
        The frame :func:`leaderboard` returns.
    """
    return _frame(_best_runs_sql(uri, module, metric, lower), lower, top)


def _is_http(uri: str) -> bool:
    return uri.split(":", 1)[0].lower() in ("http", "https")


class LeaderboardUnavailable(RuntimeError):
    """The class server's leaderboard endpoint did not answer: too slow, unreachable or failing."""


def _server_leaderboard(
    uri: str, module: str, metric: str, lower: bool, top: int | None
) -> pd.DataFrame | None:
    """The leaderboard from the class server's own endpoint, or None when it has none.

    A class server (``mlflow server --app-name mlcourse``) computes it with SQL on its
    database and sends one row per learner. A server without the endpoint (404, 405) or with
    an answer that is not the leaderboard asked for gives None, and the caller reads every run
    through the search API instead. A server that does not answer in time, cannot be reached
    or fails (5xx) raises :class:`LeaderboardUnavailable`: the search API, far more work, would
    go to the same server.
    """
    import requests
    from mlflow.exceptions import MlflowException
    from mlflow.utils.credentials import get_default_host_creds
    from mlflow.utils.rest_utils import http_request

    sent_top = None if top is None else min(top, ENDPOINT_MAX_TOP)
    params = {"module": module, "metric": metric, "mode": "min" if lower else "max"}
    if sent_top is not None:
        params["top"] = str(sent_top)
    try:
        response = http_request(
            get_default_host_creds(uri),
            LEADERBOARD_ENDPOINT,
            "GET",
            max_retries=0,
            backoff_factor=0,
            timeout=ENDPOINT_TIMEOUT_S,
            raise_on_status=False,
            params=params,
        )
    except (requests.RequestException, MlflowException) as error:
        unanswered = _unanswered(uri, error)
        if unanswered is not None:
            raise LeaderboardUnavailable(unanswered) from error
        _log.debug("no leaderboard endpoint at %s: %s", _shown(uri), error)
        return None
    if response.status_code >= 500:
        raise LeaderboardUnavailable(
            f"the tracking server {_shown(uri)} failed to make the leaderboard "
            f"(HTTP {response.status_code}): try again in a minute"
        )
    rows = _endpoint_rows(response, module, metric, lower, sent_top)
    if rows is None:
        _log.debug("no leaderboard endpoint at %s: HTTP %s", _shown(uri), response.status_code)
        return None
    try:
        return _rows_frame(rows)
    except (TypeError, ValueError):
        return None


def _unanswered(uri: str, error: BaseException) -> str | None:
    """Why the server did not answer (no connection, a timeout), or None for another error."""
    import requests
    from urllib3.exceptions import NewConnectionError
    from urllib3.exceptions import TimeoutError as Urllib3Timeout

    causes = _causes(error)
    # urllib3's NewConnectionError (a refused connection) is a kind of its TimeoutError
    refused = (NewConnectionError, ConnectionRefusedError)
    timeouts = (requests.Timeout, Urllib3Timeout, TimeoutError)
    if not any(isinstance(cause, refused) for cause in causes) and any(
        isinstance(cause, timeouts) for cause in causes
    ):
        return (
            f"the tracking server {_shown(uri)} did not answer within "
            f"{ENDPOINT_TIMEOUT_S:g} s: it may be overloaded; try again in a minute"
        )
    if any(isinstance(cause, (requests.ConnectionError, ConnectionError)) for cause in causes):
        return f"cannot connect to the tracking server {_shown(uri)}: is it running?"
    return None


def _causes(error: BaseException) -> list[BaseException]:
    """``error`` and every error it wraps: MLflow wraps the ``requests`` error, which wraps
    urllib3's (``MaxRetryError.reason`` says a read timed out, under a ``ConnectionError``)."""
    found: list[BaseException] = []
    todo: list[object] = [error]
    while todo:
        item = todo.pop()
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        todo += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return found


def _shown(uri: str) -> str:
    """The URI without any user name or password in it."""
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _endpoint_rows(
    response, module: str, metric: str, lower: bool, top: int | None = None
) -> list[dict] | None:
    """The rows of the leaderboard asked for, or None when the answer is anything else.

    The answer must echo the module, metric and direction asked for, every row must have
    the types ``frame_rows`` gives, and the rows must be ranked as ``_frame`` ranks them.
    """
    if response.status_code != 200 or "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        payload = response.json()
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("format") != ENDPOINT_FORMAT:
        return None
    echoed = (payload.get("module"), payload.get("metric"), payload.get("lower"))
    if echoed != (module, metric, lower) or not isinstance(echoed[2], bool):
        return None  # the leaderboard of another query (or of no query at all)
    rows = payload.get("rows")
    if not isinstance(rows, list) or not all(_is_row(row) for row in rows):
        return None
    if not _ranked_in_order(rows, lower, top):
        return None
    return rows


def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_row(row) -> bool:
    """Whether ``row`` is a leaderboard row with the types ``frame_rows`` gives."""
    if not isinstance(row, dict) or set(row) != set(COLUMNS):
        return False
    rank, value = row["rank"], row["value"]
    ranked = rank is not None
    if ranked and not (_is_whole(rank) and rank >= 1):
        return False
    if (value is not None) != ranked:
        return False  # a score has a rank, no score has none
    if ranked and not (isinstance(value, float) and _score(value) is not None):
        return False
    return (
        _is_whole(row["runs"])
        and row["runs"] >= 0
        and isinstance(row["learner"], str)
        and row["learner"] != ""
        and isinstance(row["best_run"], str)
    )


def _ranked_in_order(rows: list[dict], lower: bool, top: int | None) -> bool:
    """Whether the rows are ranked as ``_frame`` ranks them: each learner once, the ranked
    rows first, best value first, ties sharing the rank, within ``top`` when it is given."""
    if len({row["learner"] for row in rows}) != len(rows):
        return False
    ranked = [row for row in rows if row["rank"] is not None]
    if rows[: len(ranked)] != ranked or (top is not None and len(ranked) != len(rows)):
        return False
    previous = None
    for position, row in enumerate(ranked, start=1):
        tied = previous is not None and row["value"] == previous["value"]
        worse = previous is None or (
            row["value"] > previous["value"] if lower else row["value"] < previous["value"]
        )
        if not (tied or worse) or row["rank"] != (previous["rank"] if tied else position):
            return False
        if top is not None and row["rank"] > top:
            return False
        previous = row
    return True


def _leaderboard_frame(
    runs: list[_Run], metric: str, *, lower: bool | None = None, top: int | None = None
) -> pd.DataFrame:
    """The leaderboard of these runs, each learner's best found in Python."""
    lower = lower_is_better(metric) if lower is None else lower
    best: dict[str, _Run] = {}
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.learner] = counts.get(run.learner, 0) + run.counts
        current = best.get(run.learner)
        if current is None or _better(run, current, lower):
            best[run.learner] = run
    return _frame([(run, counts[run.learner]) for run in best.values()], lower, top)


def _frame(best: list[tuple[_Run, int]], lower: bool, top: int | None) -> pd.DataFrame:
    """Rank each learner's best run (with the learner's run count) into the leaderboard."""
    counts = {run.learner: count for run, count in best}
    ranked = sorted(
        (run for run, _ in best if run.value is not None),
        key=lambda r: ((r.value if lower else -r.value), r.start, r.learner),
    )
    rows: list[dict] = []
    for position, run in enumerate(ranked, start=1):
        tied = rows and rows[-1]["value"] == run.value
        rows.append(
            {
                "rank": rows[-1]["rank"] if tied else position,
                "learner": run.learner,
                "value": run.value,
                "runs": counts[run.learner],
                "best_run": run.name,
            }
        )
    if top is not None:
        rows = [row for row in rows if row["rank"] <= top]
    else:
        missing = sorted(run.learner for run, _ in best if run.value is None)
        rows += [
            {"rank": None, "learner": n, "value": None, "runs": counts[n], "best_run": ""}
            for n in missing
        ]
    return _rows_frame(rows)


def _rows_frame(rows: list[dict]) -> pd.DataFrame:
    """The leaderboard frame of its rows (dicts by column; None for no rank, no value)."""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["rank"] = frame["rank"].astype("Int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def frame_rows(frame: pd.DataFrame) -> list[dict]:
    """The leaderboard's rows as plain JSON values (None for no rank, no value).

    Parameters
    ----------
    frame : pandas.DataFrame
        A frame :func:`leaderboard` returned.

    Returns
    -------
    list of dict
        One dict per row, by column; ``_rows_frame`` makes the same frame of them again.
    """
    return [
        {
            "rank": None if pd.isna(row.rank) else int(row.rank),
            "learner": str(row.learner),
            "value": None if pd.isna(row.value) else float(row.value),
            "runs": int(row.runs),
            "best_run": str(row.best_run),
        }
        for row in frame.itertuples(index=False)
    ]


def _better(run: _Run, current: _Run, lower: bool) -> bool:
    """Whether ``run`` beats ``current``: a usable value, a better one, then the earlier start,
    then the smaller run id (so that the best run never depends on the order runs come in)."""
    if run.value is None:
        return False
    if current.value is None:
        return True
    if run.value == current.value:
        return (run.start, run.run_id) < (current.start, current.run_id)
    return run.value < current.value if lower else run.value > current.value


def format_leaderboard(frame: pd.DataFrame, metric: str, lower: bool) -> str:
    """The leaderboard as a plain-text table."""
    if frame.empty:
        return "no runs with a learner tag yet"
    direction = "lower is better" if lower else "higher is better"
    lines = [
        f"{'rank':>4}  {'learner':<24} {metric + ' (' + direction + ')':>28}  {'runs':>5}  best run"
    ]
    for row in frame.itertuples(index=False):
        rank = "" if pd.isna(row.rank) else str(row.rank)
        shown = "—" if pd.isna(row.value) else f"{row.value:.4g}"
        lines.append(f"{rank:>4}  {row.learner:<24} {shown:>28}  {row.runs:>5}  {row.best_run}")
    return "\n".join(lines)
