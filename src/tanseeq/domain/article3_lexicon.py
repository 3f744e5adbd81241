"""Words that suggest a notice may have a political, military, religious or racial character
(Article 3 of INTERPOL's Constitution), in English, French and Arabic.

Sources: the categories follow the public descriptions of Article 3 practice — offences against
the state's political order (opposition, parties, elections, protest, the press), pure military
offences (desertion, refusing service), religious offences (blasphemy, apostasy, proselytism)
and membership of an ethnic, tribal or racial group, plus insulting a head of state or a
monarch. The terms are our own, written for this lexicon; no text of the repository of practice
is copied. A match is never a refusal: it raises a *flag* the reviewer must look at and
acknowledge, because most of these words also appear in ordinary criminal cases (a journalist
can be a victim, a protest the scene of a murder).

Each term is one or more words. A trailing ``*`` matches any ending of the last word (``protest*``
finds "protesters", ``معارض*`` finds "المعارضة"). Latin terms are compared case-folded without
diacritics; Arabic terms after orthographic normalisation (hamza and alef forms, ta marbuta,
alef maqsura, diacritics) and with the article and common proclitics removed, so write them in
their bare form.
"""

from __future__ import annotations

POLITICAL = "political"
MILITARY = "military"
RELIGIOUS = "religious"
RACIAL = "racial"

LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    POLITICAL: {
        "en": (
            "opposition",
            "opponent*",
            "dissident*",
            "political party",
            "political parties",
            "political activi*",
            "political offence*",
            "protest*",
            "demonstration*",
            "demonstrator*",
            "journalist*",
            "blogger*",
            "election*",
            "electoral",
            "insulting the king",
            "insulting the head of state",
            "lese majeste",
            "insult* the president",
            "sedition",
            "seditious",
            "subversion",
            "regime",
            "coup d etat",
        ),
        "fr": (
            "opposant*",
            "parti politique",
            "partis politiques",
            "militant politique",
            "manifestation*",
            "manifestant*",
            "journaliste*",
            "elections",
            "electoral*",
            "offense au chef de l etat",
            "offense au roi",
            "outrage au chef de l etat",
            "crime de lese majeste",
            "atteinte a la surete de l etat",
            "subversi*",
            "dissident*",
        ),
        "ar": (
            "معارض*",
            "حزب سياسي",
            "احزاب سياسيه",
            "ناشط سياسي",
            "مظاهر*",
            "تظاهر*",
            "احتجاج*",
            "صحفي*",
            "صحافي*",
            "انتخاب*",
            "اهانه الملك",
            "المس بالذات الملكيه",
            "اهانه رئيس الدوله",
            "العيب في الذات",
            "قلب نظام الحكم",
            "انقلاب",
        ),
    },
    MILITARY: {
        "en": (
            "desertion",
            "deserter*",
            "deserted from",
            "absent without leave",
            "draft evasion",
            "draft dodg*",
            "conscientious objector*",
            "refus* military service",
            "military service",
            "mutiny",
            "insubordination",
        ),
        "fr": (
            "desertion",
            "deserteur*",
            "insoumission",
            "service militaire",
            "objecteur de conscience",
            "mutinerie",
        ),
        "ar": (
            "فرار من الخدمه العسكريه",
            "الفرار من الجنديه",
            "هارب من الجيش",
            "فار من الخدمه",
            "التهرب من التجنيد",
            "الخدمه العسكريه",
            "تمرد عسكري",
        ),
    },
    RELIGIOUS: {
        "en": (
            "blasphem*",
            "apostasy",
            "apostate*",
            "heresy",
            "heretic*",
            "proselyti*",
            "insulting religion",
            "defamation of religion*",
            "insult* the prophet",
            "religious offence*",
        ),
        "fr": (
            "blaspheme*",
            "apostasie",
            "apostat*",
            "heresie",
            "proselytisme",
            "atteinte aux religions",
            "outrage a la religion",
            "offense a la religion",
        ),
        "ar": (
            "ردة",
            "مرتد*",
            "ازدراء الاديان",
            "ازدراء الدين",
            "الاساءه للدين",
            "سب الدين",
            "الاساءه للرسول",
            "تجديف",
            "زندقه",
            "تبشير",
        ),
    },
    RACIAL: {
        "en": (
            "ethnic*",
            "tribe*",
            "tribal",
            "race",
            "racial",
            "clan",
            "minority",
        ),
        "fr": (
            "ethnie*",
            "ethnique*",
            "tribu*",
            "race",
            "racial*",
            "clan",
            "minorite",
        ),
        "ar": (
            "عرق",
            "عرقي*",
            "اثني*",
            "قبيله",
            "قبائل",
            "قبلي*",
            "عشيره",
            "طائفه",
            "طائفي*",
            "اقليه",
        ),
    },
}
