"""The scheduler's settings (env prefix `SCHEDULER_`)."""

from datetime import timedelta

from pydantic_settings import SettingsConfigDict

from bookend.hosting import ServiceSettings
from services.scheduler.calendars.domain import CalendarWindow
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
    # Calendar feeds (ADR 0027): what a calendar shows (four weeks back, six months ahead, at
    # most so many events), how many live links a calendar may have (one per device or family
    # member), the domain of its events' UIDs, how long apps may keep a copy, how often they
    # are asked to look again, and how often one link may be fetched before 429.
    calendar_days_back: int = 28
    calendar_days_ahead: int = 184
    calendar_max_events: int = 1000
    calendar_links_per_owner: int = 10
    calendar_uid_domain: str = "bookend.invalid"
    calendar_max_age_seconds: int = 300
    calendar_refresh_minutes: int = 60
    calendar_fetches_per_minute: float = 12
    # Each process keeps the calendar files it wrote (until their content changes) up to this
    # size, and writes this many at once (ADR 0027).
    calendar_kept_megabytes: int = 64
    calendar_writes_at_once: int = 2
    # Roster imports (ADR 0028): a file's bound (the request's body limit bounds them all), its
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
    def lesson_wait(self) -> timedelta:
        return timedelta(seconds=self.lesson_wait_seconds)

    @property
    def windows(self) -> BookendWindows:
        return BookendWindows(
            prework_opens_before=timedelta(hours=self.prework_opens_before_hours),
            followup_due_after=timedelta(hours=self.followup_due_after_hours),
        )

    @property
    def calendar_window(self) -> CalendarWindow:
        return CalendarWindow(
            days_back=self.calendar_days_back,
            days_ahead=self.calendar_days_ahead,
            max_events=self.calendar_max_events,
        )

    @property
    def calendar_refresh(self) -> timedelta:
        return timedelta(minutes=self.calendar_refresh_minutes)
