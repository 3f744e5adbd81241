"""The demo's notices and diffusions: every kind, in every state, spread over distributions and
markings so that different users see different things. Titles, warrants and legal bases are
invented, about the invented people of ``people``."""

from __future__ import annotations

import random
from collections.abc import Callable

from tanseeq.demo.plans import THEMES, Case, Holdings, NoticePlan, marking
from tanseeq.domain.types import DistributionKind, NoticeKind, NoticeStatus
from tanseeq.schemas import DistributionIn

P, SUB, D, SUS, W, REJ = (
    NoticeStatus.PUBLISHED,
    NoticeStatus.SUBMITTED,
    NoticeStatus.DRAFT,
    NoticeStatus.SUSPENDED,
    NoticeStatus.WITHDRAWN,
    NoticeStatus.REJECTED,
)

OFFENCES: dict[str, str] = {
    "drugs": "International trafficking in narcotic drugs (cannabis resin, cocaine)",
    "smuggling": "Smuggling of migrants and trafficking in human beings",
    "scam": "Online fraud through a cross-border scam centre",
    "terror": "Financing of a terrorist organisation",
    "violent": "Armed robbery and attempted murder",
    "vehicles": "Theft and trafficking of stolen vehicles",
    "missing": "Disappearance",
}
COURTS: dict[str, str] = {
    "MA-NCB": "the investigating judge of the Court of Appeal of Casablanca",
    "ES-NCB": "the Central Investigating Court of the Audiencia Nacional, Madrid",
    "FR-NCB": "the investigating judge of the Tribunal judiciaire de Marseille",
    "NO-POLICE": "the Oslo District Court",
    "DE-NCB": "the Local Court (Amtsgericht) of Frankfurt am Main",
}
# The language an owner writes its notices in (English otherwise).
LANGUAGE: dict[str, str] = {
    "MA-NCB": "fr",
    "MA-BNPJ": "ar",
    "FR-NCB": "fr",
    "EG-NCB": "ar",
    "AE-NCB": "ar",
    "TN-NCB": "ar",
    "AIMC": "ar",
}
KIND_LABELS: dict[str, dict[NoticeKind, str]] = {
    "fr": {
        NoticeKind.RED: "Notice rouge",
        NoticeKind.YELLOW: "Notice jaune – personne disparue",
        NoticeKind.BLUE: "Notice bleue – identité et localisation",
        NoticeKind.BLACK: "Notice noire – identification",
        NoticeKind.GREEN: "Notice verte – mise en garde",
        NoticeKind.ORANGE: "Notice orange – menace imminente",
        NoticeKind.PURPLE: "Notice mauve – mode opératoire",
        NoticeKind.SILVER: "Notice argent – avoirs",
        NoticeKind.UN_SPECIAL: "Notice spéciale INTERPOL–Conseil de sécurité des Nations unies",
        NoticeKind.DIFFUSION: "Diffusion – demande de localisation",
    },
    "ar": {
        NoticeKind.RED: "نشرة حمراء",
        NoticeKind.YELLOW: "نشرة صفراء – شخص مفقود",
        NoticeKind.BLUE: "نشرة زرقاء – التحقق من الهوية والمكان",
        NoticeKind.BLACK: "نشرة سوداء – تحديد الهوية",
        NoticeKind.GREEN: "نشرة خضراء – تحذير",
        NoticeKind.ORANGE: "نشرة برتقالية – تهديد وشيك",
        NoticeKind.PURPLE: "نشرة بنفسجية – أسلوب إجرامي",
        NoticeKind.SILVER: "نشرة فضية – أصول",
        NoticeKind.UN_SPECIAL: "نشرة خاصة للإنتربول ومجلس الأمن الدولي",
        NoticeKind.DIFFUSION: "تعميم – طلب تحديد مكان",
    },
}

# kind → the final states of its notices, one entry per notice.
SCHEDULE: tuple[tuple[NoticeKind, tuple[NoticeStatus, ...]], ...] = (
    (NoticeKind.RED, (P, P, P, P, P, P, P, P, SUB, SUB, D, SUS, W)),
    (NoticeKind.YELLOW, (P, P, P, P, SUB, W)),
    (NoticeKind.BLUE, (P, P, P, D, SUS)),
    (NoticeKind.BLACK, (P, P, SUB)),
    (NoticeKind.GREEN, (P, P, P, D)),
    (NoticeKind.ORANGE, (P, P, SUB, REJ)),
    (NoticeKind.PURPLE, (P, P, D)),
    (NoticeKind.SILVER, (P, P, SUB)),
    (NoticeKind.UN_SPECIAL, (P, SUB)),
    (NoticeKind.DIFFUSION, (P, P, P, P, SUB, D, W)),
)

_CRIMINAL = ("drugs", "smuggling", "scam", "terror", "violent", "vehicles")


def _pick(
    rng: random.Random, cases: list[Case], used: set[str], ok: Callable[[Case], bool]
) -> Case:
    """An unused case that fits, else any that fits, else any criminal case."""
    fits = [c for c in cases if ok(c) and c.key not in used]
    fits = fits or [c for c in cases if ok(c)] or [c for c in cases if c.theme in _CRIMINAL]
    case = rng.choice(fits)
    used.add(case.key)
    return case


