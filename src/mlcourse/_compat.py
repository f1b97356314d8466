"""Small bridges between the pinned libraries, each with the reason it exists and when to drop it."""

from __future__ import annotations


def allow_evidently_on_pandas3() -> None:
    """Let Evidently 0.7 import on pandas 3.

    Evidently 0.7.23 (module 21's drift reports) imports
    ``pandas.core.dtypes.common.infer_dtype_from_object``, a private helper that pandas 3
    removed. It maps a dtype-like to its scalar type; ``pandas_dtype(x).type`` is the same
    mapping for every dtype Evidently passes. Nothing is changed when the helper exists, so this
    is a no-op on pandas 2 and becomes one again when Evidently stops importing it (then delete
    this function and its call in ``setup_notebook``).
    """
    import pandas as pd
    from pandas.core.dtypes import common

    if not hasattr(common, "infer_dtype_from_object"):

        def infer_dtype_from_object(dtype):
            return pd.api.types.pandas_dtype(dtype).type

        common.infer_dtype_from_object = infer_dtype_from_object
