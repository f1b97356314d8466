"""The course's pretrained models: checksummed weights, fresh models, provenance, rebuild."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import mlcourse.models as models
from mlcourse.cli import main
from mlcourse.models import (
    REGISTRY,
    PretrainedError,
    _digits04,
    load_pretrained,
    pretrained_info,
    verified_weights,
)
from mlcourse.models._weights import model_arrays, read, save, weights_checksum

NAME = "digits04_cnn"


def _card_accuracy() -> float:
    match = re.search(r"held-out accuracy \| (\d\.\d{3})", pretrained_info(NAME))
    assert match, "the card states the held-out accuracy"
    return float(match.group(1))


def test_shipped_weights_match_their_checksum():
    arrays = verified_weights(NAME)
    assert weights_checksum(arrays) == REGISTRY[NAME].checksum
    assert REGISTRY[NAME].checksum in pretrained_info(NAME)
    assert all(a.dtype == np.float32 for a in arrays.values())


def test_the_card_states_the_accuracy_the_shipped_model_has():
    accuracy = _digits04.test_accuracy(load_pretrained(NAME))
    assert round(accuracy, 3) == _card_accuracy()
    assert accuracy > 0.95  # a backbone worth transferring from


def test_training_data_is_the_training_split_digits_0_to_4_only():
    from mlcourse.datasets import load_mnist_5k

    mnist = load_mnist_5k()
    images, labels = _digits04.data("train")
    assert set(np.unique(labels)) == {0, 1, 2, 3, 4}
    assert len(labels) == int(np.isin(mnist.y_train, range(5)).sum())
    test_images = (mnist.X_test.astype("float32") / 255).reshape(-1, 28, 28, 1)
    flat_train = {row.tobytes() for row in images.reshape(len(images), -1)}
    assert not any(row.tobytes() in flat_train for row in test_images.reshape(1000, -1))


def test_every_load_is_a_new_model_and_the_top_can_be_left_out():
    first = load_pretrained(NAME)
    first.get_layer("features").kernel.assign(np.zeros((1600, 128), dtype=np.float32))
    second = load_pretrained(NAME)
    assert np.abs(second.get_layer("features").kernel.numpy()).sum() > 0
    features = load_pretrained(NAME, include_top=False)
    assert features.output_shape == (None, 128)
    assert [layer.name for layer in features.layers][-1] == "features"
    top_free = model_arrays(features)
    shipped = read(REGISTRY[NAME].weights_path)
    assert set(top_free) == set(shipped) - {"predictions/kernel", "predictions/bias"}
    assert all(np.array_equal(top_free[k], shipped[k]) for k in top_free)


@pytest.fixture
def copied_models(tmp_path, monkeypatch):
    """The package's weights and cards copied to a folder the test may damage."""
    for path in REGISTRY[NAME].weights_path.parent.glob(f"{NAME}.*"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(models, "_HERE", tmp_path)
    return tmp_path


def test_a_changed_weight_fails_the_checksum(copied_models):
    arrays = read(copied_models / f"{NAME}.npz")
    arrays["features/bias"][0] = np.nextafter(arrays["features/bias"][0], np.float32(1))
    save(arrays, copied_models / f"{NAME}.npz")
    with pytest.raises(PretrainedError, match="fail their checksum"):
        load_pretrained(NAME)


def test_a_missing_or_damaged_file_is_reported(copied_models):
    (copied_models / f"{NAME}.npz").write_bytes(b"not a zip file")
    with pytest.raises(PretrainedError, match="cannot be read"):
        load_pretrained(NAME)
    (copied_models / f"{NAME}.npz").unlink()
    with pytest.raises(PretrainedError, match="cannot be read"):
        verified_weights(NAME)


def test_an_unknown_name_lists_the_shipped_models():
    with pytest.raises(PretrainedError, match="the course ships: digits04_cnn"):
        load_pretrained("resnet50")


def test_cli_list_info_verify_and_errors(capsys, copied_models):
    assert main(["models", "list"]) == 0
    assert NAME in capsys.readouterr().out
    assert main(["models", "info", NAME]) == 0
    assert "training split only" in capsys.readouterr().out
    assert main(["models", "verify"]) == 0
    assert capsys.readouterr().out.startswith("ok")
    assert main(["models", "info", "resnet50"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no pretrained model 'resnet50'" in err
    (copied_models / f"{NAME}.npz").write_bytes(b"")
    assert main(["models", "verify"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_the_recipe_rebuilds_a_model_as_good_as_the_shipped_one():
    """Retrains by the recipe (about 30 s): the provenance is a recipe that works, not a claim."""
    rebuilt = _digits04.train()
    accuracy = _digits04.test_accuracy(rebuilt)
    assert abs(accuracy - _card_accuracy()) <= 0.02
    # Identical weights are expected only on the kind of machine that trained them: reported,
    # and the accuracy above is what must hold everywhere.
    same = weights_checksum(model_arrays(rebuilt)) == REGISTRY[NAME].checksum
    print(f"rebuilt accuracy {accuracy:.3f}; weights identical to the shipped ones: {same}")


def test_the_architecture_alone_is_the_same_model_untrained():
    from mlcourse.models import architecture

    fresh = architecture(NAME, include_top=False)
    shipped = load_pretrained(NAME, include_top=False)
    assert [layer.name for layer in fresh.layers] == [layer.name for layer in shipped.layers]
    assert [w.shape for w in fresh.weights] == [w.shape for w in shipped.weights]
    kernel = fresh.get_layer("block1_conv").kernel.numpy()
    assert not np.array_equal(kernel, shipped.get_layer("block1_conv").kernel.numpy())
