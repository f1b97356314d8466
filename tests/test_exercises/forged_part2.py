"""Part 2's custom judges (modules 06, 08, 09, 10): the data the real extracts collect from
right work and from plausible wrong work, merged into ``test_forged_extracts.py``'s ``RIGHT``
and ``WRONG`` so its forged-data battery runs over them as over every other custom judge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


# --------------------------------------------------------------------------------------
# Module 06: the split (06.1) and the final model (06.8).
# --------------------------------------------------------------------------------------


def _cars_split(X: Any) -> dict[str, Any]:
    from sklearn.model_selection import train_test_split

    from mlcourse.exercises.m06 import _cars

    cars = _cars()
    parts = train_test_split(X, cars["Miles_per_Gallon"], test_size=0.2, random_state=42)
    return dict(zip(["X_train", "X_test", "y_train", "y_test"], parts, strict=True))


def _cars_X() -> Any:
    from mlcourse.exercises.m06 import FEATURES, _cars

    return _cars()[list(FEATURES)]


def _log_linear() -> Any:
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.linear_model import LinearRegression

    return TransformedTargetRegressor(
        regressor=LinearRegression(), func=np.log, inverse_func=np.exp
    )


def _final_06(model: Any, fit_on_all: bool = False) -> dict[str, Any]:
    from mlcourse.exercises.m06 import FEATURES, _cars, _split

    d = _split()
    if fit_on_all:
        cars = _cars()
        model.fit(cars[list(FEATURES)], cars["Miles_per_Gallon"])
    else:
        model.fit(d["X_train"], d["y_train"])
    errors = model.predict(d["X_test"]) - d["y_test"].to_numpy()
    return {
        "final_model": model,
        "test_rmse": float(np.sqrt(np.mean(errors**2))),
        "test_mae": float(np.mean(np.abs(errors))),
    }


def _right_06_8() -> Any:
    return _collected("06.8", **_final_06(_log_linear()))


def _wrong_06_8() -> list[Any]:
    from sklearn.linear_model import LinearRegression

    return [
        _collected("06.8", **_final_06(LinearRegression())),
        _collected("06.8", **_final_06(_log_linear(), fit_on_all=True)),  # test cars seen
    ]


def _wrong_06_1() -> list[Any]:
    X = _cars_X()
    return [
        _collected("06.1", **_cars_split((X - X.mean()) / X.std())),  # scaled on every car
        _collected("06.1", **_cars_split(X * 0)),
    ]


# --------------------------------------------------------------------------------------
# Module 08: the forest (08.4), the learning rate (08.5) and the early-stopped booster (08.6).
# --------------------------------------------------------------------------------------


def _pruning_answer(cv: Any = "notebook", smallest: bool = False) -> Any:
    """08.2: the CV accuracy of every alpha on the pruning path, and the largest best alpha."""
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    from mlcourse.exercises.m08 import _cv, _wine

    X, y = _wine()["X_train"], _wine()["y_train"]
    path = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y)
    splitter = _cv() if cv == "notebook" else cv
    acc = np.array(
        [
            cross_val_score(
                DecisionTreeClassifier(ccp_alpha=alpha, random_state=0), X, y, cv=splitter
            ).mean()
            for alpha in path.ccp_alphas
        ]
    )
    tied = path.ccp_alphas[np.flatnonzero(acc == acc.max())]
    best = float(tied.min() if smallest else tied.max())
    return _collected("08.2", alpha_acc=acc, best_alpha=best)


def _wine_forest(rows: str = "train", **params: Any) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    from mlcourse.exercises.m08 import _wine

    d = _wine()
    forest = RandomForestClassifier(**{"n_estimators": 100, "random_state": 0, **params})
    return forest.fit(d[f"X_{rows}"], d[f"y_{rows}"])


def _rates_answer(chosen_lr: float, reverse: bool = False) -> Any:
    from mlcourse.keys.m08 import _val_scores

    val_ap = [float(v) for v in _val_scores()]
    return _collected("08.5", val_ap=val_ap[::-1] if reverse else val_ap, chosen_lr=chosen_lr)


def _lgbm_booster(watch: str = "val", early_stopping: bool = True, **params: Any) -> Any:
    import lightgbm as lgb

    from mlcourse.exercises.m08 import LGBM, LGBM_PATIENCE, _transactions

    d = _transactions()
    model = lgb.LGBMClassifier(**{**LGBM, **params}, random_state=0, n_jobs=1, verbose=-1)
    if not early_stopping:
        return model.fit(d["X_fit"], d["y_fit"])
    return model.fit(
        d["X_fit"],
        d["y_fit"],
        eval_X=d[f"X_{watch}"],
        eval_y=d[f"y_{watch}"],
        callbacks=[lgb.early_stopping(LGBM_PATIENCE, verbose=False)],
    )


# --------------------------------------------------------------------------------------
# Module 09: the chosen RBF SVM, fitted on the training digits (09.8).
# --------------------------------------------------------------------------------------


def _svm_answer(C: float, gamma: float, rows: str = "train") -> Any:
    """An RBF SVM fitted on the training digits, the test digits, the training digits in
    another order ("shuffled"), or the training digits with ten test digits in ("mixed")."""
    from sklearn.svm import SVC
    from sklearn.utils import shuffle

    from mlcourse.exercises.m09 import _digits

    d = _digits()
    if rows == "shuffled":
        X, y = shuffle(d["X_train"], d["y_train"], random_state=3)
    elif rows == "mixed":
        X = np.vstack([d["X_train"][:-10], d["X_test"][:10]])
        y = np.concatenate([d["y_train"][:-10], d["y_test"][:10]])
    else:
        X, y = d[f"X_{rows}"], d[f"y_{rows}"]
    svm = SVC(C=C, gamma=gamma).fit(X, y)
    accuracy = float(svm.score(d["X_test"], d["y_test"]))
    return _collected("09.8", svm_clf=svm, test_accuracy=accuracy)


# --------------------------------------------------------------------------------------
# Module 10: the number of principal components chosen by the one-standard-error rule.
# --------------------------------------------------------------------------------------


def _pca_answer(n: int, on_test: bool = False, nudged: int | None = None) -> dict[str, Any]:
    """10.5's namespace; ``nudged`` adds 0.0039 to every fold accuracy of that n."""
    from mlcourse.exercises.m10 import _digits_split
    from mlcourse.keys.m10 import _cv_scores, _pca_pipeline

    d = _digits_split()
    rows = "test" if on_test else "train"
    scores = {k: np.asarray(v) + (0.0039 if k == nudged else 0.0) for k, v in _cv_scores().items()}
    return {
        "cv_scores": scores,
        "best_n": n,
        "pca_clf": _pca_pipeline(n).fit(d[f"X_{rows}"], d[f"y_{rows}"]),
    }


