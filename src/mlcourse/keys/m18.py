"""Answer key of module 18 (sequences and NLP): references, mistakes and judges.

The project exercises are judged from the course's own reviews: the key compares the TF-IDF grid
search's CV scores with stored ones (``CV_SCORES``, which a test regenerates) and refits the
best pipeline on the training reviews, encodes the validation and test reviews with the
learner's vocabulary and recomputes the learner's LSTM outputs from its weights in NumPy
(Keras's ``predict`` is never called), and recomputes the write-up's figures.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Fail, Mistake, at, require_dict, require_list, require_str
from mlcourse.exercises.m18 import _CONFIG_KEYS, C_GRID, N_BOOT, SEQ_LEN, _reviews

_TOKEN = re.compile(r"[a-z0-9']+")
_KERAS_STRIP = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_MARGIN = 0.05  # exercise 8: how far above the unigram-count baseline the LSTM must be
_VAL_LOSS_TOL = 1e-3  # exercise 8: the recomputed validation loss against the history's last
# Exercise 8: a model that has learned the test reviews does better on them than on reviews it
# has never seen; right work scores them alike. The key holds 1,000 sealed reviews (another
# seed of `make_reviews`, `_sealed()`) that the learner never sees. Measured with the prompt's
# model (6 epochs), right work (seeds 1-9 and 42) gave test/sealed loss ratios of 0.89 to 1.34
# (a reviewer saw 0.74) and test minus sealed accuracies of -0.014 to 0.014. Training on fit +
# val + test gave ratios 0.52 to 0.62 (4 seeds, accuracy gaps near 0.01); on val + test only,
# ratios 0.58 to 0.75 with accuracy gaps of 0.053 to 0.128 (5 seeds). So the test loss must be
# at least 0.65 of the sealed loss and the test accuracy at most 0.045 above the sealed one
# (about 2.4 standard errors for a model at the accuracy bar, more for a better one).
_TEST_SEALED_RATIO = 0.65
_SEALED_ACC_GAP = 0.045
_SEALED_SEED = 18_018  # the sealed reviews' seed (make_reviews): in the key only
# Exercise 8: and at least this fraction of its validation loss. Measured with the prompt's
# model (6 epochs): right work gave 0.67, 0.74, 0.80 and 0.88 (seeds 1, 2, 3, 42); training on
# fit + test gave 0.32, 2 more epochs on the test reviews 0.34 and 0.47.
_TEST_VAL_RATIO = 0.5
_FIGURE_TOL = 0.0005 + 1e-9  # write-up figures are rounded to 3 decimals

# --------------------------------------------------------------------------------------
# References of the function exercises.
# --------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _encode(texts, vocab, length):
    out = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [vocab.get(token, 1) for token in _tokens(text)][:length]
        out[i, : len(ids)] = ids
    return out


def _pair_counts(word_counts):
    counts: dict[tuple[str, str], int] = {}
    for word, n in word_counts.items():
        for pair in zip(word[:-1], word[1:], strict=False):
            counts[pair] = counts.get(pair, 0) + n
    return counts


def _merge(word, pair):
    out, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            out.append(word[i] + word[i + 1])
            i += 2
        else:
            out.append(word[i])
            i += 1
    return tuple(out)


def _bpe_step(word_counts):
    counts = _pair_counts(word_counts)
    if not counts:
        return None, dict(word_counts)
    top = max(counts.values())
    pair = min(p for p, c in counts.items() if c == top)
    merged: dict[tuple[str, ...], int] = {}
    for word, n in word_counts.items():
        new = _merge(word, pair)
        merged[new] = merged.get(new, 0) + n
    return pair, merged


def _one_hot(ids, vocab_size):
    ids = np.asarray(ids)
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError("id out of range")
    return np.eye(vocab_size)[ids]


def _rnn_forward(X, Wx, Wh, b):
    h = np.zeros((X.shape[0], Wh.shape[0]))
    states = []
    for t in range(X.shape[1]):
        h = np.tanh(X[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)


def _attention(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is None:
        mask = np.ones(scores.shape, dtype=bool)
    masked = np.where(mask, scores, -np.inf)
    row_max = masked.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    e = np.where(mask, np.exp(np.where(mask, scores, row_max) - row_max), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return weights @ V, weights


def _positional_encoding(length, d):
    pos = np.arange(length)[:, None]
    j = np.arange(d)[None, :]
    angle = pos / 10000 ** (2 * (j // 2) / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def _paired_bootstrap(a, b, n_boot, seed):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n_boot, len(a)))
    diffs = (a[idx] - b[idx]).mean(axis=1)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return float(lo), float(hi)


# --------------------------------------------------------------------------------------
# Known wrong implementations.
# --------------------------------------------------------------------------------------


def _encode_oov_zero(texts, vocab, length):
    out = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [vocab.get(token, 0) for token in _tokens(text)][:length]
        out[i, : len(ids)] = ids
    return out


def _encode_prepad(texts, vocab, length):
    out = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [vocab.get(token, 1) for token in _tokens(text)][:length]
        if ids:
            out[i, length - len(ids) :] = ids
    return out


def _encode_keep_last(texts, vocab, length):
    out = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [vocab.get(token, 1) for token in _tokens(text)][-length:]
        out[i, : len(ids)] = ids
    return out


def _encode_split(texts, vocab, length):
    out = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [vocab.get(token, 1) for token in text.lower().split()][:length]
        out[i, : len(ids)] = ids
    return out


def _encode_no_lower(texts, vocab, length):
    out = np.zeros((len(texts), length), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [vocab.get(token, 1) for token in re.findall(r"[A-Za-z0-9']+", text)][:length]
        out[i, : len(ids)] = ids
    return out


def _bpe_unweighted(word_counts):
    return _bpe_step(dict.fromkeys(word_counts, 1))[0], _bpe_step(word_counts)[1]


def _bpe_first_seen(word_counts):
    counts = _pair_counts(word_counts)
    if not counts:
        return None, dict(word_counts)
    pair = max(counts, key=counts.get)  # the first pair reached among the ties
    merged: dict[tuple[str, ...], int] = {}
    for word, n in word_counts.items():
        new = _merge(word, pair)
        merged[new] = merged.get(new, 0) + n
    return pair, merged


def _bpe_overwrite(word_counts):
    pair, _ = _bpe_step(word_counts)
    if pair is None:
        return None, dict(word_counts)
    return pair, {_merge(word, pair): n for word, n in word_counts.items()}


def _one_hot_unchecked(ids, vocab_size):
    return np.eye(vocab_size)[np.asarray(ids)]


def _rnn_no_recurrence(X, Wx, Wh, b):
    return np.tanh(X @ Wx + b)


def _rnn_transposed(X, Wx, Wh, b):
    return _rnn_forward(X, Wx, Wh.T, b)


def _rnn_relu(X, Wx, Wh, b):
    h = np.zeros((X.shape[0], Wh.shape[0]))
    states = []
    for t in range(X.shape[1]):
        h = np.maximum(X[:, t] @ Wx + h @ Wh + b, 0.0)
        states.append(h)
    return np.stack(states, axis=1)


def _attention_scaled_by(divisor):
    def attention(Q, K, V, mask=None):
        return _attention(Q * np.sqrt(Q.shape[-1]) / divisor(Q.shape[-1]), K, V, mask)

    return attention


def _attention_big_negative(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ V, weights


def _attention_query_axis(Q, K, V, mask=None):
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    e = np.exp(scores - scores.max(axis=-2, keepdims=True))
    weights = e / e.sum(axis=-2, keepdims=True)
    return weights @ V, weights


def _pe_column_exponent(length, d):
    pos = np.arange(length)[:, None]
    j = np.arange(d)[None, :]
    angle = pos / 10000 ** (j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def _pe_swapped(length, d):
    pos = np.arange(length)[:, None]
    j = np.arange(d)[None, :]
    angle = pos / 10000 ** (2 * (j // 2) / d)
    return np.where(j % 2 == 0, np.cos(angle), np.sin(angle))


def _boot_unpaired(a, b, n_boot, seed):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    ia = rng.integers(0, len(a), size=(n_boot, len(a)))
    ib = rng.integers(0, len(b), size=(n_boot, len(b)))
    diffs = a[ia].mean(axis=1) - b[ib].mean(axis=1)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return float(lo), float(hi)


def _boot_normal(a, b, n_boot, seed):
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    se = d.std(ddof=1) / math.sqrt(len(d))
    return float(d.mean() - 1.96 * se), float(d.mean() + 1.96 * se)


def _boot_reversed(a, b, n_boot, seed):
    return _paired_bootstrap(b, a, n_boot, seed)


# --------------------------------------------------------------------------------------
# Exercise 7: the TF-IDF baseline, rerun by the key.
# --------------------------------------------------------------------------------------


def _pipeline(C: float = 1.0):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from mlcourse.exercises.m18 import _TFIDF_PARAMS

    return Pipeline(
        [
            ("tfidf", TfidfVectorizer(**_TFIDF_PARAMS)),
            ("clf", LogisticRegression(C=C, solver="liblinear")),
        ]
    )


# GridSearchCV's 5-fold accuracy of each C on the 3,000 training reviews, computed by
# `_cv_scores()`; stored so that a check does not rerun 20 fits. A test
# (tests/test_exercises/test_m18_adversarial.py) recomputes them and fails when they change.
CV_SCORES = {
    1.0: 0.7953333333333333,
    10.0: 0.8186666666666668,
    100.0: 0.821,
    1000.0: 0.8140000000000001,
}


def _cv_scores() -> dict[float, float]:
    """GridSearchCV's 5-fold scores, with each fold's TF-IDF fitted once for every C."""
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    d = _reviews()
    texts, y = np.array(d["train_text"], dtype=object), d["y_train"]
    folds: dict[float, list[float]] = {C: [] for C in C_GRID}
    for fit, val in StratifiedKFold(5).split(texts, y):
        vec = _pipeline().named_steps["tfidf"].fit(texts[fit])
        X_fit, X_val = vec.transform(texts[fit]), vec.transform(texts[val])
        for C in C_GRID:
            clf = clone(_pipeline(C).named_steps["clf"]).fit(X_fit, y[fit])
            folds[C].append(float(np.mean(clf.predict(X_val) == y[val])))
    return {C: float(np.mean(folds[C])) for C in C_GRID}


@lru_cache(maxsize=1)
def _reference_search() -> dict[str, Any]:
    """The search's reference: CV scores (stored), the best C, and the pipeline refitted there."""
    d = _reviews()
    y = d["y_train"]
    scores = dict(CV_SCORES)
    best = max(C_GRID, key=lambda C: (scores[C], -C_GRID.index(C)))
    final = _pipeline(best).fit(d["train_text"], y)
    pred = final.predict(d["test_text"])
    return {
        "scores": scores,
        "best": best,
        "vocabulary": sorted(final.named_steps["tfidf"].vocabulary_),
        "coef": final.named_steps["clf"].coef_.copy(),
        "intercept": final.named_steps["clf"].intercept_.copy(),
        "test_correct": (pred == d["y_test"]).astype(float),
    }


