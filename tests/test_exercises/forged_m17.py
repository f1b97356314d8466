"""Module 17's custom judges (17.5 the CNN, 17.6 augmentation, 17.7 transfer, 17.8 the error
analysis, 17.9 the write-up): the data the real extracts collect from right work and from
plausible wrong work, merged into ``test_forged_extracts.py``'s ``RIGHT`` and ``WRONG``.

Right work needs trained networks: the solutions notebook's recipes, trained once per test
session (about 20 s on two quiet cores, most of it the CNN).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np


def _collected(problem_id: str, **namespace: Any) -> Any:
    from .test_forged_extracts import collected

    return collected(problem_id, **namespace)


def _compile(keras, model, lr):
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy")
    return model


@cache
def _work() -> dict[str, Any]:
    """The solutions notebook's answers to exercises 5-9 (same recipes, seeded)."""
    import keras
    from sklearn.model_selection import train_test_split

    from mlcourse.exercises.m17 import _mnist, _shapes
    from mlcourse.models import load_pretrained

    L = keras.layers
    m, s = _mnist(), _shapes()
    keras.utils.set_random_seed(42)
    X_fit, X_val, y_fit, y_val = train_test_split(
        m["X_train"], m["y_train"], test_size=0.2, stratify=m["y_train"], random_state=0
    )
    cnn = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(64, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dropout(0.25),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ]
    )
    steps = 7 * math.ceil(len(y_fit) / 64)
    _compile(keras, cnn, keras.optimizers.schedules.CosineDecay(4e-3, steps))
    cnn.fit(X_fit, y_fit, epochs=7, batch_size=64, validation_data=(X_val, y_val), verbose=0)

    Xa, ya = s["X_pool"][:150], s["y_pool"][:150]
    aug = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            L.RandomFlip("horizontal_and_vertical"),
            L.RandomRotation(0.5, fill_mode="constant"),
            L.Conv2D(16, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(32, 3, activation="relu"),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dense(32, activation="relu"),
            L.Dense(3, activation="softmax"),
        ]
    )
    _compile(keras, aug, 5e-3).fit(Xa, ya, epochs=30, batch_size=50, verbose=0)

    pick = np.random.default_rng(0)
    chosen = np.concatenate(
        [pick.choice(np.flatnonzero(m["y_train"] == d), 20, replace=False) for d in range(5, 10)]
    )
    Xt, yt = m["X_train"][chosen], m["y_train"][chosen] - 5
    body = keras.Sequential(load_pretrained("digits04_cnn", include_top=False).layers[:5])
    body.trainable = False
    transfer = keras.Sequential([keras.Input((28, 28, 1)), body, L.Dense(5, activation="softmax")])
    _compile(keras, transfer, 1e-2).fit(Xt, yt, epochs=30, batch_size=50, verbose=0)

    probs = np.asarray(cnn.predict(m["X_test"], verbose=0))
    pred = probs.argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (m["y_test"], pred), 1)
    wrong = np.flatnonzero(pred != m["y_test"])
    worst = wrong[np.argsort(-probs.max(axis=1)[wrong], kind="stable")][:6]
    mask = m["y_test"] >= 5
    t_acc = float(
        np.mean(transfer.predict(m["X_test"][mask], verbose=0).argmax(1) == m["y_test"][mask] - 5)
    )
    return {
        "keras": keras,
        "cnn": cnn,
        "Xc_val": X_val,
        "yc_val": y_val,
        "X_fit": X_fit,
        "y_fit": y_fit,
        "aug": aug,
        "Xa": Xa,
        "ya": ya,
        "transfer": transfer,
        "Xt": Xt,
        "yt": yt,
        "confusion": confusion,
        "worst": worst,
        "probs": probs,
        "transfer_accuracy": t_acc,
    }


def _text(**changes: Any) -> str:
    w = _work()
    confusion = w["confusion"]
    off = confusion.copy()
    np.fill_diagonal(off, 0)
    true, read = np.unravel_index(np.argmax(off), off.shape)
    values = {
        "accuracy": np.trace(confusion) / confusion.sum(),
        "mistakes": confusion.sum() - np.trace(confusion),
        "true": true,
        "read": read,
        "count": off.max(),
        "transfer": w["transfer_accuracy"],
        "observations": "the confident mistakes are badly written digits that people misread too",
        "limits": "one small sample of digits; a single seed and split; no other handwriting",
        "fit": f"{len(w['y_fit']):,}",
        "val": f"{len(w['yc_val']):,}",
        "per_digit": int(np.bincount(w["yt"]).max()),
    }
    values.update(changes)
    return (
        "CNNs for vision: write-up\nCNN on the MNIST sample (trained on {fit} images, "
        "validated on {val}): test accuracy {accuracy:.3f} ({mistakes} mistakes on 1,000 test "
        "images, used once).\nMost confused: a true {true} read as {read}, {count} times.\n"
        "Transfer to digits 5-9: test accuracy {transfer:.3f} with {per_digit} labelled images per digit "
        "(frozen digits04_cnn backbone, new head).\nWhat the mistakes show: {observations}\n"
        "Limits: {limits}"
    ).format(**values)


