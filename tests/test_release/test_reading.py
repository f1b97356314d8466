"""``find_answer_keys`` on what hides text: NUL bytes, compression, other Unicode forms,
notebooks' metadata and attachments, binary files; and answers a declaration module holds."""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import json
import lzma
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from mlcourse.release import _verify, find_answer_keys, load_fingerprints
from mlcourse.release._fingerprints import significant_lines

from .test_class_release import _key_function, _solutions_answer_cell

ROOT = Path(__file__).resolve().parents[2]
# The answers the lessons teach verbatim: the only ones a release may leave unsearched.
TAUGHT_BY_LESSONS = {"01 q5", "01 q8", "11 q1", "12 q5", "15 q4", "15 q6", "20 q1", "25 q5"}


@pytest.fixture(scope="module")
def key(fingerprints) -> tuple[str, str]:
    """``(what, source)`` of a key function: what a finding names, and the text to hide."""
    name, function = _key_function(fingerprints, "m02")
    return f"mlcourse.keys.m02.{name}", "import numpy as np\n\n\n" + function + "\n"


def _found(tmp_path: Path, files: dict[str, bytes], fingerprints) -> list[str]:
    folder = tmp_path / "release"
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return find_answer_keys(folder, fingerprints=fingerprints)


def test_a_nul_byte_does_not_hide_a_file(tmp_path, fingerprints, key):
    what, source = key
    png = b"\x89PNG\r\n\x1a\n\0\0" + source.encode()
    files = {"notes.txt": b"\0" + source.encode(), "figure.png": png}
    found = _found(tmp_path, files, fingerprints)
    assert "notes.txt: a binary file of a type a class release does not ship (.txt)" in found
    assert f"figure.png: holds {what}" in found


@pytest.mark.parametrize(
    "suffix, compress", [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)]
)
def test_a_compressed_key_file_is_opened(tmp_path, fingerprints, key, suffix, compress):
    what, source = key
    found = _found(tmp_path, {f"notes/m02.py{suffix}": compress(source.encode())}, fingerprints)
    kind = {".gz": "gzip", ".bz2": "bzip2", ".xz": "xz"}[suffix]
    assert (
        found[0] == f"notes/m02.py{suffix}: a {kind} archive, which a class release does not ship"
    )
    assert f"notes/m02.py{suffix}!notes/m02.py: holds {what}" in found


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig", "utf-16-be"])
def test_a_key_in_another_unicode_form_is_read(tmp_path, fingerprints, key, codec):
    what, source = key
    data = source.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    assert _found(tmp_path, {"copy.py": data}, fingerprints) == [f"copy.py: holds {what}"]


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path, fingerprints, key):
    found = _found(tmp_path, {"copy.py": key[1].encode("utf-16-le")}, fingerprints)
    assert found == ["copy.py: a binary file of a type a class release does not ship (.py)"]


