"""Module 15 — Neural networks: the declaration of the exercises (the key: mlcourse.keys.m15).

The function exercises run on small visible cases and on hidden ones built from seeded random
arrays. The two training exercises collect what the key judges on held-out test images: the
trained parameters of the NumPy network, and the Keras model's predictions.
"""

from __future__ import annotations

import math
from functools import lru_cache
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


@lru_cache(maxsize=1)
def _mnist() -> dict[str, np.ndarray]:
    """mnist_5k with pixels scaled to [0, 1] as float32, as in the notebook."""
    from mlcourse.datasets import load_mnist_5k

    mnist = load_mnist_5k()
    return {
        "X_train": mnist.X_train.astype("float32") / 255,
        "X_test": mnist.X_test.astype("float32") / 255,
        "y_train": mnist.y_train,
        "y_test": mnist.y_test,
    }


# --------------------------------------------------------------------------------------
# Inputs of later cases are outputs of earlier steps: probabilities for `cross_entropy`,
# a loss of the logits for `numerical_gradient`, forward caches for `backward`.
# --------------------------------------------------------------------------------------


def _softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise probabilities of the logits ``z``."""
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _cross_entropy(probs: np.ndarray, y: np.ndarray) -> float:
    """The mean negative log-probability of the true classes ``y``."""
    return float(-np.mean(np.log(probs[np.arange(len(y)), y])))


def _forward(X: np.ndarray, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The cache of a two-layer network's forward pass: ``Z1``, ``H``, ``Z2`` and ``P``."""
    Z1 = X @ params["W1"] + params["b1"]
    H = np.maximum(Z1, 0.0)
    Z2 = H @ params["W2"] + params["b2"]
    return {"Z1": Z1, "H": H, "Z2": Z2, "P": _softmax(Z2)}


# --------------------------------------------------------------------------------------
# Test cases: small visible ones, and hidden ones from seeded random arrays.
# --------------------------------------------------------------------------------------


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(_SEED + offset)


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
    return _softmax(_rng(seed).normal(0.0, 2.0, size=(n, k)))


def _labels(n: int, k: int, seed: int) -> np.ndarray:
    return _rng(seed).integers(0, k, size=n)


def _relu_cases() -> list[Case]:
    return [Case(np.array([-2.0, -0.5, 0.0, 0.5, 2.0])), Case(np.array([3.0, -1.0, 0.25]))]


def _relu_hidden() -> list[Case]:
    rng = _rng(1)
    return [
        Case(rng.normal(size=(6, 5))),  # a batch: 2-D
        Case(rng.normal(size=(2, 3, 4))),  # 3-D
        Case(-np.abs(rng.normal(size=7))),  # all negative
        Case(np.array([1e6, -1e6])),
        Case(np.zeros((2, 2))),
    ]


def _relu_grad_cases() -> list[Case]:
    return [Case(np.array([-2.0, -0.5, 0.5, 2.0])), Case(np.array([[1.5, -3.0], [-0.1, 0.2]]))]


def _relu_grad_hidden() -> list[Case]:
    rng = _rng(2)
    return [
        Case(np.array([-1.0, 0.0, 1.0])),  # the convention at exactly 0
        Case(np.zeros((3, 2))),
        Case(rng.normal(size=(5, 4))),
        Case(rng.normal(size=(2, 3, 2))),
    ]


def _softmax_cases() -> list[Case]:
    return [
        Case(np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])),
        Case(_rng(3).normal(size=(4, 10))),
    ]


def _softmax_hidden() -> list[Case]:
    rng = _rng(4)
    return [
        Case(np.array([[1000.0, 1001.0, 1002.0]])),  # large logits, a batch of one
        Case(np.array([[-1000.0, -1000.0, -999.0], [0.0, 0.0, 0.0]])),  # very negative
        Case(np.array([[0.0, 1.0, 2.0], [1000.0, 1001.0, 1002.0]])),  # rows far apart
        Case(rng.normal(0.0, 5.0, size=(3, 3))),  # square: axis mistakes can hide here
        Case(rng.normal(0.0, 50.0, size=(20, 10))),
    ]


def _cross_entropy_cases() -> list[Case]:
    return [Case(_probs(5, 10, 5), _labels(5, 10, 5)), Case(_probs(3, 10, 6), np.array([0, 9, 4]))]


def _cross_entropy_hidden() -> list[Case]:
    return [
        Case(_probs(1, 10, 7), np.array([3])),  # a batch of one
        Case(_probs(4, 3, 8), np.array([0, 2, 1, 2])),  # three classes
        Case(_probs(200, 10, 9), _labels(200, 10, 9)),
        Case(np.array([[0.98, 0.01, 0.01], [0.01, 0.01, 0.98]]), np.array([0, 2])),
    ]


def _forward_cases() -> list[Case]:
    X, _ = _batch(5, 64, 10, 10)
    return [Case(X, _random_params(64, 16, 10, 11))]


def _forward_hidden() -> list[Case]:
    X1, _ = _batch(1, 64, 10, 12)
    X2, _ = _batch(7, 4, 3, 13)
    X3, _ = _batch(6, 64, 10, 14, scale=300.0)  # huge inputs: logits in the thousands
    return [
        Case(X1, _random_params(64, 16, 10, 11)),  # a batch of one
        Case(X2, _random_params(4, 5, 3, 15)),  # other sizes: 4 inputs, 5 hidden, 3 classes
        Case(X3, _random_params(64, 16, 10, 11)),
    ]


