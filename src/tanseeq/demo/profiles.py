"""What each demo agency holds: how many cases, about whom, on what, shared how.

Sharing modes: ``owner`` (kept), ``agencies`` (named partners), ``agreement`` (parties to an
agreement in force, within its crime areas: themes are chosen inside the owner's agreements),
``all`` members, ``all_excl`` (all but one). Weights are relative.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    cases: int
    nationalities: tuple[tuple[str, int], ...]
    themes: tuple[str, ...]
    modes: tuple[tuple[str, int], ...]
    partners: tuple[str, ...]  # named in ``agencies`` distributions
    agreement_themes: tuple[str, ...] = ()  # themes an ``agreement`` case may take


_EU = ("ES-NCB", "FR-NCB", "DE-NCB", "EUROPOL")

PROFILES: dict[str, Profile] = {
    "MA-NCB": Profile(
        16,
        (("MA", 8), ("DZ", 1), ("MR", 1), ("SN", 1), ("ES", 1), ("FR", 1), ("NG", 1)),
        ("drugs", "smuggling", "scam", "terror", "violent", "vehicles", "missing"),
        (("agreement", 5), ("all", 3), ("agencies", 2), ("owner", 2), ("all_excl", 1)),
        ("ES-NCB", "FR-NCB", "SN-NCB", "MR-NCB", "MA-BNPJ"),
        ("drugs", "smuggling", "scam", "violent", "terror"),
    ),
    "MA-BNPJ": Profile(
        4,
        (("MA", 1),),
        ("drugs", "violent", "scam"),
        (("owner", 2), ("agencies", 1)),
        ("MA-NCB",),
    ),
    "NO-POLICE": Profile(
        6,
        (("NO", 4), ("MA", 1), ("ET", 1)),
        ("drugs", "scam", "smuggling", "missing"),
        (("agreement", 3), ("all", 1), ("owner", 1)),
        ("DE-NCB", "EUROPOL"),
        ("drugs", "scam", "smuggling"),
    ),
    "ET-FPC": Profile(
        4,
        (("ET", 1),),
        ("violent", "terror", "smuggling", "missing"),
        (("agreement", 3), ("all", 1)),
        ("AFRIPOL",),
        ("violent", "terror", "smuggling"),
    ),
    "ES-NCB": Profile(
        6,
        (("ES", 2), ("MA", 2), ("DZ", 1)),
        ("drugs", "smuggling", "vehicles", "missing"),
        (("all", 2), ("agencies", 2), ("owner", 1)),
        ("FR-NCB", "MA-NCB", "DE-NCB", "EUROPOL"),
    ),
    "FR-NCB": Profile(
        5,
        (("FR", 3), ("MA", 1), ("DZ", 1), ("TN", 1)),
        ("drugs", "scam", "terror"),
        (("all", 2), ("agencies", 2), ("owner", 1)),
        ("ES-NCB", "MA-NCB", "EUROPOL"),
    ),
    "DE-NCB": Profile(
        4,
        (("DE", 3), ("TN", 1), ("MA", 1)),
        ("vehicles", "scam", "drugs"),
        (("all", 2), ("agencies", 1), ("owner", 1)),
        ("FR-NCB", "EUROPOL", "NO-POLICE"),
    ),
    "SN-NCB": Profile(
        4,
        (("SN", 3), ("MR", 1)),
        ("smuggling", "drugs", "missing"),
        (("agreement", 2), ("all", 1), ("owner", 1)),
        ("MR-NCB", "MA-NCB"),
        ("smuggling", "drugs"),
    ),
    "MR-NCB": Profile(
        3,
        (("MR", 3), ("SN", 1), ("MA", 1)),
        ("smuggling", "terror"),
        (("agreement", 2), ("all", 1)),
        ("SN-NCB", "MA-NCB"),
        ("smuggling", "terror"),
    ),
    "BR-NCB": Profile(
        3,
        (("BR", 1),),
        ("drugs", "scam"),
        (("all", 1), ("agencies", 1), ("owner", 1)),
        ("ES-NCB", "FR-NCB"),
    ),
    "IN-NCB": Profile(
        3,
        (("IN", 1),),
        ("scam", "missing"),
        (("all", 1), ("agencies", 1)),
        ("AE-NCB", "KR-NCB"),
    ),
    "KR-NCB": Profile(
        2,
        (("KR", 1),),
        ("scam",),
        (("all", 1), ("agencies", 1)),
        ("IN-NCB", "AE-NCB"),
    ),
    "EG-NCB": Profile(
        4,
        (("EG", 1),),
        ("terror", "scam", "smuggling"),
        (("agreement", 2), ("all", 1), ("owner", 1)),
        ("AE-NCB", "TN-NCB"),
        ("terror", "scam"),
    ),
    "TN-NCB": Profile(
        3,
        (("TN", 1),),
        ("terror", "smuggling"),
        (("agreement", 1), ("all", 1), ("agencies", 1)),
        ("FR-NCB", "MA-NCB"),
        ("terror",),
    ),
    "NG-NCB": Profile(
        4,
        (("NG", 1),),
        ("scam", "smuggling", "drugs"),
        (("agreement", 2), ("all", 1), ("owner", 1)),
        ("SN-NCB", "AFRIPOL"),
        ("smuggling", "drugs"),
    ),
    "AE-NCB": Profile(
        3,
        (("AE", 1), ("IN", 1), ("EG", 1), ("MA", 1), ("NG", 1)),
        ("scam", "drugs"),
        (("agreement", 1), ("all", 1), ("agencies", 1)),
        ("IN-NCB", "EG-NCB"),
        ("scam", "drugs"),
    ),
    "AFRIPOL": Profile(
        2,
        (("SN", 1), ("NG", 1), ("MR", 1), ("ET", 1)),
        ("terror", "smuggling"),
        (("agreement", 1), ("all", 1)),
        ("SN-NCB", "NG-NCB"),
        ("terror", "smuggling"),
    ),
    "EUROPOL": Profile(
        3,
        (("FR", 1), ("DE", 1), ("ES", 1), ("NO", 1), ("MA", 1)),
        ("drugs", "scam"),
        (("agencies", 2), ("all", 1)),
        _EU,
    ),
    "AIMC": Profile(
        2,
        (("MA", 1), ("EG", 1), ("TN", 1), ("AE", 1)),
        ("terror", "scam"),
        (("agreement", 1), ("all", 1)),
        ("MA-NCB", "EG-NCB"),
        ("terror", "scam"),
    ),
}
