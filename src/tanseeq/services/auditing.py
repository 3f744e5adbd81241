"""Reading, proving and verifying the stored audit log; signing its tree heads.

``services.audit_trail`` writes entries; this module is everything that reads them. The log is
always streamed in chunks of ``CHUNK`` rows (keyset pagination on ``seq``), so neither a proof
nor a full verification ever holds the log in memory.

Who may do what:

* entries name who consulted what, so reading them is for compliance (``audit.read``): the
  hub's compliance sees every entry, an agency's compliance the entries of its own users;
* heads and proofs are hashes only, and every member agency must be able to witness the log,
  so any authenticated user may fetch them (``audit.head``);
* signing a head on demand is a node-level act with the node's key (``audit.sign``).
  ``current_head`` signs a fresh head when the log has grown since the last one, whoever
  asks: that is the node publishing its state, bounded by the log's own growth.
* ``verify`` is the operator's check (CLI); it reports hashes and positions, never content.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tanseeq.audit import merkle, signing
from tanseeq.audit.entry import AuditEntry, InvalidAuditEntry
from tanseeq.audit.merkle import Frontier
from tanseeq.audit.signing import SignedTreeHead
from tanseeq.audit.verify import Finding, LogReport, Problem, verify_log
from tanseeq.errors import Conflict, FieldError, Forbidden, Invalid
from tanseeq.schemas import Page
from tanseeq.services import audit_trail
from tanseeq.services.context import OPERATOR, Actor, require
from tanseeq.settings import Settings
from tanseeq.store.database import Database
from tanseeq.store.tables import AuditHead, AuditRow, AuditState

__all__ = [
    "CHUNK",
    "KEY_FILE",
    "PUBLIC_KEY_FILE",
    "AuditEntryOut",
    "ConsistencyProofOut",
    "HeadExport",
    "InclusionProofOut",
    "consistency_proof",
    "current_head",
    "entry_from_row",
    "export_head",
    "inclusion_proof",
    "iter_entries",
    "latest_head",
    "list_entries",
    "public_key",
    "sign_head",
    "signing_key",
    "verify",
]

CHUNK = 1000
KEY_FILE = "audit-signing-key.pem"
PUBLIC_KEY_FILE = "audit-signing-key.pub.pem"

_LOG = AuditRow.__table__


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    user_id: str | None
    agency_id: str | None
    action: str
    object_ids: list[str]
    outcome: str
    justification: str | None
    recipients: list[str]
    detail: dict[str, Any]
    leaf_hash: str


class InclusionProofOut(BaseModel):
    """RFC 9162 audit path of leaf ``seq`` in the tree of ``tree_size`` (hex, sibling first)."""

    seq: int
    tree_size: int
    leaf_hash: str
    path: list[str]


class ConsistencyProofOut(BaseModel):
    """RFC 9162 proof that the tree of size ``old`` is a prefix of the tree of size ``new``."""

    old: int
    new: int
    path: list[str]


class HeadExport(BaseModel):
    """What a partner agency needs to witness a head: the head, our public key and, when there
    was an earlier head, the consistency proof from it (``verify_head_update``)."""

    head: dict[str, Any]
    key_id: str
    public_key_pem: str
    public_key_raw_hex: str
    previous: dict[str, Any] | None = None
    consistency_proof: list[str] | None = None


# --- the signing key ---------------------------------------------------------------------------


def _key_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / KEY_FILE


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The node's log key, created (mode 0600) on first use.

    Two processes may sign their first head at once: the key is written to a private temporary
    file and hard-linked into place, which fails if the other won, so exactly one key ever
    exists and nobody reads a half-written file.
    """
    path = _key_path(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".audit-key-")
        os.close(fd)
        os.unlink(tmp)  # save_private_key creates it exclusively, with mode 0600 from the start
        try:
            signing.save_private_key(signing.generate_key(), tmp)
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass
        finally:
            Path(tmp).unlink(missing_ok=True)
    key = signing.load_private_key(path)
    pub_path = path.parent / PUBLIC_KEY_FILE
    if not pub_path.exists():
        signing.save_public_key(key.public_key(), pub_path)
    return key


def public_key(settings: Settings) -> Ed25519PublicKey | None:
    """The node's public log key, or None if no head was ever signed here."""
    path = _key_path(settings)
    if not path.exists():
        return None
    return signing_key(settings).public_key()


# --- rows and entries --------------------------------------------------------------------------


