"""The scheduler's settings (env prefix `SCHEDULER_`)."""

from datetime import timedelta

from pydantic_settings import BaseSettings, SettingsConfigDict

from services.scheduler.domain import BookendWindows


class SchedulerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCHEDULER_", extra="ignore")

    database: str = "bookend_scheduler"
    relay_poll_interval: float = 0.5
    # Pre-work opens two days ahead and follow-up is due two days after: room for shared devices.
    prework_opens_before_hours: float = 48
    followup_due_after_hours: float = 48
    feed_page_max: int = 100
    feed_page_default: int = 20

    @property
    def windows(self) -> BookendWindows:
        return BookendWindows(
            prework_opens_before=timedelta(hours=self.prework_opens_before_hours),
            followup_due_after=timedelta(hours=self.followup_due_after_hours),
        )
