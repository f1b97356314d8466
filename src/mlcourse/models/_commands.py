"""The ``mlcourse models`` commands: list, info, verify, build."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

from . import REGISTRY, PretrainedError, _entry, load_pretrained, pretrained_info, verified_weights
from ._weights import model_arrays, save, weights_checksum


def list_models() -> int:
    """Print one line per shipped model."""
    width = max(len(name) for name in REGISTRY)
    for entry in REGISTRY.values():
        print(f"{entry.name:<{width}}  {entry.summary}")
    print(f"{len(REGISTRY)} pretrained model(s); `mlcourse models info NAME` for a card.")
    return 0


def info(name: str) -> int:
    """Print a model's provenance card."""
    print(pretrained_info(name))
    return 0


def verify() -> int:
    """Check every shipped model's weights against its checksum; 1 when any fails."""
    failed = 0
    for name in REGISTRY:
        try:
            arrays = verified_weights(name)
            print(f"ok    {name:<16} {len(arrays)} arrays, {REGISTRY[name].checksum[:23]}...")
        except PretrainedError as error:
            print(f"FAIL  {name:<16} {error}")
            failed += 1
    return 1 if failed else 0


def card_text(name: str, checksum: str, accuracy: float) -> str:
    """The provenance card written beside a model's weights by ``build``."""
    recipe = _entry(name).recipe
    n_train = len(recipe.data("train")[1])
    n_test = len(recipe.data("test")[1])
    versions = ", ".join(f"{p} {version(p)}" for p in ("tensorflow-cpu", "keras", "numpy"))
    return f"""# {name}

**A small CNN trained by the course on handwritten digits 0-4: a backbone for transfer
learning that needs no download.**

| | |
|---|---|
| architecture | Conv2D(32, 3x3, ReLU) `block1_conv` - MaxPooling2D `block1_pool` - Conv2D(64, 3x3, ReLU) `block2_conv` - MaxPooling2D `block2_pool` - Flatten - Dropout(0.25) - Dense(128, ReLU) `features` - Dense(5, softmax) `predictions` |
| input | 28x28x1 images, pixels scaled to [0, 1] (`uint8 / 255`) |
| training data | mnist_5k, **training split only**, digits 0-4: {n_train:,} images, labels 0-4 |
| recipe | Adam (learning rate {recipe.LEARNING_RATE:g}), sparse categorical cross-entropy, {recipe.EPOCHS} epochs, batch size {recipe.BATCH_SIZE}, seed {recipe.SEED} (`keras.utils.set_random_seed`, TensorFlow's deterministic ops), no early stopping and no validation split: the recipe is fixed in advance |
| held-out accuracy | {accuracy:.3f} on the mnist_5k test split's digits 0-4 ({n_test:,} images), measured once after training |
| never seen | digits 5-9 of either split: the transfer task |
| trained with | {versions} |
| weights | `{name}.npz`, float32, {checksum} (content checksum: names, shapes and exact bytes) |
| code | `src/mlcourse/models/_digits04.py` (recipe), `mlcourse models build {name}` (rebuild) |
| license | MIT (weights); data MNIST, CC BY-SA 3.0 |

Load it with `mlcourse.models.load_pretrained("{name}")`, or with `include_top=False` for the
model without its classifier. Every load checks the checksum and returns a new model.

Rebuilding runs the same recipe. On the machine that trained it, two rebuilds gave weights
identical to these (same checksum). Another CPU or library version may round differently in
the last bits, and training amplifies such differences, so a rebuild elsewhere may give other
weights; the course's tests rebuild it and require its held-out accuracy within 0.02 of the
shipped model's.
"""


def build(name: str, output: Path) -> int:
    """Retrain ``name`` by its recipe and write its weights and card into ``output``."""
    entry = _entry(name)
    output.mkdir(parents=True, exist_ok=True)
    print(f"training {name} ({entry.recipe.EPOCHS} epochs; about a minute on 2 cores)...")
    model = entry.recipe.train(verbose=2 if sys.stderr.isatty() else 0)
    arrays = model_arrays(model)
    checksum = weights_checksum(arrays)
    accuracy = entry.recipe.test_accuracy(model)
    save(arrays, output / f"{name}.npz")
    (output / f"{name}.md").write_text(card_text(name, checksum, accuracy), encoding="utf-8")
    print(f"wrote {output / f'{name}.npz'} and {name}.md")
    print(f"checksum {checksum}")
    try:
        shipped = load_pretrained(name)
    except PretrainedError as error:
        print(
            f"test accuracy (digits 0-4): rebuilt {accuracy:.3f}; no shipped weights to compare ({error})"
        )
        return 0
    shipped_accuracy = entry.recipe.test_accuracy(shipped)
    same = checksum == entry.checksum
    gap = float(np.round(accuracy - shipped_accuracy, 3))
    print(
        f"test accuracy (digits 0-4): rebuilt {accuracy:.3f}, shipped {shipped_accuracy:.3f}; "
        f"weights {'identical to' if same else 'differ from'} the shipped ones (gap {gap:+.3f})"
    )
    return 0
