"""Source extracts: find each file, read it, and validate it against the publication's schema.

:mod:`statgen.extracts.files` finds and reads the raw files; :mod:`statgen.extracts.validate`
types and checks one, listing every problem; :mod:`statgen.extracts.load` does it for every
extract of a publication; :mod:`statgen.extracts.sample` writes the seeded
sample extracts a publication ships for tests and drafts.
"""

from statgen.extracts.files import ExtractFile, find
from statgen.extracts.load import load, newest_date
from statgen.extracts.validate import validate

__all__ = ["ExtractFile", "find", "load", "newest_date", "validate"]
