"""Module 03: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/03_pandas.ipynb.

Each test names the attempt it encodes. The notebook's demo inputs must be the declaration's
visible cases, and the lesson must teach what the exercises and the quiz ask.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from mlcourse.checks import compare
from mlcourse.exercises import get_module
from mlcourse.exercises.m03 import (
    countries_2007,
    gapminder,
    penguins,
    regions,
    temp_max_series,
    weather,
)
from tests.helpers import problem_helpers

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "curriculum" / "03_pandas.ipynb"
SOLUTIONS = ROOT / "solutions" / "03_pandas.ipynb"
MODULE = get_module("03")


problem, outcome = problem_helpers("03")


# --------------------------------------------------------------------------------------
# Function problems: mutation, known mistakes.
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem_id", ["03.2", "03.3", "03.5", "03.7"])
def test_every_value_mistake_is_wrong_and_gets_its_own_message(problem_id):
    value = problem(problem_id)
    for mistake in value.mistakes:
        # 03.2 also reads `penguins`, which must be the table as loaded
        result = value.check({value.var: mistake.value(), "penguins": penguins()})
        assert result.status == "incorrect", (problem_id, mistake.message)
        assert mistake.message in result.message, (problem_id, result.message)


def test_cleaning_penguins_in_place_is_rejected_even_with_the_right_result():
    clean = outcome("03.2", penguins_clean=_clean_table(), penguins=penguins())
    assert clean.correct
    changed = penguins().drop(index=[3, 271])  # what dropna(subset=..., inplace=True) leaves
    result = outcome("03.2", penguins_clean=_clean_table(), penguins=changed)
    assert result.status == "incorrect"
    assert "leave it unchanged" in result.message


def test_a_missing_penguins_table_is_reported_as_the_data_cell_to_rerun():
    """The review: deleting `penguins` gave "`penguins` has no answer yet: replace the ...",
    as if `penguins` were the answer; the message now says to run the data cell again."""
    result = outcome("03.2", penguins_clean=_clean_table())
    assert result.status == "not_attempted", result
    assert "run the cell that loads the data again" in result.message
    assert "replace the" not in result.message
    missing_answer = outcome("03.2", penguins=penguins())
    assert missing_answer.status == "not_attempted"
    assert "`penguins_clean`" in missing_answer.message


def test_dropping_on_body_mass_only_is_accepted_because_the_same_two_penguins_lack_all_four():
    """Inherent (review row 12): the rows missing any measurement are the rows missing all
    four, so `dropna(subset=["body_mass_g"])` or `dropna(thresh=5)` keep the same rows."""
    raw = penguins()
    from mlcourse.keys.m03 import _clean

    for kept in (raw.dropna(subset=["body_mass_g"]), raw.dropna(thresh=5)):
        assert outcome("03.2", penguins_clean=_clean(kept), penguins=penguins()).correct


def test_a_penguins_variable_that_is_not_a_table_is_rejected():
    result = outcome("03.2", penguins_clean=_clean_table(), penguins=[1, 2, 3])
    assert result.status == "incorrect"


def _clean_table() -> pd.DataFrame:
    from mlcourse.keys.m03 import _expected_clean

    return _expected_clean()


# --------------------------------------------------------------------------------------
# Attempts that ignore the input, or that are right on the visible cases only.
# --------------------------------------------------------------------------------------


def test_a_report_that_only_knows_the_penguins_columns_is_rejected():
    def penguin_columns_only(df):
        counts = df[[c for c in df.columns if c in penguins().columns]].isna().sum()
        counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
        return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})

    assert outcome("03.1", missing_report=penguin_columns_only).status == "incorrect"


def test_an_empty_report_built_from_column_names_is_accepted():
    """The prompt's "no rows, the same two columns" also describes an object-dtype table."""

    def empty_by_hand(df):
        counts = df.isna().sum()
        counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
        if counts.empty:
            return pd.DataFrame(columns=["n_missing", "pct_missing"])
        return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})

    assert outcome("03.1", missing_report=empty_by_hand).correct


def test_an_empty_report_with_other_columns_is_rejected():
    def wrong_columns_when_empty(df):
        counts = df.isna().sum()
        counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
        if counts.empty:
            return pd.DataFrame(columns=["missing", "percent"])
        return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})

    assert outcome("03.1", missing_report=wrong_columns_when_empty).status == "incorrect"


def test_a_report_that_breaks_ties_alphabetically_is_rejected():
    def alphabetical_ties(df):
        counts = df.isna().sum()
        counts = counts[counts > 0]
        order = sorted(counts.index, key=lambda c: (-counts[c], c))
        counts = counts[order]
        return pd.DataFrame({"n_missing": counts, "pct_missing": 100 * counts / len(df)})

    assert outcome("03.1", missing_report=alphabetical_ties).status == "incorrect"


def test_a_report_that_fails_on_a_table_with_no_rows_is_rejected():
    def no_rows_crash(df):
        counts = df.isna().sum()
        counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
        pct = 100 * counts / len(df) if len(df) else 1 / 0
        return pd.DataFrame({"n_missing": counts, "pct_missing": pct})

    result = outcome("03.1", missing_report=no_rows_crash)
    assert result.status == "incorrect"
    assert "a table with no rows" in result.message


