"""The web site's rows: one saved file updates build/site/ of an N-project round in at most
1.5× the time it takes in a 10-project tree; the full site costs at most 25% on top of a full
`qianghui run`.

The first is the watcher row with the site: `bench.probe watch … site` runs the orchestrator
as `qianghui watch` does (the full run builds the whole site first, each save updates it).
The second compares `qianghui site` with `qianghui run`, both from an empty build/ on the
render tree (min(N, 500) projects: a full run renders every document, minutes at N).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import AT_MOST, Row
from bench.timing import Run, interleaved, median, median_run, peak, probe, timed

if TYPE_CHECKING:
    from bench.measure import Bench


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def save_row(bench: Bench) -> Row:
    repeat = bench.repeat
    main, small = bench.t.main, bench.t.small
    say("site: one saved application updates build/site/, N tree vs 10-project tree")
    saves = str(max(repeat, 5))
    bigs, smalls = interleaved(
        [lambda: probe(main.root, "watch", str(main.root), main.sample, saves, "site"),
         lambda: probe(small.root, "watch", str(small.root), small.sample, saves, "site")],
        max(repeat, 3), warm_up=False)
    big = [s for found, _ in bigs for s in found["times"]]
    little = [s for found, _ in smalls for s in found["times"]]
    initial = median([found["initial_full_run"] for found, _ in bigs])
    notes = [f"pipeline.run.run(lay, societies=[(2022, {main.sample})], site=True) after a save "
             f"(medians of {len(big)} saves from {len(bigs)} probe processes per tree): its page and "
             "its year's page rewritten; the saves append a comment, so no value the list shows "
             "changes and data.js and the kept rows are left alone (a save that changes one also "
             "rewrites both: O(N), measured apart); the probe's full run with the whole site, "
             f"without rendering: {initial:.2f} s at N"]
    return Row(f"one saved file updates the web site, {main.n:,} projects · vs 10 projects",
               median(big), median(little), AT_MOST, 1.5, notes,
               max(r.peak_kb for _, r in bigs), max(r.peak_kb for _, r in smalls))


def clean(root: Path) -> None:
    shutil.rmtree(root / "build", ignore_errors=True)


def full_row(bench: Bench) -> Row:
    repeat, qh = bench.repeat, bench.qh
    root, n = bench.t.render.root, bench.t.render.n
    say(f"site: qianghui site vs qianghui run, both from an empty build/ ({n} projects)")

    pages: list[int] = []

    def cold(command: str) -> Run:
        clean(root)
        done = timed([qh, command], root)
        pages.append(sum(1 for _ in (root / "build" / "site").glob("**/*.html")))
        return done

    sites, runs = interleaved([lambda: cold("site"), lambda: cold("run")], max(1, min(repeat, 2)),
                              warm_up=False)
    pages = [max(pages)]
    notes = [f"{n} projects; both write every document from an empty build/, `qianghui site` also "
             f"every page ({pages[0]} HTML pages), with the history of each "
             f"project from one walk of the log; {len(sites)} alternating run(s) each"]
    error = next((f"qianghui {name} exited {r.code}:\n{r.tail()}" for name, found in
                  (("site", sites), ("run", runs)) for r in found if r.code not in (0, 1)), "")
    return Row(f"the full web site ({n} projects) · vs a full `qianghui run`", median_run(sites),
               median_run(runs), AT_MOST, 1.25, notes, peak(sites), peak(runs), error)


def site_rows(bench: Bench) -> list[Row]:
    return [save_row(bench), full_row(bench)]
