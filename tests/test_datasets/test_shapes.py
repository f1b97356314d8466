"""make_shapes: determinism, pixel range, balance, shapes inside the frame, learnability."""

import re

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from mlcourse.datasets._shapes import make_shapes


@pytest.fixture(scope="module")
def data():
    return make_shapes()


@pytest.fixture(scope="module")
def clean():
    return make_shapes(noise=0.0)


def test_same_seed_same_images_other_seed_other_images():
    first = make_shapes(60, seed=3)
    again = make_shapes(60, seed=3)
    np.testing.assert_array_equal(first.images, again.images)
    np.testing.assert_array_equal(first.target, again.target)
    assert not np.array_equal(first.images, make_shapes(60, seed=4).images)


def test_bunch_fields_shapes_dtypes_and_pixel_range(data):
    assert data.name == "shapes"
    assert data.target_names == ["circle", "square", "triangle"]
    assert len(data.description.splitlines()) > 8
    assert data.images.shape == (3_000, 28, 28) and data.images.dtype == np.float32
    assert data.target.shape == (3_000,) and data.target.dtype == np.int64
    assert data.images.min() >= 0.0 and data.images.max() <= 1.0
    assert np.isfinite(data.images).all()
    # 256 grey levels, like an 8-bit image
    levels = data.images.astype(np.float64) * 255
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-3)


def test_classes_are_balanced_and_shuffled(data):
    assert np.bincount(data.target).tolist() == [1_000, 1_000, 1_000]
    assert np.bincount(make_shapes(100, seed=0).target).tolist() == [34, 33, 33]
    assert len(set(data.target[:10].tolist())) > 1


def test_noise_is_added_on_top_of_the_same_shapes(data, clean):
    np.testing.assert_array_equal(data.target, clean.target)
    difference = data.images.astype(np.float64) - clean.images
    assert 0.07 < difference.std() < 0.1  # clipping at 0 and 1 shrinks it a little
    assert np.std(clean.images[:, 0, :]) < 0.1  # a flat background in the clean images


def test_every_shape_has_foreground_and_stays_off_the_border(clean):
    images = clean.images
    border = np.concatenate(
        [images[:, 0, :], images[:, -1, :], images[:, :, 0], images[:, :, -1]], axis=1
    )
    background = border[:, :1]
    # the border is pure background, identical all round
    np.testing.assert_array_equal(border, np.broadcast_to(background, border.shape))
    foreground = images > background[:, :, None] + 0.3
    area = foreground.sum(axis=(1, 2))
    assert (area >= 20).all()  # every image has a visible shape
    assert (area < 0.8 * 28 * 28).all()
    assert not foreground[:, [0, -1], :].any() and not foreground[:, :, [0, -1]].any()


def test_position_scale_and_rotation_vary(clean):
    foreground = clean.images > 0.45
    rows = np.argwhere(foreground.any(axis=2))
    centre_rows = np.bincount(rows[:, 0], weights=rows[:, 1]) / np.bincount(rows[:, 0])
    assert centre_rows.std() > 2
    area = foreground.sum(axis=(1, 2))
    assert area.max() > 3 * area.min()
    squares = clean.images[clean.target == 1][:50] > 0.45
    assert len({s.tobytes() for s in squares}) == 50


def test_a_linear_model_on_pixels_beats_chance_but_not_by_much(data):
    x = data.images.reshape(len(data.images), -1)
    with threadpool_limits(1):  # one BLAS thread: far faster on a busy 2-core machine
        model = LogisticRegression(C=0.01, max_iter=300).fit(x[:2_000], data.target[:2_000])
    accuracy = model.score(x[2_000:], data.target[2_000:])
    assert 0.5 < accuracy < 0.9, accuracy


def test_other_sizes_and_noise_levels():
    big = make_shapes(12, size=64, noise=0.3, seed=0)
    assert big.images.shape == (12, 64, 64) and big.images.dtype == np.float32
    assert 0.0 <= big.images.min() and big.images.max() <= 1.0
    small = make_shapes(3, size=16, seed=0)
    assert small.images.shape == (3, 16, 16) and sorted(small.target) == [0, 1, 2]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_images": 2}, "n_images must be at least 3, got 2"),
        ({"n_images": 30.0}, "n_images must be an integer"),
        ({"size": 8}, "size must be between 16 and 256, got 8"),
        ({"size": "28"}, "size must be an integer"),
        ({"noise": -0.1}, "noise must be between 0 and 1"),
        ({"noise": 2}, "got 2"),
        ({"noise": float("inf")}, "noise must be a finite number"),
        ({"noise": None}, "noise must be a finite number, got None"),
        ({"seed": -1}, "seed must be a non-negative integer or None"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_shapes(**{"n_images": 30, **kwargs})


def test_parameters_after_n_images_are_keyword_only():
    with pytest.raises(TypeError):
        make_shapes(30, 28)
