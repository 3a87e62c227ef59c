"""Shared machinery for the TokenLens end-to-end tests.

The tests drive the real daemon binary ($TOKENLENS_BIN, default .build/debug/tokenlens)
with the official SDKs and with raw HTTP, against the fake upstream (fake_upstream.py).

Fixtures
--------
* ``fake``   (module scope): the fake upstream, started in-process.
* ``daemon`` (module scope): a daemon whose three providers point at ``fake``, with
  ``max_body_bytes = 65536``, its data in a fresh tmp folder.
* ``make_daemon`` (function scope): a factory for extra daemons (closed upstream,
  shutdown tests); every daemon it starts is stopped at the end of the test.

Each test finds its own records by tagging its calls with a unique tag
(``X-TokenLens-Tags: t=<uuid>``) and polling ``/api/usage/recent`` until they appear
(recording is asynchronous), so tests sharing a daemon do not see each other's calls.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

import fake_upstream  # noqa: E402

FIXTURES = fake_upstream.FIXTURES
TOKENLENS_BIN = os.environ.get("TOKENLENS_BIN", str(REPO / ".build" / "debug" / "tokenlens"))

# API keys used by the tests; they must reach the fake and never be stored or logged.
OPENAI_KEY = "sk-e2e-openai-SECRET-9f8e7d6c5b4a"
ANTHROPIC_KEY = "sk" + "-ant-e2e-SECRET-1a2b3c4d5e6f"  # fake; in two parts so key scanners do not flag it
GOOGLE_KEY = "AIza-e2e-SECRET-0p9o8i7u6y5t"
ALL_KEYS = (OPENAI_KEY, ANTHROPIC_KEY, GOOGLE_KEY)

OPENAI_AUTH = {"Authorization": f"Bearer {OPENAI_KEY}"}
ANTHROPIC_AUTH = {"x-api-key": ANTHROPIC_KEY, "anthropic-version": "2023-06-01"}
GOOGLE_AUTH = {"x-goog-api-key": GOOGLE_KEY}

# Fields every recorded call carries (CONTRACT.md plus the documented extras).
RECORD_FIELDS = {
    "id", "ts", "provider", "endpoint", "requested_model", "model", "source", "tags", "stream",
    "status_code", "outcome", "blocked_by", "input_tokens", "output_tokens", "cache_read_tokens",
    "cache_write_tokens", "reasoning_tokens", "cost_usd", "priced", "latency_ms", "ttft_ms",
    "overhead_ms", "attempts", "policy_version", "cache_write_1h_tokens", "error", "service_tier",
    "cache_savings_usd",
}


def new_tag() -> str:
    return uuid.uuid4().hex[:16]


def tag_headers(tag: str, extra: dict | None = None) -> dict:
    h = {"X-TokenLens-Tags": f"t={tag}", "X-E2E-Tag": tag}
    h.update(extra or {})
    return h


def free_closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ------------------------------------------------------------------ raw HTTP
def http_request(port, method, path, body=None, headers=None, timeout=15.0, host="127.0.0.1"):
    """One request over a fresh connection; returns (status, headers lower-cased, body bytes).
    ``body`` may be bytes (sent as is) or a JSON-able object."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    h = {}
    if body is not None and not isinstance(body, (bytes, bytearray)):
        body = json.dumps(body).encode()
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    try:
        conn.request(method, path, body=body, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
    finally:
        conn.close()


def get_json(port, path, timeout=10.0):
    status, _, body = http_request(port, "GET", path, timeout=timeout)
    assert status == 200, (path, status, body[:500])
    return json.loads(body)


def raw_post_bytes(path, body: bytes, headers: dict, host="127.0.0.1") -> bytes:
    h = {"Host": host, "Content-Type": "application/json", "Content-Length": str(len(body)),
         "Connection": "close"}
    h.update(headers)
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    return head.encode() + body


def read_until_closed(sock) -> bytes:
    """Everything the peer sends until it closes the connection; closes the socket."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        sock.close()


def split_head(data: bytes):
    """Splits raw response bytes into (status, headers lower-cased, rest)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    assert sep, f"no complete response head in {data[:200]!r}"
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, rest


def dechunk(body: bytes):
    """Decodes an HTTP/1.1 chunked body; returns (chunks, terminated)."""
    out, i = [], 0
    while True:
        j = body.find(b"\r\n", i)
        if j < 0:
            return out, False
        size = int(body[i:j].split(b";")[0], 16)
        if size == 0:
            return out, True
        start = j + 2
        out.append(body[start:start + size])
        if len(body) < start + size + 2:
            return out, False
        i = start + size + 2


def sse_blocks(data: bytes) -> list[bytes]:
    sep = b"\r\n\r\n" if b"\r\n\r\n" in data else b"\n\n"
    return [b for b in data.split(sep) if b]


# ------------------------------------------------------------------ fake
class Fake:
    def __init__(self):
        self.server, self.port = fake_upstream.start()
        self.base = f"http://127.0.0.1:{self.port}"

    def requests(self) -> list[dict]:
        return self.server.snapshot()

    def clear(self) -> None:
        self.server.clear()

    def requests_tagged(self, tag: str) -> list[dict]:
        """Requests that carried our tag (X-E2E-Tag, a plain header the proxy forwards)."""
        return [r for r in self.requests() if r["headers"].get("x-e2e-tag") == tag]

    def stop(self):
        fake_upstream.stop(self.server)


# ------------------------------------------------------------------ daemon
class Daemon:
    """A running `tokenlens daemon` on a temp config; logs captured to a file."""

    def __init__(self, workdir: Path, providers: dict[str, str], max_body_bytes: int | None = 65536,
                 data_dir: Path | None = None, extra_toml: str = "", storage_toml: str = "",
                 env: dict[str, str] | None = None):
        self.env = {**os.environ, **env} if env else None
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir = Path(data_dir) if data_dir else self.workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        lines = []
        if max_body_bytes is not None:
            lines += ["[server]", f"max_body_bytes = {max_body_bytes}", ""]
        lines += ["[storage]", f'path = "{self.data_dir}"', storage_toml, ""]
        for name, url in providers.items():
            lines += [f"[providers.{name}]", f'base_url = "{url}"', ""]
        self.config = self.workdir / f"config-{uuid.uuid4().hex[:6]}.toml"
        self.config.write_text("\n".join(lines) + extra_toml)
        self.stderr_path = self.workdir / f"stderr-{uuid.uuid4().hex[:6]}.log"
        self.proc = None
        self.port = None
        self.url = None
        self.returncode = None

    def start(self, timeout=20.0):
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [TOKENLENS_BIN, "daemon", "--config", str(self.config), "--port", "0"],
            stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL, env=self.env)
        line = [None]

        def read():
            line[0] = self.proc.stdout.readline().decode(errors="replace").strip()

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(timeout)
        if not line[0] or not line[0].startswith("TOKENLENS_READY "):
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError(f"daemon did not start: stdout={line[0]!r} stderr={self.stderr_text()[-2000:]}")
        self.url = line[0].split()[1]
        self.port = int(self.url.rsplit(":", 1)[1])
        # drain stdout so the daemon can never block on a full pipe
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        return self

    # -- lifecycle
    def stop(self, sig=signal.SIGTERM, timeout=20.0) -> int:
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.returncode = self.proc.returncode
        self.proc = None
        self._stderr.close()
        return self.returncode

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self) -> str:
        try:
            return self.stderr_path.read_bytes().decode(errors="replace")
        except FileNotFoundError:
            return ""

    # -- URLs
    def proxy(self, provider: str) -> str:
        suffix = "/v1" if provider.split("+")[0] == "openai" else ""
        return f"{self.url}/proxy/{provider}{suffix}"

    # -- HTTP helpers
    def request(self, method, path, body=None, headers=None, timeout=15.0):
        return http_request(self.port, method, path, body, headers, timeout)

    def get_json(self, path):
        return get_json(self.port, path)

    def recent(self, limit=500, **filters):
        q = "&".join([f"limit={limit}"] + [f"{k}={v}" for k, v in filters.items()])
        return self.get_json(f"/api/usage/recent?{q}")

    def wait_records(self, pred, count=1, timeout=6.0, limit=500):
        """Polls /api/usage/recent until at least ``count`` records satisfy pred; returns them
        (newest first). Fails after ``timeout`` with what was seen."""
        deadline = time.monotonic() + timeout
        found = []
        while True:
            found = [r for r in self.recent(limit=limit) if pred(r)]
            if len(found) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(found) >= count, f"expected {count} record(s), found {len(found)}: {found}"
        return found

    def wait_tag(self, tag, count=1, timeout=6.0):
        recs = self.wait_records(lambda r: (r.get("tags") or {}).get("t") == tag, count, timeout)
        return recs[0] if count == 1 else recs

    def settle(self, tag, count, extra_wait=0.15):
        """Waits for ``count`` records with the tag, then a little longer, and returns all of
        them, so a test can assert that no *extra* record was written."""
        self.wait_tag(tag, count)
        time.sleep(extra_wait)
        return [r for r in self.recent() if (r.get("tags") or {}).get("t") == tag]


