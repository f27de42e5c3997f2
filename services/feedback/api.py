"""Feedback's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.feedback.live.api import router as live
from services.feedback.notes.api import router as notes
from services.feedback.questions.api import router as questions

router = APIRouter()
for part in (live, questions, notes):
    router.include_router(part)
