"""FollowTheMoney entities as records: validation with field-level errors, categories, captions.

The entity model is FtM's (data, not code); this module only applies it strictly: an unknown
schema or property, or a value FtM cannot clean (a bad date, country, e-mail, …), is an error
naming the field, never a silently dropped value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from followthemoney import model
from followthemoney.schema import Schema
from followthemoney.types import registry

from tanseeq.domain.types import Category
from tanseeq.domain.vocab import SCHEMA_CATEGORIES
from tanseeq.errors import FieldError, Invalid

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MAX_VALUES = 200  # values per property: more is a malformed file, not a person with 200 names


@dataclass(frozen=True)
class CleanEntity:
    schema: Schema
    properties: dict[str, list[str]]
    refs: list[tuple[str, str, str]]  # (property, target id, loc) for entity-valued properties

    @property
    def caption(self) -> str:
        proxy = model.make_entity(self.schema.name)
        proxy.id = "caption"
        for prop, values in self.properties.items():
            if self.schema.get(prop).type != registry.entity:  # type: ignore[union-attr]
                proxy.add(prop, values, cleaned=True)
        return str(proxy.caption)[:500]

    @property
    def search_text(self) -> str:
        matchable = {registry.name, registry.identifier, registry.phone, registry.email}
        parts = [
            v
            for prop, values in self.properties.items()
            if self.schema.get(prop).type in matchable  # type: ignore[union-attr]
            for v in values
        ]
        return " | ".join(parts).casefold()


def category_of(schema: Schema) -> Category:
    if schema.edge:
        return Category.LINK
    for name, category in SCHEMA_CATEGORIES:
        if schema.is_a(name):
            return category
    return Category.OTHER


def get_schema(name: object, loc: str = "schema") -> Schema:
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None or schema.abstract:
        raise Invalid(
            f"{loc}: unknown schema {name!r}", [FieldError(loc, f"unknown schema {name!r}")]
        )
    return schema


def clean_entity(
    schema_name: object, properties: Mapping[str, Sequence[str] | str], loc: str = "properties"
) -> CleanEntity:
    schema = get_schema(schema_name)
    errors: list[FieldError] = []
    cleaned: dict[str, list[str]] = {}
    refs: list[tuple[str, str, str]] = []
    if not isinstance(properties, Mapping):
        raise Invalid(f"{loc}: must be an object", [FieldError(loc, "must be an object")])
    for name, raw in properties.items():
        prop = schema.get(name)
        if prop is None or prop.stub:
            errors.append(FieldError(f"{loc}.{name}", f"{schema.name} has no property {name!r}"))
            continue
        values = [raw] if isinstance(raw, str) else raw
        if not isinstance(values, Sequence) or len(values) > MAX_VALUES:
            errors.append(FieldError(f"{loc}.{name}", f"a list of at most {MAX_VALUES} strings"))
            continue
        out: list[str] = []
        for i, value in enumerate(values):
            where = f"{loc}.{name}[{i}]"
            if not isinstance(value, str):
                errors.append(FieldError(where, "must be a string"))
                continue
            if _UNSTORABLE.search(value):
                # PostgreSQL cannot store NUL and no encoder writes a lone surrogate: refused
                # here so that files and the API fail alike, with the field named.
                errors.append(FieldError(where, "contains a NUL or an unpaired surrogate"))
                continue
            clean = prop.type.clean(value, proxy=None) if value.strip() else None
            if clean is None:
                errors.append(FieldError(where, f"not a valid {prop.type.name}: {value[:80]!r}"))
                continue
            if prop.type == registry.entity:
                refs.append((name, clean, where))
            if clean not in out:
                out.append(clean)
        if out:
            cleaned[name] = out
    for name in schema.required:
        if name not in cleaned and not any(e.loc.startswith(f"{loc}.{name}") for e in errors):
            errors.append(FieldError(f"{loc}.{name}", f"required for {schema.name}"))
    if not cleaned and not errors:
        errors.append(FieldError(loc, "at least one property is required"))
    if errors:
        raise Invalid(f"{errors[0].loc}: {errors[0].msg}", errors)
    return CleanEntity(schema=schema, properties=cleaned, refs=refs)
