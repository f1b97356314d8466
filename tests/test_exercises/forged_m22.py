"""Module 22's custom judges: the data the real extracts collect from right work and from
plausible wrong work (the generator's own counts, a leaky ratio, a naive, strict or reversed
join, an off-by-one window, a sample, wrong partitions or file content, a read of every column
or past a boundary, no memory limit or spill folder, pandas wrapped as Dask or glued on with
``map_partitions``), merged into
``test_forged_extracts.py``'s ``RIGHT``, ``WRONG`` and ``HARMLESS``.

The right work is built here with DuckDB over the exercises' own data (200,000 rows), written
once to a temporary folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

VELOCITY_SQL = """
SELECT transaction_id,
       COUNT(*) OVER (PARTITION BY customer_id ORDER BY timestamp
                      RANGE BETWEEN INTERVAL 3599 SECONDS PRECEDING AND CURRENT ROW)
         - COUNT(*) OVER later_peers AS n_1h,
       COUNT(*) OVER (PARTITION BY customer_id ORDER BY timestamp
                      RANGE BETWEEN INTERVAL 86399 SECONDS PRECEDING AND CURRENT ROW)
         - COUNT(*) OVER later_peers AS n_24h
FROM events
WINDOW later_peers AS (PARTITION BY customer_id, timestamp ORDER BY transaction_id
                       ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
"""

HISTORY_SQL = """
SELECT transaction_id,
       epoch(timestamp) - epoch(LAG(timestamp) OVER w) AS seconds_since_last,
       amount / AVG(amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
         AS ratio_so_far
FROM events
WINDOW w AS (PARTITION BY customer_id ORDER BY timestamp, transaction_id)
"""

PIT_SQL = """
SELECT t.transaction_id, r.risk_score
FROM events t ASOF LEFT JOIN risk r
  ON t.customer_id = r.customer_id AND t.timestamp >= r.valid_from
"""

CATEGORY_AGG = {
    "n": ("amount", "size"),
    "total": ("amount", "sum"),
    "fraud_rate": ("is_fraud", "mean"),
}


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


@cache
def workspace() -> dict[str, Any]:
    """The exercises' events as ten Parquet files, a DuckDB connection and the risk table."""
    import duckdb

    from mlcourse.exercises.m22 import EVENT_COLUMNS, _risk_scores, _transactions

    txn = _transactions()
    folder = Path(tempfile.mkdtemp(prefix="forged-m22-"))
    events = folder / "events"
    events.mkdir()
    for part, start in enumerate(range(0, len(txn), 20_000)):
        chunk = txn.iloc[start : start + 20_000][list(EVENT_COLUMNS)]
        chunk.to_parquet(events / f"part-{part}.parquet", row_group_size=10_000)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet('{events}/*.parquet')")
    con.register("risk", _risk_scores())
    return {"folder": folder, "events": events, "con": con, "txn": txn}


def query(sql: str) -> pd.DataFrame:
    """Run the course's own SQL (never a learner's) in the test workspace."""
    return workspace()["con"].sql(sql).df()


def write_partitioned(name: str, select: str, by: str) -> str:
    """Write ``select`` as a dataset partitioned by ``by`` and return the folder."""
    target = workspace()["folder"] / name
    if not target.exists():
        workspace()["con"].execute(
            f"COPY ({select}) TO '{target}' (FORMAT parquet, PARTITION_BY ({by}))"
        )
    return str(target)


RIGHT_DATASET = (
    "SELECT transaction_id, customer_id, timestamp, amount, is_fraud, "
    "month(timestamp) AS month FROM events"
)


def march_big(columns=("customer_id", "timestamp", "amount", "is_fraud"), amount=250.0):
    import pyarrow.parquet as pq

    return pq.read_table(
        workspace()["events"],
        columns=list(columns),
        filters=[
            ("timestamp", ">=", pd.Timestamp("2025-03-01")),
            ("timestamp", "<", pd.Timestamp("2025-04-01")),
            ("amount", ">", amount),
        ],
    )


def march_between(start_op: str, end_op: str, amount_op: str):
    """The right read with the boundaries' operators given (``>=``, ``<``, ``>`` is right)."""
    import pyarrow.parquet as pq

    return pq.read_table(
        workspace()["events"],
        columns=["customer_id", "timestamp", "amount", "is_fraud"],
        filters=[
            ("timestamp", start_op, pd.Timestamp("2025-03-01")),
            ("timestamp", end_op, pd.Timestamp("2025-04-01")),
            ("amount", amount_op, 250.0),
        ],
    )


def small_connection(
    limit: str | None = "64MB", files: str | None = "*.parquet", spill: bool = True
):
    """A new DuckDB connection with ``limit``, a spill folder and the table ``daily``."""
    import duckdb

    con = duckdb.connect()
    if limit is not None:
        con.execute(f"SET memory_limit = '{limit}'")
    if spill:
        con.execute(f"SET temp_directory = '{workspace()['folder'] / 'spill'}'")
    if files is not None:
        con.execute(daily_sql(files))
    return con


def daily_sql(files: str = "*.parquet") -> str:
    events = workspace()["events"]
    return (
        "CREATE TABLE daily AS SELECT CAST(timestamp AS DATE) AS day, COUNT(*) AS n_txn, "
        f"SUM(amount) AS total_amount FROM read_parquet('{events}/{files}') GROUP BY day"
    )


def dask_by_category(total: str = "sum"):
    import dask.dataframe as dd

    ddf = dd.read_parquet(workspace()["events"])
    agg = dict(CATEGORY_AGG, total=("amount", total))
    return ddf.groupby("merchant_category", observed=True).agg(**agg)


def pandas_by_category() -> pd.DataFrame:
    return workspace()["txn"].groupby("merchant_category", observed=True).agg(**CATEGORY_AGG)


# --------------------------------------------------------------------------------------
# Right and wrong work, through the real extracts.
# --------------------------------------------------------------------------------------


def _wrong_22_1() -> list[Any]:
    from mlcourse.datasets import make_transactions

    right = query(VELOCITY_SQL)
    generated = make_transactions(200_000, seed=22)
    copied = generated[["transaction_id", "n_txn_last_1h", "n_txn_last_24h"]].rename(
        columns={"n_txn_last_1h": "n_1h", "n_txn_last_24h": "n_24h"}
    )
    return [
        _collected("22.1", velocity=copied),
        _collected(
            "22.1",
            velocity=query(
                VELOCITY_SQL.replace("3599 SECONDS", "1 HOUR").replace("86399 SECONDS", "24 HOURS")
            ),
        ),
        _collected("22.1", velocity=right.assign(n_1h=right.n_1h + 1, n_24h=right.n_24h + 1)),
        _collected("22.1", velocity=right.sample(50_000, random_state=0)),
        _collected(
            "22.1", velocity=query(VELOCITY_SQL.replace("- COUNT(*) OVER later_peers", "- 1"))
        ),
    ]


def _wrong_22_2() -> list[Any]:
    leaky = HISTORY_SQL.replace(
        "AVG(amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
        "AVG(amount) OVER (PARTITION BY customer_id)",
    )
    return [
        _collected("22.2", history=query(leaky)),
        _collected(
            "22.2", history=query(HISTORY_SQL.replace("AND 1 PRECEDING", "AND CURRENT ROW"))
        ),
        _collected("22.2", history=query(HISTORY_SQL).fillna({"seconds_since_last": 0.0})),
    ]


def _wrong_22_3() -> list[Any]:
    naive = """
        SELECT t.transaction_id, r.risk_score
        FROM events t LEFT JOIN (SELECT customer_id, arg_max(risk_score, valid_from) AS risk_score
                                 FROM risk GROUP BY customer_id) r USING (customer_id)
    """
    return [
        _collected("22.3", pit=query(naive)),
        _collected("22.3", pit=query(PIT_SQL.replace("ASOF LEFT JOIN", "ASOF JOIN"))),
        _collected("22.3", pit=query(PIT_SQL.replace("t.timestamp >=", "t.timestamp <="))),
        _collected("22.3", pit=query(PIT_SQL.replace("t.timestamp >=", "t.timestamp >"))),
    ]


def _wrong_22_4() -> list[Any]:
    base = "SELECT transaction_id, customer_id, timestamp, amount, is_fraud"
    return [
        _collected(
            "22.4",
            dataset_dir=write_partitioned(
                "by_channel", f"{base}, channel AS month_name FROM events", "month_name"
            ),
        ),
        _collected(
            "22.4",
            dataset_dir=write_partitioned(
                "extra", "SELECT *, month(timestamp) AS month FROM events", "month"
            ),
        ),
        _collected(
            "22.4",
            dataset_dir=write_partitioned(
                "wrong_month", f"{base}, day(timestamp) % 3 + 1 AS month FROM events", "month"
            ),
        ),
        _collected(
            "22.4",
            dataset_dir=write_partitioned(
                "sample", f"{RIGHT_DATASET} USING SAMPLE 10 PERCENT (bernoulli, 1)", "month"
            ),
        ),
        *(
            _collected(
                "22.4",
                dataset_dir=write_partitioned(
                    name,
                    f"SELECT {select}, is_fraud, month(timestamp) AS month FROM events",
                    "month",
                ),
            )
            for name, select in (
                (
                    "shifted_ids",
                    "transaction_id + 1 AS transaction_id, customer_id, timestamp, amount",
                ),
                ("double_amount", "transaction_id, customer_id, timestamp, 2 * amount AS amount"),
                (
                    "text_time",
                    "transaction_id, customer_id, CAST(timestamp AS VARCHAR) AS timestamp, amount",
                ),
            )
        ),
    ]


def _wrong_22_5() -> list[Any]:
    return [
        _collected(
            "22.5",
            march_big=march_big(
                columns=(
                    "transaction_id",
                    "customer_id",
                    "timestamp",
                    "amount",
                    "merchant_category",
                    "channel",
                    "is_fraud",
                )
            ),
        ),
        _collected("22.5", march_big=march_big(amount=25.0)),
        _collected("22.5", march_big=march_big().slice(0, 100)),
        _collected("22.5", march_big=march_between(">=", "<=", ">")),
        _collected("22.5", march_big=march_between(">", "<", ">")),
        _collected("22.5", march_big=march_between(">=", "<", ">=")),
    ]


def _wrong_22_6() -> list[Any]:
    return [
        _collected("22.6", con_small=small_connection(None)),
        _collected("22.6", con_small=small_connection(files="part-0.parquet")),
        _collected("22.6", con_small=small_connection("4GB")),
        _collected("22.6", con_small=small_connection("73MB")),
        _collected("22.6", con_small=small_connection(spill=False)),
    ]


def _wrong_22_8() -> list[Any]:
    import dask.dataframe as dd

    pres = pandas_by_category()
    glued = (
        dd.read_parquet(workspace()["events"])
        .groupby("merchant_category", observed=True)
        .agg(n=("amount", "size"))
        .map_partitions(lambda _: pres, meta=pres.iloc[:0])
    )
    one_file = dd.read_parquet(workspace()["events"] / "part-0.parquet")
    return [
        _collected("22.8", by_category=dd.from_pandas(pres, npartitions=2)),
        _collected("22.8", by_category=dask_by_category(total="mean")),
        _collected("22.8", by_category=glued),
        _collected(
            "22.8",
            by_category=one_file.groupby("merchant_category", observed=True).agg(**CATEGORY_AGG),
        ),
    ]


RIGHT: dict[str, Callable[[], Any]] = {
    "22.1": lambda: _collected("22.1", velocity=query(VELOCITY_SQL)),
    "22.2": lambda: _collected("22.2", history=query(HISTORY_SQL)),
    "22.3": lambda: _collected("22.3", pit=query(PIT_SQL)),
    "22.4": lambda: _collected(
        "22.4", dataset_dir=write_partitioned("by_month", RIGHT_DATASET, "month")
    ),
    "22.5": lambda: _collected("22.5", march_big=march_big()),
    "22.6": lambda: _collected("22.6", con_small=small_connection()),
    "22.8": lambda: _collected("22.8", by_category=dask_by_category()),
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "22.1": _wrong_22_1,
    "22.2": _wrong_22_2,
    "22.3": _wrong_22_3,
    "22.4": _wrong_22_4,
    "22.5": _wrong_22_5,
    "22.6": _wrong_22_6,
    "22.8": _wrong_22_8,
}

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {
    "22.4": [
        (r"^data$", {"reordered"}, "the order in which the files are listed carries no meaning"),
        (r"\['columns'\]$", {"reordered"}, "the order of a file's columns is the writer's"),
    ],
    "22.8": [
        (r"\['nodes'\]$", {"reordered", "extended"}, "the node classes are read as a set"),
        (r"\['read_partitions'\]$", {"reordered", "extended"}, "each read is checked on its own"),
    ],
}

_ = np  # numpy is used by the extracts' data; kept for symmetry with other forged modules
