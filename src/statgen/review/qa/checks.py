"""The QA checks run on every build: each passes, warns or fails."""

from __future__ import annotations

import dataclasses
import re

import polars as pl

from statgen.config import Publication, Reconcile
from statgen.errors import StatgenError
from statgen.outputs.grid import format_number
from statgen.outputs.page.commentary import Context
from statgen.outputs.page.html import markdown_text
from statgen.outputs.page.templating import fill
from statgen.periods import PERIOD_DIMENSIONS, Period, Periods, period_type
from statgen.protection import Public, Sums, disclosure, linked
from statgen.review.qa import formulas
from statgen.review.qa.report import MAX_DETAILS, Check, QAReport, Status
from statgen.tables import StatTable, category_label, table_periods


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
        if gaps and not table.spec.empty_periods:  # else zeros, warned of below (No empty)
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
            f"{{n}} tables miss {noun}s of the series: check the extract covers them (a "
            f"table whose {noun}s can truly have no records at all: set empty_periods: true "
            "on it).",
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


def changes_plausible(
    publication: Publication, tables: list[StatTable], latest: Period | None = None
) -> Check:
    """Each count's change from the previous period is within the configured tolerance; with
    ``latest``, only the new period's changes (history that did not change was checked when it
    was published; its revisions have their own check)."""
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
            if latest is not None and PERIOD_DIMENSIONS[pdim] == publication.frequency:
                frame = frame.filter(pl.col(pdim) == latest.code)
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
    traced = dataclasses.replace(context, quoted=[], literals=[], placed=[])
    text = fill(publication, traced, publication.commentary)
    # Declared definitions ("per 1,000 prisoners") are taken out before numbers are looked for,
    # so the same number typed anywhere else is still refused. Longest phrases first.
    phrases = sorted({*publication.checks.allowed_phrases, *traced.literals}, key=len)
    for phrase in reversed(phrases):
        # A literal() is written as markdown text (its punctuation backslashed): both forms.
        text = text.replace(phrase, " ").replace(markdown_text(phrase), " ")
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
    allowed = {n for f in traced.quoted for n in [str(f), *numbers_in_text(str(f))]}
    allowed |= {n for c in labels for n in numbers_in_text(c) + numbers_in_text(markdown_text(c))}
    allowed |= {n.lstrip("-+\u2212") for n in allowed}  # "revised down by 41" quotes -41
    allowed |= period_numbers(context.periods)
    for number in numbers_in_text(text):
        if number not in allowed:
            problems.append(
                f"{publication.commentary}: the number {number!r} does not come from a table; "
                "quote it with value() (or share(), change(), difference(), points()); a "
                'definition such as "per 1,000 prisoners" is written {{ literal("...") }} or '
                "listed in checks.allowed_phrases"
            )
    return _check(
        "Commentary figures come from the tables",
        problems,
        f"All {len(traced.quoted)} figures quoted in the commentary trace to published cells.",
        "{n} numbers in the commentary cannot be traced to a published table cell.",
    )


def _revised_periods(revisions: StatTable, latest: Period) -> list[str]:
    """The label of the period of each revised figure, from the revisions table's tidy form
    (its period dimension, whichever it is; a figure of a table without one is of the release
    period, ``latest``)."""
    tidy = revisions.tidy if revisions.tidy is not None else pl.DataFrame()
    dims = [d for d in tidy.columns if d in PERIOD_DIMENSIONS]
    if tidy.height != revisions.data.height:
        return [str(r).split(", ")[0] for r in revisions.data["revised_figure"]]
    return [
        next((row[d] for d in dims if row[d] is not None), latest.label)
        for row in tidy.iter_rows(named=True)
    ]