def _reference_params() -> tuple[dict[str, str], dict[str, str]]:
    pipe = _pipeline()
    vec = {k: repr(v) for k, v in sorted(pipe.named_steps["tfidf"].get_params().items())}
    clf = {k: repr(v) for k, v in sorted(pipe.named_steps["clf"].get_params().items())}
    return vec, clf


def _judge_search(data: Any) -> None:
    keys = (
        "step_names",
        "vectorizer",
        "classifier",
        "grid",
        "params",
        "mean_test_score",
        "best_C",
        "vocabulary",
        "coef",
        "intercept",
        "baseline_acc",
    )
    require_dict(data, "data", keys)
    require_list(data["step_names"], at("data", "step_names"), length=2, item=require_str)
    require_list(data["params"], at("data", "params"))
    require_list(data["mean_test_score"], at("data", "mean_test_score"))
    require_list(data["vocabulary"], at("data", "vocabulary"), item=require_str)
    want_vec, want_clf = _reference_params()
    vec = require_dict(data["vectorizer"], at("data", "vectorizer"), want_vec)
    clf = require_dict(data["classifier"], at("data", "classifier"), want_clf)
    for value in (*vec.values(), *clf.values(), data["grid"]):
        require_str(value, at("data", "settings"))
    wrong = sorted(k for k in want_vec if vec.get(k) != want_vec[k])
    if wrong or set(vec) != set(want_vec):
        raise Fail(
            "The `TfidfVectorizer` does not have the settings the prompt gives "
            f"(different: {', '.join(wrong[:5]) or 'its parameter names'}): use "
            "`TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)` and leave the "
            "rest at its defaults."
        )
    wrong = sorted(k for k in want_clf if k != "C" and clf.get(k) != want_clf[k])
    if wrong or set(clf) != set(want_clf):
        raise Fail(
            "The `LogisticRegression` does not have the settings the prompt gives "
            f"(different: {', '.join(wrong[:5]) or 'its parameter names'}): use "
            "`LogisticRegression(solver='liblinear')` with no other arguments, and let the "
            "search set `C`."
        )
    params = require_list(data["params"], at("data", "params"))
    scores = require_list(data["mean_test_score"], at("data", "mean_test_score"))
    names = [require_str(name, at("data", "step_names")) for name in data["step_names"]]
    if len(names) != 2:
        raise Fail("The pipeline should have two steps.")
    param = f"{names[1]}__C"
    candidates = []
    for i, p in enumerate(params):
        candidate = require_dict(p, at("data", f"params[{i}]"))
        value = candidate.get(param)
        if set(candidate) != {param} or not isinstance(value, float):
            raise Fail(
                f"Every candidate of the search should set only `{param}`, to a number: search "
                "over `C` alone, with the grid `C_GRID`."
            )
        candidates.append(value)
    if sorted(candidates) != sorted(C_GRID) or len(scores) != len(candidates):
        raise Fail(
            "The search's candidates are not the values of `C_GRID`, each once: pass "
            "`{'clf__C': list(C_GRID)}` as the grid."
        )
    ref = _reference_search()
    for C, score in zip(candidates, scores, strict=True):
        if not isinstance(score, float) or not abs(score - ref["scores"][C]) <= 1e-9:
            raise Fail(
                "The cross-validation scores of `search` are not the 5-fold accuracies of this "
                "pipeline on the 3,000 training reviews: fit the search on `train_text, "
                "y_train`, all of them and nothing else."
            )
    if type(data["best_C"]) is not float or data["best_C"] != ref["best"]:
        raise Fail(
            "The `C` of the refitted pipeline is not the one with the best cross-validation "
            "accuracy: keep `refit=True` and let the search choose."
        )
    coef = data["coef"] if isinstance(data["coef"], np.ndarray) else None
    intercept = data["intercept"] if isinstance(data["intercept"], np.ndarray) else None
    if (
        coef is None
        or intercept is None
        or coef.dtype.kind != "f"
        or intercept.dtype.kind != "f"
        or intercept.shape != ref["intercept"].shape
        or not np.allclose(intercept, ref["intercept"], rtol=1e-4, atol=1e-6)
    ):
        raise Fail(
            "The refitted pipeline's coefficients are not those of a logistic regression "
            "refitted on the 3,000 training reviews: fit `search` once, on `train_text, y_train`."
        )
    if (
        data["vocabulary"] != ref["vocabulary"]
        or coef is None
        or coef.shape != ref["coef"].shape
        or not np.allclose(coef, ref["coef"], rtol=1e-4, atol=1e-6)
    ):
        raise Fail(
            "The refitted pipeline was not fitted on the 3,000 training reviews alone: its "
            "vocabulary or its coefficients differ from those of the same pipeline refitted "
            "there. Fit `search` once, on `train_text, y_train`."
        )
    acc = data["baseline_acc"]
    if not isinstance(acc, float) or not abs(acc - ref["test_correct"].mean()) <= _FIGURE_TOL:
        raise Fail(
            "`baseline_acc` is not the accuracy of `search` on the 1,000 test reviews: "
            "compare `search.predict(test_text)` with `y_test`."
        )


