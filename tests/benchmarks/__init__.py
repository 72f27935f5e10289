"""Benchmarks run by ``nox -s bench`` (not collected by pytest)."""
