"""`tokenlens top` driven under tmux: it shows a call made while it runs, pauses, quits on
`q` with status 0, and exits cleanly when the daemon goes away."""
from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest

from conftest import OPENAI_AUTH, TOKENLENS_BIN, Daemon, http_request

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Pane:
    def __init__(self, command: str, tmp_path):
        self.name = f"top-{uuid.uuid4().hex[:8]}"
        self.status_file = tmp_path / f"{self.name}.status"
        wrapped = f"{command}; echo $? > {self.status_file}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "30", wrapped], check=True)

    def screen(self) -> str:
        result = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return result.stdout

    def wait_for(self, text: str, timeout=10.0) -> str:
        deadline = time.time() + timeout
        screen = ""
        while time.time() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen:\n{screen}")

    def keys(self, keys: str):
        subprocess.run(["tmux", "send-keys", "-t", self.name, keys], check=True)

    def exit_status(self, timeout=10.0) -> int:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.status_file.exists() and self.status_file.read_text().strip():
                return int(self.status_file.read_text())
            time.sleep(0.1)
        raise AssertionError("top did not exit")

    def close(self):
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_top_shows_calls_pauses_and_quits(fake, tmp_path):
    d = Daemon(tmp_path, {"openai": fake.base}).start()
    pane = Pane(f"{TOKENLENS_BIN} top --port {d.port} --refresh 100", tmp_path)
    try:
        pane.wait_for("tokenlens top")
        pane.wait_for("waiting for calls")
        status, _, _ = http_request(d.port, "POST", "/proxy/openai/v1/chat/completions",
                                    {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "hi"}]},
                                    {**OPENAI_AUTH, "X-TokenLens-Source": "top-visible"})
        assert status == 200
        screen = pane.wait_for("top-visible")
        assert "gpt-5-mini" in screen and "calls/min 1" in screen
        pane.keys("p")
        pane.wait_for("PAUSED")
        pane.keys("p")
        pane.wait_for("live")
        pane.keys("q")
        assert pane.exit_status() == 0
    finally:
        pane.close()
        assert d.stop() == 0


def test_top_exits_when_the_daemon_goes_away(fake, tmp_path):
    d = Daemon(tmp_path, {"openai": fake.base}).start()
    pane = Pane(f"{TOKENLENS_BIN} top --port {d.port} --refresh 100 2>{tmp_path}/err.txt", tmp_path)
    try:
        pane.wait_for("tokenlens top")
        assert d.stop() == 0
        assert pane.exit_status() == 1
        assert "went away" in (tmp_path / "err.txt").read_text()
    finally:
        pane.close()


def test_top_without_a_daemon_says_so(tmp_path):
    result = subprocess.run([TOKENLENS_BIN, "top", "--port", "1"], capture_output=True, text=True, timeout=20)
    assert result.returncode == 1
    # the same words as `tokenlens status`, not NIO's error text
    assert result.stderr == ("tokenlens top: TokenLens is not running on http://127.0.0.1:1 (connection refused); "
                             "start one with `tokenlens daemon`\n"), result.stderr
