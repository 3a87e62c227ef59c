"""Bad input, upstream failures and client disconnects.

* Requests TokenLens refuses (unknown provider, malformed JSON, body over max_body_bytes) are
  answered in the provider's own error shape, recorded as ``blocked`` with ``blocked_by``, never
  reach the upstream, and the daemon keeps serving.
* Upstream down → 502 in the provider's shape, recorded ``upstream_error``.
* Upstream 4xx/5xx → passed through unchanged (status, body, Retry-After), recorded ``upstream_error``.
* Upstream reset mid-stream → the SDK raises, the call is recorded ``upstream_error`` with the
  tokens seen so far; a truncated non-stream body must not leave the client hanging.
* Client disconnect mid-stream → recorded ``client_cancelled``.
"""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from conftest import (ANTHROPIC_AUTH, ANTHROPIC_KEY, GOOGLE_AUTH, GOOGLE_KEY, OPENAI_AUTH, OPENAI_KEY, Daemon,
                      _secrets_in, assert_no_secrets_in_files, free_closed_port, http_request, raw_post_bytes, read_until_closed,
                      split_head, tag_headers)

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
genai = pytest.importorskip("google.genai")
from google.genai import errors as gerrors  # noqa: E402
from google.genai import types as gtypes  # noqa: E402

MSGS = [{"role": "user", "content": "x"}]
CALLS = {
    "openai": ("/v1/chat/completions", {"model": "gpt-5-mini", "messages": MSGS}, OPENAI_AUTH),
    "anthropic": ("/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": MSGS},
                  ANTHROPIC_AUTH),
    "google": ("/v1beta/models/gemini-2.5-pro:generateContent", {"contents": [{"parts": [{"text": "x"}]}]},
               GOOGLE_AUTH),
}
PROVIDERS = list(CALLS)


def assert_provider_error_shape(provider, status, body: bytes, message_contains=None):
    """The error body a client of that provider's SDK expects."""
    obj = json.loads(body)
    if provider == "openai":
        assert set(obj) == {"error"}, obj
        err = obj["error"]
        assert isinstance(err["message"], str) and err["message"]
        assert {"message", "type", "param", "code"} <= set(err), err
        msg = err["message"]
    elif provider == "anthropic":
        assert obj["type"] == "error", obj
        assert isinstance(obj["error"]["type"], str) and obj["error"]["type"]
        msg = obj["error"]["message"]
        assert isinstance(msg, str) and msg
    else:
        err = obj["error"]
        assert err["code"] == status, obj
        assert isinstance(err["status"], str) and err["status"].isupper()
        msg = err["message"]
        assert isinstance(msg, str) and msg
    if message_contains:
        assert message_contains.lower() in msg.lower(), msg
    return msg


def assert_still_serving(daemon, tag):
    path, body, auth = CALLS["openai"]
    s, _, b = daemon.request("POST", f"/proxy/openai{path}", body, {**auth, **tag_headers(tag)})
    assert s == 200 and json.loads(b)["usage"]["prompt_tokens"] == 1843


def post(daemon, provider, tag, body=None, extra=None, path=None):
    p, b, auth = CALLS[provider]
    return daemon.request("POST", f"/proxy/{provider}{path or p}", b if body is None else body,
                          {**auth, **tag_headers(tag), **(extra or {})})


