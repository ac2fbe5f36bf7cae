"""Measure every row of issue #6 against its baseline, in the same run, medians of `repeat`
(at least SHORT for the rows of a second or less). A row's two sides run alternately, so a
shared machine's drifting load falls on both.

Three trees are generated: the round of N societies with its git history, a render tree of
min(N, 500) societies (rendering all N would take minutes per repeat), and a 10-society tree
for the watcher's baseline. Whole commands run as subprocesses; the in-process rows run in
`bench.probe`, each in a fresh interpreter, so every row reports its own peak memory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.generate import TAG, Generated, generate, git_env
from bench.pdfs import pdf_row
from bench.report import AT_MOST, FASTER, Row
from bench.site import site_rows
from bench.timing import Run, interleaved, median, median_run, peak, probe, runs, timed, tool

RENDER_LIMIT = 500
SHORT = 11          # runs of each side for rows of about a second or less: cheap, and noisier
SCHEMA = "schemas/json/application.schema.json"


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def expect_ok(items: list[Run], what: str) -> str:
    """An error text when a command that must succeed failed (the tree must be clean)."""
    bad = next((r for r in items if r.code != 0), None)
    return f"{what} exited {bad.code}:\n{bad.tail()}" if bad else ""


@dataclass
class Trees:
    main: Generated
    render: Generated
    small: Generated
    small_history: Generated        # 10 societies with their history: the hook's baseline


class Bench:
    """The measurements of one run."""

    def __init__(self, trees: Trees, repeat: int) -> None:
        self.t = trees
        self.repeat = repeat
        self.qh = tool("qianghui")
        self.cj = tool("check-jsonschema")
        root = trees.main.root
        self.apps = sorted(p.relative_to(root).as_posix()
                           for p in root.glob("submissions/*/*/application.yaml"))

    def validate_all(self) -> list[Row]:
        root, n = self.t.main.root, len(self.apps)
        say(f"validate {n} applications: qianghui, check-jsonschema, floor")
        listing = root.parent / f"{root.name}-applications.txt"
        listing.write_text("\n".join(str(root / a) for a in self.apps), encoding="utf-8")
        ours, theirs, floors = interleaved([
            lambda: timed([self.qh, "validate", *self.apps], root),
            lambda: timed([self.cj, "--schemafile", SCHEMA, *self.apps], root),
            lambda: probe(root, "floor", str(listing))], self.repeat)
        checked = re.search(r"(\d+) 个文件", ours[-1].output)
        loop = median([f[0]["seconds"] for f in floors])
        note = (f"`qianghui validate <{n} application paths>` checks {checked.group(1) if checked else '?'}"
                " files: the applications, config, and each project's review files")
        first = Row(f"validate all {n:,} applications · vs check-jsonschema CLI", median_run(ours),
                    median_run(theirs), FASTER, 5, [note], peak(ours), peak(theirs),
                    expect_ok(ours, "qianghui validate") or expect_ok(theirs, "check-jsonschema"))
        second = Row(f"validate all {n:,} applications · vs floor (libyaml + model_validate)",
                     median_run(ours), median_run([f[1] for f in floors]), AT_MOST, 1.3,
                     [f"floor as a whole process; its loop alone: {loop:.2f} s"],
                     peak(ours), peak([f[1] for f in floors]))
        return [first, second]

    def watcher(self) -> Row:
        say("watcher: one saved application, N tree vs 10-project tree")
        saves = str(max(self.repeat, 5))
        main, small = self.t.main, self.t.small
        bigs, smalls = interleaved(
            [lambda: probe(main.root, "watch", str(main.root), main.sample, saves),
             lambda: probe(small.root, "watch", str(small.root), small.sample, saves)],
            max(self.repeat, 3), warm_up=False)          # each probe warms itself up
        big = [t for found, _ in bigs for t in found["times"]]
        little = [t for found, _ in smalls for t in found["times"]]
        initial = median([found["initial_full_run"] for found, _ in bigs])
        notes = [f"pipeline.run.run(lay, societies=[(2022, {main.sample})]) after a save (medians of "
                 f"{len(big)} saves, from {len(bigs)} probe processes per tree, the trees alternating); "
                 f"before timing, each probe makes one full run without rendering ({initial:.2f} s at "
                 "N, peak memory includes it) and one warm-up save"]
        return Row(f"one saved file through the orchestrator, {main.n:,} projects · vs 10 projects",
                   median(big), median(little), AT_MOST, 1.5, notes,
                   max(r.peak_kb for _, r in bigs), max(r.peak_kb for _, r in smalls))

    def render(self) -> list[Row]:
        root, n = self.t.render.root, self.t.render.n
        say(f"render: qianghui render vs naive docxtpl loop ({n} projects)")
        full = []
        for _ in range(self.repeat):
            shutil.rmtree(root / "build", ignore_errors=True)
            full.append(timed([self.qh, "render"], root))
        again = runs([self.qh, "render"], root, self.repeat)
        naive, naive_run = probe(root, "naive-render", str(root), str(self.repeat),
                                 str(root.parent / f"{root.name}-naive"))
        made = re.search(r"生成 (\d+) 个文档", full[-1].output)
        notes = [f"{n} projects (N = {self.t.main.n:,}; rendering is restricted to ≤ {RENDER_LIMIT}), "
                 f"{made.group(1) if made else '?'} documents written by `qianghui render` on a clean "
                 f"build/; the naive loop renders the {naive['documents']} .docx documents the engine "
                 "plans (contexts from evaluate + plan, only the loop timed)"]
        if naive["skipped"]:
            notes.append(f"not in the naive loop (no template file, or not a docx): {'、'.join(naive['skipped'])}")
        if full[-1].code:
            notes.append(f"`qianghui render` exited {full[-1].code}: {full[-1].tail(2)}")
        first = Row(f"render every document ({n} projects) · vs naive DocxTemplate loop",
                    median_run(full), median(naive["times"]), FASTER, 1.8, notes, peak(full),
                    naive_run.peak_kb)
        second = Row("`qianghui render` again, nothing changed · vs the full render",
                     median_run(again), median_run(full), AT_MOST, 0.02,
                     [f"re-render said: {again[-1].tail(1)}"], peak(again), peak(full))
        return [first, second]

    def history(self) -> Row:
        root = self.t.main.root
        say(f"check-history over {self.t.main.commits} commits vs one git log --name-status")
        ours, theirs = interleaved([lambda: timed([self.qh, "check-history"], root),
                                    lambda: git_log(root)], max(self.repeat, SHORT))
        commits = theirs[-1][1]
        return Row(f"`qianghui check-history` over {commits:,} commits · vs one git log, parsed",
                   median_run(ours), median([t[0] for t in theirs]), AT_MOST, 1.5,
                   [f"range {TAG}..HEAD ({commits} commits, {theirs[-1][2]:,} file changes); "
                    f"medians of {len(ours)} alternating runs"],
                   peak(ours), error=expect_ok(ours, "qianghui check-history"))

    def hook(self) -> Row:
        from bench.hook import prepare

        say("hook: pre-receive on a one-commit push, N-project central repository vs 10 projects")
        big, small = prepare(self.t.main, self.qh), prepare(self.t.small_history, self.qh)
        ours, theirs = interleaved([lambda: timed(big.command, big.git_dir),
                                    lambda: timed(small.command, small.git_dir)],
                                   max(self.repeat, SHORT))
        return Row(f"hook, one-commit push (with content validation), {self.t.main.n:,} projects"
                   " · vs 10 projects", median_run(ours), median_run(theirs), AT_MOST, 1.5,
                   ["the shipped hooks/pre-receive in a bare clone, on the update line of `git push "
                    "origin main` with one admin decision (refs, rights, the decision validated "
                    f"at the gate); last output: {ours[-1].tail(1)}; medians of {len(ours)} "
                    "alternating runs"], peak(ours), peak(theirs),
                   expect_ok(ours, "hooks/pre-receive") or expect_ok(theirs, "hooks/pre-receive"))

    def single(self) -> Row:
        root, sample = self.t.main.root, self.t.main.sample
        target = f"submissions/2022/{sample}/application.yaml"
        say("qianghui validate one file vs check-jsonschema one file")
        ours, theirs = interleaved([lambda: timed([self.qh, "validate", target], root),
                                    lambda: timed([self.cj, "--schemafile", SCHEMA, target], root)],
                                   max(self.repeat, SHORT))
        return Row(f"`qianghui validate` one file (whole process, {self.t.main.n:,}-society registry)"
                   " · vs check-jsonschema one file", median_run(ours), median_run(theirs), AT_MOST,
                   1.0, [f"file: {target}; medians of {len(ours)} alternating runs"], peak(ours),
                   peak(theirs),
                   expect_ok(ours, "qianghui validate") or expect_ok(theirs, "check-jsonschema"))

    def rows(self) -> list[Row]:
        found = [*self.validate_all(), self.watcher(), *self.render(), self.history(), self.hook(),
                 self.single(), *site_rows(self)]
        pdfs = pdf_row(self.t.render.root, self.qh, self.repeat)    # after render: .docx exist
        return found + ([pdfs] if pdfs else [])


def git_log(root: Path) -> tuple[float, int, int]:
    """One `git log --name-status` over the round, parsed into commits and their files."""
    start = time.perf_counter()
    out = subprocess.run(["git", "-c", "core.quotePath=false", "log", "--name-status",
                          "--format=%x1e%H%x1f%ae%x1f%cI", f"{TAG}..HEAD"], cwd=root, env=git_env(),
                         capture_output=True, check=True).stdout.decode("utf-8")
    commits = []
    for record in out.split("\x1e")[1:]:
        header, _, body = record.partition("\n")
        sha, email, when = header.split("\x1f")
        changes = [tuple(line.split("\t", 1)) for line in body.splitlines() if line]
        commits.append((sha, email, when, changes))
    return time.perf_counter() - start, len(commits), sum(len(c[3]) for c in commits)


def make_trees(workdir: Path, n: int) -> tuple[Trees, float]:
    start = time.perf_counter()
    say(f"generating {n:,} societies with their git history in {workdir}")
    main = generate(workdir / "round", n)
    say(f"generated {main.files:,} files ({main.bytes / 1e6:.1f} MB), {main.commits:,} commits "
        f"in {time.perf_counter() - start:.1f} s")
    seconds = time.perf_counter() - start
    render = generate(workdir / "render", min(n, RENDER_LIMIT), commits=0)
    small = generate(workdir / "ten", 10, commits=0)
    small_history = generate(workdir / "ten-history", 10)
    return Trees(main, render, small, small_history), seconds
