"""Policy hot swap through the real daemon: a rule edited in each of the ways editors save
files takes effect on the next request, a broken file leaves the last good policy serving,
and a load of concurrent requests sees no error while the snapshots swap (issue 3)."""
from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from conftest import OPENAI_AUTH, Daemon, http_request

KILLED = "victim-agent"
BODY = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "hi"}]}


def quotas(killed: list[str]) -> str:
    return ("# Quotas, edited by the hot-swap test.\n"
            f"kill_switches = {json.dumps(killed)}\n")


@pytest.fixture()
def policy_daemon(fake, tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "quotas.toml").write_text(quotas([]))
    (policies / "routing.toml").write_text("# no routing\n")
    d = Daemon(tmp_path, {"openai": fake.base, "anthropic": fake.base, "google": fake.base})
    d.start()
    yield d, policies
    assert d.stop() == 0


def status_of(d, source):
    status, headers, _ = http_request(d.port, "POST", "/proxy/openai/v1/chat/completions", BODY,
                                      {**OPENAI_AUTH, "X-TokenLens-Source": source})
    return status, headers.get("x-tokenlens-policy")


def wait_for(d, source, expected, timeout=2.0):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = status_of(d, source)
        if last[0] == expected:
            return last
        time.sleep(0.01)
    raise AssertionError(f"source {source!r} still answered {last} after {timeout}s, expected {expected}")


class Load(threading.Thread):
    """Concurrent requests from an unaffected source for the length of the test."""

    def __init__(self, d, workers=4):
        super().__init__(daemon=True)
        self.d, self.workers = d, workers
        self.stop_flag = threading.Event()
        self.sent, self.failures = 0, []
        self.lock = threading.Lock()

    def run(self):
        def worker():
            while not self.stop_flag.is_set():
                status, _ = status_of(self.d, "steady-load")
                with self.lock:
                    self.sent += 1
                    if status != 200:
                        self.failures.append(status)
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def finish(self):
        self.stop_flag.set()
        self.join(30)
        return self.sent, self.failures


def wait_until(condition, timeout=10.0):
    deadline = time.time() + timeout
    while not condition() and time.time() < deadline:
        time.sleep(0.01)


def save_in_place(path, text):
    with open(path, "w") as f:
        f.write(text)


def save_by_rename(path, text):
    temporary = path.parent / f".{path.name}.tmp"
    temporary.write_text(text)
    os.rename(temporary, path)


def save_like_vim(path, text):
    # vim's default (backupcopy=auto): probe file, move the original to a backup, write anew.
    probe = path.parent / "4913"
    probe.write_text("")
    probe.unlink()
    backup = path.parent / f"{path.name}~"
    os.rename(path, backup)
    swap = path.parent / f".{path.name}.swp"
    swap.write_bytes(b"\0" * 64)
    with open(path, "w") as f:
        f.write(text)
    backup.unlink()
    swap.unlink()


@pytest.mark.parametrize("save", [save_in_place, save_by_rename, save_like_vim],
                         ids=["in-place", "temp-then-rename", "vim-backup"])
def test_each_save_pattern_swaps_the_policy_under_load(policy_daemon, save):
    d, policies = policy_daemon
    path = policies / "quotas.toml"
    assert status_of(d, KILLED)[0] == 200
    before = d.get_json("/api/status")["policy"]["version"]
    load = Load(d)
    load.start()
    try:
        wait_until(lambda: load.sent >= 10)
        save(path, quotas([KILLED]))
        _, version = wait_for(d, KILLED, 403)
        assert version != before
        assert d.get_json("/api/status")["policy"]["version"] == version
        save(path, quotas([]))
        wait_for(d, KILLED, 200)
        wait_until(lambda: load.sent >= 40)
    finally:
        sent, failures = load.finish()
    assert sent >= 40, "the load did not run"
    assert failures == [], f"{len(failures)} of {sent} concurrent requests failed during swaps: {failures[:5]}"


def test_broken_file_keeps_the_last_good_policy(policy_daemon):
    d, policies = policy_daemon
    path = policies / "quotas.toml"
    save_by_rename(path, quotas([KILLED]))
    _, good = wait_for(d, KILLED, 403)
    save_by_rename(path, 'kill_switches = ["unterminated\n')
    deadline = time.time() + 2
    while time.time() < deadline and d.get_json("/api/status")["policy"]["last_error"] is None:
        time.sleep(0.02)
    status = d.get_json("/api/status")["policy"]
    assert status["version"] == good
    error = status["last_error"]
    assert error is not None
    assert error["diagnostics"][0]["file"].endswith("quotas.toml")
    assert error["diagnostics"][0]["line"] == 1
    assert error["diagnostics"][0]["code"] == "syntax"
    # the old rule is still in force
    assert status_of(d, KILLED) == (403, good)
    _, _, metrics = http_request(d.port, "GET", "/metrics")
    assert b'tokenlens_policy_reloads_total{result="failure"}' in metrics
    assert f'tokenlens_policy_info{{version="{good}"}} 1'.encode() in metrics
    assert "rejected" in d.stderr_text()
    # fixing the file clears the error
    save_by_rename(path, quotas([]))
    wait_for(d, KILLED, 200)
    assert d.get_json("/api/status")["policy"]["last_error"] is None


def test_sighup_reloads(policy_daemon, tmp_path):
    d, policies = policy_daemon
    before = d.get_json("/api/status")["policy"]
    # The imported price table is read at compile time but not watched: only SIGHUP picks it up.
    (d.data_dir / "prices.json").write_text(json.dumps({
        "hot-swap-model": {"litellm_provider": "openai", "mode": "chat",
                           "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}}))
    d.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 3
    while time.time() < deadline and d.get_json("/api/status")["policy"]["version"] == before["version"]:
        time.sleep(0.02)
    after = d.get_json("/api/status")["policy"]
    assert after["version"] != before["version"]
    assert after["reloads"] == before["reloads"] + 1
    assert any(f.endswith("prices.json") for f in after["files"])


def test_every_record_carries_its_policy_version(policy_daemon, tag):
    d, policies = policy_daemon
    headers = {**OPENAI_AUTH, "X-TokenLens-Tags": f"t={tag}"}
    status, first, _ = http_request(d.port, "POST", "/proxy/openai/v1/chat/completions", BODY, headers)
    save_by_rename(policies / "routing.toml", "# routing, changed\n")
    deadline = time.time() + 2
    while time.time() < deadline and d.get_json("/api/status")["policy"]["version"] == first["x-tokenlens-policy"]:
        time.sleep(0.02)
    status, second, _ = http_request(d.port, "POST", "/proxy/openai/v1/chat/completions", BODY, headers)
    assert first["x-tokenlens-policy"] != second["x-tokenlens-policy"]
    records = d.wait_tag(tag, count=2)
    assert {r["policy_version"] for r in records} == {first["x-tokenlens-policy"], second["x-tokenlens-policy"]}
