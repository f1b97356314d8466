"""``mlcourse leaderboard``: the best run per learner in a module's experiment."""

from __future__ import annotations

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

    @property
    def counts(self) -> bool:
        """Whether the run counts toward the learner's runs.

        A run still RUNNING that logged nothing is left out: it is either just starting or a
        ghost the MLflow client left behind when it retried a ``runs/create`` whose answer
        was lost (the server had made the run, the client made another).
        """
        return not (self.running and self.value is None)


_DATABASE_SCHEMES = ("sqlite", "postgresql", "mysql", "mssql")
_engines: dict[str, object] = {}


def _is_database(uri: str) -> bool:
    return uri.split(":", 1)[0].split("+", 1)[0] in _DATABASE_SCHEMES


def _fetch_runs_sql(uri: str, module: str, metric: str) -> list[_Run]:
    """One query on MLflow's own tables (through MLflow's ORM models): fast for large classes."""
    import sqlalchemy as sa
    from mlflow.store.tracking.dbmodels.models import SqlExperiment, SqlLatestMetric, SqlRun, SqlTag
    from sqlalchemy.orm import Session, aliased

    engine = _engines.get(uri)
    if engine is None:
        engine = _engines[uri] = sa.create_engine(uri)
    learner = aliased(SqlTag)
    with Session(engine) as session:
        experiment = session.execute(
            sa.select(SqlExperiment.experiment_id).where(
                SqlExperiment.name == experiment_name(module)
            )
        ).scalar_one_or_none()
        if experiment is None:
            return []
        rows = session.execute(
            sa.select(
                SqlRun.name,
                SqlRun.start_time,
                SqlRun.status,
                learner.value,
                SqlLatestMetric.value,
                SqlLatestMetric.is_nan,
            )
            .join(learner, sa.and_(learner.run_uuid == SqlRun.run_uuid, learner.key == LEARNER_TAG))
            .outerjoin(
                SqlLatestMetric,
                sa.and_(SqlLatestMetric.run_uuid == SqlRun.run_uuid, SqlLatestMetric.key == metric),
            )
            .where(SqlRun.experiment_id == experiment, SqlRun.lifecycle_stage == "active")
        ).all()
    runs = []
    for name, start, status, who, value, is_nan in rows:
        if not who:
            continue
        if value is not None and (is_nan or math.isinf(value)):
            value = None
        runs.append(_Run(who, value, name or "", start or 0, status == "RUNNING"))
    return runs


def _fetch_runs(module: str, metric: str, client=None) -> list[_Run]:
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    if client is None:
        import mlflow

        uri = mlflow.get_tracking_uri()
        if _is_database(uri):
            return _fetch_runs_sql(uri, module, metric)
        client = MlflowClient()
    experiment = client.get_experiment_by_name(experiment_name(module))
    if experiment is None:
        return []
    runs: list[_Run] = []
    token = None
    while True:
        page = client.search_runs(
            [experiment.experiment_id],
            run_view_type=ViewType.ACTIVE_ONLY,
            max_results=5000,
            page_token=token,
        )
        for run in page:
            learner = run.data.tags.get(LEARNER_TAG)
            if not learner:
                continue
            value = run.data.metrics.get(metric)
            if value is not None and (math.isnan(value) or math.isinf(value)):
                value = None
            runs.append(
                _Run(
                    learner,
                    value,
                    run.info.run_name or "",
                    run.info.start_time or 0,
                    run.info.status == "RUNNING",
                )
            )
        token = page.token
        if not token:
            return runs


def leaderboard(
    module: str,
    metric: str,
    *,
    top: int | None = None,
    lower: bool | None = None,
    client=None,
) -> pd.DataFrame:
    """Rank learners by their best run in ``mlcourse/NN_slug``.

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
        a database (SQLite, PostgreSQL) with one SQL query on MLflow's tables, a server through
        its REST API.

    Returns
    -------
    pandas.DataFrame
        Columns ``rank`` (ties share a rank), ``learner``, ``value`` (the best value of the
        metric), ``runs`` (the learner's runs in the experiment, leaving out runs still
        RUNNING that logged nothing) and ``best_run``. Learners none
        of whose runs logged the metric come last, with no rank and no value. Only runs tagged
        with a learner count.
    """
    lower = lower_is_better(metric) if lower is None else lower
    best: dict[str, _Run] = {}
    counts: dict[str, int] = {}
    for run in _fetch_runs(module, metric, client):
        counts[run.learner] = counts.get(run.learner, 0) + run.counts
        current = best.get(run.learner)
        if current is None or _better(run, current, lower):
            best[run.learner] = run
    ranked = sorted(
        (r for r in best.values() if r.value is not None),
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
        missing = sorted(r.learner for r in best.values() if r.value is None)
        rows += [
            {"rank": None, "learner": n, "value": None, "runs": counts[n], "best_run": ""}
            for n in missing
        ]
    frame = pd.DataFrame(rows, columns=["rank", "learner", "value", "runs", "best_run"])
    frame["rank"] = frame["rank"].astype("Int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def _better(run: _Run, current: _Run, lower: bool) -> bool:
    if run.value is None:
        return False
    if current.value is None:
        return True
    if run.value == current.value:
        return run.start < current.start
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
