"""Module 13: attempts to pass the checks without doing the task, and right answers written
differently, beyond the self-tests in solutions/13_project_recommender.ipynb.

Each test names the attempt it encodes.
"""

from __future__ import annotations

import math

import numpy as np

from mlcourse.exercises import get_module
from mlcourse.exercises.m13 import LR_GRID, _data
from tests.helpers import problem_helpers

MODULE = get_module("13")

problem, outcome = problem_helpers("13")


def test_top_rated_by_the_generators_popularity_prior_or_as_text_is_rejected():
    from mlcourse.datasets import make_ratings

    catalog = make_ratings().catalog
    prior = catalog.sort_values("popularity", ascending=False)["item_id"].iloc[:20]
    assert not outcome("13.1", top_rated=[int(i) for i in prior]).correct
    right = problem("13.1").expected_value()
    assert not outcome("13.1", top_rated=[str(i) for i in right]).correct
    assert not outcome("13.1", top_rated=tuple(right)).correct


def test_functions_that_hard_code_the_visible_cases_are_rejected():
    visible = {
        "13.2": {(0.2, 0.9, 0.5, 0.7, 0.1): [3, 2], (3.0, 1.0, 2.0, 5.0): [2, 1]},
    }
    table = visible["13.2"]
    assert not outcome(
        "13.2", top_k_unseen=lambda s, seen, k: table.get(tuple(np.asarray(s).tolist()), [])
    ).correct
    for pid, name in (("13.3", "precision_at_k"), ("13.4", "recall_at_k"), ("13.5", "ndcg_at_k")):
        ref = problem(pid).reference
        fixed = {
            (4, 7, 1, 9, 3): ref([4, 7, 1, 9, 3], {7, 3, 8}, 5),
            (2, 5, 6): ref([2, 5, 6], {6, 2}, 2),
        }
        assert not outcome(pid, **{name: lambda r, rel, k, f=fixed: f.get(tuple(r), 0.0)}).correct


def test_a_top_k_that_returns_numpy_integers_is_judged_by_value():
    ref = problem("13.2").reference
    result = outcome("13.2", top_k_unseen=lambda s, seen, k: [np.int64(i) for i in ref(s, seen, k)])
    assert result.status in ("correct", "incorrect")  # never a checker error


def test_metrics_that_give_zero_for_a_user_with_no_relevant_items_are_rejected():
    for pid, name in (("13.4", "recall_at_k"), ("13.5", "ndcg_at_k")):
        ref = problem(pid).reference

        def zero_when_empty(rec, rel, k, ref=ref):
            value = ref(rec, rel, k)
            return 0.0 if math.isnan(value) else value

        assert not outcome(pid, **{name: zero_when_empty}).correct


def test_a_random_symmetric_similarity_and_a_sparse_matrix_are_rejected():
    rng = np.random.default_rng(0)
    A = rng.random((500, 500))
    S = (A + A.T) / 2
    np.fill_diagonal(S, 0.0)
    assert not outcome("13.6", adj_sim=S).correct
    from scipy import sparse

    right = problem("13.6").expected_value()
    assert not outcome("13.6", adj_sim=sparse.csr_matrix(right)).correct


def test_predictions_that_ignore_the_ids_are_rejected():
    assert not outcome(
        "13.7", predict_mf=lambda m, u, i: np.clip(np.full(len(u), m["mu"]), 1, 5)
    ).correct


def test_learning_rates_as_text_keys_are_rejected_and_numpy_float_keys_accepted():
    from mlcourse.keys.m13 import _val_rmse

    scores = dict(zip(LR_GRID, _val_rmse(), strict=True))
    best = min(scores, key=scores.get)
    as_text = {str(lr): v for lr, v in scores.items()}
    assert not outcome("13.8", val_rmse=as_text, best_lr=best).correct
    as_numpy = {np.float64(lr): np.float64(v) for lr, v in scores.items()}
    assert outcome("13.8", val_rmse=as_numpy, best_lr=np.float64(best)).correct
    missing_one = {lr: v for lr, v in scores.items() if lr != LR_GRID[0]}
    assert not outcome("13.8", val_rmse=missing_one, best_lr=best).correct


def test_an_svd_from_another_library_class_is_rejected():
    from surprise import SVDpp

    from mlcourse.exercises.m13 import SVD_PARAMS, _trainset

    model = SVDpp(n_factors=4, n_epochs=2, random_state=0).fit(_trainset(_data()["fit"]))
    assert not outcome("13.9", svd_final=model).correct
    assert SVD_PARAMS["random_state"] == 0


def test_pop_eval_with_an_extra_key_or_as_a_series_is_rejected():
    import pandas as pd

    right = problem("13.10").expected_value()
    assert outcome("13.10", pop_eval=dict(right)).correct
    assert not outcome("13.10", pop_eval={**right, "coverage": 0.1}).correct
    assert not outcome("13.10", pop_eval=pd.Series(right)).correct
    swapped = {"precision": right["recall"], "recall": right["precision"], "ndcg": right["ndcg"]}
    assert not outcome("13.10", pop_eval=swapped).correct


