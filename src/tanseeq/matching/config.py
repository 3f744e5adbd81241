"""Matching defaults shared by the scorer, the index, the hub and the benchmarks."""

# A result at or above this score is a match (and, in the hub, a recorded hit). Chosen on the
# cross-script benchmark (bench/accuracy.py, figures in bench/README.md, "Accuracy"): 0.70 is
# the knee of the name engine's recall/false-hit curve (re-checked on the tuning data after the
# scorer changed). Lower, false hits multiply (x1.6 at 0.65, x3.5 at 0.60) for 1.4-3 points of
# recall; higher, recall falls faster than false hits (0.75: -2.9 points for -34%).
DEFAULT_THRESHOLD = 0.70
