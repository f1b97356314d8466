"""Module 03 — pandas: the declaration of the exercises and the quiz.

The exercises work on the Palmer penguins, the Gapminder excerpt and Seattle's daily weather,
all loaded offline by ``mlcourse.datasets``; the key is in mlcourse.keys.m03.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from mlcourse.checks import Case, Choice, Function, Numeric, Outcome, Value, compare, describe
from mlcourse.datasets import load_gapminder, load_penguins, load_seattle_weather
from mlcourse.exercises import Module

# --------------------------------------------------------------------------------------
# Data, loaded as the notebook loads it (cached; every caller gets a copy).
# --------------------------------------------------------------------------------------

#: The four measurement columns of the penguins (two penguins have none of them).
MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
#: The UN M49 codes of four continents; Oceania (009) is left out on purpose (exercise 4).
REGION_CODES = {"Africa": 2, "Americas": 19, "Asia": 142, "Europe": 150}


@lru_cache(maxsize=1)
def _penguins() -> pd.DataFrame:
    return load_penguins()


@lru_cache(maxsize=1)
def _gapminder() -> pd.DataFrame:
    return load_gapminder()


@lru_cache(maxsize=1)
def _weather() -> pd.DataFrame:
    return load_seattle_weather()


def penguins() -> pd.DataFrame:
    """The penguins table, as ``load_penguins()`` gives it."""
    return _penguins().copy()


def gapminder() -> pd.DataFrame:
    """The Gapminder table, as ``load_gapminder()`` gives it."""
    return _gapminder().copy()


def weather() -> pd.DataFrame:
    """Seattle's daily weather, as ``load_seattle_weather()`` gives it."""
    return _weather().copy()


def countries_2007() -> pd.DataFrame:
    """Exercise 4's left table: country, continent and life expectancy in 2007."""
    g = gapminder()
    return g.loc[g["year"] == 2007, ["country", "continent", "lifeExp"]].reset_index(drop=True)


def regions() -> pd.DataFrame:
    """Exercise 4's right table: one row per continent with its UN code (no Oceania)."""
    return pd.DataFrame({"continent": list(REGION_CODES), "un_code": list(REGION_CODES.values())})


def temp_max_series() -> pd.Series:
    """Exercise 8's visible input: the daily maximum temperature, indexed by date."""
    return weather().set_index("date")["temp_max"]


# --------------------------------------------------------------------------------------
# Exercise 1: missing_report(df)
# --------------------------------------------------------------------------------------


def _weather_with_gaps() -> pd.DataFrame:
    """50 days of weather with missing values placed by hand: ties, and an empty column."""
    w = weather().head(50).copy()
    w.loc[0:4, "precipitation"] = np.nan  # 5 missing
    w.loc[10:14, "wind"] = np.nan  # 5 missing: a tie with precipitation, later column
    w.loc[20:40, "temp_max"] = np.nan  # 21 missing
    w["temp_min"] = np.nan  # every value missing
    return w


def _text_with_gaps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            # "" and "nan" are text, not missing values: isna() does not count them
            "island": pd.Series(["Biscoe", None, "", None], dtype="str"),
            "count": [3, 4, 5, 6],
            "note": pd.Series([None, "re-measured", "nan", None], dtype="str"),
        }
    )


class _TableFunction(Function):
    """A Function returning a DataFrame, judged as a table rather than cell by cell.

    Two things the plain comparison of values says too little about:

    - empty results: with no rows there are no values to compare, so a table with no rows
      and the right columns is right whatever its dtypes (``pd.DataFrame(columns=[...])``
      gives columns of dtype object);
    - missing values: when missing cells are where values should be, or filled in, the
      message says so instead of counting differing entries.
    """

    def _judge(self, answer):
        self._memo: dict[int, tuple[Case, object]] = {}  # each case's expected result, once
        try:
            return super()._judge(answer)
        finally:
            self._memo = {}

    def _expected(self, case: Case):
        memo = getattr(self, "_memo", None)
        if memo is None:
            return super()._expected(case)
        if id(case) not in memo:
            memo[id(case)] = (case, super()._expected(case))
        return copy.deepcopy(memo[id(case)][1])

    def _case_problem(self, case: Case, result: dict) -> str | None:
        problem = super()._case_problem(case, result)
        if problem is None or case.raises is not None or not result["ok"]:
            return problem
        if result.get("mutated"):
            return problem
        got, expected = result["value"], self._expected(case)
        if type(got) is not pd.DataFrame or type(expected) is not pd.DataFrame:
            return problem
        same_columns = [str(c) for c in got.columns] == [str(c) for c in expected.columns]
        if not same_columns or len(got) != len(expected):
            return problem
        if len(expected) == 0:
            return None  # no rows: no values to compare, whatever the dtypes
        return self._missing_problem(case, expected, got) or problem

    def _missing_problem(self, case: Case, expected: pd.DataFrame, got: pd.DataFrame):
        for position, column in enumerate(expected.columns):
            want = expected.iloc[:, position].isna().to_numpy()
            have = got.iloc[:, position].isna().to_numpy()
            if (want != have).any():
                where = int(np.argmax(want != have))
                return (
                    f"What `{case.call_text(self.name)}` returned has values in column "
                    f"{column!r} where values should be missing, or the reverse (the first "
                    f"at row {where}): leave missing values as NaN, don't fill them."
                )
        return None


