"""Transport: compressed upstream responses, and streams relayed chunk by chunk.

* Upstream gzip (X-Fake-Gzip with Accept-Encoding: gzip), non-stream and stream, OpenAI and
  Anthropic: the client (SDK and raw HTTP) still decodes the body to the same content, and the
  usage/cost are recorded exactly.
* With X-Fake-Delay-Ms between events, the first event reaches the client long before the stream
  ends: TokenLens does not buffer streams.
"""
from __future__ import annotations

import json
import socket
import struct
import time
import zlib

import pytest

from conftest import (ANTHROPIC_AUTH, ANTHROPIC_KEY, GOOGLE_AUTH, OPENAI_AUTH, OPENAI_KEY, assert_record, dechunk,
                      http_request, raw_post_bytes, read_until_closed, split_head, tag_headers)

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")

MSGS = [{"role": "user", "content": "x"}]
GZ = {"X-Fake-Gzip": "1", "Accept-Encoding": "gzip"}

CHAT = dict(endpoint="chat.completions", stream=False, outcome="ok", status_code=200, input_tokens=307,
            output_tokens=587, cache_read_tokens=1536, reasoning_tokens=448, cost_usd=0.00128915)
CHAT_STREAM = dict(endpoint="chat.completions", stream=True, outcome="ok", status_code=200, input_tokens=294,
                   output_tokens=8, cache_read_tokens=1920, cost_usd=0.0003224)
MESSAGES = dict(endpoint="messages", stream=False, outcome="ok", status_code=200, input_tokens=412,
                output_tokens=297, cache_read_tokens=18944, cache_write_tokens=5210, cache_write_1h_tokens=2138,
                cost_usd=0.0357222)
MESSAGES_STREAM = dict(endpoint="messages", stream=True, outcome="ok", status_code=200, input_tokens=329,
                       output_tokens=58, cache_read_tokens=9216, cache_write_tokens=1584, cache_write_1h_tokens=560,
                       cost_usd=0.0118218)

GZIP_CASES = {
    "openai-chat": ("openai", "/v1/chat/completions", {"model": "gpt-5-mini", "messages": MSGS}, CHAT),
    "openai-chat-stream": ("openai", "/v1/chat/completions",
                           {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True}, CHAT_STREAM),
    "openai-chat-stream-include-usage": ("openai", "/v1/chat/completions",
                                         {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True,
                                          "stream_options": {"include_usage": True}}, CHAT_STREAM),
    "anthropic-messages": ("anthropic", "/v1/messages",
                           {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS}, MESSAGES),
    "anthropic-messages-stream": ("anthropic", "/v1/messages",
                                  {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True},
                                  MESSAGES_STREAM),
}
AUTH = {"openai": OPENAI_AUTH, "anthropic": ANTHROPIC_AUTH}


def decoded(headers, body: bytes) -> bytes:
    enc = headers.get("content-encoding", "identity").lower()
    if enc in ("gzip", "x-gzip"):
        return zlib.decompress(body, 31)
    assert enc == "identity", enc
    return body


@pytest.mark.parametrize("case", list(GZIP_CASES))
def test_gzip_upstream_raw(fake, daemon, tag, case):
    provider, path, body, expected = GZIP_CASES[case]
    # what the client must end up with: the identity body of the same request
    _, _, plain = http_request(fake.port, "POST", path, body, AUTH[provider])
    s, h, b = daemon.request("POST", f"/proxy/{provider}{path}", body, {**AUTH[provider], **tag_headers(tag), **GZ})
    assert s == 200
    assert decoded(h, b) == plain
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1
    if case != "openai-chat-stream":
        # the compressed path is really exercised: the upstream was allowed to gzip. (A chat stream
        # whose stream_options TokenLens rewrites may be fetched uncompressed.)
        assert "gzip" in sent[0]["headers"].get("accept-encoding", "")
    rec = daemon.wait_tag(tag)
    assert_record(rec, provider=provider, **expected)


