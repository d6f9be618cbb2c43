"""Every error statgen raises on purpose, in one family, each kind with a stable code.

The command line turns any :class:`StatgenError` into one message that starts with its code,
and exit code 1 (a traceback only with ``--debug``). ``docs/errors.md`` lists every code with
what to do about it; a test keeps the two in step.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field


class StatgenError(Exception):
    """Base of every error statgen raises on purpose: the message says what to do."""

    code = "statgen-error"
    """Stable name of the kind of problem (shown with the message; listed in docs/errors.md)."""


class ConfigError(StatgenError):
    """A publication.yaml (or other config) is wrong; the message names the file and the key."""

    code = "config-invalid"


class SlugError(ConfigError):
    """A publication slug on the command line is not a name (``[a-z0-9-]+``): a path or worse."""

    code = "slug-invalid"


class PeriodError(ConfigError):
    """A period code (on the command line or in config) is not a period of the publication."""

    code = "period-invalid"


class TemplateError(StatgenError):
    """A commentary or page template could not be filled or rendered."""

    code = "template-error"


class UnsafeCommentaryError(TemplateError):
    """Commentary holds markup that runs script (a ``<script>`` element, an event handler, a
    ``javascript:`` link...) and the publication has not opted in."""

    code = "commentary-script"


class UnknownNameError(TemplateError):
    """Commentary names a table, chart, measure or category that does not exist."""

    code = "unknown-name"


class ZeroDenominatorError(TemplateError):
    """Commentary divides by a figure that is zero (a share or change of nothing)."""

    code = "zero-denominator"


class ChartPlacementError(TemplateError):
    """A chart is never placed in the commentary, placed twice, or placed out of its order."""

    code = "chart-not-placed"


class TransformError(StatgenError):
    """A publication's transform raised an exception or returned the wrong shape of table."""

    code = "transform-failed"


class NullKeyError(TransformError):
    """A transform returned rows with an empty (null) dimension key: they would vanish from
    every cell and total."""

    code = "null-dimension"


class CountOverflowError(TransformError):
    """A total of whole numbers is beyond what a 64-bit integer holds (it would wrap around)."""

    code = "count-overflow"


class RenderError(StatgenError):
    """The rendering engine (Quarto or Pandoc), or the browser drawing the charts, failed."""

    code = "render-failed"


class CheckError(StatgenError):
    """A finished output failed one of its own checks, so it was not published."""

    code = "output-check-failed"


class QAError(CheckError):
    """The QA checks of a draft failed; the QA report says which and where."""

    code = "qa-failed"


class WorkbookError(StatgenError):
    """A spreadsheet given to ``statgen check`` cannot be opened or read."""

    code = "workbook-unreadable"


class OptionError(StatgenError):
    """A command-line option has a value statgen cannot use (e.g. ``--wait nan``)."""

    code = "option-invalid"


class DiskFullError(StatgenError):
    """The disk filled up while statgen was writing; nothing half-written was left."""

    code = "disk-full"


class LockError(StatgenError):
    """Another build or publish of the same publication is running."""

    code = "locked"


class VerifyError(StatgenError):
    """A folder has no readable manifest, so its files cannot be checked."""

    code = "manifest-unreadable"


class PublishError(StatgenError):
    """A draft may not be published (yet): the message says what is missing."""

    code = "publish-refused"


class DiffError(StatgenError):
    """Two builds cannot be compared (no drafts, or no baseline to compare with)."""

    code = "diff-impossible"


def known(names: Iterable[str], wrong: str, limit: int = 20) -> str:
    """ "did you mean 'people-by-region'? (known: a, b, c)": the names to offer for a typo."""
    names = sorted(set(names))
    close = difflib.get_close_matches(wrong, names, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    shown = ", ".join(names[:limit]) + (
        f" and {len(names) - limit:,} more" if len(names) > limit else ""
    )
    return f"{hint}(known: {shown})"


VALUE_WIDTH = 80
"""Values quoted in messages are cut to about this many characters."""


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal acts on or that reorder text (escape sequences, right-to-left
overrides): shown escaped in messages, never written out."""


def visible(text: str) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\u202e``)."""
    return CONTROL.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def cut(text: str, width: int = VALUE_WIDTH) -> str:
    """``text`` cut to about ``width`` characters, saying how long it was."""
    if len(text) <= width:
        return text
    return f"{text[: width - 3]}... ({len(text):,} characters)"


def listed(names: Iterable[str], limit: int = 10) -> str:
    """ "a, b, c and 9,990 more": a list of names capped at ``limit``."""
    names = list(names)
    shown = ", ".join(cut(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit:,} more" if len(names) > limit else "")


@dataclass(frozen=True)
class Problem:
    """One data problem found in an extract: where it is, what is wrong, and how many rows."""

    file: str
    column: str
    message: str
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    count: int = 0
    unit: str = "row"

    def describe(self) -> str:
        """Say the problem in one line a statistician can act on."""
        where = "" if self.column == "-" else f"column '{cut(self.column)}': "
        text = f"{self.file}: {where}{self.message}"
        if self.count:
            plural = self.unit if self.count == 1 else f"{self.unit}s"
            text += f" ({self.count:,} {plural}"
            if self.rows:
                shown = ", ".join(str(r) for r in self.rows)
                more = ", ..." if self.count > len(self.rows) else ""
                text += f": {shown}{more}"
            text += ")"
        if self.values:
            text += "; values: " + ", ".join(repr(cut(v)) for v in self.values)
        return visible(text)  # names from a header can hold anything


@dataclass
class ExtractError(StatgenError):
    """An extract failed validation. Holds every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    hint: str = "Fix the extract (or the publication.yaml schema) and run the build again."
    code = "extract-invalid"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        plural = "s" if n != 1 else ""
        head = f"{n} problem{plural} found in the source extracts; nothing was published:"
        lines = [head, *(f"  - {p.describe()}" for p in self.problems), self.hint]
        return "\n".join(lines)


def all_errors() -> list[type[StatgenError]]:
    """Every kind of error, base first (for docs/errors.md and its test)."""
    found: list[type[StatgenError]] = [StatgenError]
    for cls in found:
        found.extend(sorted(cls.__subclasses__(), key=lambda c: c.__name__))
    return found


def headline(exc: BaseException) -> str:
    """The one line the command line shows for an error: ``Error [code]: message``.

    ``statgen preview`` shows the same line in its error banner.
    """
    code = getattr(exc, "code", "statgen-error")
    return f"Error [{code}]: {exc}"