def _backward_case(n: int, d: int, h: int, k: int, seed: int) -> Case:
    X, y = _batch(n, d, k, seed)
    params = _random_params(d, h, k, seed + 100)
    return Case(X, y, params, _forward(X, params))


def _backward_cases() -> list[Case]:
    return [_backward_case(6, 64, 16, 10, 20)]


def _backward_hidden() -> list[Case]:
    return [
        _backward_case(1, 64, 16, 10, 21),  # a batch of one
        _backward_case(7, 4, 5, 3, 22),  # three classes
        _backward_case(40, 64, 32, 10, 23),
    ]


class _Cubic:
    """f(x) = sum(x**3 - 2x): a smooth test function of an array."""

    def __call__(self, x: np.ndarray) -> float:
        return float(np.sum(x**3 - 2.0 * x))

    def __repr__(self) -> str:
        return "cubic"


class _LogitsLoss:
    """The mean cross-entropy of softmax(Z) for fixed labels, as a function of the logits Z."""

    def __init__(self, y: list[int]):
        self.y = np.asarray(y)

    def __call__(self, Z: np.ndarray) -> float:
        return _cross_entropy(_softmax(Z), self.y)

    def __repr__(self) -> str:
        return "loss_of_logits"


def _numgrad_cases() -> list[Case]:
    return [
        Case(_Cubic(), np.array([0.5, -1.0, 2.0])),
        Case(_LogitsLoss([0, 2]), np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), eps=1e-5),
    ]


def _numgrad_hidden() -> list[Case]:
    rng = _rng(30)
    return [
        Case(_Cubic(), np.array([1, 2, 3])),  # integers: perturbing them in place truncates
        Case(_Cubic(), np.array([0.5, -1.5]), eps=1e-2),  # eps must be used
        Case(_LogitsLoss([1, 0, 4, 2]), rng.normal(size=(4, 5))),
        Case(_Cubic(), rng.normal(size=(2, 2, 3))),
        Case(_Cubic(), np.array([[0.3]])),
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


def _extract_keras_model(values: dict[str, Any]) -> dict[str, Any]:
    """Predict the mnist_5k test images with the learner's Keras model (learner's process)."""
    import keras

    model = values["model"]
    if not isinstance(model, keras.Model):
        raise Fail(
            f"`model` should be a Keras model such as `keras.Sequential([...])`, "
            f"but it is {describe(model)}."
        )
    scores = np.asarray(model.predict(_mnist()["X_test"], verbose=0))
    pred = [int(p) for p in scores.argmax(axis=1)] if scores.ndim == 2 else []
    return {"shape": tuple(int(s) for s in scores.shape), "pred": pred}


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
            hints=[
                "ReLU is z for z > 0 (slope 1) and 0 for z < 0 (slope 0).",
                "At exactly z = 0 the task fixes the derivative to 0: use a strict comparison.",
                "`(z > 0).astype(float)`",
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
                "`np.exp(1000)` overflows to inf. Subtract each row's maximum first: "
                "`z - z.max(axis=1, keepdims=True)`; the probabilities do not change.",
                "Use the maximum of each row, not of the whole array, and keep `keepdims=True` "
                "in both the max and the sum so that they broadcast row by row.",
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
                'Return `{"Z1": Z1, "H": H, "Z2": Z2, "P": P}`; do not hard-code any size, the '
                "hidden cases use other layer sizes.",
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
                "dW2 = H.T @ dZ2, db2 = dZ2.sum(axis=0), dH = dZ2 @ W2.T, dZ1 = dH * "
                "relu_grad(Z1), dW1 = X.T @ dZ1, db1 = dZ1.sum(axis=0).",
                "Build (P - Y) without hard-coding 10 classes: copy P, then subtract 1 at "
                "`[np.arange(n), y]`. Every gradient has the shape of its parameter.",
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
                "Per epoch: shuffle the training indices with `rng.permutation`, then for each "
                "slice of 32 indices run forward, backward, and update every parameter.",
                "The update is `params[name] -= lr * grads[name]` for each of W1, b1, W2, b2: "
                "minus, because the gradient points uphill.",
                "Start from `init_params(64, 32, 10)`; lr = 0.1 and 20 epochs are plenty.",
            ],
        ),
        Custom(
            "15.10",
            reads=("model",),
            extract=_extract_keras_model,
            title="A Keras network on the MNIST sample",
            points=3,
            hints=[
                "`keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(100, "
                "activation='relu'), keras.layers.Dense(10, activation='softmax')])`.",
                "Compile with `optimizer=keras.optimizers.SGD(learning_rate=0.1)`, "
                "`loss='sparse_categorical_crossentropy'`, `metrics=['accuracy']`.",
                "The rows of `Xm_train` are sorted by digit: `validation_split` would hold out "
                "only 8s and 9s. Split with `train_test_split(..., stratify=...)` and pass "
                "`validation_data=`.",
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
            atol=0.002,
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
                "Two statements are right. How many test images is a difference of 0.011 on "
                "360 images, and how large is the standard error sqrt(a * (1 - a) / n)? Which "
                "data is a score measured on?"
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
