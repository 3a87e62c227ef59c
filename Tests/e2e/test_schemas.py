"""The JSON Schemas in schema/ accept every shipped config and policy file, reject what the
compiler rejects for shape (unknown keys, wrong types), and accept what it accepts."""
from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, TOKENLENS_BIN

SCHEMAS = REPO / "schema"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text())


def schema_for(path: Path) -> str:
    if path.name == "config.toml":
        return "config.schema.json"
    own = f"{path.stem}.schema.json"
    return own if (SCHEMAS / own).exists() else "policy.schema.json"


def validate(document: dict, schema_name: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


SHIPPED = sorted((REPO / "policies").glob("*.toml")) + sorted((REPO / "examples").rglob("*.toml"))


def test_the_schemas_are_valid_json_schemas():
    for path in SCHEMAS.glob("*.schema.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(REPO)))
def test_every_shipped_file_validates(path):
    assert SHIPPED, "no files found"
    errors = validate(tomllib.loads(path.read_text()), schema_for(path))
    assert errors == [], f"{path}: {errors}"


FULL_POLICY = """
kill_switches = ["stopped-bot"]
[[source_limits]]
source = "agent"
daily_usd = 5.0
monthly_usd = 50
action = "warn"
[[model_limits]]
model = "gpt-4o"
daily_calls = 100
[[aliases]]
from = "gpt-4"
to = "gpt-4.1"
[[fallback_chains]]
trigger_model = "claude-opus-4-6"
fallbacks = ["claude-sonnet-4-6", "claude-haiku-4-5"]
[[weights]]
source = "agent"
[[weights.rules]]
model = "gpt-4o-mini"
weight = 70
[[weights.rules]]
model = "gpt-4.1-mini"
weight = 30
[latency_routing]
enabled = true
window_seconds = 120
[[latency_routing.routes]]
model = "fast"
candidates = ["gpt-4.1-mini", "gpt-4o-mini"]
[pii_detection]
enabled = true
action = "block"
types = ["email", "iban"]
scope = "request"
[injection_detection]
enabled = true
action = "warn"
[[custom_rules]]
name = "no-hostnames"
pattern = '\\b[a-z]+\\.corp\\.example\\b'
case_insensitive = true
action = "block"
scope = "both"
"""

BROKEN = {
    "unknown key": '[[source_limits]]\nsource = "a"\ndaly_usd = 5\n',
    "wrong type": '[[model_limits]]\nmodel = "m"\ndaily_calls = "100"\n',
    "bad action": '[[source_limits]]\nsource = "a"\ndaily_usd = 1\naction = "stop"\n',
    "negative weight": '[[weights]]\nsource = "a"\n[[weights.rules]]\nmodel = "gpt-4o"\nweight = -1\n',
    "unknown section": 'kill_switch = ["a"]\n',
    "unknown PII type": '[pii_detection]\ntypes = ["passport"]\n',
}


def check(tmp_path, text: str) -> int:
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    (folder / "team.toml").write_text(text)
    return subprocess.run([TOKENLENS_BIN, "check", str(folder)], capture_output=True).returncode


def test_schema_and_compiler_accept_a_file_using_every_section(tmp_path):
    assert validate(tomllib.loads(FULL_POLICY), "policy.schema.json") == []
    assert check(tmp_path, FULL_POLICY) == 0


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_schema_and_compiler_reject_the_same_shapes(tmp_path, case):
    text = BROKEN[case]
    assert validate(tomllib.loads(text), "policy.schema.json") != [], f"schema accepted {case}"
    assert check(tmp_path, text) == 1, f"compiler accepted {case}"


def test_config_schema_rejects_unknown_tables_and_bad_urls():
    assert validate({"sever": {"port": 1}}, "config.schema.json") != []
    assert validate({"providers": {"openai": {"base_url": "ftp://x"}}}, "config.schema.json") != []
    assert validate({"providers": {"mistral": {"base_url": "https://x"}}}, "config.schema.json") != []
    assert validate({"pricing": {"acme": {"input_per_mtok": 1.5, "output_per_mtok": 6}}}, "config.schema.json") == []
