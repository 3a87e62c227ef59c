"""The read API on a fresh daemon with a known set of calls: /api/status, /api/usage/recent
(and its filters), /api/usage/kpi, /daily, /sources, /api/export/csv, /metrics and WS /api/live.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time

import pytest

from conftest import ANTHROPIC_AUTH, GOOGLE_AUTH, OPENAI_AUTH, RECORD_FIELDS, new_tag

websocket = pytest.importorskip("websocket")  # websocket-client

MSGS = [{"role": "user", "content": "x"}]

# (name, source, provider, path, body, extra headers, expected status)
SEED = [
    ("chat", "src-a", "openai", "/v1/chat/completions", {"model": "gpt-5-mini", "messages": MSGS}, {}, 200),
    ("messages", "src-b", "anthropic", "/v1/messages",
     {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS}, {}, 200),
    ("gemini", "src-b", "google", "/v1beta/models/gemini-2.5-pro:generateContent", {"contents": []}, {}, 200),
    ("llama", "src-a", "openai", "/v1/chat/completions", {"model": "my-local-llama", "messages": MSGS},
     {"X-Fake-Usage": "prompt_tokens=1000,cached_tokens=200,completion_tokens=50,reasoning_tokens=0"}, 200),
    ("blocked", "src-a", "openai", "/v1/chat/completions", b"{broken", {}, 400),
    ("upstream500", "src-b", "anthropic", "/v1/messages",
     {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS}, {"X-Fake-Status": "500"}, 500),
]
AUTH = {"openai": OPENAI_AUTH, "anthropic": ANTHROPIC_AUTH, "google": GOOGLE_AUTH}

COST = {"chat": 0.00128915, "messages": 0.0357222, "gemini": 0.02417525}
TOTAL_COST = sum(COST.values())  # 0.0611866
TOKENS = {  # input, output, cache_read, cache_write, reasoning
    "chat": (307, 587, 1536, 0, 448),
    "messages": (412, 297, 18944, 5210, 0),
    "gemini": (4681, 1730, 8192, 0, 1309),
    "llama": (800, 50, 200, 0, 0),
}


def totals(names):
    return tuple(sum(TOKENS[n][i] for n in names if n in TOKENS) for i in range(5))


@pytest.fixture(scope="module")
def seeded(fake, daemon):
    """Makes the SEED calls on the module's fresh daemon; returns {name: record}."""
    tag = new_tag()
    ids = {}
    for name, source, provider, path, body, extra, status in SEED:
        headers = {**AUTH[provider], "X-TokenLens-Source": source, "X-TokenLens-Tags": f"t={tag},call={name}",
                   **extra}
        if isinstance(body, bytes):
            headers["Content-Type"] = "application/json"
        s, h, _ = daemon.request("POST", f"/proxy/{provider}{path}", body, headers)
        assert s == status, name
        ids[name] = h["x-tokenlens-request-id"]
    recs = daemon.wait_tag(tag, count=len(SEED))
    by_id = {r["id"]: r for r in recs}
    return {name: by_id[i] for name, i in ids.items()}


def kpi_like(obj, calls, cost, toks, errors=None, blocked=None):
    assert obj["calls"] == calls, obj
    assert obj["cost_usd"] == pytest.approx(cost, abs=1e-12), obj
    assert (obj["input_tokens"], obj["output_tokens"], obj["cache_read_tokens"], obj["cache_write_tokens"],
            obj["reasoning_tokens"]) == toks, obj
    if errors is not None:
        assert obj["errors"] == errors, obj
    if blocked is not None:
        assert obj["blocked"] == blocked, obj


# ============================================================ status
def test_status_shape(daemon, seeded):
    st = daemon.get_json("/api/status")
    assert isinstance(st["version"], str) and re.match(r"^\d+\.\d+\.\d+", st["version"])
    assert isinstance(st["uptime_s"], (int, float)) and st["uptime_s"] >= 0
    assert st["db"]["path"] == str(daemon.data_dir / "usage.db")
    assert st["db"]["calls"] == len(SEED)
    assert isinstance(st["db"]["size_bytes"], int) and st["db"]["size_bytes"] > 0
    pol = st["policy"]
    assert set(pol) >= {"version", "loaded_at", "files", "last_error", "reloads"}
    assert isinstance(pol["version"], str) and pol["version"] == seeded["chat"]["policy_version"]
    assert dt.datetime.fromisoformat(pol["loaded_at"].replace("Z", "+00:00")).tzinfo is not None
    assert isinstance(pol["files"], list) and pol["last_error"] is None and pol["reloads"] == 0
    time.sleep(0.3)
    assert daemon.get_json("/api/status")["uptime_s"] > st["uptime_s"]


