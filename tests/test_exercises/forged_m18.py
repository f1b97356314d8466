"""Module 18's custom judges (18.7, the TF-IDF grid search; 18.8, the LSTM and its vectorizer;
18.10, the write-up): the data the real extracts collect from right work and from plausible
wrong work, merged into ``test_forged_extracts.py``'s ``RIGHT``, ``WRONG`` and ``HARMLESS``.

One LSTM is trained here (5 epochs on 2,400 reviews, cached): 18.8 and 18.10 cannot be judged
right without a trained network, whose weights the key reads.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _data() -> dict[str, Any]:
    from mlcourse.exercises.m18 import _reviews

    return _reviews()


def _search(texts: list[str], labels: np.ndarray, ngrams=(1, 2), grid=None) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    from mlcourse.exercises.m18 import C_GRID

    pipe = Pipeline(
        [
            ("tfidf", TfidfVectorizer(ngram_range=ngrams, min_df=2, sublinear_tf=True)),
            ("clf", LogisticRegression(solver="liblinear")),
        ]
    )
    grid = {"clf__C": list(C_GRID if grid is None else grid)}
    return GridSearchCV(pipe, grid, cv=5, scoring="accuracy").fit(texts, labels)


@cache
def _right_search() -> Any:
    d = _data()
    return _search(d["train_text"], d["y_train"])


def _acc(search: Any) -> float:
    d = _data()
    return float(np.mean(search.predict(d["test_text"]) == d["y_test"]))


def _search_answer(search: Any = None, acc: float | None = None) -> Any:
    search = _right_search() if search is None else search
    return _collected("18.7", search=search, baseline_acc=_acc(search) if acc is None else acc)


def _forged_search(**changes: Any) -> Any:
    data = copy.deepcopy(_search_answer())
    data.update(changes)
    return data


@cache
def _trained() -> tuple[Any, Any]:
    """An LSTM trained as exercise 8 asks (5 epochs), with its vectorizer."""
    import keras
    from sklearn.model_selection import train_test_split

    import mlcourse

    mlcourse.setup_notebook(seed=42, keras=True)
    d = _data()
    fit_text, val_text, y_fit, y_val = train_test_split(
        np.array(d["train_text"]),
        d["y_train"],
        test_size=0.2,
        stratify=d["y_train"],
        random_state=0,
    )
    vectorizer = keras.layers.TextVectorization(max_tokens=2000, output_sequence_length=40)
    vectorizer.adapt(fit_text)
    model = _lstm(len(vectorizer.get_vocabulary()))
    model.fit(
        vectorizer(fit_text).numpy(),
        y_fit,
        epochs=5,
        batch_size=128,
        validation_data=(vectorizer(val_text).numpy(), y_val),
        verbose=0,
    )
    return model, vectorizer


def _lstm(vocab_size: int, mask_zero: bool = True) -> Any:
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape=(40,), dtype="int32"),
            keras.layers.Embedding(vocab_size, 32, mask_zero=mask_zero),
            keras.layers.LSTM(32),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


def _keras_answer(problem_id: str = "18.8", **extra: Any) -> Any:
    model, vectorizer = _trained()
    return _collected(problem_id, model=model, vectorizer=vectorizer, **extra)


def _forged_keras(problem_id: str = "18.8", **changes: Any) -> Any:
    data = copy.deepcopy(_keras_answer(problem_id, **_writeup_args(problem_id)))
    data.update(changes)
    return data


def _writeup_args(problem_id: str) -> dict[str, Any]:
    return {"writeup": _writeup()} if problem_id == "18.10" else {}


TEMPLATE = """Baseline (TF-IDF + logistic regression) test accuracy: {baseline:.3f}
LSTM test accuracy: {lstm:.3f}
Paired 95% bootstrap interval of LSTM minus baseline: [{low:.3f}, {high:.3f}]
What the LSTM still gets wrong: {errors}
Model I would ship: {ship}
Why: {why}"""


@cache
def _lstm_correct() -> np.ndarray:
    model, vectorizer = _trained()
    d = _data()
    p = model.predict(vectorizer(np.array(d["test_text"])).numpy(), verbose=0)[:, 0]
    return ((p >= 0.5).astype(int) == d["y_test"]).astype(float)


def _figures() -> dict[str, float]:
    from mlcourse.keys.m18 import _paired_bootstrap

    d = _data()
    lstm = _lstm_correct()
    base = (_right_search().predict(d["test_text"]) == d["y_test"]).astype(float)
    low, high = _paired_bootstrap(lstm, base, 2000, 0)
    return {"baseline": base.mean(), "lstm": lstm.mean(), "low": low, "high": high}


def _by_structure() -> dict[str, float]:
    """The trained LSTM's test accuracy per structure, as the notebook's table gives it."""
    from mlcourse.keys.m18 import _structure

    kinds = np.array([_structure(t) for t in _data()["test_text"]])
    correct = _lstm_correct()
    return {k: float(correct[kinds == k].mean()) for k in sorted(set(kinds.tolist()))}


def _worst() -> str:
    table = _by_structure()
    return min(table, key=table.get)


def _best() -> str:
    table = _by_structure()
    return max(table, key=table.get)


def _writeup(**changes: Any) -> str:
    values = {
        **_figures(),
        "errors": _writeup_errors(),
        "ship": "LSTM",
        "why": "the paired interval lies above zero, at a small cost",
        **changes,
    }
    return TEMPLATE.format(**values)


def _wrong_18_7() -> list[Any]:
    d = _data()
    small = _search(d["train_text"][:600], d["y_train"][:600])
    right = _search_answer()
    return [
        _search_answer(small),  # fitted on a fifth of the training reviews
        _search_answer(acc=0.9),  # a typed-in test accuracy
        _search_answer(_search(d["train_text"][:300], d["y_train"][:300], ngrams=(1, 1))),
        _search_answer(_search(d["train_text"][:300], d["y_train"][:300], grid=(1.0, 10.0))),
        _forged_search(best_C=10.0),  # another C than the CV's best
        _forged_search(coef=right["coef"] * 1.01),  # coefficients not from the refit
        _forged_search(intercept=right["intercept"] + 0.1),
        _forged_search(mean_test_score=[round(s, 2) for s in right["mean_test_score"]]),
        _forged_search(vocabulary=right["vocabulary"][1:] + ["zzz"]),
    ]


@cache
def _wrong_models() -> dict[str, Any]:
    """The wrong models of 18.8, built once for 18.8 and 18.10 (one short extra fit each)."""
    import keras

    model, vectorizer = _trained()
    d = _data()
    on_test = keras.layers.TextVectorization(max_tokens=2000, output_sequence_length=40)
    on_test.adapt(np.array(d["test_text"]))
    copied = keras.models.clone_model(model)
    copied.set_weights(model.get_weights())
    no_mask = _lstm(len(vectorizer.get_vocabulary()), mask_zero=False)
    no_mask.set_weights(model.get_weights())
    untrained = _lstm(len(vectorizer.get_vocabulary()))
    untrained.fit(
        vectorizer(np.array(d["train_text"][:128])).numpy(),
        d["y_train"][:128],
        epochs=1,
        batch_size=128,
        validation_data=(vectorizer(np.array(d["train_text"][:64])).numpy(), d["y_train"][:64]),
        verbose=0,
    )  # one update: trained, but barely
    # Review row 1: the trained model trained further on the test reviews, with the right
    # validation data (its history is genuine, its test loss falls below its validation loss).
    peeked = keras.models.clone_model(model)
    peeked.set_weights(model.get_weights())
    peeked.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    val = _val_ids()
    peeked.fit(
        vectorizer(np.array(d["test_text"])).numpy(),
        d["y_test"],
        epochs=3,
        batch_size=128,
        validation_data=val,
        verbose=0,
    )
    # Second review, row C: the prompt's model trained on fit + val + test reviews, and on val +
    # test only (the validation data genuine): caught by the key's sealed reviews.
    fit_ids, y_fit, val_ids, y_val = _fit_val_ids()
    test_ids = vectorizer(np.array(d["test_text"])).numpy()
    leaky = {}
    for name, (ids, y) in {
        "fit_val_test": (
            np.concatenate([fit_ids, val_ids, test_ids]),
            np.concatenate([y_fit, y_val, d["y_test"]]),
        ),
        "val_test": (np.concatenate([val_ids, test_ids]), np.concatenate([y_val, d["y_test"]])),
    }.items():
        leaky[name] = _lstm(len(vectorizer.get_vocabulary()))
        leaky[name].fit(
            ids, y, epochs=6, batch_size=128, validation_data=(val_ids, y_val), verbose=0
        )
    return {
        **leaky,
        "on_test": on_test,
        "copied": copied,
        "no_mask": no_mask,
        "untrained": untrained,
        "peeked": peeked,
    }


def _fit_val_ids() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from mlcourse.keys.m18 import _val_rows

    _, vectorizer = _trained()
    d = _data()
    val = set(_val_rows().tolist())
    fit = [i for i in range(len(d["train_text"])) if i not in val]
    fit_ids = vectorizer(np.array([d["train_text"][i] for i in fit])).numpy()
    val_ids, y_val = _val_ids()
    return fit_ids, d["y_train"][fit], val_ids, y_val


def _val_ids() -> tuple[np.ndarray, np.ndarray]:
    from mlcourse.keys.m18 import _val_rows

    _, vectorizer = _trained()
    d = _data()
    rows = _val_rows()
    texts = np.array([d["train_text"][i] for i in rows])
    return vectorizer(texts).numpy(), d["y_train"][rows]


def _wrong_18_8(problem_id: str = "18.8") -> list[Any]:
    model, vectorizer = _trained()
    m = _wrong_models()
    extra = _writeup_args(problem_id)
    right = _keras_answer()  # 18.8's data: its epochs and steps
    return [
        _collected(problem_id, model=model, vectorizer=m["on_test"], **extra),  # adapted on test
        _collected(problem_id, model=m["copied"], vectorizer=vectorizer, **extra),  # untrained
        _collected(problem_id, model=m["no_mask"], vectorizer=vectorizer, **extra),  # no mask
        _collected(problem_id, model=m["untrained"], vectorizer=vectorizer, **extra),  # 1 update
        _collected(problem_id, model=m["peeked"], vectorizer=vectorizer, **extra),  # row 1
        _collected(problem_id, model=m["fit_val_test"], vectorizer=vectorizer, **extra),
        _collected(problem_id, model=m["val_test"], vectorizer=vectorizer, **extra),
        _forged_keras(problem_id, iterations=0),
        _forged_keras(problem_id, val_loss=[], epochs_run=0),  # fit without validation data
        # Review rows 2-3: a typed-in history (val_loss [0.5] * epochs), with and without the
        # steps per epoch, and an update count below epochs x steps.
        _forged_keras(problem_id, val_loss=[0.5] * right["epochs_run"]),
        _forged_keras(problem_id, val_loss=[0.5] * right["epochs_run"], steps=0),
        _forged_keras(problem_id, iterations=right["epochs_run"] * right["steps"] - 1),
    ]


def _wrong_18_10() -> list[Any]:
    right = _figures()
    return [
        *_wrong_18_8("18.10"),
        _forged_keras("18.10", writeup=_writeup(baseline=0.838)),  # the card's figure
        _forged_keras("18.10", writeup=_writeup(low=-right["high"], high=-right["low"])),
        _forged_keras("18.10", writeup=_writeup(errors="good good good")),  # filler
        _forged_keras("18.10", writeup=_writeup(why=_writeup_errors())),
        _forged_keras("18.10", writeup=TEMPLATE),  # unfilled
        # Review row 5: filler words in both sentences.
        _forged_keras(
            "18.10", writeup=_writeup(errors="aa bb cc dd ee ff", why="gg hh ii jj kk ll")
        ),
        _forged_keras("18.10", writeup=_writeup(why="gg hh ii jj kk ll")),
        # Review row 6: a verdict that contradicts the interval (which lies above zero).
        _forged_keras(
            "18.10",
            writeup=_writeup(ship="baseline", why="because the LSTM is clearly less accurate"),
        ),
        # Second review, row A: the ship line not one model, or the baseline shipped with the
        # interval (above zero) as its reason.
        _forged_keras(
            "18.10", writeup=_writeup(ship="either the lstm or the baseline, whichever you like")
        ),
        _forged_keras("18.10", writeup=_writeup(ship="I would not ship the LSTM")),
        _forged_keras(
            "18.10",
            writeup=_writeup(ship="baseline", why="since the whole interval lies above zero"),
        ),
        _forged_keras(
            "18.10",
            writeup=_writeup(
                ship="baseline", why="I would not ship the LSTM, the interval is significant"
            ),
        ),
        # Second review, row B: an errors line that names no kind, only the best kind, or all.
        _forged_keras("18.10", writeup=_writeup(errors="I do not know what it gets wrong")),
        _forged_keras(
            "18.10", writeup=_writeup(errors=f"it misses some {_best()} reviews, like any model")
        ),
        _forged_keras(
            "18.10",
            writeup=_writeup(errors="concessive, contrast, negated and plain reviews are hard"),
        ),
    ]


def _writeup_errors() -> str:
    return f"long {_worst()} reviews whose verdict comes late in the text"


RIGHT: dict[str, Callable[[], Any]] = {
    "18.7": lambda: _search_answer(),
    "18.8": lambda: _keras_answer(),
    "18.10": lambda: _keras_answer("18.10", writeup=_writeup()),
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "18.7": _wrong_18_7,
    "18.8": _wrong_18_8,
    "18.10": _wrong_18_10,
}

_EARLIER = (
    r"\['val_loss'\]$",
    {"reordered", "first repeated"},
    "only the last validation loss is recomputed and compared, not the earlier epochs'",
)

HARMLESS: dict[str, list[tuple[str, set[str] | None, str]]] = {
    "18.8": [_EARLIER],
    "18.10": [_EARLIER],
}
