"""The reporting commands: `status`, `report`, `stats` (with CI assertions) and `analyze`,
their output formats and exit codes."""
from __future__ import annotations

import json
import subprocess
import time

import pytest

from conftest import OPENAI_AUTH, TOKENLENS_BIN, free_closed_port, new_tag


def run(*args, stdin=None):
    result = subprocess.run([TOKENLENS_BIN, *args], capture_output=True, text=True, timeout=60, input=stdin)
    return result.returncode, result.stdout, result.stderr


def providers(fake):
    return {"openai": fake.base, "anthropic": fake.base, "google": fake.base}


def chat(d, tag, content="hello", **extra):
    status, headers, _ = d.request("POST", "/proxy/openai/v1/chat/completions",
                                   {"model": "gpt-5-mini", "messages": [{"role": "user", "content": content}]},
                                   {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}", "X-TokenLens-Source": "ci-agent", **extra})
    return status


# ------------------------------------------------------------------ status
def test_status_running_and_not(daemon):
    code, out, err = run("status", "--port", str(daemon.port))
    assert code == 0, err
    assert out.startswith(f"TokenLens 0.1.0 running on http://127.0.0.1:{daemon.port}")
    assert "database" in out and "recorder" in out
    code, out, _ = run("status", "--port", str(daemon.port), "--json")
    assert code == 0 and json.loads(out)["version"] == "0.1.0"
    port = free_closed_port()
    code, out, err = run("status", "--port", str(port))
    assert code == 1 and out == ""
    assert f"TokenLens is not running on http://127.0.0.1:{port}" in err


# ------------------------------------------------------------------ report
def test_report_from_the_daemon_and_from_the_database(fake, make_daemon):
    d = make_daemon(providers(fake))
    tag = new_tag()
    assert chat(d, tag) == 200 and chat(d, tag, "other") == 200
    d.wait_tag(tag, count=2)
    code, out, err = run("report", "--port", str(d.port), "--format", "json", "--days", "3")
    assert code == 0, err
    digest = json.loads(out)
    assert digest["days"] == 3 and digest["spend"]["calls"] == 2
    assert digest["top_sources"][0]["source"] == "ci-agent"
    code, out, _ = run("report", "--port", str(d.port))
    assert code == 0
    assert out.startswith("TokenLens digest: last 7 days")
    assert "Top sources (1)" in out and "ci-agent" in out and "gpt-5-mini (openai)" in out
    assert run("report", "--days", "0", "--port", str(d.port))[0] != 0
    port = d.port
    assert d.stop() == 0
    # No daemon: the same digest straight from the database.
    code, out, err = run("report", "--port", str(port), "--config", str(d.config), "--format", "json", "--days", "3")
    assert code == 0, err
    local = json.loads(out)
    assert local["spend"] == digest["spend"] and local["top_models"] == digest["top_models"]
    code, _, err = run("report", "--port", str(port), "--config", str(d.workdir / "missing.toml"))
    assert code == 2 and "no daemon" in err


# ------------------------------------------------------------------ stats
def test_stats_and_its_assertions(fake, make_daemon, tmp_path):
    d = make_daemon(providers(fake))
    cfg = ["--config", str(d.config)]
    tag = new_tag()
    for i in range(2):
        assert chat(d, tag, f"distinct {i}") == 200
    d.wait_tag(tag, count=2)
    code, out, err = run("stats", *cfg, "--json", "--assert-no-retry-loops", "--assert-budget", "1", "--assert-error-rate", "0")
    assert code == 0, err
    stats = json.loads(out)
    assert stats["calls"] == 2 and stats["errors"] == 0 and stats["retry_loops"] == []
    assert stats["cost_usd"] == pytest.approx(2 * 0.00128915, abs=1e-12)
    assert stats["assertions"] == {"checked": ["budget", "error_rate", "no_retry_loops"], "passed": True, "failures": []}
    code, out, _ = run("stats", *cfg)
    assert code == 0 and out.startswith("TokenLens stats: last 7 days") and "ci-agent" in out

    code, _, err = run("stats", *cfg, "--assert-budget", "0.001")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "budget exceeded" in lines[0] and "$0.002578" in lines[0], err

    assert chat(d, tag, "fails", **{"X-Fake-Status": "500"}) == 500
    d.wait_tag(tag, count=3)
    code, _, err = run("stats", *cfg, "--assert-error-rate", "10")
    assert code == 1 and err.strip().count("\n") == 0 and "error rate 33.33% (1 of 3 calls) is above 10.00%" in err
    assert run("stats", *cfg, "--assert-error-rate", "50")[0] == 0

    # The same request three times within seconds: a retry loop.
    for _ in range(3):
        assert chat(d, tag, "again and again") == 200
    d.wait_tag(tag, count=6)
    code, out, err = run("stats", *cfg, "--json", "--assert-no-retry-loops")
    assert code == 1
    assert "1 retry loop(s) found; the longest: 3 identical requests from ci-agent to gpt-5-mini" in err
    loops = json.loads(out)["retry_loops"]
    assert len(loops) == 1 and loops[0]["count"] == 3 and len(loops[0]["call_ids"]) == 3
    assert json.loads(out)["assertions"]["passed"] is False
    # Several failures: one line each.
    code, _, err = run("stats", *cfg, "--assert-no-retry-loops", "--assert-budget", "0")
    assert code == 1 and len(err.strip().splitlines()) == 2

    code, _, err = run("stats", "--db", str(tmp_path / "none.db"))
    assert code == 2 and "no database" in err


# ------------------------------------------------------------------ analyze
LONG = "You are the ACME code assistant. Follow the style guide and explain each change. " * 80


def test_analyze_formats_flags_and_exit_codes(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"model": "claude-sonnet-4-5", "max_tokens": 256, "system": LONG,
                                "messages": [{"role": "user", "content": "Refactor parser.swift"}]}))
    code, out, err = run("analyze", str(good))
    assert code == 0, err
    assert out.startswith("Cacheability score: ")
    assert "anthropic messages, 1 request" in out and "no-cache-control" in out
    assert "→" not in out and "--suggestions" in out
    code, out, _ = run("analyze", str(good), "--suggestions")
    assert "→ add \"cache_control\"" in out
    code, out, _ = run("analyze", str(good), "--score-only")
    assert code == 0 and out.strip().isdigit() and int(out) >= 90
    code, out, _ = run("analyze", str(good), "--format", "json")
    report = json.loads(out)
    assert report["provider"] == "anthropic" and report["score"] == int(run("analyze", str(good), "--score-only")[1])
    assert {f["id"] for f in report["findings"]} >= {"no-cache-control"}

    volatile = json.dumps([{"role": "system", "content": "Now: 2025-02-02T10:11:12Z. " + LONG},
                           {"role": "user", "content": "hi"}])
    code, out, _ = run("analyze", "-", "--format", "json", stdin=volatile)
    assert code == 0
    report = json.loads(out)
    assert report["score"] == 0 and report["findings"][0]["id"] == "volatile-prefix"
    # --min-tokens hides small findings.
    small = json.dumps([{"role": "system", "content": "Be brief, always, in each and every reply you write."},
                        {"role": "user", "content": "hi"}])
    assert "prefix-too-short" in run("analyze", "-", "--min-tokens", "5", stdin=small)[1]
    assert "No findings." in run("analyze", "-", "--min-tokens", "500", stdin=small)[1]

    code, _, err = run("analyze", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"foo": 1}')
    code, _, err = run("analyze", str(bad))
    assert code == 2 and "not a chat request" in err
