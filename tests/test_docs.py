"""Documentation that must not drift from the code."""

from __future__ import annotations

from pathlib import Path

from tanseeq.settings import SETTING_NAMES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    missing = [n for n in SETTING_NAMES if f"TANSEEQ_{n.upper()}" not in text]
    assert not missing, f"docs/operations.md does not document: {missing}"
