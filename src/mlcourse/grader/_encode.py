"""Answers as safe files: type-tagged JSON, ``.npy`` without pickle, Parquet for frames.

The kernel side (:func:`encode`) may run learner-controlled code paths; the grader side
(:func:`decode`) treats every file as hostile: only regular files are opened, sizes are capped
per file and per decoded value, an array's declared shape must match the bytes present, a
Parquet file's declared size is checked before it is read, containers and nesting are bounded,
and nothing is ever unpickled. A value of any other type becomes an :class:`Unsupported`
marker that every comparison rejects. The grader runs decoding in a memory- and time-limited
process of its own as well (see :mod:`mlcourse.grader._evaluate`).
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..checks._compare import plain_number
from ._files import NotRegular, open_regular, read_regular

MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_DECODED_BYTES = 256 * 1024 * 1024  # all arrays and frames of one submission together
MAX_NODES = 1_000_000  # JSON values decoded, all answers together
MAX_ITEMS = 100_000  # elements of one list or tuple
MAX_HASHED = 20_000  # elements of all sets and dicts together: hashing them can be quadratic
MAX_INT_DIGITS = 4300
MAX_NPY_HEADER = 4096
MAX_PARQUET_METADATA = 1024 * 1024
MAX_FRAME_CELLS = 10_000_000
MAX_DEPTH = 20
_FILE = re.compile(r"^v\d{1,6}\.(npy|parquet)$")


class Unsupported:
    """A learner value that could not be carried out of the sandbox (kept as its type name)."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        # the text is the learner's: shown inside the marker, never as if it were the grader's
        return f"<{self.type_name}: {self.text}>" if self.text else f"<{self.type_name}>"


class DecodeError(ValueError):
    """The answers file is malformed or breaks a limit."""


class _Encoder:
    def __init__(self, folder: Path):
        self.folder = folder
        self.files = 0

    def _file(self, suffix: str) -> str:
        self.files += 1
        return f"v{self.files}.{suffix}"

    def encode(self, value: Any, depth: int = 0) -> Any:  # noqa: C901 - one branch per type
        if depth > MAX_DEPTH:
            return {"__t": "unsupported", "type": type(value).__name__, "text": "nested too deeply"}
        kind = type(value)
        if value is None or kind is bool or kind is str:
            return value
        if kind is int:
            return {"__t": "int", "v": str(value)}
        if kind is float:
            return {"__t": "float", "v": repr(value)}
        if value is Ellipsis:
            return {"__t": "ellipsis"}
        if kind in (list, tuple, set, frozenset):
            items = [self.encode(v, depth + 1) for v in value]
            return {"__t": kind.__name__, "items": items}
        if kind is dict:
            return {
                "__t": "dict",
                "items": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
                ],
            }
        if (
            isinstance(value, np.generic)
            and kind.__module__ == "numpy"
            and value.dtype.kind in "biuf"
        ):
            return {"__t": "npscalar", "dtype": value.dtype.str, "v": repr(value.item())}
        if isinstance(value, (int, float)) and not isinstance(value, (bool, np.generic)):
            return self.encode(plain_number(value), depth)  # an IntEnum such as HTTPStatus.OK
        if kind is np.ndarray:
            if value.dtype.kind not in "biufUSMm" or value.nbytes > MAX_ARRAY_BYTES:
                return {
                    "__t": "unsupported",
                    "type": "ndarray",
                    "text": f"array of dtype {value.dtype} and shape {value.shape}",
                }
            name = self._file("npy")
            np.save(self.folder / name, value, allow_pickle=False)
            return {"__t": "ndarray", "file": name}
        pd = _pandas()
        if pd is not None and kind in (pd.DataFrame, pd.Series):
            return self._frame(value, pd)
        return {"__t": "unsupported", "type": kind.__name__, "text": _safe_text(value)}

    def _frame(self, value: Any, pd) -> Any:
        is_series = type(value) is pd.Series
        frame = (
            value.to_frame(name="__series__" if value.name is None else value.name)
            if is_series
            else value
        )
        if (
            not all(type(c) is str for c in frame.columns)
            or frame.memory_usage(deep=True).sum() > MAX_ARRAY_BYTES
        ):
            return {
                "__t": "unsupported",
                "type": type(value).__name__,
                "text": "a frame whose columns are not all strings, or too large",
            }
        name = self._file("parquet")
        try:
            frame.to_parquet(self.folder / name, index=True)
        except Exception as error:  # unusual dtypes (objects) cannot be stored
            return {
                "__t": "unsupported",
                "type": type(value).__name__,
                "text": f"cannot be stored ({type(error).__name__})",
            }
        return {
            "__t": "series" if is_series else "frame",
            "file": name,
            "unnamed": is_series and value.name is None,
        }


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return None
    return pd


def _safe_text(value: Any) -> str:
    from ..checks import safe_repr

    return safe_repr(value)


