"""Timing a whole process (wall time, its own peak memory, exit code, output) and medians."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import REPO, git_env


@dataclass(frozen=True)
class Run:
    """One finished process."""

    seconds: float
    peak_kb: int            # the process's own maximum resident set (ru_maxrss of wait4)
    code: int
    output: str

    def tail(self, lines: int = 5) -> str:
        return "\n".join(self.output.strip().splitlines()[-lines:])


# A process's peak memory (ru_maxrss) keeps what it had before exec, and a child forked from
# this benchmark starts as a copy of it (the whole generated round). So every command is
# started by this small, fresh launcher, which times it and reports the child's own peak.
LAUNCHER = """
import os, subprocess, sys, time
result, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
child = subprocess.Popen(cmd)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
with open(result, "w") as f:
    f.write(f"{seconds!r} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def timed(cmd: Sequence[str], cwd: Path) -> Run:
    """Run `cmd` in `cwd` and measure it; stdout and stderr are kept together."""
    env = git_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        result, output = Path(tmp) / "result", Path(tmp) / "output"
        with output.open("wb") as out:
            subprocess.run([sys.executable, "-I", "-S", "-c", LAUNCHER, str(result), *cmd],
                           cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env, check=True)
        seconds, peak_kb, code = result.read_text().split()
        text = output.read_bytes().decode("utf-8", "replace")
    return Run(float(seconds), int(peak_kb), int(code), text)


def runs(cmd: Sequence[str], cwd: Path, repeat: int) -> list[Run]:
    """`repeat` timed runs after one untimed warm-up (page cache, .pyc files and the tool's
    own caches in the state every later run finds them: steady state is what is compared)."""
    (found,) = interleaved([lambda: timed(cmd, cwd)], repeat)
    return found


def interleaved(makers: Sequence[Callable[[], Any]], repeat: int, *,
                warm_up: bool = True) -> list[list[Any]]:
    """Each maker run once untimed (unless it warms itself up), then `repeat` rounds of one run
    of each, alternating: on a shared machine the load drifts over seconds, and alternating lets
    a row's sides share it instead of one side meeting a busy minute alone. One list of results
    per maker."""
    for make in makers if warm_up else ():
        make()
    found: list[list[Any]] = [[] for _ in makers]
    for _ in range(repeat):
        for results, make in zip(found, makers, strict=True):
            results.append(make())
    return found


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def median_run(items: Sequence[Run]) -> float:
    return median([r.seconds for r in items])


def peak(items: Sequence[Run]) -> int:
    return max(r.peak_kb for r in items)


def probe(cwd: Path, *args: str) -> tuple[dict[str, Any], Run]:
    """Run one `bench.probe` in a fresh interpreter; its JSON result and the process."""
    done = timed([sys.executable, "-m", "bench.probe", *args], cwd)
    if done.code != 0:
        raise RuntimeError(f"bench.probe {args[0]} failed:\n{done.tail(20)}")
    return json.loads(done.output.strip().splitlines()[-1]), done


def tool(name: str) -> str:
    """A console script of this environment (qianghui, check-jsonschema)."""
    here = Path(sys.executable).with_name(name)
    if here.exists():
        return str(here)
    import shutil

    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (pip install -e '.[dev]')")
    return found
