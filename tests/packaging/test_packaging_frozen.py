"""The one-folder app PyInstaller builds: it starts, runs the CLI, carries the packs and no torch."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from types import ModuleType

import pytest

from tests.packaging.conftest import REPO, SHIPPED_PACKS
from writer import __version__
from writer.store import Store
from writer.ui.welcome import WELCOME

pytest.importorskip("PyInstaller", reason="pip install -e '.[packaging]'")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def frozen(build_script: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("frozen")
    start = time.perf_counter()
    app = build_script.build(out / "dist", out / "work")
    print(f"\nPyInstaller build: {time.perf_counter() - start:.0f} s, "
          f"{build_script.folder_size(app) / 2**20:.0f} MB")
    return app


def _run(app: Path, *args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(app / "writer"), *args], capture_output=True, text=True, timeout=180, cwd=home,
                          env={**os.environ, "WRITER_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **env})


def test_frozen_version(frozen: Path, tmp_path: Path) -> None:
    result = _run(frozen, "--version", home=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, f"writer {__version__}")


def test_frozen_app_starts_to_its_window_and_quits_cleanly(frozen: Path, tmp_path: Path) -> None:
    result = _run(frozen, home=tmp_path, WRITER_EXIT_WHEN_READY="1")
    assert result.returncode == 0, result.stderr
    ready = [line for line in result.stdout.splitlines() if line.startswith("writer-ready ")]
    assert len(ready) == 1, result.stdout
    with Store.open(tmp_path / "writer.db", read_only=True) as store:
        assert [d.body for d in store.list_drafts()] == [WELCOME], "first start wrote the welcome draft"
    assert "Traceback" not in result.stderr


def test_frozen_cli_lists_the_shipped_packs(frozen: Path, tmp_path: Path) -> None:
    result = _run(frozen, "models", "list", "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    listed = json.loads(result.stdout)
    assert sorted(p["name"] for p in listed) == SHIPPED_PACKS
    assert all(p["available"] for p in listed), listed
    assert all(Path(p["path"]).is_relative_to(frozen) for p in listed), "packs come from inside the app"


def test_frozen_app_is_lean(frozen: Path) -> None:
    internal = frozen / "_internal"
    for absent in ("torch", "transformers", "optimum", "models", "PySide6/Qt/qml", "PySide6/QtWebEngineCore.abi3.so"):
        assert not (internal / absent).exists(), absent
    names = {p.name for p in internal.rglob("*.so*")}
    assert not any(n.startswith(("libQt6WebEngine", "libQt6Pdf", "libQt6Qml", "libQt6Quick")) for n in names)
    assert any(n.startswith("libqsvg") for n in names), "the SVG image plugin draws the icons"
    assert (internal / "writer" / "_resources" / "templates" / "post.html").is_file()


def test_install_linux_installs_the_frozen_app(frozen: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "PATH": "/usr/bin:/bin"}
    env.pop("XDG_DATA_HOME", None)
    result = subprocess.run(["sh", str(REPO / "packaging" / "install-linux.sh"), "--app", str(frozen)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    linked = home / ".local" / "bin" / "writer"
    version = subprocess.run([str(linked), "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.strip() == f"writer {__version__}"
    desktop = next((home / ".local" / "share" / "applications").glob("*.desktop")).read_text()
    assert f'Exec="{home / ".local" / "share" / "writer" / "app" / "writer"}"' in desktop
