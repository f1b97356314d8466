"""Answer key of module 04 — Visualisation and EDA.

Every expected value is computed from the course's data. A figure's judge receives the plain
values its declaration's ``extract`` read from the learner's Figure, checks that they have
exactly the structure that extract gives, and compares what the figure shows (its bars,
lines or points, labels and scales) with what the prompt asks for.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    malformed,
    require_array,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_str,
)
from mlcourse.exercises.m04 import (
    DAYS,
    MEASUREMENTS,
    N_BINS,
    QUARTET,
    _anscombe_cached,
    _penguins_cached,
    _stocks_cached,
    _tips_cached,
)

# --------------------------------------------------------------------------------------
# Shared checks of a figure's texts.
# --------------------------------------------------------------------------------------


def _texts(data: dict[str, Any], path: str = "data") -> tuple[str, str, str]:
    return tuple(require_str(data[k], at(path, k)).strip() for k in ("title", "xlabel", "ylabel"))


def _require_labels(
    name: str,
    title: str,
    xlabel: str,
    ylabel: str,
    *,
    x_words: tuple[str, ...] = (),
    y_words: tuple[str, ...] = (),
    x_what: str = "",
    y_what: str = "",
) -> None:
    """Fail unless the title and both axis labels are there and name what they must."""
    if not title:
        raise Fail(f"`{name}` has no title: say what the figure shows with `ax.set_title(...)`.")
    if not re.search(r"[^\W\d_]{3,}", title):
        raise Fail(f"The title of `{name}`, {title!r}, should say in words what the figure shows.")
    for axis, label, words, what in (
        ("x", xlabel, x_words, x_what),
        ("y", ylabel, y_words, y_what),
    ):
        if not label:
            raise Fail(f"The {axis} axis of `{name}` has no label: use `ax.set_{axis}label(...)`.")
        if not re.search(r"[^\W\d_]{3,}", re.sub(r"(?i)\b(mm|usd)\b", "", label)):
            raise Fail(
                f"The {axis} label of `{name}`, {label!r}, should name in words what the "
                "axis shows, not only its unit."
            )
        if words and not any(word.lower() in label.lower() for word in words):
            raise Fail(f"The {axis} label of `{name}`, {label!r}, should {what}.")


def _require_one_axes(name: str, n_axes: int, how: str = "fig, ax = plt.subplots()") -> None:
    if n_axes != 1:
        raise Fail(
            f"`{name}` has {n_axes} axes; draw this plot on a figure with exactly one "
            f"(`{how}`), and nothing else on it."
        )


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _finite(value: Any, path: str) -> float:
    return require_float(value, path, finite=True)


def _require_limits(data: dict[str, Any], path: str = "data") -> list[float]:
    limits = require_list(data["limits"], at(path, "limits"), length=4, per="axis end")
    return [
        require_float(v, f"{at(path, 'limits')}[{j}]", finite=True) for j, v in enumerate(limits)
    ]


def _require_in_view(name: str, limits: list[float], xs: Any, ys: Any) -> None:
    """Fail unless every drawn x and y lies inside the axes' view limits."""
    x0, x1, y0, y1 = limits
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    for lo, hi, values, axis in ((x0, x1, xs, "x"), (y0, y1, ys, "y")):
        if not len(values):
            continue
        slack = 1e-6 * max(abs(lo), abs(hi), 1.0)
        if values.min() < lo - slack or values.max() > hi + slack:
            raise Fail(
                f"Part of what `{name}` draws lies outside its {axis} limits, so the figure "
                f"hides it: leave `ax.set_{axis}lim` out, or widen it to show all the data."
            )


# --------------------------------------------------------------------------------------
# Exercise 1: the histogram of flipper lengths.
# --------------------------------------------------------------------------------------


def _flippers() -> np.ndarray:
    return _penguins_cached()["flipper_length_mm"].dropna().to_numpy(dtype=float)


