"""Lessons: their content, media, revisions, kept versions and life (ADR 0022)."""
