"""Seeded, deterministic *sample* source extract for "Criminal court statistics quarterly".

Real case-level extracts cannot leave the department, so this module fabricates a
statistically plausible stand-in: one row per defendant case, about ten years of receipts,
with seasonality, a 2020 pandemic dip and a growing Crown Court backlog since 2020.

Everything is vectorised numpy driven by a single ``numpy.random.default_rng(seed)``, so the
same ``(scale, seed)`` always yields an identical frame. This module is deliberately
standalone (it does not import ``statgen``).
"""

from __future__ import annotations

import datetime

import numpy as np
import polars as pl

EXTRACT_DATE = datetime.date(2026, 10, 31)  # no date column may be after this
START_DATE = datetime.date(2016, 11, 1)  # earliest receipt date in the extract

COURT_TYPES = ("Magistrates' court", "Crown Court")
CASE_TYPES = (
    "Indictable only",
    "Either way",
    "Summary motoring",
    "Summary non-motoring",
    "Trial",
    "Committal for sentence",
    "Appeal",
)
# Index into COURT_TYPES for each entry of CASE_TYPES: case_type always belongs to its court.
CASE_TYPE_COURT = np.array([0, 0, 0, 0, 1, 1, 1], dtype=np.int8)
OFFENCE_GROUPS = (
    "Violence against the person",
    "Sexual offences",
    "Robbery",
    "Theft offences",
    "Criminal damage and arson",
    "Drug offences",
    "Possession of weapons",
    "Public order offences",
    "Miscellaneous crimes against society",
    "Fraud offences",
    "Summary offences",
)
REGIONS = ("London", "South East", "South West", "Midlands", "North East", "North West", "Wales")
TRIAL_OUTCOMES = ("Effective", "Cracked", "Ineffective", "Vacated")
REMAND_STATUSES = ("Custody", "Bail", "Summons")

# Rows at scale=1 by court; roughly 86% magistrates' as in the published series.
_N_MAGISTRATES = 1_285_000
_N_CROWN = 215_000

# Case-type mix within each court (order as in CASE_TYPES).
_MC_CASE_TYPE_P = np.array([0.05, 0.22, 0.38, 0.35])
_CC_CASE_TYPE_P = np.array([0.70, 0.22, 0.08])

# Offence group mix by case type (rows: CASE_TYPES, columns: OFFENCE_GROUPS).
_OFFENCE_P = np.array(
    [
        # Viol  Sex  Rob  Theft Dmg  Drug Weap PubO Misc Fraud Summ
        [0.35, 0.15, 0.20, 0.00, 0.02, 0.15, 0.04, 0.00, 0.05, 0.04, 0.00],  # Indictable only
        [0.20, 0.03, 0.00, 0.30, 0.06, 0.15, 0.08, 0.08, 0.05, 0.05, 0.00],  # Either way
        [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.03, 0.00, 0.97],  # Summary motoring
        [0.03, 0.00, 0.00, 0.03, 0.04, 0.00, 0.00, 0.05, 0.00, 0.00, 0.85],  # Summary non-motoring
        [0.30, 0.10, 0.05, 0.08, 0.03, 0.20, 0.08, 0.05, 0.06, 0.05, 0.00],  # Trial
        [0.20, 0.01, 0.02, 0.25, 0.05, 0.15, 0.08, 0.08, 0.08, 0.06, 0.02],  # Committal
        [0.15, 0.00, 0.00, 0.10, 0.04, 0.03, 0.01, 0.08, 0.03, 0.01, 0.55],  # Appeal
    ]
)
_REGION_P = np.array([0.17, 0.17, 0.10, 0.20, 0.12, 0.16, 0.08])

# Remand status mix by court (Custody, Bail, Summons).
_REMAND_P = np.array([[0.10, 0.30, 0.60], [0.30, 0.65, 0.05]])

# Share of cases with a trial listed, by case type; and outcome mix by court.
_TRIAL_LISTED_P = np.array([0.00, 0.12, 0.03, 0.08, 0.88, 0.00, 0.00])
_TRIAL_OUTCOME_P = np.array([[0.40, 0.37, 0.18, 0.05], [0.45, 0.35, 0.15, 0.05]])

# Median receipt-to-ready (no backlog) durations in days, and log-normal spread, by case type.
_SERVICE_MEDIAN = np.array([3.0, 30.0, 45.0, 35.0, 150.0, 35.0, 60.0])
_SERVICE_SIGMA = np.array([1.0, 0.9, 0.9, 0.9, 0.8, 0.6, 0.6])