def _judge_hist(data: Any) -> None:
    keys = ("n_axes", "title", "xlabel", "ylabel", "bars", "limits", "steps")
    require_dict(data, "data", keys=keys)
    n_axes = require_int(data["n_axes"], "data['n_axes']")
    limits = _require_limits(data)
    if not isinstance(data["steps"], bool):
        raise malformed("data['steps']", "should be True or False")
    title, xlabel, ylabel = _texts(data)
    bars = require_array(data["bars"], "data['bars']", kinds="f", ndim=2)
    if bars.shape[1] != 3:
        raise malformed("data['bars']", "should have three columns (left, width, height)")
    _require_one_axes("fig_hist", n_axes, "fig_hist, ax = plt.subplots()")
    if not len(bars):
        if data["steps"]:
            raise Fail(
                "`fig_hist` draws the histogram as an outline, which this check cannot read: "
                "use `ax.hist(...)` with the default `histtype='bar'`."
            )
        raise Fail("`fig_hist` draws no visible bars: draw the histogram with `ax.hist(...)`.")
    if len(bars) != N_BINS:
        raise Fail(f"`fig_hist` draws {len(bars)} bars; the prompt asks for {N_BINS} bins.")
    counts, edges = np.histogram(_flippers(), bins=N_BINS)
    lefts, widths, heights = bars.T
    if not (_close(lefts, edges[:-1]) and _close(widths, np.diff(edges))):
        raise Fail(
            "The bars do not split the range of the flipper lengths into equal bins: plot the "
            "column `flipper_length_mm` (not another one), and set only `bins`, no `range`."
        )
    if _close(heights, counts / (len(_flippers()) * np.diff(edges))):
        raise Fail("The bar heights are densities, not counts: leave out `density=True`.")
    if not _close(heights, counts):
        raise Fail(
            "The bar heights are not the numbers of penguins in each bin: plot every measured "
            "penguin once (drop only the missing values), without weights."
        )
    _require_in_view("fig_hist", limits, [lefts.min(), (lefts + widths).max()], [0, *heights])
    _require_labels(
        "fig_hist",
        title,
        xlabel,
        ylabel,
        x_words=("mm",),
        x_what="name the measurement and its unit, mm",
    )


# --------------------------------------------------------------------------------------
# Exercise 2: mean tip percentage per day.
# --------------------------------------------------------------------------------------


def _tip_pct_by_day() -> np.ndarray:
    df = _tips_cached()
    return (100 * df["tip"] / df["total_bill"]).groupby(df["day"]).mean().reindex(DAYS).to_numpy()


def _tip_mistakes() -> list[tuple[np.ndarray, str]]:
    df = _tips_cached()
    by_day = df.groupby("day")
    sums = by_day[["tip", "total_bill"]].sum().reindex(DAYS)
    return [
        (
            _tip_pct_by_day() / 100,
            "The heights are fractions, not percentages: multiply by 100.",
        ),
        (
            (100 * sums["tip"] / sums["total_bill"]).to_numpy(),
            "The heights divide the day's total tips by its total bills; the prompt asks for "
            "the mean of each bill's own percentage (compute the percentage per row first).",
        ),
        (
            by_day["tip"].mean().reindex(DAYS).to_numpy(),
            "The heights are mean tips in dollars; the prompt asks for the tip as a percentage "
            "of the total bill.",
        ),
        (
            (100 * df["tip"] / df["total_bill"])
            .groupby(df["day"])
            .median()
            .reindex(DAYS)
            .to_numpy(),
            "The heights are medians; the prompt asks for means.",
        ),
        (
            (100 * df["tip"] / (df["total_bill"] - df["tip"]))
            .groupby(df["day"])
            .mean()
            .reindex(DAYS)
            .to_numpy(),
            "The heights divide the tip by the bill without the tip; `total_bill` already is "
            "the whole bill: divide by it.",
        ),
    ]


def _judge_bar(data: Any) -> None:
    keys = ("n_axes", "title", "xlabel", "ylabel", "bars", "labels", "limits")
    require_dict(data, "data", keys=keys)
    n_axes = require_int(data["n_axes"], "data['n_axes']")
    limits = _require_limits(data)
    title, xlabel, ylabel = _texts(data)
    bars = require_list(data["bars"], "data['bars']", item=require_float)
    labels = require_list(data["labels"], "data['labels']", item=require_str)
    if len(labels) != len(bars):
        raise malformed("data['labels']", "should hold one label per bar")
    _require_one_axes("fig_tip_days", n_axes, "fig_tip_days, ax = plt.subplots()")
    if len(bars) != len(DAYS):
        raise Fail(
            f"`fig_tip_days` draws {len(bars)} bars; draw one bar per day, and nothing else."
        )
    if labels != DAYS:
        if sorted(labels) == sorted(DAYS):
            raise Fail(
                "The bars are not in calendar order: order them Thur, Fri, Sat, Sun "
                "(`.reindex(DAYS)`), not alphabetically or by height."
            )
        raise Fail(
            "The bars are not labelled with the day names under each bar: pass the days as the "
            "bars' x positions (`ax.bar(days, heights)`)."
        )
    heights = np.array(bars, dtype=float)
    if not _close(heights, _tip_pct_by_day()):
        for wrong, message in _tip_mistakes():
            if _close(heights, wrong):
                raise Fail(message)
        raise Fail("The bar heights are not each day's mean tip as a percentage of the total bill.")
    _require_in_view("fig_tip_days", limits, [], [0, *heights])
    _require_labels(
        "fig_tip_days",
        title,
        xlabel,
        ylabel,
        y_words=("%", "percent"),
        y_what="say that the tip is a percentage of the bill (write `%`)",
    )


