"""``make_reviews``: short synthetic product reviews whose sentiment depends on word order."""

from __future__ import annotations

import math
import numbers
import re

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._validate import check_int

__all__ = ["make_reviews"]

# ---------------------------------------------------------------------------------------------
# Word lists. Every sentiment-bearing word appears in both classes: a positive adjective is
# negated ("not great") or contrasted away ("great at first but it broke") in negative reviews,
# and the other way round, so that counting words without their order is not enough.
# ---------------------------------------------------------------------------------------------

_PRODUCTS = (
    "headset",
    "blender",
    "charger",
    "kettle",
    "backpack",
    "desk lamp",
    "keyboard",
    "mouse",
    "speaker",
    "phone case",
    "water bottle",
    "toaster",
    "vacuum",
    "camera",
    "jacket",
    "office chair",
    "coffee maker",
    "tent",
    "watch",
    "monitor",
    "router",
    "drill",
    "mattress",
    "umbrella",
)
_ASPECTS = (
    "sound",
    "battery",
    "build quality",
    "design",
    "fit",
    "screen",
    "material",
    "finish",
    "handle",
    "cable",
    "lid",
    "motor",
)
_POS_ADJ = (
    "good",
    "great",
    "excellent",
    "amazing",
    "fantastic",
    "solid",
    "reliable",
    "comfortable",
    "sturdy",
    "impressive",
    "perfect",
    "lovely",
    "nice",
    "decent",
    "awesome",
    "well made",
)
_NEG_ADJ = (
    "bad",
    "terrible",
    "awful",
    "poor",
    "flimsy",
    "useless",
    "disappointing",
    "cheap",
    "horrible",
    "mediocre",
    "annoying",
    "uncomfortable",
    "faulty",
    "noisy",
    "badly made",
)
_INTENSIFIERS = (
    "very",
    "really",
    "extremely",
    "super",
    "quite",
    "pretty",
    "so",
    "incredibly",
    "truly",
    "rather",
    "totally",
    "genuinely",
)
_BE = ("is", "was", "feels", "seems", "looks")
# Negated copulas keep the same verbs so that "is" and "was" carry no sentiment.
_BE_NOT = (
    "is not",
    "is not",
    "was not",
    "isn't",
    "wasn't",
    "is never",
    "does not feel",
    "is far from",
)
# Events: (plain wording, negated wording). The negated wording reuses the plain words, so a
# positive event negated ("it does not work") shares its vocabulary with the positive one.
_POS_EVENTS = (
    ("it works perfectly", "it does not work perfectly"),
    ("it does the job", "it does not do the job"),
    ("it exceeded my expectations", "it did not meet my expectations"),
    ("it still works", "it no longer works"),
    ("it holds up well", "it does not hold up well"),
    ("it is worth every penny", "it is not worth the money"),
    ("it was easy to set up", "it was not easy to set up"),
    ("i love it", "i do not love it"),
    ("i use it every day", "i never use it"),
    ("i would buy it again", "i would not buy it again"),
    ("i would recommend it", "i would not recommend it"),
    ("it is worth it", "it is not worth it"),
    ("i am happy with it", "i am not happy with it"),
    ("it lives up to the hype", "it does not live up to the hype"),
)
_NEG_EVENTS = (
    ("it broke after a week", "it never broke"),
    ("it stopped working", "it never stopped working"),
    ("it fell apart", "it did not fall apart"),
    ("it arrived damaged", "it did not arrive damaged"),
    ("it was hard to set up", "it was not hard to set up"),
    ("it died after two days", "it has not died on me"),
    ("i regret buying it", "i do not regret buying it"),
    ("i returned it", "i did not return it"),
    ("it is a waste of money", "it is not a waste of money"),
    ("i had problems with it", "i never had problems with it"),
    ("it disappointed me", "it never disappointed me"),
    ("i complain about it", "i cannot complain about it"),
    ("it leaks", "it never leaks"),
    ("it overheats", "it does not overheat"),
)
_FILLERS = (
    "honestly",
    "overall",
    "well",
    "to be fair",
    "i think",
    "i guess",
    "so far",
    "in my opinion",
    "to be honest",
    "basically",
    "anyway",
    "for what it is worth",
)
_NEUTRAL = (
    "i bought it for my brother",
    "it came in a blue box",
    "delivery took three days",
    "i ordered the black one",
    "my wife picked this one",
    "i have had it for a month",
    "it replaced my old {product}",
    "i use it in the kitchen",
    "i got it on sale",
    "the {aspect} is the same as the picture",
    "it was a gift",
    "i use it at work",
    "the box had a manual",
    "i compared it with two other models",
    "i bought it last spring",
)
_CLOSERS_POS = ("five stars", "recommended", "glad i bought it", "thumbs up")
_CLOSERS_NEG = ("one star", "avoid", "save your money", "thumbs down")