# --------------------------------------------------------------------------------------
# Second review (W1, W2) and the exercises added after it (11, 12).
# --------------------------------------------------------------------------------------


def test_the_final_svd_fitted_on_shuffled_train_rows_is_accepted():
    # review W1: SGD depends on row order; the judge refits on the learner's own row order
    from surprise import SVD

    from mlcourse.exercises.m13 import SVD_PARAMS, _trainset
    from mlcourse.keys.m13 import _best_lr

    shuffled = _trainset(_data()["train"].sample(frac=1, random_state=0))
    model = SVD(lr_all=_best_lr(), **SVD_PARAMS).fit(shuffled)
    assert outcome("13.9", svd_final=model).correct


def test_the_final_svd_fitted_on_a_trainset_with_string_ids_is_accepted():
    # second review: ids read as text are the same data; the check asks in the trainset's id type
    from surprise import SVD, Dataset, Reader

    from mlcourse.exercises.m13 import SVD_PARAMS
    from mlcourse.keys.m13 import _best_lr

    rows = _data()["train"][["user_id", "item_id", "rating"]].astype(
        {"user_id": str, "item_id": str}
    )
    trainset = Dataset.load_from_df(rows, Reader(rating_scale=(1, 5))).build_full_trainset()
    model = SVD(lr_all=_best_lr(), **SVD_PARAMS).fit(trainset)
    assert outcome("13.9", svd_final=model).correct


def test_learning_rates_scored_after_fitting_a_resorted_fit_set_get_the_row_order_message():
    # review W2: refused (the prompt asks for the given fit_set), with a message naming the cause
    from surprise import SVD

    from mlcourse.exercises.m13 import SVD_PARAMS, _trainset
    from mlcourse.keys.m13 import _rmse

    d = _data()
    resorted = _trainset(d["fit"].sort_values(["user_id", "timestamp"]))
    scores = {lr: _rmse(SVD(lr_all=lr, **SVD_PARAMS).fit(resorted), d["val"]) for lr in LR_GRID}
    result = outcome("13.8", val_rmse=scores, best_lr=min(scores, key=scores.get))
    assert result.status == "incorrect"
    assert "re-sorted" in result.message and "order" in result.message


def _als_vectorised(users, items, ratings, mu, bi, Q, n_users, reg):
    """A right ALS half-step written without a loop (the lesson's solve_side)."""
    from scipy import sparse

    users = np.asarray(users, dtype=int)
    items = np.asarray(items, dtype=int)
    X = np.hstack([np.ones((len(items), 1)), np.asarray(Q, dtype=float)[items]])
    y = np.asarray(ratings, dtype=float) - mu - np.asarray(bi, dtype=float)[items]
    k1 = X.shape[1]
    S = sparse.csr_matrix(
        (np.ones(len(users)), (users, np.arange(len(users)))), shape=(n_users, len(users))
    )
    A = (S @ (X[:, :, None] * X[:, None, :]).reshape(len(users), -1)).reshape(n_users, k1, k1)
    b = S @ (X * y[:, None])
    return np.linalg.solve(A + reg * np.eye(k1), b[..., None])[..., 0]


def test_als_step_written_without_a_loop_is_accepted():
    assert outcome("13.11", als_user_step=_als_vectorised).correct


def test_als_step_that_hard_codes_the_demo_or_returns_zeros_is_rejected():
    from mlcourse.exercises.m13 import _ALS_DEMO

    demo = problem("13.11").reference(*_ALS_DEMO)
    assert not outcome("13.11", als_user_step=lambda *a: demo.copy()).correct
    assert not outcome(
        "13.11", als_user_step=lambda u, i, r, mu, bi, Q, n, reg: np.zeros((n, Q.shape[1] + 1))
    ).correct


def test_als_step_that_solves_for_the_items_or_skips_the_bias_column_is_rejected():
    def factors_only(users, items, ratings, mu, bi, Q, n_users, reg):
        full = problem("13.11").reference(users, items, ratings, mu, bi, Q, n_users, reg)
        return np.hstack([np.zeros((n_users, 1)), full[:, 1:]])

    assert not outcome("13.11", als_user_step=factors_only).correct


def test_bias20_with_swapped_recommenders_or_percentages_is_rejected():
    right = problem("13.12").expected_value()
    assert outcome("13.12", bias20=dict(right)).correct
    swapped = {
        "popularity_coverage": right["similarity_coverage"],
        "popularity_long_tail": right["similarity_long_tail"],
        "similarity_coverage": right["popularity_coverage"],
        "similarity_long_tail": right["popularity_long_tail"],
    }
    assert not outcome("13.12", bias20=swapped).correct
    assert not outcome("13.12", bias20={k: 100 * v for k, v in right.items()}).correct
