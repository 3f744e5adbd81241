"""Name particles: articles, patronymic connectors and the compounds Arabic names are built from.

The aim is one canonical token sequence for every way of writing the same name:

- articles (al-, el-, ال, and the assimilated ad-/ash-/er-... forms) are dropped, attached or not;
- connectors ben/bin/ibn/بن/ابن, bint/بنت, ould/ولد are dropped: they say "son of", not who;
- abd/abdel/abdul/عبد and abu/abou/bou/أبو are joined to the name they govern, so that
  "Abdelkader", "Abd al-Qadir" and "عبد القادر" all become one token;
- "-eddine"/"ud-din"/"الدين" is joined to the name before it ("Nasreddine" = "نصر الدين").

Joined tokens are concatenations in their own script; since the comparison key drops vowels and
doubled letters, "abd"+"qadir" and "abdelkader" end up with the same consonant skeleton.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tanseeq.matching.names.normalize import (
    RawToken,
    Script,
    normalize_arabic,
    normalize_latin,
    starts_with_hamza,
)

_LATIN_ARTICLES = frozenset({"al", "el", "ul", "il", "l"})
# Sun-letter assimilated articles are ordinary words in other languages ("as", "an", "at", "en",
# "es"), so they count as articles only when hyphen-attached or before "din".
_LATIN_SUN_ARTICLES = frozenset(
    {
        "ad",
        "ed",
        "ud",
        "as",
        "es",
        "us",
        "ash",
        "esh",
        "ech",
        "ach",
        "at",
        "et",
        "ut",
        "ath",
        "az",
        "ez",
        "ar",
        "er",
        "ur",
        "an",
        "en",
        "un",
        "adh",
        "ett",
        "ess",
    }
)
_LATIN_CONNECTORS = frozenset(
    {"ben", "bin", "ibn", "ibnu", "bint", "bent", "ould", "ouled", "wuld"}
)
_LATIN_ABD = frozenset(
    {
        "abd",
        "abdel",
        "abdul",
        "abdal",
        "abdoul",
        "abdol",
        "abdu",
        "abdil",
        "abdoel",
        "abdur",
        "abder",
        "abdes",
        "abdus",
        "abdell",
    }
)
_LATIN_ABU = frozenset({"abu", "abou", "abo", "bou", "abul", "aboul", "abi"})
_LATIN_DIN = frozenset(
    {
        "din",
        "dine",
        "deen",
        "dinne",
        "ddine",
        "ddin",
        "eddine",
        "eddin",
        "uddin",
        "addin",
        "eddyn",
        "uddeen",
    }
)

_ARABIC_ARTICLE = "ال"
_ARABIC_CONNECTORS = frozenset({"بن", "ابن", "بنت", "ولد", "ابنه"})
_ARABIC_ABD = "عبد"
_ARABIC_ABU = frozenset({"ابو", "ابا", "ابي"})
_ARABIC_DIN = "دين"

# "Abdelkader", "Abdulaziz", "Abderrahmane": abd + the article's vowel (and its l, if written).
_LATIN_ABD_PREFIX = re.compile(r"^abd(?:[aeiou]{1,2}l|[aeiou]{1,2}(?=[^aeiou]))?")
# "Nasreddine", "Noureddine", "Nourdine", "Salahuddin": the name before "din", without the
# article's vowel.
_LATIN_DIN_SUFFIX = re.compile(r"^(?P<stem>[a-z]{2,}?)[aeiou]?(?:ddine|ddin|ddeen|dine|deen)$")
# A common abbreviation of the most common given name ("Mohd", "Md", "Muhd").
_LATIN_ALIASES = {
    "mohd": "mohammed",
    "md": "mohammed",
    "muhd": "mohammed",
    "mhd": "mohammed",
    "mohd.": "mohammed",
}


@dataclass(frozen=True, slots=True)
class CanonToken:
    """One canonical name token: its normalised text in its script, and how it was written."""

    text: str
    script: Script
    surface: str
    # The token with an attached article kept ("albert" for "bert"), when one was split off:
    # "Albert" and "ألبرت" (whose hamza keeps the article) must still find each other.
    unstripped: str = ""


def strip_arabic_article(text: str, written: str = "") -> str:
    """Drop a leading ال from normalised `text`; `written` is the token as written, if known."""
    # At least three letters must remain: "الان" is Alan, "الدو" Aldo, not an article. A hamza
    # on the alef ("إلياس", "أليسيو") says it is not the article either.
    if text.startswith(_ARABIC_ARTICLE) and len(text) >= 5 and not starts_with_hamza(written):
        return text[2:]
    return text


def strip_latin_attached_article(text: str) -> str:
    # "Elhassani", "Alkhatib": an attached article is split off only before a consonant and a
    # long enough rest, so "Ali", "Elena", "Alexandre" keep their letters. A wrong strip
    # ("Albert", whose Arabic ألبرت keeps its hamza-written "al") is caught by the unstripped
    # reading every stripped token keeps (CanonToken.unstripped).
    if len(text) >= 6 and text[:2] in ("al", "el") and text[2] not in "aeiouy":
        return text[2:]
    return text


def _split_attached(token: RawToken) -> list[RawToken]:
    """Split compounds written as one word into the parts `canonical_tokens` joins again."""
    text = token.text
    if token.script == "ar":
        if text.startswith(_ARABIC_ABD) and len(text) >= 5:
            rest = strip_arabic_article(text[3:])
            return [RawToken(_ARABIC_ABD, "ar", token.surface), RawToken(rest, "ar", "")]
        if text.endswith("الدين") and len(text) >= 7:
            return [RawToken(text[:-5], "ar", token.surface), RawToken(_ARABIC_DIN, "ar", "")]
        return [RawToken(strip_arabic_article(text, token.surface), "ar", token.surface)]
    text = _LATIN_ALIASES.get(text, text)
    match = _LATIN_ABD_PREFIX.match(text)
    if match and text not in _LATIN_ABD and len(text) - match.end() >= 2:
        return [RawToken("abd", "la", token.surface), RawToken(text[match.end() :], "la", "")]
    din = _LATIN_DIN_SUFFIX.match(text)
    if din and text not in _LATIN_DIN:
        return [RawToken(din.group("stem"), "la", token.surface), RawToken("din", "la", "")]
    return [RawToken(strip_latin_attached_article(text), "la", token.surface, token.hyphen_next)]


def _unstripped(token: RawToken) -> str:
    # The written token, when the only change made to it was an attached article split off.
    if token.script == "ar":
        written = normalize_arabic(token.surface)
        return written if written == _ARABIC_ARTICLE + token.text else ""
    written = normalize_latin(token.surface)
    return written if written[2:] == token.text and written[:2] in ("al", "el") else ""


def _is_article(token: RawToken, following: RawToken | None) -> bool:
    if following is None:
        return False
    if token.script == "ar":
        return token.text == _ARABIC_ARTICLE
    if token.text in _LATIN_ARTICLES:
        return True
    if token.text in _LATIN_SUN_ARTICLES:
        return token.hyphen_next or following.text in _LATIN_DIN
    return False


def canonical_tokens(raw: list[RawToken]) -> list[CanonToken]:
    """Resolve particles and compounds into the canonical token sequence of one name."""
    parts: list[RawToken] = []
    for token in raw:
        parts.extend(_split_attached(token))

    out: list[CanonToken] = []
    pending_prefix: RawToken | None = None  # an abd/abu waiting for the name it governs
    pending_surface = ""
    for i, token in enumerate(parts):
        following = parts[i + 1] if i + 1 < len(parts) else None
        surface = token.surface
        if _is_article(token, following):
            pending_surface = f"{pending_surface} {surface}".strip()
            continue
        text = token.text
        if token.script == "ar":
            is_connector = text in _ARABIC_CONNECTORS
            is_prefix = text == _ARABIC_ABD or text in _ARABIC_ABU
            is_din = text == _ARABIC_DIN
        else:
            is_connector = text in _LATIN_CONNECTORS
            is_prefix = text in _LATIN_ABD or text in _LATIN_ABU
            is_din = text in _LATIN_DIN
        if is_connector and following is not None and out:
            continue
        if is_prefix and following is not None:
            canon = "abd" if token.script == "la" and text in _LATIN_ABD else text
            if token.script == "la" and text in _LATIN_ABU:
                canon = "abu"
            pending_prefix = RawToken(canon, token.script, f"{pending_surface} {surface}".strip())
            pending_surface = ""
            continue
        surface = f"{pending_surface} {surface}".strip()
        pending_surface = ""
        if pending_prefix is not None:
            text = pending_prefix.text + text
            surface = f"{pending_prefix.surface} {surface}".strip()
            pending_prefix = None
            out.append(CanonToken(text, token.script, surface))
            continue
        if is_din and out and out[-1].script == token.script:
            prev = out[-1]
            out[-1] = CanonToken(
                prev.text + "din" if token.script == "la" else prev.text + text,
                prev.script,
                f"{prev.surface} {surface}".strip(),
            )
            continue
        out.append(CanonToken(text, token.script, surface, _unstripped(token)))
    if pending_prefix is not None:
        out.append(CanonToken(pending_prefix.text, pending_prefix.script, pending_prefix.surface))
    return out
