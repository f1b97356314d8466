"""Helpers shared by the keys of the Keras exercises (modules 15 to 17).

The keys judge a model from its weights: they recompute its losses on images they load
themselves, find which training rows the learner held out (by their pixels), and compare
what ``fit`` reported with what the weights give. This module is part of the keys, which the
grading sandbox hides: a learner's kernel can never import it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mlcourse.checks import Fail, require_float

CLIP = 1e-7  # Keras clips probabilities to [1e-7, 1 - 1e-7] before taking their log


def losses(logits: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each image's cross-entropy, exact and from clipped probabilities.

    Parameters
    ----------
    logits : ndarray of shape (n, classes)
        The scores that go into the final softmax.
    y : ndarray of shape (n,)
        The true classes.

    Returns
    -------
    tuple of ndarray
        The loss from the logits (what Keras's TensorFlow backend computes behind a softmax
        layer) and from probabilities clipped to ``[CLIP, 1 - CLIP]`` (what it computes
        otherwise).
    """
    with np.errstate(all="ignore"):
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        exact = -log_probs[np.arange(len(y)), y]
        clipped = -np.log(np.clip(np.exp(log_probs[np.arange(len(y)), y]), CLIP, 1 - CLIP))
    return exact, clipped


def z_score(a: np.ndarray, b: np.ndarray) -> float:
    """How many standard errors the mean of ``a`` lies above that of ``b`` (independent samples)."""
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return float((a.mean() - b.mean()) / se) if se > 0 else 0.0


def require_finite_float(value: Any, path: str) -> float:
    """``value`` if it is a finite float, else the collected data is malformed at ``path``."""
    return require_float(value, path, finite=True)


def other(name: str) -> str:
    """``"other: Lambda"`` -> ``Lambda``: how the extract names what it does not know."""
    return name.split(": ", 1)[1] if name.startswith("other: ") else name


def quiet(func):
    """``func`` with NumPy's overflow and invalid-value warnings silenced (a mistake may overflow)."""

    def quiet(*args, **kwargs):
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return quiet


def row_keys(X: np.ndarray) -> list[bytes]:
    """Each image of ``X`` (pixels divided by 255) as the bytes of its 0-255 pixels."""
    pixels = np.clip(np.rint(X.astype(float) * 255), 0, 255).astype(np.uint8)
    return [row.tobytes() for row in pixels.reshape(len(X), -1)]


def row_index(X: np.ndarray) -> dict[bytes, int]:
    """The row of each image of ``X``, by its pixels (see :func:`row_keys`)."""
    return {key: i for i, key in enumerate(row_keys(X))}


def rows_in(X: np.ndarray, index: dict[bytes, int], not_pixels: str) -> np.ndarray:
    """The row in ``index`` of each image of ``X``, -1 for an image that is not there.

    Parameters
    ----------
    X : ndarray
        The learner's images, one per row, pixels divided by 255.
    index : dict
        A :func:`row_index` of the images they should come from.
    not_pixels : str
        The message of the ``Fail`` raised when ``X`` does not hold pixels divided by 255.

    Returns
    -------
    ndarray of int
        One row number per image of ``X``.
    """
    with np.errstate(all="ignore"):
        pixels = X.astype(float) * 255
    if not np.all(np.isfinite(pixels)) or np.abs(pixels - np.rint(pixels)).max() > 1e-3:
        raise Fail(not_pixels)
    return np.array([index.get(key, -1) for key in row_keys(X)], dtype=int)


def reports(values: list[float], measured: tuple[np.ndarray, ...], rtol: float) -> bool:
    """Whether one of the reported ``values`` is the mean of one of the ``measured`` losses."""
    return any(
        math.isclose(v, float(loss.mean()), rel_tol=rtol) for v in values for loss in measured
    )
