"""Answer key of module 08 — Trees and ensembles.

Every expected value is computed here from the data, split exactly as in the exercises notebook
(see the declaration, mlcourse.exercises.m08). The two fitted models are judged by their
settings and by their test probabilities against the same model refitted here on the rows the
task names; refits on the wrong rows give targeted messages.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    compare,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises._sklearn import one_thread as _one_thread
from mlcourse.exercises.m08 import (
    BOOSTER_PARAMS,
    DEPTHS,
    HGB_ITER,
    HGB_L2,
    LEARNING_RATES,
    LGBM,
    LGBM_PATIENCE,
    N_REPEATS,
    N_TREES,
    NOISE_SCORING,
    TREE_SEED,
    _cv,
    _forest_param_names,
    _noisy_wine,
    _transactions,
    _wine,
)

_PROBA_ATOL = 1e-6  # a forest refitted with the same seed gives the same probabilities
_BOOST_ATOL = 1e-4  # LightGBM's sums may differ in the last bits with other thread counts


# --------------------------------------------------------------------------------------
# Exercises 1 and 2: trees of growing depth.
# --------------------------------------------------------------------------------------


def _tree(depth):
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(max_depth=depth, random_state=TREE_SEED)


@cache
def _depth_scores(kind: str = "cv") -> np.ndarray:
    """Per depth: the CV accuracy (``cv``), unshuffled 5-fold (``cv5``), train or test accuracy."""
    from sklearn.model_selection import cross_val_score

    d = _wine()
    out = []
    with _one_thread():
        for depth in DEPTHS:
            if kind == "cv":
                out.append(
                    cross_val_score(_tree(depth), d["X_train"], d["y_train"], cv=_cv()).mean()
                )
            elif kind == "cv5":
                out.append(cross_val_score(_tree(depth), d["X_train"], d["y_train"], cv=5).mean())
            else:
                model = _tree(depth).fit(d["X_train"], d["y_train"])
                X, y = (
                    (d["X_train"], d["y_train"]) if kind == "train" else (d["X_test"], d["y_test"])
                )
                out.append(model.score(X, y))
    return np.array(out, dtype=float)


# --------------------------------------------------------------------------------------
# Exercise 2: cost-complexity pruning, alpha chosen by cross-validation.
# --------------------------------------------------------------------------------------

_TIE_ATOL = 1e-12  # fold means that are equal up to rounding count as tied


@cache
def _ccp_alphas(rows: str = "train") -> np.ndarray:
    """The pruning path of the fully grown tree on the training wines (or on all wines)."""
    import pandas as pd

    d = _wine()
    X, y = (d["X_train"], d["y_train"])
    if rows == "all":
        X, y = pd.concat([X, d["X_test"]]), pd.concat([y, d["y_test"]])
    return _tree(None).cost_complexity_pruning_path(X, y).ccp_alphas


@cache
def _alpha_scores(kind: str = "cv", rows: str = "train") -> np.ndarray:
    """Per alpha of the path: CV accuracy (``cv``, or unshuffled ``cv5``), train or test accuracy."""
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    d = _wine()
    out = []
    with _one_thread():
        for alpha in _ccp_alphas(rows):
            tree = DecisionTreeClassifier(ccp_alpha=alpha, random_state=TREE_SEED)
            if kind in ("cv", "cv5"):
                cv = _cv() if kind == "cv" else 5
                out.append(cross_val_score(tree, d["X_train"], d["y_train"], cv=cv).mean())
            else:
                tree.fit(d["X_train"], d["y_train"])
                X, y = (
                    (d["X_train"], d["y_train"]) if kind == "train" else (d["X_test"], d["y_test"])
                )
                out.append(tree.score(X, y))
    return np.array(out, dtype=float)


def _best_alpha(kind: str = "cv", rows: str = "train") -> float:
    """The alpha with the best score; among ties the largest (the simplest tree)."""
    scores, alphas = _alpha_scores(kind, rows), _ccp_alphas(rows)
    tied = alphas[np.flatnonzero(scores >= scores.max() - _TIE_ATOL)]
    return float(tied.max())


# what `alpha_acc` holds when the alphas were scored in another way than the task asks
_ALPHA_MISTAKES = [
    Mistake(
        lambda: _alpha_scores("cv5"),
        "These accuracies come from folds that were not shuffled (`cv=5`); score every alpha "
        "with the notebook's splitter, `cv=cv`.",
    ),
    Mistake(
        lambda: _alpha_scores("test"),
        "These are accuracies on the test set. Choose alpha by cross-validation on the "
        "training wines (`cv=cv`): the test set is kept for the final measurement.",
    ),
    Mistake(
        lambda: _alpha_scores("train"),
        "These are accuracies on the training wines themselves, where the unpruned tree is "
        "always perfect. Score every alpha by cross-validation with `cv=cv`.",
    ),
    Mistake(
        lambda: _alpha_scores(rows="all"),
        "These alphas come from a pruning path computed on all 178 wines, test wines "
        "included. Compute the path on `X_train`, `y_train` only.",
    ),
]


def _judge_pruning(data: dict[str, Any]) -> None:
    require_dict(data, "data", ("alpha_acc", "best_alpha"))
    scores = require_list(data["alpha_acc"], at("data", "alpha_acc"), item=require_float)
    chosen = require_float(data["best_alpha"], at("data", "best_alpha"), finite=True)
    got, expected, alphas = np.array(scores, dtype=float), _alpha_scores(), _ccp_alphas()

    def same(reference: np.ndarray) -> bool:
        return len(reference) == len(got) and bool(
            np.allclose(got, reference, rtol=1e-6, atol=1e-9)
        )

    if not same(expected):
        for mistake in _ALPHA_MISTAKES:
            if same(mistake.value()):
                raise Fail(mistake.message)
        if len(got) != len(alphas):
            raise Fail(
                f"`alpha_acc` has {len(got)} entries, but the pruning path of the tree grown on "
                "the training wines has another number of alphas. Store one accuracy per alpha "
                "of `ccp_alphas`, in the order of the path."
            )
        raise Fail(
            compare(expected, got, "alpha_acc", rtol=1e-6, atol=1e-9)
            or "`alpha_acc` differs from the cross-validated accuracies the task describes."
        )
    if not np.any(np.isclose(chosen, alphas, rtol=1e-9, atol=1e-12)):
        raise Fail(
            f"`best_alpha` is {chosen:.6g}, which is not one of the alphas of the pruning path "
            "(unrounded)."
        )
    if not np.isclose(chosen, _best_alpha(), rtol=1e-9, atol=1e-12):
        raise Fail(
            f"`best_alpha` is {chosen:.6g}, but that is not the alpha the task asks for: among "
            "the alphas whose accuracy in `alpha_acc` is the highest, the largest one."
        )


# --------------------------------------------------------------------------------------
# Exercise 3: Gini impurity.
# --------------------------------------------------------------------------------------


def _gini(labels) -> float:
    values = np.asarray(labels)
    if values.size == 0:
        return 0.0
    _, counts = np.unique(values, return_counts=True)
    p = counts / counts.sum()
    return float(1.0 - np.sum(p**2))


def _entropy(labels) -> float:
    values = np.asarray(labels)
    if values.size == 0:
        return 0.0
    _, counts = np.unique(values, return_counts=True)
    p = counts / counts.sum()
    return float(-np.sum(p * np.log2(p)))


def _purity(labels) -> float:
    values = np.asarray(labels)
    if values.size == 0:
        return 0.0
    _, counts = np.unique(values, return_counts=True)
    p = counts / counts.sum()
    return float(np.sum(p**2))


# --------------------------------------------------------------------------------------
# Exercise 4: the forest.
# --------------------------------------------------------------------------------------


def _forest(random_state: int = TREE_SEED):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=N_TREES, random_state=random_state, n_jobs=1)


@cache
def _forest_proba(rows: str = "train") -> np.ndarray:
    """Test probabilities of the asked forest fitted on ``rows`` (train, test or all)."""
    import pandas as pd

    d = _wine()
    X, y = {
        "train": (d["X_train"], d["y_train"]),
        "test": (d["X_test"], d["y_test"]),
        "all": (pd.concat([d["X_train"], d["X_test"]]), pd.concat([d["y_train"], d["y_test"]])),
    }[rows]
    with _one_thread():
        model = _forest().fit(X, y)
    return model.predict_proba(d["X_test"]).ravel()


def _require_params(value: Any, path: str, keys: tuple[str, ...]) -> dict:
    require_dict(value, path, keys)
    for key, item in value.items():
        require_str(item, at(path, key))
    return value


def _judge_params(params: dict, wanted: dict, name: str, kind: str) -> None:
    """Every parameter as asked (``wanted``: name -> repr), the others at their defaults."""
    for key, expected in wanted.items():
        got = params.get(key)
        if got != expected:
            raise Fail(
                f"`{name}` has `{key}={got}`; the task asks for `{key}={expected}`, the other "
                f"settings of `{kind}` at their defaults."
            )


def _judge_forest(data: dict[str, Any]) -> None:
    from sklearn.ensemble import RandomForestClassifier

    require_dict(data, "data", ("estimator", "params", "classes", "proba"))
    require_str(data["estimator"], at("data", "estimator"))
    params = _require_params(data["params"], at("data", "params"), _forest_param_names())
    require_list(data["classes"], at("data", "classes"), item=require_str)
    require_list(data["proba"], at("data", "proba"), item=require_float)
    path = f"{RandomForestClassifier.__module__}.{RandomForestClassifier.__qualname__}"
    if data["estimator"] != path:
        raise Fail(
            f"`forest` is a `{data['estimator'].rsplit('.', 1)[-1]}`; the task asks for "
            "scikit-learn's `RandomForestClassifier`."
        )
    wanted = {
        k: repr(v)
        for k, v in _forest().get_params(deep=False).items()
        if k in _forest_param_names()
    }
    _judge_params(params, wanted, "forest", "RandomForestClassifier")
    if data["classes"] != ["0", "1", "2"] or len(data["proba"]) != 3 * len(_wine()["y_test"]):
        raise Fail(
            "`forest` should be fitted on `y_train`, the three cultivars 0, 1 and 2, with the "
            f"13 measurements of `X_train`; its classes are {data['classes'][:5]}."
        )
    proba = np.asarray(data["proba"], dtype=float)

    def matches(rows: str) -> bool:
        return bool(np.max(np.abs(proba - _forest_proba(rows))) <= _PROBA_ATOL)

    if matches("train"):
        return
    if matches("test"):
        raise Fail(
            "`forest` was fitted on the test wines. Fit it on `X_train` and `y_train`: a test "
            "set the model has seen measures nothing."
        )
    if matches("all"):
        raise Fail(
            "`forest` was fitted on the training and the test wines together. Fit it on "
            "`X_train` and `y_train` only."
        )
    raise Fail(
        "`forest`'s probabilities for the test wines differ from those of the forest the task "
        "describes fitted on all the training wines (`X_train`, `y_train`). Was it fitted on "
        "a subset, on other columns, or on other labels?"
    )


# --------------------------------------------------------------------------------------
# Exercise 5: the learning rate of HistGradientBoosting, on the validation period.
# --------------------------------------------------------------------------------------


def _hgb(lr: float, l2: float = HGB_L2):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        learning_rate=lr,
        max_iter=HGB_ITER,
        early_stopping=False,
        l2_regularization=l2,
        categorical_features="from_dtype",
        random_state=TREE_SEED,
    )


@cache
def _hgb_models(l2: float = HGB_L2) -> tuple:
    """The three HGB models of exercise 5, fitted on the fit period."""
    d = _transactions()
    with _one_thread():
        return tuple(_hgb(lr, l2).fit(d["X_fit"], d["y_fit"]) for lr in LEARNING_RATES)


@cache
def _val_scores(metric: str = "ap", on: str = "val", l2: float = HGB_L2) -> np.ndarray:
    """Per learning rate: AP (or ROC-AUC) of the HGB fitted on the fit period, on ``on``."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    d = _transactions()
    score = average_precision_score if metric == "ap" else roc_auc_score
    X, y = {
        "val": (d["X_val"], d["y_val"]),
        "test": (d["X_test"], d["y_test"]),
        "fit": (d["X_fit"], d["y_fit"]),
    }[on]
    with _one_thread():
        return np.array(
            [score(y, model.predict_proba(X)[:, 1]) for model in _hgb_models(l2)], dtype=float
        )


