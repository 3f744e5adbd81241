"""The sharing policy under a stateful property test: Hypothesis drives the real services
(agencies, agreements, records, notices, the clock) and every read is compared with the plain
reference model in ``policy.model``: 0 leaks, 0 wrongful denials.

Each generated step is one service call: a write whose outcome the model predicts (success or
the exact error), or a read by any user — every agency's, the hub's compliance reviewer, a
compliance officer outside the hub, agency admins and the hub admin — through one read path
(get, list with q/schema/owner filters, neighbours, export, notice get and list, the subjects a
notice shows, references stripped from properties), compared with the model.

Reading everything for every user after every step would cost ~12 service calls a step (the
policy filter is rebuilt per reader and day), too slow for 10,000 steps on two shared cores, so:
  * an invariant checks both list paths (ids, order, totals, properties, notice subjects) for
    every user every ``TANSEEQ_POLICY_SWEEP_EVERY`` steps (default 50; 1 = after every step);
  * at the end of each example every user reads every path, and gets every known record and
    notice id (visible <-> returned, else NotFound / Forbidden).

``TANSEEQ_POLICY_STEPS`` sets the total number of steps (default 10,000), in examples of
``TANSEEQ_POLICY_EXAMPLE_STEPS`` (default 100); the run is derandomised, so CI replays the same
sequence. ``TANSEEQ_POLICY_SHRINK=0`` skips shrinking a failure (faster while debugging).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import event

from conftest import FakeClock, empty_database
from policy.model import (
    AGENCIES,
    AGREEMENT,
    ALL,
    OWNER,
    TRANSITIONS,
    Agreement,
    Distribution,
    Model,
    Notice,
    Record,
    Viewer,
    add_years,
)
from tanseeq.errors import Conflict, Forbidden, Invalid, NotFound, TanseeqError
from tanseeq.schemas import (
    AgencyIn,
    AgreementIn,
    NoticeIn,
    NoticeOut,
    NoticeUpdate,
    RecordIn,
    RecordOut,
    RecordUpdate,
    TransitionIn,
    UserIn,
)
from tanseeq.services import agencies, agreements, notices, records, users
from tanseeq.services.context import OPERATOR, Actor
from tanseeq.store.database import Database

# Searches and exports need a reason (Directive 2016/680 Art. 25); the model ignores it.
WHY = "policy model check"

pytestmark = pytest.mark.slow

TOTAL_STEPS = int(os.environ.get("TANSEEQ_POLICY_STEPS", "10000"))
EXAMPLE_STEPS = max(2, int(os.environ.get("TANSEEQ_POLICY_EXAMPLE_STEPS", "100")))
SHRINK = os.environ.get("TANSEEQ_POLICY_SHRINK", "1") != "0"
SWEEP_EVERY = int(os.environ.get("TANSEEQ_POLICY_SWEEP_EVERY", "50"))
DAY_STEPS = int(os.environ.get("TANSEEQ_POLICY_DAY_STEPS", "8"))

COUNTRIES = ("MA", "NO", "SN", "ET", "JO")
AREAS = ("terrorism", "organised_crime", "fraud")
CATEGORIES = ("person", "document", "vehicle", "organisation", "cyber", "link", "notice")
# Name words: none is part of another or of an identifier, so ``q`` finds exactly the model's.
WORDS = ("amina", "youssef", "karim", "fatou", "ingrid", "يوسف", "خديجة")
SCHEMAS = ("Person", "Passport", "Vehicle", "Organization", "CryptoWallet", "Family")
# property -> schemata its targets may have (FtM ranges: LegalEntity, Person)
REF_PROPS: dict[str, dict[str, tuple[str, ...]]] = {
    "Passport": {"holder": ("Person", "Organization")},
    "Vehicle": {"owner": ("Person", "Organization")},
    "CryptoWallet": {"holder": ("Person", "Organization")},
    "Family": {"person": ("Person",), "relative": ("Person",)},
}
NOTICE_KINDS = ("red", "yellow", "orange", "purple", "diffusion")
ACTIONS = tuple(TRANSITIONS)
# The lifecycle's usual next moves from each stored status.
NEXT = {
    "draft": ("submit",),
    "submitted": ("publish", "publish", "return"),
    "published": ("suspend", "renew", "withdraw"),
    "suspended": ("unsuspend", "renew", "withdraw"),
    "withdrawn": ACTIONS,
}
ERRORS: dict[str, type[TanseeqError]] = {
    "NotFound": NotFound,
    "Forbidden": Forbidden,
    "Conflict": Conflict,
    "Invalid": Invalid,
}
MAX_PAGE = 500


class Steps:
    """Steps executed across all examples of a run (Hypothesis counts none for us)."""

    total = 0
    examples = 0
    per_example: ClassVar[list[int]] = []


@contextmanager
def expect(outcome: str) -> Iterator[None]:
    """The call inside must succeed ('ok') or raise exactly the named error."""
    if outcome == "ok":
        yield
        return
    with pytest.raises(ERRORS[outcome]):
        yield


def _no_fsync(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA synchronous=OFF")


def _fast_commits(db: Database) -> None:
    """Durability is not under test here: SQLite skips fsync so 10,000 steps fit the budget."""
    if db.is_sqlite and not event.contains(db.engine, "connect", _no_fsync):
        event.listen(db.engine, "connect", _no_fsync)


class PolicyMachine(RuleBasedStateMachine):
    make_db: ClassVar[Callable[..., Database]]

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.db = type(self).make_db(self.clock)
        _fast_commits(self.db)
        self.model = Model(today=self.clock().date())
        self.actors: dict[str, Actor] = {}
        self.viewers: dict[str, Viewer] = {}
        self.codes: dict[str, str] = {}  # agency id -> code
        self.steps = 0
        self.last_advance = 0
        Steps.examples += 1
        Steps.per_example.append(0)

    # -- world --------------------------------------------------------------------------------

    def _agency(self, code: str, kind: str, country: str | None) -> str:
        out = agencies.create(
            self.db,
            OPERATOR,
            AgencyIn(code=code, kind=kind, country=country, name_en=code),  # type: ignore[arg-type]
        )
        self.model.agencies[out.id] = kind
        self.codes[out.id] = code
        return out.id

    def _user(self, name: str, agency_id: str, roles: list[str], reviewer: bool = False) -> None:
        users.create_user(
            self.db,
            OPERATOR,
            UserIn(username=name, display_name=name, roles=roles, agency=agency_id),  # type: ignore[arg-type]
        )
        self.actors[name] = users.actor_by_username(self.db, name)
        self.viewers[name] = Viewer(name, agency_id, frozenset(roles), reviewer)

    def _ncb(self) -> None:
        country = COUNTRIES[len(self.agency_users)]
        aid = self._agency(f"{country}-NCB", "ncb", country)
        self._user(f"user-{country}", aid, ["officer", "supervisor", "analyst"])
        self._user(f"admin-{country}", aid, ["agency_admin"])

    @property
    def agency_users(self) -> list[str]:
        return sorted(n for n in self.viewers if n.startswith("user-"))

    @property
    def admins(self) -> list[str]:
        return sorted(n for n in self.viewers if n.startswith("admin-"))

    @property
    def agency_ids(self) -> list[str]:
        # In creation order, never by id: ids are random, and Hypothesis must draw the same
        # object from the same choices on every replay.
        return list(self.codes)

    @initialize()
    def world(self) -> None:
        hub = self._agency("HUB", "secretariat", None)
        self._user("reviewer", hub, ["compliance"], reviewer=True)
        self._user("hub-admin", hub, ["hub_admin"])
        self._ncb()
        self._ncb()
        # A compliance officer outside the secretariat is an ordinary reader of its agency.
        self._user("compliance-MA", self.viewers["user-MA"].agency, ["compliance"])

    def _step(self) -> None:
        self.steps += 1
        Steps.total += 1
        Steps.per_example[-1] += 1

    # -- agencies and agreements ----------------------------------------------------------------

    @precondition(lambda self: len(self.agency_users) < len(COUNTRIES))
    @rule()
    def create_agency(self) -> None:
        self._step()
        self._ncb()

    @rule(data=st.data())
    def create_agreement(self, data: st.DataObject) -> None:
        self._step()
        parties = data.draw(
            st.lists(st.sampled_from(self.agency_ids), min_size=2, max_size=4, unique=True)
        )
        creator = data.draw(
            st.sampled_from(
                [
                    "operator",
                    "hub-admin",
                    *(a for a in self.admins if self._agency_of(a) in parties),
                ]
            )
        )
        areas = data.draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=2, unique=True))
        cats = data.draw(
            st.one_of(
                st.just([]),
                st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True),
            )
        )
        start = self.model.today + timedelta(days=data.draw(st.integers(-400, 60)))
        length = data.draw(st.one_of(st.none(), st.integers(0, 900)))
        end = None if length is None else start + timedelta(days=length)
        actor = OPERATOR if creator == "operator" else self.actors[creator]
        out = agreements.create(
            self.db,
            actor,
            AgreementIn(
                title="MoU",
                parties=[self.codes[p] for p in parties],
                crime_areas=areas,
                data_categories=cats,
                valid_from=start,
                valid_to=end,
            ),
        )
        # The operator records a signed MoU; anyone else accepts for their own agency only.
        accepted = (
            set(parties) if creator == "operator" else {self._agency_of(creator)} & set(parties)
        )
        g = Agreement(
            out.id, frozenset(parties), accepted, frozenset(areas), frozenset(cats), start, end
        )
        self.model.agreements[out.id] = g
        assert out.in_force == g.in_force(self.model.today)
        assert set(out.accepted_by) == accepted

    def _agency_of(self, name: str) -> str:
        return self.viewers[name].agency

    @precondition(lambda self: self.model.agreements)
    @rule(data=st.data())
    def accept_agreement(self, data: st.DataObject) -> None:
        self._step()
        g = self.model.agreements[data.draw(st.sampled_from(list(self.model.agreements)))]
        admin = data.draw(st.sampled_from(self.admins))
        agency = self._agency_of(admin)
        outcome = "NotFound" if agency not in g.parties else "Conflict" if g.terminated else "ok"
        with expect(outcome):
            out = agreements.accept(self.db, self.actors[admin], g.id)
            g.accepted.add(agency)
            assert out.in_force == g.in_force(self.model.today)

    @precondition(lambda self: self.model.agreements)
    @rule(data=st.data())
    def terminate_agreement(self, data: st.DataObject) -> None:
        self._step()
        g = self.model.agreements[data.draw(st.sampled_from(list(self.model.agreements)))]
        who = data.draw(st.sampled_from(["hub-admin", *self.admins]))
        party = who == "hub-admin" or self._agency_of(who) in g.parties
        with expect("ok" if party else "NotFound"):
            out = agreements.terminate(self.db, self.actors[who], g.id, "ended")
            g.terminated = True
            assert not out.in_force

    # Every new day rebuilds each reader's policy filter (cached per viewer and day), the
    # dearest thing in a step: a day lasts at least DAY_STEPS steps, and jumps are long.
    @precondition(lambda self: self.steps - self.last_advance >= DAY_STEPS)
    @rule(days=st.one_of(st.integers(1, 40), st.sampled_from([90, 200, 365, 700, 1500, 1900])))
    def advance_clock(self, days: int) -> None:
        self._step()
        self.last_advance = self.steps
        self.clock.advance(days=days)
        self.model.advance(days)
        assert self.clock().date() == self.model.today

    # -- records --------------------------------------------------------------------------------

    def _distribution(self, data: st.DataObject, kind: str | None = None) -> Distribution:
        kind = kind or data.draw(st.sampled_from([OWNER, AGENCIES, AGREEMENT, ALL]))
        ids = self.agency_ids
        named = (
            data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
            if kind == AGENCIES
            else []
        )
        excluded = data.draw(
            st.one_of(
                st.just([]), st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True)
            )
        )
        return Distribution(kind, frozenset(named), frozenset(excluded))

    def _dist_in(self, d: Distribution) -> dict[str, object]:
        # Codes and ids are both accepted; use each so neither spelling bypasses anything.
        return {
            "kind": d.kind,
            "agencies": [self.codes[a] for a in sorted(d.named)],
            "excluded": sorted(d.excluded),
        }

    @rule(data=st.data())
    def create_record(self, data: st.DataObject) -> None:
        self._step()
        who = data.draw(st.sampled_from(self.agency_users))
        owner = self._agency_of(who)
        schema = data.draw(st.sampled_from(SCHEMAS))
        words = data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2))
        number = str(data.draw(st.integers(100000, 999999)))
        props: dict[str, list[str]] = {}
        text: list[str] = []
        if schema in ("Person", "Organization", "Vehicle", "CryptoWallet"):
            props["name"] = [" ".join(words)]
            text.append(props["name"][0])
        if schema == "Passport":
            props["number"] = [f"P{number}"]
        if schema == "Vehicle":
            props["registrationNumber"] = [f"V{number}"]
        if schema == "CryptoWallet":
            props["publicKey"] = [f"W{number}"]
        text += props.get("number", []) + props.get("registrationNumber", [])
        text += props.get("publicKey", [])
        refs: dict[str, list[str]] = {}
        for prop, ranges in REF_PROPS.get(schema, {}).items():
            targets = [r.id for r in self.model.records.values() if r.schema in ranges]
            required = schema in ("Family", "Passport")
            if targets and (required or data.draw(st.booleans())):
                refs[prop] = [data.draw(st.sampled_from(targets))]
            elif required:
                return  # nothing to link to yet (a passport needs its holder)
        dist = self._distribution(data)
        areas = data.draw(st.lists(st.sampled_from(AREAS), max_size=2, unique=True))
        review = data.draw(st.one_of(st.none(), st.integers(1, 1826)))
        viewer = self.viewers[who]
        hidden = [t for ts in refs.values() for t in ts if not self.model.record_visible(viewer, t)]
        payload = RecordIn.model_validate(
            {
                "schema": schema,
                "properties": {**props, **refs},
                "distribution": self._dist_in(dist),
                "crime_areas": areas,
                "review_date": None
                if review is None
                else self.model.today + timedelta(days=review),
            }
        )
        # A record the creator may not see is "unknown", exactly like one that never existed.
        with expect("Invalid" if hidden else "ok"):
            out = records.create(self.db, self.actors[who], payload)
            self.model.tick += 1
            self.model.records[out.id] = Record(
                id=out.id,
                owner=owner,
                schema=schema,
                dist=dist.for_owner(owner),
                areas=frozenset(areas),
                review_date=add_years(self.model.today, 5)
                if review is None
                else self.model.today + timedelta(days=review),
                created=self._created_tick(),
                text=" | ".join(text).casefold(),
                refs=refs,
            )
            self._check_record_out(viewer, out, self.model.visible_records(viewer))

    def _created_tick(self) -> int:
        """Creation instants as the clock gives them: equal within a day step, so order ties
        fall back to the id as the services promise."""
        return int(self.clock().timestamp())

    def _some_record(self, data: st.DataObject) -> Record:
        return self.model.records[data.draw(st.sampled_from(list(self.model.records)))]

    def _some_actor(self, data: st.DataObject, owner: str) -> str:
        """Mostly the owner's user; sometimes another agency's, who must be refused."""
        own = [u for u in self.agency_users if self._agency_of(u) == owner]
        return data.draw(st.one_of(st.sampled_from(own), st.sampled_from(self.agency_users)))

    @precondition(lambda self: self.model.records)
    @rule(data=st.data())
    def update_record(self, data: st.DataObject) -> None:
        self._step()
        r = self._some_record(data)
        who = self._some_actor(data, r.owner)
        dist = self._distribution(data) if data.draw(st.booleans()) else None
        areas = (
            data.draw(st.lists(st.sampled_from(AREAS), max_size=2, unique=True))
            if dist is None or data.draw(st.booleans())
            else None
        )
        viewer = self.viewers[who]
        payload = RecordUpdate(
            distribution=None if dist is None else self._dist_in(dist),  # type: ignore[arg-type]
            crime_areas=areas,
        )
        with expect(self.model.change_outcome(viewer, r.id)):
            out = records.update(self.db, self.actors[who], r.id, payload)
            if dist is not None:
                r.dist = dist.for_owner(r.owner)
            if areas is not None:
                r.areas = frozenset(areas)
            self._check_record_out(viewer, out, self.model.visible_records(viewer))

    @precondition(lambda self: self.model.records)
    @rule(data=st.data())
    def withdraw_record(self, data: st.DataObject) -> None:
        self._step()
        r = self._some_record(data)
        who = self._some_actor(data, r.owner)
        with expect(self.model.change_outcome(self.viewers[who], r.id)):
            out = records.withdraw(self.db, self.actors[who], r.id, "no longer accurate")
            r.status = "withdrawn"
            assert out.status == "withdrawn"

    # -- notices --------------------------------------------------------------------------------

    def _subjects(self, data: st.DataObject, owner: str) -> tuple[list[str], str]:
        """Subjects for a notice: the owner's records, sometimes with one that must be refused
        (another agency's, even a visible one, or a withdrawn one of its own)."""
        own = [r.id for r in self.model.records.values() if r.owner == owner]
        chosen = data.draw(st.lists(st.sampled_from(own), min_size=1, max_size=3, unique=True))
        if data.draw(st.integers(0, 9)) == 0:
            chosen.append(data.draw(st.sampled_from(list(self.model.records))))
        chosen = list(dict.fromkeys(chosen))  # a subject named twice is one subject
        bad = any(
            self.model.records[r].owner != owner or self.model.records[r].status != "active"
            for r in chosen
        )
        return chosen, "Invalid" if bad else "ok"

    def _owners_with_records(self) -> list[str]:
        owners = dict.fromkeys(self._agency_user(r.owner) for r in self.model.records.values())
        return [u for u in owners if u]

    def _agency_user(self, agency: str) -> str:
        return next((u for u in self.agency_users if self._agency_of(u) == agency), "")

    @precondition(lambda self: self.model.records)
    @rule(data=st.data())
    def create_notice(self, data: st.DataObject) -> None:
        self._step()
        who = data.draw(st.sampled_from(self._owners_with_records()))
        owner = self._agency_of(who)
        kind = data.draw(st.sampled_from(NOTICE_KINDS))
        subjects, outcome = self._subjects(data, owner)
        dist = self._distribution(data, AGENCIES if kind == "diffusion" else None)
        if kind == "diffusion" and data.draw(st.integers(0, 9)) == 0:
            dist = self._distribution(data, ALL)
            outcome = "Invalid"  # a diffusion goes to named agencies only
        areas = data.draw(st.lists(st.sampled_from(AREAS), max_size=2, unique=True))
        payload = NoticeIn.model_validate(
            {
                "kind": kind,
                "title": f"{kind} notice",
                "records": subjects,
                "crime_areas": areas,
                "legal_basis": "Penal code art. 1",
                "warrant_ref": "W-1",
                "distribution": self._dist_in(dist),
            }
        )
        with expect(outcome):
            out = notices.create(self.db, self.actors[who], payload)
            self.model.notices[out.id] = Notice(
                id=out.id,
                owner=owner,
                kind=kind,
                subjects=subjects,
                dist=dist.for_owner(owner),
                areas=frozenset(areas),
                created=self._created_tick(),
            )
            self._check_notice_out(self.viewers[who], out)

    def _some_notice(self, data: st.DataObject) -> Notice:
        return self.model.notices[data.draw(st.sampled_from(list(self.model.notices)))]

    @precondition(lambda self: self.model.notices)
    @rule(data=st.data())
    def update_notice(self, data: st.DataObject) -> None:
        """Drafts change subjects and distribution; nobody else's record ever becomes one."""
        self._step()
        n = self._some_notice(data)
        who = self._some_actor(data, n.owner)
        viewer = self.viewers[who]
        subjects, outcome = self._subjects(data, n.owner)
        if not self.model.notice_visible(viewer, n.id):
            outcome = "NotFound"
        elif n.owner != viewer.agency:
            outcome = "Forbidden"
        elif n.status != "draft":
            outcome = "Conflict"
        dist = self._distribution(data, AGENCIES if n.kind == "diffusion" else None)
        payload = NoticeUpdate(records=subjects, distribution=self._dist_in(dist))  # type: ignore[arg-type]
        with expect(outcome):
            out = notices.update(self.db, self.actors[who], n.id, payload)
            n.subjects = subjects
            n.dist = dist.for_owner(n.owner)
            self._check_notice_out(viewer, out)

    @precondition(lambda self: self.model.notices)
    @rule(data=st.data())
    def transition_notice(self, data: st.DataObject) -> None:
        """Mostly the lifecycle's next move by whoever makes it (so notices do get published,
        suspended, renewed and expire), sometimes any action by anyone (who must be refused)."""
        self._step()
        n = self._some_notice(data)
        owner_user = self._agency_user(n.owner)
        if data.draw(st.integers(0, 3)):
            action = data.draw(st.sampled_from(NEXT[n.status]))
            by_reviewer = action in ("publish", "return") and n.kind != "diffusion"
            who = "reviewer" if by_reviewer else owner_user
        else:
            action = data.draw(st.sampled_from(ACTIONS))
            readers = [*self.agency_users, "compliance-MA"]
            who = data.draw(
                st.one_of(st.just(owner_user), st.just("reviewer"), st.sampled_from(readers))
            )
        viewer = self.viewers[who]
        outcome = self.model.transition_outcome(viewer, n.id, action)
        with expect(outcome):
            out = notices.transition(
                self.db, self.actors[who], n.id, TransitionIn(action=action, reason="because")
            )
            self.model.apply_transition(n.id, action)
            self._check_notice_out(viewer, out)

    # -- reads, one path per step ---------------------------------------------------------------

    def _some_viewer(self, data: st.DataObject) -> Viewer:
        return self.viewers[data.draw(st.sampled_from(sorted(self.viewers)))]

    @precondition(lambda self: self.model.records)
    @rule(data=st.data())
    def read_record(self, data: st.DataObject) -> None:
        self._step()
        self._check_get(self._some_viewer(data), self._some_record(data).id)

    @precondition(lambda self: self.model.records)
    @rule(data=st.data())
    def read_links(self, data: st.DataObject) -> None:
        self._step()
        self._check_links(self._some_viewer(data), self._some_record(data).id)

    @rule(data=st.data())
    def search_records(self, data: st.DataObject) -> None:
        self._step()
        v = self._some_viewer(data)
        q = data.draw(st.one_of(st.none(), st.sampled_from(WORDS)))
        schema = data.draw(st.one_of(st.none(), st.sampled_from(SCHEMAS)))
        owner = data.draw(st.one_of(st.none(), st.sampled_from(self.agency_ids)))
        self._check_list(v, q=q, schema=schema, owner=owner)

    @rule(data=st.data())
    def export_records(self, data: st.DataObject) -> None:
        self._step()
        self._check_export(self._some_viewer(data))

    @precondition(lambda self: self.model.notices)
    @rule(data=st.data())
    def read_notice(self, data: st.DataObject) -> None:
        self._step()
        self._check_notice_get(self._some_viewer(data), self._some_notice(data).id)

    @rule(data=st.data())
    def list_notices(self, data: st.DataObject) -> None:
        self._step()
        self._check_notice_list(self._some_viewer(data))

    # -- invariants -----------------------------------------------------------------------------

    @invariant()
    def everyone_sees_what_the_model_says(self) -> None:
        """Both list paths, for every reader, after every (SWEEP_EVERY-th) step."""
        if self.steps % SWEEP_EVERY:
            return
        for v in self.viewers.values():
            self._check_list(v)
            self._check_notice_list(v)

    def teardown(self) -> None:
        """Every path, every reader, every known id: the end of each example."""
        try:
            if self.viewers:
                self.full_sweep()
        finally:
            self.db.dispose()

    def full_sweep(self) -> None:
        n = Steps.examples  # vary the filters from one example to the next
        for v in self.viewers.values():
            self._check_list(v)
            self._check_list(v, q=WORDS[n % len(WORDS)])
            self._check_list(v, schema=SCHEMAS[n % len(SCHEMAS)])
            self._check_export(v)
            self._check_notice_list(v)
            for nid in self.model.notices:
                self._check_notice_get(v, nid)
            visible = self.model.visible_records(v) if v.reads else set()
            hidden = [rid for rid in self.model.records if rid not in visible]
            for rid in self.model.records:
                self._check_get(v, rid)
            # Neighbours of what the reader sees; a hidden id fails the same lookup as get.
            for rid in [*visible, *hidden[:1]]:
                self._check_links(v, rid)

    # -- the checks -----------------------------------------------------------------------------

    def _check_record_out(self, v: Viewer, out: RecordOut, visible: set[str]) -> None:
        r = self.model.records[out.id]
        assert out.owner_id == r.owner and out.schema_ == r.schema and out.status == r.status
        assert out.review_date == r.review_date and sorted(out.crime_areas) == sorted(r.areas)
        for prop in REF_PROPS.get(r.schema, {}):
            # A reference to a record the reader may not see would reveal that it exists.
            shown = self.model.shown_refs(v, r.id, visible)
            assert out.properties.get(prop, []) == shown.get(prop, []), (v.name, r.id, prop)
        if r.owner == v.agency:
            assert out.distribution is not None
            assert out.distribution.kind == r.dist.kind
            assert set(out.distribution.agencies) == r.dist.named
            assert set(out.distribution.excluded) == r.dist.excluded
        else:
            assert out.distribution is None  # only the owner sees who else may see it

    def _check_notice_out(self, v: Viewer, out: NoticeOut) -> None:
        n = self.model.notices[out.id]
        assert out.owner_id == n.owner and out.kind == n.kind
        assert out.status == n.effective_status(self.model.today), (out.status, n)
        assert out.review_date == n.review_date
        assert out.records == self.model.notice_subjects(v, n.id), (v.name, n.id)
        assert (out.distribution is not None) == (n.owner == v.agency)

    def _check_get(self, v: Viewer, rid: str) -> None:
        actor = self.actors[v.name]
        if not v.reads:
            with pytest.raises(Forbidden):
                records.get(self.db, actor, rid)
            return
        visible = self.model.visible_records(v)
        if rid not in visible:
            with pytest.raises(NotFound):
                records.get(self.db, actor, rid)
            return
        self._check_record_out(v, records.get(self.db, actor, rid), visible)

    def _check_links(self, v: Viewer, rid: str) -> None:
        actor = self.actors[v.name]
        if not v.reads:
            with pytest.raises(Forbidden):
                records.links(self.db, actor, rid)
            return
        visible = self.model.visible_records(v)
        if rid not in visible:
            with pytest.raises(NotFound):
                records.links(self.db, actor, rid)
            return
        outs = records.links(self.db, actor, rid)
        assert {o.id for o in outs} == self.model.neighbours(rid, visible), (v.name, rid)
        for o in outs:
            self._check_record_out(v, o, visible)

    def _check_list(
        self, v: Viewer, q: str | None = None, schema: str | None = None, owner: str | None = None
    ) -> None:
        actor = self.actors[v.name]
        if not v.reads:
            with pytest.raises(Forbidden):
                records.list_records(
                    self.db, actor, q=q, schema=schema, owner=owner, justification=WHY
                )
            return
        want = self.model.listed(v, q=q, schema=schema, owner=owner)
        assert len(want) <= MAX_PAGE
        page = records.list_records(
            self.db, actor, q=q, schema=schema, owner=owner, limit=MAX_PAGE, justification=WHY
        )
        got = [o.id for o in page.items]
        assert got == want, (v.name, q, schema, owner, set(got) ^ set(want))
        assert page.total == len(want)
        visible = self.model.visible_records(v)
        for o in page.items:
            self._check_record_out(v, o, visible)

    def _check_export(self, v: Viewer) -> None:
        actor = self.actors[v.name]
        if not v.exports:
            with pytest.raises(Forbidden):
                list(records.export(self.db, actor, WHY))
            return
        rows = list(records.export(self.db, actor, WHY))
        assert [row["id"] for row in rows] == self.model.exported(v), v.name
        visible = self.model.visible_records(v)
        for row in rows:
            r = self.model.records[str(row["id"])]
            meta = row["tanseeq"]
            assert isinstance(meta, dict) and meta["owner"] == r.owner
            props = row["properties"]
            assert isinstance(props, dict)
            shown = self.model.shown_refs(v, r.id, visible)
            for prop in REF_PROPS.get(r.schema, {}):
                assert props.get(prop, []) == shown.get(prop, []), (v.name, r.id, prop)

    def _check_notice_get(self, v: Viewer, nid: str) -> None:
        actor = self.actors[v.name]
        if not v.reads:
            with pytest.raises(Forbidden):
                notices.get(self.db, actor, nid)
            return
        if not self.model.notice_visible(v, nid):
            with pytest.raises(NotFound):
                notices.get(self.db, actor, nid)
            return
        self._check_notice_out(v, notices.get(self.db, actor, nid))

    def _check_notice_list(self, v: Viewer) -> None:
        actor = self.actors[v.name]
        if not v.reads:
            with pytest.raises(Forbidden):
                notices.list_notices(self.db, actor)
            return
        page = notices.list_notices(self.db, actor, limit=MAX_PAGE)
        want = self.model.listed_notices(v)
        assert [n.id for n in page.items] == want, v.name
        assert page.total == len(want)
        for out in page.items:
            self._check_notice_out(v, out)


def _settings() -> settings:
    return settings(
        # One step of each example builds the world; a spare example keeps the total above the
        # target should one overrun Hypothesis's buffer.
        max_examples=math.ceil(TOTAL_STEPS / (EXAMPLE_STEPS - 1)) + 1,
        stateful_step_count=EXAMPLE_STEPS,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
        phases=[p for p in Phase if p != Phase.shrink or SHRINK],
    )


def test_policy_state_machine(make_db: Callable[..., Database]) -> None:
    # Every example gets the same database, emptied, on its own clock: a fresh engine per
    # example would compile every statement (the policy's are large) anew, ~100 times a run.
    # (PolicyMachine's source is left alone: it seeds the derandomised run.)
    shared = make_db()

    def emptied(clock: FakeClock) -> Database:
        empty_database(shared)
        shared.clock = clock
        return shared

    PolicyMachine.make_db = emptied
    Steps.total = Steps.examples = 0
    Steps.per_example = []
    started = time.perf_counter()
    # Every example runs its full length (Hypothesis would otherwise try some short ones).
    run_state_machine_as_test(PolicyMachine, settings=_settings(), _min_steps=EXAMPLE_STEPS)
    elapsed = time.perf_counter() - started
    print(
        f"\npolicy state machine: {Steps.total} steps in {Steps.examples} examples, "
        f"{elapsed:.1f} s (steps per example: {min(Steps.per_example)} to "
        f"{max(Steps.per_example)})"
    )
    assert Steps.total >= TOTAL_STEPS, Steps.total
