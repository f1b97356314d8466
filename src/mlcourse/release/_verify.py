"""``find_answer_keys``: open everything in a folder and report any answer key found in it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ._fingerprints import (
    Fingerprints,
    answer_fingerprints,
    key_fingerprints,
    public_lines_and_words,
)
from ._reading import (
    MAX_ARCHIVE_DEPTH,
    binary_texts,
    container_kind,
    decode_text,
    expected_container,
    is_notebook,
    joined,
    json_strings,
    members,
    notebook_texts,
    parse_json,
)


class ReleaseError(Exception):
    """A class release cannot be assembled or verified (one line, for the command line)."""


def _keys_folder() -> Path:
    spec = importlib.util.find_spec("mlcourse.keys")
    if spec is None or not spec.submodule_search_locations:
        raise ReleaseError(
            "this installation has no answer keys (mlcourse.keys): verify a release with "
            "the course's own installation, which has them"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _lesson_texts(root: Path) -> Iterator[str]:
    """What every copy of the course shows: the lessons and the exercises notebooks."""
    for folder in ("curriculum", "exercises"):
        for path in sorted((root / folder).glob("*.ipynb")):
            notebook = parse_json(path.read_text(encoding="utf-8"))
            if is_notebook(notebook):
                for _where, text in notebook_texts(notebook)[0]:
                    yield text


def _declaration_texts(package: Path, keys: Path) -> Iterator[str]:
    """The package's modules but the keys: the exercises' declarations and the tools."""
    for path in sorted(package.rglob("*.py")):
        if keys not in path.parents:
            yield path.read_text(encoding="utf-8")


def load_fingerprints(root: Path) -> Fingerprints:
    """The fingerprints of the course at ``root``: its solutions/ and the installed keys.

    Only the lessons and the exercises notebooks of ``root`` are public for the answers of
    ``solutions/``: an answer line found there is not part of a fingerprint, and an answer
    they show whole is listed in ``notes`` (the lesson teaches it). An answer the package's
    other modules hold is looked for, so a release shipping it is rejected. For the keys'
    references, the package's other modules are public as well: a helper a key shares with a
    declaration (the same small function in both) is part of what the package is.

    Raises
    ------
    ReleaseError
        When ``root`` has no solutions/ or this installation has no ``mlcourse.keys``: what
        is not known cannot be looked for.
    """
    solutions = root / "solutions"
    if not any(solutions.glob("*.ipynb")):
        raise ReleaseError(
            f"no solutions/*.ipynb under {root}: the answers to look for are unknown"
        )
    keys = _keys_folder()
    lesson_lines, lesson_shingles = public_lines_and_words(_lesson_texts(root))
    package_lines, package_shingles = public_lines_and_words(_declaration_texts(keys.parent, keys))
    answers, notes = answer_fingerprints(solutions, lesson_lines)
    code, text = key_fingerprints(
        keys, lesson_lines | package_lines, lesson_shingles | package_shingles
    )
    return Fingerprints(answers + code, text, notes)


# --------------------------------------------------------------------------------------
# What a file reveals
# --------------------------------------------------------------------------------------


def _path_findings(label: str, path: str) -> list[str]:
    parts = PurePosixPath(path.replace("\\", "/")).parts
    found = []
    for index in range(len(parts) - 1):
        if parts[index] == "mlcourse" and parts[index + 1] == "keys":
            found.append(f"{label}: a module of the answer keys (mlcourse/keys/)")
            break
    if path.endswith(".ipynb") and "solutions" in parts[:-1]:
        found.append(f"{label}: a notebook of solutions/")
    return found


def _marked_cell(cell) -> bool:
    from ..build import SOLUTION_ONLY, has_markers

    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return False
    tags = (cell.get("metadata") or {}).get("tags") or []
    return SOLUTION_ONLY in tags or has_markers(joined(cell.get("source", "")))


def _text_findings(
    label: str, texts: list[tuple[str, str]], fingerprints: Fingerprints
) -> list[str]:
    found: dict[str, None] = {}  # in order, once each
    for where, text in texts:
        for what in fingerprints.found_in(text):
            found[f"{label}{' ' + where if where else ''}: holds {what}"] = None
    return list(found)


def _document_findings(label: str, text: str, fingerprints: Fingerprints, depth: int) -> list[str]:
    """A text file: a notebook cell by cell (whatever its name), JSON with its strings."""
    parsed = parse_json(text)
    if not is_notebook(parsed):
        texts = [("", text)]
        if parsed is not None:  # strings in JSON keep their lines escaped: read them too
            texts.append(("", "\n".join(json_strings(parsed))))
        return _text_findings(label, texts, fingerprints)
    found = []
    if any(_marked_cell(cell) for cell in parsed["cells"]):
        found.append(f"{label}: a solutions notebook (its cells hold answer markers or self-tests)")
    texts, payloads = notebook_texts(parsed)
    found += _text_findings(label, texts, fingerprints)
    for where, name, data in payloads:
        if data is None:
            found.append(f"{label} {where}: base64 data that does not decode")
        else:
            found += _item_findings(f"{label} {where}", name, data, fingerprints, depth + 1)
    return found


def _container_findings(
    label: str, path: str, kind: str, data: bytes, fingerprints: Fingerprints, depth: int
) -> list[str]:
    found = []
    if not expected_container(kind, path):
        found.append(f"{label}: a {kind} archive, which a class release does not ship")
    if depth >= MAX_ARCHIVE_DEPTH:
        return [*found, f"{label}: an archive nested more than {MAX_ARCHIVE_DEPTH} deep; not read"]
    try:
        for name, inner in members(kind, path, data):
            if isinstance(inner, str):
                found.append(f"{label}!{name}: {inner}")
            else:
                found += _item_findings(f"{label}!{name}", name, inner, fingerprints, depth + 1)
    except ValueError as error:
        found.append(f"{label}: {error}")
    return found


def _item_findings(
    label: str, path: str, data: bytes, fingerprints: Fingerprints, depth: int
) -> list[str]:
    """Everything a file (or an archive's member) reveals, opened as deep as it goes.

    ``label`` names it for the report (``outer!inner``), ``path`` is its own path inside its
    archive (what ``mlcourse/keys/`` and ``solutions/`` are recognised by).
    """
    found = _path_findings(label, path)
    kind = container_kind(data)
    if kind is not None:
        return found + _container_findings(label, path, kind, data, fingerprints, depth)
    text = decode_text(data)
    if text is not None:
        return found + _document_findings(label, text, fingerprints, depth)
    texts, problem = binary_texts(path, data)
    if problem:
        found.append(f"{label}: {problem}")
    return found + _text_findings(label, [("", text) for text in texts], fingerprints)


def _entry_findings(folder: Path) -> list[str]:
    """Symbolic links (not followed) and special files (not read) under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found.append(
                f"{name}: a symbolic link (not followed; a copy of the release would hold "
                "whatever it points to)"
            )
        elif not path.is_dir() and not path.is_file():
            found.append(f"{name}: a special file (not read)")
    return found


def find_answer_keys(
    folder: str | Path,
    *,
    root: str | Path | None = None,
    fingerprints: Fingerprints | None = None,
) -> list[str]:
    """Open every file under ``folder`` (and every member of every archive) for answer keys.

    Files are read as :mod:`._reading` reads them: archives and compressed files opened
    (nested up to :data:`MAX_ARCHIVE_DEPTH`), text in UTF-8 or UTF-16/32 with a byte-order
    mark, JSON with its strings, notebooks (whatever their names) cell by cell with their
    metadata, outputs and attachments, and the binary types a release ships.

    Reported: any symbolic link or special file (not read), any ``mlcourse/keys/`` member,
    any notebook of ``solutions/`` (by its path, or by answer markers or self-test cells in
    it), any text holding an answer cell of ``solutions/`` (its lines that the blanked
    exercise does not hold), any text holding a reference of ``mlcourse.keys`` (the source of
    a key's function, class or table, or one of its distinctive sentences, such as a
    mistake's message), and whatever cannot be read: a binary file of a type a release does
    not ship, an archive other than a wheel or ``.npz``, a pickled array, a corrupt archive.

    Parameters
    ----------
    folder : str or pathlib.Path
        What is checked, e.g. an assembled class release.
    root : str or pathlib.Path, optional
        The course whose answers are looked for (default: the course folder found from the
        working directory). The keys are those of the running installation.
    fingerprints : Fingerprints, optional
        What :func:`load_fingerprints` gave for the course, to check several folders
        without reading the course again (then ``root`` is not read).

    Returns
    -------
    list of str
        One line per finding, ``"<file>[!<member>][ cell N]: <what>"``; empty when clean.

    Raises
    ------
    ReleaseError
        When the answers to look for are unknown (no solutions/, no installed keys).
    """
    from .._paths import course_root

    folder = Path(folder)
    if not folder.is_dir():
        raise ReleaseError(f"{folder}: not a folder")
    if fingerprints is None:
        fingerprints = load_fingerprints(Path(root) if root is not None else course_root())
    findings = _entry_findings(folder)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            label = path.relative_to(folder).as_posix()
            findings += _item_findings(label, label, path.read_bytes(), fingerprints, 0)
    return findings
