"""Module 08 — Trees and ensembles: the declaration of the exercises and the quiz.

The exercises work on the wine data (``mlcourse.datasets.load_wine``), split 70/30 with
stratification and seed 42, with the notebook's splitter (five stratified folds shuffled with
seed 42), and on 20,000 generated card transactions
(``make_transactions(20_000, fraud_rate=0.02, seed=42)``) split in time order: the first 70%
for training (of which the first 75% fit the models and the last 25% validate them) and the
last 30% for the test. The two model exercises (08.4, 08.6) collect the learner's predictions
on the test rows (08.6 also the losses its early stopping recorded and the number of trees it
kept); the key compares them with the same model refitted on the training rows. 08.2 collects
the cross-validated accuracy of every alpha of the pruning path and the chosen alpha, 08.5 three
validation scores and the chosen learning rate. The key is in mlcourse.keys.m08.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Numeric, Value, describe
from mlcourse.exercises import Module
from mlcourse.exercises._sklearn import class_path as _class_path
from mlcourse.exercises._sklearn import fitted as _fitted
from mlcourse.exercises._sklearn import one_thread as _one_thread

_SPLIT_SEED = 42  # random_state of the wine split and of the splitter
_TEST_SIZE = 0.3
_N_FOLDS = 5
DEPTHS = tuple(range(1, 9))  # exercise 1: max_depth 1..8 (exercise 2 prunes by ccp_alpha)
TREE_SEED = 0  # random_state of every tree, forest and booster in the exercises
N_TREES = 100  # exercise 4: the forest's n_estimators
N_REPEATS = 5  # exercise 7: permutation_importance's n_repeats (random_state=0)
NOISE_SEED = 0  # exercise 8: the generator of the noise column
NOISE_SCORING = "neg_log_loss"  # exercise 8: permutation importance as a drop in log loss
TX_ROWS, TX_FRAUD_RATE, TX_SEED = 20_000, 0.02, 42
TX_TRAIN_SHARE, TX_FIT_SHARE = 0.7, 0.75
TX_FEATURES = (
    "amount",
    "hour",
    "distance_from_home_km",
    "n_txn_last_1h",
    "n_txn_last_24h",
    "seconds_since_last_txn",
    "amount_ratio_to_customer_mean",
    "merchant_category",
    "channel",
)
LEARNING_RATES = (0.03, 0.1, 0.3)  # exercise 5
HGB_ITER = 100  # exercise 5: max_iter, no early stopping
HGB_L2 = 1.0  # exercise 5: l2_regularization (at 0, the rate 0.3 diverges on this data)
# exercise 6: not the lesson's booster (learning_rate=0.05, num_leaves=15), so that the
# lesson's cell is not the answer
LGBM = {"n_estimators": 500, "learning_rate": 0.1, "num_leaves": 7}
LGBM_PATIENCE = 30  # exercise 6: early stopping after 30 rounds without improvement


# --------------------------------------------------------------------------------------
# Data, as the notebook prepares it.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _wine() -> dict[str, Any]:
    """The wine split of the notebook: stratified 70/30, seed 42."""
    from sklearn.model_selection import train_test_split

    from mlcourse.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=_TEST_SIZE, stratify=y, random_state=_SPLIT_SEED
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


def _cv():
    """The notebook's splitter: stratified 5-fold, shuffled with seed 42."""
    from sklearn.model_selection import StratifiedKFold

    return StratifiedKFold(n_splits=_N_FOLDS, shuffle=True, random_state=_SPLIT_SEED)


@lru_cache(maxsize=1)
def _noisy_wine() -> dict[str, Any]:
    """Exercise 8: the wine split with a column of pure noise added (train, then test draws)."""
    d = _wine()
    rng = np.random.default_rng(NOISE_SEED)
    X_train = d["X_train"].assign(noise=rng.normal(size=len(d["X_train"])))
    X_test = d["X_test"].assign(noise=rng.normal(size=len(d["X_test"])))
    return {**d, "X_train": X_train, "X_test": X_test}


@lru_cache(maxsize=1)
def _transactions() -> dict[str, Any]:
    """The transactions of the notebook, split in time order into fit, validation and test."""
    from mlcourse.datasets import make_transactions

    tx = make_transactions(TX_ROWS, fraud_rate=TX_FRAUD_RATE, seed=TX_SEED)
    cut = int(len(tx) * TX_TRAIN_SHARE)
    train, test = tx.iloc[:cut], tx.iloc[cut:]
    fit_cut = int(len(train) * TX_FIT_SHARE)
    fit, val = train.iloc[:fit_cut], train.iloc[fit_cut:]
    cols = list(TX_FEATURES)
    return {
        "X_fit": fit[cols],
        "y_fit": fit["is_fraud"],
        "X_val": val[cols],
        "y_val": val["is_fraud"],
        "X_train": train[cols],
        "y_train": train["is_fraud"],
        "X_test": test[cols],
        "y_test": test["is_fraud"],
    }


