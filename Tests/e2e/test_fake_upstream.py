"""Proves the provider fixtures are what the official SDKs accept, and that the
fake upstream's control headers behave as documented.

Run: python3 -m pytest Tests/e2e/test_fake_upstream.py -q
(needs: pip install -r Tests/e2e/requirements.txt)
"""
from __future__ import annotations

import gzip
import http.client
import json
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import fake_upstream  # noqa: E402

FIXTURES = fake_upstream.FIXTURES

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
genai = pytest.importorskip("google.genai")
from google.genai import types as gtypes  # noqa: E402


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def upstream():
    server, port = fake_upstream.start()
    yield server, port
    fake_upstream.stop(server)


@pytest.fixture()
def base(upstream):
    server, port = upstream
    server.clear()
    return f"http://127.0.0.1:{port}"


@pytest.fixture()
def port(upstream):
    return upstream[1]


def recorded(base):
    conn = http.client.HTTPConnection(base.removeprefix("http://"))
    conn.request("GET", "/_fake/requests")
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data


def oai(base, **kw):
    return openai.OpenAI(api_key="sk-test-123", base_url=f"{base}/v1", max_retries=0, **kw)


def ant(base, **kw):
    return anthropic.Anthropic(api_key="sk-ant-test-123", base_url=base, max_retries=0, **kw)


def gem(base, headers=None):
    return genai.Client(
        api_key="AIza-test-123",
        http_options=gtypes.HttpOptions(base_url=base, headers=headers or {}),
    )


def raw(port, method, path, body=None, headers=None, timeout=10):
    """Plain http.client request; returns (status, headers, body-bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = json.dumps(body).encode() if body is not None else None
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    conn.request(method, path, body=data, headers=h)
    resp = conn.getresponse()
    payload = resp.read()
    out = (resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload)
    conn.close()
    return out


OPENAI_AUTH = {"Authorization": "Bearer sk-test"}
ANTHROPIC_AUTH = {"x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01"}
GEMINI_AUTH = {"x-goog-api-key": "AIza-test"}


def raw_socket_exchange(port, request: bytes, timeout=5.0):
    """Sends a raw request; returns (all bytes read until EOF, list of recv() arrival times)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(request)
    chunks, times = [], []
    while True:
        try:
            d = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not d:
            break
        chunks.append(d)
        times.append(time.monotonic())
    s.close()
    return b"".join(chunks), times


def post_bytes(path, body, headers):
    b = json.dumps(body).encode()
    h = {"Host": "127.0.0.1", "Content-Type": "application/json", "Content-Length": str(len(b)),
         "Connection": "close"}
    h.update(headers)
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    return head.encode() + b


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
        if len(body) < start + size + 2:
            out.append(body[start:start + size])
            return out, False
        out.append(body[start:start + size])
        i = start + size + 2


def split_response(resp: bytes):
    head, _, body = resp.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


# ============================================================ fixture shapes
def test_chat_stream_with_and_without_include_usage_are_the_same_conversation():
    with_usage = (FIXTURES / "openai-chat-stream-include-usage.sse").read_bytes().decode()
    without = (FIXTURES / "openai-chat-stream.sse").read_bytes().decode()
    blocks = [b for b in with_usage.split("\n\n") if b]
    assert blocks[-1] == "data: [DONE]"
    objs = [json.loads(b.removeprefix("data: ")) for b in blocks[:-1]]
    # every chunk carries "usage": the last one an object, all others null
    assert all("usage" in o for o in objs)
    assert all(o["usage"] is None for o in objs[:-1])
    assert objs[-1]["choices"] == [] and objs[-1]["usage"]["prompt_tokens"] == 2214
    # dropping the usage chunk and the "usage":null members gives the other stream exactly
    rebuilt = "".join(
        "data: " + b.removeprefix("data: ").replace(',"usage":null', "") + "\n\n" for b in blocks[:-2]
    ) + "data: [DONE]\n\n"
    assert rebuilt == without
    assert '"usage"' not in without


