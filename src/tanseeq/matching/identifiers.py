"""Normalise and validate the identifiers officers screen on.

Every kind has a ``normalize_*`` function that returns the canonical written form, or raises
:class:`IdentifierError` naming what is wrong. The index keys on :func:`identifier_key`, which
can be looser than the display form (document numbers fold the letter O into the digit 0) so
that a number misread at a counter still finds the record.

Kinds: ``document``, ``mrz``, ``phone``, ``email``, ``wallet``, ``vin``, ``plate``.

MRZ parsing follows ICAO Doc 9303 (8th edition) parts 3-6: TD1 (3 x 30), TD2 (2 x 36) and
TD3 (2 x 44), with every check digit verified, including the long document number extension
of TD1/TD2 cards.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import phonenumbers
from followthemoney import registry

__all__ = [
    "IDENTIFIER_KINDS",
    "MRZ",
    "STRONG_KINDS",
    "Document",
    "IdentifierError",
    "MRZError",
    "document_key",
    "identifier_key",
    "mrz_check_digit",
    "normalize_country",
    "normalize_document",
    "normalize_email",
    "normalize_identifier",
    "normalize_phone",
    "normalize_plate",
    "normalize_vin",
    "normalize_wallet",
    "parse_document",
    "parse_mrz",
]

IDENTIFIER_KINDS = ("document", "mrz", "phone", "email", "wallet", "vin", "plate")
# Identifiers that designate one thing in the world: the same value is decisive on its own.
# Phones, e-mails and plates are shared, recycled or re-issued, so they only add weight.
STRONG_KINDS = frozenset({"document", "mrz", "wallet", "vin"})


class IdentifierError(ValueError):
    """An identifier that cannot be normalised; ``kind`` says which sort it was meant to be."""

    def __init__(self, kind: str, value: str, reason: str) -> None:
        super().__init__(f"invalid {kind} {value!r}: {reason}")
        self.kind = kind
        self.value = value
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in bulk and build worker processes: must unpickle with its own arguments.
        return (type(self), (self.kind, self.value, self.reason))


class MRZError(IdentifierError):
    """A machine readable zone that does not parse; ``field`` names the failing MRZ field."""

    def __init__(self, value: str, field: str, reason: str) -> None:
        super().__init__("mrz", value, f"{field}: {reason}")
        self.field = field
        self.field_reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.value, self.field, self.field_reason))


# Separators people type or print inside numbers; NFKC already folds full-width forms.
_SEPARATORS = re.compile(r"[\s\-‐-―_./\\:,;'\"()]+")
# Arabic-Indic and Eastern Arabic-Indic digits appear on plates and in Gulf documents.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _fold(value: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value).translate(_DIGITS)).upper()


# ---------------------------------------------------------------------------------------------
# Countries and documents

# ICAO codes that are not ISO 3166 alpha-3 (Doc 9303 part 3, section 5).
_ICAO_COUNTRIES = {
    "D": "de",
    "GBD": "gb",
    "GBN": "gb",
    "GBO": "gb",
    "GBP": "gb",
    "GBS": "gb",
    "RKS": "xk",
    "UNA": "un",
    "UNK": "un",
    "UNO": "un",
    "EUE": "eu",
    # Not countries, but printed in the nationality field; kept so they compare equal.
    "XXA": "xxa",  # stateless person
    "XXB": "xxb",  # refugee (1951 Convention)
    "XXC": "xxc",  # refugee (other)
    "XXX": "xxx",  # unspecified nationality
    "UTO": "uto",  # Utopia, the ICAO 9303 specimen state
}


@lru_cache(maxsize=4096)
def normalize_country(value: str) -> str | None:
    """ISO 3166 alpha-2 in lower case (FtM convention) from a code or name, ICAO codes included."""
    text = value.strip().strip("<").upper()
    if not text:
        return None
    if text in _ICAO_COUNTRIES:
        return _ICAO_COUNTRIES[text]
    cleaned = registry.country.clean(text)
    return cleaned if cleaned else None


def normalize_document(value: str) -> str:
    """Upper-case alphanumerics without separators: ``"l 898-902.c3"`` -> ``"L898902C3"``."""
    folded = _fold(value).replace("<", "")
    if not folded:
        raise IdentifierError("document", value, "empty")
    if not folded.isalnum():
        raise IdentifierError("document", value, "contains characters other than letters/digits")
    return folded


def document_key(value: str) -> str:
    """Matching key for a document number: the letter O and the digit 0 are read alike.

    OCR and hand copying confuse them constantly; folding both ways would also merge I/1 and
    S/5, which real number series do distinguish, so only O/0 is folded.
    """
    return normalize_document(value).replace("O", "0")


@dataclass(frozen=True, slots=True)
class Document:
    """A document number with its issuing country when known (``"fr:12AB34567"`` form)."""

    number: str
    country: str | None = None

    def __str__(self) -> str:
        return f"{self.country}:{self.number}" if self.country else self.number


_COUNTRY_PREFIX = re.compile(r"^\s*([A-Za-z]{1,3})\s*:\s*(.+)$")


def parse_document(value: str) -> Document:
    """Read ``"NUMBER"`` or ``"CC:NUMBER"`` (ISO2/ISO3/ICAO country prefix)."""
    match = _COUNTRY_PREFIX.match(value)
    if match:
        country = normalize_country(match.group(1))
        if country is None:
            raise IdentifierError("document", value, f"unknown country {match.group(1)!r}")
        return Document(normalize_document(match.group(2)), country)
    return Document(normalize_document(value))


# ---------------------------------------------------------------------------------------------
# ICAO 9303 machine readable zones

_MRZ_WEIGHTS = (7, 3, 1)


def _mrz_value(char: str) -> int:
    if char.isdigit():
        return ord(char) - 48
    if "A" <= char <= "Z":
        return ord(char) - 55
    if char == "<":
        return 0
    raise ValueError(f"character {char!r} is not allowed in an MRZ")


def mrz_check_digit(data: str) -> str:
    """ICAO 9303 part 3 check digit: weights 7-3-1, letters A=10..Z=35, filler ``<`` = 0."""
    total = sum(_mrz_value(c) * _MRZ_WEIGHTS[i % 3] for i, c in enumerate(data))
    return str(total % 10)


@dataclass(frozen=True, slots=True)
class MRZ:
    """The fields of a parsed machine readable zone; dates as ISO partial dates."""

    format: str  # TD1, TD2 or TD3
    document_code: str
    issuing_state: str  # ICAO code as printed
    document_number: str
    surname: str
    given_names: str
    nationality: str  # ICAO code as printed
    birth_date: str | None
    sex: str | None  # "male", "female" or None (FtM gender values)
    expiry_date: str | None
    optional_data: str

    @property
    def name(self) -> str:
        return f"{self.given_names} {self.surname}".strip()

    @property
    def document(self) -> Document:
        return Document(self.document_number, normalize_country(self.issuing_state))


_MRZ_LENGTHS = {3: {30: "TD1"}, 2: {36: "TD2", 44: "TD3"}}
_MRZ_CHARS = re.compile(r"^[A-Z0-9<]+$")


def _split_mrz(value: str) -> list[str]:
    # MRZ characters never include spaces, so any whitespace separates lines.
    lines = value.upper().split()
    widths = {len(line) for line in lines}
    if len(widths) != 1 or (len(lines), widths.pop()) not in ((3, 30), (2, 36), (2, 44)):
        # Pasted as one run, or broken oddly by OCR: cut by the known total lengths.
        flat = "".join(lines)
        for total, count, width in ((90, 3, 30), (72, 2, 36), (88, 2, 44)):
            if len(flat) == total:
                return [flat[i * width : (i + 1) * width] for i in range(count)]
    return lines


def _check(raw: str, field: str, data: str, digit: str, *, filler_ok: bool = False) -> None:
    if filler_ok and digit == "<" and set(data) <= {"<"}:
        return
    if not digit.isdigit():
        raise MRZError(raw, field, f"check digit {digit!r} is not a digit")
    expected = mrz_check_digit(data)
    if digit != expected:
        raise MRZError(raw, field, f"check digit is {digit}, computed {expected} for {data!r}")


def _mrz_date(raw: str, field: str, text: str, *, future: bool) -> str | None:
    """YYMMDD to an ISO (partial) date; unknown parts are written ``<<`` in 9303."""
    if set(text) <= {"<"}:
        return None
    yy, mm, dd = text[0:2], text[2:4], text[4:6]
    if not yy.isdigit():
        raise MRZError(raw, field, f"year {yy!r} is not numeric")
    today = date.today()
    year = 2000 + int(yy)
    # Births are in the past; expiries are at most a few decades ahead of today.
    if (not future and year > today.year) or (future and year > today.year + 50):
        year -= 100
    if mm == "<<":
        return f"{year:04d}"
    if not mm.isdigit() or not 1 <= int(mm) <= 12:
        raise MRZError(raw, field, f"month {mm!r} is not valid")
    if dd == "<<":
        return f"{year:04d}-{mm}"
    try:
        return date(year, int(mm), int(dd)).isoformat()
    except ValueError as exc:
        raise MRZError(raw, field, f"{text!r} is not a calendar date") from exc


def _mrz_sex(raw: str, char: str) -> str | None:
    if char == "M":
        return "male"
    if char == "F":
        return "female"
    if char in "<X":
        return None
    raise MRZError(raw, "sex", f"{char!r} is not M, F, X or <")


def _mrz_names(raw: str, text: str) -> tuple[str, str]:
    surname, _, given = text.rstrip("<").partition("<<")
    if not surname:
        raise MRZError(raw, "name", "primary identifier (surname) is empty")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _long_number(raw: str, head: str, digit: str, optional: str) -> tuple[str, str, str]:
    """TD1/TD2 numbers longer than 9 characters continue in the optional data (9303 part 5 note j).

    Returns the full number, the check digit and the remaining optional data.
    """
    if digit != "<":
        return head, digit, optional
    rest = optional.split("<", 1)[0]
    if len(rest) < 2:
        raise MRZError(raw, "document_number", "long number extension is missing")
    return head + rest[:-1], rest[-1], optional[len(rest) :]


def parse_mrz(value: str) -> MRZ:
    """Parse a TD1, TD2 or TD3 MRZ, verifying every check digit.

    Raises :class:`MRZError` whose ``field`` names the first failing field (``format``,
    ``document_number``, ``birth_date``, ``expiry_date``, ``optional_data``, ``composite``...).
    """
    lines = _split_mrz(value)
    width = len(lines[0]) if lines else 0
    fmt = _MRZ_LENGTHS.get(len(lines), {}).get(width)
    if fmt is None or any(len(line) != width for line in lines):
        shape = "x".join(str(len(line)) for line in lines) or "empty"
        raise MRZError(value, "format", f"lines {shape} are not TD1 3x30, TD2 2x36 or TD3 2x44")
    for line in lines:
        if not _MRZ_CHARS.match(line):
            raise MRZError(value, "format", "only A-Z, 0-9 and < are allowed")
    if fmt == "TD1":
        return _parse_td1(value, *lines)
    return _parse_td23(value, fmt, lines[0], lines[1])


def _parse_td1(raw: str, l1: str, l2: str, l3: str) -> MRZ:
    number, digit, optional1 = _long_number(raw, l1[5:14], l1[14], l1[15:30])
    _check(raw, "document_number", number, digit)
    _check(raw, "birth_date", l2[0:6], l2[6])
    _check(raw, "expiry_date", l2[8:14], l2[14])
    _check(raw, "composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])
    surname, given = _mrz_names(raw, l3)
    return MRZ(
        format="TD1",
        document_code=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5].rstrip("<"),
        document_number=number.replace("<", ""),
        surname=surname,
        given_names=given,
        nationality=l2[15:18].rstrip("<"),
        birth_date=_mrz_date(raw, "birth_date", l2[0:6], future=False),
        sex=_mrz_sex(raw, l2[7]),
        expiry_date=_mrz_date(raw, "expiry_date", l2[8:14], future=True),
        optional_data=(optional1 + l2[18:29]).strip("<"),
    )


def _parse_td23(raw: str, fmt: str, l1: str, l2: str) -> MRZ:
    if fmt == "TD3":
        number, digit, optional = l2[0:9], l2[9], l2[28:42]
        _check(raw, "document_number", number, digit)
        _check(raw, "optional_data", optional, l2[42], filler_ok=True)
        composite, composite_digit = l2[0:10] + l2[13:20] + l2[21:43], l2[43]
    else:
        number, digit, optional = _long_number(raw, l2[0:9], l2[9], l2[28:35])
        _check(raw, "document_number", number, digit)
        composite, composite_digit = l2[0:10] + l2[13:20] + l2[21:35], l2[35]
    _check(raw, "birth_date", l2[13:19], l2[19])
    _check(raw, "expiry_date", l2[21:27], l2[27])
    _check(raw, "composite", composite, composite_digit)
    surname, given = _mrz_names(raw, l1[5:])
    return MRZ(
        format=fmt,
        document_code=l1[0:2].rstrip("<"),
        issuing_state=l1[2:5].rstrip("<"),
        document_number=number.replace("<", ""),
        surname=surname,
        given_names=given,
        nationality=l2[10:13].rstrip("<"),
        birth_date=_mrz_date(raw, "birth_date", l2[13:19], future=False),
        sex=_mrz_sex(raw, l2[20]),
        expiry_date=_mrz_date(raw, "expiry_date", l2[21:27], future=True),
        optional_data=optional.strip("<"),
    )


# ---------------------------------------------------------------------------------------------
# Phones and e-mails


def normalize_phone(value: str, default_region: str | None = None) -> str:
    """E.164 (``+33123456789``); numbers without ``+`` need ``default_region`` (ISO2).

    Possible-number rules, not full validity: watchlists keep numbers from ranges that have
    since been re-planned, and a stale range must still be screenable.
    """
    region = default_region.upper() if default_region else None
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise IdentifierError("phone", value, str(exc)) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise IdentifierError("phone", value, "not a possible number for its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GMAIL = frozenset({"gmail.com", "googlemail.com"})


def normalize_email(value: str) -> str:
    """Lower case, IDNA domain; Gmail dots and ``+tags`` removed (they reach the same box).

    Other providers' local parts are kept apart from their ``+tag``, which most major
    providers route to the same mailbox as well.
    """
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = text.removeprefix("mailto:").strip("<>")
    if not _EMAIL.match(text):
        raise IdentifierError("email", value, "not of the form local@domain.tld")
    local, domain = text.rsplit("@", 1)
    try:
        domain = domain.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise IdentifierError("email", value, f"domain is not valid: {exc}") from exc
    local = local.split("+", 1)[0] or local
    if domain in _GMAIL:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


# ---------------------------------------------------------------------------------------------
# Crypto wallets

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3
_ETH = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _base58check_ok(text: str) -> bool:
    number = 0
    for char in text:
        number = number * 58 + _B58_INDEX[char]
    pad = len(text) - len(text.lstrip("1"))
    raw = b"\x00" * pad + number.to_bytes((number.bit_length() + 7) // 8, "big")
    if len(raw) < 5:
        return False
    payload, checksum = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == checksum


def _bech32_polymod(values: list[int]) -> int:
    # BIP-173 generator; written from the specification's definition of the BCH code.
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            if (top >> i) & 1:
                chk ^= generator[i]
    return chk


def _bech32_ok(text: str) -> bool:
    hrp, _, data = text.rpartition("1")
    if not hrp or len(data) < 6 or any(c not in _BECH32_INDEX for c in data):
        return False
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    values = expanded + [_BECH32_INDEX[c] for c in data]
    const = _bech32_polymod(values)
    witness_version = _BECH32_INDEX[data[0]]
    # Segwit v0 uses bech32, v1+ (taproot) bech32m (BIP-350).
    return const == (_BECH32_CONST if witness_version == 0 else _BECH32M_CONST)


def normalize_wallet(value: str) -> str:
    """Canonical crypto address; BTC checksums verified, ETH folded to lower case.

    Base58 addresses are case-sensitive and kept as written; bech32 must not mix cases and is
    written in lower case; ETH's EIP-55 mixed case is a checksum over the lower-case form, so
    the lower-case form identifies the account (the checksum itself needs Keccak, which the
    standard library lacks, and is not verified). Other chains are kept as written.
    """
    text = value.strip()
    if not text:
        raise IdentifierError("wallet", value, "empty")
    if _ETH.match(text):
        return text.lower()
    if text.lower().startswith(("bc1", "tb1")):
        if text != text.lower() and text != text.upper():
            raise IdentifierError("wallet", value, "bech32 address mixes upper and lower case")
        lowered = text.lower()
        if not _bech32_ok(lowered):
            raise IdentifierError("wallet", value, "bech32 checksum does not verify")
        return lowered
    if text[0] in "13" and 25 <= len(text) <= 35:
        if any(c not in _B58_INDEX for c in text):
            raise IdentifierError("wallet", value, "character outside the base58 alphabet")
        if not _base58check_ok(text):
            raise IdentifierError("wallet", value, "base58check checksum does not verify")
        return text
    if text.startswith("0x"):
        raise IdentifierError("wallet", value, "0x address must be 40 hexadecimal digits")
    if not text.isalnum() or not 20 <= len(text) <= 120:
        raise IdentifierError("wallet", value, "not a recognisable address")
    return text


# ---------------------------------------------------------------------------------------------
# Vehicles

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# World manufacturer identifiers whose regulators mandate the position-9 check digit:
# North America (1-5) and mainland China (L). Elsewhere position 9 is free.
_VIN_CHECKED_REGIONS = frozenset("12345L")


def normalize_vin(value: str) -> str:
    """17-character ISO 3779 VIN in upper case; I, O and Q are invalid, check digit verified
    for North-American (and Chinese) manufacturers."""
    text = _fold(value)
    if len(text) != 17:
        raise IdentifierError("vin", value, f"has {len(text)} characters, ISO 3779 needs 17")
    bad = sorted({c for c in text if c not in _VIN_VALUES})
    if bad:
        raise IdentifierError("vin", value, f"characters {''.join(bad)} are not used in VINs")
    if text[0] in _VIN_CHECKED_REGIONS:
        total = sum(_VIN_VALUES[c] * w for c, w in zip(text, _VIN_WEIGHTS, strict=True))
        expected = "X" if total % 11 == 10 else str(total % 11)
        if text[8] != expected:
            raise IdentifierError("vin", value, f"check digit is {text[8]}, computed {expected}")
    return text


def normalize_plate(value: str) -> str:
    """Licence plate: upper case, no separators, Arabic-Indic digits as ASCII digits.

    Arabic letters on Gulf and Maghreb plates are kept; they carry meaning (series). Anything
    else (dots, bullets, emblems transcribed as symbols) is spacing, not content.
    """
    text = "".join(c for c in _fold(value) if c.isalnum())
    if not text:
        raise IdentifierError("plate", value, "has no letters or digits")
    return text


# ---------------------------------------------------------------------------------------------
# Dispatch


def normalize_identifier(kind: str, value: str, default_region: str | None = None) -> str:
    """Canonical written form of ``value`` as an identifier of ``kind``."""
    if kind == "document":
        return str(parse_document(value))
    if kind == "mrz":
        return str(parse_mrz(value).document)
    if kind == "phone":
        return normalize_phone(value, default_region)
    if kind == "email":
        return normalize_email(value)
    if kind == "wallet":
        return normalize_wallet(value)
    if kind == "vin":
        return normalize_vin(value)
    if kind == "plate":
        return normalize_plate(value)
    raise IdentifierError(kind, value, f"unknown identifier kind (known: {IDENTIFIER_KINDS})")


def identifier_key(kind: str, normalized: str) -> str:
    """Exact-map key of an already normalised identifier.

    Documents (and MRZs, which are documents) share one key space without their country, so a
    number typed at a desk finds a record whatever country was recorded; the scorer weighs the
    country afterwards.
    """
    if kind in ("document", "mrz"):
        number = normalized.rsplit(":", 1)[-1]
        return "document:" + number.replace("O", "0")
    return f"{kind}:{normalized}"
