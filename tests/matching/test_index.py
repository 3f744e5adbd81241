"""MatchIndex: incremental maintenance, candidate generation, exact identifier path."""

import itertools
import multiprocessing

import pytest

from tanseeq.matching.identifiers import IdentifierError
from tanseeq.matching.index import MatchIndex
from tanseeq.matching.names import prepare_name
from tanseeq.matching.scorer import PreparedSubject, prepare_subject, score_pair
from tanseeq.matching.subject import Subject

WATCHLIST = [
    Subject("r1", names=["Mohamed Ali Hassan"], birth_dates=["1980-05-02"], nationalities=["sy"]),
    Subject("r2", names=["يوسف بن علي حموشي"], birth_dates=["1975"], gender="male"),
    Subject("r3", names=["John Smith"], identifiers={"phone": ["+33123456789"]}),
    Subject("r4", names=["Anna Maria Eriksson"], identifiers={"document": ["uto:L898902C3"]}),
    Subject(
        "r5",
        schema="Vehicle",
        names=["Blue van"],
        identifiers={"vin": ["1M8GDM9AXKP042788"], "plate": ["AB123CD"]},
    ),
    Subject(
        "r6",
        schema="CryptoWallet",
        identifiers={"wallet": ["0x52908400098527886e0f7030069857d2e4169ee7"]},
    ),
    Subject("r7", names=["Hassan Mohamed Ali"], birth_dates=["1962"], nationalities=["eg"]),
]


