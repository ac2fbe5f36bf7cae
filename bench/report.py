"""The benchmark's result: one table of ratios (text) and the same as JSON for the docs."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tabulate import tabulate

FASTER, AT_MOST = "faster", "at most"


@dataclass
class Row:
    """One line of the table: ours against its baseline, both measured in this run."""

    what: str
    ours: float                 # seconds (median)
    baseline: float             # seconds (median)
    kind: str                   # FASTER: baseline/ours ≥ target; AT_MOST: ours/baseline ≤ target
    target: float
    notes: list[str] = field(default_factory=list)
    peak_kb: int = 0            # our process's peak memory
    baseline_peak_kb: int = 0
    error: str = ""             # a command that should have succeeded did not
    unit: str = "s"             # "MB": ours and baseline are peak memory in MB, not seconds

    @property
    def ratio(self) -> float:
        if self.kind == FASTER:
            return self.baseline / self.ours if self.ours else float("inf")
        return self.ours / self.baseline if self.baseline else float("inf")

    @property
    def met(self) -> bool:
        return self.ratio >= self.target if self.kind == FASTER else self.ratio <= self.target

    def cells(self) -> list[str]:
        met = "ERROR" if self.error else ("yes" if self.met else "no")
        shown = (lambda v: f"{v:.0f} MB") if self.unit == "MB" else seconds
        return [self.what, shown(self.ours), shown(self.baseline), self.ratio_text(),
                self.target_text(), met]

    def ratio_text(self) -> str:
        if self.kind == FASTER:
            return f"{self.ratio:.2f}× faster"
        return f"{self.ratio * 100:.1f} %" if self.target < 0.1 else f"{self.ratio:.2f}×"

    def target_text(self) -> str:
        if self.kind == FASTER:
            return f"≥ {self.target:g}× faster"
        return f"≤ {self.target * 100:g} %" if self.target < 0.1 else f"≤ {self.target:g}×"


def seconds(value: float) -> str:
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 0.001:
        return f"{value * 1000:.0f} ms" if value >= 0.01 else f"{value * 1000:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def table(rows: list[Row]) -> str:
    return tabulate([r.cells() for r in rows],
                    headers=["what", "ours", "baseline", "ratio", "target", "met?"],
                    tablefmt="github", disable_numparse=True)


def notes(rows: list[Row]) -> str:
    lines = []
    for i, row in enumerate(rows, 1):
        memory = f"peak memory: ours {mb(row.peak_kb)}" + (
            f", baseline {mb(row.baseline_peak_kb)}" if row.baseline_peak_kb else "")
        lines.append(f"{i}. {row.what} — {memory}")
        lines += [f"   {note}" for note in row.notes]
        if row.error:
            lines += [f"   ERROR: {line}" for line in row.error.splitlines()]
    return "\n".join(lines)


def write_json(path: Path, rows: list[Row], info: dict[str, Any]) -> None:
    data = {**info, "rows": [{**asdict(r), "ratio": r.ratio, "met": r.met,
                              "ratio_text": r.ratio_text(), "target_text": r.target_text()}
                             for r in rows]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
