"""The release manifest: every input and output file with its SHA-256 and size, the software that
made them and the parameters, so a release can be verified and rebuilt.

Nothing in it depends on the machine or the clock: no absolute paths, no build times.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import platform
import subprocess
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from statgen.config import Publication
from statgen.errors import ExtractError, Problem, StatgenError, VerifyError
from statgen.extracts import database
from statgen.periods import Period

if TYPE_CHECKING:
    from statgen.tables import StatTable

NAME = "manifest.json"
STAMPED = {
    NAME,
    "index.html",
    "publication.qmd",
    "qa.html",
    "qa.json",
    # The GOV.UK bundle's text is written from the stamped page (the draft notice in the
    # govspeak) and rewritten at publish; its chart images are in the outputs hash.
    "govuk/publication.govspeak.md",
    "govuk/attachments.json",
    "govuk/images.json",
    "govuk/README.md",
}
"""Files of a draft that carry its stamp (number, hashes), so are left out of its outputs hash."""


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def input_files(publication: Publication, source_dir: Path) -> list[Path]:
    """The extract files a build reads, in name order."""
    return sorted(
        p
        for p in source_dir.iterdir()
        if p.suffix in (".csv", ".parquet")
        and p.stem in publication.extracts
        and publication.extracts[p.stem].query is None
        and p.is_file()
    )


def input_hashes(
    publication: Publication, source_dir: Path, queried: dict[str, pl.DataFrame] | None = None
) -> dict[str, str]:
    """SHA-256 of each extract file, by file name, and of the rows of each database extract,
    by ``<name> (query)``."""
    found = (
        {p.name: sha256(p) for p in input_files(publication, source_dir)}
        if source_dir.is_dir()
        else {}
    )
    return {**found, **query_hashes(queried)}


def query_hashes(queried: dict[str, pl.DataFrame] | None) -> dict[str, str]:
    """SHA-256 of the rows of each database extract, by ``<name> (query)``."""
    return {f"{n} (query)": database.rows_hash(f) for n, f in sorted((queried or {}).items())}


RACY_NS = 3_000_000_000
"""Nanoseconds: an extract changed this recently before it was hashed may change again within
the same tick of the file system's clock, its times unchanged, so :func:`check_unchanged`
hashes it again rather than trust its times (git's rule for "racily clean" files)."""

FileState = tuple[int, int, int, int, int]
"""What changes when a file's content does: device, inode, size, mtime and ctime (ns)."""


def file_states(publication: Publication, source_dir: Path) -> tuple[int, dict[str, FileState]]:
    """The clock, then the state of each extract file, by name: taken before the extracts are
    hashed, for :func:`check_unchanged` to compare after they are read."""
    now = time.time_ns()
    states = {}
    if source_dir.is_dir():
        for path in input_files(publication, source_dir):
            with contextlib.suppress(OSError):  # the hashing names an unreadable file
                st = path.stat()
                states[path.name] = (
                    st.st_dev,
                    st.st_ino,
                    st.st_size,
                    st.st_mtime_ns,
                    st.st_ctime_ns,
                )
    return now, states


HASHES = ".extract-hashes.json"
"""The record, in a publication's table cache, of each extract's SHA-256 and of the file's
state when it was hashed (:func:`remember_hashes`); hidden, as it is not a cache entry."""


def remembered_hashes(
    record: Path,
    publication: Publication,
    source_dir: Path,
    before: tuple[int, dict[str, FileState]],
) -> dict[str, str] | None:
    """Each extract file's SHA-256 from the ``record`` an earlier build left, when every file
    has the state it had then (``before``, from :func:`file_states`); else ``None``, and the
    files are hashed. Git trusts its index the same way: writing a file sets its ctime, which
    no program can set back, and a file written just before it was recorded was not recorded
    (:data:`RACY_NS`). Hashing a 1.2 GB CSV took 0.9 s of every build."""
    _, states = before
    names = {p.name for p in input_files(publication, source_dir)} if source_dir.is_dir() else ()
    if not names or set(states) != names:
        return None
    try:
        files = json.loads(record.read_text(encoding="utf-8"))["files"]
        found = {}
        for name, state in states.items():
            entry = files[str((source_dir / name).resolve())]
            digest = entry["sha256"]
            if tuple(entry["state"]) != state or not _is_sha256(digest):
                return None
            found[name] = digest
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no record, or a broken one: hash the files
    return found


def _is_sha256(text: object) -> bool:
    return isinstance(text, str) and len(text) == 64 and set(text) <= set("0123456789abcdef")


def remember_hashes(
    record: Path,
    source_dir: Path,
    before: tuple[int, dict[str, FileState]],
    hashes: dict[str, str],
) -> None:
    """Record each extract file's SHA-256 with its state from before it was hashed, for the
    next build (:func:`remembered_hashes`). A file written within :data:`RACY_NS` of that look
    is left out: it could be written again within the same tick of the clock. A record that
    cannot be written only means the next build hashes the files again."""
    looked, states = before
    files = {
        str((source_dir / name).resolve()): {"state": list(state), "sha256": hashes[name]}
        for name, state in sorted(states.items())
        if name in hashes and looked - max(state[3], state[4]) >= RACY_NS
    }
    with contextlib.suppress(OSError):
        record.parent.mkdir(parents=True, exist_ok=True)
        temporary = record.with_name(f".{record.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")
        os.replace(temporary, record)


def check_unchanged(
    publication: Publication,
    source_dir: Path,
    hashes: dict[str, str],
    before: tuple[int, dict[str, FileState]] | None = None,
) -> None:
    """Refuse a build whose extracts changed between hashing and reading them: the manifest
    would describe one file and the figures come from another.

    With the files' states from ``before`` the hashing (:func:`file_states`), a file is judged
    by its state now: another inode, size, mtime or ctime means it changed (writing a file sets
    its ctime, which no program can set back). Only a file changed within :data:`RACY_NS` of
    that first look is hashed again, as is every file without ``before``: hashing a 1 GB CSV
    again took a second of the build."""
    files = {n: h for n, h in hashes.items() if not n.endswith(" (query)")}  # rows already read
    if before is None:
        after = input_hashes(publication, source_dir)
        changed = sorted(n for n in files.keys() | after.keys() if files.get(n) != after.get(n))
    else:
        looked, states = before
        _, now = file_states(publication, source_dir)
        changed = []
        for name in sorted(files.keys() | now.keys()):
            state = states.get(name)
            if name not in files or state is None or now.get(name) != state:
                changed.append(name)
            elif looked - max(state[3], state[4]) < RACY_NS:
                with contextlib.suppress(OSError):  # gone: its state said so already
                    if sha256(source_dir / name) == files[name]:
                        continue
                changed.append(name)
    if changed:
        raise ExtractError(
            [
                Problem(
                    str(source_dir / name),
                    "-",
                    "the file changed while the build was reading it (another export still "
                    "writing it?)",
                )
                for name in changed
            ],
            hint="Wait until the extracts are complete, then run the build again.",
        )


def table_meta(table: StatTable) -> dict[str, object]:
    """How a table's CSV is keyed, for ``statgen diff``: its caption, dimension columns and
    measures (their number formats and titles, so the diff shows figures as published)."""
    return {
        "caption": table.caption,
        "csv": f"csv/{table.id}.csv",
        "keys": [*table.spec.dims, "measure"],
        "measures": [m.name for m in table.spec.measures],
        "formats": {m.name: m.format for m in table.spec.measures},
        "titles": {m.name: m.title for m in table.spec.measures},
    }


def inputs_digest(publication: Publication, extract_hashes: dict[str, str]) -> str:
    """One hash of everything a release is made from: extracts, config, transforms, commentary."""
    parts = dict(extract_hashes)
    for name in ("publication.yaml", "transforms.py", publication.commentary):
        path = publication.folder / name
        if path.exists():
            parts[f"publication/{name}"] = sha256(path)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def outputs_digest(folder: Path) -> str:
    """One hash of what a reviewer signs off: every file of a draft or release except the page
    and reports that carry the draft's stamp (:data:`STAMPED`), by path and SHA-256."""
    parts = {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).as_posix() not in STAMPED
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@functools.cache
def code_digest() -> str:
    """One hash of the statgen code and templates that made a build (so a changed library,
    even uncommitted, gives a new draft)."""
    package = Path(__file__).resolve().parents[1]
    parts = {
        p.relative_to(package).as_posix(): sha256(p)
        for p in sorted(package.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@functools.cache
def software() -> dict[str, str]:
    """Versions of statgen (and its git commit), Python and the libraries that shape outputs."""

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    info = {
        "statgen": version("statgen"),
        "statgen_commit": git_commit(),
        "python": platform.python_version(),
        "polars": version("polars"),
        "plotly": version("plotly"),
        "openpyxl": version("openpyxl"),
        "odfpy": version("odfpy"),
        "pandoc": _pandoc_version(),
        "quarto": _quarto_version(),
    }
    return info


def git_commit() -> str:
    """The git commit of the statgen source, or "unknown" outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def _pandoc_version() -> str:
    """Pandoc's version number, as pypandoc gives it ("3.6.4")."""
    from statgen.outputs.assets import pandoc

    try:
        done = subprocess.run([pandoc(), "--version"], capture_output=True, text=True, check=True)
    except (ImportError, OSError, RuntimeError, subprocess.SubprocessError):
        return "not installed"
    first = done.stdout.splitlines()[0].split() if done.stdout else []
    return first[1] if len(first) > 1 else "unknown"


def _quarto_version() -> str:
    try:
        done = subprocess.run(
            ["quarto", "--version"], capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return "not installed"
    return done.stdout.strip()


def write_manifest(
    staging: Path,
    publication: Publication,
    period: Period,
    extract_hashes: dict[str, str],
    release_date: dt.date,
    *,
    parameters: dict[str, Any] | None = None,
    checks: list[dict[str, Any]] | None = None,
    tables: dict[str, dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write ``manifest.json`` into ``staging``, listing every file already in it."""
    manifest: dict[str, Any] = {
        "publication": publication.slug,
        "period": period.code,
        "release_date": release_date.isoformat(),
        "release_time": publication.release_time,
        "inputs_sha256": inputs_digest(publication, extract_hashes),
        "software": software(),
        "parameters": parameters or {},
        "inputs": [
            {"name": name, "sha256": digest} for name, digest in sorted(extract_hashes.items())
        ],
        "tables": tables or {},
        "checks": checks or [],
        **(extra or {}),
    }
    return write(staging, manifest)


def write(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write ``manifest`` into ``folder`` with the hashes of every file now in the folder."""
    files = sorted(
        (p for p in folder.rglob("*") if p.is_file() and p.name != NAME),
        key=lambda p: p.relative_to(folder).as_posix(),
    )
    manifest = {
        **manifest,
        "files": [
            {
                "path": p.relative_to(folder).as_posix(),
                "sha256": sha256(p),
                "bytes": p.stat().st_size,
            }
            for p in files
        ],
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (folder / NAME).write_text(text, encoding="utf-8")
    return manifest


def read(folder: Path) -> dict[str, Any]:
    """The manifest of a draft or release folder."""
    path = folder / NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except FileNotFoundError:
        raise StatgenError(
            f"{path}: no manifest here; give a draft (build/<slug>/<period>/draft-<n>) or a "
            "release folder (releases/<slug>/<period>)"
        ) from None
    except ValueError as exc:
        raise VerifyError(f"{path}: not valid JSON ({exc})") from None


def verify(folder: Path) -> list[str]:
    """Recompute every file's hash; the list of mismatches (empty when the folder is intact)."""
    manifest = read(folder)
    problems = []
    listed = set()
    for entry in manifest["files"]:
        path = folder / entry["path"]
        listed.add(entry["path"])
        if not path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif (digest := sha256(path)) != entry["sha256"]:
            problems.append(
                f"{entry['path']}: SHA-256 {digest[:12]}... but the manifest says "
                f"{entry['sha256'][:12]}... (the file was changed after the build)"
            )
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel != NAME and rel not in listed:
            problems.append(f"{rel}: not in the manifest (added after the build)")
    return problems
