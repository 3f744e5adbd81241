"""Cooperation agreements of the demo.

The two MoUs of the Moroccan DGSN are modelled on the public announcements made at the 93rd
INTERPOL General Assembly in Marrakech (November 2025): with the Norwegian National Police on
transnational organised crime, and with the Ethiopian Federal Police on operational, technical
and intelligence cooperation against violent crime. Their clauses here (crime areas, data
categories, end dates) are illustrative, not the signed texts. The others are plausible
inventions for the demo, one of them expired.
"""

from __future__ import annotations

from datetime import date

from tanseeq.schemas import AgreementIn

GA_SIGNING = date(2025, 11, 25)

MOU_NORWAY = AgreementIn(
    title="MoU DGSN – Norwegian National Police on transnational organised crime",
    reference="MA-NO/2025/MoU",
    parties=["MA-NCB", "NO-POLICE"],
    crime_areas=[
        "organised_crime",
        "drug_trafficking",
        "migrant_smuggling",
        "trafficking_in_persons",
        "cybercrime",
        "financial_crime",
    ],
    valid_from=GA_SIGNING,
    valid_to=date(2030, 11, 24),
    signed_on=GA_SIGNING,
)

MOU_ETHIOPIA = AgreementIn(
    title=(
        "MoU DGSN – Ethiopian Federal Police on operational, technical and intelligence "
        "cooperation against violent crime"
    ),
    reference="MA-ET/2025/MoU",
    parties=["MA-NCB", "ET-FPC"],
    crime_areas=["violent_crime", "terrorism", "firearms", "trafficking_in_persons"],
    # Scoped to what such a MoU exchanges about suspects; notices are included so that a
    # notice can be distributed to the partner under the agreement.
    data_categories=["person", "document", "vehicle", "link", "notice"],
    valid_from=GA_SIGNING,
    valid_to=date(2030, 11, 24),
    signed_on=GA_SIGNING,
)

AFRIPOL_SAHEL = AgreementIn(
    title="AFRIPOL information-sharing framework on terrorism and trafficking (demo)",
    reference="AFRIPOL/2024/ISF-01",
    parties=["AFRIPOL", "SN-NCB", "MR-NCB", "NG-NCB", "ET-FPC"],
    crime_areas=[
        "terrorism",
        "trafficking_in_persons",
        "migrant_smuggling",
        "drug_trafficking",
        "firearms",
    ],
    valid_from=date(2024, 3, 1),
    signed_on=date(2024, 2, 15),
)

AIMC_ARAB = AgreementIn(
    title="Council of Arab Interior Ministers exchange on terrorism and cybercrime (demo)",
    reference="AIMC/2025/EX-07",
    parties=["AIMC", "MA-NCB", "TN-NCB", "EG-NCB", "AE-NCB", "MR-NCB"],
    crime_areas=["terrorism", "cybercrime", "financial_crime", "drug_trafficking"],
    valid_from=date(2025, 1, 1),
    signed_on=date(2024, 12, 10),
)

EXPIRED_STRAIT = AgreementIn(
    title="Strait of Gibraltar joint plan on migrant smuggling, 2019–2024 (demo, expired)",
    reference="MA-ES/2019/JP",
    parties=["MA-NCB", "ES-NCB"],
    crime_areas=["migrant_smuggling", "drug_trafficking"],
    valid_from=date(2019, 1, 1),
    valid_to=date(2024, 12, 31),
    signed_on=date(2018, 12, 3),
)

AGREEMENTS: dict[str, AgreementIn] = {
    "mou_norway": MOU_NORWAY,
    "mou_ethiopia": MOU_ETHIOPIA,
    "afripol": AFRIPOL_SAHEL,
    "aimc": AIMC_ARAB,
    "expired_strait": EXPIRED_STRAIT,
}
