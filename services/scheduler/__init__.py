"""The scheduler: roster, live sessions, their bookend tasks, and each student's feed."""
