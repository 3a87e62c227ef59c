#!/usr/bin/env bash
# Runs the benchmarks (on demand, never in CI): the proxy benchmark (nginx as a fixed local
# provider, wrk as the load, direct vs through TokenLens) and the in-process benchmarks of
# the TokenLensBench executable. Results go to stdout and Benchmarks/results/.
# TOKENLENS_BIN / TOKENLENS_BENCH_BIN / TOKENLENS_FLOOR_BIN may name prebuilt release binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
for tool in nginx wrk; do
  command -v "$tool" >/dev/null 2>&1 || { sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo);
    "${sudo_cmd[@]}" apt-get install -y -qq nginx wrk; }
done
if [ -z "${TOKENLENS_BIN:-}" ] || [ -z "${TOKENLENS_BENCH_BIN:-}" ]; then
  swift build -c release --product tokenlens
  swift build -c release --product tokenlens-bench
  TOKENLENS_BIN=${TOKENLENS_BIN:-$PWD/.build/release/tokenlens}
  TOKENLENS_BENCH_BIN=${TOKENLENS_BENCH_BIN:-$PWD/.build/release/tokenlens-bench}
fi
mkdir -p Benchmarks/results
FLOOR_BIN=${TOKENLENS_FLOOR_BIN:-$PWD/.build/release/tokenlens-forward-floor}
[ -x "$FLOOR_BIN" ] || swift build -c release --product tokenlens-forward-floor
python3 Benchmarks/proxy/proxy_bench.py --tokenlens "$TOKENLENS_BIN" --floor "$FLOOR_BIN" --floor-http "$@" | tee Benchmarks/results/proxy.md
"$TOKENLENS_BENCH_BIN" all | tee Benchmarks/results/inprocess.md
