"""Feedback: live channels that open and close with sessions, and students' check-ins."""
