"""Benchmark helpers for Policy Archive (synthetic corpus generation, timing)."""
