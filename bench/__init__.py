"""`make bench`: a synthetic round of N societies and the engine's speed against baselines.

`bench.generate` builds the round (files and git history), `bench.measure` times each row of
issue #6 against its baseline in the same run, `bench.probe` holds the in-process measurements
that run in a fresh interpreter of their own.
"""
