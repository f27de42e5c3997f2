"""Bulk import of OneRoster 1.1-style CSV files into the roster (ADR 0028,
docs/roster-import.md)."""
