"""`make bench`: the benchmark harness (python -m benchmarks.run); see docs/benchmarks.md."""
