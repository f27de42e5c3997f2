"""The `bookend` command: run the embedded stack and operate it (status, stop and start a
service, replay, rewind), print demo tokens, list demo users, write the published contracts
(events, the GraphQL schema)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from bookend.auth import issue_token
from bookend.contracts import ALL_TOPICS
from bookend.eventbus import (
    KafkaPublisher,
    KafkaSettings,
    Replay,
    replay_dead_letters,
    rewind_group,
)
from bookend.mongo import MongoSettings, connect
from bookend.outbox import ParkedEvent, parked_events
from devstack.control import Answer, ControlError, ask
from devstack.launcher import launch
from devstack.processes import http_ok, port_open
from devstack.running import NotRunning, Running, read_running
from devstack.stack import APPS, PROCESSES
from devstack.users import DEMO_USERS, USERS_BY_ID
from gateway.integrations.settings import IntegrationsSettings
from services.catalog.settings import CatalogSettings
from services.feedback.settings import FeedbackSettings
from services.scheduler.settings import SchedulerSettings

T = TypeVar("T")


# The checkout this command runs from (an editable install), so any folder finds the same home.
_CHECKOUT = Path(__file__).resolve().parents[1]


def _home() -> Path:
    """BOOKEND_HOME, or `.bookend` in the checkout (whatever the current folder), or here."""
    if "BOOKEND_HOME" in os.environ:
        return Path(os.environ["BOOKEND_HOME"]).resolve()
    if (_CHECKOUT / "pyproject.toml").exists():
        return _CHECKOUT / ".bookend"
    return Path(".bookend").resolve()


def _running() -> Running | None:
    """The live launcher's record, or None (a stale record is removed on the way)."""
    try:
        return read_running(_home())
    except NotRunning:
        return None


def run(args: argparse.Namespace) -> int:
    return launch(_home(), args.port, demo=not args.no_demo)


def _ask(request: dict[str, str]) -> tuple[Running, Answer] | None:
    """The running launcher's answer, or None after saying on stderr why there is none."""
    try:
        running = read_running(_home())
        return running, ask(Path(running.control_socket), request)
    except (NotRunning, ControlError) as failure:
        print(failure, file=sys.stderr)
        return None


def _show(running: Running, answer: Answer) -> None:
    if answer.message:
        print(answer.message)
    for child in answer.children:
        pid = f"pid {child.pid}" if child.pid else "-"
        restarts = f"restarts {child.restarts}" if child.restarts else ""
        print(
            f"{child.name:10} {child.state:10} {pid:10} {running.urls.get(child.name, ''):24}"
            f" {restarts}".rstrip()
        )


def status(_: argparse.Namespace) -> int:
    """Each process of the running stack: running, stopped (by `stop`) or restarting."""
    asked = _ask({"command": "status"})
    if asked is None:
        return 1
    running, answer = asked
    print(f"Bookend is running at {running.gateway_url} (launcher pid {running.launcher_pid})")
    _show(running, answer)
    return 0


def stop_service(args: argparse.Namespace) -> int:
    """Stop one process; it stays stopped (not restarted) until `bookend start`."""
    asked = _ask({"command": "stop", "service": args.service})
    if asked is None:
        return 1
    running, answer = asked
    _show(running, answer)
    print(f"{args.service} is stopped; it stays down until `bookend start {args.service}`")
    return 0