# --------------------------------------------------------------------------------------
# Exercise 3: five stock prices over time, on a log scale.
# --------------------------------------------------------------------------------------


def _prices() -> dict[str, np.ndarray]:
    df = _stocks_cached().sort_values(["symbol", "date"], kind="stable")
    return {str(s): part["price"].to_numpy(dtype=float) for s, part in df.groupby("symbol")}


def _price_days() -> dict[str, np.ndarray]:
    """Each company's dates in date order, as days since 1970-01-01 (matplotlib's x)."""
    df = _stocks_cached().sort_values(["symbol", "date"], kind="stable")
    day = np.timedelta64(1, "D")
    return {
        str(s): (pd.to_datetime(part["date"]).to_numpy() - np.datetime64("1970-01-01")) / day
        for s, part in df.groupby("symbol")
    }


def _judge_stocks(data: Any) -> None:
    keys = ("n_axes", "title", "xlabel", "ylabel", "yscale", "legend", "lines", "limits")
    require_dict(data, "data", keys=keys)
    limits = _require_limits(data)
    n_axes = require_int(data["n_axes"], "data['n_axes']")
    title, xlabel, ylabel = _texts(data)
    yscale = require_str(data["yscale"], "data['yscale']")
    legend = require_list(data["legend"], "data['legend']", item=require_str)
    lines = require_list(data["lines"], "data['lines']")
    for i, line in enumerate(lines):
        path = f"data['lines'][{i}]"
        require_dict(line, path, keys=("label", "x", "y"))
        require_str(line["label"], at(path, "label"))
        x = require_array(line["x"], at(path, "x"), kinds="f", ndim=1)
        y = require_array(line["y"], at(path, "y"), kinds="f", ndim=1)
        if len(x) != len(y):
            raise malformed(at(path, "x"), "should hold one x per y")
    _require_one_axes("fig_stocks", n_axes, "fig_stocks, ax = plt.subplots()")
    prices = _prices()
    symbols = sorted(prices)
    if len(lines) != len(symbols):
        raise Fail(
            f"`fig_stocks` draws {len(lines)} line(s); draw one line per company, "
            "and no other line."
        )
    if [line["label"] for line in lines] != symbols:
        raise Fail(
            "The lines are not labelled with the companies' symbols: pass `label=symbol` to "
            "each `ax.plot` call."
        )
    days = _price_days()
    for line in lines:
        x, y = np.asarray(line["x"], dtype=float), np.asarray(line["y"], dtype=float)
        if len(x) == len(y) and _close(np.sort(y), np.sort(prices[line["label"]])):
            if not _close(x, days[line["label"]], rtol=0, atol=1e-6) or not np.all(np.diff(x) > 0):
                raise Fail(
                    f"The line labelled {line['label']!r} has that company's prices but not "
                    "against its dates in date order: plot `price` against `date`, with the "
                    "rows sorted by date."
                )
        if not _close(y, prices[line["label"]]):
            raise Fail(
                f"The line labelled {line['label']!r} does not show that company's monthly "
                "prices from its first month to its last: plot `price` against `date` for the "
                "rows of that symbol only."
            )
    if legend != symbols:
        raise Fail("`fig_stocks` has no legend naming the five companies: call `ax.legend()`.")
    if yscale != "log":
        raise Fail(
            "The y axis is not logarithmic: `ax.set_yscale('log')` makes equal ratios of price "
            "equal distances, so the small prices of the early years become readable."
        )
    _require_in_view(
        "fig_stocks",
        limits,
        np.concatenate([line["x"] for line in lines]),
        np.concatenate([line["y"] for line in lines]),
    )
    _require_labels(
        "fig_stocks",
        title,
        xlabel,
        ylabel,
        y_words=("usd", "$", "dollar"),
        y_what="name the price's unit, US dollars (USD or $)",
    )


