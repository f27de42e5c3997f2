"""The MongoDB client every store shares (env prefix `MONGODB_`)."""

from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from pymongo import AsyncMongoClient


class MongoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MONGODB_", extra="ignore")

    # Production points this at a replica set (transactions need one); the embedded store is
    # a single node that supports them too.
    uri: str = "mongodb://127.0.0.1:27017/?directConnection=true"
    server_selection_timeout_ms: int = 5000


Document = dict[str, Any]


def connect(settings: MongoSettings) -> AsyncMongoClient[Document]:
    """A pooled client; instants come back as aware UTC datetimes."""
    return AsyncMongoClient(
        settings.uri,
        tz_aware=True,
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
    )
