"""Bookend's shared libraries: contracts, event bus, MongoDB store, outbox, auth, problems, clock, hosting."""