def test_gzip_upstream_openai_sdk(fake, daemon, tag):
    c = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0,
                      default_headers={**tag_headers(tag), "X-Fake-Gzip": "1"})
    r = c.chat.completions.create(model="gpt-5-mini", messages=MSGS)
    assert r.usage.prompt_tokens == 1843 and r.choices[0].message.content.startswith("Prompt caching")
    chunks = list(c.chat.completions.create(model="gpt-4.1-mini", messages=MSGS, stream=True))
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == "The capital of France is Paris."
    # the upstream was really allowed to send gzip (at least for the call TokenLens does not rewrite)
    sent = fake.requests_tagged(tag)
    assert len(sent) == 2 and "gzip" in sent[0]["headers"].get("accept-encoding", "")
    recs = daemon.wait_tag(tag, count=2)
    by_stream = {r["stream"]: r for r in recs}
    assert_record(by_stream[False], **CHAT)
    assert_record(by_stream[True], **CHAT_STREAM)


def test_gzip_upstream_anthropic_sdk(fake, daemon, tag):
    c = anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=daemon.proxy("anthropic"), max_retries=0,
                            default_headers={**tag_headers(tag), "X-Fake-Gzip": "1"})
    m = c.messages.create(model="claude-sonnet-4-5", max_tokens=64, messages=MSGS)
    assert m.usage.cache_read_input_tokens == 18944
    with c.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=MSGS) as s:
        final = s.get_final_message()
    assert final.usage.output_tokens == 58 and final.content[0].text.startswith("The three largest")
    recs = daemon.wait_tag(tag, count=2)
    by_stream = {r["stream"]: r for r in recs}
    assert_record(by_stream[False], **MESSAGES)
    assert_record(by_stream[True], **MESSAGES_STREAM)


