"""Fuzzing: deterministic mutations, the user-like exercise of one input, and coverage-guided targets.

See ``tests/fuzz/README.md``.
"""
