"""Copies the top-level ``resources/`` folder into the wheel as ``writer/_resources``.

Everything else lives in pyproject.toml. Setuptools cannot map a folder outside the
package into it with ``packages.find``, hence this hook; editable installs skip it so
they keep reading the checkout's ``resources/`` (see :func:`writer.paths.resources_dir`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCES = Path(__file__).resolve().parent / "resources"
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        if not RESOURCES.is_dir():
            raise SystemExit(f"cannot build Writer: {RESOURCES} is missing")
        target = Path(self.build_lib) / "writer" / "_resources"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RESOURCES, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildPyWithResources})
