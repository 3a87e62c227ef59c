"""The command line: `tokenlens check` (formats and exit codes) and `tokenlens pricing`."""
from __future__ import annotations

import json
import subprocess

from conftest import REPO, TOKENLENS_BIN


def run(*args, cwd=None):
    result = subprocess.run([TOKENLENS_BIN, *args], capture_output=True, text=True, cwd=cwd, timeout=60)
    return result.returncode, result.stdout, result.stderr


def test_check_clean_files_exits_0():
    code, out, _ = run("check", str(REPO / "examples" / "config.toml"), str(REPO / "policies"))
    assert code == 0, out
    assert "no problems found" in out


def test_check_findings_exit_1_with_caret_json_and_github(tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "quotas.toml").write_text('[[source_limits]]\nsource = "a"\ndaily_usd = "5"\n')
    code, out, _ = run("check", str(policies))
    assert code == 1
    lines = out.splitlines()
    first = lines[0]
    assert first.startswith(f"{policies / 'quotas.toml'}:3:13: error: wrong-type:"), first
    assert lines[1] == '    daily_usd = "5"'
    assert lines[2] == "    " + " " * 12 + "^"
    code, out, _ = run("check", "--format", "json", str(policies))
    report = json.loads(out)
    assert code == 1 and report["errors"] == 1
    assert report["diagnostics"][0] | {"file": None} == {"file": None, "line": 3, "column": 13, "severity": "error",
                                                         "code": "wrong-type", "message": report["diagnostics"][0]["message"]}
    code, out, _ = run("check", "--format", "github", str(policies))
    assert out.startswith(f"::error file={policies / 'quotas.toml'},line=3,col=13,title=wrong-type::")


def test_strict_turns_warnings_into_errors(tmp_path):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "routing.toml").write_text('[[aliases]]\nfrom = "gpt-4"\nto = "gpt-4-internal-finetune"\n')
    assert run("check", str(policies))[0] == 0
    code, out, _ = run("check", "--strict", str(policies))
    assert code == 1 and "unpriced-model" in out


def test_unreadable_input_exits_2(tmp_path):
    code, _, err = run("check", str(tmp_path / "missing.toml"))
    assert code == 2 and "cannot read" in err


def test_pricing_import_refreshes_the_table(tmp_path):
    data = tmp_path / "data"
    config = tmp_path / "config.toml"
    config.write_text(f'[storage]\npath = "{data}"\n')
    assert run("pricing", "show", "acme-large-2030-01-01", "--config", str(config))[0] == 1  # unpriced so far
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"acme-large": {"litellm_provider": "openai", "mode": "chat",
                                                 "input_cost_per_token": 2e-06, "output_cost_per_token": 8e-06}}))
    code, out, err = run("pricing", "import", str(prices), "--config", str(config))
    assert code == 0, err
    assert (data / "prices.json").exists()
    code, out, _ = run("pricing", "show", "acme-large-2030-01-01", "--config", str(config))
    assert code == 0 and "acme-large" in out and "$2.0000/Mtok" in out
    # no cache rates listed: each is shown at the rate it is billed at, marked as derived
    assert "cache read $2.0000/Mtok (not listed; derived from input)" in out, out
    assert "cache write $2.0000/Mtok (not listed; derived from input)" in out, out
    # the shipped table is still there underneath
    assert run("pricing", "show", "gpt-4o-2024-08-06", "--config", str(config))[0] == 0
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    code, _, err = run("pricing", "import", str(bad), "--config", str(config))
    assert code != 0 and "JSON object" in err
