"""The QA report written with every build: ``build/<slug>/<period>/qa.html`` and ``qa.json``.

Each check passes, warns or fails. A failing check stops the release (nothing is published);
warnings are for the statistician to read before signing the release off.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import jinja2
import polars as pl

from statgen.config import Publication, Reconcile
from statgen.errors import QAError, StatgenError
from statgen.outputs.grid import format_number
from statgen.outputs.page.commentary import Context, fill
from statgen.periods import PERIOD_DIMENSIONS, Period, Periods, period_type
from statgen.protection import disclosure
from statgen.tables import StatTable, category_label, table_periods

Status = Literal["pass", "warn", "fail"]
MAX_DETAILS = 50


@dataclass(frozen=True)
class Check:
    """One check's outcome: a one-line summary and the figures behind a warning or failure."""

    name: str
    status: Status
    summary: str
    details: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QAReport:
    """Every check of one build."""

    slug: str
    period: str
    checks: list[Check]

    @property
    def status(self) -> Status:
        """The worst status of any check."""
        for worst in ("fail", "warn"):
            if any(c.status == worst for c in self.checks):
                return worst  # type: ignore[return-value]
        return "pass"

    def stop_on_failure(self, folder: Path) -> None:
        """Raise :class:`CheckError` naming each failed check, so nothing is published."""
        failed = [c for c in self.checks if c.status == "fail"]
        if not failed:
            return
        lines = [f"the QA checks failed, so nothing was published (report: {folder / 'qa.html'}):"]
        for c in failed:
            lines.append(f"  - {c.name}: {c.summary}")
            lines.extend(f"      {d}" for d in c.details[:5])
        raise QAError("\n".join(lines))


def _where(table: StatTable, key: tuple[str, ...]) -> str:
    dims = table.spec.dims
    return f"Table {table.number} ({table.id}), " + ", ".join(
        category_label(d, v) for d, v in zip(dims, key, strict=True)
    )


def _check(name: str, problems: list[str], ok: str, bad: str, status: Status = "fail") -> Check:
    if not problems:
        return Check(name, "pass", ok)
    return Check(name, status, bad.format(n=len(problems)), problems[:MAX_DETAILS])


def totals_add_up(publication: Publication, tables: list[StatTable]) -> Check:
    """Every total equals the sum of its parts (before any suppression or rounding)."""
    problems = []
    for table in tables:
        rules = publication.disclosure_for(table.spec)
        totals = disclosure.total_categories(table, rules)
        dims = table.spec.dims
        keys = [tuple(r) for r in table.data.select(dims).rows()]
        for m in table.spec.measures:
            if not m.additive:
                continue
            values = dict(zip(keys, table.data[m.name].to_list(), strict=True))
            for line in disclosure.lines(keys, dims, totals):
                total_key = line[0]
                parts = sum(values[k] or 0 for k in line if k != total_key)
                if abs((values[total_key] or 0) - parts) > 1e-6:
                    problems.append(
                        f"{_where(table, total_key)}: total {values[total_key]} but its parts "
                        f"add up to {parts}"
                    )
    return _check(
        "Totals equal the sum of their parts",
        problems,
        "Every total in every table equals the sum of its parts.",
        "{n} totals do not equal the sum of their parts.",
    )


def series_complete(tables: list[StatTable], periods: Periods) -> list[Check]:
    """Every table with a period dimension covers every period of the series, and none is
    empty (a period deleted from the extract fails, rather than publishing zeros)."""
    missing, empty = [], []
    noun = periods.latest.noun
    for table in tables:
        pdim = table.period_dim
        if pdim is None:
            continue
        shown = set(table.categories[pdim]) - set(table.absent_quarters)
        gaps = [q for q in table_periods(table.spec, periods, pdim) if q not in shown]
        if gaps:
            missing.append(f"Table {table.number} ({table.id}): no rows for {', '.join(gaps)}")
        counts = [m.name for m in table.spec.measures if m.additive]
        if counts:
            sums = table.data.group_by(pdim).agg(pl.sum_horizontal(counts).sum().alias("n"))
            for code in sums.filter(pl.col("n") == 0)[pdim].sort().to_list():
                empty.append(f"Table {table.number} ({table.id}): every count is zero in {code}")
    return [
        _check(
            "Series have no gaps",
            missing,
            f"Every {_adjective(noun)} table covers each of its {noun}s up to "
            f"{periods.latest.code}.",
            f"{{n}} tables miss {noun}s of the series.",
        ),
        _check(
            f"No empty {noun}s",
            empty,
            f"Every {noun} of every {_adjective(noun)} table has records.",
            f"{{n}} {noun}s have no records at all: check the extract covers them.",
            "warn",
        ),
    ]


