"""``mlcourse data verify``: every catalog entry has a card, a function and its checksum."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ._catalog import Entry, load_catalog
from ._checksum import content_checksum
from ._fetch import cached_status


@dataclass(frozen=True)
class Verdict:
    """The verification of one dataset."""

    name: str
    ok: bool
    message: str


def verify_entry(entry: Entry, root: Path | None = None) -> Verdict:
    """Check one entry: card present, function present, content checksum as catalogued."""
    from .. import datasets

    if not entry.card_path(root).is_file():
        return Verdict(entry.name, False, f"no card at datasets/cards/{entry.name}.md")
    function = getattr(datasets, entry.function, None)
    if function is None:
        return Verdict(entry.name, False, f"mlcourse.datasets has no function {entry.function}")
    if entry.kind == "download":
        status = cached_status(entry)
        return Verdict(entry.name, status != "corrupt", f"optional download, {status}")
    try:
        data = function()
    except Exception as error:
        return Verdict(
            entry.name, False, f"{entry.function}() raised {type(error).__name__}: {error}"
        )
    checksum = content_checksum(data)
    varies = entry.extra.get("varies")
    if varies and not entry.checksum:
        if content_checksum(function()) != checksum:
            return Verdict(entry.name, False, "two loads gave different content")
        return Verdict(entry.name, True, f"ok (no fixed checksum: {varies})")
    if checksum != entry.checksum:
        return Verdict(
            entry.name,
            False,
            f"content changed: catalog has {entry.checksum or 'no checksum'}, got {checksum}",
        )
    return Verdict(entry.name, True, "ok")


def verify_catalog(root: Path | None = None, names: list[str] | None = None):
    """Yield a :class:`Verdict` per dataset (all of them, or those named)."""
    catalog = load_catalog(root)
    unknown = sorted(set(names or ()) - set(catalog))
    if unknown:
        raise KeyError(f"no such dataset: {', '.join(unknown)}")
    for name, entry in catalog.items():
        if names and name not in names:
            continue
        yield verify_entry(entry, root)
