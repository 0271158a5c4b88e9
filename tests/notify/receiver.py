"""A real HTTP receiver for webhook tests: a server thread on 127.0.0.1 with an ephemeral port.

``Receiver.statuses`` is the list of answers still to give (then 200 for ever); ``down()`` closes the port so a
connection is refused, ``up()`` opens it again on the same port. Every request received is kept.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from dataclasses import dataclass


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    at: float

    def json(self):
        return json.loads(self.body)


class Receiver:
    def __init__(self):
        self.requests: list[Received] = []
        self.statuses: list[int] = []
        self.delay = 0.0
        self.port: int | None = None
        self._server = None
        self._thread = None
        self._lock = threading.Lock()
        self.received = threading.Condition(self._lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _handler(self):
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.received:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append(Received(self.path, dict(self.headers), body, time.monotonic()))
                    receiver.received.notify_all()
                answer = b'{"ok": true}' if status < 300 else b"receiver says no"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        return Handler

    def up(self) -> Receiver:
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port or 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.received:
            while len(self.requests) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"received {len(self.requests)} requests, expected {count}")
                self.received.wait(remaining)
            return list(self.requests)