# --------------------------------------------------------------------------------------
# Exercise 8: the LSTM, recomputed from its weights.
# --------------------------------------------------------------------------------------


def _keras_tokens(text: str) -> list[str]:
    return _KERAS_STRIP.sub("", text.lower()).split()


@lru_cache(maxsize=1)
def _token_sets() -> tuple[frozenset[str], frozenset[str]]:
    d = _reviews()
    train = frozenset(t for text in d["train_text"] for t in _keras_tokens(text))
    test = frozenset(t for text in d["test_text"] for t in _keras_tokens(text))
    return train, test


def _vectorize(texts: list[str], vocabulary: list[str]) -> np.ndarray:
    index = {token: i for i, token in enumerate(vocabulary) if i >= 2}
    out = np.zeros((len(texts), SEQ_LEN), dtype=np.int64)
    for i, text in enumerate(texts):
        ids = [index.get(t, 1) for t in _keras_tokens(text)][:SEQ_LEN]
        out[i, : len(ids)] = ids
    return out


@lru_cache(maxsize=1)
def _unigram_baseline() -> float:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    d = _reviews()
    pipe = make_pipeline(CountVectorizer(), LogisticRegression(solver="liblinear"))
    pipe.fit(d["train_text"], d["y_train"])
    return float(np.mean(pipe.predict(d["test_text"]) == d["y_test"]))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _weights(layer: dict[str, Any], n: int, path: str) -> list[np.ndarray]:
    weights = require_list(layer.get("weights"), at(path, "weights"))
    if len(weights) != n or not all(
        isinstance(w, np.ndarray) and w.dtype.kind == "f" and np.all(np.isfinite(w))
        for w in weights
    ):
        raise Fail(f"A layer of `model` does not have its {n} finite weight arrays.")
    return [w.astype(np.float64) for w in weights]


