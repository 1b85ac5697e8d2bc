"""Where `writer targets add` puts a secret: a real keyring, or memory, never an unencrypted file
without the user's say-so, and always named truthfully."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import ClassVar

import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.backends.fail import Keyring as FailKeyring

from writer.cli import main
from writer.publishing import credentials
from writer.publishing.credentials import Credentials

SECRET = "app pass 1234"


class Base64FileKeyring(KeyringBackend):
    """A file keyring like keyrings.alt's PlaintextKeyring: base64 in a file, no encryption."""

    priority = 0.5  # type: ignore[assignment]
    viable = False  # type: ignore[assignment]  # never chosen by keyring.get_keyring() for other tests
    file_path: str = ""

    def _load(self) -> dict[str, str]:
        path = Path(self.file_path)
        return json.loads(path.read_text()) if path.exists() else {}

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = base64.b64encode(password.encode()).decode()
        Path(self.file_path).write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        value = self._load().get(f"{service}/{username}")
        return base64.b64decode(value).decode() if value else None

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        Path(self.file_path).write_text(json.dumps(data))


class GoodKeyring(KeyringBackend):
    """An encrypted system keyring (in memory here, as the Secret Service would be)."""

    priority = 5  # type: ignore[assignment]
    viable = False  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[service, username] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.saved.pop((service, username), None)


def _file_backends(tmp_path: Path) -> list[KeyringBackend]:
    """The test's base64 file keyring, and keyrings.alt's own PlaintextKeyring when it is installed."""
    ours = Base64FileKeyring()
    ours.file_path = str(tmp_path / "ours.cfg")
    found: list[KeyringBackend] = [ours]
    try:
        from keyrings.alt.file import PlaintextKeyring
    except ImportError:
        return found
    alt = PlaintextKeyring()
    alt.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    return [*found, alt]


def _add_wordpress(monkeypatch: pytest.MonkeyPatch, creds: Credentials, capsys: pytest.CaptureFixture[str],
                   *extra: str) -> str:
    monkeypatch.setattr(credentials, "_session", creds)
    monkeypatch.setattr("sys.stdin", io.StringIO(SECRET + "\n"))
    assert main(["targets", "add", "wordpress", "https://blog.example", "--user", "me", "--password-stdin",
                 "--no-check", *extra]) == 0
    return capsys.readouterr().out


def _on_disk(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("*.cfg"))


@pytest.mark.parametrize("which", [0, 1])
def test_an_unencrypted_file_keyring_is_refused_and_named(which: int, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    backends = _file_backends(tmp_path)
    if which >= len(backends):
        pytest.skip("keyrings.alt is not installed")
    backend = backends[which]
    out = _add_wordpress(monkeypatch, Credentials(backend), capsys)
    assert "system keyring" not in out.replace("No system keyring", "")
    assert type(backend).__name__ in out and "memory, for this session only" in out
    assert "publishing.allow_file_keyring" in out
    disk = _on_disk(tmp_path)
    assert SECRET.encode() not in disk and base64.b64encode(SECRET.encode()) not in disk


def test_the_user_may_allow_a_file_keyring_and_is_told_where_it_went(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     writer_home: Path) -> None:
    (writer_home / "settings.json").write_text(json.dumps({"publishing.allow_file_keyring": True}))
    backend = _file_backends(tmp_path)[-1]
    out = _add_wordpress(monkeypatch, Credentials(backend), capsys)
    assert f"stored in {type(backend).__module__}.{type(backend).__name__}" in out
    assert str(backend.file_path) in out and "unencrypted file, as you allowed" in out
    assert Credentials(backend).get("wordpress") == SECRET


def test_a_chainer_is_judged_by_the_backend_it_writes_to(tmp_path: Path) -> None:
    plain = _file_backends(tmp_path)[0]
    class Chain(ChainerBackend):  # what keyring.get_keyring() returns when several backends are installed
        backends: ClassVar = [plain, FailKeyring()]
        viable = False

    chain = Chain()
    assert Credentials(chain, allow_file=False).refused
    assert not Credentials(chain, allow_file=False).set("t", SECRET)
    assert SECRET.encode() not in _on_disk(tmp_path)


def test_a_real_keyring_is_named_not_called_system_blindly(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    good = GoodKeyring()
    out = _add_wordpress(monkeypatch, Credentials(good), capsys)
    assert "stored in the keyring" in out and "GoodKeyring" in out
    assert good.saved == {("writer-publishing", "wordpress"): SECRET}


def test_no_keyring_at_all_keeps_memory_only(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = _add_wordpress(monkeypatch, Credentials(FailKeyring()), capsys)
    assert "No system keyring is available" in out and SECRET not in out
