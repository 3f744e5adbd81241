"""The subject the engine indexes and screens: a person, document, vehicle or wallet.

A :class:`Subject` holds plain strings; values built by :meth:`Subject.from_ftm` and
:func:`read_query_csv` are already normalised (dates ISO partial, countries ISO 3166 alpha-2
lower case, identifiers in the forms of :mod:`tanseeq.matching.identifiers`). Document numbers
may carry their issuing country as ``"fr:12AB34567"``.

CSV query files (one subject per row, UTF-8, header row required) take these columns, all
optional except ``id``; cells with several values separate them with ``;``:

=================  ==========================================================================
id                 the caller's reference for the row, echoed in hit rows
name               full name, any script
alias              further names
birth_date         YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY
nationality        ISO 3166 alpha-2/alpha-3 code or English country name
gender             male/female (m/f accepted)
document_number    document number, optionally ``CC:NUMBER`` with the issuing country
phone              phone number; without ``+`` the ``default_region`` applies
email              e-mail address
wallet             crypto wallet address
vin                vehicle identification number (ISO 3779)
plate              licence plate
mrz                ICAO 9303 machine readable zone, lines separated by spaces or newlines;
                   adds the document, name, birth date, nationality and sex it encodes
=================  ==========================================================================

Any other column, or a value that does not parse, raises :class:`QueryInputError` with the
file line number (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model, registry

from tanseeq.matching.dates import DateError, parse_date
from tanseeq.matching.identifiers import (
    IdentifierError,
    normalize_country,
    normalize_identifier,
    parse_mrz,
)

__all__ = ["QUERY_COLUMNS", "QueryInputError", "Subject", "read_query_csv"]


@dataclass(slots=True)
class Subject:
    """One thing to index or to screen; identifiers keyed by kind (``document``, ``phone``...)."""

    id: str
    schema: str = "Person"
    names: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    gender: str | None = None
    identifiers: dict[str, list[str]] = field(default_factory=dict)

    def add_identifier(self, kind: str, value: str) -> None:
        values = self.identifiers.setdefault(kind, [])
        if value not in values:
            values.append(value)

    def add_mrz(self, mrz_text: str) -> None:
        """Fold an MRZ into the subject: its document, and name/dates/sex where missing."""
        mrz = parse_mrz(mrz_text)
        self.add_identifier("document", str(mrz.document))
        if mrz.name and mrz.name not in self.names:
            self.names.append(mrz.name)
        if mrz.birth_date and mrz.birth_date not in self.birth_dates:
            self.birth_dates.append(mrz.birth_date)
        nationality = normalize_country(mrz.nationality)
        if nationality and nationality not in self.nationalities:
            self.nationalities.append(nationality)
        if self.gender is None:
            self.gender = mrz.sex

    @classmethod
    def from_ftm(cls, entity: Mapping[str, Any]) -> Subject:
        """Build from a FollowTheMoney entity dict ``{"id", "schema", "properties"}``.

        Property types drive the mapping (every ``name``-typed property is a name, ``phone`` a
        phone...); identifier-typed properties are mapped by meaning. Values that fail to
        normalise are left out: records come from agencies' systems and one bad phone number
        must not keep a person off the watchlist.
        """
        schema = model.get(str(entity.get("schema", "")))
        if schema is None:
            raise ValueError(f"unknown FtM schema {entity.get('schema')!r}")
        props: Mapping[str, list[str]] = entity.get("properties") or {}
        subject = cls(id=str(entity["id"]), schema=schema.name)
        issuing = [c for v in props.get("country", []) if (c := normalize_country(v))]
        for name, values in props.items():
            prop = schema.get(name)
            if prop is None:
                continue
            for value in values:
                _add_ftm_value(subject, schema.name, prop.name, prop.type, value, issuing)
        if not subject.names:
            _compose_name(subject, props)
        return subject


_NAME_PROPS = frozenset({"name", "alias", "previousName"})
_DOCUMENT_PROPS = frozenset({"passportNumber", "idNumber", "number", "personalNumber"})
_NATIONALITY_PROPS = frozenset({"nationality", "citizenship"})
_WALLET_PROPS = frozenset({"cryptoAddress", "publicKey"})


def _add_ftm_value(
    subject: Subject, schema: str, prop: str, ptype: Any, value: str, issuing: list[str]
) -> None:
    try:
        if ptype == registry.name and prop in _NAME_PROPS:
            if value not in subject.names:
                subject.names.append(value)
        elif ptype == registry.date and prop == "birthDate":
            subject.birth_dates.append(parse_date(value))
        elif ptype == registry.country and prop in _NATIONALITY_PROPS:
            country = normalize_country(value)
            if country and country not in subject.nationalities:
                subject.nationalities.append(country)
        elif ptype == registry.gender:
            subject.gender = registry.gender.clean(value) or subject.gender
        elif ptype == registry.phone:
            subject.add_identifier("phone", normalize_identifier("phone", value))
        elif ptype == registry.email:
            subject.add_identifier("email", normalize_identifier("email", value))
        elif prop in _DOCUMENT_PROPS:
            # Identification/Passport carry their own issuing country; a Person's ids do not.
            prefix = f"{issuing[0]}:" if issuing and schema != "Person" else ""
            subject.add_identifier("document", normalize_identifier("document", prefix + value))
        elif prop in _WALLET_PROPS:
            subject.add_identifier("wallet", normalize_identifier("wallet", value))
        elif prop == "registrationNumber" and schema == "Vehicle":
            subject.add_identifier("plate", normalize_identifier("plate", value))
    except (IdentifierError, DateError):
        return


def _compose_name(subject: Subject, props: Mapping[str, list[str]]) -> None:
    # Persons and passports sometimes come with name parts only.
    first = props.get("firstName") or props.get("givenName") or []
    middle = props.get("middleName") or props.get("fatherName") or []
    last = props.get("lastName") or props.get("surname") or []
    parts = [p[0] for p in (first, middle, last) if p]
    if parts:
        subject.names.append(" ".join(parts))


# ---------------------------------------------------------------------------------------------
# CSV queries

QUERY_COLUMNS = (
    "id",
    "name",
    "alias",
    "birth_date",
    "nationality",
    "gender",
    "document_number",
    "phone",
    "email",
    "wallet",
    "vin",
    "plate",
    "mrz",
)
_IDENTIFIER_COLUMNS = {
    "document_number": "document",
    "phone": "phone",
    "email": "email",
    "wallet": "wallet",
    "vin": "vin",
    "plate": "plate",
}
_GENDERS = {"m": "male", "f": "female"}


# The longest value a query or watchlist cell may hold, as the API allows for a property value:
# nothing longer is a name or an identifier, and one such cell must not tie up a worker.
MAX_VALUE_CHARS = 5_000


class QueryInputError(ValueError):
    """A query file problem, located by line (header = 1) and column."""

    def __init__(self, row: int, column: str | None, message: str) -> None:
        where = f"line {row}" + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")
        self.row = row
        self.column = column
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.row, self.column, self.message))


def _split(cell: str | None) -> list[str]:
    return [v.strip() for v in (cell or "").split(";") if v.strip()]


def _parse_row(row: Mapping[str, str | None], line: int, default_region: str | None) -> Subject:
    ident = (row.get("id") or "").strip()
    if not ident:
        raise QueryInputError(line, "id", "every row needs an id")
    subject = Subject(id=ident, names=_split(row.get("name")) + _split(row.get("alias")))
    column = "birth_date"
    try:
        subject.birth_dates = [parse_date(v) for v in _split(row.get("birth_date"))]
        column = "nationality"
        for value in _split(row.get("nationality")):
            country = normalize_country(value)
            if country is None:
                raise QueryInputError(line, column, f"{value!r} is not a country")
            subject.nationalities.append(country)
        column = "gender"
        gender = (row.get("gender") or "").strip().lower()
        if gender:
            cleaned = _GENDERS.get(gender) or registry.gender.clean(gender)
            if cleaned is None:
                raise QueryInputError(line, column, f"{gender!r} is not male/female/other")
            subject.gender = cleaned
        for column, kind in _IDENTIFIER_COLUMNS.items():
            for value in _split(row.get(column)):
                subject.add_identifier(kind, normalize_identifier(kind, value, default_region))
        column = "mrz"
        mrz = (row.get("mrz") or "").strip()
        if mrz:
            subject.add_mrz(mrz)
    except (DateError, IdentifierError) as exc:
        raise QueryInputError(line, column, str(exc)) from exc
    return subject


def read_query_csv(lines: Iterable[str], default_region: str | None = None) -> Iterator[Subject]:
    """Parse a CSV query file (see the module docstring for the columns) into subjects.

    Lazily, so a 100k-row file streams into bulk screening without being held twice.
    """
    # strict: a quote left open would otherwise swallow the rest of the file into one cell,
    # and the run would screen a list shorter than the one given, without a word.
    reader = csv.DictReader(lines, strict=True)
    line = 0  # where the last complete row (or the header) ended: a broken one starts after it
    try:
        header = reader.fieldnames or []
        if "id" not in header:
            raise QueryInputError(1, "id", "the header must name an 'id' column")
        for name in header:
            if name not in QUERY_COLUMNS:
                known = ", ".join(QUERY_COLUMNS)
                raise QueryInputError(1, name, f"unknown column (known: {known})")
        line = 1
        for row in reader:
            extra = row.get(None)
            if extra:
                raise QueryInputError(reader.line_num, None, "more cells than header columns")
            for column, cell in row.items():
                if cell is not None and len(cell) > MAX_VALUE_CHARS:
                    raise QueryInputError(
                        reader.line_num,
                        column,
                        f"{len(cell)} characters (at most {MAX_VALUE_CHARS})",
                    )
            yield _parse_row(row, reader.line_num, default_region)
            line = reader.line_num
    except csv.Error as exc:
        raise QueryInputError(line + 1, None, f"not valid CSV ({exc})") from exc
