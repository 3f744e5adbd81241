"""An in-memory index of subjects: name blocking, exact identifiers, scored search.

Two paths answer a query:

* the exact identifier map (normalised identifier key -> record slots) answers "is this
  passport / VIN / wallet / phone in anything shared with us?" with one dictionary lookup;
* name search gathers candidates from the postings of the query's name blocking keys, ranks
  them by the rarity of the keys they share, re-ranks the best ``prerank_candidates`` by a
  vectorised string similarity, and scores only the best ``max_candidates`` with
  :func:`tanseeq.matching.scorer.score_pair` (stages described at the constants below). The
  watchlist is never scanned.

Keys posted for more than ``common_key_cap`` records ("mhmd", "smth") do not drive candidate
generation: they only add weight to candidates that a rarer key brought in, looked up in a
bitmap of the key's records (one bit per slot, built on first use and extended as records are
added: ~125 KB a common key at 1M records). Only when every key of a query is common does the
rarest one drive.

Records live in slots (list positions); postings are ``array('i')`` of slots, appended in
increasing order and therefore sorted, which the common-key lookup relies on. Removal leaves a
tombstone that candidate generation filters out; :meth:`MatchIndex.compact` (run
automatically once a quarter of the slots are dead) drops tombstones from the postings.
Stored records keep their tokens interned and no blocking keys, which is what keeps a million
persons under 2 GB. Each is also kept packed in one byte buffer: a search in a process forked
after the build scores decoded copies of its candidates, so that forked workers read the
index without copying its pages (see _StoredRecords).

Thread safety: one lock serialises every call, because a posting being appended to cannot be
read through a NumPy view at the same time. Bulk screening forks processes instead of threads.
"""

from __future__ import annotations

import marshal
import math
import multiprocessing
import os
import threading
import time
from array import array
from collections import deque
from collections.abc import Collection, Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import partial
from itertools import islice
from multiprocessing.pool import AsyncResult
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from tanseeq.matching.config import DEFAULT_THRESHOLD
from tanseeq.matching.identifiers import identifier_key, normalize_identifier, parse_document
from tanseeq.matching.names import PreparedName
from tanseeq.matching.scorer import (
    FeatureResult,
    PreparedSubject,
    document_countries,
    explain_pair,
    prepare_subject,
    score_pair,
)
from tanseeq.matching.subject import Subject

__all__ = ["Considered", "MatchIndex", "Result"]

# Candidate generation in three stages, each cheaper per candidate than the next; the
# figures were chosen on bench/speed.py's 200k watchlist (planted-record recall among records
# the scorer would match: 95.9% in the first 256, 93.1% in the final 16, against 78.7% for
# the first 16 by key score alone).
# 1. Records sharing blocking keys, by the summed rarity of the shared keys divided by
#    (keys of the record) ** KEY_COUNT_NORM: Latin names post several spelling-variant keys per
#    token and would otherwise outvote an Arabic record carrying one key per token.
DEFAULT_PRERANK_CANDIDATES = 256
KEY_COUNT_NORM = 0.5
# 2. Those re-ranked by key score (relative to the best) + PRERANK_MIX x token-string
#    similarity (rapidfuzz, vectorised), down to:
DEFAULT_MAX_CANDIDATES = 16
PRERANK_SCORER = fuzz.ratio
PRERANK_MIX = 1.0
# 3. Those scored by score_pair (~10-15 µs each: the name comparison dominates).
DEFAULT_COMMON_KEY_CAP = 5_000
_COMPACT_RATIO = 0.25
_MIN_WEIGHT = 0.05
# Bit ``i`` of a byte, for looking slots up in the common keys' bitmaps.
_BITS = np.left_shift(1, np.arange(8)).astype(np.uint8)


# Stage 2 compares at most this many bytes of a name's tokens (its start: a pre-ranking only).
_TEXT_WIDTH_MAX = 64


def _text(tokens: Iterable[str]) -> bytes:
    """A name's tokens as stage 2 compares them: skeletons are ASCII, so bytes compare as str."""
    return " ".join(tokens).encode()[:_TEXT_WIDTH_MAX]


class _SlotTexts:
    """Per slot, the record's name tokens (`_text`), in one fixed-width NumPy byte array.

    Stage 2 reads 256 of them a query. Taken from an array, they are copies: reading them writes
    nothing to the index's memory. As a list of str objects, each read wrote the string's
    reference count, and so made every forked worker (bench/speed.py's two processes, bulk
    screening's pool) copy the string's page; the array is also faster to take from than
    scattered strings, and a million str objects lighter (bench/README.md, "Seventh round").
    The width grows with the longest text, up to _TEXT_WIDTH_MAX; the length doubles as slots
    are added (slots are never reused).
    """

    __slots__ = ("_array", "_count")

    def __init__(self) -> None:
        self._array: npt.NDArray[np.bytes_] = np.zeros(1024, dtype="S16")
        self._count = 0

    def append(self, text: bytes) -> None:
        array, count = self._array, self._count
        if count == array.shape[0] or len(text) > array.itemsize:
            size = array.shape[0] * 2 if count == array.shape[0] else array.shape[0]
            grown = np.zeros(size, dtype=f"S{max(array.itemsize, len(text))}")
            grown[:count] = array[:count]
            self._array = array = grown
        array[count] = text
        self._count = count + 1

    def clear(self, slot: int) -> None:
        self._array[slot] = b""

    def take(self, slots: list[int]) -> list[bytes]:
        return self._array.take(slots).tolist()  # type: ignore[no-any-return]


