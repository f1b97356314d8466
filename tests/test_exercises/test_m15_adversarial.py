"""Module 15: attempts to pass the checks without doing the task, and right work written
differently, that the solutions notebook's self-tests cannot express (forged collected data,
variants of the training recipe, several honest Keras models).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pytest

from mlcourse.checks import Answer, Choice, Function
from mlcourse.exercises import get_module
from mlcourse.exercises.m15 import _digits_split, _init_params, _mnist
from mlcourse.keys.m15 import _backward, _forward, _recipe_params

MODULE = get_module("15")
PROBLEMS = {problem.id: problem for problem in MODULE.problems}
SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions" / "15_neural_networks.ipynb"


def judge(problem_id: str, data) -> str:
    """The status of collected ``data`` handed to a Custom problem's judge."""
    return PROBLEMS[problem_id].evaluate(Answer({"data": data})).status


def outcome(problem_id: str, **namespace):
    return PROBLEMS[problem_id].check(namespace)


# --------------------------------------------------------------------------------------
# Function problems: every hidden case says what kind of input it is.
# --------------------------------------------------------------------------------------


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
# 15.9: the recipe decides; rounding does not.
# --------------------------------------------------------------------------------------


def _train(
    X,
    y,
    *,
    epochs=20,
    lr=0.1,
    batch=32,
    shuffle="permutation",
    dtype=np.float64,
    backward=_backward,
):
    params = {k: v.astype(dtype) for k, v in _init_params(64, 32, 10).items()}
    X = X.astype(dtype)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        if shuffle == "permutation":
            order = rng.permutation(len(y))
        else:  # the same draws, written with shuffle: a right answer written differently
            order = np.arange(len(y))
            rng.shuffle(order)
        for start in range(0, len(y), batch):
            index = order[start : start + batch]
            grads = backward(X[index], y[index], params, _forward(X[index], params))
            for name in params:
                params[name] = params[name] - lr * grads[name]
    return {k: v.astype(np.float64) for k, v in params.items()}


def _backward_one_hot(X, y, params, cache):
    """Another right backward pass: a one-hot matrix, float masks, np.sum."""
    dZ2 = (cache["P"] - np.eye(cache["P"].shape[1])[y]) / len(y)
    dZ1 = (dZ2 @ params["W2"].T) * (cache["Z1"] > 0).astype(float)
    return {
        "W1": X.T @ dZ1,
        "b1": np.sum(dZ1, axis=0),
        "W2": cache["H"].T @ dZ2,
        "b2": np.sum(dZ2, axis=0),
    }


def _digits():
    d = _digits_split()
    return d["X_train"], d["y_train"]


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"shuffle": "shuffle"},
        {"backward": _backward_one_hot},
        {"dtype": np.float32},  # a float32 implementation rounds differently, and still matches
    ],
    ids=["reference", "rng.shuffle", "one-hot backward", "float32"],
)
def test_the_recipe_written_differently_is_correct(variant):
    X, y = _digits()
    assert outcome("15.9", trained_params=_train(X, y, **variant)).correct


@pytest.mark.parametrize(
    "variant",
    [{"epochs": 21}, {"lr": 0.11}, {"batch": 64}, {"train_on": "train+validation"}],
    ids=["one more epoch", "another learning rate", "batches of 64", "train+validation rows"],
)
def test_a_network_trained_off_the_recipe_is_rejected(variant):
    X, y = _digits()
    if variant.pop("train_on", None):
        d = _digits_split()
        X, y = np.vstack([X, d["X_val"]]), np.concatenate([y, d["y_val"]])
    result = outcome("15.9", trained_params=_train(X, y, **variant))
    assert result.status == "incorrect"
    assert "recipe" in result.message


def test_a_diverged_or_untouched_network_gets_its_own_message():
    diverged = {k: np.full_like(v, np.nan) for k, v in _recipe_params().items()}
    assert "diverged" in outcome("15.9", trained_params=diverged).message
    untouched = outcome("15.9", trained_params=_init_params(64, 32, 10)).message
    assert "starting parameters" in untouched


