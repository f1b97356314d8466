"""Module 04 — Visualisation and EDA: the declaration of the exercises and the quiz.

The exercises work on the Palmer penguins, the restaurant tips, the monthly stock prices
(all loaded offline by ``mlcourse.datasets``) and Anscombe's quartet (bundled with
vega_datasets). A figure is judged by what it shows: each figure exercise's ``extract``
reads plain values from the learner's matplotlib Figure (the number of axes, titles and axis
labels, the bars' positions and heights, the lines' data, the scatter points grouped by
colour, the axis limits and scale) and the key compares them with the course's data. No
image and nothing the learner prints is trusted. The key is in mlcourse.keys.m04.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Value, describe
from mlcourse.datasets import load_penguins, load_stocks, load_tips
from mlcourse.exercises import Module

# --------------------------------------------------------------------------------------
# Data, loaded as the notebook loads it (cached; every caller gets a copy).
# --------------------------------------------------------------------------------------

#: The four measurement columns of the penguins (two penguins have none of them).
MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
#: The days of the tips data in calendar order (exercise 2 asks for this order).
DAYS = ["Thur", "Fri", "Sat", "Sun"]
#: The number of bins of exercise 1's histogram (stated in the prompt).
N_BINS = 20
#: The names of Anscombe's four data sets, in order.
QUARTET = ["I", "II", "III", "IV"]


@lru_cache(maxsize=1)
def _penguins_cached() -> pd.DataFrame:
    return load_penguins()


@lru_cache(maxsize=1)
def _tips_cached() -> pd.DataFrame:
    return load_tips()


@lru_cache(maxsize=1)
def _stocks_cached() -> pd.DataFrame:
    return load_stocks()


@lru_cache(maxsize=1)
def _anscombe_cached() -> pd.DataFrame:
    import warnings

    from vega_datasets import local_data

    with warnings.catch_warnings():  # vega_datasets uses a read_json option pandas deprecates
        warnings.simplefilter("ignore")
        df = local_data.anscombe()
    return df.rename(columns={"Series": "dataset", "X": "x", "Y": "y"}).astype({"x": float})


def penguins() -> pd.DataFrame:
    """The Palmer penguins (a copy)."""
    return _penguins_cached().copy()


def tips() -> pd.DataFrame:
    """The restaurant tips (a copy)."""
    return _tips_cached().copy()


def stocks() -> pd.DataFrame:
    """The monthly stock prices (a copy)."""
    return _stocks_cached().copy()


def anscombe() -> pd.DataFrame:
    """Anscombe's quartet: columns ``dataset`` (I to IV), ``x`` and ``y`` (a copy)."""
    return _anscombe_cached().copy()


def load_anscombe() -> pd.DataFrame:
    """Anscombe's quartet as the notebooks load it (Anscombe, 1973; via vega_datasets)."""
    return anscombe()


def _quartet_xy(name: str) -> tuple[list[float], list[float]]:
    df = _anscombe_cached()
    part = df[df["dataset"] == name]
    return part["x"].tolist(), part["y"].tolist()


# --------------------------------------------------------------------------------------
# Collecting a figure as plain data (runs in the learner's process).
# --------------------------------------------------------------------------------------


def _figure(value: Any, name: str) -> Any:
    """The learner's Figure (an Axes is taken as its figure); Fail for anything else."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    if isinstance(value, Axes):
        value = value.figure
    if not isinstance(value, (Figure, SubFigure)):
        raise Fail(
            f"`{name}` should be a matplotlib Figure (the `fig` of `fig, ax = plt.subplots()`), "
            f"but it is {describe(value)}."
        )
    return value


def _title(ax: Any) -> str:
    """The axes' title, wherever it is placed (centre, left or right)."""
    return ax.get_title() or ax.get_title("left") or ax.get_title("right")


def _texts(ax: Any) -> dict[str, str]:
    return {
        "title": str(_title(ax)),
        "xlabel": str(ax.get_xlabel()),
        "ylabel": str(ax.get_ylabel()),
    }


def _legend_of(ax: Any) -> Any:
    """The axes' legend, or the figure's when the axes have none (seaborn, `fig.legend()`)."""
    legend = ax.get_legend()
    if legend is None and ax.figure.legends:
        legend = ax.figure.legends[0]
    return legend