def _notebook(cells: list[dict], metadata: dict | None = None) -> bytes:
    notebook = {"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(notebook).encode()


def _markdown(**extra) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": "Notes", **extra}


def test_a_notebooks_metadata_and_attachments_are_read(tmp_path, fingerprints, key):
    what, source = key
    encoded = base64.b64encode(source.encode()).decode()
    cells = [
        _markdown(metadata={"notes": source}),
        _markdown(attachments={"notes.txt": {"text/plain": encoded}}),
        _markdown(attachments={"plain.txt": {"text/plain": source}}),
    ]
    found = _found(tmp_path, {"lesson.ipynb": _notebook(cells, {"draft": source})}, fingerprints)
    assert sorted(found) == [
        f"lesson.ipynb cell 0 metadata: holds {what}",
        f"lesson.ipynb cell 1 attachment notes.txt text/plain: holds {what}",
        f"lesson.ipynb cell 2 attachment plain.txt text/plain: holds {what}",
        f"lesson.ipynb metadata: holds {what}",
    ]


def test_a_notebook_under_another_name_and_escaped_json_are_read(tmp_path, fingerprints, key):
    what, source = key
    code = {"cell_type": "code", "metadata": {}, "outputs": [], "source": source}
    files = {"data.json": _notebook([code]), "table.json": json.dumps({"rows": [source]}).encode()}
    found = _found(tmp_path, files, fingerprints)
    assert found == [f"data.json cell 0: holds {what}", f"table.json: holds {what}"]


def _picture(kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format=kind, **options)
    return buffer.getvalue()


def _png(text: str | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    if text is not None:
        info.add_text("Comment", text, zip=True)  # a zTXt chunk: compressed
    return _picture("PNG", pnginfo=info)


def test_pictures_are_read_and_other_outputs_refused(tmp_path, fingerprints, key):
    what, source = key
    outputs = [
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": data}}
        for data in (base64.b64encode(_png()).decode(), base64.b64encode(_png(source)).decode())
    ]
    gif = base64.b64encode(_picture("GIF")).decode()
    outputs.append({"output_type": "display_data", "metadata": {}, "data": {"image/gif": gif}})
    code = {"cell_type": "code", "metadata": {}, "source": "show()", "outputs": outputs}
    files = {"lesson.ipynb": _notebook([code]), "figure.png": _png(source), "clean.png": _png()}
    found = _found(tmp_path, files, fingerprints)
    assert found == [
        f"figure.png: holds {what}",
        f"lesson.ipynb cell 0 output 1 image/png: holds {what}",
        "lesson.ipynb cell 0 output 2 image/gif: a binary file of a type a class release "
        "does not ship (.gif)",
    ]


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return buffer.getvalue()


def test_binary_files_a_release_does_not_ship_are_refused(tmp_path, fingerprints, key):
    what, source = key
    files = {
        "weights.npy": _npy(np.arange(6.0)),
        "hidden.npy": _npy(np.frombuffer(source.encode(), dtype=np.uint8)),
        "pickled.npy": _npy(np.array([source], dtype=object)),
        "model.pkl": pickle.dumps({"reference": source}),
        "fake.png": b"\0" + source.encode(),
    }
    found = _found(tmp_path, files, fingerprints)
    assert found == [
        "fake.png: a binary file named .png that is not one",
        f"fake.png: holds {what}",
        f"hidden.npy: holds {what}",
        "model.pkl: a binary file of a type a class release does not ship (.pkl)",
        f"model.pkl: holds {what}",
        "pickled.npy: a numpy array of Python objects (a pickle, which can hold anything)",
        f"pickled.npy: holds {what}",
    ]


def test_the_release_ships_no_unexpected_binary(release, fingerprints):
    # what the course ships passes: the wheel, the models' .npz, the lessons' pictures
    assert find_answer_keys(release.folder, fingerprints=fingerprints) == []


# --------------------------------------------------------------------------------------
# Answers in the package's other modules
# --------------------------------------------------------------------------------------


def _answer(fingerprints) -> tuple[str, str]:
    """``(what, source)`` of a solutions answer cell of several lines."""
    module, answer = _solutions_answer_cell(fingerprints)
    lines = set(significant_lines(answer))
    for fingerprint in fingerprints.code:
        if fingerprint.what.startswith(f"the answer to {module}") and fingerprint.lines <= lines:
            return fingerprint.what, answer
    raise AssertionError("the answer cell has no fingerprint")


def test_an_answer_a_declaration_module_holds_is_looked_for(tmp_path, monkeypatch, fingerprints):
    what, answer = _answer(fingerprints)
    keys = tmp_path / "mlcourse" / "keys"
    shutil.copytree(ROOT / "src/mlcourse/keys", keys, ignore=shutil.ignore_patterns("__py*"))
    (keys.parent / "helpers.py").write_text(answer)  # the answer in a shipped module
    monkeypatch.setattr(_verify, "_keys_folder", lambda: keys)
    planted = load_fingerprints(ROOT)
    assert what in [fingerprint.what for fingerprint in planted.code]
    found = _found(tmp_path, {"dist/mlcourse/helpers.py": answer.encode()}, planted)
    assert found == [f"dist/mlcourse/helpers.py: holds {what}"]


def test_only_answers_the_lessons_teach_are_left_unsearched(fingerprints):
    noted = {re.match(r"the answer to (\d\d \S+) ", note)[1] for note in fingerprints.notes}
    assert noted <= TAUGHT_BY_LESSONS
    for note in fingerprints.notes:
        assert "the lessons or the exercises notebooks show all of it" in note
