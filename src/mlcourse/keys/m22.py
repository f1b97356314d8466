"""Module 22's answer key: references computed from the generated data, judges, quiz answers.

Every expected value is computed here from the events the learner was given
(``make_events(make_transactions(200_000, seed=22))``): the velocity counts with a sorted search,
the gaps, the expanding-mean ratio and the point-in-time scores with pandas. No learner SQL
or code runs here: the judges compare plain data only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Fail, Mistake, at, require_dict, require_list, require_str
from mlcourse.exercises.m22 import (
    BIG_AMOUNT,
    DATASET_COLUMNS,
    MEMORY_LIMIT_MB,
    N_ROWS,
    PRUNED_COLUMNS,
    _risk_scores,
    _transactions,
)

# --------------------------------------------------------------------------------------
# References.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _ordered():
    """The transactions ordered by customer, time and id, with each row's rank in its customer."""
    frame = _transactions().sort_values(["customer_id", "timestamp", "transaction_id"])
    first = frame["customer_id"].ne(frame["customer_id"].shift()).to_numpy()
    return frame, first


@lru_cache(maxsize=1)
def _velocity_reference() -> dict[str, np.ndarray]:
    """Earlier transactions of the same customer less than 1 h / 24 h before each one, by id."""
    frame, _ = _ordered()
    seconds = frame["timestamp"].astype("datetime64[s]").astype("int64").to_numpy()
    seconds = seconds - seconds.min() + 200_000
    keys = frame["customer_id"].to_numpy(np.int64) * 100_000_000 + seconds
    position = np.arange(len(keys))
    ids = frame["transaction_id"].to_numpy()
    out = {}
    for column, window in (("n_1h", 3600), ("n_24h", 86_400)):
        first = np.searchsorted(keys, keys - (window - 1), side="left")
        counts = np.empty(N_ROWS, np.int64)
        counts[ids] = position - first
        out[column] = counts
    return out


@lru_cache(maxsize=1)
def _history_reference() -> dict[str, np.ndarray]:
    """Gap to the previous transaction and the ratio to the mean of earlier amounts, by id."""
    frame, first = _ordered()
    seconds = frame["timestamp"].astype("datetime64[s]").astype("int64").to_numpy()
    gap = np.diff(seconds, prepend=0).astype(float)
    gap[first] = np.nan
    amount = frame["amount"].to_numpy()
    group = np.cumsum(first)
    csum = frame.groupby(group)["amount"].cumsum().to_numpy() - amount
    n_prev = frame.groupby(group).cumcount().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(n_prev > 0, amount / (csum / np.maximum(n_prev, 1)), np.nan)
    ids = frame["transaction_id"].to_numpy()
    out_gap, out_ratio = np.empty(N_ROWS), np.empty(N_ROWS)
    out_gap[ids], out_ratio[ids] = gap, ratio
    return {"seconds_since_last": out_gap, "ratio_so_far": out_ratio}


@lru_cache(maxsize=1)
def _all_time_ratio() -> np.ndarray:
    data = _transactions()
    return (data["amount"] / data.groupby("customer_id")["amount"].transform("mean")).to_numpy()


@lru_cache(maxsize=1)
def _pit_reference() -> np.ndarray:
    """The score valid at each transaction's time (NaN before the customer's first update)."""
    import pandas as pd

    data = _transactions()[["transaction_id", "customer_id", "timestamp"]]
    joined = pd.merge_asof(
        data.sort_values("timestamp"),
        _risk_scores().sort_values("valid_from"),
        left_on="timestamp",
        right_on="valid_from",
        by="customer_id",
        direction="backward",
        allow_exact_matches=True,
    )
    out = np.full(N_ROWS, np.nan)
    out[joined["transaction_id"].to_numpy()] = joined["risk_score"].to_numpy()
    return out


