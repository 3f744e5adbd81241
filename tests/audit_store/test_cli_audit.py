"""``tanseeq audit``: what the operator runs, and what a partner does with its output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from conftest import FakeClock
from tanseeq.audit import (
    SignedTreeHead,
    generate_key,
    public_key_from_raw,
    sign_head,
    verify_head,
    verify_head_update,
    verify_inclusion,
)
from tanseeq.cli.audit import audit_app
from tanseeq.store.database import Database
from world import World

from .helpers import fill


@pytest.fixture
def run(db: Database) -> Runner:
    return Runner(db)


class Runner:
    def __init__(self, db: Database) -> None:
        self.runner = CliRunner()
        self.env = {
            "TANSEEQ_DATABASE_URL": db.settings.database_url,
            "TANSEEQ_DATA_DIR": str(db.settings.data_dir),
        }

    def __call__(self, *args: str, code: int = 0) -> str:
        result = self.runner.invoke(audit_app, list(args), env=self.env)
        assert result.exit_code == code, result.output
        return result.output


def test_head_export_proof_and_verify(
    world: World, run: Runner, tmp_path: Path, clock: FakeClock
) -> None:
    fill(world, 2)
    first = tmp_path / "head1.json"
    assert "signed head" in run("head", "-o", str(first))
    bundle1 = json.loads(first.read_text())
    pub = public_key_from_raw(bytes.fromhex(bundle1["public_key_raw_hex"]))
    head1 = SignedTreeHead.from_dict(bundle1["head"])
    assert verify_head(head1, pub) and bundle1["consistency_proof"] is None

    clock.advance(hours=1)
    fill(world, 2)
    bundle2 = json.loads(run("head"))
    head2 = SignedTreeHead.from_dict(bundle2["head"])
    proof = [bytes.fromhex(h) for h in bundle2["consistency_proof"]]
    assert bundle2["previous"] == bundle1["head"]
    assert verify_head_update(head1, head2, proof, pub)

    doc = json.loads(run("proof", "--seq", "3"))
    assert doc["head"] == bundle2["head"] and doc["proof"]["tree_size"] == head2.tree_size
    path = [bytes.fromhex(h) for h in doc["proof"]["path"]]
    leaf = bytes.fromhex(doc["proof"]["leaf_hash"])
    assert verify_inclusion(leaf, 3, head2.tree_size, path, head2.root)
    cons = json.loads(run("consistency", "--old", "2", "--new", str(head2.tree_size)))
    assert cons["old"] == 2 and cons["path"]

    out = run("verify")
    assert out.startswith("ok:") and "2 signed heads matched" in out
    # A partner hands back the head it holds: still fine.
    assert run("verify", "--head", str(first)).startswith("ok:")
    report = json.loads(run("verify", "--json"))
    assert report["ok"] and report["tree_size"] >= head2.tree_size


def test_verify_names_the_first_bad_entry(world: World, run: Runner) -> None:
    fill(world, 2)
    run("head")
    with world.db.transaction() as s:
        s.execute(sa.text("UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 7"))
    out = run("verify", code=1)
    assert "FAILED: edited at seq 7" in out
    report = json.loads(run("verify", "--json", code=1))
    assert report["finding"]["problem"] == "edited" and report["finding"]["seq"] == 7


def test_a_head_from_another_key_is_refused(world: World, run: Runner, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    run("head")
    stranger = sign_head(generate_key(), 1, bytes(32), datetime(2026, 1, 1, tzinfo=UTC))
    planted = tmp_path / "planted.json"
    planted.write_text(stranger.to_json())
    assert "unknown_key" in run("verify", "--head", str(planted), code=1)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run("verify", "--head", str(broken), code=2)


def test_bad_proof_arguments_exit_2(world: World, run: Runner) -> None:
    run("head")
    assert "error:" in run("proof", "--seq", "100000", code=2)
    assert "error:" in run("consistency", "--old", "5", "--new", "2", code=2)


def test_mounted_under_tanseeq_with_the_root_database_option(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tanseeq.cli.app import app

    monkeypatch.chdir(tmp_path)  # the key goes to the data dir, "." by default
    fill(world, 1)
    url = world.db.settings.database_url
    runner = CliRunner()
    result = runner.invoke(app, ["--database-url", url, "audit", "head", "-o", "h.json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "audit-signing-key.pem").exists()
    result = runner.invoke(app, ["--database-url", url, "audit", "verify"])
    assert result.exit_code == 0 and "1 signed heads matched" in result.output, result.output
