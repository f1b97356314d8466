"""``assemble_class_release``: the folder an instructor hands out to a graded class."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._verify import ReleaseError, find_answer_keys, load_fingerprints
from ._wheel import class_wheel

# What a class release holds besides the notebooks and the wheel: files the lessons and the
# exercises read or name at run time (datasets' catalog and cards, module 21's retraining
# job, the capstone's rubric). Never solutions/, tests/, the sources or the answer keys.
SUPPORT_FILES = (
    "datasets",
    "ci/templates/retraining",
    "docs/capstone-rubric.md",
)
MANIFEST = "MANIFEST"


class ReleaseRejected(ReleaseError):
    """The assembled release holds an answer key; nothing was written."""

    def __init__(self, findings: list[str]):
        super().__init__(f"the release holds {len(findings)} answer key(s); nothing was written")
        self.findings = findings


@dataclass
class ClassRelease:
    """An assembled class release."""

    folder: Path
    wheel: Path
    files: int
    notes: list[str] = field(default_factory=list)


def _check_target(root: Path, out_dir: Path, force: bool) -> None:
    """Refuse a target that would hide or replace anything it should not.

    The course folder, its parents and every folder inside it (learners' ``work/``, the
    tracking store ``.mlcourse/``, docs, tests, whatever its name) are refused. A folder that
    exists and is not empty is replaced only with ``force``, and only when it is an earlier
    class release: see :func:`_check_earlier_release`.
    """
    if out_dir == root or out_dir in root.parents:
        raise ReleaseError(f"{out_dir}: is the course folder or holds it; choose a new folder")
    if root in out_dir.parents:
        raise ReleaseError(
            f"{out_dir}: inside the course folder {root}; choose a folder outside it"
        )
    if out_dir.is_symlink() or (out_dir.exists() and not out_dir.is_dir()):
        raise ReleaseError(f"{out_dir}: exists and is not a folder")
    if not out_dir.is_dir() or not any(out_dir.iterdir()):
        return
    if not force:
        raise ReleaseError(f"{out_dir}: exists and is not empty (use --force to replace it)")
    _check_earlier_release(out_dir)


def _manifest_digests(out_dir: Path) -> dict[str, str] | None:
    """``{file: SHA-256}`` as an earlier release's MANIFEST lists them; None without one."""
    manifest = out_dir / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return None
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    digests = {}
    for line in lines:
        digest, separator, name = line.partition("  ")
        if not separator or len(digest) != 64:
            return None
        digests[name] = digest
    return digests


def _check_earlier_release(out_dir: Path) -> None:
    """Refuse to replace ``out_dir`` unless it is an earlier class release, unchanged.

    An earlier release has a ``MANIFEST``, a ``dist/mlcourse-*+class*.whl`` listed in it,
    and nothing else: every file under it is in its MANIFEST with the SHA-256 listed there
    (a learner's ``work/``, a file added or edited since, makes it something else, which
    ``--force`` does not replace).
    """
    digests = _manifest_digests(out_dir)
    refusal = f"{out_dir}: not an earlier class release, so --force does not replace it"
    if digests is None:
        raise ReleaseError(f"{refusal} (no MANIFEST)")
    wheels = [path.name for path in (out_dir / "dist").glob("mlcourse-*+class*.whl")]
    if not any(f"dist/{wheel}" in digests for wheel in wheels):
        raise ReleaseError(f"{refusal} (no dist/mlcourse-*+class*.whl in its MANIFEST)")
    for path in sorted(out_dir.rglob("*")):
        name = path.relative_to(out_dir).as_posix()
        if path.is_symlink() or (not path.is_dir() and name != MANIFEST and name not in digests):
            raise ReleaseError(f"{refusal} ({name} is not one of the release's files)")
        if name in digests and hashlib.sha256(path.read_bytes()).hexdigest() != digests[name]:
            raise ReleaseError(f"{refusal} ({name} was changed since it was written)")


def _check_support(root: Path) -> None:
    for name in SUPPORT_FILES:
        if not (root / name).exists():
            raise ReleaseError(f"{root / name}: missing; a class release needs it")


def _check_course(root: Path) -> None:
    from ..build import BuildError, build_course

    for name in ("curriculum", "exercises", "solutions"):
        if not any((root / name).glob("*.ipynb")):
            raise ReleaseError(f"{root}: not a course folder (no {name}/*.ipynb)")
    try:
        in_sync = build_course(root, check=True).in_sync
    except (BuildError, ValueError) as error:
        raise ReleaseError(str(error)) from None
    if not in_sync:
        raise ReleaseError("exercises/ is out of date with solutions/: run `mlcourse build` first")