def _adjective(noun: str) -> str:
    """ "quarter" -> "quarterly", for the checks' wording."""
    return {"quarter": "quarterly", "month": "monthly", "year": "annual"}.get(noun, noun)


def changes_plausible(publication: Publication, tables: list[StatTable]) -> Check:
    """Each count's change from the previous period is within the configured tolerance."""
    noun = publication.period_type.noun
    limit = publication.checks.change_tolerance
    floor = publication.checks.change_min_count
    problems = []
    for table in tables:
        dims = table.spec.dims
        pdim = table.period_dim
        if pdim is None:
            continue
        others = [d for d in dims if d != pdim]
        for m in table.spec.measures:
            if not m.additive:
                continue
            frame = table.data.select(*dims, pl.col(m.name).cast(pl.Float64)).sort(
                pl.col(pdim), *[pl.col(d) for d in others]
            )
            frame = frame.with_columns(
                pl.col(m.name).shift(1).over(others or pl.lit(1)).alias("__before")
            )
            frame = frame.filter(
                (pl.col("__before") >= floor)
                & (pl.col(m.name) >= floor)
                & ((pl.col(m.name) - pl.col("__before")).abs() > limit * pl.col("__before"))
            )
            for row in frame.iter_rows(named=True):
                new, old = row[m.name], row["__before"]
                pct = 100 * (new - old) / old
                key = tuple(row[d] for d in dims)
                problems.append(
                    f"{_where(table, key)}: {m.title} {format_number(new, m.format)}, "
                    f"{'up' if pct > 0 else 'down'} {abs(pct):.1f}% from "
                    f"{format_number(old, m.format)} the {_dim_noun(pdim)} before"
                )
    return _check(
        f"Changes from the previous {noun}",
        problems,
        f"No count changed by more than {limit:.0%} from the previous {noun} "
        f"(counts of {floor} or more).",
        f"{{n}} figures changed by more than {limit:.0%} from the previous {noun}: check them.",
        "warn",
    )


def _dim_noun(dim: str) -> str:
    return period_type(PERIOD_DIMENSIONS[dim]).noun


def _select(table: StatTable, where: dict[str, str], measure: str, latest: Period) -> pl.DataFrame:
    cond = pl.lit(True)
    for d, v in where.items():
        is_latest = d == latest.dimension and v == "latest"
        cond = cond & (pl.col(d) == (latest.code if is_latest else v))
    rest = [d for d in table.spec.dims if d not in where]
    return table.data.filter(cond).select(*rest, pl.col(measure).alias("__value"))


def counts_reconcile(publication: Publication, tables: list[StatTable], periods: Periods) -> Check:
    """Counts shared between tables agree (configured in ``checks.reconcile``)."""
    by_id = {t.id: t for t in tables}
    problems = []
    described = []
    for rec in publication.checks.reconcile:
        problems.extend(_reconcile(rec, by_id, periods.latest))
        described.append(f"{rec.tables[0]} and {rec.tables[1]}")
    if not described:
        return Check("Counts reconcile between tables", "pass", "No shared counts configured.")
    return _check(
        "Counts reconcile between tables",
        problems,
        "Shared counts agree: " + "; ".join(described) + ".",
        "{n} shared counts disagree between tables.",
    )


