"""The Slack adapter, on slack-bolt."""
