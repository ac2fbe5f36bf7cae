"""`qianghui spot-check`: the public financial spot check (a 5% draw from a published seed),
or with --verify the same draw redone from the file and compared."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import TextIO

from pipeline.commands.common import checked_text, default_year
from pipeline.commands.rank import load_selection
from pipeline.commands.review import errors_of
from pipeline.core import layout, scoring
from pipeline.core.layout import Layout
from pipeline.errors import QianghuiError
from pipeline.forms.loading import load_config, read_model
from pipeline.transaction import Transaction
from schemas.decision import Selection
from schemas.sheets import SpotCheck


def command(lay: Layout, year: int | None, seed: str | None, verify_only: bool, out: TextIO,
            today: date | None = None) -> int:
    """Draw the public financial spot check, or (verify_only) redo the draw and compare."""
    year = default_year(lay, year)
    if verify_only:
        differences = verify(lay, year)
        print("\n".join(differences) if differences else "复核通过：按种子重新抽取的结果与文件一致",
              file=out)
        return 1 if differences else 0
    seed = None if seed is None else checked_seed(seed)
    program = load_config(lay).programs.get(year)
    if program is None:
        raise QianghuiError(f"没有 {year} 年度的申报通知，或它有错误")
    check = spot_check(lay, year, program.audit_rate, seed, today or date.today())
    print(f"种子：{check.seed}\n抽中：{'、'.join(check.drawn)}（{check.count} 个）\n"
          f"已写入 reviews/{year}/spot-check.yaml", file=out)
    return 0


def approved_selection(lay: Layout, year: int) -> Selection:
    selection = load_selection(lay, year)
    if selection is None or selection.approval is None:
        raise QianghuiError(f"{year} 年度的立项名单尚未审批（{lay.rel(lay.selection(year))}），不能抽查")
    return selection


def default_seed(lay: Layout, year: int) -> str:
    """The commit id that last changed the approved selection: public and fixed."""
    from pipeline.history.vcs import Vcs

    vcs = Vcs(lay.root)
    if vcs.dirty(lay.selection(year)):
        raise QianghuiError("立项名单的修改（如审批）还没有提交到 git：请先提交，抽查的种子是它的提交 id")
    out = vcs.run("log", "-1", "--format=%H", "--", f"reviews/{year}/selection.yaml")
    if not out.strip():
        raise QianghuiError("立项名单还没有提交到 git：请先提交，或用 --种子 指定公开的种子")
    return out.strip()


def spot_check(lay: Layout, year: int, rate: Decimal, seed: str | None, today: date) -> SpotCheck:
    """Draw the spot check and write reviews/<年度>/spot-check.yaml; never redraws."""
    path = lay.root / "reviews" / str(year) / "spot-check.yaml"
    if path.exists():
        raise QianghuiError(f"{lay.rel(path)} 已经存在：抽查只抽一次；用 --verify 复核")
    funded = [e.society for e in approved_selection(lay, year).funded]
    seed = seed or default_seed(lay, year)
    count = scoring.draw_count(rate, len(funded))
    check = SpotCheck(seed=seed, rate=rate, count=count, method=scoring.DRAW_METHOD,
                      drawn=scoring.draw(seed, funded, count), findings=[], date=today)
    with Transaction([path], shown=lay.rel) as tx:
        tx.write(path, spot_check_text(check).encode("utf-8"))
        tx.reject(f"写入的 {lay.rel(path)} 有错误，未保存：", errors_of(lay, path))
    return check


SEED_LIMIT = 100        # characters: the 种子 of spot-check.yaml (schemas.types.ShortText)


def checked_seed(seed: str) -> str:
    """A seed typed after --种子, as it will be written and drawn with (stripped)."""
    return checked_text("--种子", seed, SEED_LIMIT)


def spot_check_text(check: SpotCheck) -> str:
    """The file; the seed and method quoted, so any text stays text (a # is no comment)."""
    drawn = "\n".join(f"  - {s}" for s in check.drawn)
    return (f"# yaml-language-server: $schema=../../schemas/json/spot-check.schema.json\n"
            f"# 财务抽查：任何人可用同一种子重新抽取（qianghui spot-check --verify）\n"
            f"种子: {json.dumps(check.seed, ensure_ascii=False)}\n比例: {check.rate}\n"
            f"抽取数量: {check.count}\n"
            f"抽取方法: {json.dumps(check.method, ensure_ascii=False)}\n抽中:\n{drawn}\n"
            f"发现: []                       # 抽查后填写：- {{学会: …, 问题: …, 处理: …}}\n"
            f"日期: {check.date.isoformat()}\n")


def verify(lay: Layout, year: int) -> list[str]:
    """Redo the draw from the file's seed; the differences, empty when the file agrees."""
    from pipeline.forms.spot_check import check_draw

    path = lay.root / "reviews" / str(year) / "spot-check.yaml"
    if not path.exists():
        raise QianghuiError(f"{lay.rel(path)} 不存在：还没有抽查")
    check = read_model(lay, path, layout.SPOT_CHECK, SpotCheck)
    funded = [e.society for e in approved_selection(lay, year).funded]
    return [f.message for f in check_draw(check, funded)]


