"""Paging shared by every list that can grow."""

from pydantic import BaseModel


class PageInfo(BaseModel):
    has_next_page: bool
    end_cursor: str | None
