"""Measurement scripts: `python -m lib.bench` (the benchmark table) and `python -m bench.load_test` (20 browsers)."""
