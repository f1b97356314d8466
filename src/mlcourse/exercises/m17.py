"""Module 17 — CNNs for vision: the declaration of the exercises (the key: mlcourse.keys.m17).

Exercises 1-4 are functions (a convolution, a convolution layer with channels, max-pooling, the
shapes and parameter counts of a layer stack) run on visible cases, whose inputs the notebook
builds too (the ``*_demo`` arrays), and on labelled hidden ones from seeded random arrays.
Exercises 5-9 read Keras models. A model is collected as plain data in the learner's process:
its layers (exact Keras classes) with their configuration and weights, its optimiser's number
of updates and the validation losses of its last ``fit``. Its ``predict`` is never called: the
key recomputes the outputs from the weights, in NumPy, on images it loads itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Custom, Fail, Function, Numeric, describe
from mlcourse.exercises import Module
from mlcourse.exercises._keras import activation_name as _activation_name
from mlcourse.exercises._keras import float32_weights as _float32_weights
from mlcourse.exercises._keras import last_fit as _last_fit
from mlcourse.exercises._keras import layer_kind as _layer_kind
from mlcourse.exercises._keras import optimizer_updates as _optimizer_updates
from mlcourse.exercises._keras import regularized as _regularized
from mlcourse.exercises._keras import require_keras_model as _require_keras_model

_SEED = 17  # seeds the random arrays of the hidden cases
SHAPES_SEED = 17  # the shapes draw of exercise 6 (stated in the prompt)
SHAPES_N = 1_000  # images drawn; the first SHAPES_POOL may be trained on, the rest are tests
SHAPES_POOL = 400
SHAPES_MAX_TRAIN = 150  # exercise 6 trains on at most this many images (the prompt)
TRANSFER_MAX_PER_CLASS = 20  # exercise 7's labelled images per digit (the prompt)

# --------------------------------------------------------------------------------------
# Data, prepared exactly as in the notebooks.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _mnist() -> dict[str, np.ndarray]:
    """mnist_5k as images (n, 28, 28, 1), float32 in [0, 1], as in the notebook."""
    from mlcourse.datasets import load_mnist_5k

    mnist = load_mnist_5k()
    return {
        "X_train": (mnist.X_train.astype("float32") / 255).reshape(-1, 28, 28, 1),
        "X_test": (mnist.X_test.astype("float32") / 255).reshape(-1, 28, 28, 1),
        "y_train": mnist.y_train,
        "y_test": mnist.y_test,
    }


@lru_cache(maxsize=1)
def _shapes() -> dict[str, np.ndarray]:
    """The shapes draw of exercise 6: a pool to train on and held-out test images."""
    from mlcourse.datasets import make_shapes

    shapes = make_shapes(SHAPES_N, seed=SHAPES_SEED)
    X = shapes.images[..., None].astype("float32")
    y = shapes.target
    return {
        "X_pool": X[:SHAPES_POOL],
        "y_pool": y[:SHAPES_POOL],
        "X_test": X[SHAPES_POOL:],
        "y_test": y[SHAPES_POOL:],
    }


# --------------------------------------------------------------------------------------
# Test cases of the function exercises.
# --------------------------------------------------------------------------------------


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(_SEED + offset)


@lru_cache(maxsize=1)
def _demo() -> dict[str, Any]:
    """The inputs of the visible cases, built exactly as the exercises notebook builds them."""
    demo = np.random.default_rng(17)
    image_demo = np.arange(30, dtype=float).reshape(5, 6) % 7
    kernel_demo = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    x_demo = demo.normal(size=(6, 7, 3))
    kernels_demo = demo.normal(size=(3, 3, 3, 4))
    bias_demo = demo.normal(size=4)
    fmap_demo = demo.normal(size=(6, 6, 2))
    return {
        "image_demo": image_demo,
        "kernel_demo": kernel_demo,
        "x_demo": x_demo,
        "kernels_demo": kernels_demo,
        "bias_demo": bias_demo,
        "fmap_demo": fmap_demo,
    }


def _conv2d_cases() -> list[Case]:
    d = _demo()
    return [
        Case(d["image_demo"], d["kernel_demo"], call="conv2d(image_demo, kernel_demo)"),
        Case(
            d["image_demo"],
            d["kernel_demo"],
            stride=2,
            padding=1,
            call="conv2d(image_demo, kernel_demo, stride=2, padding=1)",
        ),
    ]


def _conv2d_hidden() -> list[Case]:
    rng = _rng(1)
    return [
        Case(rng.normal(size=(7, 9)), rng.normal(size=(2, 3)), label="a 2x3 kernel"),
        Case(rng.normal(size=(8, 8)), rng.normal(size=(3, 3)), padding=2, label="padding of 2"),
        Case(
            rng.normal(size=(10, 11)),
            rng.normal(size=(3, 3)),
            stride=3,
            label="a stride of 3 that leaves pixels over",
        ),
        Case(
            rng.normal(size=(9, 7)),
            rng.normal(size=(4, 2)),
            stride=2,
            padding=1,
            label="a 4x2 kernel with stride 2 and padding 1",
        ),
        Case(
            rng.normal(size=(5, 5)), rng.normal(size=(5, 5)), label="a kernel as large as the image"
        ),
        Case(
            rng.integers(0, 9, size=(6, 6)),
            np.array([[0, 1], [2, 3]]),
            label="integer pixels and an integer kernel",
        ),
        Case(rng.normal(size=(4, 6)), np.array([[2.5]]), stride=2, label="a 1x1 kernel, stride 2"),
    ]


def _conv_layer_cases() -> list[Case]:
    d = _demo()
    return [
        Case(
            d["x_demo"],
            d["kernels_demo"],
            d["bias_demo"],
            call="conv_layer(x_demo, kernels_demo, bias_demo)",
        )
    ]


def _conv_layer_hidden() -> list[Case]:
    rng = _rng(2)
    return [
        Case(
            rng.normal(size=(5, 5, 1)),
            rng.normal(size=(3, 3, 1, 2)),
            rng.normal(size=2),
            label="one input channel, two filters",
        ),
        Case(
            rng.normal(size=(6, 8, 2)),
            rng.normal(size=(2, 3, 2, 5)),
            rng.normal(size=5),
            label="a 2x3 kernel over two channels, five filters",
        ),
        Case(
            rng.normal(size=(4, 4, 3)),
            rng.normal(size=(1, 1, 3, 2)),
            rng.normal(size=2),
            label="a 1x1 kernel mixing three channels",
        ),
        Case(
            rng.normal(size=(7, 6, 4)),
            rng.normal(size=(3, 3, 4, 1)),
            np.array([0.0]),
            label="four channels, one filter, zero bias",
        ),
    ]


def _max_pool_cases() -> list[Case]:
    return [Case(_demo()["fmap_demo"], call="max_pool(fmap_demo)")]


def _max_pool_hidden() -> list[Case]:
    rng = _rng(3)
    return [
        Case(rng.normal(size=(7, 7, 2)), label="a 7x7 map, which leaves a row and a column over"),
        Case(rng.normal(size=(9, 6, 3)), size=3, label="windows of 3"),
        Case(-np.abs(rng.normal(size=(4, 4, 1))) - 1, label="negative values only"),
        Case(rng.normal(size=(5, 8, 1)), size=1, label="windows of 1"),
        Case(rng.normal(size=(8, 4, 5)), size=4, label="a map 8 high and 4 wide, windows of 4"),
    ]


_STACK_DEMO = [
    ("conv", 8, 3, 1, "valid"),
    ("pool", 2),
    ("conv", 16, 3, 1, "same"),
    ("pool", 2),
    ("flatten",),
    ("dense", 10),
]


def _layer_shapes_cases() -> list[Case]:
    return [Case((28, 28, 1), _STACK_DEMO, call="layer_shapes((28, 28, 1), stack_demo)")]


def _layer_shapes_hidden() -> list[Case]:
    return [
        Case(
            (32, 32, 3),
            [("conv", 16, 5, 2, "valid"), ("flatten",), ("dense", 7)],
            label="a 5x5 convolution with stride 2 on a colour image",
        ),
        Case(
            (15, 15, 2),
            [("conv", 4, 3, 2, "same"), ("pool", 2), ("flatten",)],
            label="'same' padding with stride 2 on an odd size",
        ),
        Case(
            (13, 9, 1),
            [("pool", 3), ("conv", 6, 1, 1, "valid"), ("conv", 5, 2, 1, "valid")],
            label="pooling an odd size, then a 1x1 convolution",
        ),
        Case(
            (20, 20, 3),
            [("conv", 12, 3, 3, "same"), ("conv", 2, 3, 1, "same"), ("flatten",), ("dense", 4)],
            label="stride 3 with 'same' padding",
        ),
        Case((10, 10, 6), [("flatten",), ("dense", 3), ("dense", 2)], label="dense layers only"),
    ]


# --------------------------------------------------------------------------------------
# Keras models as plain data.
# --------------------------------------------------------------------------------------

#: The Keras layer classes the model exercises can read, by their names in ``keras.layers``.
#: Only the exact classes count: a subclass may compute anything.
_KERAS_LAYERS = (
    "Conv2D",
    "MaxPooling2D",
    "Flatten",
    "Dropout",
    "Dense",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "RandomFlip",
)
AUGMENTATION_LAYERS = ("RandomRotation", "RandomTranslation", "RandomZoom", "RandomFlip")
_CONFIG_KEYS = {  # what is collected of each layer's configuration (the key reads it too)
    "Conv2D": ("strides", "padding", "dilation_rate", "groups", "data_format"),
    "MaxPooling2D": ("pool_size", "strides", "padding", "data_format"),
    "RandomRotation": ("factor",),
    "RandomTranslation": ("height_factor", "width_factor"),
    "RandomZoom": ("height_factor", "width_factor"),
    "RandomFlip": ("mode",),
    "Flatten": (),
    "Dropout": (),
    "Dense": (),
}


def _plain(value: Any) -> Any:
    """Configuration values as JSON-like data: tuples become lists, odd objects their name."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or type(value) in (bool, int, float, str):
        return value
    return str(type(value).__name__)


