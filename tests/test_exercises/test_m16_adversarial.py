"""Module 16: what the solutions notebook's self-tests cannot express: the references agree
with Keras itself (so the NumPy exercises teach what the library computes), every hidden case
is labelled, and forged variants of exercise 8's collected data are rejected.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mlcourse.checks import Answer, Function
from mlcourse.exercises import get_module
from mlcourse.keys.m16 import (
    _adam_keras_eps,
    _batchnorm_forward,
    _early_stopping,
    _init_std,
    _momentum_step,
    _warmup_cosine,
)

MODULE = get_module("16")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}


def judge(problem_id: str, data) -> str:
    """The status of collected ``data`` handed to a Custom problem's judge."""
    return PROBLEMS[problem_id].evaluate(Answer({"data": data})).status


def cases(problem_id: str):
    return [case for _, case in PROBLEMS[problem_id].cases()]


@pytest.mark.parametrize(
    "problem", [p for p in MODULE.problems if isinstance(p, Function)], ids=lambda p: p.id
)
def test_every_hidden_case_has_a_label_and_long_visible_inputs_a_name(problem):
    for hidden, case in problem.cases():
        if hidden:
            assert case.label, f"{problem.id}: a hidden case without a label"
        elif any(isinstance(a, np.ndarray) and a.size > 12 for a in case.args):
            assert case.call and "_demo" in case.call, f"{problem.id}: an unnamed long input"


# --------------------------------------------------------------------------------------
# The references are what Keras computes.
# --------------------------------------------------------------------------------------


def test_init_std_is_the_std_of_keras_initialisers():
    keras = pytest.importorskip("keras")
    for fan_in, fan_out in [(300, 100), (50, 400)]:
        he = np.asarray(keras.initializers.HeNormal(seed=0)((fan_in, fan_out)))
        glorot = np.asarray(keras.initializers.GlorotNormal(seed=0)((fan_in, fan_out)))
        assert he.std() == pytest.approx(_init_std(fan_in, fan_out, "he"), rel=0.02)
        assert glorot.std() == pytest.approx(_init_std(fan_in, fan_out, "glorot"), rel=0.02)


def test_warmup_cosine_is_keras_cosine_decay_on_every_case():
    keras = pytest.importorskip("keras")
    for case in cases("16.4"):
        step, peak, warm, decay = case.args
        alpha = case.kwargs.get("alpha", 0.0)
        schedule = keras.optimizers.schedules.CosineDecay(
            0.0, decay, alpha=alpha, warmup_target=peak, warmup_steps=warm
        )
        assert float(schedule(step)) == pytest.approx(
            _warmup_cosine(step, peak, warm, decay, alpha), rel=1e-5, abs=1e-9
        )


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_step_is_keras_sgd(nesterov):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    w0, g1, g2 = (rng.normal(size=4).astype("float32") for _ in range(3))
    variable = keras.Variable(w0.copy())
    optimizer = keras.optimizers.SGD(0.1, momentum=0.9, nesterov=nesterov)
    w, v = w0.astype(float), np.zeros(4)
    for g in (g1, g2):
        optimizer.apply_gradients([(g, variable)])
        w, v = _momentum_step(w, g.astype(float), v, 0.1, 0.9, nesterov)
    np.testing.assert_allclose(np.asarray(variable), w, rtol=1e-5, atol=1e-6)


