"""Teacher notes: staff write to one student about a task or a live moment of a session; the
student and their guardians read them, no one else (ADR 0035)."""