def _legend(ax: Any) -> list[str]:
    """The texts of the axes' legend, sorted; empty when there is no legend."""
    legend = _legend_of(ax)
    if legend is None:
        return []
    return sorted(str(t.get_text()) for t in legend.get_texts())


def _shown(artist: Any) -> bool:
    """False for an artist that draws nothing: hidden, or fully transparent."""
    alpha = artist.get_alpha()
    return bool(artist.get_visible()) and (alpha is None or alpha > 0)


def _colour_key(colour: Any) -> tuple[float, ...]:
    return tuple(np.round(np.asarray(colour, dtype=float).reshape(-1)[:4], 4))


def _legend_colours(ax: Any) -> list[list[Any]]:
    """``[text, rgba]`` per legend entry, sorted by text: the colour its marker is filled with."""
    from matplotlib.colors import to_rgba

    legend = _legend_of(ax)
    if legend is None:
        return []
    entries = []
    handles = getattr(legend, "legend_handles", None) or getattr(legend, "legendHandles", [])
    for text, handle in zip(legend.get_texts(), handles, strict=False):
        colour: Any = None
        if hasattr(handle, "get_markerfacecolor"):
            colour = to_rgba(handle.get_markerfacecolor())
        elif hasattr(handle, "get_facecolor"):
            faces = np.asarray(handle.get_facecolor(), dtype=float).reshape(-1, 4)
            colour = faces[0] if len(faces) else None
        key = [float(v) for v in _colour_key(colour)] if colour is not None else []
        entries.append([str(text.get_text()), key])
    return sorted(entries, key=lambda entry: entry[0])


def _bars(ax: Any) -> np.ndarray:
    """Every rectangle of the axes as rows ``[left, width, height]``, sorted by left edge."""
    from matplotlib.patches import Rectangle

    rows = [
        [float(p.get_x()), float(p.get_width()), float(p.get_height())]
        for p in ax.patches
        if isinstance(p, Rectangle) and _shown(p)
    ]
    bars = np.array(rows, dtype=float).reshape(-1, 3)
    return bars[np.lexsort(bars.T[::-1])] if len(bars) else bars


def _coloured_groups(ax: Any) -> list[tuple[tuple[float, ...], np.ndarray]]:
    """``(rgba, points)`` per colour of the axes' drawn scatter points, sorted by first row.

    Hidden, fully transparent, zero-size and unfilled-and-unedged collections draw nothing
    and are skipped; so are NaN points.
    """
    from matplotlib.collections import PathCollection

    groups: dict[tuple[float, ...], list[np.ndarray]] = {}
    for collection in ax.collections:
        if not isinstance(collection, PathCollection) or not _shown(collection):
            continue
        sizes = np.asarray(collection.get_sizes(), dtype=float)
        if len(sizes) and not (sizes > 0).any():
            continue
        offsets = np.asarray(collection.get_offsets(), dtype=float).reshape(-1, 2)
        if not len(offsets):
            continue
        collection.update_scalarmappable()  # colours given by `c=` are mapped at draw time
        colours = np.asarray(collection.get_facecolor(), dtype=float).reshape(-1, 4)
        if not len(colours) or not (colours[:, 3] > 0).any():
            colours = np.asarray(collection.get_edgecolor(), dtype=float).reshape(-1, 4)
        if not len(colours) or not (colours[:, 3] > 0).any():
            continue  # neither filled nor edged: nothing is drawn
        if len(colours) == 1 or len(colours) != len(offsets):
            colours = np.repeat(colours[:1], len(offsets), axis=0)
        finite = np.isfinite(offsets).all(axis=1)
        for point, colour in zip(offsets[finite], colours[finite], strict=True):
            groups.setdefault(_colour_key(colour), []).append(point)
    out = []
    for key, points in groups.items():
        array = np.array(points, dtype=float)
        out.append((key, array[np.lexsort((array[:, 1], array[:, 0]))]))
    return sorted(out, key=lambda kv: (kv[1][0, 0], kv[1][0, 1]))


def _points_by_colour(ax: Any) -> list[np.ndarray]:
    """The scatter points of the axes grouped by fill colour (NaN points are not drawn).

    Each group is an ``(n, 2)`` array of ``(x, y)`` rows sorted by x then y; the groups are
    sorted by their first row.
    """
    return [points for _, points in _coloured_groups(ax)]