class _StoredRecords:
    """Per slot, the lean record packed (``_encode``'s tuple, marshalled) in one byte buffer.

    In a process forked after the index was built (a server's or a bulk run's worker), stage 3
    scores its candidates on copies decoded from here, not on the stored objects: reading an
    object writes its reference count, and in a forked process that write copies the object's
    page. A record's objects lie on several pages (one pool per object size), so every scored
    candidate cost a worker several page copies, the most costly part of a query on a machine
    where faults are dear, and a long-running worker ended up with a copy of most of the
    index. Decoding 16 records costs less than those faults, and the workers keep sharing the
    index. The process that built the index reads its own objects, which costs nothing.
    Parts (tokens, token views, dates, country sets) are numbered in ``_STORED_NUMBERS``.
    """

    __slots__ = ("data", "ends")

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("q", [0])  # slot i is data[ends[i]:ends[i + 1]]

    def append(self, lean: PreparedSubject, packed: bytes | None = None) -> None:
        """Store ``lean``, or ``packed`` when the caller has it packed already."""
        if packed is None:
            with _stored_numbering() as numbering:
                packed = marshal.dumps(_encode(lean, numbering))
        self.data += packed
        self.ends.append(len(self.data))

    def compact(self, alive: bytearray) -> None:
        """Drop the bytes of dead slots (their ranges become empty; slots keep their numbers)."""
        data = bytearray()
        ends = array("q", [0])
        old, old_ends = self.data, self.ends
        for slot, live in enumerate(alive):
            if live:
                data += old[old_ends[slot] : old_ends[slot + 1]]
            ends.append(len(data))
        self.data, self.ends = data, ends

    def get(self, slot: int) -> PreparedSubject:
        # Only this process writes the buffer (append): no outside bytes are ever unmarshalled.
        item = marshal.loads(self.data[self.ends[slot] : self.ends[slot + 1]])  # noqa: S302
        return _decode(item, _STORED_TABLE)[0]


class _WeightCache(dict[str, float]):
    """Token weights computed once per index state: the name scorer asks for them once per
    token per candidate, hundreds of times a query, and a hit is a C-level dict lookup."""

    __slots__ = ("_index",)

    def __init__(self, index: MatchIndex) -> None:
        super().__init__()
        self._index = index

    def __missing__(self, token: str) -> float:
        value = self[token] = self._index.weight(token)
        return value


@dataclass(frozen=True, slots=True)
class Result:
    """One record found for a query, with the explanation an officer reads."""

    record_id: str
    score: float
    match: bool
    features: tuple[FeatureResult, ...]
    explanation: str


@dataclass(frozen=True)
class Considered:
    """What :meth:`MatchIndex.considered` found for one query."""

    identified: tuple[str, ...]  # records sharing an identifier with the query (all of them)
    ranked: tuple[str, ...]  # name candidates by key score, best first
    complete: bool  # no other record shares a blocking key with the query
    cut: int  # how many name candidates go on to the re-ranking (the index's prerank cut)

    def settled(self, admitted: Container[str]) -> bool:
        """Whether a search restricted to the ``admitted`` records among these returns what
        a search restricted to all ``admitted`` records returns.

        Restricting a search only zeroes the key scores of records left out, so it ranks the
        admitted candidates in the same order: when ``cut`` of them are among ``ranked`` (or
        ``ranked`` holds every candidate), the first ``cut`` admitted candidates are the
        same either way, and so is everything the search does after.
        """
        return self.complete or sum(rid in admitted for rid in self.ranked) >= self.cut


