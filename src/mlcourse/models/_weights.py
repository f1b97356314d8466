"""Weights files of the pretrained models: a NumPy ``.npz`` of named arrays and their checksum."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np


def weights_checksum(arrays: dict[str, np.ndarray]) -> str:
    """SHA-256 of the weights' content: names, dtypes, shapes and exact bytes, in name order.

    Unlike a hash of the ``.npz`` file, this does not depend on the zip container (file dates,
    compression); unlike the datasets' checksum it does not round: a weight changed in its
    last bit changes it.

    Returns
    -------
    str
        ``"sha256:<hex>"``.
    """
    digest = hashlib.sha256()
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        digest.update(f"{name}|{array.dtype.str}|{array.shape}|".encode())
        digest.update(array.tobytes())
    return f"sha256:{digest.hexdigest()}"


def weight_key(layer: Any, weight: Any) -> str:
    """A weight's name in a weights file: ``layer/variable`` (``block1_conv/kernel``).

    Not Keras's ``weight.path``, which may start with the model's name: the model without its
    classifier has another name and must find the same weights.
    """
    return f"{layer.name}/{weight.name}"


def model_arrays(model: Any) -> dict[str, np.ndarray]:
    """A Keras model's weights by ``layer/variable`` name, as float32 arrays."""
    return {
        weight_key(layer, w): np.asarray(w.numpy(), dtype=np.float32)
        for layer in model.layers
        for w in layer.weights
    }


def save(arrays: dict[str, np.ndarray], path: Path) -> None:
    """Write the arrays to ``path`` (a ``.npz``; paths' ``/`` kept in the names)."""
    np.savez(path, **arrays)


def read(path: Path) -> dict[str, np.ndarray]:
    """The arrays of a ``.npz`` weights file, without pickled objects."""
    with np.load(path, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}