def _copy_notebooks(root: Path, staging: Path, folder: str, say: Callable[[str], None]) -> None:
    notebooks = sorted((root / folder).glob("*.ipynb"))
    say(f"copying {len(notebooks)} {folder} notebooks...")
    (staging / folder).mkdir()
    for path in notebooks:
        shutil.copy2(path, staging / folder / path.name)


def _copy_support(root: Path, staging: Path, say: Callable[[str], None]) -> None:
    say(f"copying {', '.join(SUPPORT_FILES)}...")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in SUPPORT_FILES:
        source, target = root / name, staging / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignore)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        else:
            raise ReleaseError(f"{source}: missing; a class release needs it")


def _write_readme(staging: Path, wheel: Path, version: str) -> None:
    text = f"""# mlcourse {version}: your copy of the course

A hands-on machine-learning course in executable Jupyter notebooks. This copy is your
class's: the lessons (`curriculum/`), the exercises (`exercises/`), the datasets' catalog
and the course's Python package. The exercises' answers are not in it, and `check()` tells
you when an answer can only be judged when it is graded.

## Install and start

You need Python 3.10 or newer.

```bash
python -m venv .venv
.venv/bin/python -m pip install dist/{wheel.name}
.venv/bin/python -m mlcourse.kernel install
.venv/bin/mlcourse lab
```

(On Windows: `.venv\\Scripts\\python` and `.venv\\Scripts\\mlcourse`.) `mlcourse lab`, run
in this folder, opens `curriculum/00_start_here.ipynb`; your work goes to `work/`, where
each exercises notebook is copied on first use. Nothing in the course reaches the internet.

## Checking the copy

`MANIFEST` lists every file with its SHA-256: `sha256sum -c MANIFEST` checks them.
"""
    (staging / "README.md").write_text(text, encoding="utf-8")


def _write_manifest(staging: Path) -> int:
    lines = []
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(staging).as_posix()}")
    (staging / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) + 1


def _replace(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` at ``out_dir``, replacing what is there, never leaving half of either."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    old.rmdir()
    out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except OSError:
        old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def assemble_class_release(
    root: str | Path,
    out_dir: str | Path,
    *,
    force: bool = False,
    progress: Callable[[str], None] = print,
) -> ClassRelease:
    """Assemble what an instructor hands out to a graded class, with no answer key in it.

    ``out_dir`` receives ``curriculum/`` (lessons, outputs kept), ``exercises/``,
    ``datasets/`` (catalog and cards), module 21's retraining job and the capstone's rubric,
    a README for learners, ``dist/mlcourse-VERSION+class-py3-none-any.whl`` (the package
    without ``mlcourse.keys``) and a ``MANIFEST`` of every file's SHA-256. Everything is
    assembled in a temporary sibling of ``out_dir``, verified with :func:`find_answer_keys`,
    and only then renamed into place.

    Parameters
    ----------
    root : str or pathlib.Path
        The course's source folder (with solutions/, src/ and pyproject.toml).
    out_dir : str or pathlib.Path
        The release folder, outside the course folder; it must not exist or be empty,
        unless ``force``.
    force : bool
        Replace ``out_dir`` when it is an earlier class release (a ``MANIFEST``, a class
        wheel in ``dist/``, and no file the MANIFEST does not list); anything else is
        refused.
    progress : callable
        Called with one line per step.

    Returns
    -------
    ClassRelease

    Raises
    ------
    ReleaseError
        Bad input (a target inside the course folder, a non-empty target without ``force``
        or, with it, one that is not an earlier class release; not a course folder, a
        missing support file, exercises out of date, a failed build). Nothing is written.
    ReleaseRejected
        The verifier found answer keys in the assembled release (``findings``). Nothing is
        written.
    """
    root, out_dir = Path(root).resolve(), Path(out_dir).resolve()
    _check_target(root, out_dir, force)
    _check_course(root)
    _check_support(root)
    fingerprints = load_fingerprints(root)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        progress("building the wheel without the answer keys...")
        wheel = class_wheel(root, staging / "dist")
        _copy_notebooks(root, staging, "curriculum", progress)
        _copy_notebooks(root, staging, "exercises", progress)
        _copy_support(root, staging, progress)
        _write_readme(staging, wheel, wheel.name.split("-")[1])
        files = _write_manifest(staging)
        progress(f"looking for answer keys in {files} files and the wheel's members...")
        findings = find_answer_keys(staging, fingerprints=fingerprints)
        if findings:
            raise ReleaseRejected(findings)
        _replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ClassRelease(out_dir, out_dir / "dist" / wheel.name, files, fingerprints.notes)
