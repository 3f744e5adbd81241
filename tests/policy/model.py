"""A reference model of who may see what, in plain Python.

Written from the rules (the docstring of ``tanseeq.access``, docs/domain.md, the notice lifecycle
in docs) and NOT from the SQL: it imports nothing from ``tanseeq``, so a mistake in the policy
cannot be copied into the oracle that judges it. The stateful test keeps this model in step
with the real services and compares every read with it.

The rules, as modelled here:
  * The owner always sees its own records and notices, whatever their state.
  * Anyone else sees an object only while it is live (record active / notice published) and its
    review date has not passed, never when its agency is excluded (``excluded`` always wins),
    and only when the distribution lets it in: ``all``; ``agencies`` naming it; ``agreement``:
    an agreement in force today (every party accepted, valid_from <= today <= valid_to, not
    terminated) to which owner and viewer are both parties, sharing a crime area with the
    object, and listing the object's data category when it lists categories at all.
  * A live record is also visible when it is a subject of a notice *of the same owner* that the
    viewer may see (publishing a notice discloses its subjects); the record's own exclusions
    still win.
  * The compliance reviewer (a compliance officer at the hub secretariat) also sees submitted,
    published and suspended notices that are not diffusions (an expired notice is none of
    these), and through them their live subjects.
  * A hub admin reads nothing of agencies' data.
  * Rejected notices (refused by the hub's review) and expired records are their owner's alone:
    neither is live, so the rules above already say so.
  * The hub's review blocks publication while an error check stands (docs/review.md); of those
    the model's data can trip only the red notice's: offences, and Person subjects identifiable
    by a name and two particulars (the model's persons carry a name only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

OWNER, AGENCIES, AGREEMENT, ALL = "owner", "agencies", "agreement", "all"

# Data categories by schema, as the domain defines them (docs/domain.md, "Words").
CATEGORY = {
    "Person": "person",
    "Passport": "document",
    "Vehicle": "vehicle",
    "Organization": "organisation",
    "CryptoWallet": "cyber",
    "Family": "link",
}

# Notice kinds that are about a person: submitting one needs a Person among its subjects.
PERSON_KINDS = frozenset({"red", "yellow", "blue", "black", "green", "un_special"})

READ_ROLES = frozenset({"officer", "analyst", "supervisor", "compliance"})
EXPORT_ROLES = frozenset({"analyst", "supervisor"})

# action -> (roles allowed, source states, target (None: unchanged), by owner, by reviewer)
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str], str | None, bool, bool]] = {
    "submit": (
        frozenset({"officer", "supervisor"}),
        frozenset({"draft"}),
        "submitted",
        True,
        False,
    ),
    "publish": (
        frozenset({"supervisor", "compliance"}),
        frozenset({"submitted"}),
        "published",
        False,
        True,
    ),
    "return": (frozenset({"compliance"}), frozenset({"submitted"}), "draft", False, True),
    "suspend": (
        frozenset({"supervisor", "compliance"}),
        frozenset({"published"}),
        "suspended",
        True,
        True,
    ),
    "unsuspend": (
        frozenset({"supervisor", "compliance"}),
        frozenset({"suspended"}),
        "published",
        True,
        True,
    ),
    "withdraw": (
        frozenset({"supervisor"}),
        frozenset({"draft", "submitted", "published", "suspended"}),
        "withdrawn",
        True,
        False,
    ),
    "renew": (frozenset({"supervisor"}), frozenset({"published", "suspended"}), None, True, False),
}
# A diffusion goes straight from its owner to the named agencies: the owner publishes it.
DIFFUSION_PUBLISH = (
    frozenset({"supervisor", "compliance"}),
    frozenset({"submitted"}),
    "published",
    True,
    False,
)


def add_years(day: date, years: int) -> date:
    if day.month == 2 and day.day == 29 and not _leap(day.year + years):
        return date(day.year + years, 2, 28)
    return date(day.year + years, day.month, day.day)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass(frozen=True)
class Viewer:
    """Who reads: ``agency`` (None for nobody's data), the roles, and whether this is the hub's
    compliance reviewer."""

    name: str
    agency: str
    roles: frozenset[str]
    reviewer: bool = False

    @property
    def reads(self) -> bool:
        return bool(self.roles & READ_ROLES)

    @property
    def exports(self) -> bool:
        return bool(self.roles & EXPORT_ROLES)


@dataclass(frozen=True)
class Distribution:
    kind: str = OWNER
    named: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    def for_owner(self, owner: str) -> Distribution:
        """The owner is never named or excluded: it always sees its own data."""
        return Distribution(self.kind, self.named - {owner}, self.excluded - {owner})


@dataclass
class Agreement:
    id: str
    parties: frozenset[str]
    accepted: set[str]
    areas: frozenset[str]
    categories: frozenset[str]
    valid_from: date
    valid_to: date | None
    terminated: bool = False

    def in_force(self, today: date) -> bool:
        return (
            self.accepted >= self.parties
            and not self.terminated
            and self.valid_from <= today
            and (self.valid_to is None or today <= self.valid_to)
        )


@dataclass
class Record:
    id: str
    owner: str
    schema: str
    dist: Distribution
    areas: frozenset[str]
    review_date: date
    created: int  # creation instant (clock ticks), for the orders lists and exports promise
    text: str  # casefolded name and identifier values, what ``q`` searches
    refs: dict[str, list[str]] = field(default_factory=dict)  # property -> target record ids
    status: str = "active"
    particulars: int = 0  # birth date, nationality, document, description, gender: how many

    @property
    def category(self) -> str:
        return CATEGORY[self.schema]


@dataclass
class Notice:
    id: str
    owner: str
    kind: str
    subjects: list[str]
    dist: Distribution
    areas: frozenset[str]
    created: int
    status: str = "draft"
    review_date: date | None = None
    offences: tuple[str, ...] = ()

    category = "notice"

    def effective_status(self, today: date) -> str:
        expired = self.review_date is not None and self.review_date < today
        if self.status in ("published", "suspended") and expired:
            return "expired"
        return self.status


@dataclass
class Model:
    today: date
    tick: int = 0
    agencies: dict[str, str] = field(default_factory=dict)  # id -> kind
    agreements: dict[str, Agreement] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)

    def advance(self, days: int) -> None:
        self.today += timedelta(days=days)

    # -- the policy ---------------------------------------------------------------------------

    def _admits(
        self, owner: str, dist: Distribution, areas: frozenset[str], category: str, agency: str
    ) -> bool:
        if agency in dist.excluded:
            return False
        if dist.kind == ALL:
            return True
        if dist.kind == AGENCIES:
            return agency in dist.named
        if dist.kind == AGREEMENT:
            return any(
                g.in_force(self.today)
                and owner in g.parties
                and agency in g.parties
                and bool(g.areas & areas)
                and (not g.categories or category in g.categories)
                for g in self.agreements.values()
            )
        return False

    def _notice_shared(self, v: Viewer, n: Notice) -> bool:
        """A non-owner's view of a notice."""
        live = n.effective_status(self.today) == "published"
        if live and self._admits(n.owner, n.dist, n.areas, n.category, v.agency):
            return True
        reviewable = n.effective_status(self.today) in ("submitted", "published", "suspended")
        return v.reviewer and reviewable and n.kind != "diffusion"

    def notice_visible(self, v: Viewer, nid: str) -> bool:
        n = self.notices[nid]
        return n.owner == v.agency or self._notice_shared(v, n)

    def record_visible(self, v: Viewer, rid: str) -> bool:
        r = self.records[rid]
        if r.owner == v.agency:
            return True
        if r.status != "active" or r.review_date < self.today or v.agency in r.dist.excluded:
            return False
        if self._admits(r.owner, r.dist, r.areas, r.category, v.agency):
            return True
        return any(
            n.owner == r.owner and rid in n.subjects and self._notice_shared(v, n)
            for n in self.notices.values()
        )

    # -- what each read path should return ------------------------------------------------------

    def visible_records(self, v: Viewer) -> set[str]:
        return {rid for rid in self.records if self.record_visible(v, rid)}

    def visible_notices(self, v: Viewer) -> set[str]:
        return {nid for nid in self.notices if self.notice_visible(v, nid)}

    def shown_refs(self, v: Viewer, rid: str, visible: set[str]) -> dict[str, list[str]]:
        """A record's references as ``v`` sees them: targets it may not see are left out."""
        out = {}
        for prop, targets in self.records[rid].refs.items():
            kept = [t for t in targets if t in visible]
            if kept:
                out[prop] = kept
        return out

    def neighbours(self, rid: str, visible: set[str]) -> set[str]:
        r = self.records[rid]
        linked = {t for targets in r.refs.values() for t in targets}
        linked |= {o.id for o in self.records.values() if any(rid in ts for ts in o.refs.values())}
        return linked & visible

    def listed(
        self, v: Viewer, q: str | None = None, schema: str | None = None, owner: str | None = None
    ) -> list[str]:
        """Ids in list order: newest first, then by id."""
        rows = [
            r
            for r in self.records.values()
            if self.record_visible(v, r.id)
            and (not q or q.casefold() in r.text)
            and (not schema or r.schema == schema)
            and (not owner or r.owner == owner)
        ]
        return [r.id for r in sorted(rows, key=lambda r: (-r.created, r.id))]

    def exported(self, v: Viewer) -> list[str]:
        """Ids in export order: oldest first, then by id."""
        rows = [r for r in self.records.values() if self.record_visible(v, r.id)]
        return [r.id for r in sorted(rows, key=lambda r: (r.created, r.id))]

    def listed_notices(self, v: Viewer) -> list[str]:
        rows = [n for n in self.notices.values() if self.notice_visible(v, n.id)]
        return [n.id for n in sorted(rows, key=lambda n: (-n.created, n.id))]

    def notice_subjects(self, v: Viewer, nid: str) -> list[str]:
        return sorted(r for r in self.notices[nid].subjects if self.record_visible(v, r))

    # -- what a write should do ----------------------------------------------------------------

    def transition_outcome(self, v: Viewer, nid: str, action: str) -> str:
        """'ok' or the error the service must raise: the notice is looked up through the
        policy first (NotFound), then the role, the actor, the state, the content."""
        n = self.notices[nid]
        if not self.notice_visible(v, nid):
            return "NotFound"
        roles, sources, _, by_owner, by_reviewer = self.transition(action, n.kind)
        if not v.roles & roles:
            return "Forbidden"
        if not ((by_owner and n.owner == v.agency) or (by_reviewer and v.reviewer)):
            return "Forbidden"
        if n.status not in sources:
            return "Conflict"
        if action == "submit" and n.kind in PERSON_KINDS:
            if not any(self.records[s].schema == "Person" for s in n.subjects):
                return "Invalid"
        if action == "publish" and self.publication_blocked(n):
            return "Conflict"
        return "ok"

    def publication_blocked(self, n: Notice) -> bool:
        """An error of the review checks stands (diffusions are not reviewed)."""
        if n.kind != "red":
            return False
        persons = [self.records[s] for s in n.subjects if self.records[s].schema == "Person"]
        return not n.offences or any(p.particulars < 2 for p in persons)

    @staticmethod
    def transition(
        action: str, kind: str
    ) -> tuple[frozenset[str], frozenset[str], str | None, bool, bool]:
        if action == "publish" and kind == "diffusion":
            return DIFFUSION_PUBLISH
        return TRANSITIONS[action]

    def apply_transition(self, nid: str, action: str) -> None:
        n = self.notices[nid]
        target = self.transition(action, n.kind)[2]
        if target is not None:
            n.status = target
        if action in ("publish", "renew"):
            n.review_date = add_years(self.today, 5)

    def change_outcome(self, v: Viewer, rid: str) -> str:
        """Updating or withdrawing a record: only its owner; others get what a read gives."""
        if not self.record_visible(v, rid):
            return "NotFound"
        return "ok" if self.records[rid].owner == v.agency else "Forbidden"
