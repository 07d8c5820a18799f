"""Compact Assistant: answers questions about the Compact in chat, in plain English."""

__version__ = "0.1.0"