# ============================================================ chunk-by-chunk relay
def timed_stream(port, path, body, headers, timeout=10.0):
    """Sends a request on a raw socket; returns (raw response bytes, [(t, bytes)] per recv,
    start time)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    t0 = time.monotonic()
    s.sendall(raw_post_bytes(path, json.dumps(body).encode(), headers))
    arrivals = []
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            arrivals.append((time.monotonic() - t0, d))
    finally:
        s.close()
    return b"".join(d for _, d in arrivals), arrivals, t0


def first_arrival_with(arrivals, needle: bytes, skip_head=True):
    acc = b""
    for t, d in arrivals:
        acc += d
        body = acc.partition(b"\r\n\r\n")[2] if skip_head else acc
        if needle in body:
            return t
    return None


STREAM_CASES = {
    # name: (path, body, headers, marker of the first event, delay ms, events)
    "openai-chat": ("/proxy/openai/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True},
                    OPENAI_AUTH, b"data: {", 200, 10),
    "anthropic-messages": ("/proxy/anthropic/v1/messages",
                           {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True},
                           ANTHROPIC_AUTH, b"event: message_start", 100, 12),
    "gemini-json-array": ("/proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                          {"contents": []}, GOOGLE_AUTH, b"[{", 200, 5),
}


@pytest.mark.parametrize("case", list(STREAM_CASES))
def test_stream_relayed_chunk_by_chunk(fake, daemon, tag, case):
    path, body, auth, marker, delay, events = STREAM_CASES[case]
    raw, arrivals, _ = timed_stream(daemon.port, path, body,
                                    {**auth, **tag_headers(tag), "X-Fake-Delay-Ms": str(delay)})
    total = arrivals[-1][0]
    first = first_arrival_with(arrivals, marker)
    assert split_head(raw)[0] == 200
    assert first is not None and first < 0.15, f"first event after {first:.3f} s"
    assert total > (events - 1) * delay / 1000 * 0.9, f"stream took {total:.3f} s"
    # the events arrived spread over the stream, not in one burst at the end
    times = [t for t, _ in arrivals]
    assert len(times) >= events // 2
    assert sum(1 for t in times if t < total / 2) >= 2
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "ok" and rec["stream"] is True
    assert rec["ttft_ms"] < 150 and rec["latency_ms"] > (events - 1) * delay * 0.9


def test_gzip_stream_relayed_chunk_by_chunk(fake, daemon, tag):
    """A compressed upstream stream is not buffered either (the upstream flushes per event)."""
    raw, arrivals, _ = timed_stream(
        daemon.port, "/proxy/anthropic/v1/messages",
        {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True},
        {**ANTHROPIC_AUTH, **tag_headers(tag), **GZ, "X-Fake-Delay-Ms": "100"})
    total = arrivals[-1][0]
    status, headers, _ = split_head(raw)
    assert status == 200
    head_len = raw.index(b"\r\n\r\n") + 4
    body_times, seen = [], 0
    for t, d in arrivals:
        seen += len(d)
        if seen > head_len:
            body_times.append(t)
    assert total > 1.0
    assert body_times[0] < 0.15, f"first body bytes after {body_times[0]:.3f} s"
    assert sum(1 for t in body_times if t < total / 2) >= 2, "the compressed stream was buffered"
    # and the body decodes to the plain stream
    chunks, terminated = dechunk(raw[head_len:])
    assert terminated
    text = zlib.decompress(b"".join(chunks), 31) if headers.get("content-encoding") == "gzip" else b"".join(chunks)
    assert text.startswith(b"event: message_start") and text.endswith(b'{"type":"message_stop"}\n\n')
    rec = daemon.wait_tag(tag)
    assert_record(rec, **MESSAGES_STREAM)


# ============================================================ events split across reads
SPLIT_CASES = {
    # name: (path through the proxy, body, auth, expected record)
    "openai-chat-usage-stripped": ("/proxy/openai/v1/chat/completions",
                                   {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True}, OPENAI_AUTH,
                                   CHAT_STREAM),
    "openai-chat-include-usage": ("/proxy/openai/v1/chat/completions",
                                  {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True,
                                   "stream_options": {"include_usage": True}}, OPENAI_AUTH, CHAT_STREAM),
    "openai-responses": ("/proxy/openai/v1/responses", {"model": "gpt-5", "input": "x", "stream": True},
                         OPENAI_AUTH, dict(endpoint="responses", stream=True, outcome="ok", input_tokens=769,
                                           output_tokens=371, cache_read_tokens=1792, reasoning_tokens=256,
                                           cost_usd=0.00489525)),
    "anthropic": ("/proxy/anthropic/v1/messages",
                  {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True},
                  ANTHROPIC_AUTH, MESSAGES_STREAM),
    "gemini-sse": ("/proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", {"contents": []},
                   GOOGLE_AUTH, dict(endpoint="streamGenerateContent", stream=True, outcome="ok", input_tokens=219,
                                     output_tokens=690, cache_read_tokens=512, reasoning_tokens=602,
                                     cost_usd=0.00180606)),
    "gemini-json-array": ("/proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent", {"contents": []},
                          GOOGLE_AUTH, dict(endpoint="streamGenerateContent", stream=True, outcome="ok",
                                            input_tokens=219, output_tokens=690, cache_read_tokens=512,
                                            reasoning_tokens=602, cost_usd=0.00180606)),
}


@pytest.mark.parametrize("piece", [23, 1])
@pytest.mark.parametrize("case", list(SPLIT_CASES))
def test_stream_events_split_across_chunks(fake, daemon, tag, case, piece):
    """The upstream writes the stream in small pieces that cut events (and UTF-8, CRLF) apart: the
    client still gets the same bytes, and the usage is still parsed exactly."""
    path, body, auth, expected = SPLIT_CASES[case]
    upstream_path = "/" + path.split("/", 3)[3]  # /proxy/{provider}/REST -> /REST
    _, _, whole = http_request(daemon.port, "POST", path, body, auth)  # the same call, one event per chunk
    s, h, b = daemon.request("POST", path, body, {**auth, **tag_headers(tag), "X-Fake-Chunk-Bytes": str(piece)})
    assert s == 200
    assert b == whole
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1 and sent[0]["path"] == upstream_path
    assert_record(daemon.wait_tag(tag), **expected)


# ------------------------------------------------------------------ TLS to the provider
@pytest.fixture(scope="module")
def tls_upstream(tmp_path_factory):
    """The fake provider behind TLS, with a certificate for localhost that no system trusts."""
    import ssl
    import subprocess
    import threading

    import fake_upstream
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
                   check=True, capture_output=True)
    server = fake_upstream.FakeUpstreamServer(("127.0.0.1", 0))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://localhost:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def test_tls_upstream_stream_and_json(tls_upstream, make_daemon, tag):
    """TokenLens reaches an https:// provider, verifying its certificate (here trusted through
    SSL_CERT_FILE), over pooled connections, for plain and streamed answers."""
    base, cert = tls_upstream
    d = make_daemon({"openai": base}, env={"SSL_CERT_FILE": str(cert)})
    c = openai.OpenAI(api_key=OPENAI_KEY, base_url=d.proxy("openai"), max_retries=0, default_headers=tag_headers(tag))
    for _ in range(3):
        r = c.chat.completions.create(model="gpt-5-mini", messages=MSGS)
        assert r.usage.prompt_tokens == 1843
    chunks = list(c.chat.completions.create(model="gpt-4.1-mini", messages=MSGS, stream=True))
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == "The capital of France is Paris."
    recs = d.wait_tag(tag, count=4)
    assert_record([r for r in recs if r["stream"]][0], provider="openai", **CHAT_STREAM)
    for rec in [r for r in recs if not r["stream"]]:
        assert_record(rec, provider="openai", **CHAT)


def test_tls_upstream_with_an_untrusted_certificate_is_refused(tls_upstream, make_daemon, tag):
    base, _ = tls_upstream
    d = make_daemon({"openai": base}, env={"SSL_CERT_FILE": ""})
    c = openai.OpenAI(api_key=OPENAI_KEY, base_url=d.proxy("openai"), max_retries=0, default_headers=tag_headers(tag))
    with pytest.raises(openai.APIStatusError) as raised:
        c.chat.completions.create(model="gpt-5-mini", messages=MSGS)
    assert raised.value.status_code == 502
    assert "certificate" in raised.value.message.lower() or "handshake" in raised.value.message.lower()
    rec = d.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["status_code"] == 502


# ------------------------------------------------------------------ one connection, many requests
def test_pipelined_requests_are_answered_in_order(fake, daemon, tag):
    """Requests sent back to back on one connection, proxied and API ones mixed, come back in
    the order they were sent."""
    body = json.dumps({"model": "gpt-5-mini", "messages": MSGS}).encode()
    proxied = raw_post_bytes("/proxy/openai/v1/chat/completions", body,
                             {**OPENAI_AUTH, **tag_headers(tag), "Connection": "keep-alive"})
    status = b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    closing = b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=10)
    s.sendall(proxied + status + proxied + closing)
    data = read_until_closed(s)
    heads = [part.split(b"\r\n", 1)[0] for part in data.split(b"HTTP/1.1 ")[1:]]
    assert len(heads) == 4, data[:2000]
    order = [b"x-tokenlens-request-id" in part.lower() for part in data.split(b"HTTP/1.1 ")[1:]]
    assert order == [True, False, True, False]
    assert all(h.startswith(b"200") for h in heads), heads
    assert len(daemon.wait_tag(tag, count=2)) == 2


def test_thousands_of_pipelined_requests_answered_at_once(daemon):
    """Requests TokenLens answers itself (an unknown provider) sent back to back in one write:
    each gets its answer, in order, and the connection stays up."""
    count = 5000
    one = b"GET /proxy/nosuchprovider/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    last = b"GET /proxy/nosuchprovider/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
    s.sendall(one * (count - 1) + last)
    data = read_until_closed(s)
    assert data.count(b"HTTP/1.1 404 ") == count, data[-500:]
    assert http_request(daemon.port, "GET", "/api/status")[0] == 200


def send_in_pieces(port, request: bytes) -> bytes:
    """Writes a request 64 KiB at a time with short pauses (many socket reads on the other
    side), then reads the answer until the connection closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    for start in range(0, len(request), 65_536):
        s.sendall(request[start:start + 65_536])
        time.sleep(0.002)
    return read_until_closed(s)


