#!/usr/bin/env python3
"""Regenerates the provider response fixtures in Tests/Fixtures/providers/.

The fixtures are written byte-for-byte in the wire format each provider uses
(see Tests/Fixtures/providers/SOURCES.md for where each shape was checked):

* OpenAI: non-stream bodies pretty-printed with 2 spaces, error bodies with 4
  spaces plus a trailing newline, SSE `data: {compact json}\\n\\n` (Responses
  API adds an `event:` line), chat streams end with `data: [DONE]\\n\\n`.
* Anthropic: compact JSON bodies, SSE `event: X\\ndata: {compact json}\\n\\n`
  (the ping event is spelled `{"type": "ping"}`).
* Google: pretty-printed 2-space JSON plus a trailing newline; `alt=sse`
  streams are `data: {json}\\r\\n\\r\\n` in Google's spelling (`": "` after
  keys, bare `,` between items); the default stream is a JSON array of
  pretty-printed chunk objects separated by `\\n,\\r\\n` and closed by `\\n]`.

Usage numbers are distinct per file on purpose, so that a test using the wrong
field (or the wrong fixture) fails. Run: python3 Tests/e2e/make_fixtures.py
"""
from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "Fixtures" / "providers"


# ---------------------------------------------------------------- serializers
def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def google_compact(obj) -> str:
    return json.dumps(obj, separators=(",", ": "))


def pretty(obj, indent=2) -> str:
    return json.dumps(obj, indent=indent)


def write(name: str, text: str) -> None:
    path = OUT / name
    path.write_bytes(text.encode("utf-8"))
    print(f"wrote {path.relative_to(OUT.parents[2])} ({len(text)} bytes)")


# ===================================================================== OpenAI
def openai_chat() -> None:
    body = {
        "id": "chatcmpl-CQ4h2kTn8vR1xZqYbW3eLm9sUoPdA",
        "object": "chat.completion",
        "created": 1760640163,
        "model": "gpt-5-mini-2025-08-07",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": (
                        "Prompt caching lets the API reuse the already-processed prefix of a "
                        "long prompt. When the first 1,024+ tokens of a request match a recent "
                        "request, those tokens are billed at the cached-input rate and the "
                        "response starts sooner, so keep stable instructions at the start of "
                        "the prompt and put the variable parts at the end."
                    ),
                    "refusal": None,
                    "annotations": [],
                },
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": 1843,
            "completion_tokens": 587,
            "total_tokens": 2430,
            "prompt_tokens_details": {"cached_tokens": 1536, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 448,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        },
        "service_tier": "default",
        "system_fingerprint": None,
    }
    write("openai-chat.json", pretty(body) + "\n")


