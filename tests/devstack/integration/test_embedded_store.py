"""The embedded store loses nothing when a client dies with a transaction open (ADR 0026):
the dead client's half-done transaction is rolled back, and what others commit afterwards is
still there after the store restarts."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from tests.support.own import own_store

DIES_IN_A_TRANSACTION = """
import sys, time
from pymongo import MongoClient
client = MongoClient(sys.argv[1])
with client.start_session() as session:
    session.start_transaction()
    client.db.notes.insert_one({"_id": "half-done"}, session=session)
    print("in a transaction", flush=True)
    time.sleep(120)
"""


def test_a_client_killed_mid_transaction_costs_nothing_committed_after_it(
    tmp_path: Path,
) -> None:
    with own_store(tmp_path / "logs", tmp_path / "data") as store:
        dying = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", DIES_IN_A_TRANSACTION, store.uri], stdout=subprocess.PIPE
        )
        assert dying.stdout is not None
        assert dying.stdout.readline() == b"in a transaction\n"
        dying.send_signal(signal.SIGKILL)
        dying.wait()
        client: MongoClient[dict[str, Any]]
        with MongoClient[dict[str, Any]](store.uri) as client:
            with client.start_session() as session:
                session.start_transaction()
                client.db.notes.insert_one({"_id": "committed"}, session=session)
                session.commit_transaction()
            client.db.notes.insert_one({"_id": "plain"})
            assert sorted(d["_id"] for d in client.db.notes.find()) == ["committed", "plain"]
        store.kill()
        store.start()
        with MongoClient[dict[str, Any]](store.uri) as client:
            kept = sorted(d["_id"] for d in client.db.notes.find())
        assert kept == ["committed", "plain"]
