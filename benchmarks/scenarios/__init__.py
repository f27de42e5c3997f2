"""One module per row of issue 7's table; each measures `bench.runs` times and returns its row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str
    measured: str  # min / median over the runs
    target: str
