"""docs/security-tests.md must not drift: every bug class of the shared security brief has a
row, and every node id in the table names a test that exists (its module imported, the test
found by name), so a renamed or deleted test cannot leave a class silently untested."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "security-tests.md"
BRIEF = ROOT.parent / "shared" / "docs" / "security.md"

# The classes of ../shared/docs/security.md, kept here too: the brief lives outside this
# repository, and when it is present the two lists must agree.
CLASSES = (
    "derived data leaks",
    "check skipped when a field is omitted",
    "authorise one object, change another",
    '"visible" treated as "editable"',
    "header or content-type bypass",
    "privilege escalation by admins",
    "token confusion",
    "brute force",
    "backend-specific injection",
    "secrets in logs",
    "stored XSS via names",
)


def _rows(text: str) -> dict[str, str]:
    """First cell → the rest of the row, for each body row of the first table in ``text``."""
    rows: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("| class ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = " | ".join(cells[1:])
    return rows


def _test_exists(node_id: str) -> bool:
    path, *names = node_id.split("::")
    module = importlib.import_module(
        path.removeprefix("tests/").removesuffix(".py").replace("/", ".")
    )
    obj: object = module
    for name in names:
        obj = getattr(obj, name.split("[")[0], None)
        if obj is None:
            return False
    return callable(obj) and names[-1].startswith("test_")


def test_the_class_list_matches_the_security_brief() -> None:
    if not BRIEF.exists():  # the shared brief is beside the repository, not in it
        return
    assert tuple(_rows(BRIEF.read_text(encoding="utf-8"))) == CLASSES


def test_every_class_has_a_row_with_tests() -> None:
    rows = _rows(TABLE.read_text(encoding="utf-8"))
    missing = [c for c in CLASSES if c not in rows]
    assert not missing, f"docs/security-tests.md has no row for {missing}"
    for cls in CLASSES:
        assert re.findall(r"`(tests/[^`]+::[^`]+)`", rows[cls]), f"no test named for {cls!r}"


def test_every_named_test_exists() -> None:
    text = TABLE.read_text(encoding="utf-8")
    node_ids = sorted(set(re.findall(r"`(tests/[^`]+\.py::[^`]+)`", text)))
    assert len(node_ids) >= 20
    missing = [n for n in node_ids if not _test_exists(n)]
    assert not missing, f"docs/security-tests.md names tests that do not exist: {missing}"
