"""Pure arithmetic of the figures: percentiles, min / median over runs, and their wording."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile: p99 of fewer than 100 samples is their maximum."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Runs:
    """One figure measured once per run."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Sequence[float]) -> Runs:
        if not values:
            raise ValueError("no runs")
        return cls(tuple(values))

    @property
    def min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def show(self, unit: str = "", digits: int = 1) -> str:
        """`min / median` with a unit, as every row of the summary prints it."""
        return f"{number(self.min, digits)} / {number(self.median, digits)}{unit}"


def number(value: float, digits: int = 1) -> str:
    """Thousands separated; digits after the point only where they say something."""
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan
