"""``/audit`` over HTTP: heads and proofs a partner can check with nothing but our public key,
entries for compliance only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import FakeClock
from tanseeq.api.app import create_app
from tanseeq.audit import (
    AuditEntry,
    SignedTreeHead,
    public_key_from_raw,
    verify_entry_inclusion,
    verify_head,
    verify_head_update,
)
from world import World

from .helpers import fill

EVERYONE = ("owner", "partner", "unrelated", "owner_admin", "hub_admin", "compliance")


class Client:
    def __init__(self, client: TestClient, world: World) -> None:
        self.client, self.world = client, world

    def get(self, who: str | None, path: str, **params: Any) -> httpx.Response:
        headers = {} if who is None else {"Authorization": f"Bearer {self.world.tokens[who]}"}
        response: httpx.Response = self.client.get(path, headers=headers, params=params)
        return response


@pytest.fixture
def api(world: World) -> Iterator[Client]:
    with TestClient(create_app(db=world.db)) as client:
        yield Client(client, world)


def _hashes(hexes: list[str]) -> list[bytes]:
    return [bytes.fromhex(h) for h in hexes]


def test_a_partner_witnesses_heads_and_entries(api: Client, clock: FakeClock) -> None:
    fill(api.world, 2)
    r = api.get("partner", "/audit/head")
    assert r.status_code == 200, r.text
    old = SignedTreeHead.from_dict(r.json())
    key = api.get("partner", "/audit/key").json()
    pub = public_key_from_raw(bytes.fromhex(key["public_key_raw_hex"]))
    assert verify_head(old, pub) and key["key_id"] == old.key_id
    # No growth, no new head: the same signed statement comes back.
    clock.advance(minutes=3)
    assert SignedTreeHead.from_dict(api.get("owner", "/audit/head").json()) == old

    fill(api.world, 3)
    clock.advance(minutes=3)
    new = SignedTreeHead.from_dict(api.get("unrelated", "/audit/head").json())
    assert new.tree_size > old.tree_size and verify_head(new, pub)
    cons = api.get("partner", "/audit/proof/consistency", old=old.tree_size, new=new.tree_size)
    assert cons.status_code == 200, cons.text
    assert verify_head_update(old, new, _hashes(cons.json()["path"]), pub)

    # Compliance shows the partner an entry; the partner checks it against the head it holds.
    page = api.get("compliance", "/audit/entries", action="record.get", limit=500).json()
    shown = page["items"][-1]
    entry = AuditEntry.from_dict(shown)
    assert entry.leaf_hash().hex() == shown["leaf_hash"]
    proof = api.get("partner", "/audit/proof/inclusion", seq=entry.seq, tree_size=new.tree_size)
    assert proof.status_code == 200, proof.text
    assert verify_entry_inclusion(entry, _hashes(proof.json()["path"]), new, pub)
    # A doctored entry does not pass with the same proof.
    forged = AuditEntry.from_dict({**shown, "user_id": "someone-else"})
    assert not verify_entry_inclusion(forged, _hashes(proof.json()["path"]), new, pub)


def test_who_may_call_what(api: Client) -> None:
    fill(api.world, 1)
    paths: list[tuple[str, dict[str, Any]]] = [
        ("/audit/head", {}),
        ("/audit/key", {}),
        ("/audit/proof/inclusion", {"seq": 0}),
        ("/audit/proof/consistency", {"old": 1, "new": 2}),
    ]
    for path, params in paths:
        assert api.get(None, path, **params).status_code == 401, path
        for who in EVERYONE:
            r = api.get(who, path, **params)
            assert r.status_code == 200, (who, path, r.text)
    assert api.get(None, "/audit/entries").status_code == 401
    for who in EVERYONE:
        r = api.get(who, "/audit/entries")
        assert r.status_code == (200 if who == "compliance" else 403), (who, r.text)
        if r.status_code == 403:
            assert "application/problem+json" in r.headers["content-type"]


def test_bad_proof_arguments_are_422(api: Client) -> None:
    size = SignedTreeHead.from_dict(api.get("owner", "/audit/head").json()).tree_size
    cases: list[tuple[str, dict[str, Any]]] = [
        ("/audit/proof/inclusion", {"seq": -1}),
        ("/audit/proof/inclusion", {"seq": size}),
        ("/audit/proof/inclusion", {"seq": 0, "tree_size": size + 1}),
        ("/audit/proof/inclusion", {"seq": "x"}),
        ("/audit/proof/inclusion", {"seq": 0, "tree_size": 2**70}),
        ("/audit/proof/consistency", {"old": 3, "new": 2}),
        ("/audit/proof/consistency", {"old": 0, "new": size + 1}),
        ("/audit/proof/consistency", {"old": 1}),
        ("/audit/entries", {"limit": 0}),
        ("/audit/entries", {"offset": 2**70}),
    ]
    for path, params in cases:
        r = api.get("compliance", path, **params)
        assert r.status_code == 422, (path, params, r.text)