def openai_chat_streams() -> None:
    base = {
        "id": "chatcmpl-CQ4jX7bN2pLs0KdVwE5yHq8rTf3Gz",
        "object": "chat.completion.chunk",
        "created": 1760640301,
        "model": "gpt-4.1-mini-2025-04-14",
        "service_tier": "default",
        "system_fingerprint": "fp_6f2eabb9a5",
    }
    deltas = [{"role": "assistant", "content": "", "refusal": None}] + [
        {"content": t} for t in ["The", " capital", " of", " France", " is", " Paris", "."]
    ]
    obfuscation = ["Qk3vT9aZ", "u7RfLq1", "Xw2", "Pd0sNb", "Zt", "Hq4mW", "cV8", "rYt5Ke", "yN1s", "J6pHcDq"]
    chunks = []  # (object without usage, obfuscation)
    for i, d in enumerate(deltas):
        chunks.append({"choices": [{"index": 0, "delta": d, "logprobs": None, "finish_reason": None}]})
    chunks.append({"choices": [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]})
    usage = {
        "prompt_tokens": 2214,
        "completion_tokens": 8,
        "total_tokens": 2222,
        "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }

    with_usage, without_usage = [], []
    for i, c in enumerate(chunks):
        a = dict(base, choices=c["choices"], usage=None, obfuscation=obfuscation[i])
        b = dict(base, choices=c["choices"], obfuscation=obfuscation[i])
        with_usage.append(a)
        without_usage.append(b)
    with_usage.append(dict(base, choices=[], usage=usage, obfuscation=obfuscation[len(chunks)]))

    def sse(objs):
        return "".join(f"data: {compact(o)}\n\n" for o in objs) + "data: [DONE]\n\n"

    write("openai-chat-stream-include-usage.sse", sse(with_usage))
    write("openai-chat-stream.sse", sse(without_usage))


def responses_object(rid, created, model, status, service_tier, output, usage, billing):
    obj = {
        "id": rid,
        "object": "response",
        "created_at": created,
        "status": status,
        "background": False,
    }
    if billing:
        obj["billing"] = {"payer": "developer"}
    obj.update(
        {
            "error": None,
            "incomplete_details": None,
            "instructions": None,
            "max_output_tokens": None,
            "max_tool_calls": None,
            "model": model,
            "output": output,
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "prompt_cache_key": None,
            "prompt_cache_retention": None,
            "reasoning": {"effort": "medium", "summary": None},
            "safety_identifier": None,
            "service_tier": service_tier,
            "store": True,
            "temperature": 1,
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": "auto",
            "tools": [],
            "top_logprobs": 0,
            "top_p": 1,
            "truncation": "disabled",
            "usage": usage,
            "user": None,
            "metadata": {},
        }
    )
    return obj


def openai_responses() -> None:
    text = (
        "Use the Batch API for the nightly summaries: it accepts the same request bodies, "
        "returns results within 24 hours and costs half as much as synchronous calls."
    )
    output = [
        {"id": "rs_0b7e4a1d9c2f63580068f0c2012f8c8193a4e6b1d7f05c9e2a", "type": "reasoning", "summary": []},
        {
            "id": "msg_0b7e4a1d9c2f63580068f0c20d6e4881939f2b5c8a1e7d3f40",
            "type": "message",
            "status": "completed",
            "content": [{"type": "output_text", "annotations": [], "logprobs": [], "text": text}],
            "role": "assistant",
        },
    ]
    usage = {
        "input_tokens": 3127,
        "input_tokens_details": {"cached_tokens": 2048},
        "output_tokens": 912,
        "output_tokens_details": {"reasoning_tokens": 704},
        "total_tokens": 4039,
    }
    body = responses_object(
        "resp_0b7e4a1d9c2f63580068f0c1fc3b5c8193b1e5d2f4a7c9e3b1",
        1760641020,
        "gpt-5-2025-08-07",
        "completed",
        "default",
        output,
        usage,
        billing=True,
    )
    write("openai-responses.json", pretty(body) + "\n")


def openai_responses_stream() -> None:
    rid = "resp_05c3e9f7a2b4d6180068f0c3a94e7c81958d2f6b0a3c5e7d91"
    rs_id = "rs_05c3e9f7a2b4d6180068f0c3aa1b508195a7e3c9d1f4b6a802"
    msg_id = "msg_05c3e9f7a2b4d6180068f0c3b2c7f48195b9d4e1a6c8f3e0d5"
    model = "gpt-5-2025-08-07"
    created = 1760641961
    pieces = ["Hello", "!", " Streaming", " works", ":", " this", " reply", " arrived", " in", " pieces", "."]
    obf = ["k3Nf9Qa2Lw", "Zr8xTq1sVb4", "Pm", "u6Yc", "Xe2Rt8Kd0aW", "Hs5j", "qB7", "Lw", "d1Fg9Ve", "N0", "Tz4Kq8Rm2Ys"]
    text = "".join(pieces)
    usage = {
        "input_tokens": 2561,
        "input_tokens_details": {"cached_tokens": 1792},
        "output_tokens": 371,
        "output_tokens_details": {"reasoning_tokens": 256},
        "total_tokens": 2932,
    }
    seq = 0
    events = []

    def ev(obj):
        nonlocal seq
        typ = obj["type"]
        full = {"type": typ, "sequence_number": seq}
        full.update({k: v for k, v in obj.items() if k != "type"})
        seq += 1
        events.append(f"event: {typ}\ndata: {compact(full)}\n\n")

    in_progress = responses_object(rid, created, model, "in_progress", "auto", [], None, billing=False)
    ev({"type": "response.created", "response": in_progress})
    ev({"type": "response.in_progress", "response": in_progress})
    reasoning_item = {"id": rs_id, "type": "reasoning", "summary": []}
    ev({"type": "response.output_item.added", "output_index": 0, "item": reasoning_item})
    ev({"type": "response.output_item.done", "output_index": 0, "item": reasoning_item})
    ev(
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {"id": msg_id, "type": "message", "status": "in_progress", "content": [], "role": "assistant"},
        }
    )
    ev(
        {
            "type": "response.content_part.added",
            "item_id": msg_id,
            "output_index": 1,
            "content_index": 0,
            "part": {"type": "output_text", "annotations": [], "logprobs": [], "text": ""},
        }
    )
    for p, o in zip(pieces, obf):
        ev(
            {
                "type": "response.output_text.delta",
                "item_id": msg_id,
                "output_index": 1,
                "content_index": 0,
                "delta": p,
                "logprobs": [],
                "obfuscation": o,
            }
        )
    ev(
        {
            "type": "response.output_text.done",
            "item_id": msg_id,
            "output_index": 1,
            "content_index": 0,
            "text": text,
            "logprobs": [],
        }
    )
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
    ev({"type": "response.content_part.done", "item_id": msg_id, "output_index": 1, "content_index": 0, "part": part})
    msg_item = {"id": msg_id, "type": "message", "status": "completed", "content": [part], "role": "assistant"}
    ev({"type": "response.output_item.done", "output_index": 1, "item": msg_item})
    done = responses_object(
        rid, created, model, "completed", "default", [reasoning_item, msg_item], usage, billing=False
    )
    ev({"type": "response.completed", "response": done})
    write("openai-responses-stream.sse", "".join(events))


