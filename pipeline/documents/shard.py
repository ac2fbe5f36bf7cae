"""`qianghui render --shard K/N`: one machine's deterministic, balanced share of the documents.

Every shard plans the whole round (the plan is cheap; rendering is the cost) and renders only
its share, so the union of the N shards' build/ folders is byte for byte the full render. The
year documents (立项名单, 汇总, 登记表 …) are built once, by shard 1; the project documents are
dealt kind by kind (every 申报表, then every 结题报告 …, each kind in the order of its paths),
each to the shard with the fewest documents so far — a balance by documents, not by projects
(a project with a 结题报告 and five 考核表 weighs more), and every shard gets its share of each
kind (dealing in path order alone gave one shard every 申报表, the costliest kind).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.core.layout import Layout
from pipeline.errors import UsageError

if TYPE_CHECKING:
    from pipeline.documents.plan import Job

_SHAPE = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse(text: str) -> Shard:
    """`K/N` as typed (GitLab's `$CI_NODE_INDEX/$CI_NODE_TOTAL`), checked."""
    match = _SHAPE.match(text)
    if not match:
        raise UsageError(f"--shard 的格式应为 K/N（如 2/4，第 2 份，共 4 份），而不是「{text}」")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise UsageError(f"--shard {text}：K 须在 1 到 N 之间（N 至少为 1）")
    return Shard(index, count)


def is_year_document(lay: Layout, job: Job) -> bool:
    """A year document lives directly in build/<year>/, a project's in build/<year>/<society>/."""
    return job.output.parent.parent == lay.build


def share(lay: Layout, jobs: Sequence[Job], shard: Shard | None) -> list[Job]:
    """The jobs of one shard (all of them without a shard), in their planned order."""
    if shard is None or shard.count == 1:
        return list(jobs)
    loads = [0] * shard.count
    mine: set[int] = set()
    year = [i for i, job in enumerate(jobs) if is_year_document(lay, job)]
    loads[0] = len(year)
    if shard.index == 1:
        mine.update(year)
    rest = sorted((i for i, job in enumerate(jobs) if i not in set(year)),
                  key=lambda i: (jobs[i].output.name, jobs[i].output.as_posix()))
    for i in rest:
        target = loads.index(min(loads))
        loads[target] += 1
        if target == shard.index - 1:
            mine.add(i)
    return [job for i, job in enumerate(jobs) if i in mine]
