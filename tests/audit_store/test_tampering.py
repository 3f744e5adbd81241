"""Tampering with the STORED log, the way someone with database access would.

A log with several signed heads is built once per test; each round applies one random mutation
to the rows (edit a field, forge a row with a recomputed hash, delete, swap, truncate, renumber,
append, rewrite everything consistently, edit audit_state or a stored head), checks that
``auditing.verify`` reports it with the right problem at the right entry, and restores the
snapshot. Every tenth round also runs ``tanseeq audit verify`` and expects exit 1 naming that
entry. The seed is fixed, so a failure replays exactly.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from conftest import FakeClock
from tanseeq.audit import AuditEntry, Frontier, Problem
from tanseeq.cli.audit import audit_app
from tanseeq.services import auditing
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditHead, AuditRow, AuditState
from world import World

from .helpers import fill

LOG = cast(sa.Table, AuditRow.__table__)
HEADS = cast(sa.Table, AuditHead.__table__)
STATE = cast(sa.Table, AuditState.__table__)
ROUNDS = 400
CONTENT = (
    "at",
    "user_id",
    "agency_id",
    "action",
    "object_ids",
    "outcome",
    "justification",
    "recipients",
    "detail",
)


@dataclass
class Expect:
    """What verify must report: the problem, and the entry (exact, or a range holding it)."""

    problems: frozenset[Problem]
    seq: int | None = None
    within: bool = False  # seq must lie in finding.seq..finding.last_seq (rewrites)


@dataclass
class Log:
    db: Database
    rows: list[dict[str, Any]]
    heads: list[dict[str, Any]]
    state: dict[str, Any]

    @property
    def n(self) -> int:
        return len(self.rows)

    def restore(self) -> None:
        with self.db.transaction() as s:
            s.execute(LOG.delete())
            s.execute(HEADS.delete())
            s.execute(STATE.update().values(self.state))
            s.execute(LOG.insert(), self.rows)
            s.execute(HEADS.insert(), self.heads)


def _snapshot(db: Database) -> Log:
    with db.transaction() as s:
        rows = [dict(r._mapping) for r in s.execute(sa.select(LOG).order_by(LOG.c.seq))]
        heads = [dict(r._mapping) for r in s.execute(sa.select(HEADS).order_by(HEADS.c.id))]
        state = dict(s.execute(sa.select(STATE)).one()._mapping)
    return Log(db, rows, heads, state)


@pytest.fixture
def log(world: World, clock: FakeClock) -> Log:
    # Heads at several sizes, the last covering the whole log, so a rewrite is located to the
    # stretch between two heads.
    for _ in range(6):
        fill(world, 3)
        clock.advance(minutes=10)
        auditing.sign_head(world.db)
    return _snapshot(world.db)


def _rebuild(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The row with ``changes`` and a correctly recomputed leaf hash: a forger's row."""
    new = {**row, **changes}
    entry = AuditEntry(
        seq=new["seq"],
        at=new["at"],
        user_id=new["user_id"],
        agency_id=new["agency_id"],
        action=new["action"],
        object_ids=new["object_ids"],
        outcome=new["outcome"],
        justification=new["justification"],
        recipients=new["recipients"],
        detail=new["detail"],
    )
    new["leaf_hash"] = entry.leaf_hash().hex()
    return new


def _other_value(rng: random.Random, field: str, value: Any) -> Any:
    """A plausible different value for one column, as an editor of the table would write."""
    choices: dict[str, Callable[[], Any]] = {
        "at": lambda: value + timedelta(microseconds=rng.choice([1, -1, 1000, 3_600_000_000])),
        "user_id": lambda: rng.choice(["intruder", None, str(value)[:-1] + "x"]),
        "agency_id": lambda: rng.choice(["other-agency", "node", str(value)[:-1] + "0"]),
        "action": lambda: rng.choice(["record.delete", "record.get", "audit.read", "Bad Action"]),
        "object_ids": lambda: rng.choice([[], [*value, "forged-id"], [*reversed(value), "x"]]),
        "outcome": lambda: rng.choice(["ok", "denied", "error", "bogus"]),
        "justification": lambda: rng.choice([None, "cleaned up", (value or "") + "."]),
        "recipients": lambda: rng.choice([["attacker"], [*value, "x"]]),
        "detail": lambda: rng.choice([{}, {**value, "extra": 1}, {"schema": "Vehicle"}]),
    }
    for _ in range(20):
        new = choices[field]()
        if new != value:
            return new
    raise AssertionError(f"no different value for {field}")


def _update(db: Database, seq: int, **values: Any) -> None:
    with db.transaction() as s:
        s.execute(LOG.update().where(LOG.c.seq == seq).values(**values))


def _replace_all(db: Database, rows: list[dict[str, Any]], frontier: Frontier) -> None:
    with db.transaction() as s:
        s.execute(LOG.delete())
        if rows:
            s.execute(LOG.insert(), rows)
        s.execute(STATE.update().values(tree_size=frontier.size, frontier=frontier.to_json()))


def _frontier_of(rows: list[dict[str, Any]]) -> Frontier:
    return Frontier.from_leaves(bytes.fromhex(r["leaf_hash"]) for r in rows)