def entry_from_row(row: Any) -> AuditEntry:
    """Rebuild the hashed entry from a stored row (ORM object or Core row).

    Raw column values go to ``AuditEntry`` unconverted, so a tampered row (a string where a
    list belongs, an unknown outcome) fails validation instead of being silently coerced.
    """
    at = row.at
    if isinstance(at, datetime) and at.tzinfo is None:
        # Core reads through UTCDateTime are aware already; this covers raw driver values.
        at = at.replace(tzinfo=UTC)
    return AuditEntry(
        seq=row.seq,
        at=at,
        user_id=row.user_id,
        agency_id=row.agency_id,
        action=row.action,
        object_ids=row.object_ids,
        outcome=row.outcome,
        justification=row.justification,
        recipients=row.recipients,
        detail=row.detail,
    )


class _Unreadable:
    """A row whose stored values the driver cannot even decode (raw SQL put text where a time
    or JSON belongs); it keeps only its position and stored hash, so verification names it."""

    def __init__(self, seq: int, leaf_hash: str, reason: str) -> None:
        self.seq = seq
        self.leaf_hash = leaf_hash
        self.reason = reason


def _rows(
    session: Session, *, start: int | None = None, end: int | None = None, chunk: int = CHUNK
) -> Iterator[Any]:
    """Every row with ``start <= seq < end`` in seq order, ``chunk`` at a time."""
    last: int | None = None
    while True:
        bounds: list[sa.ColumnElement[bool]] = []
        if last is not None:
            bounds.append(_LOG.c.seq > last)
        elif start is not None:
            bounds.append(_LOG.c.seq >= start)
        if end is not None:
            bounds.append(_LOG.c.seq < end)
        q = sa.select(_LOG).where(*bounds).order_by(_LOG.c.seq).limit(chunk)
        rows: list[Any]
        try:
            rows = list(session.execute(q).all())
        except (ValueError, TypeError):
            rows = _one_by_one(session, bounds, chunk)
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1].seq


def _one_by_one(session: Session, bounds: list[sa.ColumnElement[bool]], chunk: int) -> list[Any]:
    # Decoding failed somewhere in this chunk; the values are garbage, not the statement, so
    # the transaction is intact and each row can be read alone to find the bad one.
    seqs = session.scalars(
        sa.select(_LOG.c.seq).where(*bounds).order_by(_LOG.c.seq).limit(chunk)
    ).all()
    out: list[Any] = []
    for seq in seqs:
        try:
            out.append(session.execute(sa.select(_LOG).where(_LOG.c.seq == seq)).one())
        except (ValueError, TypeError) as exc:
            stored = session.scalar(sa.select(_LOG.c.leaf_hash).where(_LOG.c.seq == seq))
            out.append(_Unreadable(seq, stored or "", f"undecodable stored value: {exc}"))
    return out


def iter_entries(session: Session, *, chunk: int = CHUNK) -> Iterator[AuditEntry]:
    """The whole log as entries, streamed (raises ``InvalidAuditEntry`` on an unreadable row)."""
    for row in _rows(session, chunk=chunk):
        yield entry_from_row(row)


def _leaf_getter(session: Session) -> Callable[[int, int], Sequence[bytes]]:
    def get(start: int, end: int) -> Sequence[bytes]:
        rows = session.execute(
            sa.select(_LOG.c.seq, _LOG.c.leaf_hash)
            .where(_LOG.c.seq >= start, _LOG.c.seq < end)
            .order_by(_LOG.c.seq)
        ).all()
        try:
            if [r.seq for r in rows] != list(range(start, end)):
                raise ValueError("gap")
            hashes = [bytes.fromhex(r.leaf_hash) for r in rows]
            if any(len(h) != merkle.HASH_SIZE for h in hashes):
                raise ValueError("size")
        except (ValueError, TypeError) as exc:
            # A proof over a damaged log would be a false statement; refuse and point to verify.
            raise Conflict(
                f"the audit log is damaged between seq {start} and {end - 1}; "
                "the operator must run `tanseeq audit verify`"
            ) from exc
        return hashes

    return get


def _state(session: Session, *, lock: bool = False) -> Frontier:
    q = sa.select(AuditState).where(AuditState.id == 1)
    if lock:
        q = q.with_for_update()
    state = session.scalars(q).one()
    try:
        frontier = Frontier.from_json(state.frontier) if state.frontier else Frontier()
    except ValueError as exc:
        raise Conflict("the audit state is damaged; run `tanseeq audit verify`") from exc
    if frontier.size != state.tree_size:
        raise Conflict("the audit state is damaged; run `tanseeq audit verify`")
    return frontier


# --- heads -------------------------------------------------------------------------------------


def _head_of(row: AuditHead) -> SignedTreeHead:
    return SignedTreeHead(
        tree_size=row.tree_size,
        root_hash=row.root,
        timestamp=row.timestamp,
        key_id=row.key_id,
        signature=row.signature,
    )


