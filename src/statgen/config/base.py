"""The base of every config model (strict: unknown keys are errors, values frozen, field
docstrings are the reference) and the slug pattern."""

from __future__ import annotations

from pydantic import (
    BaseModel,
    ConfigDict,
)

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class Strict(BaseModel):
    """Base for config models: unknown keys are errors; field docstrings are the reference."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)
