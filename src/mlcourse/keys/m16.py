"""Answer key of module 16 — Training deep networks."""

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
    require_bool,
    require_dict,
    require_float,
    require_int,
    require_list,
    require_optional,
    require_str,
)
from mlcourse.exercises.m16 import _mnist
from mlcourse.keys._keras import losses as _losses
from mlcourse.keys._keras import other as _other
from mlcourse.keys._keras import quiet as _quiet
from mlcourse.keys._keras import reports as _reports
from mlcourse.keys._keras import require_finite_float as _require_finite_float
from mlcourse.keys._keras import row_index as _row_index
from mlcourse.keys._keras import rows_in as _rows_in
from mlcourse.keys._keras import z_score as _z

_N_PIXELS = 28 * 28
_MIN_VALIDATION = 400  # at least a tenth of the 4,000 training images
_LOSS_RTOL = 1e-4  # Keras computes its losses in float32, the key in float64
_MAX_Z = 3.5  # standard errors by which two held-out mean losses may differ by chance
_MARGIN = 0.05  # how far above the nearest-centroid baseline the trained network must be
_MIN_RECALL = 0.5  # the share of every digit's test images the network must get right
_BATCH = 128  # the batch size the exercise asks for
_PATIENCE = 3  # the patience of EarlyStopping the exercise asks for
_MIN_LEARNING_RATE = 1e-5  # below it, a fit barely trains (Adam's default is 1e-3)


# --------------------------------------------------------------------------------------
# Reference implementations of exercises 1-7.
# --------------------------------------------------------------------------------------


def _init_std(fan_in: int, fan_out: int, scheme: str) -> float:
    if scheme == "he":
        return math.sqrt(2.0 / fan_in)
    if scheme == "glorot":
        return math.sqrt(2.0 / (fan_in + fan_out))
    raise ValueError(f"unknown scheme {scheme!r}")


def _momentum_step(w, grad, velocity, lr, momentum, nesterov=False):
    velocity = momentum * velocity - lr * grad
    if nesterov:
        return w + momentum * velocity - lr * grad, velocity
    return w + velocity, velocity


