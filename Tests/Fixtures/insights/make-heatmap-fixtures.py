#!/usr/bin/env python3
"""Writes heatmap-*.json: one support conversation in each provider's request format, with
the tokens tiktoken gives each heatmap section, and bench-chat-30kb.json, a realistic 30 KB
chat request for timing. Run like make-tokenizer-corpus.py (TIKTOKEN_CACHE_DIR set).

Expected sections follow the extractor's texts: message text as is, tool calls as
"name arguments" (OpenAI, Anthropic) or the serialised call (Gemini), tool definitions and
Gemini tool results serialised compactly in key order, and a <document> wrapped in the last
user message counted as context (its own count), the rest of that message as the query.
"""
import json
import os
import random

import tiktoken

HERE = os.path.dirname(os.path.abspath(__file__))
ENCODINGS = {name: tiktoken.get_encoding(name) for name in ("o200k_base", "cl100k_base")}


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


SYSTEM = ("You are the billing assistant for Acme Cloud. Answer in two or three sentences, "
          "quote the document you relied on, and never promise refunds: hand those to a human.")
USER_1 = "My invoice looks wrong this month — it's about 40% higher than usual."
ASSISTANT_1 = "I can check that for you. What is the invoice number?"
USER_2 = "It's INV-2024-0042."
CALL_ARGS = {"invoice_id": "INV-2024-0042"}
RESULT = {"invoice_id": "INV-2024-0042", "total": "$1,240.00",
          "items": [{"name": "Compute", "amount": "$840.00"}, {"name": "Migration fee", "amount": "$400.00"}]}
ASSISTANT_2 = "The invoice total is $1,240.00, which includes a one-off migration fee of $400.00."
DOCUMENT = ("<document title=\"Pricing FAQ\">Migration fees are charged once per project when data is "
            "moved between regions, including moves started by automatic failover.</document>")
QUESTION = "Why was I charged a migration fee if I never migrated anything?"
LAST_USER = DOCUMENT + "\n\n" + QUESTION
PREAMBLE = "Let me look that invoice up."  # Anthropic: text before the tool_use block

INVOICE_PARAMETERS = {"type": "object", "properties": {"invoice_id": {"type": "string", "description": "Invoice number, e.g. INV-2024-0001"}},
                      "required": ["invoice_id"]}
SEARCH_PARAMETERS = {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                     "required": ["query"]}
TOOLS = [("get_invoice", "Fetch an invoice with its line items.", INVOICE_PARAMETERS),
         ("search_docs", "Search the billing documentation.", SEARCH_PARAMETERS)]


def openai_chat():
    tools = [{"type": "function", "function": {"name": n, "description": d, "parameters": p}} for n, d, p in TOOLS]
    body = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": USER_1},
            {"role": "assistant", "content": ASSISTANT_1},
            {"role": "user", "content": USER_2},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_invoice", "arguments": compact(CALL_ARGS)}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": compact(RESULT)},
            {"role": "assistant", "content": ASSISTANT_2},
            {"role": "user", "content": [{"type": "text", "text": LAST_USER}]},
        ],
        "tools": tools,
    }
    sections = {
        "system": [SYSTEM],
        "tools": [compact(t["function"]) for t in tools],
        "context": [compact(RESULT)],
        "history": [USER_1, ASSISTANT_1, USER_2, "get_invoice " + compact(CALL_ARGS), ASSISTANT_2],
    }
    return "openai-chat", "openai", "chat.completions", body, sections


def openai_responses():
    tools = [{"type": "function", "name": n, "description": d, "parameters": p} for n, d, p in TOOLS]
    body = {
        "model": "gpt-4.1",
        "instructions": SYSTEM,
        "input": [
            {"role": "user", "content": USER_1},
            {"role": "assistant", "content": [{"type": "output_text", "text": ASSISTANT_1}]},
            {"role": "user", "content": [{"type": "input_text", "text": USER_2}]},
            {"type": "function_call", "call_id": "call_1", "name": "get_invoice", "arguments": compact(CALL_ARGS)},
            {"type": "function_call_output", "call_id": "call_1", "output": compact(RESULT)},
            {"role": "assistant", "content": [{"type": "output_text", "text": ASSISTANT_2}]},
            {"role": "user", "content": [{"type": "input_text", "text": LAST_USER}]},
        ],
        "tools": tools,
    }
    sections = {
        "system": [SYSTEM],
        "tools": [compact(t) for t in tools],
        "context": [compact(RESULT)],
        "history": [USER_1, ASSISTANT_1, USER_2, "get_invoice " + compact(CALL_ARGS), ASSISTANT_2],
    }
    return "openai-responses", "openai", "responses", body, sections


