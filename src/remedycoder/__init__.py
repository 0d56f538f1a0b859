"""remedycoder: qualitative coding of anecdotal remedy reports."""

__version__ = "0.1.0"
