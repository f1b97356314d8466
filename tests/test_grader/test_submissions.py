"""Finding submissions: files, folders per learner, LMS zips (with hostile paths)."""

import random
import zipfile

import pytest

from mlcourse.grader import discover, learner_from_name
from mlcourse.grader._submissions import MAX_LEARNER_NAME, Submission, _unique


@pytest.mark.parametrize(
    ("stem", "learner"),
    [
        ("ada_01_python_essentials", "ada"),
        ("bob", "bob"),
        ("Cy Young 01_python_essentials", "Cy-Young"),
        ("renamed file (final v2)", "renamed-file-final-v2"),
        ("../../etc", "etc"),
        # Moodle's folders: the participant id stays whole, the folder suffix goes
        ("Jane Smith_123456_assignsubmission_file_", "Jane-Smith_123456"),
        ("Jane Smith_123499_assignsubmission_file_", "Jane-Smith_123499"),
        ("ada_01_python_essentials_assignsubmission_file_", "ada"),
        ("bo_12_not_a_module", "bo_12_not_a_module"),
        # Moodle's flat downloads: the submitted file's name follows Moodle's suffix
        ("Ada Lovelace_123456_assignsubmission_file_03_pandas", "Ada-Lovelace_123456"),
        ("Grace Hopper_123460_assignsubmission_file_pandas", "Grace-Hopper_123460"),
        ("Alan Turing_123470_assignsubmission_onlinetext_onlinetext", "Alan-Turing_123470"),
        ("Participant_123458_assignsubmission_file_", "Participant_123458"),
        # Canvas: the ids stay, LATE too
        ("hopper grace_LATE_102_5552_03_pandas", "hopper-grace_LATE_102_5552"),
        # names that used to change when derived again
        ("x_03_pandas.", "x"),
        ("x!", "x"),
        ("x_03_pandas_03_pandas", "x"),
        ("ada_03_pandas_assignsubmission_file_03_pandas", "ada"),
        ("-03_pandas", "03_pandas"),
        ("03_pandas", "03_pandas"),
        ("..", "unknown"),
    ],
)
def test_learner_from_name(stem, learner):
    assert learner_from_name(stem) == learner
    assert learner_from_name(learner) == learner


def test_learner_from_name_is_a_fixed_point():
    """The name of a learner name is itself: results, rosters and re-grades agree."""
    pieces = ["a", "b", "_", "-", ".", " ", "0", "3", "!", "é", "\n", "(", "_03_pandas"]
    pieces += ["_assignsubmission_file_", "_assignsubmission_file", "_01_python_essentials"]
    rng = random.Random(18)
    for _ in range(20_000):
        stem = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        stem *= rng.choice((1, 1, 1, 20))
        learner = learner_from_name(stem)
        assert learner_from_name(learner) == learner, stem
        assert 0 < len(learner) <= MAX_LEARNER_NAME


def test_numbered_learners_stay_within_the_length_cap():
    long = "a" * (MAX_LEARNER_NAME - 1) + "b"
    submissions = [Submission(long, f"{i}.ipynb", None) for i in range(12)]
    names = [s.learner for s in _unique(submissions)]
    assert len(set(names)) == 12
    assert names[1] == "a" * (MAX_LEARNER_NAME - 2) + "-2"
    assert names[11] == "a" * (MAX_LEARNER_NAME - 3) + "-12"
    for name in names:
        assert len(name) <= MAX_LEARNER_NAME and learner_from_name(name) == name


def test_files_and_folders(tmp_path):
    (tmp_path / "ada_01_python_essentials.ipynb").write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "01_python_essentials.ipynb").write_text("{}")
    (tmp_path / "bob" / "scratch.ipynb").write_text("{}")
    (tmp_path / "cy").mkdir()
    (tmp_path / "cy" / "anything.ipynb").write_text("{}")
    (tmp_path / "dee").mkdir()
    found = {s.learner: s for s in discover([tmp_path], "01")}
    assert sorted(found) == ["ada", "bob", "cy", "dee"]
    assert found["bob"].name == "01_python_essentials.ipynb" and found["bob"].data == b"{}"
    assert found["cy"].data == b"{}"
    assert found["dee"].data is None and "no .ipynb" in found["dee"].problem


