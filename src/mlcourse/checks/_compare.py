"""Compare a learner's value with the expected one without trusting the learner's objects.

The comparisons never call a learner object's ``__eq__``: the learner's value must be of an
exact, known type (a subclass could redefine equality), and numbers are compared after
conversion to plain floats. A mismatch is described in kind (type, length, shape, columns,
how many entries differ) and never reveals the expected value.
"""

from __future__ import annotations

import math
import numbers
import reprlib
from typing import Any

import numpy as np

_SAFE_KEY_TYPES = (str, int, float, bool, type(None), tuple, frozenset)
_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 80
_repr.maxlist = 8
_repr.maxdict = 6


class CompareError(TypeError):
    """The expected value is of a kind these comparisons do not support (a checker bug)."""


def safe_repr(value: Any, limit: int = 120) -> str:
    """Return a short ``repr`` of ``value`` that never raises and is never huge."""
    try:
        if isinstance(value, np.ndarray) and type(value) is np.ndarray:
            text = np.array2string(value, threshold=8, edgeitems=2, precision=4)
        else:
            text = _repr.repr(value)
    except Exception as error:  # a learner's __repr__ may raise
        text = f"<{type(value).__name__} whose repr() raised {type(error).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    """Describe the kind of a value in words, e.g. ``'a NumPy array of shape (3,)'``."""
    pd = _pandas()
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a bool"
    if pd is not None and type(value) is pd.DataFrame:
        return f"a DataFrame with {value.shape[0]} rows and {value.shape[1]} columns"
    if pd is not None and type(value) is pd.Series:
        return f"a Series of length {len(value)} and dtype {value.dtype}"
    if type(value) is np.ndarray:
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if type(value) in (list, tuple, dict, set, frozenset, str):
        return f"a {type(value).__name__} of length {len(value)}"
    name = type(value).__name__
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def _pandas():
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a course dependency
        return None
    return pd


def _is_real(value: Any) -> bool:
    """True for plain ints/floats and NumPy scalars (bools excluded)."""
    if type(value) in (int, float):
        return True
    return isinstance(value, (np.integer, np.floating)) and type(value).__module__ == "numpy"


def plain_number(value: Any) -> Any:
    """An int or float subclass (``http.HTTPStatus.OK``, an ``IntEnum``) as the plain number it
    holds, read through ``int``'s and ``float``'s own methods so no override can change it;
    anything else unchanged."""
    kind = type(value)
    if kind in (int, float, bool) or kind.__module__ == "numpy":
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__index__(value)
    if isinstance(value, float):
        return float.__float__(value)
    return value


def compare(
    expected: Any,
    got: Any,
    name: str,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    check_dtype: bool = False,
    check_index: bool = True,
) -> str | None:
    """Compare ``got`` with ``expected``.

    Parameters
    ----------
    expected : Any
        The reference value, computed by the checker.
    got : Any
        The learner's value.
    name : str
        How to name the learner's value in messages (e.g. ``"total"`` or ``"scores[2]"``).
    rtol, atol : float
        Relative and absolute tolerances for floating-point values.
    check_dtype : bool
        Whether arrays, Series and DataFrame columns must have exactly the expected dtype
        (otherwise any numeric dtype is accepted for a numeric expectation).
    check_index : bool
        Whether the index of a Series or DataFrame must match.

    Returns
    -------
    str or None
        ``None`` when the values match, otherwise a message that describes the mismatch
        without revealing the expected value.

    Raises
    ------
    CompareError
        When ``expected`` is of a kind these comparisons do not support.
    """
    opts = {"rtol": rtol, "atol": atol, "check_dtype": check_dtype, "check_index": check_index}
    pd = _pandas()
    if expected is None:
        return None if got is None else f"`{name}` should be None, but it is {describe(got)}."
    if isinstance(expected, (bool, np.bool_)):
        return _compare_bool(bool(expected), got, name)
    if isinstance(expected, numbers.Real) or isinstance(expected, (np.integer, np.floating)):
        got = plain_number(got)
        whole = isinstance(expected, (int, np.integer))
        if check_dtype and whole and isinstance(got, (float, np.floating)):
            return f"`{name}` should be an int, but it is a float: {safe_repr(got)}. Use int(...)."
        try:
            as_float = float(expected)
        except OverflowError:  # an int beyond any float: only the same int matches
            if type(got) is int and got == expected:
                return None
            return f"`{name}` is not the expected (very large) whole number."
        return _compare_number(as_float, got, name, rtol, atol)
    if isinstance(expected, numbers.Complex):  # complex, after the real numbers above
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Complex):
            return f"`{name}` should be a complex number, but it is {describe(got)}."
        return _compare_number(expected.real, complex(got).real, name, rtol, atol) or (
            _compare_number(expected.imag, complex(got).imag, f"{name}.imag", rtol, atol)
        )
    if isinstance(expected, str):
        return _compare_str(expected, got, name)
    if isinstance(expected, (list, tuple)):
        return _compare_sequence(expected, got, name, opts)
    if isinstance(expected, dict):
        return _compare_dict(expected, got, name, opts)
    if isinstance(expected, (set, frozenset)):
        return _compare_set(expected, got, name)
    if isinstance(expected, np.ndarray):
        return _compare_array(expected, got, name, rtol, atol, check_dtype)
    if pd is not None and isinstance(expected, pd.Series):
        return _compare_series(expected, got, name, opts)
    if pd is not None and isinstance(expected, pd.DataFrame):
        return _compare_frame(expected, got, name, opts)
    raise CompareError(f"cannot compare values of type {type(expected).__name__}")


def _compare_bool(expected: bool, got: Any, name: str) -> str | None:
    if type(got) is not bool and type(got) is not np.bool_:
        return f"`{name}` should be True or False, but it is {describe(got)}: {safe_repr(got)}."
    if bool(got) is not expected:
        return f"`{name}` is {bool(got)}, which is not the expected truth value."
    return None


def _compare_number(expected: float, got: Any, name: str, rtol: float, atol: float) -> str | None:
    if isinstance(got, (bool, np.bool_)) or not _is_real(got):
        convertible = type(got) is str or type(got).__name__ in ("Fraction", "Decimal")
        extra = " Convert it with float(...) or int(...)." if convertible else ""
        return f"`{name}` should be a number, but it is {describe(got)}: {safe_repr(got)}.{extra}"
    try:
        value = float(got)
    except OverflowError:  # an int with hundreds of digits: no float can hold it
        return f"`{name}` is an integer too large for any float ({describe(got)}): not the expected value."
    if math.isnan(expected):
        return None if math.isnan(value) else f"`{name}` should be a missing value (NaN)."
    if math.isnan(value):
        return (
            f"`{name}` is NaN (not a number). A missing value or a 0/0 has probably slipped "
            "into the calculation."
        )
    if math.isinf(expected) or math.isinf(value):
        if value == expected:
            return None
        return f"`{name}` is {safe_repr(got)}, which is not the expected value."
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return None
    return f"`{name}` is {_round(value)}, which is not the expected value."


def _round(value: float) -> str:
    return f"{value:.6g}"


def _compare_str(expected: str, got: Any, name: str) -> str | None:
    if type(got) is not str:
        return f"`{name}` should be a str, but it is {describe(got)}: {safe_repr(got)}."
    if got == expected:
        return None
    if got.strip() == expected.strip():
        return f"`{name}` has extra or missing spaces at its start or end."
    if got.lower() == expected.lower():
        return f"`{name}` differs from the expected text only in upper/lower case."
    return f"`{name}` is {safe_repr(got)}, which is not the expected text."


def _compare_sequence(expected: list | tuple, got: Any, name: str, opts: dict) -> str | None:
    kind = type(expected).__name__
    if type(got) not in (list, tuple):
        return f"`{name}` should be a {kind}, but it is {describe(got)}: {safe_repr(got)}."
    if type(got) is not type(expected):
        return f"`{name}` should be a {kind}, but it is a {type(got).__name__}."
    if len(got) != len(expected):
        return f"`{name}` has {len(got)} elements, but it should have {len(expected)}."
    for index, (want, have) in enumerate(zip(expected, got, strict=False)):
        problem = compare(want, have, f"{name}[{index}]", **opts)
        if problem:
            return problem
    return None


def _compare_dict(expected: dict, got: Any, name: str, opts: dict) -> str | None:
    if type(got) is not dict:
        return f"`{name}` should be a dict, but it is {describe(got)}: {safe_repr(got)}."
    if not all(type(key) in _SAFE_KEY_TYPES for key in got):
        return f"`{name}` has keys of an unexpected type; use plain strings or numbers as keys."
    missing = [key for key in expected if key not in got]
    extra = [key for key in got if key not in expected]
    if missing:
        return f"`{name}` is missing the key(s) {safe_repr(missing)}."
    if extra:
        return f"`{name}` has unexpected extra key(s) {safe_repr(extra)}."
    for key, want in expected.items():
        problem = compare(want, got[key], f"{name}[{key!r}]", **opts)
        if problem:
            return problem
    return None


def _compare_set(expected: set | frozenset, got: Any, name: str) -> str | None:
    if type(got) not in (set, frozenset):
        return f"`{name}` should be a set, but it is {describe(got)}: {safe_repr(got)}."
    if not all(type(item) in _SAFE_KEY_TYPES for item in got):
        return f"`{name}` holds elements of an unexpected type."
    if len(got) != len(expected):
        return f"`{name}` has {len(got)} elements, but it should have {len(expected)}."
    if set(got) != set(expected):
        return f"`{name}` has the right size but not the right elements."
    return None


def _compare_array(
    expected: np.ndarray, got: Any, name: str, rtol: float, atol: float, check_dtype: bool
) -> str | None:
    if type(got) is not np.ndarray:
        hint = " Convert it with np.asarray(...)." if type(got) in (list, tuple) else ""
        return f"`{name}` should be a NumPy array, but it is {describe(got)}.{hint}"
    if got.shape != expected.shape:
        return f"`{name}` has shape {got.shape}, but it should have shape {expected.shape}."
    problem = _dtype_problem(expected.dtype, got.dtype, name, check_dtype)
    if problem:
        return problem
    return _values_problem(expected, got, name, rtol, atol)


def _dtype_problem(want: np.dtype, have: np.dtype, name: str, strict: bool) -> str | None:
    if strict and want != have:
        return f"`{name}` has dtype {have}, but it should have dtype {want}."
    numeric = "iuf"
    if want.kind in numeric and have.kind in numeric:
        return None
    if want.kind != have.kind:
        return f"`{name}` has dtype {have}, but a dtype like {want} was expected."
    return None


def _values_problem(
    expected: np.ndarray, got: np.ndarray, name: str, rtol: float, atol: float
) -> str | None:
    if expected.dtype.kind in "iuf":
        want = expected.astype(float)
        have = got.astype(float)
        same = np.isclose(have, want, rtol=rtol, atol=atol, equal_nan=True)
        nan_where_number = np.isnan(have) & ~np.isnan(want)
        if nan_where_number.any():
            return (
                f"`{name}` has {int(nan_where_number.sum())} NaN value(s) where numbers were "
                "expected."
            )
    else:
        same = np.asarray(got == expected, dtype=bool) if got.dtype.kind != "O" else None
        if same is None:
            same = np.array(
                [w == h for w, h in zip(expected.ravel(), got.ravel(), strict=False)], dtype=bool
            )
            same = same.reshape(expected.shape)
    if same.all():
        return None
    wrong = int((~same).sum())
    first = tuple(int(i) for i in np.argwhere(~same)[0])
    where = first[0] if len(first) == 1 else first
    return (
        f"`{name}` has {wrong} of {same.size} entries that differ from the expected values "
        f"(the first at index {where})."
    )


def _compare_series(expected, got, name: str, opts: dict) -> str | None:
    pd = _pandas()
    if type(got) is not pd.Series:
        return f"`{name}` should be a pandas Series, but it is {describe(got)}."
    if len(got) != len(expected):
        return f"`{name}` has {len(got)} rows, but it should have {len(expected)}."
    if opts["check_index"] and not got.index.equals(expected.index):
        return (
            f"`{name}` has a different index (row labels) than expected: "
            f"{safe_repr(list(got.index[:5]))}..."
        )
    return _column_problem(expected.to_numpy(), got.to_numpy(), name, opts)


def _column_problem(expected: np.ndarray, got: np.ndarray, name: str, opts: dict) -> str | None:
    if expected.dtype.kind in "iufb" and got.dtype.kind not in "iufb":
        return f"`{name}` holds {got.dtype} values, but numbers were expected."
    if expected.dtype.kind in "iuf" and got.dtype.kind in "iufb":
        return _values_problem(expected, got, name, opts["rtol"], opts["atol"])
    if expected.dtype.kind == "b":
        return _values_problem(expected, got.astype(bool), name, opts["rtol"], opts["atol"])
    want = np.array([_plain(v) for v in expected], dtype=object)
    have = np.array([_plain(v) for v in got], dtype=object)
    return _values_problem(want, have, name, opts["rtol"], opts["atol"])


class _Marker:
    """What a missing value or a value of no plain type becomes for comparison.

    Equal only to a marker of the same label: no text a learner writes (``"<missing>"``, say)
    can pass for a missing value or for an object.
    """

    __slots__ = ("label",)

    def __init__(self, label: str):
        self.label = label

    def __eq__(self, other: object) -> bool:
        return type(other) is _Marker and other.label == self.label

    def __hash__(self) -> int:
        return hash((_Marker, self.label))

    def __repr__(self) -> str:
        return f"<{self.label}>"


_MISSING = _Marker("missing")


def _plain(value: Any) -> Any:
    """Map missing values to one marker and leave only plain comparable values.

    Dates and times become ISO text whatever their unit (``datetime64[ns]`` and ``[us]`` hold
    the same dates); any other object becomes a marker of its type.
    """
    pd = _pandas()
    if value is None or (pd is not None and pd.api.types.is_scalar(value) and pd.isna(value)):
        return _MISSING
    if type(value) in (str, int, float, bool):
        return value
    if pd is not None and isinstance(value, (np.datetime64, pd.Timestamp)):
        return pd.Timestamp(value).isoformat()
    if pd is not None and isinstance(value, (np.timedelta64, pd.Timedelta)):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, (np.generic,)) and type(value).__module__ == "numpy":
        return value.item()
    return _Marker(type(value).__name__)


def _compare_frame(expected, got, name: str, opts: dict) -> str | None:
    pd = _pandas()
    if type(got) is not pd.DataFrame:
        return f"`{name}` should be a pandas DataFrame, but it is {describe(got)}."
    want_cols = [str(c) for c in expected.columns]
    have_cols = [str(c) for c in got.columns]
    missing = [c for c in want_cols if c not in have_cols]
    extra = [c for c in have_cols if c not in want_cols]
    if missing:
        return f"`{name}` is missing the column(s) {safe_repr(missing)}."
    if extra:
        return f"`{name}` has unexpected extra column(s) {safe_repr(extra)}."
    if have_cols != want_cols:
        return f"`{name}` has the right columns in a different order: {safe_repr(have_cols)}."
    if len(got) != len(expected):
        return f"`{name}` has {len(got)} rows, but it should have {len(expected)}."
    if opts["check_index"] and not got.index.equals(expected.index):
        return (
            f"`{name}` has a different index (row labels) than expected: "
            f"{safe_repr(list(got.index[:5]))}..."
        )
    for position, column in enumerate(expected.columns):
        problem = _column_problem(
            expected.iloc[:, position].to_numpy(),
            got.iloc[:, position].to_numpy(),
            f"{name}[{column!r}]",
            opts,
        )
        if problem:
            return problem
    return None


def how_far(expected: Any, got: Any) -> str:
    """A short diagnosis of how a numeric result is off, or ``""``.

    Said only for results of visible cases, whose inputs the learner sees: " Every entry has
    the wrong sign.", " It is about 2 times too large.", " Its shape is the transpose of the
    expected one." Nothing is said when no simple pattern explains the difference.
    """
    try:
        want = np.asarray(expected, dtype=float)
        have = np.asarray(got, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int too large for a float
        return ""
    if want.size == 0 or have.size == 0 or not np.isfinite(want).all():
        return ""
    if have.shape != want.shape:
        if have.ndim == 2 and have.shape == want.shape[::-1]:
            return " Its shape is the transpose of the expected one."
        if have.size == want.size:
            return f" It holds the right number of values, in shape {have.shape} instead of {want.shape}."
        return ""
    if not np.isfinite(have).all():
        return ""
    if np.allclose(have, -want, rtol=1e-6, atol=1e-12) and np.abs(want).max() > 0:
        return " Every value has the wrong sign."
    nonzero = np.abs(want) > 1e-12
    if not nonzero.any() or not np.allclose(have[~nonzero], 0, atol=1e-12):
        return ""
    ratios = have[nonzero] / want[nonzero]
    ratio = float(np.median(ratios))
    if ratio <= 0 or not np.allclose(ratios, ratio, rtol=1e-6) or 1 / 1.5 < ratio < 1.5:
        return ""  # no constant factor, or one too close to 1 to be worth a word
    if ratio > 1:
        return f" It is about {ratio:.2g} times too large."
    return f" It is about {1 / ratio:.2g} times too small."
