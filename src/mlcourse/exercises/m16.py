"""Module 16 — Training deep networks: the declaration of the exercises (the key: mlcourse.keys.m16).

Exercises 1-7 are NumPy functions (an initialiser's standard deviation, the momentum and Adam
updates, a warm-up plus cosine schedule, inverted dropout, batch normalisation in its two
modes, the early-stopping rule), called on visible cases that the exercises notebook builds too
and on labelled hidden cases from seeded random arrays. Exercise 8 collects a trained Keras
model as plain data (its layers with their weights and batch-normalisation statistics and
whether each is trainable, its optimiser's class, learning rate and number of updates, the validation losses of its last fit, how many epochs
that fit was asked for and how many batches it made per epoch) with the validation data the learner held out; the key recomputes the
outputs from the weights, never calling the model's ``predict``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from mlcourse.checks import Case, Choice, Fail, Function
from mlcourse.exercises import Module
from mlcourse.exercises._keras import HeldOut as _HeldOut
from mlcourse.exercises._keras import activation_name as _activation_name
from mlcourse.exercises._keras import chain_layers as _chain_layers
from mlcourse.exercises._keras import float32_weights as _float32_weights
from mlcourse.exercises._keras import keras_classes as _keras_classes
from mlcourse.exercises._keras import labels as _labels
from mlcourse.exercises._keras import last_fit as _last_fit
from mlcourse.exercises._keras import layer_kind as _layer_kind
from mlcourse.exercises._keras import mnist as _mnist  # noqa: F401 - the key's data
from mlcourse.exercises._keras import optimizer_updates as _optimizer_updates
from mlcourse.exercises._keras import regularized as _regularized
from mlcourse.exercises._keras import require_keras_model as _require_keras_model

_SEED = 16  # seeds the random arrays of the hidden cases


def _rng(offset: int) -> np.random.Generator:
    return np.random.default_rng(_SEED * 100 + offset)


@lru_cache(maxsize=1)
def _demo() -> dict[str, Any]:
    """The inputs of the visible cases, built exactly as the exercises notebook builds them."""
    demo = np.random.default_rng(16)
    return {
        "w_demo": demo.normal(size=5),
        "g_demo": demo.normal(size=5),
        "v_demo": demo.normal(0.0, 0.1, size=5),
        "x_demo": demo.normal(2.0, 3.0, size=(8, 4)),
        "mask_demo": demo.random((8, 4)) >= 0.25,
        "losses_demo": [0.92, 0.61, 0.48, 0.47, 0.465, 0.49, 0.47, 0.5, 0.52],
    }


# --------------------------------------------------------------------------------------
# 16.1 init_std
# --------------------------------------------------------------------------------------


def _init_std_cases() -> list[Case]:
    return [Case(784, 128, "he"), Case(784, 128, "glorot")]


def _init_std_hidden() -> list[Case]:
    return [
        Case(300, 100, "glorot", label="Glorot with more inputs than outputs"),
        Case(50, 400, "glorot", label="Glorot with fewer inputs than outputs"),
        Case(64, 512, "he", label="He with fewer inputs than outputs"),
        Case(1000, 10, "he", label="He with many inputs and few outputs"),
        Case(1, 1, "glorot", label="one input and one output"),
        Case(10, 10, "lecun", raises=ValueError, label="a scheme that is neither he nor glorot"),
    ]


# --------------------------------------------------------------------------------------
# 16.2 momentum_step and 16.3 adam_step
# --------------------------------------------------------------------------------------


def _momentum_cases() -> list[Case]:
    d = _demo()
    return [
        Case(
            d["w_demo"],
            d["g_demo"],
            d["v_demo"],
            0.1,
            0.9,
            call="momentum_step(w_demo, g_demo, v_demo, 0.1, 0.9)",
        ),
    ]


def _momentum_hidden() -> list[Case]:
    rng = _rng(2)
    w, g, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(0, 0.2, size=(3, 4))
    w1, g1 = rng.normal(size=6), rng.normal(size=6)
    return [
        Case(w, g, v, 0.05, 0.9, label="a 2-D weight matrix"),
        Case(w1, g1, np.zeros(6), 0.1, 0.9, label="the first step, with zero velocity"),
        Case(w1, g1, rng.normal(0, 0.3, 6), 0.01, 0.0, label="momentum 0 (plain SGD)"),
        Case(w, g, v, 0.05, 0.9, nesterov=True, label="a 2-D weight matrix with Nesterov"),
        Case(
            w1, g1, rng.normal(0, 0.3, 6), 0.2, 0.5, nesterov=True, label="Nesterov, momentum 0.5"
        ),
    ]


def _adam_state(n: int, t: int, seed: int, scale: float = 1.0) -> tuple:
    """The weights, gradient and moments of a run of Adam after ``t - 1`` steps of noisy
    gradients (``m``, ``v`` as Adam leaves them), for a case at step ``t``."""
    rng = _rng(seed)
    w = rng.normal(size=n)
    m, v = np.zeros(n), np.zeros(n)
    for _ in range(t - 1):
        g = rng.normal(0.5, 1.0, size=n) * scale
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g**2
    return w, rng.normal(0.5, 1.0, size=n) * scale, m, v


def _adam_cases() -> list[Case]:
    d = _demo()
    n = len(d["w_demo"])
    return [
        Case(
            d["w_demo"],
            d["g_demo"],
            np.zeros(n),
            np.zeros(n),
            1,
            call="adam_step(w_demo, g_demo, np.zeros(5), np.zeros(5), 1)",
        ),
    ]


def _adam_hidden() -> list[Case]:
    w, g, m, v = _adam_state(4, 5, 31)
    w2, g2, m2, v2 = _adam_state(6, 40, 32)
    w3, g3, m3, v3 = _adam_state(5, 3, 33, scale=1e-7)
    w4, g4, m4, v4 = _adam_state(3, 12, 34)
    return [
        Case(w, g, m, v, 5, label="step 5 of a run"),
        Case(w2, g2, m2, v2, 40, lr=0.01, label="step 40 with a learning rate of 0.01"),
        Case(w3, g3, m3, v3, 3, label="gradients as small as epsilon"),
        Case(w4, g4, m4, v4, 12, beta1=0.5, beta2=0.9, label="other betas"),
        Case(
            w.reshape(2, 2),
            g.reshape(2, 2),
            m.reshape(2, 2),
            v.reshape(2, 2),
            5,
            label="a 2-D weight matrix",
        ),
    ]


# --------------------------------------------------------------------------------------
# 16.4 warmup_cosine
# --------------------------------------------------------------------------------------


def _schedule_cases() -> list[Case]:
    return [Case(50, 0.01, 100, 900), Case(400, 0.01, 100, 900)]


def _schedule_hidden() -> list[Case]:
    return [
        Case(0, 0.02, 50, 450, label="step 0"),
        Case(50, 0.02, 50, 450, label="the first step of the decay, right after the warm-up"),
        Case(17, 0.02, 50, 450, label="a step inside the warm-up"),
        Case(337, 0.003, 25, 600, label="a step inside the decay"),
        Case(1000, 0.02, 50, 450, label="a step after the end of the decay"),
        Case(730, 0.05, 30, 500, alpha=0.1, label="a step inside the decay, with alpha"),
        Case(900, 0.05, 30, 500, alpha=0.1, label="after the end of the decay, with alpha"),
        Case(0, 0.01, 0, 200, label="no warm-up, step 0"),
        Case(120, 0.01, 0, 200, label="no warm-up, a step inside the decay"),
    ]


# --------------------------------------------------------------------------------------
# 16.5 inverted_dropout and 16.6 batchnorm_forward
# --------------------------------------------------------------------------------------


def _dropout_cases() -> list[Case]:
    d = _demo()
    return [
        Case(
            d["x_demo"],
            d["mask_demo"],
            0.25,
            True,
            call="inverted_dropout(x_demo, mask_demo, 0.25, True)",
        )
    ]


def _dropout_hidden() -> list[Case]:
    rng = _rng(5)
    x = rng.normal(size=(6, 7))
    return [
        Case(x, rng.random((6, 7)) >= 0.5, 0.5, True, label="rate 0.5 while training"),
        Case(x, rng.random((6, 7)) >= 0.2, 0.2, False, label="inference"),
        Case(x, np.ones((6, 7), dtype=bool), 0.0, True, label="rate 0"),
        Case(
            rng.normal(size=(2, 3, 4)),
            rng.random((2, 3, 4)) >= 0.1,
            0.1,
            True,
            label="a 3-D batch while training",
        ),
    ]


def _bn_state(n: int, k: int, seed: int) -> tuple:
    rng = _rng(seed)
    x = rng.normal(rng.normal(0, 3, size=k), rng.uniform(0.5, 4, size=k), size=(n, k))
    gamma = rng.uniform(0.5, 2.0, size=k)
    beta = rng.normal(0, 1, size=k)
    moving_mean = rng.normal(0, 1, size=k)
    moving_var = rng.uniform(0.5, 3, size=k)
    return x, gamma, beta, moving_mean, moving_var


def _bn_cases() -> list[Case]:
    x = _demo()["x_demo"]
    k = x.shape[1]
    return [
        Case(
            x,
            np.ones(k),
            np.zeros(k),
            np.zeros(k),
            np.ones(k),
            True,
            call="batchnorm_forward(x_demo, np.ones(4), np.zeros(4), np.zeros(4), np.ones(4), True)",
        ),
    ]


def _bn_hidden() -> list[Case]:
    x, gamma, beta, mm, mv = _bn_state(12, 5, 61)
    x2, gamma2, beta2, mm2, mv2 = _bn_state(3, 2, 62)
    x3, gamma3, beta3, mm3, mv3 = _bn_state(10, 3, 63)
    x3[:, 1] = 0.75  # a constant feature (exact in float32): its batch variance is 0
    return [
        Case(x, gamma, beta, mm, mv, True, label="training, with learned gamma and beta"),
        Case(x, gamma, beta, mm, mv, False, label="inference"),
        Case(x2, gamma2, beta2, mm2, mv2, True, momentum=0.9, label="training, momentum 0.9"),
        Case(
            x3,
            gamma3,
            beta3,
            mm3,
            mv3,
            True,
            epsilon=1e-5,
            label="a constant feature, epsilon 1e-5",
        ),
        Case(x3, gamma3, beta3, mm3, mv3, False, epsilon=1e-5, label="inference, epsilon 1e-5"),
    ]


# --------------------------------------------------------------------------------------
# 16.7 early_stopping
# --------------------------------------------------------------------------------------


def _stopping_cases() -> list[Case]:
    return [Case(_demo()["losses_demo"], 2, call="early_stopping(losses_demo, 2)")]


def _stopping_hidden() -> list[Case]:
    rng = _rng(7)
    noisy = list(np.round(0.5 + 0.8 * np.exp(-np.arange(30) / 6) + rng.normal(0, 0.03, 30), 4))
    return [
        Case([0.9, 0.8, 0.7, 0.6, 0.5, 0.45], 3, label="a loss that improves every epoch"),
        Case([0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1], 2, label="the best epoch is the first"),
        Case([0.8, 0.6, 0.6, 0.6, 0.6, 0.6], 3, label="ties with the best loss"),
        Case([0.8, 0.6, 0.7, 0.59, 0.7, 0.71, 0.72, 0.73], 0, label="patience 0"),
        Case(
            [0.8, 0.6, 0.599, 0.598, 0.597, 0.596, 0.595, 0.594],
            2,
            min_delta=0.005,
            label="improvements smaller than min_delta",
        ),
        Case(
            [1.0, 0.7, 0.66, 0.64, 0.63, 0.66, 0.62, 0.65, 0.67, 0.7, 0.75],
            3,
            min_delta=0.02,
            label="min_delta and patience 3",
        ),
        Case(noisy, 4, label="a noisy curve of 30 epochs, patience 4"),
        Case(noisy, 8, min_delta=0.01, label="a noisy curve of 30 epochs, patience 8, min_delta"),
    ]


# --------------------------------------------------------------------------------------
# 16.8 the trained Keras model: collected as plain data, judged by the key.
# --------------------------------------------------------------------------------------

#: The Keras layer classes exercise 8 can read, by their names in ``keras.layers``. Only the
#: exact classes count: a subclass may compute anything, so it is reported as another layer.
_KERAS_LAYERS = ("Dense", "BatchNormalization", "Dropout", "Activation", "ReLU", "Softmax")


def _layer_data(layer: Any) -> dict[str, Any]:
    """A layer as plain data: kind (an exact Keras class), activation, weights and settings."""
    kind = _layer_kind(layer, _KERAS_LAYERS)
    data: dict[str, Any] = {"kind": "", "activation": "linear", "weights": [], "settings": {}}
    if kind is None:
        data["kind"] = f"other: {type(layer).__name__}"[:60]
        return data
    data["kind"] = kind
    config = layer.get_config()
    if kind in ("Dense", "Activation"):
        data["activation"] = _activation_name(layer.activation)
    elif kind == "ReLU":
        plain = config.get("max_value") is None and not config.get("negative_slope")
        data["activation"] = "relu" if plain and not config.get("threshold") else "other: ReLU"
    elif kind == "Softmax":
        data["activation"] = "softmax" if config.get("axis") in (-1, 1) else "other: Softmax"
    if kind == "Dense":
        data["weights"] = _float32_weights(layer)
        data["settings"] = {"regularized": _regularized(layer)}
    elif kind == "BatchNormalization":
        axis = config.get("axis")
        data["settings"] = {
            "epsilon": float(layer.epsilon),
            "center": bool(layer.center),
            "scale": bool(layer.scale),
            "axis": int(axis) if type(axis) is int else -99,
        }
        data["weights"] = {
            "gamma": np.array(layer.gamma.numpy(), dtype=np.float32) if layer.scale else None,
            "beta": np.array(layer.beta.numpy(), dtype=np.float32) if layer.center else None,
            "moving_mean": np.array(layer.moving_mean.numpy(), dtype=np.float32),
            "moving_variance": np.array(layer.moving_variance.numpy(), dtype=np.float32),
        }
    elif kind == "Dropout":
        data["settings"] = {
            "rate": float(layer.rate),
            "noise_shape": config.get("noise_shape") is None,
        }
    return data


def _fit_params(model: Any) -> tuple[int, int]:
    """How many epochs the model's last ``fit`` was asked for, and its batches per epoch."""
    import keras

    history = getattr(model, "history", None)
    if not isinstance(history, keras.callbacks.History):
        return 0, 0
    params = history.params
    if type(params) is not dict:
        return 0, 0
    epochs, steps = params.get("epochs"), params.get("steps")
    return (int(epochs) if type(epochs) is int else 0), (int(steps) if type(steps) is int else 0)


