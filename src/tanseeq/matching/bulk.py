"""Screen many queries against one index on every core.

The index is built once in the parent; worker processes are forked afterwards, so they read it
through copy-on-write memory instead of each building or unpickling a copy. ``gc.freeze()``
before the fork keeps the parent's collector from touching (and so copying) every page of it.
Queries travel to the workers in chunks and are prepared there, in parallel.

Rows come back as chunks finish, not in query order. Each row is a dict:
``{"query_id", "record_id", "score", "match", "explanation"}``; a query whose values do not
normalise yields one row with ``record_id`` None and the reason in ``explanation``, so one bad
line does not stop a 100k-line screening.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sized
from itertools import islice
from typing import Any

from tanseeq.matching.dates import DateError
from tanseeq.matching.identifiers import IdentifierError
from tanseeq.matching.index import MatchIndex
from tanseeq.matching.subject import Subject

__all__ = ["HitRow", "Progress", "screen_bulk"]

HitRow = dict[str, Any]
Progress = Callable[[int, int | None], None]
DEFAULT_CHUNK_SIZE = 256

# Set in the parent just before forking; the children inherit it with the rest of memory.
_INDEX: MatchIndex | None = None
_SEARCH: tuple[int, float | None] = (10, None)


def _screen(
    index: MatchIndex, queries: list[Subject], limit: int, floor: float | None
) -> list[HitRow]:
    rows: list[HitRow] = []
    for query in queries:
        try:
            results = index.search(query, limit=limit, threshold=floor)
        except (IdentifierError, DateError) as exc:
            rows.append(_row(query.id, None, 0.0, False, f"query rejected: {exc}"))
            continue
        for r in results:
            rows.append(_row(query.id, r.record_id, r.score, r.match, r.explanation))
    return rows


def _row(query_id: str, record_id: str | None, score: float, match: bool, why: str) -> HitRow:
    return {
        "query_id": query_id,
        "record_id": record_id,
        "score": score,
        "match": match,
        "explanation": why,
    }


def _worker(chunk: list[Subject]) -> tuple[int, list[HitRow]]:
    assert _INDEX is not None  # set by screen_bulk before the pool forks
    return len(chunk), _screen(_INDEX, chunk, *_SEARCH)


def _chunks(queries: Iterable[Subject], size: int) -> Iterator[list[Subject]]:
    it = iter(queries)
    while chunk := list(islice(it, size)):
        yield chunk


def screen_bulk(
    index: MatchIndex,
    queries: Iterable[Subject],
    *,
    limit: int = 10,
    threshold: float | None = None,
    processes: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Progress | None = None,
) -> Iterator[HitRow]:
    """Yield hit rows for every query; ``progress(done, total)`` after each chunk.

    ``total`` is ``len(queries)`` when it has one, else None. ``processes`` defaults to every
    core; 1 (or a platform without ``fork``) screens in this process.
    """
    global _INDEX, _SEARCH
    total = len(queries) if isinstance(queries, Sized) else None
    workers = processes or os.cpu_count() or 1
    done = 0
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in _chunks(queries, chunk_size):
            yield from _screen(index, chunk, limit, threshold)
            done += len(chunk)
            if progress:
                progress(done, total)
        return
    _INDEX, _SEARCH = index, (limit, threshold)
    gc.freeze()
    try:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            for count, rows in pool.imap_unordered(_worker, _chunks(queries, chunk_size)):
                yield from rows
                done += count
                if progress:
                    progress(done, total)
    finally:
        gc.unfreeze()
        _INDEX = None