_RATE_MISTAKES = [
    Mistake(
        lambda: _val_scores(on="test"),
        "These scores are on the test transactions. Choose the learning rate on the "
        "validation period `X_val`, `y_val`.",
    ),
    Mistake(
        lambda: _val_scores(metric="auc"),
        "These are ROC-AUCs; the task asks for the average precision (`average_precision_score`).",
    ),
    Mistake(
        lambda: _val_scores(on="fit"),
        "These are scores on the rows the models were fitted on. Score `X_val`, `y_val`.",
    ),
]


def _judge_rates(data: dict[str, Any]) -> None:
    require_dict(data, "data", ("val_ap", "chosen_lr"))
    n = len(LEARNING_RATES)
    scores = require_list(data["val_ap"], at("data", "val_ap"), length=n, item=require_float)
    chosen = require_float(data["chosen_lr"], at("data", "chosen_lr"))
    got, expected = np.array(scores, dtype=float), _val_scores()
    problem = compare(expected, got, "val_ap", rtol=1e-6, atol=1e-9)
    if problem is not None:
        for mistake in _RATE_MISTAKES:
            if compare(mistake.value(), got, "val_ap", rtol=1e-6, atol=1e-9) is None:
                raise Fail(mistake.message)
        raise Fail(problem)
    if not any(np.isclose(chosen, lr, rtol=0, atol=1e-12) for lr in LEARNING_RATES):
        raise Fail(f"`chosen_lr` is {chosen:g}, which is not one of `learning_rates`.")
    if not np.isclose(chosen, LEARNING_RATES[int(np.argmax(expected))], rtol=0, atol=1e-12):
        raise Fail(
            f"`chosen_lr` is {chosen:g}, but that rate does not have the highest validation "
            "average precision in `val_ap`. Choose the rate with the best validation score."
        )


