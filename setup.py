"""Compiles the matching hot path with mypyc; everything else about the package is in pyproject.

The modules and why: src/tanseeq/matching/compiled.py. ``TANSEEQ_PURE_PYTHON=1`` builds
nothing. The digest of the compiled sources is written next to them, so that a build older
than its sources is never used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from setuptools import setup

HERE = Path(__file__).resolve().parent


def _compiled() -> Any:
    # By path: the package's own __init__ imports its dependencies, not installed yet here.
    spec = importlib.util.spec_from_file_location(
        "_tanseeq_compiled", HERE / "src" / "tanseeq" / "matching" / "compiled.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ext_modules() -> list[Any]:
    compiled = _compiled()
    if compiled.pure_python_requested():
        compiled.STAMP.unlink(missing_ok=True)
        return []
    from mypyc.build import mypycify

    compiled.STAMP.write_text(compiled.sources_digest() + "\n", encoding="ascii")
    files = [str(Path("src") / "tanseeq" / source) for source in compiled.SOURCES]
    # The build environment has none of the package's dependencies: mypy checks without the
    # project's strict configuration (which `make lint` applies) and reads them as Any.
    return mypycify(["--config-file=", "--ignore-missing-imports", *files], opt_level="3")


setup(ext_modules=ext_modules())
