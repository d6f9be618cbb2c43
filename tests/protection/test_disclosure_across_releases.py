"""Disclosure control remembers what is public: a figure the baseline release published, and
that is unchanged, is known to everyone, so it cannot hide a primary cell."""

from __future__ import annotations

import json
import tempfile
from fractions import Fraction
from itertools import product
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablemaking import PUBLICATION, make_table

from statgen import protection
from statgen.config import Disclosure
from statgen.periods import Quarter
from statgen.protection import disclosure
from statgen.review import qa
from statgen.tables import TOTAL, StatTable

RULES = Disclosure()
PERIOD = Quarter(2026, 3)
Key = tuple[str, ...]


def determined(equations: list[dict[Key, int]], unknown: set[Key], cell: Key) -> bool:
    """Whether ``cell`` is fixed by the equations (each a sum over unknowns equal to a known
    number): exact Gaussian elimination over fractions, a different method from the library's
    floating-point null space. ``cell`` is determined iff its unit vector is a combination of
    the equations' rows."""
    cols = sorted(unknown)
    rows = [[Fraction(eq.get(c, 0)) for c in cols] for eq in equations]
    rows = [r for r in rows if any(r)]
    target = [Fraction(1 if c == cell else 0) for c in cols]

    def rank(matrix: list[list[Fraction]]) -> int:
        m = [row[:] for row in matrix]
        r = 0
        for j in range(len(cols)):
            pivot = next((i for i in range(r, len(m)) if m[i][j] != 0), None)
            if pivot is None:
                continue
            m[r], m[pivot] = m[pivot], m[r]
            for i in range(len(m)):
                if i != r and m[i][j] != 0:
                    f = m[i][j] / m[r][j]
                    m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
            r += 1
        return r

    return rank(rows) == rank([*rows, target]) if rows else False


def equations_of(table_keys: list[Key], dims: list[str]) -> list[dict[Key, int]]:
    """Each line of the table as an equation: total - parts = 0."""
    out = []
    for line in disclosure.lines(table_keys, dims, {d: TOTAL for d in dims}):
        out.append({line[0]: 1, **{k: -1 for k in line[1:]}})
    return out


def test_a_published_unchanged_figure_never_hides_a_primary() -> None:
    # The case: one line 176 = 133 + 19 + 22 + 2. The 2 is primary; without memory the
    # cheapest other cell is hidden to protect it. If that cell was published last time, and is
    # unchanged, hiding it hides nothing: 176 - 133 - 19 - 22 = 2.
    table = make_table({("a",): 133, ("b",): 19, ("c",): 22, ("d",): 2}, ["k"], None, ["k"])
    keys = [tuple(r) for r in table.data.select("k").rows()]
    values = dict(zip(keys, table.data["n"].to_list(), strict=True))
    lines = disclosure.lines(keys, ["k"], {"k": TOTAL})
    forgetful = disclosure.suppress(values, lines, {"k": TOTAL}, ["k"], RULES)
    assert forgetful.primary == {("d",)} and forgetful.secondary == {("b",)}

    public = frozenset({("b",)})  # 19 was published in the baseline, the same
    pattern = disclosure.suppress(values, lines, {"k": TOTAL}, ["k"], RULES, public)
    assert ("b",) not in pattern.secondary
    unknown = set(pattern.suppressed) - public
    assert not determined(equations_of(keys, ["k"]), unknown, ("d",))

    # QA counts the public cell as published: the forgetful pattern is recoverable.
    forgetful_table = disclosure.protect_table(table, RULES)
    check = qa.disclosure_safe(PUBLICATION, [table], [forgetful_table], {"t": {"n": public}})
    assert check.status == "fail"
    assert "d: n can be worked out from its total" in "\n".join(check.details)
    # Without the memory, QA was satisfied (today's defect).
    assert qa.disclosure_safe(PUBLICATION, [table], [forgetful_table]).status == "pass"
    safe = disclosure.protect_table(table, RULES, {"n": public})
    assert qa.disclosure_safe(PUBLICATION, [table], [safe], {"t": {"n": public}}).status == "pass"