# --------------------------------------------------------------------------------------
# Exercise 6: LightGBM with early stopping.
# --------------------------------------------------------------------------------------


def _lgbm():
    import lightgbm as lgb

    return lgb.LGBMClassifier(**LGBM, random_state=TREE_SEED, n_jobs=1, verbose=-1)


@cache
def _booster(watch: str = "val", train: str = "fit") -> tuple[int, np.ndarray, np.ndarray]:
    """The best iteration, test probabilities and watched log loss per round of the booster."""
    import lightgbm as lgb

    d = _transactions()
    X_eval, y_eval = (d["X_val"], d["y_val"]) if watch == "val" else (d["X_test"], d["y_test"])
    X, y = (d["X_fit"], d["y_fit"]) if train == "fit" else (d["X_train"], d["y_train"])
    with _one_thread():
        model = _lgbm().fit(
            X,
            y,
            eval_X=X_eval,
            eval_y=y_eval,
            callbacks=[lgb.early_stopping(LGBM_PATIENCE, verbose=False)],
        )
        proba = model.predict_proba(d["X_test"]).ravel()
    curve = np.array(next(iter(model.evals_result_.values()))["binary_logloss"], dtype=float)
    return int(model.best_iteration_), proba, curve


@cache
def _booster_curves() -> dict[str, np.ndarray]:
    """The log loss at every round of the asked booster grown without early stopping, on the
    validation, test and fit periods (early stopping changes no tree, only where it stops)."""
    d = _transactions()
    names = ("val", "test", "fit")
    with _one_thread():
        model = _lgbm().fit(
            d["X_fit"],
            d["y_fit"],
            eval_X=(d["X_val"], d["X_test"], d["X_fit"].copy()),
            eval_y=(d["y_val"], d["y_test"], d["y_fit"].copy()),
            eval_names=list(names),
        )
    return {n: np.array(model.evals_result_[n]["binary_logloss"], dtype=float) for n in names}


