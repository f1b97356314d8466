"""``find_answer_keys``: open everything in a folder and report any answer key found in it."""

from __future__ import annotations

import importlib.util
import io
import json
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ._fingerprints import (
    Fingerprints,
    answer_fingerprints,
    key_fingerprints,
    public_lines_and_words,
)

# Archives inside archives are opened to this depth (a wheel in a zip in a tarball).
MAX_ARCHIVE_DEPTH = 4
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
# Outputs that are pictures or widgets carry no code: not read.
_TEXT_OUTPUTS = ("text/plain", "text/markdown", "text/html", "text/latex", "application/json")


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


def _public_texts(root: Path, package: Path, keys: Path) -> Iterator[str]:
    """What every copy of the course hands out: declarations, lessons, exercises."""
    for path in sorted(package.rglob("*.py")):
        if keys not in path.parents:
            yield path.read_text(encoding="utf-8")
    for folder in ("curriculum", "exercises"):
        for path in sorted((root / folder).glob("*.ipynb")):
            for _where, text, _cell in _notebook_documents(path.read_bytes()) or ():
                yield text


def load_fingerprints(root: Path) -> Fingerprints:
    """The fingerprints of the course at ``root``: its solutions/ and the installed keys.

    What the course hands out anyway (the package's other modules, the lessons and the
    exercises of ``root``) is public: an answer line or a key's sentence found there is not
    part of a fingerprint. Answers that a lesson shows whole are listed in ``notes``.

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
    public_lines, public_shingles = public_lines_and_words(_public_texts(root, keys.parent, keys))
    answers, notes = answer_fingerprints(solutions, public_lines)
    code, text = key_fingerprints(keys, public_lines, public_shingles)
    return Fingerprints(answers + code, text, notes)


# --------------------------------------------------------------------------------------
# Every file, and every member of every archive
# --------------------------------------------------------------------------------------


def _is_tar_name(name: str) -> bool:
    return name.lower().endswith(_TAR_SUFFIXES)


def _members(label: str, data: bytes, depth: int) -> Iterator[tuple[str, str, bytes]]:
    """``(label, path, data)`` of a file, then of every member if it is an archive."""
    yield label, label, data
    if depth >= MAX_ARCHIVE_DEPTH:
        return
    buffer = io.BytesIO(data)
    if zipfile.is_zipfile(buffer):
        try:
            with zipfile.ZipFile(buffer) as archive:
                for info in archive.infolist():
                    if not info.is_dir():
                        inner = archive.read(info)
                        yield from _nested(label, info.filename, inner, depth)
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            yield label, label, f"unreadable archive: {error}".encode()
    elif _is_tar_name(label):
        try:
            with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
                for info in archive:
                    member = archive.extractfile(info) if info.isfile() else None
                    if member is not None:
                        yield from _nested(label, info.name, member.read(), depth)
        except (tarfile.TarError, OSError, EOFError) as error:
            yield label, label, f"unreadable archive: {error}".encode()


def _nested(label: str, name: str, data: bytes, depth: int) -> Iterator[tuple[str, str, bytes]]:
    for inner_label, _path, inner in _members(f"{label}!{name}", data, depth + 1):
        yield inner_label, inner_label.rsplit("!", 1)[-1], inner


def walk(folder: Path) -> Iterator[tuple[str, str, bytes]]:
    """Every file under ``folder`` and every member of the archives among them.

    Yields
    ------
    tuple
        ``(label, path, data)``: ``label`` names the file relative to ``folder``, members of
        archives as ``outer!inner``; ``path`` is the file's own path (inside its archive).
    """
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            label = path.relative_to(folder).as_posix()
            yield from _members(label, path.read_bytes(), 0)


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


def _notebook_documents(data: bytes) -> list[tuple[str, str, dict]] | None:
    """``(where, text, cell)`` of every cell's source and text output; None if not a notebook."""
    try:
        notebook = json.loads(data)
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError):
        return None
    documents = []
    for index, cell in enumerate(cells if isinstance(cells, list) else []):
        if not isinstance(cell, dict):
            continue
        documents.append((f"cell {index}", _joined(cell.get("source", "")), cell))
        for output in cell.get("outputs", []) or []:
            if not isinstance(output, dict):
                continue
            texts = [_joined(output.get("text", ""))]
            data_ = output.get("data", {}) if isinstance(output.get("data"), dict) else {}
            texts += [_joined(data_.get(kind, "")) for kind in _TEXT_OUTPUTS]
            documents.append((f"cell {index} output", "\n".join(texts), {}))
    return documents


def _joined(value) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else json.dumps(value)


def _marked_cell(cell: dict) -> bool:
    from ..build import SOLUTION_ONLY, has_markers

    if cell.get("cell_type") != "code":
        return False
    tags = (cell.get("metadata") or {}).get("tags") or []
    return SOLUTION_ONLY in tags or has_markers(_joined(cell.get("source", "")))


def _content_findings(label: str, path: str, data: bytes, fingerprints: Fingerprints) -> list[str]:
    if b"\0" in data[:8192]:
        return []  # binary: pictures, weights, archives (their members are read one by one)
    documents = _notebook_documents(data) if path.endswith(".ipynb") else None
    found = []
    if documents is None:
        documents = [("", data.decode("utf-8", errors="replace"), {})]
    elif any(_marked_cell(cell) for _where, _text, cell in documents):
        found.append(f"{label}: a solutions notebook (its cells hold answer markers or self-tests)")
    for where, text, _cell in documents:
        for what in fingerprints.found_in(text):
            found.append(f"{label}{' ' + where if where else ''}: holds {what}")
    return found


def find_answer_keys(
    folder: str | Path,
    *,
    root: str | Path | None = None,
    fingerprints: Fingerprints | None = None,
) -> list[str]:
    """Open every file under ``folder`` (and every member of every archive) for answer keys.

    Reported: any symbolic link (its target is not read), any ``mlcourse/keys/`` member, any notebook of ``solutions/`` (by its path, or
    by answer markers or self-test cells in it), any text holding an answer cell of
    ``solutions/`` (its lines that the blanked exercise does not hold), and any text holding
    a reference of ``mlcourse.keys`` (the source of a key's function, class or table, or one
    of its distinctive sentences, such as a mistake's message).

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
    findings = [
        f"{path.relative_to(folder).as_posix()}: a symbolic link (not followed; a copy of "
        "the release would hold whatever it points to)"
        for path in sorted(folder.rglob("*"))
        if path.is_symlink()
    ]
    for label, path, data in walk(folder):
        findings += _path_findings(label, path)
        findings += _content_findings(label, path, data, fingerprints)
    return findings
