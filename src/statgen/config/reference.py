"""Generate docs/config.md, the publication.yaml reference, from the config models' docstrings.

The field docstrings of the models in config/ are the single source; a test fails when
docs/config.md is out of date (run ``make docs``).
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from statgen import config

MODELS: list[type[BaseModel]] = [
    config.Publication,
    config.Contact,
    config.Extract,
    config.Column,
    config.Reference,
    config.Query,
    config.Note,
    config.Table,
    config.Measure,
    config.Chart,
    config.Disclosure,
    config.Revisions,
    config.Checks,
    config.Reconcile,
]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " or ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None)) + " (optional)"
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (list, dict):
        return f"{origin.__name__}[{', '.join(_type_name(a) for a in args)}]"
    return getattr(annotation, "__name__", str(annotation))


def field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """The docstring under each field of ``model`` or the models it inherits from (Pydantic's
    own reader, as ``use_attribute_docstrings`` would run it when the model is made)."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            found.update(extract_docstrings_from_cls(cls, use_inspect=True))
    return found


def markdown() -> str:
    """The reference as Markdown."""
    lines = [
        "# publication.yaml reference",
        "",
        "Generated from the models in `src/statgen/config/` by `make docs`; do not edit by hand.",
        "Unknown keys are errors. Each publication lives in `publications/<slug>/`.",
        "",
    ]
    for model in MODELS:
        lines += [f"## {model.__name__}", "", (model.__doc__ or "").strip(), ""]
        lines += ["| key | type | default | meaning |", "|---|---|---|---|"]
        docstrings = field_docstrings(model)
        for name, field in model.model_fields.items():
            default = "required" if field.is_required() else f"`{field.default!r}`"
            meaning = field.description or docstrings.get(name, "")
            text = " ".join(meaning.split()).replace("|", "\\|")
            lines.append(f"| `{name}` | {_type_name(field.annotation)} | {default} | {text} |")
        lines.append("")
    return "\n".join(lines)
