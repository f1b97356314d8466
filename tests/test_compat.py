"""The bridge that lets Evidently 0.7 run on pandas 3 gives right answers, not only an import."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlcourse._compat import allow_evidently_on_pandas3


@pytest.mark.parametrize(
    ("dtype", "scalar"),
    [
        ("int64", np.int64),
        ("float64", np.float64),
        (bool, np.bool_),
        ("datetime64[ns]", np.datetime64),
    ],
)
def test_the_helper_maps_a_dtype_to_its_scalar_type(dtype, scalar):
    from pandas.core.dtypes import common

    allow_evidently_on_pandas3()
    assert common.infer_dtype_from_object(dtype) is scalar


def test_evidently_flags_a_shifted_column_and_not_an_unchanged_one():
    allow_evidently_on_pandas3()
    from evidently import Report
    from evidently.presets import DataDriftPreset

    rng = np.random.default_rng(0)
    reference = pd.DataFrame({"moved": rng.normal(size=800), "same": rng.normal(size=800)})
    current = pd.DataFrame({"moved": rng.normal(0.5, size=800), "same": rng.normal(size=800)})
    result = Report([DataDriftPreset()]).run(current, reference).dict()
    p_values = {
        m["config"]["column"]: float(m["value"])
        for m in result["metrics"]
        if m["config"].get("type", "").endswith("ValueDrift")
    }
    assert p_values["moved"] < 1e-6
    assert p_values["same"] > 0.05
