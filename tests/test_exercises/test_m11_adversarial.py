"""Module 11: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/11_pipelines_tuning.ipynb (the attempts that
cost too many fits for the notebook's time budget are here).

Each test names the attempt it encodes.
"""

from __future__ import annotations

import pytest

from mlcourse.exercises import get_module
from tests.helpers import problem_helpers

MODULE = get_module("11")

problem, outcome = problem_helpers("11")


@pytest.fixture(autouse=True)
def _one_thread():
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


def test_right_features_that_also_change_the_input_table_are_rejected():
    from mlcourse.keys.m11 import _add_features

    def in_place(df):
        result = _add_features(df)
        df["bill_ratio"] = result["bill_ratio"]  # the input gains a column
        return result

    assert outcome("11.1", add_features=in_place).status == "incorrect"


def test_features_that_drop_the_index_or_fill_gaps_are_rejected():
    from mlcourse.keys.m11 import _add_features

    def reset(df):
        return _add_features(df).reset_index(drop=True)

    def filled(df):
        return _add_features(df).fillna(0.0)

    assert not outcome("11.1", add_features=reset).correct
    assert not outcome("11.1", add_features=filled).correct


def _grid(**kwargs):
    from sklearn.model_selection import GridSearchCV

    from mlcourse.exercises.m11 import C_GRID, _cv
    from mlcourse.keys.m11 import _penguin_rows, _reference_pipeline

    rows = kwargs.pop("rows", "train")
    X, y = _penguin_rows(rows)
    settings = {"cv": _cv(), "scoring": "neg_log_loss", **kwargs}
    return GridSearchCV(_reference_pipeline(), {"model__C": list(C_GRID)}, **settings).fit(X, y)


def test_a_grid_scored_on_accuracy_is_named_as_such():
    result = outcome("11.4", grid=_grid(scoring="accuracy"))
    assert result.status == "incorrect" and "accuracy" in result.message


def test_a_grid_searched_on_every_penguin_is_named_as_such():
    result = outcome("11.4", grid=_grid(rows="all"))
    assert result.status == "incorrect" and "all penguins" in result.message


def test_a_grid_on_unshuffled_folds_is_rejected():
    assert outcome("11.4", grid=_grid(cv=5)).status == "incorrect"


def test_a_grid_without_refit_is_rejected():
    assert outcome("11.4", grid=_grid(refit=False)).status == "incorrect"


def test_nested_scores_with_the_inner_search_on_the_outer_folds_are_rejected():
    from sklearn.model_selection import cross_val_score

    from mlcourse.exercises.m11 import _cv, _penguins
    from mlcourse.keys.m11 import _inner_search

    p = _penguins()
    scores = cross_val_score(
        _inner_search(_cv()), p["X_train"], p["y_train"], cv=_cv(), scoring="neg_log_loss"
    )
    assert outcome("11.5", nested_scores=scores).status == "incorrect"


def test_a_leak_pair_typed_in_rounded_is_rejected():
    expected = problem("11.6").expected_value()
    typed = {k: round(v, 2) for k, v in expected.items()}
    assert outcome("11.6", leak_ap=typed).status == "incorrect"


def test_an_imbalance_search_fitted_on_the_later_rows_is_rejected():
    from imblearn.over_sampling import SMOTE
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import GridSearchCV

    from mlcourse.exercises.m11 import _transactions
    from mlcourse.keys.m11 import _cv_t, _tx_pipeline

    t = _transactions()
    grid = {
        "sample": ["passthrough", RandomUnderSampler(random_state=0), SMOTE(random_state=0)],
        "model__class_weight": [None, "balanced"],
    }
    search = GridSearchCV(_tx_pipeline(), grid, cv=_cv_t(), scoring="average_precision")
    search.fit(t["X_test"], t["y_test"])
    ap = float(average_precision_score(t["y_test"], search.predict_proba(t["X_test"])[:, 1]))
    assert outcome("11.7", imb_search=search, tx_test_ap=ap).status == "incorrect"


def test_a_study_with_another_seed_is_rejected_and_a_right_one_accepted():
    from tests.test_exercises.forged_m11 import _study

    from .test_forged_extracts import judge

    assert judge("11.8", _study(seed=1)).status == "incorrect"
    assert judge("11.8", _study()).status == "correct"


