"""``statgen new SLUG --frequency F``: write a working publication from the templates in
``statgen/templates/new/``: publication.yaml, transforms.py, commentary.qmd, sample.py and
signoff.yaml. It builds at once on its own sample (``statgen build SLUG``) and passes
``statgen check`` and the QA checks; a team then replaces the sample parts with its own."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from string import Template

from statgen.config import is_slug, load_publication
from statgen.errors import ConfigError
from statgen.extracts.sample import is_sample
from statgen.periods import FREQUENCIES, latest_complete, period_type

TEMPLATES = Path(__file__).parent / "templates" / "new"
FILES = ("publication.yaml", "transforms.py", "commentary.qmd", "sample.py", "signoff.yaml")
SERIES = {"monthly": 24, "quarterly": 12, "annual": 6, "financial_year": 6}
"""Series length written into a new publication, by frequency."""
RELEASE_AFTER = dt.timedelta(weeks=8)
"""How long after a period ends the written release calendar publishes it (at the earliest)."""
RELEASE_WEEKDAY = 3
"""The day of the week the written calendar announces (Thursday, as the pilots' calendars)."""
HOLIDAYS = {(12, 25), (12, 26), (1, 1)}
"""The bank holidays in England and Wales that can fall on a Thursday (month, day)."""


def release_day(period_end: dt.date) -> dt.date:
    """The release date the written calendar announces for a period: the first Thursday at
    least ``RELEASE_AFTER`` after it ends that is not a bank holiday (never a weekend)."""
    day = period_end + RELEASE_AFTER
    day += dt.timedelta(days=(RELEASE_WEEKDAY - day.weekday()) % 7)
    while (day.month, day.day) in HOLIDAYS:
        day += dt.timedelta(weeks=1)
    return day


def new_publication(
    root: Path, slug: str, frequency: str, title: str | None = None, today: dt.date | None = None
) -> list[Path]:
    """Write ``<root>/publications/<slug>/`` for a publication of ``frequency``; refuses to
    overwrite. Returns the files written."""
    if not is_slug(slug):
        raise ConfigError(
            f"{slug!r} is not a valid publication slug: lower case letters, digits and single "
            "hyphens, e.g. legal-aid"
        )
    if frequency not in FREQUENCIES:
        raise ConfigError(f"--frequency {frequency!r} is not one of {', '.join(FREQUENCIES)}")
    if title is not None and (not title.strip() or not title.isprintable()):
        raise ConfigError(
            f"--title {title!r}: a title is one line of text (no line breaks or control "
            'characters), e.g. "Legal aid statistics"'
        )
    folder = root / "publications" / slug
    if folder.exists():
        raise ConfigError(f"{folder}: already exists; statgen new never overwrites a publication")
    extracts = root / "data" / "extracts" / slug  # the default extracts_dir it writes
    held = []
    if extracts.is_dir() and not is_sample(extracts):
        held = sorted(p.name for p in extracts.iterdir() if not p.name.startswith("."))
    if held:
        raise ConfigError(
            f"{extracts}: already holds {', '.join(held)}; statgen new writes its sample "
            "extract there and would mark them as sample data. Move them elsewhere first (and "
            "point extracts_dir or --extracts at them)"
        )
    kind = period_type(frequency)
    today = today or dt.date.today()
    # The sample's data end on the last day of the latest complete period, so the first build
    # is of that period; the calendar announces it and the next two.
    latest = latest_complete(today - dt.timedelta(days=1), frequency)
    series = SERIES[frequency]
    first = latest.shift(-(series + kind.per_year)).start
    calendar = "\n".join(
        f"  {p.code}: {release_day(p.end).isoformat()}"
        for p in (latest.shift(i) for i in range(-1, 3))
    )
    title = title or slug.replace("-", " ").capitalize() + " statistics"
    values = {
        "slug": slug,
        # The title goes into YAML as a quoted scalar (a JSON string is one), into Python
        # docstrings escaped, and into comments as it is (Jinja's comment end broken up).
        "title_yaml": json.dumps(title, ensure_ascii=False),
        "team_yaml": json.dumps(f"{title} team", ensure_ascii=False),
        "title_doc": title.replace("\\", "\\\\").replace('"', '\\"'),
        "title_comment": title.replace("#}", "# }"),
        "frequency": frequency,
        "noun": kind.noun,
        "dim": kind.dimension,
        "dim_title": kind.noun.capitalize(),
        "example": kind.example,
        "calendar": calendar,
        "series": str(series),
        "latest_code": latest.code,
        "today": today.isoformat(),
        "extract_year": str(latest.end.year),
        "extract_month": str(latest.end.month),
        "extract_day": str(latest.end.day),
        "first_year": str(first.year),
        "first_month": str(first.month),
    }
    folder.mkdir(parents=True)
    written = []
    try:
        for name in FILES:
            text = Template((TEMPLATES / f"{name}.tmpl").read_text(encoding="utf-8"))
            path = folder / name
            path.write_text(text.substitute(values), encoding="utf-8")
            written.append(path)
        load_publication(folder)  # what it wrote must load: else leave nothing behind
    except BaseException:
        shutil.rmtree(folder)
        raise
    return written