def _group_colours(ax: Any) -> list[list[float]]:
    """The rgba colour of each group of `_points_by_colour`, in the same order."""
    return [[float(v) for v in key] for key, _ in _coloured_groups(ax)]


def _all_points(ax: Any) -> np.ndarray:
    """Every finite scatter point of the axes, ``(n, 2)``, sorted by x then y."""
    groups = _points_by_colour(ax)
    if not groups:
        return np.zeros((0, 2))
    points = np.concatenate(groups)
    return points[np.lexsort((points[:, 1], points[:, 0]))]


def _limits(ax: Any) -> list[float]:
    """The view limits ``[x0, x1, y0, y1]`` of the axes, each pair in increasing order."""
    x0, x1 = sorted(float(v) for v in ax.get_xlim())
    y0, y1 = sorted(float(v) for v in ax.get_ylim())
    return [x0, x1, y0, y1]


def _line_points(line: Any) -> np.ndarray:
    """A line's finite ``(x, y)`` points in drawing units, ``(n, 2)``."""
    xy = np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2)
    return xy[np.isfinite(xy).all(axis=1)]


def _extract_hist(values: dict[str, Any]) -> dict[str, Any]:
    fig = _figure(values["fig_hist"], "fig_hist")
    axes = fig.axes
    ax = axes[0] if axes else None
    return {
        "n_axes": len(axes),
        **(_texts(ax) if ax else {"title": "", "xlabel": "", "ylabel": ""}),
        "bars": _bars(ax) if ax else np.zeros((0, 3)),
        "limits": _limits(ax) if ax else [0.0, 1.0, 0.0, 1.0],
        "steps": bool(ax) and _has_step_histogram(ax),
    }


def _has_step_histogram(ax: Any) -> bool:
    """True when the axes draw a histogram as an outline (`histtype='step'`, `ax.stairs`)."""
    from matplotlib.patches import Polygon, StepPatch

    return any(isinstance(p, (Polygon, StepPatch)) and _shown(p) for p in ax.patches)


def _extract_bar(values: dict[str, Any]) -> dict[str, Any]:
    fig = _figure(values["fig_tip_days"], "fig_tip_days")
    axes = fig.axes
    if not axes:
        return {
            "n_axes": 0, "title": "", "xlabel": "", "ylabel": "", "bars": [], "labels": [],
            "limits": [0.0, 1.0, 0.0, 1.0],
        }  # fmt: skip
    ax = axes[0]
    bars = _bars(ax)
    ticks = np.asarray(ax.get_xticks(), dtype=float)
    texts = [str(t.get_text()) for t in ax.get_xticklabels()]
    labels = []
    for left, width, _ in bars:
        centre = left + width / 2
        near = np.flatnonzero(np.isclose(ticks, centre, atol=0.05 * max(width, 1e-9)))
        labels.append(texts[near[0]] if len(near) and near[0] < len(texts) else "")
    return {
        "n_axes": len(axes),
        **_texts(ax),
        "bars": [float(h) for h in bars[:, 2]],
        "labels": labels,
        "limits": _limits(ax),
    }


