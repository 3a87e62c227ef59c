"""Retention: `tokenlens prune` is a dry run unless --apply; applied (or run by the daemon
each day), it folds old calls into daily rollups, so /api/usage/daily, kpi and sources keep
their totals after the calls are gone."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import time

from conftest import OPENAI_AUTH, TOKENLENS_BIN, new_tag


def run(*args):
    result = subprocess.run([TOKENLENS_BIN, *args], capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout, result.stderr


def providers(fake):
    return {"openai": fake.base, "anthropic": fake.base, "google": fake.base}


def at(days_ago: int, hour: int = 9) -> str:
    day = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def old_calls(tag):
    return [
        {"provider": "openai", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 100, "cache_read_tokens": 50,
         "latency_ms": 100, "ts": at(10), "source": "old-a", "tags": {"t": tag}},
        {"provider": "anthropic", "model": "claude-sonnet-4-5", "input_tokens": 500, "output_tokens": 40,
         "cache_write_tokens": 300, "latency_ms": 250, "ts": at(10, 15), "source": "old-b", "status_code": 529,
         "error": "overloaded", "tags": {"t": tag}},
        {"provider": "ollama", "model": "llama-local", "input_tokens": 70, "output_tokens": 7, "latency_ms": 50,
         "ts": at(5), "source": "old-a", "tags": {"t": tag}},
    ]


def views(d):
    return {path: d.get_json(path) for path in
            ("/api/usage/daily?days=30", "/api/usage/kpi?days=30", "/api/usage/sources?days=30", "/api/usage/kpi?days=7")}


def seed(d, tag):
    status, _, body = d.request("POST", "/api/ingest", {"calls": old_calls(tag)})
    assert status == 200, body
    s, _, _ = d.request("POST", "/proxy/openai/v1/chat/completions",
                        {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "now"}]},
                        {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}"})
    assert s == 200
    return d.wait_tag(tag, count=4)


def test_prune_is_a_dry_run_until_applied_and_rollups_keep_the_totals(fake, make_daemon, tmp_path):
    d = make_daemon(providers(fake))
    # The CLI reads retention_days and the data folder from its own config (the daemon's
    # would prune by itself at start).
    config = tmp_path / "cli.toml"
    config.write_text(f'[storage]\npath = "{d.data_dir}"\nretention_days = 3\n')
    tag = new_tag()
    records = seed(d, tag)
    old_ids = {r["id"] for r in records if r["source"].startswith("old-")}
    assert len(old_ids) == 3
    before = views(d)
    assert before["/api/usage/kpi?days=30"]["unpriced_models"] == ["llama-local"]
    assert before["/api/usage/kpi?days=30"]["errors"] == 1

    code, out, err = run("prune", "--config", str(config))
    assert code == 0, err
    assert out.startswith("dry run: would delete 3 calls from 2 days"), out
    assert "--apply" in out
    code, out, _ = run("prune", "--config", str(config), "--json")
    plan = json.loads(out)
    assert plan["applied"] is False and plan["calls"] == 3 and plan["retention_days"] == 3
    assert [day["calls"] for day in plan["days"]] == [2, 1]
    assert {r["id"] for r in d.recent()} >= old_ids  # nothing deleted yet
    assert views(d) == before

    code, out, err = run("prune", "--config", str(config), "--apply")
    assert code == 0, err
    assert out.startswith("pruned: deleted 3 calls from 2 days"), out
    remaining = {r["id"] for r in d.recent()}
    assert not (remaining & old_ids)
    assert d.get_json("/api/status")["db"]["calls"] == 1
    after = views(d)
    assert after == before

    code, out, _ = run("prune", "--config", str(config), "--apply")
    assert code == 0 and out.startswith("nothing to prune")
    # --days overrides the config; without any retention, say how to set it.
    bare = tmp_path / "bare.toml"
    bare.write_text(f'[storage]\npath = "{d.data_dir}"\n')
    code, _, err = run("prune", "--config", str(bare))
    assert code == 2 and "retention_days" in err
    code, out, _ = run("prune", "--config", str(bare), "--days", "1", "--json")
    assert code == 0 and json.loads(out)["applied"] is False
    code, _, err = run("prune", "--config", str(tmp_path / "none.toml"), "--days", "3", "--db", str(tmp_path / "no.db"))
    assert code == 2 and "no database" in err


def test_the_daemon_prunes_on_its_own_when_retention_is_set(fake, make_daemon, tmp_path):
    data = tmp_path / "data"
    d = make_daemon(providers(fake), data_dir=data)
    tag = new_tag()
    seed(d, tag)
    before = views(d)
    assert d.stop() == 0
    d2 = make_daemon(providers(fake), data_dir=data, storage_toml="retention_days = 4")
    deadline = time.monotonic() + 10
    while d2.get_json("/api/status")["db"]["calls"] != 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    # The 10-day-old calls went; the 5-day-old one too (4 days kept); today's stays.
    assert d2.get_json("/api/status")["db"]["calls"] == 1
    assert d2.get_json("/api/status")["retention_days"] == 4
    assert views(d2) == before
