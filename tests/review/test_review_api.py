"""The hub's notice review over the API: the queue, each automatic check firing on a crafted
notice (and none on a clean one), and the decisions with their reasons, audit entries and the
owner's notifications."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from api.conftest import SHARED, Api
from conftest import FakeClock
from tanseeq.store.tables import AuditRow

WHY = {"justification": "review test"}


def _record(api: Api, who: str, schema: str, props: dict[str, list[str]]) -> str:
    r = api.post(who, "/records", json={"schema": schema, "properties": props, **SHARED})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _notice(api: Api, records: list[str], **fields: Any) -> str:
    body = {"kind": "yellow", "title": "Missing person", "records": records, **SHARED, **fields}
    r = api.post("owner", "/notices", json=body)
    assert r.status_code == 201, r.text
    nid = str(r.json()["id"])
    r = api.post("owner", f"/notices/{nid}/transitions", json={"action": "submit"})
    assert r.status_code == 200, r.text
    return nid


def _clean_person(api: Api, name: str = "Khadija Benali") -> str:
    props = {"name": [name], "birthDate": ["1990-04-02"], "nationality": ["ma"]}
    return _record(api, "owner", "Person", props)


def _checks(api: Api, nid: str) -> list[dict[str, Any]]:
    r = api.get("compliance", f"/review/notices/{nid}")
    assert r.status_code == 200, r.text
    return list(r.json()["checks"])


def _codes(checks: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(c["code"], c["severity"]) for c in checks}


def _decide(api: Api, nid: str, decision: str, **fields: Any) -> Any:
    return api.post(
        "compliance", f"/review/notices/{nid}/decision", json={"decision": decision, **fields}
    )


def _audit(api: Api, action: str, object_id: str) -> list[AuditRow]:
    with api.world.db.transaction() as session:
        query = sa.select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.seq)
        rows = session.scalars(query).all()
        return [r for r in rows if object_id in r.object_ids]


def _inbox(api: Api, who: str) -> list[dict[str, Any]]:
    r = api.get(who, "/notifications")
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_a_clean_notice_raises_no_check(api: Api) -> None:
    nid = _notice(api, [_clean_person(api)])
    assert _checks(api, nid) == []


def test_only_hub_compliance_sees_the_queue(api: Api, clock: FakeClock) -> None:
    older = _notice(api, [_clean_person(api, "Amina Tazi")])
    clock.advance(minutes=5)
    newer = _notice(api, [_clean_person(api, "Rachid Alaoui")], title="Second")
    r = api.get("compliance", "/review/notices")
    assert r.status_code == 200, r.text
    ids = [item["notice"]["id"] for item in r.json()["items"]]
    assert ids == [older, newer] and r.json()["total"] == 2  # oldest first
    for who in ("owner", "partner", "unrelated", "owner_admin", "hub_admin"):
        assert api.get(who, "/review/notices").status_code == 403, who
        assert api.get(who, f"/review/notices/{older}").status_code == 403, who
        r = api.post(who, f"/review/notices/{older}/decision", json={"decision": "publish"})
        assert r.status_code == 403, who
    assert api.get(None, "/review/notices").status_code == 401


def test_each_check_fires_on_a_crafted_notice(api: Api) -> None:
    person = _record(
        api,
        "owner",
        "Person",
        {
            "name": ["Youssef Hammouchi"],
            "birthDate": ["2090-01-01"],  # after the notice: an impossible date
            "passportNumber": ["P<MARHAMMOUCHI<<YOUSSEF<<<<<<<<<<<<<<<<<<<<<<"],  # no MRZ
        },
    )
    wallet = _record(api, "owner", "CryptoWallet", {"publicKey": ["W123456"]})
    first = _notice(api, [_clean_person(api, "Youssef Hamouchi")], title="Earlier notice")
    nid = _notice(
        api,
        [person, wallet],
        kind="red",
        title="Wanted for organising protests of the opposition",
        summary="عضو في حزب سياسي ينتمي إلى قبيلة",
        legal_basis="Penal code, art. 201",
        warrant_ref="W-2026-17",
    )
    checks = _checks(api, nid)
    codes = _codes(checks)
    assert ("required_fields", "error") in codes  # a red notice without offences
    assert ("dates", "error") in codes
    assert ("identifiers", "error") in codes  # the MRZ in the passport number
    assert ("identifiers", "warning") in codes  # the wallet
    assert ("particulars", "error") not in codes  # birth date + document
    assert ("article3", "flag") in codes
    assert ("duplicate", "warning") in codes
    article3 = next(c for c in checks if c["code"] == "article3")
    terms = article3["detail"]["terms"]
    assert {"protest*", "opposition"} <= set(terms["title"])
    assert {"حزب سياسي", "قبيله"} <= set(terms["summary"])
    assert "political" in article3["detail"]["categories"]
    assert "racial" in article3["detail"]["categories"]
    duplicate = next(c for c in checks if c["code"] == "duplicate")
    assert duplicate["detail"]["notice"] == first and first in duplicate["reason"]
    # Publication is refused while errors stand, naming them.
    r = _decide(api, nid, "publish", acknowledge=["article3"], reason="ok")
    assert r.status_code == 409, r.text
    locs = {e["loc"] for e in r.json()["errors"]}
    assert {"checks.required_fields", "checks.dates", "checks.identifiers"} <= locs


def test_particulars_are_required_for_a_red_notice(api: Api) -> None:
    bare = _record(api, "owner", "Person", {"name": ["Karim Idrissi"]})
    nid = _notice(
        api,
        [bare],
        kind="red",
        title="Armed robbery",
        offences=["armed robbery"],
        legal_basis="Penal code, art. 509",
        warrant_ref="W-2026-18",
    )
    assert _codes(_checks(api, nid)) == {("particulars", "error")}
    yellow = _notice(api, [bare], title="Missing since March")
    codes = _codes(_checks(api, yellow))
    assert ("particulars", "warning") in codes and ("particulars", "error") not in codes


def test_article3_in_french_and_arabic_spellings(api: Api) -> None:
    nid = _notice(api, [_clean_person(api)], title="Insoumission et désertion", summary="الردة")
    article3 = next(c for c in _checks(api, nid) if c["code"] == "article3")
    assert set(article3["detail"]["categories"]) == {"military", "religious"}
    # Orthographic variants normalise alike: hamza forms, ta marbuta, the article.
    other = _notice(api, [_clean_person(api, "Fatima Zahra")], title="المعارضه والمظاهرات")
    article3 = next(c for c in _checks(api, other) if c["code"] == "article3")
    assert set(article3["detail"]["terms"]["title"]) == {"معارض*", "مظاهر*"}


def test_decisions_with_reasons_audit_and_notify(api: Api) -> None:
    bare = _record(api, "owner", "Person", {"name": ["Nadia Chraibi"]})
    nid = _notice(
        api,
        [bare],
        kind="red",
        title="Fraud against opposition journalists",
        legal_basis="Penal code, art. 540",
        warrant_ref="W-2026-19",
    )
    # Ask for changes: a reason is required.
    assert _decide(api, nid, "return").status_code == 422
    r = _decide(api, nid, "return", reason="add the offences and the birth date")
    assert r.status_code == 200 and r.json()["notice"]["status"] == "draft", r.text
    inbox = _inbox(api, "owner")
    assert inbox[0]["kind"] == "review_decision" and inbox[0]["refs"] == {"notice": nid}
    assert "returned for changes" in inbox[0]["title"]
    assert "add the offences" in inbox[0]["body"]
    assert not [n for n in _inbox(api, "partner") if n["refs"].get("notice") == nid]
    # The owner fixes the notice and submits it again.
    fixed = _record(
        api,
        "owner",
        "Person",
        {"name": ["Nadia Chraibi"], "birthDate": ["1984"], "nationality": ["ma"]},
    )
    r = api.patch("owner", f"/notices/{nid}", json={"offences": ["fraud"], "records": [fixed]})
    assert r.status_code == 200, r.text
    api.post("owner", f"/notices/{nid}/transitions", json={"action": "submit"})
    assert _codes(_checks(api, nid)) == {("article3", "flag")}
    # A flag needs an explicit acknowledgement; the old endpoint cannot skip it either.
    r = _decide(api, nid, "publish")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "acknowledge", r.text
    r = api.post("compliance", f"/notices/{nid}/transitions", json={"action": "publish"})
    assert r.status_code == 422, r.text
    r = _decide(api, nid, "publish", acknowledge=["article3"])
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "reason", r.text
    r = _decide(api, nid, "publish", acknowledge=["article3"], reason="ordinary fraud case")
    assert r.status_code == 200 and r.json()["notice"]["status"] == "published", r.text
    (entry,) = _audit(api, "notice.publish", nid)
    assert entry.detail == {"acknowledged": ["article3"]}
    assert entry.justification == "ordinary fraud case"
    assert api.get("partner", f"/notices/{nid}").status_code == 200
    # Block while a complaint is examined, then unblock; reasons mandatory.
    assert _decide(api, nid, "block").status_code == 422
    r = _decide(api, nid, "block", reason="complaint received from the subject's lawyer")
    assert r.status_code == 200 and r.json()["notice"]["status"] == "suspended", r.text
    assert api.get("partner", f"/notices/{nid}").status_code == 404
    r = _decide(api, nid, "unblock", reason="complaint examined and dismissed")
    assert r.status_code == 200 and r.json()["notice"]["status"] == "published", r.text
    assert api.get("partner", f"/notices/{nid}").status_code == 200
    titles = [n["title"] for n in _inbox(api, "owner") if n["refs"].get("notice") == nid]
    assert len(titles) == 4  # returned, published, blocked, unblocked
    for action in ("notice.return", "notice.suspend", "notice.unsuspend"):
        (entry,) = _audit(api, action, nid)
        assert entry.justification


def test_rejected_notice_is_the_owners_alone(api: Api) -> None:
    nid = _notice(api, [_clean_person(api)])
    assert _decide(api, nid, "reject").status_code == 422  # a reason is required
    assert _decide(api, nid, "reject", reason="   ").status_code == 422
    r = _decide(api, nid, "reject", reason="a private dispute, not a police matter")
    assert r.status_code == 200 and r.json()["notice"]["status"] == "rejected", r.text
    assert api.get("owner", f"/notices/{nid}").json()["status"] == "rejected"
    for who in ("partner", "unrelated", "compliance"):
        assert api.get(who, f"/notices/{nid}").status_code == 404, who
    assert api.get("compliance", f"/review/notices/{nid}").status_code == 404
    assert _decide(api, nid, "publish").status_code == 404
    r = api.post("owner", f"/notices/{nid}/transitions", json={"action": "submit"})
    assert r.status_code == 409  # terminal
    (entry,) = _audit(api, "notice.reject", nid)
    assert entry.justification == "a private dispute, not a police matter"
    assert any(n["refs"].get("notice") == nid for n in _inbox(api, "owner"))


def test_checks_rerun_on_demand(api: Api) -> None:
    nid = _notice(api, [_clean_person(api, "Samir Bennani")])
    assert _checks(api, nid) == []
    _notice(api, [_clean_person(api, "Samir Benani")], title="Same man")
    r = api.post("compliance", f"/review/notices/{nid}/checks")
    assert r.status_code == 200, r.text
    assert _codes(r.json()["checks"]) == {("duplicate", "warning")}
    assert _audit(api, "review.check", nid)
