"""The doctor's findings: each check's status, what it found and the one thing to do."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK, WARNING, PROBLEM = "ok", "warning", "problem"


@dataclass
class Check:
    """One finding: `status` is ok, warning or problem; `fix` is set unless it is ok."""

    name: str
    status: str
    summary: str
    fix: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    checks: list[Check]

    @property
    def problems(self) -> list[Check]:
        return [c for c in self.checks if c.status == PROBLEM]

    @property
    def exit_code(self) -> int:
        """0 when nothing is broken (warnings allowed), 1 when a problem needs attention."""
        return 1 if self.problems else 0

    def to_json(self) -> dict[str, Any]:
        return {"ok": not self.problems, "checks": [asdict(c) for c in self.checks]}
