"""Answer key of module 13 — Project: recommender.

Every expected value is computed here from the ratings generator, split as in the exercises
notebook (see the declaration, mlcourse.exercises.m13). The learning-rate choice is judged with
its evidence, the validation RMSE of every candidate recomputed here; the final SVD is compared
with a reference refitted on the train rows with the learning rate those scores choose.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    require_array,
    require_bool,
    require_dict,
    require_float,
    require_list,
    require_optional,
)
from mlcourse.exercises.m13 import (
    DAMPING,
    K_EVAL,
    LR_GRID,
    N_HEAD,
    N_TOP,
    RELEVANT_RATING,
    SVD_ATTRIBUTES,
    SVD_PARAMS,
    _data,
    _trainset,
)

# --------------------------------------------------------------------------------------
# Exercise 1: the damped mean rating.
# --------------------------------------------------------------------------------------


def _damped_top(rows: Any, damping: float = DAMPING) -> list[int]:
    mu = float(rows["rating"].mean())
    g = rows.groupby("item_id")["rating"].agg(["sum", "count"])
    score = (g["sum"] + damping * mu) / (g["count"] + damping)
    frame = (
        score.rename("score")
        .reset_index()
        .sort_values(["score", "item_id"], ascending=[False, True], kind="mergesort")
    )
    return [int(i) for i in frame["item_id"].iloc[:N_TOP]]


def _count_top(rows: Any) -> list[int]:
    counts = rows.groupby("item_id").size().rename("n").reset_index()
    counts = counts.sort_values(["n", "item_id"], ascending=[False, True], kind="mergesort")
    return [int(i) for i in counts["item_id"].iloc[:N_TOP]]


def _all_rows() -> Any:
    import pandas as pd

    d = _data()
    return pd.concat([d["train"], d["test"]])


# --------------------------------------------------------------------------------------
# Exercises 2-5: reference functions.
# --------------------------------------------------------------------------------------


def _top_k_unseen(scores: Any, seen: Any, k: int) -> list[int]:
    s = np.asarray(scores, dtype=float)
    order = np.lexsort((np.arange(len(s)), -s))
    excluded = {int(x) for x in np.asarray(list(seen)).ravel().tolist()}
    return [int(i) for i in order if int(i) not in excluded][: max(int(k), 0)]


def _top(recommended: Any, k: int) -> list:
    items = [x.item() if hasattr(x, "item") else x for x in list(recommended)]
    return list(dict.fromkeys(items))[:k]


def _relevant(relevant: Any) -> set:
    return {x.item() if hasattr(x, "item") else x for x in list(relevant)}


def _precision_at_k(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    return float(sum(item in rel for item in _top(recommended, k)) / k)


def _recall_at_k(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    if not rel:
        return float("nan")
    return float(sum(item in rel for item in _top(recommended, k)) / len(rel))


def _ndcg_at_k(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    if not rel:
        return float("nan")
    dcg = sum(1 / math.log2(r + 2) for r, item in enumerate(_top(recommended, k)) if item in rel)
    idcg = sum(1 / math.log2(r + 2) for r in range(min(len(rel), k)))
    return float(dcg / idcg)


# Known wrong implementations.
def _precision_by_length(recommended: Any, relevant: Any, k: int) -> float:
    top = _top(recommended, k)
    rel = _relevant(relevant)
    return float(sum(i in rel for i in top) / len(top)) if top else 0.0


def _precision_with_duplicates(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    items = [x.item() if hasattr(x, "item") else x for x in list(recommended)][:k]
    return float(sum(i in rel for i in items) / k)


def _recall_by_k(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    if not rel:
        return float("nan")
    return float(sum(i in rel for i in _top(recommended, k)) / min(len(rel), k))


def _recall_zero(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    if not rel:
        return 0.0
    return _recall_at_k(recommended, relevant, k)


def _ndcg_ideal_k(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    if not rel:
        return float("nan")
    dcg = sum(1 / math.log2(r + 2) for r, item in enumerate(_top(recommended, k)) if item in rel)
    return float(dcg / sum(1 / math.log2(r + 2) for r in range(k)))


def _ndcg_rank_from_zero(recommended: Any, relevant: Any, k: int) -> float:
    rel = _relevant(relevant)
    if not rel:
        return float("nan")
    dcg = sum(
        1 / math.log2(r + 1) if r else 1.0 for r, i in enumerate(_top(recommended, k)) if i in rel
    )
    idcg = sum(1 / math.log2(r + 1) if r else 1.0 for r in range(min(len(rel), k)))
    return float(dcg / idcg)


# --------------------------------------------------------------------------------------
# Exercise 6: adjusted cosine similarity.
# --------------------------------------------------------------------------------------


def _rating_matrix(rows: Any) -> np.ndarray:
    d = _data()
    R = np.zeros((d["n_users"], d["n_items"]))
    R[rows["user_id"].to_numpy(), rows["item_id"].to_numpy()] = rows["rating"].to_numpy(float)
    return R


def _cosine(C: np.ndarray, zero_diagonal: bool = True) -> np.ndarray:
    norms = np.linalg.norm(C, axis=0)
    safe = np.where(norms > 0, norms, 1.0)
    S = (C.T @ C) / np.outer(safe, safe)
    if zero_diagonal:
        np.fill_diagonal(S, 0.0)
    return S


def _centred(rows: Any) -> np.ndarray:
    R = _rating_matrix(rows)
    rated = R > 0
    counts = rated.sum(axis=1)
    means = np.divide(R.sum(axis=1), counts, out=np.zeros(len(R)), where=counts > 0)
    return np.where(rated, R - means[:, None], 0.0)


@lru_cache(maxsize=1)
def _adj_sim() -> np.ndarray:
    return _cosine(_centred(_data()["train"]))


# --------------------------------------------------------------------------------------
# Exercise 7: factorisation predictions.
# --------------------------------------------------------------------------------------


def _predict_mf(model: dict, users: Any, items: Any) -> np.ndarray:
    users = np.asarray(users, dtype=int)
    items = np.asarray(items, dtype=int)
    wu = np.asarray(model["n_user"])[users] > 0
    wi = np.asarray(model["n_item"])[items] > 0
    dot = (np.asarray(model["P"])[users] * np.asarray(model["Q"])[items]).sum(axis=1)
    pred = (
        model["mu"]
        + np.where(wu, np.asarray(model["bu"])[users], 0.0)
        + np.where(wi, np.asarray(model["bi"])[items], 0.0)
        + np.where(wu & wi, dot, 0.0)
    )
    return np.clip(pred, 1.0, 5.0)


def _predict_mf_no_fallback(model: dict, users: Any, items: Any) -> np.ndarray:
    users = np.asarray(users, dtype=int)
    items = np.asarray(items, dtype=int)
    pred = (
        model["mu"]
        + np.asarray(model["bu"])[users]
        + np.asarray(model["bi"])[items]
        + (np.asarray(model["P"])[users] * np.asarray(model["Q"])[items]).sum(axis=1)
    )
    return np.clip(pred, 1.0, 5.0)


def _predict_mf_unclipped(model: dict, users: Any, items: Any) -> np.ndarray:
    users = np.asarray(users, dtype=int)
    items = np.asarray(items, dtype=int)
    wu = np.asarray(model["n_user"])[users] > 0
    wi = np.asarray(model["n_item"])[items] > 0
    dot = (np.asarray(model["P"])[users] * np.asarray(model["Q"])[items]).sum(axis=1)
    return (
        model["mu"]
        + np.where(wu, np.asarray(model["bu"])[users], 0.0)
        + np.where(wi, np.asarray(model["bi"])[items], 0.0)
        + np.where(wu & wi, dot, 0.0)
    )


# --------------------------------------------------------------------------------------
# Exercises 8 and 9: Surprise's SVD.
# --------------------------------------------------------------------------------------


def _svd(lr: float):
    from surprise import SVD

    return SVD(lr_all=lr, **SVD_PARAMS)


def _rmse(algo: Any, rows: Any) -> float:
    est = np.array(
        [
            algo.predict(int(u), int(i)).est
            for u, i in zip(rows["user_id"], rows["item_id"], strict=True)
        ]
    )
    return float(np.sqrt(np.mean((est - rows["rating"].to_numpy(float)) ** 2)))


@lru_cache(maxsize=1)
def _val_rmse() -> tuple[float, ...]:
    d = _data()
    fit_set = _trainset(d["fit"])
    return tuple(_rmse(_svd(lr).fit(fit_set), d["val"]) for lr in LR_GRID)


@lru_cache(maxsize=1)
def _test_rmse_per_lr() -> tuple[float, ...]:
    """What a learner who chose on the test rows (fitted on all train rows) would show."""
    d = _data()
    train_set = _trainset(d["train"])
    return tuple(_rmse(_svd(lr).fit(train_set), d["test"]) for lr in LR_GRID)


def _best_lr() -> float:
    scores = _val_rmse()
    return float(LR_GRID[int(np.argmin(scores))])


def _judge_lr_choice(data: Any) -> None:
    data = require_dict(data, "data", keys=("rmse", "best_lr"))
    rmse = require_list(data["rmse"], "data['rmse']", length=len(LR_GRID))
    for j, value in enumerate(rmse):
        require_float(value, f"data['rmse'][{j}]", finite=True)
    best = require_float(data["best_lr"], "data['best_lr']", finite=True)
    got = np.array(rmse, dtype=float)
    if np.allclose(got, _test_rmse_per_lr(), rtol=1e-6, atol=1e-9):
        raise Fail(
            "`val_rmse` holds RMSEs on the TEST rows. Choose on the validation rows: fit each "
            "SVD on `fit_set` and score it on `val`; the test rows are used once, at the end."
        )
    if not np.allclose(got, _val_rmse(), rtol=1e-6, atol=1e-9):
        raise Fail(
            "`val_rmse` does not hold the validation RMSE of each learning rate: fit "
            "`SVD(lr_all=lr, **svd_params)` on the given `fit_set` (not on all train rows, and "
            "not on a re-sorted copy: SGD visits the rows in their order, so another order "
            "gives other numbers) and compute the RMSE of its estimates on the rows of `val`, "
            "unrounded."
        )
    if best not in LR_GRID or best != float(LR_GRID[int(np.argmin(got))]):
        raise Fail(
            "`best_lr` is not the learning rate with the lowest validation RMSE in "
            "`val_rmse`: take the one whose RMSE is smallest."
        )


@lru_cache(maxsize=1)
def _reference_estimates() -> np.ndarray:
    d = _data()
    algo = _svd(_best_lr()).fit(_trainset(d["train"]))
    test = d["test"]
    return np.array(
        [
            algo.predict(int(u), int(i)).est
            for u, i in zip(test["user_id"], test["item_id"], strict=True)
        ]
    )


def _judge_svd(data: Any) -> None:
    data = require_dict(
        data, "data", keys=("params", "n_ratings", "estimates", "rows", "raw_users", "raw_items")
    )
    params = require_dict(data["params"], "data['params']", keys=SVD_ATTRIBUTES)
    for name in SVD_ATTRIBUTES:
        path = f"data['params'][{name!r}]"
        if name == "biased":
            require_bool(params[name], path)
        else:
            require_optional(require_float)(params[name], path)
    n_ratings = data["n_ratings"]
    if type(n_ratings) is not int:
        raise Fail("The collected answer is malformed: `data['n_ratings']` should be an int.")
    estimates = require_array(data["estimates"], "data['estimates']", kinds="f", ndim=1)
    d = _data()
    best = _best_lr()
    if any(params[name] != best for name in ("lr_bu", "lr_bi", "lr_pu", "lr_qi")):
        raise Fail(
            "`svd_final` does not use the learning rate that the validation RMSEs choose "
            "(exercise 8's `best_lr`): pass `lr_all=best_lr`."
        )
    expected = {
        "n_factors": SVD_PARAMS["n_factors"],
        "n_epochs": SVD_PARAMS["n_epochs"],
        "init_mean": 0.0,
        "init_std_dev": 0.1,
        **{name: SVD_PARAMS["reg_all"] for name in ("reg_bu", "reg_bi", "reg_pu", "reg_qi")},
    }
    for name, value in expected.items():
        if params[name] != float(value):
            raise Fail(
                f"`svd_final` has another `{name}` than `svd_params` and Surprise's defaults "
                "give: build it as `SVD(lr_all=best_lr, **svd_params)`."
            )
    if params["biased"] is not True:
        raise Fail("`svd_final` should keep the user and item biases (`biased=True`).")
    if n_ratings != len(d["train"]):
        raise Fail(
            f"`svd_final` was fitted on {n_ratings} ratings; it should be fitted on every "
            "train row (fit and validation rows together, no test rows): `train_set`."
        )
    rows, raw_users, raw_items = _trainset_rows(data)
    if not _same_rows_as_train(rows, raw_users, raw_items):
        raise Fail(
            f"`svd_final` was fitted on {n_ratings} ratings that are not exactly the train "
            "rows: fit it on `train_set` (every train row, fit and validation rows together, "
            "no test row)."
        )
    if _is_canonical(rows, raw_users, raw_items):
        reference = _reference_estimates()
    else:  # the same rows in another order: SGD visits them in that order, so refit on it
        reference = _estimates_on(_rebuild_trainset(rows, raw_users, raw_items))
    if estimates.shape != reference.shape or not np.allclose(
        estimates, reference, rtol=1e-6, atol=1e-6
    ):
        raise Fail(
            "The predictions of `svd_final` on the test rows differ from an SVD with the "
            "settings of `svd_params` and `lr_all=best_lr` fitted here on the same train rows: "
            "build it as `SVD(lr_all=best_lr, **svd_params)` (its `random_state` included) and "
            "call `.fit(train_set)` once."
        )


def _trainset_rows(data: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = require_array(data["rows"], "data['rows']", kinds="f", ndim=2)
    users = require_array(data["raw_users"], "data['raw_users']", kinds="iu", ndim=1)
    items = require_array(data["raw_items"], "data['raw_items']", kinds="iu", ndim=1)
    if rows.shape[1] != 3 or not np.isfinite(rows).all():
        raise Fail("The collected answer is malformed: `data['rows']` should be n x 3, finite.")
    for name, ids, n in (("user", rows[:, 0], len(users)), ("item", rows[:, 1], len(items))):
        if len(ids) and (ids.min() < 0 or ids.max() >= n or (ids != np.round(ids)).any()):
            raise Fail(f"The collected answer is malformed: an inner {name} id is out of range.")
    if len(set(users.tolist())) != len(users) or len(set(items.tolist())) != len(items):
        raise Fail("The collected answer is malformed: a raw id maps to two inner ids.")
    return rows, users, items


def _same_rows_as_train(rows: np.ndarray, users: np.ndarray, items: np.ndarray) -> bool:
    train = _data()["train"]
    if len(rows) != len(train):
        return False
    got = np.column_stack(
        [users[rows[:, 0].astype(int)], items[rows[:, 1].astype(int)], rows[:, 2]]
    ).astype(float)
    want = train[["user_id", "item_id", "rating"]].to_numpy(float)
    return bool(np.array_equal(np.unique(got, axis=0), np.unique(want, axis=0))) and len(
        np.unique(got, axis=0)
    ) == len(got)


@lru_cache(maxsize=1)
def _canonical() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ts = _trainset(_data()["train"])
    rows = np.array([(u, i, r) for u in range(ts.n_users) for i, r in ts.ur[u]], dtype=float)
    users = np.array([ts.to_raw_uid(u) for u in range(ts.n_users)], dtype=np.int64)
    items = np.array([ts.to_raw_iid(i) for i in range(ts.n_items)], dtype=np.int64)
    return rows, users, items


def _is_canonical(rows: np.ndarray, users: np.ndarray, items: np.ndarray) -> bool:
    c_rows, c_users, c_items = _canonical()
    return (
        np.array_equal(rows, c_rows)
        and np.array_equal(users, c_users)
        and np.array_equal(items, c_items)
    )


def _rebuild_trainset(rows: np.ndarray, users: np.ndarray, items: np.ndarray) -> Any:
    """A Surprise trainset with these inner rows, in this order, and these id maps."""
    from collections import defaultdict

    from surprise import Trainset

    ur: dict = defaultdict(list)
    ir: dict = defaultdict(list)
    for u, i, r in rows.tolist():
        ur[int(u)].append((int(i), r))
        ir[int(i)].append((int(u), r))
    ordered_ur: dict = defaultdict(list)
    for u in range(len(users)):  # SGD visits the users in inner-id order
        ordered_ur[u] = ur.get(u, [])
    return Trainset(
        ordered_ur,
        ir,
        len(users),
        len(items),
        len(rows),
        (1, 5),
        {int(raw): inner for inner, raw in enumerate(users.tolist())},
        {int(raw): inner for inner, raw in enumerate(items.tolist())},
    )


def _estimates_on(trainset: Any) -> np.ndarray:
    algo = _svd(_best_lr()).fit(trainset)
    test = _data()["test"]
    return np.array(
        [
            algo.predict(int(u), int(i)).est
            for u, i in zip(test["user_id"], test["item_id"], strict=True)
        ]
    )


# --------------------------------------------------------------------------------------
# Exercise 10: the popularity baseline.
# --------------------------------------------------------------------------------------


def _pop_eval(
    k: int = K_EVAL,
    threshold: int = RELEVANT_RATING,
    exclude_seen: bool = True,
    warm_only: bool = True,
    popularity_rows: str = "train",
) -> dict[str, float]:
    d = _data()
    train, test = d["train"], d["test"]
    rows = train if popularity_rows == "train" else _all_rows()
    counts = np.bincount(rows["item_id"], minlength=d["n_items"]).astype(float)
    seen = train.groupby("user_id")["item_id"].apply(set).to_dict()
    relevant = test[test["rating"] >= threshold].groupby("user_id")["item_id"].apply(set)
    p, r, n = [], [], []
    for user, rel in relevant.items():
        if warm_only and user not in seen:
            continue
        recs = _top_k_unseen(counts, seen.get(user, set()) if exclude_seen else set(), k)
        p.append(_precision_at_k(recs, rel, k))
        r.append(_recall_at_k(recs, rel, k))
        n.append(_ndcg_at_k(recs, rel, k))
    return {"precision": float(np.mean(p)), "recall": float(np.mean(r)), "ndcg": float(np.mean(n))}


# --------------------------------------------------------------------------------------
# Exercise 11: one half-step of ALS.
# --------------------------------------------------------------------------------------


def _als_solve(users, items, ratings, mu, bi, Q, n_users, reg, *, use_bi=True, bias_reg=True):
    users = np.asarray(users, dtype=int)
    items = np.asarray(items, dtype=int)
    Q = np.asarray(Q, dtype=float)
    k1 = Q.shape[1] + 1
    X = np.hstack([np.ones((len(items), 1)), Q[items]])
    y = (
        np.asarray(ratings, dtype=float)
        - mu
        - (np.asarray(bi, dtype=float)[items] if use_bi else 0)
    )
    penalty = reg * np.eye(k1)
    if not bias_reg:
        penalty[0, 0] = 0.0
    out = np.zeros((int(n_users), k1))
    for u in np.unique(users):
        m = users == u
        out[u] = np.linalg.lstsq(X[m].T @ X[m] + penalty, X[m].T @ y[m], rcond=None)[0]
    return out


def _als_user_step(users, items, ratings, mu, bi, Q, n_users, reg):
    return _als_solve(users, items, ratings, mu, bi, Q, n_users, reg)


def _als_no_item_bias(users, items, ratings, mu, bi, Q, n_users, reg):
    return _als_solve(users, items, ratings, mu, bi, Q, n_users, reg, use_bi=False)


def _als_free_bias(users, items, ratings, mu, bi, Q, n_users, reg):
    return _als_solve(users, items, ratings, mu, bi, Q, n_users, reg, bias_reg=False)


# --------------------------------------------------------------------------------------
# Exercise 12: popularity bias at k = 20.
# --------------------------------------------------------------------------------------


def _bias20(head_rows: str = "train", per_user: bool = False) -> dict[str, float]:
    d = _data()
    train, test = d["train"], d["test"]
    counts = np.bincount(train["item_id"], minlength=d["n_items"]).astype(float)
    head_counts = (
        counts
        if head_rows == "train"
        else np.bincount(_all_rows()["item_id"], minlength=d["n_items"])
    )
    head = set(np.argsort(-head_counts, kind="stable")[:N_HEAD].tolist())
    B = np.zeros((d["n_users"], d["n_items"]))
    B[train["user_id"].to_numpy(), train["item_id"].to_numpy()] = 1.0
    sim_scores = B @ _adj_sim()
    seen = train.groupby("user_id")["item_id"].apply(set).to_dict()
    relevant = test[test["rating"] >= RELEVANT_RATING].groupby("user_id")["item_id"].apply(set)
    users = [u for u in relevant.index if u in seen]
    out = {}
    for name, scores in (("popularity", lambda u: counts), ("similarity", lambda u: sim_scores[u])):
        lists = [_top_k_unseen(scores(u), seen[u], K_EVAL) for u in users]
        shown = [i for lst in lists for i in lst]
        out[f"{name}_coverage"] = len(set(shown)) / d["n_items"]
        tail = [np.mean([i not in head for i in lst]) for lst in lists]
        out[f"{name}_long_tail"] = float(
            np.mean(tail) if per_user else np.mean([i not in head for i in shown])
        )
    return {k: float(v) for k, v in out.items()}


KEY = {
    "13.1": {
        "expected": lambda: _damped_top(_data()["train"]),
        "mistakes": [
            Mistake(
                lambda: _damped_top(_all_rows()),
                "These are the best-liked items of ALL ratings, test rows included: a "
                "recommender built before `split_time` cannot know them. Use `train` only.",
            ),
            Mistake(
                lambda: _damped_top(_data()["train"], damping=0),
                "This is the plain mean rating: items rated once or twice at 5 stars fill the "
                "list. Add 10 ratings at the global train mean to each item (the damping).",
            ),
            Mistake(
                lambda: _count_top(_data()["train"]),
                "This ranks items by how often they were rated, the lesson's popularity; the "
                "task ranks them by their damped mean rating.",
            ),
        ],
    },
    "13.2": {"reference": _top_k_unseen},
    "13.3": {
        "reference": _precision_at_k,
        "mistakes": [
            Mistake(
                _precision_by_length,
                "Divide by k, not by the number of items recommended: a list shorter than k "
                "wasted its empty slots.",
            ),
            Mistake(
                _precision_with_duplicates,
                "Drop repeated recommendations first (keep the first occurrence): an item "
                "shown twice is one hit, not two.",
            ),
        ],
    },
    "13.4": {
        "reference": _recall_at_k,
        "mistakes": [
            Mistake(
                _recall_by_k,
                "Divide by the number of relevant items, not by min(relevant, k): that is a "
                "different, capped metric.",
            ),
            Mistake(
                _recall_zero,
                "A user with no relevant items has no recall: return `float('nan')` so that "
                "averages leave them out, not 0.0.",
            ),
        ],
    },
    "13.5": {
        "reference": _ndcg_at_k,
        "mistakes": [
            Mistake(
                _ndcg_ideal_k,
                "The ideal DCG stops at min(number of relevant items, k): with 2 relevant "
                "items, a perfect list cannot fill k slots with hits.",
            ),
            Mistake(
                _ndcg_rank_from_zero,
                "The discount of rank r (counting from 1) is 1 / log2(r + 1): the first item "
                "gets 1, the second 1 / log2(3).",
            ),
        ],
    },
    "13.6": {
        "expected": _adj_sim,
        "mistakes": [
            Mistake(
                lambda: _cosine(_rating_matrix(_data()["train"])),
                "This is the cosine of the raw ratings: subtract each user's mean train rating "
                "from their ratings first (unrated cells stay 0).",
            ),
            Mistake(
                lambda: _cosine(_centred(_data()["train"]), zero_diagonal=False),
                "Set the diagonal to 0: an item should not count as its own neighbour.",
            ),
            Mistake(
                lambda: _cosine(_centred(_all_rows())),
                "This matrix uses the test ratings as well: build it from `train` only.",
            ),
        ],
    },
    "13.7": {
        "reference": _predict_mf,
        "mistakes": [
            Mistake(
                _predict_mf_no_fallback,
                "A user (or item) with no training rows has a bias and factors that were never "
                "trained: leave their terms out and fall back on mu plus the other side's bias.",
            ),
            Mistake(
                _predict_mf_unclipped,
                "Clip the predictions to the rating scale, [1, 5].",
            ),
        ],
    },
    "13.8": {"judge": _judge_lr_choice},
    "13.9": {"judge": _judge_svd},
    "13.10": {
        "expected": _pop_eval,
        "mistakes": [
            Mistake(
                lambda: _pop_eval(exclude_seen=False),
                "Leave out the items each user already rated in train: recommending them again "
                "wastes slots (and they cannot be test rows).",
            ),
            Mistake(
                lambda: _pop_eval(warm_only=False),
                "Cold-start users (no train rows) are included: evaluate only users with at "
                "least one train row, as the prompt says.",
            ),
            Mistake(
                lambda: _pop_eval(threshold=4),
                "Relevant here means a test rating of 5, not 4 or more.",
            ),
            Mistake(
                lambda: _pop_eval(popularity_rows="all"),
                "The popularity counts include test rows: count train ratings only.",
            ),
        ],
    },
    "13.11": {
        "reference": _als_user_step,
        "mistakes": [
            Mistake(
                _als_no_item_bias,
                "The target of a user's regression is what is left once the global mean AND "
                "the item's bias are taken out: `ratings - mu - bi[items]`.",
            ),
            Mistake(
                _als_free_bias,
                "The penalty applies to the bias too (the objective penalises b_u as well as "
                "p_u): add `reg` to every diagonal entry, the bias's included.",
            ),
        ],
    },
    "13.12": {
        "expected": _bias20,
        "mistakes": [
            Mistake(
                lambda: _bias20(head_rows="all"),
                "The 50 most-rated items are counted over train AND test rows: count train "
                "ratings only, as for the recommendations.",
            ),
        ],
    },
    "13.kc1": {
        "answer": "c",
        "explanation": "A random split lets the model learn from ratings given after the ones it "
        "is tested on; deployed, it only ever has the past.",
        "feedback": {
            "a": "The number of test ratings depends on how many rows are held out, not on how "
            "they are chosen: a random split can hold as many as a split in time.",
            "b": "Neither needs sorted rows: Surprise and NumPy fit on rows in any order (SGD's "
            "results shift slightly with the order, but it runs).",
            "d": "It is the other way round: a split in time leaves users and items that arrive "
            "late only in the test set (41 users and 7 items here), while a random split usually "
            "puts each user on both sides.",
        },
    },
    "13.kc2": {
        "answer": "b",
        "explanation": "With no train rows the user's factors were never learned; popularity (or "
        "what is known about the user, such as a chosen genre) is what is left.",
        "feedback": {
            "a": "A user's factor vector is learned only from that user's own ratings, by SGD and "
            "ALS alike; with no training ratings it is never learned (it keeps its initial "
            "values, or is missing), whatever similar users did.",
            "c": "A matrix factorisation stores a bias and a factor vector per user and per item, "
            "not item-item similarities; and before `split_time` this user had rated nothing to "
            "start from.",
            "d": "Dropping cold-start users hides a case every deployed system meets, and "
            "flatters its evaluation; they are better evaluated separately.",
        },
    },
    "13.kc3": {
        "answer": "d",
        "explanation": "NDCG discounts each hit by its rank, so the order inside the top k "
        "matters; precision@k only counts hits.",
        "feedback": {
            "a": "precision@10 divides the hits by 10, the length of the list, not by the number "
            "of relevant items, and it ignores where in the list the hits are.",
            "b": "recall@10 divides the hits by the user's number of relevant items; it gives "
            "every hit the same weight, wherever it is in the list.",
            "c": "Several ranking metrics look at where the hits are: the reciprocal rank, for "
            "one, is 1 when the first hit is at rank 1 and 1/8 when it is at rank 8.",
        },
    },
    "13.kc4": {
        "answer": "a",
        "explanation": "Users choose what they expect to like, so observed ratings are higher "
        "than the ratings of random items would be.",
        "feedback": {
            "b": "The generator adds no constant: each rating is a base of 2.5 plus user and item "
            "biases, a user-item term and noise, rounded and clipped to 1-5.",
            "c": "Popular items are not always better: in the generator popularity mostly sets "
            "how often an item is rated, and item biases lean only slightly towards popular "
            "items.",
            "d": "The generator simulates no trend over time (its card lists changes of taste and "
            "trends as not simulated), and the training ratings alone already average about 3.7.",
        },
    },
    "13.kc6": {
        "answer": "c",
        "explanation": "Over random_state 0-4 the best rate is 0.06, 0.03, 0.06, 0.06, 0.03, the "
        "two less than 0.007 apart: the data cannot tell them apart, so either is a "
        "sound choice, and a claim that one is better needs several seeds.",
        "feedback": {
            "a": "`random_state=0` is there for reproducibility, not as evidence: the winner "
            "changes with the seed, so one seed's win is no reason to prefer a rate.",
            "b": "The winner changes because the random start of SGD changes the fitted models, "
            "not because the validation rows are wrong; two candidates less than 0.007 apart can "
            "swap places on any validation set.",
            "d": "The learning rate matters: in the grid of exercise 8, 0.003 and 0.01 validate "
            "clearly worse (RMSE about 0.91 and 0.87). That two rates score alike does not make "
            "every rate alike.",
        },
    },
    "13.kc5": {
        "answer": "b",
        "explanation": "Coverage counts the distinct items recommended to anyone; a list that "
        "gives everyone the same popular items covers almost nothing.",
        "feedback": {
            "a": "Coverage does not measure how precise each list is: a small coverage only means "
            "that the lists repeat the same few items from user to user.",
            "c": "Coverage counts the distinct items recommended to anyone, relevant or not; the "
            "share of relevant items found is recall.",
            "d": "Both figures are over the same catalogue, so its size cannot explain why they "
            "differ.",
        },
    },
}
