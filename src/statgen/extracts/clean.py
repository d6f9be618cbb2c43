"""The one-pass check of a clean extract: read and type every column once, then check every
rule with aggregates (counts, minimums, distinct hashes). Only when one of them fails does
:func:`statgen.extracts.validate.validate` read the extract again to name the rows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from statgen.config import Extract
from statgen.errors import ExtractError
from statgen.extracts.files import ExtractFile, _scan_raw
from statgen.extracts.parsing import (
    DTYPES,
    FIRST_DATE,
    allowed_values,
    categories,
    counted,
    missing_label,
    parse,
    unsupported,
)


def clean_typed(source: ExtractFile, spec: Extract, today: dt.date) -> pl.DataFrame | None:
    """The typed extract, read in one pass, when it passes every detailed check.

    The columns are read and typed once; every check is then an aggregate over the typed
    frame in memory (a count, a minimum, a number of distinct hashes). None when anything might
    be wrong: :func:`statgen.extracts.validate.validate` then reads the extract again to name
    the rows and values.
    """
    try:
        if source.path.stat().st_size == 0:
            return None
        raw = _scan_raw(source, spaces=False)  # cells of only spaces: left to the detailed read
        schema = raw.collect_schema()
    except (OSError, ExtractError, pl.exceptions.PolarsError, UnicodeError):
        return None
    if sorted(schema.names()) != sorted(spec.columns) or not spec.columns:
        return None
    if any(unsupported(column, schema[name]) for name, column in spec.columns.items()):
        return None
    typed: dict[str, pl.Expr] = {}
    unread: dict[str, pl.Expr] = {}
    for name, column in spec.columns.items():
        value = parse(pl.col(name), column, schema[name], strip=False)
        missing = pl.lit(False)
        if column.type == "category":
            # Typed once, as the Enum the table-making uses (the allowed values and the label of
            # empty cells), so counted() only fills the empty cells. The label itself is not an
            # allowed value where it is not in the list: it is unread, like any other.
            value = value.cast(pl.Enum(categories(column)), strict=False)
            label = missing_label(column)
            if label is not None and label not in allowed_values(column):
                missing = value == label
        typed[name] = value
        if (
            column.type in ("category", "number")  # a number column's NaN or infinity
            or schema[name] != DTYPES.get(column.type, pl.String)
            or source.is_csv  # a CSV cell of only spaces: the detailed read makes it empty
        ):
            # Unreadable values and values outside the allowed list become null when typed.
            unread[f"{UNREAD}{name}"] = pl.col(name).is_not_null() & (value.is_null() | missing)
    try:
        frame = raw.select(**typed, **unread).collect()
    except pl.exceptions.PolarsError:
        return None
    if frame.height < max(1, spec.min_rows):
        return None
    bad: list[pl.Expr] = [pl.col(flag).sum() for flag in unread]
    repeats: list[pl.Expr] = []  # counted one column at a time, after the rest (a hash table each)
    ordered: list[pl.Expr] = []  # whether each unique column's values are in order (no repeats)
    limits: list[tuple[str, str, object]] = []
    for name, column in spec.columns.items():
        value = pl.col(name)
        if not column.nullable:
            bad.append(value.null_count())  # typed nulls are raw nulls once nothing is unread
        if column.unique:
            # Values in strictly increasing order are all different: one comparison each, a
            # third of the time of hashing, and extracts are often in the order of their key.
            # Other columns are checked by their distinct hashes (a collision can only make a
            # clean column look suspect).
            known = value.drop_nulls() if column.nullable else value  # (else nulls fail above)
            ordered.append((known > known.shift(1)).all())
            repeats.append(value.count() - known.hash().n_unique())
        if column.not_before:
            bad.append((value < pl.col(column.not_before)).sum())
        if column.not_after:
            bad.append((value > pl.col(column.not_after)).sum())
        if column.requires:
            bad.append((value.is_not_null() & pl.col(column.requires).is_null()).sum())
        for other_name, groups in (column.within or {}).items():
            bad.append(_outside_groups(frame, name, other_name, groups).sum())
        limits += [(name, "min", column.min), (name, "max", column.max)]
        if column.type == "date":
            limits += [(name, "min", column.earliest), (name, "max", today)]
            if schema[name] == pl.String:  # read as a year of two digits? (see parse)
                limits.append((name, "min", FIRST_DATE))
    stats = frame.select(
        *[e.alias(f"bad{i}") for i, e in enumerate(bad)],
        *[e.alias(f"ordered{i}") for i, e in enumerate(ordered)],
        *[
            getattr(pl.col(n), which)().alias(f"{which}{i}")
            for i, (n, which, _) in enumerate(limits)
        ],
    ).row(0, named=True)
    if any(stats[f"bad{i}"] for i in range(len(bad))):
        return None
    for i, (_, which, limit) in enumerate(limits):
        found = stats[f"{which}{i}"]
        if limit is None or found is None:
            continue
        if (found < limit) if which == "min" else (found > limit):
            return None
    if any(
        not stats[f"ordered{i}"] and frame.select(repeated).item()
        for i, repeated in enumerate(repeats)
    ):
        return None
    return counted(frame.drop(unread), spec)


UNREAD = "__statgen_unread_"


def _outside_groups(
    frame: pl.DataFrame, name: str, other_name: str, groups: dict[str, list[str]]
) -> pl.Expr:
    """Rows whose value is not allowed for their ``other`` value (see ``Column.within``)."""
    value, other = pl.col(name), pl.col(other_name)
    kinds, other_kinds = frame.schema[name], frame.schema[other_name]
    if isinstance(kinds, pl.Enum) and isinstance(other_kinds, pl.Enum):
        # Compare category codes (integers) rather than strings: one lookup per row.
        codes = {v: i for i, v in enumerate(kinds.categories.to_list())}
        other_codes = {v: i for i, v in enumerate(other_kinds.categories.to_list())}
        width = len(codes)
        pairs = [
            other_codes[o] * width + codes[v]
            for o, allowed in groups.items()
            if o in other_codes
            for v in allowed
        ]
        # Int32 when the pairs fit (half the memory of Int64 on 20M rows).
        code = pl.Int32 if width * len(other_codes) < 2**31 else pl.Int64
        pair = other.to_physical().cast(code) * width + value.to_physical().cast(code)
        ok = pair.is_in(pairs)
    else:
        ok = pl.lit(False)
        for other_value, allowed in groups.items():
            ok = ok | (
                (other.cast(pl.String) == other_value) & value.cast(pl.String).is_in(allowed)
            )
    return value.is_not_null() & other.is_not_null() & ~ok
