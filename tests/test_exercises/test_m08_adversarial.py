"""Module 08: attempts to pass a check without doing the task, and right work written otherwise.

The solutions notebook's self-tests hold the attempts that are quick to run there. These are the
slower or more hostile ones: forests and boosters fitted on the wrong rows or with the wrong
settings (08.4, 08.6), a booster whose best iteration is set by hand or that watched the test
period besides the validation period (08.6), pruning scored with other folds (08.2), boosting
without the asked regularisation (08.5), importances measured on the training rows or with the
wrong score (08.7, 08.8), functions that mutate their input (08.3), and collected data forged to
look like an extract (08.2, 08.4, 08.5, 08.6), which must be refused as malformed, never crash
the checker. Right answers are computed here independently of the key, the way a learner would.
"""

from __future__ import annotations

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.inspection import permutation_importance
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_limits

from mlcourse.checks import Answer
from mlcourse.datasets import load_wine, make_transactions
from mlcourse.exercises import get_module

FEATURES = [
    "amount",
    "hour",
    "distance_from_home_km",
    "n_txn_last_1h",
    "n_txn_last_24h",
    "seconds_since_last_txn",
    "amount_ratio_to_customer_mean",
    "merchant_category",
    "channel",
]


def problem(attribute: str):
    return get_module("08").problem(attribute)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=42
    )
    return {"X_train": X_train, "X_test": X_test, "y_train": y_train, "y_test": y_test}


@pytest.fixture(scope="module")
def tx():
    data = make_transactions(20_000, fraud_rate=0.02, seed=42)
    train, test = data.iloc[:14_000], data.iloc[14_000:]
    fit, val = train.iloc[:10_500], train.iloc[10_500:]
    return {
        "X_fit": fit[FEATURES],
        "y_fit": fit["is_fraud"],
        "X_val": val[FEATURES],
        "y_val": val["is_fraud"],
        "X_train": train[FEATURES],
        "y_train": train["is_fraud"],
        "X_test": test[FEATURES],
        "y_test": test["is_fraud"],
    }


def forest(**changes):
    return RandomForestClassifier(
        **{"n_estimators": 100, "random_state": 0, "n_jobs": 1, **changes}
    )


def test_08_4_judges_the_forest_and_its_rows(wine):
    X, y = wine["X_train"], wine["y_train"]

    def check(model):
        return problem("q4").check({"forest": model})

    assert check(forest().fit(X, y)).correct
    assert check(forest(n_jobs=2, verbose=0).fit(X, y)).correct
    # settings that build the same trees (review of module 08): the lesson's oob_score=True,
    # warm_start=True, and a NumPy integer seed
    assert check(forest(oob_score=True).fit(X, y)).correct
    assert check(forest(warm_start=True).fit(X, y)).correct
    assert check(forest(random_state=np.int64(0)).fit(X, y)).correct
    assert check(forest().fit(X.to_numpy(), y.to_numpy())).correct  # arrays: same trees
    assert "test wines" in check(forest().fit(wine["X_test"], wine["y_test"])).message
    both = forest().fit(pd.concat([X, wine["X_test"]]), pd.concat([y, wine["y_test"]]))
    assert "together" in check(both).message
    for wrong in (
        DecisionTreeClassifier(random_state=0).fit(X, y),  # one tree
        forest(),  # not fitted
        forest(max_depth=3).fit(X, y),
        forest(random_state=1).fit(X, y),
        forest(n_estimators=99).fit(X, y),
        forest().fit(X.iloc[:, :12], y),  # a column left out
        forest().fit(X, y.sample(frac=1, random_state=0).to_numpy()),  # shuffled labels
        "RandomForestClassifier(n_estimators=100, random_state=0)",
    ):
        outcome = check(wrong)
        assert outcome.status == "incorrect", (wrong, outcome)


def test_08_4_and_08_6_refuse_forged_extracts():
    for attribute, fields in (
        ("q2", ("alpha_acc", "best_alpha")),
        ("q4", ("estimator", "params", "classes", "proba")),
        ("q5", ("val_ap", "chosen_lr")),
        (
            "q6",
            ("estimator", "params", "best_iteration", "n_trees", "eval_curves", "classes", "proba"),
        ),
    ):
        custom = problem(attribute)
        for forged in (
            None,
            {},
            {name: "x" for name in fields},
            {name: [] for name in fields},
            {**{name: [] for name in fields}, "params": {"n_estimators": "100"}},
            {name: 0.1 for name in fields},
        ):
            outcome = custom.evaluate(Answer({"data": forged}))
            assert outcome.status == "incorrect", (attribute, forged, outcome)


