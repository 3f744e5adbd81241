"""Fictional front companies and addresses for the demo's cases."""

from __future__ import annotations

import random

from tanseeq.demo.people import CITIES

# (Latin, Arabic) name parts. The Arabic form reads "company <activity> <name>".
_NAMES = (
    ("Atlas", "الأطلس"),
    ("Sahel", "الساحل"),
    ("Oasis", "الواحة"),
    ("Argan", "الأركان"),
    ("Nour", "النور"),
    ("Medina", "المدينة"),
    ("Palmeraie", "النخيل"),
    ("Horizon", "الأفق"),
    ("Golden Crescent", "الهلال الذهبي"),
    ("Blue Coast", "الساحل الأزرق"),
    ("Nordic Star", None),
    ("Delta Line", None),
    ("Seven Seas", "البحار السبعة"),
)
_ACTIVITIES = (
    ("Trading", "للتجارة"),
    ("Logistics", "للوجستيك"),
    ("Transport", "للنقل"),
    ("Import-Export", "للاستيراد والتصدير"),
    ("Digital Services", "للخدمات الرقمية"),
    ("Travel", "للأسفار"),
    ("Fisheries", "للصيد البحري"),
    ("Auto Parts", "لقطع الغيار"),
)
LEGAL_FORMS = {
    "MA": "SARL",
    "DZ": "SARL",
    "TN": "SARL",
    "SN": "SARL",
    "MR": "SARL",
    "AE": "FZE",
    "EG": "SAE",
    "NO": "AS",
    "ES": "SL",
    "FR": "SAS",
    "DE": "GmbH",
    "NG": "Ltd",
    "KR": "Co., Ltd.",
    "IN": "Pvt Ltd",
    "BR": "Ltda",
    "ET": "PLC",
}
ARABIC_COUNTRIES = frozenset({"MA", "DZ", "TN", "MR", "AE", "EG", "SA", "LY"})
_STREETS: dict[str, tuple[str, ...]] = {
    "maghreb": (
        "Rue des Orangers",
        "Avenue Hassan Ier",
        "Boulevard de la Corniche",
        "Derb Sidi Bouloukat",
    ),
    "french": ("Rue de la République", "Boulevard National", "Route de l'Aéroport"),
    "spanish": ("Calle del Puerto", "Avenida de España", "Calle Real"),
    "german": ("Hauptstraße", "Bahnhofstraße", "Hafenstraße"),
    "norwegian": ("Storgata", "Kirkegata", "Havnegata"),
    "portuguese": ("Rua do Porto", "Avenida Paulista", "Rua da Praia"),
    "english": ("Harbour Road", "Airport Road", "Market Street"),
}
_STREET_STYLE = {
    "MA": "maghreb",
    "DZ": "maghreb",
    "TN": "maghreb",
    "MR": "french",
    "SN": "french",
    "FR": "french",
    "ES": "spanish",
    "DE": "german",
    "NO": "norwegian",
    "BR": "portuguese",
}


def organisation(rng: random.Random, country: str) -> dict[str, list[str]]:
    latin, arabic = rng.choice(_NAMES)
    activity, activity_ar = rng.choice(_ACTIVITIES)
    form = LEGAL_FORMS.get(country, "Ltd")
    names = [f"{latin} {activity} {form}"]
    if arabic and country in ARABIC_COUNTRIES:
        names.append(f"شركة {arabic} {activity_ar}")
    return {
        "name": names,
        "country": [country],
        "registrationNumber": [f"{country}-RC-{rng.randrange(10_000, 999_999)}"],
        "incorporationDate": [f"{rng.randint(2012, 2024)}-{rng.randint(1, 12):02d}"],
    }


def address(rng: random.Random, country: str) -> dict[str, list[str]]:
    city = rng.choice(CITIES.get(country, ("Casablanca",)))
    streets = _STREETS[_STREET_STYLE.get(country, "english")]
    street = f"{rng.randint(1, 240)} {rng.choice(streets)}"
    return {
        "full": [f"{street}, {city}"],
        "street": [street],
        "city": [city],
        "country": [country],
    }
