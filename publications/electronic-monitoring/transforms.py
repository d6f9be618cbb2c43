"""Electronic monitoring statistics: the measures, each defined once, and the tables.

Every function is pure and lazy: it takes the validated ``orders`` extract and the release's
``periods`` and returns a tidy LazyFrame (dimensions + measures) that statgen finishes.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from statgen import Periods, quarter_code, quarter_ends

AGE_BANDS = ["Under 18", "18 to 24", "25 to 34", "35 to 44", "45 to 54", "55 and over", "Unknown"]
ALL_DEVICES = "All device types"
NEVER = dt.date(9999, 12, 31)  # stands in for "not ended" when comparing dates


def active_orders(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Orders active at each quarter end d: start_date <= d and (end_date null or end_date > d)."""
    # Both conditions in the inequality join, so Polars pairs each order only with the quarter
    # ends it is active at (not with every later quarter end, filtered afterwards).
    # "active_until" stands in for a missing end_date, so both are column comparisons.
    return (
        orders.with_columns(active_until=pl.col("end_date").fill_null(NEVER))
        .join_where(
            quarter_ends(periods),
            pl.col("start_date") <= pl.col("quarter_end"),
            pl.col("active_until") > pl.col("quarter_end"),
        )
        .drop("active_until")
    )


def primary_orders(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Each person subject to monitoring at each quarter end, with their primary order.

    A person is subject to monitoring at d when they have at least one active order; their
    primary order is the active order with the latest start_date (ties: smallest order_id).
    """
    return (
        active_orders(orders, periods)
        .sort(
            ["quarter", "person_id", "start_date", "order_id"],
            descending=[False, False, True, False],
        )
        .unique(subset=["quarter", "person_id"], keep="first", maintain_order=True)
    )


def age_band(age: pl.Expr) -> pl.Expr:
    """Age band of an age in whole years (null: Unknown)."""
    band = (
        pl.when(age.is_null()).then(pl.lit("Unknown"))
        .when(age < 18).then(pl.lit("Under 18"))
        .when(age < 25).then(pl.lit("18 to 24"))
        .when(age < 35).then(pl.lit("25 to 34"))
        .when(age < 45).then(pl.lit("35 to 44"))
        .when(age < 55).then(pl.lit("45 to 54"))
        .otherwise(pl.lit("55 and over"))
    )  # fmt: skip
    return band.cast(pl.Enum(AGE_BANDS))


def in_series(date: pl.Expr, periods: Periods) -> pl.Expr:
    """Whether a date falls within the release's quarterly series."""
    return date.is_between(periods.first.start, periods.latest.end)


def people_by_order_type(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """People subject to monitoring at each quarter end, by primary order type."""
    return primary_orders(orders, periods).group_by("quarter", "order_type").agg(people=pl.len())


def people_by_device_type(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """People subject to monitoring at each quarter end, by device type of the primary order."""
    return primary_orders(orders, periods).group_by("quarter", "device_type").agg(people=pl.len())


def people_by_region(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """People subject to monitoring at the latest quarter end, by region and primary order type."""
    return (
        primary_orders(orders, periods)
        .filter(pl.col("quarter") == periods.latest.code)
        .group_by("region", "order_type")
        .agg(people=pl.len())
    )


def notifications(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """New order notifications: orders whose notification_date falls in each quarter."""
    return (
        orders.filter(in_series(pl.col("notification_date"), periods))
        .group_by(
            quarter=quarter_code(pl.col("notification_date")), order_type=pl.col("order_type")
        )
        .agg(orders=pl.len())
    )


def orders_ended(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Orders ended: orders whose end_date falls in each quarter, by order type and end reason."""
    return (
        orders.filter(in_series(pl.col("end_date"), periods))
        .group_by(
            quarter=quarter_code(pl.col("end_date")),
            order_type=pl.col("order_type"),
            end_reason=pl.col("end_reason"),
        )
        .agg(orders=pl.len())
    )


def people_by_sex_and_age(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """People subject to monitoring at the latest quarter end, by sex and age band at the start
    of their primary order."""
    return (
        primary_orders(orders, periods)
        .filter(pl.col("quarter") == periods.latest.code)
        .group_by(sex=pl.col("sex"), age_band=age_band(pl.col("age_at_start")))
        .agg(people=pl.len())
    )


def days_to_start(orders: pl.LazyFrame, periods: Periods) -> pl.LazyFrame:
    """Median days from notification to start, for orders started in each quarter, by device type
    (and for all device types together)."""
    started = orders.filter(in_series(pl.col("start_date"), periods)).with_columns(
        quarter=quarter_code(pl.col("start_date")),
        days=(pl.col("start_date") - pl.col("notification_date")).dt.total_days(),
    )
    device_types = orders.collect_schema()["device_type"]
    categories = [*device_types.categories.to_list(), ALL_DEVICES]  # type: ignore[union-attr]
    by_device = started.group_by("quarter", pl.col("device_type").cast(pl.String)).agg(
        median_days=pl.col("days").median(), orders=pl.len()
    )
    overall = started.group_by("quarter").agg(
        pl.lit(ALL_DEVICES).alias("device_type"),
        median_days=pl.col("days").median(),
        orders=pl.len(),
    )
    return pl.concat([by_device, overall], how="diagonal").with_columns(
        pl.col("device_type").cast(pl.Enum(categories))
    )
