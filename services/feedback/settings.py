"""Feedback's settings (env prefix `FEEDBACK_`)."""

from pydantic_settings import SettingsConfigDict

from bookend.hosting import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore")

    database: str = "bookend_feedback"
    # The Kafka group only; the inbox keeps the name `bookend.feedback` whatever this is, so
    # tests can give each app its own group on a shared broker.
    consumer_group: str = "bookend.feedback"
