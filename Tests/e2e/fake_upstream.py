#!/usr/bin/env python3
"""Fake OpenAI / Anthropic / Google Gemini upstream for TokenLens end-to-end tests.

Python 3.11 standard library only. Serves the real API paths with the response
bodies recorded in Tests/Fixtures/providers/ (byte-exact wire format), so a
proxy under test sees what the real providers send.

Start it
--------
* As a process:  python3 Tests/e2e/fake_upstream.py [--host 127.0.0.1] [--port 0]
  prints ``LISTENING <port>`` (flushed) once bound, serves until SIGTERM/SIGINT.
* In-process:    ``server, port = fake_upstream.start()`` ... ``fake_upstream.stop(server)``

Endpoints
---------
POST /v1/chat/completions                   openai-chat.json | openai-chat-stream[-include-usage].sse
POST /v1/responses                          openai-responses.json | openai-responses-stream.sse
POST /v1/embeddings                         openai-embeddings.json (vectors base64-encoded
                                            when the request has encoding_format=base64)
GET  /v1/models                             openai-models.json
POST /v1/messages                           anthropic-messages.json | anthropic-messages[-thinking]-stream.sse
POST /v1beta/models/{model}:generateContent          gemini-generate-content.json
POST /v1beta/models/{model}:streamGenerateContent    ?alt=sse -> gemini-stream-generate-content.sse,
                                                     otherwise the JSON-array form (…-content.json)
(``/v1/models/{model}:…`` is accepted for Gemini as well.)

The body's ``model`` (``modelVersion`` for Gemini, taken from the path) is
replaced with the model the request asked for. OpenAI chat streams carry the
usage chunk (and ``"usage":null`` in every chunk) only when the request has
``stream_options.include_usage: true``, like the real API. Anthropic requests
with ``"thinking": {"type": "enabled", ...}`` get the extended-thinking stream.

Control headers (all optional, case-insensitive)
------------------------------------------------
X-Fake-Status: N        answer with that provider's error body for status N
                        (429 adds ``Retry-After: 2``).
X-Fake-Reset-After: N   streams: write N events, then close the socket without
                        the terminating chunk; non-stream: write the headers and
                        the first N bytes of the body, then close.
X-Fake-Gzip: 1          gzip the body (Content-Encoding: gzip) if the request's
                        Accept-Encoding allows gzip; streams use one gzip stream
                        with a sync flush per event.
X-Fake-Usage: k=v,...   set every usage field named k (any provider's spelling,
                        e.g. prompt_tokens, cached_tokens, input_tokens,
                        cache_read_input_tokens, promptTokenCount,
                        cachedContentTokenCount) to v, in every event. Totals
                        (total_tokens, totalTokenCount) are recomputed unless
                        given explicitly.
X-Fake-Delay-Ms: N      sleep N ms between stream events (default 0).
X-Fake-Slow-Ms: N       sleep N ms before sending the response headers.
X-Fake-Fixture: NAME    serve Tests/Fixtures/providers/NAME instead of the
                        default (e.g. gemini-generate-content-long-context.json,
                        anthropic-messages-stream-error.sse).
X-Fake-Chunk-Bytes: N   streams: ignore event boundaries and write the stream in
                        pieces of N bytes (one HTTP chunk each, flushed, with
                        X-Fake-Delay-Ms between pieces), so events arrive split
                        across reads as they can from a real upstream.
X-Fake-Model: NAME      answer with model NAME instead of the requested one
                        (``fixture``: keep the fixture's own model, e.g. the dated
                        gpt-5-mini-2025-08-07), to play a served model that differs
                        from the requested one.

Introspection
-------------
GET    /_fake/requests  JSON list of every request received (not /_fake ones):
                        {"method", "path" (with query), "headers" (lower-cased
                        name -> value), "raw_headers" ([[name, value], ...] as
                        received), "body" (text), "json" (parsed or null)}.
DELETE /_fake/requests  clears that list.
GET    /_fake/health    {"ok": true}

Authentication mirrors the providers: OpenAI paths need ``Authorization:
Bearer <key>`` (else 401 openai-error-401.json); Anthropic needs ``x-api-key``
or ``Authorization: Bearer`` (what anthropic-python 2.x sends) (else 401) and
``anthropic-version`` (else 400, as the real API answers);
Gemini needs ``x-goog-api-key`` or ``?key=`` (else 403 PERMISSION_DENIED, which
is what Google answers to a request without a key).
"""
from __future__ import annotations

