"""The catalog's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.catalog.lessons.api import router as lessons

router = APIRouter()
for part in (lessons,):
    router.include_router(part)
