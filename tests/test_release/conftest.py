"""One class release and one set of fingerprints for every test of tests/test_release/.

Building the wheel and reading the course take seconds: the tests that plant answer keys
work on copies of the release, or on small folders of their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlcourse.release import assemble_class_release, load_fingerprints

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def fingerprints():
    return load_fingerprints(ROOT)


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    lines: list[str] = []
    out = tmp_path_factory.mktemp("release") / "class"
    result = assemble_class_release(ROOT, out, progress=lines.append)
    result.progress = lines
    return result


@pytest.fixture
def copy(release, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(release.folder, target)
    return target
