"""Module 15 — Neural networks: the declaration of the exercises (the key: mlcourse.keys.m15).

The function exercises run on visible cases, whose inputs the exercises notebook builds too (the
``*_demo`` arrays), and on labelled hidden ones built from seeded random arrays. The two
training exercises collect what the key judges: the trained parameters of the NumPy network
(which the key compares with its own run of the prescribed recipe), and the Keras model as
plain data: its layers with their weights, its optimiser's number of updates, the validation
losses of its last fit, and the validation data the learner held out. The model's own
``predict`` is never called: the key recomputes the outputs from the weights.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mlcourse.checks import (
    Case,
    Choice,
    Custom,
    Fail,
    Function,
    Numeric,
    Value,
    describe,
)
from mlcourse.exercises import Module
from mlcourse.exercises._keras import HeldOut as _HeldOut
from mlcourse.exercises._keras import activation_name as _activation_name
from mlcourse.exercises._keras import chain_layers as _chain_layers
from mlcourse.exercises._keras import float32_weights as _float32_weights
from mlcourse.exercises._keras import keras_classes as _keras_classes
from mlcourse.exercises._keras import labels as _held_out_labels
from mlcourse.exercises._keras import last_fit as _last_fit
from mlcourse.exercises._keras import layer_kind as _layer_kind
from mlcourse.exercises._keras import mnist as _mnist  # noqa: F401 - the key's data
from mlcourse.exercises._keras import optimizer_updates as _optimizer_updates
from mlcourse.exercises._keras import regularized as _regularized
from mlcourse.exercises._keras import require_keras_model as _require_keras_model

_SEED = 15  # seeds the random arrays of the test cases
_N_HIDDEN_MNIST = 100  # hidden units of the network in exercise 1 (stated in the prompt)
_BATCH_SIZE = 32  # the batch size of knowledge-check question 4 (stated in the question)
_PARAM_NAMES = ("W1", "b1", "W2", "b2")

# --------------------------------------------------------------------------------------
# Data, prepared exactly as in the exercises notebook.
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _digits_split() -> dict[str, np.ndarray]:
    """The digits split of the notebook: stratified 60/20/20, standardised on train."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from mlcourse.datasets import load_digits

    digits = load_digits()
    X_rest, X_test, y_rest, y_test = train_test_split(
        digits.data, digits.target, test_size=0.2, stratify=digits.target, random_state=0
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=0.25, stratify=y_rest, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    return {
        "X_train": scaler.transform(X_train),
        "X_val": scaler.transform(X_val),
        "X_test": scaler.transform(X_test),
        "y_train": y_train,
        "y_val": y_val,
        "y_test": y_test,
    }


# --------------------------------------------------------------------------------------
# Inputs of later cases are outputs of earlier steps: probabilities for `cross_entropy`,
# a loss of the logits for `numerical_gradient`, forward caches for `backward`. None of them
# is computed here the way the exercises ask (a graded class's package carries this file):
# probabilities and the loss come from SciPy, and the forward caches of the backward cases
# were computed by the answer key and are shipped as numbers (m15_backward_caches.npz; a
# test recomputes them with the key).
# --------------------------------------------------------------------------------------

_BACKWARD_CACHES = Path(__file__).with_name("m15_backward_caches.npz")
_CACHE_PARTS = ("Z1", "H", "Z2", "P")


def _backward_cache(name: str) -> dict[str, np.ndarray]:
    """The forward cache (``Z1``, ``H``, ``Z2``, ``P``) of the backward case ``name``."""
    with np.load(_BACKWARD_CACHES, allow_pickle=False) as data:
        return {part: data[f"{name}.{part}"] for part in _CACHE_PARTS}


# --------------------------------------------------------------------------------------
# Test cases: small visible ones, and hidden ones from seeded random arrays.
# --------------------------------------------------------------------------------------


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(_SEED + offset)


def _init_params(n_in: int, n_hidden: int, n_out: int, seed: int = 0) -> dict[str, np.ndarray]:
    """The notebook's ``init_params``: He-initialised weights and zero biases."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0.0, np.sqrt(2.0 / n_hidden), size=(n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def _cubic(x: np.ndarray) -> float:
    """f(x) = sum(x**3 - 2x), whose gradient is 3x**2 - 2 (the notebook's ``cubic``)."""
    return float(np.sum(x**3 - 2 * x))


@lru_cache(maxsize=1)
def _demo() -> dict[str, Any]:
    """The inputs of the visible cases, built exactly as the exercises notebook builds them."""
    demo = np.random.default_rng(15)
    scores_demo = demo.normal(0.0, 2.0, size=(4, 10))
    probs_demo = demo.dirichlet(np.ones(10), size=5)
    y_demo = np.array([3, 0, 9, 3, 7])
    X_demo = demo.normal(size=(5, 64))
    params_demo = _init_params(64, 16, 10, seed=1)
    params_demo["b1"] = demo.normal(0.0, 0.1, size=16)
    params_demo["b2"] = demo.normal(0.0, 0.1, size=10)
    return {
        "z_demo": np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),
        "scores_demo": scores_demo,
        "probs_demo": probs_demo,
        "y_demo": y_demo,
        "X_demo": X_demo,
        "params_demo": params_demo,
        "x_demo": np.array([0.5, -1.0, 2.0]),
    }


def _random_params(d: int, h: int, k: int, seed: int) -> dict[str, np.ndarray]:
    """Random weights and non-zero biases, so that a forgotten bias shows."""
    rng = _rng(seed)
    return {
        "W1": rng.normal(0.0, math.sqrt(2.0 / d), size=(d, h)),
        "b1": rng.normal(0.0, 0.1, size=h),
        "W2": rng.normal(0.0, math.sqrt(2.0 / h), size=(h, k)),
        "b2": rng.normal(0.0, 0.1, size=k),
    }


def _batch(n: int, d: int, k: int, seed: int, scale: float = 1.0):
    rng = _rng(seed)
    X = rng.normal(0.0, scale, size=(n, d))
    y = np.arange(n) % k  # every class appears when n >= k
    rng.shuffle(y)
    return X, y


def _probs(n: int, k: int, seed: int) -> np.ndarray:
    from scipy.special import softmax  # imported when cases are built, not at the setup cell

    return softmax(_rng(seed).normal(0.0, 2.0, size=(n, k)), axis=1)


def _labels(n: int, k: int, seed: int) -> np.ndarray:
    return _rng(seed).integers(0, k, size=n)


def _relu_cases() -> list[Case]:
    return [
        Case(_demo()["z_demo"], call="relu(z_demo)"),
        Case(np.array([3.0, -1.0, 0.25])),
    ]


def _relu_hidden() -> list[Case]:
    rng = _rng(1)
    return [
        Case(rng.normal(size=(6, 5)), label="a 2-D batch"),
        Case(rng.normal(size=(2, 3, 4)), label="a 3-D array"),
        Case(-np.abs(rng.normal(size=7)), label="a vector of negative values only"),
        Case(np.array([1e6, -1e6]), label="values of plus and minus a million"),
        Case(np.zeros((2, 2)), label="a 2-D array of zeros"),
    ]


def _relu_grad_cases() -> list[Case]:
    return [Case(np.array([-2.0, -0.5, 0.5, 2.0])), Case(np.array([[1.5, -3.0], [-0.1, 0.2]]))]


def _relu_grad_hidden() -> list[Case]:
    rng = _rng(2)
    return [
        Case(np.array([-1.0, 0.0, 1.0]), label="a vector holding an exact 0"),
        Case(np.zeros((3, 2)), label="a 2-D array of zeros"),
        Case(rng.normal(size=(5, 4)), label="a 2-D batch"),
        Case(rng.normal(size=(2, 3, 2)), label="a 3-D array"),
    ]


def _softmax_cases() -> list[Case]:
    return [
        Case(np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])),
        Case(_demo()["scores_demo"], call="softmax(scores_demo)"),
    ]