def test_gemini_sse_and_array_carry_the_same_chunks():
    sse = (FIXTURES / "gemini-stream-generate-content.sse").read_bytes().decode()
    arr = (FIXTURES / "gemini-stream-generate-content.json").read_bytes().decode()
    assert sse.endswith("}\r\n\r\n") and "\n\n" not in sse.replace("\r\n\r\n", "")
    sse_objs = [json.loads(b.removeprefix("data: ")) for b in sse.split("\r\n\r\n") if b]
    assert arr.startswith("[{\n") and "\n,\r\n{" in arr and arr.endswith("}\n]")
    assert json.loads(arr) == sse_objs
    counts = [o["usageMetadata"]["candidatesTokenCount"] for o in sse_objs]
    assert counts == sorted(counts) and counts[-1] == 88  # cumulative per chunk
    assert sse_objs[-1]["candidates"][0]["finishReason"] == "STOP"
    assert all("finishReason" not in o["candidates"][0] for o in sse_objs[:-1])


def test_long_context_fixture_is_over_200k():
    body = json.loads((FIXTURES / "gemini-generate-content-long-context.json").read_bytes().decode())
    assert body["usageMetadata"]["promptTokenCount"] > 200_000


# ==================================================================== OpenAI
def test_openai_chat_non_stream(base):
    c = oai(base)
    r = c.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": "caching?"}])
    assert r.object == "chat.completion" and r.model == "gpt-5-mini"
    assert r.choices[0].message.content.startswith("Prompt caching")
    u = r.usage
    assert (u.prompt_tokens, u.completion_tokens, u.total_tokens) == (1843, 587, 2430)
    assert u.prompt_tokens_details.cached_tokens == 1536
    assert u.prompt_tokens_details.audio_tokens == 0
    assert u.completion_tokens_details.reasoning_tokens == 448
    assert u.completion_tokens_details.accepted_prediction_tokens == 0
    assert u.completion_tokens_details.rejected_prediction_tokens == 0
    assert r.service_tier == "default" and r.system_fingerprint is None
    req = recorded(base)[0]
    assert req["path"] == "/v1/chat/completions"
    assert req["headers"]["authorization"] == "Bearer sk-test-123"
    assert req["json"]["model"] == "gpt-5-mini"


def test_openai_chat_stream_with_include_usage(base):
    c = oai(base)
    stream = c.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "capital?"}], stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    assert text == "The capital of France is Paris."
    assert all(ch.usage is None for ch in chunks[:-1])
    last = chunks[-1]
    assert last.choices == []
    assert (last.usage.prompt_tokens, last.usage.completion_tokens, last.usage.total_tokens) == (2214, 8, 2222)
    assert last.usage.prompt_tokens_details.cached_tokens == 1920
    assert recorded(base)[0]["json"]["stream_options"] == {"include_usage": True}


def test_openai_chat_stream_without_include_usage(base):
    c = oai(base)
    chunks = list(c.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "capital?"}], stream=True))
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == "The capital of France is Paris."
    assert all(ch.usage is None for ch in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert "stream_options" not in recorded(base)[0]["json"]


def test_openai_chat_stream_helper_final_completion(base):
    c = oai(base)
    with c.chat.completions.stream(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "capital?"}],
        stream_options={"include_usage": True},
    ) as s:
        final = s.get_final_completion()
    assert final.choices[0].message.content == "The capital of France is Paris."
    assert final.usage.total_tokens == 2222


def test_openai_responses_non_stream(base):
    c = oai(base)
    r = c.responses.create(model="gpt-5", input="nightly summaries?")
    assert r.object == "response" and r.status == "completed" and r.model == "gpt-5"
    assert r.output_text.startswith("Use the Batch API")
    u = r.usage
    assert (u.input_tokens, u.output_tokens, u.total_tokens) == (3127, 912, 4039)
    assert u.input_tokens_details.cached_tokens == 2048
    assert u.output_tokens_details.reasoning_tokens == 704


def test_openai_responses_stream(base):
    c = oai(base)
    events = list(c.responses.create(model="gpt-5", input="hi", stream=True))
    types_ = [e.type for e in events]
    assert types_[:2] == ["response.created", "response.in_progress"]
    assert types_[-1] == "response.completed"
    for t in ["response.output_item.added", "response.content_part.added", "response.output_text.done",
              "response.content_part.done", "response.output_item.done"]:
        assert t in types_
    assert [e.sequence_number for e in events] == list(range(len(events)))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert len(deltas) > 3 and "".join(deltas) == "Hello! Streaming works: this reply arrived in pieces."
    u = events[-1].response.usage
    assert (u.input_tokens, u.output_tokens, u.total_tokens) == (2561, 371, 2932)
    assert u.input_tokens_details.cached_tokens == 1792
    assert u.output_tokens_details.reasoning_tokens == 256
    assert events[0].response.usage is None


