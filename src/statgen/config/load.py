"""Reading publication.yaml (and other YAML config) into the strict models: every error names
the file and the key, with hints for YAML surprises."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import (
    BaseModel,
    ValidationError,
)

from statgen.config.base import SLUG
from statgen.config.publication import Publication
from statgen.errors import ConfigError, SlugError


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


M = TypeVar("M", bound=BaseModel)


TEXT_EXPECTED = {"string_type", "enum", "literal_error"}


KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _cut_at_comma(loc: tuple[int | str, ...]) -> str | None:
    """The hint for a "key" that is really the rest of a value split at a comma: inside
    ``{...}`` or ``[...]`` YAML reads ``title: Rate per 1,000 prisoners`` as two items."""
    key = loc[-1] if loc else None
    if not isinstance(key, str) or KEY.match(key):
        return None
    return (
        f"{key!r} is not a key: it looks like the rest of a value cut off at a comma (inside "
        "{...} or [...] YAML reads a comma as the end of the value). Put the value in quotes, "
        'e.g. title: "Incidents per 1,000 prisoners"'
    )


def _not_text(value: bool | int | float) -> str | None:
    """The hint for text that YAML read as a boolean or a number (Yes, No, 1,000 written
    plainly, 2024 as a category)."""
    kind = "true/false" if isinstance(value, bool) else "a number"
    return (
        f"YAML read this as {kind} ({value!r}), not text; put it in quotes to keep it as "
        'written (e.g. "Yes", "2024")'
    )


class _UniqueKeys(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML's safe loader, refusing a key written twice in one mapping (plain YAML keeps the
    last silently: a second ``2026Q3:`` in a calendar, or a column declared twice)."""

    text_keys: frozenset[str] = frozenset()
    """Keys whose plain values are kept as written (see :func:`read_yaml`)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.value in self.text_keys
                and isinstance(value_node, yaml.ScalarNode)
                and value_node.tag != "tag:yaml.org,2002:null"
            ):
                value_node.tag = "tag:yaml.org,2002:str"
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, list | dict):
                continue  # unhashable keys: left to the model's own error
            if key in seen:
                raise ConfigError(
                    f"{self.name}: line {line}: the key {key!r} is written twice in the same "
                    f"mapping (first on line {seen[key]}); YAML would keep only the last, so "
                    "remove or merge one of them"
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _timestamp(loader: _UniqueKeys, node: yaml.ScalarNode) -> object:
    """A YAML date or timestamp; one that does not exist (2026-13-01, 2026-02-30) is an error
    naming the file and line, not Python's own."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise ConfigError(
            f"{loader.name}: line {node.start_mark.line + 1}: {node.value!r} is not a date "
            f"({exc}); write a date that exists as YYYY-MM-DD"
        ) from None


_UniqueKeys.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_yaml(
    path: Path, model: type[M], unknown_hint: str, text_keys: frozenset[str] = frozenset()
) -> M:
    """Read a YAML file into a strict model; every error names the file and the key.

    The values of ``text_keys`` are read as the text written, whatever it looks like: a short
    hash such as ``outputs: 69310422`` or ``01234567`` is digits to YAML, which would read it
    as a number (and the second as octal, changing its digits)."""
    try:
        loader = _UniqueKeys(path.read_text(encoding="utf-8"))
        loader.name = str(path)
        loader.text_keys = text_keys
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start + 1:,} cannot be read); save it as UTF-8"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = _cut_at_comma(err["loc"]) or f"unknown key ({unknown_hint})"
            elif err["type"] in TEXT_EXPECTED and isinstance(err["input"], bool | int | float):
                msg = _not_text(err["input"]) or msg
            # Model-level checks name their own key in the message.
            where = f"{_location(err['loc'])}: " if err["loc"] else ""
            lines.append(f"{path}: {where}{msg}")
        raise ConfigError("\n".join(lines)) from None


def load_publication(folder: Path) -> Publication:
    """Read and check ``<folder>/publication.yaml``; errors name the file and the key."""
    path = folder / "publication.yaml"
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; a publication folder needs a publication.yaml")
    publication = read_yaml(path, Publication, "check its spelling against docs/config.md")
    if publication.slug != folder.name:
        raise ConfigError(
            f"{path}: slug: {publication.slug!r} must match the folder name {folder.name!r}"
        )
    commentary = (folder / publication.commentary).resolve()
    if not commentary.is_relative_to(folder.resolve()):
        raise ConfigError(
            f"{path}: commentary: {publication.commentary!r} leads outside the publication folder "
            f"{folder} (through a link); name a file inside it"
        )
    publication._folder = folder
    return publication


def discover(root: Path) -> list[Path]:
    """Publication folders under ``<root>/publications``, sorted by name."""
    base = root / "publications"
    return sorted(p.parent for p in base.glob("*/publication.yaml"))


def is_slug(text: str) -> bool:
    """Whether ``text`` is a valid publication slug."""
    return re.match(SLUG, text) is not None


def check_slug(text: str) -> str:
    """``text`` when it is a publication slug (a name, never a path); else a ConfigError."""
    if not is_slug(text):
        raise SlugError(
            f"{text!r} is not a publication slug: a slug is a name made of lower-case letters, "
            "digits and hyphens (such as legal-aid-statistics), never a path"
        )
    return text