def _latest(session: Session) -> SignedTreeHead | None:
    row = session.scalars(sa.select(AuditHead).order_by(AuditHead.id.desc()).limit(1)).first()
    if row is None:
        return None
    try:
        return _head_of(row)
    except ValueError as exc:
        raise Conflict("the newest stored head is damaged; run `tanseeq audit verify`") from exc


def _sign(session: Session, db: Database, key: Ed25519PrivateKey) -> SignedTreeHead:
    # The state row is locked, so the head describes a committed log and no append slips in
    # between reading the frontier and storing the head.
    frontier = _state(session, lock=True)
    previous = _latest(session)
    if previous is not None and previous.tree_size > frontier.size:
        # Never sign a log shorter than what we already vouched for: that head would be
        # evidence against us, and the shortening needs an investigation, not a signature.
        raise Conflict("the audit log is shorter than its last signed head; run verify")
    head = signing.sign_head(key, frontier.size, frontier.root(), db.clock())
    session.add(
        AuditHead(
            tree_size=head.tree_size,
            root=head.root_hash,
            timestamp=head.timestamp,
            key_id=head.key_id,
            signature=head.signature,
        )
    )
    return head


def sign_head(db: Database, actor: Actor = OPERATOR) -> SignedTreeHead:
    """Sign and store a head of the log as it stands now (from the stored frontier)."""
    require(actor, "audit.sign")
    key = signing_key(db.settings)
    with db.transaction() as session:
        return _sign(session, db, key)


def latest_head(db: Database, actor: Actor) -> SignedTreeHead | None:
    """The newest signed head, without signing anything."""
    require(actor, "audit.head")
    with db.transaction() as session:
        return _latest(session)


def current_head(db: Database, actor: Actor) -> SignedTreeHead:
    """The newest signed head, signing a fresh one first if the log grew since."""
    require(actor, "audit.head")
    key = signing_key(db.settings)
    with db.transaction() as session:
        frontier = _state(session, lock=True)
        head = _latest(session)
        if head is not None and head.tree_size == frontier.size:
            return head
        return _sign(session, db, key)


def export_head(db: Database, actor: Actor = OPERATOR) -> HeadExport:
    """Sign a fresh head and bundle it for partner agencies with the consistency proof from
    the previous head, so each partner can check the update before accepting it."""
    require(actor, "audit.sign")
    key = signing_key(db.settings)
    with db.transaction() as session:
        previous = _latest(session)
        head = _sign(session, db, key)
        proof: list[str] | None = None
        if previous is not None:
            path = merkle.consistency_proof(
                _leaf_getter(session), previous.tree_size, head.tree_size
            )
            # The new root comes from the frontier, the proof from the stored leaves: if they
            # disagree with the previous head, something was rewritten; publish nothing.
            if not merkle.verify_consistency(
                previous.tree_size, head.tree_size, previous.root, head.root, path
            ):
                raise Conflict("the audit log no longer extends its last signed head; run verify")
            proof = [h.hex() for h in path]
    pub = key.public_key()
    pem = (Path(db.settings.data_dir) / PUBLIC_KEY_FILE).read_text("ascii")
    return HeadExport(
        head=head.to_dict(),
        key_id=signing.key_id(pub),
        public_key_pem=pem,
        public_key_raw_hex=signing.public_key_raw(pub).hex(),
        previous=previous.to_dict() if previous is not None else None,
        consistency_proof=proof,
    )


# --- proofs ------------------------------------------------------------------------------------


def _check_size(tree_size: int, current: int, loc: str) -> None:
    if not 0 <= tree_size <= current:
        raise Invalid(f"{loc}: out of range", [FieldError(loc, f"between 0 and {current}")])


def inclusion_proof(
    db: Database, actor: Actor, seq: int, tree_size: int | None = None
) -> InclusionProofOut:
    """Audit path of entry ``seq`` in the tree of ``tree_size`` (default: the whole log)."""
    require(actor, "audit.head")
    with db.transaction() as session:
        current = _state(session).size
        size = current if tree_size is None else tree_size
        _check_size(size, current, "tree_size")
        if not 0 <= seq < size:
            raise Invalid("seq: out of range", [FieldError("seq", f"between 0 and {size - 1}")])
        get = _leaf_getter(session)
        path = merkle.inclusion_proof(get, seq, size)
        leaf = get(seq, seq + 1)[0]
    return InclusionProofOut(
        seq=seq, tree_size=size, leaf_hash=leaf.hex(), path=[h.hex() for h in path]
    )


