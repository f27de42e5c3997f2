"""The client guide's examples as tests read them: each operation, who runs it, its variables,
and the answer the guide shows, and whether an answer is the one shown.

An example in docs/graphql-clients.md is a ```graphql block whose first lines are comments:

    # as: student-amara                 (the demo user whose token runs it; required)
    # variables: {"id": "$sectionSessions.nodes[0].id"}
    # over: websocket                   (a subscription: its first result is the answer)

and the ```json block after it is its answer. A `$path` in the variables is read from an
earlier example's answer (its root field first). An answer matches when it has the same fields
as the one shown; lists with items each shaped like the one item shown, or exactly the items
shown when several are (an empty list shown: any list; items with a `__typename`: each like the
one shown of its type); the same strings except "…" (any
string), numbers of the same kind, and the same true, false and null. An answer shown as
{"errors": [{"extensions": {"code": C}}]} matches a refusal with that code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

ANY_TEXT = "…"
_BLOCK = re.compile(r"```(graphql|json)\n(.*?)```", re.DOTALL)
_HEADER = re.compile(r"#\s*(as|variables|over):\s*(.*)")
_STEP = re.compile(r"([A-Za-z_]\w*)|\[(\d+)\]")


@dataclass(frozen=True)
class Example:
    document: str
    user: str
    answer: Any
    variables: dict[str, Any] = field(default_factory=dict)
    websocket: bool = False
    line: int = 0  # where its block starts in the guide, for failure messages

    @property
    def refusal(self) -> str | None:
        """The code the guide shows it refused with, if it shows a refusal."""
        if isinstance(self.answer, dict) and set(self.answer) == {"errors"}:
            return str(self.answer["errors"][0]["extensions"]["code"])
        return None


def examples(text: str) -> list[Example]:
    """Every example of the guide, in its order; a graphql block without `# as:` is prose."""
    found: list[Example] = []
    pending: tuple[str, dict[str, str], int] | None = None
    for block in _BLOCK.finditer(text):
        kind, body = block.group(1), block.group(2)
        line = text.count("\n", 0, block.start()) + 1
        if kind == "graphql":
            headers = {
                m.group(1): m.group(2).strip()
                for m in map(_HEADER.fullmatch, body.splitlines())
                if m is not None
            }
            pending = (body, headers, line) if "as" in headers else None
        elif pending is not None:
            body_text, headers, at = pending
            found.append(
                Example(
                    document=body_text,
                    user=headers["as"],
                    answer=json.loads(body),
                    variables=json.loads(headers.get("variables", "{}")),
                    websocket=headers.get("over") == "websocket",
                    line=at,
                )
            )
            pending = None
    return found


def resolved(variables: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The variables with each "$path" read from the answers so far."""
    return {name: _read(value, answers) for name, value in variables.items()}


def _read(value: Any, answers: dict[str, Any]) -> Any:
    if not (isinstance(value, str) and value.startswith("$")):
        return value
    found: Any = answers
    for name, index in _STEP.findall(value[1:]):
        found = found[name] if name else found[int(index)]
    return found


def mismatches(shown: Any, got: Any, where: str = "") -> list[str]:
    """How `got` differs from the answer shown, each difference with its path (none: it is)."""
    here = where or "answer"
    if isinstance(shown, dict):
        if not isinstance(got, dict):
            return [f"{here}: an object was shown, got {got!r}"]
        if set(shown) != set(got):
            return [f"{here}: fields {sorted(shown)} were shown, got {sorted(got)}"]
        return [m for key in shown for m in mismatches(shown[key], got[key], f"{here}.{key}")]
    if isinstance(shown, list):
        if not isinstance(got, list):
            return [f"{here}: a list was shown, got {got!r}"]
        if not shown:
            return []
        if not got:
            return [f"{here}: items were shown, got none"]
        if all(isinstance(item, dict) and "__typename" in item for item in shown):
            return _by_type(shown, got, here)
        if len(shown) == 1:  # every item shaped like it
            return [
                m for n, item in enumerate(got) for m in mismatches(shown[0], item, f"{here}[{n}]")
            ]
        if len(shown) != len(got):
            return [f"{here}: {len(shown)} items were shown, got {len(got)}"]
        pairs = enumerate(zip(shown, got, strict=True))
        return [m for n, pair in pairs for m in mismatches(*pair, f"{here}[{n}]")]
    if shown == ANY_TEXT:
        return [] if isinstance(got, str) else [f"{here}: text was shown, got {got!r}"]
    if isinstance(shown, bool) or shown is None or isinstance(shown, str):
        return [] if shown == got else [f"{here}: {shown!r} was shown, got {got!r}"]
    if type(shown) is not type(got):
        return [f"{here}: a number like {shown!r} was shown, got {got!r}"]
    return []


def _by_type(shown: list[Any], got: list[Any], here: str) -> list[str]:
    """Items of an interface or union, each compared with the item shown of its own type (not
    every type shown need come)."""
    by_type = {item["__typename"]: item for item in shown}
    wrong: list[str] = []
    for n, item in enumerate(got):
        kind = item.get("__typename") if isinstance(item, dict) else None
        if kind not in by_type:
            wrong.append(f"{here}[{n}]: a {kind!r} was not shown (shown: {sorted(by_type)})")
        else:
            wrong += mismatches(by_type[kind], item, f"{here}[{n}]")
    return wrong
