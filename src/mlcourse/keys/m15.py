"""Answer key of module 15 — Neural networks."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import (
    Fail,
    Mistake,
    at,
    malformed,
    require_array,
    require_dict,
    require_int,
    require_list,
)
from mlcourse.exercises.m15 import (
    _BATCH_SIZE,
    _N_HIDDEN_MNIST,
    _PARAM_NAMES,
    _cross_entropy,
    _digits_split,
    _forward,
    _mnist,
    _softmax,
)

_MARGIN = 0.03  # how far above the nearest-centroid baseline a trained network must be


def _n_classes() -> int:
    return len(np.unique(_mnist()["y_train"]))


def _nearest_centroid_accuracy(X_train, y_train, X_test, y_test) -> float:
    """Accuracy of predicting the class whose mean training example is closest (Euclidean)."""
    classes = np.unique(y_train)
    centroids = np.stack([X_train[y_train == c].mean(axis=0) for c in classes])
    distances = ((X_test[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    return float(np.mean(classes[distances.argmin(axis=1)] == y_test))


@lru_cache(maxsize=1)
def _digits_baseline() -> float:
    d = _digits_split()
    return _nearest_centroid_accuracy(d["X_train"], d["y_train"], d["X_test"], d["y_test"])


@lru_cache(maxsize=1)
def _mnist_baseline() -> float:
    m = _mnist()
    return _nearest_centroid_accuracy(m["X_train"], m["y_train"], m["X_test"], m["y_test"])


# --------------------------------------------------------------------------------------
# Reference implementations (softmax, cross-entropy and the forward pass come from the
# declaration, where they also build the inputs of later cases).
# --------------------------------------------------------------------------------------


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_grad(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(float)


def _backward(
    X: np.ndarray, y: np.ndarray, params: dict[str, np.ndarray], cache: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    n = len(y)
    dZ2 = cache["P"].copy()
    dZ2[np.arange(n), y] -= 1.0
    dZ2 /= n
    dH = dZ2 @ params["W2"].T
    dZ1 = dH * (cache["Z1"] > 0)
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["H"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }


def _numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = f(x)
        x[index] = original - eps
        f_minus = f(x)
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


# --------------------------------------------------------------------------------------
# Exercise 1: the number of parameters, computed from the data's shapes.
# --------------------------------------------------------------------------------------


def _layer_sizes() -> tuple[int, int, int]:
    return _mnist()["X_train"].shape[1], _N_HIDDEN_MNIST, _n_classes()


def _expected_n_params() -> int:
    d, h, k = _layer_sizes()
    return d * h + h + h * k + k


def _n_params_no_biases() -> int:
    d, h, k = _layer_sizes()
    return d * h + h * k


def _n_params_first_layer() -> int:
    d, h, _ = _layer_sizes()
    return d * h + h


# --------------------------------------------------------------------------------------
# Exercises 9 and 10: trained networks, judged on held-out test images.
# --------------------------------------------------------------------------------------


def _require_params(data: Any) -> dict[str, np.ndarray]:
    """The four float arrays of exercise 9, with the shapes of a network for the digits."""
    require_dict(data, "data", ("params",))
    path = at("data", "params")
    params = require_dict(data["params"], path, _PARAM_NAMES)
    for name in _PARAM_NAMES:
        require_array(params[name], at(path, name), kinds="f", ndim=2 if name[0] == "W" else 1)
    digits = _digits_split()
    d, k = digits["X_test"].shape[1], len(np.unique(digits["y_train"]))
    h = params["b1"].shape[0]
    wanted = {"W1": (d, h), "b1": (h,), "W2": (h, k), "b2": (k,)}
    for name, shape in wanted.items():
        if params[name].shape != shape:
            raise malformed(
                at(path, name), f"has shape {params[name].shape}, which does not fit the network"
            )
    return params


def _judge_numpy_network(data: dict[str, Any]) -> None:
    params = _require_params(data)
    digits = _digits_split()
    y_test = digits["y_test"]
    with np.errstate(all="ignore"):  # diverged training gives inf and NaN: judged as wrong
        probs = _forward(digits["X_test"], params)["P"]
    accuracy = float(np.mean(probs.argmax(axis=1) == y_test))
    need = _digits_baseline() + _MARGIN
    if not accuracy >= need:
        raise Fail(
            f"With `trained_params`, the network classifies {accuracy:.3f} of the {len(y_test)} "
            f"held-out test digits correctly; a trained network should reach at least "
            f"{need:.3f} (a nearest-centroid classifier gets {_digits_baseline():.3f}). Check "
            "that the update subtracts `lr * gradient`, that every batch is used in every "
            "epoch, and that you kept the parameters after training."
        )


def _judge_keras_model(data: dict[str, Any]) -> None:
    """Judge the predicted classes; the key's own test labels decide how many are needed."""
    require_dict(data, "data", ("shape", "pred"))
    require_list(data["shape"], at("data", "shape"), kind=tuple, item=require_int)
    require_list(data["pred"], at("data", "pred"), item=require_int)
    y_test = _mnist()["y_test"]
    want = (len(y_test), _n_classes())
    if data["shape"] != want:
        raise Fail(
            f"`model.predict` on the {want[0]} test images (flat vectors of 784 pixels in [0, 1]) "
            f"should give one row of {want[1]} class probabilities per image, shape {want}, but "
            f"it gave shape {data['shape']}. The last layer should be Dense({want[1]}, "
            "activation='softmax') and the input shape (784,)."
        )
    require_list(data["pred"], at("data", "pred"), length=len(y_test), per="test image")
    if not all(0 <= p < want[1] for p in data["pred"]):
        raise malformed(at("data", "pred"), "holds a number that is not a class")
    accuracy = float(np.mean(np.asarray(data["pred"]) == y_test))
    need = _mnist_baseline() + _MARGIN
    if not accuracy >= need:
        raise Fail(
            f"`model` classifies {accuracy:.3f} of the {len(y_test)} held-out test images "
            f"correctly; a trained network should reach at least {need:.3f} (a nearest-centroid "
            f"classifier gets {_mnist_baseline():.3f}). Check that you trained on pixels divided "
            "by 255, on all ten digits (how did you hold out validation data?), for enough epochs."
        )