# ============================================================ recent
def test_recent_fields_order_and_filters(daemon, seeded):
    recent = daemon.recent(limit=50)
    assert [r["id"] for r in recent] == [seeded[n[0]]["id"] for n in reversed(SEED)]  # newest first
    for r in recent:
        assert RECORD_FIELDS <= set(r)
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", r["ts"]), r["ts"]
    assert [r["ts"] for r in recent] == sorted((r["ts"] for r in recent), reverse=True)
    assert len(daemon.recent(limit=2)) == 2
    assert {r["id"] for r in daemon.recent(source="src-b")} == {seeded[n]["id"] for n in
                                                               ("messages", "gemini", "upstream500")}
    assert {r["id"] for r in daemon.recent(provider="anthropic")} == {seeded[n]["id"] for n in
                                                                     ("messages", "upstream500")}
    assert [r["id"] for r in daemon.recent(outcome="blocked")] == [seeded["blocked"]["id"]]
    assert [r["id"] for r in daemon.recent(model="my-local-llama")] == [seeded["llama"]["id"]]
    # paging with before=<id of the last item seen>
    page1 = daemon.recent(limit=4)
    page2 = daemon.recent(limit=4, before=page1[-1]["id"])
    assert [r["id"] for r in page1 + page2] == [r["id"] for r in recent]


def test_seeded_records(seeded):
    assert seeded["chat"]["cost_usd"] == pytest.approx(COST["chat"], abs=1e-12)
    assert seeded["llama"]["priced"] is False and seeded["llama"]["cost_usd"] is None
    assert seeded["blocked"]["outcome"] == "blocked" and seeded["blocked"]["blocked_by"]
    assert seeded["upstream500"]["outcome"] == "upstream_error" and seeded["upstream500"]["status_code"] == 500
    assert seeded["messages"]["tags"]["call"] == "messages"


# ============================================================ aggregates
def test_kpi(daemon, seeded):
    k = daemon.get_json("/api/usage/kpi?days=30")
    kpi_like(k, len(SEED), TOTAL_COST, totals(TOKENS), errors=1, blocked=1)
    assert k["priced_calls"] + k["unpriced_calls"] == len(SEED)
    assert [m if isinstance(m, str) else m.get("model") for m in k["unpriced_models"]] == ["my-local-llama"]
    assert k["savings_usd"] == pytest.approx(sum(r["cache_savings_usd"] or 0 for r in seeded.values()), abs=1e-12)
    assert sum(k["cost_by_type"].values()) == pytest.approx(TOTAL_COST, abs=1e-12)


def test_kpi_unpriced_calls_counts_only_unpriced_models(daemon, seeded):
    k = daemon.get_json("/api/usage/kpi?days=30")
    assert k["unpriced_calls"] == 1  # my-local-llama only
    assert k["priced_calls"] == len(SEED) - 1


def test_daily_has_every_day_of_the_window(daemon, seeded):
    days = 7
    daily = daemon.get_json(f"/api/usage/daily?days={days}")
    assert len(daily) == days
    today = dt.datetime.now(dt.timezone.utc).date()
    assert [d["date"] for d in daily] == [(today - dt.timedelta(days=days - 1 - i)).isoformat() for i in range(days)]
    kpi_like(daily[-1], len(SEED), TOTAL_COST, totals(TOKENS), errors=1, blocked=1)
    for d in daily[:-1]:
        kpi_like(d, 0, 0.0, (0, 0, 0, 0, 0))
    assert len(daemon.get_json("/api/usage/daily?days=30")) == 30


def test_sources(daemon, seeded):
    srcs = {s["source"]: s for s in daemon.get_json("/api/usage/sources?days=30")}
    assert set(srcs) == {"src-a", "src-b"}
    kpi_like(srcs["src-a"], 3, COST["chat"], totals(["chat", "llama"]), blocked=1)
    kpi_like(srcs["src-b"], 3, COST["messages"] + COST["gemini"], totals(["messages", "gemini"]), errors=1)
    assert set(srcs["src-a"]["models"]) >= {"gpt-5-mini", "my-local-llama"}
    assert set(srcs["src-b"]["models"]) >= {"claude-sonnet-4-5", "gemini-2.5-pro"}