def start_service(args: argparse.Namespace) -> int:
    """Start a stopped process again, on its port, and wait until it answers (/healthz, or its
    port for the broker and store)."""
    asked = _ask({"command": "start", "service": args.service})
    if asked is None:
        return 1
    running, answer = asked
    health, answers = _answers(running, args.service)
    deadline = time.monotonic() + args.timeout
    while not answers():
        [child] = [c for c in answer.children if c.name == args.service]
        if child.state != "running":
            why = "was stopped" if child.state == "stopped" else "exited (it will be restarted)"
            print(f"{args.service} {why} before it answered; see {child.log}", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            print(
                f"{args.service} did not answer {health} within {args.timeout:.0f}s; "
                f"see {child.log}",
                file=sys.stderr,
            )
            return 1
        time.sleep(0.2)
        refreshed = _ask({"command": "status"})
        if refreshed is None:
            return 1
        running, answer = refreshed
    _show(running, answer)
    print(f"{args.service} answers at {health}")
    return 0


def _answers(running: Running, name: str) -> tuple[str, Callable[[], bool]]:
    """Where `name` answers, and whether it does now."""
    if name in APPS:
        health = f"{running.urls[name]}/healthz"
        return health, lambda: http_ok(health)
    address = running.kafka_bootstrap if name == "broker" else running.mongo_uri
    where = urlsplit(address if "//" in address else f"//{address}")
    host, port = where.hostname or "127.0.0.1", where.port or 0
    return f"{host}:{port}", lambda: port_open(host, port)


def token(args: argparse.Namespace) -> int:
    user = USERS_BY_ID.get(args.user_id)
    if user is None:
        known = ", ".join(USERS_BY_ID)
        print(f"unknown demo user {args.user_id!r}; known: {known}", file=sys.stderr)
        return 2
    secret = os.environ.get("AUTH_DEV_SECRET")
    if not secret:
        path = _home() / "dev-secret"
        if not path.exists():
            # Never make one here: a second secret would sign tokens the stack rejects.
            print(
                f"no development secret at {path}: start Bookend with `make run` first, "
                "or set BOOKEND_HOME to the home of the running stack (or AUTH_DEV_SECRET)",
                file=sys.stderr,
            )
            return 2
        secret = path.read_text().strip()
    print(issue_token(secret, user.principal))
    try:
        read_running(_home())
    except NotRunning as reason:  # the token is good, but nothing answers it yet
        print(f"{reason}; the token will work once it runs", file=sys.stderr)
    return 0


def _kafka_settings() -> KafkaSettings:
    """The environment's Kafka, or else the one a running `bookend run` started."""
    running = None if "KAFKA_BOOTSTRAP_SERVERS" in os.environ else _running()
    if running is not None:
        return KafkaSettings(bootstrap_servers=running.kafka_bootstrap)
    return KafkaSettings()


def _mongo_settings() -> MongoSettings:
    """The environment's MongoDB, or else the store a running `bookend run` started."""
    running = None if "MONGODB_URI" in os.environ else _running()
    if running is not None:
        return MongoSettings(uri=running.mongo_uri)
    return MongoSettings()


def parked(_: argparse.Namespace) -> int:
    """Events the services' relays set aside because no broker would ever take them."""
    settings = _mongo_settings()
    databases = (
        CatalogSettings().database,
        SchedulerSettings().database,
        FeedbackSettings().database,
        IntegrationsSettings().database,
    )

    async def everything() -> list[tuple[str, ParkedEvent]]:
        client = connect(settings)
        try:
            return [(db, e) for db in databases for e in await parked_events(client[db])]
        finally:
            await client.close()

    try:
        found = asyncio.run(everything())
    except Exception as failure:  # unreachable store: say which
        print(f"could not read {settings.uri}: {failure}", file=sys.stderr)
        return 1
    for database, event in found:
        print(
            f"{event.parked_at:%Y-%m-%dT%H:%M:%SZ} {database} {event.event_id} {event.type} "
            f"key={event.key}: {event.reason}"
        )
    if not found:
        print("no event has been set aside")
    return 0


def _operate(settings: KafkaSettings, what: str, work: Coroutine[Any, Any, T]) -> T | None:
    try:
        return asyncio.run(work)
    except Exception as failure:  # unreachable broker, unknown topic, busy group: say which
        print(
            f"could not {what} on {settings.bootstrap_servers}: {failure}\n"
            "(start Bookend with `make run`, or set KAFKA_BOOTSTRAP_SERVERS)",
            file=sys.stderr,
        )
        return None


def replay_dlq(args: argparse.Namespace) -> int:
    settings = _kafka_settings()

    async def replay() -> Replay:
        publisher = KafkaPublisher(settings)
        await publisher.start()
        try:
            return await replay_dead_letters(settings, args.topic, publisher=publisher)
        finally:
            await publisher.stop()

    report = _operate(settings, "replay dead letters", replay())
    if report is None:
        return 1
    print(f"replayed {report.replayed} record(s) from {args.topic}.dlq to {args.topic}")
    if report.cut:
        print(
            f"not replayed: {len(report.cut)} record(s) too large to dead-letter whole, "
            "kept only in part (find the original by its size and sha256):"
        )
        for line in report.cut:
            print(f"  {line}")
    return 0


def rewind(args: argparse.Namespace) -> int:
    settings = _kafka_settings()
    offsets = _operate(
        settings,
        "rewind the group",
        rewind_group(settings, args.group, args.topic, to_time=args.to_time),
    )
    if offsets is None:
        return 1
    for partition, offset in offsets.items():
        print(f"{args.group} {args.topic}[{partition}] -> offset {offset}")
    return 0


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time with its offset, e.g. 2026-11-22T09:00Z")
    return moment


def contracts(args: argparse.Namespace) -> int:
    from bookend.contracts.documents import write_documents

    for path in write_documents(Path(args.out)):
        print(path)
    return 0


def schema(args: argparse.Namespace) -> int:
    from gateway.sdl import export, served_sdl

    done = export(served_sdl(), Path(args.out), Path(args.allowed))
    for change in done.dangerous:
        print(f"may change what existing clients see: {change}", file=sys.stderr)
    if done.refused:
        print(f"{args.out} not written: these changes break existing clients", file=sys.stderr)
        for change in done.refused:
            print(f"  {change}", file=sys.stderr)
        print(
            "Keep what clients use (deprecate it and add beside it), or, if breaking them is "
            f"meant, add each line above to {args.allowed} after a comment saying why.",
            file=sys.stderr,
        )
        return 1
    print(f"{args.out}: {'written' if done.written else 'unchanged'}")
    return 0


def trusted_documents(args: argparse.Namespace) -> int:
    """A manifest of the documents in .graphql (or .gql) files, each file one document as its
    text stands: the ids clients send are the SHA-256 of that text (ADR 0043)."""
    from gateway.trusted import ManifestError, document_id, documents_of

    files = sorted(
        {
            found
            for given in map(Path, args.paths)
            for found in (
                [f for f in given.rglob("*") if f.suffix in (".graphql", ".gql")]
                if given.is_dir()
                else [given]
            )
        }
    )
    manifest: dict[str, str] = {}
    for file in files:
        text = file.read_text(encoding="utf-8")
        entry = {document_id(text): text}
        try:
            documents_of(entry, str(file))  # as the gateway checks it when it starts
        except ManifestError as refused:
            print(refused, file=sys.stderr)
            return 1
        manifest |= entry
    written = json.dumps(manifest, indent=2, sort_keys=True)
    if args.out is None:
        print(written)
    else:
        Path(args.out).write_text(written + "\n", encoding="utf-8")
        print(f"{args.out}: {len(manifest)} documents from {len(files)} files")
    return 0


def users(_: argparse.Namespace) -> int:
    for user in DEMO_USERS:
        roles = ",".join(sorted(role.value for role in user.principal.roles))
        district, zone = user.principal.district, user.principal.zone.key
        print(f"{user.id:26} {roles:15} {district:20} {zone:20} {user.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookend", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="start the whole system with demo data")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("BOOKEND_PORT", 8000)))
    run_parser.add_argument("--no-demo", action="store_true", help="do not load demo data")
    run_parser.set_defaults(handler=run)
    token_parser = commands.add_parser("token", help="print a development token for a demo user")
    token_parser.add_argument("user_id")
    token_parser.set_defaults(handler=token)
    commands.add_parser("users", help="list the demo users").set_defaults(handler=users)
    commands.add_parser(
        "status", help="each process of the running stack: running, stopped or restarting"
    ).set_defaults(handler=status)
    stop_parser = commands.add_parser(
        "stop", help="stop one process of the running stack; it stays down until `start`"
    )
    stop_parser.add_argument("service", choices=PROCESSES)
    stop_parser.set_defaults(handler=stop_service)
    start_parser = commands.add_parser(
        "start", help="start a stopped process again and wait until it answers"
    )
    start_parser.add_argument("service", choices=PROCESSES)
    start_parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait")
    start_parser.set_defaults(handler=start_service)
    replay_parser = commands.add_parser(
        "replay-dlq", help="send a topic's dead-lettered records back to it (fix the cause first)"
    )
    replay_parser.add_argument("topic", choices=[str(topic) for topic in ALL_TOPICS])
    replay_parser.set_defaults(handler=replay_dlq)
    rewind_parser = commands.add_parser(
        "rewind", help="move a stopped consumer group back to a time, to process again from there"
    )
    rewind_parser.add_argument("group", help="e.g. bookend.scheduler")
    rewind_parser.add_argument("topic", choices=[str(topic) for topic in ALL_TOPICS])
    rewind_parser.add_argument("--to-time", type=_aware, required=True)
    rewind_parser.set_defaults(handler=rewind)
    commands.add_parser(
        "parked", help="list events set aside because they can never be published"
    ).set_defaults(handler=parked)
    contracts_parser = commands.add_parser(
        "contracts", help="write the AsyncAPI document and JSON Schemas of every event"
    )
    contracts_parser.add_argument("--out", default="docs/contracts")
    contracts_parser.set_defaults(handler=contracts)
    schema_parser = commands.add_parser(
        "schema", help="write the GraphQL schema's SDL, refusing changes that break clients"
    )
    schema_parser.add_argument("--out", default="schema.graphql")
    schema_parser.add_argument("--allowed", default="schema-breaking-allowed.txt")
    schema_parser.set_defaults(handler=schema)
    documents_parser = commands.add_parser(
        "trusted-documents",
        help="write a trusted documents manifest of .graphql files (GATEWAY_TRUSTED_DOCUMENTS)",
    )
    documents_parser.add_argument("paths", nargs="+", help=".graphql files, or folders of them")
    documents_parser.add_argument("--out", help="the manifest's file (default: print it)")
    documents_parser.set_defaults(handler=trusted_documents)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
