"""Argument checks shared by the generators: a clear ValueError saying what to pass instead."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd


def check_int(
    name: str, value, *, low: int, high: int | None = None, example: int | None = None
) -> int:
    """Return ``value`` as an int within ``[low, high]``, or raise a ValueError that says why."""
    example = example if example is not None else max(low, 1)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"{name} must be an integer, got {type(value).__name__} {value!r}; "
            f"pass a whole number such as {name}={example}."
        )
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {bounds}, got {value}; pass e.g. {name}={example}.")
    return int(value)


def check_start(start, *, midnight: bool = False) -> pd.Timestamp:
    """Return ``start`` as a timezone-naive Timestamp (at midnight if asked), or raise."""
    try:
        ts = pd.Timestamp(start)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"start must be a date or timestamp, got {start!r} ({exc}); "
            'pass something like "2025-01-01".'
        ) from None
    if ts is pd.NaT:
        raise ValueError(f'start must be a date, got {start!r}; pass something like "2025-01-01".')
    if ts.tz is not None:
        raise ValueError(
            f"start must be timezone-naive, got {ts} ({ts.tz}); drop the timezone, "
            "e.g. pd.Timestamp(start).tz_localize(None)."
        )
    if midnight and ts != ts.normalize():
        raise ValueError(
            f"start must be a date at midnight (customers' hours are clock hours), got {ts}; "
            f'pass a date such as "{ts.date()}".'
        )
    return ts


def rng(seed) -> np.random.Generator:
    """A NumPy generator for a non-negative integer seed (or None for fresh randomness)."""
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0
    ):
        raise ValueError(
            f"seed must be a non-negative integer or None, got {seed!r}; pass e.g. seed=42."
        )
    return np.random.default_rng(seed)