def test_openai_responses_stream_helper(base):
    c = oai(base)
    with c.responses.stream(model="gpt-5", input="hi") as s:
        final = s.get_final_response()
    assert final.output_text == "Hello! Streaming works: this reply arrived in pieces."
    assert final.usage.total_tokens == 2932


def test_openai_embeddings(base):
    c = oai(base)
    r = c.embeddings.create(model="text-embedding-3-small", input="The food was delicious")
    assert r.object == "list" and len(r.data) == 1 and len(r.data[0].embedding) == 8
    assert r.data[0].embedding[0] == pytest.approx(-0.006929283)
    assert (r.usage.prompt_tokens, r.usage.total_tokens) == (17, 17)
    # the SDK asks for encoding_format=base64 by default; the fake answers in base64 like the API
    req = recorded(base)[0]["json"]
    assert req["model"] == "text-embedding-3-small"
    if req.get("encoding_format") == "base64":
        r2 = c.embeddings.create(model="text-embedding-3-small", input="x", encoding_format="float")
        assert r2.data[0].embedding[:2] == [-0.006929283, -0.005336422]


def test_openai_models_list(base):
    c = oai(base)
    ids = [m.id for m in c.models.list()]
    assert "gpt-5-mini" in ids and "text-embedding-3-small" in ids


def test_openai_errors_parse_in_sdk(base):
    c = oai(base, default_headers={"X-Fake-Status": "429"})
    with pytest.raises(openai.RateLimitError) as ei:
        c.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": "x"}])
    assert ei.value.status_code == 429
    assert ei.value.code == "rate_limit_exceeded" and ei.value.type == "tokens"
    assert ei.value.response.headers["retry-after"] == "2"
    for status, cls in [(400, openai.BadRequestError), (500, openai.InternalServerError)]:
        c = oai(base, default_headers={"X-Fake-Status": str(status)})
        with pytest.raises(cls) as ei:
            c.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": "x"}])
        assert ei.value.status_code == status


def test_openai_missing_auth(port):
    status, _, body = raw(port, "POST", "/v1/chat/completions", {"model": "m"})
    assert status == 401
    err = json.loads(body)["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["message"].startswith("You didn't provide an API key")


# ================================================================= Anthropic
def test_anthropic_messages_non_stream(base):
    c = ant(base)
    m = c.messages.create(model="claude-sonnet-4-5", max_tokens=512,
                          messages=[{"role": "user", "content": "termination clause?"}])
    assert m.type == "message" and m.model == "claude-sonnet-4-5"
    assert m.content[0].text.startswith("Based on the contract")
    u = m.usage
    assert (u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens, u.output_tokens) == \
        (412, 5210, 18944, 297)
    assert u.cache_creation.ephemeral_5m_input_tokens == 3072
    assert u.cache_creation.ephemeral_1h_input_tokens == 2138
    assert u.service_tier == "standard"
    h = recorded(base)[0]["headers"]
    # anthropic-python 2.x sends the key as a bearer token (older SDKs: x-api-key)
    assert h.get("x-api-key") == "sk-ant-test-123" or h.get("authorization") == "Bearer sk-ant-test-123"
    assert h["anthropic-version"]


def test_anthropic_messages_stream(base):
    c = ant(base)
    with c.messages.stream(model="claude-sonnet-4-5", max_tokens=512,
                           messages=[{"role": "user", "content": "invoice?"}]) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text.startswith("The three largest line items") and final.content[0].text == text
    u = final.usage
    # message_delta usage is cumulative: the final output_tokens is 58, not 1 + 58
    assert (u.input_tokens, u.cache_creation_input_tokens, u.cache_read_input_tokens, u.output_tokens) == \
        (329, 1584, 9216, 58)
    assert u.cache_creation.ephemeral_5m_input_tokens == 1024
    assert u.cache_creation.ephemeral_1h_input_tokens == 560
    assert final.stop_reason == "end_turn"


def test_anthropic_raw_stream_events(base):
    c = ant(base)
    events = list(c.messages.create(model="claude-sonnet-4-5", max_tokens=64, stream=True,
                                    messages=[{"role": "user", "content": "invoice?"}]))
    types_ = [e.type for e in events]
    assert types_[0] == "message_start" and types_[-1] == "message_stop"
    assert types_.count("content_block_delta") == 6 and "message_delta" in types_
    assert events[0].message.usage.output_tokens == 1
    md = next(e for e in events if e.type == "message_delta")
    assert md.usage.output_tokens == 58 and md.usage.input_tokens == 329
    assert md.usage.cache_read_input_tokens == 9216


def test_anthropic_thinking_stream(base):
    c = ant(base)
    with c.messages.stream(model="claude-opus-4-1", max_tokens=2048,
                           thinking={"type": "enabled", "budget_tokens": 1024},
                           messages=[{"role": "user", "content": "gcd(1071, 462)?"}]) as s:
        final = s.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "text"]
    assert "GCD is 21" in final.content[0].thinking and final.content[0].signature.startswith("EqQB")
    assert "**21**" in final.content[1].text
    assert (final.usage.input_tokens, final.usage.output_tokens) == (86, 742)
    assert final.model == "claude-opus-4-1"


