"""Optional downloads of full-size public datasets: checksummed, cached, seedable offline."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._catalog import Entry, load_catalog

MIRROR_ENV = "MLCOURSE_DATA_MIRROR"
CACHE_ENV = "MLCOURSE_DATA_DIR"


class DatasetUnavailable(RuntimeError):
    """A downloadable dataset is not cached and cannot be downloaded."""


def cache_dir() -> Path:
    """Where downloads are cached: ``MLCOURSE_DATA_DIR`` or the user's cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("mlcourse"))


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(name: str) -> Entry:
    entry = load_catalog().get(name)
    if entry is None or entry.kind != "download":
        raise KeyError(f"{name!r} is not a downloadable dataset of the catalog")
    return entry


def fetch_files(name: str, *, progress: bool = False) -> list[Path]:
    """Make sure every file of a downloadable dataset is in the cache; return their paths.

    Files already cached with the right checksum are used as they are. Otherwise they are
    downloaded (from ``MLCOURSE_DATA_MIRROR`` when set, else the catalog's URL), checked
    against the pinned SHA-256, and only then stored in the cache.

    Raises
    ------
    DatasetUnavailable
        When a file is missing and cannot be downloaded, or the download is corrupt.
    """
    import pooch

    entry = _entry(name)
    folder = cache_dir() / name
    paths = []
    for spec in entry.files:
        target = folder / spec["name"]
        if target.is_file() and sha256_of(target) == spec["sha256"]:
            paths.append(target)
            continue
        mirror = os.environ.get(MIRROR_ENV)
        url = f"{mirror.rstrip('/')}/{name}/{spec['name']}" if mirror else spec["url"]
        try:
            path = pooch.retrieve(
                url,
                known_hash=f"sha256:{spec['sha256']}",
                fname=spec["name"],
                path=folder,
                progressbar=progress,
            )
        except ValueError as error:  # pooch: checksum mismatch (the file is not kept)
            raise DatasetUnavailable(
                f"{name}: {spec['name']} downloaded from {url} is corrupt ({error}); nothing was cached"
            ) from None
        except Exception as error:
            raise DatasetUnavailable(
                f"{name} is not in the cache ({folder}) and could not be downloaded from {url} "
                f"({type(error).__name__}). Offline? Ask for a copy and run "
                f"`mlcourse data seed --from DIR`, or set {MIRROR_ENV} to a local mirror."
            ) from None
        paths.append(Path(path))
    return paths


def _read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fetch_fashion_mnist(*, progress: bool = True) -> Bunch:
    """Fashion-MNIST: 70,000 28x28 images of 10 clothing types (optional download, 30 MB).

    Returns
    -------
    sklearn.utils.Bunch
        ``X_train`` (60000, 28, 28), ``y_train``, ``X_test`` (10000, 28, 28), ``y_test``
        (uint8 pixels, int labels), ``target_names``, ``description``, ``name``.

    Raises
    ------
    DatasetUnavailable
        Offline and not cached: seed the cache with ``mlcourse data seed --from DIR``.
    """
    paths = {p.name: p for p in fetch_files("fashion_mnist", progress=progress)}
    return Bunch(
        X_train=_read_idx(paths["train-images-idx3-ubyte.gz"]),
        y_train=_read_idx(paths["train-labels-idx1-ubyte.gz"]).astype(np.int64),
        X_test=_read_idx(paths["t10k-images-idx3-ubyte.gz"]),
        y_test=_read_idx(paths["t10k-labels-idx1-ubyte.gz"]).astype(np.int64),
        target_names=[
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ],
        name="fashion_mnist",
        description=_entry("fashion_mnist").title,
    )


def fetch_mnist(*, progress: bool = True) -> Bunch:
    """The full MNIST: 70,000 28x28 handwritten digits (optional download, 11 MB).

    Returns
    -------
    sklearn.utils.Bunch
        ``X_train`` (60000, 28, 28), ``y_train``, ``X_test`` (10000, 28, 28), ``y_test``,
        ``description``, ``name``. Loaded with ``allow_pickle=False``.

    Raises
    ------
    DatasetUnavailable
        Offline and not cached: seed the cache with ``mlcourse data seed --from DIR``.
    """
    (path,) = fetch_files("mnist", progress=progress)
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    return Bunch(
        X_train=arrays["x_train"],
        y_train=arrays["y_train"].astype(np.int64),
        X_test=arrays["x_test"],
        y_test=arrays["y_test"].astype(np.int64),
        name="mnist",
        description=_entry("mnist").title,
    )


def export_cache(directory: Path) -> list[Path]:
    """Copy every cached download into ``directory/NAME/`` with a manifest of checksums.

    Returns
    -------
    list of Path
        The files written.
    """
    written = []
    manifest = {}
    for entry in load_catalog().values():
        if entry.kind != "download":
            continue
        for spec in entry.files:
            source = cache_dir() / entry.name / spec["name"]
            if not source.is_file() or sha256_of(source) != spec["sha256"]:
                continue
            target = directory / entry.name / spec["name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            manifest[f"{entry.name}/{spec['name']}"] = spec["sha256"]
            written.append(target)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return written


def seed_cache(directory: Path) -> tuple[list[str], list[str]]:
    """Copy downloads from ``directory`` (made by :func:`export_cache`) into the cache.

    Every file is checked against the catalog's pinned SHA-256 before it is copied; a file
    that does not match is refused and the cache is left as it was.

    Returns
    -------
    (list of str, list of str)
        The files seeded and the files refused (with the reason).
    """
    if not directory.is_dir():
        raise FileNotFoundError(f"{directory}: no such folder")
    seeded, refused = [], []
    for entry in load_catalog().values():
        if entry.kind != "download":
            continue
        for spec in entry.files:
            source = directory / entry.name / spec["name"]
            if not source.is_file():
                continue
            label = f"{entry.name}/{spec['name']}"
            if sha256_of(source) != spec["sha256"]:
                refused.append(f"{label}: checksum does not match the catalog")
                continue
            target = cache_dir() / entry.name / spec["name"]
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".part")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
            seeded.append(label)
    return seeded, refused


def cached_status(entry: Entry) -> str:
    """``"cached"``, ``"not cached"`` or ``"corrupt"`` for a downloadable dataset."""
    states = []
    for spec in entry.files:
        path = cache_dir() / entry.name / spec["name"]
        if not path.is_file():
            states.append("not cached")
        elif sha256_of(path) != spec["sha256"]:
            states.append("corrupt")
        else:
            states.append("cached")
    if "corrupt" in states:
        return "corrupt"
    return "cached" if states and all(s == "cached" for s in states) else "not cached"
