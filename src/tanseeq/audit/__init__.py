"""Tamper-evident audit log: entries, RFC 6962 Merkle tree, signed tree heads, verification.

Pure library, no database: the store persists ``AuditEntry`` rows with their ``leaf_hash()``
and a ``Frontier`` in the same transaction as the action they record; partner agencies keep
our ``SignedTreeHead``s as witnesses; ``verify_log`` checks the whole log against them.
"""

from tanseeq.audit.entry import (
    FORMAT_VERSION,
    OUTCOMES,
    AuditEntry,
    DetailScalar,
    DetailValue,
    InvalidAuditEntry,
    Outcome,
    SecretInAuditEntry,
)
from tanseeq.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    LeafSource,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    subtree_root,
    verify_consistency,
    verify_inclusion,
)
from tanseeq.audit.signing import (
    STH_DOMAIN,
    KeyFileError,
    SignedTreeHead,
    generate_key,
    key_id,
    load_private_key,
    load_public_key,
    public_key_from_raw,
    public_key_raw,
    save_private_key,
    save_public_key,
    sign_head,
    verify_head,
)
from tanseeq.audit.verify import Finding, LogReport, Problem, verify_log

__all__ = [
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
    "verify_head",
    "verify_inclusion",
    "verify_log",
]
