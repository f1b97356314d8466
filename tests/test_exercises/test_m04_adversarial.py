"""Module 04: attempts to pass the figure checks without doing the task, and right answers
written differently, beyond the self-tests in solutions/04_visualization_eda.ipynb.

A figure's ``extract`` runs in the learner's process, so a graded learner can hand its judge
any plain data: ``test_forged_extracts.py`` runs module 04's judges through its forged-data
battery (junk, every structural and type mutation of right data, the data of other problems)
on the right and wrong figures of ``figures_m04.py``. This file tries the live checks.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from mlcourse.exercises.m04 import (  # noqa: E402
    DAYS,
    _simpson_toy,
    penguins,
    stocks,
    tips,
)

from .figures_m04 import (  # noqa: E402
    PROBLEMS,
    RIGHT_FIGURES,
    VARIABLE,
    bar_figure,
    hist_figure,
    quartet_figure,
    stocks_figure,
)

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "curriculum" / "04_visualization_eda.ipynb"
SOLUTIONS = ROOT / "solutions" / "04_visualization_eda.ipynb"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --------------------------------------------------------------------------------------
# Attempts at the live checks.
# --------------------------------------------------------------------------------------


def check(problem_id: str, **values):
    return PROBLEMS[problem_id].check(values)


def test_an_axes_is_taken_for_its_figure():
    """`fig_hist = ax` is a right answer written differently."""
    fig = hist_figure()
    assert check("04.1", fig_hist=fig.axes[0]).status == "correct"


def test_a_picture_or_a_description_is_not_a_figure():
    fig = hist_figure()
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())
    for value in (image, "a histogram of flipper lengths", {"bars": 20}):
        outcome = check("04.1", fig_hist=value)
        assert outcome.status == "incorrect", outcome.message
        assert "Figure" in outcome.message


def test_bars_typed_in_at_the_histogram_places_with_rounded_counts_are_rejected():
    """Counts read off the picture and typed in, off by one in one bin, do not pass."""
    counts, edges = np.histogram(penguins()["flipper_length_mm"].dropna(), bins=20)
    counts = counts.astype(float)
    counts[3] += 1
    fig, ax = plt.subplots()
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge")
    ax.set(title="Flippers", xlabel="Flipper length (mm)", ylabel="Count")
    assert check("04.1", fig_hist=fig).status == "incorrect"


def test_extra_artists_on_the_bar_chart_are_rejected():
    """A hidden fifth bar (a zero-height rectangle) is not one bar per day."""
    fig = bar_figure()
    fig.axes[0].bar(["Mon"], [0.0])
    assert check("04.2", fig_tip_days=fig).status == "incorrect"


def test_a_scatter_coloured_by_a_colormap_is_accepted():
    """`ax.scatter(x, y, c=codes)` with a legend of the species colours by species too."""
    df = penguins().dropna(subset=["bill_length_mm", "bill_depth_mm"])
    fig, ax = plt.subplots()
    points = ax.scatter(
        df["bill_length_mm"], df["bill_depth_mm"], c=df["species"].cat.codes, cmap="viridis"
    )
    handles, _ = points.legend_elements()
    ax.legend(handles, list(df["species"].cat.categories))
    ax.set(title="Bills", xlabel="Bill length (mm)", ylabel="Bill depth (mm)")
    assert check("04.4", fig_bills=fig).status == "correct"


def test_the_quartet_without_lines_in_one_panel_or_with_extra_points_is_rejected():
    fig = quartet_figure()
    fig.axes[2].lines[0].remove()
    assert check("04.8", fig_quartet=fig).status == "incorrect"
    fig = quartet_figure()
    fig.axes[3].scatter([19.0], [12.5])
    assert check("04.8", fig_quartet=fig).status == "incorrect"


def test_messages_never_reveal_the_expected_heights():
    df = tips()
    means = (100 * df["tip"] / df["total_bill"]).groupby(df["day"]).mean().reindex(DAYS)
    outcome = check("04.2", fig_tip_days=bar_figure(scale=1.0))
    assert outcome.status == "incorrect"
    for value in means:
        assert f"{value:.2f}" not in outcome.message


# --------------------------------------------------------------------------------------
# The notebooks and the declaration agree.
# --------------------------------------------------------------------------------------


def _source(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n".join(cell.source for cell in notebook.cells)


def test_the_notebooks_demo_table_is_the_visible_case():
    namespace: dict = {"pd": pd}
    source = _source(SOLUTIONS)
    start = source.index("toy = pd.DataFrame(")
    end = source.index("\n\n", start)
    exec(source[start:end], namespace)  # noqa: S102 - the course's own notebook
    pd.testing.assert_frame_equal(namespace["toy"], _simpson_toy())


def test_the_lesson_teaches_what_the_quiz_asks():
    lesson = _source(LESSON)
    for phrase in (
        "Simpson's paradox",
        "Anscombe",
        "plt.subplots(2, 2",
        "set_yscale",
        "sns.boxplot",
    ):
        assert phrase in lesson, phrase


# --------------------------------------------------------------------------------------
# Rows of the independent review (briefs/review-04.md).
# --------------------------------------------------------------------------------------


def _stocks_drawn(order_by: str = "date", against: str = "date"):
    fig, ax = plt.subplots()
    for symbol, part in stocks().groupby("symbol"):
        part = part.sort_values(order_by)
        x = {"date": part["date"], "zeros": np.zeros(len(part)), "rows": np.arange(len(part))}
        ax.plot(x[against], part["price"], label=symbol)
    ax.legend()
    ax.set_yscale("log")
    ax.set(title="Prices", xlabel="Month", ylabel="Price (USD)")
    return fig


@pytest.mark.parametrize(
    ("order_by", "against"), [("price", "date"), ("date", "zeros"), ("date", "rows")]
)
def test_prices_out_of_date_order_or_not_against_dates_are_rejected(order_by, against):
    """Review row 1: the extract keeps the drawn order and x, so a zigzag or x = 0 fails."""
    fig = _stocks_drawn(order_by, against)
    assert check("04.3", fig_stocks=fig).status == "incorrect"


def test_a_legend_naming_the_colours_after_the_wrong_species_is_rejected():
    """Review row 2: the legend's colours must name the species of their points."""
    fig, ax = plt.subplots()
    for _, part in penguins().groupby("species", observed=True):
        ax.scatter(part["bill_length_mm"], part["bill_depth_mm"])
    ax.legend(["Gentoo", "Adelie", "Chinstrap"])
    ax.set(title="Bills", xlabel="Bill length (mm)", ylabel="Bill depth (mm)")
    assert check("04.4", fig_bills=fig).status == "incorrect"