# Target Crown Court open caseload at scale=1 (drives the backlog queue); between anchors
# values are interpolated linearly. Pre-2020 it tracks the natural no-backlog level.
_CC_OPEN_TARGET = (
    ("2016-11-01", 0),
    ("2017-06-01", 7_000),
    ("2020-03-20", 8_000),
    ("2020-07-31", 15_000),
    ("2020-12-31", 19_000),
    ("2021-12-31", 31_000),
    ("2022-12-31", 43_000),
    ("2023-12-31", 55_000),
    ("2024-12-31", 67_000),
    ("2025-12-31", 77_500),
    ("2026-10-31", 84_000),
)

# Share of the "pushed back" Crown Court priority applied, by receipt date.
_STUCK_RAMP = (("2019-06-01", 0.0), ("2020-06-01", 1.0))

# Receipt volume trend (relative level) by court.
_MC_TREND = (("2016-11-01", 1.00), ("2019-07-01", 0.95), ("2023-07-01", 0.97), ("2026-10-31", 0.98))
_CC_TREND = (
    ("2016-11-01", 1.00),
    ("2019-07-01", 0.92),
    ("2020-07-01", 0.92),
    ("2021-07-01", 1.20),
    ("2023-07-01", 1.40),
    ("2025-07-01", 1.55),
    ("2026-10-31", 1.60),
)
# Pandemic multiplier on receipts (first lockdown, partial recovery, winter 2020-21 lockdown).
_COVID = (
    ("2020-03-15", 1.00),
    ("2020-03-30", 0.50),
    ("2020-06-01", 0.60),
    ("2020-09-01", 0.88),
    ("2021-01-15", 0.80),
    ("2021-04-01", 1.00),
)
# Magistrates' completions were suspended for most cases in the first lockdown.
_LOCKDOWN = (np.datetime64("2020-03-23"), np.datetime64("2020-07-31"))

# Longest gap from offence to charge (about 50 years), so offence dates stay plausible.
_MAX_OFFENCE_GAP_DAYS = 50 * 365

# Monthly seasonality: fewer receipts in August (holidays) and December.
_MONTH_FACTOR = np.array([1.02, 1.03, 1.06, 0.98, 1.01, 1.02, 1.03, 0.88, 1.00, 1.04, 1.02, 0.90])
# Courts sit on weekdays; a trickle of weekend (e.g. Saturday remand) receipts.
_WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.04, 0.01])  # Monday first


def _day_index(dates: np.ndarray) -> np.ndarray:
    """Days since START_DATE for an array of datetime64[D]."""
    return (dates - np.datetime64(START_DATE, "D")).astype(np.int64)


def _interp(anchors: tuple[tuple[str, float], ...], days: np.ndarray) -> np.ndarray:
    """Piecewise-linear curve through (ISO date, value) anchors, flat outside them."""
    x = _day_index(np.array([a[0] for a in anchors], dtype="datetime64[D]"))
    y = np.array([a[1] for a in anchors], dtype=np.float64)
    return np.interp(days, x, y)


