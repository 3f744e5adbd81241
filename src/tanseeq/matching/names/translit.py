"""Tokens of either script into the common skeleton key space (see skeleton.py)."""

from __future__ import annotations

from functools import lru_cache

from tanseeq.matching.names.normalize import Script
from tanseeq.matching.names.skeleton import arabic_skeleton, latin_rule_skeleton


@lru_cache(maxsize=65536)
def token_skeleton(text: str, script: Script) -> str:
    if script == "ar":
        return arabic_skeleton(text)
    return latin_rule_skeleton(text)
