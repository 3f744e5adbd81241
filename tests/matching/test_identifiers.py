"""Identifier normalisation: tables of real-world examples, valid and invalid."""

import pickle

import pytest

from tanseeq.matching.identifiers import (
    Document,
    IdentifierError,
    MRZError,
    identifier_key,
    mrz_check_digit,
    normalize_country,
    normalize_document,
    normalize_email,
    normalize_identifier,
    normalize_phone,
    normalize_plate,
    normalize_vin,
    normalize_wallet,
    parse_document,
    parse_mrz,
)

# ICAO 9303 specimen documents of the fictitious state of Utopia (parts 4, 5 and 6).
TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
)
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"


@pytest.mark.parametrize(
    ("text", "fmt", "number", "optional"),
    [
        (TD3, "TD3", "L898902C3", "ZE184226B"),
        (TD1, "TD1", "D23145890", ""),
        (TD2, "TD2", "D23145890", ""),
        # Same zones pasted on one line, or with lines separated by spaces.
        (TD3.replace("\n", ""), "TD3", "L898902C3", "ZE184226B"),
        (TD1.replace("\n", " "), "TD1", "D23145890", ""),
    ],
)
def test_mrz_specimens(text: str, fmt: str, number: str, optional: str) -> None:
    mrz = parse_mrz(text)
    assert mrz.format == fmt
    assert mrz.document_number == number
    assert (mrz.surname, mrz.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert mrz.name == "ANNA MARIA ERIKSSON"
    assert (mrz.issuing_state, mrz.nationality) == ("UTO", "UTO")
    assert mrz.birth_date == "1974-08-12"
    assert mrz.expiry_date == "2012-04-15"
    assert mrz.sex == "female"
    assert mrz.optional_data == optional
    assert mrz.document == Document(number, "uto")


def _swap(text: str, line: int, pos: int, char: str) -> str:
    lines = text.split("\n")
    lines[line] = lines[line][:pos] + char + lines[line][pos + 1 :]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (_swap(TD3, 1, 9, "5"), "document_number"),
        (_swap(TD3, 1, 19, "3"), "birth_date"),
        (_swap(TD3, 1, 27, "8"), "expiry_date"),
        (_swap(TD3, 1, 42, "2"), "optional_data"),
        (_swap(TD3, 1, 43, "1"), "composite"),
        (_swap(TD1, 0, 14, "1"), "document_number"),
        (_swap(TD1, 1, 6, "0"), "birth_date"),
        (_swap(TD1, 1, 14, "0"), "expiry_date"),
        (_swap(TD1, 1, 29, "7"), "composite"),
        (_swap(TD2, 1, 19, "9"), "birth_date"),
        (_swap(TD2, 1, 35, "0"), "composite"),
        # A misread digit in the number breaks its own check digit first.
        (_swap(TD3, 1, 1, "9"), "document_number"),
        (TD3[:-1], "format"),
        ("P<UTO\nL898", "format"),
        (TD3.replace("ERIKSSON", "ERIKSSöN"), "format"),
        (_swap(TD3, 1, 20, "Z"), "sex"),
    ],
)
def test_mrz_errors_name_the_field(text: str, field: str) -> None:
    with pytest.raises(MRZError) as info:
        parse_mrz(text)
    assert info.value.field == field
    assert field in str(info.value)


def test_mrz_long_document_number_td1() -> None:
    # 9303 part 5: a 12-character number spills into the optional data, check digit after it.
    number = "D23145890123"
    cd = mrz_check_digit(number)
    line1 = f"I<UTO{number[:9]}<{number[9:]}{cd}".ljust(30, "<")
    line2_head = "7408122F1204159UTO<<<<<<<<<<<"
    composite = line1[5:30] + line2_head[0:7] + line2_head[8:15] + line2_head[18:29]
    line2 = line2_head[:29] + mrz_check_digit(composite)
    mrz = parse_mrz(f"{line1}\n{line2}\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")
    assert mrz.document_number == number


@pytest.mark.parametrize(
    ("data", "digit"),
    [("L898902C3", "6"), ("740812", "2"), ("120415", "9"), ("ZE184226B<<<<<", "1"), ("<<<", "0")],
)
def test_check_digit(data: str, digit: str) -> None:
    assert mrz_check_digit(data) == digit


@pytest.mark.parametrize(
    ("raw", "normalized", "key"),
    [
        ("l 898-902.c3", "L898902C3", "document:L898902C3"),
        ("AB O12 345", "ABO12345", "document:AB012345"),
        ("AB012345", "AB012345", "document:AB012345"),
        ("FRA:12ab34567", "fr:12AB34567", "document:12AB34567"),
        ("sy: N 0123", "sy:N0123", "document:N0123"),
        ("Ｌ８９８９０２Ｃ３", "L898902C3", "document:L898902C3"),
    ],
)
def test_documents(raw: str, normalized: str, key: str) -> None:
    assert normalize_identifier("document", raw) == normalized
    assert identifier_key("document", normalized) == key


