"""The member agencies of the demo: real institutions, described only by public facts (their
names, kinds and seats). Regional organisations are given the country of their seat."""

from __future__ import annotations

from tanseeq.domain.types import AgencyKind
from tanseeq.schemas import AgencyIn

NCB, NAT, REG, SEC = (
    AgencyKind.NCB,
    AgencyKind.NATIONAL,
    AgencyKind.REGIONAL,
    AgencyKind.SECRETARIAT,
)


def _a(
    code: str,
    kind: AgencyKind,
    country: str | None,
    en: str,
    fr: str,
    ar: str,
    parent: str | None = None,
) -> AgencyIn:
    return AgencyIn(
        code=code, kind=kind, country=country, name_en=en, name_fr=fr, name_ar=ar, parent=parent
    )


# Order matters only in that a national agency follows its NCB.
AGENCIES: tuple[AgencyIn, ...] = (
    _a(
        "HUB",
        SEC,
        None,
        "Tanseeq hub secretariat",
        "Secrétariat du hub Tanseeq",
        "أمانة منصة تنسيق",
    ),
    _a(
        "MA-NCB",
        NCB,
        "MA",
        "INTERPOL NCB Rabat – General Directorate for National Security (DGSN)",
        "BCN Rabat – Direction générale de la Sûreté nationale (DGSN)",
        "المكتب المركزي الوطني أنتربول الرباط – المديرية العامة للأمن الوطني",
    ),
    _a(
        "MA-BNPJ",
        NAT,
        "MA",
        "National Judicial Police Brigade (BNPJ), Casablanca",
        "Brigade nationale de la police judiciaire (BNPJ), Casablanca",
        "الفرقة الوطنية للشرطة القضائية، الدار البيضاء",
        parent="MA-NCB",
    ),
    _a(
        "NO-POLICE",
        NCB,
        "NO",
        "Norwegian National Police – NCB Oslo",
        "Police nationale norvégienne – BCN Oslo",
        "الشرطة الوطنية النرويجية – المكتب المركزي الوطني أوسلو",
    ),
    _a(
        "ET-FPC",
        NCB,
        "ET",
        "Ethiopian Federal Police Commission – NCB Addis Ababa",
        "Commission de la police fédérale éthiopienne – BCN Addis-Abeba",
        "مفوضية الشرطة الفيدرالية الإثيوبية – المكتب المركزي الوطني أديس أبابا",
    ),
    _a(
        "AFRIPOL",
        REG,
        "DZ",
        "African Union Mechanism for Police Cooperation (AFRIPOL)",
        "Mécanisme de l'Union africaine pour la coopération policière (AFRIPOL)",
        "آلية الاتحاد الأفريقي للتعاون الشرطي (أفريبول)",
    ),
    _a(
        "EUROPOL",
        REG,
        "NL",
        "European Union Agency for Law Enforcement Cooperation (Europol)",
        "Agence de l'Union européenne pour la coopération des services répressifs (Europol)",
        "وكالة الاتحاد الأوروبي للتعاون في مجال إنفاذ القانون (يوروبول)",
    ),
    _a(
        "AIMC",
        REG,
        "TN",
        "Council of Arab Interior Ministers",
        "Conseil des ministres arabes de l'Intérieur",
        "مجلس وزراء الداخلية العرب",
    ),
    _a("ES-NCB", NCB, "ES", "INTERPOL NCB Madrid", "BCN Madrid", "المكتب المركزي الوطني مدريد"),
    _a(
        "DE-NCB",
        NCB,
        "DE",
        "INTERPOL NCB Wiesbaden (Federal Criminal Police Office, BKA)",
        "BCN Wiesbaden (Office fédéral de police criminelle, BKA)",
        "المكتب المركزي الوطني فيسبادن (المكتب الاتحادي للشرطة الجنائية)",
    ),
    _a("FR-NCB", NCB, "FR", "INTERPOL NCB Paris", "BCN Paris", "المكتب المركزي الوطني باريس"),
    _a("SN-NCB", NCB, "SN", "INTERPOL NCB Dakar", "BCN Dakar", "المكتب المركزي الوطني داكار"),
    _a(
        "MR-NCB",
        NCB,
        "MR",
        "INTERPOL NCB Nouakchott",
        "BCN Nouakchott",
        "المكتب المركزي الوطني نواكشوط",
    ),
    _a(
        "BR-NCB",
        NCB,
        "BR",
        "INTERPOL NCB Brasília",
        "BCN Brasília",
        "المكتب المركزي الوطني برازيليا",
    ),
    _a(
        "IN-NCB",
        NCB,
        "IN",
        "INTERPOL NCB New Delhi (Central Bureau of Investigation)",
        "BCN New Delhi (Bureau central d'enquête)",
        "المكتب المركزي الوطني نيودلهي (مكتب التحقيقات المركزي)",
    ),
    _a("KR-NCB", NCB, "KR", "INTERPOL NCB Seoul", "BCN Séoul", "المكتب المركزي الوطني سيول"),
    _a("EG-NCB", NCB, "EG", "INTERPOL NCB Cairo", "BCN Le Caire", "المكتب المركزي الوطني القاهرة"),
    _a("TN-NCB", NCB, "TN", "INTERPOL NCB Tunis", "BCN Tunis", "المكتب المركزي الوطني تونس"),
    _a("NG-NCB", NCB, "NG", "INTERPOL NCB Abuja", "BCN Abuja", "المكتب المركزي الوطني أبوجا"),
    _a(
        "AE-NCB",
        NCB,
        "AE",
        "INTERPOL NCB Abu Dhabi",
        "BCN Abou Dhabi",
        "المكتب المركزي الوطني أبوظبي",
    ),
)

CODES: tuple[str, ...] = tuple(a.code for a in AGENCIES)
