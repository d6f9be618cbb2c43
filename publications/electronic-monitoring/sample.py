"""Seeded sample source extract for the "Electronic monitoring statistics" publication.

Real electronic monitoring (EM) extracts cannot leave the department, so this module builds a
synthetic ``orders`` extract with the same shape and broadly realistic behaviour: a growing
caseload over about ten years, people with several (sequential or overlapping) orders, orders not
yet started or still active at the extract date, and the missing values real extracts contain.

The module is deliberately standalone (it does not import ``statgen``) and fully vectorised with
numpy, so large scales can be generated for benchmarks.
"""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl

EXTRACT_DATE = datetime.date(2026, 10, 31)
"""Data are "as at" this date: no date in the extract is after it."""

FIRST_NOTIFICATION_DATE = datetime.date(2016, 11, 1)
"""Earliest notification date in the extract (about ten years before the extract date)."""

ORDER_TYPES: tuple[str, ...] = (
    "Court bail",
    "Court order",
    "Post-release",
    "Immigration bail",
    "Specials",
)
DEVICE_TYPES: tuple[str, ...] = (
    "RF curfew",
    "GPS location",
    "Alcohol monitoring",
    "Non-fitted device",
)
REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Greater Manchester",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "Kent Surrey and Sussex",
    "South West",
    "South Central",
    "Wales",
)
SEXES: tuple[str, ...] = ("Male", "Female", "Unknown")
END_REASONS: tuple[str, ...] = ("Completed", "Revoked", "Breach", "Other")

SCHEMA: dict[str, pl.DataType] = {
    "order_id": pl.String(),
    "person_id": pl.String(),
    "order_type": pl.String(),
    "device_type": pl.String(),
    "region": pl.String(),
    "sex": pl.String(),
    "age_at_start": pl.Int64(),
    "notification_date": pl.Date(),
    "start_date": pl.Date(),
    "end_date": pl.Date(),
    "end_reason": pl.String(),
}

# Calibrated so that about 28,000 people are subject to monitoring at 2025-12-31 at scale=1.
_BASE_PEOPLE = 595_000

# Order type codes (indices into ORDER_TYPES).
_CB, _CO, _PR, _IB, _SP = range(5)
# Device type codes (indices into DEVICE_TYPES).
_RF, _GPS, _ALC, _NFD = range(4)

# Share of new orders by type at the start and end of the period (post-release grows over time).
# Each vector must sum to 1: the last category takes whatever the others leave.
_TYPE_MIX_START = np.array([0.502, 0.23, 0.25, 0.012, 0.006])
_TYPE_MIX_END = np.array([0.462, 0.21, 0.31, 0.012, 0.006])

# Lognormal duration (days) per order type: median, sigma, and clipping bounds.
_DURATION_MEDIAN = np.array([60.0, 120.0, 115.0, 300.0, 150.0])
_DURATION_SIGMA = np.array([0.60, 0.55, 0.70, 0.80, 0.90])
_DURATION_MIN = np.array([3, 14, 7, 14, 7])
_DURATION_MAX = np.array([365, 365, 1095, 2500, 1500])

# End reason probabilities per order type, columns in END_REASONS order.
_END_REASON_P = np.array(
    [
        [0.72, 0.10, 0.13, 0.05],  # Court bail
        [0.68, 0.12, 0.16, 0.04],  # Court order
        [0.62, 0.06, 0.27, 0.05],  # Post-release: recalls recorded as breach
        [0.55, 0.10, 0.10, 0.25],  # Immigration bail: removals recorded as other
        [0.60, 0.10, 0.15, 0.15],  # Specials
    ]
)

# Mature device mix per order type (columns in DEVICE_TYPES order); GPS and alcohol ramp in.
_DEVICE_P = np.array(
    [
        [0.90, 0.06, 0.03, 0.01],  # Court bail
        [0.70, 0.10, 0.19, 0.01],  # Court order
        [0.52, 0.36, 0.11, 0.01],  # Post-release
        [0.08, 0.80, 0.00, 0.12],  # Immigration bail
        [0.35, 0.65, 0.00, 0.00],  # Specials
    ]
)

