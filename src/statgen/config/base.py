"""The base of every config model (strict: unknown keys are errors, values frozen, field
docstrings are the reference) and the slug pattern.

The field docstrings are read by :mod:`statgen.config.reference` (``make docs``) only, not by
Pydantic as each model is made (``use_attribute_docstrings``): that reads the source of every
model again, a twentieth of a second of every command's start-up.
"""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
)

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    """Base for config models: unknown keys are errors; field docstrings are the reference."""

    model_config = ConfigDict(extra="forbid", frozen=True)
