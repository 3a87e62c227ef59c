#!/usr/bin/env bash
# Installs what building and testing TokenLens needs and a fresh Debian machine may lack:
# the C libraries (SQLite, OpenSSL, PCRE2, zlib) and, with --tests, tmux, headless Chromium with
# its WebDriver (the dashboard's browser tests) and the Python packages of the end-to-end tests. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libsqlite3-dev libssl-dev libpcre2-dev zlib1g-dev pkg-config)
[ "${1:-}" = "--tests" ] && packages+=(tmux chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if [ "${1:-}" = "--tests" ]; then
  if ! python3 -c 'import openai, anthropic, google.genai, pytest, websocket, jsonschema, selenium' >/dev/null 2>&1; then
    echo "bootstrap: installing Python test dependencies" >&2
    python3 -m pip install --quiet --disable-pip-version-check -r Tests/e2e/requirements.txt
  fi
fi
