#!/usr/bin/env bash
# Runs every test: the Swift unit and integration tests, then the end-to-end tests that drive
# the real daemon with the official Python SDKs against a local fake upstream. Installs
# missing system and Python packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --tests

echo "== swift build" >&2
swift build --build-tests
echo "== swift test" >&2
swift test --skip-build
echo "== end-to-end (Python SDKs through the daemon)" >&2
TOKENLENS_BIN="$PWD/.build/debug/tokenlens" python3 -m pytest -q -c Tests/e2e/pytest.ini Tests/e2e
