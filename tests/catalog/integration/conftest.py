"""A fresh catalog app per test, on its own database and consumer group."""

from collections.abc import AsyncIterator

import pytest

from services.catalog.app import create_app
from services.catalog.settings import CatalogSettings
from tests.catalog.integration.harness import Catalog
from tests.support.running import Fresh


@pytest.fixture
async def catalog(fresh: Fresh) -> AsyncIterator[Catalog]:
    async with fresh.serve(create_app, fresh.settings(CatalogSettings, "catalog"), "catalog") as it:
        yield Catalog(it.http)
