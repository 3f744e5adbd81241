"""Per-credential rate limit: a token bucket for each bearer credential presented.

Buckets are keyed by the SHA-256 of the credential, so no credential is kept in memory in the
clear, and a stolen or leaked token can only do so much per minute. The bucket is checked
before the credential is authenticated: a flood of requests costs the database nothing once its
bucket is empty, and the answer (429 with ``Retry-After``) is the same whether the credential is
valid or not, so the limit says nothing about tokens either.

Time comes from the database's clock (``db.clock()``), the one the services use: tests move it
with ``FakeClock.advance`` and never sleep. Buckets live in the process; a node running several
API processes gives each its own, which multiplies the limit by the number of processes (an
operator sets the rate with that in mind; see docs/operations.md).
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tanseeq.errors import TooMany

# Most buckets kept; the least recently used go first. A client cycling through invented
# credentials only ever evicts buckets of credentials nobody uses twice.
MAX_BUCKETS = 100_000


class RateLimited(TooMany):
    """Over the credential's rate; ``retry_after`` is whole seconds until a request fits."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests with this credential; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class _Bucket:
    tokens: float
    at: datetime


class RateLimiter:
    """``per_minute`` requests a minute on average, up to ``burst`` at once, per credential."""

    def __init__(
        self, per_minute: float, burst: int, clock: Callable[[], datetime], size: int = MAX_BUCKETS
    ) -> None:
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self.clock = clock
        self.size = size
        self._buckets: OrderedDict[bytes, _Bucket] = OrderedDict()

    @staticmethod
    def key(credential: str) -> bytes:
        return hashlib.sha256(credential.encode("utf-8", "surrogatepass")).digest()

    def take(self, credential: str) -> None:
        """Spend one request of ``credential``'s allowance, or raise ``RateLimited``."""
        key = self.key(credential)
        now = self.clock()
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(self.burst, now)
        else:
            # A clock set back (never in production) refills nothing rather than draining.
            elapsed = max(0.0, (now - bucket.at).total_seconds())
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.rate)
            bucket.at = now
        self._buckets[key] = bucket
        while len(self._buckets) > self.size:
            self._buckets.popitem(last=False)
        if bucket.tokens < 1.0:
            wait = (1.0 - bucket.tokens) / self.rate if self.rate > 0 else 3600.0
            raise RateLimited(max(1, math.ceil(wait)))
        bucket.tokens -= 1.0