def _hide(problem_id: str, how: str):
    fig = RIGHT_FIGURES[problem_id]()
    ax = fig.axes[0]
    if how == "alpha":
        for artist in [*ax.patches, *ax.lines, *ax.collections]:
            artist.set_alpha(0)
    elif how == "invisible":
        for artist in [*ax.patches, *ax.lines, *ax.collections]:
            artist.set_visible(False)
    elif how == "size0":
        for artist in ax.collections:
            artist.set_sizes([0])
    elif how == "limits":
        for a in fig.axes:
            a.set_ylim(500, 600) if problem_id != "04.8" else a.set_xlim(30, 40)
    return fig


@pytest.mark.parametrize(
    ("problem_id", "how"),
    [
        ("04.1", "alpha"),
        ("04.1", "invisible"),
        ("04.1", "limits"),
        ("04.2", "alpha"),
        ("04.2", "limits"),
        ("04.3", "invisible"),
        ("04.3", "alpha"),
        ("04.3", "limits"),
        ("04.4", "size0"),
        ("04.4", "alpha"),
        ("04.8", "limits"),
    ],
)
def test_right_artists_made_invisible_or_out_of_view_are_rejected(problem_id, how):
    """Review row 3: hidden, transparent, zero-size or out-of-view data do not count."""
    fig = _hide(problem_id, how)
    assert check(problem_id, **{VARIABLE[problem_id]: fig}).status == "incorrect"


