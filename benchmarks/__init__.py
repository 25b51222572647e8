"""Benchmarks (not part of the installed package): python -m benchmarks.bench, python -m benchmarks.bench_segment."""
