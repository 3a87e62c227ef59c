"""Every supported call goes through the proxy unchanged and is recorded exactly.

For each endpoint, non-stream and stream:
* the official SDK returns the same content through the proxy as directly against the fake;
* at the HTTP level, the body bytes through the proxy equal the direct bytes (streams too);
* the recorded call has the exact tokens and cost (hand-computed from the price table),
  the right provider/endpoint/models/stream flag, outcome ok, status 200, and timings.
"""
from __future__ import annotations

import json

import pytest

from conftest import (ANTHROPIC_AUTH, ANTHROPIC_KEY, FIXTURES, GOOGLE_AUTH, GOOGLE_KEY, OPENAI_AUTH,
                      OPENAI_KEY, assert_ok_timings, assert_record, http_request, tag_headers)

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
genai = pytest.importorskip("google.genai")
from google.genai import types as gtypes  # noqa: E402

MSGS = [{"role": "user", "content": "What is prompt caching?"}]


# ------------------------------------------------------------------ clients
def oai(base, headers):
    return openai.OpenAI(api_key=OPENAI_KEY, base_url=base, max_retries=0, default_headers=headers, timeout=15)


def ant(base, headers):
    return anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=base, max_retries=0, default_headers=headers,
                               timeout=15)


def gem(base, headers):
    return genai.Client(api_key=GOOGLE_KEY, http_options=gtypes.HttpOptions(base_url=base, headers=headers))


def dump(obj):
    """Comparable form of an SDK object (google-genai objects carry the HTTP headers: drop them)."""
    d = obj.model_dump(mode="json")
    d.pop("sdk_http_response", None)
    return d


def both(fake, daemon, provider, tag, call):
    """Runs ``call(client)`` directly against the fake and through the proxy; returns both results."""
    h = tag_headers(tag)
    factory = {"openai": oai, "anthropic": ant, "google": gem}[provider]
    direct_base = fake.base + ("/v1" if provider == "openai" else "")
    direct = call(factory(direct_base, h))
    proxied = call(factory(daemon.proxy(provider), h))
    return direct, proxied


# ------------------------------------------------------------------ expected records
CHAT = dict(provider="openai", endpoint="chat.completions", requested_model="gpt-5-mini", model="gpt-5-mini",
            stream=False, input_tokens=307, output_tokens=587, cache_read_tokens=1536, cache_write_tokens=0,
            reasoning_tokens=448, cost_usd=0.00128915, priced=True)
CHAT_STREAM = dict(provider="openai", endpoint="chat.completions", requested_model="gpt-4.1-mini",
                   model="gpt-4.1-mini", stream=True, input_tokens=294, output_tokens=8, cache_read_tokens=1920,
                   cache_write_tokens=0, reasoning_tokens=0, cost_usd=0.0003224, priced=True)
RESPONSES = dict(provider="openai", endpoint="responses", requested_model="gpt-5", model="gpt-5", stream=False,
                 input_tokens=1079, output_tokens=912, cache_read_tokens=2048, reasoning_tokens=704,
                 cost_usd=0.01072475, priced=True)
RESPONSES_STREAM = dict(provider="openai", endpoint="responses", requested_model="gpt-5", model="gpt-5",
                        stream=True, input_tokens=769, output_tokens=371, cache_read_tokens=1792,
                        reasoning_tokens=256, cost_usd=0.00489525, priced=True)
EMBEDDINGS = dict(provider="openai", endpoint="embeddings", requested_model="text-embedding-3-small",
                  model="text-embedding-3-small", stream=False, input_tokens=17, output_tokens=0,
                  cache_read_tokens=0, cost_usd=3.4e-07, priced=True)
MESSAGES = dict(provider="anthropic", endpoint="messages", requested_model="claude-sonnet-4-5",
                model="claude-sonnet-4-5", stream=False, input_tokens=412, output_tokens=297,
                cache_read_tokens=18944, cache_write_tokens=5210, cache_write_1h_tokens=2138,
                cost_usd=0.0357222, priced=True)
