"""The domain: stages, transitions, money, dates and metrics.

Pure functions on pydantic models and plain data. Nothing here does I/O or prints.
"""