_STRUCTURES = ("plain", "but", "although", "even_though", "at_first")
_STRUCTURE_P = np.array([0.62, 0.14, 0.06, 0.06, 0.12])
_P_NEGATE = 0.35
_P_TYPO = 0.03
_LABEL_NOISE = 0.01
_MIN_TOKENS, _MAX_TOKENS = 5, 40


class _Draws:
    """Hand out pre-drawn uniform numbers, so that text generation calls the RNG rarely."""

    def __init__(self, rng: np.random.Generator, size: int) -> None:
        self._rng = rng
        self._size = size
        self._buffer = rng.random(size)
        self._next = 0

    def u(self) -> float:
        if self._next == self._size:
            self._buffer = self._rng.random(self._size)
            self._next = 0
        value = self._buffer[self._next]
        self._next += 1
        return float(value)

    def chance(self, p: float) -> bool:
        return self.u() < p

    def pick(self, options):
        return options[int(self.u() * len(options))]


def _subject(d: _Draws) -> str:
    r = d.u()
    if r < 0.35:
        return "it"
    if r < 0.7:
        return f"{d.pick(('this', 'the', 'my new'))} {{product}}"
    return "the {aspect}"


def _adjective(d: _Draws, polarity: int) -> str:
    adj = d.pick(_POS_ADJ if polarity else _NEG_ADJ)
    if d.chance(0.25):
        adj = f"{d.pick(_INTENSIFIERS)} {adj}"
    return adj


def _clause(d: _Draws, polarity: int, p_negate: float) -> str:
    """A clause that expresses ``polarity`` (1 positive, 0 negative), maybe through negation."""
    negate = d.chance(p_negate)
    surface = 1 - polarity if negate else polarity
    if d.chance(0.55):
        if negate:
            return f"{_subject(d)} {d.pick(_BE_NOT)} {_adjective(d, surface)}"
        return f"{_subject(d)} {d.pick(_BE)} {_adjective(d, surface)}"
    plain, negated = d.pick(_POS_EVENTS if surface else _NEG_EVENTS)
    return negated if negate else plain


def _core(d: _Draws, label: int, structure: str) -> str:
    other = 1 - label
    if structure == "plain":
        return _clause(d, label, _P_NEGATE)
    if structure == "but":
        word = d.pick(("but", "but", "but", "however", "yet"))
        return f"{_clause(d, other, _P_NEGATE / 2)}, {word} {_clause(d, label, _P_NEGATE / 2)}"
    if structure == "although":
        word = d.pick(("although", "though", "while"))
        return f"{word} {_clause(d, other, _P_NEGATE / 2)}, {_clause(d, label, _P_NEGATE / 2)}"
    if structure == "even_though":
        word = d.pick(("even though", "although", "despite the fact that"))
        return f"{_clause(d, label, _P_NEGATE / 2)} {word} {_clause(d, other, _P_NEGATE / 2)}"
    # at_first: an early impression that the rest of the sentence overturns.
    early = _adjective(d, other)
    later = _clause(d, label, _P_NEGATE / 2)
    opener = d.pick(("it seemed", "it looked", "it was", "i thought it was"))
    return f"{opener} {early} at first, but {d.pick(('then', 'later', 'after a while', 'now'))} {later}"


def _typo(d: _Draws, word: str) -> str:
    i = int(d.u() * (len(word) - 1))
    kind = d.u()
    if kind < 0.4:  # swap two neighbouring letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind < 0.7:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[: i + 1] + word[i] + word[i + 1 :]  # double a letter


def _noisy(d: _Draws, text: str, p_typo: float) -> str:
    words = text.split(" ")
    for j, word in enumerate(words):
        if len(word) >= 4 and word.isalpha() and d.chance(p_typo):
            words[j] = _typo(d, word)
    return " ".join(words)


_PRONOUN_I = re.compile(r"\bi\b")


