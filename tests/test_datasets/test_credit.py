"""make_credit: determinism, schema, and a bias that is exactly where the card says it is."""

import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from mlcourse.datasets._credit import make_credit

DTYPES = {
    "applicant_id": "int64",
    "group": "category",
    "age": "int64",
    "income": "float64",
    "debt_to_income": "float64",
    "credit_history_years": "int64",
    "n_late_payments": "int64",
    "employment_years": "int64",
    "loan_amount": "float64",
    "repaid": "int64",
    "approved": "int64",
}
N = 20_000


def _design(df):
    """The legitimate features, transformed as the card documents, and an indicator of B."""
    x = pd.DataFrame(
        {
            "log_income": np.log(df["income"]),
            "debt_to_income": df["debt_to_income"],
            "n_late_payments": df["n_late_payments"],
            "credit_history_years": df["credit_history_years"],
            "employment_years": df["employment_years"],
            "log_loan_amount": np.log(df["loan_amount"]),
            "is_b": (df["group"] == "B").astype(float),
        }
    )
    return sm.add_constant(x)


def _group_effect(df, outcome):
    """Coefficient and standard error of group B in a logistic regression of the outcome."""
    fit = sm.Logit(df[outcome], _design(df)).fit(disp=0)
    return fit.params["is_b"], fit.bse["is_b"]


@pytest.fixture(scope="module")
def frames():
    return {bias: make_credit(N, bias=bias, seed=1) for bias in (0.0, 0.5, 1.0, 2.0)}


def test_same_seed_same_frame_other_seed_other_frame():
    first = make_credit(2_000, seed=3)
    pd.testing.assert_frame_equal(first, make_credit(2_000, seed=3))
    assert not first.equals(make_credit(2_000, seed=4))


def test_schema_dtypes_ranges_and_no_missing_values():
    df = make_credit(seed=0)
    assert df.shape == (5_000, len(DTYPES))
    assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES
    assert not df.isna().any().any()
    assert list(df["group"].cat.categories) == ["A", "B"]
    assert 0.3 < (df["group"] == "B").mean() < 0.5
    assert df["age"].between(21, 75).all()
    assert df["debt_to_income"].between(0, 1).all()
    assert (df["employment_years"] <= df["age"] - 18).all()
    assert (df["credit_history_years"] <= df["age"] - 18).all()
    assert (df["income"] > 0).all() and (df["loan_amount"] >= 500).all()
    assert set(df["repaid"].unique()) == {0, 1} and set(df["approved"].unique()) == {0, 1}
    assert 0.6 < df["repaid"].mean() < 0.9 and 0.35 < df["approved"].mean() < 0.75
    assert df.attrs["name"] == "credit"
    assert df.attrs["sensitive_attribute"] == "group" and df.attrs["bias"] == 0.5
    assert "bias=0.5" in df.attrs["description"]


def test_bias_changes_only_the_historical_decision(frames):
    base = frames[0.0]
    for bias in (0.5, 2.0):
        other = frames[bias]
        pd.testing.assert_frame_equal(base.drop(columns="approved"), other.drop(columns="approved"))
        # A bigger penalty can only turn B approvals into rejections, never touch group A.
        a = base["group"] == "A"
        np.testing.assert_array_equal(base.loc[a, "approved"], other.loc[a, "approved"])
        assert (other.loc[~a, "approved"] <= base.loc[~a, "approved"]).all()


def test_group_is_correlated_with_income(frames):
    medians = frames[0.0].groupby("group", observed=True)["income"].median()
    assert 0.65 < medians["B"] / medians["A"] < 0.85


def test_repaid_does_not_depend_on_group_given_legitimate_features(frames):
    coef, se = _group_effect(frames[0.0], "repaid")
    assert abs(coef) < 3 * se, (coef, se)


def test_without_bias_the_conditional_approval_gap_is_zero(frames):
    coef, se = _group_effect(frames[0.0], "approved")
    assert abs(coef) < 3 * se, (coef, se)


@pytest.mark.parametrize("bias", [0.5, 1.0, 2.0])
def test_with_bias_the_conditional_gap_is_the_documented_penalty(frames, bias):
    coef, se = _group_effect(frames[bias], "approved")
    assert abs(coef - (-bias)) < 3 * se, (coef, se, bias)


def test_fairness_gaps_grow_with_bias(frames):
    def gaps(df):
        rate = df.groupby("group", observed=True)["approved"].mean()
        tpr = df[df["repaid"] == 1].groupby("group", observed=True)["approved"].mean()
        return rate["A"] - rate["B"], tpr["A"] - tpr["B"]

    parity, opportunity = zip(*(gaps(frames[b]) for b in (0.0, 0.5, 1.0, 2.0)), strict=True)
    # Even without bias the unconditional gaps are positive: B's incomes are lower.
    assert 0.0 < parity[0] < 0.1 and 0.0 < opportunity[0] < 0.1
    assert all(np.diff(parity) > 0.03) and all(np.diff(opportunity) > 0.03)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_rows": 0}, "n_rows must be at least 1, got 0"),
        ({"n_rows": 1.5}, "n_rows must be an integer"),
        ({"bias": -0.5}, "bias must be between 0 and 10"),
        ({"bias": 11}, "got 11"),
        ({"bias": float("nan")}, "bias must be a finite number"),
        ({"bias": "high"}, "bias must be a finite number, got 'high'"),
        ({"seed": "x"}, "seed must be a non-negative integer or None"),
    ],
)
def test_bad_arguments_are_rejected_clearly(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_credit(**{"n_rows": 100, **kwargs})


def test_parameters_after_n_rows_are_keyword_only():
    with pytest.raises(TypeError):
        make_credit(100, 0.5)