def _optimizer_name(optimizer: Any) -> str:
    """ "Adam" for exactly Keras's Adam class; a subclass may update anyhow, so "other: NAME"."""
    import keras

    if optimizer is None:
        return ""
    if type(optimizer) is keras.optimizers.Adam:
        return "Adam"
    return f"other: {type(optimizer).__name__}"[:60]


def _learning_rate(optimizer: Any) -> float:
    """The optimiser's learning rate now (a schedule's value at its current iteration); -1.0
    when it cannot be read as a number."""
    if optimizer is None:
        return -1.0
    try:
        rate = float(np.asarray(optimizer.learning_rate))
    except Exception:  # noqa: BLE001 - a learner's optimiser may hold anything
        return -1.0
    return rate if np.isfinite(rate) else -1.0


def _extract_trained_model(values: dict[str, Any]) -> dict[str, Any]:
    """The learner's Keras model as plain data (learner's process), never its predictions."""
    keras, model_classes = _keras_classes()
    model = values["model"]
    _require_keras_model(model, "model")
    if type(model) not in model_classes:
        raise Fail(
            f"`model` is a {type(model).__name__}, a subclass of a Keras model class, whose "
            "methods may compute anything. Build it with `keras.Sequential([...])` so that the "
            "check can read it."
        )
    if type(model) is not keras.Sequential:
        raise Fail("Build `model` with `keras.Sequential([...])`, one layer after the other.")
    if not model.built:
        raise Fail("`model` has not been built yet: train it with `model.fit(...)`.")
    shape = model.input_shape
    if type(shape) is not tuple or not all(d is None or type(d) is int for d in shape):
        raise Fail("`model` has no single input: give it one, `keras.Input(shape=(784,))`.")
    layers = _chain_layers(model, functional=False)
    optimizer = getattr(model, "optimizer", None)
    iterations = _optimizer_updates(model)
    optimizer_name = _optimizer_name(optimizer)
    val_loss, epochs_run = _last_fit(model)
    epochs_asked, steps = _fit_params(model)
    labels = _labels(values["ym_val"])
    return {
        "input_shape": [d for d in shape[1:]],
        "layers": [_layer_data(layer) for layer in layers],
        "iterations": iterations,
        "optimizer": optimizer_name,
        "learning_rate": _learning_rate(optimizer),
        "trainable": [bool(model.trainable)] + [bool(layer.trainable) for layer in layers],
        "steps": steps,
        "val_loss": val_loss,
        "epochs_run": epochs_run,
        "epochs_asked": epochs_asked,
        "Xm_val": np.asarray(values["Xm_val"], dtype=np.float32),
        "ym_val": labels,
    }


