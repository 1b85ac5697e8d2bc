"""Publishing: targets (static site, WordPress, Micropub), the outbox, nudges and writing stats.

Plain Python with no Qt, so the CLI, the app and tests share it. Everything goes
through the outbox (:mod:`writer.publishing.outbox`): written to SQLite first,
then sent, retried with backoff, never sent twice.
"""

from writer.publishing.errors import AuthError, CopyFlagged, PublishError, TransientError, UnknownOutcome
from writer.publishing.target import Post, Remote, Target

__all__ = ["AuthError", "CopyFlagged", "Post", "PublishError", "Remote", "Target", "TransientError",
           "UnknownOutcome"]
