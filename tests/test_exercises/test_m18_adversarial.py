"""Module 18: attempts to pass the checks without doing the task, and right work written
differently, that the solutions notebook's self-tests cannot express (forged collected data,
the key's own Keras-free encoder and LSTM checked against Keras). Every model here is tiny and
untrained: no test trains a network.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from functools import cache

import numpy as np
import pytest

from mlcourse.checks import Answer, Function
from mlcourse.exercises import get_module
from mlcourse.exercises.m18 import C_GRID, _reviews
from mlcourse.keys import m18 as key

MODULE = get_module("18")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}


def judged(problem_id: str, data) -> object:
    return PROBLEMS[problem_id].evaluate(Answer({"data": data}))


def outcome(problem_id: str, **namespace):
    return PROBLEMS[problem_id].check(namespace)


@pytest.mark.parametrize(
    "problem", [p for p in MODULE.problems if isinstance(p, Function)], ids=lambda p: p.id
)
def test_every_hidden_case_has_a_label(problem):
    for hidden, case in problem.cases():
        if hidden:
            assert case.label, f"{problem.id}: a hidden case without a label"


# --------------------------------------------------------------------------------------
# Right work written differently is accepted.
# --------------------------------------------------------------------------------------


def test_encode_with_pad_lists_is_accepted():
    def encode(texts, vocab, length):
        rows = [
            ([vocab.get(t, 1) for t in re.findall(r"[a-z0-9']+", s.lower())] + [0] * length)[
                :length
            ]
            for s in texts
        ]
        return np.array(rows, dtype=np.int64).reshape(len(texts), length)

    assert outcome("18.1", encode=encode).correct


def test_bpe_with_counters_is_accepted():
    def bpe_step(word_counts):
        pairs = Counter()
        for word, n in word_counts.items():
            for a, b in zip(word, word[1:], strict=False):
                pairs[a, b] += n
        if not pairs:
            return None, dict(word_counts)
        best = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))[0][0]
        merged = Counter()
        for word, n in word_counts.items():
            out = list(word)
            i = 0
            while i < len(out) - 1:
                if (out[i], out[i + 1]) == best:
                    out[i : i + 2] = [out[i] + out[i + 1]]
                i += 1
            merged[tuple(out)] += n
        return best, dict(merged)

    assert outcome("18.2", bpe_step=bpe_step).correct


def test_attention_with_einsum_and_a_big_negative_then_zeroing_is_accepted():
    def attention(Q, K, V, mask=None):
        scores = np.einsum("bqd,bkd->bqk", Q, K) / np.sqrt(Q.shape[-1])
        allowed = np.ones(scores.shape, bool) if mask is None else mask
        scores = np.where(allowed, scores, -1e300)
        e = np.exp(scores - scores.max(axis=-1, keepdims=True)) * allowed
        s = e.sum(axis=-1, keepdims=True)
        w = np.where(s > 0, e / np.where(s > 0, s, 1.0), 0.0)
        return np.einsum("bqk,bkv->bqv", w, V), w

    assert outcome("18.5", attention=attention).correct


# --------------------------------------------------------------------------------------
# Wrong work that only a test can build.
# --------------------------------------------------------------------------------------


def test_attention_that_ignores_the_mask_is_rejected():
    def attention(Q, K, V, mask=None):
        return key._attention(Q, K, V)

    assert outcome("18.5", attention=attention).status == "incorrect"


def test_positional_encoding_in_float32_and_hardcoded_sizes_are_rejected():
    assert (
        outcome(
            "18.6", positional_encoding=lambda n, d: key._positional_encoding(n, d)[:, :6]
        ).status
        == "incorrect"
    )
    assert (
        outcome("18.6", positional_encoding=lambda n, d: key._positional_encoding(4, 6)).status
        == "incorrect"
    )


def test_bootstrap_with_another_seed_or_generator_is_rejected():
    def legacy(a, b, n_boot, seed):
        a, b = np.asarray(a, float), np.asarray(b, float)
        idx = np.random.RandomState(seed).randint(0, len(a), size=(n_boot, len(a)))
        return tuple(float(v) for v in np.percentile((a[idx] - b[idx]).mean(1), [2.5, 97.5]))

    assert outcome("18.9", paired_bootstrap=legacy).status == "incorrect"


# --------------------------------------------------------------------------------------
# 18.7: the grid search, as plain data.
# --------------------------------------------------------------------------------------


@cache
def _search_data() -> dict:
    """Plain data shaped as the extract gives it, from the key's own rerun."""
    ref = key._reference_search()
    vec, clf = key._reference_params()
    clf = {**clf, "C": repr(ref["best"])}
    d = _reviews()
    return {
        "step_names": ["tfidf", "clf"],
        "vectorizer": vec,
        "classifier": clf,
        "grid": repr({"clf__C": list(C_GRID)}),
        "params": [{"clf__C": c} for c in C_GRID],
        "mean_test_score": [ref["scores"][c] for c in C_GRID],
        "best_C": float(ref["best"]),
        "vocabulary": list(ref["vocabulary"]),
        "coef": ref["coef"].copy(),
        "intercept": ref["intercept"].copy(),
        "baseline_acc": float(ref["test_correct"].mean()),
        "_": d,
    }


