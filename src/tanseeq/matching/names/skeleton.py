"""The common key space of both scripts: consonant classes plus the long vowels Arabic writes.

Arabic writes consonants and long vowels; Latin transliterations add short vowels, disagree on
long ones (ou/u/oo, y/i/e) and on letters Arabic distinguishes but Latin does not (ح/ه, س/ص,
ت/ط, ك/ق). So both scripts are reduced to the classes that survive transliteration:

    b t j h x d r s S f k l m n      (S = sh/ch/tch, x = kh, j = j/dj/g/gh, s = s/z)
    a u i                            (ا/ع, و, ي: long vowels, initial alef or ayn, w, y)

A token's *form* keeps the vowel classes; its *skeleton* drops them and is what blocking keys are
made of. Doubled letters collapse, a final h is dropped (ta marbuta, "Fatimah" / "فاطمة").
s and z are one class, and so are "tS" and "S": measured on the Wikidata pairs, they are the
commonest cross-script slips ("Caselli" / كازيلي, "Charles" / تشارلز vs "Chadli" / شاذلي). The
vowels keep apart names whose consonants coincide: Ahmed "ahmd", Hamid "hamd", Mohamed "mhmd".
"""

from __future__ import annotations

import re

ARABIC_CLASSES: dict[str, str] = {
    "ا": "a",
    "ع": "a",
    "و": "u",
    "ي": "i",
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
    "ز": "s",
    "ظ": "s",
    "ژ": "s",
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
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
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
    ("z", "s"),
    ("s", "s"),
    ("f", "f"),
    ("v", "f"),
    ("q", "k"),
    ("k", "k"),
    ("c", "k"),
    ("l", "l"),
    ("m", "m"),
    ("n", "n"),
    ("u", "u"),
    ("w", "u"),
    ("i", "i"),
    ("y", "i"),
    ("a", ""),
    ("e", ""),
    ("o", ""),
]
_LATIN_RULE_RE = re.compile("|".join(re.escape(src) for src, _ in _LATIN_RULES))
_LATIN_RULE_MAP = dict(_LATIN_RULES)
_DOUBLES = re.compile(r"(.)\1+")
_VOWELS = str.maketrans("", "", "aui")


def finish(classes: str) -> str:
    """Collapse doubled classes and drop a final h."""
    classes = _DOUBLES.sub(r"\1", classes.replace("tS", "S"))
    if len(classes) > 1 and classes.endswith("h"):
        classes = classes[:-1]
    return classes


def consonants(form: str) -> str:
    """The skeleton of a form: its consonant classes, doubled ones collapsed."""
    return _DOUBLES.sub(r"\1", form.translate(_VOWELS))


def arabic_skeleton(text: str) -> str:
    return finish("".join(ARABIC_CLASSES.get(c, "") for c in text))


def latin_rule_classes(text: str) -> str:
    """Classes of a Latin token by the seed rules, before `finish`."""
    return "".join(_LATIN_RULE_MAP[m.group(0)] for m in _LATIN_RULE_RE.finditer(text))


def latin_rule_skeleton(text: str) -> str:
    return finish(latin_rule_classes(text))
