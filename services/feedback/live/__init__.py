"""Live sessions: channels opened and closed by the sessions' events, check-ins, and
attendance from joins and leaves."""
