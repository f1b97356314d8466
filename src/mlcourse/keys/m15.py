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
    require_optional,
    require_str,
)
from mlcourse.exercises.m15 import (
    _BACKWARD_CACHES,
    _BATCH_SIZE,
    _N_HIDDEN_MNIST,
    _PARAM_NAMES,
    _backward_inputs,
    _digits_split,
    _init_params,
    _mnist,
)
from mlcourse.keys._keras import losses as _losses
from mlcourse.keys._keras import other as _other
from mlcourse.keys._keras import quiet as _quiet
from mlcourse.keys._keras import reports as _reports
from mlcourse.keys._keras import require_finite_float as _require_finite_float
from mlcourse.keys._keras import row_index as _row_index
from mlcourse.keys._keras import rows_in as _rows_in
from mlcourse.keys._keras import z_score as _z

_MARGIN = 0.03  # how far above the nearest-centroid baseline a trained network must be
_MIN_RECALL = 0.5  # the share of every digit's test images a trained network must get right
_RECIPE_RTOL = 1e-4  # exercise 9: rounding differences stay far below; one more epoch is 1e-2
_N_HIDDEN_DIGITS, _EPOCHS_DIGITS, _LR_DIGITS = 32, 20, 0.1  # exercise 9's recipe (the prompt)


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


def backward_caches() -> dict[str, np.ndarray]:
    """The forward caches of the backward cases, as the declaration reads them by name."""
    return {
        f"{name}.{part}": value
        for name, (X, _y, params, _label) in _backward_inputs().items()
        for part, value in _forward(X, params).items()
    }


def write_backward_caches() -> None:
    """Write ``m15_backward_caches.npz`` beside the declaration (after changing its cases)."""
    np.savez_compressed(_BACKWARD_CACHES, **backward_caches())


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


