"""The config API through the real daemon (issue 3, items 5 and 6): GET with ETag, PUT that
edits the TOML in place (only the changed lines differ), is live when it returns, refuses stale
versions and invalid bodies without writing, and who may call it at all."""
from __future__ import annotations

import difflib
import json
import shutil

import pytest

from conftest import OPENAI_AUTH, REPO, Daemon, http_request

BODY = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture()
def api_daemon(fake, tmp_path):
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    d = Daemon(tmp_path, {"openai": fake.base, "anthropic": fake.base, "google": fake.base}).start()
    yield d, tmp_path
    assert d.stop() == 0


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def put(d, path, body, headers=None):
    status, response_headers, payload = http_request(d.port, "PUT", path, body, headers or {})
    return status, response_headers, json.loads(payload) if payload else None


def test_get_returns_the_section_with_the_policy_version_as_etag(api_daemon):
    d, _ = api_daemon
    status, headers, body = http_request(d.port, "GET", "/api/config/quotas")
    assert status == 200
    assert json.loads(body) == {"kill_switches": [], "source_limits": [], "model_limits": []}
    assert headers["etag"] == f'"{d.get_json("/api/status")["policy"]["version"]}"'
    for path in ["/api/config/routing", "/api/config/guardrails", "/api/settings/budget", "/api/settings/alerts",
                 "/api/settings/pricing", "/api/settings/webhooks"]:
        assert http_request(d.port, "GET", path)[0] == 200, path


def test_put_edits_only_the_changed_lines_and_is_live_when_it_returns(api_daemon):
    d, folder = api_daemon
    quotas = folder / "policies" / "quotas.toml"
    before = quotas.read_text()
    _, headers, _ = http_request(d.port, "GET", "/api/config/quotas")
    status, response_headers, body = put(d, "/api/config/quotas", {"kill_switches": ["runaway"]},
                                         {"If-Match": headers["etag"]})
    assert status == 200, body
    assert body["version"] != headers["etag"].strip('"')
    assert response_headers["etag"] == f'"{body["version"]}"'
    assert body["config"]["kill_switches"] == ["runaway"]
    assert changed_lines(before, quotas.read_text()) == ["-kill_switches = []", '+kill_switches = ["runaway"]']
    # live at once: the very next call from that source is refused
    status, call_headers, payload = http_request(d.port, "POST", "/proxy/openai/v1/chat/completions", BODY,
                                                 {**OPENAI_AUTH, "X-TokenLens-Source": "runaway"})
    assert status == 403
    assert call_headers["x-tokenlens-policy"] == body["version"]
    assert "kill switch" in json.loads(payload)["error"]["message"]
    assert "quotas.toml" in json.loads(payload)["error"]["message"]


def test_new_rules_are_appended_and_comments_survive(api_daemon):
    d, folder = api_daemon
    quotas = folder / "policies" / "quotas.toml"
    before = quotas.read_text()
    status, _, body = put(d, "/api/config/quotas", {
        "source_limits": [{"source": "my-agent", "daily_usd": 5.0, "monthly_usd": 50.0}],
        "model_limits": [{"model": "claude-opus-4-6", "daily_calls": 100}]})
    assert status == 200, body
    after = quotas.read_text()
    assert after.startswith(before), "existing text (comments included) must stay as it was"
    assert changed_lines(before, after) == [
        "+", "+[[source_limits]]", '+source = "my-agent"', "+daily_usd = 5.0", "+monthly_usd = 50.0",
        "+", "+[[model_limits]]", '+model = "claude-opus-4-6"', "+daily_calls = 100"]
    # and removing them again restores the file exactly
    status, _, _ = put(d, "/api/config/quotas", {"source_limits": [], "model_limits": []})
    assert status == 200
    assert quotas.read_text() == before


def test_stale_if_match_is_412_and_writes_nothing(api_daemon):
    d, folder = api_daemon
    quotas = folder / "policies" / "quotas.toml"
    before = quotas.read_bytes()
    status, headers, body = put(d, "/api/config/quotas", {"kill_switches": ["x"]}, {"If-Match": '"000000000000"'})
    assert status == 412
    assert body["version"] == d.get_json("/api/status")["policy"]["version"]
    assert quotas.read_bytes() == before


def test_invalid_body_is_422_with_positions_and_writes_nothing(api_daemon):
    d, folder = api_daemon
    files = {p: p.read_bytes() for p in (folder / "policies").glob("*.toml")}
    version = d.get_json("/api/status")["policy"]["version"]
    status, _, body = put(d, "/api/config/quotas", {"source_limits": [{"source": "a", "daly_usd": 5}]})
    assert status == 422
    codes = {e["code"] for e in body["errors"]}
    assert "unknown-key" in codes
    unknown = next(e for e in body["errors"] if e["code"] == "unknown-key")
    assert unknown["file"].endswith("quotas.toml") and unknown["line"] > 0 and unknown["column"] == 1
    assert "did you mean `daily_usd`" in unknown["message"]
    status, _, body = put(d, "/api/config/guardrails", {"custom_rules": [{"name": "r", "pattern": "a(b", "action": "block"}]})
    assert status == 422 and body["errors"][0]["code"] == "invalid-regex"
    status, _, body = put(d, "/api/config/routing", {"aliases": [{"from": "a", "to": "b"}, {"from": "b", "to": "a"}]})
    assert status == 422 and body["errors"][0]["code"] == "alias-cycle"
    status, _, body = http_request(d.port, "PUT", "/api/config/quotas", b"{not json", {"Content-Type": "application/json"})
    assert status == 422 and json.loads(body)["errors"][0]["code"] == "invalid-json"
    assert {p: p.read_bytes() for p in (folder / "policies").glob("*.toml")} == files
    assert d.get_json("/api/status")["policy"]["version"] == version


