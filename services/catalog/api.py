"""The catalog's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.catalog.curricula.api import router as curricula
from services.catalog.lessons.api import router as lessons

router = APIRouter()
for part in (lessons, curricula):
    router.include_router(part)
