"""What feedback knows of the scheduler's plan: each session's section, times and status, and
each task's section and bookend, learned from their events. Questions and notes ask here."""
