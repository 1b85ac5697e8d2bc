"""Secrets (application passwords, tokens) live in the OS keyring, never in the database,
settings or logs. Without a keyring backend (a headless machine) they are held in memory
for this session only, and :attr:`Credentials.persistent` says so, so the UI and CLI can tell
the user.

Some "keyrings" only write a file: keyrings.alt's PlaintextKeyring (which Debian installs) keeps
passwords base64-encoded in ``~/.local/share/python_keyring``. Writer uses such a backend only
when the user allows it (the ``publishing.allow_file_keyring`` setting); otherwise it treats the
machine as having no keyring. Whatever it uses, :meth:`Credentials.where` names it.
"""

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


def effective_backend(backend: KeyringBackend) -> KeyringBackend:
    """The backend a secret actually goes to: a chainer writes to the first of its backends."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend) and backend.backends:
        return backend.backends[0]
    return backend


def stores_unencrypted_file(backend: KeyringBackend) -> bool:
    """Whether the backend writes secrets to a file in plain text or merely encoded (not encrypted)."""
    backend = effective_backend(backend)
    if getattr(type(backend), "file_path", None) is None and not hasattr(backend, "file_path"):
        return False
    return not any("Encrypted" in cls.__name__ for cls in type(backend).__mro__)


def backend_name(backend: KeyringBackend) -> str:
    """How to tell the user where secrets go: the backend's name, and its file when it has one."""
    backend = effective_backend(backend)
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    path = None
    with contextlib.suppress(Exception):
        path = getattr(backend, "file_path", None)
    return f"{name} ({path})" if path else name


def keyring_available(backend: KeyringBackend | None = None) -> bool:
    """Whether a real keyring backend exists (the "fail" and null backends have priority <= 0)."""
    import keyring

    backend = backend or keyring.get_keyring()
    try:
        return float(effective_backend(backend).priority) > 0
    except Exception:
        return False


class Credentials:
    """Get and set one secret per target name."""

    def __init__(self, backend: KeyringBackend | None = None, *, allow_file: bool | None = None) -> None:
        self._backend = backend
        self._allow_file = allow_file
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def backend(self) -> KeyringBackend:
        import keyring

        return self._backend or keyring.get_keyring()

    @property
    def allow_file(self) -> bool:
        """Whether the user agreed to unencrypted keyring files (the setting, unless given)."""
        if self._allow_file is not None:
            return self._allow_file
        from writer.settings import Settings

        try:
            return bool(Settings.load().get("publishing.allow_file_keyring"))
        except Exception:  # unreadable settings: the safe answer
            return False

    @property
    def refused(self) -> bool:
        """True when the only keyring writes secrets unencrypted to a file and the user has not allowed it."""
        return keyring_available(self.backend) and stores_unencrypted_file(self.backend) and not self.allow_file

    @property
    def persistent(self) -> bool:
        """True when secrets survive a restart (a keyring backend exists and may be used)."""
        return keyring_available(self.backend) and not self.refused

    def where(self) -> str:
        """Where a secret set now is kept, in words for the user."""
        if self.refused:
            return (f"memory, for this session only: the only keyring here, {backend_name(self.backend)}, "
                    "would write it to a file unencrypted (allow that with the publishing.allow_file_keyring "
                    "setting)")
        if not self.persistent:
            return "memory, for this session only: no keyring is available (it is never written to disk)"
        if stores_unencrypted_file(self.backend):
            return f"{backend_name(self.backend)}, an unencrypted file, as you allowed"
        return f"the keyring {backend_name(self.backend)}"

    def not_stored_note(self) -> str:
        """Why a secret was kept in memory only (the refused file keyring named)."""
        if self.refused:
            return f"The secret is kept in {self.where()}."
        return NO_KEYRING

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
        if keyring_available(self.backend):  # also from a file keyring the user has since disallowed
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
