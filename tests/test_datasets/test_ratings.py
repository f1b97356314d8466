"""make_ratings: determinism, schema, popularity bias, the time split and cold start."""

import re

import numpy as np
import pandas as pd
import pytest

from mlcourse.datasets._ratings import make_ratings

COLUMNS = ["user_id", "item_id", "rating", "timestamp"]
DTYPES = {
    "user_id": "int64",
    "item_id": "int64",
    "rating": "int64",
    "timestamp": "datetime64[us]",
}


@pytest.fixture(scope="module")
def data():
    return make_ratings()


@pytest.fixture(scope="module")
def implicit():
    return make_ratings(implicit=True)


def test_same_seed_same_data_other_seed_other_data():
    first = make_ratings(200, 100, seed=3)
    again = make_ratings(200, 100, seed=3)
    for key in ("ratings", "train", "test", "catalog", "users"):
        pd.testing.assert_frame_equal(first[key], again[key])
    assert first.description == again.description
    assert not first.ratings.equals(make_ratings(200, 100, seed=4).ratings)


def test_bunch_fields_columns_and_dtypes(data):
    assert data.name == "ratings"
    assert {"ratings", "train", "test", "catalog", "users", "split_time", "description"} <= set(
        data
    )
    for key in ("ratings", "train", "test"):
        assert list(data[key].columns) == COLUMNS
        assert {c: str(t) for c, t in data[key].dtypes.items()} == DTYPES
        assert not data[key].isna().any().any()
    assert {c: str(t) for c, t in data.catalog.dtypes.items()} == {
        "item_id": "int64",
        "title": "str",
        "genre": "str",
        "release_date": "datetime64[us]",
        "popularity": "float64",
    }
    assert {c: str(t) for c, t in data.users.dtypes.items()} == {
        "user_id": "int64",
        "signup_date": "datetime64[us]",
    }
    assert data.catalog.item_id.tolist() == list(range(500))
    assert data.users.user_id.tolist() == list(range(1_000))
    assert data.catalog.title.iloc[42] == "Item 0042"
    assert data.catalog.genre.nunique() == 8
    assert data.catalog.popularity.sum() == pytest.approx(1.0)
    assert len(data.description.splitlines()) > 10 and "cold start" in data.description.lower()


def test_ids_in_range_ratings_are_integers_1_to_5_and_pairs_unique(data):
    r = data.ratings
    assert r.user_id.between(0, 999).all() and r.item_id.between(0, 499).all()
    assert set(r.rating.unique()) == {1, 2, 3, 4, 5}
    assert not r.duplicated(["user_id", "item_id"]).any()
    assert r.timestamp.is_monotonic_increasing


def test_density_is_roughly_as_requested():
    for density in (0.01, 0.03, 0.1):
        n = len(make_ratings(400, 200, density=density, seed=1).ratings)
        assert n / (400 * 200) == pytest.approx(density, rel=0.15)