def test_keras_adam_is_the_epsilon_hat_variant_that_the_key_names_as_a_mistake():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    w0, g1, g2 = (rng.normal(size=4).astype("float32") for _ in range(3))
    variable = keras.Variable(w0.copy())
    optimizer = keras.optimizers.Adam(0.001)
    w, m, v = w0.astype(float), np.zeros(4), np.zeros(4)
    for t, g in enumerate((g1, g2), start=1):
        optimizer.apply_gradients([(g, variable)])
        w, m, v = _adam_keras_eps(w, g.astype(float), m, v, t)
    np.testing.assert_allclose(np.asarray(variable), w, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_forward_is_keras_batch_normalization(training):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(2)
    x = rng.normal(2.0, 3.0, size=(16, 3)).astype("float32")
    layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer.build((None, 3))
    gamma, beta = rng.uniform(0.5, 2, 3), rng.normal(size=3)
    mm, mv = rng.normal(size=3), rng.uniform(0.5, 2, 3)
    layer.set_weights([w.astype("float32") for w in (gamma, beta, mm, mv)])
    y = np.asarray(layer(x, training=training))
    ry, rmm, rmv = _batchnorm_forward(x.astype(float), gamma, beta, mm, mv, training, 0.9, 1e-3)
    np.testing.assert_allclose(y, ry, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(np.asarray(layer.moving_mean), rmm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layer.moving_variance), rmv, rtol=1e-5, atol=1e-6)


def test_early_stopping_is_keras_early_stopping_on_every_case():
    keras = pytest.importorskip("keras")
    for case in cases("16.7"):
        losses, patience = case.args
        min_delta = case.kwargs.get("min_delta", 0.0)
        callback = keras.callbacks.EarlyStopping(patience=patience, min_delta=min_delta)
        model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
        model.stop_training = False
        callback.set_model(model)
        callback.on_train_begin()
        run = 0
        for epoch, loss in enumerate(losses):
            callback.on_epoch_end(epoch, {"val_loss": loss})
            run = epoch + 1
            if model.stop_training:
                break
        assert (run, callback.best_epoch + 1) == _early_stopping(losses, patience, min_delta)


# --------------------------------------------------------------------------------------
# 16.8: forged variants of right work's collected data (one trained model, module scope).
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def right():
    pytest.importorskip("keras")
    from .forged_m16 import RIGHT

    return RIGHT["16.8"]()


def _bn(data):
    return next(layer for layer in data["layers"] if layer["kind"] == "BatchNormalization")


def test_right_work_passes(right):
    assert judge("16.8", right) == "correct"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda d: d.update(epochs_asked=d["epochs_run"]), id="ran-every-epoch"),
        pytest.param(lambda d: d.update(iterations=0), id="never-updated"),
        pytest.param(
            lambda d: d["val_loss"].__setitem__(-1, min(d["val_loss"]) - 0.05),
            id="last-epoch-best-not-restored",
        ),
        pytest.param(
            lambda d: d.update(val_loss=[v * 1.01 for v in d["val_loss"]]), id="other-val-data"
        ),
        pytest.param(
            lambda d: _bn(d)["weights"].update(
                moving_mean=np.zeros_like(_bn(d)["weights"]["moving_mean"]),
                moving_variance=np.ones_like(_bn(d)["weights"]["moving_variance"]),
            ),
            id="moving-statistics-never-updated",
        ),
        pytest.param(
            lambda d: d.update(
                layers=[layer for layer in d["layers"] if layer["kind"] != "BatchNormalization"]
            ),
            id="no-batch-norm",
        ),
        pytest.param(
            lambda d: d.update(
                layers=[layer for layer in d["layers"] if layer["kind"] != "Dropout"]
            ),
            id="no-dropout",
        ),
        pytest.param(
            lambda d: d["layers"][0]["settings"].update(regularized=True), id="regularizer"
        ),
        pytest.param(
            lambda d: d.update(Xm_val=d["Xm_val"][:300], ym_val=d["ym_val"][:300]), id="tiny-val"
        ),
        pytest.param(lambda d: d.update(input_shape=[28, 28]), id="image-input"),
        pytest.param(
            lambda d: d["layers"].insert(
                0, {"kind": "other: Lambda", "activation": "linear", "weights": [], "settings": {}}
            ),
            id="lambda-layer",
        ),
    ],
)
def test_forged_variants_are_incorrect(right, forge):
    data = copy.deepcopy(right)
    forge(data)
    assert judge("16.8", data) == "incorrect"


def test_the_test_images_as_validation_data_are_incorrect(right):
    from mlcourse.exercises.m16 import _mnist

    m = _mnist()
    data = copy.deepcopy(right)
    data.update(Xm_val=m["X_test"], ym_val=m["y_test"])
    assert judge("16.8", data) == "incorrect"


def test_batch_norm_statistics_are_used_by_the_key(right):
    # Scaling a moving variance changes the recomputed loss: the key reads those statistics.
    data = copy.deepcopy(right)
    _bn(data)["weights"]["moving_variance"] = _bn(data)["weights"]["moving_variance"] * 4
    assert judge("16.8", data) == "incorrect"


# --------------------------------------------------------------------------------------
# 16.8: the rows of the module's adversarial review, each rejected for its own reason.
# --------------------------------------------------------------------------------------


def outcome(data):
    return PROBLEMS["16.8"].evaluate(Answer({"data": data}))


def collected_from(model):
    from .forged_m16 import _collected, trained

    _, X_val, y_val = trained()
    return _collected("16.8", model=model, Xm_val=X_val, ym_val=y_val)


def test_row1_few_rows_sgd_and_patience_1_is_incorrect(right):
    from .forged_m16 import trained

    model, _, _ = trained(rows=1200, sgd=True, patience=1)
    assert outcome(collected_from(model)).status == "incorrect"


@pytest.mark.parametrize(
    ("forge", "says"),
    [
        pytest.param(lambda d: d.update(optimizer="other: SGD"), "Adam", id="sgd"),
        pytest.param(lambda d: d.update(steps=10), "batches per epoch", id="a-subset-of-rows"),
        pytest.param(lambda d: d.update(steps=50), "batches per epoch", id="batch-size-64"),
        pytest.param(
            lambda d: d.update(val_loss=d["val_loss"][:-2], epochs_run=d["epochs_run"] - 2),
            "patience",
            id="patience-1",
        ),
        pytest.param(
            lambda d: d.update(
                val_loss=d["val_loss"] + [9.0],
                epochs_run=d["epochs_run"] + 1,
                iterations=d["iterations"] + d["steps"],
            ),
            "patience",
            id="patience-4",
        ),
        pytest.param(lambda d: d.update(iterations=30), "fewer", id="history-not-the-training"),
    ],
)
def test_row1_each_departure_from_the_recipe_is_named(right, forge, says):
    data = copy.deepcopy(right)
    forge(data)
    result = outcome(data)
    assert result.status == "incorrect" and says in result.message, result.message