def _layer_data(layer: Any, frozen: bool) -> dict[str, Any]:
    """A layer as plain data: its exact Keras class, activation, configuration and weights."""
    kind = _layer_kind(layer, _KERAS_LAYERS)
    if kind is None:
        return {
            "kind": f"other: {type(layer).__name__}"[:60],
            "activation": "",
            "config": {},
            "weights": [],
            "trainable": bool(layer.trainable) and not frozen,
        }
    config: dict[str, Any] = {}
    activation = "linear"
    if kind in ("Conv2D", "Dense"):
        activation = _activation_name(layer.activation)
        if _regularized(layer):
            raise Fail(
                f"A `{kind}` layer has a regularizer, which adds a penalty to the losses that "
                "`fit` reports. These exercises train without one: leave it out."
            )
    raw = layer.get_config()
    for name in _CONFIG_KEYS.get(kind, ()):
        config[name] = _plain(raw.get(name))
    weights = _float32_weights(layer)
    return {
        "kind": kind,
        "activation": activation,
        "config": config,
        "weights": weights,
        "trainable": bool(layer.trainable) and not frozen,
    }


def _flat_layers(model: Any, frozen: bool = False) -> list[dict[str, Any]]:
    """The layers of a Sequential model, nested Sequential models opened in place."""
    import keras

    out: list[dict[str, Any]] = []
    for layer in model.layers:
        if type(layer) is keras.layers.InputLayer:
            continue
        if type(layer) is keras.Sequential:
            out += _flat_layers(layer, frozen or not layer.trainable)
        else:
            out.append(_layer_data(layer, frozen))
    return out


