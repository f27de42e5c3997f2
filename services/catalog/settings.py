"""The catalog's settings (env prefix `CATALOG_`)."""

from pydantic_settings import SettingsConfigDict

from bookend.hosting import ServiceSettings


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")

    database: str = "bookend_catalog"
    consumer_group: str = "bookend.catalog"
