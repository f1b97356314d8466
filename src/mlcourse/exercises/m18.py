"""Module 18 — Sequences and NLP: the declaration of the exercises (the key: mlcourse.keys.m18).

The function exercises (an encoder, a BPE merge step, one-hot vectors, an RNN forward pass,
scaled dot-product attention, sinusoidal positional encodings, a paired bootstrap) run on
visible cases, whose inputs the exercises notebook builds too (the ``*_demo`` values), and on
labelled hidden ones built from seeded random arrays. The three project exercises collect plain
data: the fitted grid search of the TF-IDF baseline (its CV scores, its vocabulary and
coefficients), the Keras model and its ``TextVectorization`` layer (exact layer classes,
weights, the vocabulary, the optimiser's updates, never ``predict``: the key recomputes the
outputs from the weights), and the write-up as a string.
"""

from __future__ import annotations

import functools
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    MethodRule,
    Numeric,
    describe,
    is_placeholder,
)
from mlcourse.exercises import Module

_SEED = 18  # seeds the random arrays of the test cases
C_GRID = (1.0, 10.0, 100.0, 1000.0)  # exercise 7's grid of C (stated in the prompt)
SEQ_LEN = 40  # exercise 8: TextVectorization's output_sequence_length (the prompt)
N_BOOT = 2000  # exercise 10: bootstrap resamples of the write-up's interval (the prompt)

# --------------------------------------------------------------------------------------
# Data, prepared exactly as in the exercises notebook.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _reviews() -> dict[str, Any]:
    """The reviews of the notebook: 3,000 training and 1,000 test reviews (seed 42)."""
    from mlcourse.datasets import make_reviews

    reviews = make_reviews()
    return {
        "train_text": [str(t) for t in reviews.train["text"]],
        "y_train": reviews.train["label"].to_numpy().astype(np.int64),
        "test_text": [str(t) for t in reviews.test["text"]],
        "y_test": reviews.test["label"].to_numpy().astype(np.int64),
    }


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(_SEED + offset)


# --------------------------------------------------------------------------------------
# Visible inputs, built exactly as the exercises notebook builds them.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _demo() -> dict[str, Any]:
    demo = np.random.default_rng(18)
    vocab_demo = {"it": 2, "is": 3, "not": 4, "good": 5, "great": 6, "isn't": 7, "the": 8}
    texts_demo = ["It is NOT good.", "Great, isn't it? The kettle is great!", ""]
    words_demo = {
        ("l", "o", "w"): 5,
        ("l", "o", "w", "e", "r"): 2,
        ("n", "e", "w", "e", "s", "t"): 6,
        ("w", "i", "d", "e", "s", "t"): 3,
    }
    ids_demo = np.array([[2, 5, 0], [3, 1, 4]])
    X_demo = demo.normal(size=(2, 4, 3))
    Wx_demo = demo.normal(0.0, 0.5, size=(3, 5))
    Wh_demo = demo.normal(0.0, 0.5, size=(5, 5))
    b_demo = demo.normal(0.0, 0.1, size=5)
    Q_demo = demo.normal(size=(1, 4, 8))
    K_demo = demo.normal(size=(1, 4, 8))
    V_demo = demo.normal(size=(1, 4, 6))
    causal_demo = np.tril(np.ones((4, 4), dtype=bool))[None]
    a_demo = (demo.random(50) < 0.8).astype(float)
    b_correct_demo = (demo.random(50) < 0.7).astype(float)
    return {
        "vocab_demo": vocab_demo,
        "texts_demo": texts_demo,
        "words_demo": words_demo,
        "ids_demo": ids_demo,
        "X_demo": X_demo,
        "Wx_demo": Wx_demo,
        "Wh_demo": Wh_demo,
        "b_demo": b_demo,
        "Q_demo": Q_demo,
        "K_demo": K_demo,
        "V_demo": V_demo,
        "causal_demo": causal_demo,
        "a_demo": a_demo,
        "b_correct_demo": b_correct_demo,
    }