def _softmax_hidden() -> list[Case]:
    rng = _rng(4)
    return [
        Case(np.array([[1000.0, 1001.0, 1002.0]]), label="one row of scores near 1000"),
        Case(
            np.array([[-1000.0, -1000.0, -999.0], [0.0, 0.0, 0.0]]),
            label="a row of scores near -1000 and a row of zeros",
        ),
        Case(
            np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]]),
            label="two rows whose scores are 1000 apart",
        ),
        Case(rng.normal(0.0, 5.0, size=(3, 3)), label="a square 3x3 array"),
        Case(rng.normal(0.0, 50.0, size=(20, 10)), label="20 rows of widely spread scores"),
        Case(np.array([[-1000.0, 0.0, 1000.0]]), label="a row spanning -1000 to 1000"),
    ]


def _cross_entropy_cases() -> list[Case]:
    demo = _demo()
    return [
        Case(demo["probs_demo"], demo["y_demo"], call="cross_entropy(probs_demo, y_demo)"),
        Case(np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]), np.array([0, 2])),
    ]


def _cross_entropy_hidden() -> list[Case]:
    return [
        Case(_probs(1, 10, 7), np.array([3]), label="a batch of one example"),
        Case(_probs(4, 3, 8), np.array([0, 2, 1, 2]), label="four examples of three classes"),
        Case(_probs(200, 10, 9), _labels(200, 10, 9), label="200 examples of ten classes"),
        Case(
            np.array([[0.98, 0.01, 0.01], [0.01, 0.01, 0.98]]),
            np.array([0, 2]),
            label="confident, right predictions",
        ),
    ]