def _search(**changes) -> dict:
    data = {k: copy.deepcopy(v) for k, v in _search_data().items() if k != "_"}
    data.update(changes)
    return data


def test_search_data_from_the_right_work_is_correct():
    assert judged("18.7", _search()).correct


@pytest.mark.parametrize(
    "changes",
    [
        {"mean_test_score": [0.80, 0.82, 0.83, 0.81]},  # typed-in CV scores
        {"best_C": 1000.0},  # a C not chosen by the CV
        {"params": [{"clf__C": c} for c in (1.0, 10.0, 100.0, 1000.0, 10000.0)]},
        {"params": [{"clf__C": c, "tfidf__min_df": 2.0} for c in C_GRID]},
        {"baseline_acc": 0.95},
    ],
    ids=["typed-in scores", "another C", "another grid", "another parameter", "typed-in accuracy"],
)
def test_forged_search_data_is_rejected(changes):
    assert judged("18.7", _search(**changes)).status == "incorrect"


def test_the_stored_cv_scores_are_those_of_the_search():
    # The key stores GridSearchCV's 5-fold scores (CV_SCORES) instead of rerunning 20 fits at
    # every check: regenerate them and compare, to the precision the judge compares at.
    scores = key._cv_scores()
    assert set(scores) == set(key.CV_SCORES)
    assert all(abs(scores[c] - key.CV_SCORES[c]) <= 1e-12 for c in C_GRID), scores


def test_the_same_search_written_differently_is_accepted():
    # Review rows 7-8: cv=StratifiedKFold(5) with scoring omitted gives the same folds (nothing
    # of cv or scoring is judged as text), and a grid given as a NumPy array gives NumPy floats
    # as candidates, which the extract turns into floats.
    from mlcourse.exercises.m18 import _candidate

    params = [_candidate({"clf__C": np.float64(c)}) for c in np.array(C_GRID)]
    assert params == [{"clf__C": c} for c in C_GRID]
    assert judged("18.7", _search(params=params)).correct


def test_coefficients_of_a_pipeline_fitted_with_the_test_reviews_are_rejected():
    from sklearn.base import clone

    ref = key._reference_search()
    d = _reviews()
    leaky = clone(key._pipeline(ref["best"])).fit(
        d["train_text"] + d["test_text"], np.concatenate([d["y_train"], d["y_test"]])
    )
    data = _search(
        vocabulary=sorted(leaky.named_steps["tfidf"].vocabulary_),
        coef=leaky.named_steps["clf"].coef_,
        intercept=leaky.named_steps["clf"].intercept_,
    )
    result = judged("18.7", data)
    assert result.status == "incorrect" and "training reviews" in result.message


# --------------------------------------------------------------------------------------
# 18.8: the key's Keras-free encoder and LSTM agree with Keras; forged models are rejected.
# --------------------------------------------------------------------------------------


