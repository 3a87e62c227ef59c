#!/usr/bin/env python3
"""Proxy benchmark: the same wrk load sent straight to a fixed local provider (nginx), through
nginx as a plain reverse proxy (the reference: what forwarding alone costs on this machine) and
through TokenLens, in one run, at 1, 16 and 64 connections, for a JSON and an SSE response.
Reports requests/s, p50/p99 latency, the latency each proxy adds, throughput relative to
direct, and the daemon's peak RSS. With --floor, also through tokenlens-forward-floor (bytes
forwarded on SwiftNIO with no HTTP model: what the event loops and the kernel cost), and with
--floor-http also through the floor with NIO's own HTTP/1 codecs on both connections (what any
proxy that reads HTTP on SwiftNIO pays before doing anything). Prints Markdown tables."""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def parse_wrk(text):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    lat = {}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", text, re.M):
        lat[int(pct)] = float(value) * UNITS[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {"rps": rps, "requests": int(re.search(r"(\d+) requests in", text).group(1)), "p50": lat[50],
            "p99": lat[99], "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time of a process (all its threads) and of its children (nginx's workers)."""
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def wrk(url, script, connections, duration, pid=None):
    """One wrk run; with `pid`, also the CPU time that process spent per request (µs)."""
    threads = 1 if connections == 1 else 2
    before = cpu_seconds(pid) if pid else 0
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
                          "-s", str(HERE / script), url], capture_output=True, text=True, check=True).stdout
    result = parse_wrk(out)
    if pid:
        result["cpu_us"] = (cpu_seconds(pid) - before) * 1e6 / max(1, result["requests"])
    return result


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def median_run(runs):
    """Field by field median of several wrk results."""
    return {"rps": median([r["rps"] for r in runs]), "p50": median([r["p50"] for r in runs]),
            "p99": median([r["p99"] for r in runs]), "cpu_us": median([r.get("cpu_us", 0) for r in runs]),
            "non2xx": sum(r["non2xx"] for r in runs),
            "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"])}


def ttfb_samples(host, port, path, body, count=300):
    """Milliseconds from sending a request to the first response byte, over one keep-alive
    connection (what a streaming client feels before the first token)."""
    sock = socket.create_connection((host, port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
               f"Authorization: Bearer sk-benchmark-not-a-key\r\nX-TokenLens-Source: bench\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        sock.sendall(request)
        data = sock.recv(65536)
        samples.append((time.perf_counter() - start) * 1000)
        # read the rest of the response (content-length or chunked end)
        while not (b"\r\n0\r\n\r\n" in data or (b"Content-Length" in data and response_complete(data))):
            more = sock.recv(65536)
            if not more:
                break
            data += more
    sock.close()
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.99) - 1]


def response_complete(data):
    head, _, rest = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(rest) >= int(line.split(b":")[1])
    return False


class RSSSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, False

    def run(self):
        while not self.stop:
            try:
                status = Path(f"/proc/{self.pid}/status").read_text()
                rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
                self.peak = max(self.peak, rss)
            except (OSError, AttributeError):
                return
            time.sleep(0.2)