def test_export_csv(daemon, seeded):
    s, h, body = daemon.request("GET", "/api/export/csv?days=30")
    assert s == 200 and h["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == len(SEED)
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {r["id"] for r in seeded.values()}
    chat = by_id[seeded["chat"]["id"]]
    assert chat["provider"] == "openai" and chat["endpoint"] == "chat.completions" and chat["source"] == "src-a"
    assert (int(chat["input_tokens"]), int(chat["output_tokens"]), int(chat["cache_read_tokens"])) == (307, 587, 1536)
    assert float(chat["cost_usd"]) == pytest.approx(COST["chat"], abs=1e-12)
    assert chat["stream"] == "false" and chat["outcome"] == "ok" and chat["status_code"] == "200"
    assert by_id[seeded["llama"]["id"]]["cost_usd"] == "" and by_id[seeded["llama"]["id"]]["priced"] == "false"
    assert by_id[seeded["blocked"]["id"]]["blocked_by"] == seeded["blocked"]["blocked_by"]
    assert "call=messages" in by_id[seeded["messages"]["id"]]["tags"]
    # times are the JSON API's: milliseconds to the microsecond, no binary noise digits
    recent = {r["id"]: r for r in daemon.get_json("/api/usage/recent?limit=100")}
    for row in rows:
        for column in ("latency_ms", "ttft_ms", "overhead_ms"):
            if row[column]:
                assert len(row[column].partition(".")[2]) <= 3, (column, row[column])
                assert float(row[column]) == recent[row["id"]][column], (column, row[column])


# ============================================================ metrics
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a Prometheus sample: {line!r}"
        out.append((m.group(1), dict(LABEL.findall(m.group(3) or "")), float(m.group(4))))
    return out


def metric(samples, name, **labels):
    vals = [v for n, l, v in samples if n == name and all(l.get(k) == str(x) for k, x in labels.items())]
    return sum(vals) if vals else None


def test_metrics(daemon, seeded):
    s, h, body = daemon.request("GET", "/metrics")
    assert s == 200 and h["content-type"].startswith("text/plain")
    text = body.decode()
    for name in ("tokenlens_requests_total", "tokenlens_request_duration_seconds", "tokenlens_overhead_seconds",
                 "tokenlens_tokens_total", "tokenlens_cost_usd_total", "tokenlens_recorder_dropped_total"):
        assert f"# TYPE {name} " in text, name
    m = parse_metrics(text)
    base = dict(provider="openai", model="gpt-5-mini", source="src-a")
    assert metric(m, "tokenlens_requests_total", **base, outcome="ok") == 1
    assert metric(m, "tokenlens_requests_total") == len(SEED)
    assert metric(m, "tokenlens_requests_total", provider="anthropic", source="src-b", outcome="upstream_error") == 1
    assert metric(m, "tokenlens_requests_total", outcome="blocked") == 1
    assert metric(m, "tokenlens_tokens_total", **base, type="input") == 307
    assert metric(m, "tokenlens_tokens_total", **base, type="output") == 587
    assert metric(m, "tokenlens_tokens_total", **base, type="cache_read") == 1536
    assert metric(m, "tokenlens_tokens_total", provider="anthropic", model="claude-sonnet-4-5", source="src-b",
                  type="cache_write") == 5210
    assert metric(m, "tokenlens_cost_usd_total", **base) == pytest.approx(COST["chat"], abs=1e-12)
    assert metric(m, "tokenlens_cost_usd_total") == pytest.approx(TOTAL_COST, abs=1e-12)
    assert metric(m, "tokenlens_request_duration_seconds_count", **base, outcome="ok") == 1
    assert metric(m, "tokenlens_request_duration_seconds_bucket", **base, outcome="ok", le="+Inf") == 1
    assert metric(m, "tokenlens_request_duration_seconds_sum", **base, outcome="ok") == pytest.approx(
        seeded["chat"]["latency_ms"] / 1000, rel=1e-3)
    assert metric(m, "tokenlens_overhead_seconds_count", **base, outcome="ok") == 1
    assert metric(m, "tokenlens_recorder_dropped_total") == 0
    # every labelled request sample carries the four labels
    for n, l, _ in m:
        if n == "tokenlens_requests_total":
            assert set(l) == {"provider", "model", "source", "outcome"}, l
        if n == "tokenlens_tokens_total":
            assert set(l) == {"provider", "model", "source", "type"}, l


# ============================================================ live
def test_live_one_event_per_call(fake, daemon, seeded):
    ws = websocket.create_connection(daemon.url.replace("http://", "ws://") + "/api/live", timeout=5)
    try:
        # the subscriber is registered once /api/status counts it
        deadline = time.monotonic() + 3
        while daemon.get_json("/api/status").get("live_subscribers", 1) < 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        tag = new_tag()
        ids = []
        for i in range(3):
            s, h, _ = daemon.request("POST", "/proxy/openai/v1/embeddings",
                                     {"model": "text-embedding-3-small", "input": f"x{i}"},
                                     {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}"})
            assert s == 200
            ids.append(h["x-tokenlens-request-id"])
        got = []
        ws.settimeout(5)
        while len(got) < 3:
            msg = json.loads(ws.recv())
            assert msg["type"] == "call", msg
            got.append(msg["call"])
        # and nothing more
        ws.settimeout(0.5)
        with pytest.raises(websocket.WebSocketTimeoutException):
            extra = ws.recv()
            pytest.fail(f"unexpected extra live message {extra!r}")
    finally:
        ws.close()
    assert sorted(c["id"] for c in got) == sorted(ids)
    for c in got:
        assert RECORD_FIELDS <= set(c)
        assert c["endpoint"] == "embeddings" and c["input_tokens"] == 17
        assert c["cost_usd"] == pytest.approx(3.4e-07, abs=1e-12) and c["tags"] == {"t": tag}
    # the live events are the recorded calls
    recent = {r["id"]: r for r in daemon.wait_tag(tag, count=3)}
    for c in got:
        assert c == recent[c["id"]]