def _splits() -> dict[str, Any]:
    """The names 17.9 reads besides the text: the two models and the two splits' labels."""
    w = _work()
    return {
        "cnn": w["cnn"],
        "transfer_model": w["transfer"],
        "yc_val": w["yc_val"],
        "yt_train": w["yt"],
    }


def _leaked_head() -> Any:
    """Second review row 5: a head first trained on every training digit 5-9, then 10 epochs
    on the declared 100 (0.976 on the test digits against 0.914 for the honest head)."""
    w = _work()
    keras = w["keras"]
    from mlcourse.exercises.m17 import _mnist
    from mlcourse.models import load_pretrained

    m = _mnist()
    keras.utils.set_random_seed(1)
    body = keras.Sequential(load_pretrained("digits04_cnn", include_top=False).layers[:5])
    body.trainable = False
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), body, keras.layers.Dense(5, activation="softmax")]
    )
    _compile(keras, model, 1e-2)
    every = m["y_train"] >= 5
    model.fit(m["X_train"][every], m["y_train"][every] - 5, epochs=3, batch_size=50, verbose=0)
    model.fit(w["Xt"], w["yt"], epochs=10, batch_size=50, verbose=0)
    return _collected("17.7", transfer_model=model, Xt_train=w["Xt"], yt_train=w["yt"])


def _small_factors() -> Any:
    """Second review row 6: a half-pixel translation and a 2% zoom, trained layers after."""
    w = _work()
    L = w["keras"].layers
    model = w["keras"].Sequential(
        [w["keras"].Input((28, 28, 1)), L.RandomTranslation(0.02, 0.02), L.RandomZoom(0.02)]
        + w["aug"].layers[2:]
    )
    return _collected("17.6", aug_model=model, Xa_train=w["Xa"], ya_train=w["ya"])


def _untrained_clone(model):
    return _work()["keras"].models.clone_model(model)


def _leaked():
    """Review row 3: the honest network trained 2 more epochs on the test images."""
    w = _work()
    keras, m = w["keras"], __import__("mlcourse.exercises.m17", fromlist=["_mnist"])._mnist()
    leaked = keras.models.clone_model(w["cnn"])
    leaked.set_weights(w["cnn"].get_weights())
    _compile(keras, leaked, 3e-4).fit(
        m["X_test"],
        m["y_test"],
        epochs=2,
        batch_size=64,
        validation_data=(w["Xc_val"], w["yc_val"]),
        verbose=0,
    )
    return leaked


def _untrained_errors() -> Any:
    """Review row 2: an untrained network with its own confusion and worst mistakes."""
    w = _work()
    m = __import__("mlcourse.exercises.m17", fromlist=["_mnist"])._mnist()
    model = _untrained_clone(w["cnn"])
    probs = np.asarray(model.predict(m["X_test"], verbose=0))
    pred = probs.argmax(axis=1)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (m["y_test"], pred), 1)
    wrong = np.flatnonzero(pred != m["y_test"])
    worst = wrong[np.argsort(-probs.max(axis=1)[wrong], kind="stable")][:6]
    return _collected("17.8", cnn=model, confusion=confusion, worst_mistakes=worst)


def _whole_backbone() -> Any:
    """Review row 4: the frozen whole backbone (its 128 `features`) with a trained head."""
    w = _work()
    keras = w["keras"]
    from mlcourse.models import load_pretrained

    features = load_pretrained("digits04_cnn", include_top=False)
    features.trainable = False
    model = keras.Sequential(
        [keras.Input((28, 28, 1)), features, keras.layers.Dense(5, activation="softmax")]
    )
    _compile(keras, model, 1e-2).fit(w["Xt"], w["yt"], epochs=30, batch_size=50, verbose=0)
    return _collected("17.7", transfer_model=model, Xt_train=w["Xt"], yt_train=w["yt"])


def _tiny_factors() -> Any:
    """Review row 7: augmentation layers whose factors change nothing."""
    w = _work()
    L = w["keras"].layers
    model = w["keras"].Sequential(
        [w["keras"].Input((28, 28, 1)), L.RandomTranslation(1e-7, 1e-7), L.RandomRotation(1e-7)]
        + w["aug"].layers[2:]
    )
    return _collected("17.6", aug_model=model, Xa_train=w["Xa"], ya_train=w["ya"])


def _cnn_wrong() -> list[Any]:
    w = _work()
    m_test = __import__("mlcourse.exercises.m17", fromlist=["_mnist"])._mnist()
    return [
        _collected("17.5", cnn=_leaked(), Xc_val=w["Xc_val"], yc_val=w["yc_val"]),
        _collected("17.5", cnn=_untrained_clone(w["cnn"]), Xc_val=w["Xc_val"], yc_val=w["yc_val"]),
        _collected(
            "17.5", cnn=w["cnn"], Xc_val=m_test["X_test"], yc_val=m_test["y_test"]
        ),  # the test images named as validation data
        _collected(
            "17.5", cnn=w["cnn"], Xc_val=w["X_fit"][:800], yc_val=w["y_fit"][:800]
        ),  # training rows named as validation rows
    ]