@lru_cache(maxsize=1)
def _forward_scores(direction: str = "forward", exact: bool = True) -> np.ndarray:
    """The inequality reversed (the first score with ``valid_from >= timestamp``), or strict."""
    import pandas as pd

    data = _transactions()[["transaction_id", "customer_id", "timestamp"]]
    joined = pd.merge_asof(
        data.sort_values("timestamp"),
        _risk_scores().sort_values("valid_from"),
        left_on="timestamp",
        right_on="valid_from",
        by="customer_id",
        direction=direction,
        allow_exact_matches=exact,
    )
    out = np.full(N_ROWS, np.nan)
    out[joined["transaction_id"].to_numpy()] = joined["risk_score"].to_numpy()
    return out


@lru_cache(maxsize=1)
def _ids_by_month() -> dict[int, np.ndarray]:
    data = _transactions()
    months = data["timestamp"].dt.month.to_numpy()
    ids = data["transaction_id"].to_numpy(np.int64)
    return {int(m): np.sort(ids[months == m]) for m in np.unique(months)}


@lru_cache(maxsize=1)
def _amount_by_month() -> dict[int, float]:
    data = _transactions()
    sums = data.groupby(data["timestamp"].dt.month)["amount"].sum()
    return {int(k): float(v) for k, v in sums.items()}


@lru_cache(maxsize=1)
def _naive_scores() -> np.ndarray:
    """The leaky join: each customer's latest score, whatever the transaction's time."""
    latest = _risk_scores().groupby("customer_id")["risk_score"].last()
    return _transactions()["customer_id"].map(latest).to_numpy(float)


@lru_cache(maxsize=1)
def _rows_per_month() -> dict[int, int]:
    counts = _transactions()["timestamp"].dt.month.value_counts()
    return {int(k): int(v) for k, v in counts.items()}


@lru_cache(maxsize=1)
def _pruned_reference() -> np.ndarray:
    data = _transactions()
    ts = data["timestamp"]
    keep = (ts >= "2025-03-01") & (ts < "2025-04-01") & (data["amount"] > BIG_AMOUNT)
    return _rows(
        {
            name: (
                data.loc[keep, name].astype("datetime64[s]").astype("int64")
                if name == "timestamp"
                else data.loc[keep, name]
            ).to_numpy(float)
            for name in PRUNED_COLUMNS
        }
    )


def _rows(columns: dict[str, np.ndarray]) -> np.ndarray:
    """The rows as a 2-D array in a canonical order (the row order of a read is not asked)."""
    matrix = np.column_stack([columns[name] for name in PRUNED_COLUMNS])
    return matrix[np.lexsort(matrix.T[::-1])]


@lru_cache(maxsize=1)
def _daily_reference() -> dict[str, Any]:
    data = _transactions()
    daily = data.groupby(data["timestamp"].dt.date)["amount"].agg(["size", "sum"])
    return {
        "day": [d.isoformat() for d in daily.index],
        "n_txn": daily["size"].to_numpy(np.int64),
        "total_amount": daily["sum"].to_numpy(float),
    }


@lru_cache(maxsize=1)
def _category_reference() -> dict[str, Any]:
    data = _transactions()
    grouped = data.groupby("merchant_category", observed=True).agg(
        n=("amount", "size"), total=("amount", "sum"), fraud_rate=("is_fraud", "mean")
    )
    index = [str(i) for i in grouped.index]
    order = np.argsort(index, kind="stable")
    return {
        "category": [index[i] for i in order],
        "n": grouped["n"].to_numpy(np.int64)[order],
        "total": grouped["total"].to_numpy(float)[order],
        "fraud_rate": grouped["fraud_rate"].to_numpy(float)[order],
    }


def _merge_moments(a, b):
    n_a, mean_a, m2_a = (float(v) for v in a)
    n_b, mean_b, m2_b = (float(v) for v in b)
    n = n_a + n_b
    if n == 0:
        return (0.0, 0.0, 0.0)
    delta = mean_b - mean_a
    return (n, mean_a + delta * n_b / n, m2_a + m2_b + delta**2 * n_a * n_b / n)


def _merge_unweighted(a, b):
    n = float(a[0] + b[0])
    if n == 0:
        return (0.0, 0.0, 0.0)
    return (n, (float(a[1]) + float(b[1])) / 2, float(a[2]) + float(b[2]))


def _merge_no_between(a, b):
    n = float(a[0] + b[0])
    if n == 0:
        return (0.0, 0.0, 0.0)
    return (n, (a[0] * a[1] + b[0] * b[1]) / n, float(a[2]) + float(b[2]))