def revisions_expected(
    publication: Publication, published: list[StatTable], latest: Period
) -> Check:
    """The revisions of published figures: the largest against the configured tolerance, and
    any of a period outside the provisional window (figures said to be final)."""
    found = next((t for t in published if t.id == "revisions"), None)
    limit = publication.checks.revision_tolerance
    if found is None or found.data.height == 0:
        return Check("Revisions", "pass", "No published figure was revised.")
    window = {latest.shift(-i).label for i in range(publication.revisions.provisional_quarters)}
    problems, largest = [], (0.0, "")
    periods = _revised_periods(found, latest)
    for row, period in zip(found.data.iter_rows(named=True), periods, strict=True):
        where = f"{row['table']}, {row['revised_figure']} ({row['revised_measure']})"
        before, after = row["previous"], row["revised"]
        if after is None:
            problems.append(f"{where}: published as {before:,.0f}, now suppressed")
            continue
        share = abs(after - before) / abs(before) if before else float("inf")
        if share > largest[0]:
            largest = (share, where)
        if share > limit:
            problems.append(
                f"{where}: revised from {before:,.0f} to {after:,.0f} ({share:.1%}), more than "
                f"the tolerance of {limit:.0%}"
            )
        if period not in window:
            problems.append(f"{where}: revised, but its period is outside the provisional window")
    summary = (
        f"{found.data.height} published figures revised; the largest by {largest[0]:.1%} "
        f"({largest[1]})."
    )
    return Check("Revisions", "warn" if problems else "pass", summary, problems[:MAX_DETAILS])


def disclosure_safe(
    publication: Publication,
    computed: list[StatTable],
    published: list[StatTable],
    public: Public | None = None,
    sums: Sums | None = None,
) -> Check:
    """No small count is published, and no suppressed cell can be worked out from what is
    published now plus what earlier releases published unchanged (``public``) and the sums
    of suppressed cells they give away that still hold (``sums``)."""
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
            known = (public or {}).get(raw.id, {}).get(m, frozenset())
            small = [k for k, v in before.items() if disclosure.is_primary(v, rules)]
            problems += [
                f"{_where(raw, k)}: {m} {before[k]} is published" for k in small if k not in hidden
            ]
            secret = hidden - known  # a cell published before, unchanged, is public
            given = (sums or {}).get(raw.id, {}).get(m, [])
            for line in disclosure.exposed(table_lines, secret):
                k = next(k for k in line if k in secret)
                problems.append(f"{_where(raw, k)}: {m} can be worked out from its total")
            flagged = set(problems)
            for k in sorted(disclosure.derivable(table_lines, secret, set(small) & secret)):
                if f"{_where(raw, k)}: {m} can be worked out from its total" not in flagged:
                    problems.append(f"{_where(raw, k)}: {m} can be worked out from the totals")
            flagged = set(problems)
            # With no sums from earlier releases this would be the check just above again.
            then = (
                disclosure.derivable(table_lines + given, secret, set(small) & secret)
                if given
                else set()
            )
            for k in sorted(then):
                if not any(p.startswith(f"{_where(raw, k)}: {m} can be") for p in flagged):
                    problems.append(
                        f"{_where(raw, k)}: {m} can be worked out from the totals with what "
                        "an earlier release published"
                    )
            counts.append(
                f"Table {raw.number} ({raw.id}), {m}: {len(hidden)} of {len(keys)} cells "
                f"suppressed ({len(small)} primary, {len(hidden) - len(small)} secondary)"
            )
    problems += linked.exposures(publication, computed, published)
    if problems:
        return Check(
            "Disclosure control", "fail", f"{len(problems)} cells are not protected.", problems
        )
    counts += linked.explained(publication, computed, published)
    return Check(
        "Disclosure control", "pass", "No small count is published or recoverable.", counts
    )


def run(
    publication: Publication,
    periods: Periods,
    computed: list[StatTable],
    published: list[StatTable],
    context: Context,
    public: Public | None = None,
    sums: Sums | None = None,
) -> QAReport:
    """Run every check on a build: ``computed`` before protection, ``published`` after."""
    checks = [
        totals_add_up(publication, computed),
        *series_complete(computed, periods),
        changes_plausible(publication, computed, periods.latest),
        revisions_expected(publication, published, periods.latest),
        counts_reconcile(publication, computed, periods),
        commentary_traced(publication, context, published),
        disclosure_safe(publication, computed, published, public, sums),
        *formulas.formula_labels(published),
    ]
    return QAReport(publication.slug, periods.latest.code, checks)
