"""Extracts read straight from a database: a SQL query (``query.sql``) against the connection
whose URI is in an environment variable (``query.connection``), never in the config.

PostgreSQL (and any database with an ADBC driver) is read with Polars' ``read_database_uri``
through ADBC; DuckDB files (``duckdb:///path/file.duckdb``) with the ``duckdb`` package,
read-only. The rows are then validated like a file's; the manifest records a hash of the rows
read (sorted, so the same rows in any order give the same hash).
"""

from __future__ import annotations

import hashlib
import io
import os

import polars as pl

from statgen.config import Extract
from statgen.errors import ExtractError, Problem

DUCKDB = "duckdb://"


def label(name: str) -> str:
    """How a query extract is named in messages (in place of a file path)."""
    return f"query for extract {name!r}"


def _fail(name: str, message: str, hint: str | None = None) -> ExtractError:
    error = ExtractError([Problem(label(name), "-", message)])
    if hint:
        error.hint = hint
    return error


def read_query(name: str, spec: Extract) -> pl.DataFrame:
    """Run one extract's query and return its rows (columns typed by the database)."""
    assert spec.query is not None
    variable = spec.query.connection
    uri = os.environ.get(variable, "")
    if not uri:
        raise _fail(
            name,
            f"the environment variable {variable} is not set; it must hold the connection URI",
            hint=f"Set {variable} (e.g. export {variable}=postgresql://user@host/db, or "
            "duckdb:///path/to/file.duckdb) and run the build again. Keep passwords out of "
            "publication.yaml: use the variable or the driver's password file (~/.pgpass).",
        )
    try:
        if uri.startswith(DUCKDB):
            import duckdb

            with duckdb.connect(uri.removeprefix(DUCKDB), read_only=True) as con:
                table = con.sql(spec.query.sql).to_arrow_table()
            return pl.DataFrame(pl.from_arrow(table))
        return pl.read_database_uri(spec.query.sql, uri, engine="adbc")
    except Exception as exc:  # drivers raise their own kinds; the message says which
        text = (str(exc).splitlines() or [type(exc).__name__])[0].replace(uri, f"${variable}")
        raise _fail(name, f"the query could not be run against ${variable}: {text}") from None


def read_all(specs: dict[str, Extract]) -> dict[str, pl.DataFrame]:
    """The rows of every query extract, by name; one error listing every query that failed."""
    frames: dict[str, pl.DataFrame] = {}
    problems: list[Problem] = []
    hint = ExtractError().hint
    for name, spec in specs.items():
        if spec.query is None:
            continue
        try:
            frames[name] = read_query(name, spec)
        except ExtractError as exc:
            problems.extend(exc.problems)
            hint = exc.hint
    if problems:
        raise ExtractError(problems, hint=hint)
    return frames


def rows_hash(frame: pl.DataFrame) -> str:
    """SHA-256 of the rows read: column names and types, then the rows sorted, as CSV text."""
    digest = hashlib.sha256()
    digest.update(repr([(c, str(t)) for c, t in frame.schema.items()]).encode())
    buffer = io.BytesIO()
    frame.sort(frame.columns, nulls_last=True, maintain_order=True).write_csv(buffer)
    digest.update(buffer.getvalue())
    return digest.hexdigest()