# --------------------------------------------------------------------------------------
# Judges: compare plain data, never run anything of the learner's.
# --------------------------------------------------------------------------------------


def _array(data: dict, key: str, kind: str, path: str = "data") -> np.ndarray:
    value = data[key]
    if type(value) is not np.ndarray or value.ndim != 1 or value.dtype.kind != kind:
        want = "whole numbers" if kind == "i" else "floats"
        raise Fail(
            f"The collected answer is malformed: `{at(path, key)}` should be a 1-D array of "
            f"{want}. Check your answer with the exercise's own check."
        )
    return value


def _column(data: dict, key: str, kind: str) -> np.ndarray:
    """A per-transaction column: a 1-D array of the right kind with one value per transaction."""
    value = _array(data, key, kind)
    if len(value) != N_ROWS:
        raise Fail(
            f"The collected answer is malformed: `data[{key!r}]` does not have one value per "
            "transaction. Check your answer with the exercise's own check."
        )
    return value


def _ids(data: dict, name: str) -> None:
    ids = _array(data, "transaction_id", "i")
    if len(ids) != N_ROWS:
        raise Fail(
            f"`{name}` has {len(ids):,} rows, but it should have one per transaction "
            f"({N_ROWS:,}): query the whole file, not a sample or a filtered part."
        )
    if not np.array_equal(ids, np.arange(N_ROWS)):
        raise Fail(
            f"`{name}['transaction_id']` should list every transaction once: some ids are "
            "missing or repeated (a join that multiplied rows?)."
        )


def _judge_velocity(data: Any) -> None:
    data = require_dict(data, "data", ("transaction_id", "n_1h", "n_24h"))
    _ids(data, "velocity")
    reference = _velocity_reference()
    for column, seconds in (("n_1h", 3600), ("n_24h", 86_400)):
        got = _column(data, column, "i")
        want = reference[column]
        wrong = got != want
        if not wrong.any():
            continue
        if np.array_equal(got, want + 1):
            raise Fail(
                f"`velocity['{column}']` counts the transaction itself: count only the "
                "*earlier* ones (subtract the current row)."
            )
        if np.all(got[wrong] > want[wrong]) and wrong.sum() < 0.01 * len(want):
            raise Fail(
                f"`velocity['{column}']` is too high on {int(wrong.sum())} rows: either a "
                f"transaction exactly {seconds:,} s earlier is counted (the window is *less "
                "than* that long), or a later transaction in the same second is."
            )
        raise Fail(
            f"`velocity['{column}']` differs from the counts it should have on "
            f"{int(wrong.sum()):,} of {len(want):,} transactions. Count, per customer, the "
            f"earlier transactions less than {seconds:,} s before each one."
        )


def _judge_history(data: Any) -> None:
    data = require_dict(data, "data", ("transaction_id", "seconds_since_last", "ratio_so_far"))
    _ids(data, "history")
    ref = _history_reference()
    gap = _column(data, "seconds_since_last", "f")
    want_gap = ref["seconds_since_last"]
    same_nan = np.isnan(gap) == np.isnan(want_gap)
    if not same_nan.all():
        raise Fail(
            "`history['seconds_since_last']` should be missing (NULL) exactly on each "
            "customer's first transaction, and a number everywhere else."
        )
    finite = ~np.isnan(want_gap)
    if not np.allclose(gap[finite], want_gap[finite], rtol=0, atol=1e-6):
        raise Fail(
            "`history['seconds_since_last']` is not the number of seconds since the same "
            "customer's previous transaction (ordered by `timestamp, transaction_id`)."
        )
    ratio = _column(data, "ratio_so_far", "f")
    want = ref["ratio_so_far"]
    leaky = _all_time_ratio()
    finite = ~np.isnan(want)
    if np.allclose(ratio[finite], leaky[finite], rtol=1e-6) and not np.allclose(
        leaky[finite], want[finite], rtol=1e-6
    ):
        raise Fail(
            "`history['ratio_so_far']` divides by the customer's mean over *all* their "
            "transactions, later ones included: that leaks the future. Average only the earlier "
            "amounts."
        )
    if not (np.isnan(ratio) == np.isnan(want)).all():
        raise Fail(
            "`history['ratio_so_far']` should be missing (NULL) exactly on each customer's "
            "first transaction, when there is no earlier amount to average."
        )
    if np.allclose(ratio[finite], want[finite], rtol=1e-6, atol=1e-9):
        return
    raise Fail(
        "`history['ratio_so_far']` is not the amount divided by the mean of the customer's "
        "earlier amounts (the current row excluded)."
    )