def _starts(curve: np.ndarray, reference: np.ndarray) -> bool:
    """True when ``curve`` is the first ``len(curve)`` rounds of ``reference``."""
    return 0 < len(curve) <= len(reference) and bool(
        np.allclose(curve, reference[: len(curve)], rtol=1e-4, atol=1e-6)
    )


def _curve_kind(curve: list[float], right_curve: np.ndarray) -> str:
    """What a recorded curve is: the asked validation curve (``val``, whole), the test or fit
    period's loss (``test``, ``fit``, first rounds), or ``other``."""
    values, references = np.asarray(curve, dtype=float), _booster_curves()
    if len(values) == len(right_curve) and np.allclose(values, right_curve, rtol=1e-4, atol=1e-6):
        return "val"
    for kind in ("test", "fit"):
        if _starts(values, references[kind]):
            return kind
    return "other"


def _require_curves(value: Any, path: str) -> dict:
    require_dict(value, path)
    for name, curve in value.items():
        require_list(curve, at(path, name), item=require_float)
    return value


def _judge_booster(data: dict[str, Any]) -> None:
    import lightgbm as lgb

    fields = (
        "estimator",
        "params",
        "best_iteration",
        "n_trees",
        "eval_curves",
        "classes",
        "proba",
    )
    require_dict(data, "data", fields)
    require_str(data["estimator"], at("data", "estimator"))
    params = _require_params(data["params"], at("data", "params"), BOOSTER_PARAMS)
    best = require_optional(require_int)(data["best_iteration"], at("data", "best_iteration"))
    n_trees = require_optional(require_int)(data["n_trees"], at("data", "n_trees"))
    curves = _require_curves(data["eval_curves"], at("data", "eval_curves"))
    require_list(data["classes"], at("data", "classes"), item=require_str)
    require_list(data["proba"], at("data", "proba"), item=require_float)
    path = f"{lgb.LGBMClassifier.__module__}.{lgb.LGBMClassifier.__qualname__}"
    if data["estimator"] != path:
        raise Fail(
            f"`booster` is a `{data['estimator'].rsplit('.', 1)[-1]}`; the task asks for "
            "LightGBM's `LGBMClassifier` (`import lightgbm as lgb`)."
        )
    wanted = {k: repr(v) for k, v in {**LGBM, "random_state": TREE_SEED}.items()}
    _judge_params(params, wanted, "booster", "LGBMClassifier")
    if data["classes"] != ["0", "1"] or len(data["proba"]) != 2 * len(_transactions()["y_test"]):
        raise Fail(
            "`booster` should be fitted on `y_fit` (0 legitimate, 1 fraud) with the columns of "
            f"`X_fit`; its classes are {data['classes'][:5]}."
        )
    stop = f"`callbacks=[lgb.early_stopping({LGBM_PATIENCE}, verbose=False)]`"
    if not best:
        raise Fail(
            "`booster` did not stop early: its `best_iteration_` is not set. Pass "
            f"`eval_X=X_val, eval_y=y_val` and {stop} to `fit`."
        )
    if not curves:
        raise Fail(
            "`booster` recorded no validation loss: it did not stop early on a watched set. "
            f"Pass the validation period to `fit` (`eval_X=X_val, eval_y=y_val`) with {stop}."
        )
    right_best, right_proba, right_curve = _booster()
    kinds = [_curve_kind(curve, right_curve) for curve in curves.values()]
    if "test" in kinds:
        raise Fail(
            "Early stopping watched the test transactions: `booster` recorded their log loss, "
            "so the number of trees may have been chosen on the test set, and its score there "
            "would be optimistic. Watch only `X_val`, `y_val`."
        )
    if n_trees != best:
        raise Fail(
            f"`booster` holds {n_trees} boosting rounds, but its best iteration is {best}: after "
            "early stopping LightGBM keeps exactly the rounds up to the best one. Fit it with "
            f"early stopping ({stop}) rather than setting its best iteration afterwards."
        )
    proba = np.asarray(data["proba"], dtype=float)
    if best == right_best and float(np.max(np.abs(proba - right_proba))) <= _BOOST_ATOL:
        if "val" in kinds and set(kinds) <= {"val", "fit"}:
            return
        raise Fail(
            "`booster` predicts like the booster the task describes, but the losses it recorded "
            "are not only the log loss of the validation period at every round, up to "
            f"{LGBM_PATIENCE} rounds after its best one. Early-stop it on `X_val`, `y_val` alone, "
            f"with a patience of {LGBM_PATIENCE}."
        )
    test_best, test_proba, _ = _booster(watch="test")
    if best == test_best and float(np.max(np.abs(proba - test_proba))) <= _BOOST_ATOL:
        raise Fail(
            f"`booster` stopped at round {best}, the round where a booster watching the test "
            "transactions stops, and the loss it recorded is not the validation period's at "
            "every round. Early-stop it on `X_val`, `y_val`: the test set is for one final "
            "measurement."
        )
    leak_best, leak_proba, _ = _booster(train="train")
    if best == leak_best and float(np.max(np.abs(proba - leak_proba))) <= _BOOST_ATOL:
        raise Fail(
            "`booster` was trained on `X_train`, which contains the validation period it "
            "watches: early stopping then measures rows the model has seen. Train on `X_fit`."
        )
    raise Fail(
        f"`booster` stopped at {best} trees and predicts the test transactions differently from "
        "the booster the task describes, trained on `X_fit`, `y_fit` and watching `X_val`, "
        f"`y_val` with a patience of {LGBM_PATIENCE} rounds. Were other rows, columns or "
        "settings used?"
    )


