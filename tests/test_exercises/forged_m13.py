"""Module 13's custom judges (13.8, the learning rate chosen with its validation RMSEs; 13.9,
the final SVD): the data the real extracts collect from right work and from plausible wrong
work, merged into ``test_forged_extracts.py``'s ``RIGHT`` and ``WRONG``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _scores(on: str = "val", fit_on: str = "fit", resorted: bool = False) -> dict[float, float]:
    from mlcourse.exercises.m13 import LR_GRID, _data, _trainset
    from mlcourse.keys.m13 import _rmse, _svd

    d = _data()
    rows = d[fit_on].sort_values(["user_id", "timestamp"]) if resorted else d[fit_on]
    fitted = _trainset(rows)
    return {lr: _rmse(_svd(lr).fit(fitted), d[on]) for lr in LR_GRID}


def _lr_choice(scores: dict[float, float], best: float | None = None) -> Any:
    chosen = min(scores, key=scores.get) if best is None else best
    return _collected("13.8", val_rmse=scores, best_lr=chosen)


def _svd_answer(
    lr: float | None = None, rows: str = "train", resorted: bool = False, **changes: Any
) -> Any:
    import pandas as pd
    from surprise import SVD

    from mlcourse.exercises.m13 import SVD_PARAMS, _data, _trainset
    from mlcourse.keys.m13 import _best_lr

    d = _data()
    frames = {
        "train": d["train"],
        "fit": d["fit"],
        "all": pd.concat([d["train"], d["test"]]),
        "swapped": pd.concat([d["train"].iloc[: len(d["train"]) - 300], d["test"].iloc[:300]]),
    }
    params = {**SVD_PARAMS, **changes}
    frame = frames[rows].sort_values(["user_id", "timestamp"]) if resorted else frames[rows]
    model = SVD(lr_all=_best_lr() if lr is None else lr, **params).fit(_trainset(frame))
    return _collected("13.9", svd_final=model)


def _random_state(seed: int) -> Any:
    import numpy as np

    return np.random.RandomState(seed)


def _wrong_13_8() -> list[Any]:
    right = _scores()
    return [
        _lr_choice(_scores(on="test", fit_on="train")),  # chosen on the test rows
        _lr_choice(_scores(on="val", fit_on="train")),  # validation rows also fitted on
        _lr_choice(right, best=0.1),  # the right scores, a guessed rate
        _lr_choice({lr: round(v, 2) for lr, v in right.items()}),  # rounded scores
        _lr_choice({lr: 0.9 - lr for lr in right}),  # typed-in numbers
        # review W2: fitted on a re-sorted copy of `fit`; the prompt asks for the given
        # `fit_set` (SGD depends on row order) and the message says so
        _lr_choice(_scores(resorted=True)),
    ]


RIGHT: dict[str, Callable[[], Any]] = {
    "13.8": lambda: _lr_choice(_scores()),
    "13.9": lambda: _svd_answer(),
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "13.8": _wrong_13_8,
    "13.9": lambda: [
        _svd_answer(rows="fit"),  # the validation rows left out
        _svd_answer(rows="all"),  # test rows fitted on
        _svd_answer(rows="swapped"),  # as many rows as train, 300 of them test rows
        _svd_answer(lr=0.003),  # another learning rate
        _svd_answer(random_state=1),  # another seed
        _svd_answer(n_factors=8),
        # review W1: the train rows in another order are right, but not with another seed or
        # with test rows swapped in
        _svd_answer(rows="swapped", resorted=True),
        _svd_answer(resorted=True, random_state=1),
        # review W4: a RandomState object is accepted when it equals RandomState(0), not 1
        _svd_answer(random_state=_random_state(1)),
    ],
}

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {}