import argparse
import base64
import gzip
import json
import re
import signal
import socket
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "Fixtures" / "providers"

GEMINI_PATH = re.compile(r"^/(v1beta|v1)/models/([^/:]+):(generateContent|streamGenerateContent)$")

CONTENT_TYPES = {
    ("openai", "json"): "application/json",
    ("openai", "sse"): "text/event-stream; charset=utf-8",
    ("anthropic", "json"): "application/json",
    ("anthropic", "sse"): "text/event-stream; charset=utf-8",
    ("gemini", "json"): "application/json; charset=UTF-8",
    ("gemini", "sse"): "text/event-stream",
    ("gemini", "array"): "application/json; charset=UTF-8",
}

# Error fixtures per provider and status; other statuses get a generated body
# of the same shape.
ERROR_FIXTURES = {
    "openai": {400: "openai-error-400.json", 401: "openai-error-401.json", 429: "openai-error-429.json",
               500: "openai-error-500.json"},
    "anthropic": {400: "anthropic-error-400.json", 401: "anthropic-error-401.json", 429: "anthropic-error-429.json",
                  500: "anthropic-error-500.json", 529: "anthropic-error-529.json"},
    "gemini": {400: "gemini-error-400.json", 403: "gemini-error-403.json", 429: "gemini-error-429.json",
               500: "gemini-error-500.json", 503: "gemini-error-503.json"},
}
OPENAI_ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 403: "invalid_request_error",
                      404: "invalid_request_error", 409: "invalid_request_error", 422: "invalid_request_error",
                      429: "requests", 503: "server_error"}
ANTHROPIC_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                         404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
                         500: "api_error", 504: "timeout_error", 529: "overloaded_error"}
GOOGLE_STATUSES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                   409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL",
                   501: "NOT_IMPLEMENTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


# ------------------------------------------------------------------ fixtures
def load_fixture(name: str) -> str:
    path = (FIXTURES / name).resolve()
    if path.parent != FIXTURES.resolve() or not path.is_file():
        raise FileNotFoundError(name)
    return path.read_bytes().decode("utf-8")


def split_sse(text: str) -> list[str]:
    """Splits an SSE fixture into its event blocks, each keeping its own terminator."""
    sep = "\r\n\r\n" if "\r\n\r\n" in text else "\n\n"
    parts = text.split(sep)
    return [p + sep for p in parts if p]


def split_json_array(text: str) -> list[str]:
    """Splits Google's streamed JSON array into the pieces Google writes one at a time:
    ``[{...}``, ``\\n,\\r\\n{...}``, ..., ``\\n]``."""
    assert text.startswith("[") and text.endswith("\n]"), "not a Google JSON-array stream"
    elements = text[1:-2].split("\n,\r\n")
    return ["[" + elements[0]] + ["\n,\r\n" + e for e in elements[1:]] + ["\n]"]


# ----------------------------------------------------------- substitutions
MODEL_RE = re.compile(r'("model"\s*:\s*")[^"]*(")')
MODEL_VERSION_RE = re.compile(r'("modelVersion"\s*:\s*")[^"]*(")')


def substitute_model(text: str, provider: str, model: str | None) -> str:
    if not model:
        return text
    esc = json.dumps(model)[1:-1]
    rx = MODEL_VERSION_RE if provider == "gemini" else MODEL_RE
    return rx.sub(lambda m: m.group(1) + esc + m.group(2), text)


