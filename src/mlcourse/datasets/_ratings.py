"""``make_ratings``: synthetic user-item ratings (or implicit interactions) with a time split."""

from __future__ import annotations

import datetime as _dt
import math
import numbers

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._validate import check_int

__all__ = ["make_ratings"]

_GENRES = (
    "drama",
    "comedy",
    "action",
    "documentary",
    "thriller",
    "romance",
    "sci-fi",
    "animation",
    "horror",
    "family",
    "crime",
    "fantasy",
    "music",
    "history",
    "western",
    "sport",
)
_N_FACTORS = 12  # latent dimensions of the simulator (hidden)
_ZIPF_EXPONENT = 1.0  # item popularity ~ 1 / (rank + _ZIPF_OFFSET) ** _ZIPF_EXPONENT
_ZIPF_OFFSET = 3.0
_SELECTION_STRENGTH = 1.5  # how strongly users pick items they expect to like (not at random)
_P_EXISTING_USERS = 0.6  # users signed up before ``start``; the rest sign up during the window
_P_EXISTING_ITEMS = 0.75  # items released before ``start``; the rest appear during the window
_MEAN_RATING = 2.5
_TASTE_WEIGHT = 1.2  # rating points per standard deviation of affinity
_USER_BIAS_SD = 0.35
_ITEM_BIAS_SD = 0.30
_NOISE_SD = 0.5
_ITEM_NOISE = 0.4  # item-specific deviation from its genre (hidden factors)
_USER_NOISE = 0.4  # user-specific deviation from their favourite genres
_CHUNK_CELLS = 2_000_000  # user x item cells scored at once (bounds memory)
_MAX_CELLS = 200_000_000  # user x item cells in all (about 10 s)
_SECONDS_PER_DAY = 86_400


def _check_int(name: str, value, low: int, high: int | None, example: int) -> int:
    return check_int(name, value, low=low, high=high, example=example)


def _check_start(start) -> pd.Timestamp:
    if not isinstance(start, (str, _dt.date, np.datetime64, pd.Timestamp)):
        raise ValueError(
            f"start must be a date string or a date, got {type(start).__name__} {start!r}; "
            'pass e.g. start="2025-01-01".'
        )
    try:
        stamp = pd.Timestamp(start)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"start could not be read as a date, got {start!r} ({error}); "
            'pass an ISO date such as start="2025-01-01".'
        ) from None
    if stamp is pd.NaT or pd.isna(stamp):
        raise ValueError(f'start must be a date, got {start!r}; pass e.g. start="2025-01-01".')
    if stamp.tz is not None:
        raise ValueError(
            f"start must be a date without a time zone, got {start!r}; "
            'pass e.g. start="2025-01-01".'
        )
    return stamp.normalize().as_unit("us")


def _allocate(weight: np.ndarray, total: int, cap: int) -> np.ndarray:
    """Expected counts ``clip(1 + scale * weight, 1, cap)`` whose sum is ``total`` (if possible)."""
    low, high = 0.0, 1.0
    while np.minimum(1 + high * weight, cap).sum() < total and high < 1e12:
        high *= 2
    for _ in range(60):  # bisection on the scale
        mid = (low + high) / 2
        if np.minimum(1 + mid * weight, cap).sum() < total:
            low = mid
        else:
            high = mid
    return np.minimum(1 + high * weight, cap)


