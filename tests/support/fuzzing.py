"""The fuzz layer's budget, seed and deadline, in one place for the services' and the
gateway's property-based tests (ADR 0016).

CI replays the same inputs every run. To explore new ground locally, set
`BOOKEND_FUZZ_SEED` to any number, and `BOOKEND_FUZZ_SCALE` to multiply the example counts.
"""

from __future__ import annotations

import os

SCALE = int(os.environ.get("BOOKEND_FUZZ_SCALE", "1"))
SEED: int | None = (
    int(os.environ["BOOKEND_FUZZ_SEED"]) if "BOOKEND_FUZZ_SEED" in os.environ else None
)

# Seconds a request may take on this slow, shared machine; a request taking longer is a hang.
DEADLINE = 10.0
