"""Extracts straight from a database: a real PostgreSQL server (Debian's postgresql package,
started and stopped here on 127.0.0.1) and a DuckDB file. The rows are validated like a file's
and the manifest records the hash of the rows read."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import yaml
from conftest import ROOT, TODAY, require

from statgen import extracts
from statgen.config import Column, Extract, Query
from statgen.errors import ExtractError
from statgen.extracts import database
from statgen.extracts.sample import write_sample
from statgen.pipeline import build

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SPEC = Extract(
    description="One row per prison and month.",
    columns={
        "prison": Column(type="category", values=["HMP A", "HMP B"]),
        "month": Column(type="date"),
        "prisoners": Column(type="integer", min=0),
    },
    unique=["prison", "month"],
    query=Query(
        sql="SELECT prison, month, prisoners FROM population", connection="STATGEN_TEST_DB"
    ),
)
ROWS = [("HMP B", "2026-02-01", 640), ("HMP A", "2026-01-01", 512), ("HMP A", "2026-02-01", 520)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL server of its own: initdb in a temporary folder, on 127.0.0.1 only."""
    require(
        (PG_BIN / "initdb").is_file(),
        "PostgreSQL (initdb, pg_ctl)",
        "install Debian's postgresql package (.ci/run does)",
    )
    # Directly under /tmp: pytest's own temporary folders are private to root.
    folder = Path(tempfile.mkdtemp(prefix="statgen-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = "postgres" if shutil.which("runuser") and _has_user("postgres") else "nobody"
        shutil.chown(folder, user)
        as_user = ["runuser", "-u", user, "--"]
    data, port = folder / "data", _free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True)  # noqa: E731
    run(str(PG_BIN / "initdb"), "-D", str(data), "-U", "statgen", "--auth=trust", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    run(
        str(PG_BIN / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    )
    try:
        yield f"postgresql://statgen@127.0.0.1:{port}/postgres"
    finally:
        run(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _has_user(name: str) -> bool:
    return subprocess.run(["id", name], capture_output=True).returncode == 0


def _load_postgres(uri: str, rows: list[tuple[str, str, int]]) -> None:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(uri) as con, con.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS population")
        cur.execute("CREATE TABLE population (prison text, month date, prisoners integer)")
        for prison, month, n in rows:
            cur.execute(f"INSERT INTO population VALUES ('{prison}', DATE '{month}', {n})")
        con.commit()


def expected_hash(rows: list[tuple[str, str, int]]) -> str:
    """The rows hash worked out another way: the schema, then the sorted rows as CSV lines."""
    digest = hashlib.sha256()
    digest.update(repr([("prison", "String"), ("month", "Date"), ("prisoners", "Int32")]).encode())
    lines = ["prison,month,prisoners", *[f"{p},{m},{n}" for p, m, n in sorted(rows)]]
    digest.update(("\n".join(lines) + "\n").encode())
    return digest.hexdigest()


def test_postgres_query_extract_is_read_and_validated(
    postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load_postgres(postgres, ROWS)
    monkeypatch.setenv("STATGEN_TEST_DB", postgres)
    queried = database.read_all({"population": SPEC})
    assert queried["population"].schema["month"] == pl.Date
    assert database.rows_hash(queried["population"]) == expected_hash(ROWS)
    # The same rows in another order hash the same.
    assert database.rows_hash(queried["population"].reverse()) == expected_hash(ROWS)
    frames = extracts.load(Path("/nonexistent"), {"population": SPEC}, TODAY, queried)
    typed = frames["population"].sort("prison", "month")
    assert typed["prisoners"].to_list() == [512, 520, 640]
    assert isinstance(typed.schema["prison"], pl.Enum)

    # Bad rows in the database are listed like a file's: an unknown prison...
    _load_postgres(postgres, [*ROWS, ("HMP C", "2026-01-01", 3)])
    with pytest.raises(ExtractError) as err:
        extracts.load(
            Path("/none"), {"population": SPEC}, TODAY, database.read_all({"population": SPEC})
        )
    assert "query for extract 'population': column 'prison': values not in the allowed list" in str(
        err.value
    )
    # ...and a prison and month given twice.
    _load_postgres(postgres, [*ROWS, ("HMP A", "2026-01-01", 7)])
    with pytest.raises(ExtractError) as err:
        extracts.load(
            Path("/none"), {"population": SPEC}, TODAY, database.read_all({"population": SPEC})
        )
    text = str(err.value)
    assert "column 'prison, month': rows repeat the same prison and month" in text
    assert "(2 rows: " in text and "'HMP A, 2026-01-01'" in text


def test_connection_problems_name_the_variable_never_the_password(
    postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATGEN_TEST_DB", raising=False)
    with pytest.raises(ExtractError, match="environment variable STATGEN_TEST_DB is not set"):
        database.read_all({"population": SPEC})
    secret = postgres.replace("statgen@", "statgen:hunter2@").replace("/postgres", "/nodb")
    monkeypatch.setenv("STATGEN_TEST_DB", secret)
    with pytest.raises(ExtractError) as err:
        database.read_all({"population": SPEC})
    assert "could not be run against $STATGEN_TEST_DB" in str(err.value)
    assert "hunter2" not in str(err.value)


def test_duckdb_file_extract_builds_a_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    # The electronic monitoring pilot, its orders read from a DuckDB file instead of a file.
    project = tmp_path / "project"
    shutil.copytree(
        ROOT / "publications" / "electronic-monitoring",
        project / "publications" / "electronic-monitoring",
    )
    config_path = project / "publications" / "electronic-monitoring" / "publication.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["extracts"]["orders"]["query"] = {
        "sql": "SELECT * FROM orders",
        "connection": "STATGEN_TEST_DUCKDB",
    }
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    files = tmp_path / "files"
    from statgen.config import load_publication

    write_sample(
        load_publication(ROOT / "publications" / "electronic-monitoring"), files, scale=0.02
    )
    parquet = next(files.glob("orders.*"))
    db = tmp_path / "stats.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(f"CREATE TABLE orders AS SELECT * FROM '{parquet}'")
    monkeypatch.setenv("STATGEN_TEST_DUCKDB", f"duckdb://{db}")
    result = build(project, "electronic-monitoring", extracts_dir=tmp_path / "none", today=TODAY)
    manifest = json.loads((result.folder / "manifest.json").read_text())
    text = json.dumps(manifest)
    # The recorded hash is the hash of the rows read (not of any file).
    with duckdb.connect(str(db), read_only=True) as con:
        read = pl.DataFrame(pl.from_arrow(con.sql("SELECT * FROM orders").to_arrow_table()))
    assert read.height > 100
    assert '"orders (query)"' in text and database.rows_hash(read) in text
    assert result.period.code == "2026Q3"


# Database text follows the rule of CSV and Parquet text (docs/extracts.md): a value of only
# spaces is a missing value, and string ids are trimmed.
BLANKS = Extract(
    description="One row per prisoner.",
    columns={
        "prisoner": Column(type="string", unique=True),
        "wing": Column(type="category", nullable=True, values=["North", "South"]),
        "note": Column(type="string", nullable=True),
    },
    query=Query(sql="SELECT prisoner, wing, note FROM prisoners", connection="STATGEN_TEST_DB"),
)


def _load_prisoners(uri: str, rows: list[tuple[str, str, str]]) -> None:
    import adbc_driver_postgresql.dbapi as pg

    with pg.connect(uri) as con, con.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS prisoners")
        cur.execute("CREATE TABLE prisoners (prisoner text, wing text, note text)")
        for row in rows:
            cur.execute("INSERT INTO prisoners VALUES ($1, $2, $3)", row)
        con.commit()


def test_postgres_text_of_only_spaces_is_missing(
    postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATGEN_TEST_DB", postgres)
    specs = {"prisoners": BLANKS}
    _load_prisoners(postgres, [("A1", "North", " x "), ("A2", "   ", "  "), (" A3 ", "South", "")])
    typed = extracts.load(Path("/none"), specs, TODAY, database.read_all(specs))["prisoners"]
    # The wing of only spaces is counted as not recorded, as an empty CSV cell would be.
    assert typed["wing"].cast(pl.String).to_list() == ["North", "Not recorded", "South"]
    assert typed["note"].to_list() == ["x", None, None]
    assert typed["prisoner"].to_list() == ["A1", "A2", "A3"]

    # A prisoner of only spaces is an empty cell; ' A1' is the same prisoner as 'A1'.
    _load_prisoners(postgres, [("A1", "North", ""), ("  ", "South", ""), (" A1", "South", "")])
    with pytest.raises(ExtractError) as err:
        extracts.load(Path("/none"), specs, TODAY, database.read_all(specs))
    assert [p.describe() for p in err.value.problems] == [
        "query for extract 'prisoners': column 'prisoner': empty cells in a column that may not "
        "be empty (1 row: 2)",
        "query for extract 'prisoners': column 'prisoner': duplicate values in a unique column "
        "(2 rows: 1, 3); values: 'A1', ' A1'",
    ]
