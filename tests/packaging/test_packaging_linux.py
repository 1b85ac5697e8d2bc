"""The launcher entry: the desktop file and metainfo validate, and install-linux.sh installs them."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import REPO
from writer.ui.app import DESKTOP_ID

DESKTOP = REPO / "resources" / "linux" / f"{DESKTOP_ID}.desktop"
METAINFO = REPO / "resources" / "linux" / f"{DESKTOP_ID}.metainfo.xml"
INSTALL = REPO / "packaging" / "install-linux.sh"
#: install-linux.sh prefers a frozen app in dist/ to the `writer` on PATH.
no_frozen_in_dist = pytest.mark.skipif((REPO / "dist" / "writer" / "writer").exists(),
                                       reason="dist/writer exists: the installer would use it")


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def _install(home: Path, *args: str, path: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "PATH": path}
    env.pop("XDG_DATA_HOME", None)
    return subprocess.run(["sh", str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="apt-get install desktop-file-utils")
def test_desktop_file_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="apt-get install appstream")
def test_metainfo_validates() -> None:
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"<launchable type=\"desktop-id\">{DESKTOP.name}</launchable>" in METAINFO.read_text()


def test_desktop_entry_names_the_icon_and_command() -> None:
    entry = _entry(DESKTOP)
    assert entry["Icon"] == DESKTOP_ID
    assert entry["Exec"].split()[0] == "writer"
    assert "Office" in entry["Categories"].split(";")
    assert (REPO / "resources" / "icons" / "writer.svg").read_text().lstrip().startswith("<svg")


@no_frozen_in_dist
def test_install_points_the_launcher_at_writer_on_path(tmp_path: Path) -> None:
    real = Path(sys.executable).with_name("writer")
    if not real.is_file():
        pytest.skip("no `writer` entry point beside this Python (pip install -e .)")
    bindir = tmp_path / "my tools"  # a space: Exec must quote it
    bindir.mkdir()
    (bindir / "writer").symlink_to(real)
    home = tmp_path / "home"
    result = _install(home, path=f"{bindir}{os.pathsep}/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    data = home / ".local" / "share"
    installed = data / "applications" / DESKTOP.name
    entry = _entry(installed)
    assert entry["Exec"] == f'"{bindir / "writer"}"'
    assert entry["TryExec"] == str(bindir / "writer")
    assert entry["Name"] == "Writer"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    assert icon.read_bytes() == (REPO / "resources" / "icons" / "writer.svg").read_bytes()
    assert (data / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    if shutil.which("desktop-file-validate"):
        assert subprocess.run(["desktop-file-validate", str(installed)]).returncode == 0
    version = subprocess.run([str(bindir / "writer"), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("writer ")

    result = _install(home, "--uninstall", path="/usr/bin:/bin")
    assert result.returncode == 0, result.stderr
    assert not installed.exists() and not icon.exists()


@no_frozen_in_dist
def test_install_without_any_writer_says_what_to_do(tmp_path: Path) -> None:
    result = _install(tmp_path / "home", path="/usr/bin:/bin")
    assert result.returncode == 1
    assert "packaging/build.py" in result.stderr
    assert not (tmp_path / "home" / ".local" / "share" / "applications" / DESKTOP.name).exists()


def test_install_refuses_a_folder_that_is_not_a_frozen_app(tmp_path: Path) -> None:
    result = _install(tmp_path / "home", "--app", str(tmp_path), path="/usr/bin:/bin")
    assert result.returncode == 1
    assert "not a frozen Writer" in result.stderr
