"""Generate a complete synthetic round: a repository tree of N societies with its git history.

    generate(root, n, seed=0, commits=None)

copies the project's program file, templates and JSON Schemas, writes the registry, the people
list and every society's forms (see `bench.round`), and — unless `commits == 0` — a git
history of about n/2 commits (`bench.history`) written by one `git fast-import`, with the
setup commit tagged as the program's 规则起始. Every file validates clean and the history
passes `qianghui check-history`.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench import history
from bench.round import SUBMITTED, YEAR, Round, make_round

REPO = Path(__file__).resolve().parents[1]
PROGRAM = f"config/program-{YEAR}.yaml"
TAG = "round-2022"
OPEN_ROUND = {"截止时间": "2022-05-12 23:59:59+08:00", "延期": "[]", "需要签名": "否",
              "规则起始": TAG, "已结束": "否"}


@dataclass
class Generated:
    """What `generate` made, for the benchmark's report."""

    root: Path
    n: int
    commits: int
    in_setup: int                       # societies whose application came with the setup commit
    files: int
    bytes: int
    kinds: dict[str, int] = field(default_factory=dict)
    funded: list[str] = field(default_factory=list)
    sample: str = ""                    # a plain submitted society (the watcher's test subject)


def git_env() -> dict[str, str]:
    """git without the user's global or system configuration (signing, hooks, templates)."""
    env = dict(os.environ)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0",
               GIT_PAGER="cat", LC_ALL="C.UTF-8")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    return env


def program_text(closed: bool) -> str:
    """The project's program file with the round's dates and rules fixed for the benchmark."""
    text = (REPO / PROGRAM).read_text(encoding="utf-8")
    for key, value in {**OPEN_ROUND, "已结束": "是" if closed else "否"}.items():
        text, found = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
        if found != 1:
            raise RuntimeError(f"{PROGRAM}: expected one line `{key}:`")
    return text


def rubrics(text: str) -> dict[str, list[tuple[str, int]]]:
    data = yaml.safe_load(text)
    return {key: [(row["指标"], int(row["分值"])) for row in data[key]] for key in ("立项评分表", "考核表")}


def stamp_png() -> bytes:
    """One small, real PNG: a red seal."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (96, 96), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, 90, 90), outline=(200, 16, 16), width=6)
    draw.regular_polygon((48, 48, 18), 5, fill=(200, 16, 16))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def setup_files(rnd: Round) -> dict[str, bytes]:
    """What the maintainer commits before the round opens: config, templates, JSON Schemas."""
    files = {PROGRAM: program_text(closed=False).encode(),
             "config/societies.yaml": rnd.societies_text().encode(),
             "config/people.yaml": rnd.people_text().encode(), ".gitignore": b"build/\n"}
    for folder, pattern in (("templates", "*.docx"), ("schemas/json", "*.json")):
        for path in sorted((REPO / folder).glob(pattern)):
            files[f"{folder}/{path.name}"] = path.read_bytes()
    return files


def write_tree(root: Path, tree: dict[str, bytes], stamp: bytes) -> int:
    """Write every file; the stamp is stored once and hard-linked (copied if links fail)."""
    first: Path | None = None
    for rel, data in sorted(tree.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if data is stamp and first is not None:
            try:
                os.link(first, target)
                continue
            except OSError:
                pass
        target.write_bytes(data)
        if data is stamp and first is None:
            first = target
    return sum(len(d) for d in tree.values())


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=git_env(), check=True, capture_output=True)


def generate(root: Path, n: int, seed: int = 0, commits: int | None = None) -> Generated:
    """A round of `n` societies under `root`; `commits` (default n/2) commits, 0 for no git."""
    if n < 1:
        raise ValueError("n must be at least 1")
    root.mkdir(parents=True, exist_ok=True)
    rnd = make_round(n, seed, rubrics(program_text(closed=False)))
    stamp = stamp_png()
    budget = n // 2 if commits is None else commits
    plan, in_setup = history.plan(rnd, setup_files(rnd), program_text(closed=True).encode(), stamp,
                                  max(budget, 1), seed)
    tree = history.replay(plan)
    size = write_tree(root, tree, stamp)
    if budget:
        git(root, "init", "-q", "-b", "main")
        history.fast_import(root, plan, TAG, git_env())
        git(root, "reset", "-q")
    sample = next((p.sid for p in rnd.projects if p.kind == SUBMITTED), rnd.projects[0].sid)
    return Generated(root, n, len(plan) if budget else 0, in_setup if budget else n, len(tree),
                     size, dict(Counter(p.kind for p in rnd.projects)),
                     [p.sid for p in rnd.funded], sample)


def main() -> None:
    """`python -m bench.generate DIR N [SEED]`: generate a tree to look at."""
    import sys

    root, n = Path(sys.argv[1]), int(sys.argv[2])
    made = generate(root, n, int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    print(made)


if __name__ == "__main__":
    main()

