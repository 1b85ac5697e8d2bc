"""A real threaded HTTP server on 127.0.0.1 in front of a fake WordPress or Micropub, with scripted faults.

The fakes (:mod:`publishing_fakes`) keep the posts; this server puts real sockets in
front of them, so the client's deadlines, dropped connections and refused connections
are the real thing. Faults are consumed one request at a time, each for the next
request with a given method whose path (or ``rest_route``) ends with a given text:

- ``"slow"``: handled only after :attr:`FaultServer.slow_s` (the client gives up first; the
  post appears later, as on a server that keeps working after the client left);
- ``"trickle"`` / ``"trickle-body"``: handled at once, the answer (or only its body) sent one
  byte every :attr:`FaultServer.trickle_s`;
- ``"swallow"``: held for :attr:`FaultServer.slow_s`, then closed, never handled;
- ``"drop"``: handled, then the connection is closed without an answer;
- ``"hang"``: handled, then the answer is held until :meth:`FaultServer.release`;
- an int: that status, with ``Retry-After`` :attr:`FaultServer.retry_after` for 429.

:meth:`FaultServer.down` and :meth:`FaultServer.up` stop and restart listening on the same
port (connection refused in between).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from publishing_fakes import FakeServer


class FaultServer:
    def __init__(self, fake: FakeServer) -> None:
        self.fake = fake
        self.script: list[tuple[str, str, str | int]] = []
        self.slow_s = 2.5
        self.trickle_s = 0.3
        self.trickle_cap_s = 6.0  # an old client that waits it out still ends, with a broken answer
        self.retry_after = "120"
        self.arrived = threading.Event()  # a "hang" request was handled
        self._release = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._busy: list[threading.Thread] = []
        self.port = 0
        self._httpd: ThreadingHTTPServer | None = None
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fault(self, mode: str | int, method: str, path_end: str, times: int = 1) -> None:
        self.script.extend([(method, path_end, mode)] * times)

    def _mode(self, request: httpx.Request) -> str | int | None:
        path = request.url.params.get("rest_route") or request.url.path
        with self._lock:
            for i, (method, path_end, mode) in enumerate(self.script):
                if request.method == method and path.rstrip("/").endswith(path_end):
                    del self.script[i]
                    return mode
        return None

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.fake.requests.append(request)
            return self.fake.handle(request)

    def up(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                server._busy.append(threading.current_thread())
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = [(k, v) for k, v in self.headers.items() if k.lower() not in ("host", "content-length")]
                request = httpx.Request(self.command, f"{server.url}{self.path}", headers=headers, content=body)
                server._serve(self.connection, request)

            do_GET = do_POST = do_DELETE = do_PUT = _any

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def down(self) -> None:
        """Stop listening: connections are refused until :meth:`up`."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def release(self) -> None:
        self._release.set()

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every request taken so far has been handled (a slow one included)."""
        end = time.monotonic() + timeout
        for thread in list(self._busy):
            thread.join(max(0.0, end - time.monotonic()))

    def close(self) -> None:
        self._stop.set()
        self._release.set()
        self.down()

    def _serve(self, conn: Any, request: httpx.Request) -> None:
        mode = self._mode(request)
        try:
            if isinstance(mode, int):
                headers = {"retry-after": self.retry_after} if mode == 429 else {}
                response = httpx.Response(mode, json={"code": "fault", "message": f"fault {mode}",
                                                      "error": "fault"}, headers=headers)
                conn.sendall(_raw(response))
                return
            if mode in ("slow", "swallow"):
                self._stop.wait(self.slow_s)
                if mode == "swallow":
                    return  # never handled: the post never arrives
            response = self.handle(request)
            data = _raw(response)
            if mode == "drop":
                return  # handled, then the connection closes with no answer
            if mode == "hang":
                self.arrived.set()
                self._release.wait(30)
            if mode in ("trickle", "trickle-body"):
                head, _, rest = data.partition(b"\r\n\r\n")
                if mode == "trickle-body":
                    conn.sendall(head + b"\r\n\r\n")
                    data = rest
                end = time.monotonic() + self.trickle_cap_s
                for i in range(len(data)):
                    if self._stop.is_set() or time.monotonic() > end:
                        return
                    conn.sendall(data[i:i + 1])
                    time.sleep(self.trickle_s)
                return
            conn.sendall(data)
        except OSError:
            pass  # the client gave up first


def _raw(response: httpx.Response) -> bytes:
    body = response.content
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "connection")}
    if body and "content-type" not in {k.lower() for k in headers}:
        headers["content-type"] = "application/json"
    lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}",
             *[f"{k}: {v}" for k, v in headers.items()], f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
