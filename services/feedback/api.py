"""Feedback's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.feedback.live.api import router as live

router = APIRouter()
for part in (live,):
    router.include_router(part)
