"""The preview's incremental builder: one warm :class:`statgen.stages.Run` kept between
rebuilds, and only the stages a change needs run again.

- a change to the commentary (or the page templates) renders the page again, from the tables,
  charts and context already in memory;
- a change to ``publication.yaml`` or ``transforms.py`` reloads the config and recomputes the
  tables (from the extracts already in memory when their definitions are unchanged), then every
  output;
- a change to an extract reads the extracts again, then does the same.

The preview folder (``build/<slug>/preview/``, :meth:`statgen.layout.Layout.preview`) is never a
numbered draft. A full rebuild is written beside it and swapped in whole; a page re-render
replaces ``index.html`` in one rename. So a failed rebuild leaves the last good page in place, and
its error is kept (as the command line would show it) for the server's banner.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statgen import stages
from statgen.config import Publication, load_publication
from statgen.errors import StatgenError, headline
from statgen.layout import Layout
from statgen.lifecycle import drafts, lock
from statgen.lifecycle.staging import remove_leftovers, staging_for
from statgen.periods import Period

PAGE = "page"
TABLES = "tables"
EXTRACTS = "extracts"
KINDS = (PAGE, TABLES, EXTRACTS)
"""What a change asks for, from least to most work."""


@dataclass
class Status:
    """The outcome of the latest rebuild: a version number that grows with every rebuild, the
    error line (None when the build succeeded) and how long it took."""

    version: int = 0
    error: str | None = None
    seconds: float = 0.0
    did: tuple[str, ...] = ()
    history: list[tuple[str, float]] = field(default_factory=list)


class Builder:
    """Builds one publication into its preview folder, keeping the last run warm."""

    def __init__(
        self,
        layout: Layout,
        slug: str,
        *,
        period: Period | None = None,
        extracts_dir: Path | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.layout = layout
        self.slug = slug
        self.period = period
        self.extracts_dir = extracts_dir
        self.today = today
        self.folder = layout.preview(slug)
        self.status = Status()
        self.run: stages.Run | None = None
        self.publication: Publication | None = None
        self._mutex = threading.Lock()
        self._stale = False  # a full rebuild failed: the next change of any kind rebuilds all

    # What to watch ----------------------------------------------------------------------------

    @property
    def publication_folder(self) -> Path:
        """The publication's own folder (publication.yaml, transforms.py, commentary)."""
        return self.layout.publication(self.slug)

    def source_dir(self) -> Path:
        """The folder of extracts the preview reads."""
        if self.extracts_dir is not None:
            return self.extracts_dir
        publication = self.publication or load_publication(self.publication_folder)
        return publication.extracts_path(self.layout.root)

    def commentary_name(self) -> str:
        """The commentary file's name (``commentary.qmd`` unless publication.yaml says)."""
        return self.publication.commentary if self.publication else "commentary.qmd"

    # Building --------------------------------------------------------------------------------

    def rebuild(self, kind: str) -> Status:
        """Rebuild for a change of ``kind`` (one of :data:`KINDS`); never raises a StatgenError:
        its message is kept in :attr:`status` for the banner, and the last good page stays."""
        import time

        with self._mutex:
            started = time.perf_counter()
            error: str | None = None
            did: tuple[str, ...] = ()
            try:
                with lock.hold(self.layout.lock(self.slug), f"a preview of {self.slug}", 60):
                    did = self._rebuild(kind)
            except StatgenError as exc:
                error = headline(exc)
            except Exception as exc:  # a mistake in transforms.py: show it, keep serving
                last = traceback.format_exception_only(exc)[-1].strip()
                error = f"Error [internal]: {last}"
            seconds = time.perf_counter() - started
            history = [*self.status.history, (kind, seconds)][-50:]
            self.status = Status(self.status.version + 1, error, seconds, did, history)
            return self.status

    def _rebuild(self, kind: str) -> tuple[str, ...]:
        page_only = kind == PAGE and not self._stale and self.run is not None
        if page_only and (self.folder / "index.html").is_file():
            self._render_page()
            return (PAGE,)
        return self._full(reread=kind == EXTRACTS or self.run is None)

    def _stamp(self) -> dict[str, Any]:
        assert self.run is not None
        publication, period = self.run.publication, self.run.quarter
        embargo = drafts.embargo_notice(publication.release_date(period), publication.release_time)
        return {
            "draft": True,
            "statgen_draft": True,
            "draft_label": "Preview: not a numbered draft (statgen build makes one)",
            "embargo": embargo,
        }

    def _render_page(self) -> None:
        """Render the page again into the preview folder, replacing index.html in one rename."""
        assert self.run is not None
        self.run.ran.clear()
        fd, name = tempfile.mkstemp(dir=self.folder, prefix=".index.", suffix=".html")
        os.close(fd)
        temporary = Path(name)
        try:
            stages.render_page(self.run, self.folder, self._stamp(), page=temporary.name)
            os.replace(temporary, self.folder / "index.html")
        finally:
            temporary.unlink(missing_ok=True)

    def _full(self, reread: bool) -> tuple[str, ...]:
        """Every stage but the manifest, into a new folder swapped in for the preview."""
        previous = self.run
        try:
            return self._full_build(previous, reread)
        except BaseException:
            self.run, self._stale = previous, True  # the page on show is still the old run's
            raise

    def _full_build(self, previous: stages.Run | None, reread: bool) -> tuple[str, ...]:
        publication = load_publication(self.publication_folder)
        source = self.extracts_dir or publication.extracts_path(self.layout.root)
        today = self.today or dt.date.today()
        run = stages.Run(publication, self.layout, self.period, source, today)
        if previous is not None and not reread:
            run.frames, run.frames_key = previous.frames, previous.frames_key
        remove_leftovers(self.folder.parent)
        staging = staging_for(self.folder)
        try:
            stages.read_extracts(run)
            stages.compute_tables(run)
            stages.write_csvs(run, staging)
            stages.write_spreadsheets(run, staging)
            stages.draw_charts(run, staging)
            self.run = run  # the stamp reads the period of the new run
            stages.render_page(run, staging, self._stamp())
            _swap(staging, self.folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self.publication, self._stale = publication, False
        return tuple(run.ran)

    def remove(self) -> None:
        """Remove the preview folder (when the preview stops)."""
        with self._mutex:
            shutil.rmtree(self.folder, ignore_errors=True)
            remove_leftovers(self.folder.parent)


def _swap(staging: Path, dest: Path) -> None:
    """Put the finished ``staging`` folder at ``dest``, removing the old one."""
    staging.chmod(0o755)
    if dest.exists():
        old = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.building-old-"))
        dest.rename(old / dest.name)
        staging.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(dest)
