"""Calendar links: per-student and per-section iCalendar feeds behind revocable secret links."""
