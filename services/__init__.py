"""Bookend's back-end services and the shared packages they are built from."""
