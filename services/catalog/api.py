"""The catalog's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.catalog.curricula.api import router as curricula
from services.catalog.lessons.api import router as lessons
from services.catalog.recordings.api import router as recordings

router = APIRouter()
for part in (lessons, curricula, recordings):
    router.include_router(part)
