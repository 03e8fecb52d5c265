"""Benchmarks on real services: `make bench` / `make bench BENCH=<group>`.

Each group is a module `tests/bench/bench_<group>.py` with `run() -> dict[str, float]`;
the figures are merged into `bench-results.json` at the repository root.
"""