# ============================================================ blocked by TokenLens
def test_unknown_provider_404(fake, daemon, tag):
    s, h, b = daemon.request("POST", "/proxy/mistral/v1/chat/completions", CALLS["openai"][1],
                             {**OPENAI_AUTH, **tag_headers(tag)})
    assert s == 404
    assert h["content-type"].startswith("application/json")
    assert h.get("x-tokenlens-request-id")
    assert_provider_error_shape("openai", 404, b, message_contains="mistral")
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "blocked" and rec["blocked_by"] and rec["status_code"] == 404
    assert rec["id"] == h["x-tokenlens-request-id"]
    assert fake.requests_tagged(tag) == []
    assert_still_serving(daemon, tag)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_malformed_json_400(fake, daemon, tag, provider):
    s, h, b = post(daemon, provider, tag, body=b'{"model": "gpt-5-mini", "messages": [', extra={
        "Content-Type": "application/json"})
    assert s == 400
    assert_provider_error_shape(provider, 400, b, message_contains="json")
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "blocked" and rec["blocked_by"] and rec["status_code"] == 400
    assert rec["provider"] == provider and rec["cost_usd"] in (0, None) and rec["input_tokens"] == 0
    assert fake.requests_tagged(tag) == []
    assert_still_serving(daemon, tag)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_oversized_body_413(fake, daemon, tag, provider):
    big = dict(CALLS[provider][1], padding="a" * 70_000)
    s, h, b = post(daemon, provider, tag, body=big)
    assert s == 413
    assert_provider_error_shape(provider, 413, b)
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "blocked" and rec["blocked_by"] and rec["status_code"] == 413
    assert rec["provider"] == provider
    assert fake.requests_tagged(tag) == []
    assert_still_serving(daemon, tag)


@pytest.mark.parametrize("body", [b"zz\r\n{}\r\n0\r\n\r\n", b"2\r\n{}XX0\r\n\r\n"], ids=["bad-size", "bad-end"])
def test_malformed_chunked_body_400(fake, daemon, tag, body):
    """A chunked upload whose framing is broken is answered 400 in the provider's shape and
    recorded; nothing reaches the provider and the daemon serves on."""
    head = ("POST /proxy/openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {OPENAI_KEY}\r\nX-TokenLens-Tags: t={tag}\r\nX-E2E-Tag: {tag}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=10)
    s.sendall(head + body)
    status, headers, rest = split_head(read_until_closed(s))
    assert status == 400 and headers.get("connection") == "close"
    assert_provider_error_shape("openai", 400, rest)
    assert fake.requests_tagged(tag) == []
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "blocked" and rec["status_code"] == 400 and rec["blocked_by"] == "request.malformed_body"
    assert_still_serving(daemon, tag)


def test_oversized_chunked_body_413(fake, daemon, tag):
    """Without a Content-Length (chunked upload) the limit holds too."""
    body = json.dumps(dict(CALLS["openai"][1], padding="a" * 70_000)).encode()
    head = ("POST /proxy/openai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {OPENAI_KEY}\r\nX-TokenLens-Tags: t={tag}\r\nX-E2E-Tag: {tag}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()
    chunks = b"".join(b"%x\r\n" % len(body[i:i + 8192]) + body[i:i + 8192] + b"\r\n"
                      for i in range(0, len(body), 8192)) + b"0\r\n\r\n"
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=10)
    try:
        s.sendall(head)
        try:
            s.sendall(chunks)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the daemon may answer and close before reading the whole body
        data = b""
        while True:
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                break
            if not d:
                break
            data += d
    finally:
        s.close()
    status, _, rest = split_head(data)
    assert status == 413
    assert fake.requests_tagged(tag) == []
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "blocked" and rec["status_code"] == 413
    assert_still_serving(daemon, tag)


def test_body_just_under_the_limit_is_forwarded(fake, daemon, tag):
    body = dict(CALLS["openai"][1])
    body["padding"] = ""
    pad = 65536 - len(json.dumps(body).encode())
    body["padding"] = "a" * pad
    assert len(json.dumps(body).encode()) == 65536
    s, _, _ = post(daemon, "openai", tag, body=body)
    assert s == 200
    assert len(fake.requests_tagged(tag)[0]["body"]) == 65536


def test_sdks_raise_their_own_error_types_for_blocked_calls(fake, daemon, tag):
    big = "a" * 70_000
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0,
                      default_headers=tag_headers(tag))
    with pytest.raises(openai.APIStatusError) as ei:
        o.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": big}])
    assert ei.value.status_code == 413 and isinstance(ei.value.body, dict) and ei.value.body.get("message")
    a = anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=daemon.proxy("anthropic"), max_retries=0,
                            default_headers=tag_headers(tag))
    with pytest.raises(anthropic.APIStatusError) as ei:
        a.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[{"role": "user", "content": big}])
    assert ei.value.status_code == 413 and ei.value.body["type"] == "error"
    g = genai.Client(api_key=GOOGLE_KEY, http_options=gtypes.HttpOptions(base_url=daemon.proxy("google"),
                                                                          headers=tag_headers(tag)))
    with pytest.raises(gerrors.ClientError) as ei:
        g.models.generate_content(model="gemini-2.5-pro", contents=big)
    assert ei.value.code == 413 and ei.value.message
    recs = daemon.wait_tag(tag, count=3)
    assert sorted(r["source"] for r in recs) == ["anthropic-python", "google-genai", "openai-python"]
    assert all(r["outcome"] == "blocked" and r["status_code"] == 413 for r in recs)


