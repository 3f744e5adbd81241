"""The common key space of both scripts: a consonant skeleton over a small phonetic alphabet.

Arabic writes consonants and long vowels; Latin transliterations add short vowels, disagree on
long ones (ou/u/oo, y/i/e) and on letters Arabic distinguishes but Latin does not (ح/ه, س/ص,
ت/ط, ك/ق). So both scripts are reduced to consonant classes that survive transliteration:

    b t j h x d r s S f k l m n      (S = sh/ch/tch, x = kh, j = j/dj/g/gh, s = s/z)

vowels, semi-vowels (و ي / w y), alef, ayn and hamza are dropped, doubled letters collapse, and
a final h is dropped (ta marbuta, "Fatimah" / "Fatima" / "فاطمة"). s and z are one class, and
so are "tS" and "S": measured on the Wikidata pairs, they are the commonest cross-script slips
(Western names: "Caselli" / كازيلي, "Charles" / تشارلز vs French "Chadli" / شاذلي).
"""

from __future__ import annotations

import re

ARABIC_CLASSES: dict[str, str] = {
    "ب": "b",
    "پ": "b",
    "ت": "t",
    "ط": "t",
    "ث": "t",
    "ج": "j",
    "غ": "j",
    "گ": "j",
    "ڨ": "j",
    "ح": "h",
    "ه": "h",
    "خ": "x",
    "د": "d",
    "ذ": "d",
    "ض": "d",
    "ر": "r",
    "ز": "z",
    "ظ": "z",
    "ژ": "z",
    "س": "s",
    "ص": "s",
    "ش": "S",
    "چ": "S",
    "ف": "f",
    "ڤ": "f",
    "ق": "k",
    "ك": "k",
    "ل": "l",
    "م": "m",
    "ن": "n",
}

# Seed rules for Latin spellings (French, English and academic conventions). The learned model
# in translit.py replaces them where the data says otherwise; they remain the fallback.
_LATIN_RULES: list[tuple[str, str]] = [
    ("tch", "S"),
    ("sch", "S"),
    ("sh", "S"),
    ("ch", "S"),
    ("kh", "x"),
    ("gh", "j"),
    ("dj", "j"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "k"),
    ("ce", "s"),
    ("ci", "s"),
    ("cy", "s"),
    ("x", "ks"),
    ("b", "b"),
    ("p", "b"),
    ("t", "t"),
    ("j", "j"),
    ("g", "j"),
    ("h", "h"),
    ("d", "d"),
    ("r", "r"),
    ("z", "z"),
    ("s", "s"),
    ("f", "f"),
    ("v", "f"),
    ("q", "k"),
    ("k", "k"),
    ("c", "k"),
    ("l", "l"),
    ("m", "m"),
    ("n", "n"),
]
_LATIN_RULE_RE = re.compile("|".join(re.escape(src) for src, _ in _LATIN_RULES))
_LATIN_RULE_MAP = dict(_LATIN_RULES)
_DOUBLES = re.compile(r"(.)\1+")


def finish(classes: str) -> str:
    """Collapse doubled classes and drop a final h."""
    classes = _DOUBLES.sub(r"\1", classes.replace("tS", "S"))
    if len(classes) > 1 and classes.endswith("h"):
        classes = classes[:-1]
    return classes


def arabic_skeleton(text: str) -> str:
    return finish("".join(ARABIC_CLASSES.get(c, "") for c in text))


def latin_rule_classes(text: str) -> str:
    """Consonant classes of a Latin token by the seed rules, before `finish`."""
    return "".join(_LATIN_RULE_MAP[m.group(0)] for m in _LATIN_RULE_RE.finditer(text))


def latin_rule_skeleton(text: str) -> str:
    return finish(latin_rule_classes(text))
