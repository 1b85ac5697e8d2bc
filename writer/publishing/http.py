"""One way to talk HTTP: httpx with timeouts everywhere and TLS always verified.

:func:`send` turns every failure into the error type that tells the outbox what to
do: a connection that never opened is safe to retry; a timeout or dropped connection
*after* the request went out is an :class:`UnknownOutcome`; 401/403 is an
:class:`AuthError` that is not retried.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from writer import __version__
from writer.publishing.errors import AuthError, PublishError, TransientError, UnknownOutcome

DEFAULT_TIMEOUT_S = 20.0
USER_AGENT = f"Writer/{__version__} (+publishing)"


def make_client(timeout_s: float = DEFAULT_TIMEOUT_S, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client with a timeout on every phase. ``verify`` is left at its secure default on
    purpose: there is no switch to turn TLS checks off."""
    timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0))
    return httpx.Client(timeout=timeout, transport=transport, follow_redirects=True,
                        headers={"User-Agent": USER_AGENT})


def send(client: httpx.Client, method: str, url: str, *, service: str, safe: bool = False,
         **kwargs: Any) -> httpx.Response:
    """``client.request`` with errors translated; ``safe`` requests (reads, idempotent
    updates) are never an unknown outcome, just a retry."""
    try:
        response = client.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise TransientError(f"Could not reach {service} at {_origin(url)} ({_reason(exc)}); "
                             "will retry.") from exc
    except httpx.TimeoutException as exc:
        cls = TransientError if safe else UnknownOutcome
        raise cls(f"{service} did not answer in time ({_reason(exc)}); will check and retry.") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # retrying cannot help: say so once
        raise PublishError(f"{url!r} is not a valid http(s) URL for {service}.") from exc
    except httpx.TooManyRedirects as exc:
        raise PublishError(f"{service} at {_origin(url)} redirects in a loop; check the address.") from exc
    except httpx.RequestError as exc:  # connection dropped mid-request, protocol error, garbled encoding
        cls = TransientError if safe else UnknownOutcome
        raise cls(f"The connection to {service} broke ({_reason(exc)}); will check and retry.") from exc
    check(response, service)
    return response


def check(response: httpx.Response, service: str) -> None:
    """Raise for 401/403 (credentials), 5xx/429 (retry) and other 4xx (stop, with the server's reason)."""
    status = response.status_code
    if status in (401, 403):
        raise AuthError(f"{service} refused the credentials ({status} {_server_message(response)}): wrong user "
                        "name, password or token, or not allowed to publish. Fix them with `writer targets add` "
                        "(or in Publish settings), then `writer outbox --retry`.")
    if status >= 500 or status == 429:
        raise TransientError(f"{service} had a server error ({status} {_server_message(response)}); will retry.")
    if status >= 400:
        raise PublishError(f"{service} rejected the request ({status} {_server_message(response)}).")


def json_body(response: httpx.Response, service: str, *, created: bool = False) -> Any:
    """The response's JSON; a garbled answer to a create may hide a created post, so check first."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        cls = UnknownOutcome if created else TransientError
        snippet = response.text[:80].replace("\n", " ")
        raise cls(f"{service} sent a malformed answer (not JSON: {snippet!r}); will check and retry.") from exc


def _server_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase or ""
    if isinstance(data, dict):
        for key in ("message", "error_description", "error"):
            if isinstance(data.get(key), str):
                return data[key]
    return response.reason_phrase or ""


def _origin(url: str) -> str:
    try:
        u = httpx.URL(url)
        return f"{u.scheme}://{u.host}{':' + str(u.port) if u.port else ''}"
    except Exception:
        return url


def _reason(exc: Exception) -> str:
    """The OS's words for what went wrong, without "[Errno 111]" (it means nothing to a writer)."""
    return re.sub(r"\[Errno -?\d+\]\s*", "", str(exc)).strip() or type(exc).__name__