# --------------------------------------------------------------------------------------
# Knowledge check: values computed from the data.
# --------------------------------------------------------------------------------------


def _uniform_loss() -> float:
    return math.log(_n_classes())


def _steps_per_epoch() -> int:
    return math.ceil(len(_digits_split()["y_train"]) / _BATCH_SIZE)


KEY = {
    "15.1": {
        "expected": _expected_n_params,
        "mistakes": [
            Mistake(
                _n_params_no_biases,
                "You counted the weights but not the biases: every unit of both layers has "
                "one bias.",
            ),
            Mistake(
                _n_params_first_layer,
                "That is only the first layer. The output layer has weights and biases too.",
            ),
        ],
    },
    "15.2": {"reference": _relu},
    "15.3": {"reference": _relu_grad},
    "15.4": {"reference": _softmax},
    "15.5": {"reference": _cross_entropy},
    "15.6": {"reference": _forward},
    "15.7": {"reference": _backward},
    "15.8": {"reference": _numerical_gradient},
    "15.9": {"judge": _judge_numpy_network},
    "15.10": {"judge": _judge_keras_model},
    "15.kc1": {
        "answer": "c",
        "explanation": (
            "Without an activation, (X W1 + b1) W2 + b2 = X (W1 W2) + (b1 W2 + b2): "
            "two linear layers are one linear layer, so the network can draw only the linear "
            "boundaries of logistic regression."
        ),
    },
    "15.kc2": {
        "expected": _uniform_loss,
        "mistakes": [
            Mistake(lambda: math.log10(_n_classes()), "That is log base 10; use the natural log."),
            Mistake(lambda: 1 / _n_classes(), "That is the probability, not the loss."),
        ],
    },
    "15.kc3": {
        "answer": "b",
        "explanation": (
            "The eps**2 terms cancel in f(x + eps) - f(x - eps), so the error of the "
            "central difference shrinks like eps**2, that of the one-sided difference like eps."
        ),
    },
    "15.kc4": {
        "expected": _steps_per_epoch,
        "mistakes": [
            Mistake(
                lambda: _steps_per_epoch() - 1,
                "The leftover examples form one last, smaller batch, which is an update too.",
            ),
            Mistake(
                lambda: len(_digits_split()["y_train"]),
                "That would be one update per example; mini-batch SGD makes one per batch.",
            ),
        ],
    },
    "15.kc5": {
        "answer": "b",
        "explanation": (
            "Keras takes the last 20% of the rows, before shuffling. The rows are "
            "sorted by digit, so validation holds only 8s and 9s, which the model never trains on."
        ),
    },
    "15.kc6": {
        "answer": "bd",
        "explanation": (
            "0.011 of 360 images is 4 images, about one standard error: too few to "
            "rank the models. Both are far above the 0.1 of always predicting the most frequent "
            "class. Training accuracy measures how well the network fits the images it was "
            "trained on, not how it does on new digits."
        ),
    },
    "15.kc7": {
        "answer": "a",
        "explanation": (
            "The gradients of W2 and b2 need only dZ2 and H, and they are right, so "
            "the forward pass and dZ2 = (P - Y) / n are right too. The error enters later: in "
            "dH, the ReLU step, or the gradients of W1 and b1."
        ),
    },
}
