"""Pins the public API of tanseeq.audit: the store, services and partner tooling depend on it,
so a change must be deliberate (update this list and say so in the changelog)."""

from __future__ import annotations

import tanseeq.audit

EXPECTED = {
    "EMPTY_ROOT",
    "FORMAT_VERSION",
    "HASH_SIZE",
    "OUTCOMES",
    "STH_DOMAIN",
    "AuditEntry",
    "DetailScalar",
    "DetailValue",
    "Finding",
    "Frontier",
    "InvalidAuditEntry",
    "KeyFileError",
    "LeafSource",
    "LogReport",
    "Outcome",
    "Problem",
    "SecretInAuditEntry",
    "SignedTreeHead",
    "consistency_proof",
    "generate_key",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "load_private_key",
    "load_public_key",
    "node_hash",
    "public_key_from_raw",
    "public_key_raw",
    "root",
    "save_private_key",
    "save_public_key",
    "sign_head",
    "subtree_root",
    "verify_consistency",
    "verify_entry_inclusion",
    "verify_head",
    "verify_head_update",
    "verify_inclusion",
    "verify_log",
}


def test_public_api_is_pinned() -> None:
    assert set(tanseeq.audit.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(tanseeq.audit, name) is not None
