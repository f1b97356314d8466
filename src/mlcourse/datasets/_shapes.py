"""``make_shapes``: small grayscale images of circles, squares and triangles, drawn with NumPy."""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.utils import Bunch

from ._validate import check_int
from ._validate import rng as _rng

__all__ = ["make_shapes"]

_TARGET_NAMES = ["circle", "square", "triangle"]
# Gap, in pixels, between a shape's bounding circle and the image border.
_MARGIN = 1.5
# Bounding radius of a shape as a fraction of the image size (before the margin is enforced).
_MIN_EXTENT, _MAX_EXTENT = 0.18, 0.40
# Circles are drawn at 90 % of the bounding radius so that their area (2.54 extent**2) is less
# far from the squares' (2.00) and the triangles' (1.30): brightness alone should not be enough.
_EXTENT_FACTOR = np.array([0.9, 1.0, 1.0])
# Pixels per chunk of images drawn at once (bounds memory for large requests).
_CHUNK_PIXELS = 4_000_000


def _signed_distance(kind, dx, dy, extent, angle):
    """Approximate signed distance (pixels, negative inside) to each shape's outline.

    ``dx`` and ``dy`` are pixel offsets from the shape's centre, shape ``(n, size, size)``;
    ``extent`` (radius of the circle through the corners) and ``angle`` (radians) have shape
    ``(n, 1, 1)``; ``kind`` (0 circle, 1 square, 2 triangle) has shape ``(n,)``.
    """
    dist = np.empty_like(dx)
    circle, square, triangle = (kind == 0), (kind == 1), (kind == 2)
    if circle.any():
        dist[circle] = np.hypot(dx[circle], dy[circle]) - extent[circle]
    if square.any():
        c, s = np.cos(angle[square]), np.sin(angle[square])
        u = c * dx[square] + s * dy[square]
        v = -s * dx[square] + c * dy[square]
        half = extent[square] / np.sqrt(2.0)  # corners touch the bounding circle
        dist[square] = np.maximum(np.abs(u), np.abs(v)) - half
    if triangle.any():
        # Equilateral triangle with circumradius ``extent``: inside when the projection on each
        # of the three edge normals is at most the inradius (extent / 2).
        a, x, y = angle[triangle], dx[triangle], dy[triangle]
        d = np.full_like(x, -np.inf)
        for k in range(3):
            phi = a + np.pi / 6 + 2 * np.pi * k / 3
            d = np.maximum(d, x * np.cos(phi) + y * np.sin(phi))
        dist[triangle] = d - extent[triangle] / 2
    return dist