def _judge_pit(data: Any) -> None:
    data = require_dict(data, "data", ("transaction_id", "risk_score"))
    want = _pit_reference()
    ids = _array(data, "transaction_id", "i")
    if len(ids) < N_ROWS and np.array_equal(ids, np.flatnonzero(~np.isnan(want))):
        raise Fail(
            "`pit` has no row for the transactions that precede the customer's first score: "
            "rows were dropped. An inner (ASOF) join drops transactions with no earlier score; "
            "keep every transaction with a LEFT join."
        )
    _ids(data, "pit")
    got = _column(data, "risk_score", "f")
    forward = _forward_scores()
    if (np.isnan(got) == np.isnan(forward)).all() and np.allclose(
        got[~np.isnan(forward)], forward[~np.isnan(forward)], rtol=0, atol=1e-6
    ):
        raise Fail(
            "`pit['risk_score']` is the first score *after* each transaction: the inequality "
            "is the wrong way round. Take the latest update with `valid_from <= timestamp`."
        )
    strict = _forward_scores("backward", exact=False)
    if (np.isnan(got) == np.isnan(strict)).all() and np.allclose(
        got[~np.isnan(strict)], strict[~np.isnan(strict)], rtol=0, atol=1e-6
    ):
        raise Fail(
            "`pit['risk_score']` ignores an update made at the transaction's very second: "
            "`valid_from < timestamp` is too strict. A score is valid from `valid_from` on: "
            "use `<=`."
        )
    if not (np.isnan(got) == np.isnan(want)).all():
        if not np.isnan(got).any():
            raise Fail(
                "`pit['risk_score']` has a score for every transaction, but some happened "
                "before the customer's first score existed: those must stay NULL."
            )
        raise Fail(
            "`pit['risk_score']` is NULL on the wrong transactions: a score should be missing "
            "only before the customer's first update (check the join's condition and its type)."
        )
    finite = ~np.isnan(want)
    if np.allclose(got[finite], want[finite], rtol=0, atol=1e-6):
        return
    naive = _naive_scores()
    if np.allclose(got[finite], naive[finite], rtol=0, atol=1e-6):
        raise Fail(
            "`pit['risk_score']` is each customer's latest score, whatever the transaction's "
            "time: most rows get a score from their future. Join the score valid *at* the "
            "transaction's time."
        )
    bad = int((np.abs(got[finite] - want[finite]) > 1e-6).sum())
    raise Fail(
        f"`pit['risk_score']` is not the score valid at the transaction's time on {bad:,} "
        "rows: take the latest update with `valid_from <= timestamp` (an update made at the "
        "transaction's very second counts), for the same customer."
    )


def _month(path: str) -> int | None:
    """The month of a Hive-style partition path (``month=3/file.parquet``), or None."""
    match = re.fullmatch(r"month=0?(\d{1,2})/[^/]+", path)
    return int(match.group(1)) if match else None