def test_document_parse_and_errors() -> None:
    assert parse_document("gb: 123") == Document("123", "gb")
    assert normalize_document(" x-1 ") == "X1"
    for bad in ("", " - ", "AB#12"):
        with pytest.raises(IdentifierError):
            normalize_document(bad)
    with pytest.raises(IdentifierError, match="unknown country"):
        parse_document("QQQ:123")


@pytest.mark.parametrize(
    ("raw", "iso2"),
    [("FRA", "fr"), ("fr", "fr"), ("D", "de"), ("GBD", "gb"), ("Syria", "sy"), ("", None)],
)
def test_countries(raw: str, iso2: str | None) -> None:
    assert normalize_country(raw) == iso2


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+33 1 23 45 67 89", None, "+33123456789"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("0033 1 23 45 67 89", "FR", "+33123456789"),
        ("+961 3 123 456", None, "+9613123456"),
        ("050 123 4567", "ae", "+971501234567"),
        ("+1 (202) 555-0143", None, "+12025550143"),
    ],
)
def test_phones(raw: str, region: str | None, e164: str) -> None:
    assert normalize_phone(raw, region) == e164
    assert normalize_phone(e164) == e164  # idempotent


@pytest.mark.parametrize("raw", ["01 23 45 67 89", "+33 12", "not a number", "+999 123456"])
def test_bad_phones(raw: str) -> None:
    with pytest.raises(IdentifierError):
        normalize_phone(raw)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("john.doe+tanseeq@example.com", "john.doe@example.com"),
        ("J.O.H.N.Doe+x@GoogleMail.com", "johndoe@gmail.com"),
        ("mailto:<a@bücher.de>", "a@xn--bcher-kva.de"),
        ("+@example.com", "+@example.com"),
    ],
)
def test_emails(raw: str, normalized: str) -> None:
    assert normalize_email(raw) == normalized
    assert normalize_email(normalized) == normalized


@pytest.mark.parametrize("raw", ["", "john", "a@b", "a@@b.com", "a b@c.com"])
def test_bad_emails(raw: str) -> None:
    with pytest.raises(IdentifierError):
        normalize_email(raw)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        # Genesis block coinbase (P2PKH) and the BIP-16 example (P2SH): base58check.
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        # BIP-173 test vector, written in upper case: bech32 folds to lower case.
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        # Taproot (bech32m, BIP-350).
        (
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
            "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        ),
        # EIP-55 mixed case and lower case name the same account.
        (
            "0x52908400098527886E0F7030069857D2E4169EE7",
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
        (
            " 0x52908400098527886e0f7030069857d2e4169ee7 ",
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
        # Other chains (TRON) are kept as written.
        ("TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL", "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"),
    ],
)
def test_wallets(raw: str, normalized: str) -> None:
    assert normalize_wallet(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", "checksum"),  # last character altered
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", "base58"),  # 0 is not base58
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "checksum"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7KV8F3T4", "mixes"),
        ("0x5290840009852788", "40 hexadecimal"),
        ("hello!", "recognisable"),
    ],
)
def test_bad_wallets(raw: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        normalize_wallet(raw)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),  # check digit X
        ("1hgcm82633a004352", "1HGCM82633A004352"),
        ("WVW ZZZ 1J Z3W 386752", "WVWZZZ1JZ3W386752"),  # European: position 9 is free
    ],
)
def test_vins(raw: str, normalized: str) -> None:
    assert normalize_vin(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1M8GDM9A1KP042788", "check digit"),
        ("1M8GDM9AXKP04278", "17"),
        ("WVWZZZ1JZ3W38675O", "not used"),  # letter O
        ("IVWZZZ1JZ3W386752", "not used"),
        ("QVWZZZ1JZ3W386752", "not used"),
    ],
)
def test_bad_vins(raw: str, reason: str) -> None:
    with pytest.raises(IdentifierError, match=reason):
        normalize_vin(raw)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ab-123-cd", "AB123CD"),
        ("12 345 · A", "12345A"),
        ("١٢٣ أ ب ج", "123أبج"),
        ("دبي ۱۲۳۴۵", "دبي12345"),
    ],
)
def test_plates(raw: str, normalized: str) -> None:
    assert normalize_plate(raw) == normalized


@pytest.mark.parametrize(
    "error",
    [IdentifierError("vin", "123", "too short"), MRZError("P<", "format", "too short")],
)
def test_errors_survive_pickling(error: IdentifierError) -> None:
    # Worker processes send them back to the parent.
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.kind == error.kind


def test_dispatch() -> None:
    assert normalize_identifier("mrz", TD3) == "uto:L898902C3"
    assert identifier_key("mrz", "uto:L898902C3") == identifier_key("document", "L898902C3")
    assert identifier_key("phone", "+33123456789") == "phone:+33123456789"
    with pytest.raises(IdentifierError, match="unknown identifier kind"):
        normalize_identifier("dna", "x")
