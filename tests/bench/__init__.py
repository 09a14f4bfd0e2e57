"""``make bench``: cold starts as Lambda runs them and warm requests, each beside a floor.

A benchmark, not a test: it asserts nothing, it prints a table, writes
``test-artifacts/bench.json`` and says, per target, whether it was met. See ``__main__``.
"""