# --- the mutations: each changes the stored log and says what verify must find ---------------


def edit_field(log: Log, rng: random.Random) -> Expect:
    k = rng.randrange(log.n)
    field = rng.choice(CONTENT)
    _update(log.db, k, **{field: _other_value(rng, field, log.rows[k][field])})
    return Expect(frozenset({Problem.EDITED}), k)


def edit_hash(log: Log, rng: random.Random) -> Expect:
    k = rng.randrange(log.n)
    old = log.rows[k]["leaf_hash"]
    if rng.random() < 0.3:
        _update(log.db, k, leaf_hash=old[:-2])
        return Expect(frozenset({Problem.MALFORMED}), k)
    _update(log.db, k, leaf_hash=old[:-1] + ("0" if old[-1] != "0" else "1"))
    return Expect(frozenset({Problem.EDITED}), k)


def edit_raw(log: Log, rng: random.Random) -> Expect:
    """Raw SQL the ORM would never write: undecodable time or JSON text."""
    k = rng.randrange(log.n)
    if log.db.is_sqlite:
        column, value = rng.choice(
            [("at", "yesterday"), ("detail", "{not json"), ("object_ids", "[1, 2"), ("at", "")]
        )
    else:
        column, value = rng.choice([("detail", '"a string"'), ("object_ids", '{"a": 1}')])
    with log.db.transaction() as s:
        s.execute(
            sa.text(f"UPDATE audit_log SET {column} = :v WHERE seq = :k"), {"v": value, "k": k}
        )
    return Expect(frozenset({Problem.EDITED}), k)


def forge_row(log: Log, rng: random.Random) -> Expect:
    """Edit one entry and recompute its hash: consistent row, but the heads expose it."""
    k = rng.randrange(log.n)
    field = rng.choice([f for f in CONTENT if f not in ("user_id", "action", "outcome")])
    forged = _rebuild(log.rows[k], **{field: _other_value(rng, field, log.rows[k][field])})
    _update(log.db, k, **{field: forged[field], "leaf_hash": forged["leaf_hash"]})
    return Expect(frozenset({Problem.REWRITTEN}), k, within=True)


def delete_row(log: Log, rng: random.Random) -> Expect:
    k = rng.randrange(log.n)
    with log.db.transaction() as s:
        s.execute(LOG.delete().where(LOG.c.seq == k))
    if k == log.n - 1:
        return Expect(frozenset({Problem.TRUNCATED}), k)
    return Expect(frozenset({Problem.MISSING}), k)


def swap_rows(log: Log, rng: random.Random) -> Expect:
    i, j = sorted(rng.sample(range(log.n), 2))
    with_hash = rng.random() < 0.5
    fields = [*CONTENT, "leaf_hash"] if with_hash else list(CONTENT)
    a, b = log.rows[i], log.rows[j]
    if all(a[f] == b[f] for f in fields):
        return swap_rows(log, rng)
    _update(log.db, i, **{f: b[f] for f in fields})
    _update(log.db, j, **{f: a[f] for f in fields})
    return Expect(frozenset({Problem.EDITED}), i)


def truncate(log: Log, rng: random.Random) -> Expect:
    k = rng.randrange(log.n)
    fix_state = rng.random() < 0.5
    with log.db.transaction() as s:
        s.execute(LOG.delete().where(LOG.c.seq >= k))
    if fix_state:
        _replace_all(log.db, log.rows[:k], _frontier_of(log.rows[:k]))
    return Expect(frozenset({Problem.TRUNCATED}), k)


def append_forged(log: Log, rng: random.Random) -> Expect:
    """A well-formed entry with a correct hash appended behind the writer's back."""
    last = log.rows[-1]
    forged = _rebuild(last, seq=log.n, action="record.get", object_ids=["planted"])
    with log.db.transaction() as s:
        s.execute(LOG.insert(), [forged])
    return Expect(frozenset({Problem.FRONTIER}), log.n)


def insert_forged(log: Log, rng: random.Random) -> Expect:
    """Insert an entry in the middle, renumber everything after it, recompute every hash and
    the frontier: internally perfect, caught only by the signed heads."""
    k = rng.randrange(log.n)
    forged = _rebuild(log.rows[k], action="record.get", object_ids=["planted"])
    rows = [*log.rows[:k], forged, *log.rows[k:]]
    rows = [_rebuild(r, seq=i) for i, r in enumerate(rows)]
    _replace_all(log.db, rows, _frontier_of(rows))
    return Expect(frozenset({Problem.REWRITTEN}), k, within=True)


def rewrite_dropping(log: Log, rng: random.Random) -> Expect:
    """Drop one entry, renumber and recompute everything: a consistent but shorter log."""
    k = rng.randrange(log.n)
    rows = [_rebuild(r, seq=i) for i, r in enumerate(log.rows[:k] + log.rows[k + 1 :])]
    _replace_all(log.db, rows, _frontier_of(rows))
    first_head_after = min(h["tree_size"] for h in log.heads if h["tree_size"] > k)
    if first_head_after > len(rows):
        # No head falls inside the shorter log past k: it shows as cut short.
        return Expect(frozenset({Problem.TRUNCATED}), len(rows))
    return Expect(frozenset({Problem.REWRITTEN}), k, within=True)