# --------------------------------------------------------------------------------------
# Exercise 3: test cases of gini.
# --------------------------------------------------------------------------------------


def _gini_cases() -> list[Case]:
    return [
        Case([0, 0, 1, 1], call="gini([0, 0, 1, 1])"),
        Case(np.array([2, 2, 2, 0, 1, 1]), call="gini(np.array([2, 2, 2, 0, 1, 1]))"),
    ]


def _gini_hidden() -> list[Case]:
    import pandas as pd

    rng = np.random.default_rng(8)
    y = pd.Series(rng.integers(0, 3, size=50), index=rng.permutation(50) + 100)
    return [
        Case([], label="an empty list of labels"),
        Case([5, 5, 5], label="a single class"),
        Case(["red", "white", "red", "rose"], label="text labels"),
        Case(y, label="a pandas Series with a shuffled index"),
        Case(_wine()["y_train"], label="the wine training labels (3 cultivars)"),
        Case(np.array([1.0, 0.0, 0.0, 0.0, 0.0]), label="a float array with an unequal split"),
        Case(list(range(10)), label="ten labels, all different"),
    ]


# --------------------------------------------------------------------------------------
# Exercises 4 and 6: what the learner's fitted models are and predict (learner's process).
# --------------------------------------------------------------------------------------


# settings that do not change a fitted forest's trees (oob_score only adds oob_score_)
_FREE_PARAMS = ("n_jobs", "oob_score", "verbose", "warm_start")
BOOSTER_PARAMS = ("n_estimators", "learning_rate", "num_leaves", "random_state")


def _forest_param_names() -> tuple[str, ...]:
    """The RandomForestClassifier settings the check reads: all but the free ones."""
    from sklearn.ensemble import RandomForestClassifier

    names = RandomForestClassifier().get_params(deep=False)
    return tuple(sorted(k for k in names if k not in _FREE_PARAMS))


def _plain_params(model: Any, names: tuple[str, ...]) -> dict[str, str]:
    """The named parameters of the estimator as repr strings (plain data).

    NumPy scalars are read as the Python numbers they equal: ``random_state=np.int64(0)`` is
    ``random_state=0``.
    """
    params = model.get_params(deep=False)
    out = {}
    for name in names:
        value = params.get(name, "<missing>")
        if isinstance(value, np.generic):
            value = value.item()
        out[name] = repr(value)[:200]
    return out