# ============================================================ upstream errors passed through
@pytest.mark.parametrize("status", [500, 429, 503])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_upstream_error_passed_through(fake, daemon, tag, provider, status):
    path, body, auth = CALLS[provider]
    extra = {"X-Fake-Status": str(status)}
    sd, hd, bd = http_request(fake.port, "POST", path, body, {**auth, **extra})
    sp, hp, bp = post(daemon, provider, tag, extra=extra)
    assert sd == status and sp == status
    assert bp == bd, "the upstream's error body must reach the client unchanged"
    assert hp["content-type"] == hd["content-type"]
    if status == 429:
        assert hp["retry-after"] == "2"
    for k in ("x-request-id", "request-id", "x-should-retry"):
        assert hp.get(k) == hd.get(k), k
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["status_code"] == status
    assert rec["provider"] == provider and rec["blocked_by"] is None
    assert rec["input_tokens"] == 0 and rec["output_tokens"] == 0
    assert rec["id"] == hp["x-tokenlens-request-id"]


def test_sdks_see_upstream_errors(fake, daemon, tag):
    h = {**tag_headers(tag), "X-Fake-Status": "429"}
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0, default_headers=h)
    with pytest.raises(openai.RateLimitError) as ei:
        o.chat.completions.create(model="gpt-5-mini", messages=MSGS)
    assert ei.value.response.headers["retry-after"] == "2" and ei.value.code == "rate_limit_exceeded"
    a = anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=daemon.proxy("anthropic"), max_retries=0,
                            default_headers={**tag_headers(tag), "X-Fake-Status": "529"})
    with pytest.raises(anthropic.InternalServerError) as ei:
        a.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=MSGS)
    assert ei.value.status_code == 529 and ei.value.body["error"]["type"] == "overloaded_error"
    g = genai.Client(api_key=GOOGLE_KEY, http_options=gtypes.HttpOptions(
        base_url=daemon.proxy("google"), headers={**tag_headers(tag), "X-Fake-Status": "500"}))
    with pytest.raises(gerrors.ServerError) as ei:
        g.models.generate_content(model="gemini-2.5-pro", contents="x")
    assert ei.value.code == 500 and ei.value.status == "INTERNAL"
    recs = daemon.wait_tag(tag, count=3)
    assert sorted(r["status_code"] for r in recs) == [429, 500, 529]
    assert all(r["outcome"] == "upstream_error" for r in recs)


# ============================================================ upstream down
@pytest.fixture(scope="module")
def down(tmp_path_factory):
    """A daemon whose providers all point at a closed port; every provider called at once."""
    closed = f"http://127.0.0.1:{free_closed_port()}"
    d = Daemon(tmp_path_factory.mktemp("down"), {"openai": closed, "anthropic": closed, "google": closed}).start()
    tag = f"down{int(time.time() * 1000)}"
    results = {}

    def one(name, provider, path_suffix=""):
        path, body, auth = CALLS[provider]
        hdrs = {**tag_headers(tag), **({} if path_suffix else auth)}
        t0 = time.monotonic()
        s, h, b = d.request("POST", f"/proxy/{provider}{path}{path_suffix}", body, hdrs, timeout=30)
        results[name] = (provider, s, h, b, time.monotonic() - t0)

    threads = [threading.Thread(target=one, args=(p, p)) for p in PROVIDERS]
    threads.append(threading.Thread(target=one, args=("google-query-key", "google", f"?key={GOOGLE_KEY}")))
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    recs = d.wait_tag(tag, count=4, timeout=10)
    yield d, results, recs
    rc = d.stop()
    assert rc == 0


