"""Benchmarks: figures printed by `make bench`, never pass/fail."""