def test_ambiguous_folder_is_reported_not_guessed(tmp_path):
    (tmp_path / "eve").mkdir()
    (tmp_path / "eve" / "a.ipynb").write_text("{}")
    (tmp_path / "eve" / "b.ipynb").write_text("{}")
    (submission,) = discover([tmp_path], "01")
    assert submission.data is None and "several notebooks" in submission.problem


def test_lms_zip_with_folders_and_hostile_paths(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ada/01_python_essentials.ipynb", "{}")
        z.writestr("bob_01_python_essentials.ipynb", "{}")
        z.writestr("../escape/01_python_essentials.ipynb", "{}")
        z.writestr("__MACOSX/ada/._01_python_essentials.ipynb", "junk")
    found = {s.learner: s for s in discover([archive], "01")}
    assert sorted(found) == ["ada", "bob"]
    assert not (tmp_path.parent / "escape").exists()


def test_moodle_flat_download_zip(tmp_path):
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("Ada Lovelace_123456_assignsubmission_file_03_pandas.ipynb", "{}")
        z.writestr("Grace Hopper_123460_assignsubmission_file_/03_pandas.ipynb", "{}")
    found = {s.learner: s for s in discover([archive], "03")}
    assert sorted(found) == ["Ada-Lovelace_123456", "Grace-Hopper_123460"]
    assert found["Ada-Lovelace_123456"].data == b"{}"


def test_duplicate_learners_are_kept_apart(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "ada.ipynb").write_text("1")
    (tmp_path / "b" / "ada.ipynb").write_text("2")
    names = sorted(s.learner for s in discover([tmp_path / "a", tmp_path / "b"], "01"))
    assert names == ["ada", "ada-2"]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        discover([tmp_path / "nope"], "01")


def test_bad_zip_is_a_submission_problem(tmp_path):
    (tmp_path / "broken.zip").write_text("not a zip")
    (submission,) = discover([tmp_path / "broken.zip"], "01")
    assert submission.data is None and "zip" in submission.problem


def test_a_learner_name_never_takes_one_already_taken(tmp_path):
    for name in ("ada-2", "ada", "ada_01_python_essentials"):
        (tmp_path / f"{name}.ipynb").write_text("{}")
    learners = sorted(s.learner for s in discover([tmp_path], "01"))
    assert learners == ["ada", "ada-2", "ada-3"]


def test_long_names_symlinks_and_fifos_are_handled(tmp_path):
    import os

    (tmp_path / f"{'x' * 240}.ipynb").write_text("{}")
    (tmp_path / "link.ipynb").symlink_to("/etc/passwd")
    os.mkfifo(tmp_path / "fifo.ipynb")
    loop = tmp_path / "loop"
    loop.mkdir()
    (loop / "again").symlink_to(loop)  # a folder that contains itself
    (loop / "01_python_essentials.ipynb").write_text("{}")
    found = {s.name: s for s in discover([tmp_path], "01")}
    assert len(found[f"{'x' * 240}.ipynb"].learner) <= 100
    assert found["link.ipynb"].data is None and "not a regular file" in found["link.ipynb"].problem
    assert "fifo.ipynb" not in found  # not a file: never opened for a blocking read
    assert found["01_python_essentials.ipynb"].data == b"{}"


def test_submissions_are_read_when_graded_not_when_found(tmp_path):
    notebook = tmp_path / "ada.ipynb"
    notebook.write_text("{}")
    (submission,) = discover([tmp_path], "01")
    digest = submission.sha256
    notebook.write_text('{"cells": []}')
    assert submission.data == b'{"cells": []}'  # read again, not kept in memory
    assert digest == submission.sha256  # the hash is of what was found