def anthropic():
    tools = [{"name": n, "description": d, "input_schema": p} for n, d, p in TOOLS]
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
        "tools": tools,
        "messages": [
            {"role": "user", "content": USER_1},
            {"role": "assistant", "content": [{"type": "text", "text": ASSISTANT_1}]},
            {"role": "user", "content": USER_2},
            {"role": "assistant", "content": [
                {"type": "text", "text": PREAMBLE},
                {"type": "tool_use", "id": "toolu_01", "name": "get_invoice", "input": CALL_ARGS}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01", "content": compact(RESULT)}]},
            {"role": "assistant", "content": ASSISTANT_2},
            {"role": "user", "content": [{"type": "text", "text": LAST_USER}]},
        ],
    }
    sections = {
        "system": [SYSTEM],
        "tools": [compact(t) for t in tools],
        "context": [compact(RESULT)],
        "history": [USER_1, ASSISTANT_1, USER_2, PREAMBLE, "get_invoice " + compact(CALL_ARGS), ASSISTANT_2],
    }
    return "anthropic-messages", "anthropic", "messages", body, sections


def gemini():
    declarations = [{"name": n, "description": d, "parameters": p} for n, d, p in TOOLS]
    call = {"name": "get_invoice", "args": CALL_ARGS}
    body = {
        "systemInstruction": {"parts": [{"text": SYSTEM}]},
        "tools": [{"functionDeclarations": declarations}],
        "contents": [
            {"role": "user", "parts": [{"text": USER_1}]},
            {"role": "model", "parts": [{"text": ASSISTANT_1}]},
            {"role": "user", "parts": [{"text": USER_2}]},
            {"role": "model", "parts": [{"functionCall": call}]},
            {"role": "user", "parts": [{"functionResponse": {"name": "get_invoice", "response": RESULT}}]},
            {"role": "model", "parts": [{"text": ASSISTANT_2}]},
            {"role": "user", "parts": [{"text": LAST_USER}]},
        ],
        "generationConfig": {"temperature": 0.2},
    }
    sections = {
        "system": [SYSTEM],
        "tools": [compact(d) for d in declarations],
        "context": [compact(RESULT)],
        "history": [USER_1, ASSISTANT_1, USER_2, compact(call), ASSISTANT_2],
    }
    return "gemini-generate-content", "google", "generateContent", body, sections


def expected(sections, encoding):
    count = lambda text: len(encoding.encode_ordinary(text))
    result = {name: sum(count(t) for t in texts) for name, texts in sections.items()}
    document = count(DOCUMENT)
    result["context"] += document
    result["query"] = count(LAST_USER) - document
    return result


def bench_request(rng):
    """A coding-assistant conversation of about 30 KB: system prompt, four tools, 20 turns
    (10 user messages, 10 assistant replies) and three tool calls with their results."""
    topics = ["the billing service", "the ingestion pipeline", "the login page", "the nightly export job",
              "the search index", "the rate limiter", "the config loader", "the metrics dashboard"]
    sentences = [
        "The {t} started failing after yesterday's deploy, and the logs show a timeout on every third request.",
        "I think the problem is in how {t} retries when the upstream returns a 503.",
        "Can we keep the public interface of {t} unchanged while we fix this?",
        "Here is what I tried so far: I raised the timeout to thirty seconds and disabled the cache.",
        "The tests for {t} pass locally but fail on CI with a different error message.",
        "We need this fixed before Friday because the quarterly report depends on {t}.",
        "Add a regression test that reproduces the failure before changing any code.",
        "The previous engineer left a comment saying the retry loop in {t} was a temporary workaround.",
        "Our staging environment mirrors production except for the database size.",
        "Latency went from 120 ms at the median to almost two seconds at the 99th percentile.",
    ]
    replies = [
        "The timeout comes from the retry loop in {t}: each retry waits for the full deadline instead of the remaining budget.",
        "I'd change the loop to compute the remaining time before each attempt and stop when it runs out.",
        "Here is a patch that keeps the interface of {t} and moves the deadline into the request context.",
        "The CI failure is a different symptom of the same bug: CI runs with a shorter global timeout.",
        "After the change, the regression test fails before the fix and passes after it.",
        "One more thing: the cache you disabled hides the bug locally, so keep it off while testing.",
    ]
    code = ("```swift\nfunc fetch(_ request: Request, deadline: ContinuousClock.Instant) async throws -> Response {\n"
            "    var attempt = 0\n    while ContinuousClock.now < deadline {\n        attempt += 1\n"
            "        do { return try await client.send(request, timeout: deadline - .now) }\n"
            "        catch let error as UpstreamError where error.isRetryable && attempt < 3 { continue }\n"
            "    }\n    throw TimeoutError(attempts: attempt)\n}\n```")
    system = ("You are an expert software engineer pairing with a developer on a production codebase. "
              "Explain your reasoning briefly, propose minimal diffs, and always mention how to test a change. "
              "Prefer standard library APIs. Follow the repository's style: four-space indentation, "
              "doc comments on public types, no force unwraps.\n\n"
              "## Repository facts\n" + "\n".join(
                  f"- Module {name} lives in Sources/{name} and is covered by Tests/{name}Tests."
                  for name in ["Gateway", "Recorder", "Policy", "Providers", "Server", "Insights", "TOML", "CLI"]) +
              "\n\n## Conventions\nUse Swift Testing for new tests. Keep pull requests under 400 lines. "
              "Write commit messages in the imperative mood. Never log secrets or API keys. "
              "When unsure about behaviour, read the code before guessing.")
    tools = []
    for name, description in [("read_file", "Read a file of the repository."), ("search_code", "Search the repository for a regular expression."),
                              ("run_tests", "Run a test target and return its output."), ("apply_patch", "Apply a unified diff to the working tree.")]:
        tools.append({"type": "function", "function": {"name": name, "description": description, "parameters": {
            "type": "object", "properties": {"path": {"type": "string", "description": "Path relative to the repository root."},
                                             "pattern": {"type": "string"}, "limit": {"type": "integer", "minimum": 1}},
            "required": ["path"]}}})
    messages = [{"role": "system", "content": system}]
    for turn in range(10):
        topic = topics[turn % len(topics)]
        user = " ".join(rng.choice(sentences).format(t=topic) for _ in range(rng.randint(9, 13)))
        messages.append({"role": "user", "content": user})
        if turn % 3 == 1:
            args = compact({"path": f"Sources/Gateway/{topic.split()[-1].title()}.swift"})
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": f"call_{turn}", "type": "function", "function": {"name": "read_file", "arguments": args}}]})
            messages.append({"role": "tool", "tool_call_id": f"call_{turn}", "content": code.replace("```swift\n", "").replace("\n```", "") * 2})
        reply = " ".join(rng.choice(replies).format(t=topic) for _ in range(rng.randint(5, 9)))
        reply += "\n\n" + code + "\n\n" + rng.choice(replies).format(t=topic)
        messages.append({"role": "assistant", "content": reply})
    messages.append({"role": "user", "content": "Thanks. Now write the regression test for the retry deadline, using Swift Testing."})
    return {"model": "gpt-4o", "messages": messages, "tools": tools, "temperature": 0.2}


def main():
    for name, provider, endpoint, body, sections in (openai_chat(), openai_responses(), anthropic(), gemini()):
        fixture = {"provider": provider, "endpoint": endpoint, "body": body,
                   "expected": {enc: expected(sections, encoding) for enc, encoding in ENCODINGS.items()}}
        with open(os.path.join(HERE, f"heatmap-{name}.json"), "w", encoding="utf-8") as handle:
            json.dump(fixture, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        print(name, fixture["expected"]["o200k_base"])
    rng = random.Random(42)
    request = bench_request(rng)
    while len(compact(request).encode()) > 30_500:
        # Trim turns from the start of the history until the body is about 30 KB.
        del request["messages"][1:3]
    text = json.dumps(request, ensure_ascii=False)
    with open(os.path.join(HERE, "bench-chat-30kb.json"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    turns = sum(1 for m in request["messages"] if m["role"] in ("user", "assistant"))
    print("bench-chat-30kb.json:", len(text.encode()), "bytes,", len(request["messages"]), "messages,", turns, "user/assistant turns")


if __name__ == "__main__":
    main()