def _judge_dataset(data: Any) -> None:
    files = require_list(data, "data")
    if not files or len(files) > 500:
        raise Fail("`dataset_dir` should hold a handful of Parquet files, one folder per month.")
    counts: dict[int, int] = {}
    ids: dict[int, list[np.ndarray]] = {}
    sums: dict[int, float] = {}
    import pandas as pd

    for index, entry in enumerate(files):
        entry = require_dict(
            entry,
            at("data", index),
            ("path", "rows", "columns", "ts_min", "ts_max", "ids", "amount_sum", "ts_type"),
        )
        path = require_str(entry["path"], at(at("data", index), "path"))
        month = _month(path)
        if month is None:
            raise Fail(
                f"The file `{path[:80]}` is not inside a `month=<number>` folder: partition "
                "the dataset by a column named `month` (the month of `timestamp`)."
            )
        columns = require_list(entry["columns"], at(at("data", index), "columns"), item=require_str)
        if sorted(map(str, columns)) != sorted(DATASET_COLUMNS):
            raise Fail(
                f"The file `{path[:80]}` holds the columns {', '.join(map(str, columns))[:200]}; "
                f"it should hold exactly {', '.join(DATASET_COLUMNS)} (the partition column "
                "lives in the folder name)."
            )
        rows = entry["rows"]
        if type(rows) is not int or rows < 0:
            raise Fail("The collected answer is malformed: a file's row count is not an int.")
        ts_type = require_str(entry["ts_type"], at(at("data", index), "ts_type"))
        if not ts_type.startswith("timestamp"):
            raise Fail(
                f"The file `{path[:80]}` stores `timestamp` as {ts_type[:40] or 'nothing'}, not "
                "as a timestamp: write the column with its timestamp type (not as text)."
            )
        low, high = entry["ts_min"], entry["ts_max"]
        if type(low) is not str or type(high) is not str or not low or not high:
            raise Fail(f"The file `{path[:80]}` has no timestamp statistics.")
        try:
            low_ts, high_ts = pd.Timestamp(low), pd.Timestamp(high)
        except (ValueError, TypeError):
            raise Fail("The collected answer is malformed: a timestamp is not a date.") from None
        if low_ts.month != month or high_ts.month != month or low_ts.year != high_ts.year:
            raise Fail(
                f"The file `{path[:80]}` holds timestamps outside its month: the folder's "
                "number should be the month of each row's `timestamp`."
            )
        counts[month] = counts.get(month, 0) + rows
        file_ids = _array(entry, "ids", "i", at("data", index))
        if len(file_ids) != rows:
            raise Fail("The collected answer is malformed: a file's ids do not match its rows.")
        ids.setdefault(month, []).append(file_ids)
        amount_sum = entry["amount_sum"]
        if type(amount_sum) is not float:
            raise Fail("The collected answer is malformed: a file's amount sum is not a float.")
        sums[month] = sums.get(month, 0.0) + amount_sum
    want = _rows_per_month()
    if sorted(counts) != sorted(want):
        raise Fail(
            f"The dataset has the month folders {sorted(counts)}; every month of the data "
            "should have its folder."
        )
    for month, rows in want.items():
        if counts[month] != rows:
            raise Fail(
                f"The `month={month}` folder holds {counts[month]:,} rows: write every "
                "transaction of that month, once."
            )
        if not np.array_equal(np.sort(np.concatenate(ids[month])), _ids_by_month()[month]):
            raise Fail(
                f"The `month={month}` folder does not hold that month's transactions "
                "(`transaction_id` values): write the events themselves, each in the folder "
                "of its own month."
            )
        if not np.isclose(sums[month], _amount_by_month()[month], rtol=1e-9, atol=1e-6):
            raise Fail(
                f"The amounts in the `month={month}` folder do not add up to that month's "
                "amounts: write the `amount` column as it is in the events."
            )


def _judge_pruned(data: Any) -> None:
    data = require_dict(data, "data")
    names = require_list(data.get("columns"), at("data", "columns"), item=require_str)
    if [str(n) for n in names] != list(PRUNED_COLUMNS):
        raise Fail(
            f"`march_big` has the columns {', '.join(map(str, names))[:200]}; read exactly "
            f"{', '.join(PRUNED_COLUMNS)}, in that order, and nothing else."
        )
    require_dict(data, "data", ("columns", *PRUNED_COLUMNS))
    arrays = {name: _array(data, name, "f") for name in PRUNED_COLUMNS}
    sizes = {len(a) for a in arrays.values()}
    if len(sizes) != 1:
        raise Fail("The collected answer is malformed: columns of different lengths.")
    want = _pruned_reference()
    if sizes.pop() != len(want):
        raise Fail(
            f"`march_big` has {len(arrays['amount']):,} rows: keep exactly the transactions of "
            f"March 2025 with an amount above {BIG_AMOUNT:g} (the whole file, no sample)."
        )
    got = _rows(arrays)
    if not np.allclose(got, want, rtol=0, atol=1e-6, equal_nan=False):
        raise Fail("`march_big` does not hold the rows asked for: check both filters.")