def _sentence(text: str, d: _Draws) -> str:
    end = "!" if d.chance(0.15) else "."
    text = _PRONOUN_I.sub("I", text)
    return text[0].upper() + text[1:] + end


def _fill(d: _Draws, text: str, product: str) -> str:
    text = text.replace("{product}", product)
    while "{aspect}" in text:
        text = text.replace("{aspect}", d.pick(_ASPECTS), 1)
    return text


def _review(d: _Draws, label: int, structure: str, target_len: int) -> str:
    product = d.pick(_PRODUCTS)
    core = _fill(d, _core(d, label, structure), product)
    if d.chance(0.3):
        core = f"{d.pick(_FILLERS)}, {core}"
    sentences = [core]
    n_tokens = len(core.split())
    # Pad towards the target length with neutral remarks and, sometimes, a second opinion.
    while n_tokens < target_len:
        r = d.u()
        if r < 0.5:
            extra = d.pick(_NEUTRAL)
        elif r < 0.8:
            extra = _clause(d, label, _P_NEGATE)
        elif r < 0.96:
            extra = d.pick(_CLOSERS_POS if label else _CLOSERS_NEG)
        else:
            extra = f"the {d.pick(_ASPECTS)} {d.pick(_BE)} {_adjective(d, int(d.chance(0.5)))}"
        extra = _fill(d, extra, product)
        k = len(extra.split())
        if n_tokens + k > _MAX_TOKENS:
            break
        position = int(d.u() * (len(sentences) + 1))
        sentences.insert(position, extra)
        n_tokens += k
    text = " ".join(_sentence(s, d) for s in sentences)
    return _noisy(d, text, _P_TYPO)


def _check_int(name: str, value, low: int) -> int:
    return check_int(name, value, low=low, example=max(low, 1000))


