"""Helpers for the packaging tests: the repository, and packaging/build.py loaded by path.

``packaging/`` is not a Python package (its name would shadow the ``packaging`` library),
so its build script is loaded from its file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SHIPPED_PACKS = sorted(p.name for p in (REPO / "resources" / "models").iterdir() if (p / "model.onnx").is_file())


@pytest.fixture(scope="session")
def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("writer_packaging_build", REPO / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
