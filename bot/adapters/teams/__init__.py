"""The Microsoft Teams adapter, on the Teams SDK for Python (``microsoft-teams-apps``).

Only ``serve`` imports the modules that import the SDK; it takes seconds to load.
"""