def _forward_cases() -> list[Case]:
    demo = _demo()
    return [Case(demo["X_demo"], demo["params_demo"], call="forward(X_demo, params_demo)")]


def _forward_hidden() -> list[Case]:
    X1, _ = _batch(1, 64, 10, 12)
    X2, _ = _batch(7, 4, 3, 13)
    X3, _ = _batch(6, 64, 10, 14, scale=300.0)  # huge inputs: logits in the thousands
    return [
        Case(X1, _random_params(64, 16, 10, 11), label="a batch of one example"),
        Case(
            X2,
            _random_params(4, 5, 3, 15),
            label="a network of 4 inputs, 5 hidden units and 3 classes",
        ),
        Case(X3, _random_params(64, 16, 10, 11), label="huge inputs, so logits in the thousands"),
    ]


def _backward_inputs() -> dict[str, tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], str]]:
    """Every backward case's ``(X, y, params, label)`` by name; its cache is shipped by name.

    ``"demo"`` is the visible case (the notebook's ``*_demo`` arrays); ``"exact-zeros"`` is a
    batch with an all-zero example and some zero biases, so that some entries of Z1 are
    exactly 0, where the slope of ReLU is 0 by convention (a mask ``Z1 >= 0``, or a numerical
    estimate, gets them wrong).
    """
    demo = _demo()
    inputs = {"demo": (demo["X_demo"], demo["y_demo"], demo["params_demo"], "")}
    for n, d, h, k, seed, label in (
        (1, 64, 16, 10, 21, "a batch of one example"),
        (7, 4, 5, 3, 22, "a network of 4 inputs, 5 hidden units and 3 classes"),
        (40, 64, 32, 10, 23, "a batch of 40 examples and 32 hidden units"),
    ):
        X, y = _batch(n, d, k, seed)
        inputs[f"seed-{seed}"] = (X, y, _random_params(d, h, k, seed + 100), label)
    X, y = _batch(6, 8, 4, 24)
    X[2] = 0.0
    params = _random_params(8, 6, 4, 124)
    params["b1"][[0, 2, 4]] = 0.0
    inputs["exact-zeros"] = (X, y, params, "a batch in which some entries of Z1 are exactly 0")
    return inputs


def _backward_cases() -> list[Case]:
    X, y, params, _label = _backward_inputs()["demo"]
    return [
        Case(
            X,
            y,
            params,
            _backward_cache("demo"),
            call="backward(X_demo, y_demo, params_demo, forward(X_demo, params_demo))",
        )
    ]