def test_anthropic_stream_error_event(base):
    c = ant(base, default_headers={"X-Fake-Fixture": "anthropic-messages-stream-error.sse"})
    with pytest.raises(anthropic.APIStatusError) as ei:
        with c.messages.stream(model="claude-sonnet-4-5", max_tokens=64,
                               messages=[{"role": "user", "content": "x"}]) as s:
            for _ in s.text_stream:
                pass
    assert "overloaded_error" in str(ei.value.body) or "Overloaded" in str(ei.value)


def test_anthropic_errors_parse_in_sdk(base):
    for status, cls in [(429, anthropic.RateLimitError), (400, anthropic.BadRequestError),
                        (500, anthropic.InternalServerError), (529, anthropic.APIStatusError)]:
        c = ant(base, default_headers={"X-Fake-Status": str(status)})
        with pytest.raises(cls) as ei:
            c.messages.create(model="claude-sonnet-4-5", max_tokens=8, messages=[{"role": "user", "content": "x"}])
        assert ei.value.status_code == status
        assert ei.value.body["type"] == "error" and "type" in ei.value.body["error"]


def test_anthropic_missing_auth(port):
    status, _, body = raw(port, "POST", "/v1/messages", {"model": "m"}, {"anthropic-version": "2023-06-01"})
    assert status == 401 and json.loads(body)["error"]["type"] == "authentication_error"
    status, _, _ = raw(port, "POST", "/v1/messages", {"model": "m"},
                       {"anthropic-version": "2023-06-01", "Authorization": "Bearer k"})
    assert status == 200
    status, _, body = raw(port, "POST", "/v1/messages", {"model": "m"}, {"x-api-key": "k"})
    assert status == 400 and json.loads(body)["error"]["message"] == "anthropic-version: header is required"


# ==================================================================== Gemini
def test_gemini_generate_content(base):
    c = gem(base)
    r = c.models.generate_content(model="gemini-2.5-pro", contents="Summarise the report")
    assert r.text.startswith("The report makes three claims")
    u = r.usage_metadata
    assert (u.prompt_token_count, u.cached_content_token_count, u.candidates_token_count,
            u.thoughts_token_count, u.total_token_count) == (12873, 8192, 421, 1309, 14603)
    assert u.prompt_tokens_details[0].token_count == 12873
    assert u.cache_tokens_details[0].token_count == 8192
    assert r.model_version == "gemini-2.5-pro" and r.response_id == "p2DwaKfTL8yUxN8P3oqZ6Ag"
    req = recorded(base)[0]
    # google-genai 3.x defaults to the v1 API version (older releases: v1beta)
    assert req["path"] in ("/v1/models/gemini-2.5-pro:generateContent",
                           "/v1beta/models/gemini-2.5-pro:generateContent")
    assert req["headers"]["x-goog-api-key"] == "AIza-test-123"


