"""The national-scale rows (issue #16): N = 20,000 societies against the 5,000 of the main
round, measured in the same run, and a render in 4 shards against the full render.

- validate-all and check-history must grow at most linearly: 20,000 costs ≤ 4.4× 5,000;
- one saved file through the orchestrator stays ≤ 1.5× the 10-project tree;
- peak memory grows at most linearly (≤ 4.4× for 4× the societies);
- each of 4 shards, run alone on a clean build/, takes ≤ 0.3× the full render (the shares are
  balanced and a shard's fixed cost — evaluating and planning the whole round — is small).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from bench.generate import Generated, generate
from bench.measure import expect_ok
from bench.report import AT_MOST, Row
from bench.timing import Run, interleaved, median, median_run, peak, probe, timed

SHARDS = 4


def national_tree(workdir: Path, n: int) -> Generated:
    return generate(workdir / f"round-{n}", n)


def rows(qh: str, big: Generated, base: Generated, small: Generated, render: Generated,
         repeat: int, log: Callable[[str], None]) -> list[Row]:
    """The rows comparing `big` (N societies) with `base` (the main round), and the shards."""
    found: list[Row] = []
    log(f"national: qianghui validate, {big.n:,} vs {base.n:,} societies")
    bigs, bases = interleaved([lambda: timed([qh, "validate"], big.root),
                               lambda: timed([qh, "validate"], base.root)], repeat)
    scale = big.n / base.n
    limit = round(1.1 * scale, 2)
    found.append(Row(f"validate the whole round, {big.n:,} societies · vs {base.n:,}",
                     median_run(bigs), median_run(bases), AT_MOST, limit,
                     [f"`qianghui validate` (every file) in each tree; at most linear: "
                      f"≤ {limit}× for {scale:g}× the societies"], peak(bigs), peak(bases),
                     error=expect_ok(bigs + bases, "qianghui validate")))
    found.append(Row(f"peak memory of validate, {big.n:,} societies · vs {base.n:,}",
                     peak(bigs) / 1024, peak(bases) / 1024, AT_MOST, limit,
                     ["the largest resident set of each side's runs"], peak(bigs), peak(bases),
                     unit="MB"))
    log(f"national: check-history, {big.commits:,} vs {base.commits:,} commits")
    bigs, bases = interleaved([lambda: timed([qh, "check-history"], big.root),
                               lambda: timed([qh, "check-history"], base.root)], repeat)
    found.append(Row(f"`qianghui check-history`, {big.n:,} societies · vs {base.n:,}",
                     median_run(bigs), median_run(bases), AT_MOST, limit,
                     [f"{big.commits:,} commits vs {base.commits:,}"], peak(bigs), peak(bases),
                     error=expect_ok(bigs + bases, "qianghui check-history")))
    log(f"national: one saved file, {big.n:,} vs 10 projects")
    saves = str(max(repeat, 5))
    bigs_w, smalls_w = interleaved(
        [lambda: probe(big.root, "watch", str(big.root), big.sample, saves),
         lambda: probe(small.root, "watch", str(small.root), small.sample, saves)],
        max(repeat, 3), warm_up=False)
    found.append(Row(f"one saved file through the orchestrator, {big.n:,} projects · vs 10",
                     median([t for f, _ in bigs_w for t in f["times"]]),
                     median([t for f, _ in smalls_w for t in f["times"]]), AT_MOST, 1.5,
                     ["as the 5,000 row, on the national tree"],
                     max(r.peak_kb for _, r in bigs_w), max(r.peak_kb for _, r in smalls_w)))
    found.append(shard_row(qh, render, repeat, log))
    return found


def shard_row(qh: str, render: Generated, repeat: int, say: Callable[[str], None]) -> Row:
    """The slowest of 4 shards, each alone on a clean build/, against the full render."""
    root = render.root
    say(f"national: render in {SHARDS} shards vs the full render ({render.n} projects)")
    build = root / "build"

    def clean(cmd: list[str]) -> Run:
        shutil.rmtree(build, ignore_errors=True)
        return timed(cmd, root)

    fulls, slowest, counts = [], [], []
    for _ in range(repeat):
        fulls.append(clean([qh, "render"]))
        shards = [clean([qh, "render", "--shard", f"{k}/{SHARDS}"]) for k in range(1, SHARDS + 1)]
        slowest.append(max(shards, key=lambda r: r.seconds))
        counts = [r.tail(1) for r in shards]
    return Row(f"render, the slowest of {SHARDS} shards alone · vs the full render ({render.n} projects)",
               median_run(slowest), median_run(fulls), AT_MOST, 0.3,
               [f"each shard on a clean build/ (`qianghui render --shard K/{SHARDS}`); the shards "
                f"said: {' | '.join(counts)}"], peak(slowest), peak(fulls),
               error=expect_ok(fulls + slowest, "qianghui render"))
