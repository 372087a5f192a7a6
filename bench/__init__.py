"""Benchmarks: each prints figures (medians, ratios); `python -m bench` runs them all."""
