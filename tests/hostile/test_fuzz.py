"""Every file kind of the demo round, damaged at random (seeded, so a failure is reproducible):
truncated, a value swapped for one of the wrong type or shape, a line deleted or doubled, an
indentation broken, an invisible or control character inserted. Whatever the damage,
`validate`, `list` and `run` answer with findings or success — never an internal error, a
traceback or a hang (the mechanism-level guard beside the named cases of this suite)."""

from __future__ import annotations

import io
import random
import re
import shutil
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from pipeline.cli import main

REPO = Path(__file__).resolve().parents[2]
FILES = (
    "config/program-2022.yaml", "config/societies.yaml", "config/people.yaml",
    "submissions/2022/hbjx/application.yaml", "submissions/2022/hbjx/completion.yaml",
    "reviews/2022/hbjx/decision.yaml", "reviews/2022/hbjx/survey.yaml",
    "reviews/2022/selection.yaml", "reviews/2022/spot-check.yaml",
)
SHEETS = ("reviews/2022/hbjx/panel", "reviews/2022/hbjx/acceptance")
PER_FILE = 12
VALUES = ("", "~", "[]", "{}", "-1", "0", "1e999", ".nan", "-.inf", "0x10", "2022-13-45",
          "2022-02-30", "是", "否", "通过", "'00123'", "9" * 40, "x" * 3000, "[1, [2, [3]]]",
          "{a: 1}", "\"\\u202e反转\"", "\"a\\u200bb\"", "'2022-05-12T25:00:00+08:00'", "&a x",
          "*a", "!!python/object:os.system x", "<<: {a: 1}", "? [a]", "|\n  多行\n  文本")
INSERTS = ("\u202e", "\udc80", "\u200b", "\ufeff", "\x00", "\x1b[31m", "\t", "\r", "\u2028", "\ud7ff",
           "：", "—", "#", "- ", ": ", "'", '"', "{", "[", "&", "*", "!", "%", "@", "`")


def _damages(text: str) -> list[Callable[[random.Random], str]]:
    lines = text.splitlines(keepends=True)

    def truncate(r: random.Random) -> str:
        return text[:r.randrange(len(text))]

    def swap_value(r: random.Random) -> str:
        keyed = [i for i, ln in enumerate(lines) if re.match(r"^\s*(- )?[^#\s][^:]*: \S", ln)]
        if not keyed:
            return text
        i = r.choice(keyed)
        head = lines[i].split(": ", 1)[0]
        copy = list(lines)
        copy[i] = f"{head}: {r.choice(VALUES)}\n"
        return "".join(copy)

    def drop_line(r: random.Random) -> str:
        copy = list(lines)
        del copy[r.randrange(len(copy))]
        return "".join(copy)

    def double_line(r: random.Random) -> str:
        copy = list(lines)
        i = r.randrange(len(copy))
        copy.insert(i, copy[i])
        return "".join(copy)

    def indent(r: random.Random) -> str:
        copy = list(lines)
        i = r.randrange(len(copy))
        copy[i] = r.choice(("  ", " ", "\t", "")) + copy[i].lstrip(" ")
        return "".join(copy)

    def insert(r: random.Random) -> str:
        at = r.randrange(len(text) + 1)
        return text[:at] + r.choice(INSERTS) + text[at:]

    return [truncate, swap_value, drop_line, double_line, indent, insert]


def _targets(root: Path) -> list[str]:
    found = list(FILES)
    for folder in SHEETS:
        found += sorted(p.relative_to(root).as_posix() for p in (root / folder).glob("*.yaml"))[:1]
    return [rel for rel in found if (root / rel).is_file()]


def _run(root: Path, *args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["-C", str(root), *args])
    return code, out.getvalue() + err.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("rel", _targets(REPO))
def test_random_damage_is_always_a_finding(tmp_path: Path, rel: str) -> None:
    root = tmp_path / "demo"
    for name in ("config", "submissions", "reviews", "templates"):
        shutil.copytree(REPO / name, root / name)
    original = (root / rel).read_text(encoding="utf-8")
    r = random.Random(f"{rel}")
    damages = _damages(original)
    for n in range(PER_FILE):
        damage = damages[n % len(damages)]
        damaged = damage(r)
        (root / rel).write_bytes(damaged.encode("utf-8", "surrogatepass"))
        commands = [("validate", rel), ("list", "--json")] + ([("run",)] if n % 3 == 0 else [])
        for args in commands:        # the full run (rendering) on every third damage: its cost
            code, text = _run(root, *args)
            where = f"{damage.__name__} #{n} of {rel}, {' '.join(args)}:\n{damaged[:400]!r}\n{text[-800:]}"
            assert "内部错误" not in text and "Traceback" not in text, where
            assert code in (0, 1), where
        (root / rel).write_text(original, encoding="utf-8")