# --------------------------------------------------------------------------------------
# Exercises 7 and 8: importances.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _fitted_forest():
    d = _wine()
    with _one_thread():
        return _forest().fit(d["X_train"], d["y_train"])


@cache
def _perm(on: str = "test", repeats: int = N_REPEATS):
    import pandas as pd
    from sklearn.inspection import permutation_importance

    d = _wine()
    X, y = (d["X_test"], d["y_test"]) if on == "test" else (d["X_train"], d["y_train"])
    with _one_thread():
        result = permutation_importance(
            _fitted_forest(), X, y, n_repeats=repeats, random_state=TREE_SEED
        )
    return pd.Series(result.importances_mean, index=X.columns)


def _impurity():
    import pandas as pd

    d = _wine()
    return pd.Series(_fitted_forest().feature_importances_, index=d["X_test"].columns)


@lru_cache(maxsize=1)
def _noisy_forest():
    d = _noisy_wine()
    with _one_thread():
        return _forest().fit(d["X_train"], d["y_train"])


@cache
def _noise_importance(on: str = "test", scoring: str | None = NOISE_SCORING) -> dict[str, float]:
    from sklearn.inspection import permutation_importance

    d = _noisy_wine()
    model = _noisy_forest()
    with _one_thread():
        X, y = (d["X_test"], d["y_test"]) if on == "test" else (d["X_train"], d["y_train"])
        perm = permutation_importance(
            model, X, y, scoring=scoring, n_repeats=N_REPEATS, random_state=TREE_SEED
        )
    column = list(d["X_train"].columns).index("noise")
    return {
        "impurity": float(model.feature_importances_[column]),
        "permutation": float(perm.importances_mean[column]),
    }