def _network(data: Any) -> dict[str, Any]:
    """The model's parts, once the vectorizer and the layers are what the prompt asks for."""
    require_dict(
        data,
        "data",
        ("vectorizer", "vocabulary", "layers", "iterations", "val_loss", "epochs_run", "steps"),
    )
    want = {
        "standardize": "lower_and_strip_punctuation",
        "split": "whitespace",
        "output_mode": "int",
        "output_sequence_length": str(SEQ_LEN),
        "ngrams": "None",
    }
    config = require_dict(data["vectorizer"], at("data", "vectorizer"), want)
    for value in config.values():
        require_str(value, at("data", "vectorizer"))
    if any(config.get(k) != v for k, v in want.items()):
        raise Fail(
            "`vectorizer` should keep TextVectorization's default standardisation, splitting "
            f"and output mode, with `output_sequence_length={SEQ_LEN}` and no n-grams."
        )
    vocabulary = require_list(data["vocabulary"], at("data", "vocabulary"))
    if (
        len(vocabulary) < 3
        or len(vocabulary) > 50_000
        or not all(isinstance(t, str) for t in vocabulary)
        or vocabulary[:2] != ["", "[UNK]"]
        or len(set(vocabulary)) != len(vocabulary)
    ):
        raise Fail(
            "The vocabulary of `vectorizer` should start with the padding '' and '[UNK]', "
            "followed by distinct tokens: call `vectorizer.adapt(...)` on the training texts."
        )
    train_tokens, test_tokens = _token_sets()
    unseen = [t for t in vocabulary[2:] if t not in train_tokens]
    if any(t in test_tokens for t in unseen):
        raise Fail(
            "The vocabulary of `vectorizer` holds words that occur only in the test reviews: "
            "it was adapted on them. Adapt it on the reviews you train on, never the test set."
        )
    if unseen:
        raise Fail("The vocabulary of `vectorizer` holds words that are not in any review.")
    layers = require_list(data["layers"], at("data", "layers"))
    for i, layer in enumerate(layers):
        require_dict(layer, at("data", f"layers[{i}]"), ("kind", "config", "weights"))
        require_str(layer["kind"], at("data", f"layers[{i}]"))
    kinds = [layer["kind"] for layer in layers if layer["kind"] != "Dropout"]
    if kinds != ["Embedding", "LSTM", "Dense"]:
        raise Fail(
            "`model` should be `keras.Input(shape=(40,), dtype='int32')` followed by exactly "
            "an `Embedding`, an `LSTM` and a `Dense` output layer (a `Dropout` may sit "
            f"between them); its layers are: {', '.join(str(k) for k in kinds)[:200]}."
        )
    emb, lstm, dense = (layer for layer in layers if layer["kind"] != "Dropout")
    cfg = {
        name: require_dict(layer["config"], at("data", name), _CONFIG_KEYS[name])
        for name, layer in (("Embedding", emb), ("LSTM", lstm), ("Dense", dense))
    }
    for config in cfg.values():
        for value in config.values():
            require_str(value, at("data", "config"))
    if cfg["Embedding"].get("mask_zero") != "True":
        raise Fail(
            "The `Embedding` should have `mask_zero=True`, so that the LSTM skips the padding."
        )
    lstm_want = {
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": "True",
        "return_sequences": "False",
        "go_backwards": "False",
    }
    if any(cfg["LSTM"].get(k) != v for k, v in lstm_want.items()):
        raise Fail(
            "Keep the `LSTM`'s defaults (tanh, sigmoid gates, a bias) and return only its last "
            "state (`return_sequences=False`)."
        )
    if cfg["Dense"].get("activation") != "sigmoid" or cfg["Dense"].get("use_bias") != "True":
        raise Fail(
            "The output layer should be `Dense(1, activation='sigmoid')`: one probability of a "
            "positive review."
        )
    (E,) = _weights(emb, 1, "Embedding")
    W, U, b = _weights(lstm, 3, "LSTM")
    Wd, bd = _weights(dense, 2, "Dense")
    units = U.shape[0] if U.ndim == 2 else -1
    if (
        E.ndim != 2
        or E.shape[0] != len(vocabulary)
        or W.shape != (E.shape[1], 4 * units)
        or U.shape != (units, 4 * units)
        or b.shape != (4 * units,)
        or Wd.shape != (units, 1)
        or bd.shape != (1,)
    ):
        raise Fail(
            "The weights of `model` do not fit together: the `Embedding` needs one row per "
            "token of the vocabulary (`len(vectorizer.get_vocabulary())`), and the output "
            "layer one unit."
        )
    return {"vocabulary": vocabulary, "E": E, "W": W, "U": U, "b": b, "Wd": Wd, "bd": bd}


