"""Pulse surveys: a weekly check-in about each student from the student and their guardians,
editable that week (ADR 0036)."""
