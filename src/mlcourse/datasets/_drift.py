"""``make_drift_stream``: a seeded, time-indexed stream with known feature and concept drift."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._validate import check_int, check_start
from ._validate import rng as _rng

NAME = "drift_stream"

MEAN_SHIFT = 0.8  # added to the mean of each drifted feature at every feature-drift point
SCALE_FACTOR = 1.5  # multiplies the standard deviation of each drifted feature likewise


def make_drift_stream(
    n_rows: int = 10_000,
    *,
    feature_drift_at=(0.5,),
    concept_drift_at=(0.75,),
    n_features: int = 4,
    start: str | pd.Timestamp = "2025-01-01",
    freq: str = "h",
    seed: int | None = 42,
) -> pd.DataFrame:
    """Generate a time-ordered binary-classification stream with feature and concept drift.

    Rows are observations at regular times (one per ``freq``) with features ``x1 .. xk`` and a
    binary ``target``. Before any drift every feature is independent standard normal and

    ``target ~ Bernoulli(sigmoid(w . x))`` with weights ``w_j = (-1)**(j+1) * w_mag_j``,
    ``w_mag`` evenly spaced from 2.0 down to 0.5 (k=4: ``w = (2.0, -1.5, 1.0, -0.5)``).

    - **Feature drift** (covariate shift): from each feature-drift point on, the *drifted
      features* -- the first ``max(1, k // 2)`` (``x1, x2`` for k=4) -- get their mean raised by
      0.8 and their standard deviation multiplied by 1.5 (cumulatively, if there are several
      points). The other features and the weights do not change, so the relation features ->
      target is the same; the share of positives may change because the inputs moved.
    - **Concept drift**: from each concept-drift point on, the weights of the odd-numbered
      features (``x1, x3, ...``) change sign; the features' distribution does not change at that
      point. A second concept-drift point flips them back (a recurring concept).

    Parameters
    ----------
    n_rows : int, default 10_000
        Number of observations, at least 2.
    feature_drift_at, concept_drift_at : number, sequence of numbers, or None
        Where each kind of drift happens. A float is a *fraction* of the stream, strictly between
        0 and 1 (row ``round(fraction * n_rows)``); an integer is a *row index* between 1 and
        ``n_rows - 1``. The drift affects that row and every later one. ``None`` or ``()`` means
        no drift of that kind. Points of one kind must be distinct; a feature and a concept
        drift may share a row.
    n_features : int, default 4
        Number of features ``x1 .. xk``, between 1 and 100.
    start : str or pandas.Timestamp, default "2025-01-01"
        Timestamp of the first row (timezone-naive).
    freq : str, default "h"
        pandas offset alias for the spacing of the rows ("h", "15min", "D", ...).
    seed : int or None, default 42
        Seed for :func:`numpy.random.default_rng`. The same seed gives an identical frame;
        ``None`` gives fresh randomness. The underlying noise does not depend on the drift
        points, so with the same seed a stream without drift is the drift-free twin of one with.

    Returns
    -------
    pandas.DataFrame
        One row per observation, in time order, with columns

        - ``timestamp`` (datetime64[us]): ``start``, ``start + freq``, ...;
        - ``x1`` .. ``xk`` (float64): the features, rounded to 4 decimals;
        - ``target`` (int64): the binary label, 0/1;
        - ``segment`` (int64): 0 before the first drift point, +1 at every row where a drift
          (of either kind) starts.

        No missing values. ``df.attrs`` holds ``name`` ("drift_stream"), ``description``,
        ``drifted_features`` (list of column names) and ``drift_points``: a list, in row order,
        of dicts ``{"row": int, "fraction": float, "kind": "feature" | "concept",
        "timestamp": ISO string}``.

    Notes
    -----
    Not simulated: gradual or incremental drift (every change is abrupt), seasonality, label
    delay (the target arrives with its row), missing data or schema changes, correlated
    features, more than two classes. Drift is clean by design so that lessons can check their
    detectors against a known truth.

    Examples
    --------
    >>> df = make_drift_stream(2_000, seed=0)
    >>> [(p["row"], p["kind"]) for p in df.attrs["drift_points"]]
    [(1000, 'feature'), (1500, 'concept')]
    """
    n_rows = _check_int("n_rows", n_rows, low=2, high=50_000_000)
    n_features = _check_int("n_features", n_features, low=1, high=100)
    feature_rows = _drift_rows("feature_drift_at", feature_drift_at, n_rows)
    concept_rows = _drift_rows("concept_drift_at", concept_drift_at, n_rows)
    start_ts = _check_start(start)
    offset = _check_freq(freq)
    rng = _rng(seed)

    noise = rng.standard_normal((n_rows, n_features))
    u = rng.random(n_rows)

    rows = np.arange(n_rows)
    n_feature_drifts = np.searchsorted(feature_rows, rows, side="right")
    n_concept_drifts = np.searchsorted(concept_rows, rows, side="right")

    n_drifted = max(1, n_features // 2)
    drifted = np.arange(n_features) < n_drifted
    mean = np.where(drifted, MEAN_SHIFT * n_feature_drifts[:, None], 0.0)
    scale = np.where(drifted, SCALE_FACTOR ** n_feature_drifts[:, None], 1.0)
    x = np.round(mean + scale * noise, 4)

    magnitude = np.linspace(2.0, 0.5, n_features) if n_features > 1 else np.array([2.0])
    odd = np.arange(n_features) % 2 == 0  # x1, x3, ... (0-based even positions)
    weights = np.where(odd, magnitude, -magnitude)
    flipped = (n_concept_drifts % 2 == 1)[:, None] & odd
    logit = (x * np.where(flipped, -weights, weights)).sum(axis=1)
    target = (u < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)

    all_rows = np.union1d(feature_rows, concept_rows)
    segment = np.searchsorted(all_rows, rows, side="right").astype(np.int64)

    timestamp = pd.date_range(start_ts, periods=n_rows, freq=offset).as_unit("us")
    columns = {"timestamp": timestamp}
    columns.update({f"x{j + 1}": x[:, j] for j in range(n_features)})
    columns["target"] = target
    columns["segment"] = segment
    df = pd.DataFrame(columns)

    points = [(int(r), "feature") for r in feature_rows] + [
        (int(r), "concept") for r in concept_rows
    ]
    points.sort()
    drift_points = [
        {
            "row": r,
            "fraction": r / n_rows,
            "kind": kind,
            "timestamp": timestamp[r].isoformat(),
        }
        for r, kind in points
    ]
    drifted_names = [f"x{j + 1}" for j in range(n_drifted)]
    df.attrs["name"] = NAME
    df.attrs["drift_points"] = drift_points
    df.attrs["drifted_features"] = drifted_names
    listed = ", ".join(f"{kind} drift at row {r}" for r, kind in points) or "none"
    df.attrs["description"] = "\n".join(
        [
            "Synthetic monitoring stream (mlcourse.datasets.make_drift_stream).",
            f"Features x1..x{n_features} ~ N(0, 1) independent; target ~ Bernoulli(sigmoid(w.x)),",
            f"w = {np.round(weights, 3).tolist()}.",
            f"Feature drift: {', '.join(drifted_names)} gain +{MEAN_SHIFT} in mean and x{SCALE_FACTOR} "
            "in standard deviation at each feature-drift point.",
            "Concept drift: the weights of x1, x3, ... change sign at each concept-drift point.",
            f"Drift points: {listed}.",
            "Columns: timestamp, x1..xk, target, segment (+1 at every drift point).",
            f"Parameters: n_rows={n_rows}, feature_drift_at={feature_drift_at!r}, "
            f"concept_drift_at={concept_drift_at!r},",
            f"n_features={n_features}, start={start_ts.isoformat()}, freq={freq!r}, seed={seed}.",
        ]
    )
    return df


def _drift_rows(name, value, n_rows):
    """Drift points (fractions or row indices) as a sorted int64 array of row indices."""
    if value is None:
        return np.zeros(0, np.int64)
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        value = (value,)
    try:
        if isinstance(value, (str, bytes)):
            raise TypeError
        points = list(value)
    except TypeError:
        raise ValueError(
            f"{name} must be a number, a sequence of numbers or None, got {value!r}; "
            "pass e.g. (0.5,) for the middle of the stream or (5000,) for row 5000."
        ) from None
    rows = []
    for p in points:
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise ValueError(
                f"{name} must contain numbers, got {p!r} ({type(p).__name__}); "
                "pass fractions in (0, 1) such as 0.5 or row indices such as 5000."
            )
        if isinstance(p, numbers.Integral):
            row = int(p)
            if not 1 <= row <= n_rows - 1:
                raise ValueError(
                    f"{name}: row index {row} is outside the stream (1 .. {n_rows - 1} for "
                    f"n_rows={n_rows}); pass a row inside it, or a float fraction such as 0.5."
                )
        else:
            frac = float(p)
            if not 0.0 < frac < 1.0:
                raise ValueError(
                    f"{name}: fraction {frac} is not strictly between 0 and 1; pass a fraction "
                    "such as 0.5, or an integer row index."
                )
            row = round(frac * n_rows)
            if not 1 <= row <= n_rows - 1:
                raise ValueError(
                    f"{name}: fraction {frac} falls on row {row}, outside 1 .. {n_rows - 1} for "
                    f"n_rows={n_rows}; pass a fraction further from the ends or more rows."
                )
        rows.append(row)
    if len(set(rows)) != len(rows):
        raise ValueError(
            f"{name} must not repeat a drift point, got rows {sorted(rows)}; "
            "give each drift point once."
        )
    return np.array(sorted(rows), dtype=np.int64)


def _check_int(name, value, *, low, high):
    return check_int(name, value, low=low, high=high)


def _check_start(start):
    return check_start(start)


def _check_freq(freq):
    try:
        offset = pd.tseries.frequencies.to_offset(freq)
    except (TypeError, ValueError) as exc:
        offset, reason = None, f" ({exc})"
    else:
        reason = ""
    if offset is None:
        raise ValueError(
            f"freq must be a pandas offset alias, got {freq!r}{reason}; "
            'pass e.g. "h" (hourly), "15min" or "D".'
        )
    return offset
