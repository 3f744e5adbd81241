"""Train the shipped transliteration table from the Latin/Arabic name-token pairs.

    python -m tanseeq.matching.names.train [--data bench/data/wikidata_ar_en_tokens.tsv]

writes src/tanseeq/matching/data/translit_model.json (see translit.py for the method). The
benchmark (bench/accuracy.py) trains its own model per cross-validation fold instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from tanseeq.matching.names.translit import MODEL_PATH, read_tsv, train_model

_REPO = Path(__file__).resolve().parents[4]
DEFAULT_DATA = _REPO / "bench" / "data" / "wikidata_ar_en_tokens.tsv"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="token pairs TSV")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model JSON to write")
    parser.add_argument("--iterations", type=int, default=3, help="hard-EM rounds")
    args = parser.parse_args(argv)
    rows = read_tsv(args.data)
    model = train_model(rows, iterations=args.iterations)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"{len(rows)} pairs -> {len(model.table)} contexts -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
