"""How long data is kept before its owner must review it: years per record category or notice
kind, falling back to the node's default (settings ``review_years``, ``review_years_by_*``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date


def years_for(default: int, overrides: Mapping[str, int], key: str | None) -> int:
    return overrides.get(key, default) if key is not None else default


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