def test_gemini_v1beta_path(base):
    c = genai.Client(api_key="AIza-test-123", http_options=gtypes.HttpOptions(base_url=base, api_version="v1beta"))
    r = c.models.generate_content(model="gemini-2.5-pro", contents="x")
    assert r.usage_metadata.total_token_count == 14603
    chunks = list(c.models.generate_content_stream(model="gemini-2.5-flash", contents="x"))
    assert chunks[-1].usage_metadata.total_token_count == 1421
    assert [q["path"] for q in recorded(base)] == [
        "/v1beta/models/gemini-2.5-pro:generateContent",
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"]


def test_gemini_generate_content_stream_uses_sse(base):
    c = gem(base)
    chunks = list(c.models.generate_content_stream(model="gemini-2.5-flash", contents="Why is the sky blue?"))
    assert len(chunks) == 4
    assert "".join(ch.text for ch in chunks).startswith("Rayleigh scattering")
    assert [ch.usage_metadata.candidates_token_count for ch in chunks] == [19, 43, 67, 88]
    last = chunks[-1].usage_metadata
    assert (last.prompt_token_count, last.cached_content_token_count, last.thoughts_token_count,
            last.total_token_count) == (731, 512, 602, 1421)
    assert chunks[-1].candidates[0].finish_reason == gtypes.FinishReason.STOP
    assert chunks[-1].model_version == "gemini-2.5-flash"
    # the SDK streams with ?alt=sse
    assert recorded(base)[0]["path"].endswith("/models/gemini-2.5-flash:streamGenerateContent?alt=sse")


def test_gemini_long_context_fixture(base):
    c = gem(base, headers={"X-Fake-Fixture": "gemini-generate-content-long-context.json"})
    r = c.models.generate_content(model="gemini-2.5-pro", contents="x")
    assert r.usage_metadata.prompt_token_count == 248731
    assert r.usage_metadata.total_token_count == 252572


def test_gemini_errors_parse_in_sdk(base):
    from google.genai import errors as gerrors

    c = gem(base, headers={"X-Fake-Status": "429"})
    with pytest.raises(gerrors.ClientError) as ei:
        c.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert ei.value.code == 429 and ei.value.status == "RESOURCE_EXHAUSTED"
    c = gem(base, headers={"X-Fake-Status": "500"})
    with pytest.raises(gerrors.ServerError) as ei:
        c.models.generate_content(model="gemini-2.5-flash", contents="x")
    assert ei.value.code == 500 and ei.value.status == "INTERNAL"


def test_gemini_array_stream_raw(port):
    status, headers, body = raw(port, "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                                {"contents": []}, GEMINI_AUTH)
    assert status == 200 and headers["content-type"] == "application/json; charset=UTF-8"
    text = body.decode()
    assert text == (FIXTURES / "gemini-stream-generate-content.json").read_bytes().decode()
    assert len(json.loads(text)) == 4


def test_gemini_key_in_query_and_missing_key(port):
    status, _, _ = raw(port, "POST", "/v1beta/models/gemini-2.5-flash:generateContent?key=AIza-q", {})
    assert status == 200
    status, _, body = raw(port, "POST", "/v1beta/models/gemini-2.5-flash:generateContent", {})
    assert status == 403 and json.loads(body)["error"]["status"] == "PERMISSION_DENIED"


# ============================================================ control headers
def test_streams_are_chunked_one_event_per_chunk(port):
    resp, _ = raw_socket_exchange(port, post_bytes(
        "/v1/chat/completions", {"model": "m", "stream": True}, OPENAI_AUTH))
    status, headers, body = split_response(resp)
    assert status == 200 and headers["transfer-encoding"] == "chunked"
    assert headers["content-type"] == "text/event-stream; charset=utf-8"
    chunks, terminated = dechunk(body)
    assert terminated
    expected = [b + b"\n\n" for b in (FIXTURES / "openai-chat-stream.sse").read_bytes().split(b"\n\n") if b]
    assert chunks == [e.replace(b'"gpt-4.1-mini-2025-04-14"', b'"m"') for e in expected]


def test_delay_between_events(port):
    t0 = time.monotonic()
    resp, times = raw_socket_exchange(port, post_bytes(
        "/v1/messages", {"model": "m", "stream": True}, dict(ANTHROPIC_AUTH, **{"X-Fake-Delay-Ms": "40"})))
    elapsed = time.monotonic() - t0
    n_events = len(dechunk(split_response(resp)[2])[0])
    assert n_events == 12
    assert elapsed >= 0.040 * (n_events - 1) * 0.9
    assert len(times) >= 5  # arrived in several reads, not all at once


def test_slow_ms_delays_headers(port):
    t0 = time.monotonic()
    status, _, _ = raw(port, "POST", "/v1/embeddings", {"model": "m"}, dict(OPENAI_AUTH, **{"X-Fake-Slow-Ms": "300"}))
    assert status == 200 and time.monotonic() - t0 >= 0.29


def test_status_header_429_has_retry_after(port):
    for path, hdrs, check in [
        ("/v1/chat/completions", OPENAI_AUTH, lambda b: b["error"]["code"] == "rate_limit_exceeded"),
        ("/v1/messages", ANTHROPIC_AUTH, lambda b: b["error"]["type"] == "rate_limit_error"),
        ("/v1beta/models/gemini-2.5-flash:generateContent", GEMINI_AUTH,
         lambda b: b["error"]["status"] == "RESOURCE_EXHAUSTED"),
    ]:
        status, headers, body = raw(port, "POST", path, {"model": "m"}, dict(hdrs, **{"X-Fake-Status": "429"}))
        assert status == 429 and headers["retry-after"] == "2" and check(json.loads(body))


def test_status_header_other_codes_keep_provider_shape(port):
    status, _, body = raw(port, "POST", "/v1/chat/completions", {"model": "m"}, dict(OPENAI_AUTH, **{"X-Fake-Status": "503"}))
    assert status == 503 and set(json.loads(body)["error"]) == {"message", "type", "param", "code"}
    status, _, body = raw(port, "POST", "/v1/messages", {"model": "m"}, dict(ANTHROPIC_AUTH, **{"X-Fake-Status": "529"}))
    assert status == 529 and json.loads(body)["error"]["type"] == "overloaded_error"
    status, _, body = raw(port, "POST", "/v1beta/models/g:generateContent", {}, dict(GEMINI_AUTH, **{"X-Fake-Status": "503"}))
    assert status == 503 and json.loads(body)["error"]["status"] == "UNAVAILABLE"


def test_reset_after_closes_mid_stream(port):
    resp, _ = raw_socket_exchange(port, post_bytes(
        "/v1/chat/completions", {"model": "m", "stream": True, "stream_options": {"include_usage": True}},
        dict(OPENAI_AUTH, **{"X-Fake-Reset-After": "3"})))
    status, _, body = split_response(resp)
    chunks, terminated = dechunk(body)
    assert status == 200 and len(chunks) == 3 and not terminated
    assert not body.endswith(b"0\r\n\r\n")


def test_reset_after_breaks_the_sdk_stream(base):
    c = oai(base, default_headers={"X-Fake-Reset-After": "4"})
    stream = c.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}], stream=True,
                                       stream_options={"include_usage": True})
    got = []
    with pytest.raises(Exception):
        for ch in stream:
            got.append(ch)
    assert len(got) == 4 and all(ch.usage is None for ch in got)


