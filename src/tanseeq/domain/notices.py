"""The notice lifecycle as data: which action moves a notice from which states to which, and
who may take it. ``owner`` means a user of the owner agency with the action's role; ``reviewer``
a compliance officer at the hub secretariat.

The hub's review decides a submitted notice: ``publish``, ``return`` (ask for changes: back to
draft) or ``reject`` (terminal: the notice stays its owner's alone). A published notice can be
blocked (``suspend``) as a precaution while a complaint is examined, and unblocked."""

from __future__ import annotations

from dataclasses import dataclass

from tanseeq.domain.types import NoticeKind, NoticeStatus

D, SUB, P, SUS, W = (
    NoticeStatus.DRAFT,
    NoticeStatus.SUBMITTED,
    NoticeStatus.PUBLISHED,
    NoticeStatus.SUSPENDED,
    NoticeStatus.WITHDRAWN,
)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[NoticeStatus]
    target: NoticeStatus | None  # None: the status stays (renew)
    by_owner: bool
    by_reviewer: bool
    needs_reason: bool


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({D}), SUB, True, False, False),
    "publish": Transition(frozenset({SUB}), P, False, True, False),
    "return": Transition(frozenset({SUB}), D, False, True, True),
    "reject": Transition(frozenset({SUB}), NoticeStatus.REJECTED, False, True, True),
    "suspend": Transition(frozenset({P}), SUS, True, True, True),
    "unsuspend": Transition(frozenset({SUS}), P, True, True, True),
    "withdraw": Transition(frozenset({D, SUB, P, SUS}), W, True, False, True),
    "renew": Transition(frozenset({P, SUS}), None, True, False, True),
}

# Diffusions go straight from one agency to named others: the owner's supervisor sends them.
DIFFUSION_PUBLISH = Transition(frozenset({SUB}), P, True, False, False)

# Kinds that are about a person: at least one Person record must be among the subjects.
PERSON_KINDS = frozenset(
    {
        NoticeKind.RED,
        NoticeKind.YELLOW,
        NoticeKind.BLUE,
        NoticeKind.BLACK,
        NoticeKind.GREEN,
        NoticeKind.UN_SPECIAL,
    }
)


def transition_for(action: str, kind: NoticeKind) -> Transition | None:
    if action == "publish" and kind == NoticeKind.DIFFUSION:
        return DIFFUSION_PUBLISH
    return TRANSITIONS.get(action)