def _pandas_period_days(ax: Any, x: np.ndarray) -> np.ndarray:
    """Period numbers of a pandas time-series plot as days since 1970-01-01 (their starts)."""
    periods = pd.PeriodIndex.from_ordinals(np.round(x).astype(np.int64), freq=ax.freq)
    starts = periods.to_timestamp().to_numpy()
    return (starts - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")


def _extract_stocks(values: dict[str, Any]) -> dict[str, Any]:
    fig = _figure(values["fig_stocks"], "fig_stocks")
    axes = fig.axes
    if not axes:
        return {
            "n_axes": 0, "title": "", "xlabel": "", "ylabel": "", "yscale": "",
            "legend": [], "lines": [], "limits": [0.0, 1.0, 0.0, 1.0],
        }  # fmt: skip
    import matplotlib.dates as mdates

    ax = axes[0]
    # x in days since 1970-01-01, whatever matplotlib's date epoch is
    shift = (np.datetime64(mdates.get_epoch(), "s") - np.datetime64("1970-01-01", "s")) / (
        np.timedelta64(1, "D")
    )
    from matplotlib.colors import to_rgba

    # a line without a label of its own (seaborn's `hue=`) is named by the legend entry of
    # its colour
    legend = _legend_of(ax)
    by_colour = {}
    if legend is not None:
        handles = getattr(legend, "legend_handles", None) or getattr(legend, "legendHandles", [])
        for text, handle in zip(legend.get_texts(), handles, strict=False):
            if hasattr(handle, "get_color"):
                by_colour.setdefault(_colour_key(to_rgba(handle.get_color())), text.get_text())
    freq = getattr(ax, "freq", None)  # pandas' time-series plots draw x as period numbers
    lines = []
    for line in ax.get_lines():
        if not _shown(line):
            continue
        xy = _line_points(line)
        if not len(xy):
            continue  # an empty legend proxy (seaborn's `hue=`) draws nothing
        label = str(line.get_label())
        if label.startswith("_"):
            label = str(by_colour.get(_colour_key(to_rgba(line.get_color())), label))
        lines.append(
            {
                "label": label,
                "x": _pandas_period_days(ax, xy[:, 0]) if freq else xy[:, 0] + float(shift),
                "y": xy[:, 1].copy(),
            }
        )
    lines.sort(key=lambda entry: entry["label"])
    return {
        "n_axes": len(axes),
        **_texts(ax),
        "yscale": str(ax.get_yscale()),
        "legend": _legend(ax),
        "lines": lines,
        "limits": (
            [
                float(v)
                for v in _pandas_period_days(
                    ax, np.array([np.floor(_limits(ax)[0]), np.ceil(_limits(ax)[1])])
                )
            ]
            if freq
            else [v + float(shift) for v in _limits(ax)[:2]]
        )
        + _limits(ax)[2:],
    }


def _extract_bills(values: dict[str, Any]) -> dict[str, Any]:
    fig = _figure(values["fig_bills"], "fig_bills")
    axes = fig.axes
    if not axes:
        return {
            "n_axes": 0, "title": "", "xlabel": "", "ylabel": "", "legend": [], "groups": [],
            "colours": [], "named": [],
        }  # fmt: skip
    ax = axes[0]
    return {
        "n_axes": len(axes),
        **_texts(ax),
        "legend": _legend(ax),
        "groups": _points_by_colour(ax),
        "colours": _group_colours(ax),
        "named": _legend_colours(ax),
    }


def _extract_quartet(values: dict[str, Any]) -> dict[str, Any]:
    fig = _figure(values["fig_quartet"], "fig_quartet")
    panels = []
    for ax in fig.axes:
        panels.append(
            {
                **_texts(ax),
                "points": _all_points(ax),
                "lines": [
                    _line_points(line)
                    for line in ax.get_lines()
                    if _shown(line) and type(line).__name__ not in {"AxLine", "_AxLine"}
                ],
                "axlines": sum(
                    type(line).__name__ in {"AxLine", "_AxLine"} for line in ax.get_lines()
                ),
                "limits": [float(v) for v in (*ax.get_xlim(), *ax.get_ylim())],
            }
        )
    sup = {
        "supxlabel": str(fig.get_supxlabel()) if hasattr(fig, "get_supxlabel") else "",
        "supylabel": str(fig.get_supylabel()) if hasattr(fig, "get_supylabel") else "",
    }
    return {"n_axes": len(fig.axes), "panels": panels, **sup}


# --------------------------------------------------------------------------------------
# Inputs of the function exercises: visible and hidden cases.
# --------------------------------------------------------------------------------------


def _simpson_toy() -> pd.DataFrame:
    """Two groups, each with a rising trend, placed so that the pooled trend falls."""
    return pd.DataFrame(
        {
            "x": [1.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0, 9.0],
            "y": [6.0, 7.0, 7.5, 9.0, 1.0, 2.0, 2.5, 4.0],
            "group": ["a", "a", "a", "a", "b", "b", "b", "b"],
        }
    )


def _with_gaps() -> pd.DataFrame:
    df = _simpson_toy()
    df.loc[[1, 5], "x"] = np.nan
    df.loc[6, "y"] = np.nan
    return df


def _correlation_cases() -> list[Case]:
    return [
        Case(
            penguins(),
            "bill_length_mm",
            "bill_depth_mm",
            "species",
            call='group_correlations(penguins, "bill_length_mm", "bill_depth_mm", "species")',
        ),
        Case(_simpson_toy(), "x", "y", "group", call='group_correlations(toy, "x", "y", "group")'),
    ]


def _correlation_hidden() -> list[Case]:
    return [
        Case(tips(), "total_bill", "tip", "time", label="the tips, by time of day"),
        Case(tips(), "tip", "total_bill", "smoker", label="the tips, columns swapped, by smoker"),
        Case(
            penguins(),
            "flipper_length_mm",
            "body_mass_g",
            "island",
            label="the penguins' flippers and mass, by island",
        ),
        Case(
            penguins(),
            "bill_depth_mm",
            "body_mass_g",
            "sex",
            label="a grouping column with missing values",
        ),
        Case(_with_gaps(), "x", "y", "group", label="missing values in x and in y"),
    ]


def _summary_cases() -> list[Case]:
    x, y = _quartet_xy("I")
    return [
        Case(x, y, call="summary_stats(quartet_x['I'], quartet_y['I'])"),
        Case([1.0, 2.0, 3.0], [2.0, 4.0, 7.0]),
        Case([1.0], [2.0], raises=ValueError),
    ]


def _summary_hidden() -> list[Case]:
    cases = [Case(*_quartet_xy(name), label=f"Anscombe's data set {name}") for name in QUARTET[1:]]
    tip = _tips_cached()
    return [
        *cases,
        Case(
            tip["total_bill"].to_numpy(),
            tip["tip"].to_numpy(),
            label="two NumPy arrays (the tips' bills and tips)",
        ),
        Case([0, 1, 2, 3], [3, 1, 2, 0], label="a falling trend, as ints"),
        Case([1.0, 2.0], [5.0, 3.0], label="two points"),
        Case([1.0, 2.0, 3.0], [1.0, 2.0], raises=ValueError, label="lengths that differ"),
        Case([], [], raises=ValueError, label="no points at all"),
    ]


# --------------------------------------------------------------------------------------
# The module.
# --------------------------------------------------------------------------------------

_LABEL_HINT = "Give the axes a title and label both axes, with units: `ax.set(title=..., xlabel=..., ylabel=...)`."

MODULE = Module(
    "04",
    "visualization_eda",
    "Visualisation and EDA",
    problems=(
        Custom(
            "04.1",
            reads=("fig_hist",),
            extract=_extract_hist,
            title="A labelled histogram",
            points=2,
            hints=[
                "One figure with one axes: `fig_hist, ax = plt.subplots()`. A histogram is "
                "`ax.hist(values, bins=...)`.",
                "The values are `penguins['flipper_length_mm'].dropna()`: `hist` cannot place "
                "a missing value. " + _LABEL_HINT,
                "`ax.hist(penguins['flipper_length_mm'].dropna(), bins=20)`, then "
                "`ax.set(title='...', xlabel='Flipper length (mm)', ylabel='Number of penguins')`.",
            ],
        ),
        Custom(
            "04.2",
            reads=("fig_tip_days",),
            extract=_extract_bar,
            title="A bar chart in a meaningful order",
            points=2,
            hints=[
                "First compute the numbers: each bill's tip as a percentage of its total "
                "bill, then the mean of that per day.",
                "`(100 * tips['tip'] / tips['total_bill']).groupby(tips['day']).mean()` gives "
                "the four means, in alphabetical order: `.reindex(DAYS)` puts them in "
                "calendar order.",
                "`ax.bar(means.index, means.to_numpy())` draws one bar per day, labelled by "
                "the day. Put `%` in the y label.",
            ],
        ),
        Custom(
            "04.3",
            reads=("fig_stocks",),
            extract=_extract_stocks,
            title="Five time series on a log scale",
            points=2,
            hints=[
                "Loop over the companies: `for symbol, part in stocks.groupby('symbol'):`.",
                "Inside the loop, `ax.plot(part['date'], part['price'], label=symbol)`; "
                "after it, `ax.legend()` and `ax.set_yscale('log')`.",
                "Label the y axis with its unit (US dollars, `USD` or `$`), the x axis "
                "with what it shows, and give the figure a title.",
            ],
        ),
        Custom(
            "04.4",
            reads=("fig_bills",),
            extract=_extract_bills,
            title="A scatter plot coloured by group",
            points=2,
            hints=[
                "One `ax.scatter` call per species, each with `label=` the species' name, "
                "gives each species its own colour and a legend entry.",
                "`for name, part in penguins.groupby('species', observed=True): "
                "ax.scatter(part['bill_length_mm'], part['bill_depth_mm'], label=name)`, "
                "then `ax.legend()`.",
                "Bill length goes on the x axis and bill depth on the y axis, both in mm. "
                "`sns.scatterplot(data=penguins, x=..., y=..., hue='species', ax=ax)` works "
                "too, but its default axis labels are the column names, without units.",
            ],
        ),
        Function(
            "04.5",
            name="group_correlations",
            cases=_correlation_cases,
            hidden=_correlation_hidden,
            title="Correlation overall and within groups",
            points=2,
            rtol=1e-6,
            hints=[
                "`df[x].corr(df[y])` is Pearson's correlation of two columns; rows where "
                "either is missing are left out for you.",
                "For the groups, loop over `df.groupby(by, observed=True)`: it gives "
                "`(name, part)` pairs, and skips rows whose group is missing.",
                "`result = {'all': float(df[x].corr(df[y]))}`, then in the loop "
                "`result[name] = float(part[x].corr(part[y]))`; return `result`.",
            ],
        ),
        Value(
            "04.6",
            var="corr_matrix",
            title="A correlation matrix",
            points=1,
            rtol=1e-6,
            hints=[
                "`DataFrame.corr()` computes every pairwise correlation of its columns.",
                "Select the four columns first (`penguins[MEASUREMENTS]`): the year and "
                "the text columns do not belong in it.",
                "`penguins[MEASUREMENTS].corr()`: the default method is Pearson's.",
            ],
        ),
        Function(
            "04.7",
            name="summary_stats",
            cases=_summary_cases,
            hidden=_summary_hidden,
            title="The summary statistics that Anscombe's quartet shares",
            points=2,
            rtol=1e-6,
            hints=[
                "Convert both inputs with `np.asarray(..., dtype=float)` and check their "
                "lengths before computing anything.",
                "`np.var(x, ddof=1)` is the sample variance (dividing by n - 1); "
                "`np.corrcoef(x, y)[0, 1]` is Pearson's r.",
                "The least-squares line has `slope = np.cov(x, y)[0, 1] / np.var(x, ddof=1)` "
                "and `intercept = mean_y - slope * mean_x` (or `np.polyfit(x, y, 1)`).",
            ],
        ),
        Custom(
            "04.8",
            reads=("fig_quartet",),
            extract=_extract_quartet,
            title="Anscombe's quartet in a 2 x 2 grid",
            points=3,
            hints=[
                "`fig_quartet, axes = plt.subplots(2, 2, sharex=True, sharey=True)` gives "
                "four panels; `axes.flat` visits them row by row.",
                "In a loop over `zip(axes.flat, QUARTET)`, select that data set's rows, "
                "`ax.scatter` its points and `ax.set_title(name)`.",
                "For the line, use your `summary_stats` (or `np.polyfit(x, y, 1)`) and draw "
                "`ax.plot(xs, intercept + slope * xs)` over `xs = np.array([x.min(), x.max()])`.",
            ],
        ),
        Choice(
            "04.kc1",
            var="kc1",
            choices="abcd",
            title="Choosing a plot",
            hints=["What does each plot put on its axes: a category, a time, a count?"],
        ),
        Choice(
            "04.kc2",
            var="kc2",
            choices="abcd",
            title="What a correlation of zero says",
            hints=["Pearson's r measures how well one straight line fits the points."],
        ),
        Choice(
            "04.kc3",
            var="kc3",
            choices="abcd",
            title="Simpson's paradox in the penguins",
            hints=[
                "Compare the species' clouds in the lesson's scatter plot: where does each sit?"
            ],
        ),
        Choice(
            "04.kc4",
            var="kc4",
            choices="abcd",
            title="What `plt.subplots` returns",
            hints=["Print `type(axes)` and `axes.shape` after `fig, axes = plt.subplots(2, 3)`."],
        ),
        Choice(
            "04.kc5",
            var="kc5",
            choices="abcd",
            title="The lesson of Anscombe's quartet",
            hints=["The four data sets share their summaries; do they share their pictures?"],
        ),
    ),
)
