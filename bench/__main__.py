"""python -m bench [--n 5000] [--national 20000] [--repeat 3] [--keep DIR] [--out build/bench.json]

Generates a synthetic round in a temporary folder (or DIR, kept), measures every row of
issue #6 against its baseline in the same run and prints one table of ratios. Exits 1 only
when a command that must succeed failed (the generated tree must validate clean and pass the
history check); targets not met are reported, never an error.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import REPO
from bench.measure import SHORT, Bench, make_trees, say
from bench.report import mb, notes, table, write_json
from bench.timing import tool


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--n", type=int, default=5000, help="societies in the round (default 5000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--national", type=int,
                        help="societies of the national-scale rows (default 4 × --n: 20,000; 0: leave them out)")
    parser.add_argument("--keep", type=Path, help="generate here and keep the trees")
    parser.add_argument("--out", type=Path, default=Path("build/bench.json"), help="the table as JSON")
    args = parser.parse_args(argv)
    if args.n < 1 or args.repeat < 1:
        parser.error("--n and --repeat must be at least 1")
    if args.national is None:
        args.national = 4 * args.n
    if args.national < 0:
        parser.error("--national must be 0 or more")
    if args.keep and (args.keep / "round").exists():
        parser.error(f"{args.keep}/round already exists: choose an empty folder")
    return args


def engine_version() -> str:
    """The engine measured: this checkout's commit, and whether the engine has local changes."""
    def git(*a: str) -> str:
        done = subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "pipeline", "schemas", "templates")
    return commit + (" + uncommitted engine changes" if dirty else "")


def compile_engine() -> None:
    """Byte-compile the engine, as pip does for every package it installs (check-jsonschema and
    all libraries come compiled). An editable checkout otherwise compiles the engine's source on
    every start wherever bytecode is not written (PYTHONDONTWRITEBYTECODE, read-only trees), which
    costs a one-file command about 20 ms."""
    import compileall

    for package in ("pipeline", "schemas"):
        if not compileall.compile_dir(REPO / package, quiet=1):
            say(f"could not byte-compile {package}/ (read-only?): its commands will pay for compiling")


def bench(workdir: Path, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    compile_engine()
    trees, generation = make_trees(workdir, args.n)
    rows = Bench(trees, args.repeat).rows()
    if args.national:
        from bench import national

        say(f"generating the national round of {args.national:,} societies")
        big = national.national_tree(workdir, args.national)
        rows += national.rows(tool("qianghui"), big, trees.main, trees.small, trees.render,
                              args.repeat, say)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    largest = max(rows, key=lambda r: r.peak_kb)
    main = trees.main
    print(f"\n{args.n:,} societies, {main.files:,} files ({main.bytes / 1e6:.1f} MB), "
          f"{main.commits:,} commits ({main.in_setup:,} applications came with the setup commit); "
          f"medians of {args.repeat} (rows of a second or less: {max(args.repeat, SHORT)}; all rows but "
          f"render alternate their two sides); {os.cpu_count()} cores; "
          f"engine {engine_version()}, byte-compiled\n")
    print(table(rows))
    print(f"\npeak memory: largest of our processes {mb(largest.peak_kb)} ({largest.what.split(' · ')[0]}); "
          f"this benchmark process {mb(own)} (holds the generated round)")
    print(notes(rows))
    info = {"n": args.n, "repeat": args.repeat, "cores": os.cpu_count(),
            "generation_seconds": generation, "total_seconds": time.perf_counter() - started,
            "files": main.files, "bytes": main.bytes, "commits": main.commits,
            "in_setup": main.in_setup, "kinds": main.kinds, "bench_peak_kb": own,
            "engine": engine_version()}
    write_json(args.out, rows, info)
    say(f"wrote {args.out} in {time.perf_counter() - started:.0f} s total")
    return 1 if any(r.error for r in rows) else 0


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return bench(args.keep.resolve(), args)
    with tempfile.TemporaryDirectory(prefix="qianghui-bench-") as tmp:
        return bench(Path(tmp), args)


if __name__ == "__main__":
    sys.exit(main())
