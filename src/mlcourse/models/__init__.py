"""Pretrained models shipped with the course, for transfer learning that works offline.

Downloading weights at run time (``keras.applications`` does) is not offline, so the course
trains its own small backbones by a recipe kept in this package, ships their weights with a
checksum of their content, and documents their provenance in a card beside them:

>>> from mlcourse.models import load_pretrained, pretrained_info
>>> backbone = load_pretrained("digits04_cnn", include_top=False)  # doctest: +SKIP
>>> print(pretrained_info("digits04_cnn"))  # doctest: +SKIP

``mlcourse models list | info NAME | verify | build NAME`` are the same from a shell.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from . import _digits04
from ._weights import read, weight_key, weights_checksum

_HERE = Path(__file__).resolve().parent


class PretrainedError(Exception):
    """A pretrained model that is unknown, missing or whose weights fail their checksum."""


@dataclass(frozen=True)
class Pretrained:
    """A shipped model: its recipe module, the checksum of its weights and its files."""

    name: str
    recipe: ModuleType
    checksum: str
    summary: str

    @property
    def weights_path(self) -> Path:
        return _HERE / f"{self.name}.npz"

    @property
    def card_path(self) -> Path:
        return _HERE / f"{self.name}.md"


#: Every shipped model. The checksum is that of the weights' content (``weights_checksum``):
#: changing the ``.npz`` without changing it here makes every load fail.
REGISTRY: dict[str, Pretrained] = {
    "digits04_cnn": Pretrained(
        name="digits04_cnn",
        recipe=_digits04,
        checksum="sha256:5ef975c6eb520af5c61300d40d2b3934f58e6dd7070147bc6c025d4f3f9ccbdc",
        summary="small CNN, handwritten digits 0-4 (mnist_5k training split), 28x28x1 input",
    ),
}


def _entry(name: str) -> Pretrained:
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise PretrainedError(f"no pretrained model {name!r}; the course ships: {known}")
    return REGISTRY[name]


def verified_weights(name: str) -> dict[str, Any]:
    """The shipped weights of ``name`` by layer path, after checking their checksum.

    Raises
    ------
    PretrainedError
        When the model is unknown, its file is missing or unreadable, or the content's
        checksum differs from the registry's.
    """
    entry = _entry(name)
    try:
        arrays = read(entry.weights_path)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise PretrainedError(
            f"the weights of {name!r} cannot be read ({entry.weights_path}: {error}); "
            f"reinstall the course or rebuild them with `mlcourse models build {name}`"
        ) from None
    found = weights_checksum(arrays)
    if found != entry.checksum:
        raise PretrainedError(
            f"the weights of {name!r} in {entry.weights_path} fail their checksum "
            f"(expected {entry.checksum}, found {found}): the file was changed or damaged"
        )
    return arrays


def load_pretrained(name: str, *, include_top: bool = True) -> Any:
    """A fresh Keras model with the shipped, checksum-verified weights of ``name``.

    Parameters
    ----------
    name : str
        A model of ``REGISTRY`` (``"digits04_cnn"``).
    include_top : bool
        ``False`` leaves out the final classifier: the model then ends at its feature layer,
        ready for a new head (as with ``keras.applications`` models).

    Returns
    -------
    keras.Model
        A new model on every call: changing or training it leaves the shipped weights alone.

    Raises
    ------
    PretrainedError
        Unknown name, missing file or weights that fail their checksum.
    """
    entry = _entry(name)
    arrays = verified_weights(name)
    model = entry.recipe.build(include_top=include_top)
    for layer in model.layers:
        for weight in layer.weights:
            key = weight_key(layer, weight)
            if key not in arrays or arrays[key].shape != tuple(weight.shape):
                raise PretrainedError(f"the weights of {name!r} have no {key!r} of its shape")
            weight.assign(arrays[key])
    return model


def architecture(name: str, *, include_top: bool = True) -> Any:
    """The architecture of ``name`` with fresh, untrained weights: the same model from scratch.

    Parameters
    ----------
    name : str
        A model of ``REGISTRY``.
    include_top : bool
        As for ``load_pretrained``.

    Returns
    -------
    keras.Model
        Randomly initialised (seeded by ``keras.utils.set_random_seed``, as any new model).
    """
    return _entry(name).recipe.build(include_top=include_top)


def pretrained_info(name: str) -> str:
    """The provenance card of ``name`` (markdown): data, recipe, seed, versions, accuracy."""
    entry = _entry(name)
    card = entry.card_path.read_text(encoding="utf-8") if entry.card_path.is_file() else ""
    return card or f"{name}: {entry.summary} (no card)"


__all__ = [
    "REGISTRY",
    "Pretrained",
    "PretrainedError",
    "architecture",
    "load_pretrained",
    "pretrained_info",
    "verified_weights",
    "weights_checksum",
]
