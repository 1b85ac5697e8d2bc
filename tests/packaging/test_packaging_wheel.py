"""The sdist and wheel carry resources/: a fresh venv gets a working `writer` with its packs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO, SHIPPED_PACKS
from writer import __version__, paths

pytest.importorskip("build", reason="pip install build")


def test_checkout_reads_its_own_resources() -> None:
    """An editable install (or a plain checkout) keeps using the repository's resources/."""
    assert paths.resources_dir() == REPO / "resources"


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_wheel_installs_in_a_fresh_venv_with_its_packs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check", "--outdir", str(dist),
                    str(REPO)], check=True, capture_output=True, timeout=900)
    sdist = next(dist.glob("writer-*.tar.gz"))
    wheel = next(dist.glob("writer-*.whl"))
    with tarfile.open(sdist) as tar:
        in_sdist = {Path(*Path(n).parts[1:]).as_posix() for n in tar.getnames()}
    with zipfile.ZipFile(wheel) as whl:
        in_wheel = set(whl.namelist())
    for pack in SHIPPED_PACKS:
        assert f"resources/models/{pack}/model.onnx" in in_sdist
        assert f"writer/_resources/models/{pack}/model.onnx" in in_wheel
    assert "writer/_resources/styles/app.qss" in in_wheel
    assert not any(n.startswith("resources/") for n in in_wheel), "resources live inside the package"

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True,
                         timeout=1200)
    assert pip.returncode == 0, pip.stderr[-3000:]
    env = {**os.environ, "WRITER_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    writer = str(venv / "bin" / "writer")
    version = subprocess.run([writer, "--version"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert version.stdout.strip() == f"writer {__version__}"
    listed = subprocess.run([writer, "models", "list", "--json"], capture_output=True, text=True, cwd=tmp_path,
                            env=env, timeout=300)
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    assert sorted(p["name"] for p in found) == SHIPPED_PACKS
    assert all(p["available"] for p in found), found
    assert all(Path(p["path"]).is_relative_to(venv) for p in found), "packs come from the installed wheel"