def parse_usage_header(value: str | None) -> dict[str, int]:
    out: dict[str, int] = {}
    if not value:
        return out
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        k, _, v = item.partition("=")
        out[k.strip()] = int(v.strip())
    return out


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def apply_usage(obj, overrides: dict[str, int]) -> bool:
    """Sets every integer field whose name is in overrides, recursively.
    Recomputes totals in each changed dict unless the total was given.
    Returns True if anything changed."""
    changed = False
    if isinstance(obj, list):
        for item in obj:
            changed |= apply_usage(item, overrides)
        return changed
    if not isinstance(obj, dict):
        return False
    local = False
    for k in list(obj.keys()):
        v = obj[k]
        if k in overrides and _is_int(v):
            if v != overrides[k]:
                obj[k] = overrides[k]
                changed = local = True
        elif isinstance(v, (dict, list)):
            if apply_usage(v, overrides):
                changed = True
                local = True  # details changed; totals in this dict may depend on them
    if local:
        _recompute_totals(obj, overrides)
    return changed


def _recompute_totals(d: dict, overrides: dict[str, int]) -> None:
    def g(key):
        v = d.get(key, 0)
        return v if _is_int(v) else 0

    if "total_tokens" in d and "total_tokens" not in overrides:
        if "prompt_tokens" in d:  # OpenAI chat / embeddings
            d["total_tokens"] = g("prompt_tokens") + g("completion_tokens")
        elif "input_tokens" in d and "output_tokens" in d:  # OpenAI Responses
            d["total_tokens"] = g("input_tokens") + g("output_tokens")
    if "totalTokenCount" in d and "totalTokenCount" not in overrides:  # Gemini
        d["totalTokenCount"] = (g("promptTokenCount") + g("candidatesTokenCount")
                                + g("thoughtsTokenCount") + g("toolUsePromptTokenCount"))
    # Keep single-modality Gemini detail arrays consistent with the counts.
    for count_key, details_key in (("promptTokenCount", "promptTokensDetails"),
                                   ("cachedContentTokenCount", "cacheTokensDetails")):
        det = d.get(details_key)
        if count_key in overrides and isinstance(det, list) and len(det) == 1 and isinstance(det[0], dict):
            det[0]["tokenCount"] = d.get(count_key)


def _dump_like(original: str, obj) -> str:
    """Re-serialises obj in the spelling of the original JSON text."""
    stripped = original.lstrip()
    m = re.match(r"[\[{]\n( +)\S", stripped)
    if m:
        out = json.dumps(obj, indent=len(m.group(1)))
    elif (k := re.match(r'[\[{]\s*"(?:[^"\\]|\\.)*":( ?)', stripped)) and k.group(1) == " ":
        out = json.dumps(obj, separators=(",", ": "))
    else:
        out = json.dumps(obj, separators=(",", ":"))
    lead = original[: len(original) - len(stripped)]
    trail = original[len(original.rstrip()):]
    return lead + out + trail


def override_json_text(text: str, overrides: dict[str, int]) -> str:
    if not overrides:
        return text
    try:
        obj = json.loads(text)
    except ValueError:
        return text
    if not apply_usage(obj, overrides):
        return text
    return _dump_like(text, obj)


def override_sse_block(block: str, overrides: dict[str, int]) -> str:
    if not overrides:
        return block
    m = re.match(r"(?s)(.*?^data: )(.*?)(\r?\n\r?\n)$", block, re.M)
    if not m:
        return block
    head, data, tail = m.groups()
    if data.strip() == "[DONE]":
        return block
    return head + override_json_text(data, overrides) + tail


def override_array_piece(piece: str, overrides: dict[str, int]) -> str:
    if not overrides:
        return piece
    m = re.match(r"(?s)^(\[|\n,\r\n)(\{.*\})$", piece)
    if not m:
        return piece
    return m.group(1) + override_json_text(m.group(2), overrides)


