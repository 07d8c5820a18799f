"""The channel-neutral core. It imports no chat SDK."""
