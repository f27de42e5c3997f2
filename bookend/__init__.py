"""Bookend's shared libraries, one job each: contracts, event bus, MongoDB, outbox, auth,
problems, clock, ids, hosting."""