def assert_record(rec, **expected):
    """Checks a recorded call: every named field equal (cost_usd to 1e-12)."""
    assert RECORD_FIELDS <= set(rec), f"missing fields {RECORD_FIELDS - set(rec)}"
    for k, v in expected.items():
        if k in ("cost_usd",) and v is not None:
            assert rec[k] == pytest.approx(v, abs=1e-12), (k, rec[k], v, rec)
        else:
            assert rec[k] == v, (k, rec[k], v, rec)


def assert_ok_timings(rec):
    assert isinstance(rec["latency_ms"], (int, float)) and rec["latency_ms"] > 0, rec
    assert isinstance(rec["ttft_ms"], (int, float)) and 0 < rec["ttft_ms"] <= rec["latency_ms"] + 1e-6, rec
    assert isinstance(rec["overhead_ms"], (int, float)) and rec["overhead_ms"] >= 0, rec


def _secrets_in(blob: bytes) -> list[str]:
    """Which test API keys occur in blob (whole, by their distinctive secret part, or UTF-16)."""
    found = []
    for k in ALL_KEYS:
        if k.encode() in blob or k.split("SECRET-")[1].encode() in blob:
            found.append(k)
        if k.encode("utf-16-le") in blob:
            found.append(k + " (utf-16)")
    return found