def make_shapes(
    n_images: int = 3_000, *, size: int = 28, noise: float = 0.1, seed: int | None = 42
) -> Bunch:
    """Generate small grayscale images of filled circles, squares and triangles.

    Each image holds one filled shape on a flat background. Per image the generator draws the
    class (balanced: ``n_images // 3`` per class, the remainder going to the first classes),
    the position, the size (a bounding circle of radius 18-40 % of the image side, limited so that
    the shape never comes closer than 1.5 pixels to the border; circles use 90 % of that radius,
    so that the areas differ less between classes), the rotation (squares and triangles;
    uniform over all angles), the background level (0-0.15) and the shape's brightness
    (0.6-1.0). Edges are anti-aliased (one-pixel ramp). Finally independent Gaussian pixel
    noise with standard deviation ``noise`` is added, values are clipped to ``[0, 1]`` and
    quantised to 256 grey levels (multiples of 1/255, as in an 8-bit image).

    The noise is drawn after everything else, so for a given ``seed`` the shapes are the same
    whatever ``noise`` is; ``noise=0`` gives the clean images.

    Drawing is vectorised over batches of images (no Python loop over single images).

    Not simulated: several or overlapping objects, occlusion, outlines, textures, colour,
    lighting or perspective, non-equilateral triangles, rectangles, blur or camera artefacts.

    Parameters
    ----------
    n_images : int, default=3000
        Number of images (at least 3).
    size : int, default=28
        Height and width in pixels (16 to 256).
    noise : float, default=0.1
        Standard deviation of the additive Gaussian pixel noise (0 to 1).
    seed : int or None, default=42
        Seed of ``np.random.default_rng``; the same seed gives the same images, ``None`` fresh
        randomness.

    Returns
    -------
    sklearn.utils.Bunch
        ``images`` : float32 array of shape ``(n_images, size, size)``, values in ``[0, 1]``
        (row 0 is the top of the image).
        ``target`` : int64 array of shape ``(n_images,)``, 0 circle, 1 square, 2 triangle, in
        random order.
        ``target_names`` : ``["circle", "square", "triangle"]``.
        ``description`` : plain-text description. ``name`` : ``"shapes"``.

    Raises
    ------
    ValueError
        If an argument has the wrong type or is out of range.

    Examples
    --------
    >>> from mlcourse.datasets._shapes import make_shapes
    >>> data = make_shapes(30, seed=0)
    >>> data.images.shape, data.images.dtype
    ((30, 28, 28), dtype('float32'))
    """
    n_images = _check_int("n_images", n_images, 3, None, 3_000)
    size = _check_int("size", size, 16, 256, 28)
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not math.isfinite(noise):
        raise ValueError(f"noise must be a finite number, got {noise!r}; pass e.g. noise=0.1.")
    if not 0 <= noise <= 1:
        raise ValueError(
            f"noise must be between 0 and 1 (a standard deviation in pixel units), got {noise}; "
            "pass e.g. noise=0.1, or noise=0 for clean images."
        )
    rng = _rng(seed)
    target = rng.permutation(np.arange(n_images) % 3).astype(np.int64)

    largest = (size - 1) / 2 - _MARGIN
    extent = rng.uniform(_MIN_EXTENT * size, _MAX_EXTENT * size, n_images)
    extent = np.minimum(extent, largest)
    # Centre anywhere that keeps the bounding circle (plus margin) inside the image.
    room = (size - 1) - 2 * (extent + _MARGIN)
    centre = extent[:, None] + _MARGIN + rng.random((n_images, 2)) * room[:, None]
    angle = rng.uniform(0, 2 * np.pi, n_images)
    radius = extent * _EXTENT_FACTOR[target]
    background = rng.uniform(0.0, 0.15, n_images)
    foreground = rng.uniform(0.6, 1.0, n_images)

    images = np.empty((n_images, size, size), dtype=np.float32)
    grid = np.arange(size, dtype=np.float64)
    # Whole batches at once, in chunks that keep the float64 temporaries small.
    chunk = max(1, _CHUNK_PIXELS // (size * size))
    for start in range(0, n_images, chunk):
        part = slice(start, min(start + chunk, n_images))
        dy = grid[None, :, None] - centre[part, 1, None, None]  # rows
        dx = grid[None, None, :] - centre[part, 0, None, None]  # columns
        dx, dy = np.broadcast_arrays(dx, dy)
        dist = _signed_distance(
            target[part], dx, dy, radius[part, None, None], angle[part, None, None]
        )
        coverage = np.clip(0.5 - dist, 0.0, 1.0)
        low, high = background[part, None, None], foreground[part, None, None]
        values = low + (high - low) * coverage
        if noise > 0:
            values += rng.normal(0.0, noise, values.shape)
        # Quantised to 256 grey levels, like an 8-bit image (also keeps the output identical
        # across CPUs whose math libraries differ in the last bits).
        images[part] = np.round(np.clip(values, 0.0, 1.0) * 255.0) / 255.0

    counts = np.bincount(target, minlength=3)
    description = _DESCRIPTION.format(
        n=n_images,
        size=size,
        noise=noise,
        seed=seed,
        counts=", ".join(f"{name} {c}" for name, c in zip(_TARGET_NAMES, counts, strict=True)),
    )
    return Bunch(
        images=images,
        target=target,
        target_names=list(_TARGET_NAMES),
        description=description,
        name="shapes",
    )


def _check_int(name: str, value, low: int, high: int | None, example: int) -> int:
    return check_int(name, value, low=low, high=high, example=example)


_DESCRIPTION = """\
shapes: synthetic grayscale images of circles, squares and triangles (mlcourse make_shapes)

Simulates one filled shape per image on a flat background: random position, size (bounding
radius 18-40 % of the side, always at least 1.5 px away from the border; circles drawn at
90 % of it), rotation (squares and triangles), background level (0-0.15) and brightness
(0.6-1.0), anti-aliased edges, then Gaussian pixel noise, clipping to [0, 1] and 256 grey
levels. Classes are balanced. The same seed gives the same shapes whatever the noise level.
Not simulated: several or overlapping objects, outlines, texture, colour, lighting,
perspective, blur, non-equilateral triangles.

Fields
  images        float32 array (n_images, size, size), values in [0, 1], row 0 at the top
  target        int64 array (n_images,): 0 circle, 1 square, 2 triangle
  target_names  ["circle", "square", "triangle"]

This draw: {n} images of {size}x{size} pixels ({counts}).
Parameters: n_images={n}, size={size}, noise={noise}, seed={seed}.
License: MIT (part of mlcourse). Cite as: The mlcourse maintainers (2026). make_shapes:
synthetic grayscale images of circles, squares and triangles [data generator]. mlcourse 0.1.0,
MIT License.
"""