def test_a_step_histogram_gets_a_message_about_histtype():
    """Review row 4: an outline histogram is told to use the default histtype."""
    fig, ax = plt.subplots()
    ax.hist(penguins()["flipper_length_mm"].dropna(), bins=20, histtype="step")
    ax.set(title="Flippers", xlabel="Flipper length (mm)", ylabel="Count")
    result = check("04.1", fig_hist=fig)
    assert result.status == "incorrect" and "histtype" in result.message


def test_a_figure_legend_is_read():
    """Review row 5: `fig.legend()` (and seaborn's figure legends) are legends too."""
    fig = stocks_figure()
    fig.axes[0].get_legend().remove()
    fig.legend()
    assert check("04.3", fig_stocks=fig).status == "correct"


def test_seaborn_lineplot_with_hue_is_accepted():
    """Review row 6: seaborn's empty legend-proxy lines are not counted as lines."""
    import seaborn as sns

    fig, ax = plt.subplots()
    sns.lineplot(data=stocks(), x="date", y="price", hue="symbol", ax=ax)
    ax.set_yscale("log")
    ax.set(title="Prices", xlabel="Month", ylabel="Price (USD)")
    assert check("04.3", fig_stocks=fig).status == "correct"


def test_quartet_labelled_with_suplabels_is_accepted_and_one_label_is_not_enough():
    """Review rows 7 and 12: fig.supxlabel/supylabel count; one stray label does not."""
    fig = quartet_figure()
    for ax in fig.axes:
        ax.set(xlabel="", ylabel="")
    fig.supxlabel("x")
    fig.supylabel("y")
    assert check("04.8", fig_quartet=fig).status == "correct"
    fig = quartet_figure()
    for ax in fig.axes:
        ax.set(xlabel="", ylabel="")
    fig.axes[0].set(xlabel="x", ylabel="y")
    assert check("04.8", fig_quartet=fig).status == "incorrect"


def test_unfilled_scatter_does_not_crash_the_checker():
    """Review row 9: `facecolors='none'` draws with the edge colour, or not at all."""
    fig, ax = plt.subplots()
    for name, part in penguins().groupby("species", observed=True):
        ax.scatter(part["bill_length_mm"], part["bill_depth_mm"], facecolors="none", label=name)
    ax.legend()
    ax.set(title="Bills", xlabel="Bill length (mm)", ylabel="Bill depth (mm)")
    result = check("04.4", fig_bills=fig)
    assert result.status in {"correct", "incorrect"}
    assert "raised" not in result.message


def test_every_panel_titled_with_all_numerals_is_rejected():
    """Review row 10: a title must name its own data set only."""
    fig = quartet_figure()
    for ax in fig.axes:
        ax.set_title("I II III IV")
    assert check("04.8", fig_quartet=fig).status == "incorrect"


def test_a_quartet_line_drawn_with_axline_is_told_to_use_plot():
    """Review row 8: `ax.axline` gets a message naming it, not a false 'not the fit'."""
    fig = quartet_figure()
    for ax in fig.axes:
        line = ax.lines[0]
        (x0, x1), (y0, y1) = line.get_xdata(), line.get_ydata()
        line.remove()
        ax.axline((x0, y0), (x1, y1))
    result = check("04.8", fig_quartet=fig)
    assert result.status == "incorrect" and "axline" in result.message


def test_a_pandas_time_series_plot_is_accepted():
    """pandas draws monthly dates as period numbers; they are read as dates."""
    fig, ax = plt.subplots()
    stocks().pivot(index="date", columns="symbol", values="price").plot(ax=ax, logy=True)
    ax.set(title="Prices", xlabel="Month", ylabel="Price ($)")
    assert check("04.3", fig_stocks=fig).status == "correct"


def test_a_title_or_label_that_is_only_a_unit_or_a_dot_is_rejected():
    """Review row 11: a title "." or a label "mm" / "%" says nothing about the axis."""
    fig = hist_figure()
    fig.axes[0].set_title(".")
    assert check("04.1", fig_hist=fig).status == "incorrect"
    fig = hist_figure()
    fig.axes[0].set_xlabel("mm")
    assert check("04.1", fig_hist=fig).status == "incorrect"
    fig = bar_figure()
    fig.axes[0].set_ylabel("%")
    assert check("04.2", fig_tip_days=fig).status == "incorrect"
