"""The analysis API on a fresh daemon: calls go through the proxy to the fake upstream (tagged,
with explicit sessions, a planted retry loop and provider 429s), then every analysis endpoint
is read back and checked against the recorded calls.
"""
from __future__ import annotations

import json

import pytest

from conftest import ANTHROPIC_AUTH, OPENAI_AUTH, new_tag

CHAT = "/proxy/openai/v1/chat/completions"
MESSAGES = "/proxy/anthropic/v1/messages"

# 1,000 prompt tokens of which 200 cached, 50 out: TokenLens records input 800, cache read 200.
USAGE = {"X-Fake-Usage": "prompt_tokens=1000,cached_tokens=200,completion_tokens=50,reasoning_tokens=0"}

ENDPOINTS = {
    "/api/usage/forecast": {"month", "spend_to_date_usd", "trend", "projected_month_usd", "confidence", "budget"},
    "/api/usage/by-tag": {"days", "tags", "untagged", "sources"},
    "/api/usage/token-breakdown": {"days", "totals", "daily"},
    "/api/usage/cache-trend": {"days", "hit_rate", "trend", "daily"},
    "/api/usage/compare?from_model=gpt-5-mini&to_model=gpt-5-nano": {"from_cost_usd", "to_cost_usd", "difference_usd"},
    "/api/usage/sessions": {"days", "gap_minutes", "count", "pattern_counts", "sessions"},
    "/api/usage/provider-health": {"days", "providers"},
    "/api/usage/rate-limits": {"days", "total", "refused_by_tokenlens", "providers", "hourly"},
    "/api/usage/recommendations": {"days", "checks", "count", "monthly_saving_usd", "recommendations"},
    "/api/usage/waste-summary": {"days", "analysed_calls", "waste_tokens", "by_type", "sources"},
    "/api/usage/conversation-efficiency": {"days", "threshold", "flagged", "sources"},
    "/api/usage/token-heatmap": {"days", "sections", "sources", "calls"},
    "/api/usage/anomalies": {"days", "sigma", "anomalies"},
    "/api/usage/right-sizing": {"days", "ladder", "items"},
    "/api/usage/output-utilization": {"days", "items", "totals"},
    "/api/usage/digest?days=7": {"spend_usd", "previous_spend_usd", "top_sources", "top_models", "budget"},
}


def chat_body(model, text, max_tokens=None):
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    if max_tokens:
        body["max_tokens"] = max_tokens
    return body


@pytest.fixture(scope="module")
def seeded(fake, daemon):
    """Makes the module's calls; returns {name: [records]} once they are all recorded."""
    tag = new_tag()
    names = {}

    def call(name, path, body, auth, source, extra=None, status=200):
        headers = {**auth, "X-TokenLens-Source": source, "X-TokenLens-Tags": f"t={tag},team={source.split('-')[0]}",
                   **(extra or {})}
        s, h, _ = daemon.request("POST", path, body, headers)
        assert s == status, (name, s)
        names.setdefault(name, []).append(h["x-tokenlens-request-id"])

    for i in range(5):
        call("mini", CHAT, chat_body("gpt-5-mini", f"question {i}", max_tokens=4000), OPENAI_AUTH, "search-bot", USAGE)
    for i in range(3):
        call("claude", MESSAGES, {"model": "claude-haiku-4-5", "max_tokens": 64,
                                  "messages": [{"role": "user", "content": f"turn {i}"}]},
             ANTHROPIC_AUTH, "coder", {"X-TokenLens-Session": "sess-e2e-1"})
    # The same request four times in a row, failing: a retry loop.
    for _ in range(4):
        call("loop", CHAT, chat_body("gpt-4.1-mini", "stuck"), OPENAI_AUTH, "looper", {"X-Fake-Status": "500"}, 500)
    for i in range(2):
        call("limited", CHAT, chat_body("gpt-4o-mini", f"hello {i}"), OPENAI_AUTH, "busy-bot", {"X-Fake-Status": "429"}, 429)
    total = sum(len(v) for v in names.values())
    records = daemon.wait_tag(tag, count=total)
    by_id = {r["id"]: r for r in records}
    return {name: [by_id[i] for i in ids] for name, ids in names.items()}


