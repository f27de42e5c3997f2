"""The embedded store: nx-27017 as published, with one fix of ours (ADR 0026).

nx-27017 keeps every database's transactions on one SQLite connection and never ends a
transaction whose client went away. A service killed with a transaction open (SIGKILL, the
out-of-memory killer, a power cut of the process) left it open for good: every later
transaction on that database nested inside it as a savepoint, every plain write joined it, and
all of it was lost when the store stopped, because the outer transaction never committed (and
the dead client's own half-written changes were visible meanwhile). Here, once the last
connection that carried a session's commands closes, the session's open transaction is rolled
back, as MongoDB ends the transactions of a client that is gone.

Run as `python -m devstack.embedded_store` with nx-27017's own arguments.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from nx_27017 import daemon
from nx_27017.handler import NeoSQLiteHandler
from nx_27017.nx_27017 import main
from nx_27017.wire_protocol import _extract_session_id

log = logging.getLogger("nx_27017")


class OrphanAbortingHandler(NeoSQLiteHandler):  # type: ignore[misc]
    """Remembers which connections carried each session (lsid); when the last of them closes,
    ends the session, rolling back its transaction if one is open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._carried_lock = threading.Lock()
        self._sessions_on: dict[Any, set[str]] = {}  # connection -> session ids
        self._connections_of: dict[str, set[Any]] = {}  # session id -> connections

    def handle_command(self, msg: dict[str, Any]) -> Any:
        self._note_session(msg)
        return super().handle_command(msg)

    def handle_insert(self, msg: dict[str, Any]) -> Any:
        self._note_session(msg)
        return super().handle_insert(msg)

    def close_streams_for_connection(self, conn_id: Any) -> None:
        super().close_streams_for_connection(conn_id)
        with self._carried_lock:
            orphans = []
            for session_id in self._sessions_on.pop(conn_id, set()):
                connections = self._connections_of.get(session_id, set())
                connections.discard(conn_id)
                if not connections:
                    self._connections_of.pop(session_id, None)
                    orphans.append(session_id)
        for session_id in orphans:
            self._end_orphan(session_id)

    def _note_session(self, msg: dict[str, Any]) -> None:
        conn_id = msg.get("_conn_id")
        for section_type, doc in msg.get("sections", ()):
            if section_type == "body" and isinstance(doc, dict) and doc.get("lsid"):
                session_id = _extract_session_id(doc["lsid"])
                if session_id and conn_id is not None:
                    with self._carried_lock:
                        self._sessions_on.setdefault(conn_id, set()).add(session_id)
                        self._connections_of.setdefault(session_id, set()).add(conn_id)
                return

    def _end_orphan(self, session_id: str) -> None:
        with self._sessions_lock:
            keys = [key for key in self._sessions if key[0] == session_id]
            sessions = [self._sessions.pop(key) for key in keys]
        for session in sessions:
            if not session.in_transaction:
                continue
            try:
                session.abort_transaction()
            except Exception:
                log.exception("could not roll back the transaction of a client that is gone")
            else:
                log.warning("rolled back the open transaction of a client that is gone")


# nx-27017's start-up builds its handler from this name.
daemon.NeoSQLiteHandler = OrphanAbortingHandler

if __name__ == "__main__":
    main()