def booster(**changes):
    params = {
        "n_estimators": 500,
        "learning_rate": 0.1,
        "num_leaves": 7,
        "random_state": 0,
        "n_jobs": 1,
        "verbose": -1,
    }
    return lgb.LGBMClassifier(**{**params, **changes})


def stop():
    return [lgb.early_stopping(30, verbose=False)]


def test_08_6_judges_where_early_stopping_looked(tx):
    def check(model):
        return problem("q6").check({"booster": model})

    right = booster().fit(
        tx["X_fit"], tx["y_fit"], eval_X=tx["X_val"], eval_y=tx["y_val"], callbacks=stop()
    )
    assert check(right).correct
    peeking = booster().fit(
        tx["X_fit"], tx["y_fit"], eval_X=tx["X_test"], eval_y=tx["y_test"], callbacks=stop()
    )
    assert "test" in check(peeking).message
    leaking = booster().fit(
        tx["X_train"], tx["y_train"], eval_X=tx["X_val"], eval_y=tx["y_val"], callbacks=stop()
    )
    assert "X_fit" in check(leaking).message
    no_stopping = booster().fit(tx["X_fit"], tx["y_fit"])
    assert "early" in check(no_stopping).message
    for wrong in (
        booster(learning_rate=0.05).fit(
            tx["X_fit"], tx["y_fit"], eval_X=tx["X_val"], eval_y=tx["y_val"], callbacks=stop()
        ),
        booster().fit(  # a column left out
            tx["X_fit"].drop(columns="amount"),
            tx["y_fit"],
            eval_X=tx["X_val"].drop(columns="amount"),
            eval_y=tx["y_val"],
            callbacks=stop(),
        ),
        HistGradientBoostingClassifier(categorical_features="from_dtype").fit(
            tx["X_fit"], tx["y_fit"]
        ),
        GradientBoostingClassifier(n_estimators=5).fit(
            tx["X_fit"].select_dtypes("number"), tx["y_fit"]
        ),
        booster(),  # not fitted
    ):
        outcome = check(wrong)
        assert outcome.status == "incorrect", (wrong, outcome)


def right_booster(tx):
    return booster().fit(
        tx["X_fit"], tx["y_fit"], eval_X=tx["X_val"], eval_y=tx["y_val"], callbacks=stop()
    )


def test_08_6_rejects_a_best_iteration_set_by_hand(tx):
    """Review of module 08, row 3: a booster of as many trees as the right stopping round, fitted
    without early stopping, its best iteration then set by hand, predicts like the right one but
    never watched the validation period."""
    best = right_booster(tx).best_iteration_
    forged = booster(n_estimators=best).fit(tx["X_fit"], tx["y_fit"])
    forged.set_params(n_estimators=500)
    forged._best_iteration = best
    outcome = problem("q6").check({"booster": forged})
    assert outcome.status == "incorrect" and "validation" in outcome.message
    # the same, but the set it recorded is the test period's
    watched_test = booster(n_estimators=best).fit(
        tx["X_fit"], tx["y_fit"], eval_X=tx["X_test"], eval_y=tx["y_test"]
    )
    watched_test.set_params(n_estimators=500)
    watched_test._best_iteration = best
    assert problem("q6").check({"booster": watched_test}).status == "incorrect"


def hgb(lr, **changes):
    params = {
        "learning_rate": lr,
        "max_iter": 100,
        "early_stopping": False,
        "l2_regularization": 1.0,
        "categorical_features": "from_dtype",
        "random_state": 0,
    }
    return HistGradientBoostingClassifier(**{**params, **changes})