def test_every_endpoint_answers_with_its_fields(daemon, seeded):
    for path, keys in ENDPOINTS.items():
        body = daemon.get_json(path)
        assert keys <= set(body), (path, keys - set(body))


def test_by_tag_and_token_breakdown_add_up_to_the_records(daemon, seeded):
    mini = seeded["mini"]
    tags = {t["tag"]: t for t in daemon.get_json("/api/usage/by-tag?days=1")["tags"]}
    search = tags["team=search"]
    assert search["calls"] == 5
    assert search["cost_usd"] == pytest.approx(sum(r["cost_usd"] for r in mini), abs=1e-12)
    assert (search["input_tokens"], search["cache_read_tokens"], search["output_tokens"]) == (5 * 800, 5 * 200, 5 * 50)
    everything = [r for recs in seeded.values() for r in recs]
    breakdown = daemon.get_json("/api/usage/token-breakdown?days=2")
    assert [d["date"] for d in breakdown["daily"]][-1] == everything[0]["ts"][:10]
    total = breakdown["totals"]["total"]
    assert total["cost_usd"] == pytest.approx(sum(r["cost_usd"] or 0 for r in everything), abs=1e-12)
    assert breakdown["totals"]["input"]["tokens"] == sum(r["input_tokens"] for r in everything)
    assert breakdown["totals"]["cache_read"]["tokens"] == sum(r["cache_read_tokens"] for r in everything)


def test_compare_reprices_exactly(daemon, seeded):
    c = daemon.get_json("/api/usage/compare?from_model=gpt-5-mini&to_model=gpt-5-nano&days=1")
    assert c["matched_models"] == ["gpt-5-mini"] and c["calls"] == 5
    # gpt-5-mini: 800 × $0.25 + 200 × $0.025 + 50 × $2 per million = $0.000305 a call.
    assert c["from_cost_usd"] == pytest.approx(5 * 0.000305, abs=1e-12)
    # gpt-5-nano: 800 × $0.05 + 200 × $0.005 + 50 × $0.40 per million = $0.000061 a call.
    assert c["to_cost_usd"] == pytest.approx(5 * 0.000061, abs=1e-12)
    assert c["difference_usd"] == pytest.approx(-5 * 0.000244, abs=1e-12)
    assert c["sources"][0]["source"] == "search-bot"
    s, _, body = daemon.request("GET", "/api/usage/compare?from_model=gpt-5-mini")
    assert s == 400 and "to_model" in json.loads(body)["error"]["message"]
    s, _, _ = daemon.request("GET", "/api/usage/compare?from_model=gpt-5-mini&to_model=no-such-model")
    assert s == 422


def test_sessions_explicit_id_and_retry_loop(daemon, seeded):
    sessions = daemon.get_json("/api/usage/sessions?days=1")
    by_id = {s["id"]: s for s in sessions["sessions"]}
    explicit = by_id["sess-e2e-1"]
    assert explicit["explicit"] is True and explicit["calls"] == 3 and explicit["models"] == ["claude-haiku-4-5"]
    looper = next(s for s in sessions["sessions"] if s["source"] == "looper")
    loops = [p for p in looper["patterns"] if p["type"] == "retry_loop"]
    assert len(loops) == 1
    assert loops[0]["call_ids"] == [r["id"] for r in seeded["loop"]]
    assert looper["failed_calls"] == 4
    assert sessions["pattern_counts"]["retry_loop"] >= 1


def test_recommendations_flag_the_retry_loop(daemon, seeded):
    recs = daemon.get_json("/api/usage/recommendations")
    assert len(recs["checks"]) >= 12
    loop = next(r for r in recs["recommendations"] if r["check"] == "retry_loops")
    assert loop["source"] == "looper"
    assert loop["evidence"]["call_ids"] == [r["id"] for r in seeded["loop"]]
    assert isinstance(loop["monthly_saving_usd"], (int, float))