# --------------------------------------------------------------------------------------
# Exercise 4: bill length against bill depth, coloured by species.
# --------------------------------------------------------------------------------------


def _sorted_rows(points: np.ndarray) -> np.ndarray:
    return points[np.lexsort((points[:, 1], points[:, 0]))]


def _bill_groups(swap: bool = False) -> list[np.ndarray]:
    df = _penguins_cached().dropna(subset=["bill_length_mm", "bill_depth_mm"])
    columns = ["bill_depth_mm", "bill_length_mm"] if swap else ["bill_length_mm", "bill_depth_mm"]
    groups = [
        _sorted_rows(part[columns].to_numpy(dtype=float))
        for _, part in df.groupby("species", observed=True)
    ]
    return sorted(groups, key=lambda a: (a[0, 0], a[0, 1]))


def _bill_group_of(species: str) -> np.ndarray:
    df = _penguins_cached().dropna(subset=["bill_length_mm", "bill_depth_mm"])
    part = df[df["species"] == species]
    return _sorted_rows(part[["bill_length_mm", "bill_depth_mm"]].to_numpy(dtype=float))


def _species() -> list[str]:
    return sorted(str(s) for s in _penguins_cached()["species"].dropna().unique())


def _judge_bills(data: Any) -> None:
    keys = ("n_axes", "title", "xlabel", "ylabel", "legend", "groups", "colours", "named")
    require_dict(data, "data", keys=keys)
    n_axes = require_int(data["n_axes"], "data['n_axes']")
    title, xlabel, ylabel = _texts(data)
    legend = require_list(data["legend"], "data['legend']", item=require_str)
    groups = require_list(data["groups"], "data['groups']")
    for i, group in enumerate(groups):
        group = require_array(group, f"data['groups'][{i}]", kinds="f", ndim=2)
        if group.shape[1] != 2 or not len(group):
            raise malformed(f"data['groups'][{i}]", "should hold (x, y) rows")
    colours = require_list(data["colours"], "data['colours']", length=len(groups), per="group")
    colours = [
        tuple(require_list(c, f"data['colours'][{i}]", item=_finite)) for i, c in enumerate(colours)
    ]
    named = require_list(data["named"], "data['named']")
    entries = []
    for i, entry in enumerate(named):
        entry = require_list(entry, f"data['named'][{i}]", length=2, per="part")
        text = require_str(entry[0], f"data['named'][{i}][0]")
        colour = require_list(entry[1], f"data['named'][{i}][1]", item=_finite)
        entries.append((text, tuple(colour)))
    if [text for text, _ in entries] != legend:
        raise malformed("data['named']", "should hold one entry per legend text, in its order")
    _require_one_axes("fig_bills", n_axes, "fig_bills, ax = plt.subplots()")
    expected = _bill_groups()
    if not groups:
        raise Fail("`fig_bills` draws no scatter points: use `ax.scatter(x, y)`.")
    drawn = _sorted_rows(np.concatenate(groups))
    if not _close(drawn, _sorted_rows(np.concatenate(expected))):
        if _close(drawn, _sorted_rows(np.concatenate(_bill_groups(swap=True)))):
            raise Fail(
                "The axes are swapped: bill length goes on the x axis, bill depth on the y axis."
            )
        raise Fail(
            "The points drawn are not the penguins' (bill length, bill depth) pairs, each "
            "measured penguin once: check the columns, and plot every species."
        )
    if len(groups) != len(expected) or not all(
        _close(g, e) for g, e in zip(groups, expected, strict=True)
    ):
        raise Fail(
            "The points are not coloured by species: each species needs a colour of its own, "
            "shared by all its penguins (one `ax.scatter` per species, or `hue='species'`)."
        )
    if legend != _species():
        raise Fail(
            "`fig_bills` has no legend naming the three species: give each `ax.scatter` a "
            "`label=` and call `ax.legend()`."
        )
    for text, colour in entries:
        if text not in legend or text not in _species():
            continue
        match = [g for g, c in zip(groups, colours, strict=True) if _close(c, colour, atol=1e-3)]
        if len(match) != 1 or not _close(match[0], _bill_group_of(text)):
            raise Fail(
                f"The legend entry {text!r} does not have the colour of the {text} penguins' "
                "points: give each `ax.scatter` its own `label=species` and call `ax.legend()` "
                "without a list of names."
            )
    _require_labels(
        "fig_bills",
        title,
        xlabel,
        ylabel,
        x_words=("length",),
        y_words=("depth",),
        x_what="say it is the bill length, with its unit",
        y_what="say it is the bill depth, with its unit",
    )
    if "mm" not in xlabel or "mm" not in ylabel:
        raise Fail("Both axis labels of `fig_bills` should give the unit, mm.")


