"""The services' HTTP request and response models: each service answers with them, and the
gateway's typed clients read them, so the two cannot drift apart (ADR 0009)."""
