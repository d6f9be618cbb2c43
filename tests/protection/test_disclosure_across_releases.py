"""Disclosure control remembers what is public: a figure the baseline release published, and
that is unchanged, is known to everyone, so it cannot hide a primary cell."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablemaking import PUBLICATION, make_table

from statgen.config import Disclosure
from statgen.protection import disclosure
from statgen.review import qa
from statgen.tables import TOTAL

RULES = Disclosure()
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


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release_pairs())
def test_no_primary_cell_is_derivable_from_new_plus_baseline(
    pair: tuple[dict[Key, int], dict[Key, int]],
) -> None:
    old_counts, new_counts = pair
    old = make_table(old_counts, ["r"], "k", ["r", "k"])
    table = make_table(new_counts, ["r"], "k", ["r", "k"])
    keys = [tuple(r) for r in table.data.select("r", "k").rows()]
    values = dict(zip(keys, table.data["n"].to_list(), strict=True))
    # What the baseline published (after its own protection) with the same value is public.
    shown = dict(zip(keys, disclosure.protect_table(old, RULES).data["n"].to_list(), strict=True))
    public = frozenset(k for k in keys if shown[k] is not None and shown[k] == values[k])
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
