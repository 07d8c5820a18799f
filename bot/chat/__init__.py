"""Channel-neutral services every chat adapter uses: the views replies are shown as, the
actions their buttons carry, what a click or an admin command does, the Compact Champions'
flow, the weekly digest and its schedule, and the claim that answers each delivery once.

Nothing here imports a chat SDK. An adapter parses its platform's payloads into these values,
renders ``views.View`` into its own markup, and sends it (see docs/architecture.md).
"""