def test_settings_write_config_toml_minimally(api_daemon):
    d, folder = api_daemon
    config = d.config
    before = config.read_text()
    status, _, body = put(d, "/api/settings/budget", {"enabled": True, "daily_limit_usd": 25})
    assert status == 200, body
    assert body["config"]["enabled"] is True and body["config"]["daily_limit_usd"] == 25
    added = changed_lines(before, config.read_text())
    assert added == ["+", "+[budget]", "+enabled = true", "+daily_limit_usd = 25"]
    status, _, body = put(d, "/api/settings/webhooks", {"enabled": False, "url": "https://hooks.example.com/t",
                                                        "events": "call_recorded,cost_alert", "secret": "s3cr3t-value"})
    assert status == 200, body
    assert body["config"]["events"] == ["call_recorded", "cost_alert"]
    assert body["config"]["secret_set"] is True and "s3cr3t-value" not in json.dumps(body)


# -- who may change policy ------------------------------------------------------------

def test_foreign_host_header_is_refused(api_daemon):
    d, _ = api_daemon
    for method, path in [("GET", "/api/status"), ("GET", "/api/config/quotas"), ("PUT", "/api/config/quotas")]:
        status, _, _ = http_request(d.port, method, path, {} if method == "PUT" else None, {"Host": f"evil.example:{d.port}"})
        assert status == 421, (method, path, status)
    assert http_request(d.port, "GET", "/api/status", headers={"Host": f"localhost:{d.port}"})[0] == 200
    # the proxy itself is not behind the API's rules
    status, _, _ = http_request(d.port, "POST", "/proxy/openai/v1/chat/completions", BODY,
                                {**OPENAI_AUTH, "Host": "evil.example"})
    assert status == 200


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"}])
def test_cross_site_writes_are_refused(api_daemon, headers):
    d, folder = api_daemon
    before = (folder / "policies" / "quotas.toml").read_bytes()
    status, _, _ = put(d, "/api/config/quotas", {"kill_switches": ["x"]}, headers)
    assert status == 403
    assert (folder / "policies" / "quotas.toml").read_bytes() == before


def test_same_origin_browser_writes_are_allowed(api_daemon):
    d, _ = api_daemon
    status, _, _ = put(d, "/api/config/quotas", {"kill_switches": []},
                       {"Origin": f"http://127.0.0.1:{d.port}", "Sec-Fetch-Site": "same-origin"})
    assert status == 200


def test_listening_beyond_loopback_needs_a_token_for_changes(fake, tmp_path):
    d = Daemon(tmp_path, {"openai": fake.base}, extra_toml="")
    d.config.write_text(d.config.read_text().replace("[server]\n", '[server]\nhost = "0.0.0.0"\n'))
    d.start()
    try:
        before = (d.config.parent / "policies").exists()
        status, _, body = put(d, "/api/config/quotas", {"kill_switches": ["x"]})
        assert status == 403 and "admin_token" in body["error"]["message"], body
        assert (d.config.parent / "policies").exists() == before
        assert http_request(d.port, "GET", "/api/config/quotas")[0] == 200  # reading needs no token
    finally:
        assert d.stop() == 0
    # With a token set, the network may change policy with it, and only with it.
    d.config.write_text(d.config.read_text().replace("[server]\n", '[server]\nadmin_token = "correct-horse-battery-staple"\n'))
    d.start()
    try:
        assert put(d, "/api/config/quotas", {"kill_switches": []})[0] == 401
        assert put(d, "/api/config/quotas", {"kill_switches": []},
                   {"Authorization": "Bearer correct-horse-battery-staple"})[0] == 200
    finally:
        assert d.stop() == 0


def test_admin_token_is_required_when_set(fake, tmp_path):
    d = Daemon(tmp_path, {"openai": fake.base}, extra_toml="")
    text = d.config.read_text().replace("[server]\n", '[server]\nadmin_token = "correct-horse-battery-staple"\n')
    d.config.write_text(text)
    d.start()
    try:
        assert put(d, "/api/config/quotas", {"kill_switches": []})[0] == 401
        assert put(d, "/api/config/quotas", {"kill_switches": []}, {"Authorization": "Bearer wrong-token-wrong"})[0] == 401
        assert put(d, "/api/config/quotas", {"kill_switches": []},
                   {"Authorization": "Bearer correct-horse-battery-staple"})[0] == 200
        assert http_request(d.port, "GET", "/api/config/quotas")[0] == 200  # reading needs no token
    finally:
        assert d.stop() == 0