def _reconcile(rec: Reconcile, by_id: dict[str, StatTable], latest: Period) -> list[str]:
    left, right = (by_id[t] for t in rec.tables)
    a = _select(left, rec.where[0], rec.measure, latest)
    b = _select(right, rec.where[1], rec.measure, latest)
    if a.columns != b.columns:
        return [f"{left.id} and {right.id}: cells are matched on different dimensions "
                f"({a.columns[:-1]} and {b.columns[:-1]}); fix checks.reconcile"]  # fmt: skip
    on = a.columns[:-1]
    joined = (
        a.join(b, on=on, how="full", coalesce=True, suffix="__b")
        if on
        else pl.concat([a, b.rename({"__value": "__value__b"})], how="horizontal")
    )
    bad = joined.filter(pl.col("__value").fill_null(-1) != pl.col("__value__b").fill_null(-1))
    return [
        f"{', '.join(str(row[d]) for d in on) or 'the cell'}: {left.id} has {row['__value']}, "
        f"{right.id} has {row['__value__b']}"
        for row in bad.iter_rows(named=True)
    ]


NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?")
DATES = re.compile(
    r"\b(?:\d{1,2} )?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
    r"(?: to (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*)? (?:19|20)\d{2}\b"
    r"|\b(?:19|20)\d{2}(?![\d,.%])"
)
RAW_BLOCKS = re.compile(r"```\{=html\}.*?```", re.S)
NOT_TEXT = re.compile(r"\{#[^}]*\}|\]\([^)]*\)|\[note \d+\]")


def numbers_in_text(text: str) -> list[str]:
    """Numbers written in commentary (tables, charts, dates, links and note markers left out)."""
    text = NOT_TEXT.sub(" ", DATES.sub(" ", RAW_BLOCKS.sub(" ", text)))
    return [n.rstrip(",") for n in NUMBER.findall(text)]


def period_numbers(periods: Periods) -> set[str]:
    """The numbers in the labels of the series' periods ("2025" in an annual publication's
    "2025"): names of periods, not figures."""
    around = [*periods.series, periods.first.shift(-periods.latest.per_year)]
    return {n for p in around for n in NUMBER.findall(f"{p.label} {p.long_label}")}


def commentary_traced(
    publication: Publication, context: Context, published: list[StatTable]
) -> Check:
    """Every number in the commentary comes from a published table cell through value()."""
    traced = dataclasses.replace(context, quoted=[])
    text = fill(publication, traced, publication.commentary)
    by_id = {t.id: t for t in published}
    problems = []
    for figure in traced.quoted:
        for source in figure.sources:
            table = by_id.get(source.table)
            try:
                value = table.value(source.measure, **dict(source.keys)) if table else None
            except StatgenError:
                value = None
            if value is None:
                problems.append(
                    f"{figure} comes from {source.table} {dict(source.keys)}, which is not "
                    "published (suppressed or missing)"
                )
    # Numbers inside category names ("52 weeks and over") are definitions, not figures.
    labels = {c for t in published for cats in t.categories.values() for c in cats}
    allowed = {str(f) for f in traced.quoted} | {n for c in labels for n in numbers_in_text(c)}
    allowed |= period_numbers(context.periods)
    for number in numbers_in_text(text):
        if number not in allowed:
            problems.append(
                f"{publication.commentary}: the number {number!r} does not come from a table; "
                "quote it with value() (or share()/change())"
            )
    return _check(
        "Commentary figures come from the tables",
        problems,
        f"All {len(traced.quoted)} figures quoted in the commentary trace to published cells.",
        "{n} numbers in the commentary cannot be traced to a published table cell.",
    )


def disclosure_safe(
    publication: Publication, computed: list[StatTable], published: list[StatTable]
) -> Check:
    """No small count is published, and no suppressed cell can be worked out from a total."""
    by_id = {t.id: t for t in published}
    problems, counts = [], []
    for raw in computed:
        table, rules = by_id[raw.id], publication.disclosure_for(raw.spec)
        if not rules.enabled:
            counts.append(f"Table {raw.number} ({raw.id}): not protected (disclosure off)")
            continue
        dims = raw.spec.dims
        keys = [tuple(r) for r in raw.data.select(dims).rows()]
        table_lines = disclosure.lines(keys, dims, disclosure.total_categories(raw, rules))
        for m in disclosure.count_measures(raw, rules):
            before = dict(zip(keys, raw.data[m].to_list(), strict=True))
            after = dict(zip(keys, table.data[m].to_list(), strict=True))
            hidden = {k for k, v in after.items() if v is None and before[k] is not None}
            small = [k for k, v in before.items() if disclosure.is_primary(v, rules)]
            problems += [
                f"{_where(raw, k)}: {m} {before[k]} is published" for k in small if k not in hidden
            ]
            for line in disclosure.exposed(table_lines, hidden):
                k = next(k for k in line if k in hidden)
                problems.append(f"{_where(raw, k)}: {m} can be worked out from its total")
            counts.append(
                f"Table {raw.number} ({raw.id}), {m}: {len(hidden)} of {len(keys)} cells "
                f"suppressed ({len(small)} primary, {len(hidden) - len(small)} secondary)"
            )
    if problems:
        return Check(
            "Disclosure control", "fail", f"{len(problems)} cells are not protected.", problems
        )
    return Check(
        "Disclosure control", "pass", "No small count is published or recoverable.", counts
    )


