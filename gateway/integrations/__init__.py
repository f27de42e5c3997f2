"""District integrations: the district topic relay, webhooks and the replay log (ADR 0050)."""
