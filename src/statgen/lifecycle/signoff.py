"""Sign-off: who approved which draft for publication, kept in ``publications/<slug>/signoff.yaml``.

``statgen publish`` only promotes a draft that an approval here names by period, draft number
and the short hash of its outputs shown on the draft banner (what was reviewed), and, when given,
by the short hash of its inputs::

    approvals:
      - period: 2026Q3
        draft: 2
        outputs: 9f8e7d6c
        inputs: 1a2b3c4d
        approved_by: A. Statistician (head of profession)
        approved_on: 2026-12-08
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, field_validator

from statgen.config import Strict, read_yaml
from statgen.errors import ConfigError, PeriodError
from statgen.periods import Period, parse_any_code, parse_period

FILE = "signoff.yaml"


class Approval(Strict):
    """One approval of one draft of one period."""

    period: str
    """The period approved, as a code such as ``2026Q3``."""
    draft: int = Field(ge=1)
    """The draft number approved (``draft-<n>`` in ``build/<slug>/<period>/``)."""
    inputs: str | None = Field(default=None, pattern=r"^[0-9a-f]{4,64}$")
    """Optional: the short hash of the draft's inputs, as shown on its banner; when given it must
    match, so an approval cannot pass to a rebuilt draft with different inputs."""
    outputs: str | None = Field(default=None, pattern=r"^[0-9a-f]{8,64}$")
    """The short hash of the draft's outputs, as shown on its banner ("outputs 9f8e7d6c"): the
    approval holds only for exactly the files reviewed (publish refuses an approval without it)."""
    approved_by: str = Field(min_length=1)
    """Who approved it (name and role)."""
    approved_on: dt.date
    """The date it was approved."""

    @field_validator("period")
    @classmethod
    def _period_is_a_period(cls, value: str) -> str:
        try:
            return parse_any_code(str(value)).code
        except ConfigError as exc:
            raise ValueError(str(exc)) from None


class SignOff(Strict):
    """The sign-off file of one publication."""

    approvals: list[Approval] = []
    """Every approval given, oldest first."""

    def approval(self, period: Period, draft: int) -> Approval | None:
        """The approval of this draft of this period, if any."""
        found = [a for a in self.approvals if a.period == period.code and a.draft == draft]
        return found[-1] if found else None


def load(folder: Path, frequency: str | None = None) -> SignOff:
    """Read ``<folder>/signoff.yaml`` (no file: no approvals).

    With the publication's ``frequency``, an approval whose period is of another frequency
    (``2026-09`` for a quarterly publication) is refused naming the form expected: it could
    never match a draft, and would be ignored without a word."""
    path = folder / FILE
    if not path.is_file():
        return SignOff()
    found = read_yaml(
        path,
        SignOff,
        "known: period, draft, outputs, inputs, approved_by, approved_on",
        text_keys=frozenset({"outputs", "inputs"}),  # hashes, digits or not, as written
    )
    for i, approval in enumerate(found.approvals if frequency else []):
        try:
            parse_period(approval.period, str(frequency))
        except PeriodError as exc:
            raise PeriodError(f"{path}: approvals[{i}].period: {exc}") from None
    return found
