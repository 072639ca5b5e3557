"""The platform's end of our webhooks, for tests: an HTTP server on 127.0.0.1 that records every request and
answers with the statuses queued (then 200; a status may come with headers, e.g. a redirect's Location), and checks
each body's signature as a real receiver would."""
from __future__ import annotations

import http.server
import json
import threading

from arbitration import clock
from arbitration.api import signing


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict] = []      # {"headers": lower-cased names -> value, "body": bytes}
        self.statuses: list[int | tuple[int, dict[str, str]]] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                                          "method": "POST", "path": self.path})
                answer = receiver.statuses.pop(0) if receiver.statuses else 200
                status, headers = answer if isinstance(answer, tuple) else (answer, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()

            def do_GET(self):
                receiver.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": b"",
                                          "method": "GET", "path": self.path})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, secret: str, now: int | None = None, window: int = signing.WINDOW_SECONDS) -> list[dict]:
        """Every body received, each signature verified with `secret` at `now` (default: the app's clock)."""
        now = int(clock.now_utc().timestamp()) if now is None else now
        return [self.verified(r, secret, now, window) for r in list(self.received)]

    @staticmethod
    def verified(record: dict, secret: str, now: int, window: int = signing.WINDOW_SECONDS) -> dict:
        """One received body, once its signature and headers check out as a receiver checks them."""
        h = record["headers"]
        assert signing.problem(secret, h["x-km-timestamp"], h["x-km-signature"], record["body"], now,
                               window=window) is None
        body = json.loads(record["body"])
        assert h["x-km-delivery"] == body["id"] and h["x-km-event"] == body["type"]
        return body

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