def _name(h: Holdings, key: str, language: str) -> str:
    """The subject as the notice's language writes it: Arabic notices use the Arabic name."""
    props = next(r.properties for r in h.records if r.key == key)
    names = props.get("name") or props.get("publicKey") or ["?"]
    if language == "ar":
        return next((n for n in names if any("\u0600" <= c <= "\u06ff" for c in n)), names[0])
    return names[0]


def _spread(rng: random.Random, case: Case, kind: NoticeKind, i: int) -> DistributionIn:
    """Most published notices go to all members; some to named agencies, some under an
    agreement, some with an exclusion."""
    if kind == NoticeKind.DIFFUSION:
        partners = [
            c
            for c in ("NO-POLICE", "ES-NCB", "FR-NCB", "SN-NCB", "ET-FPC", "EUROPOL")
            if c != case.owner
        ]
        return DistributionIn(kind=DistributionKind.AGENCIES, agencies=rng.sample(partners, 2))
    if case.distribution.kind == DistributionKind.AGREEMENT and i % 2 == 0:
        return DistributionIn(kind=DistributionKind.AGREEMENT)
    if i % 5 == 3:
        return DistributionIn(kind=DistributionKind.ALL, excluded=["KR-NCB", "BR-NCB"][i % 2 :][:1])
    if i % 7 == 4:
        named = [c for c in ("ES-NCB", "FR-NCB", "DE-NCB") if c != case.owner][:2]
        return DistributionIn(kind=DistributionKind.AGENCIES, agencies=named)
    return DistributionIn(kind=DistributionKind.ALL)


def _subjects(rng: random.Random, case: Case, kind: NoticeKind) -> tuple[str, ...]:
    if kind == NoticeKind.PURPLE:
        return tuple(case.organisations[:1] or case.vehicles[:1] or case.persons[:1])
    if kind == NoticeKind.SILVER:
        assets = case.wallets + case.vehicles + case.organisations
        return tuple(assets[:2] or case.persons[:1])
    if kind == NoticeKind.ORANGE:
        return tuple(case.persons[:1] + case.organisations[:1])
    if kind == NoticeKind.DIFFUSION:
        return tuple(case.persons[: rng.randint(1, 2)])
    return (case.persons[0],)


def _fits(kind: NoticeKind) -> Callable[[Case], bool]:
    if kind == NoticeKind.YELLOW:
        return lambda c: c.theme == "missing" and not c.unidentified
    if kind == NoticeKind.BLACK:
        return lambda c: c.unidentified
    if kind == NoticeKind.PURPLE:
        return lambda c: c.theme in ("scam", "drugs", "vehicles") and bool(c.organisations)
    if kind == NoticeKind.SILVER:
        return lambda c: bool(c.wallets or c.vehicles)
    if kind in (NoticeKind.ORANGE, NoticeKind.UN_SPECIAL):
        return lambda c: c.theme in ("terror", "violent")
    return lambda c: c.theme in _CRIMINAL and len(c.persons) > 1


def _title(kind: NoticeKind, case: Case, name: str, language: str) -> str:
    if language in KIND_LABELS:
        return (
            f"{KIND_LABELS[language][kind]} : {name}"
            if language == "fr"
            else (f"{KIND_LABELS[language][kind]}: {name}")
        )
    offence = OFFENCES[case.theme].split(" (")[0].lower()
    return {
        NoticeKind.RED: f"{name} – wanted for {offence}",
        NoticeKind.YELLOW: f"Missing: {name}",
        NoticeKind.BLUE: f"{name} – identity and whereabouts sought",
        NoticeKind.BLACK: f"Identification sought: {name}",
        NoticeKind.GREEN: f"{name} – warning: repeat offender ({offence})",
        NoticeKind.ORANGE: f"Imminent threat linked to {name}",
        NoticeKind.PURPLE: f"Modus operandi: {offence} through {name}",
        NoticeKind.SILVER: f"Assets sought: {name}",
        NoticeKind.UN_SPECIAL: f"INTERPOL–UN Security Council special notice: {name}",
        NoticeKind.DIFFUSION: f"Request to locate {name} ({offence})",
    }[kind]


def plan_notices(rng: random.Random, h: Holdings) -> list[NoticePlan]:
    plans: list[NoticePlan] = []
    used: set[str] = set()
    serial = 0
    for kind, statuses in SCHEDULE:
        for i, status in enumerate(statuses):
            serial += 1
            case = _pick(rng, h.cases, used, _fits(kind))
            subjects = _subjects(rng, case, kind)
            language = LANGUAGE.get(case.owner, "en")
            name = _name(h, subjects[0], language)
            red = kind == NoticeKind.RED
            court = COURTS.get(case.owner, "the competent judicial authority")
            plans.append(
                NoticePlan(
                    key=f"n{serial}",
                    owner=case.owner,
                    kind=kind,
                    status=status,
                    title=_title(kind, case, name, language),
                    subjects=subjects,
                    offences=(OFFENCES[case.theme],),
                    crime_areas=THEMES[case.theme],
                    distribution=_spread(rng, case, kind, i),
                    marking=marking(rng),
                    language=language,
                    summary=f"Demo data: fictional case {case.key} held by {case.owner}.",
                    warrant_ref=f"AW/{case.owner}/2025/{rng.randrange(1, 9999):04d}"
                    if red
                    else None,
                    legal_basis=(
                        f"Arrest warrant issued by {court} for offences punishable by more "
                        "than two years' imprisonment; extradition will be requested."
                        if red
                        else None
                    ),
                )
            )
    return plans
