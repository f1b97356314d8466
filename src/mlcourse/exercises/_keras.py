"""Helpers shared by the Keras exercises (modules 15 to 17): a trained model as plain data.

These run in the learner's kernel, inside each module's ``extract``: they read a Keras model
(its exact classes, activations, weights, optimiser and last ``fit``) and never call its
``predict``; every comparison with an answer happens in the key. Each module keeps its own
list of layer kinds and its own ``_layer_data``, built from the small readers below.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Custom, Fail, describe

#: Keras's activations that the course's models use, read by identity.
KERAS_ACTIVATIONS = ("relu", "softmax", "linear")
#: The attributes of a layer that hold a regularizer.
REGULARIZERS = ("kernel_regularizer", "bias_regularizer", "activity_regularizer")


@lru_cache(maxsize=1)
def mnist() -> dict[str, np.ndarray]:
    """mnist_5k with pixels scaled to [0, 1] as float32, flat rows, as in the notebooks."""
    from mlcourse.datasets import load_mnist_5k

    data = load_mnist_5k()
    return {
        "X_train": data.X_train.astype("float32") / 255,
        "X_test": data.X_test.astype("float32") / 255,
        "y_train": data.y_train,
        "y_test": data.y_test,
    }


def require_keras_model(model: Any, name: str) -> None:
    """``Fail`` unless ``model`` is a Keras model; ``name`` is its variable's, for the message."""
    import keras

    if not isinstance(model, keras.Model):
        raise Fail(
            f"`{name}` should be a Keras model such as `keras.Sequential([...])`, "
            f"but it is {describe(model)}."
        )


def keras_classes() -> tuple[Any, tuple[type, ...]]:
    """Keras, and the model classes it builds: ``keras.Sequential`` and the functional model."""
    import keras
    from keras.src.models.functional import Functional  # what keras.Model(inputs, outputs) is

    return keras, (keras.Sequential, Functional)


def activation_name(function: Any) -> str:
    """``relu``, ``softmax`` or ``linear`` when ``function`` is Keras's own, by identity.

    Parameters
    ----------
    function : callable
        A layer's ``activation``.

    Returns
    -------
    str
        The activation's name, or ``"other: NAME"`` for anything else.
    """
    import keras

    for name in KERAS_ACTIVATIONS:
        if function is getattr(keras.activations, name):
            return name
    return "other: " + str(getattr(function, "__name__", type(function).__name__))[:40]


def layer_kind(layer: Any, kinds: tuple[str, ...]) -> str | None:
    """The name in ``kinds`` of the exact ``keras.layers`` class of ``layer``, or None.

    Only the exact classes count: a subclass may compute anything.
    """
    import keras

    return next((name for name in kinds if type(layer) is getattr(keras.layers, name)), None)


def regularized(layer: Any) -> bool:
    """Whether ``layer`` has a kernel, bias or activity regularizer."""
    return any(getattr(layer, name, None) is not None for name in REGULARIZERS)


def float32_weights(layer: Any) -> list[np.ndarray]:
    """The layer's weights (``get_weights()``) as float32 arrays."""
    return [np.array(w, dtype=np.float32) for w in layer.get_weights()]


def chain_layers(model: Any, functional: bool) -> list[Any]:
    """The layers of ``model`` after its input, checked to form one chain, first to last.

    Parameters
    ----------
    model : keras.Model
        A ``keras.Sequential`` or functional model.
    functional : bool
        True for a functional model, whose layers are checked to be applied one after the
        other, each once; a ``keras.Sequential`` is a chain by construction.

    Returns
    -------
    list
        The layers, without the ``InputLayer``; ``Fail`` when they do not form a chain.
    """
    import keras

    layers = [layer for layer in model.layers if type(layer) is not keras.layers.InputLayer]
    if not functional:
        return layers  # keras.Sequential applies its layers one after the other
    not_a_chain = Fail(
        "`model` is not a single chain of layers from its input to its output. Build it with "
        "`keras.Sequential([...])`, or apply each layer once, to the previous layer's output."
    )
    try:
        if len(model.inputs) != 1 or len(model.outputs) != 1:
            raise not_a_chain
        tensor = model.inputs[0]
        for layer in layers:
            if layer.input is not tensor:
                raise not_a_chain
            tensor = layer.output
        if model.outputs[0] is not tensor:
            raise not_a_chain
    except (AttributeError, ValueError) as error:  # a layer used twice has no single input
        raise not_a_chain from error
    return layers


def optimizer_updates(model: Any) -> int:
    """How many updates the model's optimiser has made (0 when it has none)."""
    optimizer = getattr(model, "optimizer", None)
    return int(np.asarray(optimizer.iterations)) if optimizer is not None else 0


def last_fit(model: Any) -> tuple[list[float], int]:
    """The validation loss of every epoch of the model's last ``fit``, and its number of epochs.

    Returns
    -------
    tuple
        ``(val_loss, epochs_run)``; ``([], 0)`` when the model carries no Keras ``History``.
    """
    import keras

    history = getattr(model, "history", None)
    if not isinstance(history, keras.callbacks.History):
        return [], 0
    logs, epochs = history.history, history.epoch
    if type(logs) is not dict or type(epochs) is not list:
        return [], 0
    losses = logs.get("val_loss")
    return ([float(v) for v in losses] if type(losses) is list else []), len(epochs)


def labels(value: Any) -> np.ndarray:
    """The learner's labels as an array; whole numbers stored as floats become int64."""
    array = np.asarray(value)
    if array.dtype.kind == "f" and np.all(array == np.round(array)):
        array = array.astype(np.int64)  # whole numbers stored as floats are labels too
    return array


class HeldOut(Custom):
    """A model exercise that reads ``model`` and the validation data held out for it, by name."""

    def _not_attempted_message(self, name: str) -> str:
        if name == "model":
            return super()._not_attempted_message(name)
        return (
            f"`{name}` is not defined yet. Hold out your validation images and labels as "
            "`Xm_val` and `ym_val` (the check measures `model` on them), train on the rest of "
            "`Xm_train`, then check again."
        )
