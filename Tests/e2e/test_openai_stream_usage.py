"""OpenAI chat streams are priced even when the client did not ask for usage.

TokenLens asks upstream for ``stream_options.include_usage: true`` and removes the extra usage
chunk (and the ``"usage":null`` members) so the client receives exactly the plain stream; when the
client asked for usage itself, the stream passes through untouched.
"""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, OPENAI_AUTH, OPENAI_KEY, assert_ok_timings, assert_record, sse_blocks, tag_headers

openai = pytest.importorskip("openai")

MSGS = [{"role": "user", "content": "What is the capital of France?"}]
USAGE = dict(provider="openai", endpoint="chat.completions", requested_model="gpt-4.1-mini", model="gpt-4.1-mini",
             stream=True, outcome="ok", status_code=200, input_tokens=294, output_tokens=8, cache_read_tokens=1920,
             cache_write_tokens=0, reasoning_tokens=0, cost_usd=0.0003224, priced=True)


def fixture_stream(name, model="gpt-4.1-mini") -> bytes:
    return (FIXTURES / name).read_bytes().replace(b'"gpt-4.1-mini-2025-04-14"', json.dumps(model).encode())


def post_stream(daemon, tag, body, extra=None):
    headers = dict(OPENAI_AUTH, **tag_headers(tag), **(extra or {}))
    return daemon.request("POST", "/proxy/openai/v1/chat/completions", body, headers)


@pytest.mark.parametrize("stream_options", [None, {"include_usage": False}, {}],
                         ids=["no-stream-options", "include-usage-false", "empty-stream-options"])
def test_client_without_include_usage_gets_plain_stream(fake, daemon, tag, stream_options):
    body = {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True, "temperature": 0.2}
    if stream_options is not None:
        body["stream_options"] = stream_options
    status, headers, data = post_stream(daemon, tag, body)
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    plain = fixture_stream("openai-chat-stream.sse")
    assert data == plain, "the client must receive exactly the stream it asked for"
    assert b'"usage"' not in data and b'"usage":null' not in data
    assert data.endswith(b"data: [DONE]\n\n")
    # the fake was asked for usage, and got every other field unchanged
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1
    got = sent[0]["json"]
    assert got["stream_options"]["include_usage"] is True
    expected_rest = {k: v for k, v in body.items() if k != "stream_options"}
    assert {k: v for k, v in got.items() if k != "stream_options"} == expected_rest
    assert set(got["stream_options"]) == set(stream_options or {}) | {"include_usage"}
    rec = daemon.settle(tag, 1)
    assert len(rec) == 1
    assert_record(rec[0], **USAGE)
    assert_ok_timings(rec[0])


def test_client_with_include_usage_gets_stream_untouched(fake, daemon, tag):
    body = {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True, "stream_options": {"include_usage": True}}
    raw = json.dumps(body, separators=(",", ":")).encode()
    status, _, data = post_stream(daemon, tag, raw, {"Content-Type": "application/json"})
    assert status == 200
    assert data == fixture_stream("openai-chat-stream-include-usage.sse")
    blocks = sse_blocks(data)
    last = json.loads(blocks[-2].removeprefix(b"data: "))
    assert last["choices"] == [] and last["usage"]["prompt_tokens"] == 2214
    assert data.count(b'"usage":null') == len(blocks) - 2
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1 and sent[0]["body"].encode() == raw  # request body forwarded byte for byte
    rec = daemon.settle(tag, 1)
    assert len(rec) == 1
    assert_record(rec[0], **USAGE)


def test_sdk_without_include_usage_sees_no_usage_chunk(fake, daemon, tag):
    c = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0,
                      default_headers=tag_headers(tag))
    chunks = list(c.chat.completions.create(model="gpt-4.1-mini", messages=MSGS, stream=True))
    assert chunks and all(ch.usage is None for ch in chunks) and all(ch.choices for ch in chunks)
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == "The capital of France is Paris."
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert fake.requests_tagged(tag)[0]["json"]["stream_options"] == {"include_usage": True}
    assert_record(daemon.wait_tag(tag), **USAGE, source="openai-python")


def test_non_stream_body_is_not_rewritten(fake, daemon, tag):
    raw = b'{"model": "gpt-5-mini",  "messages": [{"role":"user","content":"x"}], "stream": false}'
    status, _, _ = post_stream(daemon, tag, raw, {"Content-Type": "application/json"})
    assert status == 200
    assert fake.requests_tagged(tag)[0]["body"].encode() == raw
    assert_record(daemon.wait_tag(tag), endpoint="chat.completions", stream=False, input_tokens=307)
