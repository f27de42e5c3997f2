"""The base every event payload model derives from."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Classification(StrEnum):
    """How sensitive an event's data is; no class allows names, emails or other student PII."""

    PUBLIC = "public"  # curriculum content, safe for any district integration
    INTERNAL = "internal"  # operational facts about sections and sessions, opaque ids only
    RESTRICTED = "restricted"  # facts about one student by opaque id (progress, check-ins)


class EventData(BaseModel):
    """Consumers ignore fields they do not know, so producers can add fields within a version."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    district_id: str
