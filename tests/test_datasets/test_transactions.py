"""make_transactions: determinism, schema, velocity features, fraud rate, learnable-but-hard fraud."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlcourse.datasets._transactions import CATEGORIES, CHANNELS, make_transactions

DTYPES = {
    "transaction_id": "int64",
    "customer_id": "int64",
    "timestamp": "datetime64[us]",
    "amount": "float64",
    "merchant_category": "category",
    "channel": "category",
    "hour": "int64",
    "distance_from_home_km": "float64",
    "n_txn_last_1h": "int64",
    "n_txn_last_24h": "int64",
    "seconds_since_last_txn": "int64",
    "amount_ratio_to_customer_mean": "float64",
    "is_fraud": "int64",
}
NUMERIC = [
    "amount",
    "hour",
    "distance_from_home_km",
    "n_txn_last_1h",
    "n_txn_last_24h",
    "seconds_since_last_txn",
    "amount_ratio_to_customer_mean",
]


@pytest.fixture(scope="module")
def small():
    return make_transactions(20_000, fraud_rate=0.02, seed=7)


@pytest.fixture(scope="module")
def large():
    return make_transactions(200_000, seed=0)


def test_same_seed_same_frame_other_seed_other_frame(small):
    pd.testing.assert_frame_equal(small, make_transactions(20_000, fraud_rate=0.02, seed=7))
    other = make_transactions(20_000, fraud_rate=0.02, seed=8)
    assert not small.equals(other)
    assert not np.array_equal(small["amount"].to_numpy(), other["amount"].to_numpy())


def test_schema_dtypes_and_no_missing_values(small):
    assert small.shape == (20_000, len(DTYPES))
    assert {c: str(t) for c, t in small.dtypes.items()} == DTYPES
    assert not small.isna().any().any()
    assert list(small["merchant_category"].cat.categories) == list(CATEGORIES)
    assert list(small["channel"].cat.categories) == list(CHANNELS)
    assert set(small["is_fraud"].unique()) <= {0, 1}
    assert small.attrs["name"] == "transactions"
    description = small.attrs["description"]
    assert "fraud_rate=0.02" in description and "seed=7" in description
    assert len(description.splitlines()) > 3


def test_values_are_plausible(small):
    np.testing.assert_array_equal(small["transaction_id"], np.arange(len(small)))
    assert small["timestamp"].is_monotonic_increasing
    assert small["timestamp"].min() >= pd.Timestamp("2025-01-01")
    assert small["timestamp"].max() < pd.Timestamp("2025-01-01") + pd.Timedelta(days=90)
    np.testing.assert_array_equal(small["hour"], small["timestamp"].dt.hour)
    assert (small["amount"] > 0).all()
    np.testing.assert_allclose(small["amount"], small["amount"].round(2), rtol=0, atol=1e-9)
    assert (small["distance_from_home_km"] >= 0).all()
    assert (small["amount_ratio_to_customer_mean"] > 0).all()
    assert (small["seconds_since_last_txn"] >= 0).all()
    # Customers have habits: typical amounts differ between customers far beyond chance.
    per_customer = small[small["is_fraud"] == 0].groupby("customer_id")["amount"].median()
    assert per_customer.quantile(0.9) > 2 * per_customer.quantile(0.1)


def test_velocity_features_match_a_slow_reference():
    df = make_transactions(3_000, n_customers=40, fraud_rate=0.05, days=10, seed=3)
    seconds = ((df["timestamp"] - pd.Timestamp("2025-01-01")) // pd.Timedelta(seconds=1)).to_numpy()
    for _, rows in df.assign(sec=seconds).groupby("customer_id"):
        sec = rows["sec"].to_numpy()  # rows are in time order, ties in a stable order
        for i in range(len(sec)):
            earlier = sec[:i]
            assert rows["n_txn_last_1h"].iloc[i] == np.sum(earlier > sec[i] - 3_600)
            assert rows["n_txn_last_24h"].iloc[i] == np.sum(earlier > sec[i] - 86_400)
            if i > 0:
                assert rows["seconds_since_last_txn"].iloc[i] == sec[i] - sec[i - 1]


def test_amount_ratio_uses_only_earlier_amounts():
    """ratio_i = amount_i / ((sum of earlier amounts + 5 * long-run mean) / (n earlier + 5))."""
    df = make_transactions(3_000, n_customers=30, seed=5)
    checked = 0
    for _, rows in df.groupby("customer_id"):
        amount = rows["amount"].to_numpy()
        ratio = rows["amount_ratio_to_customer_mean"].to_numpy()
        if ratio[0] < 0.5:
            continue  # the long-run mean is read off the first row; keep rounding error small
        long_run = amount[0] / ratio[0]
        earlier_sum = np.concatenate(([0.0], np.cumsum(amount)[:-1]))
        n_earlier = np.arange(len(amount))
        expected = amount / ((earlier_sum + 5 * long_run) / (n_earlier + 5))
        np.testing.assert_allclose(ratio, expected, rtol=3e-3, atol=2e-3)
        checked += 1
    assert checked > 10


@pytest.mark.parametrize("rate", [0.001, 0.005, 0.02, 0.1])
def test_realised_fraud_rate_within_binomial_tolerance(rate):
    n = 100_000
    realised = make_transactions(n, fraud_rate=rate, seed=123)["is_fraud"].mean()
    sd = np.sqrt(rate * (1 - rate) / n)  # the count is Binomial(n, rate) by construction
    assert abs(realised - rate) < 4.5 * sd, (realised, rate, sd)


def test_no_fraud_when_rate_is_zero():
    assert make_transactions(5_000, fraud_rate=0.0, seed=1)["is_fraud"].sum() == 0


def test_n_customers_default_and_override():
    assert make_transactions(10_000, seed=1)["customer_id"].max() < 200
    df = make_transactions(10_000, n_customers=7, seed=1)
    assert set(df["customer_id"].unique()) <= set(range(7))


def test_fraud_signals_shift_the_distributions(large):
    fraud = large[large["is_fraud"] == 1]
    legit = large[large["is_fraud"] == 0]

    def night(frame):
        return frame["hour"].isin([0, 1, 2, 3, 4, 5]).mean()

    def online(frame):
        return (frame["channel"] == "online").mean()

    # Shifted, not separated: legitimate customers also shop at night and online.
    assert night(fraud) > 2 * night(legit) > 0.02
    assert online(fraud) > 1.5 * online(legit) > 0.1
    assert fraud["distance_from_home_km"].median() > 2 * legit["distance_from_home_km"].median()
    assert fraud["n_txn_last_1h"].mean() > 2 * legit["n_txn_last_1h"].mean() > 0.05
    assert (
        fraud["amount_ratio_to_customer_mean"].median()
        > 1.5 * legit["amount_ratio_to_customer_mean"].median()
    )


def _auc(y, score):
    auc = roc_auc_score(y, score)
    return max(auc, 1 - auc)


def test_fraud_is_learnable_but_not_trivially(large):
    cut = int(0.7 * len(large))  # time-ordered split: train on the past, test on the future
    train, test = large.iloc[:cut], large.iloc[cut:]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1_000))
    model.fit(train[NUMERIC], train["is_fraud"])
    auc = roc_auc_score(test["is_fraud"], model.predict_proba(test[NUMERIC])[:, 1])
    assert 0.7 < auc < 0.99, auc
    single = {c: _auc(test["is_fraud"], test[c]) for c in NUMERIC}
    assert max(single.values()) < auc - 0.03, (single, auc)
    assert max(single.values()) < 0.85, single


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_rows": 0}, "n_rows must be at least 1, got 0"),
        ({"n_rows": 10.5}, "n_rows must be an integer"),
        ({"n_rows": True}, "n_rows must be an integer"),
        ({"fraud_rate": -0.1}, "fraud_rate must be between 0 and 0.5"),
        (
            {"fraud_rate": 0.9},
            "fraud_rate must be between 0 and 0.5 (fraud is the minority class), got 0.9",
        ),
        ({"fraud_rate": "1%"}, "fraud_rate must be a number"),
        ({"n_customers": 0}, "n_customers must be between 1"),
        ({"days": 0}, "days must be between 1 and 3660, got 0"),
        ({"start": "not a date"}, "start must be a date"),
        ({"start": "2025-01-01 12:00"}, "start must be a date at midnight"),
        ({"start": pd.Timestamp("2025-01-01", tz="UTC")}, "start must be timezone-naive"),
        ({"seed": -1}, "seed must be a non-negative integer or None, got -1"),
        ({"seed": 1.5}, "seed must be a non-negative integer or None"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    kwargs = {"n_rows": 100, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        make_transactions(**kwargs)


def test_parameters_after_n_rows_are_keyword_only():
    with pytest.raises(TypeError):
        make_transactions(100, 0.01)


def test_edge_sizes():
    one = make_transactions(1, seed=0)
    assert one.shape == (1, len(DTYPES)) and not one.isna().any().any()
    single_customer = make_transactions(500, n_customers=1, days=1, seed=0)
    assert single_customer["customer_id"].nunique() == 1
    assert single_customer["n_txn_last_24h"].is_monotonic_increasing
