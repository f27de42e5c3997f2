"""The `bookend` command: run the embedded stack, print demo tokens, list demo users."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from bookend.auth import issue_token
from bookend.contracts import ALL_TOPICS
from bookend.eventbus import KafkaPublisher, KafkaSettings, replay_dead_letters, rewind_group
from bookend.mongo import MongoSettings, connect
from bookend.outbox import ParkedEvent, parked_events
from devstack.demo import load_demo
from devstack.processes import Processes, StartupFailed, http_ok
from devstack.stack import StackConfig, start_stack
from devstack.users import DEMO_USERS, USERS_BY_ID
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


def _running_file() -> Path:
    """Where a running stack leaves its addresses, for the other commands to find."""
    return _home() / "running.json"


def run(args: argparse.Namespace) -> int:
    home = _home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    home.chmod(0o700)  # data, logs and the development secret: the owner's alone
    processes = Processes(home / "logs")

    def stop(signum: int, _: object) -> None:
        raise KeyboardInterrupt

    # Installed explicitly: a launcher started in the background inherits an ignored SIGINT.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    if _running_file().exists():
        url = json.loads(_running_file().read_text())["gateway_url"]
        if http_ok(url.removesuffix("/graphql") + "/healthz"):
            print(f"Bookend is already running at {url} (data under {home}).", file=sys.stderr)
            return 1
    try:
        print(f"Starting Bookend (data and logs under {home}) ...", flush=True)
        stack = start_stack(processes, StackConfig.from_env(home, args.port))
        _running_file().write_text(
            json.dumps(
                {
                    "gateway_url": stack.gateway_url,
                    "kafka_bootstrap": stack.kafka_bootstrap,
                    "mongo_uri": stack.mongo_uri,
                }
            )
        )
        if not args.no_demo:
            print("Loading demo data through the GraphQL API ...", flush=True)
            load_demo(stack.gateway_url, stack.dev_secret)
        print(
            f"\nBookend is running.\n"
            f"  GraphQL (GraphiQL in a browser): {stack.gateway_url}\n"
            f"  Subscriptions: ws://127.0.0.1:{args.port}/graphql (graphql-transport-ws)\n"
            f"  A token for a demo user:  .venv/bin/bookend token student-amara\n"
            f"  Demo users:               .venv/bin/bookend users\n"
            f"  Send it as the header     Authorization: Bearer <token>\n"
            f"  Kafka: {stack.kafka_bootstrap}   MongoDB: {stack.mongo_uri}\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        while True:  # a child that dies is restarted, with back-off, until Ctrl-C
            for line in processes.supervise():
                print(line, file=sys.stderr, flush=True)
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except StartupFailed as failure:
        print(f"Bookend could not start: {failure}", file=sys.stderr)
        return 1
    finally:
        processes.stop_all()
        _running_file().unlink(missing_ok=True)


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
    return 0


def _kafka_settings() -> KafkaSettings:
    """The environment's Kafka, or else the one a running `bookend run` started."""
    if "KAFKA_BOOTSTRAP_SERVERS" not in os.environ and _running_file().exists():
        running = json.loads(_running_file().read_text())
        return KafkaSettings(bootstrap_servers=running["kafka_bootstrap"])
    return KafkaSettings()


def _mongo_settings() -> MongoSettings:
    """The environment's MongoDB, or else the store a running `bookend run` started."""
    if "MONGODB_URI" not in os.environ and _running_file().exists():
        running = json.loads(_running_file().read_text())
        return MongoSettings(uri=running["mongo_uri"])
    return MongoSettings()


def parked(_: argparse.Namespace) -> int:
    """Events the services' relays set aside because no broker would ever take them."""
    settings = _mongo_settings()
    databases = (
        CatalogSettings().database,
        SchedulerSettings().database,
        FeedbackSettings().database,
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

    async def replay() -> int:
        publisher = KafkaPublisher(settings)
        await publisher.start()
        try:
            return await replay_dead_letters(settings, args.topic, publisher=publisher)
        finally:
            await publisher.stop()

    count = _operate(settings, "replay dead letters", replay())
    if count is None:
        return 1
    print(f"replayed {count} record(s) from {args.topic}.dlq to {args.topic}")
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


def users(_: argparse.Namespace) -> int:
    for user in DEMO_USERS:
        roles = ",".join(sorted(role.value for role in user.principal.roles))
        print(f"{user.id:26} {roles:15} {user.principal.district:20} {user.description}")
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
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