def embeddings_as_base64(text: str) -> str:
    """What the API returns for encoding_format=base64 (the openai SDK's default):
    each embedding as base64 of little-endian float32 values."""
    obj = json.loads(text)
    for item in obj.get("data", []):
        vec = item.get("embedding")
        if isinstance(vec, list):
            item["embedding"] = base64.b64encode(struct.pack("<%df" % len(vec), *vec)).decode()
    return _dump_like(text, obj)


# -------------------------------------------------------------- the server
class FakeUpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr):
        super().__init__(addr, Handler)
        self.lock = threading.Lock()
        self.recorded: list[dict] = []

    def record(self, entry: dict) -> None:
        with self.lock:
            self.recorded.append(entry)

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.recorded)

    def clear(self) -> None:
        with self.lock:
            self.recorded.clear()


class AbortResponse(Exception):
    """Raised to end a response by closing the connection abruptly."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-upstream/1"
    sys_version = ""

    def version_string(self):
        return self.server_version

    # quiet
    def log_message(self, fmt, *args):  # noqa: D401
        pass

    def handle(self):
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError, TimeoutError):
            pass

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    # ---------------------------------------------------------------- verbs
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PUT(self):
        self._dispatch("PUT")

    # --------------------------------------------------------------- helpers
    def _read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            data = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # trailers until blank line
                    while True:
                        t = self.rfile.readline(65537)
                        if t in (b"\r\n", b"\n", b""):
                            break
                    break
                data += self.rfile.read(size)
                self.rfile.readline(65537)  # CRLF after chunk
            return bytes(data)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _lower_headers(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for k, v in self.headers.items():
            lk = k.lower()
            out[lk] = out[lk] + ", " + v if lk in out else v
        return out

    def _hdr(self, name: str) -> str | None:
        return self.headers.get(name)

    def _int_hdr(self, name: str, default: int = 0) -> int:
        v = self._hdr(name)
        try:
            return int(v) if v not in (None, "") else default
        except ValueError:
            return default

    def _accepts_gzip(self) -> bool:
        ae = self._hdr("Accept-Encoding") or ""
        for part in ae.split(","):
            token, _, params = part.strip().partition(";")
            token = token.strip().lower()
            if token in ("gzip", "x-gzip", "*"):
                q = 1.0
                for p in params.split(";"):
                    p = p.strip()
                    if p.startswith("q="):
                        try:
                            q = float(p[2:])
                        except ValueError:
                            q = 0.0
                if q > 0:
                    return True
        return False

    # ------------------------------------------------------------- dispatch
    def _dispatch(self, method: str) -> None:
        try:
            self._dispatch_inner(method)
        except (BrokenPipeError, ConnectionResetError, AbortResponse):
            self.close_connection = True

    def _dispatch_inner(self, method: str) -> None:
        body = self._read_body()
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query)

        if path.startswith("/_fake/"):
            self._control(method, path)
            return

        text = body.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = None
        self.server.record({
            "method": method,
            "path": self.path,
            "headers": self._lower_headers(),
            "raw_headers": [[k, v] for k, v in self.headers.items()],
            "body": text,
            "json": parsed,
            "time": time.time(),
        })

        slow = self._int_hdr("X-Fake-Slow-Ms")
        if slow > 0:
            time.sleep(slow / 1000.0)

        req = parsed if isinstance(parsed, dict) else {}
        route = self._route(method, path, query, req)
        if route is None:
            self._send_error_status(self._provider_for_path(path), 404,
                                    message=f"Unknown request URL: {method} {path}")
            return
        provider, kind = route[0], route[1]

        auth_error = self._check_auth(provider, query)
        if auth_error is not None:
            status, fixture = auth_error
            self._send_fixture_error(provider, status, fixture)
            return

        status = self._int_hdr("X-Fake-Status")
        if status >= 400:
            self._send_error_status(provider, status)
            return

        # Per-model behaviour, for fallback and latency routing tests:
        #   X-Fake-Fail-Models: model=status,...   (status "reset" closes the connection unanswered)
        #   X-Fake-Slow-Models: model=ms,...
        model = self._requested_model(path, req)
        slow_models = self._model_map("X-Fake-Slow-Models")
        if model in slow_models:
            time.sleep(int(slow_models[model]) / 1000.0)
        fail_models = self._model_map("X-Fake-Fail-Models")
        if model in fail_models:
            if fail_models[model] == "reset":
                self._abort()
                return
            self._send_error_status(provider, int(fail_models[model]))
            return

        self._serve(provider, kind, route[2], req)

    def _requested_model(self, path: str, req: dict) -> str:
        m = GEMINI_PATH.match(path)
        if m:
            return m.group(2) if m.lastindex and m.lastindex >= 2 else ""
        return str(req.get("model") or "")

    def _model_map(self, header: str) -> dict:
        pairs = {}
        for part in (self._hdr(header) or "").split(","):
            if "=" in part:
                key, value = part.split("=", 1)
                pairs[key.strip()] = value.strip()
        return pairs

    def _provider_for_path(self, path: str) -> str:
        if path.startswith("/v1/messages"):
            return "anthropic"
        if GEMINI_PATH.match(path) or path.startswith("/v1beta/"):
            return "gemini"
        return "openai"

    def _route(self, method, path, query, req):
        """Returns (provider, kind, info) or None."""
        stream = req.get("stream") is True
        if method == "POST" and path == "/v1/chat/completions":
            if stream:
                inc = (req.get("stream_options") or {}).get("include_usage") is True
                return ("openai", "sse", "openai-chat-stream-include-usage.sse" if inc else "openai-chat-stream.sse")
            return ("openai", "json", "openai-chat.json")
        if method == "POST" and path == "/v1/responses":
            return ("openai", "sse", "openai-responses-stream.sse") if stream else ("openai", "json", "openai-responses.json")
        if method == "POST" and path == "/v1/embeddings":
            return ("openai", "json", "openai-embeddings.json")
        if method == "GET" and path == "/v1/models":
            return ("openai", "json", "openai-models.json")
        if method == "POST" and path == "/v1/messages":
            if stream:
                thinking = isinstance(req.get("thinking"), dict) and req["thinking"].get("type") == "enabled"
                return ("anthropic", "sse",
                        "anthropic-messages-thinking-stream.sse" if thinking else "anthropic-messages-stream.sse")
            return ("anthropic", "json", "anthropic-messages.json")
        m = GEMINI_PATH.match(path)
        if method == "POST" and m:
            if m.group(3) == "generateContent":
                return ("gemini", "json", "gemini-generate-content.json")
            if "sse" in query.get("alt", []):
                return ("gemini", "sse", "gemini-stream-generate-content.sse")
            return ("gemini", "array", "gemini-stream-generate-content.json")
        return None

    def _check_auth(self, provider: str, query):
        if provider == "openai":
            auth = self._hdr("Authorization") or ""
            if not re.match(r"(?i)^bearer\s+\S+", auth):
                return (401, "openai-error-401.json")
        elif provider == "anthropic":
            # The API takes the key as x-api-key; current SDKs (anthropic-python 2.x)
            # send it as Authorization: Bearer instead, which the API also accepts.
            bearer = re.match(r"(?i)^bearer\s+\S+", self._hdr("Authorization") or "")
            if not (self._hdr("x-api-key") or "").strip() and not bearer:
                return (401, "anthropic-error-401.json")
            if not (self._hdr("anthropic-version") or "").strip():
                return (400, "anthropic-error-400-version.json")
        elif provider == "gemini":
            if not (self._hdr("x-goog-api-key") or "").strip() and not any(query.get("key", [])):
                return (403, "gemini-error-403.json")
        return None

    # -------------------------------------------------------------- control
    def _control(self, method: str, path: str) -> None:
        if path == "/_fake/requests" and method == "GET":
            self._send_plain(200, json.dumps(self.server.snapshot()).encode(), "application/json")
        elif path == "/_fake/requests" and method == "DELETE":
            self.server.clear()
            self._send_plain(200, b'{"cleared":true}', "application/json")
        elif path == "/_fake/health":
            self._send_plain(200, b'{"ok":true}', "application/json")
        else:
            self._send_plain(404, b'{"error":"unknown control endpoint"}', "application/json")

    def _send_plain(self, status: int, data: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # --------------------------------------------------------------- errors
    def _error_body(self, provider: str, status: int, message: str | None = None) -> str:
        name = ERROR_FIXTURES[provider].get(status)
        if name and message is None:
            return load_fixture(name)
        if provider == "openai":
            typ = OPENAI_ERROR_TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
            msg = message or f"Fake upstream error with status {status}."
            return json.dumps({"error": {"message": msg, "type": typ, "param": None, "code": None}}, indent=4) + "\n"
        if provider == "anthropic":
            typ = ANTHROPIC_ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")
            msg = message or f"Fake upstream error with status {status}."
            return json.dumps({"type": "error", "error": {"type": typ, "message": msg},
                               "request_id": "req_011CTfakeUpstream000000"}, separators=(",", ":"))
        st = GOOGLE_STATUSES.get(status, "INTERNAL" if status >= 500 else "INVALID_ARGUMENT")
        msg = message or f"Fake upstream error with status {status}."
        return json.dumps({"error": {"code": status, "message": msg, "status": st}}, indent=2) + "\n"

    def _error_headers(self, provider: str, status: int) -> dict:
        h = {}
        if status == 429:
            h["Retry-After"] = "2"
        if provider == "anthropic":
            h["request-id"] = "req_011CTfakeUpstream000000"
            if status in (429, 529):
                h["x-should-retry"] = "true"
        elif provider == "openai":
            h["x-request-id"] = "req_7c1f0e9a3b2d4c5e8f6a1b0c9d8e7f6a"
        return h

    def _send_error_status(self, provider: str, status: int, message: str | None = None) -> None:
        body = self._error_body(provider, status, message).encode()
        self._send_body(status, body, CONTENT_TYPES[(provider, "json")], self._error_headers(provider, status))

    def _send_fixture_error(self, provider: str, status: int, fixture: str) -> None:
        body = load_fixture(fixture).encode()
        self._send_body(status, body, CONTENT_TYPES[(provider, "json")], self._error_headers(provider, status))

    # ---------------------------------------------------------------- serve
    def _serve(self, provider: str, kind: str, fixture: str, req: dict) -> None:
        override_name = self._hdr("X-Fake-Fixture")
        if override_name:
            fixture = override_name.strip()
            if fixture.endswith(".sse"):
                kind = "sse"
            elif kind == "array" and fixture.endswith(".json") and "stream" not in fixture:
                kind = "json"
        try:
            text = load_fixture(fixture)
        except FileNotFoundError:
            self._send_plain(500, json.dumps({"fake_upstream_error": f"no fixture {fixture}"}).encode(),
                             "application/json")
            return

        if provider == "gemini":
            m = GEMINI_PATH.match(urlsplit(self.path).path)
            model = m.group(2) if m else None
        else:
            model = req.get("model") if isinstance(req.get("model"), str) else None
        served = (self._hdr("X-Fake-Model") or "").strip()
        if served != "fixture":
            text = substitute_model(text, provider, served or model)
        overrides = parse_usage_header(self._hdr("X-Fake-Usage"))

        extra = {}
        if provider == "openai":
            extra["x-request-id"] = "req_3f9a1c7e5b2d48a6b0e4c2d1f8a7b6c5"
            extra["openai-processing-ms"] = "412"
        elif provider == "anthropic":
            extra["request-id"] = "req_011CTq3vN8bY5kR2wM7xP4sJ"

        if kind == "json" and fixture == "openai-embeddings.json" and req.get("encoding_format") == "base64":
            text = embeddings_as_base64(text)
        if kind == "json":
            body = override_json_text(text, overrides).encode()
            self._send_body(200, body, CONTENT_TYPES[(provider, "json")], extra)
            return
        if kind == "sse":
            events = [override_sse_block(b, overrides) for b in split_sse(text)]
            extra["Cache-Control"] = "no-cache"
        else:  # Google JSON array
            events = [override_array_piece(p, overrides) for p in split_json_array(text)]
        self._send_stream(200, [e.encode() for e in events], CONTENT_TYPES[(provider, kind)], extra)

    def _want_gzip(self) -> bool:
        return (self._hdr("X-Fake-Gzip") or "").strip() in ("1", "true", "yes") and self._accepts_gzip()

    def _send_body(self, status: int, body: bytes, ctype: str, extra: dict) -> None:
        reset_after = self._hdr("X-Fake-Reset-After")
        gz = self._want_gzip()
        if gz:
            body = gzip.compress(body)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra.items():
            self.send_header(k, v)
        if gz:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if reset_after not in (None, ""):
            n = max(0, int(reset_after))
            self.wfile.write(body[:n])
            self._abort()
            return
        self.wfile.write(body)

    def _send_stream(self, status: int, events: list[bytes], ctype: str, extra: dict) -> None:
        delay = self._int_hdr("X-Fake-Delay-Ms") / 1000.0
        reset_after = self._hdr("X-Fake-Reset-After")
        limit = max(0, int(reset_after)) if reset_after not in (None, "") else None
        gz = self._want_gzip()
        comp = zlib.compressobj(6, zlib.DEFLATED, 31) if gz else None

        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra.items():
            self.send_header(k, v)
        if gz:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

        piece = self._int_hdr("X-Fake-Chunk-Bytes")
        if piece > 0 and limit is None:
            data = b"".join(events)
            if comp:
                data = comp.compress(data) + comp.flush(zlib.Z_FINISH)
            for i in range(0, len(data), piece):
                if i > 0 and delay > 0:
                    time.sleep(delay)
                self._write_chunk(data[i:i + piece])
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return

        for i, ev in enumerate(events):
            if limit is not None and i >= limit:
                self._abort()
                return
            if i > 0 and delay > 0:
                time.sleep(delay)
            data = comp.compress(ev) + comp.flush(zlib.Z_SYNC_FLUSH) if comp else ev
            self._write_chunk(data)
        if limit is not None and limit >= len(events):
            # asked to reset after at least as many events as there are: still no terminator
            if comp:
                self._write_chunk(comp.flush(zlib.Z_FINISH))
            self._abort()
            return
        if comp:
            tail = comp.flush(zlib.Z_FINISH)
            if tail:
                self._write_chunk(tail)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        if not data:
            return
        self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
        self.wfile.flush()

    def _abort(self) -> None:
        """Closes the connection without finishing the response."""
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise AbortResponse()


# ----------------------------------------------------------------- lifecycle
def start(host: str = "127.0.0.1", port: int = 0):
    """Starts the server on a background thread; returns (server, port)."""
    server = FakeUpstreamServer((host, port))
    thread = threading.Thread(target=server.serve_forever, name="fake-upstream", daemon=True)
    thread.start()
    server.thread = thread  # type: ignore[attr-defined]
    return server, server.server_address[1]


def stop(server) -> None:
    server.shutdown()
    server.server_close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args(argv)
    server = FakeUpstreamServer((args.host, args.port))
    done = threading.Event()

    def _term(*_):
        done.set()

    signal.signal(signal.SIGTERM, _term)
    signal.signal(signal.SIGINT, _term)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    print(f"LISTENING {server.server_address[1]}", flush=True)
    done.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