def make_reviews(
    n_reviews: int = 4_000, *, test_size: float = 0.25, seed: int | None = 42
) -> Bunch:
    """Generate short English product reviews with a sentiment label that depends on word order.

    Reviews are assembled from templates and word lists stored in this module (no external
    data). Each review has one *core* statement whose structure is drawn at random:

    - plain: ``"the kettle is really good"``, possibly negated (``"it is not good"``,
      ``"it never broke"``);
    - contrast with the verdict last: ``"it looked great at first, but then it stopped working"``,
      ``"it is overpriced, but i would buy it again"``, ``"although ..., ..."``;
    - contrast with the verdict first: ``"i love it even though the lid is flimsy"``.

    The core is padded to a random length with neutral remarks (``"it was a gift"``), a second
    opinion of the same polarity, short closers (``"five stars"``) and aspect remarks of random
    polarity (noise); fillers (``"honestly"``), intensifiers (``"very"``, ``"super"``) and typos
    (about 3 % of longer words: swapped, dropped or doubled letters) are sprinkled in.

    Every sentiment word occurs in both classes (negation and contrast flip it), so a bag of
    words is ambiguous, while n-grams and sequence models can use the order. On the test split a
    unigram ``CountVectorizer`` + ``LogisticRegression`` scores clearly lower than the same
    model with ``ngram_range=(1, 3)``.

    Simulated: negation, contrast (``but``, ``although``, ``even though``, "at first ... but
    then"), intensifiers, synonyms, fillers, typos, varying length (5-40 whitespace tokens),
    label noise (about 1 % of labels are flipped, as in real annotations). Not simulated:
    sarcasm, neutral or mixed verdicts, star ratings, real grammar variety, spelling of real
    reviewers, multiple languages, domain shift, or anything learned from real reviews.

    Parameters
    ----------
    n_reviews : int, default=4000
        Number of reviews (at least 20). Labels are balanced exactly (the extra review of an odd
        count is positive).
    test_size : float, default=0.25
        Fraction of reviews in the designated test split, strictly between 0 and 1. The split is
        stratified by label.
    seed : int or None, default=42
        Seed of ``np.random.default_rng``; the same seed gives the same reviews and split,
        ``None`` fresh randomness.

    Returns
    -------
    sklearn.utils.Bunch
        ``frame`` : DataFrame with columns ``text`` (str), ``label`` (int64, 0 negative,
        1 positive) and ``split`` (str, ``"train"`` or ``"test"``), one row per review.
        ``train``, ``test`` : the rows of ``frame`` in each split (index reset).
        ``target_names`` : ``["negative", "positive"]``.
        ``description`` : plain-text description. ``name`` : ``"reviews"``.

    Raises
    ------
    ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> from mlcourse.datasets._reviews import make_reviews
    >>> data = make_reviews(200, seed=0)
    >>> data.frame.columns.tolist()
    ['text', 'label', 'split']
    """
    n_reviews = _check_int("n_reviews", n_reviews, 20)
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, numbers.Real)
        or not math.isfinite(test_size)
    ):
        raise ValueError(
            f"test_size must be a fraction, got {test_size!r}; pass e.g. test_size=0.25."
        )
    if not 0 < test_size < 1:
        raise ValueError(
            f"test_size must be strictly between 0 and 1, got {test_size}; "
            "pass a fraction such as test_size=0.25."
        )
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0
    ):
        raise ValueError(
            f"seed must be a non-negative integer or None, got {seed!r}; pass e.g. seed=42."
        )

    rng = np.random.default_rng(seed)
    labels = np.zeros(n_reviews, dtype=np.int64)
    labels[: (n_reviews + 1) // 2] = 1
    labels = rng.permutation(labels)
    structures = rng.choice(len(_STRUCTURES), size=n_reviews, p=_STRUCTURE_P)
    target_len = np.clip(np.round(rng.gamma(2.0, 6.0, size=n_reviews)), _MIN_TOKENS, _MAX_TOKENS)
    d = _Draws(rng, 65_536)
    texts = [
        _review(d, int(y), _STRUCTURES[s], int(t))
        for y, s, t in zip(labels, structures, target_len, strict=True)
    ]
    # Annotation noise: a few labels disagree with the text.
    flip = rng.random(n_reviews) < _LABEL_NOISE
    labels = np.where(flip, 1 - labels, labels)

    split = np.full(n_reviews, "train", dtype=object)
    for value in (0, 1):
        idx = np.flatnonzero(labels == value)
        idx = rng.permutation(idx)
        split[idx[: int(round(test_size * len(idx)))]] = "test"
    if not (split == "test").any() or not (split == "train").any():
        raise ValueError(
            f"test_size={test_size} with n_reviews={n_reviews} leaves a split empty; "
            "use more reviews or a test_size further from 0 and 1."
        )

    frame = pd.DataFrame(
        {
            "text": pd.Series(texts, dtype="str"),
            "label": labels,
            "split": pd.Series(split, dtype="str"),
        }
    )
    train = frame[frame["split"] == "train"].reset_index(drop=True)
    test = frame[frame["split"] == "test"].reset_index(drop=True)
    lengths = frame["text"].str.split().str.len()
    description = _DESCRIPTION.format(
        n=n_reviews,
        n_train=len(train),
        n_test=len(test),
        test_size=test_size,
        seed=seed,
        min_len=int(lengths.min()),
        median_len=float(lengths.median()),
        max_len=int(lengths.max()),
        pos=float(frame["label"].mean()),
    )
    return Bunch(
        frame=frame,
        train=train,
        test=test,
        target_names=["negative", "positive"],
        description=description,
        name="reviews",
    )


_DESCRIPTION = """\
reviews: synthetic product reviews with binary sentiment (mlcourse generator make_reviews)

Simulates short English product reviews built from templates and word lists: plain opinions,
negation ("not good", "it never broke"), contrast ("great at first, but then it stopped
working"; "i love it even though the lid is flimsy"), intensifiers, fillers, neutral remarks,
typos and about 1 % label noise. The same sentiment words occur in both classes, so word
order matters: unigram bag-of-words models are measurably worse than n-gram or sequence models.
Not simulated: sarcasm, mixed or neutral verdicts, real reviewers' language, other languages.

Fields
  frame         DataFrame, one row per review: text (str), label (int64: 0 negative,
                1 positive), split (str: "train" or "test")
  train, test   the rows of frame in each split (index reset); evaluate on test only
  target_names  ["negative", "positive"]

This draw: {n} reviews ({n_train} train, {n_test} test), share positive {pos:.3f},
whitespace tokens per review min {min_len} / median {median_len:.0f} / max {max_len}.
Parameters: n_reviews={n}, test_size={test_size}, seed={seed}.
License: MIT (part of mlcourse). Cite as: The mlcourse maintainers (2026). make_reviews:
synthetic product reviews whose sentiment depends on word order [data generator].
mlcourse 0.1.0, MIT License.
"""
