"""`qianghui site` (`make site`): the full run, and build/site/ brought up to date."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from pipeline.core.layout import Layout


def command(lay: Layout, out: TextIO, today: date | None = None) -> int:
    from pipeline.run import run

    result = run(lay, today=today, site=True)
    for problem in result.problems:
        print(problem.format(), file=out)
    done = result.site
    if done is None:
        print("配置文件有错误，网页未更新", file=out)
        return 1
    print(f"网页：更新 {len(done.written)} 个文件，{done.unchanged} 个未变；"
          f"用浏览器打开 {lay.rel(lay.build / 'site' / 'index.html')}", file=out)
    return result.exit_code