def model_data(model: Any, name: str) -> dict[str, Any]:
    """A Keras ``Sequential`` model as plain data (learner's process), never its predictions."""
    import keras

    _require_keras_model(model, name)
    if type(model) is not keras.Sequential:
        raise Fail(
            f"`{name}` is a {type(model).__name__}; build it with `keras.Sequential([...])` as "
            "in the lesson (a pretrained backbone goes in as one of its layers), so that the "
            "check can read it."
        )
    if not model.built:
        raise Fail(f"`{name}` has not been built yet: train it with `fit`.")
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        raise Fail(f"`{name}` has no single input: start it with `keras.Input(...)`.") from None
    if type(shape) is not tuple or not all(d is None or type(d) is int for d in shape):
        raise Fail(f"`{name}` has no single input: start it with `keras.Input(...)`.")
    iterations = _optimizer_updates(model)
    val_loss, epochs_run = _last_fit(model)
    return {
        "input_shape": list(shape[1:]),
        "layers": _flat_layers(model, not model.trainable),
        "iterations": iterations,
        "val_loss": val_loss,
        "epochs_run": epochs_run,
    }


def _images(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.float32)


def _labels(value: Any) -> np.ndarray:
    labels = np.asarray(value)
    if labels.dtype.kind == "f" and labels.size and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)  # whole numbers stored as floats are labels too
    return labels


