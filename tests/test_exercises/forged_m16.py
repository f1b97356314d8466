"""Module 16's custom judge (16.8, the network with batch normalisation, dropout and early
stopping): the data the real extract collects from right work and from plausible wrong work,
for ``test_forged_extracts.py``'s ``RIGHT`` and ``WRONG`` (its forged-data battery).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _split():
    from sklearn.model_selection import train_test_split

    from mlcourse.exercises.m16 import _mnist

    m = _mnist()
    return train_test_split(
        m["X_train"], m["y_train"], test_size=0.2, stratify=m["y_train"], random_state=0
    )


def _model(batch_norm: bool = True, dropout: float = 0.3, optimizer: Any = "adam"):
    import keras

    keras.utils.set_random_seed(0)
    layers = [keras.Input(shape=(784,)), keras.layers.Dense(128)]
    if batch_norm:
        layers.append(keras.layers.BatchNormalization())
    layers.append(keras.layers.Activation("relu"))
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return model


_CHECKPOINTS: dict[str, Any] = {}


@cache
def trained(
    early_stopping: bool = True,
    restore: bool = True,
    epochs: int = 100,
    rows: int | None = None,
    sgd: bool = False,
    patience: int = 3,
    min_delta: float = 0.0,
):
    """The solution's recipe (or one varied in one respect): model, Xm_val, ym_val. The
    recipe itself also saves its best epoch with ModelCheckpoint (see ``reloaded``)."""
    import tempfile
    from pathlib import Path

    import keras

    X_fit, X_val, y_fit, y_val = _split()
    optimizer = keras.optimizers.SGD(0.05, momentum=0.9) if sgd else "adam"
    model = _model(optimizer=optimizer)
    callbacks = (
        [
            keras.callbacks.EarlyStopping(
                patience=patience, min_delta=min_delta, restore_best_weights=restore
            )
        ]
        if early_stopping
        else []
    )
    recipe = early_stopping and restore and epochs == 100 and rows is None and not sgd
    if recipe and patience == 3 and not min_delta:
        path = Path(tempfile.mkdtemp()) / "best.keras"
        callbacks.append(keras.callbacks.ModelCheckpoint(path, save_best_only=True))
        _CHECKPOINTS["best"] = path
    model.fit(
        X_fit[:rows],
        y_fit[:rows],
        epochs=epochs,
        batch_size=128,
        validation_data=(X_val, y_val),
        callbacks=callbacks,
        verbose=0,
    )
    return model, X_val, y_val


def reloaded():
    """Review row 4: the recipe's best epoch saved by ModelCheckpoint and reloaded."""
    import keras

    trained()
    return keras.models.load_model(_CHECKPOINTS["best"])


def one_more_epoch():
    """Review row 2: the recipe's weights, one more epoch of fit with validation data and no
    early stopping, the history's epochs forged to 100."""
    model, X_val, y_val = trained()
    X_fit, _, y_fit, _ = _split()
    again = _model()
    again.set_weights(model.get_weights())
    again.fit(X_fit, y_fit, epochs=1, batch_size=128, validation_data=(X_val, y_val), verbose=0)
    again.history.params["epochs"] = 100
    return again


def never_fitted():
    """Review row 3: no fit at all: the recipe's weights, an optimiser built with 30 updates
    and a hand-made history whose best epoch is the third of five."""
    import keras

    model, X_val, y_val = trained()
    copy = _model()
    copy.set_weights(model.get_weights())
    copy.optimizer.build(copy.trainable_variables)
    copy.optimizer.iterations.assign(30)
    v = float(copy.evaluate(X_val, y_val, verbose=0))
    history = keras.callbacks.History()
    history.history = {"val_loss": [v + 0.3, v + 0.1, v, v + 0.01, v + 0.02, v + 0.03]}
    history.epoch = list(range(6))
    history.params = {"epochs": 100}
    copy.history = history
    return copy


def laundered(how: str):
    """Review 2, row 1: a model trained any way (here plain SGD without early stopping), then
    one more fit with EarlyStopping(patience=3, restore_best_weights=True) that cannot move the
    weights: ``how`` is "lr0" (recompiled with Adam(learning_rate=0.0)), "frozen" (every layer
    but the output frozen) or "fake-adam" (a subclass of SGD named Adam)."""
    import keras

    X_fit, X_val, y_fit, y_val = _split()
    model = _model(optimizer=keras.optimizers.SGD(0.05, momentum=0.9))
    model.fit(X_fit, y_fit, epochs=3, batch_size=128, verbose=0)
    if how == "frozen":
        for layer in model.layers[:-1]:  # only the output layer still learns
            layer.trainable = False
        optimizer: Any = "adam"
    elif how == "fake-adam":

        class Adam(keras.optimizers.SGD):
            pass

        optimizer = Adam(0.0)
    else:
        optimizer = keras.optimizers.Adam(learning_rate=0.0)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    model.fit(
        X_fit,
        y_fit,
        epochs=100,
        batch_size=128,
        validation_data=(X_val, y_val),
        callbacks=[keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)],
        verbose=0,
    )
    return model


def _right() -> Any:
    model, X_val, y_val = trained()
    return _collected("16.8", model=model, Xm_val=X_val, ym_val=y_val)


def _wrong() -> list[Any]:
    model, X_val, y_val = trained()
    _, X_val_other, _, y_val_other = _split()
    untrained = _model()
    no_stopping, _, _ = trained(early_stopping=False, epochs=2)
    few_rows_sgd, _, _ = trained(rows=1200, sgd=True, patience=1)  # review row 1
    return [
        _collected("16.8", model=untrained, Xm_val=X_val, ym_val=y_val),
        _collected("16.8", model=no_stopping, Xm_val=X_val, ym_val=y_val),
        _collected("16.8", model=model, Xm_val=X_val[:300], ym_val=y_val[:300]),
        _collected("16.8", model=model, Xm_val=X_val, ym_val=y_val[::-1].copy()),
        _collected("16.8", model=few_rows_sgd, Xm_val=X_val, ym_val=y_val),
        _collected("16.8", model=one_more_epoch(), Xm_val=X_val, ym_val=y_val),
        _collected("16.8", model=never_fitted(), Xm_val=X_val, ym_val=y_val),
        _collected("16.8", model=reloaded(), Xm_val=X_val, ym_val=y_val),
        _min_delta_restored(_collected("16.8", model=model, Xm_val=X_val, ym_val=y_val)),
        _collected("16.8", model=laundered("lr0"), Xm_val=X_val, ym_val=y_val),
        _collected("16.8", model=laundered("frozen"), Xm_val=X_val, ym_val=y_val),
    ]


def _min_delta_restored(data: dict[str, Any]) -> dict[str, Any]:
    """Review row 5: what EarlyStopping(min_delta=0.02, restore_best_weights=True) leaves when
    a later epoch's loss is lower than the restored one's, but by less than min_delta."""
    import numpy as np

    data = dict(data)
    losses = list(data["val_loss"])
    best = int(np.argmin(losses))
    losses[best + 1] = losses[best] - 0.01
    data["val_loss"] = losses
    return data


RIGHT: dict[str, Callable[[], Any]] = {"16.8": _right}
WRONG: dict[str, Callable[[], list[Any]]] = {"16.8": _wrong}
