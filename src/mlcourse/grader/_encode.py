"""Answers as safe files: type-tagged JSON, ``.npy`` without pickle, Parquet for frames.

The kernel side (:func:`encode`) may run learner-controlled code paths; the grader side
(:func:`decode`) treats every file as hostile: size limits, names checked, no pickle ever.
A value of any other type becomes an :class:`Unsupported` marker that every comparison rejects.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_ARRAY_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 20
_FILE = re.compile(r"^v\d{1,6}\.(npy|parquet)$")


class Unsupported:
    """A learner value that could not be carried out of the sandbox (kept as its type name)."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name = type_name
        self.text = text

    def __repr__(self) -> str:
        return self.text or f"<{self.type_name}>"


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

    def decode(self, obj: Any, depth: int = 0) -> Any:  # noqa: C901 - one branch per tag
        if depth > MAX_DEPTH + 2:
            raise DecodeError("nested too deeply")
        if obj is None or type(obj) in (bool, str):
            return obj
        if type(obj) is not dict or "__t" not in obj:
            raise DecodeError(f"unexpected value of type {type(obj).__name__}")
        tag = obj["__t"]
        if tag == "int":
            return int(_str(obj["v"])[:5000])
        if tag == "float":
            text = _str(obj["v"])
            return float(text) if text not in ("nan", "inf", "-inf") else float(text)
        if tag == "ellipsis":
            return Ellipsis
        if tag in ("list", "tuple", "set", "frozenset"):
            items = [self.decode(v, depth + 1) for v in _list(obj["items"])]
            if tag in ("set", "frozenset"):
                try:
                    return {"set": set, "frozenset": frozenset}[tag](items)
                except TypeError:
                    return Unsupported(tag, "a set of unhashable values")
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            result = {}
            for pair in _list(obj["items"]):
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
            path = self._path(obj["file"], "npy")
            return np.load(path, allow_pickle=False)
        if tag in ("frame", "series"):
            import pandas as pd

            frame = pd.read_parquet(self._path(obj["file"], "parquet"))
            if tag == "frame":
                return frame
            series = frame.iloc[:, 0]
            return series.rename(None) if obj.get("unnamed") else series
        if tag == "unsupported":
            return Unsupported(
                _str(obj.get("type", "object"))[:100], _str(obj.get("text", ""))[:200]
            )
        raise DecodeError(f"unknown tag {tag!r}")

    def _path(self, name: Any, suffix: str) -> Path:
        name = _str(name)
        if not _FILE.match(name) or not name.endswith(suffix):
            raise DecodeError(f"bad data file name {name!r}")
        path = self.folder / name
        if path.is_symlink() or not path.is_file():
            raise DecodeError(f"missing data file {name}")
        if path.stat().st_size > MAX_ARRAY_BYTES + 1024 * 1024:
            raise DecodeError(f"data file {name} is too large")
        return path


def _str(value: Any) -> str:
    if type(value) is not str:
        raise DecodeError(f"expected text, got {type(value).__name__}")
    return value


def _list(value: Any) -> list:
    if type(value) is not list:
        raise DecodeError(f"expected a list, got {type(value).__name__}")
    return value


def decode_answers(folder: Path) -> dict[str, Any]:
    """Read ``folder/answers.json``: problem id -> Answer (or a DecodeError for that problem).

    Raises
    ------
    DecodeError
        When the file is missing, too large or not valid JSON of the expected shape.
    """
    from ..checks import Answer

    path = folder / "answers.json"
    if path.is_symlink() or not path.is_file():
        raise DecodeError("no answers were written (the notebook did not reach its end)")
    if path.stat().st_size > MAX_JSON_BYTES:
        raise DecodeError("the answers file is too large")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"), parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise DecodeError(f"the answers file is not valid JSON ({error})") from None
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
        except (DecodeError, ValueError, TypeError, KeyError, OSError) as failure:
            answers[problem] = DecodeError(f"{problem}: {failure}")
    return answers


def _reject_constant(name: str) -> Any:
    if name in ("NaN", "Infinity", "-Infinity"):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[name]
    raise ValueError(name)
