"""Benchmarks of a weekly run: `python -m benchmarks.run` (see benchmarks/README.md)."""
