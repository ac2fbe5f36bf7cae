"""`qianghui codeowners`: writes (or with --check, checks) CODEOWNERS from config/people.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.forms.loading import read_model
from pipeline.history.codeowners import codeowners
from pipeline.transaction import Transaction
from schemas.registry import People


def command(lay: Layout, output: Path | None, usernames: bool, check: bool,
                       out: TextIO) -> int:
    people = read_model(lay, lay.people, layout.PEOPLE, People)
    target = output or lay.root / "CODEOWNERS"
    text = codeowners(people, usernames)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if check:
        print(f"{lay.rel(target)} 是最新的" if current == text
              else f"{lay.rel(target)} 已过期：请运行 qianghui codeowners", file=out)
        return 0 if current == text else 1
    if current == text:
        print(f"{lay.rel(target)} 已是最新", file=out)
        return 0
    with Transaction([target], shown=lay.rel) as tx:
        tx.write(target, text.encode("utf-8"))
    print(f"已写入 {lay.rel(target)}（{text.count(chr(10) + '/')} 条规则）", file=out)
    return 0