def openai_embeddings() -> None:
    body = {
        "object": "list",
        "data": [
            {
                "object": "embedding",
                "index": 0,
                "embedding": [
                    -0.006929283,
                    -0.005336422,
                    -4.547132e-05,
                    -0.024047505,
                    0.019173292,
                    -0.011835044,
                    0.008415941,
                    0.031170117,
                ],
            }
        ],
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 17, "total_tokens": 17},
    }
    write("openai-embeddings.json", pretty(body) + "\n")


def openai_models() -> None:
    body = {
        "object": "list",
        "data": [
            {"id": "gpt-4.1-mini-2025-04-14", "object": "model", "created": 1744317547, "owned_by": "system"},
            {"id": "gpt-4.1-mini", "object": "model", "created": 1744318173, "owned_by": "system"},
            {"id": "gpt-5-2025-08-07", "object": "model", "created": 1754075360, "owned_by": "system"},
            {"id": "gpt-5", "object": "model", "created": 1754425777, "owned_by": "system"},
            {"id": "gpt-5-mini-2025-08-07", "object": "model", "created": 1754075360, "owned_by": "system"},
            {"id": "gpt-5-mini", "object": "model", "created": 1754425928, "owned_by": "system"},
            {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"},
        ],
    }
    write("openai-models.json", pretty(body) + "\n")


def openai_errors() -> None:
    def err(name, message, typ, param, code):
        write(name, pretty({"error": {"message": message, "type": typ, "param": param, "code": code}}, 4) + "\n")

    err(
        "openai-error-400.json",
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
        "invalid_request_error",
        "max_tokens",
        "unsupported_parameter",
    )
    err(
        "openai-error-401.json",
        "You didn't provide an API key. You need to provide your API key in an Authorization header using "
        "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
        "you're accessing the API from your browser and are prompted for a username and password. You can "
        "obtain an API key from https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        None,
        None,
    )
    err(
        "openai-error-429.json",
        "Rate limit reached for gpt-5-mini in organization org-3kQm7TzR1vXb9NwYp2LhCd5E on tokens per min (TPM): "
        "Limit 500000, Used 498765, Requested 4521. Please try again in 395ms. Visit "
        "https://platform.openai.com/account/rate-limits to learn more.",
        "tokens",
        None,
        "rate_limit_exceeded",
    )
    err(
        "openai-error-500.json",
        "The server had an error processing your request. Sorry about that! You can retry your request, or "
        "contact us through our help center at help.openai.com if you keep seeing this error. (Please include "
        "the request ID req_7c1f0e9a3b2d4c5e8f6a1b0c9d8e7f6a in your email.)",
        "server_error",
        None,
        None,
    )


# ================================================================== Anthropic
SONNET = "claude-sonnet-4-5-20250929"


def anthropic_messages() -> None:
    body = {
        "model": SONNET,
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "content": [
            {
                "type": "text",
                "text": (
                    "Based on the contract you shared, the termination clause (Section 14.2) requires "
                    "90 days of written notice, and the early-termination fee is waived if the notice "
                    "is given within the first renewal window."
                ),
            }
        ],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 412,
            "cache_creation_input_tokens": 5210,
            "cache_read_input_tokens": 18944,
            "cache_creation": {"ephemeral_5m_input_tokens": 3072, "ephemeral_1h_input_tokens": 2138},
            "output_tokens": 297,
            "service_tier": "standard",
            "inference_geo": "not_available",
        },
    }
    write("anthropic-messages.json", compact(body))


