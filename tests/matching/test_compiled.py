"""The compiled build of the matching hot path (tanseeq.matching.compiled, setup.py).

It must be what an install runs, compute exactly what the sources compute, pickle across
processes, and never run when older than its sources.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tanseeq.matching import Subject, prepare_subject
from tanseeq.matching import compiled as build
from tanseeq.matching.names import compare_names, prepare_name
from tanseeq.matching.names.translit import default_model

TESTS = Path(__file__).resolve().parents[1]

NAMES = [
    "Youssef Hammouchi",
    "يوسف بن علي حموشي",
    "Mohamed Ould Abdel Aziz",
    "محمد ولد عبد العزيز",
    "Abdelkader Benali",
    "عبد القادر بن علي",
    "José Rojas",
    "خوسيه روخاس",
    "Jörg Schmidt",
    "يورغ شميت",
    "Fatimah Zahra El Idrissi",
    "فاطمة الزهراء الإدريسي",
    "Leigh Lilly",
    "Albert Camus",
    "ألبرت كامو",
    "Doug Cezar",
    "Shiina Doug Cezar",
]

def scores() -> list[list[object]]:
    """Scores and explanations of every ordered pair of NAMES, in whatever build is loaded."""
    prepared = [prepare_name(n) for n in NAMES]
    out: list[list[object]] = []
    for a in prepared:
        for b in prepared:
            m = compare_names([a], [b])
            out.append([m.score, m.explanation])
    return out


def _run(script: str, pure: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop(build.PURE_PYTHON_ENV, None)
    # The script may import this module (tests/ on the path, as pytest has it).
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    if pure:
        env[build.PURE_PYTHON_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def test_an_install_builds_the_compiled_modules() -> None:
    if build.pure_python_requested():
        pytest.skip(f"installed with {build.PURE_PYTHON_ENV}")
    files = build.built_files()
    assert len(files) == len(build.SOURCES), (
        "the compiled build is missing: `make install` (pip install -e .) builds it"
    )
    if build.stale_reason() is None:
        assert build.running_compiled()


def test_compiled_and_source_compute_the_same_scores() -> None:
    if not build.running_compiled():
        pytest.skip("the sources are running: nothing to compare them with")
    script = "import json; from matching.test_compiled import scores; print(json.dumps(scores()))"
    done = _run(script, pure=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == scores()


def test_pure_python_setting_loads_every_module_from_source() -> None:
    script = (
        "import importlib, json\n"
        "from tanseeq.matching import compiled as c\n"
        "files = [importlib.import_module(c.module_name(s)).__file__ for s in c.SOURCES]\n"
        "print(json.dumps([c.running_compiled(), files]))\n"
    )
    done = _run(script, pure=True)
    assert done.returncode == 0, done.stderr
    running, files = json.loads(done.stdout)
    assert running is False
    assert all(f.endswith(".py") for f in files), files


def test_prepared_subjects_and_results_survive_pickling() -> None:
    subject = prepare_subject(
        Subject(
            "r1",
            names=["Youssef Hammouchi", "يوسف حموشي"],
            birth_dates=["1980-03"],
            nationalities=["ma"],
            gender="male",
            identifiers={"document": ["AB1234567"], "phone": ["+212612345678"]},
        )
    )
    again = pickle.loads(pickle.dumps(subject))
    assert again == subject
    assert type(again.names[0].views[0]) is type(subject.names[0].views[0])
    match = compare_names(list(subject.names), [prepare_name("Yusuf Hamouchi")])
    assert pickle.loads(pickle.dumps(match)) == match
    # The shipped pair model still travels as a reference to itself, not as its tables.
    model = default_model()
    assert model is not None and model.pairs is not None
    assert pickle.loads(pickle.dumps(model.pairs)) is model.pairs
    assert len(pickle.dumps(model.pairs)) < 200


def _tree(tmp_path: Path) -> tuple[Path, tuple[str, ...], Path]:
    sources = ("matching/a.py", "matching/names/__init__.py")
    for source in sources:
        (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / source).write_text("X = 1\n")
    stamp = tmp_path / "stamp"
    return tmp_path, sources, stamp


def test_no_build_is_never_stale(tmp_path: Path) -> None:
    root, sources, stamp = _tree(tmp_path)
    assert build.stale_reason(root, sources, stamp) is None


def test_a_build_is_used_only_with_the_digest_of_its_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(build.PURE_PYTHON_ENV, raising=False)
    root, sources, stamp = _tree(tmp_path)
    (root / "matching" / "a.cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    (root / "matching" / "a.abi3.so").write_bytes(b"")
    assert build.built_files(root, sources)
    reason = build.stale_reason(root, sources, stamp)
    assert reason is not None and "missing" in reason
    stamp.write_text(build.sources_digest(root, sources) + "\n")
    assert build.stale_reason(root, sources, stamp) is None
    (root / "matching" / "names" / "__init__.py").write_text("X = 2\n")
    reason = build.stale_reason(root, sources, stamp)
    assert reason is not None and "changed" in reason
    stamp.write_text(build.sources_digest(root, sources) + "\n")
    monkeypatch.setenv(build.PURE_PYTHON_ENV, "1")
    reason = build.stale_reason(root, sources, stamp)
    assert reason is not None and build.PURE_PYTHON_ENV in reason


def test_module_names() -> None:
    assert build.module_name("matching/names/__init__.py") == "tanseeq.matching.names"
    assert build.module_name("matching/scorer.py") == "tanseeq.matching.scorer"
    for source in build.SOURCES:
        assert (build.PACKAGE_ROOT / source).is_file()
