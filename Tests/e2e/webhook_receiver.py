"""A local webhook receiver for the notification tests (standard library only).

``Receiver(fail_first=N, status=S)`` listens on 127.0.0.1 (a free port); the first N
requests get status S (default 503), later ones 200. ``wait(n)`` waits for n requests.
Each request is kept with its arrival time, headers (lower-cased) and raw body; ``verify``
checks the X-TokenLens-Signature header against the body with the secret.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, fail_first: int = 0, status: int = 503, always_fail: bool = False):
        self.fail_first = fail_first
        self.status = status
        self.always_fail = always_fail
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    index = len(receiver.requests)
                    receiver.requests.append({
                        "at": time.monotonic(), "path": self.path, "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    })
                fail = receiver.always_fail or index < receiver.fail_first
                code = receiver.status if fail else 200
                payload = b'{"ok": false}' if fail else b'{"ok": true}'
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait(self, count: int, timeout: float = 15.0, event: str | None = None) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            got = self.of(event)
            if len(got) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(got) >= count, f"expected {count} webhook request(s), got {len(got)}: {[r['headers'].get('x-tokenlens-event') for r in got]}"
        return got

    def of(self, event: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.requests if event is None or r["headers"].get("x-tokenlens-event") == event]

    @staticmethod
    def json(request: dict) -> dict:
        return json.loads(request["body"])

    @staticmethod
    def verify(request: dict, secret: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, request["headers"].get("x-tokenlens-signature", ""))

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def webhook_toml(receiver: Receiver, events: list[str], secret: str | None = "whsec-e2e-secret", max_attempts: int = 4,
                 alerts_threshold: float | None = None) -> str:
    lines = ["", "[webhooks]", "enabled = true", f'url = "{receiver.url}"', 'allow_hosts = ["127.0.0.1"]',
             "events = [" + ", ".join(f'"{e}"' for e in events) + "]", f"max_attempts = {max_attempts}",
             "timeout_seconds = 3"]
    if secret:
        lines.append(f'secret = "{secret}"')
    if alerts_threshold is not None:
        lines += ["", "[alerts]", "enabled = true", f"daily_cost_threshold = {alerts_threshold}"]
    return "\n".join(lines) + "\n"