# --------------------------------------------------------------------------------------
# Exercise 5: correlations overall and within groups.
# --------------------------------------------------------------------------------------


def _group_correlations(df: pd.DataFrame, x: str, y: str, by: str) -> dict[str, float]:
    result = {"all": float(df[x].corr(df[y]))}
    for name, part in df.groupby(by, observed=True):
        result[name] = float(part[x].corr(part[y]))
    return result


def _spearman_correlations(df: pd.DataFrame, x: str, y: str, by: str) -> dict[str, float]:
    result = {"all": float(df[x].corr(df[y], method="spearman"))}
    for name, part in df.groupby(by, observed=True):
        result[name] = float(part[x].corr(part[y], method="spearman"))
    return result


def _pooled_only(df: pd.DataFrame, x: str, y: str, by: str) -> dict[str, float]:
    overall = float(df[x].corr(df[y]))
    return {"all": overall, **{name: overall for name, _ in df.groupby(by, observed=True)}}


# --------------------------------------------------------------------------------------
# Exercise 6: the correlation matrix.
# --------------------------------------------------------------------------------------


def _corr_matrix() -> pd.DataFrame:
    return _penguins_cached()[MEASUREMENTS].corr()


# --------------------------------------------------------------------------------------
# Exercise 7: summary statistics.
# --------------------------------------------------------------------------------------


def _summary_stats(x: Any, y: Any, ddof: int = 1) -> dict[str, float]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y should be two 1-D sequences of the same length")
    if len(x) < 2:
        raise ValueError("at least two points are needed")
    mean_x, mean_y = x.mean(), y.mean()
    var_x, var_y = x.var(ddof=ddof), y.var(ddof=ddof)
    cov = ((x - mean_x) * (y - mean_y)).sum() / (len(x) - ddof)
    slope = cov / var_x
    return {
        "mean_x": float(mean_x),
        "mean_y": float(mean_y),
        "var_x": float(var_x),
        "var_y": float(var_y),
        "r": float(cov / np.sqrt(var_x * var_y)),
        "slope": float(slope),
        "intercept": float(mean_y - slope * mean_x),
    }


def _summary_population(x: Any, y: Any) -> dict[str, float]:
    return _summary_stats(x, y, ddof=0)


def _summary_mixed_ddof(x: Any, y: Any) -> dict[str, float]:
    """np.cov (n - 1) divided by np.var's default (n): a slope too steep by n / (n - 1)."""
    stats = _summary_stats(x, y)
    n = len(np.asarray(x))
    slope = stats["slope"] * n / (n - 1)
    return {**stats, "slope": slope, "intercept": stats["mean_y"] - slope * stats["mean_x"]}


# --------------------------------------------------------------------------------------
# Exercise 8: Anscombe's quartet in a grid.
# --------------------------------------------------------------------------------------


def _quartet_points(name: str) -> np.ndarray:
    df = _anscombe_cached()
    part = df[df["dataset"] == name]
    return _sorted_rows(part[["x", "y"]].to_numpy(dtype=float))


def _numeral_in(name: str, title: str) -> bool:
    """True when the only Roman numeral I-IV standing alone in the title is `name`."""
    return re.findall(r"(?<![A-Za-z])(I{1,3}|IV)(?![A-Za-z])", title) == [name]


