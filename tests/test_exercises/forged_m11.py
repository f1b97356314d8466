"""Module 11's custom judges: the data the real extracts collect from right work and from
plausible wrong work, merged into ``test_forged_extracts.py``'s ``RIGHT``, ``WRONG`` and
``HARMLESS``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cache
from typing import Any


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _pipe(C: float = 1.0, rows: str = "train", drop: int = 0):
    from mlcourse.keys.m11 import _penguin_rows, _reference_pipeline

    X, y = _penguin_rows(rows)
    return _reference_pipeline(C).fit(X.iloc[: len(X) - drop], y.iloc[: len(y) - drop])


@cache
def _right_pipe():
    return _pipe()


def _saved(model: Any, reloaded: Any | None = None) -> dict[str, Any]:
    import joblib

    folder = tempfile.mkdtemp(prefix="m11-")
    path = os.path.join(folder, "pipe.joblib")
    joblib.dump(model, path)
    return _collected(
        "11.3",
        model_path=path,
        reloaded=joblib.load(path) if reloaded is None else reloaded,
        penguin_pipe=_right_pipe(),
    )


def _grid(C_grid=None, cv=None, scoring: str = "neg_log_loss", rows: str = "train"):
    from sklearn.model_selection import GridSearchCV

    from mlcourse.exercises.m11 import C_GRID, _cv
    from mlcourse.keys.m11 import _penguin_rows, _reference_pipeline

    X, y = _penguin_rows(rows)
    grid = GridSearchCV(
        _reference_pipeline(),
        {"model__C": list(C_grid or C_GRID)},
        cv=cv if cv is not None else _cv(),
        scoring=scoring,
    )
    return _collected("11.4", grid=grid.fit(X, y))


@cache
def _right_grid():
    return _grid()


def _imbalance(rows: str = "train", samplers: bool = True, test_ap: str = "right"):
    from imblearn.over_sampling import SMOTE
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import GridSearchCV

    from mlcourse.exercises.m11 import _transactions
    from mlcourse.keys.m11 import _cv_t, _tx_pipeline

    t = _transactions()
    grid: dict[str, list] = {"model__class_weight": [None, "balanced"]}
    if samplers:
        grid["sample"] = ["passthrough", RandomUnderSampler(random_state=0), SMOTE(random_state=0)]
    search = GridSearchCV(_tx_pipeline(), grid, cv=_cv_t(), scoring="average_precision")
    search.fit(t[f"X_{rows}"], t[f"y_{rows}"])
    if test_ap == "cv":
        ap = float(search.best_score_)
    else:
        ap = float(average_precision_score(t["y_test"], search.predict_proba(t["X_test"])[:, 1]))
    return _collected("11.7", imb_search=search, tx_test_ap=ap)


@cache
def _right_imbalance():
    return _imbalance()


def _study(
    seed: int = 0,
    n_trials: int = 10,
    final_C: float | None = None,
    shift: float = 0.0,
    made_up: frozenset[int] = frozenset(),
):
    import optuna
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    from mlcourse.exercises.m11 import _cv, _penguins
    from mlcourse.keys.m11 import _reference_pipeline

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    p = _penguins()

    def objective(trial):
        C = trial.suggest_float("C", 1e-3, 1e2, log=True)
        if trial.number in made_up:
            return -1.0
        model = clone(_reference_pipeline()).set_params(model__C=C)
        score = cross_val_score(model, p["X_train"], p["y_train"], cv=_cv(), scoring="neg_log_loss")
        return float(score.mean()) + shift

    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed, n_startup_trials=5)
    )
    study.optimize(objective, n_trials=n_trials)
    C = study.best_params["C"] if final_C is None else final_C
    return _collected("11.8", study=study, optuna_pipe=_pipe(C))


@cache
def _right_study():
    return _study()


RIGHT: dict[str, Callable[[], Any]] = {
    "11.2": lambda: _collected("11.2", penguin_pipe=_right_pipe()),
    "11.3": lambda: _saved(_right_pipe()),
    "11.4": _right_grid,
    "11.7": _right_imbalance,
    "11.8": _right_study,
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "11.2": lambda: [
        _collected("11.2", penguin_pipe=_pipe(rows="test")),  # fitted on the test penguins
        _collected("11.2", penguin_pipe=_pipe(rows="all")),  # fitted on every penguin
        _collected("11.2", penguin_pipe=_pipe(C=10.0)),  # another C
        _collected("11.2", penguin_pipe=_pipe(drop=5)),  # 244 of the 249 training rows
    ],
    "11.3": lambda: [
        _saved(_pipe(C=10.0)),  # another model saved
        _saved(_right_pipe(), reloaded=_pipe(C=10.0)),  # reloaded from somewhere else
    ],
    "11.4": lambda: [
        _grid(rows="all"),  # searched on every penguin
        _grid(scoring="accuracy"),  # another score
        _grid(cv=5),  # unshuffled folds
        _grid(C_grid=(0.1, 1.0, 10.0)),  # part of the grid
    ],
    "11.7": lambda: [
        _imbalance(test_ap="cv"),  # the CV score typed in as the test score
        _imbalance(samplers=False),  # class weights only
    ],
    "11.8": lambda: [
        _study(seed=1),  # another seed
        _study(final_C=1.0),  # the final pipeline not refitted with the best C
        _study(shift=0.05),  # values raised
        _study(made_up=frozenset({1, 2, 3, 4, 6, 7, 8})),  # true values for trials 0, 5, 9 only
    ],
}

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {
    pid: [
        (r"\['steps'\]$", {"reordered", "extended", "first repeated"}, "only membership matters"),
    ]
    for pid in ("11.2",)
}
for _pid, _prefix in (
    ("11.3", r"\['(pipeline|reloaded|from_file)'\]"),
    ("11.4", r"\['final'\]"),
    ("11.8", r"\['final'\]"),
):
    HARMLESS[_pid] = [
        (
            _prefix + r"\['steps'\]$",
            {"reordered", "extended", "first repeated"},
            "only membership matters",
        )
    ]
HARMLESS["11.7"] = [
    (r"\['steps'\]$", {"extended", "first repeated"}, "only the first entry and membership"),
]
for _pid in ("11.4", "11.7"):
    HARMLESS[_pid].append(
        (r"^data\['rows'\]$", {"reordered"}, "each row is judged by its own parameters")
    )
