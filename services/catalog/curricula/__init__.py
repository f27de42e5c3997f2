"""Curricula: a district's programmes, their units, and the lessons placed in each unit."""