def _judge_quartet(data: Any) -> None:
    require_dict(data, "data", keys=("n_axes", "panels", "supxlabel", "supylabel"))
    supx = require_str(data["supxlabel"], "data['supxlabel']").strip()
    supy = require_str(data["supylabel"], "data['supylabel']").strip()
    n_axes = require_int(data["n_axes"], "data['n_axes']")
    panels = require_list(data["panels"], "data['panels']")
    if len(panels) != n_axes:
        raise malformed("data['panels']", "should hold one entry per axes")
    checked = []
    for i, panel in enumerate(panels):
        path = f"data['panels'][{i}]"
        keys = ("title", "xlabel", "ylabel", "points", "lines", "axlines", "limits")
        require_dict(panel, path, keys=keys)
        axlines = require_int(panel["axlines"], at(path, "axlines"))
        texts = _texts(panel, path)
        points = require_array(panel["points"], at(path, "points"), kinds="f", ndim=2)
        if points.shape[1] != 2:
            raise malformed(at(path, "points"), "should hold (x, y) rows")
        lines = require_list(panel["lines"], at(path, "lines"))
        for j, line in enumerate(lines):
            line = require_array(line, f"{at(path, 'lines')}[{j}]", kinds="f", ndim=2)
            if line.shape[1] != 2:
                raise malformed(f"{at(path, 'lines')}[{j}]", "should hold (x, y) rows")
        limits = require_list(panel["limits"], at(path, "limits"), length=4, per="axis end")
        for j, value in enumerate(limits):
            require_float(value, f"{at(path, 'limits')}[{j}]", finite=True)
        checked.append((texts, points, lines, [float(v) for v in limits]))
        if axlines:
            raise Fail(
                f"Panel {i + 1} draws its line with `ax.axline`, an endless line this check "
                "cannot read: draw it with `ax.plot` from the smallest to the largest x."
            )
    if n_axes != len(QUARTET):
        raise Fail(
            f"`fig_quartet` has {n_axes} axes; it should have four panels in a 2 x 2 grid "
            "(`plt.subplots(2, 2, ...)`)."
        )
    for k, (name, ((title, _, _), points, lines, limits)) in enumerate(
        zip(QUARTET, checked, strict=True)
    ):
        where = f"Panel {k + 1} (row {k // 2 + 1}, column {k % 2 + 1})"
        expected = _quartet_points(name)
        if not _close(points, expected):
            raise Fail(
                f"{where} does not show exactly the points of data set {name}: panels go row by "
                "row in the order I, II, III, IV, one data set each."
            )
        x0, x1, y0, y1 = limits
        _require_in_view("fig_quartet", [min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)],
                         points[:, 0], points[:, 1])  # fmt: skip
        if not _numeral_in(name, title):
            raise Fail(f"{where} should be titled with its data set's name, {name}.")
        if len(lines) != 1:
            raise Fail(
                f"{where} has {len(lines)} line(s); draw exactly one: the least-squares line "
                "of that data set."
            )
        line = lines[0]
        stats = _summary_stats(expected[:, 0], expected[:, 1])
        fitted = stats["intercept"] + stats["slope"] * line[:, 0]
        spans = (
            len(line) >= 2
            and line[:, 0].min() <= expected[:, 0].min() + 1e-9
            and line[:, 0].max() >= expected[:, 0].max() - 1e-9
        )
        if not _close(line[:, 1], fitted, rtol=1e-6, atol=1e-6):
            raise Fail(f"{where}: the line is not the least-squares line of data set {name}.")
        if not spans:
            raise Fail(
                f"{where}: draw the line at least from the smallest to the largest x of the "
                "data set."
            )
    first = checked[0][3]
    if any(not _close(limits, first, rtol=1e-9, atol=1e-9) for *_, limits in checked):
        raise Fail(
            "The panels do not share their axes, so they cannot be compared by eye: "
            "`plt.subplots(2, 2, sharex=True, sharey=True)`."
        )
    bottom = [texts[1] for texts, *_ in checked[2:]]
    left = [texts[2] for texts, *_ in checked[::2]]
    if not (supx or all(bottom)) or not (supy or all(left)):
        raise Fail(
            "Label the x axis of both bottom panels and the y axis of both left panels "
            "(`ax.set_xlabel`, `ax.set_ylabel`), or the whole grid with `fig.supxlabel` and "
            "`fig.supylabel`."
        )


# --------------------------------------------------------------------------------------
# The key.
# --------------------------------------------------------------------------------------