def _bootstrap_out() -> float:
    return (1 - 1 / 100) ** 100


KEY = {
    "08.1": {
        "expected": _depth_scores,
        "mistakes": [
            Mistake(
                lambda: _depth_scores("train"),
                "These are training accuracies: every tree is scored on the wines it was "
                "fitted on. Use `cross_val_score` with `cv=cv`.",
            ),
            Mistake(
                lambda: _depth_scores("cv5"),
                "`cv=5` splits without shuffling; pass the notebook's splitter `cv=cv`.",
            ),
            Mistake(
                lambda: _depth_scores("test"),
                "These are test accuracies. Choosing a depth is a decision: make it with "
                "cross-validation on the training wines, `cv=cv`.",
            ),
        ],
    },
    "08.2": {"judge": _judge_pruning},
    "08.3": {
        "reference": _gini,
        "mistakes": [
            Mistake(_entropy, "That is the entropy (in bits); Gini is 1 - sum of squared shares."),
            Mistake(
                _purity,
                "That is the sum of the squared shares, the chance that two labels agree; Gini "
                "impurity is 1 minus it.",
            ),
        ],
    },
    "08.4": {"judge": _judge_forest},
    "08.5": {"judge": _judge_rates},
    "08.6": {"judge": _judge_booster},
    "08.7": {
        "expected": lambda: _perm(),
        "mistakes": [
            Mistake(
                _impurity,
                "These are the impurity importances `forest.feature_importances_`; the task "
                "asks for permutation importances.",
            ),
            Mistake(
                lambda: _perm(on="train"),
                "These importances are measured on the training wines, which the forest has "
                "memorised. Use the held-out `X_test`, `y_test`.",
            ),
        ],
    },
    "08.8": {
        "expected": _noise_importance,
        "mistakes": [
            Mistake(
                lambda: {
                    "impurity": _noise_importance()["permutation"],
                    "permutation": _noise_importance()["impurity"],
                },
                "The two numbers are swapped: `impurity` comes from `feature_importances_`, "
                "`permutation` from `permutation_importance` on the test wines.",
            ),
            Mistake(
                lambda: _noise_importance(scoring=None),
                "The permutation importance was scored with accuracy, the default; the task asks "
                "for `scoring='neg_log_loss'`, which every probability moves.",
            ),
        ],
    },
    "08.kc1": {
        "answer": "c",
        "explanation": (
            "Without limits a tree splits until every leaf is pure (or holds one sample), so "
            "it fits the training rows perfectly (unless identical rows have different labels), "
            "noise included: low bias, high variance."
        ),
        "feedback": {
            "a": "A tree chooses each split to reduce the impurity of the training rows; nothing "
            "in its fit looks at unseen rows, so its training accuracy is no estimate of its "
            "cross-validated one.",
            "b": "scikit-learn does not prune by default (`max_depth=None`, `ccp_alpha=0.0`): "
            "nothing stops the tree early or cuts it back.",
            "d": "A default tree does not stop at one leaf: it splits as long as a leaf is impure "
            "and can be split. Even a single leaf would score the share of its majority cultivar, "
            "which is 1/3 only if the three are equally common.",
        },
    },
    "08.kc2": {
        "answer": "a",
        "explanation": (
            "Bagging averages deep trees fitted independently on bootstrap samples, which "
            "reduces variance; boosting fits shallow trees one after another, each correcting "
            "the errors of the sum so far, which reduces bias (and can overfit with too many trees)."
        ),
        "feedback": {
            "b": "A random forest's trees do not depend on one another: each is grown on its own "
            "bootstrap sample, so none of them can be fitted to the errors of the others.",
            "c": "Boosting's trees are not independent: each is fitted to what the trees before "
            "it got wrong, so the two methods differ in far more than how the votes are weighted.",
            "d": "Boosting can overfit: each new tree fits more of what is left, noise included, "
            "which is why its number of trees is tuned or early-stopped. A forest's error on new "
            "data levels off as trees are added; it does not grow.",
        },
    },
    "08.kc3": {
        "expected": _bootstrap_out,
        "mistakes": [
            Mistake(
                lambda: 1 - _bootstrap_out(),
                "That is the share of rows that are in the sample; the question asks for the "
                "share left out.",
            ),
            Mistake(
                lambda: 1 / np.e,
                "That is 1/e, the limit for very large n. For n = 100, compute (1 - 1/100)**100.",
            ),
        ],
    },
    "08.kc4": {
        "answer": "d",
        "explanation": (
            "Impurity decreases are measured on the training rows: a column with many distinct "
            "values offers many thresholds, and some of them separate the training rows by "
            "chance, so the trees use it and credit it, even when it is pure noise."
        ),
        "feedback": {
            "a": "scikit-learn does no such scaling: a column's impurity importance is the sum of "
            "the weighted impurity decreases of the splits on it, normalised so that the "
            "importances sum to 1 and averaged over the trees.",
            "b": "Any column can be permuted, and `feature_importances_` does not permute "
            "anything: permutation importance is a separate method "
            "(`sklearn.inspection.permutation_importance`).",
            "c": "A random number or an ID has many distinct values and carries no information "
            "about the target at all, so the number of distinct values is not a measure of "
            "information.",
        },
    },
    "08.kc5": {
        "answer": "b",
        "explanation": (
            "The number of trees is chosen by early stopping: it must watch rows the model does "
            "not train on and that are not the test set, here a later validation period."
        ),
        "feedback": {
            "a": "Choosing the number of trees on the test rows makes the test score an "
            "optimistic estimate: those rows would have helped to build the model they then "
            "report on.",
            "c": "The training loss keeps falling as trees are added, so watching it would never "
            "stop the model, or would stop it only once it fits the noise of the training rows.",
            "d": "The number of trees is a hyperparameter: too many let boosting fit the noise of "
            "the training rows, and choosing it on rows that are also used for reporting makes "
            "the report optimistic.",
        },
    },
}
