"""Name pools for the demo's fictional people, written for this project.

Arabic names carry the spellings they really travel under: a French-Maghrebi transcription
(Youssef, Rachid, Ouazzani), an English one (Yusuf, Rashid, Wazzani) and sometimes more. The
surnames are common ones; surnames of public figures (heads of state and government, ministers
of the interior, police chiefs, heads of the organisations in the demo) are listed in
``EXCLUDED_SURNAMES`` and filtered out of every pool, so no real person can be portrayed as
wanted or suspected by accident.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    """One name: its Arabic spelling (if it has one) and its Latin spellings, usual one first."""

    arabic: str | None
    latin: tuple[str, ...]


def _forms(*rows: tuple[str | None, str]) -> tuple[Form, ...]:
    return tuple(Form(ar, tuple(lat.split("/"))) for ar, lat in rows)


# Surnames (and surname particles) of public figures: never generated.
EXCLUDED_SURNAMES: frozenset[str] = frozenset(
    {
        "hammouchi",
        "akhannouch",
        "laftit",
        "benkirane",
        "el othmani",
        "alaoui",
        "el alaoui",
        "mansouri",
        "el mansouri",
        "benmoussa",
        "el fassi",
        "bensaid",
        "ben ali",
        "trabelsi",
        "saied",
        "essebsi",
        "bourguiba",
        "jebali",
        "bouazizi",
        "ghazouani",
        "ould abdel aziz",
        "ould cheikh",
        "tebboune",
        "bouteflika",
        "sisi",
        "el sisi",
        "mubarak",
        "morsi",
        "sadat",
        "nasser",
        "naguib",
        "mansour",
        "al nahyan",
        "al maktoum",
        "al raisi",
        "al nuaimi",
        "raisi",
        "gaddafi",
        "assad",
        "belhaj",
        "abiy",
        "mengistu",
        "tinubu",
        "buhari",
        "obasanjo",
        "abubakar",
        "faye",
        "sall",
        "wade",
        "sonko",
        "macron",
        "nunez",
        "retailleau",
        "le pen",
        "scholz",
        "merz",
        "steinmeier",
        "dobrindt",
        "munch",
        "sanchez",
        "marlaska",
        "bolsonaro",
        "da silva",
        "silva",
        "urquiza",
        "stock",
        "de bolle",
        "bjornland",
        "store",
        "modi",
        "shah",
        "gandhi",
        "singh",
        "lee",
        "kim",
        "park",
        "yoon",
        "moon",
        "chelba",
        "erdogan",
        "putin",
        "trump",
        "biden",
    }
)


def excluded(latin: str) -> bool:
    import unicodedata

    folded = "".join(
        c for c in unicodedata.normalize("NFKD", latin) if not unicodedata.combining(c)
    ).casefold()
    return folded in EXCLUDED_SURNAMES


def _clean(forms: tuple[Form, ...]) -> tuple[Form, ...]:
    return tuple(f for f in forms if not any(excluded(v) for v in f.latin))


ARAB_MALE = _forms(
    ("يوسف", "Youssef/Yusuf/Youssouf"),
    ("محمد", "Mohammed/Muhammad/Mohamed"),
    ("أحمد", "Ahmed/Ahmad"),
    ("عبد الله", "Abdellah/Abdullah/Abdallah"),
    ("عمر", "Omar/Umar"),
    ("خالد", "Khalid/Khaled"),
    ("حسن", "Hassan/Hasan"),
    ("إبراهيم", "Brahim/Ibrahim"),
    ("مصطفى", "Mustapha/Mustafa"),
    ("رشيد", "Rachid/Rashid"),
    ("سعيد", "Said/Saeed"),
    ("كريم", "Karim/Kareem"),
    ("عادل", "Adil/Adel"),
    ("هشام", "Hicham/Hisham"),
    ("طارق", "Tarik/Tariq"),
    ("نبيل", "Nabil/Nabeel"),
    ("إدريس", "Driss/Idris"),
    ("عثمان", "Othmane/Uthman/Osman"),
    ("أيوب", "Ayoub/Ayyub"),
    ("زكرياء", "Zakaria/Zakariya"),
    ("بلال", "Bilal/Belal"),
    ("أنس", "Anas/Anass"),
    ("حمزة", "Hamza/Hamzah"),
    ("مهدي", "Mehdi/Mahdi"),
    ("سفيان", "Soufiane/Sufyan"),
    ("عبد الرحيم", "Abderrahim/Abdul Rahim"),
    ("نور الدين", "Noureddine/Nur al-Din"),
    ("جمال", "Jamal/Djamel"),
)

ARAB_FEMALE = _forms(
    ("فاطمة", "Fatima/Fatma/Fatimah"),
    ("خديجة", "Khadija/Khadidja/Khadijah"),
    ("مريم", "Meryem/Maryam/Mariam"),
    ("عائشة", "Aicha/Aisha/Aysha"),
    ("سلمى", "Salma/Selma"),
    ("نادية", "Nadia/Nadiya"),
    ("زينب", "Zineb/Zaynab/Zeinab"),
    ("حنان", "Hanane/Hanan"),
    ("سناء", "Sanaa/Sana"),
    ("ليلى", "Leila/Layla/Laila"),
    ("أسماء", "Asmae/Asma"),
    ("كوثر", "Kaoutar/Kawthar"),
    ("إيمان", "Imane/Iman"),
    ("هدى", "Houda/Huda"),
    ("نورة", "Noura/Nora"),
    ("سكينة", "Soukaina/Sukayna"),
    ("وفاء", "Wafae/Wafa"),
    ("رجاء", "Rajae/Raja"),
)

MAGHREB_FAMILY = _clean(
    _forms(
        ("الإدريسي", "El Idrissi/Al-Idrisi/Idrissi"),
        ("التازي", "Tazi/Al-Tazi"),
        ("بناني", "Bennani/Binani"),
        ("الشرقاوي", "Cherkaoui/Al-Sharqawi"),
        ("الزياني", "Ziani/Al-Zayani"),
        ("العمراني", "El Amrani/Al-Imrani/Amrani"),
        ("البقالي", "Bakkali/Al-Baqqali"),
        ("الحسني", "El Hassani/Al-Hasani"),
        ("الرحماني", "Rahmani/Al-Rahmani"),
        ("القادري", "Kadiri/Al-Qadiri"),
        ("الوزاني", "Ouazzani/Al-Wazzani/Wazzani"),
        ("الصديقي", "Seddiki/Al-Siddiqi"),
        ("بوزيد", "Bouzid/Abu Zayd"),
        ("الناصري", "Naciri/Al-Nasiri"),
        ("أمزيان", "Amziane/Amzian"),
        ("أوحمو", "Ouhammou/Uhammu"),
        ("آيت علي", "Ait Ali/Ayt Ali"),
        ("الخياطي", "Khayati/Al-Khayyati"),
        ("السباعي", "Sebbai/Al-Sibai"),
        ("الحداد", "Haddad/El Haddad/Al-Haddad"),
        ("العطار", "El Attar/Al-Attar/Attar"),
        ("الطاهري", "Tahiri/Al-Tahiri"),
        ("بن عمار", "Ben Ammar/Bin Ammar/Benammar"),
        ("بن حمودة", "Ben Hamouda/Bin Hammuda"),
        ("بن مبروك", "Ben Mabrouk/Bin Mabruk"),
        ("بن عمر", "Ben Amor/Bin Umar/Benamor"),
        ("الغربي", "Gharbi/Al-Gharbi"),
        ("المجري", "Mejri/Al-Majri"),
        ("شعبان", "Chaabane/Shaban"),
        ("العياري", "Ayari/Al-Ayyari"),
        ("الدريدي", "Dridi/Al-Duraydi"),
        ("بوعلام", "Boualem/Bu Allam"),
        ("زروال", "Zerouali/Zarwali"),
    )
)

EGYPT_FAMILY = _clean(
    _forms(
        ("عبد الرحمن", "Abdel Rahman/Abdul Rahman/Abderrahmane"),
        ("السيد", "El Sayed/Al-Sayyid/Elsayed"),
        ("فتحي", "Fathy/Fathi"),
        ("شوقي", "Shawky/Shawqi/Chawki"),
        ("رجب", "Ragab/Rajab"),
        ("زكي", "Zaki/Zaky"),
        ("صالح", "Saleh/Salih"),
        ("حجازي", "Hegazy/Hijazi"),
        ("فؤاد", "Fouad/Fuad"),
        ("عاشور", "Ashour/Ashur/Achour"),
        ("بدوي", "Badawi/Badawy"),
        ("الشناوي", "El Shenawy/Al-Shinnawi"),
    )
)

GULF_FAMILY = _clean(
    _forms(
        ("السويدي", "Al Suwaidi/Al-Suwaydi"),
        ("الكتبي", "Al Ketbi/Al-Kitbi"),
        ("المزروعي", "Al Mazrouei/Al-Mazrui"),
        ("الفلاسي", "Al Falasi/Al-Falasi"),
        ("الحمادي", "Al Hammadi/Al-Hamadi"),
        ("الشامسي", "Al Shamsi/Al-Shamsi"),
        ("المرزوقي", "Al Marzouqi/Al-Marzuqi"),
        ("الظاهري", "Al Dhaheri/Al-Zahiri"),
    )
)

# Mauritanian names: given name + Ould (son of) / Mint (daughter of) + the father's name.
MAURITANIA_FATHERS = _forms(
    ("سيدي", "Sidi/Sidy"),
    ("أحمدو", "Ahmedou/Ahmadu"),
    ("محمود", "Mahmoud/Mahmud"),
    ("سالم", "Salem/Salim"),
    ("إبراهيم", "Brahim/Ibrahim"),
    ("الشيخنا", "Cheikhna/Shaykhna"),
    ("المختار", "El Moctar/Al-Mukhtar"),
    ("اعل", "Ely/Ali"),
    ("باب", "Babe/Bab"),
)


def _plain(names: str) -> tuple[Form, ...]:
    return _clean(tuple(Form(None, (n,)) for n in names.split()))


def _plain_compound(names: str) -> tuple[Form, ...]:
    """Names separated by commas, for family names with a space in them."""
    return _clean(tuple(Form(None, (n.strip(),)) for n in names.split(",")))


@dataclass(frozen=True)
class Pool:
    male: tuple[Form, ...]
    female: tuple[Form, ...]
    family: tuple[Form, ...]
    english_first: bool = False  # Arabic names here are usually transcribed the English way


POOLS: dict[str, Pool] = {
    "maghreb": Pool(ARAB_MALE, ARAB_FEMALE, MAGHREB_FAMILY),
    "egypt": Pool(ARAB_MALE, ARAB_FEMALE, EGYPT_FAMILY, english_first=True),
    "gulf": Pool(ARAB_MALE, ARAB_FEMALE, GULF_FAMILY, english_first=True),
    "mauritania": Pool(ARAB_MALE, ARAB_FEMALE, ()),
    "senegal": Pool(
        _plain("Mamadou Cheikh Ousmane Abdoulaye Ibrahima Modou Pape Aliou Babacar Moustapha"),
        _plain("Aminata Fatou Awa Mariama Khady Ndeye Coumba Astou Bineta Adama"),
        _plain("Diop Ndiaye Fall Gueye Sow Diallo Ba Sy Mbaye Cisse Seck Niang Thiam Kane"),
    ),
    "ethiopia": Pool(
        _plain("Dawit Yonas Tesfaye Henok Samuel Abebe Solomon Bereket Mulugeta Yohannes"),
        _plain("Hanna Meron Selam Tigist Bethlehem Almaz Saba Mekdes Rahel Liya"),
        _plain("Bekele Girma Tadesse Alemu Getachew Kebede Assefa Desta Wolde Negash Tsegaye"),
    ),
    "nigeria": Pool(
        _plain("Chinedu Emeka Oluwaseun Tunde Ifeanyi Segun Usman Yakubu Kelechi Adewale"),
        _plain("Ngozi Chioma Funmilayo Amaka Zainab Halima Blessing Folake Adaeze Hauwa"),
        _plain("Okafor Adeyemi Eze Bello Okonkwo Adebayo Nwosu Usman Musa Danjuma Ogunleye"),
    ),
    "spain": Pool(
        _plain("Javier Carlos Alejandro Miguel Sergio Pablo Raúl Diego Álvaro Jorge"),
        _plain("Lucía María Carmen Laura Elena Paula Marta Cristina Sara Irene"),
        _plain("García Fernández López Martín Gómez Ruiz Díaz Moreno Jiménez Navarro Romero"),
    ),
    "germany": Pool(
        _plain("Jonas Lukas Tobias Florian Sebastian Matthias Stefan Jan Niklas Markus"),
        _plain("Anna Julia Katharina Laura Lena Sabine Claudia Miriam Jana Sophie"),
        _plain("Müller Schmidt Schneider Fischer Weber Wagner Becker Hoffmann Koch Richter"),
    ),
    "france": Pool(
        _plain("Julien Nicolas Thomas Antoine Maxime Guillaume Romain Kevin Hugo Mathieu"),
        _plain("Camille Julie Manon Pauline Céline Claire Émilie Sophie Chloé Marine"),
        _plain("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Girard"),
    ),
    "norway": Pool(
        _plain("Lars Ole Magnus Henrik Anders Even Sindre Eirik Kristian Jonas"),
        _plain("Ingrid Kari Silje Marte Ida Nora Hanne Synne Tuva Maren"),
        _plain("Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Berg"),
    ),
    "brazil": Pool(
        _plain("João Pedro Lucas Gabriel Rafael Thiago Bruno Felipe Rodrigo Marcelo"),
        _plain("Ana Juliana Fernanda Beatriz Larissa Camila Mariana Letícia Patrícia Aline"),
        _plain("Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa Ribeiro"),
    ),
    "india": Pool(
        _plain("Arjun Rahul Vikram Rohan Aditya Karthik Suresh Anil Deepak Nikhil"),
        _plain("Priya Ananya Kavya Divya Neha Pooja Lakshmi Meera Sneha Aishwarya"),
        _plain("Sharma Verma Gupta Iyer Nair Reddy Patel Kumar Das Rao Menon Pillai"),
    ),
    "korea": Pool(
        _plain_compound("Min-jun, Seo-jun, Ji-ho, Hyun-woo, Do-yoon, Jae-won, Sung-min"),
        _plain_compound("Seo-yeon, Ji-woo, Ha-eun, Min-seo, Su-bin, Ye-jin, Da-eun"),
        _plain("Choi Kang Jung Lim Seo Shin Kwon Song Hwang Ahn"),
    ),
}

ARABIC_POOLS = frozenset({"maghreb", "egypt", "gulf", "mauritania"})

# Nationality → the name pools its people are drawn from, with weights: a French or Spanish
# national is often of Maghrebi descent, which is where the French and English spellings of
# one Arabic name meet.
NATIONALITY_POOLS: dict[str, tuple[tuple[str, int], ...]] = {
    "MA": (("maghreb", 1),),
    "DZ": (("maghreb", 1),),
    "TN": (("maghreb", 1),),
    "LY": (("maghreb", 1),),
    "MR": (("mauritania", 1),),
    "EG": (("egypt", 1),),
    "AE": (("gulf", 1),),
    "SA": (("gulf", 1),),
    "SN": (("senegal", 1),),
    "ET": (("ethiopia", 1),),
    "NG": (("nigeria", 1),),
    "ES": (("spain", 3), ("maghreb", 1)),
    "DE": (("germany", 5), ("maghreb", 1)),
    "FR": (("france", 3), ("maghreb", 2)),
    "NO": (("norway", 6), ("maghreb", 1)),
    "BR": (("brazil", 1),),
    "IN": (("india", 1),),
    "KR": (("korea", 1),),
}
