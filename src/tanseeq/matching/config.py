"""Matching defaults shared by the scorer, the index, the hub and the benchmarks."""

# A result at or above this score is a match (and, in the hub, a recorded hit). Tuned on the
# cross-script benchmark in bench/ (see bench/README.md for the figures behind the choice).
DEFAULT_THRESHOLD = 0.70