def test_upstream_down_502_in_provider_shape(down):
    d, results, recs = down
    assert len(results) == 4
    for name, (provider, s, h, b, _) in results.items():
        assert s == 502, (name, s, b)
        assert_provider_error_shape(provider, 502, b)
        assert h.get("x-tokenlens-request-id")
    assert sorted(r["provider"] for r in recs) == ["anthropic", "google", "google", "openai"]
    for r in recs:
        assert r["outcome"] == "upstream_error" and r["status_code"] == 502 and r["blocked_by"] is None
        assert r["error"]
    # the keys (headers and ?key=) appear neither in the records nor in the logs
    assert_no_secrets_in_files(d)
    assert _secrets_in(d.stderr_path.read_bytes()) == []
    assert _secrets_in(json.dumps(recs).encode()) == []
    assert d.alive()


def test_upstream_down_answered_promptly(down):
    _, results, _ = down
    slowest = max(r[4] for r in results.values())
    assert slowest < 3.0, f"502 took {slowest:.1f} s for a connection refused at once"


# ============================================================ timeouts
@pytest.fixture(scope="module")
def impatient(fake, tmp_path_factory):
    """A daemon whose OpenAI provider may take at most 0.4 s per attempt."""
    d = Daemon(tmp_path_factory.mktemp("impatient"), {"openai": fake.base})
    d.config.write_text(d.config.read_text().replace(
        f'base_url = "{fake.base}"', f'base_url = "{fake.base}"\ntimeout_seconds = 0.4'))
    d.start()
    yield d
    assert d.stop() == 0


def test_slow_upstream_head_times_out_504(impatient, tag):
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=impatient.proxy("openai"), max_retries=0, timeout=10,
                      default_headers={**tag_headers(tag), "X-Fake-Slow-Ms": "1500"})
    t0 = time.monotonic()
    with pytest.raises(openai.APIStatusError) as raised:
        o.chat.completions.create(model="gpt-5-mini", messages=MSGS)
    assert raised.value.status_code == 504 and time.monotonic() - t0 < 1.4
    assert "did not answer in time" in raised.value.message
    rec = impatient.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["status_code"] == 504


def test_stream_longer_than_the_timeout_is_cut_with_an_error_event(impatient, tag):
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=impatient.proxy("openai"), max_retries=0, timeout=10,
                      default_headers={**tag_headers(tag), "X-Fake-Delay-Ms": "150"})
    got = []
    with pytest.raises(openai.APIError) as raised:
        for ch in o.chat.completions.create(model="gpt-4.1-mini", messages=MSGS, stream=True):
            got.append(ch)
    assert 0 < len(got) < 8 and "did not finish within 0.4 s" in str(raised.value)
    rec = impatient.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["stream"] is True and "0.4 s" in rec["error"]
    assert impatient.alive()


# ============================================================ resets mid-stream
def test_openai_stream_reset_sdk_raises(fake, daemon, tag):
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0, timeout=10,
                      default_headers={**tag_headers(tag), "X-Fake-Reset-After": "4"})
    got = []
    with pytest.raises(openai.APIError):
        for ch in o.chat.completions.create(model="gpt-4.1-mini", messages=MSGS, stream=True,
                                            stream_options={"include_usage": True}):
            got.append(ch)
    assert len(got) == 4
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["stream"] is True and rec["error"]
    assert rec["input_tokens"] == 0  # no usage chunk was seen
    assert rec["endpoint"] == "chat.completions"


def test_openai_responses_stream_reset_sdk_raises(fake, daemon, tag):
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0, timeout=10,
                      default_headers={**tag_headers(tag), "X-Fake-Reset-After": "5"})
    got = []
    with pytest.raises(openai.APIError):
        for ev in o.responses.create(model="gpt-5", input="x", stream=True):
            got.append(ev)
    assert len(got) == 5 and all(ev.type != "response.completed" for ev in got)
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["endpoint"] == "responses"


