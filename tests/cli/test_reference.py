"""docs/cli.md is generated from the Typer app and must match it."""

from __future__ import annotations

from pathlib import Path

from tanseeq.cli.reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is out of date: regenerate it with "
        "`.venv/bin/python -m tanseeq.cli.reference > docs/cli.md`"
    )


def test_reference_names_every_command() -> None:
    text = render()
    for command in ("init", "serve", "demo", "record import", "record export", "token issue"):
        assert f"`tanseeq {command}`" in text
