"""GraphiQL served by the gateway itself, its files included, in development only (ADR 0043).

The files are GraphiQL's and React's own builds from the npm registry, committed under `assets/`
(1.6 MB) and refreshed at pinned versions by `make graphiql-assets`; `assets.sha256` lists them.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).parent
ASSETS = HERE / "assets"
ASSETS_PATH = "/graphiql/assets"  # where the page asks for them
PAGE = (HERE / "graphiql.html").read_text(encoding="utf-8")


def install_graphiql_assets(app: FastAPI) -> None:
    """Serve GraphiQL's files under ASSETS_PATH; the GraphQL route serves the page."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="graphiql-assets")
