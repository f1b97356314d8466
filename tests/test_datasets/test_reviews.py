"""make_reviews: determinism, schema, balance, and word order that matters."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from mlcourse.datasets import _reviews
from mlcourse.datasets._reviews import make_reviews


@pytest.fixture(scope="module")
def data():
    return make_reviews()


def _accuracy(data, ngram_range):
    # liblinear: single-threaded and fast here; lbfgs (the default) gives the same accuracy
    # within about half a point.
    model = make_pipeline(
        CountVectorizer(ngram_range=ngram_range), LogisticRegression(solver="liblinear")
    )
    model.fit(data.train.text, data.train.label)
    return model.score(data.test.text, data.test.label)


def test_same_seed_same_reviews_other_seed_other_reviews():
    first = make_reviews(300, seed=3)
    pd.testing.assert_frame_equal(first.frame, make_reviews(300, seed=3).frame)
    assert not first.frame.equals(make_reviews(300, seed=4).frame)


def test_bunch_fields_columns_and_dtypes(data):
    assert data.name == "reviews"
    assert data.target_names == ["negative", "positive"]
    assert len(data.description.splitlines()) > 10
    frame = data.frame
    assert list(frame.columns) == ["text", "label", "split"]
    assert {c: str(t) for c, t in frame.dtypes.items()} == {
        "text": "str",
        "label": "int64",
        "split": "str",
    }
    assert len(frame) == 4_000 and not frame.isna().any().any()
    assert set(frame.label) == {0, 1} and set(frame.split) == {"train", "test"}
    assert (frame.split == "test").sum() == 1_000
    pd.testing.assert_frame_equal(data.train, frame[frame.split == "train"].reset_index(drop=True))
    pd.testing.assert_frame_equal(data.test, frame[frame.split == "test"].reset_index(drop=True))


def test_labels_are_balanced_overall_and_in_each_split(data):
    assert abs(data.frame.label.mean() - 0.5) < 0.02
    assert abs(data.train.label.mean() - 0.5) < 0.03
    assert abs(data.test.label.mean() - 0.5) < 0.03


def test_lengths_vary_between_5_and_40_tokens(data):
    lengths = data.frame.text.str.split().str.len()
    assert lengths.min() >= 5 and lengths.max() <= 40
    assert lengths.std() > 5
    assert (lengths <= 8).mean() > 0.1 and (lengths >= 25).mean() > 0.1
    assert data.frame.text.nunique() > 0.9 * len(data.frame)


def test_sentiment_words_occur_in_both_classes(data):
    words = data.frame.text.str.lower().str.findall(r"[a-z]+")
    for word in ("good", "great", "terrible", "broke", "not", "but", "recommend", "worth"):
        has = words.apply(lambda ws, w=word: w in ws)
        share_positive = data.frame.label[has].mean()
        assert has.sum() > 40 and 0.2 < share_positive < 0.8, word


def test_negation_contrast_intensifiers_and_noise_are_present(data):
    text = data.frame.text.str.lower()
    for pattern in (r"\bnot\b", r"\bnever\b", r"\bbut\b", r"\balthough\b", r"\bat first\b"):
        assert text.str.contains(pattern).mean() > 0.02, pattern
    intensifiers = "|".join(_reviews._INTENSIFIERS)
    assert text.str.contains(rf"\b(?:{intensifiers})\b").mean() > 0.1
    # typos: about 3 % of the longer words are not in the generator's word lists
    known = set()
    for name in dir(_reviews):
        value = getattr(_reviews, name)
        if name.isupper() and isinstance(value, tuple):
            for entry in value:
                for phrase in entry if isinstance(entry, tuple) else (entry,):
                    known.update(re.findall(r"[a-z]+", phrase))
    words = [w for w in re.findall(r"[a-z]+", " ".join(text)) if len(w) >= 4]
    unknown = sum(w not in known for w in words) / len(words)
    assert 0.01 < unknown < 0.06, unknown


@pytest.mark.parametrize("seed", [42, 0, 1])
def test_word_order_matters_unigrams_lose_to_ngrams_on_the_test_split(seed):
    data = make_reviews(seed=seed)
    unigram = _accuracy(data, (1, 1))
    ngram = _accuracy(data, (1, 3))
    assert 0.6 < unigram < 0.85, unigram
    assert 0.78 < ngram < 0.97, ngram
    assert ngram - unigram >= 0.05, (unigram, ngram)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_reviews": 10}, "n_reviews must be at least 20, got 10"),
        ({"n_reviews": 100.0}, "n_reviews must be an integer"),
        ({"test_size": 0}, "test_size must be strictly between 0 and 1, got 0"),
        ({"test_size": 1.0}, "got 1.0"),
        ({"test_size": "a quarter"}, "test_size must be a fraction, got 'a quarter'"),
        ({"test_size": float("nan")}, "test_size must be a fraction"),
        ({"seed": -3}, "seed must be a non-negative integer or None"),
        ({"seed": 1.5}, "seed must be a non-negative integer or None"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_reviews(**{"n_reviews": 100, **kwargs})


def test_parameters_after_n_reviews_are_keyword_only():
    with pytest.raises(TypeError):
        make_reviews(100, 0.25)


def test_test_size_and_small_sizes():
    data = make_reviews(21, test_size=0.5, seed=0)
    assert len(data.frame) == 21 and 0 < len(data.test) < 21
    assert np.isin(data.frame.label, [0, 1]).all()
    assert (make_reviews(400, test_size=0.1, seed=0).frame.split == "test").sum() == 40
