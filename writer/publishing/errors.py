"""How a send failed decides what the outbox does next: retry, check first, or stop."""

from __future__ import annotations

import re

from writer.errors import WriterError

_WILL_RETRY = re.compile(r"[;,]? *(then )?(will (check and )?retry|`writer outbox --retry`)[^.]*\.", re.IGNORECASE)


def now_only(message: str) -> str:
    """``message`` without the outbox's promise to retry, for a check that nothing retries
    (``targets add``, the target dialog)."""
    return _WILL_RETRY.sub(".", message).replace("..", ".").strip()


class PublishError(WriterError):
    """A send failed for good (the server said no): the job waits for the user."""

    retry = False
    unknown_outcome = False


class AuthError(PublishError):
    """Wrong or missing credentials: retrying would only be refused again."""


class TransientError(PublishError):
    """Offline, a timeout before the request went out, or a 5xx: safe to send again later
    (not before ``retry_after`` seconds, when the server said so)."""

    retry = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UnknownOutcome(TransientError):
    """The request may have arrived (timeout or dropped connection after sending):
    the target must be checked before anything is re-sent."""

    unknown_outcome = True


class CannotCheck(PublishError):
    """The target cannot be searched for a post whose earlier try may have arrived: only the
    writer can look. Nothing is sent until they say (``outbox --resend``)."""


class NotFoundYet(TransientError):
    """The target was searched and the post is not there, yet: a search may lag behind a new
    post, or the server may still be handling the earlier try. Searched once more later,
    then sent again."""


class CopyFlagged(WriterError):
    """The draft carries text flagged as a copy of training data; publish only when forced."""

    def __init__(self, flags: list[object]) -> None:
        self.flags = flags
        n = len(flags)
        super().__init__(f"This draft has {n} passage{'s' if n != 1 else ''} flagged as copied from a training "
                         "text. Rewrite or remove them, or publish anyway with --force.")
