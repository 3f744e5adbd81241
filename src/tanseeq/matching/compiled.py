"""The compiled build of the matching hot path, and what keeps it honest.

Installing Tanseeq compiles the modules in ``SOURCES`` with mypyc (see setup.py) from these
very sources: the same code runs about twice as fast (bench/README.md, "Speed"). Two things
need care, and this module (standard library only, as setup.py loads it before anything is
installed) does both:

* **A build must never run older code than its sources.** The build records a digest of the
  sources it compiled (``STAMP``); when the sources no longer have that digest (edited, or
  checked out at another commit since the install), or when ``TANSEEQ_PURE_PYTHON`` is set,
  every listed module is loaded from its source instead, with a warning. All of them, not
  only those changed: compiled modules call each other directly, past the import system, so
  one stale module would keep running inside the fresh ones. ``make install`` rebuilds.
* **Pickling.** The index's build workers and bulk screening send prepared names across
  processes, and pickle restores a frozen dataclass by assigning its fields one by one, which
  a compiled frozen class refuses. Every dataclass of these modules (compiled or not, so that
  both builds behave alike) pickles as a call of its constructor instead.

``TANSEEQ_PURE_PYTHON=1`` at install time compiles nothing, for platforms without a compiler.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

# Relative to the tanseeq package. Name comparison and preparation: what a query and a build
# spend their time in. index.py is not compiled (its time is in NumPy already).
SOURCES = (
    "matching/names/__init__.py",
    "matching/names/align.py",
    "matching/names/compare.py",
    "matching/names/normalize.py",
    "matching/names/particles.py",
    "matching/names/skeleton.py",
    "matching/names/translit.py",
    "matching/dates.py",
    "matching/scorer.py",
)
PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # src/tanseeq
STAMP = PACKAGE_ROOT / "matching" / "data" / "compiled-sources.sha256"
PURE_PYTHON_ENV = "TANSEEQ_PURE_PYTHON"


def module_name(source: str) -> str:
    """``matching/names/__init__.py`` -> ``tanseeq.matching.names``."""
    parts = ["tanseeq", *source.removesuffix(".py").split("/")]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources_digest(root: Path = PACKAGE_ROOT, sources: Sequence[str] = SOURCES) -> str:
    """SHA-256 over the listed sources, names and contents."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.encode())
        digest.update(b"\0")
        digest.update((root / source).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def pure_python_requested() -> bool:
    return os.environ.get(PURE_PYTHON_ENV, "").strip().lower() not in ("", "0", "false", "no")


def built_files(root: Path = PACKAGE_ROOT, sources: Sequence[str] = SOURCES) -> list[Path]:
    """The compiled extension files present next to the sources."""
    found = []
    for source in sources:
        path = root / source
        stem = path.name.removesuffix(".py")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            candidate = path.with_name(stem + suffix)
            if candidate.exists():
                found.append(candidate)
    return found


def stale_reason(
    root: Path = PACKAGE_ROOT, sources: Sequence[str] = SOURCES, stamp: Path = STAMP
) -> str | None:
    """Why a compiled build present next to the sources must not be used, or None."""
    if not built_files(root, sources):
        return None  # nothing compiled: the sources run anyway
    if pure_python_requested():
        return f"{PURE_PYTHON_ENV} is set"
    try:
        recorded = stamp.read_text(encoding="ascii").strip()
    except OSError:
        return f"{stamp.name} is missing, so the build's sources are unknown"
    if recorded != sources_digest(root, sources):
        return "the sources changed since the build (run `make install` to rebuild)"
    return None


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the listed modules as their source files, ahead of the compiled extensions."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        package = [str(file.parent)] if file.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            fullname, file, submodule_search_locations=package
        )


def use_sources_if_stale() -> None:
    """Load every listed module from source when the build is stale (see the module doc)."""
    reason = stale_reason()
    if reason is None or any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return
    files = {module_name(s): PACKAGE_ROOT / s for s in SOURCES}
    sys.meta_path.insert(0, _SourceFinder(files))
    if not pure_python_requested():
        warnings.warn(
            f"Tanseeq's compiled matching modules are not used: {reason}; running the sources",
            RuntimeWarning,
            stacklevel=2,
        )


def running_compiled() -> bool:
    """Whether the listed modules were loaded from their compiled build."""
    module = sys.modules.get(module_name(SOURCES[0]))
    return module is not None and not str(getattr(module, "__file__", "")).endswith(".py")


def _by_constructor(obj: Any) -> tuple[type[Any], tuple[Any, ...]]:
    fields = dataclasses.fields(obj)
    return (type(obj), tuple(getattr(obj, f.name) for f in fields if f.init))


def register_pickling() -> None:
    """Every dataclass of the listed modules pickles as its constructor call (see above).

    Classes that define their own ``__reduce__`` (the shipped pair model pickles as a
    reference to itself) keep it.
    """
    for source in SOURCES:
        module = sys.modules.get(module_name(source))
        if module is None:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
                and "__reduce__" not in vars(value)
            ):
                copyreg.pickle(value, _by_constructor)
