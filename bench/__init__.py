"""Measurement scripts: `python -m bench.timings` (the benchmark table) and `python -m bench.load_test` (20 browsers)."""
