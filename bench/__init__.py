"""Benchmarks: speed and memory of indexing, retrieval, asking and the page (not shipped).

Run from the repository root: ``python -m bench.run``, ``python -m bench.page``,
``python -m bench.vectors N``. Targets and measured numbers live in the README.
"""