@lru_cache(maxsize=1)
def _val_rows() -> np.ndarray:
    """The validation rows of exercise 8's split (stated in the prompt: a stratified fifth of
    the training reviews, random_state=0)."""
    from sklearn.model_selection import train_test_split

    y = _reviews()["y_train"]
    _, val = train_test_split(np.arange(len(y)), test_size=0.2, stratify=y, random_state=0)
    return val


@lru_cache(maxsize=1)
def _sealed() -> dict[str, Any]:
    """1,000 reviews generated like the course's, from a seed that only the key knows."""
    from mlcourse.datasets import make_reviews

    reviews = make_reviews(2_000, test_size=0.5, seed=_SEALED_SEED).test
    return {
        "text": [str(t) for t in reviews["text"]],
        "y": reviews["label"].to_numpy().astype(np.int64),
    }


@lru_cache(maxsize=6)
def _vectorized(split: str, vocabulary: tuple[str, ...]) -> np.ndarray:
    if split == "sealed":
        return _vectorize(_sealed()["text"], list(vocabulary))
    if split == "val":
        texts = _reviews()["train_text"]
        return _vectorize([texts[i] for i in _val_rows()], list(vocabulary))
    return _vectorize(_reviews()[f"{split}_text"], list(vocabulary))


_PROBA_CACHE: dict[tuple[Any, ...], np.ndarray] = {}


def _lstm_proba(net: dict[str, Any], split: str, n: int | None = None) -> np.ndarray:
    """The LSTM's probabilities of the first ``n`` reviews of a split ("train", "val" or
    "test"), from its weights; the last few results are kept by a digest of the weights and
    the vocabulary, since one model is judged by several checks in a row."""
    import hashlib

    digest = hashlib.sha256()
    for name in ("E", "W", "U", "b", "Wd", "bd"):
        array = np.ascontiguousarray(net[name], dtype=np.float64)
        digest.update(repr(array.shape).encode())
        digest.update(array.tobytes())
    digest.update("\n".join(net["vocabulary"]).encode())
    key = (digest.hexdigest(), split, n)
    if key not in _PROBA_CACHE:
        if len(_PROBA_CACHE) >= 8:
            _PROBA_CACHE.pop(next(iter(_PROBA_CACHE)))
        _PROBA_CACHE[key] = _lstm_proba_uncached(net, split, n)
    return _PROBA_CACHE[key].copy()


def _lstm_proba_uncached(net: dict[str, Any], split: str, n: int | None) -> np.ndarray:
    from threadpoolctl import threadpool_limits

    ids = _vectorized(split, tuple(net["vocabulary"]))[:n]
    mask = ids != 0
    units = net["U"].shape[0]
    with threadpool_limits(1):  # many small products: BLAS threads only add overhead
        Z = (net["E"][ids] @ net["W"] + net["b"]).transpose(1, 0, 2)
        h = np.zeros((len(ids), units))
        c = np.zeros((len(ids), units))
        for t in range(ids.shape[1]):
            z = Z[t] + h @ net["U"]
            i, f, g, o = (z[:, k * units : (k + 1) * units] for k in range(4))
            c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h_new = _sigmoid(o) * np.tanh(c_new)
            keep = mask[:, t : t + 1]
            c = np.where(keep, c_new, c)
            h = np.where(keep, h_new, h)
        return _sigmoid(h @ net["Wd"] + net["bd"])[:, 0]