MESSAGES_STREAM = dict(provider="anthropic", endpoint="messages", requested_model="claude-sonnet-4-5",
                       model="claude-sonnet-4-5", stream=True, input_tokens=329, output_tokens=58,
                       cache_read_tokens=9216, cache_write_tokens=1584, cache_write_1h_tokens=560,
                       cost_usd=0.0118218, priced=True)
THINKING_STREAM = dict(provider="anthropic", endpoint="messages", requested_model="claude-opus-4-1-20250805",
                       model="claude-opus-4-1-20250805", stream=True, input_tokens=86, output_tokens=742,
                       cache_read_tokens=0, cache_write_tokens=0, cost_usd=None, priced=False)
GEMINI = dict(provider="google", endpoint="generateContent", requested_model="gemini-2.5-pro",
              model="gemini-2.5-pro", stream=False, input_tokens=4681, output_tokens=1730, cache_read_tokens=8192,
              reasoning_tokens=1309, cost_usd=0.02417525, priced=True)
GEMINI_LONG = dict(GEMINI, input_tokens=183195, output_tokens=3841, cache_read_tokens=65536, reasoning_tokens=2817,
                   cost_usd=0.5319865)
GEMINI_STREAM = dict(provider="google", endpoint="streamGenerateContent", requested_model="gemini-2.5-flash",
                     model="gemini-2.5-flash", stream=True, input_tokens=219, output_tokens=690,
                     cache_read_tokens=512, reasoning_tokens=602, cost_usd=0.00180606, priced=True)
OK = dict(outcome="ok", status_code=200, blocked_by=None, error=None)


def check(daemon, tag, expected, source=None, count=1):
    """Exactly ``count`` (=1: the proxied call) records with the tag, with the expected fields."""
    recs = daemon.settle(tag, count)
    assert len(recs) == count, recs
    rec = recs[0]
    assert_record(rec, **OK, **expected)
    if source:
        assert rec["source"] == source
    assert rec["tags"] == {"t": tag}
    assert_ok_timings(rec)
    assert rec["attempts"] == 1
    return rec


# ================================================================== SDKs
def test_openai_sdk_chat(fake, daemon, tag):
    d, p = both(fake, daemon, "openai", tag,
                lambda c: c.chat.completions.create(model="gpt-5-mini", messages=MSGS))
    assert dump(p) == dump(d)
    assert p.choices[0].message.content.startswith("Prompt caching lets the API")
    assert p.usage.prompt_tokens == 1843
    check(daemon, tag, CHAT, source="openai-python")


def test_openai_sdk_chat_stream_with_include_usage(fake, daemon, tag):
    d, p = both(fake, daemon, "openai", tag, lambda c: [dump(ch) for ch in c.chat.completions.create(
        model="gpt-4.1-mini", messages=MSGS, stream=True, stream_options={"include_usage": True})])
    assert p == d
    assert p[-1]["usage"]["prompt_tokens"] == 2214 and p[-1]["choices"] == []
    assert "".join(ch["choices"][0]["delta"].get("content") or "" for ch in p if ch["choices"]).startswith(
        "The capital")
    check(daemon, tag, CHAT_STREAM, source="openai-python")


def test_openai_sdk_chat_stream_without_include_usage(fake, daemon, tag):
    d, p = both(fake, daemon, "openai", tag, lambda c: [dump(ch) for ch in c.chat.completions.create(
        model="gpt-4.1-mini", messages=MSGS, stream=True)])
    assert p == d
    assert all(ch["usage"] is None for ch in p) and all(ch["choices"] for ch in p)
    check(daemon, tag, CHAT_STREAM, source="openai-python")


def test_openai_sdk_responses(fake, daemon, tag):
    d, p = both(fake, daemon, "openai", tag, lambda c: c.responses.create(model="gpt-5", input="Summarise"))
    assert dump(p) == dump(d)
    assert p.output_text and p.output_text == d.output_text
    check(daemon, tag, RESPONSES, source="openai-python")


def test_openai_sdk_responses_stream(fake, daemon, tag):
    d, p = both(fake, daemon, "openai", tag, lambda c: [dump(ev) for ev in c.responses.create(
        model="gpt-5", input="Summarise", stream=True)])
    assert p == d
    assert p[-1]["type"] == "response.completed" and p[-1]["response"]["usage"]["output_tokens"] == 371
    check(daemon, tag, RESPONSES_STREAM, source="openai-python")


