"""Secrets (application passwords, tokens) live in the OS keyring, never in the database,
settings or logs. Without a keyring backend (a headless machine) they are held in memory
for this session only, and :attr:`Credentials.persistent` says so, so the UI and CLI can tell
the user."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # keyring is imported on first use: loading its backends costs ~0.3 s at start-up
    from keyring.backend import KeyringBackend

SERVICE = "writer-publishing"


def _keyring_error() -> type[Exception]:
    import keyring.errors

    return keyring.errors.KeyringError


def keyring_available(backend: KeyringBackend | None = None) -> bool:
    """Whether a real keyring backend exists (the "fail" and null backends have priority <= 0)."""
    import keyring

    backend = backend or keyring.get_keyring()
    try:
        return float(backend.priority) > 0  # type: ignore[arg-type]
    except Exception:
        return False


class Credentials:
    """Get and set one secret per target name."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def backend(self) -> KeyringBackend:
        import keyring

        return self._backend or keyring.get_keyring()

    @property
    def persistent(self) -> bool:
        """True when secrets survive a restart (a keyring backend exists)."""
        return keyring_available(self.backend)

    def set(self, target: str, secret: str) -> bool:
        """Keep ``secret`` for ``target``; returns whether it was stored in the keyring."""
        with self._lock:
            self._memory[target] = secret
        if not self.persistent:
            return False
        try:
            self.backend.set_password(SERVICE, target, secret)
        except _keyring_error():
            return False
        return True

    def get(self, target: str) -> str | None:
        with self._lock:
            if target in self._memory:
                return self._memory[target]
        if not self.persistent:
            return None
        try:
            return self.backend.get_password(SERVICE, target)
        except _keyring_error():
            return None

    def delete(self, target: str) -> None:
        with self._lock:
            self._memory.pop(target, None)
        if self.persistent:
            with contextlib.suppress(_keyring_error()):
                self.backend.delete_password(SERVICE, target)


_session: Credentials | None = None


def session_credentials() -> Credentials:
    """The process-wide credentials (the memory fallback lasts as long as the process)."""
    global _session
    if _session is None:
        _session = Credentials()
    return _session


NO_KEYRING = ("No system keyring is available, so the secret is kept in memory for this session only "
              "(it is never written to disk).")
