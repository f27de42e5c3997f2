"""Questions about a session: asked before, during or after it, for staff only or for the
class with the asker anonymous to peers, upvoted by classmates, answered live or in writing,
or left for the follow-up (ADR 0035)."""
