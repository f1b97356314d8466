"""Find the submissions: notebook files, a folder per learner, or an LMS zip."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_ZIP_TOTAL = 2 * 1024 * 1024 * 1024
_MODULE_SUFFIX = re.compile(r"[_\-\s]*\d{2}_[a-z_]+$")
_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass
class Submission:
    """One learner's notebook for one module."""

    learner: str
    name: str
    data: bytes | None
    problem: str | None = None

    @property
    def sha256(self) -> str:
        """SHA-256 of the submitted bytes."""
        return hashlib.sha256(self.data or b"").hexdigest()


def learner_from_name(stem: str) -> str:
    """``ada_01_python_essentials`` -> ``ada``; anything else is kept, made filename-safe."""
    base = _MODULE_SUFFIX.sub("", stem) or stem
    return _SAFE.sub("-", base).strip("-.") or "unknown"


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


def _read(path: Path) -> tuple[bytes | None, str | None]:
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        return None, f"the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    return path.read_bytes(), None


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
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        notebooks = []
        for file in sorted(sub.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in file.parts:
                continue
            data, problem = _read(file)
            notebooks.append((str(file.relative_to(sub)), data, problem))
        name, data, problem = _pick(notebooks, module)
        result.append(Submission(learner_from_name(sub.name), name or sub.name, data, problem))
    return result


def _from_zip(path: Path, module: str) -> list[Submission]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
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
                data, problem = archive.read(info)[: MAX_NOTEBOOK_BYTES + 1], None
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


def _unique(submissions: list[Submission]) -> list[Submission]:
    seen: dict[str, int] = {}
    for submission in submissions:
        count = seen.get(submission.learner, 0)
        seen[submission.learner] = count + 1
        if count:
            submission.learner = f"{submission.learner}-{count + 1}"
    return submissions