def _model_and_images(values: dict[str, Any], model: str, X: str, y: str) -> dict[str, Any]:
    """``model_data`` of the variable ``model``, with the images ``X`` and labels ``y``."""
    data = model_data(values[model], model)
    data[X] = _images(values[X])
    data[y] = _labels(values[y])
    return data


def _extract_cnn(values: dict[str, Any]) -> dict[str, Any]:
    return _model_and_images(values, "cnn", "Xc_val", "yc_val")


def _extract_aug(values: dict[str, Any]) -> dict[str, Any]:
    return _model_and_images(values, "aug_model", "Xa_train", "ya_train")


def _extract_transfer(values: dict[str, Any]) -> dict[str, Any]:
    return _model_and_images(values, "transfer_model", "Xt_train", "yt_train")


def _extract_errors(values: dict[str, Any]) -> dict[str, Any]:
    data = model_data(values["cnn"], "cnn")
    data["confusion"] = np.asarray(values["confusion"])
    data["worst_mistakes"] = np.asarray(values["worst_mistakes"])
    return data


def _extract_write_up(values: dict[str, Any]) -> dict[str, Any]:
    text = values["write_up"]
    if not isinstance(text, str):
        raise Fail(f"`write_up` should be a string (the filled template), not {describe(text)}.")
    return {
        "text": str(text)[:20_000],
        "cnn": model_data(values["cnn"], "cnn"),
        "transfer": model_data(values["transfer_model"], "transfer_model"),
        "yc_val": _labels(values["yc_val"]),
        "yt_train": _labels(values["yt_train"]),
    }


