"""The one spelling of a username: NFKC, stripped, case-folded. Users are stored under it and
login throttling counts under it, so ``Amina``, `` amina`` and ``ＡＭＩＮＡ`` are one person."""

from __future__ import annotations

import unicodedata


def normalise_username(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()
