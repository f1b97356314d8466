"""The dataset catalog: ``datasets/catalog.toml`` and the cards in ``datasets/cards/``."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .._paths import course_root

KINDS = ("bundled", "generator", "download")


class CatalogError(ValueError):
    """The catalog is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Entry:
    """One dataset of the catalog."""

    name: str
    kind: str
    function: str
    title: str
    source: str
    license: str
    citation: str
    modules: tuple[str, ...]
    size: str
    checksum: str = ""
    columns: tuple[str, ...] = ()
    files: tuple[dict, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def card_path(self, root: Path | None = None) -> Path:
        """Where the dataset's card is."""
        return catalog_dir(root) / "cards" / f"{self.name}.md"


def catalog_dir(root: Path | None = None) -> Path:
    """The ``datasets/`` folder of the course."""
    return (root or course_root()) / "datasets"


def load_catalog(root: Path | None = None) -> dict[str, Entry]:
    """Read ``datasets/catalog.toml``.

    Returns
    -------
    dict
        Entries by name, in file order.

    Raises
    ------
    CatalogError
        When the file is missing or an entry lacks a required field.
    """
    path = catalog_dir(root) / "catalog.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{path}: no dataset catalog; run from the course folder") from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{path}: not valid TOML ({error})") from None
    entries = {}
    required = ("kind", "function", "title", "source", "license", "citation", "modules", "size")
    for name, table in raw.get("datasets", {}).items():
        missing = [key for key in required if key not in table]
        if missing:
            raise CatalogError(f"{path}: dataset {name!r} lacks {', '.join(missing)}")
        if table["kind"] not in KINDS:
            raise CatalogError(
                f"{path}: dataset {name!r} has kind {table['kind']!r}; use one of {KINDS}"
            )
        known = {f for f in Entry.__dataclass_fields__} - {"name", "extra"}
        entries[name] = Entry(
            name=name,
            kind=table["kind"],
            function=table["function"],
            title=table["title"],
            source=table["source"],
            license=table["license"],
            citation=table["citation"],
            modules=tuple(table["modules"]),
            size=table["size"],
            checksum=table.get("checksum", ""),
            columns=tuple(table.get("columns", ())),
            files=tuple(table.get("files", ())),
            extra={k: v for k, v in table.items() if k not in known},
        )
    return entries
