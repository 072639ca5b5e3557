"""The platform's end of our webhooks, for tests: an HTTP server on 127.0.0.1 that records every request and
answers with the statuses queued (then 200), and checks each body's signature as a real receiver would."""
from __future__ import annotations

import http.server
import json
import threading

from arbitration import clock
from arbitration.api import signing


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict] = []      # {"headers": lower-cased names -> value, "body": bytes}
        self.statuses: list[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
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