def sse_event(name, obj) -> str:
    return f"event: {name}\ndata: {compact(obj)}\n\n"


PING = 'event: ping\ndata: {"type": "ping"}\n\n'


def anthropic_stream() -> None:
    start_usage = {
        "input_tokens": 329,
        "cache_creation_input_tokens": 1584,
        "cache_read_input_tokens": 9216,
        "cache_creation": {"ephemeral_5m_input_tokens": 1024, "ephemeral_1h_input_tokens": 560},
        "output_tokens": 1,
        "service_tier": "standard",
        "inference_geo": "not_available",
    }
    out = [
        sse_event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "model": SONNET,
                    "id": "msg_01QC4g3HwBThD4BaNtBckFDJ",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": start_usage,
                },
            },
        ),
        sse_event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        PING,
    ]
    for t in [
        "The",
        " three largest",
        " line items in the Q3 invoice are cloud compute ($41,200), the data",
        " warehouse licence ($18,750) and support",
        " ($9,300). Together they account for 82% of the total,",
        " so those are the places to look first for savings.",
    ]:
        out.append(
            sse_event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}},
            )
        )
    out.append(sse_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    out.append(
        sse_event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {
                    "input_tokens": 329,
                    "cache_creation_input_tokens": 1584,
                    "cache_read_input_tokens": 9216,
                    "output_tokens": 58,
                },
            },
        )
    )
    out.append(sse_event("message_stop", {"type": "message_stop"}))
    write("anthropic-messages-stream.sse", "".join(out))

    # The same stream interrupted by an overloaded_error event after two deltas.
    err = out[:5] + ['event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n']
    write("anthropic-messages-stream-error.sse", "".join(err))


