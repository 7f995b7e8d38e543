"""The domain: stages, transitions, money, dates and metrics.

Pure functions on plain records (named tuples) and data. Nothing here does I/O or prints.
"""
