"""Prompts: checks for understanding that teachers open in live sessions, answered by students,
aggregated live and revealed to the class anonymously; left to absent students as on-demand
work when the session ends (ADR 0034)."""
