"""The yardstick: a plain FastAPI endpoint returning a feed page from memory as JSON, served by
uvicorn as the services are. `BENCH_PLAIN_BODY` names a file holding the page."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI


def create_app() -> FastAPI:
    page: dict[str, Any] = json.loads(Path(os.environ["BENCH_PLAIN_BODY"]).read_text())
    app = FastAPI()

    @app.get("/feed")
    async def feed() -> dict[str, Any]:
        return page

    return app
