"""``assemble_class_release`` on this course, and ``find_answer_keys`` made to fail.

One release is assembled for the whole folder (tests/test_release/conftest.py); the tests
that plant answer keys work on copies of it.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from mlcourse.release import (
    ReleaseError,
    ReleaseRejected,
    _assemble,
    assemble_class_release,
    class_version,
    find_answer_keys,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_release_holds_the_course_without_its_answers(release, fingerprints):
    folder = release.folder
    assert find_answer_keys(folder, fingerprints=fingerprints) == []
    for name in ("curriculum", "exercises"):
        shipped = sorted(p.name for p in (folder / name).glob("*.ipynb"))
        assert shipped == sorted(p.name for p in (ROOT / name).glob("*.ipynb"))
    assert (folder / "datasets" / "catalog.toml").is_file()
    assert not (folder / "solutions").exists() and not (folder / "src").exists()
    assert not list(folder.rglob("*solution*.ipynb"))
    assert (folder / "README.md").read_text().count(release.wheel.name) == 1
    assert any(line.startswith("building the wheel") for line in release.progress)
    assert any(re.match(r"copying 27 exercises notebooks", line) for line in release.progress)
    # nothing left beside the release (the temporary sibling was renamed into place)
    assert [p.name for p in folder.parent.iterdir()] == ["class"]


def test_the_wheel_is_the_package_without_its_keys(release):
    assert re.fullmatch(r"mlcourse-\d[^-]*\+class-py3-none-any\.whl", release.wheel.name)
    assert [p.name for p in release.wheel.parent.iterdir()] == [release.wheel.name]
    with zipfile.ZipFile(release.wheel) as wheel:
        names = wheel.namelist()
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        recorded = {line.split(",")[0] for line in wheel.read(record).decode().splitlines()}
    assert "mlcourse/exercises/m01.py" in names and "mlcourse/checks/_keys.py" in names
    assert not [n for n in names if n.startswith("mlcourse/keys/")]
    assert recorded == set(names)  # RECORD rewritten: every member, no removed one


def test_the_manifest_lists_every_file_with_its_sha256(release):
    folder = release.folder
    listed = {}
    for line in (folder / "MANIFEST").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(listed) == files - {"MANIFEST"}
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert release.files == len(files)


def test_installed_class_wheel_has_no_keys_and_checks_say_so(release, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        + [str(release.wheel)],
        check=True,
        capture_output=True,
    )
    assert not (target / "mlcourse" / "keys").exists()
    probe = """
import json, mlcourse
from mlcourse.checks._keys import keys_available
from mlcourse.exercises import get_module
problem = next(p for p in get_module("01").problems if p.keyed)
outcome = problem.check({name: 3 for name in problem.reads})
print(json.dumps({"file": mlcourse.__file__, "version": mlcourse.__version__,
                  "keys": keys_available(), "status": outcome.status,
                  "message": outcome.message}))