def test_reset_after_non_stream_truncates_body(port):
    resp, _ = raw_socket_exchange(port, post_bytes(
        "/v1/messages", {"model": "m"}, dict(ANTHROPIC_AUTH, **{"X-Fake-Reset-After": "50"})))
    status, headers, body = split_response(resp)
    assert status == 200 and int(headers["content-length"]) > 50 and len(body) == 50


def test_gzip_non_stream(port):
    status, headers, body = raw(port, "POST", "/v1/chat/completions", {"model": "m"},
                                dict(OPENAI_AUTH, **{"X-Fake-Gzip": "1", "Accept-Encoding": "gzip"}))
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(body))["usage"]["total_tokens"] == 2430
    # not allowed by Accept-Encoding -> identity
    status, headers, body = raw(port, "POST", "/v1/chat/completions", {"model": "m"},
                                dict(OPENAI_AUTH, **{"X-Fake-Gzip": "1", "Accept-Encoding": "identity"}))
    assert "content-encoding" not in headers and json.loads(body)["usage"]["total_tokens"] == 2430
    status, headers, body = raw(port, "POST", "/v1/chat/completions", {"model": "m"},
                                dict(OPENAI_AUTH, **{"X-Fake-Gzip": "1", "Accept-Encoding": "gzip;q=0"}))
    assert "content-encoding" not in headers


def test_gzip_stream_flushes_per_event(port):
    resp, _ = raw_socket_exchange(port, post_bytes(
        "/v1/messages", {"model": "m", "stream": True},
        dict(ANTHROPIC_AUTH, **{"X-Fake-Gzip": "1", "Accept-Encoding": "gzip, deflate"})))
    status, headers, body = split_response(resp)
    assert headers["content-encoding"] == "gzip"
    chunks, terminated = dechunk(body)
    assert terminated
    d = zlib.decompressobj(31)
    first = d.decompress(chunks[0])  # decodable on its own: sync flush per event
    assert first.startswith(b"event: message_start\ndata: ")
    rest = b"".join(d.decompress(c) for c in chunks[1:]) + d.flush()
    expected = (FIXTURES / "anthropic-messages-stream.sse").read_bytes().replace(
        b'"claude-sonnet-4-5-20250929"', b'"m"')
    assert first + rest == expected


