"""Module 04's right figures and plausible wrong ones, and the data the real extracts collect
from them: shared by ``test_m04_adversarial.py`` and ``test_forged_extracts.py`` (which runs
its forged-data battery over ``RIGHT_04`` and ``WRONG_04`` as over every other custom judge).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mlcourse.checks import Answer  # noqa: E402
from mlcourse.exercises import get_module  # noqa: E402
from mlcourse.exercises.m04 import DAYS, QUARTET, anscombe, penguins, stocks, tips  # noqa: E402

PROBLEMS = {p.id: p for p in get_module("04").problems}
FIGURES = ["04.1", "04.2", "04.3", "04.4", "04.8"]
VARIABLE = {
    "04.1": "fig_hist",
    "04.2": "fig_tip_days",
    "04.3": "fig_stocks",
    "04.4": "fig_bills",
    "04.8": "fig_quartet",
}


# --------------------------------------------------------------------------------------
# Right figures, and plausible wrong ones.
# --------------------------------------------------------------------------------------


def hist_figure(values=None, bins=20, labels=True):
    values = penguins()["flipper_length_mm"].dropna() if values is None else values
    fig, ax = plt.subplots()
    ax.hist(values, bins=bins)
    if labels:
        ax.set(title="Flippers", xlabel="Flipper length (mm)", ylabel="Count")
    return fig


def bar_figure(order=DAYS, scale=100.0):
    df = tips()
    means = (scale * df["tip"] / df["total_bill"]).groupby(df["day"]).mean().reindex(order)
    fig, ax = plt.subplots()
    ax.bar(means.index, means.to_numpy())
    ax.set(title="Tips", xlabel="Day", ylabel="Mean tip (%)")
    return fig


def stocks_figure(log=True):
    fig, ax = plt.subplots()
    for symbol, part in stocks().groupby("symbol"):
        ax.plot(part["date"], part["price"], label=symbol)
    ax.legend()
    if log:
        ax.set_yscale("log")
    ax.set(title="Prices", xlabel="Month", ylabel="Price (USD)")
    return fig


def bills_figure(by="species", x="bill_length_mm", y="bill_depth_mm"):
    fig, ax = plt.subplots()
    for name, part in penguins().groupby(by, observed=True):
        ax.scatter(part[x], part[y], label=name)
    ax.legend()
    ax.set(title="Bills", xlabel="Bill length (mm)", ylabel="Bill depth (mm)")
    return fig


def quartet_figure(order=QUARTET, share=True, points=None):
    data = anscombe()
    fig, axes = plt.subplots(2, 2, sharex=share, sharey=share)
    for ax, name in zip(axes.flat, order, strict=True):
        part = data[data["dataset"] == (points or name)]
        xs, ys = part["x"].to_numpy(), part["y"].to_numpy()
        slope, intercept = np.polyfit(xs, ys, 1)
        ends = np.array([xs.min(), xs.max()])
        ax.scatter(xs, ys)
        ax.plot(ends, intercept + slope * ends)
        ax.set(title=name, xlabel="x", ylabel="y")
    return fig


RIGHT_FIGURES = {
    "04.1": hist_figure,
    "04.2": bar_figure,
    "04.3": stocks_figure,
    "04.4": bills_figure,
    "04.8": quartet_figure,
}
WRONG_FIGURES = {
    "04.1": [lambda: hist_figure(bins=10), lambda: hist_figure(labels=False)],
    "04.2": [lambda: bar_figure(order=sorted(DAYS)), lambda: bar_figure(scale=1.0)],
    "04.3": [lambda: stocks_figure(log=False)],
    "04.4": [lambda: bills_figure(by="island"), lambda: bills_figure(x="bill_depth_mm")],
    "04.8": [lambda: quartet_figure(share=False), lambda: quartet_figure(points="I")],
}


def collected(problem_id: str, fig) -> dict:
    """What the problem's real extract collects from a figure (which is closed afterwards)."""
    answer = PROBLEMS[problem_id].collect({VARIABLE[problem_id]: fig})
    plt.close(fig)
    assert answer.missing is None and answer.error is None, answer
    return answer.values["data"]


def judge(problem_id: str, data):
    return PROBLEMS[problem_id].evaluate(Answer({"data": data}))


#: For tests/test_forged_extracts.py: problem id -> the data the real extract collects.
RIGHT_04 = {pid: (lambda pid=pid: collected(pid, RIGHT_FIGURES[pid]())) for pid in FIGURES}
#: For tests/test_forged_extracts.py: problem id -> data collected from plausible wrong work.
WRONG_04 = {
    pid: (lambda pid=pid: [collected(pid, make()) for make in WRONG_FIGURES[pid]])
    for pid in FIGURES
}