def _proba(model: Any, X: Any) -> list[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [float(p) for p in np.asarray(model.predict_proba(X), dtype=float).ravel()]


def _extract_forest(values: dict[str, Any]) -> dict[str, Any]:
    """The forest's class, parameters and probabilities for the wine test set."""
    model = _fitted(values["forest"], "forest", "RandomForestClassifier")
    d = _wine()
    return {
        "estimator": _class_path(model),
        "params": _plain_params(model, _forest_param_names()),
        "classes": [str(c) for c in getattr(model, "classes_", [])],
        "proba": _proba(model, d["X_test"].copy()),
    }


def _eval_curves(model: Any) -> dict[str, list[float]]:
    """The validation log loss recorded at every round, per watched set (at most 5 sets)."""
    recorded = getattr(model, "evals_result_", None)
    if not isinstance(recorded, dict):
        return {}
    curves = {}
    for name, metrics in list(recorded.items())[:5]:
        losses = metrics.get("binary_logloss") if isinstance(metrics, dict) else None
        if losses is not None:
            curves[str(name)[:50]] = [float(v) for v in list(losses)[:1000]]
    return curves


def _n_trees(model: Any) -> int | None:
    """The number of boosting rounds the fitted LightGBM model holds (None for other models)."""
    try:
        rounds = model.booster_.current_iteration()
    except Exception:
        return None
    return int(rounds) if isinstance(rounds, (int, np.integer)) else None


def _extract_booster(values: dict[str, Any]) -> dict[str, Any]:
    """The booster's class, parameters, best round, rounds kept, recorded losses, test probabilities."""
    model = _fitted(values["booster"], "booster", "lightgbm.LGBMClassifier")
    d = _transactions()
    best = getattr(model, "best_iteration_", None)
    with _one_thread():
        proba = _proba(model, d["X_test"].copy())
    return {
        "estimator": _class_path(model),
        "params": _plain_params(model, BOOSTER_PARAMS),
        "best_iteration": int(best) if isinstance(best, (int, np.integer)) else None,
        "n_trees": _n_trees(model),
        "eval_curves": _eval_curves(model),
        "classes": [str(c) for c in getattr(model, "classes_", [])],
        "proba": proba,
    }


def _numbers(value: Any, name: str, what: str) -> list[float]:
    """A 1-D collection of numbers as a list of floats (at most 1,000), or Fail."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Fail(
            f"`{name}` should be a NumPy array of {what}, but it is {describe(value)}."
        ) from None
    if array.ndim != 1 or not 0 < array.size <= 1000:
        raise Fail(f"`{name}` has shape {array.shape}, but it should be a 1-D array of {what}.")
    return [float(v) for v in array]


def _extract_pruning(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 2: the accuracy per alpha of the path and the chosen alpha, as plain numbers."""
    scores = _numbers(
        values["alpha_acc"], "alpha_acc", "accuracies, one per alpha of the pruning path"
    )
    chosen = values["best_alpha"]
    if isinstance(chosen, (bool, np.bool_)) or not isinstance(chosen, (int, float, np.number)):
        raise Fail(
            f"`best_alpha` should be a number, one of the path's alphas, but it is "
            f"{describe(chosen)}."
        )
    return {"alpha_acc": scores, "best_alpha": float(chosen)}


def _extract_rates(values: dict[str, Any]) -> dict[str, Any]:
    """Exercise 5: the three validation scores and the chosen rate, as plain numbers."""
    scores, chosen = values["val_ap"], values["chosen_lr"]
    try:
        array = np.asarray(scores, dtype=float)
    except (TypeError, ValueError):
        raise Fail(
            f"`val_ap` should be a NumPy array of {len(LEARNING_RATES)} numbers, one per "
            f"learning rate, but it is {describe(scores)}."
        ) from None
    if array.shape != (len(LEARNING_RATES),):
        raise Fail(
            f"`val_ap` has shape {array.shape}, but it should hold {len(LEARNING_RATES)} "
            "numbers, one per rate in `learning_rates`, in that order."
        )
    if isinstance(chosen, (bool, np.bool_)) or not isinstance(chosen, (int, float, np.number)):
        raise Fail(
            f"`chosen_lr` should be a number, one of `learning_rates`, but it is "
            f"{describe(chosen)}."
        )
    return {"val_ap": [float(v) for v in array], "chosen_lr": float(chosen)}


_PROBLEMS = (
    Value(
        "08.1",
        var="cv_acc",
        rtol=1e-6,
        title="Cross-validated accuracy of trees of depth 1 to 8",
        points=1,
        hints=[
            "For every depth in `depths`, cross-validate a `DecisionTreeClassifier` on the "
            "training wines only, with the notebook's splitter `cv`.",
            "`cross_val_score(DecisionTreeClassifier(max_depth=d, random_state=0), X_train, "
            "y_train, cv=cv)` gives five accuracies; keep their mean.",
            "`cv_acc = np.array([cross_val_score(DecisionTreeClassifier(max_depth=d, "
            "random_state=0), X_train, y_train, cv=cv).mean() for d in depths])`",
        ],
    ),
    Custom(
        "08.2",
        reads=("alpha_acc", "best_alpha"),
        extract=_extract_pruning,
        title="Cost-complexity pruning chosen by cross-validation",
        points=1,
        hints=[
            "`DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X_train, "
            "y_train).ccp_alphas` lists every alpha at which the fully grown tree loses a "
            "branch. Score each alpha by cross-validation on the training wines, with `cv`.",
            "For each alpha: `cross_val_score(DecisionTreeClassifier(ccp_alpha=a, "
            "random_state=0), X_train, y_train, cv=cv).mean()`, in the order of the path. "
            "Several alphas can tie: `np.argmax` returns the first (the smallest alpha), the "
            "task asks for the largest.",
            "`alpha_acc = np.array([...])`; `best_alpha = float(alphas[np.flatnonzero(alpha_acc "
            "== alpha_acc.max())].max())`",
        ],
    ),
    Function(
        "08.3",
        name="gini",
        cases=_gini_cases,
        hidden=_gini_hidden,
        title="Gini impurity from scratch",
        points=2,
        hints=[
            "Gini impurity is 1 minus the sum of the squared class shares: the chance that two "
            "labels drawn at random (with replacement) differ.",
            "`np.unique(np.asarray(labels), return_counts=True)` counts every class, whatever "
            "the labels are (numbers or text).",
            "Guard the empty case (return 0.0), then `p = counts / counts.sum()` and "
            "`return float(1 - np.sum(p**2))`.",
        ],
    ),
    Custom(
        "08.4",
        reads=("forest",),
        extract=_extract_forest,
        title="A random forest on the wine data",
        points=2,
        hints=[
            "A `RandomForestClassifier` with 100 trees and `random_state=0`, every other "
            "setting left at its default.",
            "Fit it on the training wines, `X_train` and `y_train`: the test set is for one "
            "final measurement.",
            "`forest = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)"
            ".fit(X_train, y_train)`",
        ],
    ),
    Custom(
        "08.5",
        reads=("val_ap", "chosen_lr"),
        extract=_extract_rates,
        title="Choosing a learning rate on a validation period",
        points=2,
        hints=[
            "Fit one `HistGradientBoostingClassifier` per learning rate on `X_fit`, `y_fit` "
            "(the earlier training transactions) and score it on the later `X_val`, `y_val`; "
            "`chosen_lr` is the rate with the best of those scores.",
            "The model: `HistGradientBoostingClassifier(learning_rate=lr, max_iter=100, "
            "early_stopping=False, l2_regularization=1.0, categorical_features='from_dtype', "
            "random_state=0)`. The score: `average_precision_score(y_val, "
            "model.predict_proba(X_val)[:, 1])`.",
            "`val_ap = np.array([...one score per lr in learning_rates...])`, in the order of "
            "`learning_rates`, unrounded; `chosen_lr = learning_rates[int(np.argmax(val_ap))]`.",
        ],
    ),
    Custom(
        "08.6",
        reads=("booster",),
        extract=_extract_booster,
        title="LightGBM with early stopping on the validation period",
        points=3,
        hints=[
            f"`lightgbm.LGBMClassifier(n_estimators={LGBM['n_estimators']}, learning_rate="
            f"{LGBM['learning_rate']}, num_leaves={LGBM['num_leaves']}, random_state=0, "
            "n_jobs=1, verbose=-1)`, fitted on `X_fit`, `y_fit`.",
            "Early stopping watches a set the model does not train on: "
            "`eval_X=X_val, eval_y=y_val` (LightGBM 4.7's names; `eval_set` is deprecated), "
            "never the test set.",
            "`booster.fit(X_fit, y_fit, eval_X=X_val, eval_y=y_val, "
            f"callbacks=[lgb.early_stopping({LGBM_PATIENCE}, verbose=False)])`, and no other "
            "set in `eval_X`.",
        ],
    ),
    Value(
        "08.7",
        var="perm_imp",
        rtol=1e-6,
        atol=1e-9,
        title="Permutation importance on held-out wines",
        points=2,
        hints=[
            "`sklearn.inspection.permutation_importance` shuffles one column at a time and "
            "measures how much the score drops. Use the held-out wines, not the training ones.",
            "`permutation_importance(forest, X_test, y_test, n_repeats=5, random_state=0)` "
            "(the model's own score, accuracy) returns a Bunch; its `importances_mean` holds "
            "one number per column.",
            "`perm_imp = pd.Series(result.importances_mean, index=X_test.columns)`, not sorted.",
        ],
    ),
    Value(
        "08.8",
        var="noise_importance",
        rtol=1e-6,
        atol=1e-9,
        title="The noise column: impurity against permutation importance",
        points=2,
        hints=[
            "Fit a new forest, exactly like `forest` but on `X_train_noise`; then read the "
            "importance of the column `noise` in two ways.",
            "Impurity importance: `noisy_forest.feature_importances_` at the position of "
            "`noise`. Permutation importance: as in exercise 7, on `X_test_noise`, but with "
            "`scoring='neg_log_loss'` (a drop in log loss, which every probability moves).",
            "`noise_importance = {'impurity': float(...), 'permutation': float(...)}`",
        ],
    ),
    Choice(
        "08.kc1",
        var="kc1",
        choices="abcd",
        title="A tree grown without limits",
        hints=["When does a tree stop splitting, if nothing limits its depth?"],
    ),
    Choice(
        "08.kc2",
        var="kc2",
        choices="abcd",
        title="Bagging and boosting",
        hints=["Which of the two averages models trained independently, and which corrects?"],
    ),
    Numeric(
        "08.kc3",
        var="kc3",
        atol=0.0006,  # 0.366 (and 0.3660) accepted; 0.367 (1/e truncated) and 0.368 rejected
        title="Rows left out of a bootstrap sample",
        hints=[
            "In one draw, a given row is missed with probability 1 - 1/n. The draws are "
            "independent.",
            "A row is left out when every one of the n draws misses it.",
        ],
    ),
    Choice(
        "08.kc4",
        var="kc4",
        choices="abcd",
        title="Why impurity importance is biased",
        hints=[
            "Where are the impurity decreases measured, and what can a column with many "
            "distinct values do there?"
        ],
    ),
    Choice(
        "08.kc5",
        var="kc5",
        choices="abcd",
        title="Where early stopping looks",
        hints=["The number of trees is a hyperparameter like any other."],
    ),
)

MODULE = Module("08", "trees_ensembles", "Trees and ensembles", problems=_PROBLEMS)
