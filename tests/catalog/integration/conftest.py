"""A fresh catalog app per test, on its own database and consumer group; or one per module
for refused requests, which change nothing."""

from collections.abc import AsyncIterator

import pytest

from services.catalog.app import create_app
from services.catalog.settings import CatalogSettings
from tests.catalog.integration.harness import Catalog
from tests.conftest import Embedded, fresh_on
from tests.support.running import Fresh


@pytest.fixture
async def catalog(fresh: Fresh) -> AsyncIterator[Catalog]:
    async with fresh.serve(create_app, fresh.settings(CatalogSettings, "catalog"), "catalog") as it:
        yield Catalog(it.http)


@pytest.fixture(scope="module")
async def refusing_catalog(embedded: Embedded) -> AsyncIterator[Catalog]:
    """One app for a module's refused requests (each checks nothing was stored): an app
    start costs a second or more, most of it the consumer joining its group."""
    fresh = fresh_on(embedded)
    async with fresh.serve(create_app, fresh.settings(CatalogSettings, "catalog"), "catalog") as it:
        yield Catalog(it.http)
