"""Module 22: attempts to pass the checks without doing the task, right work written
differently, and the data facts the checks rely on (an off-by-one window changes some rows, the
naive join differs from the point-in-time one, the generator's own counts and gaps are not the
answer, scores updated at a transaction's second and rows on exercise 5's boundaries exist).

The work is built with the helpers of ``forged_m22.py`` over the exercises' 200,000 rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mlcourse.checks import Function
from mlcourse.exercises import get_module
from mlcourse.exercises.m22 import EVENT_COLUMNS, N_ROWS, _risk_scores, _transactions
from mlcourse.keys import m22 as key

from .forged_m22 import (
    HISTORY_SQL,
    PIT_SQL,
    RIGHT_DATASET,
    VELOCITY_SQL,
    dask_by_category,
    march_between,
    march_big,
    pandas_by_category,
    query,
    small_connection,
    workspace,
    write_partitioned,
)

MODULE = get_module("22")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}


def outcome(problem_id: str, **namespace):
    return PROBLEMS[problem_id].check(namespace)


def test_every_hidden_case_has_a_label():
    for problem in MODULE.problems:
        if isinstance(problem, Function):
            for hidden, case in problem.cases():
                assert not hidden or case.label, problem.id


# --------------------------------------------------------------------------------------
# The data facts the checks rely on: each mistake really changes the result.
# --------------------------------------------------------------------------------------


def test_an_off_by_one_window_changes_some_rows():
    off = query(VELOCITY_SQL.replace("3599 SECONDS", "1 HOUR") + " ORDER BY transaction_id")
    assert (off["n_1h"].to_numpy() != key._velocity_reference()["n_1h"]).sum() > 0


def test_the_generators_own_columns_are_not_the_answer():
    from mlcourse.datasets import make_transactions

    generated = make_transactions(N_ROWS, seed=22)
    reference = key._velocity_reference()
    assert (generated["n_txn_last_1h"].to_numpy() != reference["n_1h"]).sum() > 100
    assert (generated["n_txn_last_24h"].to_numpy() != reference["n_24h"]).sum() > 100
    gaps = key._history_reference()["seconds_since_last"]
    finite = ~np.isnan(gaps)
    assert (generated["seconds_since_last_txn"].to_numpy(float)[finite] != gaps[finite]).sum() > 100
    assert set(_transactions().columns) == set(EVENT_COLUMNS)


def test_the_velocity_reference_matches_a_brute_force_count():
    txn = _transactions()
    reference = key._velocity_reference()
    seconds = txn["timestamp"].astype("datetime64[s]").astype("int64").to_numpy()
    ids = txn["transaction_id"].to_numpy()
    for row in txn.sample(300, random_state=2).itertuples():
        same = txn["customer_id"].to_numpy() == row.customer_id
        t = seconds[row.Index]
        earlier = same & ((seconds < t) | ((seconds == t) & (ids < row.transaction_id)))
        assert reference["n_1h"][row.transaction_id] == (earlier & (seconds > t - 3600)).sum()
        assert reference["n_24h"][row.transaction_id] == (earlier & (seconds > t - 86_400)).sum()


def test_updates_at_a_transactions_second_and_boundary_rows_exist():
    txn, risk = _transactions(), _risk_scores()
    exact = txn.merge(
        risk, left_on=["customer_id", "timestamp"], right_on=["customer_id", "valid_from"]
    )
    assert len(exact) >= 100
    assert (txn["timestamp"] == pd.Timestamp("2025-04-01")).sum() >= 1
    assert ((txn["timestamp"] == pd.Timestamp("2025-03-01")) & (txn["amount"] > 250)).sum() >= 1
    assert ((txn["amount"] == 250.0) & (txn["timestamp"].dt.month == 3)).sum() >= 1


def test_same_second_peers_exist():
    txn = _transactions().sort_values(["customer_id", "timestamp"])
    same = txn.duplicated(["customer_id", "timestamp"])
    assert same.sum() > 0


def test_every_point_in_time_value_was_valid_at_its_time():
    txn = _transactions()
    risk = _risk_scores()
    got = key._pit_reference()
    for row in txn.sample(300, random_state=1).itertuples():
        versions = risk[(risk.customer_id == row.customer_id) & (risk.valid_from <= row.timestamp)]
        want = versions.risk_score.iloc[-1] if len(versions) else np.nan
        assert (math.isnan(want) and math.isnan(got[row.transaction_id])) or want == got[
            row.transaction_id
        ]
    naive = key._naive_scores()
    finite = ~np.isnan(got)
    assert (naive[finite] != got[finite]).mean() > 0.3


# --------------------------------------------------------------------------------------
# Right work written differently is accepted.
# --------------------------------------------------------------------------------------


def _pandas_velocity() -> pd.DataFrame:
    """The counts with NumPy instead of SQL, rows shuffled, an extra column."""
    txn = _transactions().sort_values(["customer_id", "timestamp", "transaction_id"])
    cust = txn["customer_id"].to_numpy()
    sec = txn["timestamp"].astype("datetime64[s]").astype("int64").to_numpy()
    key_ = cust * 10**10 + sec
    idx = np.arange(len(txn))
    first = np.searchsorted(cust, cust, side="left")
    out = pd.DataFrame({"transaction_id": txn["transaction_id"].to_numpy()})
    for name, width in (("n_1h", 3600), ("n_24h", 86_400)):
        start = np.maximum(np.searchsorted(key_, key_ - width, side="right"), first)
        out[name] = idx - start
    out["extra"] = "x"
    return out.sample(frac=1.0, random_state=0)


def test_velocity_computed_with_numpy_is_accepted():
    assert outcome("22.1", velocity=_pandas_velocity()).correct


def test_history_computed_with_pandas_and_float32_gaps_is_accepted():
    txn = _transactions().sort_values(["customer_id", "timestamp", "transaction_id"])
    g = txn.groupby("customer_id")
    gap = g["timestamp"].diff().dt.total_seconds()
    earlier_mean = (g["amount"].cumsum() - txn["amount"]) / g.cumcount()
    history = pd.DataFrame(
        {
            "transaction_id": txn["transaction_id"],
            "seconds_since_last": gap,
            "ratio_so_far": txn["amount"] / earlier_mean.where(g.cumcount() > 0),
        }
    )
    assert outcome("22.2", history=history).correct


def test_pit_with_merge_asof_is_accepted():
    txn = _transactions()[["transaction_id", "customer_id", "timestamp"]]
    pit = pd.merge_asof(
        txn.sort_values("timestamp"),
        _risk_scores().sort_values("valid_from"),
        left_on="timestamp",
        right_on="valid_from",
        by="customer_id",
    )[["transaction_id", "risk_score"]]
    assert outcome("22.3", pit=pit).correct


def test_dataset_written_with_pyarrow_is_accepted():
    import pyarrow as pa
    import pyarrow.parquet as pq

    txn = _transactions()
    frame = txn[["transaction_id", "customer_id", "timestamp", "amount", "is_fraud"]].assign(
        month=txn["timestamp"].dt.month
    )
    target = workspace()["folder"] / "pyarrow_by_month"
    pq.write_to_dataset(pa.Table.from_pandas(frame, preserve_index=False), target, ["month"])
    assert outcome("22.4", dataset_dir=target).correct


def test_other_memory_limits_at_most_64mb_are_accepted():
    for limit in ("50MB", "60MiB", "64MiB"):
        assert outcome("22.6", con_small=small_connection(limit)).correct, limit


def test_a_limit_above_64mb_and_no_spill_folder_are_rejected():
    assert outcome("22.6", con_small=small_connection("73MB")).status == "incorrect"
    result = outcome("22.6", con_small=small_connection(spill=False))
    assert result.status == "incorrect" and "temp_directory" in result.message
    result = outcome("22.6", con_small=small_connection(files=None))
    assert result.status == "incorrect" and "daily" in result.message


def test_a_memory_limit_too_small_to_query_is_a_clear_fail():
    con = small_connection(files=None)
    con.execute("SET memory_limit = '1B'")
    result = outcome("22.6", con_small=con)
    assert result.status == "incorrect" and "con_small" in result.message


def test_a_table_copied_from_an_unlimited_connection():
    other = small_connection(None)
    assert outcome("22.6", con_small=other).status == "incorrect"
    con = small_connection(files=None)
    con.register("frame", other.table("daily").df())
    con.execute("CREATE TABLE daily AS SELECT * FROM frame")
    # A known limit: a right table copied into a limited connection passes; the check cannot
    # tell which engine computed a table.
    assert outcome("22.6", con_small=con).correct


def test_merge_moments_returning_numpy_floats_is_accepted():
    def merge_moments(a, b):
        n = a[0] + b[0]
        if n == 0:
            return (0.0, 0.0, 0.0)
        delta = b[1] - a[1]
        mean = a[1] + delta * b[0] / n
        return (float(n), float(mean), float(a[2] + b[2] + delta**2 * a[0] * b[0] / n))

    assert outcome("22.7", merge_moments=merge_moments).correct


# --------------------------------------------------------------------------------------
# Attempts to pass without doing the task.
# --------------------------------------------------------------------------------------


def test_typed_in_counts_are_rejected():
    ids = np.arange(N_ROWS)
    for n_1h, n_24h in ((0, 0), (0, 1), (1, 1)):
        frame = pd.DataFrame({"transaction_id": ids, "n_1h": n_1h, "n_24h": n_24h})
        assert outcome("22.1", velocity=frame).status == "incorrect"


def test_a_query_on_a_sample_is_rejected():
    sample = query(
        VELOCITY_SQL.replace(
            "FROM events", "FROM (SELECT * FROM events USING SAMPLE 50 PERCENT (bernoulli, 1))"
        )
    )
    assert outcome("22.1", velocity=sample).status == "incorrect"


def test_duplicated_rows_are_rejected():
    right = query(VELOCITY_SQL)
    doubled = pd.concat([right, right.iloc[:10]])
    assert outcome("22.1", velocity=doubled).status == "incorrect"


def test_wrong_types_and_huge_frames_are_rejected():
    right = query(VELOCITY_SQL)
    assert outcome("22.1", velocity=right.to_dict("list")).status == "incorrect"
    assert outcome("22.1", velocity=right["n_1h"]).status == "incorrect"
    huge = pd.concat([right] * 3)
    assert outcome("22.1", velocity=huge).status == "incorrect"
    assert outcome("22.1", velocity=right.assign(n_1h="many")).status == "incorrect"
    assert outcome("22.1", velocity=right.assign(n_1h=right.n_1h + 0.5)).status == "incorrect"
    # the right counts as floats are the right counts
    assert outcome("22.1", velocity=right.astype({"n_1h": float})).correct


def test_nan_and_inf_ratios_are_rejected():
    right = query(HISTORY_SQL)
    assert outcome("22.2", history=right.fillna(math.inf)).status == "incorrect"
    assert outcome("22.2", history=right.assign(ratio_so_far=np.nan)).status == "incorrect"
    assert outcome("22.2", history=right.fillna({"ratio_so_far": 1.0})).status == "incorrect"


def test_all_time_ratio_gets_the_leak_message():
    leaky = query(
        HISTORY_SQL.replace(
            "AVG(amount) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
            "AVG(amount) OVER (PARTITION BY customer_id)",
        )
    )
    result = outcome("22.2", history=leaky)
    assert result.status == "incorrect" and "future" in result.message


def test_naive_join_gets_the_future_message():
    naive = query(
        "SELECT t.transaction_id, r.risk_score FROM events t LEFT JOIN (SELECT customer_id, "
        "arg_max(risk_score, valid_from) AS risk_score FROM risk GROUP BY customer_id) r "
        "USING (customer_id)"
    )
    result = outcome("22.3", pit=naive)
    assert result.status == "incorrect"
    right = query(PIT_SQL)
    assert outcome("22.3", pit=right.fillna(0.0)).status == "incorrect"


def test_reversed_strict_and_inner_joins_get_their_own_messages():
    reversed_ = outcome("22.3", pit=query(PIT_SQL.replace("t.timestamp >=", "t.timestamp <=")))
    assert reversed_.status == "incorrect" and "wrong way round" in reversed_.message
    strict = outcome("22.3", pit=query(PIT_SQL.replace("t.timestamp >=", "t.timestamp >")))
    assert strict.status == "incorrect" and "`<=`" in strict.message
    inner = outcome("22.3", pit=query(PIT_SQL.replace("ASOF LEFT JOIN", "ASOF JOIN")))
    assert inner.status == "incorrect" and "rows were dropped" in inner.message


def test_a_float32_score_is_accepted():
    assert outcome("22.3", pit=query(PIT_SQL).astype({"risk_score": "float32"})).correct


def test_a_path_to_nothing_and_a_file_instead_of_a_folder_are_rejected(tmp_path):
    assert outcome("22.4", dataset_dir=str(tmp_path / "missing")).status == "incorrect"
    assert outcome("22.4", dataset_dir=str(workspace()["events"])).status == "incorrect"
    assert outcome("22.4", dataset_dir=42).status == "incorrect"


def test_a_monthly_dataset_missing_a_month_is_rejected():
    folder = write_partitioned("two_months", RIGHT_DATASET + " WHERE month(timestamp) < 3", "month")
    assert outcome("22.4", dataset_dir=folder).status == "incorrect"


def test_a_pandas_table_instead_of_arrow_is_rejected():
    assert outcome("22.5", march_big=march_big().to_pandas()).status == "incorrect"


def test_reads_past_a_boundary_are_rejected():
    assert outcome("22.5", march_big=march_between(">=", "<", ">")).correct
    for ops in ((">=", "<=", ">"), (">", "<", ">"), (">=", "<", ">=")):
        assert outcome("22.5", march_big=march_between(*ops)).status == "incorrect", ops


def test_tz_aware_timestamps_get_a_clear_message():
    import pyarrow as pa

    table = march_big()
    aware = table.set_column(
        1, "timestamp", table.column("timestamp").cast(pa.timestamp("us", tz="UTC"))
    )
    result = outcome("22.5", march_big=aware)
    assert result.status == "incorrect" and "timezone" in result.message


def test_right_folders_and_counts_with_wrong_content_are_rejected():
    base = "is_fraud, month(timestamp) AS month FROM events"
    for name, select, word in (
        ("adv_ids", "transaction_id + 1 AS transaction_id, customer_id, timestamp, amount", "id"),
        ("adv_amounts", "transaction_id, customer_id, timestamp, 2 * amount AS amount", "amount"),
        (
            "adv_text",
            "transaction_id, customer_id, CAST(timestamp AS VARCHAR) AS timestamp, amount",
            "timestamp",
        ),
    ):
        folder = write_partitioned(name, f"SELECT {select}, {base}", "month")
        result = outcome("22.4", dataset_dir=folder)
        assert result.status == "incorrect" and word in result.message, name


def test_a_corrupt_parquet_file_is_a_clear_fail():
    import shutil

    source = write_partitioned("by_month", RIGHT_DATASET, "month")
    target = workspace()["folder"] / "adv_corrupt"
    if not target.exists():
        shutil.copytree(source, target)
        victim = sorted(target.rglob("*.parquet"))[0]
        victim.write_bytes(victim.read_bytes()[:200])
    result = outcome("22.4", dataset_dir=str(target))
    assert result.status == "incorrect" and "not a readable Parquet file" in result.message


def test_duplicate_column_names_are_a_clear_fail():
    right = query(VELOCITY_SQL)
    result = outcome("22.1", velocity=pd.concat([right, right[["n_1h"]]], axis=1))
    assert result.status == "incorrect" and "two columns named" in result.message


def test_a_fake_connection_is_rejected():
    class FakeConnection:
        def execute(self, sql):
            return self

        def fetchall(self):
            return [("64.0 MiB",)]

    assert outcome("22.6", con_small=FakeConnection()).status == "incorrect"


def test_pandas_dressed_as_dask_is_rejected():
    import dask.dataframe as dd

    wrapped = dd.from_pandas(pandas_by_category(), npartitions=2)
    assert outcome("22.8", by_category=wrapped).status == "incorrect"
    assert outcome("22.8", by_category=pandas_by_category()).status == "incorrect"
    assert outcome("22.8", by_category=dask_by_category()).correct
    assert outcome("22.8", by_category=dask_by_category().reset_index()).correct


def test_a_pandas_result_glued_onto_a_real_read_is_rejected():
    import dask.dataframe as dd

    pres = pandas_by_category()
    events = workspace()["events"]
    for source in (dd.read_parquet(events), dd.read_parquet(events / "part-0.parquet")):
        glued = (
            source.groupby("merchant_category", observed=True)
            .agg(n=("amount", "size"))
            .map_partitions(lambda _: pres, meta=pres.iloc[:0])
        )
        assert outcome("22.8", by_category=glued).status == "incorrect"


def test_a_dask_series_is_rejected():
    import dask.dataframe as dd

    ddf = dd.read_parquet(workspace()["events"])
    series = ddf.groupby("merchant_category", observed=True)["amount"].sum()
    assert outcome("22.8", by_category=series).status == "incorrect"


@pytest.mark.parametrize("problem_id", ["22.1", "22.2", "22.3", "22.5", "22.8"])
def test_junk_data_is_incorrect_never_a_checker_error(problem_id):
    problem = PROBLEMS[problem_id]
    from mlcourse.checks import Answer

    for junk in (None, 0, "x", [], {}, {"data": None}, np.zeros(3), pd.DataFrame()):
        assert problem.evaluate(Answer({"data": junk})).status == "incorrect"
