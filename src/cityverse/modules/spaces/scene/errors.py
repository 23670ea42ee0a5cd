"""Scene problems are reported all at once, each with where, what and why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class SceneProblem(NamedTuple):
    """One problem: a JSON path like `$.booths[3].footprint`, a stable machine-readable code
    like `booth.overlap`, and an English message for people."""

    path: str
    code: str
    message: str


class SceneError(ValueError):
    """A scene document was rejected; `problems` lists every reason found."""

    def __init__(self, problems: Iterable[SceneProblem]) -> None:
        self.problems: list[SceneProblem] = list(problems)
        lines = [f"{p.path}: {p.code}: {p.message}" for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"… and {len(self.problems) - 20} more")
        super().__init__("invalid scene document:\n" + "\n".join(lines))

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


def json_path(*parts: str | int) -> str:
    """json_path("booths", 3, "key") == "$.booths[3].key"."""
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