def _adam_step(w, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _warmup_cosine(step, peak_lr, warmup_steps, decay_steps, alpha=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    s = min(step - warmup_steps, decay_steps)
    cos = 0.5 * (1 + math.cos(math.pi * s / decay_steps))
    return peak_lr * ((1 - alpha) * cos + alpha)


def _inverted_dropout(x, mask, rate, training):
    return x * mask / (1 - rate) if training else x.copy()


def _batchnorm_forward(
    x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3
):
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        new_mm = momentum * moving_mean + (1 - momentum) * mu
        new_mv = momentum * moving_var + (1 - momentum) * var
    else:
        mu, var = moving_mean, moving_var
        new_mm, new_mv = moving_mean.copy(), moving_var.copy()
    return gamma * (x - mu) / np.sqrt(var + epsilon) + beta, new_mm, new_mv


def _early_stopping(val_losses, patience, min_delta=0.0):
    """Keras's EarlyStopping(monitor='val_loss', mode='min') on a list of validation losses."""
    best, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if best is None or loss + abs(min_delta) < best:
            best, best_epoch, wait = loss, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1
    return len(val_losses), best_epoch + 1


# --------------------------------------------------------------------------------------
# Known wrong implementations.
# --------------------------------------------------------------------------------------


def _he_fan_out(fan_in, fan_out, scheme):
    return math.sqrt(2.0 / fan_out) if scheme == "he" else _init_std(fan_in, fan_out, scheme)


def _variance(fan_in, fan_out, scheme):
    return _init_std(fan_in, fan_out, scheme) ** 2


def _glorot_uniform_limit(fan_in, fan_out, scheme):
    if scheme == "glorot":
        return math.sqrt(6.0 / (fan_in + fan_out))
    return _init_std(fan_in, fan_out, scheme)


def _he_uniform_limit(fan_in, fan_out, scheme):
    if scheme == "he":
        return math.sqrt(6.0 / fan_in)
    return _init_std(fan_in, fan_out, scheme)


def _lecun(fan_in, fan_out, scheme):
    return math.sqrt(1.0 / fan_in) if scheme == "he" else _init_std(fan_in, fan_out, scheme)


def _glorot_mean(fan_in, fan_out, scheme):
    if scheme == "glorot":
        return math.sqrt(1.0 / (fan_in + fan_out))
    return _init_std(fan_in, fan_out, scheme)


def _momentum_torch(w, grad, velocity, lr, momentum, nesterov=False):
    velocity = momentum * velocity + grad
    step = grad + momentum * velocity if nesterov else velocity
    return w - lr * step, velocity


def _momentum_no_nesterov(w, grad, velocity, lr, momentum, nesterov=False):
    return _momentum_step(w, grad, velocity, lr, momentum, False)


def _momentum_old_velocity(w, grad, velocity, lr, momentum, nesterov=False):
    new_w, new_v = _momentum_step(w, grad, velocity, lr, momentum, nesterov)
    return new_w, velocity


def _momentum_sign(w, grad, velocity, lr, momentum, nesterov=False):
    velocity = momentum * velocity + lr * grad
    return (w + momentum * velocity + lr * grad if nesterov else w + velocity), velocity


def _adam_no_correction(w, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return w - lr * m / (np.sqrt(v) + eps), m, v


def _adam_corrected_moments(w, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    new_w, m, v = _adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)
    return new_w, m / (1 - beta1**t), v / (1 - beta2**t)


def _adam_eps_inside(w, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / np.sqrt(v_hat + eps), m, v


def _adam_keras_eps(w, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    alpha = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - alpha * m / (np.sqrt(v) + eps), m, v


def _adam_grad_not_squared(w, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.abs(grad)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _cosine_no_clamp(step, peak_lr, warmup_steps, decay_steps, alpha=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    cos = 0.5 * (1 + math.cos(math.pi * (step - warmup_steps) / decay_steps))
    return peak_lr * ((1 - alpha) * cos + alpha)


def _cosine_from_zero(step, peak_lr, warmup_steps, decay_steps, alpha=0.0):
    if step < warmup_steps:
        return peak_lr * step / warmup_steps
    cos = 0.5 * (1 + math.cos(math.pi * min(step, decay_steps) / decay_steps))
    return peak_lr * ((1 - alpha) * cos + alpha)


def _cosine_no_alpha(step, peak_lr, warmup_steps, decay_steps, alpha=0.0):
    return _warmup_cosine(step, peak_lr, warmup_steps, decay_steps, 0.0)


def _dropout_no_scaling(x, mask, rate, training):
    return x * mask if training else x.copy()


def _dropout_scale_at_inference(x, mask, rate, training):
    return x * mask if training else x * (1 - rate)


def _dropout_by_rate(x, mask, rate, training):
    return x * mask / rate if training else x.copy()


def _dropout_always(x, mask, rate, training):
    return x * mask / (1 - rate)


def _bn_unbiased(x, gamma, beta, mm, mv, training, momentum=0.99, epsilon=1e-3):
    if not training:
        return _batchnorm_forward(x, gamma, beta, mm, mv, False, momentum, epsilon)
    mu, var = x.mean(axis=0), x.var(axis=0, ddof=1)
    return (
        gamma * (x - mu) / np.sqrt(var + epsilon) + beta,
        momentum * mm + (1 - momentum) * mu,
        momentum * mv + (1 - momentum) * var,
    )


def _bn_momentum_swapped(x, gamma, beta, mm, mv, training, momentum=0.99, epsilon=1e-3):
    return _batchnorm_forward(x, gamma, beta, mm, mv, training, 1 - momentum, epsilon)


def _bn_batch_stats_always(x, gamma, beta, mm, mv, training, momentum=0.99, epsilon=1e-3):
    y, new_mm, new_mv = _batchnorm_forward(x, gamma, beta, mm, mv, True, momentum, epsilon)
    return (y, new_mm, new_mv) if training else (y, mm.copy(), mv.copy())


def _bn_no_update(x, gamma, beta, mm, mv, training, momentum=0.99, epsilon=1e-3):
    y, _, _ = _batchnorm_forward(x, gamma, beta, mm, mv, training, momentum, epsilon)
    return y, mm.copy(), mv.copy()


def _bn_eps_outside(x, gamma, beta, mm, mv, training, momentum=0.99, epsilon=1e-3):
    y, new_mm, new_mv = _batchnorm_forward(x, gamma, beta, mm, mv, training, momentum, epsilon)
    mu, var = (x.mean(axis=0), x.var(axis=0)) if training else (mm, mv)
    return gamma * (x - mu) / (np.sqrt(var) + epsilon) + beta, new_mm, new_mv


def _bn_std_moving(x, gamma, beta, mm, mv, training, momentum=0.99, epsilon=1e-3):
    """Inference that normalises with the moving variance as if it were a standard deviation."""
    if training:
        return _batchnorm_forward(x, gamma, beta, mm, mv, True, momentum, epsilon)
    return gamma * (x - mm) / (mv + epsilon) + beta, mm.copy(), mv.copy()


def _stop_zero_based(val_losses, patience, min_delta=0.0):
    run, best = _early_stopping(val_losses, patience, min_delta)
    return run - 1, best - 1


def _stop_ignore_min_delta(val_losses, patience, min_delta=0.0):
    return _early_stopping(val_losses, patience, 0.0)


def _stop_argmin(val_losses, patience, min_delta=0.0):
    run, _ = _early_stopping(val_losses, patience, min_delta)
    return run, int(np.argmin(val_losses[:run])) + 1


def _stop_one_late(val_losses, patience, min_delta=0.0):
    return _early_stopping(val_losses, patience + 1, min_delta)


def _stop_last_epoch(val_losses, patience, min_delta=0.0):
    run, _ = _early_stopping(val_losses, patience, min_delta)
    return run, run


def _stop_ties_improve(val_losses, patience, min_delta=0.0):
    best, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if best is None or loss + abs(min_delta) <= best:
            best, best_epoch, wait = loss, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            return epoch + 1, best_epoch + 1
    return len(val_losses), best_epoch + 1


# --------------------------------------------------------------------------------------
# Exercise 8: the trained Keras model, recomputed from its weights.
# --------------------------------------------------------------------------------------


#: The settings the extract collects for each kind of layer (none for the others).
_SETTINGS = {
    "Dense": ("regularized",),
    "BatchNormalization": ("epsilon", "center", "scale", "axis"),
    "Dropout": ("rate", "noise_shape"),
}


def _require_layer(value: Any, path: str) -> dict[str, Any]:
    require_dict(value, path, ("kind", "activation", "weights", "settings"))
    kind = require_str(value["kind"], at(path, "kind"))
    require_str(value["activation"], at(path, "activation"))
    settings = require_dict(value["settings"], at(path, "settings"), _SETTINGS.get(kind, ()))
    if kind == "BatchNormalization":
        require_dict(settings, at(path, "settings"), ("epsilon", "center", "scale", "axis"))
        require_float(settings["epsilon"], at(at(path, "settings"), "epsilon"), finite=True)
        require_int(settings["axis"], at(at(path, "settings"), "axis"))
        for name in ("center", "scale"):
            require_bool(settings[name], at(at(path, "settings"), name))
        weights = require_dict(
            value["weights"],
            at(path, "weights"),
            ("gamma", "beta", "moving_mean", "moving_variance"),
        )
        for name, array in weights.items():
            where = at(at(path, "weights"), name)
            if array is None and name in ("gamma", "beta"):
                continue
            require_array(array, where, kinds="f", ndim=1)
            if not array.size:
                raise malformed(where, "is empty")
        return value
    weights = require_list(value["weights"], at(path, "weights"))
    for index, array in enumerate(weights):
        where = f"{at(path, 'weights')}[{index}]"
        require_array(array, where, kinds="f")
        if array.ndim not in (1, 2) or not array.size:
            raise malformed(where, f"has shape {array.shape}, which no layer's weights have")
    if kind == "Dense":
        require_bool(settings["regularized"], at(at(path, "settings"), "regularized"))
    if kind == "Dropout":
        require_bool(settings["noise_shape"], at(at(path, "settings"), "noise_shape"))
        require_float(settings["rate"], at(at(path, "settings"), "rate"), finite=True)
    return value


def _network(input_shape: list[Any], layers: list[dict[str, Any]]) -> list[tuple]:
    """The inference-mode operations of the model, once its architecture is the one asked for."""
    if input_shape != [_N_PIXELS]:
        raise Fail(
            f"`model` takes inputs of shape {tuple(input_shape)}; the exercise gives it flat "
            f"vectors of {_N_PIXELS} pixels: start it with `keras.Input(shape=({_N_PIXELS},))`."
        )
    ops: list[tuple] = []
    width = _N_PIXELS
    for layer in layers:
        kind, activation, settings = layer["kind"], layer["activation"], layer["settings"]
        if kind.startswith("other: "):
            raise Fail(
                f"`model` has a {_other(kind)} layer. The exercise asks for `Dense`, "
                "`BatchNormalization`, `Activation`/`ReLU` and `Dropout` layers only."
            )
        if activation.startswith("other: "):
            raise Fail(
                f"A layer of `model` uses the activation {_other(activation)}; the exercise asks "
                "for ReLU in the hidden layers and softmax at the output."
            )
        if activation not in ("linear", "relu", "softmax"):
            raise malformed("data['layers']", "holds an activation the extract never gives")
        if kind == "Dense":
            if settings.get("regularized") is not False:
                raise Fail(
                    "A `Dense` layer of `model` has a regularizer, which adds a penalty to the "
                    "losses that `fit` reports: this exercise uses dropout, without a "
                    "`kernel_regularizer`."
                )
            weights = layer["weights"]
            if (
                len(weights) != 2
                or weights[0].ndim != 2
                or weights[1].shape != (weights[0].shape[1],)
            ):
                raise Fail(
                    "A `Dense` layer of `model` has no bias or oddly shaped weights: use "
                    "`keras.layers.Dense(units)` with its default bias."
                )
            if weights[0].shape[0] != width:
                raise malformed("data['layers']", "holds a Dense layer whose weights do not fit")
            ops.append(("dense", weights[0].astype(float), weights[1].astype(float)))
            width = weights[0].shape[1]
        elif kind == "BatchNormalization":
            w = layer["weights"]
            if settings["axis"] not in (-1, 1):
                raise Fail("`BatchNormalization` should normalise the features: keep `axis=-1`.")
            if settings["center"] is not True or settings["scale"] is not True:
                raise Fail(
                    "Keep `center=True` and `scale=True` in `BatchNormalization`: the layer "
                    "learns its own gamma and beta."
                )
            arrays = [w[name] for name in ("gamma", "beta", "moving_mean", "moving_variance")]
            if any(a is None or a.shape != (width,) for a in arrays):
                raise malformed("data['layers']", "holds a BatchNormalization that does not fit")
            gamma, beta, mean, var = (a.astype(float) for a in arrays)
            if np.any(var < 0):
                raise malformed("data['layers']", "holds a negative moving variance")
            ops.append(("bn", gamma, beta, mean, var, settings["epsilon"]))
        elif kind == "Dropout":
            rate = settings["rate"]
            if not 0 <= rate < 1 or settings["noise_shape"] is not True:
                raise malformed("data['layers']", "holds a Dropout layer Keras never builds")
            ops.append(("dropout", rate))
        elif layer["weights"]:
            raise malformed("data['layers']", f"holds a {kind} layer with weights")
        if activation != "linear":
            ops.append((activation,))
    kinds = [op[0] for op in ops]
    dense = [i for i, kind in enumerate(kinds) if kind == "dense"]
    if len(dense) < 2:
        raise Fail(
            f"`model` has {len(dense)} `Dense` layer(s); the exercise asks for a hidden `Dense` "
            "layer and the output layer."
        )
    if kinds[-1] != "softmax" or kinds[-2] != "dense":
        raise Fail(
            "`model` should end with `Dense(10, activation='softmax')`, so that it gives "
            "probabilities."
        )
    if width != 10:
        raise Fail(f"The last `Dense` layer of `model` has {width} units; it needs one per digit.")
    hidden = kinds[: dense[-1]]
    if "bn" not in hidden:
        raise Fail(
            "`model` has no `BatchNormalization` layer between its hidden `Dense` layer and the "
            "output: the exercise asks for one (after the hidden `Dense`, before its ReLU)."
        )
    if not any(op[0] == "dropout" and op[1] > 0 for op in ops):
        raise Fail("`model` has no `Dropout` layer with a rate above 0: the exercise asks for one.")
    if "relu" not in hidden:
        raise Fail(
            "The hidden layer of `model` has no ReLU: without a non-linearity the network is a "
            "linear model. Add `Activation('relu')` after the batch normalisation."
        )
    for op in ops:
        if op[0] in ("dense", "bn") and not all(np.all(np.isfinite(a)) for a in op[1:5]):
            raise Fail(
                "The weights of `model` hold NaN or infinite numbers: training diverged. Lower "
                "the learning rate."
            )
    for op in ops:
        if op[0] == "bn" and np.allclose(op[3], 0) and np.allclose(op[4], 1):
            raise Fail(
                "The moving mean and variance of a `BatchNormalization` layer of `model` are "
                "still 0 and 1, their initial values: the layer never saw a training batch. "
                "Train `model` with `fit`."
            )
    return ops


def _logits(ops: list[tuple], X: np.ndarray) -> np.ndarray:
    """The inputs of the final softmax, computed in inference mode (float64) from the weights."""
    h = X.astype(float)
    with np.errstate(all="ignore"):
        for op in ops[:-1]:
            if op[0] == "dense":
                h = h @ op[1] + op[2]
            elif op[0] == "bn":
                _, gamma, beta, mean, var, eps = op
                h = gamma * (h - mean) / np.sqrt(var + eps) + beta
            elif op[0] == "relu":
                h = np.maximum(h, 0.0)
            elif op[0] == "softmax":  # a softmax in the middle: probabilities go on
                e = np.exp(h - h.max(axis=1, keepdims=True))
                h = e / e.sum(axis=1, keepdims=True)
            # dropout does nothing at inference
    return h


@lru_cache(maxsize=1)
def _training_rows() -> dict[bytes, int]:
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
            f"`ym_val` has shape {y_val.shape}; it should hold one label per row of `Xm_val`."
        )
    if n < _MIN_VALIDATION:
        raise Fail(
            f"`Xm_val` holds {n} images; hold out at least a tenth of the training images (a "
            "fifth is a good choice), so that the validation loss means something."
        )
    rows = _rows_in(
        X_val,
        _training_rows(),
        "`Xm_val` does not hold images of `Xm_train` as given (pixels divided by 255): "
        "take the validation rows from `Xm_train` itself, without changing them.",
    )
    if np.any(rows < 0):
        raise Fail(
            "Some rows of `Xm_val` are not images of `Xm_train`: hold the validation images out "
            "of the training images, never out of `Xm_test`."
        )
    if len(np.unique(rows)) != n:
        raise Fail("`Xm_val` holds some training images more than once: hold out each only once.")
    if not np.array_equal(y_val, m["y_train"][rows]):
        raise Fail(
            "`ym_val` does not hold the labels of the images in `Xm_val`, row for row: split "
            "images and labels together, with one `train_test_split(Xm_train, ym_train, ...)`."
        )
    return rows


@lru_cache(maxsize=1)
def _mnist_baseline() -> float:
    """Test accuracy of a nearest-centroid classifier fitted on the training images."""
    m = _mnist()
    X, y = m["X_train"].astype(float), m["y_train"]
    classes = np.unique(y)
    centroids = np.stack([X[y == c].mean(axis=0) for c in classes])
    Xt = m["X_test"].astype(float)
    distances = (Xt**2).sum(1)[:, None] - 2 * Xt @ centroids.T + (centroids**2).sum(1)[None, :]
    return float(np.mean(classes[distances.argmin(axis=1)] == m["y_test"]))


def _judge_trained_model(data: dict[str, Any]) -> None:
    """Recompute the model's outputs from its weights, on the key's own images, and judge them."""
    require_dict(
        data,
        "data",
        (
            "input_shape",
            "layers",
            "iterations",
            "optimizer",
            "learning_rate",
            "trainable",
            "steps",
            "val_loss",
            "epochs_run",
            "epochs_asked",
            "Xm_val",
            "ym_val",
        ),
    )
    input_shape = require_list(
        data["input_shape"], at("data", "input_shape"), item=require_optional(require_int)
    )
    layers = require_list(data["layers"], at("data", "layers"), item=_require_layer)
    iterations = require_int(data["iterations"], at("data", "iterations"))
    optimizer = require_str(data["optimizer"], at("data", "optimizer"))
    learning_rate = require_float(data["learning_rate"], at("data", "learning_rate"), finite=True)
    trainable = require_list(data["trainable"], at("data", "trainable"), item=require_bool)
    steps = require_int(data["steps"], at("data", "steps"))
    val_loss = require_list(data["val_loss"], at("data", "val_loss"), item=_require_finite_float)
    epochs_run = require_int(data["epochs_run"], at("data", "epochs_run"))
    epochs_asked = require_int(data["epochs_asked"], at("data", "epochs_asked"))
    X_val = require_array(data["Xm_val"], at("data", "Xm_val"), kinds="f")
    y_val = require_array(data["ym_val"], at("data", "ym_val"), kinds="iu")
    ops = _network(input_shape, layers)
    if iterations <= 0:
        raise Fail(
            "The optimiser of `model` has made no update: `model` was never trained with `fit`."
        )
    if epochs_run == 0 and not val_loss:
        raise Fail(
            "`model` was trained, but it carries no record of a `fit` (`model.history`): a "
            "model reloaded from a file (`load_model`, e.g. after `ModelCheckpoint`) has none, "
            "so the check cannot see that early stopping chose its weights. Keep the model that "
            "`fit` trained, with `EarlyStopping(restore_best_weights=True)`, not a reloaded copy."
        )
    if not val_loss or len(val_loss) != epochs_run:
        raise Fail(
            "The last `fit` of `model` has no validation loss for every epoch: pass "
            "`validation_data=(Xm_val, ym_val)` to the last `fit`, with no training after it."
        )
    if optimizer.startswith("other: "):
        raise Fail(
            f"`model` was compiled with an optimiser of class {_other(optimizer)}, which is not "
            "Keras's own `keras.optimizers.Adam` (a subclass may update anyhow); the exercise "
            "asks for Adam: `model.compile(optimizer='adam', ...)`."
        )
    if optimizer != "Adam":
        raise Fail(
            f"`model` was compiled with no optimiser the check knows ({optimizer or 'none'}); "
            "the exercise asks for Adam: `model.compile(optimizer='adam', ...)`."
        )
    if len(trainable) != len(layers) + 1:
        raise malformed("data['trainable']", "does not name the model and each of its layers")
    if not all(trainable):
        raise Fail(
            "`model` (or one of its layers) is frozen (`trainable=False`): its last `fit` did "
            "not train all of it, so early stopping did not choose its weights. Train every "
            "layer in that one `fit`, and freeze nothing."
        )
    if learning_rate < 0:
        raise Fail(
            "The learning rate of the optimiser of `model` cannot be read as a number: compile "
            "`model` with Keras's Adam, `optimizer='adam'`."
        )
    if not learning_rate >= _MIN_LEARNING_RATE:
        raise Fail(
            f"The optimiser of `model` has a learning rate of {learning_rate:.3g}: with so "
            "small a rate its last `fit` barely moved the weights, so early stopping did not "
            "choose them. Compile with Adam's default rate (`optimizer='adam'`) and train "
            "`model` in that one `fit`."
        )
    if not epochs_run < epochs_asked:
        raise Fail(
            f"The last `fit` of `model` ran all the {epochs_asked} epochs it was asked for: "
            "early stopping never stopped it. Give `fit` an `EarlyStopping` callback and more "
            "epochs than it needs (e.g. 100), so that the validation loss decides when to stop."
        )
    m = _mnist()
    rows = _validation_rows(X_val, y_val)
    n_fit = len(m["y_train"]) - len(rows)
    if steps != math.ceil(n_fit / _BATCH):
        raise Fail(
            f"The last `fit` of `model` made {steps} batches per epoch. Training on the {n_fit} "
            f"images of `Xm_train` that are not in `Xm_val`, with `batch_size={_BATCH}`, makes "
            f"one batch per {_BATCH} images (the last one smaller): train on all of them, not a "
            f"subset, with `batch_size={_BATCH}`."
        )
    if iterations < epochs_run * steps:
        raise Fail(
            f"The optimiser of `model` made {iterations} updates, fewer than the {epochs_run} "
            f"epochs of {steps} batches that its last `fit` reports: that history is not the "
            "record of how `model` was trained. Train `model` with `fit` itself."
        )
    val_exact, val_clipped = _losses(_logits(ops, m["X_train"][rows]), y_val)
    measured = [float(loss.mean()) for loss in (val_exact, val_clipped)]

    def matches(value: float) -> bool:
        return any(math.isclose(value, mv, rel_tol=_LOSS_RTOL) for mv in measured)

    y_test = m["y_test"]
    test_logits = _logits(ops, m["X_test"])
    test_exact, test_clipped = _losses(test_logits, y_test)
    on_test = _reports(val_loss, (test_exact, test_clipped), _LOSS_RTOL)
    if on_test and not any(matches(v) for v in val_loss):
        raise Fail(
            "A validation loss of the last `fit` of `model` is its loss on the test images: the "
            "test images were its validation data. Validation data must come out of `Xm_train`."
        )
    predicted = test_logits.argmax(axis=1)
    accuracy = float(np.mean(predicted == y_test))
    need = _mnist_baseline() + _MARGIN
    recalls = [float(np.mean(predicted[y_test == d] == d)) for d in np.unique(y_test)]
    if not accuracy >= need or not min(recalls) >= _MIN_RECALL:
        raise Fail(
            f"`model` classifies {accuracy:.3f} of the {len(y_test)} held-out test images "
            f"correctly (its worst digit {min(recalls):.2f}); a trained network should reach at "
            f"least {need:.3f} overall (a nearest-centroid classifier gets "
            f"{_mnist_baseline():.3f}) and half of every digit. Train on pixels divided by 255, "
            "on a stratified split of `Xm_train`."
        )
    best = int(np.argmin(val_loss))
    if not matches(val_loss[best]):
        if matches(val_loss[-1]):
            raise Fail(
                f"`model` holds the weights of its last epoch, whose validation loss "
                f"{val_loss[-1]:.4f} is not the best of the fit ({val_loss[best]:.4f}): pass "
                "`restore_best_weights=True` to `EarlyStopping`."
            )
        other = [epoch + 1 for epoch, v in enumerate(val_loss) if matches(v)]
        if other:
            raise Fail(
                f"`model` holds the weights of epoch {other[0]} of its last `fit`, whose "
                f"validation loss is not the lowest ({val_loss[best]:.4f}, epoch {best + 1}). "
                "With `min_delta` above 0, `EarlyStopping` restores the last epoch that "
                "improved by more than `min_delta`, which need not be the lowest: keep the "
                "default `min_delta=0`."
            )
        raise Fail(
            f"The loss of `model` on (`Xm_val`, `ym_val`), {measured[0]:.4f}, is no validation "
            f"loss that its last `fit` reported (the best was {val_loss[best]:.4f}): the model "
            "was validated on other data or changed after the fit. Pass "
            "`validation_data=(Xm_val, ym_val)` and `EarlyStopping(monitor='val_loss', "
            "restore_best_weights=True)` (with the default `min_delta=0`), and train nothing "
            "after that fit."
        )
    waited = epochs_run - (best + 1)
    if waited != _PATIENCE:
        raise Fail(
            f"The last `fit` of `model` ran {waited} epoch(s) after its best validation loss "
            f"(epoch {best + 1} of {epochs_run}); `EarlyStopping(patience={_PATIENCE})` stops "
            f"exactly {_PATIENCE} epochs after the best one. Use `patience={_PATIENCE}` with "
            "the default `min_delta=0`, and train nothing after that fit."
        )
    fit_rows = np.setdiff1d(np.arange(len(m["y_train"])), rows)
    fit_exact, _ = _losses(_logits(ops, m["X_train"][fit_rows]), m["y_train"][fit_rows])
    if _z(val_exact, test_exact) > _MAX_Z:
        raise Fail(
            f"`model` does far better on the test images (mean loss {test_exact.mean():.3f}) "
            f"than on its validation images ({val_exact.mean():.3f}): more than chance explains. "
            "The test images look learned: train on `Xm_train` only, never on `Xm_test`."
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
            f"{fit_exact.mean():.3f} on the images it was trained on: the test images look "
            "learned. Train on `Xm_train` (without `Xm_val`), never on `Xm_test`."
        )


KEY = {
    "16.1": {
        "reference": _init_std,
        "mistakes": [
            Mistake(
                _he_fan_out,
                "He initialisation keeps the variance of the forward signal: it divides by "
                "the number of inputs of a unit, fan_in, not by fan_out.",
            ),
            Mistake(
                _variance,
                "That is the variance; the function returns the standard deviation, its square "
                "root.",
            ),
            Mistake(
                _glorot_uniform_limit,
                "sqrt(6 / (fan_in + fan_out)) is the limit of Glorot's *uniform* distribution. "
                "The normal one has variance 2 / (fan_in + fan_out).",
            ),
            Mistake(
                _he_uniform_limit,
                "sqrt(6 / fan_in) is the limit of He's *uniform* distribution; the normal one "
                "has variance 2 / fan_in.",
            ),
            Mistake(
                _lecun,
                "Variance 1 / fan_in is LeCun's initialisation. He doubles it, because ReLU "
                "sets half of its inputs to 0.",
            ),
            Mistake(
                _glorot_mean,
                "Glorot's variance is 2 / (fan_in + fan_out): the harmonic compromise between "
                "1 / fan_in (forward) and 1 / fan_out (backward).",
            ),
        ],
    },
    "16.2": {
        "reference": _momentum_step,
        "mistakes": [
            Mistake(
                _momentum_torch,
                "That is PyTorch's convention (velocity = momentum * velocity + grad, then "
                "w - lr * velocity). The exercise asks for Keras's: velocity = momentum * "
                "velocity - lr * grad, then w + velocity.",
            ),
            Mistake(
                _momentum_no_nesterov,
                "Your function ignores `nesterov`: with Nesterov the weights move by "
                "momentum * new_velocity - lr * grad.",
            ),
            Mistake(
                _momentum_old_velocity,
                "The weights are right but the velocity you return is the old one: return the "
                "updated velocity, which the next step needs.",
            ),
            Mistake(
                _momentum_sign,
                "Your steps go uphill: the gradient points to where the loss grows, so the "
                "velocity takes `- lr * grad`.",
            ),
        ],
    },
    "16.3": {
        "reference": _adam_step,
        "mistakes": [
            Mistake(
                _adam_no_correction,
                "The bias correction is missing: divide m by (1 - beta1**t) and v by "
                "(1 - beta2**t) before the step.",
            ),
            Mistake(
                _adam_corrected_moments,
                "The weights are right, but return m and v as Adam stores them, without the "
                "bias correction (which is applied afresh at every step).",
            ),
            Mistake(
                _quiet(_adam_eps_inside),
                "Epsilon goes outside the square root: m_hat / (sqrt(v_hat) + eps).",
            ),
            Mistake(
                _adam_keras_eps,
                "That is Keras's rearrangement (epsilon added to sqrt(v), not sqrt(v_hat)). "
                "The exercise asks for the paper's Algorithm 1: m_hat / (sqrt(v_hat) + eps); "
                "the two differ when gradients are as small as epsilon.",
            ),
            Mistake(
                _adam_grad_not_squared,
                "v is the moving average of the *squared* gradient, grad ** 2.",
            ),
        ],
    },
    "16.4": {
        "reference": _warmup_cosine,
        "mistakes": [
            Mistake(
                _cosine_no_clamp,
                "After `decay_steps` steps of decay the rate must stay at its final value; "
                "without a `min(...)` the cosine climbs back up.",
            ),
            Mistake(
                _cosine_from_zero,
                "The decay starts when the warm-up ends: count its steps from `warmup_steps`, "
                "i.e. use `step - warmup_steps`.",
            ),
            Mistake(
                _cosine_no_alpha,
                "Your function ignores `alpha`: the decay ends at `alpha * peak_lr`, not 0.",
            ),
        ],
    },
    "16.5": {
        "reference": _inverted_dropout,
        "mistakes": [
            Mistake(
                _dropout_no_scaling,
                "Inverted dropout scales the kept values up by 1 / (1 - rate) while training, "
                "so that the expected output does not change.",
            ),
            Mistake(
                _dropout_scale_at_inference,
                "That is the original (non-inverted) dropout. Inverted dropout scales while "
                "training, so inference returns `x` unchanged.",
            ),
            Mistake(
                _quiet(_dropout_by_rate),
                "Divide by the probability of keeping a unit, 1 - rate, not by `rate`.",
            ),
            Mistake(
                _dropout_always,
                "At inference (`training=False`) dropout does nothing: return `x` unchanged.",
            ),
        ],
    },
    "16.6": {
        "reference": _batchnorm_forward,
        "mistakes": [
            Mistake(
                _bn_unbiased,
                "Keras normalises with the variance that divides by n (`x.var(axis=0)`), not by "
                "n - 1, and moves the moving variance towards that same value.",
            ),
            Mistake(
                _bn_momentum_swapped,
                "The moving statistics keep `momentum` of their old value and take "
                "`1 - momentum` of the batch's: they move slowly.",
            ),
            Mistake(
                _bn_batch_stats_always,
                "At inference the layer normalises with the moving mean and variance, not the "
                "statistics of the batch it is given.",
            ),
            Mistake(
                _bn_no_update,
                "In training the moving mean and variance must move towards the batch's "
                "statistics; yours stay the same.",
            ),
            Mistake(
                _quiet(_bn_eps_outside),
                "Epsilon goes inside the square root: sqrt(var + epsilon).",
            ),
            Mistake(
                _bn_std_moving,
                "At inference divide by the square root of (moving variance + epsilon).",
            ),
        ],
    },
    "16.7": {
        "reference": _early_stopping,
        "mistakes": [
            Mistake(
                _stop_zero_based,
                "Count the epochs from 1, as Keras prints them: the first epoch is epoch 1.",
            ),
            Mistake(
                _stop_ignore_min_delta,
                "An epoch counts as an improvement only when the loss falls by more than "
                "`min_delta` below the best so far.",
            ),
            Mistake(
                _stop_argmin,
                "The restored epoch is the last one that counted as an improvement (by more than "
                "`min_delta`), not simply the lowest loss.",
            ),
            Mistake(
                _stop_one_late,
                "You stop one epoch late: stop after the epoch at which `patience` epochs in a "
                "row have passed without improvement.",
            ),
            Mistake(
                _stop_last_epoch,
                "With `restore_best_weights=True` the model gets the weights of its best epoch, "
                "not of the last one trained.",
            ),
            Mistake(
                _stop_ties_improve,
                "A loss equal to the best (within `min_delta`) is not an improvement: compare with "
                "a strict `<`.",
            ),
        ],
    },
    "16.8": {"judge": _judge_trained_model},
    "16.kc1": {
        "answer": "b",
        "explanation": (
            "m and v start at 0, so after the first steps they are averages weighted towards "
            "0: after step 1, m = (1 - beta1) g. Dividing by (1 - beta1**t) undoes exactly that "
            "shrinkage, which fades as t grows."
        ),
        "feedback": {
            "a": "The factor 1 - beta**t grows towards 1 as t grows, so dividing by it cannot "
            "make the step shrink steadily: that is what a learning-rate schedule does.",
            "c": "Shrinking the weights is weight decay (or AdamW); this factor rescales the "
            "moving averages of the gradient, not the weights.",
            "d": "v averages squared gradients, so it is never negative and its square root is "
            "always defined.",
        },
    },
    "16.kc2": {
        "answer": "d",
        "explanation": (
            "At inference the layer uses the moving mean and variance gathered during "
            "training, so a prediction does not depend on the other images in its batch."
        ),
        "feedback": {
            "a": "That would be training mode. At inference (`training=False`) the layer does "
            "not use the statistics of the batch it is given.",
            "b": "The layer keeps no record of any single batch's statistics, the last one "
            "included: a prediction that depended on whichever batch came last in training "
            "would change with the order of the batches.",
            "c": "Dropout is inactive at inference, but batch normalisation is not: it still "
            "normalises, and rescales with its learned gamma and beta.",
        },
    },
    "16.kc3": {
        "answer": "a",
        "explanation": (
            "The training loss keeps falling while the validation loss turns up after its "
            "minimum: the network is fitting the training images' particulars (overfitting). "
            "Early stopping with restore_best_weights keeps the minimum."
        ),
        "feedback": {
            "b": "An underfitting model cannot bring its training loss down; here the training "
            "loss falls steadily for 30 epochs, so a lack of capacity is not what the curves "
            "show.",
            "c": "A learning rate too large makes the training loss itself stall or jump; a "
            "steadily falling training loss says the steps are fine.",
            "d": "The test set is measured once, at the end; judging models on it makes it a "
            "second validation set, and a rise over 20 epochs is a trend, not noise.",
        },
    },
    "16.kc4": {
        "answer": "c",
        "explanation": (
            "ReLU zeroes the negative half of a symmetric input, which halves the second "
            "moment E[relu(z)^2] = Var(z) / 2; doubling the weights' variance (2 / fan_in "
            "instead of 1 / fan_in) keeps the signal's scale from layer to layer."
        ),
        "feedback": {
            "a": "Averaging fan_in and fan_out is Glorot's compromise, 2 / (fan_in + fan_out); "
            "He keeps fan_in alone.",
            "b": "Biases start at 0, so they add no variance at initialisation.",
            "d": "Initialisation does not depend on dropout, and inverted dropout keeps the "
            "expected value anyway.",
        },
    },
    "16.kc5": {
        "answer": "b",
        "explanation": (
            "Inverted dropout divides the kept values by 1 - rate while training, so their "
            "expected value is already right: at inference every unit is used, unscaled."
        ),
        "feedback": {
            "a": "Averaging dropped-out predictions (Monte Carlo dropout) is a separate "
            "technique; a Keras `Dropout` layer is inactive at inference.",
            "c": "Multiplying by 1 - rate at inference is what the original, non-inverted "
            "dropout does.",
            "d": "Dividing by 0.5 at inference would double every output, away from the "
            "values the next layer was trained on.",
        },
    },
}
