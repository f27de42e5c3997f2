"""Live sessions with their bookend tasks, and the lesson copies they are planned from."""
