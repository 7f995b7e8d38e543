"""salespipe: the terminal sales pipeline for a solo sales rep."""

__version__ = "0.1.0"