def test_provider_health_and_rate_limits(daemon, seeded):
    health = {p["provider"]: p for p in daemon.get_json("/api/usage/provider-health?days=1")["providers"]}
    openai = health["openai"]
    assert openai["calls"] == 11 and openai["errors"] == 6 and openai["rate_limited"] == 2
    assert openai["error_rate"] == pytest.approx(6 / 11, abs=1e-4)
    assert 0 < openai["latency_ms"]["p50"] <= openai["latency_ms"]["p95"] <= openai["latency_ms"]["p99"]
    assert {m["model"] for m in openai["models"]} == {"gpt-5-mini", "gpt-4.1-mini", "gpt-4o-mini"}
    assert health["anthropic"]["calls"] == 3 and health["anthropic"]["errors"] == 0
    limits = daemon.get_json("/api/usage/rate-limits?days=1")
    assert limits["total"] == 2
    assert limits["providers"] == [{"provider": "openai", "count": 2, "models": [{"model": "gpt-4o-mini", "count": 2}]}]
    assert sum(h["count"] for h in limits["hourly"]) == 2


def test_output_utilization_and_cache_trend(daemon, seeded):
    items = daemon.get_json("/api/usage/output-utilization?days=1")["items"]
    mini = next(i for i in items if i["source"] == "search-bot")
    assert mini["capped_calls"] == 5 and mini["avg_max_tokens"] == 4000 and mini["avg_output_tokens"] == 50
    assert mini["utilization"] == pytest.approx(50 / 4000, abs=1e-4) and mini["low_use_calls"] == 5
    trend = daemon.get_json("/api/usage/cache-trend?days=3")
    assert len(trend["daily"]) == 3 and trend["daily"][-1]["hit_rate"] > 0
    assert trend["trend"]["direction"] == "insufficient_data"


def test_forecast_and_digest_include_todays_spend(daemon, seeded):
    spent = sum(r["cost_usd"] or 0 for recs in seeded.values() for r in recs)
    forecast = daemon.get_json("/api/usage/forecast")
    assert forecast["spend_today_usd"] == pytest.approx(spent, abs=1e-12)
    assert forecast["projected_month_usd"] >= forecast["spend_to_date_usd"] - 1e-12
    assert 0 <= forecast["confidence"] <= 1
    digest = daemon.get_json("/api/usage/digest?days=7")
    assert digest["spend_usd"] == pytest.approx(spent, abs=1e-12) and digest["previous_spend_usd"] == 0
    assert digest["calls"] == sum(len(v) for v in seeded.values())
    top = {t["name"]: t for t in digest["top_sources"]}
    assert {"search-bot", "coder"} <= set(top)
    assert top["search-bot"]["cost_usd"] == pytest.approx(sum(r["cost_usd"] for r in seeded["mini"]), abs=1e-12)


def test_exports_json_and_jsonl(daemon, seeded):
    ids = {r["id"] for recs in seeded.values() for r in recs}
    s, h, body = daemon.request("GET", "/api/export/json?days=1")
    assert s == 200 and h["content-type"].startswith("application/json")
    exported = json.loads(body)
    assert ids <= {r["id"] for r in exported}
    s, h, body = daemon.request("GET", "/api/export/jsonl?days=1")
    assert s == 200 and h["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in body.decode().splitlines() if line]
    assert [r["id"] for r in lines] == [r["id"] for r in exported]
    loop = next(r for r in lines if r["id"] == seeded["loop"][0]["id"])
    assert loop["outcome"] == "upstream_error" and loop["source"] == "looper"


def test_analyze_scores_a_prompt_trace(daemon):
    rules = "Follow the house style. " * 350
    trace = {"requests": [
        {"model": "claude-sonnet-4-5", "system": rules, "messages": [{"role": "user", "content": "one"}]},
        {"model": "claude-sonnet-4-5", "system": rules, "messages": [
            {"role": "user", "content": "one"}, {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "two"}]},
    ]}
    s, _, body = daemon.request("POST", "/api/analyze", trace)
    assert s == 200, body
    report = json.loads(body)
    assert report["provider"] == "anthropic" and report["requests"] == 2
    assert report["score"] >= 90 and report["trace"]["cache_breaks"] == []
    assert "no-cache-control" in [x["id"] for x in report["findings"]]
    s, _, _ = daemon.request("POST", "/api/analyze", b"{not json", {"Content-Type": "application/json"})
    assert s == 400
    s, _, _ = daemon.request("POST", "/api/analyze", {"model": "gpt-5"})
    assert s == 422
