"""Module 19's custom judges (19.5 search_runs, 19.6 signature, 19.7 champion, 19.8 challenger):
the data their extracts collect from right work and from plausible wrong work, merged into
``test_forged_extracts.py``'s ``RIGHT``, ``WRONG`` and ``HARMLESS``.

The extracts read a tracking store and a model registry; the data here is what they collect,
built from the key's refits (the probabilities of the test wines) and made-up run ids, so
that no store is needed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from mlcourse.tracking import learner_slug

LEARNER = "ada.lovelace"
NAME = f"wine-classifier-{learner_slug(LEARNER)}"  # what model_name gives this learner


def _proba(C: float, on_test: bool = False) -> list[list[float]]:
    from mlcourse.exercises.m19 import _data
    from mlcourse.keys.m19 import _proba as key_proba
    from mlcourse.keys.m19 import make_model

    if not on_test:
        return [list(row) for row in key_proba(C)]
    d = _data()
    model = make_model(C).fit(d["X_test"], d["y_test"])
    return [[float(p) for p in row] for row in model.predict_proba(d["X_test"])]


def _store() -> dict[str, Any]:
    from mlcourse.exercises.m19 import C_GRID
    from mlcourse.keys.m19 import _cv_log_loss

    rows = sorted((_cv_log_loss(C), f"{i:032x}", str(C)) for i, C in enumerate(C_GRID, 1))
    return {"ids": [r[1] for r in rows], "C": [r[2] for r in rows], "cv": [r[0] for r in rows]}


def _ranked() -> dict[str, Any]:
    store = _store()
    return {"ids": list(store["ids"]), "cv": list(store["cv"]), "store": store}


def _signed(columns_type: str = "double", C: float = 1.0, on_test: bool = False) -> dict:
    from mlcourse.exercises.m19 import features

    return {
        "columns": [[name, columns_type] for name in features()],
        "has_output": True,
        "input_example": True,
        "missing_column": "MlflowException",
        "text_column": "MlflowException",
        "proba": _proba(C, on_test),
        "run": {"exercise": "19.1", "C": "1.0"},
    }


def _model(version: str, C: float, on_test: bool = False) -> dict[str, Any]:
    return {
        "found": True,
        "version": version,
        "C": str(C),
        "signature": True,
        "proba": _proba(C, on_test),
    }


def _versions(*Cs: float) -> list[dict[str, Any]]:
    """The registry's versions 1, 2, ... whose runs logged these C."""
    return [{"version": str(i), "C": str(C)} for i, C in enumerate(Cs, 1)]


def _differences(C_challenger: float, C_champion: float = 1.0) -> list[float]:
    from mlcourse.keys.m19 import _cv_fold_losses

    new, old = _cv_fold_losses(C_challenger), _cv_fold_losses(C_champion)
    return [a - b for a, b in zip(new, old, strict=True)]


def _champion() -> dict[str, Any]:
    return {
        "name": NAME,
        "alias": "champion",
        "learner": LEARNER,
        "model": _model("1", 1.0),
        "versions": _versions(1.0),
    }


def _challenger() -> dict[str, Any]:
    return {
        "name": NAME,
        "alias": "challenger",
        "learner": LEARNER,
        "challenger": _model("2", 3.0),
        "champion": _model("2", 3.0),
        "versions": _versions(1.0, 3.0),
        "differences": _differences(3.0),
    }


def _wrong_ranked() -> list[Any]:
    right = _ranked()
    reversed_ = {**right, "ids": right["ids"][::-1], "cv": right["cv"][::-1]}
    extra = {**right, "ids": [*right["ids"], "f" * 32], "cv": [*right["cv"], 0.5]}
    three = copy.deepcopy(right)
    for key in ("ids", "C", "cv"):
        three["store"][key] = three["store"][key][:3]
    three["ids"], three["cv"] = three["ids"][:3], three["cv"][:3]
    return [reversed_, extra, three]


def _wrong_signed() -> list[Any]:
    unsigned = {**_signed(), "columns": None, "missing_column": "", "text_column": ""}
    return [
        unsigned,
        _signed(on_test=True),
        _signed("string"),
        _signed(C=3.0),
        {**_signed(), "run": {"exercise": None, "C": None}},  # an untagged run without C
        {**_signed(), "run": {"exercise": "19.1", "C": "30.0"}},  # its run claims another C
    ]


def _wrong_champion() -> list[Any]:
    right = _champion()
    return [
        {**right, "name": "wine-classifier"},
        {**right, "alias": "latest"},
        {**right, "model": {"found": False}},
        {**right, "model": _model("1", 1.0, on_test=True)},
        {**right, "model": {**_model("1", 1.0), "C": "30.0"}},
        {**right, "model": {**_model("1", 1.0), "signature": False}},
        {**right, "learner": "grace.hopper"},
        # nothing of exercise 1 registered: one C = 3 version holds the alias
        {**right, "model": _model("1", 3.0), "versions": _versions(3.0)},
        # the test set's favourite as champion, beside the baseline
        {**right, "model": _model("2", 30.0), "versions": _versions(1.0, 30.0)},
    ]


def _wrong_challenger() -> list[Any]:
    right = _challenger()
    return [
        {**right, "champion": _model("1", 1.0)},  # not promoted
        {**right, "challenger": _model("2", 30.0), "champion": _model("2", 30.0)},  # test pick
        {**right, "name": "wine-classifier"},
        {**right, "alias": "champion"},
        {**right, "challenger": _model("2", 3.0, on_test=True)},
        {**right, "champion": {"found": False}},
        # no baseline version: the C = 3 model registered and given both aliases
        {
            **right,
            "challenger": _model("1", 3.0),
            "champion": _model("1", 3.0),
            "versions": _versions(3.0),
        },
        # the baseline registered only after the challenger
        {**right, "versions": [{"version": "1", "C": "3.0"}, {"version": "2", "C": "1.0"}]},
        # the test set's favourite kept as champion
        {**right, "champion": _model("3", 30.0), "versions": _versions(1.0, 3.0, 30.0)},
        # a blind promotion: differences made up, or of the test set
        {**right, "differences": [-0.01] * 5},
        {**right, "differences": _differences(3.0, 30.0)},
    ]


RIGHT: dict[str, Callable[[], Any]] = {
    "19.5": _ranked,
    "19.6": _signed,
    "19.7": _champion,
    "19.8": _challenger,
}
WRONG: dict[str, Callable[[], list[Any]]] = {
    "19.5": _wrong_ranked,
    "19.6": _wrong_signed,
    "19.7": _wrong_champion,
    "19.8": _wrong_challenger,
}