RIGHT: dict[str, Callable[[], Any]] = {
    "17.5": lambda: _collected(
        "17.5", cnn=_work()["cnn"], Xc_val=_work()["Xc_val"], yc_val=_work()["yc_val"]
    ),
    "17.6": lambda: _collected(
        "17.6", aug_model=_work()["aug"], Xa_train=_work()["Xa"], ya_train=_work()["ya"]
    ),
    "17.7": lambda: _collected(
        "17.7", transfer_model=_work()["transfer"], Xt_train=_work()["Xt"], yt_train=_work()["yt"]
    ),
    "17.8": lambda: _collected(
        "17.8",
        cnn=_work()["cnn"],
        confusion=_work()["confusion"],
        worst_mistakes=_work()["worst"],
    ),
    "17.9": lambda: _collected("17.9", write_up=_text(), **_splits()),
}

WRONG: dict[str, Callable[[], list[Any]]] = {
    "17.5": _cnn_wrong,
    "17.6": lambda: [
        _collected(
            "17.6",
            aug_model=_work()["aug"],
            Xa_train=_work()["Xa"][:100],
            ya_train=_work()["ya"][:100][::-1],
        ),  # labels reversed
        _collected(
            "17.6",
            aug_model=_untrained_clone(_work()["aug"]),
            Xa_train=_work()["Xa"],
            ya_train=_work()["ya"],
        ),  # never fitted
        _tiny_factors(),
        _small_factors(),
    ],
    "17.7": lambda: [
        _collected(
            "17.7",
            transfer_model=_work()["transfer"],
            Xt_train=_work()["Xt"],
            yt_train=_work()["yt"] + 5,
        ),  # the digits as labels
        _collected(
            "17.7",
            transfer_model=_untrained_clone(_work()["transfer"]),
            Xt_train=_work()["Xt"],
            yt_train=_work()["yt"],
        ),  # a fresh backbone of the same architecture, never fitted
        _whole_backbone(),
        _leaked_head(),
    ],
    "17.8": lambda: [
        _collected(
            "17.8",
            cnn=_work()["cnn"],
            confusion=_work()["confusion"].T,
            worst_mistakes=_work()["worst"],
        ),
        _collected(
            "17.8",
            cnn=_work()["cnn"],
            confusion=_work()["confusion"],
            worst_mistakes=np.argsort(-_work()["probs"].max(axis=1))[:6],
        ),  # the most confident predictions, right or wrong
        _untrained_errors(),
    ],
    "17.9": lambda: [
        _collected(
            "17.9",
            write_up=_text(accuracy=0.99),
            **_splits(),
        ),  # a figure typed in
        _collected(
            "17.9",
            write_up=_text(limits="none"),
            **_splits(),
        ),
        _collected(
            "17.9",
            write_up=_text(),
            **{**_splits(), "cnn": _untrained_clone(_work()["cnn"])},
        ),  # another network's figures
        _collected(
            "17.9",
            write_up=_text(
                observations="aa bb cc dd ee ff gg hh", limits="aa bb cc; dd ee ff; gg hh ii"
            ),
            **_splits(),
        ),  # review row 1: gibberish
        _collected(
            "17.9",
            write_up=_text(),
            **{**_splits(), "transfer_model": _untrained_clone(_work()["transfer"])},
        ),  # review row 1: an untrained transfer model
        _collected("17.9", write_up=_text(fit="99,999"), **_splits()),  # second review row 4
        _collected("17.9", write_up=_text(val="1"), **_splits()),  # a count typed in
        _collected("17.9", write_up=_text(per_digit=500), **_splits()),  # a count typed in
    ],
}

_PAIRS = (
    r"\['config'\]\['(pool_size|strides|dilation_rate)'\]$",
    {"reordered", "first repeated"},
    "the pairs are equal, (2, 2) or (1, 1): reordering or repeating changes nothing",
)
_UNREAD = (
    r"\['val_loss'\]",
    None,
    "the validation losses are judged in 17.5 only",
)
HARMLESS = {
    "17.5": [
        _PAIRS,
        (
            r"\['val_loss'\]$",
            {"reordered"},
            "the weights may be those of any epoch of the last fit (`EarlyStopping` with "
            "`restore_best_weights=True`): which epoch's loss matches is not read",
        ),
    ],
    "17.6": [
        _PAIRS,
        _UNREAD,
        (
            r"\['config'\]\['(factor|height_factor|width_factor)'\](\[\d\])?$",
            None,
            "a number, or any pair of numbers, is a valid augmentation factor",
        ),
    ],
    "17.7": [_PAIRS, _UNREAD],
    "17.8": [_PAIRS, _UNREAD],
    "17.9": [
        _PAIRS,
        _UNREAD,
        (
            r"\['yt_train'\]$",
            {"truncated"},
            "one label fewer of the last digit leaves 20 images of the others",
        ),
    ],
}