def renumber(log: Log, rng: random.Random) -> Expect:
    """Shift the seq of every entry from k on (leaving a gap), hashes untouched."""
    k = rng.randrange(log.n)
    with log.db.transaction() as s:
        # Highest first, so the primary key never collides mid-update.
        for seq in range(log.n - 1, k - 1, -1):
            s.execute(LOG.update().where(LOG.c.seq == seq).values(seq=seq + 1))
    return Expect(frozenset({Problem.MISSING}), k)


def edit_state(log: Log, rng: random.Random) -> Expect:
    size, text = log.state["tree_size"], log.state["frontier"]
    shorter = _frontier_of(log.rows[:-1])
    choice = rng.randrange(4)
    if choice == 0:
        values: dict[str, Any] = {"tree_size": size + rng.choice([1, -1, 1000])}
        expect = Expect(frozenset({Problem.FRONTIER}))
    elif choice == 1:
        values = {"frontier": rng.choice(["{", "[]", '{"size": 1}', text.replace("a", "b", 1)])}
        expect = Expect(frozenset({Problem.FRONTIER}))
    elif choice == 2:
        values = {"tree_size": shorter.size, "frontier": shorter.to_json()}
        expect = Expect(frozenset({Problem.FRONTIER}), shorter.size)
    else:
        flipped = Frontier(size, (bytes(32), *Frontier.from_json(text).hashes[1:]))
        values = {"frontier": flipped.to_json()}
        expect = Expect(frozenset({Problem.FRONTIER}))
    with log.db.transaction() as s:
        s.execute(STATE.update().values(values))
    return expect


def edit_head(log: Log, rng: random.Random) -> Expect:
    head = rng.choice(log.heads)
    field = rng.choice(["tree_size", "root", "timestamp", "signature"])
    value = {
        "tree_size": head["tree_size"] + rng.choice([1, -1, -(2**40)]),
        "root": rng.choice([head["root"][::-1], "zz" + head["root"][2:], head["root"][:10]]),
        "timestamp": head["timestamp"] + timedelta(seconds=1),
        "signature": head["signature"][:10]
        + ("A" if head["signature"][10] != "A" else "B")
        + head["signature"][11:],
    }[field]
    with log.db.transaction() as s:
        s.execute(HEADS.update().where(HEADS.c.id == head["id"]).values({field: value}))
    return Expect(frozenset({Problem.BAD_SIGNATURE}))


MUTATIONS: list[Callable[[Log, random.Random], Expect]] = [
    edit_field,
    edit_field,
    edit_hash,
    edit_raw,
    forge_row,
    delete_row,
    swap_rows,
    truncate,
    append_forged,
    insert_forged,
    rewrite_dropping,
    renumber,
    edit_state,
    edit_head,
]


def _check(report_finding: Any, expect: Expect, what: str) -> None:
    assert report_finding is not None, f"{what}: not detected"
    assert report_finding.problem in expect.problems, f"{what}: {report_finding}"
    if expect.seq is None:
        return
    if expect.within:
        assert report_finding.seq is not None and report_finding.last_seq is not None, what
        assert report_finding.seq <= expect.seq <= report_finding.last_seq, (
            f"{what}: {expect.seq} not in {report_finding}"
        )
    else:
        assert report_finding.seq == expect.seq, f"{what}: {report_finding}"


def test_every_random_tampering_is_detected(log: Log) -> None:
    assert auditing.verify(log.db).ok
    rng = random.Random(20261123)
    runner = CliRunner()
    env = {
        "TANSEEQ_DATABASE_URL": log.db.settings.database_url,
        "TANSEEQ_DATA_DIR": str(log.db.settings.data_dir),
    }
    detected: Counter[str] = Counter()
    cli_checked = 0
    for round_no in range(ROUNDS):
        mutation = MUTATIONS[round_no % len(MUTATIONS)] if round_no < 28 else rng.choice(MUTATIONS)
        expect = mutation(log, rng)
        what = f"round {round_no} {mutation.__name__}"
        report = auditing.verify(log.db, chunk=rng.choice([1, 5, 1000]))
        _check(report.finding, expect, what)
        detected[mutation.__name__] += 1
        if round_no % 10 == 0:
            result = runner.invoke(audit_app, ["verify"], env=env)
            assert result.exit_code == 1, f"{what}: {result.output}"
            assert f"FAILED: {report.finding.problem.value}" in result.output  # type: ignore[union-attr]
            if report.finding is not None and report.finding.seq is not None:
                assert f"at seq {report.finding.seq}" in result.output, result.output
            cli_checked += 1
        log.restore()
    assert auditing.verify(log.db).ok
    assert runner.invoke(audit_app, ["verify"], env=env).exit_code == 0
    assert sum(detected.values()) == ROUNDS and set(detected) == {m.__name__ for m in MUTATIONS}
    print(f"\n{ROUNDS} mutations detected ({cli_checked} also via the CLI): {dict(detected)}")