_REGION_P = np.array([0.06, 0.09, 0.07, 0.10, 0.08, 0.11, 0.09, 0.14, 0.08, 0.06, 0.07, 0.05])
_SEX_P = np.array([0.87, 0.12, 0.01])
_AGE_NULL_P = 0.02
_NEVER_STARTED_P = 0.012

_EPOCH = datetime.date(1970, 1, 1)


def _day(d: datetime.date) -> int:
    """Days since the Unix epoch (the physical representation of ``pl.Date``)."""
    return (d - _EPOCH).days


def _ramp(day: np.ndarray, start: datetime.date, end: datetime.date) -> np.ndarray:
    """Linear 0 to 1 ramp between two dates, as float32 to keep memory down at large scales."""
    lo, hi = _day(start), _day(end)
    return np.clip((day - lo) / (hi - lo), 0.0, 1.0).astype(np.float32)


def _draw_codes(rng: np.random.Generator, cum_p: np.ndarray) -> np.ndarray:
    """Categorical codes from per-row cumulative probability thresholds of shape (k - 1, n)."""
    # Why: comparing one uniform per row against k - 1 thresholds avoids an (n, k) matrix.
    u = rng.random(cum_p.shape[1], dtype=np.float32)
    codes = np.zeros(cum_p.shape[1], dtype=np.int8)
    for threshold in cum_p:  # loop over categories (at most a handful), not rows
        codes += u >= threshold
    return codes