def test_openai_sdk_embeddings(fake, daemon, tag):
    d, p = both(fake, daemon, "openai", tag,
                lambda c: c.embeddings.create(model="text-embedding-3-small", input="hello world"))
    assert dump(p) == dump(d)
    assert len(p.data[0].embedding) > 0 and p.usage.prompt_tokens == 17
    check(daemon, tag, EMBEDDINGS, source="openai-python")


def test_anthropic_sdk_messages(fake, daemon, tag):
    d, p = both(fake, daemon, "anthropic", tag,
                lambda c: c.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=MSGS))
    assert dump(p) == dump(d)
    assert p.usage.cache_read_input_tokens == 18944 and p.content[0].text
    check(daemon, tag, MESSAGES, source="anthropic-python")


def test_anthropic_sdk_messages_stream(fake, daemon, tag):
    def call(c):
        with c.messages.stream(model="claude-sonnet-4-5", max_tokens=512, messages=MSGS) as s:
            texts = list(s.text_stream)
            return texts, dump(s.get_final_message())

    (dt, dm), (pt, pm) = both(fake, daemon, "anthropic", tag, call)
    assert pt == dt and pm == dm
    assert "".join(pt).startswith("The three largest line items") and pm["usage"]["output_tokens"] == 58
    check(daemon, tag, MESSAGES_STREAM, source="anthropic-python")


def test_anthropic_sdk_raw_event_stream(fake, daemon, tag):
    d, p = both(fake, daemon, "anthropic", tag, lambda c: [dump(ev) for ev in c.messages.create(
        model="claude-sonnet-4-5", max_tokens=512, messages=MSGS, stream=True)])
    assert p == d
    assert [ev["type"] for ev in p][:2] == ["message_start", "content_block_start"]
    check(daemon, tag, MESSAGES_STREAM, source="anthropic-python")


def test_anthropic_sdk_thinking_stream_unpriced_model(fake, daemon, tag):
    def call(c):
        with c.messages.stream(model="claude-opus-4-1-20250805", max_tokens=2048, messages=MSGS,
                               thinking={"type": "enabled", "budget_tokens": 1024}) as s:
            return dump(s.get_final_message())

    d, p = both(fake, daemon, "anthropic", tag, call)
    assert p == d
    assert p["content"][0]["type"] == "thinking"
    rec = check(daemon, tag, THINKING_STREAM, source="anthropic-python")
    assert rec["cost_usd"] is None and rec["priced"] is False


def test_gemini_sdk_generate_content(fake, daemon, tag):
    d, p = both(fake, daemon, "google", tag,
                lambda c: c.models.generate_content(model="gemini-2.5-pro", contents="Summarise the report"))
    assert dump(p) == dump(d)
    assert p.text.startswith("The report makes three claims")
    check(daemon, tag, GEMINI, source="google-genai")


def test_gemini_sdk_generate_content_long_context(fake, daemon, tag):
    tag_h = {"X-Fake-Fixture": "gemini-generate-content-long-context.json"}

    def call(c):
        return c.models.generate_content(model="gemini-2.5-pro", contents="x",
                                         config=gtypes.GenerateContentConfig(
                                             http_options=gtypes.HttpOptions(headers=dict(
                                                 tag_headers(tag), **tag_h))))

    d, p = both(fake, daemon, "google", tag, call)
    assert dump(p) == dump(d)
    assert p.usage_metadata.prompt_token_count == 248731
    check(daemon, tag, GEMINI_LONG, source="google-genai")


def test_gemini_sdk_generate_content_stream(fake, daemon, tag):
    d, p = both(fake, daemon, "google", tag, lambda c: [dump(ch) for ch in c.models.generate_content_stream(
        model="gemini-2.5-flash", contents="Why is the sky blue?")])
    assert p == d
    assert len(p) == 4 and p[-1]["usage_metadata"]["total_token_count"] == 1421
    check(daemon, tag, GEMINI_STREAM, source="google-genai")


