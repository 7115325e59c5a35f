"""On-demand performance suite (not collected by pytest): ``python -m tests.benchmarks --help``."""
