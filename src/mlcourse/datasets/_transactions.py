"""``make_transactions``: seeded synthetic card transactions with overlapping fraud patterns."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ._validate import check_int, check_start
from ._validate import rng as _rng

NAME = "transactions"

CATEGORIES = (
    "grocery",
    "restaurant",
    "fuel",
    "retail",
    "online_retail",
    "electronics",
    "travel",
    "entertainment",
    "health",
    "digital_goods",
)
CHANNELS = ("chip", "contactless", "online", "swipe")

# Legitimate spending: the population's average category mix (each customer draws their own
# mix around it) and how much a purchase in each category costs relative to the customer's
# typical amount.
_LEGIT_CATEGORY_MIX = np.array([0.25, 0.15, 0.10, 0.12, 0.12, 0.04, 0.03, 0.07, 0.07, 0.05])
_CATEGORY_PRICE = np.array([1.0, 0.8, 1.1, 1.3, 1.2, 3.0, 4.0, 0.9, 1.0, 0.4])
_LEGIT_CHANNEL_MIX = np.array([0.36, 0.34, 0.22, 0.08])
# Fraud: where stolen card details are spent, and through which channel.
_FRAUD_CATEGORY_MIX = np.array([0.06, 0.05, 0.06, 0.11, 0.22, 0.16, 0.09, 0.06, 0.04, 0.15])
_FRAUD_CHANNEL_MIX = np.array([0.12, 0.16, 0.52, 0.20])

_DAY = 86_400
_HOUR = 3_600


def make_transactions(
    n_rows: int = 100_000,
    *,
    fraud_rate: float = 0.005,
    n_customers: int | None = None,
    start: str | pd.Timestamp = "2025-01-01",
    days: int = 90,
    seed: int | None = 42,
) -> pd.DataFrame:
    """Generate synthetic card transactions, a small share of them fraudulent.

    Each customer has their own habits: a typical amount and its spread, a preferred mix of
    merchant categories and payment channels, active hours of the day, how far from home they
    usually shop, how often they travel and how often they buy several things in a row. Legitimate
    transactions are drawn from those habits. Fraud comes in short bursts (episodes) on a
    victim's card: it tends to happen at night, online, far from home, several times within an
    hour, in electronics/online retail/digital goods, for amounts that are unusual for that
    customer (large purchases, or tiny "card testing" charges). Every one of these signals only
    shifts a distribution -- legitimate customers also shop at night, online, on trips, in bursts
    and sometimes spend a lot -- so no single feature separates fraud from legitimate use, and a
    model has to combine them.

    The velocity features are computed per customer from that customer's *earlier* transactions
    only (no look-ahead), the way a real-time scoring system would see them.

    Parameters
    ----------
    n_rows : int, default 100_000
        Number of transactions (rows), at least 1.
    fraud_rate : float, default 0.005
        Probability that a transaction is fraudulent, in [0, 0.5]. The number of fraudulent rows
        is drawn as Binomial(n_rows, fraud_rate), so the realised rate varies around it with the
        binomial standard deviation ``sqrt(fraud_rate * (1 - fraud_rate) / n_rows)``.
    n_customers : int or None, default None
        Number of card holders; ``None`` means ``max(1, n_rows // 50)`` (about 50 transactions
        per customer). Customers' activity varies, and a customer may end up with no rows.
    start : str or pandas.Timestamp, default "2025-01-01"
        First day of the observation window: a timezone-naive date at midnight.
    days : int, default 90
        Length of the observation window in days, between 1 and 3660.
    seed : int or None, default 42
        Seed for :func:`numpy.random.default_rng`. The same seed gives an identical frame;
        ``None`` gives fresh randomness.

    Returns
    -------
    pandas.DataFrame
        One row per transaction, in time order, with columns

        - ``transaction_id`` (int64): 0 .. n_rows-1 in time order;
        - ``customer_id`` (int64): the card holder;
        - ``timestamp`` (datetime64[us]): when the transaction happened (second resolution);
        - ``amount`` (float64): amount in currency units, rounded to cents;
        - ``merchant_category`` (category): one of ``CATEGORIES``;
        - ``channel`` (category): ``chip``, ``contactless``, ``online`` or ``swipe``;
        - ``hour`` (int64): hour of day 0-23 of ``timestamp``;
        - ``distance_from_home_km`` (float64): distance between the customer's home and the
          merchant (for online purchases: the buyer's IP geolocation), rounded to 0.1 km;
        - ``n_txn_last_1h``, ``n_txn_last_24h`` (int64): the customer's earlier transactions
          in the hour / 24 hours before this one (within the window);
        - ``seconds_since_last_txn`` (int64): seconds since the customer's previous
          transaction (for their first transaction in the window, since a simulated last
          transaction before the window);
        - ``amount_ratio_to_customer_mean`` (float64): ``amount`` divided by the customer's mean
          amount so far, where "so far" is the mean of their earlier amounts in the window
          shrunk towards their long-run average with a weight of 5 transactions (the bank knows
          each customer's history from before the window); rounded to 3 decimals;
        - ``is_fraud`` (int64): 1 for fraud, 0 otherwise.

        There are no missing values. ``df.attrs["name"]`` is ``"transactions"`` and
        ``df.attrs["description"]`` describes the data and the parameters used.

    Notes
    -----
    Not simulated: real merchants, merchant ids or locations; card-present vs not-present
    subtleties beyond the channel; declined or reversed transactions; chargebacks and the weeks
    of delay before fraud labels are known (``is_fraud`` is the true label, available at once and
    without noise); fraudsters adapting to a model; weekly or seasonal cycles; currencies.
    Customers never change habits during the window.

    Examples
    --------
    >>> df = make_transactions(10_000, seed=0)
    >>> df.shape
    (10000, 13)
    """
    n_rows = _check_int("n_rows", n_rows, low=1)
    fraud_rate = _check_rate(fraud_rate)
    if n_customers is None:
        n_customers = max(1, n_rows // 50)
    n_customers = _check_int("n_customers", n_customers, low=1, high=10_000_000)
    days = _check_int("days", days, low=1, high=3660)
    start_ts = _check_start(start)
    rng = _rng(seed)
    window = days * _DAY

    # ---- customers and their habits -----------------------------------------------------
    activity = rng.gamma(2.0, 1.0, n_customers)
    log_typical = rng.normal(np.log(35.0), 0.55, n_customers)
    log_spread = rng.uniform(0.45, 0.85, n_customers)
    night_owl = rng.random(n_customers) < 0.15
    peak_hour = np.where(
        night_owl, rng.normal(22.0, 1.5, n_customers), rng.normal(14.5, 2.0, n_customers)
    )
    hour_spread = rng.uniform(2.0, 3.5, n_customers)
    home_scale_km = rng.lognormal(np.log(4.0), 0.6, n_customers)
    travel_prob = rng.beta(1.0, 25.0, n_customers)
    session_prob = rng.uniform(0.1, 0.45, n_customers)
    category_mix = rng.dirichlet(6.0 * _LEGIT_CATEGORY_MIX, n_customers)
    channel_mix = rng.dirichlet(8.0 * _LEGIT_CHANNEL_MIX, n_customers)
    long_run_mean = np.exp(log_typical + log_spread**2 / 2) * (category_mix @ _CATEGORY_PRICE)

    # ---- how many rows of each kind -------------------------------------------------------
    n_fraud = int(rng.binomial(n_rows, fraud_rate))
    n_legit = n_rows - n_fraud
    per_customer = rng.multinomial(n_legit, activity / activity.sum())

    # ---- legitimate transactions (generated grouped by customer) ------------------------
    cust = np.repeat(np.arange(n_customers), per_customer)
    block_start = np.concatenate(([0], np.cumsum(per_customer)[:-1]))
    day = rng.integers(0, days, n_legit)
    hour_f = np.mod(peak_hour[cust] + hour_spread[cust] * rng.standard_normal(n_legit), 24.0)
    sec = day * _DAY + (hour_f * _HOUR).astype(np.int64)
    # Shopping sessions: some purchases follow another purchase of the same customer closely.
    follow = rng.random(n_legit) < session_prob[cust]
    anchor = block_start[cust] + (rng.random(n_legit) * per_customer[cust]).astype(np.int64)
    gap = rng.exponential(25 * 60, n_legit).astype(np.int64) + 30
    after = sec[anchor] + gap
    sec = np.where(follow, np.where(after < window, after, sec[anchor] - gap), sec)
    sec = np.clip(sec, 0, window - 1)

    category = _draw(rng, category_mix, cust)
    channel = _draw(rng, channel_mix, cust)
    amount = np.exp(log_typical[cust] + log_spread[cust] * rng.standard_normal(n_legit))
    amount *= _CATEGORY_PRICE[category]
    travelling = rng.random(n_legit) < travel_prob[cust]
    distance = np.where(
        travelling,
        rng.lognormal(np.log(250.0), 1.0, n_legit),
        home_scale_km[cust] * rng.lognormal(0.0, 0.9, n_legit),
    )

    # ---- fraud episodes ---------------------------------------------------------------------
    f_cust, f_sec, f_cat, f_chan, f_amount, f_dist = _fraud(
        rng,
        n_fraud,
        window=window,
        days=days,
        activity=activity,
        log_typical=log_typical,
        log_spread=log_spread,
        home_scale_km=home_scale_km,
    )

    cust = np.concatenate((cust, f_cust))
    sec = np.concatenate((sec, f_sec))
    category = np.concatenate((category, f_cat))
    channel = np.concatenate((channel, f_chan))
    amount = np.maximum(np.round(np.concatenate((amount, f_amount)), 2), 0.01)
    distance = np.round(np.concatenate((distance, f_dist)), 1)
    is_fraud = np.concatenate((np.zeros(n_legit, np.int64), np.ones(n_fraud, np.int64)))

    # ---- velocity features, per customer, from earlier transactions only -----------------
    order = np.argsort(cust * (window + 1) + sec, kind="stable")
    c_s, t_s, a_s = cust[order], sec[order], amount[order]
    key = c_s * (window + 1) + t_s
    idx = np.arange(n_rows)
    first = np.ones(n_rows, bool)
    first[1:] = c_s[1:] != c_s[:-1]
    first_pos = np.maximum.accumulate(np.where(first, idx, 0))
    # Earlier rows of the same customer within the last hour / day (never another customer's).
    n_1h = idx - np.maximum(np.searchsorted(key, key - _HOUR, side="right"), first_pos)
    n_24h = idx - np.maximum(np.searchsorted(key, key - _DAY, side="right"), first_pos)
    # A customer's first row in the window: their simulated last purchase before the window.
    gap_before = rng.exponential(window / (per_customer[c_s[first]] + 1)).astype(np.int64)
    since_last = np.empty(n_rows, np.int64)
    since_last[1:] = t_s[1:] - t_s[:-1]
    since_last[first] = t_s[first] + 60 + gap_before
    csum = np.concatenate(([0.0], np.cumsum(a_s)))
    n_prev = idx - first_pos
    prior = 5.0
    mean_so_far = (csum[idx] - csum[first_pos] + prior * long_run_mean[c_s]) / (n_prev + prior)
    ratio = np.round(a_s / mean_so_far, 3)

    # ---- assemble in time order (ties: by customer, then generation order) ----------------
    final = np.argsort(sec * n_customers + cust, kind="stable")
    # Velocity arrays are in customer order: map each final row to its customer-order position.
    position = np.empty(n_rows, np.int64)
    position[order] = idx
    from_sorted = position[final]
    sec = sec[final]
    timestamp = np.datetime64(start_ts.to_datetime64(), "s") + sec.astype("timedelta64[s]")
    df = pd.DataFrame(
        {
            "transaction_id": np.arange(n_rows, dtype=np.int64),
            "customer_id": cust[final].astype(np.int64),
            "timestamp": timestamp.astype("datetime64[us]"),
            "amount": amount[final],
            "merchant_category": pd.Categorical.from_codes(category[final], CATEGORIES),
            "channel": pd.Categorical.from_codes(channel[final], CHANNELS),
            "hour": (sec % _DAY) // _HOUR,
            "distance_from_home_km": distance[final],
            "n_txn_last_1h": n_1h[from_sorted],
            "n_txn_last_24h": n_24h[from_sorted],
            "seconds_since_last_txn": since_last[from_sorted],
            "amount_ratio_to_customer_mean": ratio[from_sorted],
            "is_fraud": is_fraud[final],
        }
    )
    df.attrs["name"] = NAME
    df.attrs["description"] = _describe(
        n_rows=n_rows,
        fraud_rate=fraud_rate,
        realised=n_fraud / n_rows,
        n_customers=n_customers,
        start=start_ts,
        days=days,
        seed=seed,
    )
    return df


def _fraud(rng, n_fraud, *, window, days, activity, log_typical, log_spread, home_scale_km):
    """Fraudulent rows: bursts on victims' cards, each signal shifted, none decisive."""
    if n_fraud == 0:
        empty_i = np.zeros(0, np.int64)
        return empty_i, empty_i, empty_i, empty_i, np.zeros(0), np.zeros(0)
    # Episode sizes 1 + Poisson(1.2), cut so that they add up to exactly n_fraud.
    sizes = 1 + rng.poisson(1.2, n_fraud)
    ends = np.cumsum(sizes)
    n_episodes = int(np.searchsorted(ends, n_fraud)) + 1
    sizes = sizes[:n_episodes]
    sizes[-1] -= ends[n_episodes - 1] - n_fraud
    episode = np.repeat(np.arange(n_episodes), sizes)
    ep_start_row = np.concatenate(([0], np.cumsum(sizes)[:-1]))

    victim = rng.choice(len(activity), n_episodes, p=activity / activity.sum())
    at_night = rng.random(n_episodes) < 0.45
    ep_hour = np.where(
        at_night, np.mod(rng.normal(2.5, 2.0, n_episodes), 24.0), rng.uniform(0, 24, n_episodes)
    )
    ep_start = rng.integers(0, days, n_episodes) * _DAY + (ep_hour * _HOUR).astype(np.int64)
    # Within an episode, purchases follow each other after exponential gaps (mean 30 min).
    gaps = rng.exponential(30 * 60, n_fraud).astype(np.int64) + 20
    gaps[ep_start_row] = 0
    offset = np.cumsum(gaps)
    offset -= offset[ep_start_row][episode]
    f_sec = np.clip(ep_start[episode] + offset, 0, window - 1)

    f_cust = victim[episode]
    cum_cat = np.cumsum(_FRAUD_CATEGORY_MIX)
    f_cat = np.minimum(np.searchsorted(cum_cat / cum_cat[-1], rng.random(n_fraud)), 9)
    cum_chan = np.cumsum(_FRAUD_CHANNEL_MIX)
    f_chan = np.minimum(np.searchsorted(cum_chan / cum_chan[-1], rng.random(n_fraud)), 3)

    # Amounts: mostly a larger-than-usual purchase for this customer, sometimes a tiny test.
    usual = np.exp(log_typical[f_cust] + log_spread[f_cust] * rng.standard_normal(n_fraud))
    big = usual * _CATEGORY_PRICE[f_cat] * rng.lognormal(0.9, 0.6, n_fraud)
    card_test = rng.random(n_fraud) < 0.15
    f_amount = np.where(card_test, rng.uniform(0.5, 5.0, n_fraud), big)

    far = rng.random(n_fraud) < 0.45
    f_dist = np.where(
        far,
        rng.lognormal(np.log(300.0), 1.2, n_fraud),
        home_scale_km[f_cust] * rng.lognormal(0.4, 1.0, n_fraud),
    )
    return f_cust, f_sec, f_cat, f_chan, f_amount, f_dist


def _draw(rng, mix, owner):
    """One category per row from its owner's probabilities (vectorised inverse CDF)."""
    n_owners, k = mix.shape
    # Offsetting each owner's CDF by its index makes one increasing array for searchsorted.
    cdf = np.cumsum(mix, axis=1) / mix.sum(axis=1, keepdims=True) + np.arange(n_owners)[:, None]
    found = np.searchsorted(cdf.ravel(), owner + rng.random(len(owner)), side="right")
    return np.clip(found - owner * k, 0, k - 1)


def _describe(*, n_rows, fraud_rate, realised, n_customers, start, days, seed):
    return "\n".join(
        [
            "Synthetic card transactions (mlcourse.datasets.make_transactions).",
            "Customers have their own typical amounts, categories, channels, hours and",
            "travel habits; fraud comes in short bursts that lean towards night, online,",
            "far from home, unusual amounts and high velocity, overlapping legitimate use.",
            "Columns: transaction_id, customer_id, timestamp, amount, merchant_category,",
            "channel, hour, distance_from_home_km, n_txn_last_1h, n_txn_last_24h,",
            "seconds_since_last_txn, amount_ratio_to_customer_mean, is_fraud (target).",
            "Velocity features use only each customer's earlier transactions.",
            f"Parameters: n_rows={n_rows}, fraud_rate={fraud_rate}, n_customers={n_customers},",
            f"start={start.isoformat()}, days={days}, seed={seed}.",
            f"Realised fraud rate: {realised:.4%}.",
        ]
    )


def _check_int(name, value, *, low, high=None):
    return check_int(name, value, low=low, high=high)


def _check_rate(fraud_rate):
    if isinstance(fraud_rate, bool) or not isinstance(fraud_rate, numbers.Real):
        raise ValueError(
            f"fraud_rate must be a number, got {fraud_rate!r} ({type(fraud_rate).__name__}); "
            "pass a probability such as 0.005."
        )
    fraud_rate = float(fraud_rate)
    if not 0.0 <= fraud_rate <= 0.5:
        raise ValueError(
            f"fraud_rate must be between 0 and 0.5 (fraud is the minority class), got "
            f"{fraud_rate}; pass a probability such as 0.005 for 0.5% fraud."
        )
    return fraud_rate


def _check_start(start):
    return check_start(start, midnight=True)