@pytest.fixture
def index() -> MatchIndex:
    idx = MatchIndex()
    idx.add_many(WATCHLIST)
    return idx


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (Subject("q", names=["محمد علي حسن"]), ["r1", "r7"]),
        (Subject("q", names=["Mohamed Ali Hassan"], birth_dates=["1980"]), ["r1", "r7"]),
        (Subject("q", names=["Youssef Hammouchi"]), ["r2"]),
        (Subject("q", names=["JOHN SMYTH"]), ["r3"]),
        (
            Subject("q", names=["Somebody Else"], identifiers={"document": ["UTO:L898902C3"]}),
            ["r4"],
        ),
        (Subject("q", identifiers={"vin": ["1m8gdm9axkp042788"]}), ["r5"]),
        (
            Subject("q", identifiers={"wallet": ["0x52908400098527886E0F7030069857D2E4169EE7"]}),
            ["r6"],
        ),
        (Subject("q", names=["Nobody Known"]), []),
    ],
)
def test_search(index: MatchIndex, query: Subject, expected: list[str]) -> None:
    results = index.search(query)
    assert [r.record_id for r in results] == expected
    assert all(r.match for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


def test_contradicting_date_ranks_lower(index: MatchIndex) -> None:
    results = index.search(Subject("q", names=["Mohamed Ali Hassan"], birth_dates=["1962"]))
    assert [r.record_id for r in results] == ["r7", "r1"]


def test_threshold_and_limit(index: MatchIndex) -> None:
    near = index.search(Subject("q", names=["Mohamed Hassan Karim"]), threshold=0.0, limit=1)
    assert len(near) == 1
    assert near[0].match is (near[0].score >= index.threshold)
    assert index.search(Subject("q", names=["Mohamed Hassan Karim"]), threshold=1.01) == []


def test_search_scores_equal_the_scorer(index: MatchIndex) -> None:
    query = Subject("q", names=["Mohammed Ali Hasan"], nationalities=["sy"])
    for result in index.search(query, threshold=0.0):
        record = index.get(result.record_id)
        assert record is not None
        assert result.score == score_pair(prepare_subject(query), record, index.weight)


@pytest.mark.parametrize(
    ("kind", "value", "ids"),
    [
        ("phone", "+33 1 23 45 67 89", ["r3"]),
        ("document", "L898902C3", ["r4"]),
        ("document", "L8989O2C3", ["r4"]),  # O read for 0
        ("document", "UTO:L898902C3", ["r4"]),
        ("document", "fr:L898902C3", []),  # known to be a Utopian passport
        ("vin", "1M8GDM9AXKP042788", ["r5"]),
        ("plate", "ab-123-cd", ["r5"]),
        ("wallet", "0x52908400098527886E0F7030069857D2E4169EE7", ["r6"]),
        ("email", "nobody@example.com", []),
    ],
)
def test_check_identifier(index: MatchIndex, kind: str, value: str, ids: list[str]) -> None:
    assert index.check_identifier(kind, value) == ids


def test_check_identifier_rejects_invalid(index: MatchIndex) -> None:
    with pytest.raises(IdentifierError):
        index.check_identifier("vin", "1M8GDM9A1KP042788")
    with pytest.raises(IdentifierError, match="region"):
        index.check_identifier("phone", "01 23 45 67 89")


def test_default_region_applies_to_queries_and_records() -> None:
    idx = MatchIndex(default_region="FR")
    idx.add(Subject("r", names=["A B"], identifiers={"phone": ["01 23 45 67 89"]}))
    assert idx.check_identifier("phone", "+33 1 23 45 67 89") == ["r"]


def test_update_and_remove(index: MatchIndex) -> None:
    assert len(index) == 7
    index.update(Subject("r3", names=["Jean Dupont"], identifiers={"phone": ["+33199999999"]}))
    assert len(index) == 7
    assert index.search(Subject("q", names=["John Smith"])) == []
    assert [r.record_id for r in index.search(Subject("q", names=["Jean Dupont"]))] == ["r3"]
    assert index.check_identifier("phone", "+33123456789") == []
    assert index.check_identifier("phone", "+33199999999") == ["r3"]
    assert index.remove("r3") is True
    assert index.remove("r3") is False
    assert "r3" not in index
    assert index.search(Subject("q", names=["Jean Dupont"])) == []
    assert index.check_identifier("phone", "+33199999999") == []
    index.compact()
    assert [r.record_id for r in index.search(Subject("q", names=["Youssef Hammouchi"]))] == ["r2"]


def test_shared_identifier_survives_one_removal() -> None:
    idx = MatchIndex()
    for rid in ("a", "b", "c"):
        idx.add(Subject(rid, names=["X Y"], identifiers={"email": ["shared@example.com"]}))
    idx.remove("b")
    assert idx.check_identifier("email", "shared@example.com") == ["a", "c"]
    idx.remove("a")
    assert idx.check_identifier("email", "shared@example.com") == ["c"]


def test_bad_record_is_rejected_without_side_effects() -> None:
    idx = MatchIndex()
    with pytest.raises(IdentifierError):
        idx.add(Subject("bad", names=["A B"], identifiers={"vin": ["123"]}))
    assert len(idx) == 0


def test_weights_follow_document_frequency() -> None:
    idx = MatchIndex()
    for i in range(50):
        family = "Karim" if i < 5 else "Ali" if i < 25 else "Omar"
        idx.add(Subject(f"m{i}", names=[f"Mohamed {family}"]))
    mohamed, ali, karim = (prepare_name(n).tokens[0] for n in ("Mohamed", "Ali", "Karim"))
    common = idx.weight(mohamed)
    assert common < idx.weight(ali) < idx.weight(karim) < idx.weight("unseen") == 1.0
    assert 0.0 < common <= 1.0


def _family(i: int) -> str:
    """The i-th of many distinct family names (digits are not name tokens)."""
    a, b, c, d = next(itertools.islice(itertools.permutations("bdfgklmnrstz", 4), i, None))
    return f"{a}a{b}i{c}o{d}".title()


def _many(n: int) -> list[Subject]:
    return [Subject(f"p{i}", names=[f"Mohamed Ali {_family(i)}"]) for i in range(n)]


def test_common_keys_do_not_drive_and_candidates_are_capped() -> None:
    # 3000 records share "Mohamed Ali"; only the record with the rare family name is wanted.
    idx = MatchIndex(common_key_cap=100, max_candidates=8)
    idx.add_many(_many(3000))
    idx.add(Subject("target", names=["Mohamed Ali Hammouchi"]))
    query = prepare_subject(Subject("q", names=["محمد علي حموشي"]))
    candidates = idx._candidate_slots(query)
    assert len(candidates) <= 8
    assert idx.get("target") is idx._records[candidates[0]]
    assert [r.record_id for r in idx.search(query)] == ["target"]


def test_all_common_keys_still_give_candidates() -> None:
    idx = MatchIndex(common_key_cap=100, max_candidates=8)
    idx.add_many(_many(500))
    results = idx.search(Subject("q", names=["Mohamed Ali"]), threshold=0.0)
    assert 0 < len(results) <= 8


def test_auto_compaction_keeps_results() -> None:
    idx = MatchIndex()
    idx.add_many(_many(3000))
    for i in range(1500):
        idx.remove(f"p{i}")
    assert len(idx) == 1500
    hits = idx.search(Subject("q", names=[f"Mohamed Ali {_family(2999)}"]))
    assert [r.record_id for r in hits] == ["p2999"]
    # Compaction ran once a quarter of the slots were dead (at the 1001st removal).
    assert min(slot for p in idx._postings.values() for slot in p) > 1000


def test_parallel_build_equals_serial() -> None:
    subjects = [*WATCHLIST, *_many(500)]
    serial, parallel = MatchIndex(), MatchIndex()
    serial.add_many(subjects)
    assert parallel.add_many(subjects, processes=2, chunk_size=64) == len(subjects)
    assert list(serial) == list(parallel)
    for record_id in serial:
        assert serial.get(record_id) == parallel.get(record_id)
    query = Subject("q", names=["محمد علي حسن"])
    assert [(r.record_id, r.score) for r in serial.search(query)] == [
        (r.record_id, r.score) for r in parallel.search(query)
    ]


def test_parallel_build_raises_on_a_bad_subject() -> None:
    bad = Subject("bad", names=["A B"], identifiers={"vin": ["123"]})
    with pytest.raises(IdentifierError):
        MatchIndex().add_many([*_many(10), bad], processes=2, chunk_size=4)


def _varied(n: int) -> list[Subject]:
    # Both scripts, attached articles (token views with an alternative reading), dates,
    # countries, genders and identifiers: every part the build sends between processes.
    first = ["Mohamed", "محمد", "Youssef", "يوسف", "Elmore", "Albert", "Fatimah", "عبد الرحمن"]
    return [
        Subject(
            f"v{i}",
            names=[
                f"{first[i % len(first)]} {_family(i)}",
                *([f"Ould {_family(i + 1)}"] * (i % 3 == 0)),
            ],
            birth_dates=[("1970", "1981-02", "1990-12-31")[i % 3]],
            nationalities=[("ma", "sy", "fr")[i % 3]],
            gender=("male", "female", None)[i % 3],
            identifiers={"document": [f"fr:N{i:07d}"]} if i % 4 == 0 else {},
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("processes", [2, 3])
def test_every_way_of_building_stores_the_same_records_in_the_same_slots(processes: int) -> None:
    # Chunks prepared here and in workers are posted in the order given, so slots (which break
    # score ties) and therefore results are the same however the index was built; ids given
    # twice are replaced, as add() does; subjects may come prepared already.
    prepared = [prepare_subject(s) for s in _many(100)]
    subjects: list[Subject | PreparedSubject] = [*_varied(300), *_varied(40)[::-1], *prepared]
    serial, parallel = MatchIndex(), MatchIndex()
    serial.add_many(subjects)
    assert parallel.add_many(subjects, processes=processes, chunk_size=16) == len(subjects)
    assert parallel._records == serial._records
    assert parallel._postings == serial._postings
    every = list(range(len(serial._records)))
    assert parallel._texts.take(every) == serial._texts.take(every)
    # Stage 3's packed copies decode to the very records stored, however they came in.
    live = [s for s in every if serial._records[s] is not None]
    assert live and len(live) < len(every)  # replaced ids left dead slots
    for idx in (serial, parallel):
        assert [idx._stored.get(s) for s in live] == [serial._records[s] for s in live]
    assert parallel._df == serial._df
    assert parallel._exact == serial._exact and list(parallel._norm) == list(serial._norm)
    for query in [*_varied(12)[::3], Subject("q", names=["Mohammed Ali"])]:
        assert [(r.record_id, r.score, r.explanation) for r in serial.search(query)] == [
            (r.record_id, r.score, r.explanation) for r in parallel.search(query)
        ]


def test_parallel_build_shares_the_parts_of_stored_names() -> None:
    idx = MatchIndex()
    idx.add_many(_varied(200), processes=3, chunk_size=8)
    views: dict[object, object] = {}
    for record_id in idx:
        record = idx.get(record_id)
        assert record is not None
        for name in record.names:
            assert name.keys == frozenset()  # posted, not stored
            for view in name.views:
                assert views.setdefault(view, view) is view  # one object per distinct view


@pytest.mark.parametrize("where", [20, 24])
def test_parallel_build_keeps_the_chunks_before_a_bad_one(where: int) -> None:
    # With two processes and chunks of 4, chunk 5 (from subject 20) is prepared here and
    # chunk 6 (from subject 24) by the worker: either way the chunks before it are posted,
    # the rest are not.
    bad = Subject("bad", names=["A B"], identifiers={"vin": ["123"]})
    many = _many(40)
    idx = MatchIndex()
    with pytest.raises(IdentifierError):
        idx.add_many([*many[:where], bad, *many[where:]], processes=2, chunk_size=4)
    assert list(idx) == [s.id for s in many[:where]]


def test_other_script_record_reaches_the_scored_few() -> None:
    # Latin records post spelling-variant keys; the Arabic record with one key per token must
    # still reach the scored few when hundreds of Latin names share a token with the query.
    idx = MatchIndex(max_candidates=4, prerank_candidates=32)
    idx.add_many(Subject(f"l{i}", names=[f"Robert {_family(i)}"]) for i in range(400))
    idx.add_many(Subject(f"m{i}", names=[f"Mohammed {_family(i)}"]) for i in range(400))
    idx.add(Subject("target", names=["روبرت محمد"]))
    results = idx.search(Subject("q", names=["Robert Mohammed"]))
    assert results[0].record_id == "target"


def test_common_key_bitmaps_follow_additions_and_removals() -> None:
    # Common keys are looked up in bitmaps built on first use: records added or removed after
    # that must rank exactly as in an index built afresh with the same records.
    query = prepare_subject(Subject("q", names=["محمد علي حموشي"]))
    # Half the later records share the common keys as well as the rare one: how they rank
    # against the other half depends on the bitmaps knowing them.
    later = [
        Subject(f"n{i}", names=[f"{'Mohamed Ali ' if i % 2 else ''}Hammouchi {_family(i)}"])
        for i in range(40)
    ]
    used = MatchIndex(common_key_cap=100, max_candidates=64)
    used.add_many(_many(3000))
    used.search(query)
    assert used._bitmaps
    used.add_many(later)
    for i in range(0, 40, 3):
        used.remove(f"n{i}")
    fresh = MatchIndex(common_key_cap=100, max_candidates=64)
    kept = [s for s in later if int(s.id[1:]) % 3]
    fresh.add_many([*_many(3000), *kept])

    def ranked(idx: MatchIndex) -> list[str]:
        return [r.id for slot in idx._candidate_slots(query) if (r := idx._records[slot])]

    assert ranked(used) == ranked(fresh)
    assert sorted(ranked(used)) == sorted(s.id for s in kept)


def test_slot_texts_grow_in_length_and_width_and_read_as_the_strings_would() -> None:
    from rapidfuzz import fuzz, process

    from tanseeq.matching.index import _TEXT_WIDTH_MAX, _SlotTexts, _text

    texts = _SlotTexts()
    written = [_text(["hmd", "kdr"[: 1 + k % 3], "x" * (k % 40)]) for k in range(3000)]
    for text in written:
        texts.append(text)
    texts.clear(7)
    slots = [0, 7, 39, 2999, 1024, 5]
    assert texts.take(slots) == [b"" if s == 7 else written[s] for s in slots]
    # Too long a name keeps its start only (stage 2 is a pre-ranking).
    texts.append(_text(["y" * 100, "z"]))
    assert texts.take([3000]) == [b"y" * _TEXT_WIDTH_MAX]
    # Skeletons are ASCII: bytes give stage 2 the similarities the strings would.
    query, other = _text(["hmd", "kdr"]), written[40]
    as_bytes = process.cdist([query], [other], scorer=fuzz.ratio)[0][0]
    assert as_bytes == process.cdist([query.decode()], [other.decode()], scorer=fuzz.ratio)[0][0]


class _Untouchable(list[PreparedSubject | None]):
    def __getitem__(self, item: object) -> PreparedSubject | None:  # type: ignore[override]
        raise AssertionError("search read a stored record object")


_FORKED: MatchIndex | None = None


def _search_in_child(query: PreparedSubject) -> list[tuple[str, float, str]]:
    assert _FORKED is not None
    return [(r.record_id, r.score, r.explanation) for r in _FORKED.search(query)]


def test_forked_search_scores_copies_not_the_stored_objects() -> None:
    # Reading a stored object writes its reference count, which copies its page in a forked
    # worker: there, search must score and explain packed copies only (_StoredRecords), skip
    # removed records and give the results the stored records give in the owning process.
    global _FORKED
    idx = MatchIndex()
    idx.add_many(_varied(120), processes=2, chunk_size=16)
    idx.add(Subject("late", names=["Youssef Hammouchi"], birth_dates=["1970"]))
    idx.remove("v3")
    queries = [prepare_subject(s) for s in [*_varied(12)[::3], Subject("q", names=["يوسف حموشي"])]]
    expected = [[(r.record_id, r.score, r.explanation) for r in idx.search(q)] for q in queries]
    assert any(expected) and all(r[0] != "v3" for rows in expected for r in rows)
    stored = idx._records
    idx._records = _Untouchable(stored)
    _FORKED = idx
    try:
        with pytest.raises(AssertionError, match="read a stored record"):
            idx.search(queries[0])  # the owning process reads its own objects
        with multiprocessing.get_context("fork").Pool(1) as pool:
            assert pool.map(_search_in_child, queries) == expected
    finally:
        idx._records = stored
        _FORKED = None
    for slot, record in enumerate(stored):
        if record is not None:
            assert score_pair(queries[-1], record) == score_pair(queries[-1], idx._stored.get(slot))


def test_compaction_drops_the_packed_bytes_of_removed_records() -> None:
    idx = MatchIndex()
    idx.add_many(_varied(80))
    size = len(idx._stored.data)
    for i in range(0, 80, 2):
        idx.remove(f"v{i}")
    query = prepare_subject(_varied(8)[7])
    before = [(r.record_id, r.score, r.explanation) for r in idx.search(query)]
    idx.compact()
    assert len(idx._stored.data) < size * 0.6
    for slot, record in enumerate(idx._records):
        if record is not None:
            assert idx._stored.get(slot) == record
    assert [(r.record_id, r.score, r.explanation) for r in idx.search(query)] == before
    idx.add(Subject("new", names=["Youssef Hammouchi"]))  # slots go on after a compaction
    assert idx._stored.get(idx._slots["new"]) == idx.get("new")


def test_indexes_filled_in_threads_at_once_decode_their_own_records() -> None:
    # Stored parts are numbered once per process for every index: threads adding at once
    # must not hand one number to two parts (or put a part at another's place).
    import sys
    import threading

    indexes = [MatchIndex() for _ in range(4)]

    def fill(k: int) -> None:
        for i in range(150):
            indexes[k].add(
                Subject(f"t{k}-{i}", names=[f"{_family(i * 7 + k)} {_family(i + 999 * k)}"])
            )

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=fill, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    for idx in indexes:
        assert len(idx) == 150
        assert [idx._stored.get(s) for s in range(150)] == idx._records