def _standardise(scores: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return (scores - mean) / sd


def make_ratings(
    n_users: int = 1_000,
    n_items: int = 500,
    *,
    density: float = 0.03,
    implicit: bool = False,
    n_genres: int = 8,
    test_days: int = 14,
    start="2025-01-01",
    days: int = 180,
    seed: int | None = 42,
) -> Bunch:
    """Generate user-item ratings (or implicit interactions) from hidden tastes, with a time split.

    What is simulated:

    - **Latent tastes.** Each genre has a hidden taste vector (12 dimensions); an item's vector
      is its genre's plus item-specific noise, and a user's vector is a mix of a few favourite
      genres (Dirichlet weights) plus noise. Affinity is the scaled dot product.
    - **Popularity bias.** Items have a long-tailed (Zipf-like) popularity ``1 / (rank + 3)``
      with ranks in random order. *Which* items a user rates is drawn without replacement with
      probability proportional to popularity x ``exp(1.5 * affinity)`` x the time the user and
      the item overlapped: users mostly rate popular items, and items they expect to like
      (ratings are missing not at random).
    - **Activity.** The number of ratings per user is long-tailed (log-normal activity) and
      proportional to how long the user has been around; the total is ``density * n_users *
      n_items`` (but every user has at least one rating, and nobody rates more than half of the
      catalogue unless ``density`` is above 0.25).
    - **Explicit ratings** (``implicit=False``): ``2.5 + user bias + item bias + 1.2 *
      affinity + noise`` rounded and clipped to the integers 1-5. Item biases lean slightly
      towards popular items.
    - **Implicit feedback** (``implicit=True``): the same choice of items, but instead of a
      rating a count of interactions (plays, clicks) ``1 + Poisson(...)`` that grows with
      affinity and user activity. There are no negative signals.
    - **Time.** 60 % of users signed up (and 75 % of items were released) before ``start``; the
      others arrive uniformly during the ``days``-day window. Each rating has a timestamp
      (second resolution) drawn uniformly after both the user's sign-up and the item's release.
    - **Time split.** Ratings in the last ``test_days`` days are the test set, earlier ones the
      training set. Users who sign up (items released) during the test period appear only in
      the test set: they are genuine **cold-start** users (items), and ``description`` says how
      many there are. Users and items with very few training ratings are common as well.

    Not simulated: repeated ratings of the same item (each user-item pair occurs at most once),
    changes of taste over time, seasonality, trends or weekday effects, item metadata other than
    genre and a popularity prior, social influence, fake accounts, and the recommender's own
    feedback loop. The hidden factors and biases are not returned.

    For a given ``seed`` (and the same other arguments), ``implicit=True`` and
    ``implicit=False`` give the same user-item pairs and timestamps; only the value column
    differs.

    Parameters
    ----------
    n_users : int, default=1000
        Number of users (10 to 200,000).
    n_items : int, default=500
        Number of items (10 to 50,000); ``n_users * n_items`` must be at most 200 million
        (generation time grows with it: about 1 s for 10,000 x 2,000).
    density : float, default=0.03
        Target share of the user x item matrix that is observed, in ``(0, 1]``. The default gives
        about 15,000 ratings. Since every user has at least one rating, the density is at least
        ``1 / n_items``.
    implicit : bool, default=False
        If True, return interaction counts (column ``interactions``) instead of 1-5 ratings
        (column ``rating``).
    n_genres : int, default=8
        Number of genres (1 to 16, and at most ``n_items``).
    test_days : int, default=14
        Length in days of the test period at the end of the window (at least 1, less than
        ``days``).
    start : str or date-like, default="2025-01-01"
        First day of the observation window (no time zone; a time of day is ignored).
    days : int, default=180
        Length of the observation window in days (2 to 3,650).
    seed : int or None, default=42
        Seed of ``np.random.default_rng``; the same arguments give the same data, ``None``
        fresh randomness.

    Returns
    -------
    sklearn.utils.Bunch
        ``ratings`` : DataFrame sorted by time with columns ``user_id`` (int64), ``item_id``
        (int64), ``rating`` (int64, 1-5) -- or ``interactions`` (int64, >= 1) when
        ``implicit=True`` -- and ``timestamp`` (datetime64[us]).
        ``train``, ``test`` : the rows of ``ratings`` before / within the last ``test_days``
        days (index reset); every test timestamp is later than every train timestamp.
        ``catalog`` : DataFrame, one row per item (named ``catalog`` rather than ``items``
        because ``Bunch`` is a dict and ``data.items`` is the dict method): ``item_id`` (int64), ``title`` (str, e.g.
        ``"Item 0042"``), ``genre`` (str), ``release_date`` (datetime64[us]), ``popularity``
        (float64, the simulator's popularity prior, sums to 1).
        ``users`` : DataFrame, one row per user: ``user_id`` (int64), ``signup_date``
        (datetime64[us]).
        ``split_time`` : pandas Timestamp where the test period starts.
        ``description`` : plain-text description with this draw's numbers. ``name`` :
        ``"ratings"``.

    Raises
    ------
    ValueError
        If an argument has the wrong type or is out of range.

    Notes
    -----
    Users and items with no rating at all may exist (they are still listed in ``users`` and
    ``catalog``). ``popularity`` is a catalogue-level prior known before any rating (think of a
    marketing budget); it is not computed from the ratings, and a popularity baseline should be
    computed from ``train``.

    Examples
    --------
    >>> from mlcourse.datasets._ratings import make_ratings
    >>> data = make_ratings(200, 100, seed=0)
    >>> data.ratings.columns.tolist()
    ['user_id', 'item_id', 'rating', 'timestamp']
    """
    n_users = _check_int("n_users", n_users, 10, 200_000, 1_000)
    n_items = _check_int("n_items", n_items, 10, 50_000, 500)
    if n_users * n_items > _MAX_CELLS:
        raise ValueError(
            f"n_users x n_items must be at most {_MAX_CELLS:,} (every pair is scored), got "
            f"{n_users:,} x {n_items:,} = {n_users * n_items:,}; use fewer users or items."
        )
    if (
        isinstance(density, bool)
        or not isinstance(density, numbers.Real)
        or not math.isfinite(density)
    ):
        raise ValueError(f"density must be a fraction, got {density!r}; pass e.g. density=0.03.")
    if not 0 < density <= 1:
        raise ValueError(
            f"density must be in (0, 1] (the observed share of the user x item matrix), "
            f"got {density}; pass a fraction such as density=0.03."
        )
    if not isinstance(implicit, (bool, np.bool_)):
        raise ValueError(
            f"implicit must be True or False, got {type(implicit).__name__} {implicit!r}."
        )
    n_genres = _check_int("n_genres", n_genres, 1, min(len(_GENRES), n_items), 8)
    days = _check_int("days", days, 2, 3_650, 180)
    if isinstance(test_days, bool) or not isinstance(test_days, numbers.Integral):
        raise ValueError(
            f"test_days must be an integer, got {type(test_days).__name__} {test_days!r}; "
            "pass e.g. test_days=14."
        )
    if not 1 <= test_days < days:
        raise ValueError(
            f"test_days must be at least 1 and less than days={days}, got {test_days}; "
            f"pass e.g. test_days={max(1, days // 10)}."
        )
    test_days = int(test_days)
    start = _check_start(start)
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0
    ):
        raise ValueError(
            f"seed must be a non-negative integer or None, got {seed!r}; pass e.g. seed=42."
        )

    rng = np.random.default_rng(seed)
    span = days * _SECONDS_PER_DAY

    # --- catalogue: genres, hidden item factors, popularity, biases, release dates ----------
    genre_share = rng.dirichlet(np.full(n_genres, 3.0))
    item_genre = rng.choice(n_genres, size=n_items, p=genre_share)
    centroids = rng.normal(0.0, 1.0, (n_genres, _N_FACTORS))
    item_factors = centroids[item_genre] + rng.normal(0.0, _ITEM_NOISE, (n_items, _N_FACTORS))
    ranks = rng.permutation(n_items)
    popularity = 1.0 / (ranks + _ZIPF_OFFSET) ** _ZIPF_EXPONENT
    popularity /= popularity.sum()
    log_pop = np.log(popularity)
    item_bias = rng.normal(0.0, _ITEM_BIAS_SD, n_items) + 0.1 * (
        (log_pop - log_pop.mean()) / log_pop.std()
    )
    existing_items = rng.random(n_items) < _P_EXISTING_ITEMS
    release = np.where(  # seconds relative to ``start``
        existing_items,
        -rng.integers(1, 730 * _SECONDS_PER_DAY, n_items),
        rng.integers(0, span, n_items),
    )

    # --- users: tastes, activity, biases, sign-up dates ---------------------------------------
    taste_mix = rng.dirichlet(np.full(n_genres, 0.3), size=n_users)
    user_factors = taste_mix @ centroids + rng.normal(0.0, _USER_NOISE, (n_users, _N_FACTORS))
    activity = rng.lognormal(0.0, 0.9, n_users)
    user_bias = rng.normal(0.0, _USER_BIAS_SD, n_users)
    existing_users = rng.random(n_users) < _P_EXISTING_USERS
    signup = np.where(
        existing_users,
        -rng.integers(1, 365 * _SECONDS_PER_DAY, n_users),
        rng.integers(0, span, n_users),
    )
    user_from = np.maximum(signup, 0)
    item_from = np.maximum(release, 0)

    # Scale of the affinity, estimated on random pairs so that it is known before scoring.
    su = rng.integers(0, n_users, 20_000)
    si = rng.integers(0, n_items, 20_000)
    sample = np.einsum("ij,ij->i", user_factors[su], item_factors[si])
    aff_mean, aff_sd = float(sample.mean()), float(sample.std())

    # --- how many ratings each user gives ----------------------------------------------------
    total = max(1, int(round(density * n_users * n_items)))
    weight = activity * (span - user_from) / span
    # Everyone rates at least one item and at most ``cap``; in between, counts are proportional
    # to the activity weight, scaled (water-filling) so that they add up to ``total``.
    cap = int(np.ceil(min(1.0, max(0.5, 2 * density)) * n_items))
    expected = _allocate(weight, total, cap)
    per_user = np.floor(expected).astype(np.int64)
    per_user += rng.random(n_users) < expected - per_user

    # --- which items: Gumbel top-k = sampling without replacement, chunk of users at a time -
    users_out, items_out = [], []
    chunk = max(1, _CHUNK_CELLS // n_items)
    for lo in range(0, n_users, chunk):
        hi = min(lo + chunk, n_users)
        aff = _standardise(user_factors[lo:hi] @ item_factors.T, aff_mean, aff_sd)
        overlap = span - np.maximum(user_from[lo:hi, None], item_from[None, :])
        score = log_pop[None, :] + _SELECTION_STRENGTH * aff + np.log(overlap / span)
        keys = score + rng.gumbel(size=score.shape)
        # Only the largest keys matter: partition first, then sort the few candidates.
        k_max = int(per_user[lo:hi].max())
        if k_max < n_items:
            candidates = np.argpartition(-keys, k_max - 1, axis=1)[:, :k_max]
        else:
            candidates = np.broadcast_to(np.arange(n_items), keys.shape)
        ranked = np.argsort(-np.take_along_axis(keys, candidates, axis=1), axis=1, kind="stable")
        order = np.take_along_axis(candidates, ranked, axis=1)
        take = np.arange(k_max)[None, :] < per_user[lo:hi, None]
        items_out.append(order[take])
        users_out.append(np.repeat(np.arange(lo, hi), per_user[lo:hi]))
    user_id = np.concatenate(users_out)
    item_id = np.concatenate(items_out)
    n = len(user_id)

    # --- when: uniformly after both the sign-up and the release --------------------------------
    earliest = np.maximum(user_from[user_id], item_from[item_id])
    seconds = earliest + np.floor(rng.random(n) * (span - earliest)).astype(np.int64)

    # --- what: a rating or a count --------------------------------------------------------------
    affinity = _standardise(
        np.einsum("ij,ij->i", user_factors[user_id], item_factors[item_id]), aff_mean, aff_sd
    )
    if implicit:
        rate = np.exp(-0.5 + 0.6 * affinity + 0.4 * np.log(activity[user_id]))
        value = 1 + rng.poisson(rate)
        column = "interactions"
    else:
        raw = (
            _MEAN_RATING
            + user_bias[user_id]
            + item_bias[item_id]
            + _TASTE_WEIGHT * affinity
            + rng.normal(0.0, _NOISE_SD, n)
        )
        value = np.clip(np.rint(raw), 1, 5)
        column = "rating"

    timestamp = start + pd.to_timedelta(seconds, unit="s")
    ratings = pd.DataFrame(
        {
            "user_id": user_id.astype(np.int64),
            "item_id": item_id.astype(np.int64),
            column: value.astype(np.int64),
            "timestamp": pd.DatetimeIndex(timestamp).as_unit("us"),
        }
    )
    ratings = ratings.sort_values(
        ["timestamp", "user_id", "item_id"], kind="stable", ignore_index=True
    )
    split_time = start + pd.Timedelta(days=days - test_days)
    in_test = ratings["timestamp"] >= split_time
    train = ratings[~in_test].reset_index(drop=True)
    test = ratings[in_test].reset_index(drop=True)

    width = max(4, len(str(n_items - 1)))
    items = pd.DataFrame(
        {
            "item_id": np.arange(n_items, dtype=np.int64),
            "title": pd.Series([f"Item {i:0{width}d}" for i in range(n_items)], dtype="str"),
            "genre": pd.Series(np.asarray(_GENRES)[item_genre], dtype="str"),
            "release_date": pd.DatetimeIndex(
                (start + pd.to_timedelta(release, unit="s")).normalize()
            ).as_unit("us"),
            "popularity": popularity,
        }
    )
    users = pd.DataFrame(
        {
            "user_id": np.arange(n_users, dtype=np.int64),
            "signup_date": pd.DatetimeIndex(
                (start + pd.to_timedelta(signup, unit="s")).normalize()
            ).as_unit("us"),
        }
    )

    cold_users = np.setdiff1d(test["user_id"].unique(), train["user_id"].unique()).size
    cold_items = np.setdiff1d(test["item_id"].unique(), train["item_id"].unique()).size
    counts = np.bincount(item_id, minlength=n_items)
    top = np.sort(counts)[::-1][: max(1, n_items // 10)].sum() / max(1, n)
    description = _DESCRIPTION.format(
        kind="implicit interactions" if implicit else "explicit 1-5 ratings",
        column=column,
        column_doc=(
            "interactions (int64, >= 1: how often the user played/clicked the item)"
            if implicit
            else "rating (int64, 1-5 stars)"
        ),
        n=n,
        n_users=n_users,
        n_items=n_items,
        achieved=n / (n_users * n_items),
        top=top,
        n_train=len(train),
        n_test=len(test),
        split=split_time.date(),
        end=(start + pd.Timedelta(days=days)).date(),
        cold_users=cold_users,
        test_users=test["user_id"].nunique(),
        cold_items=cold_items,
        test_items=test["item_id"].nunique(),
        unrated_items=int((counts == 0).sum()),
        mean=float(ratings[column].mean()),
        params=(
            f"n_users={n_users}, n_items={n_items}, density={density}, implicit={bool(implicit)},"
            f"\n  n_genres={n_genres}, test_days={test_days}, start={start.date()!s}, "
            f"days={days}, seed={seed}"
        ),
    )
    return Bunch(
        ratings=ratings,
        train=train,
        test=test,
        catalog=items,
        users=users,
        split_time=split_time,
        description=description,
        name="ratings",
    )


_DESCRIPTION = """\
ratings: synthetic user-item {kind} with a time split (mlcourse make_ratings)

Simulates users with hidden genre-based tastes choosing items from a long-tailed (Zipf-like)
catalogue: who rates what is biased towards popular items and towards items the user is likely
to like (missing not at random). Explicit ratings are 1-5 stars from user bias + item bias +
taste affinity + noise; implicit data are interaction counts instead. Users sign up and items
are released over time; everything in the last test_days days is the test set, so users who
sign up or items released then are cold-start cases that appear only in test.
Not simulated: repeat ratings, taste drift, seasonality, item metadata beyond genre and a
popularity prior, the feedback loop of a deployed recommender.

Fields
  ratings       DataFrame sorted by time: user_id (int64), item_id (int64),
                {column_doc}, timestamp (datetime64[us])
  train, test   rows of ratings before / from the split time (index reset)
  catalog       DataFrame of all items: item_id, title ("Item 0042"), genre (str), release_date,
                popularity (float64, the simulator's popularity prior, sums to 1)
  users         DataFrame of all users: user_id, signup_date
  split_time    Timestamp where the test period starts

This draw: {n} {column} rows from {n_users} users on {n_items} items (density {achieved:.4f});
the top 10 % of items hold {top:.0%} of the rows; mean {column} {mean:.2f}.
Train: {n_train} rows before {split}; test: {n_test} rows from {split} to {end}.
Cold start: {cold_users} of {test_users} test users and {cold_items} of {test_items} test items
have no training rows; {unrated_items} items have no rows at all.
Parameters: {params}
License: MIT (part of mlcourse). Cite as: The mlcourse maintainers (2026). make_ratings:
synthetic user-item ratings with popularity bias, cold start and a time split
[data generator]. mlcourse 0.1.0, MIT License.
"""