KEY: dict[str, dict[str, Any]] = {
    "04.1": {"judge": _judge_hist},
    "04.2": {"judge": _judge_bar},
    "04.3": {"judge": _judge_stocks},
    "04.4": {"judge": _judge_bills},
    "04.5": {
        "reference": _group_correlations,
        "mistakes": [
            Mistake(
                _spearman_correlations,
                "These are Spearman's rank correlations; the prompt asks for Pearson's, "
                "the default of `Series.corr`.",
            ),
            Mistake(
                _pooled_only,
                "Every group got the overall correlation: compute each group's from its own "
                "rows (`part[x].corr(part[y])` inside the groupby loop).",
            ),
        ],
    },
    "04.6": {
        "expected": _corr_matrix,
        "mistakes": [
            Mistake(
                lambda: _penguins_cached()[MEASUREMENTS].corr(method="spearman"),
                "This is Spearman's rank correlation; the exercise asks for Pearson's.",
            ),
            Mistake(
                lambda: _penguins_cached().corr(numeric_only=True),
                "The matrix includes `year`: select the four measurement columns first.",
            ),
        ],
    },
    "04.7": {
        "reference": _summary_stats,
        "mistakes": [
            Mistake(
                _summary_population,
                "The variances divide by n; the sample variance Anscombe reports divides by "
                "n - 1 (`ddof=1`).",
            ),
            Mistake(
                _summary_mixed_ddof,
                "The slope mixes a covariance that divides by n - 1 with a variance that "
                "divides by n: use the same `ddof` in both.",
            ),
        ],
    },
    "04.8": {"judge": _judge_quartet},
    "04.kc1": {
        "answer": "b",
        "explanation": "A histogram bins one continuous variable and shows how many values fall "
        "in each bin: the shape of its distribution.",
        "feedback": {
            "a": "A pie chart shows how a whole splits among a few categories; with one slice "
            "per penguin the slices cannot be told apart, and a total of body masses is no "
            "meaningful whole.",
            "c": "The row number only records the order of the file, so a line against it draws "
            "that order, not how the masses are distributed, and joining neighbouring rows "
            "suggests a trend that does not exist.",
            "d": "A bar of the mean per species reduces the data to three numbers: it hides the "
            "spread, the skew and any modes of the masses.",
        },
    },
    "04.kc2": {
        "answer": "c",
        "explanation": "Pearson's r measures only a linear relationship: y = x² on a range "
        "symmetric around 0 has r = 0 and is perfectly determined by x.",
        "feedback": {
            "a": "r = 0 rules out a linear trend, not every relationship: with x symmetric "
            "around 0, y = x² has r = 0, yet a model that squares x predicts y exactly.",
            "b": "Independence implies r = 0, but not the other way round: with x symmetric "
            "around 0, y = |x| has r = 0 and depends entirely on x.",
            "d": "r = 0 is an ordinary value that error-free data can produce, from two "
            "unrelated measurements or from a relationship that is not a straight line.",
        },
    },
    "04.kc3": {
        "answer": "a",
        "explanation": "Gentoos have long but shallow bills and Adelies short but deep ones, so "
        "pooling the species makes the cloud slope down while each species' slopes up.",
        "feedback": {
            "b": "No species has a negative trend here: within each of the three, bill length "
            "and depth correlate positively, so no species can pull the pooled r down by its own "
            "trend.",
            "c": "Skew does not flip the sign of r, and bill depth is only mildly skewed within "
            "each species; the sign of r follows the direction of the joint trend.",
            "d": "Each within-species correlation rests on dozens to over a hundred penguins "
            "and is clearly positive; pooling the rows does not turn the parts into noise.",
        },
    },
    "04.kc4": {
        "answer": "d",
        "explanation": "With more than one row and column, `plt.subplots` returns the Figure and "
        "a 2-D NumPy array of Axes of shape (2, 3).",
        "feedback": {
            "a": "`plt.subplots` returns a NumPy array, not a list, and its flat order is row "
            "by row: `axes.flat` runs along the first row first.",
            "b": "Each panel of a grid is an Axes of its own; a single Axes comes back only "
            "from `plt.subplots()` with one row and one column.",
            "c": "(2, 3) is what you passed in. `plt.subplots` returns a pair, the Figure and "
            "the plotting areas it made, and `axes` receives the second of the two, not a "
            "description of the layout.",
        },
    },
    "04.kc5": {
        "answer": "c",
        "explanation": "Identical summaries can hide a curve, an outlier or a single influential "
        "point: plot the data before trusting a summary.",
        "feedback": {
            "a": "Only the first of the four is well described by a straight line: the second "
            "is a smooth curve, and in the third and fourth a single point shapes the fitted "
            "line.",
            "b": "Sample size is not the point: data sets that share their summaries can be "
            "built with many more points, as the Datasaurus Dozen does with 142 points each.",
            "d": "Only the third and fourth have a single stray point; the first is a noisy "
            "line and the second a smooth curve, with no outlier at all.",
        },
    },
}