def test_the_knowledge_check_fit_count_is_a_function_not_a_guessable_number():
    from mlcourse.keys.m11 import _n_fits

    assert outcome("11.kc3", n_fits=lambda c, f, r: 61).status == "incorrect"
    assert outcome("11.kc3", n_fits=lambda c, f, r: c * f + (1 if r else 0)).correct
    assert _n_fits(12, 5, True) == 61


def test_a_pipeline_fitted_on_246_training_rows_gets_the_row_count_message():
    from tests.test_exercises.forged_m11 import _pipe

    result = outcome("11.2", penguin_pipe=_pipe(drop=3))
    assert result.status == "incorrect"
    assert "246 rows" in result.message and "median" not in result.message, result.message


def test_a_study_with_made_up_values_for_most_trials_is_rejected():
    from tests.test_exercises.forged_m11 import _study

    from .test_forged_extracts import judge

    made_up = _study(made_up=frozenset({1, 2, 3, 4, 6, 7, 8}))
    assert judge("11.8", made_up).status == "incorrect"


def test_nested_scores_with_unshuffled_inner_folds_name_the_inner_folds():
    from sklearn.model_selection import cross_val_score

    from mlcourse.exercises.m11 import _cv, _penguins
    from mlcourse.keys.m11 import _inner_search

    p = _penguins()
    scores = cross_val_score(
        _inner_search(2), p["X_train"], p["y_train"], cv=_cv(), scoring="neg_log_loss"
    )
    result = outcome("11.5", nested_scores=scores)
    assert result.status == "incorrect"
    assert "folds that chose C also scored it" not in result.message or "inner_cv" in (
        result.message
    ), result.message


def test_the_engineered_columns_in_the_other_order_are_rejected_as_the_prompt_fixes_it():
    from mlcourse.exercises.m11 import _penguins
    from mlcourse.keys.m11 import _add_features

    def swapped(df):
        return _add_features(df)[[*df.columns, "mass_per_flipper", "bill_ratio"]]

    assert outcome("11.1", add_features=swapped).status == "incorrect"
    assert list(_add_features(_penguins()["X_test"]).columns[-2:]) == [
        "bill_ratio",
        "mass_per_flipper",
    ]


def test_knowledge_check_cannot_be_passed_by_option_length():
    """Picking the longest (or the shortest) option of every choice question earns at most 1."""
    from mlcourse.keys.m11 import KEY
    from tests.helpers import option_length_scores

    questions, earned = option_length_scores("11_pipelines_tuning.ipynb", KEY)
    assert questions == 5
    assert earned["longest"] <= 1 and earned["shortest"] <= 1, earned


def test_a_leak_pair_from_undersampling_or_without_resampling_is_rejected():
    """Moved from the solutions notebook (time budget)."""
    from imblearn.under_sampling import RandomUnderSampler
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    from mlcourse.exercises.m11 import _transactions
    from mlcourse.keys.m11 import _cv_t, _leak_expected, _tx_cv, _tx_prep

    t = _transactions()
    right = _leak_expected()
    no_sampling = float(_tx_cv("passthrough", None).mean())
    assert outcome("11.6", leak_ap={**right, "honest": no_sampling}).status == "incorrect"
    Z = _tx_prep().fit_transform(t["X_train"])
    Z_u, y_u = RandomUnderSampler(random_state=0).fit_resample(Z, t["y_train"])
    under = cross_val_score(
        LogisticRegression(solver="newton-cholesky"),
        Z_u,
        y_u,
        cv=_cv_t(),
        scoring="average_precision",
    ).mean()
    assert outcome("11.6", leak_ap={**right, "leaky": float(under)}).status == "incorrect"


def test_an_imbalance_search_with_a_scikit_learn_pipeline_and_weights_only_is_rejected():
    """Moved from the solutions notebook (time budget)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    from mlcourse.exercises.m11 import _transactions
    from mlcourse.keys.m11 import _cv_t, _tx_prep

    t = _transactions()
    weights_only = GridSearchCV(
        Pipeline([("prep", _tx_prep()), ("model", LogisticRegression(solver="newton-cholesky"))]),
        {"model__class_weight": [None, "balanced"]},
        cv=_cv_t(),
        scoring="average_precision",
    ).fit(t["X_train"], t["y_train"])
    ap = float(average_precision_score(t["y_test"], weights_only.predict_proba(t["X_test"])[:, 1]))
    assert outcome("11.7", imb_search=weights_only, tx_test_ap=ap).status == "incorrect"
