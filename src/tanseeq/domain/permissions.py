"""The role × action matrix: what each role may do at all. Whether it may do it to *this* object
(own agency, visible, owner) is decided by the services with the sharing policy beside it."""

from __future__ import annotations

from tanseeq.domain.types import Role

O, A, S, C, AA, HA = (  # noqa: E741 - one letter per role keeps the matrix readable
    Role.OFFICER,
    Role.ANALYST,
    Role.SUPERVISOR,
    Role.COMPLIANCE,
    Role.AGENCY_ADMIN,
    Role.HUB_ADMIN,
)
READERS = frozenset({O, A, S, C})

MATRIX: dict[str, frozenset[Role]] = {
    "agency.create": frozenset({HA}),
    "agency.read": frozenset(Role),
    "user.create": frozenset({AA, HA}),
    "user.update": frozenset({AA, HA}),
    "user.read": frozenset({AA, HA}),
    "token.create": frozenset(Role),  # own tokens; others' only as agency admin (see services)
    "token.revoke": frozenset(Role),
    "token.read": frozenset(Role),
    "agreement.create": frozenset({AA, HA}),
    "agreement.accept": frozenset({AA}),
    "agreement.terminate": frozenset({AA, HA}),
    "agreement.read": frozenset({AA, HA, S, C}),
    "record.create": frozenset({O, S}),
    "record.update": frozenset({O, S}),
    "record.withdraw": frozenset({S}),
    "record.read": READERS,
    "record.export": frozenset({A, S}),
    "notice.create": frozenset({O, S}),
    "notice.update": frozenset({O, S}),
    "notice.read": READERS,
    "notice.submit": frozenset({O, S}),
    "notice.publish": frozenset({S, C}),
    "notice.return": frozenset({C}),
    "notice.suspend": frozenset({S, C}),
    "notice.unsuspend": frozenset({S, C}),
    "notice.withdraw": frozenset({S}),
    "notice.renew": frozenset({S}),
    "match.run": frozenset({O, A, S}),
    # The audit log. Entries name who consulted what, so only compliance reads them (scoped to
    # its own agency's users unless it is the hub's). Heads and proofs are hashes only, and every
    # member must be able to witness them. Signing a head on demand is a node-level act with the
    # node's key: the hub admin (and the operator at the CLI), never an agency admin, who
    # administers one agency, not the node. Heads the API signs when the log grew are signed by
    # the node itself, whoever asked for them.
    "audit.read": frozenset({C}),
    "audit.head": frozenset(Role),
    "audit.sign": frozenset({HA}),
    # Human authentication (issue 4): an enrolment secret lets a user set a password and TOTP
    # (or resets them); issued by those who manage users, under the token issuing rules.
    "user.enrol": frozenset({AA, HA}),
    # Requests for assistance, hit follow-up, notifications. Threads belong to the party
    # agencies' readers; adding another agency to a thread is a supervisor's decision; the
    # owner's judgement of a hit (which silences that hit for good) is for officers and
    # supervisors of the owner agency, who answer for their data. Everyone has an inbox.
    "thread.read": READERS,
    "thread.create": READERS,
    "thread.post": READERS,
    "thread.close": READERS,
    "thread.add_party": frozenset({S}),
    "hit.follow_up": frozenset({O, A, S}),
    "hit.judge": frozenset({O, S}),
    "notification.read": frozenset(Role),
    "notification.prefs": frozenset(Role),
    # Notice review and retention (issue 5). The queue and the decisions belong to compliance
    # officers (the services also require the hub secretariat); renewing a record is the same
    # supervisor's decision as renewing a notice.
    "notice.reject": frozenset({C}),
    "review.read": frozenset({C}),
    "review.check": frozenset({C}),
    "record.renew": frozenset({S}),
}


def allowed(roles: frozenset[Role], action: str) -> bool:
    return bool(MATRIX[action] & roles)
