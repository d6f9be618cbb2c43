"""One exception family. The CLI turns any :class:`StatgenError` into a message and exit code 1."""

from __future__ import annotations

from dataclasses import dataclass, field


class StatgenError(Exception):
    """Base of every error statgen raises on purpose: the message says what to do."""


class ConfigError(StatgenError):
    """A publication.yaml (or other config) is wrong; the message names the file and the key."""


class TemplateError(StatgenError):
    """A commentary or page template could not be filled or rendered."""


class RenderError(StatgenError):
    """The rendering engine (Quarto or Pandoc) failed."""


class CheckError(StatgenError):
    """A finished output failed one of its own checks, so it was not published."""


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
        where = "" if self.column == "-" else f"column '{self.column}': "
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
            text += "; values: " + ", ".join(repr(v) for v in self.values)
        return text


@dataclass
class ExtractError(StatgenError):
    """An extract failed validation. Holds every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)
    hint: str = "Fix the extract (or the publication.yaml schema) and run the build again."

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        plural = "s" if n != 1 else ""
        head = f"{n} problem{plural} found in the source extracts; nothing was published:"
        lines = [head, *(f"  - {p.describe()}" for p in self.problems), self.hint]
        return "\n".join(lines)
