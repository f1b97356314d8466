"""Answer key of module 03 — pandas."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pandas as pd

from mlcourse.checks import Mistake, compare
from mlcourse.exercises.m03 import MEASUREMENTS, gapminder, penguins, weather

# --------------------------------------------------------------------------------------
# Reference functions (expected results of the function exercises).
# --------------------------------------------------------------------------------------


def _missing_report(df: pd.DataFrame) -> pd.DataFrame:
    counts = df.isna().sum()
    counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
    return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})


def _attach(left: pd.DataFrame, right: pd.DataFrame, on: str) -> pd.DataFrame:
    return left.merge(right, on=on, how="left", validate="many_to_one")


def _temps_long(df: pd.DataFrame) -> pd.DataFrame:
    return (
        df.melt(
            id_vars="date",
            value_vars=["temp_max", "temp_min"],
            var_name="measure",
            value_name="temp_c",
        )
        .sort_values(["date", "measure"], kind="stable")
        .reset_index(drop=True)
    )


def _rolling_mean_days(s: pd.Series, days: int) -> pd.Series:
    if days < 1:
        raise ValueError("days must be at least 1")
    return s.rolling(f"{days}D").mean()


# --------------------------------------------------------------------------------------
# Known wrong implementations (called like the reference).
# --------------------------------------------------------------------------------------


class _AgreesWithReference(Exception):
    """Raised by a known mistake on an input where it gives the right result."""


def _only_where_wrong(wrong: Callable[..., Any], reference: Callable[..., Any]) -> Callable:
    """``wrong``, made to match only the cases on which it really differs from ``reference``.

    A mistake's message is given when the learner's results on every failing case equal the
    mistake's; a learner who fails elsewhere (by mutating an input, say) must not get it.
    """

    def mistake(*args: Any, **kwargs: Any) -> Any:
        try:
            right, right_error = reference(*copy.deepcopy(args), **copy.deepcopy(kwargs)), None
        except Exception as error:  # noqa: BLE001 - the reference raises where it should
            right, right_error = None, type(error)
        try:
            value = wrong(*args, **kwargs)
        except Exception as error:
            if right_error is not None and isinstance(error, right_error):
                raise _AgreesWithReference from None
            raise
        if right_error is not None:
            return value
        if compare(right, value, "result") is None:
            raise _AgreesWithReference
        return value

    mistake.wrong = wrong  # the plain wrong implementation, for tests
    return mistake


def _missing_as_fraction(df: pd.DataFrame) -> pd.DataFrame:
    report = _missing_report(df)
    return report.assign(pct_missing=report["pct_missing"] / 100)


def _missing_every_column(df: pd.DataFrame) -> pd.DataFrame:
    counts = df.isna().sum().sort_values(ascending=False, kind="stable")
    return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})


def _missing_unsorted(df: pd.DataFrame) -> pd.DataFrame:
    counts = df.isna().sum()
    counts = counts[counts > 0]
    return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})


def _attach_inner(left: pd.DataFrame, right: pd.DataFrame, on: str) -> pd.DataFrame:
    return left.merge(right, on=on, how="inner")


def _attach_unchecked(left: pd.DataFrame, right: pd.DataFrame, on: str) -> pd.DataFrame:
    return left.merge(right, on=on, how="left")


def _temps_unsorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.melt(
        id_vars="date",
        value_vars=["temp_max", "temp_min"],
        var_name="measure",
        value_name="temp_c",
    )


def _temps_index_kept(df: pd.DataFrame) -> pd.DataFrame:
    return _temps_unsorted(df).sort_values(["date", "measure"], kind="stable")


def _rolling_rows(s: pd.Series, days: int) -> pd.Series:
    if days < 1:
        raise ValueError("days must be at least 1")
    return s.rolling(days, min_periods=1).mean()


def _rolling_rows_strict(s: pd.Series, days: int) -> pd.Series:
    if days < 1:
        raise ValueError("days must be at least 1")
    return s.rolling(days).mean()


# --------------------------------------------------------------------------------------
# Expected values and plausible mistakes of the value exercises, computed from the data.
# --------------------------------------------------------------------------------------


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        sex=frame["sex"].astype("str").fillna("unknown"),
        body_mass_kg=frame["body_mass_g"] / 1000,
    )


def _expected_clean() -> pd.DataFrame:
    return _clean(penguins().dropna(subset=MEASUREMENTS))


def _clean_dropna_everywhere() -> pd.DataFrame:
    return _clean(penguins().dropna())


def _clean_nothing_dropped() -> pd.DataFrame:
    return _clean(penguins())


def _clean_index_reset() -> pd.DataFrame:
    return _expected_clean().reset_index(drop=True)


def _clean_mass_in_grams_twice() -> pd.DataFrame:
    clean = _expected_clean()
    return clean.assign(body_mass_kg=clean["body_mass_g"] * 1000)


_CLEAN_MISTAKES = [
    Mistake(
        _clean_dropna_everywhere,
        "`dropna()` without `subset=` also dropped the 9 measured penguins whose sex "
        "was not recorded. Drop only the rows with missing measurements.",
    ),
    Mistake(
        _clean_nothing_dropped,
        "The two penguins with no measurements at all are still in the table: drop "
        "them with `dropna(subset=MEASUREMENTS)`.",
    ),
    Mistake(
        _clean_index_reset,
        "The rows are right, but the index was renumbered: keep the original row "
        "labels (no `reset_index`), so that each row can be traced back to the data.",
    ),
    Mistake(
        _clean_mass_in_grams_twice,
        "`body_mass_kg` is 1,000,000 times too large: there are 1000 g in a kg, so "
        "divide the grams by 1000.",
    ),
]


def _continents(frame: pd.DataFrame, life: str = "median") -> pd.DataFrame:
    return (
        frame.groupby("continent")
        .agg(
            n_countries=("country", "nunique"),
            median_life=("lifeExp", life),
            total_pop=("pop", "sum"),
        )
        .sort_values("median_life", ascending=False)
    )


def _gap_2007() -> pd.DataFrame:
    g = gapminder()
    return g[g["year"] == 2007]


def _expected_continents() -> pd.DataFrame:
    return _continents(_gap_2007())


def _continents_mean() -> pd.DataFrame:
    return _continents(_gap_2007(), "mean")


def _continents_every_year() -> pd.DataFrame:
    return _continents(gapminder())


def _continents_unsorted() -> pd.DataFrame:
    return _expected_continents().sort_index()


def _wide(life: str = "median") -> pd.DataFrame:
    return gapminder().pivot_table(
        index="year", columns="continent", values="lifeExp", aggfunc=life
    )


def _wide_transposed() -> pd.DataFrame:
    return _wide().T


def _monthly(rule: str = "ME", precip: str = "sum") -> pd.DataFrame:
    return (
        weather()
        .set_index("date")
        .resample(rule)
        .agg(precip_mm=("precipitation", precip), mean_temp_max=("temp_max", "mean"))
    )


def _monthly_by_month_of_year() -> pd.DataFrame:
    w = weather()
    return w.groupby(w["date"].dt.month).agg(
        precip_mm=("precipitation", "sum"), mean_temp_max=("temp_max", "mean")
    )


# --------------------------------------------------------------------------------------
# Knowledge check: numeric answers computed by running the code in the question.
# --------------------------------------------------------------------------------------


def _join_rows() -> int:
    left = pd.DataFrame({"key": ["a", "a", "b", "c"], "x": [1, 2, 3, 4]})
    right = pd.DataFrame({"key": ["a", "a", "b", "d"], "y": [10, 20, 30, 40]})
    return len(left.merge(right, on="key", how="left"))


def _months() -> int:
    return len(weather().set_index("date").loc["2012-01-15":"2013-03-01"].resample("ME").size())


KEY = {
    "03.1": {
        "reference": _missing_report,
        "mistakes": [
            Mistake(
                _only_where_wrong(_missing_as_fraction, _missing_report),
                "`pct_missing` is a fraction between 0 and 1; the task asks for a percentage, "
                "between 0 and 100: multiply by 100.",
            ),
            Mistake(
                _only_where_wrong(_missing_every_column, _missing_report),
                "Your report lists columns with no missing value at all: keep only the "
                "columns whose count is above 0.",
            ),
            Mistake(
                _only_where_wrong(_missing_unsorted, _missing_report),
                "The right columns and numbers, in the table's column order: sort them by "
                "`n_missing`, largest first (a stable sort keeps ties in column order).",
            ),
        ],
    },
    "03.2": {"expected": _expected_clean, "mistakes": _CLEAN_MISTAKES},
    "03.3": {
        "expected": _expected_continents,
        "mistakes": [
            Mistake(
                _continents_mean,
                "`median_life` holds the mean life expectancy; the task asks for the median.",
            ),
            Mistake(
                _continents_every_year,
                "These are summaries over every year from 1952 to 2007: keep only the rows of "
                "2007 before grouping.",
            ),
            Mistake(
                _continents_unsorted,
                "The numbers are right, in alphabetical order of continent: sort by "
                "`median_life`, highest first.",
            ),
        ],
    },
    "03.4": {
        "reference": _attach,
        "mistakes": [
            Mistake(
                _only_where_wrong(_attach_inner, _attach),
                "Rows whose key is not in the right table disappeared (an inner join): "
                'use `how="left"` so that every row of the left table is kept.',
            ),
            Mistake(
                _only_where_wrong(_attach_unchecked, _attach),
                "When a key appears twice in the right table, `merge` repeats the matching "
                'left rows instead of failing. Ask it to check: `validate="many_to_one"`.',
            ),
        ],
    },
    "03.5": {
        "expected": _wide,
        "mistakes": [
            Mistake(
                lambda: _wide("mean"),
                "These are the mean life expectancies; the task asks for the median.",
            ),
            Mistake(
                _wide_transposed,
                "The table is transposed: one row per year (the index) and one column per "
                "continent.",
            ),
        ],
    },
    "03.6": {
        "reference": _temps_long,
        "mistakes": [
            Mistake(
                _only_where_wrong(_temps_unsorted, _temps_long),
                "The rows are in `melt`'s order, every `temp_max` row before every `temp_min` "
                "row: sort by date and measure, then renumber the rows 0, 1, 2, ...",
            ),
            Mistake(
                _only_where_wrong(_temps_index_kept, _temps_long),
                "Sorted, but the index still holds `melt`'s row numbers in a jumbled order: "
                "renumber the rows with `reset_index(drop=True)`.",
            ),
        ],
    },
    "03.7": {
        "expected": _monthly,
        "mistakes": [
            Mistake(
                lambda: _monthly("MS"),
                'Your months are labelled by their first day (`"MS"`); the task asks for '
                'month ends, rule `"ME"`.',
            ),
            Mistake(
                _monthly_by_month_of_year,
                "You grouped by the month of the year, so the four Januaries fell into one "
                "row: resample the dates instead, one row per calendar month.",
            ),
            Mistake(
                lambda: _monthly(precip="mean"),
                "`precip_mm` holds the mean daily precipitation; the task asks for the "
                "month's total.",
            ),
        ],
    },
    "03.8": {
        "reference": _rolling_mean_days,
        "mistakes": [
            Mistake(
                _only_where_wrong(_rolling_rows, _rolling_mean_days),
                "Your window counts rows, not days: where days are missing from the record "
                "it reaches further back than the task allows. Give the window as a time "
                'span, `f"{days}D"`.',
            ),
            Mistake(
                _only_where_wrong(_rolling_rows_strict, _rolling_mean_days),
                "Your window counts rows and gives NaN until it is full. A window of "
                '`f"{days}D"` covers calendar days and averages whatever values fall in it.',
            ),
        ],
    },
    "03.kc1": {
        "answer": "b",
        "explanation": "Under copy-on-write (the only mode in pandas 3) `df[mask]` behaves as "
        "a new object: writing to it never changes `df`. To change `df`, write through "
        '`df.loc[mask, "y"] = 0.0`.',
        "feedback": {
            "a": "Selecting rows with a boolean mask never gave a view, and under "
            "copy-on-write, the only mode of pandas 3, nothing derived from `df` writes back "
            "into it.",
            "c": "The assignment concerns only the rows of `positive`, those with x > 0: the "
            "row with x = -2 is not in `positive`, whatever happens to `df`.",
            "d": "`SettingWithCopyError` and its warning are gone from pandas 3: under "
            "copy-on-write, setting a column of `positive` is an ordinary assignment and raises "
            "nothing.",
        },
    },
    "03.kc2": {"expected": _join_rows},
    "03.kc3": {
        "answer": "c",
        "explanation": "Reductions skip NaN by default (`skipna=True`): the mean is "
        "(2 + 4) / 2 = 3.0, and `count()` counts the values that are not missing, 2.",
        "feedback": {
            "a": "pandas reductions skip missing values by default (`skipna=True`); a NaN mean "
            "needs `s.mean(skipna=False)`.",
            "b": "A missing value is not a zero, and pandas does not fill it in: 2.0 is what "
            "`s.fillna(0).mean()` would give.",
            "d": "`count()` counts the values that are present, not the positions, so it "
            "differs from `len(s)` whenever values are missing.",
        },
    },
    "03.kc4": {
        "answer": "d",
        "explanation": '`rolling("7D")` looks at the dates: each window holds the rows of the '
        "7 days ending on that row's date, however many rows that is. `rolling(7)` always "
        "takes 7 rows, which span more than 7 days where days are missing.",
        "feedback": {
            "a": "An integer window counts rows, not days: where days are missing, 7 rows reach "
            "back more than 7 calendar days.",
            "b": "`min_periods=1` only lets a window with fewer rows give a value instead of "
            "NaN; the window is still 7 rows, which span more than 7 days where days are "
            "missing.",
            "c": '`resample("7D")` cuts the dates into consecutive 7-day bins and gives one '
            "mean per bin, not a mean on each date.",
        },
    },
    "03.kc5": {
        "answer": "a",
        "explanation": "pandas 3 stores text in its own string dtype, shown as `str`, and marks "
        "a missing entry as NaN, as for numbers.",
        "feedback": {
            "b": "`object` was the default dtype for text up to pandas 2; pandas 3 infers a "
            "dedicated string dtype for a list of strings.",
            "c": "pandas never makes a `category` dtype on its own: you ask for it, with "
            '`dtype="category"` or `.astype("category")`.',
            "d": "pandas reads a `None` in the data as a missing entry, not as a word: it never "
            'turns it into the text "None" by itself.',
        },
    },
    "03.kc6": {
        "answer": "a",
        "explanation": "`transform` returns one value per row of the table, in its order and "
        "with its index, so it can be assigned as a column; `agg` returns one value per group.",
        "feedback": {
            "b": 'One value per group is what `.agg("mean")` (or `.mean()`) returns; '
            "`transform` differs from it precisely in the length of its result.",
            "c": 'Selecting `["body_mass_g"]` makes one column, so the result is a Series; '
            "`groupby` alone never spreads groups into columns, as `pivot_table` or `unstack` "
            "do.",
            "d": '`transform("mean")` subtracts nothing: deviations from the species mean '
            "need an explicit subtraction, the masses minus the result of the `transform`.",
        },
    },
    "03.kc7": {"expected": _months},
}
