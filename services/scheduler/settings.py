"""The scheduler's settings (env prefix `SCHEDULER_`)."""

from datetime import timedelta

from pydantic_settings import SettingsConfigDict

from bookend.hosting import ServiceSettings
from services.scheduler.sessions.bookends import BookendWindows


class SchedulerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="SCHEDULER_", extra="ignore")

    database: str = "bookend_scheduler"
    # The Kafka group only; the inbox keeps the name `bookend.scheduler` whatever this is, so
    # tests can give each app its own group on a shared broker.
    consumer_group: str = "bookend.scheduler"
    # Pre-work opens two days ahead and follow-up is due two days after: room for shared devices.
    prework_opens_before_hours: float = 48
    followup_due_after_hours: float = 48
    # How long scheduling from a lesson the scheduler has not learned yet waits for it: one
    # published a moment ago is learned in about a tenth of a second (ADR 0025).
    lesson_wait_seconds: float = 2.0
    feed_page_max: int = 100
    feed_page_default: int = 20

    @property
    def lesson_wait(self) -> timedelta:
        return timedelta(seconds=self.lesson_wait_seconds)

    @property
    def windows(self) -> BookendWindows:
        return BookendWindows(
            prework_opens_before=timedelta(hours=self.prework_opens_before_hours),
            followup_due_after=timedelta(hours=self.followup_due_after_hours),
        )
