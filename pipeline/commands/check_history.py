"""`qianghui check-history [<范围>]`: every commit of a range judged against who may change what
(DESIGN §6); a range given (what a push or a merge request brings) has its forms validated at
its tip too."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.history.check import check_range, default_range, programs_at, rules_limits
from pipeline.history.revisions import range_revs
from pipeline.history.vcs import Vcs
from schemas.program import Program


def command(lay: Layout, rev_range: str | None, out: TextIO) -> int:
    vcs = Vcs(lay.root)
    found = programs_at(vcs, "HEAD") if vcs.bare else programs(lay)
    if rev_range is not None:
        given = range_revs(vcs, rev_range)          # each name verified; git sees commit ids
        tip = vcs.tip(given)
        revs = [*given, *rules_limits(vcs, found)]
    else:
        revs = default_range(vcs, found)
    violations = check_range(vcs, revs)
    for v in violations:
        print(v.format(), file=out)
    problems = []
    if rev_range is not None:               # the validators' imports only when they are needed
        from pipeline.history.gate import content_problems

        problems = content_problems(vcs, revs, tip, date.today(), vcs.cache_root)
    for problem in problems:
        print(problem.format(), file=out)
    print(f"{len(violations)} 处违反权限规则" if violations else "历史检查通过：没有违反权限规则的提交",
          file=out)
    if problems:
        print(f"{len(problems)} 个错误：已提交的材料或审核文件有误（见上）", file=out)
    return 1 if violations or problems else 0


def programs(lay: Layout) -> list[Program]:
    """The valid program files alone (the registry and people are not needed to read them)."""
    from pipeline.forms.loading import load_form

    found = []
    for year in lay.years():
        result, _ = load_form(lay.program(year), lay.rel(lay.program(year)), "program", Program)
        if isinstance(result.model, Program):
            found.append(result.model)
    return found