def test_row2_one_more_epoch_without_early_stopping_is_incorrect(right):
    from .forged_m16 import one_more_epoch

    result = outcome(collected_from(one_more_epoch()))
    assert result.status == "incorrect" and "patience" in result.message, result.message


def test_row3_a_hand_made_history_without_fit_is_incorrect(right):
    from .forged_m16 import never_fitted

    data = collected_from(never_fitted())
    assert outcome(data).status == "incorrect"
    data.update(steps=25)  # even with the right number of batches forged into it
    result = outcome(data)
    assert result.status == "incorrect" and "fewer" in result.message, result.message


def test_row4_a_reloaded_checkpoint_is_told_to_keep_the_fitted_model(right):
    from .forged_m16 import reloaded

    result = outcome(collected_from(reloaded()))
    assert result.status == "incorrect" and "reloaded" in result.message, result.message


def test_row5_min_delta_restoring_an_epoch_that_is_not_the_lowest_is_named(right):
    from .forged_m16 import _min_delta_restored

    result = outcome(_min_delta_restored(right))
    assert result.status == "incorrect" and "min_delta" in result.message, result.message


# --------------------------------------------------------------------------------------
# 16.8: second review, row 1: a "laundering" fit that cannot move the weights.
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "says"),
    [("lr0", "learning rate"), ("frozen", "frozen"), ("fake-adam", "not Keras's own")],
)
def test_review2_row1_a_laundering_fit_after_other_training_is_incorrect(right, how, says):
    from .forged_m16 import laundered

    result = outcome(collected_from(laundered(how)))
    assert result.status == "incorrect" and says in result.message, result.message


def test_review2_row1_the_recipe_reports_adam_its_rate_and_every_layer_trainable(right):
    assert right["optimizer"] == "Adam"
    assert right["learning_rate"] == pytest.approx(0.001)
    assert all(right["trainable"]) and len(right["trainable"]) == len(right["layers"]) + 1
    assert judge("16.8", right) == "correct"


@pytest.mark.parametrize(
    ("forge", "says"),
    [
        pytest.param(lambda d: d.update(learning_rate=0.0), "learning rate", id="rate-0"),
        pytest.param(lambda d: d.update(learning_rate=5e-6), "learning rate", id="rate-tiny"),
        pytest.param(lambda d: d["trainable"].__setitem__(2, False), "frozen", id="one-frozen"),
        pytest.param(lambda d: d.update(optimizer="other: Adam"), "Adam", id="adam-subclass"),
    ],
)
def test_review2_row1_forged_rate_frozen_layer_or_subclass_is_named(right, forge, says):
    data = copy.deepcopy(right)
    forge(data)
    result = outcome(data)
    assert result.status == "incorrect" and says in result.message, result.message


def test_review2_row1_an_honest_schedule_or_smaller_rate_is_accepted(right):
    data = copy.deepcopy(right)
    data.update(learning_rate=2e-4)  # e.g. a decaying schedule's value at its iteration
    assert judge("16.8", data) == "correct"


# --------------------------------------------------------------------------------------
# 16.6: second review, row 3: float32 arithmetic (and Keras's own layer) is right work.
# --------------------------------------------------------------------------------------


def _bn_float32(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    args = [np.asarray(a, dtype=np.float32) for a in (x, gamma, beta, moving_mean, moving_var)]
    y, mm, mv = _batchnorm_forward(*args, training, np.float32(momentum), np.float32(epsilon))
    return y, mm, mv


def _bn_keras(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99, epsilon=1e-3):
    import keras

    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    layer.build((None, x.shape[1]))
    layer.set_weights(
        [np.asarray(a, dtype="float32") for a in (gamma, beta, moving_mean, moving_var)]
    )
    y = np.asarray(layer(np.asarray(x, dtype="float32"), training=training))
    return y, np.asarray(layer.moving_mean), np.asarray(layer.moving_variance)


def test_review2_row3_batchnorm_in_float32_is_correct():
    problem = PROBLEMS["16.6"]
    result = problem.evaluate(problem.collect({"batchnorm_forward": _bn_float32}))
    assert result.status == "correct", result.message


def test_review2_row3_keras_batch_normalization_is_within_the_tolerance():
    # Keras's fused float32 arithmetic is within atol 1e-6 on every case but the constant
    # feature with epsilon 1e-5, where x * inv - mean * inv cancels (inv ~ 300 * gamma).
    pytest.importorskip("keras")
    options = PROBLEMS["16.6"].options
    for _, case in PROBLEMS["16.6"].cases():
        # the constant feature is the one known gap, and it stays below 1e-5
        atol = 1e-5 if "constant" in (case.label or "") else options["atol"]
        got = _bn_keras(*case.args, **case.kwargs)
        for a, b in zip(got, _batchnorm_forward(*case.args, **case.kwargs), strict=True):
            np.testing.assert_allclose(a, b, rtol=options["rtol"], atol=atol)
