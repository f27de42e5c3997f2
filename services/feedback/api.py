"""Feedback's HTTP API: every slice's routes under one router."""

from fastapi import APIRouter

from services.feedback.assessment.api import router as assessment
from services.feedback.live.api import router as live
from services.feedback.notes.api import router as notes
from services.feedback.progress.api import router as progress
from services.feedback.prompts.api import router as prompts
from services.feedback.pulse.api import router as pulse
from services.feedback.questions.api import router as questions

router = APIRouter()
for part in (live, prompts, progress, pulse, assessment, questions, notes):
    router.include_router(part)