class _Reads(Custom):
    """A Custom problem whose missing names get a message that says what each one is."""

    def __init__(self, *args: Any, what: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._what = what

    def _not_attempted_message(self, name: str) -> str:
        if name in self._what:
            return f"`{name}` is not defined yet: {self._what[name]}"
        return super()._not_attempted_message(name)


_WHAT = {
    "Xc_val": "hold your validation images out of `Xc_train` as `Xc_val`, `yc_val`.",
    "yc_val": "hold your validation images out of `Xc_train` as `Xc_val`, `yc_val`.",
    "Xa_train": "the shapes images `aug_model` was trained on.",
    "ya_train": "the labels of the shapes images `aug_model` was trained on.",
    "Xt_train": "the few labelled images of digits 5-9 that `transfer_model` was trained on.",
    "yt_train": "their labels, 0-4 (the digit minus 5).",
    "confusion": "the 10x10 confusion matrix of `cnn` on the test images.",
    "worst_mistakes": "the test indices of the six most confident mistakes of `cnn`.",
}


MODULE = Module(
    "17",
    "cnn_vision",
    "CNNs for vision",
    problems=(
        Function(
            "17.1",
            name="conv2d",
            cases=_conv2d_cases,
            hidden=_conv2d_hidden,
            title="A convolution by hand",
            points=2,
            rtol=1e-4,  # float32 work is right work: its rounding is about 1e-6 relative
            atol=1e-5,
            hints=[
                "Pad first, then slide: the output pixel (i, j) is the sum of the kernel times "
                "the patch of the padded image whose top-left corner is (i * stride, j * stride).",
                "`np.pad(image, padding)` adds zeros on every side. The output has "
                "`(H + 2 * padding - kh) // stride + 1` rows, and the same formula with the "
                "widths gives its columns. Do not flip the kernel: Keras does not.",
                "`out[i, j] = np.sum(padded[i * stride : i * stride + kh, j * stride : j * "
                "stride + kw] * kernel)` in two loops over i and j, on a float output array.",
            ],
        ),
        Function(
            "17.2",
            name="conv_layer",
            cases=_conv_layer_cases,
            hidden=_conv_layer_hidden,
            title="A convolution layer with channels",
            points=2,
            rtol=1e-4,
            atol=1e-5,
            hints=[
                "Each filter f looks at every input channel: its output is the sum over the "
                "channels of a 2-D convolution of that channel with `kernels[:, :, c, f]`, "
                "plus `bias[f]`.",
                "The output has shape (H - kh + 1, W - kw + 1, filters). Your `conv2d` from "
                "exercise 1 does one channel; or take the patch `x[i:i + kh, j:j + kw, :]`, "
                "whose shape is (kh, kw, channels).",
                "`np.tensordot(patch, kernels, axes=3) + bias` gives the `filters` values of "
                "one output pixel at once.",
            ],
        ),
        Function(
            "17.3",
            name="max_pool",
            cases=_max_pool_cases,
            hidden=_max_pool_hidden,
            title="Max-pooling by hand",
            points=1,
            hints=[
                "Each output value is the largest value of a size x size window, channel by "
                "channel; windows do not overlap.",
                "The output has `H // size` rows and `W // size` columns: rows and columns "
                "left over are dropped, as `MaxPooling2D` does by default.",
                "Crop to `x[: H // size * size, : W // size * size]`, reshape to "
                "`(H // size, size, W // size, size, C)` and take `.max(axis=(1, 3))`.",
            ],
        ),
        Function(
            "17.4",
            name="layer_shapes",
            cases=_layer_shapes_cases,
            hidden=_layer_shapes_hidden,
            title="Output shapes and parameter counts",
            points=2,
            hints=[
                "Walk through the layers keeping the current shape (height, width, channels), "
                "then (units,) after `flatten`.",
                "A convolution with 'valid' padding gives `(H - k) // s + 1` rows; with 'same' "
                "it gives `ceil(H / s)`. Pooling gives `H // size`. A convolution has "
                "`k * k * channels_in * filters + filters` parameters, a dense layer "
                "`inputs * units + units`.",
                "Return a list with one tuple `(shape, n_params)` per layer, `shape` itself a "
                "tuple of ints, e.g. `((26, 26, 8), 80)`.",
            ],
        ),
        _Reads(
            "17.5",
            reads=("cnn", "Xc_val", "yc_val"),
            extract=_extract_cnn,
            what=_WHAT,
            title="A CNN on the MNIST sample",
            points=3,
            hints=[
                "Three steps, as in the lesson: hold out validation images from `Xc_train` "
                "(stratified: its rows are sorted by digit), build a `keras.Sequential` CNN, "
                "fit it with `validation_data=(Xc_val, yc_val)`.",
                "Two blocks of `Conv2D(..., 3, activation='relu')` and `MaxPooling2D()` (32, "
                "then 64 filters), then `Flatten()`, `Dropout(0.25)`, `Dense(128, "
                "activation='relu')` and `Dense(10, activation='softmax')`; Adam with a cosine "
                "schedule from 0.004, 5 epochs, batches of 64. Compile with "
                "`metrics=['accuracy']`: without it `fit` reports no `val_accuracy` to show.",
                "Copy the lesson's section 5 with your own names: `train_test_split(Xc_train, "
                "yc_train, test_size=0.2, stratify=yc_train, random_state=0)`, then build, "
                "compile and fit `cnn` (5 epochs reach about what the lesson's 4 do: 0.967 in "
                "the solutions run).",
            ],
        ),
        _Reads(
            "17.6",
            reads=("aug_model", "Xa_train", "ya_train"),
            extract=_extract_aug,
            what=_WHAT,
            title="Augmentation inside the model",
            points=2,
            hints=[
                "The augmentation layers go at the start of the model, right after its "
                "`keras.Input`: Keras applies them in `fit` and skips them in `predict`.",
                "Use at least two of `RandomRotation`, `RandomTranslation`, `RandomZoom`, "
                "`RandomFlip`, with factors of at least 0.05 for a rotation (18 degrees; it can "
                "be large: a shape has no upright) and 0.1 for a translation or a zoom (about 3 "
                "of the 28 pixels), then the small CNN of the lesson.",
                "`keras.layers.RandomRotation(0.5, fill_mode='constant')` and "
                "`keras.layers.RandomTranslation(0.15, 0.15, fill_mode='constant')`, then "
                "`Conv2D`, `MaxPooling2D`, ..., `Dense(3, activation='softmax')`; Adam at "
                "0.005, 30 epochs in batches of 50 on `Xa_train` (it is small).",
            ],
        ),
        _Reads(
            "17.7",
            reads=("transfer_model", "Xt_train", "yt_train"),
            extract=_extract_transfer,
            what=_WHAT,
            title="Transfer learning with a frozen backbone",
            points=3,
            hints=[
                "Load the backbone without its classifier, freeze it, put a new classifier on "
                "top, and train only that on your few images.",
                "`features = load_pretrained('digits04_cnn', include_top=False)`; keep its first "
                "five layers, up to `flatten` (the lesson shows that the 128 `features` "
                "transfer badly): `body = keras.Sequential(features.layers[:5])`, then "
                "`body.trainable = False` BEFORE `compile`.",
                "`transfer_model = keras.Sequential([keras.Input(shape=(28, 28, 1)), body, "
                "keras.layers.Dense(5, activation='softmax')])`, compiled with "
                "`keras.optimizers.Adam(1e-2)`, fitted on `Xt_train, yt_train` for 30 epochs "
                "with batches of 50.",
            ],
        ),
        _Reads(
            "17.8",
            reads=("cnn", "confusion", "worst_mistakes"),
            extract=_extract_errors,
            what=_WHAT,
            title="What the CNN gets wrong",
            points=2,
            hints=[
                "Predict the test images once with `cnn`; the predicted digit is the argmax of "
                "each row of probabilities.",
                "`confusion_matrix(yc_test, predicted)` has the true digits as rows. A mistake's "
                "confidence is the probability of the digit it predicted.",
                "Keep the indices where `predicted != yc_test`, sort them by `probs.max(axis=1)` "
                "from the highest, keep the first six: `np.argsort(-confidence[wrong])`.",
            ],
        ),
        _Reads(
            "17.9",
            reads=("write_up", "cnn", "transfer_model", "yc_val", "yt_train"),
            extract=_extract_write_up,
            what=_WHAT,
            title="The write-up, from your own figures",
            points=3,
            hints=[
                "Fill `WRITE_UP` with `WRITE_UP.format(...)`, every figure from a variable you "
                "computed, never typed in.",
                "The numbers of images come from your splits: `len(yc_val)` validated on, the "
                "rest of `yc_train` trained on, and the count of each digit in `yt_train`.",
                "The CNN's test accuracy and errors come from `confusion`; the most confused "
                "pair is the largest entry off its diagonal; the transfer accuracy from "
                "`transfer_model` on the test digits 5-9.",
                "`np.unravel_index(np.argmax(off), off.shape)` where `off` is `confusion` with "
                "its diagonal set to 0; write the observations and at least three limits, "
                "separated by semicolons, in your own words.",
            ],
        ),
        Choice(
            "17.kc1",
            var="kc1",
            choices="abcd",
            title="An output shape",
            hints=["Valid padding: (H - k) // s + 1 along each side; the filters give the depth."],
        ),
        Numeric(
            "17.kc2",
            var="kc2",
            title="Parameters of a convolution",
            hints=["One kernel per filter covers every input channel; each filter has one bias."],
        ),
        Choice(
            "17.kc3",
            var="kc3",
            choices="abcd",
            title="Augmentation at inference",
            hints=["What does `predict` pass to a Random* layer as `training`?"],
        ),
        Choice(
            "17.kc4",
            var="kc4",
            choices="abcd",
            title="Why freeze the backbone",
            hints=["Count the backbone's parameters and the labelled images."],
        ),
        Choice(
            "17.kc5",
            var="kc5",
            choices="abcd",
            title="Convolution or cross-correlation",
            hints=["Compare the lesson's `conv2d` with the mathematician's definition."],
        ),
        Choice(
            "17.kc6",
            var="kc6",
            choices="abcd",
            title="Fine-tuning",
            hints=["What does a large step do to weights that are already good?"],
        ),
    ),
)
