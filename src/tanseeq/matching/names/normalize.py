"""Unicode and Arabic-orthography normalisation, and splitting a name into script-tagged tokens.

Every later step (particles, transliteration, comparison) works on the output of `raw_tokens`:
lower-case, diacritic-free Latin tokens and orthographically normalised Arabic tokens, each
tagged with its script. Other scripts are brought to Latin through ICU, so the rest of the
engine only ever sees two scripts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

Script = Literal["ar", "la"]

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks, and tatweel carry no letter
# identity: spellings with and without them are the same name.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")

# Hamza carriers and alef variants are written inconsistently across agencies and keyboards;
# Persian/Urdu letter shapes are the same letters as far as a name is concerned.
_ARABIC_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ۍ": "ي",
        "ة": "ه",
        "ۃ": "ه",
        "ہ": "ه",
        "ە": "ه",
        "ھ": "ه",
        "ک": "ك",
        "ڪ": "ك",
        "ٹ": "ت",
        "ڈ": "د",
        "ڑ": "ر",
        "ں": "ن",
        "ۀ": "ه",
    }
)

_ARABIC_RANGE = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Apostrophes and ayn/hamza signs inside Latin transliterations ("Ba'athi", "Abd'Allah",
# "ʿAbd") are left out by most writers: dropping them everywhere keeps one spelling.
_APOSTROPHES = re.compile("['’‘`´ʿʾʻʼ]")
_SEPARATORS = re.compile(r"[\s\-_.,;:/\\()\[\]{}\"|+&*#!?<>=~0-9]+")


@dataclass(frozen=True, slots=True)
class RawToken:
    """One token of a name after normalisation, before particles are resolved."""

    text: str  # normalised text: Arabic letters, or lower-case ASCII Latin
    script: Script
    surface: str  # the token as written in the input, for explanations
    hyphen_next: bool = False  # the writer attached it to the next token with a hyphen


@lru_cache(maxsize=1)
def _icu_to_latin() -> Any:
    import icu

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def normalize_arabic(text: str) -> str:
    """Normalise Arabic orthography: marks, tatweel, hamza/alef forms, ta marbuta, alef maqsura."""
    text = _ARABIC_MARKS.sub("", text)
    text = text.translate(_ARABIC_LETTERS)
    # Hamza on its own line is dropped by many writers ("مسؤول" / "مسئول" / "مسول").
    return text.replace("ء", "")


def normalize_latin(text: str) -> str:
    """Case-fold and strip diacritics; non-Latin letters go through ICU transliteration."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Letters without a decomposition (ß, ø, æ, ł, đ) and other scripts (Cyrillic, Greek, CJK).
    if not stripped.isascii():
        stripped = str(_icu_to_latin().transliterate(stripped)).lower()
        stripped = _APOSTROPHES.sub("", stripped)
    return "".join(c for c in stripped if "a" <= c <= "z")


def starts_with_hamza(written: str) -> bool:
    """Whether an Arabic token as written starts with a hamza-carrying alef (أ إ آ)."""
    letters = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", written))
    return letters[:1] in ("أ", "إ", "آ")


def is_arabic(text: str) -> bool:
    return _ARABIC_RANGE.search(text) is not None


def raw_tokens(name: str) -> list[RawToken]:
    """Split a full name into normalised tokens tagged with their script."""
    text = unicodedata.normalize("NFKC", name)
    out: list[RawToken] = []
    # Hyphens matter for particles ("al-Qadir", "Nasr-eddine"), so note them while splitting.
    pieces = re.split(r"(\s+|-)", text)
    pending_hyphen = False
    for piece in pieces:
        if piece == "-":
            pending_hyphen = True
            continue
        if not piece or piece.isspace():
            pending_hyphen = False
            continue
        for sub in _SEPARATORS.split(piece):
            if not sub:
                continue
            if pending_hyphen and out:
                prev = out[-1]
                out[-1] = RawToken(prev.text, prev.script, prev.surface, hyphen_next=True)
            pending_hyphen = False
            if is_arabic(sub):
                norm = normalize_arabic(sub)
                norm = "".join(c for c in norm if _ARABIC_RANGE.match(c) and c.isalpha())
                if norm:
                    out.append(RawToken(norm, "ar", sub))
            else:
                norm = normalize_latin(sub)
                if norm:
                    out.append(RawToken(norm, "la", sub))
    return out