def test_the_recipe_is_what_the_lesson_trains():
    """The lesson's `train` (seed 0, 20 epochs, lr 0.1, batches of 32) is the recipe itself."""
    X, y = _digits()
    assert np.allclose(_train(X, y)["W1"], _recipe_params()["W1"], rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------------
# 15.10: the model is judged from what can be read from it as plain data (its layers and
# weights, its optimiser's updates, its last fit's validation losses) and the validation
# data held out for it, recomputed by the key on the course's images; never from its
# `predict`, its class name or a number typed into it.
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras():
    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    return keras


@pytest.fixture(scope="module")
def split():
    from sklearn.model_selection import train_test_split

    m = _mnist()
    X_fit, X_val, y_fit, y_val = train_test_split(
        m["X_train"], m["y_train"], test_size=0.2, stratify=m["y_train"], random_state=0
    )
    return {
        "X_fit": X_fit,
        "X_val": X_val,
        "y_fit": y_fit,
        "y_val": y_val,
        "X_test": m["X_test"],
        "y_test": m["y_test"],
    }


def _compiled(keras, model, optimizer=None):
    model.compile(
        optimizer=optimizer or keras.optimizers.SGD(learning_rate=0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _two_layer(keras, optimizer=None):
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(100, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )
    return _compiled(keras, model, optimizer)


def _fit(model, split, epochs, validation="val", X=None, y=None, **kwargs):
    data = {
        "val": (split["X_val"], split["y_val"]),
        "test": (split["X_test"], split["y_test"]),
        None: None,
    }[validation]
    model.fit(
        split["X_fit"] if X is None else X,
        split["y_fit"] if y is None else y,
        epochs=epochs,
        batch_size=64,
        validation_data=data,
        verbose=0,
        **kwargs,
    )
    return model


def _copy(keras, model):
    """A compiled copy of ``model`` with its weights, ready to be trained further."""
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    return _compiled(keras, twin)


def check(model, split, **overrides):
    namespace = {"model": model, "Xm_val": split["X_val"], "ym_val": split["y_val"], **overrides}
    return PROBLEMS["15.10"].check(namespace)


@pytest.fixture(scope="module")
def honest(keras, split):
    """The solution's model: 15 epochs of SGD on four fifths, validated on the held-out fifth."""
    return _fit(_two_layer(keras), split, 15)


def test_the_solution_is_correct(honest, split):
    outcome = check(honest, split)
    assert outcome.correct, outcome.message


def test_honest_models_written_differently_are_correct(keras, split):
    from sklearn.model_selection import train_test_split

    layers = keras.layers
    functional_input = keras.Input(shape=(784,))
    hidden = layers.ReLU()(layers.Dense(64)(functional_input))
    functional = keras.Model(functional_input, layers.Dense(10, activation="softmax")(hidden))
    activation_layers = keras.Sequential(
        [
            keras.Input(shape=(784,)),
            layers.Dense(128),
            layers.Activation("relu"),
            layers.Dropout(0.2),
            layers.Dense(10),
            layers.Activation("softmax"),
        ]
    )
    no_input = keras.Sequential(
        [layers.Dense(100, activation="relu"), layers.Dense(10, activation="softmax")]
    )
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=1)  # keeps the last weights
    models = {
        "Activation layers, Dropout, Adam": (
            _fit(_compiled(keras, activation_layers, "adam"), split, 5),
            {},
        ),
        "functional API with a ReLU layer": (
            _fit(_compiled(keras, functional, "adam"), split, 4),
            {},
        ),
        "no Input layer, two epochs of SGD": (_fit(_compiled(keras, no_input), split, 2), {}),
        "early stopping that keeps the last weights": (
            _fit(_two_layer(keras), split, 30, callbacks=[stop]),
            {},
        ),
    }
    m = _mnist()
    X_fit, X_val, y_fit, y_val = train_test_split(
        m["X_train"], m["y_train"], test_size=0.1, stratify=m["y_train"], random_state=3
    )
    tenth = _fit(_two_layer(keras), {**split, "X_val": X_val, "y_val": y_val}, 4, X=X_fit, y=y_fit)
    models["a tenth held out, float64 pixels, labels in a list"] = (
        tenth,
        {"Xm_val": X_val.astype(np.float64), "ym_val": [int(label) for label in y_val]},
    )
    for name, (model, overrides) in models.items():
        outcome = check(model, split, **overrides)
        assert outcome.correct, (name, outcome.message)


def test_a_subclass_or_a_replaced_predict_is_not_read_as_a_trained_model(keras, split):
    """Row 1: a class named like Keras's whose predict looks the answers up, never trained."""
    m = _mnist()
    images = np.vstack([m["X_test"], m["X_train"]])
    outputs = np.vstack([_one_hot(m["y_test"], p=0.8), _one_hot(m["y_train"], p=0.9)])
    lookup = {row.tobytes(): out for row, out in zip(images, outputs, strict=True)}

    class Sequential(keras.Sequential):
        def predict(self, X, **kwargs):
            return np.stack([lookup[row.tobytes()] for row in np.asarray(X)])

    layers = [keras.Input(shape=(784,)), keras.layers.Dense(100, activation="relu")]
    impostor = _compiled(keras, Sequential([*layers, keras.layers.Dense(10, activation="softmax")]))
    outcome = check(impostor, split)
    assert outcome.status == "incorrect" and "subclass" in outcome.message

    plain = _two_layer(keras)
    plain.predict = lambda X, **kwargs: impostor.predict(X)
    outcome = check(plain, split)
    assert outcome.status == "incorrect" and "no update" in outcome.message


def test_early_stopping_on_the_test_images_is_rejected(keras, honest, split):
    """Row 2: the test images as validation data, with the best epoch's weights restored."""
    stop = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=2, restore_best_weights=True
    )
    model = _fit(_copy(keras, honest), split, 8, validation="test", callbacks=[stop])
    outcome = check(model, split)
    assert outcome.status == "incorrect" and "validation data" in outcome.message


def test_a_last_fit_without_validation_data_is_rejected(keras, honest, split):
    """Row 3: validated on the test images, then one more epoch without validation data;
    the same with `model.history = None`; and no validation data at all."""
    model = _fit(_copy(keras, honest), split, 1, validation="test")
    _fit(model, split, 1, validation=None)
    outcome = check(model, split)
    assert outcome.status == "incorrect" and "no validation loss" in outcome.message
    model.history = None
    assert check(model, split).status == "incorrect"
    never_validated = _fit(_two_layer(keras), split, 3, validation=None)
    assert check(never_validated, split).status == "incorrect"


def test_validating_on_most_of_the_test_images_is_rejected(keras, honest, split):
    """Row 7: the test images but one as validation data."""
    model = _copy(keras, honest)
    model.fit(
        split["X_fit"],
        split["y_fit"],
        epochs=1,
        batch_size=64,
        validation_data=(split["X_test"][:-1], split["y_test"][:-1]),
        verbose=0,
    )
    assert check(model, split).status == "incorrect"


def test_weights_from_elsewhere_without_training_are_rejected(keras, split):
    """Row 8: scikit-learn's MLPClassifier trained, its weights set into a Keras model."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    with pytest.warns(ConvergenceWarning):
        mlp = MLPClassifier(hidden_layer_sizes=(100,), max_iter=15, random_state=0)
        mlp.fit(split["X_fit"], split["y_fit"])
    model = _two_layer(keras)
    model.set_weights([mlp.coefs_[0], mlp.intercepts_[0], mlp.coefs_[1], mlp.intercepts_[1]])
    outcome = check(model, split)
    assert outcome.status == "incorrect" and "never trained" in outcome.message


def test_a_model_trained_on_the_test_images_then_on_the_training_images_is_rejected(keras, split):
    """Row 4, blatant: 15 epochs on the training and test images, then one on training only."""
    model = _two_layer(keras)
    X = np.vstack([split["X_fit"], split["X_test"]])
    y = np.concatenate([split["y_fit"], split["y_test"]])
    model.fit(X, y, epochs=15, batch_size=64, verbose=0)
    _fit(model, split, 1)
    outcome = check(model, split)
    assert outcome.status == "incorrect" and "Xm_test" in outcome.message


@pytest.mark.xfail(
    reason="Row 4, subtle: 10 epochs on training and test images, then 3 on training only, "
    "leaves the test loss 2.3 to 3.8 standard errors below the validation loss (measured over "
    "six splits), within reach of chance at the threshold the check can afford (3.5). Only "
    "images the learner never gets can catch it, and the course's MNIST data has none.",
    strict=False,
)
def test_a_model_trained_on_the_test_images_a_while_ago_is_rejected(keras, split):
    model = _two_layer(keras)
    X = np.vstack([split["X_fit"], split["X_test"]])
    y = np.concatenate([split["y_fit"], split["y_test"]])
    model.fit(X, y, epochs=10, batch_size=64, verbose=0)
    _fit(model, split, 3)
    assert check(model, split).status == "incorrect"


def test_validation_images_trained_on_are_rejected(keras, split):
    """Validation data not held out: trained on all of Xm_train, Xm_val included."""
    m = _mnist()
    model = _fit(_two_layer(keras), split, 15, X=m["X_train"], y=m["y_train"])
    outcome = check(model, split)
    assert outcome.status == "incorrect" and "validation images look learned" in outcome.message


def test_images_as_28_by_28_get_a_clear_message(keras, split):
    """Row 14: a model for 28x28 images with Flatten; the prompt asks for flat inputs."""
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(100, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    _compiled(keras, model).fit(
        split["X_fit"].reshape(-1, 28, 28), split["y_fit"], epochs=2, batch_size=64, verbose=0
    )
    outcome = check(model, split)
    assert outcome.status == "incorrect" and "(28, 28)" in outcome.message
    assert "784" in outcome.message


def test_the_validation_split_trap_names_the_missing_digit(keras, split):
    m = _mnist()
    trap = _two_layer(keras)
    trap.fit(m["X_train"], m["y_train"], epochs=3, batch_size=64, validation_split=0.1, verbose=0)
    outcome = check(trap, split)
    assert outcome.status == "incorrect" and "digit 9" in outcome.message


def _one_hot(y, k=10, p=1.0):
    out = np.full((len(y), k), (1.0 - p) / (k - 1))
    out[np.arange(len(y)), y] = p
    return out


@pytest.fixture(scope="module")
def collected(honest, split):
    answer = PROBLEMS["15.10"].collect(
        {"model": honest, "Xm_val": split["X_val"], "ym_val": split["y_val"]}
    )
    assert answer.error is None and answer.missing is None
    return answer.values["data"]


def _with(data, **changes):
    return {**copy.deepcopy(data), **changes}


def test_forged_data_is_rejected(collected, split):
    data = collected
    assert judge("15.10", copy.deepcopy(data)) == "correct"
    layers = data["layers"]
    first, second = layers
    W1, b1 = first["weights"]
    m = _mnist()
    forged = {
        "the validation losses reversed": _with(data, val_loss=data["val_loss"][::-1]),
        "one more validation loss": _with(data, val_loss=[*data["val_loss"], data["val_loss"][-1]]),
        "a typed last validation loss": _with(data, val_loss=[*data["val_loss"][:-1], 0.2]),
        "no updates": _with(data, iterations=0),
        "the first layer's weights zeroed": _with(
            data, layers=[{**first, "weights": [np.zeros_like(W1), b1]}, second]
        ),
        "a Lambda layer": _with(
            data, layers=[{"kind": "other: Lambda", "activation": "", "weights": []}, *layers]
        ),
        "the layers swapped": _with(data, layers=[second, first]),
        "test images as validation images": _with(
            data, Xm_val=m["X_test"][:800].copy(), ym_val=m["y_test"][:800].copy()
        ),
        "300 validation images": _with(
            data, Xm_val=data["Xm_val"][:300].copy(), ym_val=data["ym_val"][:300].copy()
        ),
        "validation labels shuffled": _with(data, ym_val=np.roll(data["ym_val"], 1)),
        "a validation image twice": _with(
            data,
            Xm_val=np.vstack([data["Xm_val"][:-1], data["Xm_val"][:1]]),
            ym_val=np.concatenate([data["ym_val"][:-1], data["ym_val"][:1]]),
        ),
        "28x28 inputs": _with(data, input_shape=[28, 28]),
    }
    for name, forgery in forged.items():
        assert judge("15.10", forgery) == "incorrect", name


def test_the_claimed_layers_do_not_rescue_logits_or_a_linear_model(collected):
    first, second = collected["layers"]
    for layers in (
        [second],  # softmax regression
        [{**first, "activation": "linear"}, second],
        [{**first, "activation": "other: sigmoid"}, second],
        [first, {**second, "activation": "linear"}],  # logits
        [first, {"kind": "Dropout", "activation": "linear", "weights": []}, second],
    ):
        outcome = PROBLEMS["15.10"].evaluate(
            Answer({"data": _with(collected, layers=copy.deepcopy(layers))})
        )
        if layers[1:2] and layers[1]["kind"] == "Dropout":
            assert outcome.correct, outcome.message  # Dropout between the layers is allowed
        else:
            assert outcome.status == "incorrect", layers


# --------------------------------------------------------------------------------------
# Knowledge check: the right option cannot be spotted by its length.
# --------------------------------------------------------------------------------------


def _options() -> dict[str, dict[str, str]]:
    cells = json.loads(SOLUTIONS.read_text())["cells"]
    found = {}
    for cell in cells:
        text = "".join(cell["source"])
        match = re.match(r"\*\*Question (\d+)\.\*\*", text)
        if cell["cell_type"] == "markdown" and match:
            options = dict(re.findall(r"^([a-d])\) (.+?)\s*$", text, flags=re.M))
            if options:
                found[f"15.kc{match.group(1)}"] = options
    return found


def _shown_length(text: str) -> int:
    """The length of an option as it reads: a LaTeX command counts as one character."""
    return len(re.sub(r"[$^{}`]", "", re.sub(r"\\[a-zA-Z]+", "x", text)))


def test_the_right_option_is_not_the_longest_by_far():
    options = _options()
    choices = [p for p in MODULE.problems if isinstance(p, Choice)]
    assert {p.id for p in choices} == set(options)
    for problem in choices:
        lengths = {letter: _shown_length(text) for letter, text in options[problem.id].items()}
        right = max(lengths[letter] for letter in problem.answer)
        wrong = max(n for letter, n in lengths.items() if letter not in problem.answer)
        assert right <= 1.15 * wrong, (problem.id, lengths)