def test_a_join_that_is_left_only_for_the_visible_key_is_rejected():
    def special_cased(left, right, on):
        if on == "continent":
            return left.merge(right, on=on, how="left", validate="many_to_one")
        return left.merge(right, on=on, validate="many_to_one")  # inner elsewhere

    result = outcome("03.4", attach=special_cased)
    assert result.status == "incorrect"
    assert "an inner join" in result.message  # the known mistake explains the failing case


def test_a_join_that_checks_duplicates_by_hand_is_accepted():
    def by_hand(left, right, on):
        if right[on].duplicated().any():
            raise ValueError(f"{on} repeats in the lookup table")
        return left.merge(right, on=on, how="left")

    assert outcome("03.4", attach=by_hand).correct


def test_a_join_that_checks_whole_rows_for_duplicates_is_rejected():
    """The review: `right.duplicated()` misses a key repeated with another value."""

    def whole_rows(left, right, on):
        if right.duplicated().any():
            raise ValueError("a row repeats")
        return left.merge(right, on=on, how="left")

    result = outcome("03.4", attach=whole_rows)
    assert result.status == "incorrect"
    assert "validate=" in result.message  # the unchecked join's message explains it


def test_a_join_that_fills_missing_text_with_the_comparisons_marker_is_rejected():
    """The review: the comparison marks missing cells "<missing>"; text equal to it must not
    pass for a missing value."""

    def filled(left, right, on):
        merged = left.merge(right, on=on, how="left", validate="many_to_one")
        return merged.fillna({c: "<missing>" for c in merged.select_dtypes("str").columns})

    result = outcome("03.4", attach=filled)
    assert result.status == "incorrect"
    assert "a key absent from the lookup table (wrong result)" in result.message
    hidden = next(c for hidden, c in problem("03.4").cases() if hidden and "absent" in c.label)
    problem_text = problem("03.4")._case_problem(
        hidden, {"ok": True, "value": filled(*hidden.args)}
    )
    assert "should be missing" in problem_text


def test_an_empty_join_result_with_other_dtypes_is_accepted_but_not_with_other_columns():
    def empty_by_hand(left, right, on, columns=None):
        if len(left) == 0:
            return pd.DataFrame(columns=columns or [*left.columns, "un_code"])
        return left.merge(right, on=on, how="left", validate="many_to_one")

    assert outcome("03.4", attach=empty_by_hand).correct
    wrong = outcome(
        "03.4", attach=lambda left, right, on: empty_by_hand(left, right, on, ["country", "code"])
    )
    assert wrong.status == "incorrect"


def test_temps_long_with_dates_in_another_unit_is_accepted_and_wrong_dates_are_not():
    from mlcourse.keys.m03 import _temps_long

    def in_unit(unit, hours=0):
        def temps_long(df):
            out = _temps_long(df)
            return out.assign(
                date=(out["date"] + pd.Timedelta(hours=hours)).astype(f"datetime64[{unit}]")
            )

        return temps_long

    for unit in ("ns", "ms", "s"):
        assert outcome("03.6", temps_long=in_unit(unit)).correct, unit
    shifted = outcome("03.6", temps_long=in_unit("ns", hours=1))
    assert shifted.status == "incorrect"


def test_a_join_that_deduplicates_instead_of_raising_is_rejected():
    def deduplicated(left, right, on):
        return left.merge(right.drop_duplicates(on), on=on, how="left")

    assert outcome("03.4", attach=deduplicated).status == "incorrect"


def test_a_join_that_keeps_the_left_index_is_rejected():
    def index_kept(left, right, on):
        merged = left.merge(right, on=on, how="left", validate="many_to_one")
        return merged.set_axis(left.index)

    result = outcome("03.4", attach=index_kept)
    assert result.status == "incorrect"
    assert "index does not start at 0" in result.message


def test_temps_long_written_with_stack_is_accepted():
    def with_stack(df):
        stacked = df.set_index("date")[["temp_max", "temp_min"]].stack()
        stacked.index.names = ["date", "measure"]
        return (
            stacked.rename("temp_c")
            .reset_index()
            .sort_values(["date", "measure"])
            .reset_index(drop=True)
        )

    assert outcome("03.6", temps_long=with_stack).correct


def test_temps_long_that_renames_the_measures_is_rejected():
    def renamed(df):
        long = df.melt(
            id_vars="date",
            value_vars=["temp_max", "temp_min"],
            var_name="measure",
            value_name="temp_c",
        )
        long["measure"] = long["measure"].str.replace("temp_", "")
        return long.sort_values(["date", "measure"]).reset_index(drop=True)

    assert outcome("03.6", temps_long=renamed).status == "incorrect"


def test_a_rolling_mean_that_drops_missing_values_first_is_rejected():
    def dropping(s, days):
        if days < 1:
            raise ValueError("days")
        return s.dropna().rolling(f"{days}D").mean()

    result = outcome("03.8", rolling_mean_days=dropping)
    assert result.status == "incorrect"
    assert "missing values" in result.message


