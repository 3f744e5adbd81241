"""One-line factories for audit entries and logs, shared by the audit tests.

A fixed clock (never the wall clock) keeps hashes reproducible; the content mixes Arabic and
Latin text, every outcome, and lists, so the canonical encoding is exercised on every test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tanseeq.audit import AuditEntry

T0 = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)

_ACTIONS = ("record.get", "record.update", "record.share", "record.erase", "screening.run")
_OUTCOMES = ("ok", "denied", "not_found", "error")


def make_entry(seq: int, /, **overrides: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "seq": seq,
        "at": T0 + timedelta(seconds=seq),
        "user_id": f"user-{seq % 7}",
        "agency_id": ("MA-DGSN", "TN-DGSN", "JO-PSD")[seq % 3],
        "action": _ACTIONS[seq % len(_ACTIONS)],
        "object_ids": (f"rec-{seq}", f"rec-{seq * 3}"),
        "outcome": _OUTCOMES[seq % len(_OUTCOMES)],
        "justification": "تحقيق في قضية تهريب" if seq % 2 else "case 2026/114",
        "recipients": ("TN-DGSN",) if seq % 5 == 0 else (),
        "detail": {"query": f"محمد {seq}", "hits": seq % 11},
    }
    fields.update(overrides)
    return AuditEntry(**fields)


def make_log(n: int) -> tuple[list[AuditEntry], list[bytes]]:
    entries = [make_entry(i) for i in range(n)]
    return entries, [e.leaf_hash() for e in entries]
