"""The catalog's vocabulary and the events it publishes about lessons."""

from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bookend.contracts.base import EventData


class ComponentKind(StrEnum):
    INTRODUCE = "introduce"
    MODEL = "model"
    PRACTICE = "practice"
    FLUENCY = "fluency"
    AUTONOMY = "autonomy"
    DISCUSSION = "discussion"
    FEEDBACK = "feedback"


class ModeFit(StrEnum):
    ON_DEMAND = "on_demand"
    LIVE = "live"
    EITHER = "either"


class LessonStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class LessonComponentData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    component_id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


class LessonPublished(EventData):
    lesson_id: str
    version: int
    title: str
    subject: str
    summary: str
    components: list[LessonComponentData]
    published_at: AwareDatetime