"""
    env = {**os.environ, "PYTHONPATH": str(target), "MLCOURSE_ROOT": str(release.folder)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(seen["file"]).is_relative_to(target)
    assert seen["version"].endswith("+class")
    assert seen["keys"] is False
    assert seen["status"] == "checker_error"
    assert "no answer key" in seen["message"] and "judged when it is graded" in seen["message"]


# --------------------------------------------------------------------------------------
# The verifier must be able to fail
# --------------------------------------------------------------------------------------


def _solutions_answer_cell(fingerprints) -> tuple[str, str]:
    """The module and source of a solutions answer cell of several lines."""
    from mlcourse.exercises._solutions import _drop_markers

    for fingerprint in fingerprints.code:
        match = re.match(
            r"the answer to (\d\d) \S+ \(solutions/(\S+), cell (\d+)\)", fingerprint.what
        )
        if match and len(fingerprint.lines) >= 3:
            notebook = json.loads((ROOT / "solutions" / match[2]).read_text())
            source = "".join(notebook["cells"][int(match[3])]["source"])
            return match[1], _drop_markers(source)
    raise AssertionError("no answer cell of three lines or more in solutions/")


def test_a_keys_module_inside_the_wheel_is_found(copy, fingerprints):
    (wheel,) = (copy / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel, "a") as archive:
        archive.write(ROOT / "src/mlcourse/keys/m01.py", "mlcourse/keys/m01.py")
    found = find_answer_keys(copy, fingerprints=fingerprints)
    assert (
        f"dist/{wheel.name}!mlcourse/keys/m01.py: a module of the answer keys (mlcourse/keys/)"
        in found
    )
    assert any("holds mlcourse.keys.m01." in line for line in found)


def test_a_solutions_notebook_is_found_by_path_and_by_content(copy, fingerprints):
    (source,) = (ROOT / "solutions").glob("07_*.ipynb")
    (copy / "solutions").mkdir()
    shutil.copy(source, copy / "solutions" / source.name)
    shutil.copy(source, copy / "curriculum" / "07_extra.ipynb")  # renamed: found by content
    found = find_answer_keys(copy, fingerprints=fingerprints)
    assert f"solutions/{source.name}: a notebook of solutions/" in found
    assert any(line.startswith("curriculum/07_extra.ipynb: a solutions notebook") for line in found)
    assert any(
        line.startswith("curriculum/07_extra.ipynb cell") and "the answer to 07" in line
        for line in found
    )


def test_an_answer_cell_pasted_into_an_exercises_notebook_is_found(copy, fingerprints):
    module, answer = _solutions_answer_cell(fingerprints)
    (path,) = (copy / "exercises").glob(f"{module}_*.ipynb")
    notebook = json.loads(path.read_text())
    pasted = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    notebook["cells"].insert(3, {**pasted, "source": "# my notes\n" + answer})
    path.write_text(json.dumps(notebook))
    found = find_answer_keys(copy, fingerprints=fingerprints)
    assert [line.split(":")[0] for line in found] == [f"exercises/{path.name} cell 3"]
    assert f"holds the answer to {module}" in found[0]


def _key_function(fingerprints, module: str) -> tuple[str, str]:
    """The name and source of a function of a key module that has a fingerprint."""
    source = (ROOT / f"src/mlcourse/keys/{module}.py").read_text()
    functions = {
        node.name: ast.get_source_segment(source, node)
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
    }
    for fingerprint in fingerprints.code:
        name = fingerprint.what.rpartition(".")[2]
        if fingerprint.what.startswith(f"mlcourse.keys.{module}.") and name in functions:
            return name, functions[name]
    raise AssertionError(f"no function of mlcourse.keys.{module} has a fingerprint")


def test_a_key_function_in_a_tarball_is_found(copy, fingerprints):
    name, function = _key_function(fingerprints, "m02")
    data = ("import numpy as np\n\n\n" + function + "\n").encode()
    with tarfile.open(copy / "notes.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo("notes/helpers.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    found = find_answer_keys(copy, fingerprints=fingerprints)
    assert found[0] == "notes.tar.gz: a gzip archive, which a class release does not ship"
    assert found[1] == "notes.tar.gz!notes.tar: a tar archive, which a class release does not ship"
    assert f"notes.tar.gz!notes.tar!notes/helpers.py: holds mlcourse.keys.m02.{name}" in found
    assert all(line.startswith("notes.tar.gz!notes.tar!notes/helpers.py: ") for line in found[2:])


def test_a_symbolic_link_is_reported_not_followed(copy, fingerprints):
    (copy / "curriculum" / "answers").symlink_to(ROOT / "solutions")
    found = find_answer_keys(copy, fingerprints=fingerprints)
    assert found == [
        "curriculum/answers: a symbolic link (not followed; a copy of the release would hold whatever it points to)"
    ]


# --------------------------------------------------------------------------------------
# Refusals: nothing written, nothing replaced
# --------------------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _no_progress(line: str) -> None:
    pass


def test_a_non_empty_target_is_refused_without_force(tmp_path):
    target = tmp_path / "class"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    with pytest.raises(ReleaseError, match="exists and is not empty .*--force"):
        assemble_class_release(ROOT, target, progress=_no_progress)
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("inside", [".", "solutions", "src/mlcourse"])
def test_the_course_itself_is_never_a_target(inside):
    with pytest.raises(ReleaseError, match="course"):
        assemble_class_release(ROOT, ROOT / inside, force=True, progress=_no_progress)


def _instructors_course(tmp_path: Path) -> Path:
    """A course folder with what an instructor keeps in it besides the course's sources."""
    course = tmp_path / "course"
    kept = {
        "work/01_python_essentials.ipynb": "a learner's answers",
        ".mlcourse/mlflow.db": "the tracking store",
        "docs/notes.md": "the instructor's notes",
        "tests/test_more.py": "tests",
    }
    for name, text in kept.items():
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_text(text)
    return course


@pytest.mark.parametrize("inside", ["work", ".mlcourse", "docs", "tests", "new/release"])
def test_no_folder_inside_the_course_is_a_target_even_with_force(tmp_path, inside):
    course = _instructors_course(tmp_path)
    before = _tree(course)
    with pytest.raises(ReleaseError, match=r"inside the course folder .*; choose a folder outside"):
        assemble_class_release(course, course / inside, force=True, progress=_no_progress)
    assert _tree(course) == before
    assert not (course / "new").exists()


