"""Module 13 — Project: recommender. Popularity, ranking metrics, similarity, factorisation.

The declaration of the module's problems (the key is in mlcourse.keys.m13). The data are the
course's ratings generator with its defaults (``make_ratings()``: 1,000 users, 500 items, seed
42) and its own time split: ``train`` before ``split_time``, ``test`` from it on. Inside
``train`` the last 14 days are the validation rows (``val``) and the earlier ones the fitting
rows (``fit``): hyperparameters are chosen on ``val``, the test rows are used once. Exercises
2-5 and 7 are functions judged on visible and hidden cases; 8 and 9 read the learner's
validation scores and fitted Surprise model, which the key recomputes and refits.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Value, describe
from mlcourse.exercises import Module

VAL_DAYS = 14  # the last 14 days of train are the validation rows
DAMPING = 10  # exercise 1: prior weight of the damped mean (stated in the prompt)
N_TOP = 20  # exercise 1: length of the list
LR_GRID = (0.003, 0.01, 0.03, 0.06, 0.1)  # exercise 8: the learning rates compared
SVD_PARAMS = {"n_factors": 16, "n_epochs": 20, "reg_all": 0.05, "random_state": 0}
#: the attributes of a surprise.SVD that exercise 9 collects
SVD_ATTRIBUTES = (
    "n_factors",
    "n_epochs",
    "biased",
    "init_mean",
    "init_std_dev",
    "lr_bu",
    "lr_bi",
    "lr_pu",
    "lr_qi",
    "reg_bu",
    "reg_bi",
    "reg_pu",
    "reg_qi",
)  # not random_state: it may be a RandomState object, and the test estimates pin it anyway
K_EVAL = 20  # exercise 10: the cut-off
RELEVANT_RATING = 5  # exercise 10: relevant = a test rating of 5 (the lesson uses >= 4)
N_HEAD = 50  # exercise 12: the "head" is the 50 most-rated train items (ties: lower id first)


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    """The ratings draw of the notebook and its fit / validation / test rows."""
    import pandas as pd

    from mlcourse.datasets import make_ratings

    d = make_ratings()
    val_time = d.split_time - pd.Timedelta(days=VAL_DAYS)
    train = d.train
    return {
        "train": train,
        "test": d.test,
        "fit": train[train["timestamp"] < val_time].reset_index(drop=True),
        "val": train[train["timestamp"] >= val_time].reset_index(drop=True),
        "n_users": len(d.users),
        "n_items": len(d.catalog),
    }


# --------------------------------------------------------------------------------------
# Exercise 2: the top k unseen items.
# --------------------------------------------------------------------------------------


def _topk_cases() -> list[Case]:
    return [
        Case(
            np.array([0.2, 0.9, 0.5, 0.7, 0.1]),
            {1},
            2,
            call="top_k_unseen(np.array([0.2, 0.9, 0.5, 0.7, 0.1]), {1}, 2)",
        ),
        Case([3.0, 1.0, 2.0, 5.0], [0, 3], 3, call="top_k_unseen([3.0, 1.0, 2.0, 5.0], [0, 3], 3)"),
    ]


def _topk_hidden() -> list[Case]:
    rng = np.random.default_rng(1313)
    scores = rng.normal(size=300)
    seen = set(rng.choice(300, size=40, replace=False).tolist())
    counts = np.bincount(_data()["train"]["item_id"], minlength=_data()["n_items"]).astype(float)
    return [
        Case(np.array([1.0, 2.0, 2.0, 1.0, 2.0]), set(), 2, label="tied scores"),
        Case(np.array([0.5, 0.5, 0.5, 0.5]), {2}, 3, label="all scores tied, one seen"),
        Case(np.array([0.3, 0.8, 0.1]), {0, 1}, 5, label="fewer unseen items than k"),
        Case(np.array([0.3, 0.8]), {0, 1}, 3, label="every item seen"),
        Case(np.array([0.3, 0.8, 0.6]), [2, 2, 2], 2, label="a seen list with duplicates"),
        Case(np.array([0.3, 0.8, 0.6]), np.array([1]), 1, label="seen as a NumPy array"),
        Case(np.array([-1.0, -3.0, -2.0, -0.5]), set(), 4, label="negative scores"),
        Case(np.array([0.3, 0.8, 0.6]), {1}, 0, label="k = 0"),
        Case(scores, seen, 25, label="300 random scores"),
        Case(
            rng.integers(0, 4, 250).astype(float),
            {i for i in seen if i < 250},
            40,
            label="250 scores with many ties",
        ),
        Case(counts, set(range(0, 500, 7)), 10, label="the train counts of the course's items"),
    ]


# --------------------------------------------------------------------------------------
# Exercises 3-5: ranking metrics.
# --------------------------------------------------------------------------------------


def _metric_cases(name: str) -> list[Case]:
    return [
        Case([4, 7, 1, 9, 3], {7, 3, 8}, 5, call=f"{name}([4, 7, 1, 9, 3], {{7, 3, 8}}, 5)"),
        Case([2, 5, 6], {6, 2}, 2, call=f"{name}([2, 5, 6], {{6, 2}}, 2)"),
    ]


def _metric_hidden() -> list[Case]:
    rng = np.random.default_rng(1314)
    recommended = rng.permutation(200)[:30].tolist()
    relevant = set(rng.choice(200, size=12, replace=False).tolist())
    return [
        Case([1, 2, 3], {9}, 3, label="no hit"),
        Case([1, 2, 3], set(), 3, label="a user with no relevant items"),
        Case([5, 6], {5, 6, 7}, 4, label="fewer than k recommendations"),
        Case([], {1, 2}, 3, label="no recommendations at all"),
        Case([5, 5, 6, 5, 7], {5, 7}, 3, label="duplicate recommendations"),
        Case([5, 5, 6], {5}, 2, label="a relevant item recommended twice"),
        Case([6, 6, 5, 6], {5}, 2, label="a repeated miss before a hit"),
        Case([3, 8, 1, 4], {1, 3, 4, 8}, 4, label="every recommendation relevant"),
        Case([3, 8, 1, 4, 2, 9], {9, 2}, 3, label="relevant items below the cut-off"),
        Case([10, 20, 30, 40], [20, 40, 20], 4, label="relevant items as a list with repeats"),
        Case(np.array([4, 1, 7]), np.array([7, 4]), 2, label="NumPy arrays"),
        Case([1, 2, 3, 4], {4}, 1, label="k = 1"),
        Case(recommended, relevant, 20, label="30 recommendations of 200 items"),
        Case(recommended, relevant, 7, label="the same list at another cut-off"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 7: predictions of a factorisation with a cold-start fallback.
# --------------------------------------------------------------------------------------


def _mf_model(n_users: int, n_items: int, k: int, seed: int, cold: float = 0.3) -> dict:
    rng = np.random.default_rng(seed)
    n_user = rng.integers(1, 30, size=n_users)
    n_item = rng.integers(1, 30, size=n_items)
    n_user[rng.random(n_users) < cold] = 0
    n_item[rng.random(n_items) < cold] = 0
    return {
        "mu": float(3.5 + rng.normal(0, 0.2)),
        "bu": rng.normal(0, 0.5, n_users),
        "bi": rng.normal(0, 0.5, n_items),
        "P": rng.normal(0, 0.6, (n_users, k)),
        "Q": rng.normal(0, 0.6, (n_items, k)),
        "n_user": n_user,
        "n_item": n_item,
    }


_MF_DEMO = {
    "mu": 3.6,
    "bu": np.array([0.4, -0.3, 0.1]),
    "bi": np.array([0.2, -0.5]),
    "P": np.array([[0.5, 0.1], [-0.2, 0.4], [0.3, 0.3]]),
    "Q": np.array([[0.6, -0.2], [0.1, 0.5]]),
    "n_user": np.array([12, 5, 0]),
    "n_item": np.array([30, 0]),
}


def _mf_cases() -> list[Case]:
    return [
        Case(
            _MF_DEMO,
            np.array([0, 1, 2, 0]),
            np.array([0, 0, 0, 1]),
            call="predict_mf(mf_demo, np.array([0, 1, 2, 0]), np.array([0, 0, 0, 1]))",
        ),
    ]


def _mf_hidden() -> list[Case]:
    warm = _mf_model(6, 5, 3, 7, cold=0.0)
    big = _mf_model(60, 40, 4, 8, cold=0.3)
    rng = np.random.default_rng(9)
    hot = dict(warm, bu=warm["bu"] + 3.0)
    low = dict(warm, bu=warm["bu"] - 3.0)
    all_cold = dict(warm, n_user=np.zeros(6, dtype=int), n_item=np.zeros(5, dtype=int))
    pairs = (rng.integers(0, 6, 20), rng.integers(0, 5, 20))
    return [
        Case(warm, *pairs, label="warm users and items only"),
        Case(hot, *pairs, label="predictions above 5 (clipped)"),
        Case(low, *pairs, label="predictions below 1 (clipped)"),
        Case(all_cold, *pairs, label="every user and item cold"),
        Case(big, rng.integers(0, 60, 200), rng.integers(0, 40, 200), label="cold users and items"),
        Case(warm, [0, 1, 1], [2, 2, 3], label="users and items as lists"),
        Case(warm, np.array([], dtype=int), np.array([], dtype=int), label="no pairs"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 11: one half-step of alternating least squares.
# --------------------------------------------------------------------------------------


def _als_problem(n_users: int, n_items: int, k: int, n: int, seed: int, reg: float) -> tuple:
    rng = np.random.default_rng(seed)
    users = rng.integers(0, n_users, n)
    items = rng.integers(0, n_items, n)
    ratings = rng.integers(1, 6, n).astype(float)
    bi = rng.normal(0, 0.3, n_items)
    Q = rng.normal(0, 0.5, (n_items, k))
    return users, items, ratings, float(ratings.mean()), bi, Q, n_users, reg


_ALS_DEMO = (
    np.array([0, 0, 1, 1, 1]),
    np.array([0, 1, 0, 1, 2]),
    np.array([5.0, 3.0, 4.0, 2.0, 1.0]),
    3.0,
    np.array([0.5, -0.2, -0.6]),
    np.array([[0.4, 0.1], [-0.3, 0.2], [0.1, -0.5]]),
    3,
    1.0,
)


def _als_cases() -> list[Case]:
    return [Case(*_ALS_DEMO, call="als_user_step(*als_demo)")]


def _als_hidden() -> list[Case]:
    users, items, ratings, mu, bi, Q, _, _ = _als_problem(40, 30, 3, 400, 11, 2.0)
    many = users != 7  # user 7 has no rating
    return [
        Case(*_als_problem(6, 5, 2, 30, 1, 1.0), label="a small problem"),
        Case(
            users[many],
            items[many],
            ratings[many],
            mu,
            bi,
            Q,
            40,
            2.0,
            label="a user with no rating",
        ),
        Case(*_als_problem(10, 8, 1, 40, 2, 0.5), label="one factor"),
        Case(*_als_problem(200, 60, 4, 3000, 3, 3.0), label="200 users, 3,000 ratings"),
        Case(*_als_problem(20, 15, 3, 100, 4, 100.0), label="a strong penalty"),
        Case(*_als_problem(5, 6, 2, 5, 5, 0.3), label="about one rating per user"),
        Case(
            *(
                v.tolist() if isinstance(v, np.ndarray) and v.ndim == 1 and i < 3 else v
                for i, v in enumerate(_als_problem(8, 6, 2, 40, 6, 1.0))
            ),
            label="ids and ratings as lists",
        ),
    ]


# --------------------------------------------------------------------------------------
# Exercises 8 and 9: Surprise's SVD, a learning rate chosen on the validation rows.
# --------------------------------------------------------------------------------------


def _trainset(df: Any):
    from surprise import Dataset, Reader

    data = Dataset.load_from_df(df[["user_id", "item_id", "rating"]], Reader(rating_scale=(1, 5)))
    return data.build_full_trainset()


def _as_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Fail(f"`{name}` should be a number, but it is {describe(value)}.")
    return float(value)


def _extract_lr_choice(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's validation RMSE per learning rate (in the grid's order) and the choice."""
    scores = values["val_rmse"]
    if not isinstance(scores, dict):
        raise Fail(f"`val_rmse` should be a dict {{lr: RMSE}}, but it is {describe(scores)}.")
    keys = sorted(float(k) for k in scores if isinstance(k, (int, float)))
    if len(keys) != len(scores) or keys != sorted(LR_GRID):
        raise Fail(
            f"`val_rmse` should have one entry per learning rate of `lr_grid` ({len(LR_GRID)} "
            f"keys, the floats of the grid), but its keys are {sorted(map(repr, scores))[:8]}."
        )
    return {
        "rmse": [_as_float(scores[lr], f"val_rmse[{lr}]") for lr in LR_GRID],
        "best_lr": _as_float(values["best_lr"], "best_lr"),
    }