LONG_CONTENT = "".join(f"line {i:07d} of a long agent transcript\n" for i in range(50_000))
LONG_BODY = json.dumps({"model": "gpt-5-mini", "messages": [{"role": "user", "content": LONG_CONTENT}]}).encode()


def test_a_large_body_arriving_in_pieces_is_forwarded_whole(fake, make_daemon, tag):
    """A 2 MB request arriving in many reads reaches the provider byte for byte."""
    d = make_daemon({"openai": fake.base}, max_body_bytes=8 << 20)
    request = raw_post_bytes("/proxy/openai/v1/chat/completions", LONG_BODY, {**OPENAI_AUTH, **tag_headers(tag)})
    status, _, _ = split_head(send_in_pieces(d.port, request))
    assert status == 200
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1 and sent[0]["json"]["messages"][0]["content"] == LONG_CONTENT
    assert sent[0]["headers"]["content-length"] == str(len(LONG_BODY))


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_refused_large_body_is_read_past_so_the_refusal_arrives(fake, daemon, tag, framing):
    """Over the limit (64 KiB here) and still being sent: the client gets the 413, not a reset
    of a connection closed under its feet, and nothing reaches the provider."""
    headers = {**OPENAI_AUTH, **tag_headers(tag)}
    if framing == "length":
        request = raw_post_bytes("/proxy/openai/v1/chat/completions", LONG_BODY, headers)
    else:
        head = raw_post_bytes("/proxy/openai/v1/chat/completions", b"", {**headers, "Transfer-Encoding": "chunked"})
        head = head.replace(b"Content-Length: 0\r\n", b"")
        request = head + b"".join(b"%x\r\n%s\r\n" % (len(LONG_BODY[i:i + 10_000]), LONG_BODY[i:i + 10_000])
                                  for i in range(0, len(LONG_BODY), 10_000)) + b"0\r\n\r\n"
    status, _, body = split_head(send_in_pieces(daemon.port, request))
    assert status == 413, body[:300]
    assert fake.requests_tagged(tag) == []
    assert daemon.wait_tag(tag)["status_code"] == 413


