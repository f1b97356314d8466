"""``digits04_cnn``: a small CNN trained by the course on handwritten digits 0-4.

The recipe is here in full, so that the shipped weights can be rebuilt and checked
(``mlcourse models build digits04_cnn``): the architecture, the training data (the mnist_5k
*training* split, digits 0-4 only), the optimiser, the epochs and the seed. The test split's
digits 0-4 are used once, to report the backbone's accuracy on its own task; digits 5-9 are
never seen, which is what makes them a transfer task.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NAME = "digits04_cnn"
CLASSES = (0, 1, 2, 3, 4)
SEED = 0
EPOCHS = 12
BATCH_SIZE = 64
LEARNING_RATE = 1e-3


def build(*, include_top: bool = True) -> Any:
    """The architecture, untrained: ``keras.Sequential`` with fixed layer names.

    Parameters
    ----------
    include_top : bool
        With ``False`` the model ends at the 128-unit ``features`` layer, without the 5-way
        ``predictions`` classifier (as ``keras.applications`` models do with the same flag).

    Returns
    -------
    keras.Sequential
        Input: a batch of 28x28x1 images with pixels in [0, 1].
    """
    import keras

    layers = [
        keras.Input(shape=(28, 28, 1), name="image"),
        keras.layers.Conv2D(32, 3, activation="relu", name="block1_conv"),
        keras.layers.MaxPooling2D(name="block1_pool"),
        keras.layers.Conv2D(64, 3, activation="relu", name="block2_conv"),
        keras.layers.MaxPooling2D(name="block2_pool"),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dropout(0.25, name="dropout"),
        keras.layers.Dense(128, activation="relu", name="features"),
    ]
    if include_top:
        layers.append(keras.layers.Dense(len(CLASSES), activation="softmax", name="predictions"))
    return keras.Sequential(layers, name=NAME if include_top else f"{NAME}_features")


def data(split: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 28, 28, 1) float32 in [0, 1] and labels 0-4 of a split of mnist_5k, digits 0-4."""
    from mlcourse.datasets import load_mnist_5k

    mnist = load_mnist_5k()
    X = mnist.X_train if split == "train" else mnist.X_test
    y = mnist.y_train if split == "train" else mnist.y_test
    keep = np.isin(y, CLASSES)
    images = (X[keep].astype("float32") / 255).reshape(-1, 28, 28, 1)
    return images, y[keep].astype("int64")


def train(*, seed: int = SEED, epochs: int = EPOCHS, verbose: int = 0) -> Any:
    """Train the backbone by the recipe: deterministic on a given machine and library version.

    Returns
    -------
    keras.Sequential
        The trained model, with its 5-way classifier.
    """
    import os

    from mlcourse._setup import QUIET_TF_ENV

    for key, value in QUIET_TF_ENV.items():  # as in the notebooks: oneDNN off, logs quiet
        os.environ.setdefault(key, value)
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    X, y = data("train")
    model = build()
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.fit(X, y, epochs=epochs, batch_size=BATCH_SIZE, shuffle=True, verbose=verbose)
    return model


def test_accuracy(model: Any) -> float:
    """Accuracy of a 5-way model on the test split's digits 0-4."""
    X, y = data("test")
    probs = np.asarray(model.predict(X, batch_size=256, verbose=0))
    return float(np.mean(probs.argmax(axis=1) == y))