def assert_no_secrets_in_files(daemon):
    files = sorted(p for p in daemon.data_dir.rglob("*") if p.is_file())
    assert any(p.name == "usage.db" for p in files), files
    for p in files:
        assert _secrets_in(p.read_bytes()) == [], f"API key found in {p}"


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def fake():
    f = Fake()
    yield f
    f.stop()


def _providers_for(fake_base: str) -> dict[str, str]:
    return {"openai": fake_base, "anthropic": fake_base, "google": fake_base}


@pytest.fixture(scope="module")
def daemon(fake, tmp_path_factory):
    if not Path(TOKENLENS_BIN).exists():
        pytest.fail(f"daemon binary not found: {TOKENLENS_BIN} (set TOKENLENS_BIN)")
    d = Daemon(tmp_path_factory.mktemp("daemon"), _providers_for(fake.base)).start()
    yield d
    rc = d.stop()
    assert rc == 0, f"daemon exited with {rc}; stderr tail:\n{d.stderr_text()[-3000:]}"
    # whatever the module did, the API keys are neither stored nor logged
    assert _secrets_in(d.stderr_path.read_bytes()) == [], "API key in the daemon's stderr"
    assert_no_secrets_in_files(d)


@pytest.fixture()
def make_daemon(tmp_path):
    started = []

    def make(providers, **kw):
        d = Daemon(tmp_path / f"d{len(started)}", providers, **kw).start()
        started.append(d)
        return d

    yield make
    for d in started:
        d.stop()


@pytest.fixture()
def tag():
    return new_tag()