def test_a_link_to_a_folder_inside_the_course_is_refused(tmp_path):
    course = _instructors_course(tmp_path)
    before = _tree(course)
    (tmp_path / "class").symlink_to(course / "work")
    with pytest.raises(ReleaseError, match=r"work: inside the course folder"):
        assemble_class_release(course, tmp_path / "class", force=True, progress=_no_progress)
    assert _tree(course) == before


def _plant(target: Path, layout: str) -> None:
    if layout == "no MANIFEST":
        (target / "MANIFEST").unlink()
    elif layout == "no class wheel":
        for wheel in (target / "dist").glob("*.whl"):
            wheel.rename(wheel.with_name("mlcourse-0.1.0-py3-none-any.whl"))
    elif layout == "a file edited":
        notebook = next((target / "exercises").glob("07_*.ipynb"))
        notebook.write_text(notebook.read_text().replace('"cells": [', '"cells": [ ', 1))
    elif layout == "a file added":
        (target / "notes.txt").write_text("the instructor's notes")
    elif layout == "a learner's work":
        (target / "work").mkdir()
        (target / "work" / "01_python_essentials.ipynb").write_text("answers")


@pytest.mark.parametrize(
    "layout",
    [
        "a home folder",
        "no MANIFEST",
        "no class wheel",
        "a file edited",
        "a file added",
        "a learner's work",
    ],
)
def test_force_replaces_nothing_but_an_earlier_class_release(release, tmp_path, layout):
    target = tmp_path / "class"
    if layout == "a home folder":
        target.mkdir()
        (target / ".bashrc").write_text("export EDITOR=vi")
        (target / "thesis").mkdir()
        (target / "thesis" / "draft.tex").write_text("chapter one")
    else:
        shutil.copytree(release.folder, target)
        _plant(target, layout)
    before = _tree(target)
    with pytest.raises(ReleaseError, match=r"not an earlier class release, so --force does not"):
        assemble_class_release(ROOT, target, force=True, progress=_no_progress)
    assert _tree(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["class"]


def _copied_wheel(release):
    def copy_wheel(root: Path, destination: Path) -> Path:
        destination.mkdir(parents=True)
        return Path(shutil.copy(release.wheel, destination / release.wheel.name))

    return copy_wheel


def test_force_replaces_an_earlier_class_release(release, tmp_path, monkeypatch):
    monkeypatch.setattr(_assemble, "class_wheel", _copied_wheel(release))
    target = tmp_path / "class"
    shutil.copytree(release.folder, target)
    (target / "datasets" / "empty").mkdir()  # an empty folder holds nothing to lose
    assemble_class_release(ROOT, target, force=True, progress=_no_progress)
    assert _tree(target) == _tree(release.folder)
    assert [p.name for p in tmp_path.iterdir()] == ["class"]


def test_a_missing_support_file_is_an_error(tmp_path, monkeypatch):
    support = (*_assemble.SUPPORT_FILES, "docs/no-such-rubric.md")
    monkeypatch.setattr(_assemble, "SUPPORT_FILES", support)
    with pytest.raises(ReleaseError, match=r"no-such-rubric\.md: missing; a class release needs"):
        assemble_class_release(ROOT, tmp_path / "class", progress=_no_progress)
    assert list(tmp_path.iterdir()) == []


def test_a_rejected_release_replaces_nothing(release, tmp_path, monkeypatch):
    def leaky_wheel(root, destination):
        wheel = _copied_wheel(release)(root, destination)
        with zipfile.ZipFile(wheel, "a") as archive:
            archive.write(ROOT / "src/mlcourse/keys/m03.py", "mlcourse/keys/m03.py")
        return wheel

    monkeypatch.setattr(_assemble, "class_wheel", leaky_wheel)
    target = tmp_path / "class"
    shutil.copytree(release.folder, target)
    before = _tree(target)
    with pytest.raises(ReleaseRejected) as info:
        assemble_class_release(ROOT, target, force=True, progress=_no_progress)
    assert any("mlcourse/keys/m03.py" in line for line in info.value.findings)
    assert [p.name for p in tmp_path.iterdir()] == ["class"]
    assert _tree(target) == before


def test_class_version_labels_the_version():
    assert class_version("0.1.0") == "0.1.0+class"
    assert class_version("0.1.0+abc") == "0.1.0+abc.class"