def print_against_direct(rows, column, name, title):
    """One forwarder's figures (rows[i][column]) against direct (rows[i][2]), as a Markdown table."""
    print(f"\n{title}\n")
    print(f"| body | conns | {name} req/s | {name}/direct | {name} added p50 ms | {name} added p99 ms | "
          f"{name} CPU µs/call |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        kind, connections, d, f = row[0], row[1], row[2], row[column]
        print(f"| {kind} | {connections} | {f['rps']:.0f} | {f['rps'] / d['rps']:.0%} | {f['p50'] - d['p50']:.3f} | "
              f"{f['p99'] - d['p99']:.3f} | {f['cpu_us']:.1f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokenlens", required=True)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--floor", help="path of tokenlens-forward-floor, to measure it too")
    parser.add_argument("--floor-http", action="store_true",
                        help="with --floor, also measure the floor with NIO's HTTP/1 codecs (--http)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tokenlens-bench-"))
    ngx_port = free_port()
    conf = (HERE / "nginx.conf.template").read_text().replace("@PORT@", str(ngx_port)) \
        .replace("@DIR@", str(work)).replace("@ROOT@", str(HERE))
    (work / "nginx.conf").write_text(conf)
    ref_port = free_port()
    (work / "nginx-proxy.conf").write_text(
        (HERE / "nginx-proxy.conf.template").read_text().replace("@PORT@", str(ngx_port))
        .replace("@REFPORT@", str(ref_port)).replace("@DIR@", str(work)))
    nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-p", str(work)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reference = subprocess.Popen(["nginx", "-c", str(work / "nginx-proxy.conf"), "-p", str(work)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    (work / "config.toml").write_text(
        f'[storage]\npath = "{work}/data"\n[providers.openai]\nbase_url = "http://127.0.0.1:{ngx_port}"\n')
    daemon = subprocess.Popen([args.tokenlens, "daemon", "--config", str(work / "config.toml"), "--port", "0",
                               "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    floor = http_floor = None
    try:
        line = daemon.stdout.readline()
        proxy = re.search(r"TOKENLENS_READY (\S+)", line).group(1)
        wait_port(ngx_port)
        wait_port(ref_port)
        floor_port = free_port() if args.floor else None
        floor = subprocess.Popen([args.floor, str(ngx_port), str(floor_port)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL) if args.floor else None
        if floor:
            wait_port(floor_port)
        http_floor_port = free_port() if args.floor and args.floor_http else None
        http_floor = subprocess.Popen([args.floor, "--http", str(ngx_port), str(http_floor_port)],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if http_floor_port else None
        if http_floor:
            wait_port(http_floor_port)
        sampler = RSSSampler(daemon.pid)
        sampler.start()
        rows = []
        for kind, script, path in [("JSON", "chat.lua", "/v1/chat/completions"),
                                   ("SSE", "stream.lua", "/stream/v1/chat/completions")]:
            direct_url = f"http://127.0.0.1:{ngx_port}{path}"
            reference_url = f"http://127.0.0.1:{ref_port}{path}"
            proxy_url = f"{proxy}/proxy/openai{path}"
            urls = [direct_url, reference_url, proxy_url] + ([f"http://127.0.0.1:{floor_port}{path}"] if floor else []) \
                + ([f"http://127.0.0.1:{http_floor_port}{path}"] if http_floor else [])
            # Whose CPU time each run counts: the upstream nginx's for direct, else the forwarder's.
            pids = [nginx.pid, reference.pid, daemon.pid] + ([floor.pid] if floor else []) \
                + ([http_floor.pid] if http_floor else [])
            wrk(proxy_url, script, 4, 2)  # warm up pools and caches
            wrk(reference_url, script, 4, 2)
            for connections in [int(c) for c in args.connections.split(",")]:
                # Direct, reference, TokenLens (and the floor) alternate, and each figure is the median of the
                # rounds: on a shared 2-core VM one 5-second run can be off by a factor of two.
                runs = [[wrk(url, script, connections, args.duration, pid) for url, pid in zip(urls, pids)]
                        for _ in range(args.rounds)]
                rows.append((kind, connections, *(median_run([r[i] for r in runs]) for i in range(len(urls)))))
        sampler.stop = True
        sampler.join()
        stream_body = (HERE / "stream.lua").read_text().split("wrk.body = '")[1].rsplit("'", 1)[0].encode()
        proxy_port = int(proxy.rsplit(":", 1)[1])
        rounds = [(ttfb_samples("127.0.0.1", ngx_port, "/stream/v1/chat/completions", stream_body),
                   ttfb_samples("127.0.0.1", proxy_port, "/proxy/openai/stream/v1/chat/completions", stream_body))
                  for _ in range(args.rounds)]
        ttfb_direct = tuple(median([r[0][i] for r in rounds]) for i in (0, 1))
        ttfb_proxied = tuple(median([r[1][i] for r in rounds]) for i in (0, 1))
        status = Path(f"/proc/{daemon.pid}/status").read_text()
        hwm = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        for forwarder in (floor, http_floor):
            if forwarder:
                forwarder.terminate()
                forwarder.wait(timeout=10)
        for server in (nginx, reference):
            server.terminate()
            server.wait(timeout=10)
    print(f"## Proxy benchmark (medians of {args.rounds} alternating runs of {args.duration} s, {os.cpu_count()} cores, "
          f"wrk → nginx, direct vs through TokenLens)\n")
    print("| body | conns | direct req/s | proxied req/s | proxied/direct | direct p50 ms | proxied p50 ms | added p50 ms | direct p99 ms | proxied p99 ms | added p99 ms | TokenLens CPU µs/call | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for kind, connections, d, _, p, *_ in rows:
        errors = f"{p['non2xx']} non-2xx" + (f", {p['socket_errors']}" if p["socket_errors"] else "")
        print(f"| {kind} | {connections} | {d['rps']:.0f} | {p['rps']:.0f} | {p['rps'] / d['rps']:.0%} | "
              f"{d['p50']:.3f} | {p['p50']:.3f} | {p['p50'] - d['p50']:.3f} | {d['p99']:.3f} | {p['p99']:.3f} | "
              f"{p['p99'] - d['p99']:.3f} | {p['cpu_us']:.1f} | {errors} |")
    print("\nCPU µs/call: user plus system time of the proxying process (all threads; nginx with its workers) "
          "per request, median of the rounds. The upstream nginx itself spent "
          + ", ".join(f"{d['cpu_us']:.1f}" for _, _, d, *_ in rows) + " µs per call in the direct runs (rows in order).")
    print_against_direct(rows, 3, "reference", "The reference: nginx as a plain reverse proxy (two workers, "
                         "keep-alive upstream pool, unbuffered), same runs.")
    if args.floor:
        print_against_direct(rows, 5, "floor", "The floor: tokenlens-forward-floor (request and response bytes "
                             "forwarded on SwiftNIO, framed by Content-Length, no HTTP model), same runs.")
    if http_floor_port:
        print_against_direct(rows, 6, "floor --http", "The floor with NIO's HTTP/1 codecs on both connections "
                             "(`tokenlens-forward-floor --http`: requests and responses parsed into HTTPRequestHead "
                             "and HTTPResponseHead, nothing else), same runs.")
    print(f"\nTime to first byte of an SSE response, one keep-alive connection, 300 requests (median of {args.rounds} "
          f"alternating rounds): direct p50 "
          f"{ttfb_direct[0]:.3f} ms / p99 {ttfb_direct[1]:.3f} ms; through TokenLens p50 {ttfb_proxied[0]:.3f} ms / "
          f"p99 {ttfb_proxied[1]:.3f} ms (added p50 {ttfb_proxied[0] - ttfb_direct[0]:.3f} ms).")
    print(f"\nDaemon RSS under load: peak sampled {sampler.peak / 1024:.1f} MB, VmHWM {hwm / 1024:.1f} MB.")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
