"""Find the submissions: notebook files, a folder per learner, or an LMS zip.

Discovery reads each notebook once to hash it, and keeps only the hash: the bytes are read
again when the submission is graded, so a batch of large submissions never sits in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .._curriculum import MODULES

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_ZIP_TOTAL = 2 * 1024 * 1024 * 1024
MAX_ZIP_NOTEBOOKS = 20_000
MAX_LEARNER_NAME = 100  # characters: result and page file names stay far below 255 bytes
#: A course notebook's name at the end of a file name (``ada_01_python_essentials``): only the
#: course's own module names, so that digits of an LMS id (``Jane Smith_123456_...``) stay.
_MODULE_SUFFIX = re.compile(
    r"[_\-\s.]*(?:" + "|".join(f"{n}_{slug}" for n, (slug, _) in MODULES.items()) + r")[\s.]*$"
)
#: Moodle's suffix after the learner's name and participant id, with whatever follows it: a
#: folder ``Jane Smith_123456_assignsubmission_file_`` or, in a flat download, a file
#: ``Jane Smith_123456_assignsubmission_file_03_pandas.ipynb`` (the file's own name after it).
_MOODLE_SUFFIX = re.compile(r"_assignsubmission_[a-z]+(?:_.*)?$", re.ASCII | re.DOTALL)
_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass
class Submission:
    """One learner's notebook for one module.

    Parameters
    ----------
    learner : str
        The learner's name, safe as a file name.
    name : str
        The notebook's name as submitted.
    content : bytes or callable or None
        The notebook's bytes, or a function that reads them (from a file or a zip, when the
        submission is graded); None when there is no notebook (``problem`` says why).
    problem : str, optional
        Why there is no notebook to grade.
    """

    learner: str
    name: str
    content: bytes | Callable[[], bytes] | None
    problem: str | None = None
    _sha256: str | None = field(default=None, repr=False)

    @property
    def data(self) -> bytes | None:
        """The submitted bytes (read now, when they live in a file or a zip)."""
        if callable(self.content):
            return self.content()
        return self.content

    @property
    def sha256(self) -> str:
        """SHA-256 of the submitted bytes."""
        if self._sha256 is None:
            try:
                data = self.data or b""
            except Exception:  # noqa: BLE001 - unreadable now (a corrupt zip member): graded as such
                data = b""
            self._sha256 = hashlib.sha256(data).hexdigest()
        return self._sha256


def learner_from_name(stem: str) -> str:
    """The learner's name for a submission's file or folder name (without ``.ipynb``).

    ``ada_01_python_essentials`` -> ``ada``; Moodle's ``Jane Smith_123456_assignsubmission_file_``
    (a folder) and ``Jane Smith_123456_assignsubmission_file_03_pandas`` (a file of a flat
    download) -> ``Jane-Smith_123456``. Characters other than ``A-Z a-z 0-9 . _ @ + -`` become
    ``-``, at most ``MAX_LEARNER_NAME`` characters are kept. The result is a fixed point:
    ``learner_from_name(learner_from_name(x)) == learner_from_name(x)``.

    Parameters
    ----------
    stem : str
        The name to derive the learner from.

    Returns
    -------
    str
        Never empty (``unknown`` when nothing is left).
    """
    name = stem[: MAX_LEARNER_NAME * 2]  # the suffix patterns backtrack on long names
    # after the first pass every change shortens the name, so this many passes reach a
    # name the next pass leaves as it is
    for _ in range(len(name) + 2):
        derived = _derive_once(name)
        if derived == name:
            break
        name = derived
    return name


def _derive_once(name: str) -> str:
    """One pass: drop Moodle's and the module's suffixes, make safe, trim, cap the length."""
    base = _MODULE_SUFFIX.sub("", _MOODLE_SUFFIX.sub("", name)) or name
    safe = _SAFE.sub("-", base).strip("-.")[:MAX_LEARNER_NAME].strip("-.")
    return safe or "unknown"


def _pick(notebooks: list[tuple[str, bytes | None, str | None]], module: str):
    """Choose the module's notebook among a learner's files."""
    if not notebooks:
        return None, None, "no .ipynb file in the submission"
    matching = [n for n in notebooks if PurePosixPath(n[0]).name.startswith(f"{module}_")]
    chosen = matching or notebooks
    if len(chosen) > 1:
        names = ", ".join(sorted(PurePosixPath(n[0]).name for n in chosen))
        return (
            chosen[0][0],
            None,
            f"several notebooks and none clearly for module {module}: {names}",
        )
    name, data, problem = chosen[0]
    return name, data, problem


def _read(path: Path) -> tuple[Callable[[], bytes] | None, str | None]:
    """A reader of a regular file of at most MAX_NOTEBOOK_BYTES, or why there is none."""
    from ._files import NotRegular, read_regular

    try:
        read_regular(path, MAX_NOTEBOOK_BYTES)
    except NotRegular as error:
        if "larger than" in str(error):
            return None, f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
        return None, "not a regular file"
    return lambda: read_regular(path, MAX_NOTEBOOK_BYTES), None


def discover(paths: list[Path], module: str) -> list[Submission]:
    """Turn command-line paths into submissions, one per learner.

    - a ``.ipynb`` file: the learner is its name without a module suffix;
    - a folder holding ``.ipynb`` files: one learner per file;
    - a folder of folders: one learner per sub-folder (its name);
    - a ``.zip``: the same rules applied to its content (unpacked in memory, safely).

    Raises
    ------
    FileNotFoundError
        For a path that does not exist.
    """
    found: list[Submission] = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        if path.is_file() and path.suffix == ".zip":
            found += _from_zip(path, module)
        elif path.is_file():
            data, problem = _read(path)
            found.append(Submission(learner_from_name(path.stem), path.name, data, problem))
        else:
            found += _from_folder(path, module)
    return _unique(found)


def _from_folder(folder: Path, module: str) -> list[Submission]:
    result = []
    for file in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".ipynb"):
        data, problem = _read(file)
        result.append(Submission(learner_from_name(file.stem), file.name, data, problem))
    for sub in sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    ):
        notebooks = []
        for file in _notebooks_under(sub):
            data, problem = _read(file)
            notebooks.append((str(file.relative_to(sub)), data, problem))
        name, data, problem = _pick(notebooks, module)
        result.append(Submission(learner_from_name(sub.name), name or sub.name, data, problem))
    return result


def _notebooks_under(folder: Path, limit: int = 1000, depth: int = 20) -> list[Path]:
    """The ``.ipynb`` files under ``folder``: no symlinked folder, no recursion, bounded."""
    found: list[Path] = []
    stack = [(folder, 0)]
    while stack and len(found) < limit:
        parent, level = stack.pop()
        try:
            entries = sorted(os.scandir(parent), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if level < depth and entry.name != ".ipynb_checkpoints":
                        stack.append((Path(entry.path), level + 1))
                elif entry.name.endswith(".ipynb") and entry.is_file(follow_symlinks=False):
                    found.append(Path(entry.path))
            except OSError:
                continue
    return sorted(found)[:limit]


def _from_zip(path: Path, module: str) -> list[Submission]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return [
            Submission(learner_from_name(path.stem), path.name, None, "not a readable zip file")
        ]
    with archive:
        entries = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and i.filename.endswith(".ipynb")
            and "__MACOSX" not in i.filename
            and ".ipynb_checkpoints" not in i.filename
        ]
        total = sum(i.file_size for i in entries)
        if len(entries) > MAX_ZIP_NOTEBOOKS:
            return [
                Submission(
                    learner_from_name(path.stem),
                    path.name,
                    None,
                    f"the zip holds more than {MAX_ZIP_NOTEBOOKS} notebooks",
                )
            ]
        if total > MAX_ZIP_TOTAL:
            return [
                Submission(
                    learner_from_name(path.stem),
                    path.name,
                    None,
                    "the zip unpacks to too much data",
                )
            ]
        groups: dict[str, list] = {}
        loose = []
        for info in entries:
            parts = PurePosixPath(info.filename).parts
            if ".." in parts or info.filename.startswith("/"):
                continue
            if info.file_size > MAX_NOTEBOOK_BYTES:
                data, problem = None, "the file is too large"
            else:
                data, problem = _zip_member(path, info.filename), None
            if len(parts) > 1:
                groups.setdefault(parts[0], []).append(("/".join(parts[1:]), data, problem))
            else:
                loose.append(
                    Submission(
                        learner_from_name(PurePosixPath(parts[0]).stem), parts[0], data, problem
                    )
                )
    result = loose
    for folder, notebooks in sorted(groups.items()):
        name, data, problem = _pick(notebooks, module)
        result.append(Submission(learner_from_name(folder), name or folder, data, problem))
    return result


def _zip_member(path: Path, member: str) -> Callable[[], bytes]:
    """A reader of one member of a zip, at most MAX_NOTEBOOK_BYTES whatever its header says."""

    def read() -> bytes:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            data = handle.read(MAX_NOTEBOOK_BYTES + 1)
        if len(data) > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"{member} unpacks to more than {MAX_NOTEBOOK_BYTES} bytes")
        return data

    return read


def _unique(submissions: list[Submission]) -> list[Submission]:
    """Give every submission its own learner name (``ada``, ``ada-2``, ...), never a taken one.

    A numbered name stays within ``MAX_LEARNER_NAME`` characters (the base is shortened), and
    :func:`learner_from_name` leaves it as it is: the base is such a name, and no suffix the
    function drops can end in ``-N``.
    """
    taken: set[str] = set()
    for submission in submissions:
        name, count = submission.learner, 1
        while name in taken:
            count += 1
            name = _numbered(submission.learner, count)
        taken.add(name)
        submission.learner = name
    return submissions


def _numbered(learner: str, count: int) -> str:
    """``learner-count``, the base cut so that the whole fits ``MAX_LEARNER_NAME``."""
    suffix = f"-{count}"
    base = learner[: MAX_LEARNER_NAME - len(suffix)].rstrip("-.") or "unknown"
    return f"{base}{suffix}"
