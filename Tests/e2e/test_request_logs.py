"""Request logging: off by default (no body is stored); with `[logging] enabled`, request and
response bodies are captured, bounded, with keys, Authorization and secret-looking strings
redacted, and served by /api/logs and /api/logs/{id}."""
from __future__ import annotations

import json
import time

from conftest import (ALL_KEYS, GOOGLE_AUTH, OPENAI_AUTH, OPENAI_KEY, assert_no_secrets_in_files, http_request,
                      new_tag)

SECRETS = ["hunter2hunter2", "sk-proj-AbCdEf0123456789xyzXYZ", "should-not-leak-123"]
BODY = {
    "model": "gpt-5-mini",
    "api_key": "should-not-leak-123",
    "messages": [{"role": "user", "content": "db password=hunter2hunter2, key sk-proj-AbCdEf0123456789xyzXYZ, thanks"}],
}


def providers(fake):
    return {"openai": fake.base, "anthropic": fake.base, "google": fake.base}


def wait_log(d, call_id, timeout=6.0):
    """The log once both it and its call are stored: two writers, so either may land first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body = http_request(d.port, "GET", f"/api/logs/{call_id}")
        if status == 200 and json.loads(body)["provider"] is not None:
            return json.loads(body)
        time.sleep(0.05)
    raise AssertionError(f"no log for {call_id}: {d.get_json('/api/logs')}")


def test_off_by_default_nothing_is_stored(daemon):
    tag = new_tag()
    s, h, _ = daemon.request("POST", "/proxy/openai/v1/chat/completions", BODY,
                             {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}"})
    assert s == 200
    daemon.wait_tag(tag)
    time.sleep(0.3)
    logs = daemon.get_json("/api/logs")
    assert logs == {"enabled": False, "logs": []}
    assert http_request(daemon.port, "GET", f"/api/logs/{h['x-tokenlens-request-id']}")[0] == 404
    for blob in (p.read_bytes() for p in daemon.data_dir.rglob("*") if p.is_file()):
        assert b"hunter2hunter2" not in blob


def test_bodies_are_captured_redacted_and_bounded(fake, make_daemon):
    d = make_daemon(providers(fake), extra_toml="\n[logging]\nenabled = true\nmax_body_bytes = 2048\n")
    tag = new_tag()
    s, h, response = d.request("POST", "/proxy/openai/v1/chat/completions", BODY,
                               {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}"})
    assert s == 200
    call_id = h["x-tokenlens-request-id"]
    log = wait_log(d, call_id)
    assert log["id"] == call_id and log["method"] == "POST" and log["path"] == "/v1/chat/completions"
    assert log["status_code"] == 200 and log["provider"] == "openai" and log["model"] == "gpt-5-mini"
    request_body = log["request"]["body"]
    for secret in SECRETS + list(ALL_KEYS):
        assert secret not in json.dumps(log), secret
    assert "[REDACTED]" in request_body and '"model":"gpt-5-mini"' in request_body.replace(" ", "")
    headers = dict((k.lower(), v) for k, v in log["request"]["headers"])
    assert headers["authorization"] == "[REDACTED]"
    assert headers["x-tokenlens-tags"] == f"t={tag}"
    assert log["response"]["body"] == response.decode()
    assert log["request_truncated"] is False and log["response_truncated"] is False

    # The list: newest first, without bodies.
    listed = d.get_json("/api/logs?limit=5")
    assert listed["enabled"] is True
    assert listed["logs"][0]["id"] == call_id and "request" not in listed["logs"][0]

    # Gemini's key in the query string is redacted too; a large body is cut at the bound.
    big = {"contents": [{"role": "user", "parts": [{"text": "x" * 5000}]}]}
    s, h, _ = d.request("POST", "/proxy/google/v1beta/models/gemini-2.5-pro:generateContent?key=AIzaQUERYSECRET12345",
                        big, {"X-TokenLens-Tags": f"t={tag}"})
    assert s == 200
    log = wait_log(d, h["x-tokenlens-request-id"])
    assert log["path"] == "/v1beta/models/gemini-2.5-pro:generateContent?key=[REDACTED]"
    assert log["request_truncated"] is True and log["request_bytes"] > 5000
    assert len(log["request"]["body"].encode()) <= 2048

    # Streams are captured as the client received them, and failures are logged too.
    s, h, _ = d.request("POST", "/proxy/openai/v1/chat/completions",
                        {**BODY, "stream": True, "stream_options": {"include_usage": True}},
                        {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}"})
    assert s == 200
    assert "data: " in wait_log(d, h["x-tokenlens-request-id"])["response"]["body"]
    s, h, _ = d.request("POST", "/proxy/openai/v1/chat/completions", b"{broken",
                        {**OPENAI_AUTH, "Content-Type": "application/json", "X-TokenLens-Tags": f"t={tag}"})
    assert s == 400
    log = wait_log(d, h["x-tokenlens-request-id"])
    assert log["status_code"] == 400 and log["request"]["body"] == "{broken" and "not valid JSON" in log["response"]["body"]

    assert d.stop() == 0
    assert_no_secrets_in_files(d)
    for path in (p for p in d.data_dir.rglob("*") if p.is_file()):
        blob = path.read_bytes()
        for secret in SECRETS + ["AIzaQUERYSECRET12345", OPENAI_KEY]:
            assert secret.encode() not in blob, (secret, path)