def anthropic_thinking_stream() -> None:
    model = "claude-opus-4-1-20250805"
    out = [
        sse_event(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "model": model,
                    "id": "msg_01Hq8Zr2VnPk6YwT3sLbE4mD",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": 86,
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0,
                        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
                        "output_tokens": 2,
                        "service_tier": "standard",
                        "inference_geo": "not_available",
                    },
                },
            },
        ),
        sse_event(
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "thinking", "thinking": "", "signature": ""},
            },
        ),
        PING,
    ]
    for t in [
        "The user wants the GCD of 1071 and 462.",
        " Euclid: 1071 = 2*462 + 147; 462 = 3*147 + 21; 147 = 7*21 + 0.",
        " So the GCD is 21. Quick check: 1071/21 = 51 and 462/21 = 22.",
    ]:
        out.append(
            sse_event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": t}},
            )
        )
    out.append(
        sse_event(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {
                    "type": "signature_delta",
                    "signature": (
                        "EqQBCkgIBxABGAIqQDvR2l9sQ3pX8fZkYt0mN5bV7cH1wJ4uE6aK2gS9dP3oL8rT0yU5iM7nB4vC1xF6hG2jQ9e"
                        "W3sA0zR5kY8tEgxPk2Jv7bN0sQ4mW1cYaDA0xN2Q3ZTk4YjE3ZWM4IjBJc0hRb1RtV2xYY3ZZbE5p=="
                    ),
                },
            },
        )
    )
    out.append(sse_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    out.append(
        sse_event(
            "content_block_start",
            {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        )
    )
    for t in [
        "Using the Euclidean algorithm:\n\n1. 1071 = 2 x 462 + 147\n",
        "2. 462 = 3 x 147 + 21\n3. 147 = 7 x 21 + 0\n\n",
        "The last non-zero remainder is **21**, so gcd(1071, 462) = 21.",
    ]:
        out.append(
            sse_event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": t}},
            )
        )
    out.append(sse_event("content_block_stop", {"type": "content_block_stop", "index": 1}))
    out.append(
        sse_event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {
                    "input_tokens": 86,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                    "output_tokens": 742,
                },
            },
        )
    )
    out.append(sse_event("message_stop", {"type": "message_stop"}))
    write("anthropic-messages-thinking-stream.sse", "".join(out))


def anthropic_errors() -> None:
    def err(name, typ, message, request_id):
        write(name, compact({"type": "error", "error": {"type": typ, "message": message}, "request_id": request_id}))

    err("anthropic-error-400.json", "invalid_request_error", "max_tokens: Field required", "req_011CTp8kM4rX2vQ9nB7sLd3F")
    err(
        "anthropic-error-400-version.json",
        "invalid_request_error",
        "anthropic-version: header is required",
        "req_011CTp8mW1cK5yH3tZ6gRa9E",
    )
    err("anthropic-error-401.json", "authentication_error", "x-api-key header is required", "req_011CTp8nP7dJ2wS4qX8bVf1C")
    err("anthropic-error-401-invalid.json", "authentication_error", "invalid x-api-key", "req_011CTp8qR3eL9uT1mY5cWg7B")
    err(
        "anthropic-error-429.json",
        "rate_limit_error",
        "This request would exceed the rate limit for your organization (2f6c9e1a-7b3d-4c8e-9a1f-5d2b8c4e6a70) "
        "of 30,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. "
        "You can see the response headers for current usage. Please reduce the prompt length or the maximum "
        "tokens requested, or try again later. You may also contact sales at https://claude.com/contact-sales "
        "to discuss your options for a rate limit increase.",
        "req_011CTp8sT5fM1vW7nZ2dXh4A",
    )
    err("anthropic-error-500.json", "api_error", "Internal server error", "req_011CTp8uV9gN4xY2pA6eYj8D")
    err("anthropic-error-529.json", "overloaded_error", "Overloaded", "req_011CTp8wX2hP7zA5qB9fZk1G")