def _missing_cases() -> list[Case]:
    return [Case(penguins(), call="missing_report(penguins)")]


def _missing_hidden() -> list[Case]:
    return [
        Case(gapminder(), label="a table with no missing values"),
        Case(_weather_with_gaps(), label="ties, and a column with every value missing"),
        Case(_text_with_gaps(), label="missing values in text columns"),
        Case(penguins().head(0), label="a table with no rows"),
        Case(penguins().iloc[::-1], label="the penguins in reverse order (another index)"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 2: a Value whose source table must be left as it was loaded.
# --------------------------------------------------------------------------------------


class _CleanedFrom(Value):
    """A table built from ``source``, which the prompt says to leave unchanged.

    The learner's ``source`` is read too and compared with the table as loaded (public data,
    not an answer): a right result obtained by cleaning ``source`` in place is rejected.
    """

    def __init__(self, id: str, *, source: str, load: Callable[[], pd.DataFrame], **kwargs):
        super().__init__(id, **kwargs)
        self.source = source
        self.load = load

    @property
    def reads(self) -> tuple[str, ...]:
        return (self.var, self.source)

    def _not_attempted_message(self, name: str) -> str:
        if name == self.source:
            return (
                f"`{self.source}` is not defined in this notebook (or it is `...`/`None`): run "
                f"the cell that loads the data again, then check again."
            )
        return super()._not_attempted_message(name)

    def _judge(self, answer) -> Outcome:
        original = answer.values[self.source]
        if type(original) is not pd.DataFrame or compare(self.load(), original, self.source):
            return self._wrong(
                f"`{self.source}` is no longer the table it was when loaded (it is now "
                f"{describe(original)}): the task asks you to leave it unchanged. Build "
                f"`{self.var}` with methods that return a new table (no `inplace=True`, no "
                f"assignment into `{self.source}`), after reloading `{self.source}`."
            )
        return super()._judge(answer)


# --------------------------------------------------------------------------------------
# Exercise 4: attach(left, right, on)
# --------------------------------------------------------------------------------------


def _attach_cases() -> list[Case]:
    return [
        Case(
            countries_2007(),
            regions(),
            "continent",
            call=('attach(countries_2007, regions, "continent")'),
        ),
    ]


def _attach_hidden() -> list[Case]:
    shuffled = regions().iloc[::-1].reset_index(drop=True)
    doubled = pd.concat([regions(), regions().head(1)], ignore_index=True)
    # the same key with another value: a check of whole-row duplicates misses it
    two_codes = pd.concat(
        [regions(), pd.DataFrame({"continent": ["Africa"], "un_code": [999]})], ignore_index=True
    )
    indexed = countries_2007().head(12).set_index(pd.RangeIndex(100, 112))
    # Chinstrap left out: an inner join would lose those penguins here too
    species = pd.DataFrame({"species": ["Gentoo", "Adelie"], "common_name": ["gentoo", "Adélie"]})
    return [
        Case(countries_2007(), shuffled, "continent", label="a lookup table in another order"),
        Case(
            countries_2007(),
            doubled,
            "continent",
            raises=ValueError,
            label="a lookup table that holds one row twice",
        ),
        Case(
            countries_2007(),
            two_codes,
            "continent",
            raises=ValueError,
            label="a lookup table that holds one key twice, with different values",
        ),
        Case(indexed, regions(), "continent", label="a left table whose index does not start at 0"),
        Case(
            penguins()[["species", "island", "body_mass_g"]],
            species,
            "species",
            label="another pair of tables, with a key absent from the lookup table",
        ),
        Case(countries_2007().head(0), regions(), "continent", label="an empty left table"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 6: temps_long(df)
# --------------------------------------------------------------------------------------


def _temps_cases() -> list[Case]:
    return [
        Case(weather().head(3), call="temps_long(weather.head(3))"),
        Case(weather().tail(31), call="temps_long(weather.tail(31))"),
    ]


def _temps_hidden() -> list[Case]:
    w = weather()
    one_gap = w.iloc[200:210].copy()
    one_gap.iloc[4, one_gap.columns.get_loc("temp_min")] = np.nan
    return [
        Case(one_gap, label="a day with a missing temperature"),
        Case(w.iloc[40:60].iloc[::-1], label="days in reverse order"),
        Case(w.head(0), label="a table with no rows"),
        Case(w.iloc[[5]], label="a single day"),
        Case(
            w[["temp_min", "weather", "date", "temp_max"]].iloc[100:130],
            label="columns in another order",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercise 8: rolling_mean_days(s, days)
# --------------------------------------------------------------------------------------


def _gappy() -> pd.Series:
    """Three weeks of temperatures with six days missing from the record."""
    s = temp_max_series().iloc[200:221]
    return s.drop(s.index[[3, 4, 5, 11, 12, 17]])


def _rolling_cases() -> list[Case]:
    return [
        Case(temp_max_series(), 7, call="rolling_mean_days(temp_max, 7)"),
        Case(_gappy(), 3, call="rolling_mean_days(gappy, 3)"),
    ]


def _rolling_hidden() -> list[Case]:
    s = temp_max_series()
    with_nan = s.iloc[300:330].copy()
    with_nan.iloc[[2, 3, 10]] = np.nan
    return [
        Case(s.iloc[::7], 10, label="one value a week, with a 10-day window"),
        Case(s.iloc[:30], 1, label="a window of one day"),
        Case(with_nan, 5, label="a series holding missing values"),
        Case(
            s.iloc[:20].reset_index(drop=True), 3, raises=ValueError, label="no dates in the index"
        ),
        Case(
            s.iloc[:20].iloc[[3, 0, 1, 2, *range(4, 20)]],
            3,
            raises=ValueError,
            label="dates out of order",
        ),
        Case(s.iloc[:20], 0, raises=ValueError, label="a window of 0 days"),
        Case(s.iloc[:20], -3, raises=ValueError, label="a negative window"),
    ]


MODULE = Module(
    "03",
    "pandas",
    "pandas",
    problems=(
        _TableFunction(
            "03.1",
            name="missing_report",
            cases=_missing_cases,
            hidden=_missing_hidden,
            title="A missing-values report",
            points=2,
            hints=[
                "Section 3 of the lesson counts the missing values of every column with "
                "`df.isna().sum()`: start there, then keep only the columns whose count is "
                "above 0.",
                "The percentage is the count divided by the number of rows, times 100. Sort "
                'with `sort_values(ascending=False, kind="stable")`: a stable sort keeps '
                "tied columns in the order they had.",
                "`counts = df.isna().sum()`, `counts = counts[counts > 0].sort_values("
                'ascending=False, kind="stable")`, then `pd.DataFrame({"n_missing": '
                'counts, "pct_missing": 100 * counts / len(df)})`.',
            ],
        ),
        _CleanedFrom(
            "03.2",
            var="penguins_clean",
            source="penguins",
            load=penguins,
            title="Clean the penguins table",
            points=2,
            hints=[
                "Two different things are missing in this table: whole measurements (2 "
                "penguins) and the sex (11 penguins). The task treats them differently.",
                "`dropna(subset=...)` drops a row only when a value in the named columns is "
                'missing. `sex` is a category: `fillna("unknown")` refuses a value that is '
                'not one of its categories, so turn it into text first with `.astype("str")` '
                "(or add the category).",
                "`penguins.dropna(subset=MEASUREMENTS).assign(sex=lambda d: "
                'd["sex"].astype("str").fillna("unknown"), body_mass_kg=lambda d: '
                'd["body_mass_g"] / 1000)`',
            ],
        ),
        Value(
            "03.3",
            var="continent_2007",
            title="Summarise the continents in 2007",
            points=2,
            hints=[
                'Filter the rows of 2007 first, then `groupby("continent")`.',
                "Named aggregation gives each output column its name: "
                '`.agg(new_name=("column", "function"))`. The functions here are '
                '`"nunique"`, `"median"` and `"sum"`.',
                '`gapminder.query("year == 2007").groupby("continent").agg(n_countries=('
                '"country", "nunique"), median_life=("lifeExp", "median"), total_pop=('
                '"pop", "sum")).sort_values("median_life", ascending=False)`',
            ],
        ),
        _TableFunction(
            "03.4",
            name="attach",
            cases=_attach_cases,
            hidden=_attach_hidden,
            title="A join that keeps every row once",
            points=2,
            hints=[
                "Which `how=` keeps every row of the left table, even when its key is not in "
                "the right table?",
                '`merge` can check the relationship for you: `validate="many_to_one"` raises '
                "`MergeError` (a kind of ValueError) when a key is repeated in the right table.",
                '`return left.merge(right, on=on, how="left", validate="many_to_one")`',
            ],
        ),
        Value(
            "03.5",
            var="life_wide",
            title="Reshape to a wide table",
            points=1,
            hints=[
                "One row per year, one column per continent: the rows are `index=`, the "
                "columns `columns=`.",
                "Several countries share a (year, continent) cell, so the values must be "
                "aggregated: `pivot_table` does that, `pivot` refuses.",
                '`gapminder.pivot_table(index="year", columns="continent", '
                'values="lifeExp", aggfunc="median")`',
            ],
        ),
        _TableFunction(
            "03.6",
            name="temps_long",
            cases=_temps_cases,
            hidden=_temps_hidden,
            title="Reshape to a long table",
            points=2,
            hints=[
                "`melt` turns columns into rows: `id_vars` are kept as they are, "
                "`value_vars` become one row each.",
                "Name the two new columns with `var_name=` and `value_name=`. `melt` stacks "
                "all the `temp_max` rows before all the `temp_min` rows: sort afterwards, and "
                "number the rows again with `reset_index(drop=True)`.",
                '`df.melt(id_vars="date", value_vars=["temp_max", "temp_min"], '
                'var_name="measure", value_name="temp_c").sort_values(["date", '
                '"measure"]).reset_index(drop=True)`',
            ],
        ),
        Value(
            "03.7",
            var="monthly_weather",
            title="Resample to months",
            points=2,
            hints=[
                '`resample` needs the dates in the index: `set_index("date")` first.',
                'The rule `"ME"` makes one bin per calendar month, labelled by its last day. '
                "Named aggregation works after `resample` as after `groupby`.",
                '`weather.set_index("date").resample("ME").agg(precip_mm=("precipitation", '
                '"sum"), mean_temp_max=("temp_max", "mean"))`',
            ],
        ),
        Function(
            "03.8",
            name="rolling_mean_days",
            cases=_rolling_cases,
            hidden=_rolling_hidden,
            title="A rolling mean over calendar days",
            points=2,
            hints=[
                '`s.rolling(7)` counts 7 *rows*; a window given as text, `s.rolling("7D")`, '
                "covers 7 *days* of the index, however many rows fall in them.",
                'Build the text from the number: `f"{days}D"`. A time-based window needs a '
                "monotonic DatetimeIndex (increasing or decreasing), and pandas raises "
                "ValueError by itself when the dates are out of order or are not dates; check "
                "`days < 1` yourself.",
                '`if days < 1: raise ValueError(...)`, then `return s.rolling(f"{days}D").mean()`.',
            ],
        ),
        Choice(
            "03.kc1",
            var="kc1",
            choices="abcd",
            title="Copy-on-write",
            hints=["In pandas 3, is the result of a selection ever a view you can write through?"],
        ),
        Numeric(
            "03.kc2",
            var="kc2",
            title="How many rows does a join give?",
            hints=[
                "Each left row meets every right row with the same key; a left row with no "
                "match is kept once."
            ],
        ),
        Choice(
            "03.kc3",
            var="kc3",
            choices="abcd",
            title="Reductions and missing values",
            hints=["Do pandas reductions skip NaN or propagate it? And what does `count` count?"],
        ),
        Choice(
            "03.kc4",
            var="kc4",
            choices="abcd",
            title="Windows of rows and windows of days",
            hints=["Which of the two windows looks at the dates in the index?"],
        ),
        Choice(
            "03.kc5",
            var="kc5",
            choices="abcd",
            title="The string dtype of pandas 3",
            hints=[
                "Section 9 of the lesson prints the dtype of a Series of text with a None in it."
            ],
        ),
        Choice(
            "03.kc6",
            var="kc6",
            choices="abcd",
            title="`transform` and `agg`",
            hints=["Which one gives a result you can put back into the table as a new column?"],
        ),
        Numeric(
            "03.kc7",
            var="kc7",
            title="How many months?",
            hints=[
                '`"ME"` makes one bin per calendar month, from the month of the first date '
                "to the month of the last, each labelled by its last day."
            ],
        ),
    ),
)
