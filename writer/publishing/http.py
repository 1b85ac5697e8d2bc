"""One way to talk HTTP: httpx with an overall deadline per request and TLS always verified.

:func:`send` turns every failure into the error type that tells the outbox what to
do: a connection that never opened (refused, DNS, TLS) is safe to retry; a timeout or
dropped connection *after* the request went out is an :class:`UnknownOutcome`;
401/403 is an :class:`AuthError` that is not retried.

httpx's timeouts are per socket operation, so a server that trickles a byte every few
seconds never trips them. Here every socket operation is also bounded by what is left
of the request's overall deadline (the ``publishing.timeout_s`` setting), and of the
whole send's (:func:`time_limit`), so a send always ends before the outbox lease that
guards it runs out.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from writer import __version__
from writer.publishing.errors import AuthError, PublishError, TransientError, UnknownOutcome

DEFAULT_TIMEOUT_S = 20.0
USER_AGENT = f"Writer/{__version__} (+publishing)"


#: The monotonic time by which the request under way must be over (None: no deadline).
_request_end: ContextVar[float | None] = ContextVar("writer_request_end", default=None)
#: The monotonic time by which the whole send (several requests) must be over.
_send_end: ContextVar[float | None] = ContextVar("writer_send_end", default=None)


def _left(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the request's deadline; ``expired`` once it has passed."""
    end = _request_end.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise expired("the request's overall deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname,
                                                     _left(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _left(timeout, httpcore.ConnectTimeout),
                                                       local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_unix_socket(path, _left(timeout, httpcore.ConnectTimeout),
                                                               socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _deadline_transport() -> httpx.HTTPTransport:
    """httpx's own transport, its connection pool on sockets that keep the deadline."""
    transport = httpx.HTTPTransport()
    pool = transport._pool
    if not hasattr(pool, "_network_backend"):  # a new httpx/httpcore: tests/publishing fail loudly
        raise RuntimeError("httpcore's connection pool changed; the request deadline cannot be installed")
    pool._network_backend = _DeadlineBackend()
    return transport


def make_client(timeout_s: float = DEFAULT_TIMEOUT_S, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client whose every request is over within ``timeout_s`` (the whole of it, however
    the server dribbles its answer). ``verify`` is left at its secure default on purpose:
    there is no switch to turn TLS checks off."""
    timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0))
    return httpx.Client(timeout=timeout, transport=transport or _deadline_transport(), follow_redirects=True,
                        headers={"User-Agent": USER_AGENT})


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Every request sent inside is over ``seconds`` from now (a send of several requests)."""
    token = _send_end.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _send_end.reset(token)


def send(client: httpx.Client, method: str, url: str, *, service: str, safe: bool = False,
         **kwargs: Any) -> httpx.Response:
    """``client.request`` with errors translated; ``safe`` requests (reads, idempotent
    updates) are never an unknown outcome, just a retry."""
    now = time.monotonic()
    end = now + (client.timeout.read or DEFAULT_TIMEOUT_S)
    send_end = _send_end.get()
    if send_end is not None:
        if send_end <= now:
            raise TransientError(f"This send to {service} ran out of time before the request went out; "
                                 "will retry.")
        end = min(end, send_end)
    token = _request_end.set(end)
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
    finally:
        _request_end.reset(token)
    check(response, service)
    return response


def check(response: httpx.Response, service: str) -> None:
    """Raise for 401/403 (credentials), 5xx/429 (retry) and other 4xx (stop, with the server's reason)."""
    status = response.status_code
    if status in (401, 403):
        raise AuthError(f"{service} refused the credentials ({status} {_server_message(response)}): wrong user "
                        "name, password or token, or not allowed to publish. Fix them with `writer targets add` "
                        "(or in Publish settings), then `writer outbox --retry`.")
    if status == 429:
        after = retry_after(response)
        raise TransientError(f"{service} asked to slow down (429 {_server_message(response)}); will retry"
                             f"{f' in {after:.0f} s' if after else ''}.", retry_after=after)
    if status >= 500:
        raise TransientError(f"{service} had a server error ({status} {_server_message(response)}); will retry.",
                             retry_after=retry_after(response))
    if status >= 400:
        raise PublishError(f"{service} rejected the request ({status} {_server_message(response)}).")


def retry_after(response: httpx.Response) -> float | None:
    """The server's Retry-After, in seconds (a number or an HTTP date), capped at a day."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(float(value), 86400.0)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    seconds = (when - datetime.now(UTC)).total_seconds() if when.tzinfo else 0.0
    return min(max(seconds, 0.0), 86400.0) or None


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