@st.composite
def release_pairs(draw: st.DrawFn) -> tuple[dict[Key, int], dict[Key, int]]:
    """A baseline release's inner counts (2 to 4 rows by 2 to 4 columns, many small) and the
    new release's: the same with some cells revised."""
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    sizes = st.sampled_from([0, 1, 2, 3, 5, 8, 13, 40])
    baseline = {(f"r{i}", f"c{j}"): draw(sizes) for i, j in product(range(rows), range(cols))}
    new = {k: (draw(sizes) if draw(st.integers(0, 3)) == 0 else v) for k, v in baseline.items()}
    return baseline, new


def _pair(pair: tuple[dict[Key, int], dict[Key, int]]) -> tuple[Any, ...]:
    """The baseline release as published (after its own protection), the new table, its keys
    and values, the baseline's values and what it showed, and the cells public now: shown
    then with the same value."""
    old_counts, new_counts = pair
    old = make_table(old_counts, ["r"], "k", ["r", "k"])
    table = make_table(new_counts, ["r"], "k", ["r", "k"])
    keys = [tuple(r) for r in table.data.select("r", "k").rows()]
    values = dict(zip(keys, table.data["n"].to_list(), strict=True))
    old_values = dict(zip(keys, old.data["n"].to_list(), strict=True))
    baseline = disclosure.protect_table(old, RULES)
    shown = dict(zip(keys, baseline.data["n"].to_list(), strict=True))
    public = frozenset(k for k in keys if shown[k] is not None and shown[k] == values[k])
    return baseline, table, keys, values, old_values, shown, public


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release_pairs())
def test_no_primary_cell_is_derivable_from_new_plus_baseline(
    pair: tuple[dict[Key, int], dict[Key, int]],
) -> None:
    _, table, keys, values, _, _, public = _pair(pair)
    protected = disclosure.protect_table(table, RULES, {"n": public})
    after = dict(zip(keys, protected.data["n"].to_list(), strict=True))
    hidden = {k for k, v in after.items() if v is None}
    unknown = hidden - public
    equations = equations_of(keys, ["r", "k"])
    for cell, value in values.items():
        if disclosure.is_primary(value, RULES):
            assert cell in hidden
            assert not determined(equations, unknown, cell), (cell, sorted(unknown))
    # And QA agrees that nothing is published or recoverable.
    check = qa.disclosure_safe(PUBLICATION, [table], [protected], {"t": {"n": public}})
    assert check.status == "pass", check.details


def _release(folder: Path, published: StatTable) -> Path:
    """A release of ``PERIOD`` (a version a correction replaces: these tables have no period
    dimension) holding ``published``'s tidy CSV as statgen writes it (dimension labels,
    measure, value, marker [c] where suppressed)."""
    dims = published.spec.dims
    rows = [
        {**dict(zip(dims, r[:-1], strict=True)), "measure": "n",
         "value": "" if r[-1] is None else str(r[-1]), "marker": "" if r[-1] is not None else "c"}
        for r in published.data.select(*dims, "n").rows()
    ]  # fmt: skip
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows).write_csv(folder / "csv" / f"{published.id}.csv")
    (folder / "manifest.json").write_text(json.dumps({"period": PERIOD.code}))
    return folder


def equations_then(
    old_values: dict[Key, int],
    shown_then: dict[Key, int | None],
    new_values: dict[Key, int],
    keys: list[Key],
    dims: list[str],
    known_now: dict[Key, int | None],
) -> list[dict[Key, int]]:
    """What an earlier release tells about the cells now: each of its lines whose cells it
    suppressed are all unchanged since, as an equation over the cells unknown now (the total
    counted +1, the parts -1; known cells moved to the constant, which is left out)."""
    out = []
    for line in disclosure.lines(keys, dims, {d: TOTAL for d in dims}):
        hidden = [k for k in line if shown_then[k] is None]
        if not hidden or any(new_values[k] != old_values[k] for k in hidden):
            continue
        out.append({k: 1 if k == line[0] else -1 for k in hidden if known_now[k] is None})
    return out  # fmt: skip