def _memory_bytes(text: str) -> float | None:
    match = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]i?B|bytes?)\s*", text)
    if not match:
        return None
    factor = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
    unit = match.group(2)
    if unit.startswith("byte"):
        return float(match.group(1))
    base = 1024.0 ** ("KMGT".index(unit[0]) + 1) if "i" in unit else factor[unit[0]]
    return float(match.group(1)) * base


def _judge_out_of_core(data: Any) -> None:
    data = require_dict(
        data, "data", ("memory_limit", "temp_directory", "day", "n_txn", "total_amount")
    )
    limit = _memory_bytes(require_str(data["memory_limit"], at("data", "memory_limit")))
    if limit is None or limit > MEMORY_LIMIT_MB * 1024**2 + 1:
        raise Fail(
            f"`con_small`'s memory_limit is {data['memory_limit'][:40]!r}: set it to at most "
            f"{MEMORY_LIMIT_MB} MB (`SET memory_limit = '{MEMORY_LIMIT_MB}MB'`)."
        )
    spill = require_str(data["temp_directory"], at("data", "temp_directory"))
    if spill.strip() in ("", ".tmp"):
        raise Fail(
            "`con_small` has no `temp_directory` of its own (it is still DuckDB's default): "
            "set one under `workdir` (`SET temp_directory = '...'`), where it may spill."
        )
    days = require_list(data["day"], at("data", "day"), item=require_str)
    want = _daily_reference()
    if days != want["day"]:
        raise Fail(
            f"`daily` has {len(days)} days; it should have one row per calendar day of the "
            "data, from the whole file."
        )
    n = _array(data, "n_txn", "i")
    total = _array(data, "total_amount", "f")
    if len(n) != len(days) or len(total) != len(days):
        raise Fail("The collected answer is malformed: columns of different lengths.")
    if not np.array_equal(n, want["n_txn"]):
        raise Fail("`daily['n_txn']` is not the number of transactions of each day.")
    if not np.allclose(total, want["total_amount"], rtol=1e-9, atol=1e-6):
        raise Fail("`daily['total_amount']` is not the sum of each day's amounts.")


_FORBIDDEN_STEPS = ("MapPartitions", "MapOverlap")
N_FILES = 10  # the events folder's Parquet files
_FORBIDDEN_SOURCES = ("FromPandas", "FromArray", "FromDict", "FromDelayed", "FromMap", "FromGraph")


def _judge_dask(data: Any) -> None:
    data = require_dict(
        data, "data", ("nodes", "read_partitions", "category", "n", "total", "fraud_rate")
    )
    nodes = require_list(data["nodes"], at("data", "nodes"), item=require_str)
    if any(name in node for node in nodes for name in _FORBIDDEN_STEPS):
        raise Fail(
            "`by_category`'s graph runs a function of yours on the partitions "
            "(`map_partitions` or similar): build it from Dask's own groupby and aggregations."
        )
    if any(node.startswith(_FORBIDDEN_SOURCES) for node in nodes):
        raise Fail(
            "`by_category` starts from data already in memory (`from_pandas` or similar): build "
            "it from the Parquet files with `dask.dataframe.read_parquet`."
        )
    if not any(node.startswith("ReadParquet") for node in nodes):
        raise Fail("`by_category`'s graph does not read Parquet: start from `dd.read_parquet`.")
    reads = require_list(data["read_partitions"], at("data", "read_partitions"))
    if not reads or any(type(n) is not int or n < N_FILES for n in reads):
        raise Fail(
            f"`by_category` reads only part of the data: its Parquet read has fewer than "
            f"{N_FILES} partitions (one per file). Read the whole folder `events_path`."
        )
    if not any("Groupby" in node or "GroupBy" in node for node in nodes):
        raise Fail("`by_category`'s graph has no groupby: group the Dask DataFrame itself.")
    want = _category_reference()
    category = require_list(data["category"], at("data", "category"), item=require_str)
    if category != want["category"]:
        raise Fail(
            "`by_category` should have one row per merchant category, indexed by the category."
        )
    n = _array(data, "n", "i")
    if len(n) != len(category) or not np.array_equal(n, want["n"]):
        raise Fail("`by_category['n']` is not the number of transactions per category.")
    for column in ("total", "fraud_rate"):
        got = _array(data, column, "f")
        if len(got) != len(category) or not np.allclose(got, want[column], rtol=1e-9):
            raise Fail(f"`by_category['{column}']` does not match the whole data's values.")