def _extract_svd(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's fitted SVD: its class, hyperparameters and predictions for the test rows."""
    model = values["svd_final"]
    cls = type(model)
    if cls.__name__ != "SVD" or not cls.__module__.startswith("surprise"):
        raise Fail(f"`svd_final` should be a fitted `surprise.SVD`, but it is {describe(model)}.")
    if not hasattr(model, "pu"):
        raise Fail("`svd_final` has not been fitted: call `svd_final.fit(trainset)`.")
    test = _data()["test"]
    ts = model.trainset
    # a trainset built from string ids is the same data: ask for the test pairs in its id type
    user_id = type(ts.to_raw_uid(0)) if ts.n_users and type(ts.to_raw_uid(0)) is str else int
    item_id = type(ts.to_raw_iid(0)) if ts.n_items and type(ts.to_raw_iid(0)) is str else int
    est = [
        float(model.predict(user_id(u), item_id(i)).est)
        for u, i in zip(test["user_id"], test["item_id"], strict=True)
    ]
    users = [int(ts.to_raw_uid(u)) for u in range(ts.n_users)]
    items = [int(ts.to_raw_iid(i)) for i in range(ts.n_items)]
    flat = [(u, i, r) for u in range(ts.n_users) for i, r in ts.ur[u]]
    rows = np.array(flat, dtype=float).reshape(-1, 3)
    params = {name: getattr(model, name, None) for name in SVD_ATTRIBUTES}
    plain = {}
    for name, value in params.items():
        if isinstance(value, (bool, np.bool_)):
            plain[name] = bool(value)
        elif isinstance(value, (int, float, np.integer, np.floating)):
            plain[name] = float(value)
        else:
            plain[name] = None
    return {
        "params": plain,
        "n_ratings": int(model.trainset.n_ratings),
        "estimates": np.asarray(est, dtype=float),
        # the trainset in the order SGD visits it: inner (user, item, rating) rows and the raw
        # id of every inner id, so that the key can refit on the same rows in the same order
        "rows": rows,
        "raw_users": np.asarray(users, dtype=np.int64),
        "raw_items": np.asarray(items, dtype=np.int64),
    }


MODULE = Module(
    "13",
    "project_recommender",
    "Project: recommender",
    problems=(
        Value(
            "13.1",
            var="top_rated",
            title="The best-liked items, damped",
            points=1,
            hints=[
                "Group the TRAIN ratings by item: you need each item's number of ratings and "
                "their sum. The test rows play no part.",
                "The damped mean is `(sum + 10 * mu) / (count + 10)` with `mu` the mean of all "
                "train ratings: an item with few ratings is pulled towards the global mean.",
                "`g = train.groupby('item_id')['rating'].agg(['sum', 'count'])`, then "
                "`score = (g['sum'] + 10 * mu) / (g['count'] + 10)`; sort by score descending "
                "and item id ascending, and take `.index[:20].tolist()` as ints.",
            ],
        ),
        Function(
            "13.2",
            name="top_k_unseen",
            cases=_topk_cases,
            hidden=_topk_hidden,
            title="Recommend the k best unseen items",
            points=2,
            check_dtype=True,  # a list of Python ints: floats are refused
            hints=[
                "Leave out the items in `seen`, then order the rest by score, highest first. "
                "Do not change `scores` in place.",
                "`np.lexsort((ids, -scores))` sorts by score descending and, among ties, by id "
                "ascending (the last key is the primary one).",
                "`order = np.lexsort((np.arange(len(s)), -s))`; keep the ids not in "
                "`set(np.asarray(list(seen)).tolist())` and return the first `k` as a list "
                "of Python ints.",
            ],
        ),
        Function(
            "13.3",
            name="precision_at_k",
            cases=lambda: _metric_cases("precision_at_k"),
            hidden=_metric_hidden,
            title="precision@k",
            points=1,
            hints=[
                "Drop repeated recommendations first (keep the first occurrence), then look at "
                "the first k.",
                "Count the hits among those k and divide by k itself, even when fewer than k "
                "items were recommended.",
                "`top = list(dict.fromkeys(recommended))[:k]`; "
                "`hits = sum(item in relevant_set for item in top)`; `return hits / k`.",
            ],
        ),
        Function(
            "13.4",
            name="recall_at_k",
            cases=lambda: _metric_cases("recall_at_k"),
            hidden=_metric_hidden,
            title="recall@k",
            points=1,
            hints=[
                "Recall divides the hits in the top k by the number of relevant items.",
                "A user with no relevant items has no recall: return `float('nan')` so that "
                "averages can leave them out. Repeated relevant items count once.",
                "`rel = set(relevant)`; if not rel return nan; "
                "`top = list(dict.fromkeys(recommended))[:k]`; "
                "`return sum(i in rel for i in top) / len(rel)`.",
            ],
        ),
        Function(
            "13.5",
            name="ndcg_at_k",
            cases=lambda: _metric_cases("ndcg_at_k"),
            hidden=_metric_hidden,
            title="NDCG@k",
            points=2,
            hints=[
                "A hit at rank r (counting from 1) earns 1 / log2(r + 1). The ideal list puts "
                "all relevant items first: divide by its DCG.",
                "The ideal DCG sums 1 / log2(r + 1) for r = 1 .. min(number relevant, k). With "
                "no relevant items, return `float('nan')`.",
                "`top = list(dict.fromkeys(recommended))[:k]`; "
                "`dcg = sum(1 / np.log2(r + 2) for r, i in enumerate(top) if i in rel)`; "
                "`idcg = sum(1 / np.log2(r + 2) for r in range(min(len(rel), k)))`.",
            ],
        ),
        Value(
            "13.6",
            var="adj_sim",
            rtol=1e-6,
            atol=1e-9,
            title="Item-item adjusted cosine similarity",
            points=2,
            hints=[
                "Build the users x items matrix of TRAIN ratings, then subtract from each rating "
                "its user's mean train rating; unrated cells stay 0.",
                "Cosine similarity between two item columns is their dot product divided by the "
                "product of their norms. Items with no train rating have norm 0: their row and "
                "column are 0. Then set the diagonal to 0.",
                "`C = R_centred`; `norms = np.linalg.norm(C, axis=0)`; "
                "`S = C.T @ C / np.outer(safe, safe)` with `safe = np.where(norms > 0, norms, 1)`; "
                "`np.fill_diagonal(S, 0)`.",
            ],
        ),
        Function(
            "13.7",
            name="predict_mf",
            cases=_mf_cases,
            hidden=_mf_hidden,
            title="Factorisation predictions with a cold-start fallback",
            points=2,
            hints=[
                "Start from `mu` for every pair. A user term (bias and factors) only counts when "
                "the user has training rows, and likewise for an item.",
                "The dot product `P[u] @ Q[i]` needs both: it is used only when the user and "
                "the item are both warm. Clip the result to [1, 5].",
                "`wu = n_user[users] > 0`, `wi = n_item[items] > 0`; "
                "`pred = mu + np.where(wu, bu[users], 0) + np.where(wi, bi[items], 0) + "
                "np.where(wu & wi, (P[users] * Q[items]).sum(axis=1), 0)`; `np.clip(pred, 1, 5)`.",
            ],
        ),
        Custom(
            "13.8",
            reads=("val_rmse", "best_lr"),
            extract=_extract_lr_choice,
            title="Choose Surprise's learning rate on the validation rows",
            points=3,
            hints=[
                "Fit on the given `fit_set` (the train rows before the last 14 days, in their "
                "order: SGD visits the rows in that order, so a re-sorted copy gives other "
                "numbers) and score on `val`; the test rows are not touched here.",
                "For each `lr` in `lr_grid`: `SVD(lr_all=lr, **svd_params).fit(fit_set)`, "
                "then the RMSE of `algo.predict(u, i).est` against the validation ratings.",
                "`val_rmse[lr] = float(np.sqrt(np.mean((est - val['rating']) ** 2)))`; "
                "`best_lr = min(val_rmse, key=val_rmse.get)`.",
            ],
        ),
        Custom(
            "13.9",
            reads=("svd_final",),
            extract=_extract_svd,
            title="The final SVD, refitted on all train rows",
            points=2,
            hints=[
                "Once the learning rate is chosen, refit on every train row (fit and "
                "validation together), never on test rows.",
                "`train_set` is the Surprise trainset of all of `train`. Any trainset of "
                "exactly the train rows is accepted (the check refits on the same rows in the "
                "same order).",
                "`svd_final = SVD(lr_all=best_lr, **svd_params).fit(train_set)`",
            ],
        ),
        Value(
            "13.10",
            var="pop_eval",
            atol=1e-9,
            title="The popularity baseline at k = 20, relevance = 5 stars",
            points=2,
            hints=[
                "Rank the items by their number of TRAIN ratings (ties: lower id first). For "
                "each user, recommend the 20 highest-ranked items they have not rated in train.",
                "Evaluate only users with at least one train row and at least one test rating of "
                "5. Average each metric over those users.",
                "Use your `top_k_unseen`, `precision_at_k`, `recall_at_k` and `ndcg_at_k` with "
                "`k = 20`, then `pop_eval = {'precision': ..., 'recall': ..., 'ndcg': ...}` as "
                "floats.",
            ],
        ),
        Function(
            "13.11",
            name="als_user_step",
            cases=_als_cases,
            hidden=_als_hidden,
            rtol=1e-6,
            atol=1e-8,
            title="One half-step of alternating least squares",
            points=3,
            hints=[
                "For one user u, the unknowns are `[b_u, p_u]` (1 + k numbers). Each of their "
                "ratings is a row of a small regression: features `[1, Q[i]]`, target "
                "`r - mu - bi[i]`.",
                "Ridge regression in closed form: `w = solve(X.T @ X + reg * I, X.T @ y)` with "
                "I the (k + 1) x (k + 1) identity: the penalty applies to the bias as well. A "
                "user with no rating keeps zeros.",
                "`X = np.hstack([np.ones((len(items), 1)), Q[items]])`, "
                "`y = ratings - mu - bi[items]`; for each u with `m = users == u`: "
                "`out[u] = np.linalg.solve(X[m].T @ X[m] + reg * np.eye(k + 1), X[m].T @ y[m])`.",
            ],
        ),
        Value(
            "13.12",
            var="bias20",
            atol=1e-9,
            title="Popularity bias at k = 20",
            points=2,
            hints=[
                "Both recommenders give each user of exercise 10 a list of 20 unseen items: "
                "popularity scores items by `counts`, the similarity recommender by "
                "`B[u] @ adj_sim`, B the 0/1 users x items matrix of train ratings.",
                "Coverage: the number of distinct items over all the lists, divided by 500. "
                "Long-tail share: the share of all recommended slots that hold an item outside "
                "the 50 most-rated train items (`np.argsort(-counts, kind='stable')[:50]`).",
                "`shown = [i for u in users for i in lists[u]]`; "
                "`len(set(shown)) / n_items` and `np.mean([i not in head for i in shown])`.",
            ],
        ),
        Choice(
            "13.kc1",
            var="kc1",
            choices="abcd",
            title="Why split by time",
            hints=["What does a recommender running today know about next month's ratings?"],
        ),
        Choice(
            "13.kc2",
            var="kc2",
            choices="abcd",
            title="A cold-start user",
            hints=[
                "Where does a user's factor vector come from, and what if they have no training ratings?"
            ],
        ),
        Choice(
            "13.kc3",
            var="kc3",
            choices="abcd",
            title="What NDCG adds to precision",
            hints=["Which of these metrics cares about the rank at which a hit appears?"],
        ),
        Choice(
            "13.kc4",
            var="kc4",
            choices="abcd",
            title="Missing not at random",
            hints=["Who decides which items get a rating, and what do they tend to pick?"],
        ),
        Choice(
            "13.kc5",
            var="kc5",
            choices="abcd",
            title="Reading catalogue coverage",
            hints=["Coverage counts distinct items recommended; compare it at equal precision."],
        ),
        Choice(
            "13.kc6",
            var="kc6",
            choices="abcd",
            title="A choice within seed noise",
            hints=[
                "How large is the gap compared with how much the winner changes from seed to seed?"
            ],
        ),
    ),
)
