"""What the dashboard and the playground need from the daemon (issue 6, items 1 and 2), over
plain HTTP: the pages and assets served from the binary with their content types, caching
headers and Content-Security-Policy; optional endpoints answered without an error status; the
per-source/per-model breakdown behind the tables; and the playground's model list, cost
preview and runs through the proxy (recorded as source `playground`, keys never stored)."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import (ANTHROPIC_KEY, GOOGLE_KEY, OPENAI_AUTH, OPENAI_KEY, REPO, Daemon,
                      assert_no_secrets_in_files, http_request, new_tag, tag_headers, _secrets_in)

ASSETS = REPO / "dashboard"
CHAT = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture(scope="module")
def dash(fake, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dash-api")
    shutil.copytree(REPO / "policies", folder / "policies")
    d = Daemon(folder, {"openai": fake.base, "anthropic": fake.base, "google": fake.base}).start()
    yield d
    assert d.stop() == 0
    assert _secrets_in(d.stderr_path.read_bytes()) == [], "API key in the daemon's stderr"
    assert_no_secrets_in_files(d)


def get(d, path, headers=None):
    return http_request(d.port, "GET", path, headers=headers or {})


# ------------------------------------------------------------------ static files

def test_index_and_every_asset_are_served_with_their_type(dash):
    status, headers, body = get(dash, "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body == (ASSETS / "index.html").read_bytes()
    types = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
    files = [p for p in ASSETS.rglob("*") if p.is_file() and p.name != "index.html"]
    assert len(files) > 10
    for path in files:
        relative = path.relative_to(ASSETS).as_posix()
        status, headers, body = get(dash, f"/assets/{relative}")
        assert status == 200, relative
        assert headers["content-type"] == types[path.suffix], relative
        assert body == path.read_bytes(), f"{relative} differs from the embedded copy: run scripts/embed-dashboard.py"
    assert get(dash, "/assets/nope.js")[0] == 404


def test_security_and_caching_headers(dash):
    status, headers, _ = get(dash, "/")
    policy = headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == f"'self' ws://127.0.0.1:{dash.port}"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-cache"
    etag = headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{24}"', etag)
    status, again, body = get(dash, "/", {"If-None-Match": etag})
    assert status == 304 and body == b"" and again["etag"] == etag
    assert get(dash, "/assets/app.js", {"If-None-Match": etag})[0] == 200


def test_dashboard_answers_only_to_the_daemons_own_name(dash):
    assert get(dash, "/", {"Host": f"evil.example:{dash.port}"})[0] == 421
    assert get(dash, "/assets/app.js", {"Host": f"localhost:{dash.port}"})[0] == 200


def test_optional_endpoints_say_unavailable_without_an_error_status(dash):
    status, headers, body = get(dash, "/api/usage/no-such-analysis", {"X-TokenLens-Optional": "1"})
    assert status == 204 and body == b""
    assert "no such endpoint" in headers["x-tokenlens-unavailable"]
    # without the header, and for routes that exist, nothing changes
    assert get(dash, "/api/usage/no-such-analysis")[0] == 404
    status, headers, _ = get(dash, "/api/usage/kpi", {"X-TokenLens-Optional": "1"})
    assert status == 200 and "x-tokenlens-unavailable" not in headers


# ------------------------------------------------------------------ breakdown

def test_breakdown_by_source_and_model_matches_the_totals(dash):
    tag = new_tag()
    for source, model, count in [("bd-alpha", "gpt-4o-mini", 3), ("bd-beta", "gpt-4.1", 2)]:
        for _ in range(count):
            status, _, _ = http_request(dash.port, "POST", "/proxy/openai/v1/chat/completions",
                                        {**CHAT, "model": model},
                                        tag_headers(tag, {**OPENAI_AUTH, "X-TokenLens-Source": source}))
            assert status == 200
    dash.wait_tag(tag, count=5)
    by_source = dash.get_json("/api/usage/breakdown?by=source&days=7")
    assert by_source["by"] == "source" and by_source["days"] == 7 and len(by_source["dates"]) == 7
    sources = {row["source"]: row for row in dash.get_json("/api/usage/sources?days=7")}
    rows = {row["key"]: row for row in by_source["rows"]}
    assert set(rows) == set(sources)
    for key, row in rows.items():
        assert row["calls"] == sources[key]["calls"]
        assert row["cost_usd"] == pytest.approx(sources[key]["cost_usd"], abs=1e-12)
        assert len(row["daily_cost_usd"]) == 7 and len(row["daily_calls"]) == 7
        assert sum(row["daily_calls"]) == row["calls"]
        assert sum(row["daily_cost_usd"]) == pytest.approx(row["cost_usd"], abs=1e-9)
        assert row["daily_calls"][-1] == row["calls"], "every call was made today"
    models = {row["key"]: row for row in dash.get_json("/api/usage/breakdown?by=model&days=7")["rows"]}
    assert models["gpt-4o-mini"]["provider"] == "openai" and models["gpt-4o-mini"]["calls"] >= 3
    costs = [row["cost_usd"] for row in dash.get_json("/api/usage/breakdown?by=model&days=7")["rows"]]
    assert costs == sorted(costs, reverse=True), "most expensive first"
    status, _, body = get(dash, "/api/usage/breakdown?by=colour")
    assert status == 400 and "source, model, provider" in json.loads(body)["error"]["message"]


# ------------------------------------------------------------------ playground

def test_model_list_has_rates_and_says_where_keys_come_from(dash):
    data = dash.get_json("/api/playground/models")
    providers = {p["id"]: p for p in data["providers"]}
    assert set(providers) == {"openai", "anthropic", "google"}
    assert providers["anthropic"]["max_temperature"] == 1 and providers["openai"]["max_temperature"] == 2
    assert providers["google"]["environment_keys"] == ["GEMINI_API_KEY", "GOOGLE_API_KEY"]
    models = {(m["provider"], m["id"]): m for m in data["models"]}
    mini = models[("openai", "gpt-4o-mini")]
    assert mini["input_per_mtok"] == pytest.approx(0.15) and mini["output_per_mtok"] == pytest.approx(0.6)
    assert ("anthropic", "claude-haiku-4-5") in models and ("google", "gemini-2.5-flash") in models
    assert not any(model_id.startswith("ft:") for _, model_id in models)
    assert models[("openai", "o3-mini")]["temperature"] is False


def test_preview_estimates_from_the_prompt_and_the_price_table(dash):
    prompt = "abcd" * 250
    status, _, body = http_request(dash.port, "POST", "/api/playground/preview",
                                   {"provider": "openai", "model": "gpt-4o-mini", "prompt": prompt, "max_tokens": 500})
    assert status == 200, body
    preview = json.loads(body)
    assert preview["priced"] is True
    assert preview["estimated_input_tokens"] == 250 + 4 + 3
    assert preview["input_cost_usd"] == pytest.approx(257 * 0.15e-6)
    assert preview["max_output_cost_usd"] == pytest.approx(500 * 0.6e-6)
    assert preview["max_total_cost_usd"] == pytest.approx(257 * 0.15e-6 + 500 * 0.6e-6)
    status, _, body = http_request(dash.port, "POST", "/api/playground/preview",
                                   {"provider": "openai", "model": "my-own-model", "prompt": "hi"})
    assert status == 200 and json.loads(body)["priced"] is False
    status, _, body = http_request(dash.port, "POST", "/api/playground/preview",
                                   {"provider": "anthropic", "model": "claude-haiku-4-5", "prompt": "hi", "temperature": 1.5})
    assert status == 400 and json.loads(body)["error"]["field"] == "temperature"


@pytest.mark.parametrize("provider,model,key,fixture", [
    ("openai", "gpt-4o-mini", OPENAI_KEY, "openai-chat.json"),
    ("anthropic", "claude-haiku-4-5", ANTHROPIC_KEY, "anthropic-messages.json"),
    ("google", "gemini-2.5-flash", GOOGLE_KEY, "gemini-generate-content.json"),
])
def test_run_goes_through_the_proxy_and_is_recorded(dash, fake, provider, model, key, fixture):
    expected = json.loads((REPO / "Tests/Fixtures/providers" / fixture).read_text())
    status, _, body = http_request(dash.port, "POST", "/api/playground/run", {
        "provider": provider, "model": model, "prompt": "Summarise it", "system": "Be brief",
        "temperature": 0.5, "max_tokens": 300, "api_key": key}, timeout=30)
    assert status == 200, body
    run = json.loads(body)
    assert run["ok"] is True and run["status"] == 200, run
    if provider == "openai":
        text = expected["choices"][0]["message"]["content"]
    elif provider == "anthropic":
        text = "".join(block["text"] for block in expected["content"] if block["type"] == "text")
    else:
        text = "".join(part["text"] for part in expected["candidates"][0]["content"]["parts"])
    assert run["text"] == text
    record = run["record"]
    assert record["id"] == run["request_id"]
    assert record["source"] == "playground" and record["provider"] == provider
    assert record["requested_model"] == model
    assert record["priced"] is True and record["cost_usd"] > 0
    stored = next(r for r in dash.recent(limit=50) if r["id"] == record["id"])
    assert stored["cost_usd"] == record["cost_usd"] and stored["input_tokens"] == record["input_tokens"]
    # the upstream saw the provider's own request shape, with the key
    sent = [r for r in fake.requests() if r["json"] and "Summarise it" in r["body"]][-1]
    if provider == "openai":
        assert sent["headers"]["authorization"] == f"Bearer {key}"
        assert sent["json"]["max_completion_tokens"] == 300 and sent["json"]["temperature"] == 0.5
    elif provider == "anthropic":
        assert sent["headers"]["x-api-key"] == key and sent["json"]["system"] == "Be brief"
    else:
        assert sent["headers"]["x-goog-api-key"] == key
        assert sent["path"].startswith(f"/v1beta/models/{model}:generateContent")
    assert "x-tokenlens-source" not in sent["headers"]


def test_run_needs_a_key(dash):
    status, _, body = http_request(dash.port, "POST", "/api/playground/run",
                                   {"provider": "anthropic", "model": "claude-haiku-4-5", "prompt": "hi"})
    assert status == 400
    error = json.loads(body)["error"]
    assert error["field"] == "api_key" and "ANTHROPIC_API_KEY" in error["message"]
    # a blank key counts as none
    status, _, body = http_request(dash.port, "POST", "/api/playground/run",
                                   {"provider": "google", "model": "gemini-2.5-flash", "prompt": "hi", "api_key": " "})
    assert status == 400 and json.loads(body)["error"]["field"] == "api_key"


def test_run_refused_by_a_kill_switch_is_recorded_as_blocked(dash):
    _, headers, _ = get(dash, "/api/config/quotas")
    status, _, body = http_request(dash.port, "PUT", "/api/config/quotas", {"kill_switches": ["playground"]},
                                   {"If-Match": headers["etag"]})
    assert status == 200, body
    try:
        status, _, body = http_request(dash.port, "POST", "/api/playground/run",
                                       {"provider": "openai", "model": "gpt-4o-mini", "prompt": "hi", "api_key": OPENAI_KEY})
        run = json.loads(body)
        assert status == 200 and run["ok"] is False and run["status"] == 403
        assert "kill switch" in run["error"]
        assert run["record"]["outcome"] == "blocked" and run["record"]["source"] == "playground"
    finally:
        assert http_request(dash.port, "PUT", "/api/config/quotas", {"kill_switches": []})[0] == 200


def test_environment_key_is_the_fallback(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    d = Daemon(tmp_path, {"openai": fake.base, "anthropic": fake.base, "google": fake.base}).start()
    try:
        providers = {p["id"]: p for p in d.get_json("/api/playground/models")["providers"]}
        assert providers["anthropic"]["key_configured"] is True
        assert providers["openai"]["key_configured"] is False
        status, _, body = http_request(d.port, "POST", "/api/playground/run",
                                       {"provider": "anthropic", "model": "claude-haiku-4-5", "prompt": "hi"}, timeout=30)
        assert status == 200 and json.loads(body)["ok"] is True, body
        assert ANTHROPIC_KEY.encode() not in body
    finally:
        assert d.stop() == 0
    assert _secrets_in(d.stderr_path.read_bytes()) == []
    assert_no_secrets_in_files(d)


def test_playground_writes_are_guarded_like_settings(dash):
    status, _, _ = http_request(dash.port, "POST", "/api/playground/run",
                                {"provider": "openai", "model": "gpt-4o-mini", "prompt": "hi", "api_key": OPENAI_KEY},
                                {"Origin": "https://evil.example"})
    assert status == 403
