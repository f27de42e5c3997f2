"""Progress on on-demand tasks: students' reports merged whatever their order (ADR 0033)."""
