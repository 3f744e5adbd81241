"""Controlled vocabularies: crime areas (what agreements are scoped by) and notice languages."""

from __future__ import annotations

from tanseeq.domain.types import Category

CRIME_AREAS: frozenset[str] = frozenset(
    {
        "terrorism",
        "organised_crime",
        "drug_trafficking",
        "trafficking_in_persons",
        "migrant_smuggling",
        "firearms",
        "cybercrime",
        "fraud",
        "financial_crime",
        "corruption",
        "violent_crime",
        "child_sexual_exploitation",
        "environmental_crime",
        "cultural_property",
        "vehicle_crime",
        "maritime_crime",
        "fugitives",
        "missing_persons",
        "other",
    }
)

# The six working languages users of the hub write notices in; more can be added freely.
LANGUAGES: frozenset[str] = frozenset({"ar", "en", "fr", "es", "pt", "de"})

# FollowTheMoney schema → data category. Schemata are matched by inheritance, first hit wins.
SCHEMA_CATEGORIES: tuple[tuple[str, Category], ...] = (
    ("Person", Category.PERSON),
    ("Identification", Category.DOCUMENT),
    ("Vehicle", Category.VEHICLE),
    ("CryptoWallet", Category.CYBER),
    ("UserAccount", Category.CYBER),
    ("Address", Category.ADDRESS),
    ("Organization", Category.ORGANISATION),
    ("LegalEntity", Category.ORGANISATION),
)
