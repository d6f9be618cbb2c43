"""A publication's configuration: strict models of ``publication.yaml`` and how it is read."""

from statgen.config.base import SLUG, Strict
from statgen.config.extracts import Column, Extract, Query, Reference
from statgen.config.load import check_slug, discover, is_slug, load_publication, read_yaml
from statgen.config.publication import Checks, Contact, Publication, Reconcile, Revisions
from statgen.config.tables import Chart, Disclosure, Measure, Note, Table

__all__ = [
    "SLUG",
    "Chart",
    "Checks",
    "Column",
    "Contact",
    "Disclosure",
    "Extract",
    "Measure",
    "Note",
    "Publication",
    "Query",
    "Reconcile",
    "Reference",
    "Revisions",
    "Strict",
    "Table",
    "discover",
    "check_slug",
    "is_slug",
    "load_publication",
    "read_yaml",
]
