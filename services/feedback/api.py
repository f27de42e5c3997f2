"""Feedback's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.feedback.live.api import router as live
from services.feedback.progress.api import router as progress

router = APIRouter()
for part in (live, progress):
    router.include_router(part)
