"""make_drift_stream: determinism, schema, drift points, and drift exactly where documented."""

import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression

from mlcourse.datasets._drift import make_drift_stream

FEATURES = ["x1", "x2", "x3", "x4"]
WINDOW = 1_000


@pytest.fixture(scope="module")
def stream():
    return make_drift_stream(seed=42)


def _ks(df, column, a, b, c, d):
    return ks_2samp(df[column].iloc[a:b], df[column].iloc[c:d]).pvalue


def test_same_seed_same_frame_other_seed_other_frame(stream):
    pd.testing.assert_frame_equal(stream, make_drift_stream(seed=42))
    assert stream.attrs == make_drift_stream(seed=42).attrs
    assert not stream.equals(make_drift_stream(seed=43))


def test_schema_dtypes_and_no_missing_values(stream):
    assert list(stream.columns) == ["timestamp", *FEATURES, "target", "segment"]
    assert str(stream["timestamp"].dtype) == "datetime64[us]"
    for column in FEATURES:
        assert stream[column].dtype == np.float64
    assert stream["target"].dtype == np.int64 and stream["segment"].dtype == np.int64
    assert stream.shape == (10_000, 7) and not stream.isna().any().any()
    assert set(stream["target"].unique()) == {0, 1}
    assert (stream["timestamp"].diff().iloc[1:] == pd.Timedelta(hours=1)).all()
    assert stream["timestamp"].iloc[0] == pd.Timestamp("2025-01-01")
    assert stream.attrs["name"] == "drift_stream"
    assert "seed=42" in stream.attrs["description"]


def test_drift_points_are_listed_and_segments_follow_them(stream):
    points = stream.attrs["drift_points"]
    assert [(p["row"], p["kind"]) for p in points] == [(5_000, "feature"), (7_500, "concept")]
    assert points[0]["fraction"] == 0.5
    assert pd.Timestamp(points[1]["timestamp"]) == stream["timestamp"].iloc[7_500]
    assert stream.attrs["drifted_features"] == ["x1", "x2"]
    assert stream["segment"].is_monotonic_increasing
    assert stream["segment"].iloc[[0, 4_999, 5_000, 7_499, 7_500, 9_999]].tolist() == [
        0,
        0,
        1,
        1,
        2,
        2,
    ]


def test_fractions_and_row_indices_mean_the_same_point(stream):
    by_rows = make_drift_stream(feature_drift_at=5_000, concept_drift_at=[np.int64(7_500)])
    pd.testing.assert_frame_equal(stream, by_rows)
    assert stream.attrs["drift_points"] == by_rows.attrs["drift_points"]


def test_feature_drift_is_detected_in_the_drifted_features_only(stream):
    for column in ["x1", "x2"]:
        assert _ks(stream, column, 5_000 - WINDOW, 5_000, 5_000, 5_000 + WINDOW) < 0.001
    for column in ["x3", "x4"]:
        assert _ks(stream, column, 5_000 - WINDOW, 5_000, 5_000, 5_000 + WINDOW) > 0.01


def test_no_drift_is_detected_where_there_is_none(stream):
    for column in FEATURES:
        assert _ks(stream, column, 0, WINDOW, 3_000, 3_000 + WINDOW) > 0.01  # both before
        assert _ks(stream, column, 5_500, 5_500 + WINDOW, 8_000, 8_000 + WINDOW) > 0.01


def test_every_feature_drift_point_shifts_mean_and_variance():
    df = make_drift_stream(20_000, feature_drift_at=(0.25, 0.5, 0.75), concept_drift_at=None)
    for row in (5_000, 10_000, 15_000):
        before, after = df["x1"].iloc[row - 2_000 : row], df["x1"].iloc[row : row + 2_000]
        assert ks_2samp(before, after).pvalue < 0.001
        assert 0.6 < after.mean() - before.mean() < 1.0
        assert 1.3 < after.std() / before.std() < 1.7


def test_concept_drift_changes_the_relation_not_the_features(stream):
    for column in FEATURES:
        assert _ks(stream, column, 7_500 - 2 * WINDOW, 7_500, 7_500, 7_500 + 2 * WINDOW) > 0.01
    model = LogisticRegression().fit(
        stream[FEATURES].iloc[5_000:7_000], stream["target"][5_000:7_000]
    )
    before = model.score(stream[FEATURES].iloc[7_000:7_500], stream["target"][7_000:7_500])
    after = model.score(stream[FEATURES].iloc[7_500:], stream["target"][7_500:])
    assert before > 0.75 and after < before - 0.2, (before, after)
    # Retraining on the new concept recovers.
    retrained = LogisticRegression().fit(
        stream[FEATURES].iloc[7_500:9_000], stream["target"][7_500:9_000]
    )
    assert retrained.score(stream[FEATURES].iloc[9_000:], stream["target"][9_000:]) > 0.75


def test_without_drift_points_the_stream_is_stationary_and_shares_the_noise(stream):
    calm = make_drift_stream(feature_drift_at=None, concept_drift_at=())
    assert calm.attrs["drift_points"] == [] and (calm["segment"] == 0).all()
    pd.testing.assert_frame_equal(calm.iloc[:5_000], stream.iloc[:5_000])
    for column in FEATURES:
        assert ks_2samp(calm[column].iloc[:WINDOW], calm[column].iloc[-WINDOW:]).pvalue > 0.01


@pytest.mark.parametrize("n_features", [1, 2, 7])
def test_number_of_features(n_features):
    df = make_drift_stream(2_000, n_features=n_features, freq="15min", start="2024-06-01 08:00")
    names = [f"x{j + 1}" for j in range(n_features)]
    assert list(df.columns) == ["timestamp", *names, "target", "segment"]
    assert df.attrs["drifted_features"] == names[: max(1, n_features // 2)]
    assert df["timestamp"].iloc[1] - df["timestamp"].iloc[0] == pd.Timedelta(minutes=15)


def test_shared_drift_row_counts_as_one_segment_boundary():
    df = make_drift_stream(1_000, feature_drift_at=0.5, concept_drift_at=500)
    assert df["segment"].max() == 1
    assert [p["kind"] for p in df.attrs["drift_points"]] == ["concept", "feature"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_rows": 1}, "n_rows must be between 2 and"),
        ({"n_rows": "10"}, "n_rows must be an integer"),
        ({"n_features": 0}, "n_features must be between 1 and 100, got 0"),
        (
            {"feature_drift_at": 1.5},
            "feature_drift_at: fraction 1.5 is not strictly between 0 and 1",
        ),
        ({"feature_drift_at": 0.0}, "fraction 0.0 is not strictly between 0 and 1"),
        ({"concept_drift_at": 10_000}, "concept_drift_at: row index 10000 is outside the stream"),
        ({"concept_drift_at": (0.5, 5_000)}, "concept_drift_at must not repeat a drift point"),
        ({"feature_drift_at": ("half",)}, "feature_drift_at must contain numbers, got 'half'"),
        ({"feature_drift_at": True}, "feature_drift_at must be a number, a sequence"),
        ({"feature_drift_at": "0.5"}, "feature_drift_at must be a number, a sequence"),
        ({"freq": "fortnightly"}, "freq must be a pandas offset alias"),
        ({"freq": None}, "freq must be a pandas offset alias"),
        ({"start": "soon"}, "start must be a date or timestamp"),
        ({"seed": -3}, "seed must be a non-negative integer or None, got -3"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_drift_stream(**kwargs)


def test_tiny_fraction_that_rounds_to_an_end_is_rejected():
    with pytest.raises(ValueError, match=re.escape("falls on row 0")):
        make_drift_stream(10, feature_drift_at=0.01)