def _backward_hidden() -> list[Case]:
    return [
        Case(X, y, params, _backward_cache(name), label=label)
        for name, (X, y, params, label) in _backward_inputs().items()
        if name != "demo"
    ]


class _Cubic:
    """f(x) = sum(x**3 - 2x): a smooth test function of an array (``cubic`` in the notebook)."""

    def __call__(self, x: np.ndarray) -> float:
        return _cubic(x)

    def __repr__(self) -> str:
        return "cubic"


class _LogitsLoss:
    """The mean cross-entropy of softmax(Z) for fixed labels, as a function of the logits Z."""

    def __init__(self, y: list[int]):
        self.y = np.asarray(y)

    def __call__(self, Z: np.ndarray) -> float:
        from scipy.special import log_softmax

        return float(-np.mean(log_softmax(Z, axis=1)[np.arange(len(self.y)), self.y]))

    def __repr__(self) -> str:
        return "loss_of_logits"


def _numgrad_cases() -> list[Case]:
    return [
        Case(_Cubic(), _demo()["x_demo"], call="numerical_gradient(cubic, x_demo)"),
        Case(_Cubic(), np.array([[1.0, -2.0], [0.5, 3.0]]), eps=1e-4),
    ]


def _numgrad_hidden() -> list[Case]:
    rng = _rng(30)
    return [
        Case(_Cubic(), np.array([1, 2, 3]), label="an array of integers"),
        Case(
            _LogitsLoss([2, 0]),
            np.array([[1, 0, 2], [0, 3, 1]]),
            label="integer logits, whose gradient is not a whole number",
        ),
        Case(_Cubic(), np.array([0.5, -1.5]), eps=1e-2, label="a given eps of 0.01"),
        Case(
            _LogitsLoss([1, 0, 4, 2]),
            rng.normal(size=(4, 5)),
            label="the cross-entropy of a batch, as a function of its logits",
        ),
        Case(_Cubic(), rng.normal(size=(2, 2, 3)), label="a 3-D array"),
        Case(_Cubic(), np.array([[0.3]]), label="a 1x1 array"),
    ]


# --------------------------------------------------------------------------------------
# Exercises 9 and 10: what the key needs to judge the trained networks on held-out images.
# --------------------------------------------------------------------------------------


