"""Subjects from FollowTheMoney entities and from CSV query files."""

import io
import pickle

import pytest

from tanseeq.matching.subject import QueryInputError, Subject, read_query_csv

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def person(**props: list[str]) -> dict[str, object]:
    return {"id": "p1", "schema": "Person", "properties": props}


def test_from_ftm_person() -> None:
    subject = Subject.from_ftm(
        person(
            name=["Ahmed Hassan"],
            alias=["أحمد حسن"],
            weakAlias=["Abu Ali"],
            birthDate=["1980-05-02", "not a date"],
            nationality=["Syria", "LB"],
            gender=["male"],
            passportNumber=["N-0123 456"],
            phone=["+961 3 123 456", "garbage"],
            email=["Ahmed@Example.com"],
            notes=["ignored"],
        )
    )
    assert subject.id == "p1"
    assert subject.schema == "Person"
    assert subject.names == ["Ahmed Hassan", "أحمد حسن"]
    assert subject.birth_dates == ["1980-05-02"]
    assert subject.nationalities == ["sy", "lb"]
    assert subject.gender == "male"
    assert subject.identifiers == {
        "document": ["N0123456"],
        "phone": ["+9613123456"],
        "email": ["ahmed@example.com"],
    }


def test_from_ftm_passport_carries_country() -> None:
    subject = Subject.from_ftm(
        {
            "id": "pp1",
            "schema": "Passport",
            "properties": {
                "number": ["L898902C3"],
                "country": ["Atlantis", "fr"],
                "surname": ["Eriksson"],
                "givenName": ["Anna Maria"],
                "birthDate": ["1974-08-12"],
            },
        }
    )
    assert subject.schema == "Passport"
    assert subject.identifiers == {"document": ["fr:L898902C3"]}
    assert subject.names == ["Anna Maria Eriksson"]
    assert subject.birth_dates == ["1974-08-12"]


@pytest.mark.parametrize(
    ("schema", "props", "kind", "value"),
    [
        ("Vehicle", {"registrationNumber": ["ab-123-cd"]}, "plate", "AB123CD"),
        (
            "CryptoWallet",
            {"publicKey": ["0x52908400098527886E0F7030069857D2E4169EE7"]},
            "wallet",
            "0x52908400098527886e0f7030069857d2e4169ee7",
        ),
    ],
)
def test_from_ftm_things(schema: str, props: dict[str, list[str]], kind: str, value: str) -> None:
    subject = Subject.from_ftm({"id": "x", "schema": schema, "properties": props})
    assert subject.identifiers == {kind: [value]}


def test_from_ftm_composes_name_parts() -> None:
    subject = Subject.from_ftm(person(firstName=["Anna"], lastName=["Eriksson"]))
    assert subject.names == ["Anna Eriksson"]


def test_from_ftm_unknown_schema() -> None:
    with pytest.raises(ValueError, match="unknown FtM schema"):
        Subject.from_ftm({"id": "x", "schema": "Spaceship", "properties": {}})


def test_add_mrz_fills_missing_fields() -> None:
    subject = Subject(id="q")
    subject.add_mrz(TD3)
    assert subject.names == ["ANNA MARIA ERIKSSON"]
    assert subject.birth_dates == ["1974-08-12"]
    assert subject.gender == "female"
    assert subject.identifiers == {"document": ["uto:L898902C3"]}


def _csv(text: str, region: str | None = None) -> list[Subject]:
    return list(read_query_csv(io.StringIO(text), default_region=region))


def test_query_error_survives_pickling() -> None:
    error = QueryInputError(3, "vin", "bad")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.row, copy.column, str(copy)) == (3, "vin", str(error))


def test_csv_rows() -> None:
    rows = _csv(
        "id,name,alias,birth_date,nationality,gender,document_number,phone,email,wallet,vin,plate,mrz\n"
        "q1,Ahmed Hassan,أحمد حسن;Abu Ali,02.05.1980,SYR,m,sy:N0123,03 123 456,a@b.com,,"
        "1M8GDM9AXKP042788,AB-123-CD,\n"
        f'q2,,,,,,,,,,,,"{TD3}"\n',
        region="LB",
    )
    q1, q2 = rows
    assert q1.names == ["Ahmed Hassan", "أحمد حسن", "Abu Ali"]
    assert q1.birth_dates == ["1980-05-02"]
    assert q1.nationalities == ["sy"]
    assert q1.gender == "male"
    assert q1.identifiers == {
        "document": ["sy:N0123"],
        "phone": ["+9613123456"],
        "email": ["a@b.com"],
        "vin": ["1M8GDM9AXKP042788"],
        "plate": ["AB123CD"],
    }
    assert q2.identifiers == {"document": ["uto:L898902C3"]}
    assert q2.names == ["ANNA MARIA ERIKSSON"]


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("id,name,shoe_size\n", 1, "shoe_size"),
        ("name\nx\n", 1, "id"),
        ("id,name,birth_date\nq1,A,1980\nq2,B,1980-13-01\n", 3, "birth_date"),
        ("id,nationality\nq1,Atlantis\n", 2, "nationality"),
        ("id,gender\nq1,banana\n", 2, "gender"),
        ("id,phone\nq1,12\n", 2, "phone"),
        ("id,vin\nq1,1M8GDM9A1KP042788\n", 2, "vin"),
        ("id,wallet\nq1,bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5\n", 2, "wallet"),
        ("id,mrz\nq1,P<UTO\n", 2, "mrz"),
        ("id,name\n,A\n", 2, "id"),
        ("id,name\nq1,A,extra\n", 2, None),
    ],
)
def test_csv_errors(text: str, row: int, column: str | None) -> None:
    with pytest.raises(QueryInputError) as info:
        _csv(text)
    assert info.value.row == row
    assert info.value.column == column
    assert f"line {row}" in str(info.value)
