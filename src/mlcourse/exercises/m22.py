"""Module 22 — Data at scale: the declaration of the exercises (the key: mlcourse.keys.m22).

The exercises work on 200,000 generated card transactions (seed 22) written to Parquet. The
SQL exercises collect the learner's query *results* (a DataFrame), never their SQL: the extract
sorts them by ``transaction_id`` and hands plain arrays to the key, which compares them with
values it computes from the events the learner was given (``make_events``: the generator's
derived columns dropped and a seeded subset of timestamps moved, so the generator's own columns
are not the answer). The Parquet exercise reads, in the learner's kernel, each file's metadata,
its ``transaction_id`` column and the sum of its amounts; the Dask exercise collects the class
of every node of the lazy expression, the partitions of its Parquet reads and the result
computed with the synchronous scheduler; the out-of-core exercise reads the DuckDB connection's
own ``memory_limit`` and ``temp_directory`` settings and the table ``daily`` inside it. Nothing here runs learner SQL outside the learner's kernel.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Numeric, describe
from mlcourse.exercises import Module

N_ROWS = 200_000  # rows of the exercises' transactions (stated in the notebook)
SEED = 22  # seed of the transactions and of the risk-score table
EVENT_COLUMNS = (
    "transaction_id",
    "customer_id",
    "timestamp",
    "amount",
    "merchant_category",
    "channel",
    "is_fraud",
)
DATASET_COLUMNS = ("transaction_id", "customer_id", "timestamp", "amount", "is_fraud")
PRUNED_COLUMNS = ("customer_id", "timestamp", "amount", "is_fraud")
BIG_AMOUNT = 250.0  # exercise 5: amounts strictly above this, in March 2025
MEMORY_LIMIT_MB = 64  # exercise 6: the DuckDB memory limit asked for (at most this)
MOVED_SHARE = 0.02  # share of the generator's timestamps moved by a few minutes
_MAX_FILES = 500


# --------------------------------------------------------------------------------------
# Data, prepared exactly as in the exercises notebook.
# --------------------------------------------------------------------------------------


def make_events(transactions, seed: int = SEED):
    """The raw events of the exercises, derived from the generator's transactions.

    Only ``EVENT_COLUMNS`` are kept (the generator's ready-made features are dropped), a seeded
    2% of the timestamps move by 1 to 10 whole minutes (so counts recomputed from the
    generator's own timestamps are wrong), and a few rows sit exactly on exercise 5's
    boundaries: an amount of exactly 250 in March, timestamps exactly at March 1st and April
    1st 2025, 00:00.

    Parameters
    ----------
    transactions : pandas.DataFrame
        ``make_transactions(...)``'s output.
    seed : int, default 22
        Seed of the moves.

    Returns
    -------
    pandas.DataFrame
        The columns ``EVENT_COLUMNS``, in ``transaction_id`` order.
    """
    import pandas as pd

    rng = np.random.default_rng(seed + 1000)
    events = transactions[list(EVENT_COLUMNS)].copy()
    n = len(events)
    moved = rng.choice(n, int(MOVED_SHARE * n), replace=False)
    minutes = rng.integers(1, 11, len(moved)) * rng.choice([-1, 1], len(moved))
    stamps = events["timestamp"].to_numpy().copy()
    stamps[moved] += (minutes * 60).astype("timedelta64[s]")
    amounts = events["amount"].to_numpy().copy()
    big = np.flatnonzero(amounts > BIG_AMOUNT)
    edge = rng.choice(big, 6, replace=False)
    stamps[edge[:3]] = np.datetime64("2025-04-01T00:00:00")
    stamps[edge[3:]] = np.datetime64("2025-03-01T00:00:00")
    march = np.flatnonzero(stamps.astype("datetime64[M]") == np.datetime64("2025-03"))
    amounts[rng.choice(np.setdiff1d(march, edge), 5, replace=False)] = BIG_AMOUNT
    events["timestamp"] = pd.Series(stamps, index=events.index).astype("datetime64[us]")
    events["amount"] = amounts
    return events


@lru_cache(maxsize=1)
def _transactions():
    """The 200,000 events of the exercises (seed 22): ``make_events`` of the generator's rows."""
    from mlcourse.datasets import make_transactions

    return make_events(make_transactions(N_ROWS, seed=SEED))


def make_risk_scores(transactions, seed: int = SEED):
    """A slowly changing table of customer risk scores, each valid from a point in time.

    Every customer who appears in ``transactions`` gets 1 + Poisson(2) score updates at
    random whole seconds of the 90-day window (so some early transactions precede any
    score), and 500 more updates happen exactly at the time of a transaction of theirs (so
    ``valid_from <= timestamp`` and ``<`` differ). A score is valid from its ``valid_from``
    until the customer's next update.

    Parameters
    ----------
    transactions : pandas.DataFrame
        The transactions (``customer_id`` and ``timestamp`` are read).
    seed : int, default 22
        Seed of the updates.

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id`` (int64), ``valid_from`` (datetime64[us]) and ``risk_score``
        (float64, 3 decimals), sorted by customer and time; no two updates of a customer share
        a ``valid_from``.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    customers = np.unique(transactions["customer_id"].to_numpy())
    start = transactions["timestamp"].min().normalize()
    counts = 1 + rng.poisson(2.0, len(customers))
    owner = np.repeat(customers, counts)
    seconds = rng.integers(0, 90 * 86_400, len(owner))
    at_txn = rng.choice(len(transactions), 500, replace=False)
    owner = np.concatenate([owner, transactions["customer_id"].to_numpy()[at_txn]])
    valid_from = np.concatenate(
        [
            (start + pd.to_timedelta(seconds, unit="s")).to_numpy("datetime64[us]"),
            transactions["timestamp"].to_numpy("datetime64[us]")[at_txn],
        ]
    )
    frame = pd.DataFrame(
        {
            "customer_id": owner.astype(np.int64),
            "valid_from": pd.Series(valid_from).astype("datetime64[us]"),
            "risk_score": np.round(rng.beta(2.0, 5.0, len(owner)), 3),
        }
    )
    frame = frame.drop_duplicates(["customer_id", "valid_from"])
    return frame.sort_values(["customer_id", "valid_from"], ignore_index=True)


@lru_cache(maxsize=1)
def _risk_scores():
    return make_risk_scores(_transactions())


# --------------------------------------------------------------------------------------
# Extracts: learner objects -> plain data (they run in the learner's kernel).
# --------------------------------------------------------------------------------------


def _frame(value: Any, name: str, columns: tuple[str, ...]):
    import pandas as pd

    if type(value) is not pd.DataFrame:
        raise Fail(
            f"`{name}` should be a pandas DataFrame (your query's `.df()`), but it is "
            f"{describe(value)}."
        )
    if value.columns.duplicated().any():
        twice = value.columns[value.columns.duplicated()][0]
        raise Fail(
            f"`{name}` has two columns named `{twice}`: give every column its own name "
            "(`AS ...` in the query)."
        )
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise Fail(
            f"`{name}` has no column `{missing[0]}`: it should have the columns "
            f"{', '.join(columns)}; it has {', '.join(map(str, value.columns))}."
        )
    if len(value) > 2 * N_ROWS:
        raise Fail(f"`{name}` has {len(value):,} rows: far more than there are transactions.")
    return value


def _numbers(series, name: str, column: str, kind: str) -> np.ndarray:
    """A column as a float64 (kind 'f') or int64 (kind 'i') array; NULL/NA become NaN."""
    import pandas as pd

    if kind == "i":
        if series.isna().any():
            raise Fail(f"`{name}['{column}']` has missing values: every row needs a count.")
        values = pd.to_numeric(series, errors="coerce")
        if values.isna().any() or not np.all(np.mod(values.to_numpy(float), 1) == 0):
            raise Fail(f"`{name}['{column}']` should hold whole numbers (counts).")
        return values.to_numpy(np.int64)
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    if values.isna().sum() > series.isna().sum():
        raise Fail(f"`{name}['{column}']` should hold numbers.")
    return values.to_numpy(np.float64, na_value=np.nan)


def _by_id(value: Any, name: str, columns: dict[str, str]) -> dict[str, Any]:
    frame = _frame(value, name, ("transaction_id", *columns))
    ids = _numbers(frame["transaction_id"], name, "transaction_id", "i")
    order = np.argsort(ids, kind="stable")
    out: dict[str, Any] = {"transaction_id": ids[order]}
    for column, kind in columns.items():
        out[column] = _numbers(frame[column], name, column, kind)[order]
    return out


def _extract_velocity(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 1: the counts per transaction, sorted by id."""
    return _by_id(values["velocity"], "velocity", {"n_1h": "i", "n_24h": "i"})


def _extract_history(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 2: the gap and the ratio per transaction, sorted by id."""
    return _by_id(values["history"], "history", {"seconds_since_last": "f", "ratio_so_far": "f"})


def _extract_pit(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 3: the joined risk score per transaction, sorted by id."""
    return _by_id(values["pit"], "pit", {"risk_score": "f"})


def _parquet_files(root: Path) -> list[Path]:
    """The Parquet files at most three folders deep, refusing a folder with too many entries."""
    import os

    found: list[Path] = []
    seen = 0
    for folder, subfolders, names in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        if depth >= 3:
            subfolders[:] = []
        seen += len(names) + len(subfolders)
        if seen > 20 * _MAX_FILES:
            raise Fail(
                "`dataset_dir` holds far too many entries: point it at the dataset's folder."
            )
        found += [Path(folder) / n for n in names if n.endswith(".parquet")]
        if len(found) > _MAX_FILES:
            raise Fail(
                f"There are over {_MAX_FILES} Parquet files under `dataset_dir`: far too many."
            )
    return sorted(p for p in found if p.is_file())


def _file_content(path: Path, names: list[str]) -> dict[str, Any]:
    """A file's ``transaction_id`` values, the sum of its amounts and its timestamp type."""
    import pyarrow.parquet as pq

    out: dict[str, Any] = {"ids": np.zeros(0, np.int64), "amount_sum": float("nan")}
    out["ts_type"] = ""
    if "timestamp" in names:
        out["ts_type"] = str(pq.read_schema(path).field("timestamp").type)
    wanted = [c for c in ("transaction_id", "amount") if c in names]
    table = pq.read_table(path, columns=wanted)
    if "transaction_id" in wanted:
        ids = table.column("transaction_id").to_pandas()
        ids = ids.to_numpy(np.float64, na_value=np.nan) if ids.dtype.kind in "iufb" else None
        if ids is None or np.isnan(ids).any() or np.any(np.mod(ids, 1) != 0):
            raise Fail(f"The file `{path.name}` holds `transaction_id` values that are not ids.")
        out["ids"] = np.sort(ids.astype(np.int64))
    if "amount" in wanted:
        amounts = table.column("amount").to_pandas()
        if amounts.dtype.kind not in "iuf":
            raise Fail(f"The file `{path.name}` holds `amount` values that are not numbers.")
        out["amount_sum"] = float(amounts.astype("float64").sum())
    return out


def _extract_dataset(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Exercise 4: every Parquet file under the folder: path, rows, columns, content, times."""
    import pandas as pd
    import pyarrow.parquet as pq

    folder = values["dataset_dir"]
    if not isinstance(folder, (str, Path)):
        raise Fail(f"`dataset_dir` should be the folder's path (a str), not {describe(folder)}.")
    root = Path(folder)
    if not root.is_dir():
        raise Fail("`dataset_dir` is not an existing folder: write the dataset there first.")
    files = _parquet_files(root)
    if not files:
        raise Fail("There is no `.parquet` file under `dataset_dir`.")
    out = []
    for path in files:
        relative = path.relative_to(root).as_posix()
        try:
            meta = pq.read_metadata(path)
            names = [meta.schema.column(i).name for i in range(meta.num_columns)]
            content = _file_content(path, names)
        except Fail:
            raise
        except Exception as error:  # noqa: BLE001 - any unreadable file gets the same message
            raise Fail(
                f"The file `{relative[:80]}` is not a readable Parquet file "
                f"({type(error).__name__}): write the dataset again."
            ) from None
        low = high = None
        if "timestamp" in names:
            j = names.index("timestamp")
            for g in range(meta.num_row_groups):
                stats = meta.row_group(g).column(j).statistics
                if stats is None or not stats.has_min_max:
                    low = high = None
                    break
                try:
                    lo, hi = pd.Timestamp(stats.min), pd.Timestamp(stats.max)
                except (TypeError, ValueError):
                    raise Fail(
                        f"The file `{relative[:80]}` stores `timestamp` as "
                        f"{content['ts_type'] or 'something'} whose values are not dates: "
                        "keep the timestamp type."
                    ) from None
                low = lo if low is None else min(low, lo)
                high = hi if high is None else max(high, hi)
        out.append(
            {
                "path": relative,
                "rows": int(meta.num_rows),
                "columns": names,
                "ts_min": "" if low is None else low.isoformat(),
                "ts_max": "" if high is None else high.isoformat(),
                **content,
            }
        )
    return out


def _extract_pruned(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 5: the Arrow table's column names and columns."""
    import pyarrow as pa

    table = values["march_big"]
    if type(table) is not pa.Table:
        raise Fail(
            "`march_big` should be a pyarrow Table (what `pyarrow.parquet.read_table` returns), "
            f"but it is {describe(table)}."
        )
    if table.num_rows > N_ROWS:
        raise Fail("`march_big` has more rows than the whole file.")
    names = [str(n) for n in table.column_names]
    out: dict[str, Any] = {"columns": names}
    for name in PRUNED_COLUMNS:
        if name not in names:
            continue
        column = table.column(name).to_pandas()
        if name == "timestamp":
            if getattr(column.dtype, "tz", None) is not None:
                raise Fail(
                    "`march_big['timestamp']` is timezone-aware, but the file's timestamps "
                    "are naive: read the column as it is stored (filter with naive "
                    "`pd.Timestamp('2025-03-01')`)."
                )
            if column.dtype.kind != "M":
                raise Fail("`march_big['timestamp']` should hold timestamps, as in the file.")
            column = column.astype("datetime64[s]").astype("int64")
        out[name] = np.asarray(column, dtype=np.float64)
    return out


def _extract_out_of_core(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 6: the connection's memory limit, its spill folder and its table ``daily``."""
    import duckdb

    con = values["con_small"]
    if type(con) is not duckdb.DuckDBPyConnection:
        raise Fail(f"`con_small` should be a DuckDB connection, but it is {describe(con)}.")
    try:
        cursor = con.cursor()
        limit, spill = cursor.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()[0]
    except duckdb.Error as error:
        raise Fail(
            "The check could not run a query on `con_small` (is it closed, or is its "
            f"memory_limit too small to run anything?): {str(error)[:120]}"
        ) from None
    try:
        exists = cursor.execute(
            "SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'daily'"
        ).fetchall()[0][0]
        if not exists:
            raise Fail(
                "`con_small` has no table `daily`: create it inside the connection with "
                "`CREATE TABLE daily AS SELECT ...`."
            )
        daily = cursor.table("daily").df()
    except duckdb.Error as error:
        raise Fail(
            "The check could not read the table `daily` of `con_small` (is its memory_limit "
            f"too small to run anything?): {str(error)[:120]}"
        ) from None
    frame = _frame(daily, "daily", ("day", "n_txn", "total_amount"))
    if len(frame) > 1000:
        raise Fail("`daily` should have one row per day, but it has far more.")
    import pandas as pd

    days = pd.to_datetime(frame["day"], errors="coerce")
    if days.isna().any():
        raise Fail("`daily['day']` should hold dates.")
    order = np.argsort(days.to_numpy(), kind="stable")
    return {
        "memory_limit": str(limit),
        "temp_directory": str(spill),
        "day": [d.date().isoformat() for d in days.iloc[order]],
        "n_txn": _numbers(frame["n_txn"], "daily", "n_txn", "i")[order],
        "total_amount": _numbers(frame["total_amount"], "daily", "total_amount", "f")[order],
    }


def _extract_dask(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 8: the lazy graph's node classes and the result, computed synchronously."""
    import pandas as pd

    lazy = values["by_category"]
    module = type(lazy).__module__
    if not module.startswith("dask.") or not hasattr(lazy, "expr"):
        raise Fail(
            "`by_category` should be a lazy Dask DataFrame (before `.compute()`), but it is "
            f"{describe(lazy)}."
        )
    walked = list(lazy.expr.walk())[:2000]
    nodes = sorted({type(node).__name__ for node in walked})[:200]
    reads = [
        int(node.npartitions) for node in walked if type(node).__name__.startswith("ReadParquet")
    ][:50]
    result = lazy.compute(scheduler="synchronous")
    if type(result) is not pd.DataFrame:
        raise Fail("`by_category` should compute to a DataFrame (one row per category).")
    if result.columns.duplicated().any():
        raise Fail("`by_category` has two columns with the same name.")
    for column in ("n", "total", "fraud_rate"):
        if column not in result.columns:
            raise Fail(f"`by_category` has no column `{column}`.")
    if len(result) > 100:
        raise Fail("`by_category` should have one row per merchant category.")
    labels = result["merchant_category"] if "merchant_category" in result.columns else result.index
    index = [str(i) for i in labels]
    order = np.argsort(index, kind="stable")
    return {
        "nodes": nodes,
        "read_partitions": reads,
        "category": [index[i] for i in order],
        "n": _numbers(result["n"], "by_category", "n", "i")[order],
        "total": _numbers(result["total"], "by_category", "total", "f")[order],
        "fraud_rate": _numbers(result["fraud_rate"], "by_category", "fraud_rate", "f")[order],
    }


# --------------------------------------------------------------------------------------
# Exercise 7: merging partial moments (a function, on visible and hidden cases).
# --------------------------------------------------------------------------------------


def _moments(x) -> tuple[float, float, float]:
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        return (0.0, 0.0, 0.0)
    mean = float(x.mean())
    return (float(x.size), mean, float(((x - mean) ** 2).sum()))


def _merge_cases() -> list[Case]:
    rng = np.random.default_rng(SEED)
    a, b = rng.normal(40, 10, 30), rng.normal(55, 20, 70)
    return [Case(_moments(a), _moments(b), call="merge_moments(part_a, part_b)")]


def _merge_hidden() -> list[Case]:
    rng = np.random.default_rng(SEED + 1)
    big = 1e9 + rng.normal(0, 1, 500)
    return [
        Case(_moments(rng.normal(0, 1, 5)), _moments([]), label="the second part is empty"),
        Case(_moments([]), _moments(rng.normal(3, 2, 8)), label="the first part is empty"),
        Case(_moments([]), _moments([]), label="both parts are empty"),
        Case(_moments([7.0]), _moments([7.0, 9.0]), label="tiny parts"),
        Case(_moments(big[:100]), _moments(big[100:]), label="values near 1e9, spread 1"),
        Case(
            _moments(rng.exponential(5, 1000)),
            _moments(rng.exponential(50, 10)),
            label="very unequal part sizes",
        ),
    ]


MODULE = Module(
    "22",
    "data_at_scale",
    "Data at scale",
    problems=(
        Custom(
            "22.1",
            reads=("velocity",),
            extract=_extract_velocity,
            title="Velocity features with window functions",
            points=2,
            hints=[
                "One row per transaction: count the *earlier* transactions of the same customer "
                "whose time is less than one hour (24 hours) before this one. A window "
                "partitioned by customer and ordered by time does it in one pass.",
                "`COUNT(*) OVER (PARTITION BY customer_id ORDER BY timestamp RANGE BETWEEN "
                "INTERVAL 3599 SECONDS PRECEDING AND CURRENT ROW)` counts the rows less than "
                "3,600 s before (timestamps are whole seconds), the current row and its "
                "same-second peers included. Subtract the current row and its later peers.",
                "Later peers: `COUNT(*) OVER (PARTITION BY customer_id, timestamp ORDER BY "
                "transaction_id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)`; "
                "`n_1h = <range count> - <that>`, the same with 86399 seconds for `n_24h`.",
            ],
        ),
        Custom(
            "22.2",
            reads=("history",),
            extract=_extract_history,
            title="Time since the last transaction and a ratio without the future",
            points=2,
            hints=[
                "Order each customer's transactions by `timestamp, transaction_id`. The gap is "
                "this time minus the previous row's time; the ratio divides the amount by the "
                "mean of the *earlier* amounts only.",
                "`LAG(timestamp) OVER w` gives the previous time (NULL for the first); "
                "`epoch(timestamp) - epoch(LAG(timestamp) OVER w)` is the gap in seconds.",
                "`amount / AVG(amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)` "
                "with `WINDOW w AS (PARTITION BY customer_id ORDER BY timestamp, "
                "transaction_id)`; the first row's average is NULL, and so is its ratio.",
            ],
        ),
        Custom(
            "22.3",
            reads=("pit",),
            extract=_extract_pit,
            title="A point-in-time correct join",
            points=2,
            hints=[
                "Each transaction needs the score that was valid *at its time*: the latest "
                "update with `valid_from <= timestamp`, not the latest update overall.",
                "DuckDB's `ASOF JOIN ... ON t.customer_id = r.customer_id AND t.timestamp >= "
                "r.valid_from` picks exactly that row.",
                "Use `ASOF LEFT JOIN` so that transactions before the customer's first update "
                "keep their row with a NULL score: `SELECT t.transaction_id, r.risk_score FROM "
                "events t ASOF LEFT JOIN risk r ON t.customer_id = r.customer_id AND "
                "t.timestamp >= r.valid_from`.",
            ],
        ),
        Custom(
            "22.4",
            reads=("dataset_dir",),
            extract=_extract_dataset,
            title="A Parquet dataset partitioned by month",
            points=2,
            hints=[
                "Add a `month` column computed from `timestamp`, keep only the asked columns, "
                "and let the writer split the rows into one folder per month.",
                "DuckDB: `COPY (SELECT transaction_id, customer_id, timestamp, amount, "
                "is_fraud, month(timestamp) AS month FROM events) TO '...' (FORMAT parquet, "
                "PARTITION_BY (month))`.",
                "The folders are then `month=1`, `month=2`, ... (one per month present); the "
                "files inside hold the five columns (the partition column lives in the folder name). Set "
                "`dataset_dir = str(that folder)`.",
            ],
        ),
        Custom(
            "22.5",
            reads=("march_big",),
            extract=_extract_pruned,
            title="Read only what you need",
            points=1,
            hints=[
                "`pyarrow.parquet.read_table` takes `columns=` (only those are read) and "
                "`filters=` (row groups whose statistics exclude the filter are skipped).",
                "The filter is a list of conditions that must all hold: timestamps from March "
                "1st (inclusive) to April 1st (exclusive), 2025, and `amount > 250`.",
                "`pq.read_table(events_path, columns=[...], filters=[('timestamp', '>=', "
                "pd.Timestamp('2025-03-01')), ('timestamp', '<', pd.Timestamp('2025-04-01')), "
                "('amount', '>', 250.0)])`.",
            ],
        ),
        Custom(
            "22.6",
            reads=("con_small",),
            extract=_extract_out_of_core,
            title="An aggregation under a memory limit",
            points=2,
            hints=[
                "Open a new DuckDB connection, set its `memory_limit` and a `temp_directory` "
                "(where it may spill), then aggregate straight from the Parquet file.",
                '`con_small = duckdb.connect()`, `con_small.execute("SET memory_limit = '
                "'64MB'\")`; group by `CAST(timestamp AS DATE) AS day`.",
                '`con_small.execute("CREATE TABLE daily AS SELECT CAST(timestamp AS DATE) AS '
                "day, COUNT(*) AS n_txn, SUM(amount) AS total_amount FROM read_parquet('...') "
                'GROUP BY day ORDER BY day")`; keep the connection open.',
            ],
        ),
        Function(
            "22.7",
            name="merge_moments",
            cases=_merge_cases,
            hidden=_merge_hidden,
            rtol=1e-9,
            atol=1e-6,
            title="Merging partial aggregates",
            points=2,
            hints=[
                "Each part is `(count, mean, m2)`, where `m2` is the sum of squared deviations "
                "from that part's mean. The merged mean is the count-weighted mean.",
                "With `delta = mean_b - mean_a` and `n = n_a + n_b`: `mean = mean_a + delta * "
                "n_b / n` and `m2 = m2_a + m2_b + delta**2 * n_a * n_b / n`.",
                "When `n == 0` return `(0.0, 0.0, 0.0)`; return a tuple of three floats. Avoid "
                "sums of squares of the raw values: near 1e9 they lose every digit.",
            ],
        ),
        Custom(
            "22.8",
            reads=("by_category",),
            extract=_extract_dask,
            title="A groupby with Dask",
            points=2,
            hints=[
                "Read the Parquet files with `dask.dataframe.read_parquet` (lazy), group by "
                "`merchant_category`, aggregate, and do not call `.compute()` on the answer.",
                "`ddf.groupby('merchant_category', observed=True).agg(n=('amount', 'size'), "
                "total=('amount', 'sum'), fraud_rate=('is_fraud', 'mean'))`.",
                "Build `ddf` from the files (`dd.read_parquet(events_path)`), not from a pandas "
                "frame: `dd.from_pandas` only wraps data that is already in memory.",
            ],
        ),
        Choice(
            "22.kc1",
            var="kc1",
            choices="abcd",
            title="A ratio to the customer's mean",
            hints=["At scoring time, which of the customer's transactions exist?"],
        ),
        Choice(
            "22.kc2",
            var="kc2",
            choices="abcd",
            title="Joining a changing table",
            hints=["Which score did the bank know when the transaction happened?"],
        ),
        Numeric(
            "22.kc3",
            var="kc3",
            atol=0.05,
            title="Will it fit?",
            hints=["Rows times bytes per row, then divide by 1e9 for GB."],
        ),
        Choice(
            "22.kc4",
            var="kc4",
            choices="abcd",
            title="Streaming aggregations",
            hints=["Which statistic needs more than a few numbers per group to be combined?"],
        ),
        Choice(
            "22.kc5",
            var="kc5",
            choices="abcd",
            title="Dask on one machine",
            hints=["What does Dask add around each partition that DuckDB does not?"],
        ),
        Choice(
            "22.kc6",
            var="kc6",
            choices="abcd",
            title="Partition sizes on a cluster",
            hints=["Every task costs the scheduler something, whatever its size."],
        ),
    ),
)