def _central_differences(f, x: np.ndarray, eps: float, *, restore: bool = True) -> np.ndarray:
    """Central differences of ``f`` at a float copy of ``x``, entry by entry; with
    ``restore=False``, each entry is left at ``x - eps`` (a known mistake)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        f_plus = f(x)
        x[index] = original - eps
        f_minus = f(x)
        if restore:
            x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * eps)
    return grad


def _numerical_gradient(f, x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    return _central_differences(f, x, eps)


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


def _n_params_one_bias_missing(name: str):
    def count() -> int:
        d, h, k = _layer_sizes()
        return d * h + h * k + (k if name == "b1" else h)

    return count


def _n_params_digits_inputs() -> int:
    _, h, k = _layer_sizes()
    d = _digits_split()["X_train"].shape[1]
    return d * h + h + h * k + k


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


@lru_cache(maxsize=1)
def _recipe_params() -> dict[str, np.ndarray]:
    """The parameters that exercise 9's recipe gives, trained with the reference functions.

    The recipe fixes everything (start, order of the examples, batches, learning rate,
    epochs), and mini-batch SGD is deterministic, so a right forward and backward pass give
    these parameters up to floating-point rounding.
    """
    d = _digits_split()
    X, y = d["X_train"], d["y_train"]
    params = _init_params(X.shape[1], _N_HIDDEN_DIGITS, len(np.unique(y)))
    rng = np.random.default_rng(0)
    for _ in range(_EPOCHS_DIGITS):
        order = rng.permutation(len(y))
        for start in range(0, len(y), _BATCH_SIZE):
            batch = order[start : start + _BATCH_SIZE]
            grads = _backward(X[batch], y[batch], params, _forward(X[batch], params))
            for name in params:
                params[name] = params[name] - _LR_DIGITS * grads[name]
    return params


def _relative_difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    """The largest relative difference between two parameter dicts, array by array."""
    return max(
        float(np.linalg.norm(a[name] - b[name]) / max(np.linalg.norm(b[name]), 1e-12))
        for name in _PARAM_NAMES
    )


def _judge_numpy_network(data: dict[str, Any]) -> None:
    params = _require_params(data)
    if not all(np.all(np.isfinite(params[name])) for name in _PARAM_NAMES):
        raise Fail(
            "`trained_params` holds NaN or infinite numbers: training diverged. Check that the "
            "update subtracts `lr * gradient` with lr = 0.1, and that the gradients are of the "
            "mean loss (divided by the batch size)."
        )
    digits = _digits_split()
    y_test = digits["y_test"]
    start = _init_params(digits["X_test"].shape[1], _N_HIDDEN_DIGITS, len(np.unique(y_test)))
    if params["W1"].shape == start["W1"].shape and _relative_difference(params, start) < 1e-9:
        raise Fail(
            "`trained_params` still holds the starting parameters of `init_params(64, 32, 10)`: "
            "the training loop did not change them. Update the dict that you keep in "
            "`trained_params` (or assign the trained one to it)."
        )
    with np.errstate(all="ignore"):  # huge weights overflow: judged by the accuracy below
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
    recipe = _recipe_params()
    if params["W1"].shape != recipe["W1"].shape:
        raise Fail(
            f"`trained_params` is a network with {params['b1'].shape[0]} hidden units; the "
            f"exercise asks for {_N_HIDDEN_DIGITS}, from `init_params(64, 32, 10)`."
        )
    difference = _relative_difference(params, recipe)
    if not difference <= _RECIPE_RTOL:
        raise Fail(
            "`trained_params` is a trained network, but not the one the exercise's recipe "
            f"gives: its parameters differ from the recipe's by {difference:.1%} (relative). "
            "The recipe fixes every step, so your own forward and backward passes, run as "
            "described, give the same numbers: start from `init_params(64, 32, 10)`; create "
            "`rng = np.random.default_rng(0)` once, before the loop; in each of the 20 epochs "
            "draw one `rng.permutation` of the training indices and update once per batch of "
            "32 in that order (the last batch is smaller); learning rate 0.1. Ran the training "
            "cell twice on the same dict? Start again from `init_params`."
        )


_N_PIXELS = 28 * 28  # the flat inputs of exercise 10 (the prompt)
_MIN_VALIDATION = 400  # exercise 10 holds out at least a tenth of the 4,000 training images
_LOSS_RTOL = 1e-4  # Keras computes its losses in float32, the key in float64
_MAX_Z = 3.5  # standard errors by which two held-out mean losses may differ by chance (calibrated)


def _require_layer(value: Any, path: str) -> dict[str, Any]:
    require_dict(value, path, ("kind", "activation", "weights"))
    require_str(value["kind"], at(path, "kind"))
    require_str(value["activation"], at(path, "activation"))
    weights = require_list(value["weights"], at(path, "weights"))
    for index, array in enumerate(weights):
        where = f"{at(path, 'weights')}[{index}]"
        require_array(array, where, kinds="f")
        if array.ndim not in (1, 2) or not array.size:
            raise malformed(where, f"has shape {array.shape}, which no layer's weights have")
    return value


def _network(input_shape: list[Any], layers: list[dict[str, Any]]) -> list[tuple]:
    """The operations of a model of exercise 10, once its architecture is the one asked for.

    Returns ``[("dense", W, b), ("relu",), ("dense", W, b), ("softmax",)]`` (float64); raises
    Fail with a message that names what differs.
    """
    if input_shape != [_N_PIXELS]:
        shown = (
            "("
            + ", ".join(str(d) for d in input_shape)
            + ("," if len(input_shape) == 1 else "")
            + ")"
        )
        raise Fail(
            f"`model` takes inputs of shape {shown}; the exercise gives it flat vectors of "
            f"{_N_PIXELS} pixels (`Xm_train` as it is): start it with "
            f"`keras.Input(shape=({_N_PIXELS},))`, without `Flatten` or a reshape."
        )
    ops: list[tuple] = []
    for layer in layers:
        kind, activation = layer["kind"], layer["activation"]
        if kind.startswith("other: "):
            raise Fail(
                f"`model` has a {_other(kind)} layer. The exercise asks for a network of `Dense` "
                "layers (a `Dropout` layer may sit between them): a hidden `Dense` layer of ReLU "
                "units, then `Dense(10, activation='softmax')`."
            )
        if kind == "Dense":
            if len(layer["weights"]) not in (1, 2):
                raise malformed("data['layers']", "holds a Dense layer without its weights")
            kernel = layer["weights"][0].astype(float)
            bias = (
                layer["weights"][1].astype(float)
                if len(layer["weights"]) == 2
                else np.zeros(kernel.shape[-1])
            )
            ops.append(("dense", kernel, bias))
        elif layer["weights"]:
            raise malformed("data['layers']", f"holds a {kind} layer with weights")
        if activation.startswith("other: "):
            raise Fail(
                f"A layer of `model` uses the activation {_other(activation)}; the exercise asks "
                "for ReLU units in the hidden layer (`activation='relu'`) and softmax at the "
                "output."
            )
        if activation not in ("linear", "relu", "softmax"):
            raise malformed("data['layers']", "holds an activation the extract never gives")
        if activation != "linear":
            ops.append((activation,))
    dense = [i for i, op in enumerate(ops) if op[0] == "dense"]
    if len(dense) != 2:
        linear = (
            " Without a hidden layer it is softmax regression, a linear model."
            if len(dense) == 1
            else ""
        )
        raise Fail(
            f"`model` has {len(dense)} `Dense` layer(s); the exercise asks for two: a hidden "
            f"layer of ReLU units and the output layer.{linear}"
        )
    first, second = dense
    between = {op[0] for op in ops[first + 1 : second]}
    if ops[:first] or not between <= {"relu"}:
        raise Fail(
            "The hidden `Dense` layer of `model` should be followed by ReLU only, and nothing "
            "but `Dropout` should come before it: the exercise asks for ReLU units, "
            "`activation='relu'`, as in the lesson."
        )
    if not between:
        raise Fail(
            "The hidden `Dense` layer of `model` has no activation. Without a non-linearity "
            "the two layers collapse into one linear layer: give it ReLU units, "
            "`activation='relu'`."
        )
    if [op[0] for op in ops[second + 1 :]] != ["softmax"]:
        raise Fail(
            "`model` should end with a softmax, so that it gives probabilities, but its last "
            "layer gives other scores, probably logits. End the model with "
            "`Dense(10, activation='softmax')` and compile it with "
            "`loss='sparse_categorical_crossentropy'`. (A last layer without activation needs "
            "`keras.losses.SparseCategoricalCrossentropy(from_logits=True)`, and its predict "
            "gives logits: this exercise asks for probabilities.)"
        )
    (_, W1, b1), (_, W2, b2) = ops[first], ops[second]
    if W1.ndim != 2 or W1.shape[0] != _N_PIXELS or b1.shape != (W1.shape[1],):
        raise malformed("data['layers']", "holds a first Dense layer whose weights do not fit")
    if W2.ndim != 2 or W2.shape[0] != W1.shape[1] or b2.shape != (W2.shape[1],):
        raise malformed("data['layers']", "holds a second Dense layer whose weights do not fit")
    if W2.shape[1] != _n_classes():
        raise Fail(
            f"The last `Dense` layer of `model` has {W2.shape[1]} units; it needs one per digit."
        )
    if not all(np.all(np.isfinite(a)) for a in (W1, b1, W2, b2)):
        raise Fail(
            "The weights of `model` hold NaN or infinite numbers: training diverged. Lower the "
            "learning rate, and check that the pixels were divided by 255."
        )
    return [("dense", W1, b1), ("relu",), ("dense", W2, b2), ("softmax",)]


def _logits(ops: list[tuple], X: np.ndarray) -> np.ndarray:
    """The scores that go into the final softmax, computed in float64 from the weights."""
    (_, W1, b1), _, (_, W2, b2), _ = ops
    with np.errstate(all="ignore"):  # huge weights overflow: judged by the accuracy
        return np.maximum(X.astype(float) @ W1 + b1, 0.0) @ W2 + b2


@lru_cache(maxsize=1)
def _training_rows() -> dict[bytes, int]:
    """The row index in `Xm_train` of each training image, by its pixels (0-255)."""
    return _row_index(_mnist()["X_train"])


def _validation_rows(X_val: np.ndarray, y_val: np.ndarray) -> np.ndarray:
    """The rows of `Xm_train` that the learner held out, once they are exactly such rows."""
    m = _mnist()
    n = X_val.shape[0]
    if X_val.ndim != 2 or X_val.shape[1] != _N_PIXELS:
        raise Fail(
            f"`Xm_val` has shape {X_val.shape}; it should hold flat images of {_N_PIXELS} pixels, "
            "one per row, taken from `Xm_train`."
        )
    if y_val.shape != (n,):
        raise Fail(
            f"`ym_val` has shape {y_val.shape}; it should hold one integer label for every row "
            f"of `Xm_val` ({n})."
        )
    if n < _MIN_VALIDATION:
        raise Fail(
            f"`Xm_val` holds {n} images; hold out at least a tenth of the {len(m['y_train'])} "
            "training images (a fifth is a good choice), so that the validation loss means "
            "something."
        )
    rows = _rows_in(
        X_val,
        _training_rows(),
        "`Xm_val` does not hold images of `Xm_train` as given (pixels divided by 255): "
        "take the validation rows from `Xm_train` itself, without changing them.",
    )
    if np.any(rows < 0):
        raise Fail(
            f"{int(np.sum(rows < 0))} rows of `Xm_val` are not images of `Xm_train`: hold the "
            "validation images out of the training images, never out of `Xm_test`."
        )
    if len(np.unique(rows)) != n:
        raise Fail("`Xm_val` holds some training images more than once: hold out each only once.")
    if not np.array_equal(y_val, m["y_train"][rows]):
        raise Fail(
            "`ym_val` does not hold the labels of the images in `Xm_val`, row for row: split "
            "images and labels together, e.g. with one `train_test_split(Xm_train, ym_train, ...)`."
        )
    return rows


def _judge_keras_model(data: dict[str, Any]) -> None:
    """Recompute the model's outputs from its weights, on the key's own images, and judge them."""
    require_dict(
        data,
        "data",
        ("input_shape", "layers", "iterations", "val_loss", "epochs_run", "Xm_val", "ym_val"),
    )
    input_shape = require_list(
        data["input_shape"], at("data", "input_shape"), item=require_optional(require_int)
    )
    layers = require_list(data["layers"], at("data", "layers"), item=_require_layer)
    iterations = require_int(data["iterations"], at("data", "iterations"))
    val_loss = require_list(data["val_loss"], at("data", "val_loss"), item=_require_finite_float)
    epochs_run = require_int(data["epochs_run"], at("data", "epochs_run"))
    X_val = require_array(data["Xm_val"], at("data", "Xm_val"), kinds="f")
    y_val = require_array(data["ym_val"], at("data", "ym_val"), kinds="iu")
    ops = _network(input_shape, layers)
    if iterations <= 0:
        raise Fail(
            "The optimiser of `model` has made no update: `model` was never trained with "
            "`fit` (weights set by hand or copied from another model do not count). Compile "
            "it and train it on your training images."
        )
    if not val_loss or len(val_loss) != epochs_run:
        raise Fail(
            "The last `fit` of `model` has no validation loss for every epoch: it was trained "
            "without validation data, or trained again afterwards without it. Hold validation "
            "images out of `Xm_train` as `Xm_val`, `ym_val` and pass "
            "`validation_data=(Xm_val, ym_val)` to the last `fit`, with no training after it."
        )
    m = _mnist()
    rows = _validation_rows(X_val, y_val)
    val_exact, val_clipped = _losses(_logits(ops, m["X_train"][rows]), y_val)
    # the last epoch was measured on (Xm_val, ym_val), with these weights
    validated = _reports([val_loss[-1]], (val_exact, val_clipped), _LOSS_RTOL)
    y_test = m["y_test"]
    test_logits = _logits(ops, m["X_test"])
    test_exact, test_clipped = _losses(test_logits, y_test)
    on_test = _reports(val_loss, (test_exact, test_clipped), _LOSS_RTOL)
    if on_test and not validated:
        raise Fail(
            "A validation loss of the last `fit` of `model` is its loss on the test images: "
            "the test images were its validation data. Validation data guides choices while "
            "you train, so it must come out of `Xm_train`; the test images are kept for the "
            "end (here: the check)."
        )
    predicted = test_logits.argmax(axis=1)
    recalls = {int(d): float(np.mean(predicted[y_test == d] == d)) for d in np.unique(y_test)}
    worst = min(recalls, key=recalls.get)
    never_learned = (
        f"`model` recognises only {recalls[worst]:.0%} of the test images of the digit "
        f"{worst}. A digit that a trained model (almost) never gets right is a digit it never "
        "saw in training: how did you hold out validation data? The rows of `Xm_train` are "
        "sorted by digit, and `validation_split` takes the last rows."
    )
    if recalls[worst] < 0.05 and np.median(list(recalls.values())) >= _MIN_RECALL:
        raise Fail(never_learned)
    accuracy = float(np.mean(predicted == y_test))
    need = _mnist_baseline() + _MARGIN
    if not accuracy >= need:
        raise Fail(
            f"`model` classifies {accuracy:.3f} of the {len(y_test)} held-out test images "
            f"correctly; a trained network should reach at least {need:.3f} (a nearest-centroid "
            f"classifier gets {_mnist_baseline():.3f}). Check that you trained on pixels divided "
            "by 255, on all ten digits (how did you hold out validation data?), for enough epochs."
        )
    if not recalls[worst] >= _MIN_RECALL:
        raise Fail(never_learned)
    if not validated:
        raise Fail(
            f"The last validation loss that `fit` reported, {val_loss[-1]:.4f}, is not the loss "
            f"of `model` on (`Xm_val`, `ym_val`), {float(val_exact.mean()):.4f}: the model was "
            "validated on other data, or changed after its last epoch. Pass "
            "`validation_data=(Xm_val, ym_val)` to the last `fit`, and train for a fixed "
            "number of epochs (a callback that restores earlier weights changes the model)."
        )
    fit_rows = np.setdiff1d(np.arange(len(m["y_train"])), rows)
    fit_exact, _ = _losses(_logits(ops, m["X_train"][fit_rows]), m["y_train"][fit_rows])
    if _z(val_exact, test_exact) > _MAX_Z:
        raise Fail(
            f"`model` does far better on the test images (mean loss {test_exact.mean():.3f}) than "
            f"on its validation images ({val_exact.mean():.3f}), which it has not trained on "
            "either: more than chance explains. The test images look learned: train on "
            "`Xm_train` only, never on `Xm_test`."
        )
    if _z(test_exact, val_exact) > _MAX_Z:
        raise Fail(
            f"`model` does far better on its validation images (mean loss "
            f"{val_exact.mean():.3f}) than on the test images ({test_exact.mean():.3f}): more "
            "than chance explains. The validation images look learned: train on the rest of "
            "`Xm_train`, without `Xm_val`."
        )
    if not test_exact.mean() > fit_exact.mean():
        raise Fail(
            f"The mean loss of `model` is {test_exact.mean():.3f} on the test images but "
            f"{fit_exact.mean():.3f} on the images it was trained on. A network does better on "
            "the images it learned from than on new ones, so the test images look learned: "
            "train on `Xm_train` (and hold validation data out of it), never on `Xm_test`."
        )


# --------------------------------------------------------------------------------------
# Knowledge check: values computed from the data.
# --------------------------------------------------------------------------------------


def _uniform_loss() -> float:
    return math.log(_n_classes())


def _steps_per_epoch() -> int:
    return math.ceil(len(_digits_split()["y_train"]) / _BATCH_SIZE)


# --------------------------------------------------------------------------------------
# Known wrong implementations of the function exercises, called like the references.
# --------------------------------------------------------------------------------------


def _softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)


def _softmax_shifted_by(statistic):
    """Softmax shifted by another statistic of each row than its maximum (mean, min, first)."""

    def softmax(z):
        e = np.exp(z - statistic(z))
        return e / e.sum(axis=1, keepdims=True)

    return softmax


def _softmax_float32(z):
    return _softmax(np.asarray(z, dtype=np.float32))


def _softmax_columns(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _true_class_probs(probs, y):
    return probs[np.arange(len(y)), y]


def _forward_without_relu(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    Z2 = Z1 @ params["W2"] + params["b2"]
    return {"Z1": Z1, "H": Z1, "Z2": Z2, "P": _softmax(Z2)}


def _forward_without_biases(X, params):
    Z1 = X @ params["W1"]
    H = np.maximum(Z1, 0.0)
    Z2 = H @ params["W2"]
    return {"Z1": Z1, "H": H, "Z2": Z2, "P": _softmax(Z2)}


def _backward_mask_at_zero(X, y, params, cache):
    """Backward with the ReLU mask ``Z1 >= 0``: slope 1 where Z1 is exactly 0."""
    n = len(y)
    dZ2 = cache["P"].copy()
    dZ2[np.arange(n), y] -= 1.0
    dZ2 /= n
    dZ1 = (dZ2 @ params["W2"].T) * (cache["Z1"] >= 0)
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["H"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }


def _backward_sum(X, y, params, cache):
    return {name: grad * len(y) for name, grad in _backward(X, y, params, cache).items()}


def _backward_without_relu_step(X, y, params, cache):
    n = len(y)
    dZ2 = cache["P"].copy()
    dZ2[np.arange(n), y] -= 1.0
    dZ2 /= n
    dZ1 = dZ2 @ params["W2"].T
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": cache["H"].T @ dZ2,
        "b2": dZ2.sum(axis=0),
    }


def _backward_z1_for_h(X, y, params, cache):
    grads = _backward(X, y, params, cache)
    n = len(y)
    dZ2 = cache["P"].copy()
    dZ2[np.arange(n), y] -= 1.0
    return {**grads, "W2": cache["Z1"].T @ (dZ2 / n)}


def _numgrad_one_sided(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    f_x = f(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        grad[index] = (f(x) - f_x) / eps
        x[index] = original
    return grad


def _numgrad_fixed_eps(f, x, eps=1e-5):
    return _numerical_gradient(f, x, 1e-5)


def _numgrad_no_restore(f, x, eps=1e-5):
    return _central_differences(f, x, eps, restore=False)


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
            Mistake(
                _n_params_one_bias_missing("b1"),
                "The biases of the hidden layer are missing: one per hidden unit.",
            ),
            Mistake(
                _n_params_one_bias_missing("b2"),
                "The biases of the output layer are missing: one per class.",
            ),
            Mistake(
                _n_params_digits_inputs,
                "That network has 64 inputs, the pixels of the 8x8 digits. An MNIST image has "
                "more: take them from `Xm_train.shape[1]`.",
            ),
        ],
    },
    "15.2": {
        "reference": _relu,
        "mistakes": [
            Mistake(
                lambda z: np.max(z, 0),
                "`np.max(z, 0)` reduces `z` to the largest value along axis 0. ReLU keeps the "
                "shape of `z` and compares every entry with 0 on its own.",
            ),
            Mistake(
                lambda z: np.minimum(z, 0),
                "That keeps the negative entries and zeroes the positive ones: the other way "
                "round.",
            ),
            Mistake(np.abs, "That turns negative entries positive; ReLU sets them to 0."),
        ],
    },
    "15.3": {
        "reference": _relu_grad,
        "mistakes": [
            Mistake(
                lambda z: (z >= 0).astype(float),
                "At exactly z = 0 the exercise fixes the slope to 0, so the comparison must be "
                "strict.",
            ),
            Mistake(
                lambda z: z > 0,
                "That is a boolean mask. The derivative is a number: convert the comparison to "
                "floats (1.0 and 0.0).",
            ),
            Mistake(
                _relu,
                "That is ReLU itself. Its derivative is its slope: 1 where z > 0, 0 elsewhere.",
            ),
        ],
    },
    "15.4": {
        "reference": _softmax,
        "mistakes": [
            *(
                Mistake(
                    _quiet(_softmax_shifted_by(statistic)),
                    "Any constant shift of a row leaves its probabilities unchanged on paper, but "
                    "only the row's maximum keeps every exponent at 0 or below: shifted by the "
                    "row's mean, its minimum or its first score, a row spanning -1000 to 1000 "
                    "still overflows. Subtract each row's maximum.",
                )
                for statistic in (
                    lambda z: z.mean(axis=1, keepdims=True),
                    lambda z: z.min(axis=1, keepdims=True),
                    lambda z: z[:, :1],
                )
            ),
            Mistake(
                _quiet(_softmax_naive),
                "`np.exp` overflows for scores near 1000 and gives 0 / 0 for scores near -1000. "
                "Shift every row by a constant first: the probabilities do not change.",
            ),
            Mistake(
                _quiet(_softmax_global_max),
                "Subtracting the maximum of the whole array leaves a row far below it with "
                "exp(-1000) = 0 everywhere, so 0 / 0. Shift each row by its own maximum.",
            ),
            Mistake(
                _quiet(_softmax_float32),
                "Your probabilities are those of a softmax computed in float32, which keeps "
                "about 7 significant digits: for widely spread scores they are off by more "
                "than the check's tolerance. Compute in float64, NumPy's default (do not "
                "convert to float32).",
            ),
            Mistake(
                _quiet(_softmax_columns),
                "Each row holds the scores of one example and must sum to 1: normalise along "
                "the rows (axis=1), not down the columns.",
            ),
        ],
    },
    "15.5": {
        "reference": _cross_entropy,
        "mistakes": [
            Mistake(
                lambda probs, y: float(-np.sum(np.log(_true_class_probs(probs, y)))),
                "That is the sum over the examples. The loss is their mean, so that it does "
                "not grow with the batch size.",
            ),
            Mistake(
                lambda probs, y: float(-np.mean(np.log10(_true_class_probs(probs, y)))),
                "That uses the base-10 logarithm; cross-entropy uses the natural one, `np.log`.",
            ),
            Mistake(
                _quiet(lambda probs, y: float(-np.mean(np.log(probs[:, y])))),
                "`probs[:, y]` selects whole columns, an n x n matrix. You need one "
                "probability per example: in row i, the column y[i].",
            ),
        ],
    },
    "15.6": {
        "reference": _forward,
        "mistakes": [
            Mistake(
                _quiet(_forward_without_relu),
                "Your `H` equals `Z1`: the hidden layer needs its ReLU, H = relu(Z1).",
            ),
            Mistake(
                _quiet(_forward_without_biases),
                "The biases are missing: add `b1` to X @ W1 and `b2` to H @ W2.",
            ),
        ],
    },
    "15.7": {
        "reference": _backward,
        "mistakes": [
            Mistake(
                _backward_sum,
                "Every gradient is n times too large: the loss is the mean over the batch, so "
                "(P - Y) is divided by the batch size n.",
            ),
            Mistake(
                _backward_mask_at_zero,
                "Where Z1 is exactly 0 the slope of ReLU is 0 by convention, so no gradient "
                "passes there: multiply by `relu_grad(Z1)`, that is (Z1 > 0), not (Z1 >= 0).",
            ),
            Mistake(
                _backward_without_relu_step,
                "The gradients of W2 and b2 are right, those of W1 and b1 are not: on its way "
                "back through the hidden layer, the gradient must pass the ReLU, multiplied by "
                "`relu_grad(Z1)`.",
            ),
            Mistake(
                _backward_z1_for_h,
                "The gradient of W2 uses the input of the second layer, H = relu(Z1), not Z1.",
            ),
        ],
    },
    "15.8": {
        "reference": _numerical_gradient,
        "mistakes": [
            Mistake(
                _numgrad_one_sided,
                "That is the one-sided difference (f(x + eps) - f(x)) / eps, whose error "
                "shrinks only like eps. The exercise asks for the central difference.",
            ),
            Mistake(
                _numgrad_fixed_eps,
                "Your function ignores the `eps` it is given: use that argument, not a fixed step.",
            ),
            Mistake(
                _numgrad_no_restore,
                "After the two evaluations for one entry, put that entry back to its original "
                "value; otherwise every later entry is estimated at a shifted point.",
            ),
        ],
    },
    "15.9": {"judge": _judge_numpy_network},
    "15.10": {"judge": _judge_keras_model},
    "15.kc1": {
        "answer": "c",
        "explanation": (
            "Without an activation, (X W1 + b1) W2 + b2 = X (W1 W2) + (b1 W2 + b2): "
            "two linear layers are one linear layer, so the network can draw only the linear "
            "boundaries of logistic regression."
        ),
        "feedback": {
            "a": "The number of parameters does not bend a boundary; a non-linear activation "
            "between the layers does. Without one the extra weights add no flexibility: replacing "
            "W1, b1 and W2 by W1 A, b1 A and A^-1 W2 leaves every output unchanged, for any "
            "invertible 32 x 32 matrix A.",
            "b": "A hidden layer learns new kinds of features through its activation. With none, "
            "each hidden unit is only a weighted sum of the pixels plus a constant, which a model "
            "reading the pixels linearly can already form.",
            "d": "32 hidden units are more than the 10 outputs, so nothing the classes need is "
            "squeezed out: any 64 x 10 weight matrix can be written as a 64 x 32 matrix times a 32 "
            "x 10 one.",
        },
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
        "feedback": {
            "a": "It needs more evaluations, not fewer: two per parameter, f(x + eps) and f(x - "
            "eps), whereas the one-sided difference needs one per parameter plus a single f(x) "
            "shared by all. The lesson's check costs two forward passes per parameter.",
            "c": "It is exact only for polynomials of degree 2 or less; for other functions its "
            "error depends on eps through the third derivative, and is not zero.",
            "d": "Both differences can straddle ReLU's kink: a nudge of eps crosses 0 whenever a "
            "pre-activation lies within eps (times the input) of it, which is why the lesson "
            "checks how near to 0 the entries of Z1 come.",
        },
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
        "feedback": {
            "a": "Keras does not shuffle before it splits: `validation_split` holds out its rows "
            "first, and the shuffling of `fit` (on by default) then applies to the training rows "
            "only, every epoch.",
            "c": "Keras does not hold out the first rows. Read `fit`'s documentation of "
            "`validation_split`: it says from which end of the arrays the validation rows come, "
            "and where the sorting puts each digit.",
            "d": "`validation_split` neither stratifies nor samples at random; and "
            "`train_test_split` itself stratifies only when given `stratify=`.",
        },
    },
    "15.kc6": {
        "answer": "bd",
        "explanation": (
            "The two models disagree on only 4 of the 360 test digits, all won by logistic "
            "regression. If they were equally good, four out of four would still happen one "
            "time in eight (McNemar's exact test, p = 0.125): too few to rank them. Both are "
            "far above the 0.1 of always predicting the most frequent class. Training accuracy "
            "measures how well the network fits the images it was trained on, not how it does "
            "on new digits."
        ),
    },
    "15.kc7": {
        "answer": "a",
        "explanation": (
            "The gradients of W2 and b2 need only dZ2 and H, and they are right, so "
            "the forward pass and dZ2 = (P - Y) / n are right too. The error enters later: in "
            "dH, the ReLU step, or the gradients of W1 and b1."
        ),
        "feedback": {
            "b": "dW2 and db2 are computed from dZ2 too: an error there would show in their "
            "relative errors, and those are about 1e-10.",
            "c": "The analytic gradients of W2 and b2 start from P, the output of the forward "
            "pass's softmax; with a wrong softmax they would disagree with the numerical ones too, "
            "and they agree to about 1e-10.",
            "d": "With the same eps = 1e-5 the lesson checks W1 and b1 of a correct network to "
            "about 1e-10; in float64, rounding at this eps stays many orders of magnitude below a "
            "relative error of 0.5.",
        },
    },
}