def _extract_numpy_network(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's trained parameters as float arrays, once their types and shapes are right."""
    params = values["trained_params"]
    if type(params) is not dict:
        raise Fail(
            f"`trained_params` should be a dict with keys {', '.join(_PARAM_NAMES)}, "
            f"but it is {describe(params)}."
        )
    missing = [name for name in _PARAM_NAMES if name not in params]
    if missing:
        raise Fail(f"`trained_params` has no {', '.join(repr(m) for m in missing)}.")
    for name in _PARAM_NAMES:
        if type(params[name]) is not np.ndarray:
            raise Fail(
                f"`trained_params[{name!r}]` should be a NumPy array, not {describe(params[name])}."
            )
    data = _digits_split()
    d, k = data["X_test"].shape[1], len(np.unique(data["y_train"]))
    W1, b1, W2, b2 = (params[name] for name in _PARAM_NAMES)
    h = b1.shape[0] if b1.ndim == 1 else (W1.shape[1] if W1.ndim == 2 else -1)
    wanted = {"W1": (d, h), "b1": (h,), "W2": (h, k), "b2": (k,)}
    for name, shape in wanted.items():
        if params[name].shape != shape:
            raise Fail(
                f"`trained_params[{name!r}]` has shape {params[name].shape}; with {d} inputs, "
                f"{h if h > 0 else 'n_hidden'} hidden units and {k} classes it should have shape "
                f"{shape}. Weights are (inputs, outputs), biases are 1-D."
            )
    return {"params": {name: params[name].astype(float) for name in _PARAM_NAMES}}


#: The Keras layer classes exercise 10 can read, by their names in ``keras.layers``. Only the
#: exact classes count: a subclass may compute anything, so it is reported as another layer.
_KERAS_LAYERS = ("Dense", "Dropout", "Flatten", "Activation", "ReLU", "Softmax")


def _layer_data(layer: Any) -> dict[str, Any]:
    """A layer as plain data: its kind (an exact Keras class), its activation and its weights."""
    kind = _layer_kind(layer, _KERAS_LAYERS)
    if kind is None:
        return {"kind": f"other: {type(layer).__name__}"[:60], "activation": "", "weights": []}
    if kind in ("Dense", "Activation"):
        activation = _activation_name(layer.activation)
    elif kind == "ReLU":
        config = layer.get_config()
        plain = config.get("max_value") is None and not config.get("negative_slope")
        activation = "relu" if plain and not config.get("threshold") else "other: ReLU(...)"
    elif kind == "Softmax":
        activation = "softmax" if layer.get_config().get("axis") in (-1, 1) else "other: Softmax"
    else:  # Dropout and Flatten leave a batch of flat vectors as it is when predicting
        activation = "linear"
    if kind == "Dense" and _regularized(layer):
        raise Fail(
            "A `Dense` layer of `model` has a regularizer, which adds a penalty to the losses "
            "that `fit` reports. This exercise trains without one (Module 16 adds it): leave "
            "out `kernel_regularizer` and its kind."
        )
    weights = _float32_weights(layer) if kind == "Dense" else []
    return {"kind": kind, "activation": activation, "weights": weights}


def _extract_keras_model(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's Keras model as plain data (learner's process), never its predictions.

    What the key needs to recompute the model's outputs itself: the shape of its input, its
    layers with their activations and weights, how many updates its optimiser made, and the
    validation losses of its last ``fit``; with the validation images and labels the learner
    held out, which the key checks against the course's data.
    """
    keras, model_classes = _keras_classes()
    model = values["model"]
    _require_keras_model(model, "model")
    if type(model) not in model_classes:
        raise Fail(
            f"`model` is a {type(model).__name__} from `{type(model).__module__}`, a subclass "
            "of a Keras model class, whose methods may compute anything. Build it with Keras's "
            "own `keras.Sequential([...])` (or `keras.Model(inputs, outputs)`), as in the "
            "lesson, so that the check can read it."
        )
    if not model.built:
        raise Fail("`model` has not been built yet: train it with `model.fit(...)`.")
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        raise Fail(
            "`model` has no single input: give it one, `keras.Input(shape=(784,))`."
        ) from None
    if type(shape) is not tuple or not all(d is None or type(d) is int for d in shape):
        raise Fail("`model` has no single input: give it one, `keras.Input(shape=(784,))`.")
    layers = _chain_layers(model, type(model) is not keras.Sequential)
    iterations = _optimizer_updates(model)
    val_loss, epochs_run = _last_fit(model)
    labels = _held_out_labels(values["ym_val"])
    return {
        "input_shape": [d for d in shape[1:]],
        "layers": [_layer_data(layer) for layer in layers],
        "iterations": iterations,
        "val_loss": val_loss,
        "epochs_run": epochs_run,
        "Xm_val": np.asarray(values["Xm_val"], dtype=np.float32),
        "ym_val": labels,
    }


MODULE = Module(
    "15",
    "neural_networks",
    "Neural networks",
    problems=(
        Value(
            "15.1",
            var="n_params",
            title="Count the parameters",
            points=1,
            check_dtype=True,  # the prompt asks for an int
            hints=[
                "Each layer has a weight matrix of shape (inputs, outputs) and a bias vector "
                "with one entry per output.",
                "The inputs of the first layer are the pixels, `Xm_train.shape[1]`; its outputs "
                "are the 100 hidden units, which are the inputs of the second layer.",
                "`n_params = d * h + h + h * k + k` with d inputs, h hidden units, k classes.",
            ],
        ),
        Function(
            "15.2",
            name="relu",
            cases=_relu_cases,
            hidden=_relu_hidden,
            title="ReLU",
            points=1,
            hints=[
                "ReLU keeps positive values and replaces negative ones by 0, entry by entry.",
                "Use a NumPy function that works element-wise on arrays of any shape, not a "
                "Python loop.",
                "`np.maximum(z, 0)` (not `np.max(z, 0)`, which is the largest value along axis 0).",
            ],
        ),
        Function(
            "15.3",
            name="relu_grad",
            cases=_relu_grad_cases,
            hidden=_relu_grad_hidden,
            title="The derivative of ReLU",
            points=1,
            check_dtype=True,  # the prompt asks for float64 numbers, not booleans or integers
            hints=[
                "ReLU is z for z > 0 (slope 1) and 0 for z < 0 (slope 0).",
                "At exactly z = 0 the task fixes the derivative to 0: use a strict comparison.",
                "`(z > 0).astype(float)`: `float` is NumPy's float64.",
            ],
        ),
        Function(
            "15.4",
            name="softmax",
            cases=_softmax_cases,
            hidden=_softmax_hidden,
            title="A numerically stable softmax",
            points=2,
            hints=[
                "Each row becomes exp(z) divided by the sum of exp(z) over that row.",
                "`np.exp(1000)` overflows to inf. Subtracting the same number from every score "
                "of a row leaves its probabilities unchanged: choose that row's maximum, so "
                "that the largest exponent is 0.",
                "`e = np.exp(z - z.max(axis=1, keepdims=True))`, then return "
                "`e / e.sum(axis=1, keepdims=True)`: `keepdims=True` keeps one column per row "
                "so that both broadcast row by row, without changing `z` itself.",
            ],
        ),
        Function(
            "15.5",
            name="cross_entropy",
            cases=_cross_entropy_cases,
            hidden=_cross_entropy_hidden,
            title="Cross-entropy loss",
            points=1,
            hints=[
                "For each example you need one number: the probability given to its true class.",
                "`probs[np.arange(len(y)), y]` picks, in row i, the column y[i]. (`probs[:, y]` "
                "picks whole columns: a matrix.)",
                "Return the mean over the batch of `-np.log(...)` of those probabilities.",
            ],
        ),
        Function(
            "15.6",
            name="forward",
            cases=_forward_cases,
            hidden=_forward_hidden,
            title="The forward pass",
            points=2,
            hints=[
                "Four lines: Z1 from X, H from Z1, Z2 from H, P from Z2.",
                "`X @ W1 + b1`: the bias vector is added to every row by broadcasting. Use your "
                "`relu` and `softmax`.",
                'Return exactly `{"Z1": Z1, "H": H, "Z2": Z2, "P": P}`, with no other key; do not '
                "hard-code any size, the hidden cases use other layer sizes.",
            ],
        ),
        Function(
            "15.7",
            name="backward",
            cases=_backward_cases,
            hidden=_backward_hidden,
            title="Backpropagation",
            points=3,
            hints=[
                "Start at the output: dZ2 = (P - Y) / n, where Y is the one-hot matrix of the "
                "labels and n the batch size. Then go backwards one layer at a time.",
                "Build (P - Y) without hard-coding 10 classes and without changing the cache: "
                "copy P, then subtract 1 at `[np.arange(n), y]`. Every gradient has the shape "
                "of its parameter.",
                "dW2 = H.T @ dZ2, db2 = dZ2.sum(axis=0), dH = dZ2 @ W2.T, dZ1 = dH * "
                "relu_grad(Z1), dW1 = X.T @ dZ1, db1 = dZ1.sum(axis=0).",
            ],
        ),
        Function(
            "15.8",
            name="numerical_gradient",
            cases=_numgrad_cases,
            hidden=_numgrad_hidden,
            title="Numerical gradient by central differences",
            points=2,
            rtol=1e-7,
            hints=[
                "For every entry i of x: evaluate f with that entry raised by eps and lowered "
                "by eps, every other entry unchanged; the slope is the difference over 2 * eps.",
                "Work on a float copy, `x = np.array(x, dtype=float)`, and loop over "
                "`np.ndindex(x.shape)` so that any shape works.",
                "After the two evaluations, put the entry back to its original value before "
                "moving on; use the `eps` you were given.",
            ],
        ),
        Custom(
            "15.9",
            reads=("trained_params",),
            extract=_extract_numpy_network,
            title="Train the NumPy network on digits",
            points=2,
            hints=[
                "Two loops, as in the lesson's `train`: one over the 20 epochs, and inside it "
                "one over the batches of that epoch's shuffled order.",
                "Per epoch: `order = rng.permutation(len(y_train))`; for `start` in "
                "`range(0, len(y_train), 32)`, the batch is `order[start : start + 32]`; run "
                "`forward` and `backward` on it, then `trained_params[name] -= 0.1 * "
                "grads[name]` for every name (minus: the gradient points uphill).",
                "`rng = np.random.default_rng(0)` and `trained_params = init_params(64, 32, "
                "10)` once, in the same cell before the loops; then `for _ in range(20):`, "
                "`order = ...`, `for start in ...:`, `batch = ...`, `cache = "
                "forward(X_train[batch], trained_params)`, `grads = backward(X_train[batch], "
                "y_train[batch], trained_params, cache)`, and the update of each parameter.",
            ],
        ),
        _HeldOut(
            "15.10",
            reads=("model", "Xm_val", "ym_val"),
            extract=_extract_keras_model,
            title="A Keras network on the MNIST sample",
            points=3,
            hints=[
                "Four steps, as in section 9 of the lesson: hold out validation images, build "
                "the model, compile it, fit it. Before the first, look again at how the rows "
                "of `Xm_train` are ordered.",
                "The rows are sorted by digit, so `validation_split` would hold out the last "
                "digits only. Split with `train_test_split(Xm_train, ym_train, test_size=0.2, "
                "stratify=ym_train, random_state=0)` into `Xm_fit, Xm_val, ym_fit, ym_val`, "
                "train on `Xm_fit, ym_fit` and pass `validation_data=(Xm_val, ym_val)` to "
                "`fit`. The model is a `keras.Sequential` of `keras.Input(shape=(784,))` and "
                "two `Dense` layers.",
                "`model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(100, "
                "activation='relu'), keras.layers.Dense(10, activation='softmax')])`, then "
                "`model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), "
                "loss='sparse_categorical_crossentropy', metrics=['accuracy'])` and "
                "`history = model.fit(Xm_fit, ym_fit, epochs=15, batch_size=64, "
                "validation_data=(Xm_val, ym_val), verbose=0)`; show "
                "`round(history.history['val_accuracy'][-1], 3)`.",
            ],
        ),
        Choice(
            "15.kc1",
            var="kc1",
            choices="abcd",
            title="Why the non-linearity",
            hints=["Multiply out (X W1) W2 when there is nothing between the two layers."],
        ),
        Numeric(
            "15.kc2",
            var="kc2",
            atol=0.005,
            title="The loss of a uniform guess",
            hints=[
                "Cross-entropy is the mean of -log(probability of the true class), with the "
                "natural logarithm."
            ],
        ),
        Choice(
            "15.kc3",
            var="kc3",
            choices="abcd",
            title="Central differences",
            hints=["Expand f(x + eps) and f(x - eps) as Taylor series and subtract them."],
        ),
        Numeric(
            "15.kc4",
            var="kc4",
            title="Updates per epoch",
            hints=["One update per mini-batch; the last batch may be smaller than 32."],
        ),
        Choice(
            "15.kc5",
            var="kc5",
            choices="abcd",
            title="validation_split on sorted data",
            hints=["Which rows does `validation_split` take, and does it shuffle first?"],
        ),
        Choice(
            "15.kc6",
            var="kc6",
            choices="abcd",
            title="Reading held-out accuracy",
            hints=[
                "Two statements are right. Which test images can tell two models apart, and how "
                "often does a fair coin land the same way four times out of four? Which data is "
                "a score measured on?"
            ],
        ),
        Choice(
            "15.kc7",
            var="kc7",
            choices="abcd",
            title="What the relative error says",
            hints=[
                "Which arrays does backpropagation use to compute the gradients of W2 and b2, "
                "and which steps come only after them?"
            ],
        ),
    ),
)