class MatchIndex:
    """Incremental index of :class:`~tanseeq.matching.subject.Subject` records."""

    __slots__ = (
        "_alive",
        "_bitmaps",
        "_dead",
        "_df",
        "_exact",
        "_local",
        "_lock",
        "_norm",
        "_owner",
        "_postings",
        "_records",
        "_slots",
        "_stored",
        "_texts",
        "_weights",
        "common_key_cap",
        "default_region",
        "max_candidates",
        "prerank_candidates",
        "threshold",
    )

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        max_candidates: int = DEFAULT_MAX_CANDIDATES,
        prerank_candidates: int = DEFAULT_PRERANK_CANDIDATES,
        common_key_cap: int = DEFAULT_COMMON_KEY_CAP,
        default_region: str | None = None,
    ) -> None:
        self.threshold = threshold
        self.max_candidates = max(1, max_candidates)
        self.prerank_candidates = max(prerank_candidates, max_candidates)
        self.common_key_cap = common_key_cap
        self.default_region = default_region
        self._records: list[PreparedSubject | None] = []
        # Per slot, the record's name tokens as one byte string, for the second ranking stage.
        self._texts = _SlotTexts()
        # Per slot, the record packed, for the third stage in forked processes (see
        # _StoredRecords); the process that owns the objects reads them directly.
        self._stored = _StoredRecords()
        self._owner = os.getpid()
        self._slots: dict[str, int] = {}
        self._alive = bytearray()
        # Per slot, 1 / (keys posted) ** KEY_COUNT_NORM, 0 once removed: spelling-variant keys
        # of Latin names must not outvote an Arabic record that has one key per token (see
        # _name_candidates), and dead slots must drop out; one multiplication does both.
        self._norm: array[float] = array("f")
        # Common keys: (bitmap of their slots, posting length it covers), see _common_bits.
        self._bitmaps: dict[str, tuple[npt.NDArray[np.uint8], int]] = {}
        self._dead = 0
        self._postings: dict[str, array[int]] = {}
        self._df: dict[str, int] = {}
        # One slot as a bare int, several as a list: nearly every identifier is unique and a
        # million one-element lists would cost ~60 MB for nothing.
        self._exact: dict[str, int | list[int]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._weights = _WeightCache(self)

    # -- maintenance --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._slots

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._slots))

    def get(self, record_id: str) -> PreparedSubject | None:
        slot = self._slots.get(record_id)
        return None if slot is None else self._records[slot]

    def add(self, subject: Subject | PreparedSubject) -> None:
        """Add a subject, replacing any record with the same id.

        Raises ``IdentifierError``/``DateError`` when a value does not normalise; nothing is
        changed then.
        """
        full = (
            subject
            if isinstance(subject, PreparedSubject)
            else prepare_subject(subject, self.default_region)
        )
        with self._lock:
            self._replace(full.id)
            self._add(full)

    def add_many(
        self,
        subjects: Iterable[Subject | PreparedSubject],
        *,
        processes: int = 1,
        chunk_size: int = 2000,
    ) -> int:
        """Add subjects in order; ``processes > 1`` prepares them in that many processes,
        this one and ``processes - 1`` forked workers.

        Preparing names is most of the cost of a build and needs nothing from the index, so
        workers prepare chunks while this process posts them. This process prepares a share
        of the chunks too (one in ``processes + 1``: it also posts every record), which costs
        it no transfer at all: on two cores, one worker and this process take about as much
        CPU time each, where two workers beside a posting parent made three busy processes.
        The first bad subject raises, as :meth:`add` does; those before it stay added.
        """
        if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            count = 0
            for subject in subjects:
                self.add(subject)
                count += 1
            return count
        builder = _ParallelBuild(self)
        with multiprocessing.get_context("fork").Pool(
            processes - 1, initializer=_start_worker
        ) as pool:
            prepare = partial(_prepare_chunk, self.default_region)
            for number, chunk in enumerate(_chunks(subjects, chunk_size)):
                if number % (processes + 1) == processes:
                    builder.prepare_here(chunk)
                else:
                    builder.pending.append(pool.apply_async(prepare, ([_wire(s) for s in chunk],)))
                builder.post_ready(window=4 * processes)
            builder.post_ready(window=0)
        return builder.count

    update = add

    def remove(self, record_id: str) -> bool:
        """Remove a record; False when the id is not indexed."""
        with self._lock:
            if record_id not in self._slots:
                return False
            self._remove(record_id)
            if self._dead > _COMPACT_RATIO * len(self._records) and self._dead > 1000:
                self._compact()
            return True

    def compact(self) -> None:
        """Drop removed records from the postings (slots keep their numbers)."""
        with self._lock:
            self._compact()

    def _add(self, full: PreparedSubject) -> None:
        keys: set[str] = set()
        for name in full.names:
            keys.update(name.keys)
        lean = PreparedSubject(
            full.id,
            full.schema,
            tuple([_lean(n) for n in full.names]),
            full.birth_dates,
            full.nationalities,
            full.gender,
            full.identifiers,
        )
        self._post(lean, keys)

    def _post(
        self, lean: PreparedSubject, keys: Collection[str], packed: bytes | None = None
    ) -> None:
        """Store a lean record (names without keys) in a new slot and post its ``keys``;
        ``packed``, if given, is the record as _StoredRecords packs it."""
        if self._weights:
            self._weights.clear()
        slot = len(self._records)
        postings = self._postings
        for key in keys:
            posting = postings.get(key)
            if posting is None:
                posting = postings[key] = array("i")
            posting.append(slot)
        df = self._df
        tokens = dict.fromkeys(t for n in lean.names for t in n.tokens)
        for token in tokens:
            df[token] = df.get(token, 0) + 1
        for key in lean.identifier_keys():
            found = self._exact.get(key)
            if found is None:
                self._exact[key] = slot
            elif isinstance(found, int):
                self._exact[key] = [found, slot]
            else:
                found.append(slot)
        self._records.append(lean)
        self._stored.append(lean, packed)
        self._texts.append(_text(tokens))
        self._alive.append(1)
        self._norm.append(max(1, len(keys)) ** -KEY_COUNT_NORM)
        self._slots[lean.id] = slot

    def _replace(self, record_id: str) -> None:
        """Make way for a new version of a record: the old one, if any, is removed."""
        if record_id in self._slots:
            self._remove(record_id)

    def _remove(self, record_id: str) -> None:
        self._weights.clear()
        slot = self._slots.pop(record_id)
        record = self._records[slot]
        assert record is not None  # a slot in _slots is always live
        self._records[slot] = None
        self._texts.clear(slot)
        self._alive[slot] = 0
        self._norm[slot] = 0.0
        self._dead += 1
        for token in {t for n in record.names for t in n.tokens}:
            left = self._df[token] - 1
            if left:
                self._df[token] = left
            else:
                del self._df[token]
        for key in record.identifier_keys():
            found = self._exact[key]
            if isinstance(found, int) or len(found) == 1:
                del self._exact[key]
            else:
                found.remove(slot)
                if len(found) == 1:
                    self._exact[key] = found[0]

    def _compact(self) -> None:
        alive = np.frombuffer(self._alive, dtype=np.uint8).astype(bool)
        for key in list(self._postings):
            slots = np.frombuffer(self._postings[key], dtype=np.int32)
            kept = slots[alive[slots]]
            if kept.size:
                self._postings[key] = array("i", kept.tobytes())
            else:
                del self._postings[key]
        self._bitmaps.clear()
        self._stored.compact(self._alive)
        self._dead = 0
        # Slots are never reused, so only the postings and the packed records shrink; the
        # record list keeps its Nones.

    # -- weights ------------------------------------------------------------------------------

    def weight(self, token: str) -> float:
        """Rarity of a name token in (0, 1]: inverse document frequency scaled by log N.

        Unknown tokens weigh 1; a token every record carries weighs ``_MIN_WEIGHT``.
        """
        n = len(self._slots)
        df = self._df.get(token, 0)
        if n < 2 or df == 0:
            return 1.0
        return max(_MIN_WEIGHT, min(1.0, math.log((n + 1) / df) / math.log(n + 1)))

    # -- queries ------------------------------------------------------------------------------

    def check_identifier(self, kind: str, value: str) -> list[str]:
        """Ids of records holding this identifier: the hit/no-hit path (one dict lookup).

        Raises ``IdentifierError`` when ``value`` is not a valid ``kind``. A document number
        given with its country (``"fr:12AB34567"``) leaves out records whose document of that
        number is known to come from another country.
        """
        normalized = normalize_identifier(kind, value, self.default_region)
        key = identifier_key(kind, normalized)
        with self._lock:
            found = self._exact.get(key)
            if found is None:
                return []
            slots = [found] if isinstance(found, int) else list(found)
            records = [r for s in slots if (r := self._records[s]) is not None]
        country = parse_document(normalized).country if kind in ("document", "mrz") else None
        if country is None:
            return [r.id for r in records]
        out = []
        for record in records:
            countries = document_countries(record).get(key, frozenset())
            if not countries or country in countries:
                out.append(record.id)
        return out

    def search(
        self,
        query: Subject | PreparedSubject,
        limit: int = 10,
        threshold: float | None = None,
        allowed: npt.NDArray[np.uint8] | None = None,
    ) -> list[Result]:
        """Best records for ``query`` scoring at least ``threshold``, best first.

        ``threshold`` defaults to the index's match threshold; a lower one also returns near
        misses, with ``match=False``. ``allowed`` (from :meth:`allowed_mask`) restricts the
        search to some records *before* candidates are ranked, so records a caller may not see
        never crowd out the ones it may.
        """
        q = (
            query
            if isinstance(query, PreparedSubject)
            else prepare_subject(query, self.default_region)
        )
        floor = self.threshold if threshold is None else threshold
        weight = self._weights.__getitem__
        with self._lock:
            if allowed is not None and allowed.shape[0] < len(self._records):
                # Records added since the mask was made are not in it: not allowed.
                pad = np.zeros(len(self._records) - allowed.shape[0], dtype=np.uint8)
                allowed = np.concatenate([allowed, pad])
            slots = self._candidate_slots(q, allowed)
            # Forked: score copies, not the shared objects (see _StoredRecords).
            read = self._stored.get if os.getpid() != self._owner else self._records.__getitem__
            alive = self._alive
            scored: list[tuple[float, int]] = []
            kept: dict[int, PreparedSubject] = {}
            for slot in slots:
                if not alive[slot]:
                    continue
                record = read(slot)
                assert record is not None  # a live slot holds a record
                score = score_pair(q, record, weight, floor)
                if score >= floor:
                    scored.append((score, slot))
                    kept[slot] = record
            scored.sort(key=lambda pair: (-pair[0], pair[1]))
            results = []
            for _, slot in scored[:limit]:
                record = kept[slot]
                explained = explain_pair(q, record, weight, self.threshold)
                results.append(
                    Result(
                        record.id,
                        explained.score,
                        explained.match,
                        explained.features,
                        explained.explanation,
                    )
                )
        return results

    def allowed_mask(self, record_ids: Iterable[str]) -> npt.NDArray[np.uint8]:
        """A mask for :meth:`search` admitting only these records (unknown ids are ignored)."""
        with self._lock:
            mask = np.zeros(len(self._records), dtype=np.uint8)
            slots = [s for rid in record_ids if (s := self._slots.get(rid)) is not None]
            mask[slots] = 1
        return mask

    def considered(self, query: Subject | PreparedSubject, depth: int | None = None) -> Considered:
        """The records a :meth:`search` without ``allowed`` looks at first: identifier
        matches and the best ``depth`` name candidates by key score (by default the
        ``prerank_candidates`` that go on to the similarity re-ranking). Asked of the sharing
        policy, they tell whether a search restricted to the records a caller may see among
        them is the search restricted to all it may see (:meth:`Considered.settled`)."""
        q = (
            query
            if isinstance(query, PreparedSubject)
            else prepare_subject(query, self.default_region)
        )
        depth = max(depth or self.prerank_candidates, 1)
        with self._lock:
            identified = [self._records[s] for s in self._identified(q)]
            scored = self._key_scores(q, None)
            if scored is None:
                ranked: list[PreparedSubject | None] = []
                complete = True
            else:
                slots, negated = scored
                ranked = [self._records[s] for s in slots.take(self._best(negated, depth))]
                complete = int(np.count_nonzero(negated < 0.0)) <= depth
        return Considered(
            tuple(r.id for r in identified if r is not None),
            tuple(r.id for r in ranked if r is not None),
            complete,
            self.prerank_candidates,
        )

    def _identified(self, query: PreparedSubject) -> list[int]:
        """Slots of the records sharing an identifier with the query."""
        exact: list[int] = []
        for key in query.identifier_keys():
            found = self._exact.get(key)
            if found is not None:
                exact.extend([found] if isinstance(found, int) else found)
        return exact

    def _candidate_slots(
        self, query: PreparedSubject, allowed: npt.NDArray[np.uint8] | None = None
    ) -> list[int]:
        exact = self._identified(query)
        if allowed is not None:
            exact = [s for s in exact if allowed[s]]
        return list(dict.fromkeys(exact + self._name_candidates(query, allowed)))

    def _scratch(self) -> npt.NDArray[np.float32]:
        # Per-thread dense accumulator, zeroed after each use: adding key weights by fancy
        # indexing is linear in the postings, where grouping by sort would not be.
        scratch: npt.NDArray[np.float32] | None = getattr(self._local, "scratch", None)
        size = len(self._records)
        if scratch is None or scratch.shape[0] < size:
            scratch = np.zeros(max(1024, size + size // 4), dtype=np.float32)
            self._local.scratch = scratch
        return scratch

    def _common_bits(self, key: str, posting: array[int]) -> npt.NDArray[np.uint8]:
        """The bitmap of a common key's slots (bit ``slot & 7`` of byte ``slot >> 3``).

        Built on first use, then extended with the slots appended since: postings only grow
        between compactions, and compaction drops every bitmap.
        """
        bits, covered = self._bitmaps.get(key, (None, 0))
        size = (len(self._records) >> 3) + 1
        if bits is None or bits.shape[0] < size:
            covered = 0
            grown = np.zeros(size + size // 4, dtype=np.uint8)  # room for records to come
            bits = grown
        if covered < len(posting):
            new = np.frombuffer(posting, dtype=np.int32)[covered:]
            if new.shape[0] > 4096:  # a first build: one pass over a dense mask is faster
                mask = np.zeros(bits.shape[0] * 8, dtype=bool)
                mask[new] = True
                bits |= np.packbits(mask, bitorder="little")
            else:
                np.bitwise_or.at(bits, new >> 3, np.left_shift(1, new & 7).astype(np.uint8))
            self._bitmaps[key] = (bits, len(posting))
        return bits

    def _key_scores(
        self, query: PreparedSubject, allowed: npt.NDArray[np.uint8] | None
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]] | None:
        """Stage 1: the slots sharing a blocking key with the query and their key scores,
        negated (a slot scoring 0, dead or not allowed, is no candidate); None if no key of
        the query is posted."""
        keys: set[str] = set()
        for name in query.names:
            keys.update(name.keys)
        get = self._postings.get
        # Rarest first, keys of equal length in key order: neither which key drives nor the
        # order in which float32 scores are summed may depend on set iteration order (string
        # hashes differ from one process to the next).
        postings = sorted([(len(p), key, p) for key in keys if (p := get(key)) is not None])
        if not postings:
            return None
        n = max(2, len(self._records))
        cap = self.common_key_cap
        driving = [p for size, _, p in postings if size <= cap] or [postings[0][2]]
        # Scores are kept negated (exactly so: rounding is symmetric) for ascending partitions
        # and sorts; `slots` is ascending and sorts are stable, so equal scores rank by slot.
        slots: npt.NDArray[np.int32]
        if len(driving) == 1:
            # One posting: its slots are distinct and ascending already, with one score.
            slots = np.frombuffer(driving[0], dtype=np.int32)
            negated = np.full(slots.shape[0], -math.log1p(n / len(driving[0])), np.float32)
        else:
            # Scores summed per slot in a dense scratch array (linear in the postings); slots
            # merged by a stable sort of the concatenated postings (sorted runs, so a merge,
            # ~2 ns a slot) and de-duplicated.
            scratch = self._scratch()
            arrays = [np.frombuffer(p, dtype=np.int32) for p in driving]
            # The scratch is zero: the first posting's scores are written, not added.
            scratch.put(arrays[0], -math.log1p(n / len(driving[0])))
            for posting, view in zip(driving[1:], arrays[1:], strict=True):
                scratch.put(view, scratch.take(view) - math.log1p(n / len(posting)))
            merged = np.concatenate(arrays)
            merged.sort(kind="stable")
            first = np.empty(merged.shape[0], dtype=bool)
            first[0] = True
            np.not_equal(merged[1:], merged[:-1], out=first[1:])
            slots = merged[first]
            negated = scratch.take(slots)  # take: a third faster than [] indexing
            scratch[slots] = 0.0
        if len(postings) > len(driving):
            byte = slots >> 3
            bit = _BITS.take(slots & 7)
            for size, key, posting in postings[len(driving) :]:
                member = self._common_bits(key, posting).take(byte)
                member &= bit
                weight = np.float32(math.log1p(n / size))
                np.subtract(negated, weight, out=negated, where=member.astype(bool))
        negated *= np.frombuffer(self._norm, dtype=np.float32).take(slots)
        if allowed is not None:
            negated *= allowed.take(slots)
        return slots, negated

    @staticmethod
    def _best(negated: npt.NDArray[np.float32], want: int) -> npt.NDArray[np.intp]:
        """Positions of the best ``want`` key scores above 0, best first, ties by slot: every
        slot at least as good as the want-th (ties included), then the first ``want`` of those
        sorted by score."""
        kth = np.partition(negated, want - 1)[want - 1] if negated.shape[0] > want else 0.0
        chosen = np.flatnonzero(negated <= kth if kth < 0.0 else negated < 0.0)
        return chosen[np.argsort(negated.take(chosen), kind="stable")[:want]]

    def _name_candidates(
        self, query: PreparedSubject, allowed: npt.NDArray[np.uint8] | None = None
    ) -> list[int]:
        scored = self._key_scores(query, allowed)
        if scored is None:
            return []
        slots, negated = scored
        order = self._best(negated, self.prerank_candidates)
        ranked: list[int] = slots.take(order).tolist()
        if len(ranked) <= self.max_candidates:
            return ranked
        # Second stage: many records share the same few keys ("John Williams"); those are told
        # apart by a vectorised similarity of their name strings (C speed, ~0.2 µs a pair), mixed
        # with the key score, so that the costly name comparison runs on the best few only.
        similarity = process.cdist(
            [_text(n.tokens) for n in query.names],
            self._texts.take(ranked),
            scorer=PRERANK_SCORER,
            dtype=np.uint8,
        ).max(axis=0)
        key_values = negated.take(order)  # negated / its first: the same quotient
        mixed = key_values / key_values[0] + PRERANK_MIX * similarity.astype(np.float32) / 100
        best = np.argsort(-mixed, kind="stable")[: self.max_candidates]
        return [ranked[i] for i in best.tolist()]


# -- parallel preparation ----------------------------------------------------------------------


class _ParallelBuild:
    """Chunks of one :meth:`MatchIndex.add_many`, posted in the order they were given.

    ``pending`` holds, in order, each chunk's preparation: the forked worker's answer to come,
    or the chunk this process prepared (or the error that stopped it, raised in its turn).
    """

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self.count = 0
        self.pending: deque[AsyncResult[_Prepared] | list[PreparedSubject] | Exception] = deque()
        # Per worker, the parts it has sent so far, in the order it numbered them.
        self.tables: dict[tuple[int, int], list[Any]] = {}
        # Per worker, the store's number (_STORED_NUMBERS) of each part it has sent.
        self.renumber: dict[tuple[int, int], list[int]] = {}

    def prepare_here(self, chunk: list[Subject | PreparedSubject]) -> None:
        region = self.index.default_region
        try:
            self.pending.append(
                [s if isinstance(s, PreparedSubject) else prepare_subject(s, region) for s in chunk]
            )
        except Exception as exc:  # raised in its turn, once the chunks before it are posted
            self.pending.append(exc)

    def post_ready(self, window: int) -> None:
        """Post the chunks at the head that are ready, waiting while more than ``window`` are
        pending (which bounds the memory held in prepared chunks)."""
        pending = self.pending
        while pending:
            head = pending[0]
            if isinstance(head, AsyncResult) and not head.ready() and len(pending) <= window:
                return
            pending.popleft()
            if isinstance(head, Exception):
                raise head
            if isinstance(head, list):
                with self.index._lock:
                    for full in head:
                        self.index._replace(full.id)
                        self.index._add(full)
                self.count += len(head)
            else:
                self._post_remote(*head.get())

    def _post_remote(
        self, worker: tuple[int, int], new_parts: list[Any], packed: list[_Packed]
    ) -> None:
        table = self.tables.setdefault(worker, [])
        shared = list(map(_PARTS.setdefault, new_parts, new_parts))
        table.extend(shared)
        # The worker's numbers of its parts, renumbered as the store numbers them: a record
        # is then stored by renumbering its item, not by encoding it again (a fifth of a build).
        renumber = self.renumber.setdefault(worker, [])
        with _stored_numbering() as numbering:
            renumber.extend([numbering.one(part) for part in shared])
        decoded = [_decode(item, table) for item in packed]
        with self.index._lock:
            for (lean, keys), item in zip(decoded, packed, strict=True):
                self.index._replace(lean.id)
                self.index._post(lean, keys, _renumbered(item, renumber, len(keys)))
        self.count += len(packed)


# Workers send prepared records in the lean form the index stores, each repeated part
# (token, spelling, token view, blocking key, date, country set) replaced by its number in a
# table the worker extends as it meets new parts and sends once. Names repeat their tokens so
# much that a chunk is then mostly small ints: cheap to pickle, and the parent, which posts
# every record and is what bounds a build, neither unpickles nor hashes a token view per
# record to share it. Plain tuples, not dataclasses, cross the process boundary both ways:
# pickling slotted dataclasses costs several times more than the tuples they are made of.

_NAME_FIELDS = tuple(f.name for f in fields(PreparedName))
_KEYS_AT = _NAME_FIELDS.index("keys")
_name_fields = attrgetter(*_NAME_FIELDS)
_NO_KEYS: frozenset[str] = frozenset()
# One object per distinct part of a stored name (token, spelling, token view) across every
# index and however a record came in: a million names are written with ~100k distinct tokens,
# so sharing them divides their memory by ten.
_PARTS: dict[Any, Any] = {}
# The parts of stored records (_StoredRecords), numbered once for every index of the process.
_STORED_NUMBERS: dict[Any, int] = {}
_STORED_TABLE: list[Any] = []
# Indexes in several threads number parts at once: a part's number and its place in the table
# must be given together (_stored_numbering).
_STORED_LOCK = threading.Lock()


@contextmanager
def _stored_numbering() -> Iterator[_Numbering]:
    """Number parts as stored records do; the new ones join the table on exit, under the lock."""
    with _STORED_LOCK:
        numbering = _Numbering(_STORED_NUMBERS)
        try:
            yield numbering
        finally:  # numbers given are taken: the table must hold their parts whatever happens
            _STORED_TABLE.extend(numbering.new)


def _lean(name: PreparedName) -> PreparedName:
    """The form an index stores: no blocking keys (they are in the postings), parts shared.

    Generic over the fields, so that forms the names module adds later are kept and shared
    too: every tuple field holds parts (hashable, or kept as they are).
    """
    args: list[Any] = []
    for f in _NAME_FIELDS:
        value = getattr(name, f)
        if f == "keys":
            value = _NO_KEYS
        elif type(value) is tuple:
            try:
                value = tuple(map(_PARTS.setdefault, value, value))
            except TypeError:  # an unhashable part cannot be shared
                pass
        args.append(value)
    return PreparedName(*args)


_Packed = tuple[Any, ...]
_Prepared = tuple[tuple[int, int], list[Any], list[_Packed]]
_SubjectTuple = tuple[str, str, list[str], list[str], list[str], str | None, dict[str, list[str]]]

# In a worker: who it is (pid and start time, so that a replaced worker is never taken for the
# one before it) and the number of each part it has sent.
_WORKER: tuple[int, int] = (0, 0)
_SENT: dict[Any, int] = {}


def _start_worker() -> None:
    global _WORKER
    _WORKER = (os.getpid(), time.monotonic_ns())
    _SENT.clear()


def _chunks(
    items: Iterable[Subject | PreparedSubject], size: int
) -> Iterator[list[Subject | PreparedSubject]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _wire(s: Subject | PreparedSubject) -> _SubjectTuple | PreparedSubject:
    if isinstance(s, PreparedSubject):
        return s
    return (s.id, s.schema, s.names, s.birth_dates, s.nationalities, s.gender, s.identifiers)


class _Numbering:
    """Numbers parts in ``numbers`` (by default, those a worker has sent), collecting those
    numbered for the first time: for one chunk of a worker, or one stored record."""

    __slots__ = ("new", "numbers")

    def __init__(self, numbers: dict[Any, int] | None = None) -> None:
        self.numbers = _SENT if numbers is None else numbers
        self.new: list[Any] = []

    def one(self, part: Any) -> int:
        numbers = self.numbers
        number = numbers.get(part)
        if number is None:
            number = numbers[part] = len(numbers)
            self.new.append(part)
        return number

    def many(self, parts: tuple[Any, ...]) -> tuple[int, ...]:
        # Nearly every part was sent before: look them all up in C, fall back when one is new.
        numbers = tuple(map(self.numbers.get, parts))
        if None in numbers:
            numbers = tuple([self.one(part) for part in parts])
        return numbers  # type: ignore[return-value]  # no None left


def _prepare_chunk(region: str | None, chunk: list[_SubjectTuple | PreparedSubject]) -> _Prepared:
    numbering = _Numbering()
    packed = []
    for item in chunk:
        full = (
            item if isinstance(item, PreparedSubject) else prepare_subject(Subject(*item), region)
        )
        packed.append(_encode(full, numbering))
    return _WORKER, numbering.new, packed


def _encode(full: PreparedSubject, numbering: _Numbering) -> _Packed:
    """A record as ``(id, part numbers, name shapes, dates, identifier values)``.

    Every part of the record is numbered in one pass (one C-level lookup each): the schema,
    country set and gender, then each name's tuple fields, the dates, the identifier kinds and
    the blocking keys, in that order. A name's shape gives, field by field, the length of a
    tuple field or a 1-tuple holding any other value (its original text); the keys travel
    once per record, for posting, and are not stored.
    """
    flat: list[Any] = [full.schema, full.nationalities, full.gender]
    keys: set[str] = set()
    shapes = []
    for name in full.names:
        keys.update(name.keys)
        shape: list[Any] = []
        for value in _name_fields(name):
            if type(value) is tuple:  # generic over the fields, as _lean is
                flat.extend(value)
                shape.append(len(value))
            else:
                shape.append((value,))
        shape[_KEYS_AT] = (None,)
        shapes.append(tuple(shape))
    flat.extend(full.birth_dates)
    flat.extend([kind for kind, _ in full.identifiers])
    flat.extend(keys)
    return (
        full.id,
        numbering.many(tuple(flat)),
        tuple(shapes),
        len(full.birth_dates),
        tuple([value for _, value in full.identifiers]),
    )


def _renumbered(item: _Packed, renumber: list[int], keys: int) -> bytes:
    """A worker's item as _StoredRecords packs it: parts renumbered, blocking keys left out
    (they are the last ``keys`` parts)."""
    record_id, numbers, shapes, dates, values = item
    kept = numbers[: len(numbers) - keys]
    return marshal.dumps((record_id, tuple(map(renumber.__getitem__, kept)), shapes, dates, values))


def _decode(item: _Packed, table: list[Any]) -> tuple[PreparedSubject, list[str]]:
    """The lean record and its blocking keys; ``table`` holds the sending worker's parts."""
    record_id, numbers, shapes, dates, values = item
    parts = list(map(table.__getitem__, numbers))
    at = 3
    lean_names = []
    for shape in shapes:
        args: list[Any] = []
        for field in shape:
            if type(field) is int:
                args.append(tuple(parts[at : at + field]))
                at += field
            else:
                args.append(field[0])
        args[_KEYS_AT] = _NO_KEYS
        lean_names.append(PreparedName(*args))
    kinds = at + dates
    keys = kinds + len(values)
    lean = PreparedSubject(
        record_id,
        parts[0],
        tuple(lean_names),
        tuple(parts[at:kinds]),
        parts[1],
        parts[2],
        tuple(zip(parts[kinds:keys], values, strict=True)),
    )
    return lean, parts[keys:]
