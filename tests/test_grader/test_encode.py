"""Answers leave the sandbox as safe files: round trips, and every kind of malformed input."""

import json

import numpy as np
import pandas as pd
import pytest

from mlcourse.checks import Answer, Value, compare
from mlcourse.grader import DecodeError, Unsupported, decode_answers, encode_answers


def _roundtrip(tmp_path, values):
    encode_answers({"99.1": Answer(values)}, tmp_path)
    return decode_answers(tmp_path)["99.1"].values


@pytest.mark.parametrize(
    "value",
    [
        3,
        -(2**70),
        2.5,
        float("nan"),
        float("inf"),
        True,
        None,
        "text",
        [1, "a", None],
        (1, 2.0),
        {"a": [1, 2], 3: (4,)},
        {1, 2},
        frozenset({"x"}),
        np.float64(1.5),
        np.int32(7),
        np.bool_(True),
        np.arange(6).reshape(2, 3),
        np.array(["a", "bc"]),
        np.linspace(0, 1, 5),
        pd.DataFrame({"x": [1.0, None], "s": ["a", "b"]}),
        pd.Series([1, 2, 3], name="n"),
        pd.Series([0.5, 1.5]),
        Ellipsis,
    ],
    ids=repr,
)
def test_round_trip_keeps_value_and_exact_type(tmp_path, value):
    back = _roundtrip(tmp_path, {"x": value})["x"]
    assert type(back) is type(value)
    if isinstance(value, (pd.DataFrame, pd.Series)):
        pd.testing.assert_frame_equal(pd.DataFrame(back), pd.DataFrame(value), check_dtype=False)
    elif value is not Ellipsis and value is not None:
        assert compare(value, back, "x") is None


def test_number_subclasses_travel_as_the_plain_number_they_hold(tmp_path):
    from http import HTTPStatus

    class Liar(int):
        def __int__(self):
            return 200

        __index__ = __int__

    back = _roundtrip(tmp_path, {"ok": HTTPStatus.OK, "liar": Liar(5), "flag": True})
    assert back == {"ok": 200, "liar": 5, "flag": True}
    assert [type(v) for v in back.values()] == [int, int, bool]


def test_foreign_objects_become_unsupported_and_are_rejected(tmp_path):
    class Liar:
        def __eq__(self, other):
            return True

    back = _roundtrip(tmp_path, {"x": Liar(), "arr": np.array([Liar()], dtype=object)})
    assert isinstance(back["x"], Unsupported) and back["x"].type_name == "Liar"
    assert isinstance(back["arr"], Unsupported)
    outcome = Value("99.1", var="x", expected=1).evaluate(Answer({"x": back["x"]}))
    assert outcome.status == "incorrect" and "Liar" in outcome.message


def test_function_results_round_trip(tmp_path):
    results = [
        {"ok": True, "value": 2.0},
        {"ok": False, "error": "ValueError: x", "error_types": ["ValueError"]},
    ]
    assert _roundtrip(tmp_path, {"results": results})["results"] == results


def _write(tmp_path, payload, files=None):
    (tmp_path / "answers.json").write_text(
        payload if isinstance(payload, str) else json.dumps(payload)
    )
    for name, content in (files or {}).items():
        (tmp_path / name).write_bytes(content)


def test_missing_or_malformed_file(tmp_path):
    with pytest.raises(DecodeError, match="did not reach its end"):
        decode_answers(tmp_path)
    _write(tmp_path, "{not json")
    with pytest.raises(DecodeError, match="not valid JSON"):
        decode_answers(tmp_path)
    _write(tmp_path, {"format": 2, "answers": {}})
    with pytest.raises(DecodeError, match="expected shape"):
        decode_answers(tmp_path)


@pytest.mark.parametrize(
    "entry",
    [
        {"values": {"x": {"__t": "ndarray", "file": "../../etc/passwd"}}},
        {"values": {"x": {"__t": "ndarray", "file": "v1.npy"}}},  # missing file
        {"values": {"x": {"__t": "evil"}}},
        {"values": {"x": {"__t": "npscalar", "dtype": "O", "v": "1"}}},
        {"values": {"x": [1, 2]}},  # untagged list
        {"values": "nope"},
        {"missing": 3},
    ],
)
def test_hostile_entries_fail_alone(tmp_path, entry):
    _write(
        tmp_path,
        {
            "format": 1,
            "answers": {"99.1": entry, "99.2": {"values": {"y": {"__t": "int", "v": "1"}}}},
        },
    )
    answers = decode_answers(tmp_path)
    assert isinstance(answers["99.1"], DecodeError)
    assert isinstance(answers["99.2"], Answer) and answers["99.2"].values == {"y": 1}


