"""`bookend run`: take the home, start the stack, then supervise its processes and serve the
operator's control requests until Ctrl-C; leave no record of a stack that no longer runs."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from devstack.control import ControlError, ControlServer, LauncherControl
from devstack.demo import load_demo
from devstack.processes import Processes, StartupFailed
from devstack.running import (
    HomeTaken,
    NotRunning,
    Running,
    claim_home,
    process_start,
    read_running,
    remove_running,
    write_running,
)
from devstack.stack import PROCESSES, RunningStack, StackConfig, start_stack


def launch(home: Path, port: int, *, demo: bool) -> int:
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    home.chmod(0o700)  # data, logs and the development secret: the owner's alone
    try:
        claim = claim_home(home)
    except HomeTaken as taken:
        print(
            f"Bookend is already running{_where(home)} ({taken}); stop it with Ctrl-C where it "
            "runs, or set BOOKEND_HOME to another folder",
            file=sys.stderr,
        )
        return 1
    remove_running(home)  # left by a launcher that was killed: this launcher owns the home now
    processes = Processes(home / "logs")
    control: ControlServer | None = None

    def stop(signum: int, _: object) -> None:
        raise KeyboardInterrupt

    # Installed explicitly: a launcher started in the background inherits an ignored SIGINT.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        control = ControlServer(home / "control.sock", LauncherControl(processes, PROCESSES, _say))
        print(f"Starting Bookend (data and logs under {home}) ...", flush=True)
        stack = start_stack(processes, StackConfig.from_env(home, port))
        write_running(home, _record(stack, control))
        demo_calendar = ""
        if demo:
            print("Loading demo data through the GraphQL API ...", flush=True)
            loaded = load_demo(stack.gateway_url, stack.dev_secret)
            # A secret link, shown this once (ADR 0027); the next run makes a new one.
            demo_calendar = f"  Amara's family calendar:  {loaded.calendar_url}\n"
        print(
            f"\nBookend is running.\n"
            f"  GraphQL (GraphiQL in a browser): {stack.gateway_url}\n"
            f"  Subscriptions: ws://127.0.0.1:{port}/graphql (graphql-transport-ws)\n"
            f"  A token for a demo user:  .venv/bin/bookend token student-amara\n"
            f"  Demo users:               .venv/bin/bookend users\n"
            f"  Send it as the header     Authorization: Bearer <token>\n"
            f"{demo_calendar}"
            f"  Kafka: {stack.kafka_bootstrap}   MongoDB: {stack.mongo_uri}\n"
            f"  Its processes:            .venv/bin/bookend status | stop <name> | start <name>\n"
            f"Press Ctrl-C to stop.",
            flush=True,
        )
        while True:  # a child that dies is restarted, with back-off, until Ctrl-C
            for line in processes.supervise():
                _say(line)
            control.serve(timeout=0.5)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except (StartupFailed, ControlError) as failure:
        print(f"Bookend could not start: {failure}", file=sys.stderr)
        return 1
    finally:
        remove_running(home)  # first: from now on no command may believe the stack answers
        if control is not None:
            control.close()
        processes.stop_all()
        claim.release()


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _where(home: Path) -> str:
    try:
        return f" at {read_running(home).gateway_url}"
    except NotRunning:  # the other launcher is still starting
        return ""


def _record(stack: RunningStack, control: ControlServer) -> Running:
    started = process_start(os.getpid())
    if started is None:
        raise StartupFailed("could not read this launcher's own start time")
    return Running(
        launcher_pid=os.getpid(),
        launcher_started=started,
        gateway_url=stack.gateway_url,
        urls={**stack.service_urls, "gateway": stack.gateway_url.removesuffix("/graphql")},
        kafka_bootstrap=stack.kafka_bootstrap,
        mongo_uri=stack.mongo_uri,
        control_socket=str(control.path),
    )