def consistency_proof(db: Database, actor: Actor, old: int, new: int) -> ConsistencyProofOut:
    """Proof that the log of size ``old`` is a prefix of the log of size ``new``."""
    require(actor, "audit.head")
    with db.transaction() as session:
        current = _state(session).size
        _check_size(new, current, "new")
        _check_size(old, new, "old")
        path = merkle.consistency_proof(_leaf_getter(session), old, new)
    return ConsistencyProofOut(old=old, new=new, path=[h.hex() for h in path])


# --- reading entries ---------------------------------------------------------------------------


def _out(row: Any) -> AuditEntryOut:
    return AuditEntryOut(
        seq=row.seq,
        at=row.at,
        user_id=row.user_id,
        agency_id=row.agency_id,
        action=row.action,
        object_ids=list(row.object_ids),
        outcome=row.outcome,
        justification=row.justification,
        recipients=list(row.recipients),
        detail=dict(row.detail),
        leaf_hash=row.leaf_hash,
    )


def list_entries(
    db: Database,
    actor: Actor,
    *,
    offset: int = 0,
    limit: int | None = None,
    action: str | None = None,
    user_id: str | None = None,
    object_id: str | None = None,
) -> Page[AuditEntryOut]:
    """A page of entries, newest first. Reading the audit log is itself logged."""
    require(actor, "audit.read")
    if actor.is_operator:
        raise Forbidden("reading audit entries needs a compliance officer (use --as)")
    size = db.settings.default_page_size if limit is None else limit
    if not 1 <= size <= db.settings.max_page_size:
        raise Invalid(
            "limit: out of range",
            [FieldError("limit", f"between 1 and {db.settings.max_page_size}")],
        )
    if not 0 <= offset <= 2**62:
        # Bounded so the value fits a BIGINT on every backend (a 422, never a driver error).
        raise Invalid("offset: out of range", [FieldError("offset", "between 0 and 2**62")])
    conds: list[sa.ColumnElement[bool]] = []
    if not actor.viewer().reviewer:
        conds.append(_LOG.c.agency_id == actor.agency_id)
    if action is not None:
        conds.append(_LOG.c.action == action)
    if user_id is not None:
        conds.append(_LOG.c.user_id == user_id)
    with db.transaction() as session:
        if object_id is not None:
            # object_ids is a JSON list of strings; its text holds each id in double quotes on
            # both backends, which makes the match exact for ids (no quotes inside them).
            pattern = '%"' + _escape_like(object_id) + '"%'
            conds.append(sa.cast(_LOG.c.object_ids, sa.Text).like(pattern, escape="\\"))
        base = sa.select(_LOG).where(*conds)
        rows = session.execute(base.order_by(_LOG.c.seq.desc()).offset(offset).limit(size)).all()
        count = sa.select(sa.func.count()).select_from(base.subquery())
        total = session.execute(count).scalar_one()
        items = [_out(r) for r in rows]
        audit_trail.record(
            session,
            db,
            actor,
            "audit.read",
            detail={
                "count": len(items),
                "offset": offset,
                "action": action,
                "user_id": user_id,
                "object_id": object_id,
            },
        )
    return Page[AuditEntryOut](items=items, total=total, limit=size, offset=offset)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- verification ------------------------------------------------------------------------------


def _stored_heads(session: Session) -> tuple[list[SignedTreeHead], str | None]:
    """Every head we signed, or a description of the first stored head that is not even a
    well-formed head (edited into a negative size or a non-hex root)."""
    out = []
    for row in session.scalars(sa.select(AuditHead).order_by(AuditHead.id)):
        try:
            out.append(_head_of(row))
        except ValueError as exc:
            return out, f"stored head #{row.id} is malformed ({exc}): it was altered"
    return out, None


