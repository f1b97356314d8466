"""The ``mlcourse data`` commands: list, info, verify, fetch, export, seed."""

from __future__ import annotations

import sys
from pathlib import Path

from ._catalog import load_catalog
from ._fetch import cache_dir, cached_status, export_cache, fetch_files, seed_cache
from ._verify import verify_catalog


def list_datasets() -> int:
    """Print one line per dataset: name, kind, license, modules."""
    catalog = load_catalog()
    width = max(len(n) for n in catalog)
    print(f"{'name':<{width}}  {'kind':<20}  {'modules':<14}  license")
    for entry in catalog.values():
        kind = entry.kind if entry.kind != "download" else f"download, {cached_status(entry)}"
        print(f"{entry.name:<{width}}  {kind:<20}  {','.join(entry.modules):<14}  {entry.license}")
    print(f"{len(catalog)} datasets; `mlcourse data info NAME` for a card.")
    return 0


def info(name: str) -> int:
    """Print a dataset's catalog entry and card."""
    catalog = load_catalog()
    if name not in catalog:
        raise KeyError(f"no dataset {name!r}; `mlcourse data list` shows them all")
    entry = catalog[name]
    card = entry.card_path()
    print(card.read_text(encoding="utf-8") if card.is_file() else f"{entry.title} (no card yet)")
    if entry.checksum:
        print(f"checksum: {entry.checksum}")
    return 0


def verify(names: list[str]) -> int:
    """Verify datasets; print a line each; 1 when any fails."""
    failed = 0
    for verdict in verify_catalog(names=names or None):
        print(
            f"{'ok  ' if verdict.ok else 'FAIL'}  {verdict.name:<16} {verdict.message}", flush=True
        )
        failed += not verdict.ok
    print("all datasets verified" if not failed else f"{failed} dataset(s) failed verification")
    return 1 if failed else 0


def fetch(names: list[str]) -> int:
    """Download optional datasets into the cache, with progress."""
    catalog = load_catalog()
    targets = names or [n for n, e in catalog.items() if e.kind == "download"]
    for name in targets:
        if name not in catalog or catalog[name].kind != "download":
            raise KeyError(
                f"{name!r} is not a downloadable dataset; `mlcourse data list` shows them"
            )
        paths = fetch_files(name, progress=sys.stderr.isatty())
        print(f"{name}: {len(paths)} file(s) in {cache_dir() / name}")
    return 0


def export(directory: Path) -> int:
    """Export cached downloads to a folder for offline classrooms."""
    written = export_cache(directory)
    print(f"exported {len(written)} file(s) to {directory} (with manifest.json)")
    if not written:
        print("nothing is cached yet: run `mlcourse data fetch` on a connected machine first")
    return 0


def seed(directory: Path) -> int:
    """Seed the cache from an exported folder; 1 when any file was refused."""
    seeded, refused = seed_cache(directory)
    for label in seeded:
        print(f"seeded  {label}")
    for reason in refused:
        print(f"REFUSED {reason}")
    print(f"{len(seeded)} file(s) seeded into {cache_dir()}, {len(refused)} refused")
    return 1 if refused else 0
