"""Graceful shutdown loses nothing; a daemon that cannot start says why and exits.

200 concurrent calls, SIGTERM right after the last response, exit code 0, and a new daemon on the
same data folder reads back exactly those 200 records. A stream in flight when SIGTERM arrives is
finished and recorded. SIGINT stops the daemon the same way.
"""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import (ANTHROPIC_AUTH, GOOGLE_AUTH, OPENAI_AUTH, TOKENLENS_BIN, Daemon, http_request, raw_post_bytes,
                      read_until_closed, split_head)

MSGS = [{"role": "user", "content": "x"}]
MIX = [
    ("/proxy/openai/v1/chat/completions", {"model": "gpt-5-mini", "messages": MSGS}, OPENAI_AUTH, 0.00128915),
    ("/proxy/openai/v1/chat/completions", {"model": "gpt-4.1-mini", "messages": MSGS, "stream": True}, OPENAI_AUTH,
     0.0003224),
    ("/proxy/anthropic/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS,
                                      "stream": True}, ANTHROPIC_AUTH, 0.0118218),
    ("/proxy/google/v1beta/models/gemini-2.5-pro:generateContent", {"contents": []}, GOOGLE_AUTH, 0.02417525),
    ("/proxy/openai/v1/embeddings", {"model": "text-embedding-3-small", "input": "x"}, OPENAI_AUTH, 3.4e-07),
]
N = 200


def providers(fake):
    return {"openai": fake.base, "anthropic": fake.base, "google": fake.base}


def test_sigterm_after_burst_loses_nothing(fake, make_daemon, tmp_path):
    data = tmp_path / "shared-data"
    d1 = make_daemon(providers(fake), data_dir=data)

    def one(i):
        path, body, auth, _ = MIX[i % len(MIX)]
        s, h, b = http_request(d1.port, "POST", path, body, {**auth, "X-TokenLens-Tags": f"i={i}"}, timeout=30)
        assert s == 200, (i, s, b[:200])
        return h["x-tokenlens-request-id"]

    with ThreadPoolExecutor(max_workers=24) as ex:
        ids = list(ex.map(one, range(N)))
    rc = d1.stop(signal.SIGTERM)
    assert rc == 0, d1.stderr_text()[-2000:]
    assert len(set(ids)) == N

    d2 = make_daemon(providers(fake), data_dir=data)
    recs = d2.recent(limit=1000)
    assert len(recs) == N
    assert {r["id"] for r in recs} == set(ids)
    assert sorted(int(r["tags"]["i"]) for r in recs) == list(range(N))
    assert all(r["outcome"] == "ok" for r in recs)
    expected_cost = sum(MIX[i % len(MIX)][3] for i in range(N))
    assert sum(r["cost_usd"] for r in recs) == pytest.approx(expected_cost, abs=1e-9)
    st = d2.get_json("/api/status")
    assert st["db"]["calls"] == N
    assert d2.get_json("/api/usage/kpi?days=1")["calls"] == N
    assert d2.stop() == 0


def test_stream_in_flight_at_sigterm_completes(fake, make_daemon, tmp_path):
    data = tmp_path / "inflight-data"
    d1 = make_daemon(providers(fake), data_dir=data)
    body = {"model": "claude-sonnet-4-5", "max_tokens": 64, "messages": MSGS, "stream": True}
    s = socket.create_connection(("127.0.0.1", d1.port), timeout=10)
    s.sendall(raw_post_bytes("/proxy/anthropic/v1/messages", json.dumps(body).encode(),
                             {**ANTHROPIC_AUTH, "X-Fake-Delay-Ms": "80", "X-TokenLens-Tags": "k=inflight"}))
    buf = b""
    while b"event: message_start" not in buf:
        buf += s.recv(65536)
    t_sig = time.monotonic()
    d1.proc.send_signal(signal.SIGTERM)
    buf += read_until_closed(s)
    status, headers, rest = split_head(buf)
    assert status == 200
    assert rest.endswith(b"0\r\n\r\n"), "the stream must be finished, not cut"
    assert b"event: message_stop" in rest
    assert d1.proc.wait(15) == 0
    assert time.monotonic() - t_sig > 0.5  # it waited for the stream
    d1.stop()

    d2 = make_daemon(providers(fake), data_dir=data)
    recs = d2.recent()
    assert len(recs) == 1
    r = recs[0]
    assert r["outcome"] == "ok" and r["tags"] == {"k": "inflight"}
    assert (r["input_tokens"], r["output_tokens"], r["cost_usd"]) == (329, 58, pytest.approx(0.0118218, abs=1e-12))


def test_sigint_stops_gracefully(fake, make_daemon, tmp_path):
    data = tmp_path / "sigint-data"
    d1 = make_daemon(providers(fake), data_dir=data)
    ids = []
    for _ in range(5):
        s, h, _ = http_request(d1.port, "POST", "/proxy/openai/v1/embeddings",
                               {"model": "text-embedding-3-small", "input": "x"}, OPENAI_AUTH)
        assert s == 200
        ids.append(h["x-tokenlens-request-id"])
    assert d1.stop(signal.SIGINT) == 0
    d2 = make_daemon(providers(fake), data_dir=data)
    assert {r["id"] for r in d2.recent()} == set(ids)


def test_taken_port_ends_the_daemon_with_a_clear_error(fake, tmp_path):
    """A daemon that cannot listen says where and why, and exits at once. It used to stay up
    without a word, one event loop spinning, because the service group cancels the other
    services when the server fails and some of them only listened for a graceful shutdown."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    d = Daemon(tmp_path / "taken", providers(fake))
    try:
        started = time.monotonic()
        proc = subprocess.run([TOKENLENS_BIN, "daemon", "--config", str(d.config), "--port", str(port)],
                              capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        assert time.monotonic() - started < 10
    finally:
        holder.close()
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert f"cannot listen on 127.0.0.1:{port}: the address is already in use" in err, err
    assert "--port" in err
    assert b"TOKENLENS_READY" not in proc.stdout


def ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback_available(), reason="this machine has no IPv6 loopback")
def test_daemon_on_ipv6_loopback_announces_a_valid_url(fake, tmp_path):
    """The ready line and the log give a URL a client can use: an IPv6 host in brackets."""
    d = Daemon(tmp_path / "v6", providers(fake))
    proc = subprocess.Popen([TOKENLENS_BIN, "daemon", "--config", str(d.config), "--host", "::1", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode().strip()
        assert line.startswith("TOKENLENS_READY http://[::1]:"), line
        url = line.split(" ", 1)[1]
        with socket.create_connection(("::1", int(url.rsplit(":", 1)[1])), timeout=5) as conn:
            conn.sendall(b"GET /api/status HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n")
            answer = b""
            while len(answer) < 12 and (chunk := conn.recv(64)):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200"), answer
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "listening on http://[::1]:" in err.decode()
