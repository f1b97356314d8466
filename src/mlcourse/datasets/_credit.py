"""``make_credit``: seeded synthetic credit applications with a tunable historical bias."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from ._validate import check_int
from ._validate import rng as _rng

NAME = "credit"

GROUPS = ("A", "B")
SHARE_B = 0.4
INCOME_GAP = 0.3  # log-income gap of group B at equal age and employment
APPROVAL_SLOPE = 2.0
APPROVAL_CUTOFF = 1.2

# Repayment log-odds, linear in these (transformed) legitimate features; see make_credit.
REPAY_COEF = {
    "intercept": 1.5,
    "log_income": 0.9,  # per unit of log(income) - log(50_000)
    "debt_to_income": -4.0,  # per unit of debt_to_income - 0.3
    "n_late_payments": -0.45,
    "credit_history_years": 0.05,  # per year beyond 8
    "employment_years": 0.03,  # per year beyond 8
    "log_loan_amount": -0.6,  # per unit of log(loan_amount) - log(15_000)
}


def make_credit(n_rows: int = 5_000, *, bias: float = 0.5, seed: int | None = 42) -> pd.DataFrame:
    """Generate synthetic credit applications with a sensitive attribute and a biased history.

    Each row is a loan application. ``group`` ("A" or "B") is the sensitive attribute; 40% of
    applicants are in group B. Group B is correlated with a legitimate feature through one
    documented mechanism: at equal age and employment, group B's income is lower by a factor
    ``exp(-0.3)`` (about 26%), a structural pay gap. Everything else about an applicant (age,
    employment, credit history, debt-to-income, late payments) is drawn identically in both groups;
    requested loan amounts grow with income (as ``sqrt(income)``), so they differ too.

    Two outcomes are simulated:

    - ``repaid`` -- whether the applicant would repay -- depends on the legitimate features
      only, never on ``group``::

          r = 1.5 + 0.9*(log(income) - log(50000)) - 4.0*(debt_to_income - 0.3)
              - 0.45*n_late_payments + 0.05*(credit_history_years - 8)
              + 0.03*(employment_years - 8) - 0.6*(log(loan_amount) - log(15000))
          repaid ~ Bernoulli(sigmoid(r))

    - ``approved`` -- the historical lending decision -- follows the same assessment of the
      legitimate features, minus a penalty of ``bias`` (in log-odds) for group B::

          approved ~ Bernoulli(sigmoid(2.0*(r - 1.2) - bias*[group == "B"]))

    With ``bias=0`` two applicants with the same legitimate features have the same approval
    probability whatever their group, so the approval-rate gap *conditional on the legitimate
    features* is zero; the *unconditional* gap (demographic parity difference, equal opportunity
    difference) is still not zero, because group B's incomes are lower. With ``bias > 0`` a
    logistic regression of ``approved`` on the legitimate features (``log(income)``,
    ``debt_to_income``, ``n_late_payments``, ``credit_history_years``, ``employment_years``,
    ``log(loan_amount)``) and an indicator of group B recovers a coefficient of about
    ``-bias`` on the indicator, and the unconditional gaps grow with ``bias``. The logits are
    computed from the rounded values that appear in the frame, so this holds exactly in
    expectation.

    Parameters
    ----------
    n_rows : int, default 5_000
        Number of applications, at least 1.
    bias : float, default 0.5
        Log-odds penalty applied to group B in the historical decisions, between 0 and 10.
        0 means decisions depend on legitimate features only; 0.5 multiplies a B applicant's
        odds of approval by ``exp(-0.5)`` (about 0.61).
    seed : int or None, default 42
        Seed for :func:`numpy.random.default_rng`. The same seed gives an identical frame;
        ``None`` gives fresh randomness. With the same seed, frames for different ``bias`` share
        everything except ``approved``.

    Returns
    -------
    pandas.DataFrame
        One row per application with columns

        - ``applicant_id`` (int64): 0 .. n_rows-1;
        - ``group`` (category, "A"/"B"): the sensitive attribute, B disadvantaged;
        - ``age`` (int64): years, 21-75;
        - ``income`` (float64): annual income in currency units, rounded to whole units;
        - ``debt_to_income`` (float64): existing debt payments / income, 0-1, 3 decimals;
        - ``credit_history_years`` (int64): years since the first credit line;
        - ``n_late_payments`` (int64): late payments on record;
        - ``employment_years`` (int64): years with the current employer;
        - ``loan_amount`` (float64): requested amount, rounded to 100, at least 500;
        - ``repaid`` (int64): 1 if the loan is (would be) repaid -- the true outcome;
        - ``approved`` (int64): 1 if the application was approved historically.

        No missing values. ``df.attrs`` holds ``name`` ("credit"), ``description``,
        ``sensitive_attribute`` ("group"), ``privileged_group`` ("A"),
        ``unprivileged_group`` ("B") and ``bias``.

    Notes
    -----
    Not simulated: selective labels (here ``repaid`` is known for every applicant, also the
    rejected ones -- in real lending it is observed only for approved loans); feedback loops
    between past decisions and future features; proxies other than income (postcode, name);
    intersectional groups or more than two groups; interest rates, loan terms, macro-economic
    shocks. Group B's lower income is an assumption of the simulation, not a measured fact
    about any real population.

    Examples
    --------
    >>> df = make_credit(1_000, bias=1.0, seed=0)
    >>> sorted(df["group"].cat.categories)
    ['A', 'B']
    """
    n_rows = _check_int("n_rows", n_rows, low=1)
    bias = _check_bias(bias)
    rng = _rng(seed)

    is_b = rng.random(n_rows) < SHARE_B
    age = np.clip(np.round(21 + rng.gamma(3.0, 6.0, n_rows)), 21, 75).astype(np.int64)
    working_years = age - 18
    employment_years = np.floor(working_years * rng.beta(1.5, 2.5, n_rows)).astype(np.int64)
    credit_history_years = np.floor(working_years * rng.beta(3.0, 2.0, n_rows)).astype(np.int64)
    log_income = (
        np.log(42_000.0)
        + 0.012 * (age - 21)
        + 0.02 * np.minimum(employment_years, 20)
        - INCOME_GAP * is_b
        + rng.normal(0.0, 0.45, n_rows)
    )
    income = np.round(np.exp(log_income), 0)
    debt_to_income = np.round(rng.beta(2.0, 5.0, n_rows), 3)
    n_late_payments = rng.poisson(0.2 + 2.0 * debt_to_income).astype(np.int64)
    # Loan requests grow with income, less than proportionally.
    loan_amount = np.maximum(
        np.round(15_000.0 * np.sqrt(income / 50_000.0) * rng.lognormal(0.0, 0.5, n_rows), -2),
        500.0,
    )

    r = _repay_logit(
        income=income,
        debt_to_income=debt_to_income,
        n_late_payments=n_late_payments,
        credit_history_years=credit_history_years,
        employment_years=employment_years,
        loan_amount=loan_amount,
    )
    u_repaid = rng.random(n_rows)
    u_approved = rng.random(n_rows)
    repaid = (u_repaid < _sigmoid(r)).astype(np.int64)
    approved_logit = APPROVAL_SLOPE * (r - APPROVAL_CUTOFF) - bias * is_b
    approved = (u_approved < _sigmoid(approved_logit)).astype(np.int64)

    df = pd.DataFrame(
        {
            "applicant_id": np.arange(n_rows, dtype=np.int64),
            "group": pd.Categorical.from_codes(is_b.astype(np.int8), GROUPS),
            "age": age,
            "income": income,
            "debt_to_income": debt_to_income,
            "credit_history_years": credit_history_years,
            "n_late_payments": n_late_payments,
            "employment_years": employment_years,
            "loan_amount": loan_amount,
            "repaid": repaid,
            "approved": approved,
        }
    )
    df.attrs["name"] = NAME
    df.attrs["sensitive_attribute"] = "group"
    df.attrs["privileged_group"] = "A"
    df.attrs["unprivileged_group"] = "B"
    df.attrs["bias"] = bias
    df.attrs["description"] = "\n".join(
        [
            "Synthetic credit applications (mlcourse.datasets.make_credit).",
            "Sensitive attribute: group (A/B, 40% B). At equal age and employment, group B's",
            f"income is lower by a factor exp(-{INCOME_GAP}) (a simulated pay gap).",
            "repaid (true outcome) depends on legitimate features only, never on group.",
            "approved (historical decision) ~ Bernoulli(sigmoid(2*(r - 1.2) - bias*[B])),",
            "where r is the repayment log-odds: bias is a log-odds penalty for group B.",
            "Columns: applicant_id, group, age, income, debt_to_income, credit_history_years,",
            "n_late_payments, employment_years, loan_amount, repaid, approved.",
            f"Parameters: n_rows={n_rows}, bias={bias}, seed={seed}.",
        ]
    )
    return df


def _repay_logit(
    *,
    income,
    debt_to_income,
    n_late_payments,
    credit_history_years,
    employment_years,
    loan_amount,
):
    """Repayment log-odds used by :func:`make_credit` (array in, array out)."""
    c = REPAY_COEF
    return (
        c["intercept"]
        + c["log_income"] * (np.log(income) - np.log(50_000.0))
        + c["debt_to_income"] * (np.asarray(debt_to_income) - 0.3)
        + c["n_late_payments"] * np.asarray(n_late_payments)
        + c["credit_history_years"] * (np.asarray(credit_history_years) - 8)
        + c["employment_years"] * (np.asarray(employment_years) - 8)
        + c["log_loan_amount"] * (np.log(loan_amount) - np.log(15_000.0))
    )


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _check_int(name, value, *, low):
    return check_int(name, value, low=low, example=5000)


def _check_bias(bias):
    if isinstance(bias, bool) or not isinstance(bias, numbers.Real) or not math.isfinite(bias):
        raise ValueError(
            f"bias must be a finite number, got {bias!r}; pass a log-odds penalty such as 0.5 "
            "(0 for unbiased decisions)."
        )
    if not 0.0 <= bias <= 10.0:
        raise ValueError(
            f"bias must be between 0 and 10 (a log-odds penalty on group B), got {bias}; "
            "pass 0 for unbiased decisions or e.g. 0.5, 1.0, 2.0."
        )
    return float(bias)