def test_planted_pickle_is_never_loaded(tmp_path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    np.save(tmp_path / "v1.npy", np.array([Payload()], dtype=object), allow_pickle=True)
    _write(
        tmp_path,
        {"format": 1, "answers": {"99.1": {"values": {"x": {"__t": "ndarray", "file": "v1.npy"}}}}},
    )
    assert isinstance(decode_answers(tmp_path)["99.1"], DecodeError)
    assert not marker.exists()


def test_symlinked_data_file_is_refused(tmp_path):
    secret = tmp_path / "secret.npy"
    np.save(secret, np.arange(3))
    (tmp_path / "v1.npy").symlink_to(secret)
    _write(
        tmp_path,
        {"format": 1, "answers": {"99.1": {"values": {"x": {"__t": "ndarray", "file": "v1.npy"}}}}},
    )
    assert isinstance(decode_answers(tmp_path)["99.1"], DecodeError)


def _write_answers(folder, values):
    payload = {"format": 1, "answers": {"99.1": {"missing": None, "error": None, "values": values}}}
    (folder / "answers.json").write_text(json.dumps(payload))


def _npy(header: str, body: bytes = b"") -> bytes:
    header = header.ljust(((len(header) + 10) // 64 + 1) * 64 - 11) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", bytes(8)),
         "does not match its size"),
        (_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", bytes(8)),
         "does not match its size"),
        (_npy("{'descr': '<f8', 'fortran_order': False, 'shape': " + "(" * 1500 + ")" * 1500 + ", }"),
         "bad header"),
        (_npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", bytes(8)),
         "unsupported dtype"),
        (_npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", bytes(8)),
         "unsupported dtype"),
        (b"\x93NUMPY\x09\x00junk", "unsupported format"),
    ],
)  # fmt: skip
def test_an_array_header_must_match_the_bytes_present(tmp_path, content, reason):
    (tmp_path / "v1.npy").write_bytes(content)
    _write_answers(tmp_path, {"x": {"__t": "ndarray", "file": "v1.npy"}})
    failure = decode_answers(tmp_path)["99.1"]
    assert isinstance(failure, DecodeError) and reason in str(failure)


def test_a_true_array_header_still_decodes(tmp_path):
    body = np.arange(3, dtype="<f8").tobytes()
    (tmp_path / "v1.npy").write_bytes(
        _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", body)
    )
    _write_answers(tmp_path, {"x": {"__t": "ndarray", "file": "v1.npy"}})
    assert decode_answers(tmp_path)["99.1"].values["x"].tolist() == [0.0, 1.0, 2.0]


def test_a_small_parquet_file_that_decodes_huge_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": np.zeros(12_000_000, dtype=np.int8)}), tmp_path / "v1.parquet")
    assert (tmp_path / "v1.parquet").stat().st_size < 2_000_000
    (tmp_path / "v2.parquet").write_bytes(
        b"PAR1" + bytes(64) + (2**31 - 1).to_bytes(4, "little") + b"PAR1"
    )
    _write_answers(
        tmp_path,
        {"x": {"__t": "frame", "file": "v1.parquet"}, "y": {"__t": "series", "file": "v2.parquet"}},
    )
    failure = decode_answers(tmp_path)["99.1"]
    assert isinstance(failure, DecodeError) and "too many cells" in str(failure)
    _write_answers(tmp_path, {"y": {"__t": "series", "file": "v2.parquet"}})
    failure = decode_answers(tmp_path)["99.1"]
    assert isinstance(failure, DecodeError) and "unreadable" in str(failure)


def test_containers_are_bounded(tmp_path):
    collide = [{"__t": "int", "v": str(k * (2**61 - 1))} for k in range(1, 12_000)]
    _write_answers(
        tmp_path,
        {
            "s": {"__t": "set", "items": collide},
            "d": {"__t": "dict", "items": [[v, v] for v in collide]},
        },
    )
    failure = decode_answers(tmp_path)["99.1"]
    assert isinstance(failure, DecodeError) and "sets and dicts" in str(failure)
    _write_answers(tmp_path, {"n": {"__t": "int", "v": "9" * 5000}})
    assert "digits" in str(decode_answers(tmp_path)["99.1"])
    _write_answers(tmp_path, {"l": {"__t": "list", "items": [None] * 100_001}})
    assert "more than 100000 items" in str(decode_answers(tmp_path)["99.1"])


def test_a_deeply_nested_answers_file_is_a_decode_error(tmp_path):
    (tmp_path / "answers.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(DecodeError, match="nested too deeply"):
        decode_answers(tmp_path)


def test_only_regular_files_are_read(tmp_path):
    import os

    os.mkfifo(tmp_path / "answers.json")
    with pytest.raises(DecodeError, match="not a regular file"):
        decode_answers(tmp_path)  # returns at once: a FIFO is never opened for a blocking read
