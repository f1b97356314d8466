"""Safe comparisons: exact types, tolerances, NaN, shapes, and never the learner's __eq__."""

import numpy as np
import pandas as pd
import pytest

from mlcourse.checks import CompareError, compare, safe_repr


class AlwaysEqual:
    """A hostile answer: equal to everything."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class EqualStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class EqualFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class EqualArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


@pytest.mark.parametrize(
    ("expected", "got"),
    [
        (3, 3),
        (3, 3.0),
        (0.1 + 0.2, 0.3),
        (2.5, np.float64(2.5)),
        (7, np.int64(7)),
        (True, True),
        ("abc", "abc"),
        (None, None),
        ([1, 2.0, "x"], [1, 2.0, "x"]),
        ((1, 2), (1, 2)),
        ({"a": 1, "b": [1, 2]}, {"b": [1, 2], "a": 1}),
        ({1, 2, 3}, {3, 2, 1}),
        (float("nan"), float("nan")),
        (np.array([1.0, np.nan]), np.array([1.0, np.nan])),
        (np.arange(6).reshape(2, 3), np.arange(6).reshape(2, 3).astype(float)),
    ],
)
def test_equal_values_match(expected, got):
    assert compare(expected, got, "x") is None


@pytest.mark.parametrize(
    ("expected", "got", "fragment"),
    [
        (3, 4, "is 4"),
        (3, "3", "should be a number"),
        (1.0, True, "should be a number"),
        (True, 1, "True or False"),
        (False, True, "not the expected truth value"),
        ("abc", "abd", "not the expected text"),
        ("abc", " abc", "spaces"),
        ("abc", "ABC", "upper/lower case"),
        ([1, 2], (1, 2), "should be a list"),
        ([1, 2], [1, 2, 3], "has 3 elements"),
        ([1, 2], [1, 5], "`x[1]` is 5"),
        ({"a": 1}, {"b": 1}, "missing the key"),
        ({"a": 1}, {"a": 1, "b": 2}, "extra key"),
        ({1, 2}, {1, 3}, "not the right elements"),
        (None, 0, "should be None"),
        (2.0, float("nan"), "NaN"),
        (float("nan"), 2.0, "missing value"),
    ],
)
def test_mismatches_are_described(expected, got, fragment):
    message = compare(expected, got, "x")
    assert message is not None and fragment in message


@pytest.mark.parametrize("liar", [AlwaysEqual(), EqualStr("nope"), EqualFloat(1.5)])
def test_objects_whose_eq_always_returns_true_are_rejected(liar):
    assert compare("answer", liar, "x") is not None
    assert compare(42.0, liar, "x") is not None


def test_array_subclass_with_lying_eq_is_rejected():
    liar = np.zeros(3).view(EqualArray)
    assert "should be a NumPy array" in compare(np.ones(3), liar, "x")


def test_list_holding_a_liar_is_rejected():
    assert compare([1, 2], [1, AlwaysEqual()], "x") is not None


def test_dict_with_hostile_keys_is_rejected():
    assert "unexpected type" in compare({"a": 1}, {AlwaysEqual(): 1}, "x")


def test_tolerances_apply_to_floats():
    assert compare(1.0, 1.0 + 1e-9, "x") is None
    assert compare(1.0, 1.01, "x") is not None
    assert compare(1.0, 1.01, "x", rtol=0.05) is None
    assert compare(0.0, 1e-12, "x") is None


def test_message_never_reveals_expected_value():
    message = compare(123.456, 99.0, "x")
    assert "123.456" not in message
    message = compare("secret answer", "wrong", "x")
    assert "secret" not in message


def test_array_shape_dtype_and_values():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "shape (4,)" in compare(expected, np.ones(4), "x")
    assert "NumPy array" in compare(expected, [[1.0, 2.0], [3.0, 4.0]], "x")
    message = compare(expected, np.array([[1.0, 2.0], [3.0, 5.0]]), "x")
    assert "1 of 4 entries" in message and "(1, 1)" in message
    assert "dtype" in compare(np.array(["a", "b"]), np.array([1, 2]), "x")
    assert "dtype" in compare(expected, expected.astype(np.float32), "x", check_dtype=True)
    assert "NaN" in compare(expected, np.array([[1.0, np.nan], [3.0, 4.0]]), "x")


def test_series_and_frames():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", None]})
    assert compare(frame, frame.copy(), "df") is None
    assert "missing the column" in compare(frame, frame[["a"]], "df")
    assert "different order" in compare(frame, frame[["b", "a"]], "df")
    assert "rows" in compare(frame, frame.iloc[:1], "df")
    assert "index" in compare(frame, frame.set_axis([5, 6]), "df")
    assert compare(frame, frame.set_axis([5, 6]), "df", check_index=False) is None
    assert "`df['b']`" in compare(frame, frame.assign(b=["x", "y"]), "df")
    assert "`df['a']`" in compare(frame, frame.assign(a=[1.0, 2.5]), "df")
    assert "numbers were expected" in compare(frame, frame.assign(a=["1", "2"]), "df")
    series = pd.Series([1, 2, 3], name="n")
    assert compare(series, series.astype(float), "s") is None
    assert "Series" in compare(series, [1, 2, 3], "s")
    assert "DataFrame" in compare(frame, frame.to_dict(), "df")


def test_no_text_passes_for_a_missing_value_or_an_object():
    from decimal import Decimal

    frame = pd.DataFrame({"b": ["x", None]})
    for text in ("<missing>", "<NoneType>", "nan", ""):
        assert "`df['b']`" in compare(frame, frame.assign(b=["x", text]), "df"), text
    assert compare(frame, frame.assign(b=["x", np.nan]), "df") is None  # missing is missing
    objects = pd.DataFrame({"d": pd.Series([Decimal("1.5")], dtype=object)})
    assert "`df['d']`" in compare(objects, objects.assign(d=["<Decimal>"]), "df")


def test_dates_compare_whatever_their_unit():
    dates = pd.DataFrame({"date": pd.to_datetime(["2012-01-01", "2012-01-02"])})
    for unit in ("s", "ms", "us", "ns"):
        other = dates.assign(date=dates["date"].astype(f"datetime64[{unit}]"))
        assert compare(dates, other, "df") is None, unit
    later = dates.assign(date=dates["date"] + pd.Timedelta(seconds=1))
    assert "`df['date']`" in compare(dates, later, "df")


def test_unsupported_expected_kind_is_a_checker_bug():
    with pytest.raises(CompareError):
        compare(object(), object(), "x")


def test_safe_repr_survives_hostile_repr():
    class Bad:
        def __repr__(self):
            raise RuntimeError("boom")

    assert "Bad" in safe_repr(Bad())
    assert len(safe_repr("x" * 10_000)) <= 120
    assert len(safe_repr(np.zeros((100, 100)))) <= 120


def test_ints_beyond_any_float_compare_exactly():
    assert compare(2**2000, 2**2000, "x") is None
    assert "very large" in compare(2**2000, 2**2000 + 1, "x")
    assert "very large" in compare(2**2000, 1.0, "x")


def test_int_enums_count_as_their_plain_number():
    from http import HTTPStatus

    assert compare(404, HTTPStatus.NOT_FOUND, "code") is None
    assert compare({"missing": 404}, {"missing": HTTPStatus.NOT_FOUND}, "codes") is None
    assert "not the expected value" in compare(200, HTTPStatus.NOT_FOUND, "code")


def test_a_number_subclass_cannot_lie_about_its_value():
    class Liar(int):
        def __eq__(self, other):
            return True

        __hash__ = int.__hash__

        def __float__(self):
            return 200.0

        def __index__(self):
            return 200

        def __int__(self):
            return 200

    class Drifting(float):
        def __float__(self):
            return 0.5

    assert compare(200, Liar(5), "code") is not None
    assert compare(0.5, Drifting(0.25), "p") is not None
    assert compare(0.25, Drifting(0.25), "p") is None


def test_complex_numbers_are_compared_part_by_part():
    assert compare(1 + 2j, complex(1, 2 + 1e-12), "z") is None
    assert "z.imag" in compare(1 + 2j, 1 + 3j, "z")
    assert compare(1 + 2j, 1.5 + 2j, "z") is not None  # the real part differs
    assert "complex number" in compare(1 + 2j, True, "z")
    assert "complex number" in compare(1 + 2j, "1+2j", "z")
    assert compare(1 + 2j, 1.0, "z") is not None  # a real number is not the complex result


def test_an_integer_too_large_for_a_float_is_a_mismatch_not_a_crash():
    message = compare(0.5, 10**400, "d")
    assert message is not None and "too large" in message
    assert compare(0.5, -(10**400), "d") is not None


def test_how_far_says_nothing_of_an_integer_too_large_for_a_float():
    from mlcourse.checks._compare import how_far

    assert how_far([1.0, 2.0], [10**4000, 2]) == ""
    assert "wrong sign" in how_far([1.0, 2.0], [-1.0, -2.0])  # still diagnoses what it can