def _draw_fixed(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """Categorical codes for ``n`` rows sharing one probability vector ``p``."""
    cum = np.cumsum(p / p.sum())[:-1]
    return np.searchsorted(cum, rng.random(n), side="right").astype(np.int8)


def _notification_weights() -> tuple[np.ndarray, np.ndarray]:
    """Daily notification days and probabilities: growth trend, weekly cycle and Covid dip."""
    first, last = _day(FIRST_NOTIFICATION_DATE), _day(EXTRACT_DATE)
    days = np.arange(first, last + 1, dtype=np.int64)
    x = (days - first) / (last - first)
    # Caseload roughly doubled over the decade, with faster growth after the 2021-22 expansions.
    trend = 0.45 + 0.35 * x + 0.25 * np.clip((x - 0.45) / 0.25, 0.0, 1.0)
    # 1970-01-01 was a Thursday, so (day + 3) % 7 is 0 on Mondays.
    weekday = (days + 3) % 7
    weekly = np.where(weekday == 5, 0.45, np.where(weekday == 6, 0.35, 1.0))
    covid = 1.0 - 0.35 * (
        (days >= _day(datetime.date(2020, 3, 23))) & (days < _day(datetime.date(2020, 7, 1)))
    )
    w = trend * weekly * covid
    return days, w / w.sum()


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Zero-padded identifiers such as ``EM0000001`` from positive integers below 10**width."""
    # Why: adding 10**width gives a leading "1" and the zero padding in one integer cast, which
    # is several times faster than zfill plus concatenation at large scales.
    padded = pl.Series(numbers.astype(np.int64) + 10**width).cast(pl.String)
    return padded.str.replace("1", prefix, literal=True, n=1)


def _labels(values: tuple[str, ...], codes: np.ndarray) -> pl.Series:
    """Map integer codes to their string labels."""
    # Why gather: string views of the few labels are copied, not re-encoded per row.
    return pl.Series(values, dtype=pl.String).gather(codes)


def _dates(day: np.ndarray) -> pl.Series:
    """Physical day numbers (days since the epoch) to a ``pl.Date`` series."""
    return pl.Series(day.astype(np.int32)).cast(pl.Date)


def _nullify(series: pl.Series, mask: np.ndarray) -> pl.Series:
    """Set ``series`` to null wherever ``mask`` is true."""
    return pl.select(
        pl.when(pl.lit(pl.Series(mask))).then(None).otherwise(pl.lit(series))
    ).to_series()


def generate(scale: float = 1.0, seed: int = 20261031) -> dict[str, pl.DataFrame]:
    """Generate a synthetic electronic monitoring source extract.

    People are drawn with a first notification date following a growing trend, then each
    person gets a chain of one or more orders (sequential or overlapping). Order type, device,
    start delay, duration and end reason are drawn per order; anything that would happen after
    :data:`EXTRACT_DATE` is censored (start or end left null), as in a real "as at" extract.

    Parameters
    ----------
    scale : float, default 1.0
        Multiplies the number of people (and so orders) linearly. ``1.0`` gives roughly 560,000
        orders and about 28,000 people subject to monitoring at 2025-12-31; ``0.01`` gives a
        tiny extract for tests.
    seed : int, default 20261031
        Seed for :func:`numpy.random.default_rng`. The same ``(scale, seed)`` always gives an
        identical extract.

    Returns
    -------
    dict[str, polars.DataFrame]
        ``{"orders": frame}``, one row per order sorted by ``order_id``, with columns and dtypes
        as in :data:`SCHEMA`.
        ``start_date`` is null for orders not (yet) started, ``end_date`` is null for orders
        still active (or not started), and ``end_reason`` is null exactly when ``end_date`` is.

    Raises
    ------
    ValueError
        If ``scale`` is not positive.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    rng = np.random.default_rng(seed)
    extract_day = _day(EXTRACT_DATE)
    n_people = max(1, round(_BASE_PEOPLE * scale))

    # --- People: first notification date, number of orders, fixed characteristics. ---
    days, p_day = _notification_weights()
    # Why sorted: person ids then run in order of first contact, like a real case system.
    first_day = np.sort(rng.choice(days, size=n_people, p=p_day)).astype(np.int32)
    n_orders = np.minimum(rng.geometric(0.74, size=n_people), 12).astype(np.int64)
    region = _draw_fixed(rng, _REGION_P, n_people)
    sex = _draw_fixed(rng, _SEX_P, n_people)
    # Skewed young: 18 plus a gamma with mean about 15 years, capped at 80 at first order.
    age0 = np.minimum(18 + rng.gamma(2.0, 7.5, size=n_people), 80).astype(np.int16)

    # --- Orders: chains of notifications per person. ---
    person = np.repeat(np.arange(n_people, dtype=np.int32), n_orders)
    n = person.shape[0]
    offsets = np.cumsum(n_orders) - n_orders
    seq = (np.arange(n, dtype=np.int64) - np.repeat(offsets, n_orders)).astype(np.int16)
    # Gaps between a person's notifications: some short (e.g. bail then sentence, overlapping),
    # most long (a new episode of offending).
    short = rng.random(n) < 0.3
    gap = (
        np.where(
            short,
            rng.exponential(25.0, size=n),
            rng.lognormal(np.log(330.0), 0.8, size=n),
        ).astype(np.int64)
        + 1
    )
    gap[seq == 0] = 0
    cum_gap = np.cumsum(gap)
    cum_gap -= np.repeat(cum_gap[offsets], n_orders)
    notification = first_day[person] + cum_gap
    del gap, cum_gap
    # Why: later orders in a chain may fall after the extract date; they do not exist yet.
    keep = notification <= extract_day
    person, seq, short = person[keep], seq[keep], short[keep]
    notification = notification[keep].astype(np.int32)
    n = person.shape[0]

    # --- Order type: mix drifts towards post-release; bail is often followed by an order. ---
    t = _ramp(notification, FIRST_NOTIFICATION_DATE, EXTRACT_DATE)
    mix = _TYPE_MIX_START[:, None] + (_TYPE_MIX_END - _TYPE_MIX_START)[:, None] * t[None, :]
    order_type = _draw_codes(rng, np.cumsum(mix, axis=0)[:-1].astype(np.float32))
    del mix
    follows_bail = (seq > 0) & (np.roll(order_type, 1) == _CB) & short
    order_type[follows_bail & (rng.random(n) < 0.6)] = _CO
    del follows_bail, short

    # --- Device type: GPS ramps in 2018-2020, alcohol 2019-2022, non-fitted from 2022. ---
    gps_ramp = 0.15 + 0.85 * _ramp(
        notification, datetime.date(2018, 3, 1), datetime.date(2020, 9, 1)
    )
    # Immigration bail and specials used GPS before the wider roll-out.
    gps_ramp = np.where(order_type >= _IB, np.float32(1.0), gps_ramp)
    alc_ramp = 0.02 + 0.98 * _ramp(
        notification, datetime.date(2019, 6, 1), datetime.date(2022, 3, 1)
    )
    nfd_ramp = _ramp(notification, datetime.date(2022, 1, 1), datetime.date(2023, 6, 1))
    p_dev = _DEVICE_P.astype(np.float32)[order_type]
    p_gps = p_dev[:, _GPS] * gps_ramp
    p_alc = p_dev[:, _ALC] * alc_ramp
    p_nfd = p_dev[:, _NFD] * nfd_ramp
    del p_dev, gps_ramp, alc_ramp, nfd_ramp, t
    # Order RF, GPS, alcohol, non-fitted: RF absorbs whatever the ramps take away.
    c1 = 1.0 - p_gps - p_alc - p_nfd
    device_type = _draw_codes(
        rng, np.stack([c1, c1 + p_gps, c1 + p_gps + p_alc]).astype(np.float32)
    )
    del c1, p_gps, p_alc, p_nfd

    # --- Start: usually within a fortnight of notification, sometimes much later or never. ---
    prompt = rng.random(n) < 0.85
    delay = np.where(
        prompt,
        np.minimum(rng.exponential(3.0, size=n), 14.0),
        15.0 + rng.exponential(25.0, size=n),
    ).astype(np.int32)
    start = notification + delay
    del prompt, delay
    not_started = (rng.random(n) < _NEVER_STARTED_P) | (start > extract_day)

    # --- Duration and end reason; breaches and revocations cut the order short. ---
    z = rng.standard_normal(n).astype(np.float32)
    duration = np.exp(np.log(_DURATION_MEDIAN[order_type]) + _DURATION_SIGMA[order_type] * z)
    duration = np.clip(duration, _DURATION_MIN[order_type], _DURATION_MAX[order_type])
    del z
    end_reason = _draw_codes(
        rng, np.cumsum(_END_REASON_P, axis=1)[:, :-1].T.astype(np.float32)[:, order_type]
    )
    early = (end_reason == 1) | (end_reason == 2)
    duration = np.where(early, duration * rng.uniform(0.1, 0.95, size=n), duration)
    end = start + np.maximum(duration, 1.0).astype(np.int32)
    del duration, early
    # Why: orders not started or ending after the extract date have no end yet (still active).
    no_end = not_started | (end > extract_day)

    # --- Age at start (age at notification when not started); about 2% unrecorded. ---
    ref_day = np.where(not_started, notification, start)
    age = age0[person] + ((ref_day - first_day[person]) / 365.25).astype(np.int16)
    age_null = rng.random(n) < _AGE_NULL_P
    del ref_day

    # --- Order ids follow notification order (stable sort keeps the person chain order). ---
    rank = np.argsort(notification, kind="stable")
    id_width = max(7, len(str(n)))
    person_width = max(6, len(str(n_people)))
    # Why one column at a time, freeing numpy arrays as we go: keeps peak memory near the size
    # of the final frame at large scales.
    columns: dict[str, pl.Series] = {
        "order_id": _ids("EM", np.arange(1, n + 1, dtype=np.int64), id_width),
        "person_id": _ids("P", person[rank] + 1, person_width),
        "order_type": _labels(ORDER_TYPES, order_type[rank]),
        "device_type": _labels(DEVICE_TYPES, device_type[rank]),
        "region": _labels(REGIONS, region[person[rank]]),
        "sex": _labels(SEXES, sex[person[rank]]),
    }
    del person, order_type, device_type, region, sex
    columns["age_at_start"] = _nullify(pl.Series(age[rank].astype(np.int64)), age_null[rank])
    del age, age_null
    columns["notification_date"] = _dates(notification[rank])
    columns["start_date"] = _nullify(_dates(start[rank]), not_started[rank])
    del notification, start, not_started
    no_end = no_end[rank]
    columns["end_date"] = _nullify(_dates(end[rank]), no_end)
    columns["end_reason"] = _nullify(_labels(END_REASONS, end_reason[rank]), no_end)
    del end, end_reason, no_end, rank
    orders = pl.DataFrame([s.alias(name) for name, s in columns.items()])
    return {"orders": orders.cast(SCHEMA)}
