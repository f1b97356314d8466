"""Optional downloads against a local HTTP server: pinned checksums, cache, offline seeding."""

import hashlib
import http.server
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mlcourse.datasets import DatasetUnavailable, export_cache, fetch_files, seed_cache
from mlcourse.datasets._catalog import load_catalog
from mlcourse.datasets._fetch import cached_status

PAYLOAD = b"label,text\n1,hello\n0,bye\n" * 100


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    (root / "tiny").mkdir(parents=True)
    (root / "tiny" / "tiny.csv").write_bytes(PAYLOAD)
    (root / "tiny" / "corrupt.csv").write_bytes(PAYLOAD + b"tampered")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def course(tmp_path, monkeypatch, server):
    """A course folder whose catalog has one small download, and an empty cache."""
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    (tmp_path / "course" / "datasets").mkdir(parents=True)
    (tmp_path / "course" / "datasets" / "catalog.toml").write_text(f'''
[datasets.tiny]
kind = "download"
function = "fetch_tiny"
title = "Tiny test download"
source = "tests"
license = "CC0"
citation = "none"
modules = ["99"]
size = "2 KB"
files = [{{ name = "tiny.csv", sha256 = "{sha}", url = "{server}/tiny/tiny.csv" }}]

[datasets.broken]
kind = "download"
function = "fetch_broken"
title = "Corrupt test download"
source = "tests"
license = "CC0"
citation = "none"
modules = ["99"]
size = "2 KB"
files = [{{ name = "corrupt.csv", sha256 = "{sha}", url = "{server}/tiny/corrupt.csv" }}]

[datasets.offline]
kind = "download"
function = "fetch_offline"
title = "A download whose server is down"
source = "tests"
license = "CC0"
citation = "none"
modules = ["99"]
size = "2 KB"
files = [{{ name = "gone.csv", sha256 = "{sha}", url = "http://127.0.0.1:{_closed_port()}/gone.csv" }}]
''')
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path / "course"))
    monkeypatch.setenv("MLCOURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MLCOURSE_DATA_MIRROR", raising=False)
    return tmp_path


def test_download_is_checked_and_cached(course):
    (path,) = fetch_files("tiny")
    assert path.read_bytes() == PAYLOAD
    assert path.parent == course / "cache" / "tiny"
    assert cached_status(load_catalog()["tiny"]) == "cached"
    (again,) = fetch_files("tiny")  # from the cache
    assert again == path


def test_corrupt_download_is_rejected_and_not_cached(course):
    with pytest.raises(DatasetUnavailable, match="corrupt"):
        fetch_files("broken")
    assert not (course / "cache" / "broken" / "corrupt.csv").exists()


def test_offline_and_not_cached_says_how_to_seed(course):
    with pytest.raises(DatasetUnavailable) as info:
        fetch_files("offline")
    message = str(info.value)
    assert "mlcourse data seed --from DIR" in message and "\n" not in message


def test_a_corrupted_cache_file_is_replaced(course):
    (path,) = fetch_files("tiny")
    path.write_bytes(b"bit rot")
    assert cached_status(load_catalog()["tiny"]) == "corrupt"
    (path,) = fetch_files("tiny")
    assert path.read_bytes() == PAYLOAD


def test_export_then_seed_a_fresh_cache(course, monkeypatch):
    fetch_files("tiny")
    written = export_cache(course / "usb")
    assert [p.name for p in written] == ["tiny.csv"]
    monkeypatch.setenv("MLCOURSE_DATA_DIR", str(course / "classroom-cache"))
    seeded, refused = seed_cache(course / "usb")
    assert seeded == ["tiny/tiny.csv"] and refused == []
    (path,) = fetch_files("tiny")
    assert path.parent == course / "classroom-cache" / "tiny"


def test_seed_refuses_a_tampered_file(course, monkeypatch):
    (course / "usb" / "tiny").mkdir(parents=True)
    (course / "usb" / "tiny" / "tiny.csv").write_bytes(b"not the data")
    seeded, refused = seed_cache(course / "usb")
    assert seeded == [] and "checksum" in refused[0]
    assert not (course / "cache" / "tiny" / "tiny.csv").exists()


def test_mirror_takes_precedence(course, monkeypatch, server):
    monkeypatch.setenv("MLCOURSE_DATA_MIRROR", server)
    (path,) = fetch_files("tiny")
    assert path.read_bytes() == PAYLOAD


def test_cli_seed_from_missing_folder_is_one_line_error(course):
    out = subprocess.run(
        [sys.executable, "-m", "mlcourse.cli", "data", "seed", "--from", str(course / "nowhere")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "no such folder" in out.stderr


def test_pinned_catalog_files_have_sha256_and_https_urls():
    for entry in load_catalog(Path(__file__).resolve().parents[2]).values():
        for spec in entry.files:
            assert len(spec["sha256"]) == 64 and spec["url"].startswith("https://")