def test_08_5_judges_scores_and_choice(tx):
    from sklearn.metrics import average_precision_score

    rates = [0.03, 0.1, 0.3]

    def scores(**changes):
        models = [hgb(lr, **changes).fit(tx["X_fit"], tx["y_fit"]) for lr in rates]
        return [
            average_precision_score(tx["y_val"], m.predict_proba(tx["X_val"])[:, 1]) for m in models
        ]

    right = scores()
    chosen = rates[int(np.argmax(right))]
    assert problem("q5").check({"val_ap": np.array(right), "chosen_lr": chosen}).correct
    assert problem("q5").check({"val_ap": tuple(right), "chosen_lr": np.float64(chosen)}).correct
    # without the asked l2_regularization (the default 0, where 0.3 diverges)
    unregularised = scores(l2_regularization=0.0)
    outcome = problem("q5").check(
        {"val_ap": np.array(unregularised), "chosen_lr": rates[int(np.argmax(unregularised))]}
    )
    assert outcome.status == "incorrect"
    for wrong in (0.3 if chosen != 0.3 else 0.1, 0.2, "0.1", None, True):
        outcome = problem("q5").check({"val_ap": np.array(right), "chosen_lr": wrong})
        assert outcome.status in ("incorrect", "not_attempted"), (wrong, outcome)
        assert not outcome.correct


def test_08_8_rejects_accuracy_and_training_rows(wine):
    rng = np.random.default_rng(0)
    X_train = wine["X_train"].assign(noise=rng.normal(size=len(wine["X_train"])))
    X_test = wine["X_test"].assign(noise=rng.normal(size=len(wine["X_test"])))
    model = forest().fit(X_train, wine["y_train"])
    impurity = float(model.feature_importances_[-1])

    def answer(X, y, scoring):
        perm = permutation_importance(model, X, y, scoring=scoring, n_repeats=5, random_state=0)
        return {"impurity": impurity, "permutation": float(perm.importances_mean[-1])}

    right = answer(X_test, wine["y_test"], "neg_log_loss")
    assert problem("q8").check({"noise_importance": right}).correct
    by_accuracy = answer(X_test, wine["y_test"], None)
    outcome = problem("q8").check({"noise_importance": by_accuracy})
    assert outcome.status == "incorrect" and "neg_log_loss" in outcome.message
    on_train = answer(X_train, wine["y_train"], "neg_log_loss")
    assert problem("q8").check({"noise_importance": on_train}).status == "incorrect"


def test_08_7_rejects_importances_on_training_rows(wine):
    model = forest().fit(wine["X_train"], wine["y_train"])
    on_train = permutation_importance(
        model, wine["X_train"], wine["y_train"], n_repeats=5, random_state=0
    )
    outcome = problem("q7").check(
        {"perm_imp": pd.Series(on_train.importances_mean, index=wine["X_train"].columns)}
    )
    assert outcome.status == "incorrect" and "training" in outcome.message
    right = permutation_importance(
        model, wine["X_test"], wine["y_test"], n_repeats=5, random_state=0
    )
    series = pd.Series(right.importances_mean, index=wine["X_test"].columns)
    assert problem("q7").check({"perm_imp": series}).correct
    # the right numbers with another seed or more repeats are not the asked computation
    other = permutation_importance(
        model, wine["X_test"], wine["y_test"], n_repeats=5, random_state=1
    )
    other_series = pd.Series(other.importances_mean, index=wine["X_test"].columns)
    if not np.allclose(other_series, series):
        assert problem("q7").check({"perm_imp": other_series}).status == "incorrect"


def test_08_3_rejects_mutation_and_accepts_other_ways():
    def gini_sorting_array(labels):
        if isinstance(labels, np.ndarray):
            labels.sort()
        values = np.asarray(labels)
        if values.size == 0:
            return 0.0
        _, counts = np.unique(values, return_counts=True)
        return float(1 - np.sum((counts / counts.sum()) ** 2))

    def gini_pandas(labels):
        shares = pd.Series(list(labels), dtype=object).value_counts(normalize=True)
        return float(1 - (shares**2).sum()) if len(shares) else 0.0

    assert problem("q3").check({"gini": gini_sorting_array}).status == "incorrect"
    assert problem("q3").check({"gini": gini_pandas}).correct


def test_08_1_rejects_unshuffled_folds_and_test_accuracies(wine):
    from sklearn.model_selection import cross_val_score

    X, y = wine["X_train"], wine["y_train"]
    depths = range(1, 9)

    def tree(d):
        return DecisionTreeClassifier(max_depth=d, random_state=0)

    unshuffled = np.array([cross_val_score(tree(d), X, y, cv=5).mean() for d in depths])
    outcome = problem("q1").check({"cv_acc": unshuffled})
    assert outcome.status == "incorrect" and "shuffl" in outcome.message
    on_test = np.array([tree(d).fit(X, y).score(wine["X_test"], wine["y_test"]) for d in depths])
    outcome = problem("q1").check({"cv_acc": on_test})
    assert outcome.status == "incorrect" and "test" in outcome.message