def test_anthropic_stream_reset_sdk_raises_and_keeps_input_tokens(fake, daemon, tag):
    a = anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=daemon.proxy("anthropic"), max_retries=0, timeout=10,
                            default_headers={**tag_headers(tag), "X-Fake-Reset-After": "5"})
    texts = []
    with pytest.raises(anthropic.APIError):
        with a.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=MSGS) as s:
            for t in s.text_stream:
                texts.append(t)
    assert texts == ["The", " three largest"]
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["stream"] is True and rec["status_code"] == 200
    # the tokens of message_start were seen: they are recorded (and priced)
    assert (rec["input_tokens"], rec["cache_read_tokens"], rec["cache_write_tokens"],
            rec["cache_write_1h_tokens"]) == (329, 9216, 1584, 560)
    assert rec["cost_usd"] is not None and rec["cost_usd"] > 0.0109  # input + cache already cost 0.0109518


def test_gemini_stream_reset_sdk_raises(fake, daemon, tag):
    g = genai.Client(api_key=GOOGLE_KEY, http_options=gtypes.HttpOptions(
        base_url=daemon.proxy("google"), headers={**tag_headers(tag), "X-Fake-Reset-After": "2"}))
    got = []
    with pytest.raises(Exception) as ei:
        for ch in g.models.generate_content_stream(model="gemini-2.5-flash", contents="x"):
            got.append(ch)
    assert not isinstance(ei.value, AssertionError)
    # The proxy relays both events and then an error event; when the error event lands in the
    # same read as the second event, google-genai raises before yielding that event.
    assert 1 <= len(got) <= 2
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["endpoint"] == "streamGenerateContent"
    # cumulative usage of the 2nd chunk: 731-512 input, 43+602 output
    assert (rec["input_tokens"], rec["cache_read_tokens"], rec["output_tokens"]) == (219, 512, 645)


STREAM_ERROR = {"X-Fake-Fixture": "anthropic-messages-stream-error.sse"}
STREAM_BODY = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True}


def test_anthropic_error_event_mid_stream_passes_through(fake, daemon, tag):
    """Anthropic reports an overload inside a 200 stream (event: error): the client gets it
    unchanged and its SDK raises; the tokens of message_start are recorded."""
    _, _, direct = http_request(fake.port, "POST", "/v1/messages", STREAM_BODY, {**ANTHROPIC_AUTH, **STREAM_ERROR})
    s, _, b = post(daemon, "anthropic", tag, body=STREAM_BODY, extra=STREAM_ERROR)
    assert s == 200 and b == direct and b.rstrip().endswith(b'"message": "Overloaded"}}')
    a = anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=daemon.proxy("anthropic"), max_retries=0,
                            default_headers={**tag_headers(tag), **STREAM_ERROR})
    with pytest.raises(anthropic.APIStatusError) as ei:
        with a.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=MSGS) as st:
            st.get_final_message()
    assert "Overloaded" in str(ei.value)
    recs = daemon.wait_tag(tag, count=2)
    for r in recs:
        assert (r["input_tokens"], r["cache_read_tokens"], r["cache_write_tokens"]) == (329, 9216, 1584)
        assert r["stream"] is True and r["status_code"] == 200


def test_anthropic_error_event_mid_stream_recorded_as_upstream_error(fake, daemon, tag):
    s, _, _ = post(daemon, "anthropic", tag, body=STREAM_BODY, extra=STREAM_ERROR)
    assert s == 200
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error", rec
    assert rec["error"] and "overloaded" in rec["error"].lower(), rec


def test_non_stream_truncated_body_is_recorded(fake, daemon, tag):
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=3)
    path, body, auth = CALLS["openai"]
    s.sendall(raw_post_bytes(f"/proxy/openai{path}", json.dumps(body).encode(),
                             {**auth, **tag_headers(tag), "X-Fake-Reset-After": "40"}))
    try:
        # Read until the daemon hangs up (a client that left first would be a client cancel).
        while s.recv(65536):
            pass
    finally:
        s.close()
    rec = daemon.wait_tag(tag)
    assert rec["outcome"] == "upstream_error" and rec["stream"] is False and rec["error"]