def _calendar(n_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calendar arrays (day index, datetime64[D], month 0-11) covering the extract period."""
    days = np.arange(n_days)
    dates = np.datetime64(START_DATE, "D") + days
    months = dates.astype("datetime64[M]").astype(np.int64) % 12
    return days, dates, months


def _receipt_days(
    rng: np.random.Generator, n: int, trend: tuple[tuple[str, float], ...], n_days: int
) -> np.ndarray:
    """Draw ``n`` receipt day indices from a seasonal, weekday-driven daily intensity."""
    days, dates, months = _calendar(n_days)
    weekday = (dates.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    day_of_month = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    # Courts largely close between Christmas and New Year.
    xmas = ((months == 11) & (day_of_month >= 24)) | ((months == 0) & (day_of_month == 1))
    weight = (
        _interp(trend, days)
        * _interp(_COVID, days)
        * _MONTH_FACTOR[months]
        * _WEEKDAY_FACTOR[weekday]
        * np.where(xmas, 0.25, 1.0)
    )
    cdf = np.cumsum(weight)
    return np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").astype(np.int64)


def _categorical(rng: np.random.Generator, group: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Sample one category code per row given its group's row of ``probs`` (inverse CDF)."""
    cdf = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(group.shape[0])
    codes = np.empty(group.shape[0], dtype=np.int8)
    # One vectorised searchsorted per group (a handful), not per row; avoids an n x k matrix.
    for g in range(probs.shape[0]):
        mask = group == g
        codes[mask] = np.searchsorted(cdf[g], u[mask], side="right")
    return np.minimum(codes, probs.shape[1] - 1)  # guard against float round-off at 1.0


def _lognormal_days(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Whole-day durations from a log-normal with the given per-row median and spread."""
    return np.floor(median * np.exp(sigma * rng.standard_normal(median.shape[0]))).astype(np.int64)


def _to_weekday(day: np.ndarray) -> np.ndarray:
    """Move weekend day indices to the following Monday (courts complete cases on weekdays)."""
    weekday = (day + START_DATE.weekday()) % 7
    return day + np.select([weekday == 5, weekday == 6], [2, 1], 0)


def _crown_completion(
    rng: np.random.Generator,
    receipt: np.ndarray,
    ready: np.ndarray,
    case_type: np.ndarray,
    custody: np.ndarray,
    scale: float,
    n_days: int,
) -> np.ndarray:
    """Crown Court completion day via a capacity-limited priority queue.

    Completion capacity is set so that cumulative completions equal cumulative receipts minus
    a target open caseload; cases are served in priority order but never before they are
    ready. This reproduces the 2020 collapse in completions and the backlog since.
    """
    days = np.arange(n_days)
    received = np.cumsum(np.bincount(receipt, minlength=n_days))
    target_open = _interp(_CC_OPEN_TARGET, days) * scale
    capacity = np.maximum.accumulate(np.clip(received - np.round(target_open), 0, None))
    # Priority: ready cases are served in order, but when capacity binds a share of cases
    # (mostly bailed trials; custody trials and committals/appeals are prioritised) are pushed
    # far back. Most cases then still finish within months while a long tail forms the backlog,
    # rather than every case waiting years.
    n = receipt.shape[0]
    p_stuck = np.where(case_type != 4, 0.15, np.where(custody, 0.25, 0.70))
    # Before the pandemic capacity kept pace, so no case was pushed back.
    p_stuck = p_stuck * np.clip(_interp(_STUCK_RAMP, receipt), 0.0, 1.0)
    stuck = rng.random(n) < p_stuck
    key = ready + rng.random(n) + np.where(stuck, rng.exponential(2500.0, n), 0.0)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(key, kind="stable")] = np.arange(n)
    slot = np.searchsorted(capacity, rank + 1, side="left")  # n_days when never served
    return np.maximum(ready, slot)


def _date_series(name: str, day: np.ndarray, null: np.ndarray | None = None) -> pl.Series:
    """pl.Date series from day indices, with optional null mask."""
    offset = (START_DATE - datetime.date(1970, 1, 1)).days
    s = pl.Series(name, (day + offset).astype(np.int32)).cast(pl.Date)
    if null is None:
        return s
    out = pl.select(pl.when(pl.lit(pl.Series(null))).then(None).otherwise(s)).to_series()
    return out.alias(name)


def _string_series(name: str, labels: tuple[str, ...], code: np.ndarray) -> pl.Series:
    """String series by gathering labels with integer codes (negative code -> null)."""
    idx = pl.Series(code.astype(np.int32))
    idx = pl.select(pl.when(idx >= 0).then(idx)).to_series().cast(pl.UInt32)
    return pl.Series(name, labels, dtype=pl.String).gather(idx).alias(name)


def generate(scale: float = 1.0, seed: int = 20261031) -> dict[str, pl.DataFrame]:
    """Return {"cases": DataFrame}: a seeded sample criminal courts case-level extract.

    Parameters
    ----------
    scale : float, default 1.0
        Linear multiplier on row count. ``1.0`` gives about 1.5 million cases received
        between 2016-11-01 and ``EXTRACT_DATE``; ``0.001`` about 1,500 (tests); ``10`` about
        15 million (benchmarks). The Crown Court backlog target scales with it.
    seed : int, default 20261031
        Seed for ``numpy.random.default_rng``; the same ``(scale, seed)`` gives an identical
        frame.

    Returns
    -------
    dict[str, polars.DataFrame]
        ``{"cases": frame}`` with one row per defendant case, sorted by ``case_id``, columns
        case_id, court_type, case_type, offence_group, region (String); offence_date,
        charge_date, receipt_date, completion_date (Date; completion null while open);
        trial_outcome, remand_status (String, nullable). No date is after ``EXTRACT_DATE``.

    Raises
    ------
    ValueError
        If ``scale`` is not positive.
    """
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    rng = np.random.default_rng(seed)
    n_days = (EXTRACT_DATE - START_DATE).days + 1
    n_mc = round(_N_MAGISTRATES * scale)
    n_cc = round(_N_CROWN * scale)
    n = n_mc + n_cc

    # Receipts per court, then shuffle within day so ids interleave courts chronologically.
    receipt = np.concatenate(
        [_receipt_days(rng, n_mc, _MC_TREND, n_days), _receipt_days(rng, n_cc, _CC_TREND, n_days)]
    )
    court = np.repeat(np.array([0, 1], dtype=np.int8), [n_mc, n_cc])
    order = np.lexsort((rng.random(n), receipt))
    receipt, court = receipt[order], court[order]
    is_cc = court == 1

    case_type = np.where(
        is_cc,
        4 + _categorical(rng, np.ones(n, dtype=np.int8), np.vstack([_CC_CASE_TYPE_P] * 2)),
        _categorical(rng, np.zeros(n, dtype=np.int8), np.vstack([_MC_CASE_TYPE_P] * 2)),
    ).astype(np.int8)
    offence = _categorical(rng, case_type, _OFFENCE_P)
    region = _categorical(rng, np.zeros(n, dtype=np.int8), _REGION_P[None, :])
    remand = _categorical(rng, court, _REMAND_P)
    custody = remand == 0

    # Completion: magistrates' from a log-normal duration plus a small warrant tail.
    ready = receipt + _lognormal_days(rng, _SERVICE_MEDIAN[case_type], _SERVICE_SIGMA[case_type])
    ready = np.where(custody & (case_type == 4), receipt + (ready - receipt) * 7 // 10, ready)
    warrant = rng.random(n) < 0.02
    ready = ready + np.where(warrant & ~is_cc, rng.exponential(400.0, n).astype(np.int64), 0)
    completion = ready.copy()
    # First lockdown: most magistrates' completions due then were adjourned to later in 2020.
    lo, hi = _day_index(np.array(_LOCKDOWN))
    adjourned = ~is_cc & (ready >= lo) & (ready <= hi) & (rng.random(n) < 0.7)
    completion = np.where(adjourned, hi + rng.exponential(75.0, n).astype(np.int64), completion)
    completion[is_cc] = _crown_completion(
        rng, receipt[is_cc], ready[is_cc], case_type[is_cc], custody[is_cc], scale, n_days
    )
    completion = _to_weekday(completion)
    is_open = completion >= n_days  # not completed by the extract date

    # Pre-receipt dates: charge days to weeks before receipt (longer for Crown Court, which
    # receives cases sent on from magistrates'), offence a further days to months earlier
    # (sexual offences often historic, so much longer).
    charge_gap = _lognormal_days(rng, np.where(is_cc, 30.0, 12.0), np.full(n, 0.9))
    offence_median = np.where(offence == 1, 400.0, np.where(offence == 9, 120.0, 25.0))
    offence_gap = 1 + _lognormal_days(rng, offence_median, np.full(n, 1.1))
    # Cap the log-normal tail: historic offences come to court decades later, not a century.
    offence_gap = np.minimum(offence_gap, _MAX_OFFENCE_GAP_DAYS)
    charge = receipt - charge_gap
    offence_day = charge - offence_gap
    # Summonsed cases are commonly not charged: charge_date missing (about 5% overall).
    summons = remand == 2
    charge_null = rng.random(n) < np.where(summons, 0.09, 0.01)
    offence_null = rng.random(n) < 0.03
    remand_null = rng.random(n) < 0.02

    # Trial outcome: only where a trial was listed; an open case cannot yet have an effective
    # or cracked trial (either would normally conclude it).
    listed = rng.random(n) < _TRIAL_LISTED_P[case_type]
    outcome = _categorical(rng, court, _TRIAL_OUTCOME_P)
    outcome = np.where(listed & ~(is_open & (outcome <= 1)), outcome, -1)

    ids = pl.select(
        pl.format("C{}", pl.int_range(1, n + 1, dtype=pl.Int64).cast(pl.String).str.zfill(8))
    ).to_series()
    cases = pl.DataFrame(
        [
            ids.alias("case_id"),
            _string_series("court_type", COURT_TYPES, court),
            _string_series("case_type", CASE_TYPES, case_type),
            _string_series("offence_group", OFFENCE_GROUPS, offence),
            _string_series("region", REGIONS, region),
            _date_series("offence_date", offence_day, offence_null),
            _date_series("charge_date", charge, charge_null),
            _date_series("receipt_date", receipt),
            _date_series("completion_date", np.minimum(completion, n_days - 1), is_open),
            _string_series("trial_outcome", TRIAL_OUTCOMES, outcome),
            _string_series("remand_status", REMAND_STATUSES, np.where(remand_null, -1, remand)),
        ]
    )
    return {"cases": cases}