def encode_answers(answers: dict[str, Any], folder: Path) -> None:
    """Write ``answers`` (problem id -> Answer) into ``folder/answers.json`` and data files."""
    encoder = _Encoder(folder)
    payload = {}
    for problem, answer in answers.items():
        payload[problem] = {
            "missing": answer.missing,
            "error": answer.error,
            "values": {k: encoder.encode(v) for k, v in answer.values.items()},
        }
    text = json.dumps({"format": 1, "answers": payload})
    (folder / "answers.json").write_text(text, encoding="utf-8")


class _Decoder:
    def __init__(self, folder: Path):
        self.folder = folder
        self.nodes = 0
        self.hashed = 0
        self.data_bytes = 0

    def decode(self, obj: Any, depth: int = 0) -> Any:  # noqa: C901 - one branch per tag
        if depth > MAX_DEPTH + 2:
            raise DecodeError("nested too deeply")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise DecodeError(f"more than {MAX_NODES} values")
        if obj is None or type(obj) in (bool, str):
            return obj
        if type(obj) is not dict or "__t" not in obj:
            raise DecodeError(f"unexpected value of type {type(obj).__name__}")
        tag = obj["__t"]
        if tag == "int":
            text = _str(obj["v"])
            if len(text) > MAX_INT_DIGITS + 1:
                raise DecodeError(f"an integer of more than {MAX_INT_DIGITS} digits")
            return int(text)
        if tag == "float":
            text = _str(obj["v"])
            return float(text) if text not in ("nan", "inf", "-inf") else float(text)
        if tag == "ellipsis":
            return Ellipsis
        if tag in ("list", "tuple", "set", "frozenset"):
            raw = _items(obj["items"])
            if tag in ("set", "frozenset"):
                self._hash(len(raw))
            items = [self.decode(v, depth + 1) for v in raw]
            if tag in ("set", "frozenset"):
                try:
                    return {"set": set, "frozenset": frozenset}[tag](items)
                except TypeError:
                    return Unsupported(tag, "a set of unhashable values")
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            result = {}
            pairs = _items(obj["items"])
            self._hash(len(pairs))
            for pair in pairs:
                key, value = _list(pair)
                key = self.decode(key, depth + 1)
                try:
                    result[key] = self.decode(value, depth + 1)
                except TypeError:
                    return Unsupported("dict", "a dict with unhashable keys")
            return result
        if tag == "npscalar":
            dtype = np.dtype(_str(obj["dtype"]))
            if dtype.kind not in "biuf":
                raise DecodeError(f"scalar of dtype {dtype}")
            text = _str(obj["v"])
            number = {"b": lambda t: t == "True", "f": float}.get(dtype.kind, int)(text)
            return dtype.type(number)
        if tag == "ndarray":
            return self._array(self._name(obj["file"], "npy"))
        if tag in ("frame", "series"):
            frame = self._frame(self._name(obj["file"], "parquet"))
            if tag == "frame":
                return frame
            if frame.shape[1] != 1:
                raise DecodeError(f"a series stored with {frame.shape[1]} columns")
            series = frame.iloc[:, 0]
            return series.rename(None) if obj.get("unnamed") else series
        if tag == "unsupported":
            return Unsupported(
                _str(obj.get("type", "object"))[:100], _str(obj.get("text", ""))[:200]
            )
        raise DecodeError(f"unknown tag {tag!r}")

    def _hash(self, count: int) -> None:
        self.hashed += count
        if self.hashed > MAX_HASHED:
            raise DecodeError(f"sets and dicts of more than {MAX_HASHED} items in all")

    def _name(self, name: Any, suffix: str) -> str:
        name = _str(name)
        if not _FILE.match(name) or not name.endswith(suffix):
            raise DecodeError(f"bad data file name {name!r}")
        return name

    def _spend(self, size: int, name: str) -> None:
        self.data_bytes += size
        if self.data_bytes > MAX_DECODED_BYTES:
            raise DecodeError(
                f"{name}: the answers decode to more than {MAX_DECODED_BYTES // 2**20} MB"
            )

    def _array(self, name: str) -> np.ndarray:
        """An ``.npy`` file whose header is checked against the bytes actually present."""
        try:
            fd = open_regular(self.folder / name, MAX_ARRAY_BYTES + MAX_NPY_HEADER + 128)
        except NotRegular as error:
            raise DecodeError(f"data file {name}: {error}") from None
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            try:
                version = np.lib.format.read_magic(handle)
                read_header = {
                    (1, 0): np.lib.format.read_array_header_1_0,
                    (2, 0): np.lib.format.read_array_header_2_0,
                }.get(version)
                if read_header is None:
                    raise DecodeError(f"data file {name}: unsupported format {version}")
                shape, fortran, dtype = read_header(handle, max_header_size=MAX_NPY_HEADER)
            except DecodeError:
                raise
            except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError) as error:
                raise DecodeError(
                    f"data file {name}: bad header ({type(error).__name__})"
                ) from None
            if dtype.hasobject or dtype.fields is not None or dtype.kind not in "biufUSMm":
                raise DecodeError(f"data file {name}: unsupported dtype")
            if (
                type(shape) is not tuple
                or len(shape) > 32
                or not all(type(n) is int and n >= 0 for n in shape)
            ):
                raise DecodeError(f"data file {name}: bad shape")
            count = math.prod(shape)
            if count * dtype.itemsize != size - handle.tell():
                raise DecodeError(f"data file {name}: its shape does not match its size")
            self._spend(count * dtype.itemsize, name)
            data = handle.read(count * dtype.itemsize)
        array = np.frombuffer(data, dtype=dtype, count=count).reshape(
            shape, order="F" if fortran else "C"
        )
        return array.copy()

    def _frame(self, name: str):
        """A Parquet file whose metadata is checked before its data are read."""
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            data = read_regular(self.folder / name, MAX_ARRAY_BYTES + 1024 * 1024)
        except NotRegular as error:
            raise DecodeError(f"data file {name}: {error}") from None
        try:
            source = pq.ParquetFile(pa.BufferReader(data))
            meta = source.metadata
            if meta.serialized_size > MAX_PARQUET_METADATA or meta.num_columns > 10_000:
                raise DecodeError(f"data file {name}: metadata too large")
            declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
            if meta.num_rows * max(1, meta.num_columns) > MAX_FRAME_CELLS:
                raise DecodeError(f"data file {name}: too many cells")
            self._spend(declared + 64 * meta.num_rows * max(1, meta.num_columns), name)
            table = source.read()
            if table.nbytes > MAX_ARRAY_BYTES * 2:
                raise DecodeError(f"data file {name}: decodes too large")
            frame = table.to_pandas()
        except DecodeError:
            raise
        except (pa.ArrowException, OSError, ValueError, TypeError, KeyError, IndexError,
                RecursionError, AssertionError) as error:  # fmt: skip
            raise DecodeError(f"data file {name}: unreadable ({type(error).__name__})") from None
        if not isinstance(frame, pd.DataFrame):
            raise DecodeError(f"data file {name}: not a table")
        return frame


