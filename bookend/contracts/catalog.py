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
    ARCHIVED = "archived"


class Library(StrEnum):
    """Whose lessons: the caller's district's, or the shared library every district may read
    and adopt (copy) from."""

    DISTRICT = "district"
    SHARED = "shared"


# The shared library is kept as a district of its own: its curators are its staff.
SHARED_LIBRARY = "shared-library"


class GradeBand(StrEnum):
    """Bands of grades, as balance policies cap live minutes by them."""

    K_2 = "k-2"
    G3_5 = "3-5"
    G6_8 = "6-8"
    G9_12 = "9-12"


class MediaKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    DOCUMENT = "document"
    INTERACTIVE = "interactive"  # a link to an activity elsewhere: nothing to download


class VariantKind(StrEnum):
    """Lighter renditions of a media asset, for homes with limited internet."""

    SMALL = "small"  # a smaller rendition of the same medium
    AUDIO_ONLY = "audio_only"
    TRANSCRIPT = "transcript"


class LessonComponentData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    component_id: str
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int


class LessonVersionData(EventData):
    """A published version of a lesson, as the scheduler copies it."""

    lesson_id: str
    version: int
    title: str
    subject: str
    summary: str
    components: list[LessonComponentData]
    published_at: AwareDatetime
    grade_band: GradeBand | None = None
    estimated_minutes: int | None = None
    standards: list[str] = []


class LessonPublished(LessonVersionData):
    """The first version of a lesson."""


class LessonRevised(LessonVersionData):
    """A later version: sessions and tasks planned with an earlier one keep it."""


class LessonArchived(EventData):
    lesson_id: str
    version: int  # the last published version
    archived_at: AwareDatetime


class RecordingPublished(EventData):
    """A live session's recording, published as an on-demand component of the session's lesson
    for the session's section only (its lesson's content is unchanged). Opaque ids, the media
    URL and its measures: nothing about any student."""

    component_id: str  # the recording's id: a component of the lesson, for this section only
    session_id: str
    section_id: str
    lesson_id: str
    lesson_version: int  # the version the session was planned with
    title: str
    kind: ComponentKind
    mode_fit: ModeFit
    minutes: int  # the duration, rounded up
    url: str
    duration_seconds: int
    bytes: int
    published_at: AwareDatetime