def test_expect_100_continue_is_answered_before_the_body(fake, daemon, tag):
    """A client that asks to be told to go on (curl does for large bodies) is told at once."""
    body = json.dumps({"model": "gpt-5-mini", "messages": [{"role": "user", "content": "x" * 4000}]}).encode()
    head = raw_post_bytes("/proxy/openai/v1/chat/completions", b"", {**OPENAI_AUTH, **tag_headers(tag),
                                                                     "Expect": "100-continue",
                                                                     "Content-Length": str(len(body))})
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
    s.sendall(head)
    interim = s.recv(65536)
    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
    s.sendall(body)
    status, _, _ = split_head(read_until_closed(s))
    assert status == 200
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1 and "expect" not in sent[0]["headers"]
    assert daemon.wait_tag(tag)["outcome"] == "ok"


# ------------------------------------------------------------------ how the provider frames its answer
RAW_CHAT = json.dumps({"id": "chatcmpl-raw", "object": "chat.completion", "model": "gpt-5-mini",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"},
                                    "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 21, "completion_tokens": 4, "total_tokens": 25}}).encode()


@pytest.fixture()
def raw_upstream():
    """A provider written on bare sockets, answering each request with what the test's X-Raw
    header names: framings nginx and Python's server never produce. Counts its connections."""
    import threading
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    connections = []

    def read_request(conn):
        data = b""
        while b"\r\n\r\n" not in data:
            piece = conn.recv(65536)
            if not piece:
                return None
            data += piece
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
        while len(body) < int(headers.get("content-length", "0")):
            body += conn.recv(65536)
        return lines[0].split()[0], headers

    def serve(conn):
        with conn:
            while (request := read_request(conn)) is not None:
                method, headers = request
                mode = headers.get("x-raw", "")
                if mode == "until-close":
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + RAW_CHAT[:30])
                    time.sleep(0.05)
                    conn.sendall(RAW_CHAT[30:])
                    return
                if mode == "malformed":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nBad Header Name: x\r\nContent-Length: 2\r\n\r\nok")
                    continue
                if mode == "interim":
                    conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n")
                if method == "HEAD":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 999\r\n\r\n")
                    continue
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                             + b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (RAW_CHAT[:7], RAW_CHAT[7:]))
                             + b"0\r\nX-Checksum: none\r\n\r\n")

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            connections.append(conn)
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    listener.close()