def test_item_popularity_is_long_tailed(data):
    counts = data.ratings.item_id.value_counts().to_numpy()  # sorted, most rated first
    top_share = counts[: len(data.catalog) // 10].sum() / counts.sum()
    assert top_share > 0.3  # 10 % of the items, more than 3x their uniform share
    # and the tail is long: half of the items share a small part of the ratings
    assert np.sort(counts)[: len(counts) // 2].sum() / counts.sum() < 0.2
    # the catalog's popularity prior is what drives it
    observed = data.ratings.item_id.value_counts().reindex(data.catalog.item_id, fill_value=0)
    assert np.corrcoef(np.log(data.catalog.popularity), np.log1p(observed))[0, 1] > 0.5


def test_time_split_is_respected(data):
    assert data.train.timestamp.max() < data.split_time <= data.test.timestamp.min()
    assert data.test.timestamp.max() < pd.Timestamp("2025-01-01") + pd.Timedelta(days=180)
    assert data.train.timestamp.min() >= pd.Timestamp("2025-01-01")
    assert data.split_time == pd.Timestamp("2025-01-01") + pd.Timedelta(days=180 - 14)
    assert len(data.train) + len(data.test) == len(data.ratings)
    pd.testing.assert_frame_equal(
        pd.concat([data.train, data.test], ignore_index=True), data.ratings
    )
    assert 0.05 < len(data.test) / len(data.ratings) < 0.2


def test_ratings_follow_signup_and_release(data):
    r = data.ratings.merge(data.users, on="user_id").merge(data.catalog, on="item_id")
    assert (r.timestamp >= r.signup_date).all()
    assert (r.timestamp >= r.release_date).all()


def test_cold_start_users_and_items_exist_and_are_reported(data):
    cold_users = set(data.test.user_id) - set(data.train.user_id)
    cold_items = set(data.test.item_id) - set(data.train.item_id)
    assert len(cold_users) >= 10 and len(cold_items) >= 1
    assert f"Cold start: {len(cold_users)} of {data.test.user_id.nunique()} test users" in (
        data.description
    )
    signup = data.users.set_index("user_id").signup_date
    assert (signup[sorted(cold_users)] >= data.split_time.normalize()).any()


def test_users_rate_what_they_like_and_genres_matter(data):
    # Taste is shaped by genre: a user's ratings within one genre agree more than across genres.
    r = data.ratings.merge(data.catalog[["item_id", "genre"]], on="item_id")
    residual = r.rating - r.groupby("user_id").rating.transform("mean")
    per_genre = residual.groupby([r.user_id, r.genre]).mean()
    assert per_genre.abs().mean() > 0.3
    # Missing not at random: the average rating is above the middle of the scale.
    assert 3.3 < data.ratings.rating.mean() < 4.2


def test_implicit_variant_has_counts_and_no_rating(data, implicit):
    assert list(implicit.ratings.columns) == ["user_id", "item_id", "interactions", "timestamp"]
    assert "rating" not in implicit.train.columns and "rating" not in implicit.test.columns
    assert str(implicit.ratings.interactions.dtype) == "int64"
    assert (implicit.ratings.interactions >= 1).all()
    assert implicit.ratings.interactions.max() > 5
    # same seed: same pairs and times, only the value column differs
    pd.testing.assert_frame_equal(
        implicit.ratings[["user_id", "item_id", "timestamp"]],
        data.ratings[["user_id", "item_id", "timestamp"]],
    )


def test_parameters_shape_the_data():
    small = make_ratings(50, 30, n_genres=3, test_days=7, days=30, start="2024-03-01", seed=0)
    assert small.catalog.genre.nunique() == 3
    assert small.split_time == pd.Timestamp("2024-03-24")
    assert small.ratings.timestamp.min() >= pd.Timestamp("2024-03-01")
    assert small.ratings.timestamp.max() < pd.Timestamp("2024-03-31")
    assert small.users.user_id.size == 50 and small.catalog.item_id.size == 30
    wide = make_ratings(100, 12_345, density=0.001, seed=0)
    assert wide.catalog.title.iloc[7] == "Item 00007"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_users": 5}, "n_users must be between 10 and 200000, got 5"),
        ({"n_users": 100.0}, "n_users must be an integer"),
        ({"n_items": True}, "n_items must be an integer"),
        ({"n_users": 200_000, "n_items": 50_000}, "n_users x n_items must be at most"),
        ({"density": 0}, "density must be in (0, 1]"),
        ({"density": 1.5}, "got 1.5"),
        ({"density": float("nan")}, "density must be a fraction"),
        ({"density": "3%"}, "density must be a fraction, got '3%'"),
        ({"implicit": "yes"}, "implicit must be True or False"),
        ({"n_genres": 0}, "n_genres must be between 1 and 16"),
        ({"n_genres": 17}, "got 17"),
        ({"test_days": 0}, "test_days must be at least 1 and less than days=180, got 0"),
        ({"test_days": 30, "days": 30}, "less than days=30, got 30"),
        ({"test_days": 1.5}, "test_days must be an integer"),
        ({"days": 1}, "days must be between 2 and 3650"),
        ({"start": "not a date"}, "start could not be read as a date"),
        ({"start": 20250101}, "start must be a date string or a date"),
        ({"start": "2025-01-01T00:00+02:00"}, "without a time zone"),
        ({"seed": -1}, "seed must be a non-negative integer or None"),
        ({"seed": "x"}, "seed must be a non-negative integer or None"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    arguments = {"n_users": 50, "n_items": 40, **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        make_ratings(**arguments)


def test_parameters_after_n_items_are_keyword_only():
    with pytest.raises(TypeError):
        make_ratings(50, 40, 0.1)


def test_seed_none_gives_fresh_data():
    assert not make_ratings(50, 40, seed=None).ratings.equals(
        make_ratings(50, 40, seed=None).ratings
    )
