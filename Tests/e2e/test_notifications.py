"""Notifications: signed webhooks with retries and a delivery history, cost alerts once per
day (live feed and webhook), the weekly digest on demand, and the allow-list for targets."""
from __future__ import annotations

import datetime
import json
import time

import pytest

from conftest import OPENAI_AUTH, http_request, new_tag
from webhook_receiver import Receiver, webhook_toml

websocket = pytest.importorskip("websocket")  # websocket-client

SECRET = "whsec-e2e-secret"
CHAT = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "hello"}]}
CHAT_COST = 0.00128915


def providers(fake):
    return {"openai": fake.base, "anthropic": fake.base, "google": fake.base}


def chat(d, tag, **extra):
    status, headers, _ = d.request("POST", "/proxy/openai/v1/chat/completions", CHAT,
                                   {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}", **extra})
    assert status == 200
    return headers["x-tokenlens-request-id"]


def deliveries(d, **query):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return d.get_json(f"/api/webhooks/deliveries?{q}")


def wait_delivery(d, predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while True:
        found = [x for x in deliveries(d)["deliveries"] if predicate(x)]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert found, deliveries(d)
    return found[0]


@pytest.fixture()
def receiver():
    r = Receiver(fail_first=2, status=503)
    yield r
    r.stop()


def test_call_recorded_is_signed_retried_with_backoff_and_kept_in_history(fake, make_daemon, receiver):
    d = make_daemon(providers(fake), extra_toml=webhook_toml(receiver, ["call_recorded"]))
    tag = new_tag()
    call_id = chat(d, tag)
    got = receiver.wait(3)
    # Three attempts of one delivery: the receiver failed the first two.
    assert len({r["headers"]["x-tokenlens-delivery"] for r in got}) == 1
    for r in got:
        assert Receiver.verify(r, SECRET), r["headers"]
        assert r["headers"]["x-tokenlens-event"] == "call_recorded"
        assert r["headers"]["content-type"] == "application/json"
        assert r["body"] == got[0]["body"]
    payload = Receiver.json(got[0])
    assert payload["event"] == "call_recorded"
    assert payload["delivery_id"] == got[0]["headers"]["x-tokenlens-delivery"]
    assert payload["call"]["id"] == call_id and payload["call"]["tags"] == {"t": tag}
    assert payload["call"]["cost_usd"] == pytest.approx(CHAT_COST, abs=1e-12)
    # Capped exponential backoff: about 0.5 s, then about 1 s.
    first, second = got[1]["at"] - got[0]["at"], got[2]["at"] - got[1]["at"]
    assert 0.4 <= first < 1.5, first
    assert second >= 0.9 and second > first, (first, second)

    item = wait_delivery(d, lambda x: x["status"] == "delivered")
    assert item["event"] == "call_recorded"
    assert item["attempts"] == 3
    assert [a["status_code"] for a in item["attempt_log"]] == [503, 503, 200]
    assert item["attempt_log"][0]["error"] == "the receiver answered 503"
    assert item["target"] == f"http://127.0.0.1:{receiver.port}/…"
    detail = d.get_json(f"/api/webhooks/deliveries/{item['id']}")
    assert detail["payload"] == payload
    assert d.get_json("/api/status")["webhooks"]["delivered"] == 1
    # The secret is never shown or stored in clear.
    assert SECRET not in json.dumps(deliveries(d))
    assert http_request(d.port, "GET", "/api/webhooks/deliveries/nope")[0] == 404


def test_a_delivery_that_keeps_failing_is_marked_failed(fake, make_daemon):
    r = Receiver(always_fail=True, status=500)
    try:
        d = make_daemon(providers(fake), extra_toml=webhook_toml(r, ["call_recorded"], max_attempts=2, secret=None))
        chat(d, new_tag())
        got = r.wait(2)
        assert "x-tokenlens-signature" not in got[0]["headers"]  # no secret, no signature
        item = wait_delivery(d, lambda x: x["status"] == "failed")
        assert item["attempts"] == 2 and item["last_status_code"] == 500
        assert deliveries(d, status="failed")["deliveries"][0]["id"] == item["id"]
        assert deliveries(d, status="delivered")["deliveries"] == []
        time.sleep(1.0)
        assert len(r.of()) == 2  # no attempt beyond max_attempts
    finally:
        r.stop()


def test_cost_alert_once_per_day_on_live_feed_and_webhook(fake, make_daemon, tmp_path):
    r = Receiver()
    data = tmp_path / "alert-data"
    try:
        toml = webhook_toml(r, ["cost_alert"], alerts_threshold=0.002)
        d = make_daemon(providers(fake), extra_toml=toml, data_dir=data)
        ws = websocket.create_connection(d.url.replace("http://", "ws://") + "/api/live", timeout=5)
        try:
            deadline = time.monotonic() + 3
            while d.get_json("/api/status")["live_subscribers"] < 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            tag = new_tag()
            chat(d, tag)  # $0.00129: below the threshold
            d.wait_tag(tag)
            time.sleep(0.3)
            assert r.of("cost_alert") == []
            chat(d, tag)  # $0.00258: crosses it
            alerts = []
            ws.settimeout(5)
            while not alerts:
                message = json.loads(ws.recv())
                if message["type"] == "alert":
                    alerts.append(message["alert"])
            alert = alerts[0]
            assert alert["kind"] == "cost_alert" and alert["threshold_usd"] == 0.002
            assert alert["spend_usd"] == pytest.approx(2 * CHAT_COST, abs=1e-12)
            assert alert["timezone"] == "UTC" and len(alert["day"]) == 10
            hook = r.wait(1, event="cost_alert")[0]
            assert Receiver.verify(hook, SECRET)
            assert Receiver.json(hook)["alert"] == alert
            chat(d, tag)  # still above: no second alert today
            d.wait_tag(tag, count=3)
            time.sleep(0.5)
            assert len(r.of("cost_alert")) == 1
        finally:
            ws.close()
        assert d.stop() == 0
        # After a restart the day's alert is remembered.
        d2 = make_daemon(providers(fake), extra_toml=toml, data_dir=data)
        chat(d2, tag)
        d2.wait_tag(tag, count=4)
        time.sleep(0.5)
        assert len(r.of("cost_alert")) == 1
    finally:
        r.stop()


def test_weekly_digest_on_demand_by_api_and_cli(fake, make_daemon):
    import subprocess
    from conftest import TOKENLENS_BIN
    r = Receiver()
    try:
        d = make_daemon(providers(fake), extra_toml=webhook_toml(r, ["weekly_digest"]))
        tag = new_tag()
        chat(d, tag)
        d.wait_tag(tag)
        status, _, body = d.request("POST", "/api/digest/send?days=7")
        assert status == 202, body
        answer = json.loads(body)
        assert answer["sent"] is True
        # On a Sunday (UTC, the default budget time zone) the schedule also sends one as the
        # daemon starts, before this call: the on-demand digest is the one the API returned.
        scheduled = 1 if datetime.datetime.now(datetime.timezone.utc).weekday() == 6 else 0
        hooks = r.wait(1 + scheduled, event="weekly_digest")
        hook = next((h for h in hooks if Receiver.json(h)["digest"] == answer["digest"]), None)
        assert hook is not None, [Receiver.json(h)["digest"]["generated_at"] for h in hooks]
        assert Receiver.verify(hook, SECRET)
        digest = Receiver.json(hook)["digest"]
        assert digest["days"] == 7
        assert digest["spend"]["calls"] == 1
        assert digest["spend"]["cost_usd"] == pytest.approx(CHAT_COST, abs=1e-12)
        assert digest["top_sources"][0]["source"] == "unknown"
        assert digest["top_models"][0]["model"] == "gpt-5-mini"
        assert digest["budget"]["month_to_date_usd"] == pytest.approx(CHAT_COST, abs=1e-12)
        assert digest["budget"]["projected_month_usd"] >= digest["budget"]["month_to_date_usd"]
        assert set(digest) >= {"waste", "retry_loops", "daily", "unpriced_models"}

        result = subprocess.run([TOKENLENS_BIN, "report", "--send", "--port", str(d.port)],
                                capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert "queued" in result.stdout
        assert len(r.wait(2 + scheduled, event="weekly_digest")) == 2 + scheduled
        # Changes need the same rules as every other: a foreign page may not trigger one.
        assert d.request("POST", "/api/digest/send", headers={"Origin": "https://evil.example"})[0] == 403
    finally:
        r.stop()


def test_digest_send_without_webhooks_says_why(fake, make_daemon):
    import subprocess
    from conftest import TOKENLENS_BIN
    d = make_daemon(providers(fake))
    status, _, body = d.request("POST", "/api/digest/send")
    assert status == 409
    assert "weekly_digest" in json.loads(body)["reason"]
    result = subprocess.run([TOKENLENS_BIN, "report", "--send", "--port", str(d.port)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "not sent" in result.stderr and "webhooks are off" in result.stderr


def test_targets_outside_the_allow_list_are_refused(fake, make_daemon, tmp_path):
    from conftest import Daemon
    bad = Daemon(tmp_path / "bad", providers(fake), extra_toml="""
[webhooks]
enabled = true
url = "https://evil.example.net/hook"
allow_hosts = ["hooks.example.com"]
events = ["cost_alert"]
""")
    with pytest.raises(RuntimeError) as failed:
        bad.start(timeout=10)
    assert "webhook-host-not-allowed" in str(failed.value) and "evil.example.net" in str(failed.value)

    # Through the settings API: refused with the same diagnostic, nothing written.
    d = make_daemon(providers(fake))
    before = d.config.read_text()
    status, _, body = d.request("PUT", "/api/settings/webhooks", {
        "enabled": True, "url": "http://10.0.0.1/hook", "events": ["cost_alert"], "allow_hosts": ["127.0.0.1"]})
    assert status == 422, body
    assert json.loads(body)["errors"][0]["code"] == "webhook-host-not-allowed"
    status, _, body = d.request("PUT", "/api/settings/webhooks", {
        "enabled": True, "url": "ftp://127.0.0.1/hook", "events": ["cost_alert"], "allow_hosts": ["127.0.0.1"]})
    assert status == 422 and json.loads(body)["errors"][0]["code"] == "invalid-url"
    assert d.config.read_text() == before