def test_provider_framings_are_relayed_and_recorded(raw_upstream, make_daemon, tag):
    """A body that ends with the connection, a chunked body with trailers after an interim
    1xx, and an answer to HEAD (a length, no body) all reach the client whole and are recorded
    with their usage; a malformed answer is a 502 that is recorded, and the daemon serves on."""
    base, connections = raw_upstream
    d = make_daemon({"openai": base})
    body = {"model": "gpt-5-mini", "messages": MSGS}
    path = "/proxy/openai/v1/chat/completions"
    for mode in ("until-close", "interim", "chunked"):
        status, headers, payload = http_request(d.port, "POST", path, body,
                                                 {**OPENAI_AUTH, **tag_headers(tag), "X-Raw": mode})
        assert status == 200, (mode, payload[:300])
        assert payload == RAW_CHAT, mode
    # HEAD: the length of a body that is not sent, then the same client connection goes on.
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    s.sendall(f"HEAD /proxy/openai/v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: {OPENAI_AUTH['Authorization']}\r\n"
              f"X-TokenLens-Tags: {tag_headers(tag)['X-TokenLens-Tags']}\r\n\r\n".encode()
              + raw_post_bytes(path, json.dumps(body).encode(), {**OPENAI_AUTH, **tag_headers(tag)}))
    data = read_until_closed(s)
    first, rest = data.split(b"\r\n\r\n", 1)
    assert first.startswith(b"HTTP/1.1 200") and b"content-length: 999" in first.lower(), data[:500]
    status, _, second = split_head(rest)
    pieces, complete = dechunk(second)
    assert status == 200 and complete and b"".join(pieces) == RAW_CHAT, rest[:500]
    status, _, payload = http_request(d.port, "POST", path, body, {**OPENAI_AUTH, **tag_headers(tag), "X-Raw": "malformed"})
    assert status == 502 and b"closed the connection" in payload, payload[:300]
    records = d.wait_tag(tag, count=6)
    ok = [r for r in records if r["endpoint"] == "chat.completions" and r["outcome"] == "ok"]
    assert len(ok) == 4
    for rec in ok:
        assert rec["input_tokens"] == 21 and rec["output_tokens"] == 4 and rec["priced"], rec
    failed = [r for r in records if r["outcome"] == "upstream_error"]
    assert len(failed) == 1 and failed[0]["status_code"] == 502
    assert "malformed response header" in (failed[0]["error"] or ""), failed[0]


def test_clients_dropping_proxy_connections_are_not_daemon_errors(fake, make_daemon, tag):
    """Clients that reset keep-alive connections which only carried proxied calls — idle, or
    with requests in flight whose answers they never read — are ordinary: the calls are
    recorded and the daemon logs no error for them."""
    d = make_daemon({"openai": fake.base})
    body = json.dumps({"model": "gpt-5-mini", "messages": MSGS}).encode()
    request = raw_post_bytes("/proxy/openai/v1/chat/completions", body, {**OPENAI_AUTH, **tag_headers(tag)})

    def reset(s):
        # SO_LINGER with a zero timeout: close() sends RST, as load generators and killed clients do.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()

    for _ in range(8):
        idle = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        idle.sendall(request)
        assert idle.recv(65536).startswith(b"HTTP/1.1 200")
        time.sleep(0.05)
        reset(idle)
        busy = socket.create_connection(("127.0.0.1", d.port), timeout=10)
        busy.sendall(request + request)
        reset(busy)
    time.sleep(0.5)
    assert len(d.wait_tag(tag, count=8)) >= 8
    assert http_request(d.port, "GET", "/api/status")[0] == 200
    errors = [line for line in d.stderr_text().splitlines() if " error " in line]
    assert errors == [], errors[:5]
