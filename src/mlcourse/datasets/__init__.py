"""Datasets of the course: offline loaders, seeded generators and optional downloads.

- ``load_*`` read real data bundled with the course's dependencies (no network);
- ``make_*`` generate realistic synthetic data from a seed;
- ``fetch_*`` download full-size public datasets once, checksummed, into a cache that can be
  seeded offline (``mlcourse data seed --from DIR``).

Every dataset is described in ``datasets/catalog.toml`` and ``datasets/cards/NAME.md``.
"""

from ._catalog import CatalogError, Entry, load_catalog
from ._checksum import content_checksum
from ._course_text import find_passage, load_course_text, read_course_qa
from ._credit import make_credit
from ._drift import make_drift_stream
from ._fetch import (
    DatasetUnavailable,
    cache_dir,
    export_cache,
    fetch_fashion_mnist,
    fetch_files,
    fetch_mnist,
    seed_cache,
)
from ._loaders import (
    load_breast_cancer,
    load_cars,
    load_co2,
    load_diabetes,
    load_digits,
    load_gapminder,
    load_iris,
    load_mnist_5k,
    load_penguins,
    load_sample_images,
    load_seattle_weather,
    load_stocks,
    load_sunspots,
    load_tips,
    load_wine,
)
from ._ratings import make_ratings
from ._reviews import make_reviews
from ._shapes import make_shapes
from ._transactions import make_transactions
from ._verify import Verdict, verify_catalog

__all__ = [
    "CatalogError",
    "DatasetUnavailable",
    "Entry",
    "Verdict",
    "cache_dir",
    "content_checksum",
    "export_cache",
    "fetch_fashion_mnist",
    "fetch_files",
    "fetch_mnist",
    "find_passage",
    "load_breast_cancer",
    "load_cars",
    "load_catalog",
    "load_co2",
    "load_course_text",
    "load_diabetes",
    "load_digits",
    "load_gapminder",
    "load_iris",
    "load_mnist_5k",
    "load_penguins",
    "load_sample_images",
    "load_seattle_weather",
    "load_stocks",
    "load_sunspots",
    "load_tips",
    "load_wine",
    "make_credit",
    "make_drift_stream",
    "make_ratings",
    "make_reviews",
    "make_shapes",
    "make_transactions",
    "read_course_qa",
    "seed_cache",
    "verify_catalog",
]
