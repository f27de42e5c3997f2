"""Feedback's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.feedback.live.api import router as live
from services.feedback.prompts.api import router as prompts

router = APIRouter()
for part in (live, prompts):
    router.include_router(part)
