"""Reading whatever a release holds: archives, compressed files, text in any Unicode form,
notebooks (cells, outputs, metadata, attachments) and the few binary files a release ships.

Nothing here judges content: :mod:`._verify` searches what these functions give it. What
cannot be read (an unexpected binary file, an archive nested too deep, a corrupt member) is
given back as a *problem*, so that what is not read is reported, never skipped.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import codecs
import io
import json
import lzma
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import PurePosixPath

# Archives inside archives are opened to this depth (a wheel in a zip in a tarball).
MAX_ARCHIVE_DEPTH = 4
# A member (or a decompressed file) larger than this is not read, and says so.
MAX_MEMBER_BYTES = 512 * 1024 * 1024

# Containers a release ships: the wheel, and numpy's .npz archives of arrays inside it.
EXPECTED_ZIPS = (".whl", ".npz")
# Binary files a release ships, by suffix, with the bytes each starts with.
EXPECTED_BINARIES = {
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".npy": b"\x93NUMPY",
}
_COMPRESSED_MAGIC = {b"\x1f\x8b": "gzip", b"BZh": "bzip2", b"\xfd7zXZ\x00": "xz"}
_COMPRESSED_SUFFIXES = (".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz")
# Byte-order marks, longest first (UTF-32-LE's mark starts with UTF-16-LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Suffixes that base64 data of a notebook's output or attachment stands for, by MIME type.
_MIME_SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}


# --------------------------------------------------------------------------------------
# Containers
# --------------------------------------------------------------------------------------


def _compression(data: bytes) -> str | None:
    for magic, kind in _COMPRESSED_MAGIC.items():
        if data.startswith(magic):
            return kind
    return None


def _is_tar(data: bytes) -> bool:
    return len(data) >= 262 and data[257:262] == b"ustar"


def _decompress(kind: str, data: bytes) -> bytes:
    """The decompressed ``data``; ValueError past :data:`MAX_MEMBER_BYTES` or when corrupt."""
    opener = {"gzip": _gunzip, "bzip2": bz2.BZ2File, "xz": lzma.LZMAFile}[kind]
    try:
        with opener(io.BytesIO(data)) as stream:
            inflated = stream.read(MAX_MEMBER_BYTES + 1)
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        raise ValueError(f"corrupt {kind} data: {error}") from None
    if len(inflated) > MAX_MEMBER_BYTES:
        raise ValueError(f"decompresses to more than {MAX_MEMBER_BYTES} bytes; not read")
    return inflated


def _gunzip(buffer: io.BytesIO):
    import gzip

    return gzip.GzipFile(fileobj=buffer)


def _decompressed_name(path: str) -> str:
    """The path a compressed file's content stands for (``a/b.py.gz`` -> ``a/b.py``)."""
    name = path
    for suffix, replacement in ((".tgz", ".tar"), (".tbz2", ".tar"), (".txz", ".tar")):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    for suffix in (".gz", ".bz2", ".xz"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name + "~decompressed"


def _zip_members(data: bytes) -> Iterator[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                raise ValueError(f"{info.filename}: larger than {MAX_MEMBER_BYTES} bytes; not read")
            yield info.filename, archive.read(info)


def _tar_members(data: bytes) -> Iterator[tuple[str, bytes | str]]:
    """Members' ``(name, data)``; a link or device gives ``(name, reason)`` instead."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for info in archive:
            if info.isdir():
                continue
            if not info.isfile():
                yield info.name, "a link or special file inside an archive"
                continue
            if info.size > MAX_MEMBER_BYTES:
                yield info.name, f"larger than {MAX_MEMBER_BYTES} bytes; not read"
                continue
            member = archive.extractfile(info)
            yield info.name, member.read() if member is not None else b""


def container_kind(data: bytes) -> str | None:
    """``"zip"``, ``"tar"``, ``"gzip"``, ``"bzip2"``, ``"xz"``, or None, from the bytes."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        return "zip"
    return _compression(data) or ("tar" if _is_tar(data) else None)


def expected_container(kind: str, path: str) -> bool:
    """Whether a release ships this kind of archive under this name (a wheel, an .npz)."""
    return kind == "zip" and path.lower().endswith(EXPECTED_ZIPS)


def members(kind: str, path: str, data: bytes) -> Iterator[tuple[str, bytes | str]]:
    """``(name, data)`` of every member of a container; ``data`` is a reason when unreadable.

    Raises
    ------
    ValueError
        The container itself cannot be read.
    """
    try:
        if kind == "zip":
            yield from _zip_members(data)
        elif kind == "tar":
            yield from _tar_members(data)
        else:
            yield _decompressed_name(path), _decompress(kind, data)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, RuntimeError) as error:
        raise ValueError(f"unreadable archive: {error}") from None


# --------------------------------------------------------------------------------------
# Text and binary files
# --------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str | None:
    """``data`` as text (UTF-8, or UTF-16/32 with a byte-order mark); None when binary.

    A NUL byte in BOM-less data, or bytes that are not UTF-8, make it binary: UTF-16 without
    a mark reads as UTF-8 full of NULs, whose lines match nothing.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def binary_texts(path: str, data: bytes) -> tuple[list[str], str | None]:
    """What can be searched in a binary file, and why it is not expected, if it is not.

    Returns
    -------
    tuple
        The texts to search (the raw bytes as text, which shows any plain text appended or
        embedded; a PNG's text chunks; an array's strings), and a problem (a type a release
        does not ship, content that is not what its name says, a pickle), or None.
    """
    suffix = PurePosixPath(path.lower()).suffix
    magic = EXPECTED_BINARIES.get(suffix)
    texts = [data.decode("utf-8", errors="replace")]
    if magic is None:
        return (
            texts,
            f"a binary file of a type a class release does not ship ({suffix or 'no suffix'})",
        )
    if not data.startswith(magic):
        return texts, f"a binary file named {suffix} that is not one"
    if suffix == ".png":
        texts += _png_texts(data)
    if suffix == ".npy":
        array_texts, problem = _npy_texts(data)
        if problem:
            return texts, problem
        texts += array_texts
    return texts, None


def _png_texts(data: bytes) -> list[str]:
    """The text chunks of a PNG (tEXt, zTXt, iTXt), decompressed."""
    texts, position = [], 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"zTXt":
            texts.append(_inflate(body.partition(b"\0")[2][1:]))
        elif kind == b"iTXt":
            _keyword, _, rest = body.partition(b"\0")
            compressed, rest = rest[:1] == b"\1", rest[2:]
            text = rest.split(b"\0", 2)[-1]
            texts.append(_inflate(text) if compressed else text.decode("utf-8", "replace"))
    return texts


def _inflate(data: bytes) -> str:
    try:
        inflated = zlib.decompressobj().decompress(data, MAX_MEMBER_BYTES)
    except zlib.error:
        return ""
    return inflated.decode("utf-8", errors="replace")


def _npy_texts(data: bytes) -> tuple[list[str], str | None]:
    """A numpy array's strings; a problem for an array of Python objects (a pickle)."""
    import numpy as np

    stream = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(stream)
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        _shape, _fortran, dtype = read_header(stream)
    except (ValueError, OSError, SyntaxError) as error:
        return [], f"an unreadable numpy array: {error}"
    if dtype.hasobject:
        return [], "a numpy array of Python objects (a pickle, which can hold anything)"
    payload = data[stream.tell() :]
    if dtype.kind == "U":
        codec = "utf-32-be" if dtype.byteorder == ">" else "utf-32-le"
        return [payload.decode(codec, errors="replace").replace("\0", "\n")], None
    return [payload.decode("utf-8", errors="replace").replace("\0", "\n")], None


# --------------------------------------------------------------------------------------
# JSON and notebooks
# --------------------------------------------------------------------------------------


def json_strings(value) -> list[str]:
    """Every string inside a JSON value (keys included), depth first."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            found.extend(str(key) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def joined(value) -> str:
    """A notebook's multi-line string (a list of lines, or one string) as one string."""
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else json.dumps(value)


def parse_json(text: str):
    """``text`` parsed as JSON when it looks like an object or a list; None otherwise."""
    if not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def is_notebook(value) -> bool:
    """Whether a parsed JSON value is a notebook (an object with a list of cells)."""
    return isinstance(value, dict) and isinstance(value.get("cells"), list)


def notebook_texts(notebook: dict) -> tuple[list[tuple[str, str]], list[tuple[str, str, bytes]]]:
    """What a notebook holds: ``(where, text)`` to search, and ``(where, name, data)`` of
    every base64 payload (an attachment, a picture output) to read as a file of its own.

    Each cell's source, each output's text and data, each cell's metadata and the notebook's
    metadata are searched on their own.
    """
    texts = [("metadata", "\n".join(json_strings(notebook.get("metadata"))))]
    payloads: list[tuple[str, str, bytes | None]] = []
    for index, cell in enumerate(notebook["cells"]):
        if not isinstance(cell, dict):
            continue
        where = f"cell {index}"
        texts.append((where, joined(cell.get("source", ""))))
        texts.append((f"{where} metadata", "\n".join(json_strings(cell.get("metadata")))))
        attachments = cell.get("attachments")
        for name, bundle in (attachments if isinstance(attachments, dict) else {}).items():
            _attachment(f"{where} attachment {name}", bundle, texts, payloads)
        outputs = cell.get("outputs")
        for number, output in enumerate(outputs if isinstance(outputs, list) else []):
            if isinstance(output, dict):
                _output(f"{where} output {number}", output, texts, payloads)
    return texts, payloads


def _output(where: str, output: dict, texts: list, payloads: list) -> None:
    rest = {key: value for key, value in output.items() if key not in ("data", "text")}
    texts.append((where, joined(output.get("text", "")) + "\n" + "\n".join(json_strings(rest))))
    _bundle(where, output.get("data"), texts, payloads)


def _bundle(where: str, bundle, texts: list, payloads: list) -> None:
    """A MIME bundle: text types are searched, others are base64 data read as files."""
    if not isinstance(bundle, dict):
        texts.append((where, "\n".join(json_strings(bundle))))
        return
    for mime, value in bundle.items():
        if isinstance(value, (dict, list)) and not _is_base64_mime(mime):
            texts.append((f"{where} {mime}", "\n".join(json_strings(value))))
        elif not _is_base64_mime(mime):
            texts.append((f"{where} {mime}", joined(value)))
        else:
            try:
                data = base64.b64decode(joined(value), validate=False)
            except (binascii.Error, ValueError):
                data = None
            payloads.append((f"{where} {mime}", f"payload{_MIME_SUFFIXES.get(mime, '')}", data))


def _attachment(where: str, bundle, texts: list, payloads: list) -> None:
    """An attachment: every value is base64 (text types too); read as text and as data."""
    items = bundle.items() if isinstance(bundle, dict) else [("", bundle)]
    for mime, value in items:
        text = joined(value) if isinstance(value, (str, list)) else "\n".join(json_strings(value))
        texts.append((f"{where} {mime}".rstrip(), text))
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            continue  # not base64: read as text above
        payloads.append(
            (f"{where} {mime}".rstrip(), f"payload{_MIME_SUFFIXES.get(mime, '')}", data)
        )


def _is_base64_mime(mime: str) -> bool:
    text_like = mime.startswith("text/") or mime.endswith(("json", "+xml", "javascript"))
    return not text_like