# --------------------------------------------------------------------------------------
# Exercise 1: encode texts with a vocabulary.
# --------------------------------------------------------------------------------------

_VOCAB_HIDDEN = {
    "the": 2,
    "lid": 3,
    "broke": 4,
    "never": 5,
    "it": 6,
    "works": 7,
    "doesn't": 8,
    "5": 9,
    "stars": 10,
}


def _encode_cases() -> list[Case]:
    d = _demo()
    return [
        Case(d["texts_demo"], d["vocab_demo"], 6, call="encode(texts_demo, vocab_demo, 6)"),
    ]


def _encode_hidden() -> list[Case]:
    v = _VOCAB_HIDDEN
    long_text = " ".join(["the lid never broke it works"] * 4)
    return [
        Case([long_text], v, 7, label="a text longer than `length`"),
        Case(["THE LID Broke!!", "It WORKS."], v, 5, label="upper-case words and punctuation"),
        Case(["It doesn't work; the lid broke."], v, 8, label="a word with an apostrophe"),
        Case(["5 stars, 10/10"], v, 4, label="numbers among the words"),
        Case(["the lid", "broke"], v, 1, label="`length` 1"),
        Case([], v, 3, label="an empty list of texts"),
        Case(["   ", "zzz yyy"], v, 3, label="blank text and unknown words only"),
        Case(["never-ending lid"], v, 4, label="a hyphenated word"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 2: one BPE merge step.
# --------------------------------------------------------------------------------------


def _bpe_cases() -> list[Case]:
    return [Case(_demo()["words_demo"], call="bpe_step(words_demo)")]


def _bpe_hidden() -> list[Case]:
    return [
        Case({("b", "c"): 3, ("a", "b"): 3}, label="two pairs with the same count"),
        Case({("a", "a", "a"): 2, ("b",): 1}, label="a symbol repeated three times in a row"),
        Case(
            {("a", "b", "c"): 4, ("ab", "c"): 3, ("x", "y"): 1},
            label="two words that become the same word after the merge",
        ),
        Case({("x",): 4, ("y",): 1}, label="words of one symbol each"),
        Case(
            {("th", "e"): 7, ("th", "e", "n"): 2, ("t", "h", "e", "n"): 1},
            label="symbols of several letters from earlier merges",
        ),
        Case(
            {("a", "b", "a", "b"): 1, ("c", "d"): 1, ("d", "c"): 1},
            label="a pair that occurs twice in one word",
        ),
        Case({("r", "a", "r", "e"): 1, ("e", "r", "a"): 10}, label="one frequent word"),
    ]


def _returns_its_input(func: Any) -> list[str]:
    """Whether ``bpe_step`` hands back the very dict it was given when no pair exists (the
    prompt asks for a new dict). Runs in the learner's kernel, on a dict of its own."""
    words = {("x",): 4, ("y",): 1}
    try:
        result = func(words)
    except Exception:  # judged by the cases, not here
        return []
    if isinstance(result, tuple) and len(result) == 2 and result[1] is words:
        return ["the dict it was given, when no word has two symbols"]
    return []


def _plain_merged(func: Any) -> Any:
    """``bpe_step`` with a ``merged`` of a dict subclass (a ``Counter``) handed on as a dict."""

    @functools.wraps(func)
    def bpe_step(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        if (
            type(result) is tuple
            and len(result) == 2
            and isinstance(result[1], dict)
            and type(result[1]) is not dict
        ):
            return result[0], dict(result[1].items())
        return result

    return bpe_step


class _BpeRule(MethodRule):
    """Exercise 2's rule; a ``merged`` of a dict subclass (a ``Counter``) counts as a dict."""

    def collect(self, namespace: Any) -> Any:
        func = namespace.get(self.name)
        if not callable(func) or is_placeholder(func):
            return super().collect(namespace)
        answer = Function.collect(self, {**namespace, self.name: _plain_merged(func)})
        if answer.missing is None and answer.error is None:
            answer.values["uses"] = list(self.find(func))[:10]
        return answer


# --------------------------------------------------------------------------------------
# Exercise 3: one-hot vectors.
# --------------------------------------------------------------------------------------


def _one_hot_cases() -> list[Case]:
    return [
        Case(np.array([2, 0, 3]), 5),
        Case(_demo()["ids_demo"], 6, call="one_hot(ids_demo, 6)"),
    ]


def _one_hot_hidden() -> list[Case]:
    rng = _rng(3)
    return [
        Case(rng.integers(0, 50, size=(4, 7)), 50, label="a 2-D batch of ids"),
        Case(np.array([0, 0, 0]), 3, label="padding ids only"),
        Case(np.array([], dtype=np.int64), 4, label="no ids at all"),
        Case(np.array([1, 4]), 4, raises=ValueError, label="an id equal to `vocab_size`"),
        Case(np.array([2, -1]), 4, raises=ValueError, label="a negative id"),
        Case(rng.integers(0, 9, size=(2, 3, 2)), 9, label="a 3-D array of ids"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 4: an RNN forward pass.
# --------------------------------------------------------------------------------------


def _rnn_case(n: int, t: int, f: int, u: int, seed: int, label: str, scale: float = 1.0) -> Case:
    rng = _rng(seed)
    return Case(
        rng.normal(0.0, scale, size=(n, t, f)),
        rng.normal(0.0, 0.5, size=(f, u)),
        rng.normal(0.0, 0.5, size=(u, u)),
        rng.normal(0.0, 0.1, size=u),
        label=label,
    )


def _rnn_cases() -> list[Case]:
    d = _demo()
    return [
        Case(
            d["X_demo"],
            d["Wx_demo"],
            d["Wh_demo"],
            d["b_demo"],
            call="rnn_forward(X_demo, Wx_demo, Wh_demo, b_demo)",
        )
    ]


def _rnn_hidden() -> list[Case]:
    return [
        _rnn_case(1, 6, 3, 4, 41, "a batch of one sequence"),
        _rnn_case(3, 1, 5, 2, 42, "sequences of one step"),
        _rnn_case(4, 7, 2, 6, 43, "more units than features"),
        _rnn_case(2, 5, 4, 3, 44, "large inputs that saturate tanh", scale=30.0),
        _rnn_case(5, 12, 8, 8, 45, "12 steps of 8 features and 8 units"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 5: scaled dot-product attention with a mask.
# --------------------------------------------------------------------------------------


def _attention_cases() -> list[Case]:
    d = _demo()
    return [
        Case(d["Q_demo"], d["K_demo"], d["V_demo"], call="attention(Q_demo, K_demo, V_demo)"),
        Case(
            d["Q_demo"],
            d["K_demo"],
            d["V_demo"],
            d["causal_demo"],
            call="attention(Q_demo, K_demo, V_demo, causal_demo)",
        ),
    ]


def _qkv(n: int, tq: int, tk: int, d: int, dv: int, seed: int, scale: float = 1.0):
    rng = _rng(seed)
    return (
        rng.normal(0.0, scale, size=(n, tq, d)),
        rng.normal(0.0, scale, size=(n, tk, d)),
        rng.normal(size=(n, tk, dv)),
    )


def _attention_hidden() -> list[Case]:
    Q, K, V = _qkv(2, 5, 5, 4, 3, 51)
    causal = np.broadcast_to(np.tril(np.ones((5, 5), dtype=bool)), (2, 5, 5)).copy()
    Q2, K2, V2 = _qkv(3, 4, 6, 8, 2, 52)
    lengths = np.array([6, 3, 1])
    padding = np.broadcast_to(
        (np.arange(6)[None, :] < lengths[:, None])[:, None, :], (3, 4, 6)
    ).copy()
    Q3, K3, V3 = _qkv(1, 3, 3, 16, 4, 53, scale=30.0)
    Q4, K4, V4 = _qkv(2, 3, 4, 4, 5, 54)
    empty_row = np.ones((2, 3, 4), dtype=bool)
    empty_row[1, 2, :] = False
    Q5, K5, V5 = _qkv(2, 2, 7, 6, 6, 55)
    return [
        Case(Q, K, V, causal, label="a causal mask"),
        Case(Q2, K2, V2, padding, label="a padding mask, more keys than queries"),
        Case(Q3, K3, V3, label="scores in the thousands, no mask"),
        Case(Q3, K3, V3, np.tril(np.ones((1, 3, 3), dtype=bool)), label="huge scores, causal"),
        Case(Q4, K4, V4, empty_row, label="a query whose keys are all masked"),
        Case(Q5, K5, V5, None, label="mask=None given explicitly"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 6: sinusoidal positional encodings.
# --------------------------------------------------------------------------------------


def _pe_cases() -> list[Case]:
    return [Case(4, 6)]


def _pe_hidden() -> list[Case]:
    return [
        Case(50, 16, label="50 positions, 16 dimensions"),
        Case(7, 5, label="an odd number of dimensions"),
        Case(1, 8, label="a single position"),
        Case(3, 2, label="two dimensions"),
        Case(200, 64, label="200 positions, 64 dimensions"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 9: a paired bootstrap interval.
# --------------------------------------------------------------------------------------


def _boot_cases() -> list[Case]:
    d = _demo()
    return [
        Case(
            d["a_demo"],
            d["b_correct_demo"],
            500,
            0,
            call="paired_bootstrap(a_demo, b_correct_demo, 500, 0)",
        )
    ]


def _boot_hidden() -> list[Case]:
    rng = _rng(9)
    base = rng.random(300) < 0.8
    other = np.where(rng.random(300) < 0.85, base, ~base)
    return [
        Case(
            base.astype(float),
            other.astype(float),
            1000,
            3,
            label="300 paired results that mostly agree",
        ),
        Case(
            (rng.random(40) < 0.5).astype(int),
            (rng.random(40) < 0.5).astype(int),
            200,
            11,
            label="integer 0/1 arrays",
        ),
        Case(
            (rng.random(120) < 0.9),
            (rng.random(120) < 0.6),
            700,
            5,
            label="boolean arrays",
        ),
        Case(np.ones(30), np.ones(30), 100, 1, label="two models right on every example"),
    ]


# --------------------------------------------------------------------------------------
# Exercise 7: the TF-IDF baseline, as plain data.
# --------------------------------------------------------------------------------------

_TFIDF_PARAMS = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}


def _exact(obj: Any, module: str, name: str) -> bool:
    return type(obj).__module__.startswith(module) and type(obj).__name__ == name


def _candidate(params: Any) -> dict[str, Any]:
    """One candidate of the search as plain data: each parameter's name and its value, a float
    when it is a number (a NumPy array of C values gives NumPy floats)."""
    if not isinstance(params, dict):
        return {}
    out: dict[str, Any] = {}
    for name, value in params.items():
        number = isinstance(value, (int, float, np.integer, np.floating))
        out[str(name)] = float(value) if number and not isinstance(value, bool) else repr(value)
    return out


def _number(value: Any) -> float:
    """A number of the search (an int, a float or a NumPy scalar) as a float; NaN otherwise."""
    number = isinstance(value, (int, float, np.integer, np.floating))
    return float(value) if number and not isinstance(value, bool) else float("nan")


def _extract_search(values: dict[str, Any]) -> dict[str, Any]:
    """The fitted grid search as plain data: settings, CV scores, the refitted pipeline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    search, acc = values["search"], values["baseline_acc"]
    if type(search) is not GridSearchCV:
        raise Fail(f"`search` should be a fitted `GridSearchCV`, but it is {describe(search)}.")
    if not hasattr(search, "cv_results_"):
        raise Fail("`search` is not fitted yet: call `search.fit(train_text, y_train)`.")
    pipe = search.estimator
    if type(pipe) is not Pipeline or len(pipe.steps) != 2:
        raise Fail(
            "`search.estimator` should be a `Pipeline` of two steps, a `TfidfVectorizer` "
            "then a `LogisticRegression`."
        )
    (vec_name, vec), (clf_name, clf) = pipe.steps
    if type(vec) is not TfidfVectorizer or type(clf) is not LogisticRegression:
        raise Fail(
            "The pipeline's steps should be exactly a `TfidfVectorizer` and a "
            f"`LogisticRegression`, not {type(vec).__name__} and {type(clf).__name__}."
        )
    best = getattr(search, "best_estimator_", None)
    if type(best) is not Pipeline or len(best.steps) != 2:
        raise Fail("`search` has no refitted pipeline: keep `refit=True` (the default).")
    best_vec, best_clf = best.steps[0][1], best.steps[1][1]
    if type(best_vec) is not TfidfVectorizer or type(best_clf) is not LogisticRegression:
        raise Fail("The refitted pipeline of `search` is not a TF-IDF and a logistic regression.")
    grid = search.param_grid
    scores = search.cv_results_.get("mean_test_score")
    params = search.cv_results_.get("params")
    if not isinstance(acc, (int, float, np.floating)) or isinstance(acc, bool):
        raise Fail(f"`baseline_acc` should be a number, not {describe(acc)}.")
    return {
        "step_names": [str(vec_name), str(clf_name)],
        "vectorizer": {k: repr(v) for k, v in sorted(vec.get_params().items())},
        "classifier": {k: repr(v) for k, v in sorted(clf.get_params().items())},
        "grid": repr(grid),
        "params": [_candidate(p) for p in params] if isinstance(params, list) else [],
        "mean_test_score": [float(s) for s in np.asarray(scores, dtype=float).ravel()],
        "best_C": _number(best_clf.C),
        "vocabulary": sorted(str(t) for t in getattr(best_vec, "vocabulary_", {})),
        "coef": np.asarray(getattr(best_clf, "coef_", np.zeros((0, 0))), dtype=float),
        "intercept": np.asarray(getattr(best_clf, "intercept_", np.zeros(0)), dtype=float),
        "baseline_acc": float(acc),
    }


# --------------------------------------------------------------------------------------
# Exercise 8: the Keras sequence model and its TextVectorization layer, as plain data.
# --------------------------------------------------------------------------------------

_KERAS_LAYERS = ("Embedding", "LSTM", "Dropout", "Dense")
# The settings of each layer that change its outputs: collected here, checked by the key.
_CONFIG_KEYS = {
    "Embedding": ("mask_zero",),
    "LSTM": (
        "activation",
        "recurrent_activation",
        "use_bias",
        "return_sequences",
        "go_backwards",
        "unit_forget_bias",
    ),
    "Dropout": (),
    "Dense": ("activation", "use_bias"),
}


def _layer_data(layer: Any) -> dict[str, Any]:
    """A layer as plain data: its exact Keras class, the settings that change its outputs, its
    weights."""
    import keras

    kind = next(
        (name for name in _KERAS_LAYERS if type(layer) is getattr(keras.layers, name)), None
    )
    if kind is None:
        return {"kind": f"other: {type(layer).__name__}"[:60], "config": {}, "weights": []}
    config = layer.get_config()
    keep = _CONFIG_KEYS[kind]
    plain = {k: str(config.get(k)) for k in keep}
    weights = [np.array(w, dtype=np.float32) for w in layer.get_weights()]
    return {"kind": kind, "config": plain, "weights": weights}


def _last_fit(model: Any) -> tuple[list[float], int, int]:
    """The last ``fit``'s validation losses, its number of epochs and its steps per epoch."""
    import keras

    history = getattr(model, "history", None)
    if not isinstance(history, keras.callbacks.History):
        return [], 0, 0
    logs, epochs = history.history, history.epoch
    if type(logs) is not dict or type(epochs) is not list:
        return [], 0, 0
    losses = logs.get("val_loss")
    params = getattr(history, "params", None)
    steps = params.get("steps") if type(params) is dict else None
    steps = (
        int(steps) if isinstance(steps, (int, np.integer)) and not isinstance(steps, bool) else 0
    )
    losses = [float(v) for v in losses] if type(losses) is list else []
    return losses, len(epochs), steps


def _extract_keras(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's model and vectorizer as plain data (learner's process), never predictions."""
    import keras

    model, vectorizer = values["model"], values["vectorizer"]
    if type(vectorizer) is not keras.layers.TextVectorization:
        raise Fail(
            "`vectorizer` should be a `keras.layers.TextVectorization` layer, adapted on the "
            f"training reviews, but it is {describe(vectorizer)}."
        )
    if type(model) is not keras.Sequential:
        raise Fail(
            "`model` should be built with Keras's own `keras.Sequential([...])` (not a "
            f"subclass or another kind of model), but it is {describe(model)}."
        )
    if not model.built:
        raise Fail("`model` has not been built yet: train it with `model.fit(...)`.")
    config = vectorizer.get_config()
    layers = [layer for layer in model.layers if type(layer) is not keras.layers.InputLayer]
    optimizer = getattr(model, "optimizer", None)
    iterations = int(np.asarray(optimizer.iterations)) if optimizer is not None else 0
    val_loss, epochs_run, steps = _last_fit(model)
    return {
        "vectorizer": {
            k: str(config.get(k))
            for k in ("standardize", "split", "output_mode", "output_sequence_length", "ngrams")
        },
        "vocabulary": [str(t) for t in vectorizer.get_vocabulary()],
        "layers": [_layer_data(layer) for layer in layers],
        "iterations": iterations,
        "val_loss": val_loss,
        "epochs_run": epochs_run,
        "steps": steps,
    }


def _extract_writeup(values: dict[str, Any]) -> dict[str, Any]:
    writeup = values["writeup"]
    if not isinstance(writeup, str):
        raise Fail(f"`writeup` should be a string (the filled template), not {describe(writeup)}.")
    data = _extract_keras(values)
    data["writeup"] = str(writeup)[:20_000]
    return data


MODULE = Module(
    "18",
    "sequences_nlp",
    "Sequences and NLP",
    problems=(
        Function(
            "18.1",
            name="encode",
            cases=_encode_cases,
            hidden=_encode_hidden,
            title="Encode texts with a vocabulary",
            points=2,
            check_dtype=True,  # the prompt asks for int64
            hints=[
                "Three steps per text: tokenise (lower case, then the runs of letters, digits "
                "and apostrophes), map every token to its id, then cut or pad to `length`.",
                '`re.findall(r"[a-z0-9\']+", text.lower())` gives the tokens; '
                "`vocab.get(token, 1)` gives 1 to a word the vocabulary does not know.",
                "Start from `np.zeros((len(texts), length), dtype=np.int64)` and write the ids "
                "of the first `length` tokens of text i into row i from the left: the zeros "
                "left over are the padding.",
            ],
        ),
        _BpeRule(
            "18.2",
            find=_returns_its_input,
            breaks="returns",
            advice="Return a new dict, `dict(word_counts)`, so that a later change to one "
            "does not change the other.",
            name="bpe_step",
            cases=_bpe_cases,
            hidden=_bpe_hidden,
            title="One byte-pair-encoding merge",
            points=2,
            hints=[
                "First count every adjacent pair of symbols, each word's pairs weighted by how "
                "often that word occurs; then merge the winning pair in every word.",
                "Ties: `min` over the pairs with the highest count gives the smallest pair in "
                "Python's tuple order. Merging: walk through a word left to right; where the "
                "pair starts at position i, emit the joined symbol and jump to i + 2.",
                "Two different words can become the same word after a merge: add their counts "
                "in the new dict. Return `(None, dict(word_counts))` when no word has two "
                "symbols, and never change the dict you were given.",
            ],
        ),
        Function(
            "18.3",
            name="one_hot",
            cases=_one_hot_cases,
            hidden=_one_hot_hidden,
            title="One-hot vectors of token ids",
            points=1,
            check_dtype=True,  # float64, as the prompt says
            hints=[
                "The result has one more axis than `ids`, of length `vocab_size`, holding a "
                "single 1.0 per id.",
                "`np.eye(vocab_size)[ids]` builds it for any shape of `ids`, but a negative id "
                "silently picks a row counted from the end: check the range first.",
                "Raise `ValueError` when `ids.size` and (`ids.min() < 0` or `ids.max() >= "
                "vocab_size`); otherwise return `np.eye(vocab_size)[ids]`.",
            ],
        ),
        Function(
            "18.4",
            name="rnn_forward",
            cases=_rnn_cases,
            hidden=_rnn_hidden,
            title="A simple RNN, forward",
            points=2,
            hints=[
                "One loop over the time steps; the whole batch moves together, so each step "
                "is a matrix product of shape (batch, units).",
                "Start from `h = np.zeros((X.shape[0], Wh.shape[0]))`; at step t, "
                "`h = np.tanh(X[:, t] @ Wx + h @ Wh + b)`, then store it.",
                "Collect the states in a list and return `np.stack(states, axis=1)`, of shape "
                "(batch, time, units).",
            ],
        ),
        Function(
            "18.5",
            name="attention",
            cases=_attention_cases,
            hidden=_attention_hidden,
            title="Scaled dot-product attention with a mask",
            points=3,
            hints=[
                "Scores are Q times K transposed over the last two axes, divided by the square "
                "root of the key size d; softmax over the keys (the last axis), then weights "
                "times V.",
                "`scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])`. A masked score "
                "must get weight exactly 0: set it to `-np.inf` before the softmax, and "
                "subtract each row's largest *allowed* score so that nothing overflows.",
                "A row with no allowed key has no maximum: compute `e = np.where(mask, "
                "np.exp(scores - row_max), 0.0)` with `row_max` taken over allowed scores only "
                "(0 where there are none), then divide by the row sum where it is above 0; "
                "its weights stay 0, and so does its output.",
            ],
        ),
        Function(
            "18.6",
            name="positional_encoding",
            cases=_pe_cases,
            hidden=_pe_hidden,
            title="Sinusoidal positional encodings",
            points=1,
            hints=[
                "Column j uses the frequency 1 / 10000 ** (2 * (j // 2) / d): the same for the "
                "pair of columns 2i and 2i + 1.",
                "Even columns hold sin(position * frequency), odd columns cos(...), with "
                "positions 0, 1, ..., length - 1 as a column vector.",
                "`pos = np.arange(length)[:, None]`, `j = np.arange(d)[None, :]`, "
                "`angle = pos / 10000 ** (2 * (j // 2) / d)`, then "
                "`np.where(j % 2 == 0, np.sin(angle), np.cos(angle))`.",
            ],
        ),
        Custom(
            "18.7",
            reads=("search", "baseline_acc"),
            extract=_extract_search,
            title="A strong non-neural baseline: TF-IDF and logistic regression",
            points=3,
            hints=[
                "A pipeline of `TfidfVectorizer(ngram_range=(1, 2), min_df=2, "
                "sublinear_tf=True)` and `LogisticRegression(solver='liblinear')`, inside a "
                "`GridSearchCV` over `C`, fitted on the training reviews only.",
                "`GridSearchCV(pipe, {'clf__C': list(C_GRID)}, cv=5, scoring='accuracy')` with "
                "the steps named `'tfidf'` and `'clf'`; fit it on `train_text, y_train`.",
                "After `search.fit(train_text, y_train)`, `baseline_acc = "
                "float(np.mean(search.predict(test_text) == y_test))`: the test set once, at "
                "the end.",
            ],
        ),
        Custom(
            "18.8",
            reads=("model", "vectorizer"),
            extract=_extract_keras,
            title="An LSTM sentiment classifier",
            points=3,
            hints=[
                "Adapt a `TextVectorization(max_tokens=2000, output_sequence_length=40)` on "
                "the reviews you train on (never the test reviews), turn the texts into ids, "
                "then build `Embedding(mask_zero=True)` → `LSTM` → `Dense(1, sigmoid)`.",
                "Hold out a validation part of the training reviews (`train_test_split`, "
                "stratified) and pass it as `validation_data`; compile with Adam and "
                "`binary_crossentropy`.",
                "`keras.Sequential([keras.Input(shape=(40,), dtype='int32'), "
                "keras.layers.Embedding(len(vectorizer.get_vocabulary()), 32, mask_zero=True), "
                "keras.layers.LSTM(32), keras.layers.Dense(1, activation='sigmoid')])`, "
                "`Adam(0.01)`, 6 epochs, batch size 128.",
            ],
        ),
        Function(
            "18.9",
            name="paired_bootstrap",
            cases=_boot_cases,
            hidden=_boot_hidden,
            title="A paired bootstrap interval of an accuracy difference",
            points=2,
            hints=[
                "Paired: one resample of example indices is used for both models, so each "
                "resample gives one difference of accuracies.",
                "`rng = np.random.default_rng(seed)`, then `idx = rng.integers(0, n, size="
                "(n_boot, n))` in one call; convert both arrays to float first.",
                "`diffs = (a[idx] - b[idx]).mean(axis=1)`, then "
                "`lo, hi = np.percentile(diffs, [2.5, 97.5])`; return `(float(lo), float(hi))`.",
            ],
        ),
        Custom(
            "18.10",
            reads=("writeup", "model", "vectorizer"),
            extract=_extract_writeup,
            title="The write-up",
            points=2,
            hints=[
                "Fill `WRITEUP_TEMPLATE` with `format`, from your own figures: the baseline's "
                "and your LSTM's test accuracies and the paired interval of their difference.",
                "The interval is `paired_bootstrap(lstm_correct, baseline_correct, 2000, 0)` on "
                "the test reviews; round every figure to 3 decimals.",
                "The two sentences are yours: what the LSTM still gets wrong (the kind of "
                "review with its lowest accuracy in your table by structure), and why you ship "
                "the model you name, exactly `LSTM` or `baseline`, on its own line.",
            ],
        ),
        Numeric(
            "18.kc1",
            var="kc1",
            title="Parameters of an LSTM layer",
            hints=[
                "An LSTM has four blocks of weights (the input, forget and output gates and the "
                "candidate g_t), each a Dense layer on [x_t, h_{t-1}] with a bias: count one "
                "block's weights (inputs times units, units times units, units), then multiply "
                "by four."
            ],
        ),
        Choice(
            "18.kc2",
            var="kc2",
            choices="abcd",
            title="Why divide by the square root of d",
            hints=["What is the variance of a dot product of d independent unit-variance terms?"],
        ),
        Choice(
            "18.kc3",
            var="kc3",
            choices="abcd",
            title="A causal mask",
            hints=["Which positions may a language model look at when it predicts token t + 1?"],
        ),
        Choice(
            "18.kc4",
            var="kc4",
            choices="abcd",
            title="Why an LSTM remembers longer",
            hints=["Compare how the cell state and a SimpleRNN's state are updated at a step."],
        ),
        Choice(
            "18.kc5",
            var="kc5",
            choices="abcd",
            title="Paired or not",
            hints=["Both models are scored on the same 1,000 reviews."],
        ),
        Choice(
            "18.kc6",
            var="kc6",
            choices="abcd",
            title="Adapting the vocabulary",
            hints=["Which reviews may influence anything the model uses?"],
        ),
    ),
)