def _log_loss(p: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def _lstm_correct(data: Any) -> np.ndarray:
    """The learner's LSTM judged as exercise 8 asks; returns its correct test predictions."""
    net = _network(data)
    iterations = data["iterations"]
    if type(iterations) is not int or iterations <= 0:
        raise Fail(
            "The optimiser of `model` made no update: `model` was never trained itself. "
            "Compile it and call `model.fit(...)`."
        )
    val_loss = require_list(data["val_loss"], at("data", "val_loss"))
    epochs_run, steps = data["epochs_run"], data["steps"]
    if (
        not val_loss
        or not all(isinstance(v, float) and math.isfinite(v) for v in val_loss)
        or type(epochs_run) is not int
        or epochs_run != len(val_loss)
    ):
        raise Fail(
            "The last `fit` of `model` has no validation loss: hold out part of the training "
            "reviews and pass it as `validation_data`."
        )
    if type(steps) is not int or steps <= 0 or iterations < epochs_run * steps:
        raise Fail(
            "The optimiser of `model` made fewer updates than its last `fit` reports "
            "(epochs times batches per epoch): train `model` itself with `model.fit(...)`."
        )
    d = _reviews()
    y_val = d["y_train"][_val_rows()]
    own_val_loss = float(_log_loss(_lstm_proba(net, "val"), y_val).mean())
    if not abs(own_val_loss - val_loss[-1]) <= _VAL_LOSS_TOL:
        raise Fail(
            "The last validation loss in `model.history` is not the loss of `model` on the "
            "validation reviews of the prompt's split: hold out a stratified fifth of the "
            "training reviews with `random_state=0`, pass it as `validation_data`, and do not "
            "change the model after its last `fit`."
        )
    p_test = _lstm_proba(net, "test")
    correct = ((p_test >= 0.5).astype(int) == d["y_test"]).astype(float)
    bar = _unigram_baseline() + _MARGIN
    if correct.mean() < bar:
        raise Fail(
            f"`model` gets {correct.mean():.3f} of the test reviews right, not clearly above "
            "a bag of single words with logistic regression. Train longer or with a larger "
            "learning rate, and check that the texts reach the model as ids."
        )
    test_loss = float(_log_loss(p_test, d["y_test"]).mean())
    if test_loss < _TEST_VAL_RATIO * own_val_loss:
        raise Fail(
            "`model`'s loss on the test reviews is less than half its validation loss: the "
            "test reviews look learned. Train on (part of) `train_text` only."
        )
    sealed = _sealed()
    p_sealed = _lstm_proba(net, "sealed")
    sealed_loss = float(_log_loss(p_sealed, sealed["y"]).mean())
    sealed_acc = float(np.mean((p_sealed >= 0.5).astype(int) == sealed["y"]))
    if (
        test_loss < _TEST_SEALED_RATIO * sealed_loss
        or correct.mean() > sealed_acc + _SEALED_ACC_GAP
    ):
        raise Fail(
            "`model` does much better on the test reviews than on new reviews of the same kind "
            "that it has never seen (the check generates them itself): the test reviews look "
            "learned. Train on (part of) `train_text` only."
        )
    return correct


def _judge_keras(data: Any) -> None:
    _lstm_correct(data)


# --------------------------------------------------------------------------------------
# Exercise 10: the write-up's figures, recomputed.
# --------------------------------------------------------------------------------------


def _figure(text: str, pattern: str, what: str) -> float:
    found = re.search(pattern, text)
    if found is None:
        raise Fail(
            f"The write-up should state {what} as `WRITEUP_TEMPLATE` does; it is missing. "
            "Fill the template with `WRITEUP_TEMPLATE.format(...)`, keeping its wording."
        )
    return float(found.group(1))


# Exercise 10: common English words, one of which any sentence of prose holds.
_FUNCTION_WORDS = frozenset(
    "a an the it its it's is are was were be been has have had do does did and or but nor "
    "because since as so than then though although while if when where whose who which what "
    "that this these those of to in on at for with by from into after before about over under "
    "i we you they he she them their our my me us would will can could should may might must "
    "not no more less most many much few some all any each both only also still even very too "
    "often there here how why one two".split()
)


def _sentence(text: str, label: str, what: str) -> str:
    found = re.search(r"^" + re.escape(label) + r"[ \t]*([^\n]*)", text, re.MULTILINE)
    words = set(re.findall(r"[a-z]{2,}", found.group(1).lower())) if found else set()
    voiced = {w for w in words if re.search(r"[aeiouy]", w)}
    if len(words) < 6 or 2 * len(voiced) < len(words) or not words & _FUNCTION_WORDS:
        raise Fail(
            f"The write-up's line `{label}` should say {what} in a sentence of your own "
            "(at least six different words of prose)."
        )
    return found.group(1).strip().lower()


# Exercise 10: the kinds of review of the lesson's table by structure, each with the words
# that name it in a sentence.
_KINDS = {
    "concessive": re.compile(r"\bconcessive\w*"),
    "contrast": re.compile(r"\bcontrast\w*"),
    "negated": re.compile(r"\bnegat\w*"),
    "plain": re.compile(r"\bplain\w*"),
}
_SHIP_LABEL = "Model I would ship:"
_WHY_LABEL = "Why:"
# Reasons other than accuracy that may justify shipping the less accurate model.
_NOT_ACCURACY = re.compile(
    r"\b(cost\w*|cheap\w*|fast\w*|speed|slow\w*|simpl\w*|time|second\w*|interpret\w*|"
    r"explain\w*|memory|latency|smaller|maintain\w*)\b"
)


def _structure(text: str) -> str:
    """The lesson's rough label of a review's structure (the notebook's `structure`)."""
    words = set(re.findall(r"[a-z']+", text.lower()))
    if {"although", "though"} & words:
        return "concessive"
    if {"but", "however", "yet"} & words:
        return "contrast"
    if {"not", "never", "isn't", "no", "cannot", "doesn't", "didn't", "wasn't"} & words:
        return "negated"
    return "plain"


@lru_cache(maxsize=1)
def _test_structures() -> np.ndarray:
    return np.array([_structure(t) for t in _reviews()["test_text"]])


def _weakest_kinds(correct: np.ndarray) -> set[str]:
    """The two structures with the LSTM's lowest test accuracy (more on a tie for second)."""
    kinds = _test_structures()
    acc = {k: float(correct[kinds == k].mean()) for k in sorted(set(kinds.tolist()))}
    ranked = sorted(acc.values())
    cut = ranked[min(1, len(ranked) - 1)]
    return {k for k, v in acc.items() if v <= cut + 1e-12}


def _ship(text: str) -> str:
    found = re.search(r"^" + re.escape(_SHIP_LABEL) + r"[ \t]*([^\n]*)$", text, re.MULTILINE)
    ship = found.group(1).strip().lower() if found else ""
    if ship not in ("lstm", "baseline"):
        raise Fail(
            f"The write-up's line `{_SHIP_LABEL}` should hold exactly `LSTM` or `baseline`: "
            "the model you would ship, and nothing else (the reason goes on the line `Why:`)."
        )
    return ship


def _judge_sentences(text: str) -> tuple[str, str, str]:
    """The write-up's two sentences and the model shipped, once each says something of its
    own kind."""
    errors = _sentence(
        text, "What the LSTM still gets wrong:", "which reviews the LSTM still gets wrong"
    )
    ship = _ship(text)
    why = _sentence(text, _WHY_LABEL, "why you would ship that model")
    if errors == why:
        raise Fail("The write-up's two sentences are the same: each answers its own question.")
    return errors, ship, why


def _check_errors(errors: str, correct: np.ndarray) -> None:
    """The errors line names one or two kinds of review, among them one of the two the
    learner's LSTM gets right least often."""
    named = {kind for kind, words in _KINDS.items() if words.search(errors)}
    if not named & _weakest_kinds(correct) or len(named) > 2:
        raise Fail(
            "The line `What the LSTM still gets wrong:` should name the kind of review your "
            "LSTM gets wrong most often (concessive, contrast, negated or plain): one of the "
            "two with its lowest accuracy in your table by structure, and at most two kinds."
        )


def _check_verdict(ship: str, why: str, low: float, high: float) -> None:
    """The model shipped must agree with the interval, unless the reason given is not accuracy."""
    worse = (ship == "lstm" and high < 0) or (ship == "baseline" and low > 0)
    lstm_worse = re.search(r"lstm is (?:\w+ )?(?:less accurate|worse)", why)
    base_worse = re.search(r"baseline is (?:\w+ )?(?:less accurate|worse)", why)
    if (
        (lstm_worse and low > 0)
        or (base_worse and high < 0)
        or (worse and not _NOT_ACCURACY.search(why))
    ):
        raise Fail(
            "The verdict contradicts your interval: it lies entirely on one side of zero, so "
            "one model is more accurate on these reviews. Ship that one, or say on the line "
            "`Why:` which other reason (cost, speed, simplicity) outweighs the difference."
        )


def _judge_writeup(data: Any) -> None:
    require_dict(data, "data")
    if "writeup" not in data:
        raise Fail("The collected answer has no write-up.")
    text = require_str(data["writeup"], at("data", "writeup"))
    data = {k: v for k, v in data.items() if k != "writeup"}
    if re.search(r"\{\w*(?:[:!][^}]*)?\}", text):
        raise Fail("The write-up still holds `{...}` fields: fill every one with `format`.")
    errors, ship, why = _judge_sentences(text)  # cheap text checks before the LSTM is recomputed
    lstm = _lstm_correct(data)
    base = _reference_search()["test_correct"]
    low, high = _paired_bootstrap(lstm, base, N_BOOT, 0)
    num = r"(-?[0-9]+(?:\.[0-9]+)?)"
    figures = (
        (
            r"logistic regression\) test accuracy: " + num,
            "the baseline's test accuracy",
            base.mean(),
        ),
        (r"LSTM test accuracy: " + num, "the LSTM's test accuracy", lstm.mean()),
        (r"minus baseline: \[" + num, "the interval's lower end", low),
        (r"minus baseline: \[[-0-9.]+, " + num + r"\]", "the interval's upper end", high),
    )
    for pattern, what, value in figures:
        if abs(_figure(text, pattern, what) - value) > _FIGURE_TOL:
            raise Fail(
                f"The write-up's figure for {what} does not match your work: fill it from "
                "your own figures on the test reviews (exercises 7 to 9), rounded to 3 decimals."
            )
    _check_errors(errors, lstm)
    _check_verdict(ship, why, low, high)


KEY = {
    "18.1": {
        "reference": _encode,
        "mistakes": [
            Mistake(
                _encode_oov_zero,
                "A word the vocabulary does not know gets the id 1 (out of vocabulary); 0 is "
                "the padding.",
            ),
            Mistake(
                _encode_prepad,
                "The padding goes at the end of each row: the ids start at column 0.",
            ),
            Mistake(
                _encode_keep_last,
                "A text longer than `length` keeps its first `length` tokens, not its last.",
            ),
            Mistake(
                _encode_split,
                "Splitting on spaces keeps the punctuation on the words ('good.'): take the "
                "runs of letters, digits and apostrophes with the regular expression of the "
                "prompt.",
            ),
            Mistake(_encode_no_lower, "Lower-case the text before you look words up."),
        ],
    },
    "18.2": {
        "reference": _bpe_step,
        "mistakes": [
            Mistake(
                _bpe_unweighted,
                "Each word's pairs count as many times as the word occurs: weight them by its "
                "count.",
            ),
            Mistake(
                _bpe_first_seen,
                "Among pairs with the same count, the prompt picks the smallest pair in "
                "Python's tuple order, not the first one found.",
            ),
            Mistake(
                _bpe_overwrite,
                "Two words can become the same word after a merge: add their counts instead "
                "of keeping one.",
            ),
        ],
    },
    "18.3": {
        "reference": _one_hot,
        "mistakes": [
            Mistake(
                _one_hot_unchecked,
                "`np.eye(vocab_size)[ids]` silently accepts a negative id (it counts from the "
                "end): raise a ValueError for an id outside 0 .. vocab_size - 1.",
            )
        ],
    },
    "18.4": {
        "reference": _rnn_forward,
        "mistakes": [
            Mistake(
                _rnn_no_recurrence,
                "Each state uses only its own input: the previous state, times `Wh`, is missing.",
            ),
            Mistake(
                _rnn_transposed,
                "The previous state is multiplied by `Wh` as `h @ Wh`, like the inputs by `Wx` "
                "(Keras's layout), not by its transpose.",
            ),
            Mistake(_rnn_relu, "A SimpleRNN's activation is tanh, not ReLU."),
        ],
    },
    "18.5": {
        "reference": _attention,
        "mistakes": [
            Mistake(
                _attention_scaled_by(lambda d: 1.0),
                "The scores are not scaled: divide Q Kᵀ by the square root of the key size.",
            ),
            Mistake(
                _attention_scaled_by(lambda d: d),
                "Divide by the square root of the key size, not by the size itself.",
            ),
            Mistake(
                _attention_big_negative,
                "A query whose keys are all masked should get weights of exactly 0 (and an "
                "output of 0), not a uniform average.",
            ),
            Mistake(
                _attention_query_axis,
                "The softmax runs over the keys, the last axis: each query's weights sum to 1.",
            ),
        ],
    },
    "18.6": {
        "reference": _positional_encoding,
        "mistakes": [
            Mistake(
                _pe_column_exponent,
                "Columns 2i and 2i + 1 share one frequency, 1 / 10000 ** (2i / d): use "
                "`2 * (j // 2)`, not `j`, in the exponent.",
            ),
            Mistake(_pe_swapped, "Even columns hold the sine, odd columns the cosine."),
        ],
    },
    "18.7": {"judge": _judge_search},
    "18.8": {"judge": _judge_keras},
    "18.9": {
        "reference": _paired_bootstrap,
        "mistakes": [
            Mistake(
                _boot_unpaired,
                "That resamples the two models' results separately. Paired means one resample "
                "of example indices for both.",
            ),
            Mistake(
                _boot_normal,
                "That is a normal-approximation interval; the prompt asks for the bootstrap "
                "percentiles.",
            ),
            Mistake(_boot_reversed, "That is the interval of b minus a: compute a minus b."),
        ],
    },
    "18.10": {"judge": _judge_writeup},
    "18.kc1": {"expected": lambda: 4 * (50 * 16 + 16 * 16 + 16)},
    "18.kc2": {
        "answer": "c",
        "explanation": (
            "A dot product of d terms with unit variance has variance d; dividing by sqrt(d) "
            "brings the scores back to variance 1, so the softmax does not saturate."
        ),
        "feedback": {
            "a": "The softmax makes each query's weights sum to 1 whatever the scale of the "
            "scores; dividing by sqrt(d) changes how the weight is spread over the keys, not its "
            "sum.",
            "b": "Masked keys get their weight of 0 because their scores are set to -inf (or a "
            "very large negative number) before the softmax, whatever the scaling.",
            "d": "The number of output columns follows from the shapes alone: the weights (queries "
            "x keys) times V (keys x value columns) has as many columns as V, scaled or not.",
        },
    },
    "18.kc3": {
        "answer": "a",
        "explanation": "Position t may attend to positions 0..t only: no peeking at the future.",
        "feedback": {
            "b": "A causal mask does not hide the query's own position: in the lesson the first "
            "query can attend to nothing but itself, and gets a weight of exactly 1 there.",
            "c": "Hiding padded keys is the job of a padding mask. A causal mask hides real tokens "
            "too, by their position relative to the query.",
            "d": "That mask would show each query the very tokens a language model has to predict; "
            "a causal mask exists so that a position cannot read the future.",
        },
    },
    "18.kc4": {
        "answer": "d",
        "explanation": (
            "The cell state is updated additively, c_t = f * c_{t-1} + i * g; with the forget "
            "gate near 1 the state and its gradient pass through many steps almost unchanged."
        ),
        "feedback": {
            "a": "An LSTM's state has the same size as a SimpleRNN's with the same number of "
            "units; its four blocks of weights compute three gates and a candidate, and do not "
            "widen the state.",
            "b": "Reading in both directions is what the `Bidirectional` wrapper does, around "
            "either kind of layer; an LSTM on its own reads the sequence in one direction.",
            "c": "A sigmoid's derivative is at most 0.25, a tanh's at most 1: near 0, where both "
            "are steepest, the sigmoid's slope is a quarter of tanh's. Products of such factors "
            "over many steps can still vanish.",
        },
    },
    "18.kc5": {
        "answer": "b",
        "explanation": (
            "Both models are scored on the same reviews, so their errors are correlated; "
            "resampling the reviews once for both keeps that pairing and gives a narrower, "
            "correct interval for the difference."
        ),
        "feedback": {
            "a": "Each separate interval is valid for its own model whatever the other model's "
            "accuracy; the trouble lies in judging a difference by putting two intervals side by "
            "side.",
            "c": "Speed is not the reason: the lesson's paired bootstrap still draws 2,000 "
            "resamples, and on 1,000 reviews either method takes moments.",
            "d": "Overlapping intervals prove nothing of the kind: two 95% intervals can overlap "
            "while the difference is clearly above zero, and failing to detect a difference never "
            "proves that there is none.",
        },
    },
    "18.kc6": {
        "answer": "c",
        "explanation": (
            "The vocabulary is learned from data like any other parameter: adapting it on the "
            "test reviews lets them shape the model, which is leakage."
        ),
        "feedback": {
            "a": "Leakage does not need labels: a scaler or an imputer fitted on the test rows "
            "leaks too, although it sees no label. Adapting a vocabulary is fitting in the same "
            "sense.",
            "b": "Running time is beside the point: `adapt` reads the reviews once and takes "
            "moments either way. What matters is which reviews the layer learned from.",
            "d": "`max_tokens` caps the vocabulary during `adapt`: the layer keeps the most "
            "frequent words up to that limit, however many distinct words the texts contain, and "
            "raises no error.",
        },
    },
}