def run(
    publication: Publication,
    periods: Periods,
    computed: list[StatTable],
    published: list[StatTable],
    context: Context,
) -> QAReport:
    """Run every check on a build: ``computed`` before protection, ``published`` after."""
    checks = [
        totals_add_up(publication, computed),
        *series_complete(computed, periods),
        changes_plausible(publication, computed),
        counts_reconcile(publication, computed, periods),
        commentary_traced(publication, context, published),
        disclosure_safe(publication, computed, published),
    ]
    return QAReport(publication.slug, periods.latest.code, checks)


PAGE = jinja2.Environment(autoescape=True).from_string(
    """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>QA report: {{ r.slug }} {{ r.period }}</title>
<style>body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#0b0c0c}table{border-collapse:collapse;width:100%}
th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:.5rem;vertical-align:top}
.pass{color:#00703c}.warn{color:#594d00}.fail{color:#d4351c}strong{font-weight:700}
a{color:#1d70b8}a:focus{outline:3px solid transparent;background:#fd0;color:#0b0c0c;
box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.skip{position:absolute;left:-9999px}.skip:focus{position:static;display:inline-block}
main:focus{outline:none}</style>
</head>
<body><a class="skip" href="#main-content">Skip to main content</a>
<main id="main-content" tabindex="-1">
<h1>QA report: {{ r.slug }}, {{ r.period }}</h1>
<p>Overall: <strong class="{{ r.status }}">{{ labels[r.status] }}</strong>.
A failed check stops the release; warnings need a statistician's review.</p>
<table><caption>Checks and their results</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Result</th>
<th scope="col">Summary</th></tr></thead>
<tbody>
{% for c in r.checks %}<tr><th scope="row">{% if c.details -%}
<a href="#check-{{ loop.index }}">{{ c.name }}</a>{% else %}{{ c.name }}{% endif %}</th>
<td><strong class="{{ c.status }}">{{ labels[c.status] }}</strong></td><td>{{ c.summary }}</td></tr>
{% endfor %}</tbody></table>
{% for c in r.checks %}{% if c.details %}
<h2 id="check-{{ loop.index }}">{{ c.name }}: {{ labels[c.status] }}</h2>
<ul>{% for d in c.details %}<li>{{ d }}</li>{% endfor %}</ul>
{% endif %}{% endfor %}
</main></body></html>
"""
)


def write(report: QAReport, folder: Path) -> None:
    """Write ``qa.html`` (for people) and ``qa.json`` (for machines) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"slug": report.slug, "period": report.period, "status": report.status,
            "checks": [dataclasses.asdict(c) for c in report.checks]}  # fmt: skip
    labels = {"pass": "Pass", "warn": "Warning", "fail": "Fail"}
    for name, text in [
        ("qa.json", json.dumps(data, indent=1) + "\n"),
        ("qa.html", PAGE.render(r=report, labels=labels)),
    ]:
        # Written whole then renamed, so a killed build never leaves half a report.
        tmp = folder / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(folder / name)


def as_draft_check(report: QAReport) -> dict[str, object]:
    """The QA result as one of a draft's recorded checks (warnings do not stop publishing)."""
    return {
        "name": "QA report",
        "passed": report.status != "fail",
        "problems": [f"{c.name}: {c.summary}" for c in report.checks if c.status != "pass"],
    }
