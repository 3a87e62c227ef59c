# The two commands of the README. Both install missing system and Python packages first.
.PHONY: daemon test bench prices

daemon:
	scripts/run-daemon.sh

test:
	scripts/test.sh

# Benchmarks run on demand, never in CI (see BENCHMARKS.md).
bench:
	Benchmarks/run.sh

# Re-derive the shipped price table from the reference data.
prices:
	scripts/derive-prices.py