def test_non_stream_truncated_body_closes_client_connection(fake, daemon, tag):
    path, body, auth = CALLS["openai"]
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=2.5)
    # a keep-alive connection, as every SDK uses (with Connection: close the daemon does close it)
    s.sendall(raw_post_bytes(f"/proxy/openai{path}", json.dumps(body).encode(),
                             {**auth, **tag_headers(tag), "X-Fake-Reset-After": "40", "Connection": "keep-alive"}))
    data, closed = b"", False
    t0 = time.monotonic()
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            data += d
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    finally:
        s.close()
    assert closed, f"connection still open after {time.monotonic() - t0:.1f} s with a truncated body"
    status, headers, rest = split_head(data)
    assert status == 200 and len(rest) < int(headers["content-length"])


def test_non_stream_truncated_body_sdk_fails_fast(fake, daemon, tag):
    o = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0, timeout=2.5,
                      default_headers={**tag_headers(tag), "X-Fake-Reset-After": "40"})
    t0 = time.monotonic()
    with pytest.raises(openai.APIError) as ei:
        o.chat.completions.create(model="gpt-5-mini", messages=MSGS)
    elapsed = time.monotonic() - t0
    assert not isinstance(ei.value, openai.APITimeoutError) and elapsed < 2, (type(ei.value), elapsed)


# ============================================================ client disconnects
def _read_events_then_close(daemon, provider, path, body, headers, n_events):
    s = socket.create_connection(("127.0.0.1", daemon.port), timeout=10)
    s.sendall(raw_post_bytes(path, json.dumps(body).encode(), headers))
    buf = b""
    marker = b"event: " if provider == "anthropic" else b"data: "
    try:
        while buf.count(marker) < n_events:
            d = s.recv(65536)
            assert d, "stream ended before the client disconnected"
            buf += d
    finally:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()
    return buf


def test_client_disconnect_mid_stream_anthropic(fake, daemon, tag):
    body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True}
    buf = _read_events_then_close(daemon, "anthropic", "/proxy/anthropic/v1/messages", body,
                                  {**ANTHROPIC_AUTH, **tag_headers(tag), "X-Fake-Delay-Ms": "150"}, 3)
    assert split_head(buf)[0] == 200
    rec = daemon.wait_tag(tag, timeout=8)
    assert rec["outcome"] == "client_cancelled" and rec["stream"] is True
    assert (rec["input_tokens"], rec["cache_read_tokens"], rec["cache_write_tokens"]) == (329, 9216, 1584)
    assert rec["output_tokens"] < 58
    assert rec["latency_ms"] < 12 * 150, "the upstream call should stop soon after the client left"


def test_client_disconnect_mid_stream_openai(fake, daemon, tag):
    body = {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True}
    buf = _read_events_then_close(daemon, "openai", "/proxy/openai/v1/chat/completions", body,
                                  {**OPENAI_AUTH, **tag_headers(tag), "X-Fake-Delay-Ms": "150"}, 2)
    assert split_head(buf)[0] == 200
    rec = daemon.wait_tag(tag, timeout=8)
    assert rec["outcome"] == "client_cancelled" and rec["stream"] is True
    assert rec["endpoint"] == "chat.completions"


def test_client_disconnect_mid_stream_gemini(fake, daemon, tag):
    body = {"contents": [{"parts": [{"text": "x"}]}]}
    buf = _read_events_then_close(daemon, "google",
                                  "/proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body,
                                  {**GOOGLE_AUTH, **tag_headers(tag), "X-Fake-Delay-Ms": "300"}, 1)
    assert split_head(buf)[0] == 200
    rec = daemon.wait_tag(tag, timeout=8)
    assert rec["outcome"] == "client_cancelled" and rec["endpoint"] == "streamGenerateContent"
    assert (rec["input_tokens"], rec["cache_read_tokens"]) == (219, 512)


def test_daemon_survived_all_of_the_above(fake, daemon, tag):
    assert daemon.alive()
    assert_still_serving(daemon, tag)
    status = daemon.get_json("/api/status")
    assert status["recorder"]["dropped"] == 0 and status["recorder"]["write_errors"] == 0