def verify(
    db: Database,
    *,
    heads: Iterable[SignedTreeHead] = (),
    public_keys: Iterable[Ed25519PublicKey] = (),
    chunk: int = CHUNK,
) -> LogReport:
    """Check the whole stored log against every head we signed (``audit_heads``), the heads
    partners handed back (``heads``), and the stored frontier. Stops at the first problem.

    A row that cannot even be rebuilt into an entry (a field tampered into an invalid value)
    is reported as ``edited`` at its seq: its content no longer hashes to anything we wrote.
    """
    keys = list(public_keys)
    own = public_key(db.settings)
    if own is not None:
        keys.append(own)
    unreadable: dict[int, str] = {}
    with _read_snapshot(db) as session:
        stored_heads, head_problem = _stored_heads(session)
        if head_problem is not None:
            return LogReport(0, 0, 0, None, Finding(Problem.BAD_SIGNATURE, None, head_problem))
        state = session.scalars(sa.select(AuditState).where(AuditState.id == 1)).first()
        frontier, state_problem = _stored_frontier(state)
        if state_problem is not None:
            return LogReport(0, 0, 0, None, Finding(Problem.FRONTIER, None, state_problem))
        pairs = _pairs(_rows(session, chunk=chunk), unreadable)
        entries, hashes = _split(pairs)
        report = verify_log(entries, hashes, [*stored_heads, *heads], keys, frontier=frontier)
    finding = report.finding
    if (
        finding is not None
        and finding.problem == Problem.FRONTIER
        and frontier.size != report.tree_size
    ):
        # Sizes differ: the first entry the writer's state and the log disagree on is known.
        first = min(frontier.size, report.tree_size)
        finding = replace(
            finding,
            seq=first,
            last_seq=max(frontier.size, report.tree_size) - 1,
            message=f"{finding.message}: entries from seq {first} on were appended or "
            "removed outside the writer",
        )
        report = replace(report, finding=finding)
    if finding is not None and finding.seq is not None and finding.seq in unreadable:
        finding = replace(
            finding,
            message=f"entry seq {finding.seq} cannot be read back as an audit entry "
            f"({unreadable[finding.seq]}): it was altered after it was written",
        )
        report = replace(report, finding=finding)
    return report


@contextmanager
def _read_snapshot(db: Database) -> Iterator[Session]:
    """One consistent snapshot of state, heads and every chunk of the log, without blocking
    writers for the length of a full scan.

    PostgreSQL: REPEATABLE READ (under READ COMMITTED an append committed mid-scan would look
    like a row the frontier does not know). SQLite: the node's transactions start with
    ``BEGIN IMMEDIATE`` and so hold the write lock; a scan of millions of entries must not, so
    it gets its own connection with a plain deferred ``BEGIN``, which in WAL mode reads one
    snapshot while writers carry on.
    """
    if not db.is_sqlite:
        with db.transaction() as session:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            yield session
        return
    engine = sa.create_engine(
        db.settings.database_url, connect_args={"timeout": 30}, poolclass=NullPool
    )

    @event.listens_for(engine, "connect")
    def _driver_does_not_begin(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_deferred(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _stored_frontier(state: AuditState | None) -> tuple[Frontier, str | None]:
    if state is None:
        return Frontier(), "the audit_state row is missing"
    try:
        frontier = Frontier.from_json(state.frontier) if state.frontier else Frontier()
    except ValueError as exc:
        return Frontier(), f"the stored frontier is malformed: {exc}"
    if frontier.size != state.tree_size:
        return frontier, (
            f"audit_state says {state.tree_size} entries but its frontier describes {frontier.size}"
        )
    return frontier, None


def _placeholder(seq: int) -> AuditEntry:
    # Stands in for an unreadable row: its hash matches no stored hash, so verify_log reports
    # the row as edited at exactly this seq.
    return AuditEntry(
        seq=seq,
        at=datetime(1970, 1, 1, tzinfo=UTC),
        user_id="?",
        agency_id="?",
        action="audit.unreadable",
    )


def _pairs(
    rows: Iterator[Any], unreadable: dict[int, str]
) -> Iterator[tuple[AuditEntry, str | bytes]]:
    for row in rows:
        try:
            if isinstance(row, _Unreadable):
                raise InvalidAuditEntry(row.reason)
            entry = entry_from_row(row)
        except (InvalidAuditEntry, TypeError, ValueError, AttributeError) as exc:
            seq = row.seq if isinstance(row.seq, int) and row.seq >= 0 else 0
            unreadable[seq] = str(exc)
            entry = _placeholder(seq)
        stored = row.leaf_hash if isinstance(row.leaf_hash, str | bytes) else b""
        yield entry, stored


def _split(
    pairs: Iterator[tuple[AuditEntry, str | bytes]],
) -> tuple[Iterator[AuditEntry], Iterator[str | bytes]]:
    """Two lock-step iterators over one stream. ``verify_log`` alternates between them, so at
    most one pair is ever pending; only its scan for a moved entry reads entries ahead, and
    then the hashes are never asked for again."""
    pending: list[str | bytes] = []

    def entries() -> Iterator[AuditEntry]:
        for entry, stored in pairs:
            pending.append(stored)
            if len(pending) > 1:
                # The caller is scanning ahead and will not pair these any more.
                pending.pop(0)
            yield entry

    def stored_hashes() -> Iterator[str | bytes]:
        while True:
            if pending:
                yield pending.pop(0)
                continue
            # verify_log asks for the entry first; no pending hash means the stream ended.
            return

    return entries(), stored_hashes()