def test_08_6_rejects_the_test_period_watched_besides_validation(tx):
    """Second review, row B: validation and test periods both watched (either order); the
    validation period may run out of patience first, but the test set was watched."""
    for X_eval, y_eval in (
        ((tx["X_val"], tx["X_test"]), (tx["y_val"], tx["y_test"])),
        ((tx["X_test"], tx["X_val"]), (tx["y_test"], tx["y_val"])),
    ):
        model = booster().fit(
            tx["X_fit"], tx["y_fit"], eval_X=X_eval, eval_y=y_eval, callbacks=stop()
        )
        outcome = problem("q6").check({"booster": model})
        assert outcome.status == "incorrect" and "test transactions" in outcome.message
    # the training period watched besides the validation period is harmless (never stops)
    both = booster().fit(
        tx["X_fit"],
        tx["y_fit"],
        eval_X=(tx["X_fit"], tx["X_val"]),
        eval_y=(tx["y_fit"], tx["y_val"]),
        callbacks=stop(),
    )
    assert problem("q6").check({"booster": both}).correct


def test_08_6_rejects_forged_rounds_and_names_what_was_watched(tx):
    """Second review, row C and messages: a booster of as many rounds as the validation curve,
    fitted without early stopping, with its best iteration set by hand, holds more rounds than
    its best one; one that early-stopped on half of the validation period is not told that it
    watched the test set."""
    right = right_booster(tx)
    best, curve = right.best_iteration_, right.evals_result_["valid_0"]["binary_logloss"]
    forged = booster(n_estimators=len(curve)).fit(
        tx["X_fit"], tx["y_fit"], eval_X=tx["X_val"], eval_y=tx["y_val"]
    )
    forged.set_params(n_estimators=500)
    forged._best_iteration = forged._Booster.best_iteration = best
    outcome = problem("q6").check({"booster": forged})
    assert outcome.status == "incorrect" and "rounds" in outcome.message
    # the rounds kept, but the recorded curve cut at the best round or padded with made-up losses
    kept = booster(n_estimators=best).fit(tx["X_fit"], tx["y_fit"])
    kept.set_params(n_estimators=500)
    kept._best_iteration = kept._Booster.best_iteration = best
    for fake in (curve[:best], curve[:best] + [curve[best - 1]] * 30):
        kept._evals_result = {"valid_0": {"binary_logloss": list(fake)}}
        assert problem("q6").check({"booster": kept}).status == "incorrect"
    half = len(tx["X_val"]) // 2
    on_half = booster().fit(
        tx["X_fit"],
        tx["y_fit"],
        eval_X=tx["X_val"].iloc[:half],
        eval_y=tx["y_val"].iloc[:half],
        callbacks=stop(),
    )
    outcome = problem("q6").check({"booster": on_half})
    assert outcome.status == "incorrect" and "watched the test" not in outcome.message


def test_08_2_grades_the_scores_of_every_alpha(wine):
    """Second review, row A: unshuffled cv=5 and ten shuffled folds choose the same alpha as the
    asked splitter (the path has 6 alphas), so the scores per alpha are graded too."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    X, y = wine["X_train"], wine["y_train"]
    alphas = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y).ccp_alphas

    def scores(cv):
        return np.array(
            [
                cross_val_score(
                    DecisionTreeClassifier(ccp_alpha=a, random_state=0), X, y, cv=cv
                ).mean()
                for a in alphas
            ]
        )

    def largest_best(acc):
        return float(alphas[np.flatnonzero(acc == acc.max())].max())

    right = scores(StratifiedKFold(5, shuffle=True, random_state=42))
    best = largest_best(right)
    assert problem("q2").check({"alpha_acc": right, "best_alpha": best}).correct
    for splitter in (5, StratifiedKFold(10, shuffle=True, random_state=42)):
        other = scores(splitter)
        assert largest_best(other) == best  # the same choice, from other scores
        outcome = problem("q2").check({"alpha_acc": other, "best_alpha": best})
        assert outcome.status == "incorrect"
    # guessing the alpha: every other alpha of the path gets the same message, which does not
    # say which way to move
    messages = {
        problem("q2")
        .check({"alpha_acc": right, "best_alpha": float(a)})
        .message.split("`best_alpha` is ", 1)[1]
        .split(",", 1)[1]
        for a in alphas
        if a != best
    }
    assert len(messages) == 1 and "smallest" not in messages.pop()