MODULE = Module(
    "16",
    "training_deep_networks",
    "Training deep networks",
    problems=(
        Function(
            "16.1",
            name="init_std",
            cases=_init_std_cases,
            hidden=_init_std_hidden,
            title="The standard deviation of Glorot and He initialisation",
            points=1,
            hints=[
                "Both schemes choose the variance of the weights so that the variance of the "
                "signal stays the same from layer to layer; you return its square root.",
                "He (for ReLU): variance 2 / fan_in. Glorot (for tanh/sigmoid): variance "
                "2 / (fan_in + fan_out). Anything else: `raise ValueError(...)`.",
                "`if scheme == 'he': return math.sqrt(2 / fan_in)`; `if scheme == 'glorot': "
                "return math.sqrt(2 / (fan_in + fan_out))`; otherwise raise.",
            ],
        ),
        Function(
            "16.2",
            name="momentum_step",
            cases=_momentum_cases,
            hidden=_momentum_hidden,
            title="One step of SGD with momentum (and Nesterov)",
            points=2,
            hints=[
                "The velocity remembers past steps: it decays by `momentum` and takes a new "
                "step of `-lr * grad`. The weights then move by the velocity.",
                "Keras's convention: `velocity = momentum * velocity - lr * grad`, then "
                "`w + velocity`. With Nesterov the weights move by "
                "`momentum * new_velocity - lr * grad` instead (a look-ahead).",
                "Build new arrays (no `+=` on the arguments) and return "
                "`(new_w, new_velocity)` as a tuple.",
            ],
        ),
        Function(
            "16.3",
            name="adam_step",
            cases=_adam_cases,
            hidden=_adam_hidden,
            title="One step of Adam with bias correction",
            points=2,
            hints=[
                "Adam keeps two moving averages: of the gradient (m, decay beta1) and of its "
                "square (v, decay beta2). Both start at 0, so early on they are too small: "
                "divide them by (1 - beta ** t).",
                "`m = beta1 * m + (1 - beta1) * grad`, `v = beta2 * v + (1 - beta2) * grad**2`, "
                "`m_hat = m / (1 - beta1**t)`, `v_hat = v / (1 - beta2**t)`.",
                "`w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)`; return "
                "`(w_new, m, v)`: the moments without the correction.",
            ],
        ),
        Function(
            "16.4",
            name="warmup_cosine",
            cases=_schedule_cases,
            hidden=_schedule_hidden,
            title="A learning-rate schedule: linear warm-up, then cosine decay",
            points=2,
            hints=[
                "Two phases: while `step < warmup_steps` the rate grows linearly from 0; after "
                "that, a cosine decay over `decay_steps` steps counted from the end of the "
                "warm-up, and then it stays at its final value.",
                "Warm-up: `peak_lr * step / warmup_steps`. Decay: with "
                "`s = min(step - warmup_steps, decay_steps)`, `cos = 0.5 * (1 + "
                "math.cos(math.pi * s / decay_steps))`.",
                "`return peak_lr * ((1 - alpha) * cos + alpha)` in the decay phase; with "
                "`warmup_steps = 0` there is no warm-up phase at all.",
            ],
        ),
        Function(
            "16.5",
            name="inverted_dropout",
            cases=_dropout_cases,
            hidden=_dropout_hidden,
            title="Inverted dropout",
            points=1,
            hints=[
                "While training, dropped units output 0 and kept ones are scaled up so that the "
                "expected output is unchanged; at inference nothing happens.",
                "The expected value of `mask` is `1 - rate`, so divide the kept values by "
                "`1 - rate`.",
                "`return x * mask / (1 - rate) if training else x.copy()`.",
            ],
        ),
        Function(
            "16.6",
            name="batchnorm_forward",
            cases=_bn_cases,
            hidden=_bn_hidden,
            title="Batch normalisation in training and inference",
            points=3,
            atol=1e-6,  # outputs are of order 1: a float32 implementation is right too
            hints=[
                "In training, each feature (column) is normalised with the mean and variance of "
                "this batch, and the moving statistics move a little towards them. At "
                "inference, the moving statistics are used and do not change.",
                "Training: `mean = x.mean(axis=0)`, `var = x.var(axis=0)` (divide by n, as "
                "Keras does); `new_mm = momentum * moving_mean + (1 - momentum) * mean`, the "
                "same for the variance.",
                "`y = gamma * (x - mu) / np.sqrt(var + epsilon) + beta` with (mu, var) the "
                "batch statistics in training and the moving ones at inference; return "
                "`(y, new_moving_mean, new_moving_var)`.",
            ],
        ),
        Function(
            "16.7",
            name="early_stopping",
            cases=_stopping_cases,
            hidden=_stopping_hidden,
            title="The early-stopping rule",
            points=2,
            hints=[
                "Walk through the losses epoch by epoch, keeping the best loss so far, its "
                "epoch, and how many epochs have passed since the last improvement.",
                "An epoch improves when `loss < best - min_delta` (the first epoch always "
                "does); then reset the count to 0. Otherwise add 1, and stop after this epoch "
                "when the count reaches `patience`.",
                "Return `(epochs_run, best_epoch)`, both counted from 1: the number of epochs "
                "trained (all of them when it never stops), and the epoch whose weights "
                "`restore_best_weights` would restore.",
            ],
        ),
        _HeldOut(
            "16.8",
            reads=("model", "Xm_val", "ym_val"),
            extract=_extract_trained_model,
            title="A network with batch normalisation, dropout and early stopping",
            points=3,
            hints=[
                "Hold out a stratified fifth of `Xm_train` for validation, build the model, "
                "compile it, fit it with an `EarlyStopping` callback and enough epochs that "
                "it stops early.",
                "`train_test_split(Xm_train, ym_train, test_size=0.2, stratify=ym_train, "
                "random_state=0)`; layers: `keras.Input(shape=(784,))`, `Dense(128)`, "
                "`BatchNormalization()`, `Activation('relu')`, `Dropout(0.3)`, "
                "`Dense(10, activation='softmax')`.",
                "`keras.callbacks.EarlyStopping(monitor='val_loss', patience=3, "
                "restore_best_weights=True)`, Adam, `epochs=100`, `batch_size=128`, "
                "`validation_data=(Xm_val, ym_val)`, `verbose=0`; nothing trains `model` "
                "after that fit.",
            ],
        ),
        Choice(
            "16.kc1",
            var="kc1",
            choices="abcd",
            title="Why Adam corrects its bias",
            hints=["What are m and v worth after the first step, when they start at 0?"],
        ),
        Choice(
            "16.kc2",
            var="kc2",
            choices="abcd",
            title="Batch normalisation at inference",
            hints=["Which statistics does the layer use when `training=False`?"],
        ),
        Choice(
            "16.kc3",
            var="kc3",
            choices="abcd",
            title="Reading learning curves",
            hints=["Look at where the two curves part, and which one goes up."],
        ),
        Choice(
            "16.kc4",
            var="kc4",
            choices="abcd",
            title="The factor 2 of He initialisation",
            hints=["What does ReLU do to half of a symmetric input's values?"],
        ),
        Choice(
            "16.kc5",
            var="kc5",
            choices="abcd",
            title="Dropout at inference",
            hints=["Inverted dropout scales while training; what is left for inference?"],
        ),
    ),
)
