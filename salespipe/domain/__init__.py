"""The domain: stages, transitions, money, dates and metrics.

Pure functions on plain records (dataclasses) and data. Nothing here does I/O or prints.
"""