def _right_10_5() -> Any:
    from mlcourse.keys.m10 import _best_n

    return _collected("10.5", **_pca_answer(_best_n()))


def _wrong_10_5() -> list[Any]:
    from mlcourse.keys.m10 import _best_n

    return [
        _collected("10.5", **_pca_answer(40)),  # the highest mean, no standard error
        _collected("10.5", **_pca_answer(64)),  # no reduction at all
        _collected("10.5", **_pca_answer(_best_n(), on_test=True)),  # fitted on the test digits
        _collected("10.5", **_pca_answer(20, nudged=20)),  # 20's folds raised to pass the rule
    ]


RIGHT_P2: dict[str, Callable[[], Any]] = {
    "06.1": lambda: _collected("06.1", **_cars_split(_cars_X())),
    "06.8": _right_06_8,
    "08.2": _pruning_answer,
    "08.4": lambda: _collected("08.4", forest=_wine_forest()),
    "08.5": lambda: _rates_answer(0.1),
    "08.6": lambda: _collected("08.6", booster=_lgbm_booster()),
    "09.8": lambda: _svm_answer(10.0, 0.001),
    "10.5": _right_10_5,
}

WRONG_P2: dict[str, Callable[[], list[Any]]] = {
    "06.1": _wrong_06_1,
    "06.8": _wrong_06_8,
    "08.2": lambda: [
        _pruning_answer(cv=5),  # unshuffled folds, not the notebook's splitter
        _pruning_answer(smallest=True),  # the smallest of the tied alphas
    ],
    "08.4": lambda: [
        _collected("08.4", forest=_wine_forest(rows="test")),  # fitted on the test wines
        _collected("08.4", forest=_wine_forest(n_estimators=10)),
        _collected("08.4", forest=_wine_forest(max_features=None)),  # bagged trees, no forest
    ],
    "08.5": lambda: [_rates_answer(0.3), _rates_answer(0.1, reverse=True)],
    "08.6": lambda: [
        _collected("08.6", booster=_lgbm_booster(watch="test")),  # stopped on the test set
        _collected("08.6", booster=_lgbm_booster(early_stopping=False, n_estimators=73)),
    ],
    "09.8": lambda: [
        _svm_answer(10.0, 0.001, rows="test"),  # fitted on the test digits
        _svm_answer(1.0, 0.003),  # another pair than the one chosen
        _svm_answer(10.0, 0.001, rows="mixed"),  # ten test digits among the training rows
    ],
    "10.5": _wrong_10_5,
}

HARMLESS_P2: dict[str, list[tuple[str, set[str] | None, str]]] = {}
