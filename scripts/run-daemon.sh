#!/usr/bin/env bash
# Builds TokenLens (release) and runs the daemon on examples/config.toml, installing missing
# system packages first. Extra arguments go to `tokenlens daemon` (e.g. --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product tokenlens
exec .build/release/tokenlens daemon --config examples/config.toml "$@"
