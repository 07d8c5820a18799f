"""The command line: ``compact-bot`` and ``python -m bot``."""