def test_gzip_through_sdk(base):
    c = ant(base, default_headers={"X-Fake-Gzip": "1"})
    with c.messages.stream(model="claude-sonnet-4-5", max_tokens=64, messages=[{"role": "user", "content": "x"}]) as s:
        final = s.get_final_message()
    assert final.usage.output_tokens == 58


def test_usage_override(base):
    c = oai(base, default_headers={"X-Fake-Usage": "prompt_tokens=1000,cached_tokens=200,completion_tokens=50"})
    r = c.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": "x"}])
    assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (1000, 50, 1050)
    assert r.usage.prompt_tokens_details.cached_tokens == 200
    chunks = list(c.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}], stream=True,
                                            stream_options={"include_usage": True}))
    assert chunks[-1].usage.total_tokens == 1050 and chunks[-1].usage.prompt_tokens_details.cached_tokens == 200

    a = ant(base, default_headers={"X-Fake-Usage": "input_tokens=7,cache_read_input_tokens=70000,output_tokens=9"})
    with a.messages.stream(model="claude-sonnet-4-5", max_tokens=8, messages=[{"role": "user", "content": "x"}]) as s:
        final = s.get_final_message()
    assert (final.usage.input_tokens, final.usage.cache_read_input_tokens, final.usage.output_tokens) == (7, 70000, 9)

    g = gem(base, headers={"X-Fake-Usage": "promptTokenCount=300000,cachedContentTokenCount=0"})
    r = g.models.generate_content(model="gemini-2.5-pro", contents="x")
    u = r.usage_metadata
    assert u.prompt_token_count == 300000 and u.total_token_count == 300000 + 421 + 1309
    assert u.prompt_tokens_details[0].token_count == 300000


def test_usage_override_keeps_wire_spelling(port):
    status, _, body = raw(port, "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", {},
                          dict(GEMINI_AUTH, **{"X-Fake-Usage": "promptTokenCount=5"}))
    text = body.decode()
    assert text.count("\r\n\r\n") == 4 and '"promptTokenCount": 5,' in text and text.startswith('data: {"candidates": [')


def test_request_recording_and_clear(base, port):
    raw(port, "POST", "/v1/chat/completions?foo=bar", {"model": "m", "x": 1},
        dict(OPENAI_AUTH, **{"X-TokenLens-Test": "leak"}))
    reqs = recorded(base)
    assert len(reqs) == 1
    r = reqs[0]
    assert r["method"] == "POST" and r["path"] == "/v1/chat/completions?foo=bar"
    assert r["json"] == {"model": "m", "x": 1} and r["headers"]["x-tokenlens-test"] == "leak"
    assert ["X-TokenLens-Test", "leak"] in r["raw_headers"]
    status, _, _ = raw(port, "DELETE", "/_fake/requests")
    assert status == 200 and recorded(base) == []


def test_chunked_request_body_is_read(port):
    body = json.dumps({"model": "m", "messages": []}).encode()
    req = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
           b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + b"%x\r\n" % 10 + body[:10] + b"\r\n" + b"%x\r\n" % (len(body) - 10) + body[10:] + b"\r\n0\r\n\r\n")
    resp, _ = raw_socket_exchange(port, req)
    status, _, out = split_response(resp)
    assert status == 200 and json.loads(out)["model"] == "m"


def test_keep_alive_reuses_connection(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    for _ in range(3):
        conn.request("POST", "/v1/chat/completions", body=json.dumps({"model": "m", "stream": True}),
                     headers=dict(OPENAI_AUTH, **{"Content-Type": "application/json"}))
        r = conn.getresponse()
        assert r.status == 200 and r.read().endswith(b"data: [DONE]\n\n")
    sock = conn.sock
    conn.request("GET", "/v1/models", headers=OPENAI_AUTH)
    assert conn.getresponse().read() and conn.sock is sock
    conn.close()


def test_cli_prints_listening_port():
    proc = subprocess.Popen([sys.executable, str(HERE / "fake_upstream.py"), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("LISTENING ")
        p = int(line.split()[1])
        status, _, _ = raw(p, "GET", "/_fake/health")
        assert status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=5)
