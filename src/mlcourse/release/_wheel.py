"""The declaration-only wheel: the normal wheel, built by ``build``, with the answer keys removed.

The wheel is built offline (``python -m build --wheel --no-isolation``: the build backend
installed here is used, nothing is downloaded) from a copy of the package's sources, so the
course folder is not written to. It is then unpacked and repacked with the ``wheel`` package,
which rewrites its RECORD; its version gains the local label ``+class`` so that ``pip list``
says which package a learner has.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ._verify import ReleaseError

CLASS_LABEL = "class"
# The package's subfolders that are references only: the answer keys.
REFERENCE_PACKAGES = ("mlcourse/keys",)
_SOURCE_FILES = ("pyproject.toml", "README.md", "LICENSE", "MANIFEST.in")


def class_version(version: str) -> str:
    """``0.1.0`` -> ``0.1.0+class``; a version with a local label gets ``.class`` appended."""
    return f"{version}.{CLASS_LABEL}" if "+" in version else f"{version}+{CLASS_LABEL}"


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["(no output)"]
        raise ReleaseError(f"{what} failed: {lines[-1].strip()}")


def _require(module: str, package: str) -> None:
    if importlib.util.find_spec(module) is None:
        raise ReleaseError(
            f"assembling a release needs the {package} package: pip install {package} "
            "(it is among mlcourse's dev dependencies)"
        )


def build_wheel(root: Path, work: Path) -> Path:
    """Build the package's normal wheel from a copy of ``root``'s sources into ``work``.

    Raises
    ------
    ReleaseError
        When ``root`` is not the package's source folder, or the build fails.
    """
    _require("build", "build")
    if not (root / "pyproject.toml").is_file() or not (root / "src" / "mlcourse").is_dir():
        raise ReleaseError(
            f"{root}: not the course's source folder (no pyproject.toml, src/mlcourse)"
        )
    source = work / "source"
    source.mkdir()
    for name in _SOURCE_FILES:
        if (root / name).is_file():
            shutil.copy2(root / name, source / name)
    shutil.copytree(
        root / "src",
        source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
    )
    out = work / "wheel"
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    _run([*command, str(source)], "building the wheel")
    wheels = sorted(out.glob("mlcourse-*.whl"))
    if len(wheels) != 1:
        raise ReleaseError(f"building the wheel gave {len(wheels)} wheels, not one")
    return wheels[0]


def strip_wheel(wheel: Path, destination: Path, work: Path) -> Path:
    """Repack ``wheel`` into ``destination`` without the answer keys, as version ``+class``.

    Returns
    -------
    pathlib.Path
        The declaration-only wheel, ``mlcourse-VERSION+class-py3-none-any.whl``.
    """
    _require("wheel", "wheel")
    unpacked = work / "unpacked"
    _run([sys.executable, "-m", "wheel", "unpack", "-d", str(unpacked), str(wheel)], "wheel unpack")
    (tree,) = unpacked.iterdir()
    for package in REFERENCE_PACKAGES:
        shutil.rmtree(tree / package, ignore_errors=True)
    (dist_info,) = tree.glob("*.dist-info")
    version = dist_info.name[: -len(".dist-info")].split("-", 1)[1]
    labelled = class_version(version)
    _set_version(dist_info / "METADATA", version, labelled)
    dist_info.rename(dist_info.with_name(f"mlcourse-{labelled}.dist-info"))
    destination.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "wheel", "pack", "-d", str(destination), str(tree)], "wheel pack")
    (stripped,) = destination.glob(f"mlcourse-{labelled}-*.whl")
    return stripped


def _set_version(metadata: Path, version: str, labelled: str) -> None:
    lines = metadata.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line == f"Version: {version}":
            lines[index] = f"Version: {labelled}"
            break
        if not line:  # the headers end at the first empty line
            raise ReleaseError(f"{metadata.name} has no 'Version: {version}' header")
    metadata.write_text("\n".join(lines), encoding="utf-8")


def class_wheel(root: Path, destination: Path) -> Path:
    """Build the declaration-only wheel of the course at ``root`` into ``destination``."""
    with tempfile.TemporaryDirectory(prefix="mlcourse-wheel-") as scratch:
        work = Path(scratch)
        return strip_wheel(build_wheel(root, work), destination, work)
