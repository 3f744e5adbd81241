"""Matching defaults shared by the scorer, the index, the hub and the benchmarks."""

# A result at or above this score is a match (and, in the hub, a recorded hit). Chosen on the
# cross-script benchmark (bench/accuracy.py, figures in bench/README.md, "Accuracy"): 0.70 is
# the knee of the name engine's recall/false-hit curve. Lower, false hits multiply (x1.6 at
# 0.65, x4 at 0.60) for a point or two of recall; higher, recall falls faster than false hits.
DEFAULT_THRESHOLD = 0.70