def _str(value: Any) -> str:
    if type(value) is not str:
        raise DecodeError(f"expected text, got {type(value).__name__}")
    return value


def _list(value: Any) -> list:
    if type(value) is not list:
        raise DecodeError(f"expected a list, got {type(value).__name__}")
    return value


def _items(value: Any) -> list:
    items = _list(value)
    if len(items) > MAX_ITEMS:
        raise DecodeError(f"a container of more than {MAX_ITEMS} items")
    return items


def decode_answers(folder: Path) -> dict[str, Any]:
    """Read ``folder/answers.json``: problem id -> Answer (or a DecodeError for that problem).

    Raises
    ------
    DecodeError
        When the file is missing, too large or not valid JSON of the expected shape.
    """
    from ..checks import Answer

    path = folder / "answers.json"
    if not os.path.lexists(path):
        raise DecodeError("no answers were written (the notebook did not reach its end)")
    try:
        raw = read_regular(path, MAX_JSON_BYTES)
    except NotRegular as error:
        raise DecodeError(f"the answers file cannot be read ({error})") from None
    try:
        payload = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise DecodeError(f"the answers file is not valid JSON ({str(error)[:100]})") from None
    except RecursionError:
        raise DecodeError("the answers file is nested too deeply") from None
    if (
        type(payload) is not dict
        or payload.get("format") != 1
        or type(payload.get("answers")) is not dict
    ):
        raise DecodeError("the answers file does not have the expected shape")
    decoder = _Decoder(folder)
    answers: dict[str, Any] = {}
    for problem, entry in payload["answers"].items():
        try:
            if type(entry) is not dict:
                raise DecodeError("entry is not an object")
            values = entry.get("values", {})
            if type(values) is not dict:
                raise DecodeError("values is not an object")
            missing, error = entry.get("missing"), entry.get("error")
            if (
                missing is not None
                and type(missing) is not str
                or error is not None
                and type(error) is not str
            ):
                raise DecodeError("bad missing/error field")
            answers[problem] = Answer(
                {str(k): decoder.decode(v) for k, v in values.items()},
                missing=missing[:200] if missing else None,
                error=error[:1000] if error else None,
            )
        except Exception as failure:  # noqa: BLE001 - one hostile answer fails only itself
            answers[problem] = DecodeError(
                f"{problem}: {str(failure)[:200] or type(failure).__name__}"
            )
    return answers


def _reject_constant(name: str) -> Any:
    if name in ("NaN", "Infinity", "-Infinity"):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[name]
    raise ValueError(name)
