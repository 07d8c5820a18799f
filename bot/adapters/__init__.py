"""Channel adapters: each turns a platform's payloads into Questions, and Replies into the
platform's own format. They hold no matching or storage logic."""