KEY = {
    "22.1": {"judge": _judge_velocity},
    "22.2": {"judge": _judge_history},
    "22.3": {"judge": _judge_pit},
    "22.4": {"judge": _judge_dataset},
    "22.5": {"judge": _judge_pruned},
    "22.6": {"judge": _judge_out_of_core},
    "22.7": {
        "reference": _merge_moments,
        "mistakes": [
            Mistake(
                _merge_unweighted,
                "The merged mean weighs each part by its count, and m2 gains a term for the "
                "distance between the two means.",
            ),
            Mistake(
                _merge_no_between,
                "Adding the two m2 values forgets the spread *between* the parts: add "
                "`delta**2 * n_a * n_b / n`.",
            ),
        ],
    },
    "22.8": {"judge": _judge_dask},
    "22.kc1": {
        "answer": "b",
        "explanation": (
            "When a transaction is scored, only the customer's earlier transactions exist; a "
            "mean over all of them uses amounts from the future, which the live system cannot "
            "compute, so the features the model trained on differ from the ones it gets live. "
            "How much that inflates the offline score depends on how strongly the future values "
            "relate to the label: mildly here, badly for the lesson's chargeback count."
        ),
        "feedback": {
            "a": "Both means are computed per customer; the difference is which transactions "
            "each one may use, not how many customers.",
            "c": "Rounding is not the issue: the two means differ by which rows they include.",
            "d": "The all-time mean is easy to compute offline; the problem is what it uses.",
        },
    },
    "22.kc2": {
        "answer": "c",
        "explanation": (
            "An as-of join picks, per transaction, the latest row with valid_from <= the "
            "transaction's time: what the bank knew then."
        ),
        "feedback": {
            "a": "The latest score overall was often set after the transaction: that is the "
            "future leaking into training data.",
            "b": "An average over all of the customer's scores also includes future updates.",
            "d": "An exact-time equality join almost never matches: updates and transactions "
            "rarely share a second.",
        },
    },
    "22.kc3": {"expected": lambda: 120 * 50_000_000 / 1e9},
    "22.kc4": {
        "answer": "d",
        "explanation": (
            "Count, sum, mean, variance, min and max merge from a few numbers per group; an "
            "exact median needs every value (or a sketch that approximates it)."
        ),
        "feedback": {
            "a": "A count merges by adding the parts' counts.",
            "b": "A mean merges from each part's count and sum (or count and mean).",
            "c": "A variance merges from each part's count, mean and m2, as exercise 7 does.",
        },
    },
    "22.kc5": {
        "answer": "a",
        "explanation": (
            "Dask schedules Python tasks, moves pandas frames between them and (on a "
            "LocalCluster) serialises them between processes; DuckDB runs one vectorised, "
            "multi-threaded engine on the same data without that overhead."
        ),
        "feedback": {
            "b": "DuckDB reads the Parquet files where they are, as Dask does: nothing is converted.",
            "c": "Dask gets the same result here; it is not an approximation.",
            "d": "Both use all the cores they are given on one machine.",
        },
    },
    "22.kc6": {
        "answer": "b",
        "explanation": (
            "Each task costs the scheduler about a millisecond or less whatever its size, so "
            "partitions of roughly 100 MB keep that overhead small while still fitting "
            "comfortably in a worker's memory."
        ),
        "feedback": {
            "a": "Millions of tiny tasks make the scheduler the bottleneck.",
            "c": "A single partition means a single task: nothing runs in parallel.",
            "d": "A partition must fit in one worker's memory with room for the computation.",
        },
    },
}
