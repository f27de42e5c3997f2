"""Feedback's settings (env prefix `FEEDBACK_`)."""

from datetime import timedelta

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from bookend.hosting import ServiceSettings
from services.feedback.assessment.domain import AssessmentRules
from services.feedback.live.domain import AttendanceRules
from services.feedback.progress.domain import ProgressRules


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore")

    database: str = "bookend_feedback"
    # The Kafka group only; the inbox keeps the name `bookend.feedback` whatever this is, so
    # tests can give each app its own group on a shared broker.
    consumer_group: str = "bookend.feedback"
    # A first join more than this after a session's start is late; a last leave more than
    # this before its end is leaving early (ADR 0032).
    late_after_minutes: float = Field(default=5, ge=0)
    left_early_before_minutes: float = Field(default=5, ge=0)
    # Reports one student may make on one task, a completion once more (ADR 0033).
    max_progress_reports: int = Field(default=500, ge=1, le=5000)
    # After each session's attendance summary, assess its section's week again and publish it
    # when its flags changed, so proposals follow without a teacher asking (ADR 0037).
    assess_after_sessions: bool = True

    @property
    def attendance(self) -> AttendanceRules:
        return AttendanceRules(
            late_after=timedelta(minutes=self.late_after_minutes),
            left_early_before=timedelta(minutes=self.left_early_before_minutes),
        )

    @property
    def progress(self) -> ProgressRules:
        return ProgressRules(max_reports=self.max_progress_reports)

    @property
    def assessment(self) -> AssessmentRules:
        """Where a week's figures become flags (ADR 0037); the design's thresholds."""
        return AssessmentRules()
