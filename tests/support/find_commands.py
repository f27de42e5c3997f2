"""The `find` commands a client sends, caught on the wire: what query-plan and start-up tests
check the store was asked."""

from __future__ import annotations

from typing import Any

import bson
from pymongo.monitoring import CommandListener, CommandStartedEvent

from bookend.mongo import Document


class FindCommands(CommandListener):
    """Each `find` sent, as the store decodes it (naive UTC dates)."""

    def __init__(self) -> None:
        self.sent: list[Document] = []

    def on(self, collection: str) -> list[Document]:
        return [find for find in self.sent if find["find"] == collection]

    def started(self, event: CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.sent.append(bson.decode(bson.encode(event.command)))

    def succeeded(self, event: Any) -> None: ...

    def failed(self, event: Any) -> None: ...