def test_a_rolling_mean_centred_on_the_date_is_rejected():
    def centred(s, days):
        if days < 1:
            raise ValueError("days")
        return s.rolling(f"{days}D", center=True).mean()

    assert outcome("03.8", rolling_mean_days=centred).status == "incorrect"


def test_a_rolling_mean_written_with_an_explicit_right_closed_window_is_accepted():
    def explicit(s, days):
        if not days >= 1:
            raise ValueError("days must be at least 1")
        return s.rolling(window=pd.Timedelta(days, unit="D"), closed="right", min_periods=1).mean()

    assert outcome("03.8", rolling_mean_days=explicit).correct


def test_a_right_rolling_mean_that_returns_a_numpy_array_is_rejected():
    def as_array(s, days):
        if days < 1:
            raise ValueError("days")
        return s.rolling(f"{days}D").mean().to_numpy()

    assert outcome("03.8", rolling_mean_days=as_array).status == "incorrect"


# --------------------------------------------------------------------------------------
# Value problems: the right content in another container, or the right table written
# differently.
# --------------------------------------------------------------------------------------


def test_a_subclass_of_dataframe_is_rejected():
    """A DataFrame subclass could redefine equality; the comparison wants the exact type."""

    class Table(pd.DataFrame):
        @property
        def _constructor(self):
            return Table

    expected = problem("03.3").expected_value()
    assert outcome("03.3", continent_2007=Table(expected)).status == "incorrect"


def test_the_clean_table_with_sex_as_text_or_category_is_accepted():
    expected = _clean_table()
    as_category = expected.assign(sex=expected["sex"].astype("category"))
    assert outcome("03.2", penguins_clean=expected, penguins=penguins()).correct
    assert outcome("03.2", penguins_clean=as_category, penguins=penguins()).correct


def test_the_clean_table_with_rows_in_another_order_is_rejected():
    shuffled = _clean_table().iloc[::-1]
    assert outcome("03.2", penguins_clean=shuffled, penguins=penguins()).status == "incorrect"


def test_monthly_weather_from_a_reparsed_csv_is_accepted():
    """Dates read back from text are nanosecond dates; the month ends are the same days."""
    w = weather()
    reparsed = w.assign(date=pd.to_datetime(w["date"].astype("str")).astype("datetime64[ns]"))
    monthly = (
        reparsed.set_index("date")
        .resample("ME")
        .agg(precip_mm=("precipitation", "sum"), mean_temp_max=("temp_max", "mean"))
    )
    assert outcome("03.7", monthly_weather=monthly).correct


def test_life_wide_from_a_numpy_array_is_rejected():
    expected = problem("03.5").expected_value()
    assert outcome("03.5", life_wide=expected.to_numpy()).status == "incorrect"


# --------------------------------------------------------------------------------------
# The notebook's demo inputs are the declaration's visible cases.
# --------------------------------------------------------------------------------------


def _notebook_namespace() -> dict:
    notebook = nbformat.read(str(SOLUTIONS), as_version=4)
    namespace = {"pd": pd, "np": np, "gapminder": gapminder(), "weather": weather()}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith(("countries_2007 =", "temp_max =")):
            exec(compile(cell.source, "solutions", "exec"), namespace)
    return namespace


def test_the_notebooks_demo_inputs_are_the_visible_cases():
    namespace = _notebook_namespace()
    assert compare(countries_2007(), namespace["countries_2007"], "countries_2007") is None
    assert compare(regions(), namespace["regions"], "regions") is None
    assert compare(temp_max_series(), namespace["temp_max"], "temp_max") is None
    gappy = problem("03.8").cases()[1][1].args[0]
    assert compare(gappy, namespace["gappy"], "gappy") is None
    assert len(gappy) == 15 and gappy.index.to_series().diff().max() == pd.Timedelta(days=4)


def test_the_lookup_table_leaves_a_continent_out():
    """Exercise 4's visible case only tells a left join from an inner one if a key is absent."""
    missing = set(countries_2007()["continent"]) - set(regions()["continent"])
    assert missing == {"Oceania"}


# --------------------------------------------------------------------------------------
# The lesson teaches what is asked.
# --------------------------------------------------------------------------------------


def test_the_lesson_teaches_what_the_exercises_and_quiz_ask():
    text = "\n".join(c.source for c in nbformat.read(str(LESSON), as_version=4).cells)
    for taught in (
        "isna().sum()",  # exercise 1
        "sort_values",
        'kind="stable"',
        "reset_index(drop=True)",
        "dropna(subset=",  # exercise 2
        'astype("str").fillna("unknown")',
        "assign(",
        "named aggregation",  # exercise 3
        "nunique",
        'how="left"',  # exercise 4
        'validate="many_to_one"',
        "pivot_table",  # exercise 5
        ".melt(",  # exercise 6
        'resample("ME")',  # exercise 7, kc7
        'rolling("30D")',  # exercise 8, kc4
        "min_periods",
        "copy-on-write",  # kc1
        "skip",  # kc3
        "`str`",  # kc5
        "transform",  # kc6
    ):
        assert taught.lower() in text.lower(), f"the lesson never shows {taught!r}"