# ================================================================== raw HTTP, byte for byte
RAW_CASES = {
    "chat": ("openai", "/v1/chat/completions", {"model": "gpt-5-mini", "messages": MSGS}, {}, CHAT),
    "chat-stream-include-usage": ("openai", "/v1/chat/completions",
                                  {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True,
                                   "stream_options": {"include_usage": True}}, {}, CHAT_STREAM),
    "responses": ("openai", "/v1/responses", {"model": "gpt-5", "input": "hi"}, {}, RESPONSES),
    "responses-stream": ("openai", "/v1/responses", {"model": "gpt-5", "input": "hi", "stream": True}, {},
                         RESPONSES_STREAM),
    "embeddings": ("openai", "/v1/embeddings", {"model": "text-embedding-3-small", "input": "hello world"}, {},
                   EMBEDDINGS),
    "messages": ("anthropic", "/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 512, "messages": MSGS},
                 {}, MESSAGES),
    "messages-stream": ("anthropic", "/v1/messages",
                        {"model": "claude-sonnet-4-5", "max_tokens": 512, "messages": MSGS, "stream": True}, {},
                        MESSAGES_STREAM),
    "gemini": ("google", "/v1beta/models/gemini-2.5-pro:generateContent",
               {"contents": [{"parts": [{"text": "x"}]}]}, {}, GEMINI),
    "gemini-long-context": ("google", "/v1beta/models/gemini-2.5-pro:generateContent",
                            {"contents": [{"parts": [{"text": "x"}]}]},
                            {"X-Fake-Fixture": "gemini-generate-content-long-context.json"}, GEMINI_LONG),
    "gemini-stream-sse": ("google", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                          {"contents": [{"parts": [{"text": "x"}]}]}, {}, GEMINI_STREAM),
    "gemini-stream-json-array": ("google", "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                                 {"contents": [{"parts": [{"text": "x"}]}]}, {}, GEMINI_STREAM),
}
AUTH = {"openai": OPENAI_AUTH, "anthropic": ANTHROPIC_AUTH, "google": GOOGLE_AUTH}


@pytest.mark.parametrize("case", list(RAW_CASES))
def test_raw_bytes_equal_direct(fake, daemon, tag, case):
    provider, path, body, extra, expected = RAW_CASES[case]
    headers = dict(AUTH[provider], **extra, **tag_headers(tag), **{"User-Agent": "e2e-raw/1"})
    data = json.dumps(body).encode()
    s_direct, h_direct, b_direct = http_request(fake.port, "POST", path, data,
                                                dict(headers, **{"Content-Type": "application/json"}))
    s_proxy, h_proxy, b_proxy = daemon.request("POST", f"/proxy/{provider}{path}", data,
                                               dict(headers, **{"Content-Type": "application/json"}))
    assert s_direct == 200 and s_proxy == 200
    assert b_proxy == b_direct
    # the provider's response headers reach the client (Date and framing may differ)
    for k, v in h_direct.items():
        if k not in ("date", "content-length", "transfer-encoding", "connection", "keep-alive"):
            assert h_proxy.get(k) == v, (k, h_proxy.get(k), v)
    assert h_proxy.get("x-tokenlens-request-id") and h_proxy.get("x-tokenlens-policy")
    rec = check(daemon, tag, expected)
    assert rec["id"] == h_proxy["x-tokenlens-request-id"]
    assert rec["policy_version"] == h_proxy["x-tokenlens-policy"]
    assert rec["source"] == "unknown"  # an unrecognised User-Agent and no source header
    # the request reached the fake unchanged (the proxy only rewrites OpenAI stream_options)
    sent = [r for r in fake.requests_tagged(tag)]
    assert len(sent) == 2 and sent[0]["body"] == sent[1]["body"] == data.decode()
    assert sent[1]["path"] == path


def test_get_and_query_string_pass_through(fake, daemon, tag):
    s, h, b = daemon.request("GET", "/proxy/openai/v1/models", None, {**OPENAI_AUTH, **tag_headers(tag)})
    assert s == 200 and b == (FIXTURES / "openai-models.json").read_bytes()
    q = "/v1/chat/completions?api-version=2025-01-01&x=%20y&x=2"
    s, _, _ = daemon.request("POST", f"/proxy/openai{q}", {"model": "gpt-5-mini", "messages": MSGS},
                             {**OPENAI_AUTH, **tag_headers(tag)})
    assert s == 200
    sent = fake.requests_tagged(tag)
    assert [(r["method"], r["path"]) for r in sent] == [("GET", "/v1/models"), ("POST", q)]
    recs = daemon.wait_tag(tag, count=2)
    chat = [r for r in recs if r["endpoint"] == "chat.completions"]
    assert len(chat) == 1 and chat[0]["cost_usd"] == pytest.approx(0.00128915, abs=1e-12)


def test_raw_stream_body_matches_fixture_file(fake, daemon, tag):
    """The Google JSON-array stream arrives exactly as the fixture (a second, independent check that
    the byte comparison above compares real content)."""
    s, h, b = daemon.request("POST", "/proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                             {"contents": []}, dict(GOOGLE_AUTH, **tag_headers(tag)))
    assert s == 200
    assert b == (FIXTURES / "gemini-stream-generate-content.json").read_bytes()
    check(daemon, tag, GEMINI_STREAM)


def test_unknown_model_is_unpriced_and_listed_in_kpi(fake, daemon, tag):
    s, _, b = daemon.request("POST", "/proxy/openai/v1/chat/completions",
                             {"model": "my-local-llama", "messages": MSGS},
                             dict(OPENAI_AUTH, **tag_headers(tag), **{
                                 "X-Fake-Usage": "prompt_tokens=1000,cached_tokens=200,completion_tokens=50,"
                                                 "reasoning_tokens=0"}))
    assert s == 200 and json.loads(b)["usage"]["prompt_tokens"] == 1000
    rec = check(daemon, tag, dict(provider="openai", endpoint="chat.completions", requested_model="my-local-llama",
                                  model="my-local-llama", stream=False, input_tokens=800, output_tokens=50,
                                  cache_read_tokens=200, cost_usd=None, priced=False))
    assert rec["cost_usd"] is None
    kpi = daemon.get_json("/api/usage/kpi?days=1")
    assert "my-local-llama" in json.dumps(kpi["unpriced_models"])
    assert kpi["unpriced_calls"] >= 1


# ================================================================== served model differs from requested
SERVED_CASES = {
    # name: (provider, path, body, served model in the fixture, expected record)
    "chat": ("openai", "/v1/chat/completions", {"model": "gpt-5-mini", "messages": MSGS},
             "gpt-5-mini-2025-08-07", CHAT),
    "chat-stream": ("openai", "/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True},
                    "gpt-4.1-mini-2025-04-14", CHAT_STREAM),
    "responses": ("openai", "/v1/responses", {"model": "gpt-5", "input": "hi"}, "gpt-5-2025-08-07", RESPONSES),
    "responses-stream": ("openai", "/v1/responses", {"model": "gpt-5", "input": "hi", "stream": True},
                         "gpt-5-2025-08-07", RESPONSES_STREAM),
    "messages": ("anthropic", "/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 9, "messages": MSGS},
                 "claude-sonnet-4-5-20250929", MESSAGES),
    "messages-stream": ("anthropic", "/v1/messages",
                        {"model": "claude-sonnet-4-5", "max_tokens": 9, "messages": MSGS, "stream": True},
                        "claude-sonnet-4-5-20250929", MESSAGES_STREAM),
}


@pytest.mark.parametrize("case", list(SERVED_CASES))
def test_served_model_is_recorded_and_priced(fake, daemon, tag, case):
    """The upstream answers with a dated model id (X-Fake-Model: fixture): the record keeps the
    requested model, records the served one, and prices it by its dated entry."""
    provider, path, body, served, expected = SERVED_CASES[case]
    s, _, b = daemon.request("POST", f"/proxy/{provider}{path}", body,
                             {**AUTH[provider], **tag_headers(tag), "X-Fake-Model": "fixture"})
    assert s == 200 and served.encode() in b
    check(daemon, tag, dict(expected, model=served))
