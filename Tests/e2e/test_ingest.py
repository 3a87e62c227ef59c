"""POST /api/ingest: calls reported by tools that bypass the proxy, validated whole, priced
by TokenLens from its table (never from the client), recorded with `ingested: true`, and
behind the same Host/Origin/token rules as every other change."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import OPENAI_AUTH, http_request, new_tag


def ingest(d, body, headers=None):
    status, _, payload = d.request("POST", "/api/ingest", body, headers)
    return status, json.loads(payload) if payload else None


def test_one_call_is_priced_like_a_proxied_one(daemon):
    tag = new_tag()
    # The same usage through the proxy and through ingest costs the same.
    s, h, _ = daemon.request("POST", "/proxy/openai/v1/chat/completions",
                             {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]},
                             {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag},via=proxy",
                              "X-Fake-Usage": "prompt_tokens=1000,cached_tokens=200,completion_tokens=50,reasoning_tokens=0"})
    assert s == 200
    proxied = daemon.wait_tag(tag)
    status, answer = ingest(daemon, {
        "provider": "openai", "model": "gpt-4o", "input_tokens": 800, "cache_read_tokens": 200, "output_tokens": 50,
        "latency_ms": 321.5, "source": "my-wrapper", "tags": {"t": tag, "via": "ingest"}, "session_id": "sess-1",
        "cost_usd": 1234.5})
    assert status == 200, answer
    assert answer["accepted"] == 1 and answer["ignored_fields"] == ["cost_usd"]
    rec = daemon.wait_records(lambda r: (r.get("tags") or {}) == {"t": tag, "via": "ingest"})[0]
    assert rec["id"] == answer["calls"][0]["id"]
    assert rec["ingested"] is True and proxied["ingested"] is False
    assert rec["cost_usd"] == pytest.approx(proxied["cost_usd"], abs=1e-12)
    assert answer["calls"][0]["cost_usd"] == pytest.approx(proxied["cost_usd"], abs=1e-12)
    assert rec["priced"] is True and rec["cost_usd"] != 1234.5
    assert (rec["input_tokens"], rec["cache_read_tokens"], rec["output_tokens"]) == (800, 200, 50)
    assert rec["source"] == "my-wrapper" and rec["session_id"] == "sess-1"
    assert rec["latency_ms"] == 321.5 and rec["provider"] == "openai" and rec["model"] == "gpt-4o"
    assert rec["outcome"] == "ok"


def test_unknown_models_are_unpriced_and_the_source_header_is_the_default(daemon):
    tag = new_tag()
    status, answer = ingest(daemon, {"provider": "ollama", "model": "llama3.2:3b", "input_tokens": 10,
                                     "output_tokens": 5, "tags": {"t": tag}},
                            {"X-TokenLens-Source": "local-bot"})
    assert status == 200, answer
    rec = daemon.wait_tag(tag)
    assert rec["priced"] is False and rec["cost_usd"] is None
    assert rec["source"] == "local-bot" and rec["provider"] == "ollama"


def test_a_batch_is_all_or_nothing(daemon):
    tag = new_tag()
    good = {"provider": "anthropic", "model": "claude-sonnet-4-5", "input_tokens": 10, "output_tokens": 3, "tags": {"t": tag}}
    status, answer = ingest(daemon, {"calls": [good, {"provider": "openai", "input_tokens": -5, "tags": {"t": tag}},
                                               {**good, "tokens": 3}]})
    assert status == 422, answer
    assert answer["accepted"] == 0
    fields = {(e["index"], e["field"]) for e in answer["errors"]}
    assert {(1, "model"), (1, "input_tokens"), (2, "tokens")} <= fields
    assert all(e["message"] for e in answer["errors"])
    status, answer = ingest(daemon, {"calls": [good, {**good, "output_tokens": 4}]})
    assert status == 200 and answer["accepted"] == 2
    recs = daemon.settle(tag, 2)
    assert len(recs) == 2  # the refused batch recorded nothing
    assert all(r["ingested"] for r in recs)


def test_a_past_timestamp_counts_on_its_day(daemon):
    tag = new_tag()
    day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)
    before = {d["date"]: d for d in daemon.get_json("/api/usage/daily?days=7")}
    status, answer = ingest(daemon, {"provider": "openai", "model": "gpt-4o", "input_tokens": 1000,
                                     "ts": day.strftime("%Y-%m-%dT%H:%M:%SZ"), "tags": {"t": tag}})
    assert status == 200, answer
    rec = daemon.wait_tag(tag)
    assert rec["ts"].startswith(day.strftime("%Y-%m-%dT10:00:00"))
    after = {d["date"]: d for d in daemon.get_json("/api/usage/daily?days=7")}
    key = day.strftime("%Y-%m-%d")
    assert after[key]["calls"] == before[key]["calls"] + 1
    assert after[key]["cost_usd"] == pytest.approx(before[key]["cost_usd"] + rec["cost_usd"], abs=1e-12)
    status, answer = ingest(daemon, {"provider": "openai", "model": "gpt-4o", "ts": "2999-01-01T00:00:00Z"})
    assert status == 422 and answer["errors"][0]["field"] == "ts"


def test_bodies_that_are_not_calls(daemon):
    assert ingest(daemon, [1, 2])[0] == 422
    status, _, body = http_request(daemon.port, "POST", "/api/ingest", b"{nope", {"Content-Type": "application/json"})
    assert status == 400 and json.loads(body)["errors"][0]["message"].startswith("the body is not valid JSON")


def test_same_access_rules_as_other_changes(daemon, make_daemon, fake):
    call = {"provider": "openai", "model": "gpt-4o"}
    assert ingest(daemon, call, {"Host": f"evil.example:{daemon.port}"})[0] == 421
    assert ingest(daemon, call, {"Origin": "https://evil.example"})[0] == 403
    assert ingest(daemon, call, {"Sec-Fetch-Site": "cross-site"})[0] == 403
    token = "admin-token-0123456789abcdef"
    d = make_daemon({"openai": fake.base}, max_body_bytes=None, extra_toml=f'\n[server]\nadmin_token = "{token}"\n')
    assert ingest(d, call)[0] == 401
    assert ingest(d, call, {"Authorization": f"Bearer {token}"})[0] == 200


def test_ingested_spend_counts_toward_budgets(fake, make_daemon):
    d = make_daemon({"openai": fake.base}, extra_toml="\n[budget]\nenabled = true\ndaily_limit_usd = 0.1\n")
    chat = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "hi"}]}
    assert d.request("POST", "/proxy/openai/v1/chat/completions", chat, OPENAI_AUTH)[0] == 200
    # $0.25 of gpt-4o input, reported by a tool: today's budget is spent.
    status, answer = ingest(d, {"provider": "openai", "model": "gpt-4o", "input_tokens": 100000})
    assert status == 200 and answer["calls"][0]["cost_usd"] == 0.25
    limit = next(x for x in d.get_json("/api/usage/budget-status")["limits"] if x["rule"] == "budget.daily")
    assert limit["spent"] >= 0.25 and limit["exceeded"] is True
    status, headers, body = d.request("POST", "/proxy/openai/v1/chat/completions", chat, OPENAI_AUTH)
    assert status == 429 and "budget" in body.decode()
