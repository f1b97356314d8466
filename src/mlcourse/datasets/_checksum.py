"""Content checksums of datasets, stable across machines."""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

_DECIMALS = 6


def content_checksum(data: Any) -> str:
    """SHA-256 of a dataset's content: a DataFrame, an array, or a Bunch/dict of them.

    Floats are rounded to 6 decimals first, so that the last bits of floating-point
    arithmetic on different CPUs do not change the checksum; frames are hashed as CSV text.

    Returns
    -------
    str
        ``"sha256:<hex>"``.
    """
    digest = hashlib.sha256()
    _update(digest, data)
    return f"sha256:{digest.hexdigest()}"


def _update(digest, data: Any) -> None:
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        for column in frame.columns:
            if pd.api.types.is_float_dtype(frame[column]):
                frame[column] = frame[column].round(_DECIMALS)
        digest.update(
            frame.to_csv(index=False, float_format="%.6f", date_format="%Y-%m-%dT%H:%M:%S").encode()
        )
    elif isinstance(data, pd.Series):
        _update(digest, data.to_frame())
    elif isinstance(data, np.ndarray):
        array = np.round(data, _DECIMALS) if data.dtype.kind == "f" else data
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        if array.dtype.kind == "O":
            digest.update("\x1f".join(map(str, array.ravel())).encode())
        else:
            digest.update(np.ascontiguousarray(array).tobytes())
    elif isinstance(data, dict):
        for key in sorted(data):
            if key in ("description", "name"):
                continue
            digest.update(str(key).encode())
            _update(digest, data[key])
    elif isinstance(data, (list, tuple)):
        for item in data:
            _update(digest, item)
    else:
        digest.update(repr(data).encode())
