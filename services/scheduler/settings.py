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
    feed_page_max: int = 100
    feed_page_default: int = 20
    # Roster imports (ADR 0025): a file's bound (the request's body limit bounds them all), its
    # rows, the errors a refusal lists, records per transaction, how long a request waits for
    # its import before answering `running`, and how long a running import may go without
    # writing before it reads as interrupted (and its district may import again).
    roster_import_max_file_bytes: int = 16 * 1024 * 1024
    roster_import_max_rows: int = 100_000
    roster_import_max_errors: int = 1000
    roster_import_batch_size: int = 500
    roster_import_answer_seconds: float = 5.0
    roster_import_lease_seconds: float = 120.0

    @property
    def windows(self) -> BookendWindows:
        return BookendWindows(
            prework_opens_before=timedelta(hours=self.prework_opens_before_hours),
            followup_due_after=timedelta(hours=self.followup_due_after_hours),
        )
