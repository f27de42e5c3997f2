"""Closed-loop HTTP load at a fixed number of connections: `wrk` when it is installed (C, a
small fraction of a core), else a Python generator (which itself needs most of a core at
1,000 req/s, so its figures read low: the output says which one ran)."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from benchmarks.figures import percentile


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] | None = None
    # A 200 whose body holds this is an error too (GraphQL answers its errors with 200).
    failure_marker: str | None = None


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # connect, read, write, timeout and non-2xx answers
    generator_cpu: float  # of the load generator, as a share of one core

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator() -> str:
    return "wrk" if shutil.which("wrk") else "python (httpx; wrk not installed, figures read low)"


async def run(target: Target, *, connections: int, seconds: float) -> Load:
    if shutil.which("wrk"):
        return await _wrk(target, connections, seconds)
    return await _python(target, connections, seconds)


# `done` prints one line the runner reads; latencies are in microseconds. It runs in the main
# Lua state, so the threads' counts of marked bodies are fetched from each thread.
_DONE = """
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local e = summary.errors
  local marked = 0
  for _, thread in ipairs(threads) do marked = marked + (thread:get("marked") or 0) end
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout + marked))
end
"""

# Only where asked: wrk reads every body in Lua then, which costs it CPU.
_MARKED = """
marked = 0
response = function(status, headers, body)
  if body and string.find(body, %s, 1, true) then marked = marked + 1 end
end
"""


def lua_script(target: Target) -> str:
    """The request as a wrk script: long brackets quote the body and headers verbatim."""
    lines = [f"wrk.method = {_lua(target.method)}"]
    if target.body is not None:
        lines.append(f"wrk.body = {_lua(target.body)}")
    for name, value in (target.headers or {}).items():
        lines.append(f"wrk.headers[ {_lua(name)} ] = {_lua(value)}")
    if target.failure_marker is not None:
        lines.append(_MARKED % _lua(target.failure_marker))
    return "\n".join(lines) + "\n" + _DONE


def _lua(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def parse_done(output: str) -> tuple[int, float, float, float, int]:
    """requests, seconds, p50 ms, p99 ms, errors from the `BENCH` line of `_DONE`."""
    for line in output.splitlines():
        if line.startswith("BENCH "):
            requests, micros, p50, p99, errors = (int(f) for f in line.split()[1:6])
            return requests, micros / 1e6, p50 / 1000, p99 / 1000, errors
    raise RuntimeError(f"wrk printed no figures:\n{output}")


async def _wrk(target: Target, connections: int, seconds: float) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(target))
    try:
        argv = [
            "wrk",
            "-t1",  # one thread keeps up with thousands of req/s and leaves the cores to the stack
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            target.url,
        ]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        output, _ = await process.communicate()
        wall = time.monotonic() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        os.unlink(script.name)
    requests, took, p50, p99, errors = parse_done(output.decode(errors="replace"))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Load(requests, took, p50, p99, errors, cpu / wall)


async def _python(target: Target, connections: int, seconds: float) -> Load:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    latencies: list[float] = []
    errors = 0
    content = target.body.encode() if target.body is not None else None
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < deadline:
                began = time.perf_counter()
                try:
                    response = await client.request(
                        target.method, target.url, content=content, headers=target.headers
                    )
                    ok = response.is_success and not (
                        target.failure_marker and target.failure_marker in response.text
                    )
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += not ok

        cpu_before, began = time.process_time(), time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        took, cpu = time.monotonic() - began, time.process_time() - cpu_before
    if not latencies:
        return Load(0, took, float("nan"), float("nan"), errors, cpu / took)
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    return Load(len(latencies), took, p50, p99, errors, cpu / took)


def graphql_body(query: str, variables: Mapping[str, object] | None = None) -> str:
    return json.dumps({"query": query, "variables": dict(variables or {})})


def cores() -> int:
    return os.cpu_count() or 1
