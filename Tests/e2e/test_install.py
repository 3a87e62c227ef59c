"""`tokenlens install` / `uninstall [--purge]` / `ui` against a temporary HOME: files created,
shell hooks idempotent, the service registered through systemctl (a recording stand-in here),
and everything removed again."""
from __future__ import annotations

import os
import stat
import subprocess

from conftest import TOKENLENS_BIN


def run(home, *args, systemctl=None, shell="/bin/bash"):
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "SHELL": shell,
           "TOKENLENS_SYSTEMCTL": str(systemctl) if systemctl else str(home / "no-systemctl")}
    return subprocess.run([TOKENLENS_BIN, *args], capture_output=True, text=True, env=env, timeout=60)


def fake_systemctl(home):
    log = home / "systemctl.log"
    script = home / "systemctl"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n[ \"$2\" = is-system-running ] && echo running\nexit 0\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


def test_install_writes_everything_and_is_idempotent(tmp_path):
    home = tmp_path
    (home / ".bashrc").write_text("# my bashrc\nalias ll='ls -l'\n")
    (home / ".zshrc").write_text("# my zshrc\n")
    (home / ".config" / "fish").mkdir(parents=True)
    first = run(home, "install", "--port", "8555")
    assert first.returncode == 0, first.stderr
    assert "systemd is not available" in first.stdout and "nohup" in first.stdout
    data = home / ".tokenlens"
    assert (data / "bin" / "tokenlens").exists()
    assert subprocess.run([str(data / "bin" / "tokenlens"), "--version"], capture_output=True).returncode == 0
    assert (data / "config.toml").read_text().count("port = 8555") == 1
    assert (data / "policies" / "quotas.toml").exists()
    assert subprocess.run([TOKENLENS_BIN, "check", str(data / "config.toml")], capture_output=True).returncode == 0
    env = (data / "env.sh").read_text()
    assert 'export OPENAI_BASE_URL="http://127.0.0.1:8555/proxy/openai/v1"' in env
    assert 'export ANTHROPIC_BASE_URL="http://127.0.0.1:8555/proxy/anthropic"' in env
    assert 'export GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:8555/proxy/google"' in env
    unit = (home / ".config" / "systemd" / "user" / "tokenlens.service").read_text()
    assert f"ExecStart={data}/bin/tokenlens daemon --config {data}/config.toml --port 8555" in unit
    # a new shell sees the variables
    out = subprocess.run(["bash", "-ic", "echo $OPENAI_BASE_URL"], capture_output=True, text=True,
                         env={"HOME": str(home), "PATH": os.environ["PATH"]})
    assert out.stdout.strip().endswith("http://127.0.0.1:8555/proxy/openai/v1")
    assert (home / ".config" / "fish" / "conf.d" / "tokenlens.fish").exists()
    bashrc_once = (home / ".bashrc").read_text()
    zshrc_once = (home / ".zshrc").read_text()
    assert run(home, "install", "--port", "8555").returncode == 0
    assert (home / ".bashrc").read_text() == bashrc_once
    assert (home / ".zshrc").read_text() == zshrc_once
    assert bashrc_once.count(">>> tokenlens >>>") == 1 and bashrc_once.startswith("# my bashrc\nalias ll='ls -l'\n")

    removed = run(home, "uninstall")
    assert removed.returncode == 0, removed.stderr
    assert (home / ".bashrc").read_text() == "# my bashrc\nalias ll='ls -l'\n"
    assert (home / ".zshrc").read_text() == "# my zshrc\n"
    for gone in [home / ".config" / "systemd" / "user" / "tokenlens.service", data / "env.sh", data / "env.fish",
                 data / "bin" / "tokenlens", home / ".config" / "fish" / "conf.d" / "tokenlens.fish"]:
        assert not gone.exists(), gone
    assert (data / "config.toml").exists(), "data is kept without --purge"
    assert run(home, "uninstall", "--purge").returncode == 0
    assert not data.exists()


def test_install_registers_and_uninstall_removes_the_systemd_service(tmp_path):
    home = tmp_path
    systemctl, log = fake_systemctl(home)
    result = run(home, "install", systemctl=systemctl)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert "--user daemon-reload" in calls and "--user enable --now tokenlens.service" in calls
    assert run(home, "uninstall", "--purge", systemctl=systemctl).returncode == 0
    assert "--user disable --now tokenlens.service" in log.read_text().splitlines()


def test_zsh_user_gets_a_zshrc_hook(tmp_path):
    assert run(tmp_path, "install", "--no-start", shell="/usr/bin/zsh").returncode == 0
    assert ">>> tokenlens >>>" in (tmp_path / ".zshrc").read_text()


def test_ui_prints_the_address_without_a_display(tmp_path):
    result = run(tmp_path, "ui", "--port", "8555")
    assert result.returncode == 0 and result.stdout.strip() == "http://127.0.0.1:8555/"