# ===================================================================== Google
def gemini_usage(prompt, cached, candidates, thoughts):
    u = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
    }
    if cached:
        u["cachedContentTokenCount"] = cached
    u["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
    if cached:
        u["cacheTokensDetails"] = [{"modality": "TEXT", "tokenCount": cached}]
    u["thoughtsTokenCount"] = thoughts
    return u


def gemini_generate() -> None:
    body = {
        "candidates": [
            {
                "content": {
                    "parts": [
                        {
                            "text": (
                                "The report makes three claims. First, revenue grew 14% year over year, driven "
                                "mainly by the enterprise tier. Second, churn fell from 3.1% to 2.4% after the "
                                "onboarding redesign. Third, gross margin is flat because infrastructure costs "
                                "grew as fast as revenue."
                            )
                        }
                    ],
                    "role": "model",
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": gemini_usage(12873, 8192, 421, 1309),
        "modelVersion": "gemini-2.5-pro",
        "responseId": "p2DwaKfTL8yUxN8P3oqZ6Ag",
    }
    write("gemini-generate-content.json", pretty(body) + "\n")

    long_body = {
        "candidates": [
            {
                "content": {
                    "parts": [
                        {
                            "text": (
                                "Across the 412 files in the repository, the retry logic is duplicated in seven "
                                "places; consolidating it into the shared http client would remove about 900 lines."
                            )
                        }
                    ],
                    "role": "model",
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": gemini_usage(248731, 65536, 1024, 2817),
        "modelVersion": "gemini-2.5-pro",
        "responseId": "w5HwaJ2uC4f7xN8Pk8n7sQ0",
    }
    write("gemini-generate-content-long-context.json", pretty(long_body) + "\n")


def gemini_stream() -> None:
    pieces = [
        "Rayleigh scattering: air molecules",
        " scatter short (blue) wavelengths of sunlight much more strongly",
        " than long (red) ones, so blue light reaches your eyes from every",
        " direction of the sky.",
    ]
    cumulative = [19, 43, 67, 88]
    chunks = []
    for i, (p, c) in enumerate(zip(pieces, cumulative)):
        cand = {"content": {"parts": [{"text": p}], "role": "model"}}
        if i == len(pieces) - 1:
            cand["finishReason"] = "STOP"
        cand["index"] = 0
        chunks.append(
            {
                "candidates": [cand],
                "usageMetadata": gemini_usage(731, 512, c, 602),
                "modelVersion": "gemini-2.5-flash",
                "responseId": "Yk7waM3hFqWpxN8PrZmK8Qc",
            }
        )
    write("gemini-stream-generate-content.sse", "".join(f"data: {google_compact(c)}\r\n\r\n" for c in chunks))
    write(
        "gemini-stream-generate-content.json",
        "[" + "\n,\r\n".join(pretty(c) for c in chunks) + "\n]",
    )


def gemini_errors() -> None:
    def err(name, code, message, status, details=None):
        e = {"code": code, "message": message, "status": status}
        if details is not None:
            e["details"] = details
        write(name, pretty({"error": e}) + "\n")

    msg = 'Invalid JSON payload received. Unknown name "maxTokens" at \'generation_config\': Cannot find field.'
    err(
        "gemini-error-400.json",
        400,
        msg,
        "INVALID_ARGUMENT",
        [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": "generation_config", "description": msg}],
            }
        ],
    )
    err(
        "gemini-error-400-api-key.json",
        400,
        "API key not valid. Please pass a valid API key.",
        "INVALID_ARGUMENT",
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            },
            {
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": "API key not valid. Please pass a valid API key.",
            },
        ],
    )
    err(
        "gemini-error-403.json",
        403,
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.",
        "PERMISSION_DENIED",
    )
    err(
        "gemini-error-429.json",
        429,
        "You exceeded your current quota, please check your plan and billing details. For more information on "
        "this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
        "RESOURCE_EXHAUSTED",
        [
            {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                "violations": [
                    {
                        "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                        "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                        "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
                        "quotaValue": "10",
                    }
                ],
            },
            {"@type": "type.googleapis.com/google.rpc.Help", "links": [
                {"description": "Learn more about Gemini API quotas",
                 "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"},
        ],
    )
    err(
        "gemini-error-500.json",
        500,
        "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        "INTERNAL",
    )
    err("gemini-error-503.json", 503, "The model is overloaded. Please try again later.", "UNAVAILABLE")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    openai_chat()
    openai_chat_streams()
    openai_responses()
    openai_responses_stream()
    openai_embeddings()
    openai_models()
    openai_errors()
    anthropic_messages()
    anthropic_stream()
    anthropic_thinking_stream()
    anthropic_errors()
    gemini_generate()
    gemini_stream()
    gemini_errors()


if __name__ == "__main__":
    main()
