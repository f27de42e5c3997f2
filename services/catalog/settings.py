"""The catalog's settings (env prefix `CATALOG_`)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class CatalogSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")

    database: str = "bookend_catalog"
    relay_poll_interval: float = 0.5
