"""Hostile files and folders: regular files only, and trees of any shape removed."""

import os
import stat

import pytest

from mlcourse.grader._files import NotRegular, read_regular, remove_tree


def _deep(folder, depth):
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        below = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = below
    os.mkfifo("fifo", dir_fd=fd)
    os.symlink("/", "root", dir_fd=fd)
    os.close(fd)


def test_a_tree_deeper_than_the_recursion_limit_is_removed(tmp_path):
    target = tmp_path / "scratch"
    target.mkdir()
    _deep(target, 3000)  # shutil.rmtree recurses once per level
    assert remove_tree(target) == []
    assert not target.exists()


def test_locked_folders_fifos_sockets_and_symlinks_are_removed_never_followed(tmp_path):
    import socket

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("still here")
    target = tmp_path / "scratch"
    (target / "locked" / "inner").mkdir(parents=True)
    (target / "locked" / "inner" / "f").write_text("x")
    os.mkfifo(target / "pipe")
    (target / "escape").symlink_to(outside)
    (target / "locked" / "escape").symlink_to(outside / "keep.txt")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(target / "sock"))
    server.close()
    os.chmod(target / "locked" / "inner", 0)
    os.chmod(target / "locked", 0)
    os.chmod(target, stat.S_IRUSR)
    assert remove_tree(target) == []
    assert not target.exists()
    assert (outside / "keep.txt").read_text() == "still here"


def test_removing_what_is_not_there_is_fine(tmp_path):
    assert remove_tree(tmp_path / "never-made") == []
    file = tmp_path / "file"
    file.write_text("x")
    assert remove_tree(file) == [] and not file.exists()


def test_only_regular_files_of_bounded_size_are_read(tmp_path):
    (tmp_path / "ok").write_bytes(b"12345")
    assert read_regular(tmp_path / "ok", 5) == b"12345"
    with pytest.raises(NotRegular, match="larger than"):
        read_regular(tmp_path / "ok", 4)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegular, match="not a regular file"):
        read_regular(tmp_path / "fifo", 100)
    (tmp_path / "link").symlink_to(tmp_path / "ok")
    with pytest.raises(NotRegular, match="cannot open"):
        read_regular(tmp_path / "link", 100)
    with pytest.raises(NotRegular, match="not a regular file"):
        read_regular("/dev/zero", 100)