def test_a_cell_hidden_in_both_releases_is_not_given_away_by_the_sum_the_first_published(
    tmp_path: Path,
) -> None:
    # One line. The baseline published 176 = 133 + 22 + [c] b + [c] d: b + d = 21 (b 19, d 2).
    # Now c is revised to 3 (primary, no longer public); b and d are unchanged. Forgetting the
    # baseline's sum, b (19) is free to publish once c and d hide behind each other... and then
    # d = 21 - 19 = 2 again.
    old = make_table({("a",): 133, ("b",): 19, ("c",): 22, ("d",): 2}, ["k"], None, ["k"])
    table = make_table({("a",): 133, ("b",): 19, ("c",): 3, ("d",): 2}, ["k"], None, ["k"])
    folder = _release(tmp_path / "release", disclosure.protect_table(old, RULES))
    keys = [tuple(r) for r in table.data.select("k").rows()]
    values = dict(zip(keys, table.data["n"].to_list(), strict=True))
    public = frozenset({("a",)})  # 133 is unchanged and was published
    forgetful = disclosure.protect_table(table, RULES, {"n": public})
    assert forgetful.row(k="b")["n"] == 19  # the defect: b published, d = 21 - 19
    sums = protection.earlier_sums(PUBLICATION, [table], [folder], PERIOD)
    assert sums == {"t": {"n": [[disclosure.EARLIER, ("b",), ("d",)]]}}
    check = qa.disclosure_safe(PUBLICATION, [table], [forgetful], {"t": {"n": public}}, sums)
    assert check.status == "fail"
    assert any("d: n can be worked out" in d and "earlier release" in d for d in check.details)

    safe = disclosure.protect_table(table, RULES, {"n": public}, sums=sums["t"])
    after = dict(zip(keys, safe.data["n"].to_list(), strict=True))
    unknown = {k for k, v in after.items() if v is None} - public
    shown_then = dict(
        zip(keys, disclosure.protect_table(old, RULES).data["n"].to_list(), strict=True)
    )
    old_values = dict(zip(keys, old.data["n"].to_list(), strict=True))
    equations = equations_of(keys, ["k"]) + equations_then(
        old_values, shown_then, values, keys, ["k"], after
    )
    for cell in [("c",), ("d",)]:
        assert not determined(equations, unknown, cell), (cell, sorted(unknown))
    assert qa.disclosure_safe(PUBLICATION, [table], [safe], {"t": {"n": public}}, sums).status == (
        "pass"
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release_pairs())
def test_no_primary_cell_is_derivable_from_new_plus_what_the_baseline_suppressed(
    pair: tuple[dict[Key, int], dict[Key, int]],
) -> None:
    baseline, table, keys, values, old_values, shown_then, public = _pair(pair)
    with tempfile.TemporaryDirectory() as tmp:
        sums = protection.earlier_sums(
            PUBLICATION, [table], [_release(Path(tmp), baseline)], PERIOD
        )
    protected = disclosure.protect_table(table, RULES, {"n": public}, sums=sums.get("t"))
    after = dict(zip(keys, protected.data["n"].to_list(), strict=True))
    unknown = {k for k, v in after.items() if v is None} - public
    known_now = {k: (after[k] if k not in unknown else None) for k in keys}
    equations = equations_of(keys, ["r", "k"]) + equations_then(
        old_values, shown_then, values, keys, ["r", "k"], known_now
    )
    for cell, value in values.items():
        if disclosure.is_primary(value, RULES):
            assert after[cell] is None
            assert not determined(equations, unknown, cell), (cell, sorted(unknown))
    check = qa.disclosure_safe(PUBLICATION, [table], [protected], {"t": {"n": public}}, sums)
    assert check.status == "pass", check.details
