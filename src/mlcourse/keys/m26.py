"""Answer key of module 26 (interview preparation): references, mistakes and quiz answers.

ROC-AUC's reference is the rank formula, tested equal to scikit-learn's ``roc_auc_score``; the
k-fold indices are written by hand and tested equal to ``KFold``'s (the checks trace calls into
scikit-learn, and a reference is also checked as a learner's answer); the other references
follow their prompts exactly. The confusion-matrix metrics are computed from the key's own copy
of ``CONFUSION``, the matrix the prompt states, taken when the key is imported.
"""

from __future__ import annotations

import math

import numpy as np

from mlcourse.checks import Mistake
from mlcourse.exercises.m26 import CONFUSION as _STATED

#: The key's own copy of the stated matrix: a notebook that changes its ``CONFUSION`` does not
#: change the expected metrics.
CONFUSION = dict(_STATED)

# --------------------------------------------------------------------------------------
# Exercise 1: ROC-AUC.
# --------------------------------------------------------------------------------------


def _roc_auc(y_true, scores) -> float:
    """The rank formula with average ranks (Mann-Whitney). It equals scikit-learn's
    ``roc_auc_score`` (tests/test_exercises/test_m26_adversarial.py compares them on every
    case and on random inputs); it does not call it, because the check traces calls into
    ``sklearn.metrics`` and the reference is also checked as a learner's answer."""
    from scipy.stats import rankdata

    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    n1, n0 = int((y == 1).sum()), int((y == 0).sum())
    if n1 == 0 or n0 == 0:
        raise ValueError("ROC-AUC needs both classes")
    return float((rankdata(s)[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _pairs(y_true, scores, tie: float) -> float:
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("ROC-AUC needs both classes")
    wins = (pos[:, None] > neg[None, :]).sum() + tie * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def _auc_strict(y_true, scores) -> float:
    """Ties count as losses."""
    return _pairs(y_true, scores, 0.0)


def _auc_ties_win(y_true, scores) -> float:
    """Ties count as wins."""
    return _pairs(y_true, scores, 1.0)


def _auc_ordinal(y_true, scores) -> float:
    """Ranks from a double argsort: tied scores get distinct ranks."""
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    n1, n0 = int((y == 1).sum()), int((y == 0).sum())
    if n1 == 0 or n0 == 0:
        raise ValueError("ROC-AUC needs both classes")
    ranks = np.argsort(np.argsort(s, kind="stable"), kind="stable") + 1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


# --------------------------------------------------------------------------------------
# Exercise 2: k-fold indices.
# --------------------------------------------------------------------------------------


def _kfold(n, k):
    """Unshuffled k-fold, as ``KFold(n_splits=k)`` (tests/test_exercises/test_m26_adversarial.py
    compares them); written by hand because the check traces calls into scikit-learn."""
    if k < 2 or k > n:
        raise ValueError("need 2 <= k <= n")
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    return _folds_from_sizes(n, sizes)


def _folds_from_sizes(n, sizes):
    out, start = [], 0
    for size in sizes:
        test = np.arange(start, min(start + size, n))
        out.append((np.setdiff1d(np.arange(n), test), test))
        start += size
    return out


def _kfold_remainder_last(n, k):
    if k < 2 or k > n:
        raise ValueError("need 2 <= k <= n")
    base = n // k
    return _folds_from_sizes(n, [base] * (k - 1) + [n - base * (k - 1)])


def _kfold_remainder_dropped(n, k):
    if k < 2 or k > n:
        raise ValueError("need 2 <= k <= n")
    return _folds_from_sizes(n, [n // k] * k)


def _kfold_ceil(n, k):
    if k < 2 or k > n:
        raise ValueError("need 2 <= k <= n")
    size = math.ceil(n / k)
    return _folds_from_sizes(n, [size] * k)


# --------------------------------------------------------------------------------------
# Exercise 3: precision at k.
# --------------------------------------------------------------------------------------


def _top(y_true, scores, k, order):
    y, s = np.asarray(y_true), np.asarray(scores, dtype=float)
    if not 1 <= k <= len(s):
        raise ValueError("need 1 <= k <= n")
    return y, order(s)[:k]


def _precision_at_k(y_true, scores, k) -> float:
    y, top = _top(y_true, scores, k, lambda s: np.argsort(-s, kind="stable"))
    return float(np.mean(y[top] == 1))


def _patk_ascending(y_true, scores, k) -> float:
    y, top = _top(y_true, scores, k, lambda s: np.argsort(s, kind="stable"))
    return float(np.mean(y[top] == 1))


def _patk_late_ties(y_true, scores, k) -> float:
    y, top = _top(y_true, scores, k, lambda s: np.argsort(s, kind="stable")[::-1])
    return float(np.mean(y[top] == 1))


def _recall_at_k(y_true, scores, k) -> float:
    y, top = _top(y_true, scores, k, lambda s: np.argsort(-s, kind="stable"))
    positives = int((y == 1).sum())
    return float((y[top] == 1).sum() / positives) if positives else 0.0


# --------------------------------------------------------------------------------------
# Exercise 4: metrics from the confusion matrix.
# --------------------------------------------------------------------------------------


def _cm_metrics(swap=False, fdr=False, mean_f1=False) -> dict[str, float]:
    tn, fp, fn, tp = (CONFUSION[k] for k in ("tn", "fp", "fn", "tp"))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    if swap:
        precision, recall = recall, precision
    f1 = (precision + recall) / 2 if mean_f1 else 2 * precision * recall / (precision + recall)
    fpr = fp / (fp + tp) if fdr else fp / (fp + tn)
    return {"precision": precision, "recall": recall, "f1": f1, "false_positive_rate": fpr}


# --------------------------------------------------------------------------------------
# Exercise 5: a stratified split.
# --------------------------------------------------------------------------------------


def _check_frac(test_frac):
    if not 0 < test_frac < 1:
        raise ValueError("need 0 < test_frac < 1")


def _stratified_split(y, test_frac, seed, size=round):
    """The reference split: per class, the first ``size(test_frac * n)`` of a permutation."""
    _check_frac(test_frac)
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        test.extend(rows[: size(test_frac * len(rows))])
    test = np.sort(np.asarray(test, dtype=int))
    return np.setdiff1d(np.arange(len(y)), test), test


def _split_floor(y, test_frac, seed):
    """Mistake: the test share of each class rounded down instead of to the nearest."""
    return _stratified_split(y, test_frac, seed, size=int)


def _split_unstratified(y, test_frac, seed):
    _check_frac(test_frac)
    n = len(np.asarray(y))
    test = np.sort(np.random.default_rng(seed).permutation(n)[: round(test_frac * n)])
    return np.setdiff1d(np.arange(n), test), test


def _split_rng_per_class(y, test_frac, seed):
    _check_frac(test_frac)
    y = np.asarray(y)
    test = []
    for c in np.unique(y):
        rows = np.random.default_rng(seed).permutation(np.flatnonzero(y == c))
        test.extend(rows[: round(test_frac * len(rows))])
    test = np.sort(np.asarray(test, dtype=int))
    return np.setdiff1d(np.arange(len(y)), test), test


# --------------------------------------------------------------------------------------
# Exercise 6: a bootstrap interval.
# --------------------------------------------------------------------------------------


def _means(correct, n_boot, seed):
    correct = np.asarray(correct, dtype=float)
    if correct.size == 0:
        raise ValueError("no predictions")
    rng = np.random.default_rng(seed)
    return correct[rng.integers(0, len(correct), size=(n_boot, len(correct)))].mean(axis=1)


def _bootstrap_ci(correct, n_boot=2000, seed=0, confidence=0.95):
    means = _means(correct, n_boot, seed)
    low, high = np.percentile(means, [50 * (1 - confidence), 50 * (1 + confidence)])
    return float(low), float(high)


def _boot_one_sided(correct, n_boot=2000, seed=0, confidence=0.95):
    means = _means(correct, n_boot, seed)
    low, high = np.percentile(means, [100 * (1 - confidence), 100 * confidence])
    return float(low), float(high)


def _boot_normal(correct, n_boot=2000, seed=0, confidence=0.95):
    from scipy.stats import norm

    means = _means(correct, n_boot, seed)
    z = norm.ppf(0.5 + confidence / 2)
    return float(means.mean() - z * means.std()), float(means.mean() + z * means.std())


KEY = {
    "26.1": {
        "reference": _roc_auc,
        "mistakes": [
            Mistake(
                _auc_strict,
                "Tied scores count as losses here: a (positive, negative) pair with equal "
                "scores counts one half. Average ranks do that for you.",
            ),
            Mistake(
                _auc_ties_win,
                "Tied scores count as wins here: a (positive, negative) pair with equal scores "
                "counts one half.",
            ),
            Mistake(
                _auc_ordinal,
                "Tied scores get different ranks here (the order of a sort): give tied scores "
                "the average of the ranks they share.",
            ),
        ],
    },
    "26.2": {
        "reference": _kfold,
        "mistakes": [
            Mistake(
                _kfold_remainder_last,
                "The last fold takes the whole remainder, so fold sizes can differ by more than "
                "one: the first n % k folds get one extra row each.",
            ),
            Mistake(
                _kfold_remainder_dropped,
                "The last n % k rows are in no test fold: every row must be tested exactly once.",
            ),
            Mistake(
                _kfold_ceil,
                "Folds of ceil(n / k) rows leave the last fold short (or empty): the first "
                "n % k folds get n // k + 1 rows, the others n // k.",
            ),
        ],
    },
    "26.3": {
        "reference": _precision_at_k,
        "mistakes": [
            Mistake(_patk_ascending, "These are the k lowest scores: sort from high to low."),
            Mistake(
                _patk_late_ties,
                "On tied scores the later item comes first here: keep tied items in their "
                "original order (a stable sort of the negated scores).",
            ),
            Mistake(
                _recall_at_k,
                "This divides by the number of positives (recall at k): precision at k divides "
                "by k.",
            ),
        ],
    },
    "26.4": {
        "expected": _cm_metrics,
        "mistakes": [
            Mistake(
                lambda: _cm_metrics(swap=True),
                "Precision and recall are swapped: precision divides by the flagged "
                "transactions (tp + fp), recall by the frauds (tp + fn).",
            ),
            Mistake(
                lambda: _cm_metrics(fdr=True),
                "That false positive rate divides by the flagged transactions (it is the false "
                "discovery rate): divide by the legitimate ones, fp + tn.",
            ),
            Mistake(
                lambda: _cm_metrics(mean_f1=True),
                "F1 is the harmonic mean of precision and recall, not their average.",
            ),
        ],
    },
    "26.5": {
        "reference": _stratified_split,
        "mistakes": [
            Mistake(
                _split_floor,
                "int(...) rounds down: take round(test_frac * n_c) rows of each class.",
            ),
            Mistake(
                _split_unstratified,
                "This shuffles all rows together, so the class shares of the test set drift: "
                "split each class on its own.",
            ),
            Mistake(
                _split_rng_per_class,
                "A new generator per class repeats the same random stream for every class: "
                "create one generator before the loop.",
            ),
        ],
    },
    "26.6": {
        "reference": _bootstrap_ci,
        "mistakes": [
            Mistake(
                _boot_one_sided,
                "This cuts (1 - confidence) from each end, so the interval is too narrow: cut "
                "half of it from each end.",
            ),
            Mistake(
                _boot_normal,
                "This is a normal approximation: the task asks for the percentiles of the "
                "bootstrap accuracies themselves.",
            ),
        ],
    },
    "26.7": {
        "answer": "c",
        "explanation": "Line A copies every fraud before any split, so cross_val_score (line D) "
        "puts copies of the same fraud in a training fold and in the fold it is scored on: the "
        "validation folds partly repeat training rows, and the 0.96 measures memory, not "
        "generalisation (X_test is never scored). The copies also raise the fraud rate from "
        "0.5% to about 2%, and average precision rises with the positive rate (its baseline), "
        "so even an honest score on the upsampled rows would not compare with production. "
        "Resample the training rows only, inside each fold, and evaluate at the real fraud rate.",
        "feedback": {
            "a": "Class weights change how much each training row counts; they use no "
            "validation row.",
            "b": "cross_val_score refits the whole pipeline, scaler included, on each training "
            "fold: that is the leak-free way to scale.",
            "d": "Stratifying uses the labels only to keep the class shares equal on both sides; "
            "no label reaches the model through it.",
        },
    },
    "26.8": {
        "answer": "d",
        "explanation": "The team reads 300 alerts a day whatever the model does, so what matters "
        "is how many frauds are among the 300 highest scores of a day: precision at 300 (with "
        "400 frauds a day, recall within the reviewed alerts says the same thing).",
        "feedback": {
            "a": "With 0.1% fraud, flagging nothing is 99.9% accurate: accuracy rewards a useless "
            "model.",
            "b": "ROC-AUC averages over every threshold, including the millions of low-scored "
            "transactions nobody reviews.",
            "c": "A 0.5 threshold may flag 50 or 5,000 transactions a day, whatever the team's "
            "capacity is: F1 at a fixed threshold ignores that capacity.",
        },
    },
    "26.kc1": {
        "answer": "a",
        "explanation": "A large gap between training and validation scores with a validation "
        "curve still rising is high variance: the model fits noise, and more rows (or a "
        "simpler, more regularised model) narrow the gap.",
        "feedback": {
            "b": "High bias shows as both curves low and close together; here the training "
            "score is perfect.",
            "c": "A flexible model (a deep tree, say) reaches 1.000 on its own training rows "
            "without any leak; only the validation score could reveal a leak.",
            "d": "The gap is the diagnosis: it says the model is not yet using what it learned "
            "on new rows as well as it could.",
        },
    },
    "26.kc2": {"expected": lambda: 0.9 * 0.002 / (0.9 * 0.002 + 0.01 * 0.998)},
    "26.kc3": {
        "answer": "b",
        "explanation": "A wrong answer sends a question back to box 0, whose interval is 0 "
        "days: it is due again the same day, so it comes back at your next drill, and climbs "
        "the boxes (1, 3, 7, 21, 60 days) again one right answer at a time.",
        "feedback": {
            "a": "Reread how the lesson's Leitner boxes treat a wrong answer: the box it was in "
            "does not set where it goes.",
            "c": "Reread the rule for a wrong answer in the lesson: the drill does change the "
            "question's box.",
            "d": "Nothing leaves the drill: a missed question is exactly what it should show "
            "again soon.",
        },
    },
    "26.kc4": {"expected": lambda: (3 + 1 + 0.5) / 6},
    "26.kc5": {
        "answer": "a",
        "explanation": "The model will score months it has not seen, after fraud patterns have "
        "moved: a split in time (train on the past, validate and test on later months) "
        "measures exactly that, and keeps future rows out of training.",
        "feedback": {
            "b": "A random split mixes future months into training, so the score is too "
            "optimistic for a model that must score next month.",
            "c": "Shuffled folds train on later months to predict earlier ones: the model sees "
            "the future.",
            "d": "A training score measures fit, not performance on new transactions, whatever "
            "the regularisation.",
        },
    },
}