@cache
def _tiny():
    import keras

    import mlcourse

    mlcourse.setup_notebook(seed=42, keras=True)
    d = _reviews()
    vectorizer = keras.layers.TextVectorization(max_tokens=300, output_sequence_length=40)
    vectorizer.adapt(np.array(d["train_text"][:300]))
    model = keras.Sequential(
        [
            keras.Input(shape=(40,), dtype="int32"),
            keras.layers.Embedding(len(vectorizer.get_vocabulary()), 4, mask_zero=True),
            keras.layers.LSTM(3),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model, vectorizer


def _keras_data(**changes) -> dict:
    model, vectorizer = _tiny()
    data = PROBLEMS["18.8"].collect({"model": model, "vectorizer": vectorizer}).values["data"]
    data = copy.deepcopy(data)
    data.update(changes)
    return data


def test_the_keys_encoder_is_textvectorization():
    _, vectorizer = _tiny()
    d = _reviews()
    texts = d["test_text"][:300]
    ours = key._vectorize(texts, [str(t) for t in vectorizer.get_vocabulary()])
    assert np.array_equal(ours, vectorizer(np.array(texts)).numpy())


def test_the_keys_lstm_reproduces_keras():
    model, vectorizer = _tiny()
    data = _keras_data()
    net = key._network(data)
    ours = key._lstm_proba(net, "test", 200)
    ids = key._vectorize(_reviews()["test_text"][:200], net["vocabulary"])
    theirs = model.predict(ids, verbose=0)[:, 0]
    assert np.abs(ours - theirs).max() < 1e-5


def test_an_untrained_model_is_rejected_as_never_trained():
    result = judged("18.8", _keras_data())
    assert result.status == "incorrect" and "never trained" in result.message


def test_forged_iterations_without_validation_loss_are_rejected():
    result = judged("18.8", _keras_data(iterations=100))
    assert result.status == "incorrect" and "validation" in result.message


def test_a_typed_in_history_is_rejected():
    # Review rows 2-3: a history typed in by hand (val_loss [0.5] * 6) on a model whose optimiser
    # counter was set by hand: without `steps` the update count cannot be checked; with it, the
    # validation loss recomputed from the weights differs from the typed one.
    data = _keras_data(iterations=100, val_loss=[0.5] * 6, epochs_run=6, steps=0)
    result = judged("18.8", data)
    assert result.status == "incorrect" and "updates" in result.message
    data = _keras_data(iterations=100, val_loss=[0.5] * 6, epochs_run=6, steps=15)
    result = judged("18.8", data)
    assert result.status == "incorrect" and "validation loss" in result.message
    data = _keras_data(iterations=50, val_loss=[0.5] * 6, epochs_run=6, steps=15)
    result = judged("18.8", data)
    assert result.status == "incorrect" and "updates" in result.message


def test_the_validation_rows_are_those_of_the_prompts_split():
    from sklearn.model_selection import train_test_split

    d = _reviews()
    _, val_text, _, y_val = train_test_split(
        np.array(d["train_text"]),
        d["y_train"],
        test_size=0.2,
        stratify=d["y_train"],
        random_state=0,
    )
    rows = key._val_rows()
    assert [d["train_text"][i] for i in rows] == list(val_text)
    assert np.array_equal(d["y_train"][rows], y_val)


def test_a_vocabulary_with_test_only_words_is_rejected():
    d = _reviews()
    train_tokens, test_tokens = key._token_sets()
    test_only = sorted(test_tokens - train_tokens)[:3]
    data = _keras_data()
    data["vocabulary"] = data["vocabulary"][:-3] + test_only
    result = judged("18.8", data)
    assert result.status == "incorrect" and "test reviews" in result.message
    assert len(d["test_text"]) == 1000


def test_a_bidirectional_or_extra_layer_is_rejected():
    data = _keras_data()
    data["layers"] = [
        data["layers"][0],
        {"kind": "other: Bidirectional", "config": {}, "weights": []},
        data["layers"][2],
    ]
    result = judged("18.8", data)
    assert result.status == "incorrect" and "LSTM" in result.message


def test_a_relu_lstm_is_rejected():
    data = _keras_data()
    data["layers"][1]["config"]["activation"] = "relu"
    assert judged("18.8", data).status == "incorrect"


# --------------------------------------------------------------------------------------
# Second review: right work written differently (18.2, 18.7), and the write-up's two sentences
# and shipped model (18.10), judged by the key's own functions.
# --------------------------------------------------------------------------------------


def test_bpe_returning_a_counter_is_accepted():
    def bpe_step(word_counts):
        pair, merged = key._bpe_step(word_counts)
        return pair, Counter(merged)

    assert outcome("18.2", bpe_step=bpe_step).correct


def test_bpe_returning_its_input_is_still_rejected():
    def bpe_step(word_counts):
        pair, merged = key._bpe_step(word_counts)
        return (None, word_counts) if pair is None else (pair, Counter(merged))

    result = outcome("18.2", bpe_step=bpe_step)
    assert result.status == "incorrect" and "the dict it was given" in result.message


def test_an_integer_grid_is_accepted():
    # `np.array([1, 10, 100, 1000])`: NumPy ints as candidates and as the refitted C.
    from mlcourse.exercises.m18 import _candidate, _number

    grid = np.array([1, 10, 100, 1000])
    params = [_candidate({"clf__C": c}) for c in grid]
    best = _number(grid[list(C_GRID).index(key._reference_search()["best"])])
    assert judged("18.7", _search(params=params, best_C=best)).correct
    assert judged("18.7", _search(best_C=_number(True))).status == "incorrect"


def test_a_logistic_regression_with_other_arguments_is_told_so():
    vec, clf = key._reference_params()
    result = judged("18.7", _search(classifier={**clf, "max_iter": "1000"}))
    assert result.status == "incorrect" and "no other arguments" in result.message


def _text(errors="long concessive reviews whose verdict comes late", ship="LSTM", why=None):
    why = why or "the whole interval lies above zero, so it is more accurate"
    return (
        "Baseline (TF-IDF + logistic regression) test accuracy: 0.900\n"
        "LSTM test accuracy: 0.950\n"
        "Paired 95% bootstrap interval of LSTM minus baseline: [0.095, 0.142]\n"
        f"What the LSTM still gets wrong: {errors}\n"
        f"Model I would ship: {ship}\n"
        f"Why: {why}"
    )


def _verdict(ship="LSTM", why=None, low=0.095, high=0.142):
    _, ship, why = key._judge_sentences(_text(ship=ship, why=why))
    key._check_verdict(ship, why, low, high)


@pytest.mark.parametrize(
    ("ship", "why"),
    [
        ("baseline", "I would not ship the LSTM, I would ship the baseline"),
        ("either the lstm or the baseline", "whichever you like best of the two models"),
        ("baseline", "since the whole interval lies above zero, it is the one"),
        ("baseline", "the difference is significant and the intervals do not overlap"),
        ("LSTM", "gg hh ii jj kk ll mm"),
        ("LSTM baseline", "both of them are fine for the reviews we have"),
    ],
)
def test_a_verdict_against_the_interval_or_not_one_model_is_rejected(ship, why):
    with pytest.raises(key.Fail):
        _verdict(ship, why)


@pytest.mark.parametrize(
    ("ship", "why", "low", "high"),
    [
        ("LSTM", "the neural network, since its whole interval lies above zero", 0.095, 0.142),
        ("lstm", "it is the more accurate model on these reviews by a clear margin", 0.1, 0.2),
        ("baseline", "it is far cheaper and faster to train, for a small loss", 0.095, 0.142),
        ("Baseline", "the interval holds zero, so the simpler model is as good", -0.01, 0.02),
        ("baseline", "the baseline is more accurate here, the interval is below zero", -0.1, -0.05),
    ],
)
def test_a_verdict_that_agrees_with_the_interval_is_accepted(ship, why, low, high):
    _verdict(ship, why, low, high)


def _errors(errors: str) -> None:
    kinds = key._test_structures()
    # An LSTM right everywhere but on half the concessive and a quarter of the negated reviews.
    correct = np.ones(len(kinds))
    correct[np.flatnonzero(kinds == "concessive")[::2]] = 0
    correct[np.flatnonzero(kinds == "negated")[::4]] = 0
    assert key._weakest_kinds(correct) == {"concessive", "negated"}
    found, _, _ = key._judge_sentences(_text(errors=errors))
    key._check_errors(found, correct)


@pytest.mark.parametrize(
    "errors",
    [
        "I do not know what it gets wrong, but it is not much",
        "it misses some plain reviews and some contrast reviews too",
        "concessive, contrast, negated and plain reviews are all hard for it",
        "the reviews where the order of the words matters, though not all",
    ],
)
def test_an_errors_line_without_one_of_the_weakest_kinds_is_rejected(errors):
    with pytest.raises(key.Fail):
        _errors(errors)


@pytest.mark.parametrize(
    "errors",
    [
        "its errors are most frequent in concessive reviews, against few on contrasts",
        "it still misses negations, where one word flips the verdict",
        "Concessive ones: the verdict comes after 'although' in the main clause",
    ],
)
def test_an_errors_line_naming_a_weak_kind_is_accepted(errors):
    _errors(errors)


def test_an_untouched_bpe_step_is_not_attempted():
    def bpe_step(word_counts):
        """One BPE merge."""
        ...

    assert outcome("18.2", bpe_step=bpe_step).status == "not_attempted"
