"""Made-up identifiers in the shapes real ones take: passport and ID card numbers, licence
plates, VINs, mobile numbers, e-mail addresses and crypto wallets (with valid checksums, so the
screening engine's normalisers accept them). None of them belongs to anyone."""

from __future__ import annotations

import hashlib
import random
import string
import unicodedata

import phonenumbers

DIGITS = string.digits
LETTERS = string.ascii_uppercase

# A = letter, 9 = digit, X = letter or digit, anything else is literal.
PASSPORT_SHAPES: dict[str, str] = {
    "MA": "AA9999999",
    "ES": "AAA999999",
    "DE": "CXXXXXXXX",
    "FR": "99AA99999",
    "NO": "99999999",
    "SN": "A99999999",
    "MR": "B9999999",
    "ET": "EP9999999",
    "NG": "A99999999",
    "BR": "AA999999",
    "IN": "A9999999",
    "KR": "M99999999",
    "EG": "A99999999",
    "TN": "Z999999",
    "AE": "A99999999",
}
ID_SHAPES: dict[str, str] = {
    "MA": "AA999999",  # CNIE
    "FR": "XXXXXXXXXXXX",
    "DE": "LXXXXXXXX",
    "NO": "99999999999",
    "SN": "9999999999999",
    "TN": "99999999",
    "EG": "99999999999999",
}
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"  # Spanish DNI control letter, number mod 23

MOBILE_PREFIXES: dict[str, tuple[str, int]] = {
    # country → (national mobile prefix, digits after it)
    "MA": ("6", 8),
    "ES": ("6", 8),
    "DE": ("151", 8),
    "FR": ("6", 8),
    "NO": ("9", 7),
    "SN": ("77", 7),
    "MR": ("22", 6),
    "ET": ("91", 7),
    "NG": ("803", 7),
    "BR": ("6199", 7),
    "IN": ("98", 8),
    "KR": ("10", 8),
    "EG": ("100", 7),
    "TN": ("20", 6),
    "AE": ("50", 7),
    "DZ": ("55", 7),
}

EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

# World manufacturer identifiers outside the regions that mandate a check digit; we compute it
# anyway so every VIN is also valid by the North-American rule.
VIN_MAKERS: tuple[tuple[str, str], ...] = (
    ("VF1", "Renault Clio"),
    ("UU1", "Dacia Logan"),
    ("WVW", "Volkswagen Golf"),
    ("WDB", "Mercedes-Benz Sprinter"),
    ("JTE", "Toyota Land Cruiser"),
    ("SAL", "Land Rover Defender"),
    ("VF3", "Peugeot 301"),
    ("KMH", "Hyundai Tucson"),
    ("ZFA", "Fiat Ducato"),
    ("WBA", "BMW X5"),
)
_VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def shaped(rng: random.Random, shape: str) -> str:
    out = []
    for c in shape:
        if c == "A":
            out.append(rng.choice(LETTERS))
        elif c == "9":
            out.append(rng.choice(DIGITS))
        elif c == "X":
            out.append(rng.choice(LETTERS + DIGITS))
        else:
            out.append(c)
    return "".join(out)


def passport_number(rng: random.Random, country: str) -> str:
    return shaped(rng, PASSPORT_SHAPES.get(country, "AA9999999"))


def id_card_number(rng: random.Random, country: str) -> str:
    if country == "ES":
        number = rng.randrange(10_000_000, 99_999_999)
        return f"{number}{DNI_LETTERS[number % 23]}"
    return shaped(rng, ID_SHAPES.get(country, "999999999"))


def plate(rng: random.Random, country: str) -> str:
    if country == "MA":
        # Moroccan plates: serial, an Arabic series letter, the prefecture number.
        letter = rng.choice("أبدهوط")
        return f"{rng.randrange(1, 99999)}-{letter}-{rng.randrange(1, 90)}"
    if country == "ES":
        return f"{rng.randrange(0, 9999):04d} " + "".join(rng.choices("BCDFGHJKLMNPRSTVWXYZ", k=3))
    if country == "DE":
        city = rng.choice(("B", "M", "HH", "K", "F", "S"))
        return f"{city}-{shaped(rng, 'AA')} {rng.randrange(1, 9999)}"
    if country == "FR":
        return shaped(rng, "AA-999-AA")
    if country == "NO":
        return shaped(rng, "AA 99999")
    return shaped(rng, "AA 9999 A")


def vin(rng: random.Random) -> tuple[str, str]:
    """A VIN and the make and model it belongs to."""
    wmi, model = rng.choice(VIN_MAKERS)
    body = [*wmi, *rng.choices(_VIN_ALPHABET, k=14)]
    total = sum(_VIN_VALUES[c] * w for c, w in zip(body, _VIN_WEIGHTS, strict=True))
    body[8] = "X" if total % 11 == 10 else str(total % 11)
    return "".join(body), model


def mobile(rng: random.Random, country: str) -> str:
    """An E.164 mobile number that libphonenumber considers valid for the country."""
    prefix, rest = MOBILE_PREFIXES.get(country, MOBILE_PREFIXES["MA"])
    code = country if country in MOBILE_PREFIXES else "MA"
    for _ in range(50):
        national = prefix + "".join(rng.choices(DIGITS, k=rest))
        number = phonenumbers.parse(national, code)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"no valid mobile number shape for {country}")  # a bug in the table


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded.casefold() if c.isascii() and c.isalnum())


def email(rng: random.Random, first: str, last: str) -> str:
    style = rng.randrange(3)
    f, lst = ascii_slug(first) or "user", ascii_slug(last) or "mail"
    local = (
        f"{f}.{lst}",
        f"{f[0]}{lst}{rng.randrange(10, 99)}",
        f"{lst}.{f}{rng.randrange(70, 99)}",
    )
    return f"{local[style]}@{rng.choice(EMAIL_DOMAINS)}"


def _b58encode(raw: bytes) -> str:
    number = int.from_bytes(raw, "big")
    out = ""
    while number:
        number, rem = divmod(number, 58)
        out = _B58[rem] + out
    pad = len(raw) - len(raw.lstrip(b"\0"))
    return "1" * pad + out


def _base58check(version: int, payload: bytes) -> str:
    raw = bytes([version]) + payload
    check = hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    return _b58encode(raw + check)


def wallet(rng: random.Random) -> tuple[str, str]:
    """A crypto address and its currency: Bitcoin (P2PKH), Ethereum, or USDT on Tron."""
    payload = rng.randbytes(20)
    kind = rng.randrange(3)
    if kind == 0:
        return _base58check(0x00, payload), "BTC"
    if kind == 1:
        return "0x" + payload.hex(), "ETH"
    return _base58check(0x41, payload), "USDT"
