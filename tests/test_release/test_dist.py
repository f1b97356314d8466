"""The published package: ``make dist``'s build and check, and the tagged-release workflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _copy_of_the_repository(target: Path) -> Path:
    """The repository's files (tracked, and new ones not ignored) copied to ``target``.

    Building writes ``src/mlcourse.egg-info`` beside the sources: building a copy keeps the
    repository as it is, while the copy still holds the tests, notebooks and solutions that
    the sdist must leave out.
    """
    listing = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    try:
        listed = subprocess.run(listing, cwd=ROOT, check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        ignore = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info", "__py*")
        shutil.copytree(ROOT, target, ignore=ignore, dirs_exist_ok=True)
        return target
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _build_outputs() -> dict[str, int]:
    """What a build in the repository would write there, with the times it was written."""
    found = {}
    for path in (ROOT / "build", ROOT / "src" / "mlcourse.egg-info"):
        for item in [path, *path.rglob("*")] if path.exists() else []:
            found[item.relative_to(ROOT).as_posix()] = item.stat().st_mtime_ns
    return found


@pytest.fixture(scope="module")
def outputs_before() -> dict[str, int]:
    return _build_outputs()


@pytest.fixture(scope="module")
def dist(tmp_path_factory, outputs_before):
    """The wheel and sdist of this project, built as ``make dist`` builds them (from a copy)."""
    source = _copy_of_the_repository(tmp_path_factory.mktemp("source"))
    out = tmp_path_factory.mktemp("dist")
    build = [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)]
    subprocess.run(build, check=True, capture_output=True)
    return out


def test_building_leaves_the_repository_as_it_was(dist, outputs_before):
    assert _build_outputs() == outputs_before


def test_wheel_and_sdist_pass_twine_check_strict(dist):
    files = sorted(p.name for p in dist.iterdir())
    assert len(files) == 2
    assert re.fullmatch(r"mlcourse-[\d.]+-py3-none-any\.whl", files[0])
    assert re.fullmatch(r"mlcourse-[\d.]+\.tar\.gz", files[1])
    check = [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())]
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("PASSED") == 2


def test_sdist_holds_what_a_source_install_needs_and_nothing_else(dist):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in ("pyproject.toml", "README.md", "LICENSE", "src/mlcourse/cli.py"):
        assert needed in names
    # the public package is the self-paced one: declarations and answer keys
    assert "src/mlcourse/exercises/m01.py" in names and "src/mlcourse/keys/m01.py" in names
    assert "src/mlcourse/quiz/bank/m07.toml" in names
    for absent in ("solutions/", "tests/", ".venv/", "curriculum/", "exercises/", ".git/"):
        assert not [name for name in names if name.startswith(absent)], absent
    assert not [name for name in names if name.endswith(".pyc")]


def test_wheel_is_the_self_paced_package(dist):
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"mlcourse/keys/m01.py", "mlcourse/exercises/m01.py", "mlcourse/cli.py"} <= names
    assert not [name for name in names if name.startswith(("tests/", "solutions/"))]


def _workflow() -> dict:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads `on` as true
    return workflow


def test_workflow_runs_make_dist_on_tag_push_and_publishes_by_trusted_publishing():
    workflow = _workflow()
    assert workflow["on"] == {"push": {"tags": ["v*"]}}
    jobs = workflow["jobs"]
    steps = jobs["dist"]["steps"]
    runs = [step.get("run", "").strip() for step in steps]
    assert "make dist" in runs
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    uploads = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact")]
    assert (
        runs.index("make dist") < steps.index(uploads[0]) and uploads[0]["with"]["path"] == "dist/"
    )
    publish = jobs["publish"]
    assert publish["needs"] == "dist"
    assert publish["environment"]["name"] == "pypi"
    assert publish["permissions"] == {"id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}  # only the publish job gets a token
    uses = [step.get("uses", "") for step in publish["steps"]]
    assert any(use.startswith("pypa/gh-action-pypi-publish@") for use in uses)
    assert not any("password" in (step.get("with") or {}) for step in publish["steps"])


def test_make_dist_builds_with_build_and_checks_with_twine():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^dist:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert match, "the Makefile has no dist target"
    recipe = match.group(1)
    assert re.search(r"-m build --no-isolation --outdir dist", recipe)
    assert re.search(r"twine check --strict dist/\*", recipe)
    assert re.search(r"^\.PHONY:.*\bdist\b", makefile, re.MULTILINE)
