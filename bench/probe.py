"""In-process measurements, each run by `bench.measure` in a fresh interpreter of its own.

    python -m bench.probe floor LISTFILE
    python -m bench.probe watch ROOT SOCIETY REPEAT [site]
    python -m bench.probe naive-render ROOT REPEAT OUTDIR

Each prints one JSON object (times in seconds) on its last line of output.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

YEAR = 2022


def plain(node: Any) -> Any:
    """A composed libyaml node as plain data: every scalar a str (plain empty/null → None)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        return {plain(k): plain(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    if node.style is None and node.value in ("", "~", "null", "Null", "NULL"):
        return None
    return node.value


def floor(listfile: str) -> dict[str, Any]:
    """The floor: libyaml compose + Application.model_validate per file, no other checks."""
    import yaml
    from pydantic import ValidationError

    from schemas.application import Application

    paths = Path(listfile).read_text(encoding="utf-8").split("\n")
    start = time.perf_counter()
    invalid = 0
    for path in filter(None, paths):
        node = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        try:
            Application.model_validate(plain(node))
        except ValidationError:
            invalid += 1
    return {"seconds": time.perf_counter() - start, "files": len(list(filter(None, paths))),
            "invalid": invalid}


def watch(root: str, society: str, repeat: str, site: str = "") -> dict[str, Any]:
    """The watcher's orchestrator on one saved application: a full run first (as the watcher
    starts, here without rendering), one warm-up save, then `repeat` timed saves; with `site`,
    the web site is built by the full run and updated by each save, as `qianghui watch` does."""
    from pipeline.core.layout import Layout
    from pipeline.run import run

    lay = Layout(Path(root))
    path = lay.application(YEAR, society)
    original = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    run(lay, render=False, site=bool(site))
    initial = time.perf_counter() - start
    times, problems = [], 0
    try:
        for k in range(int(repeat) + 1):
            path.write_text(original + f"# 第 {k + 1} 次保存\n", encoding="utf-8")
            start = time.perf_counter()
            result = run(lay, societies=[(YEAR, society)], site=bool(site))
            if k:                                   # the first save renders its documents
                times.append(time.perf_counter() - start)
            problems = max(problems, len(result.problems))
    finally:
        path.write_text(original, encoding="utf-8")
    return {"times": times, "initial_full_run": initial, "problems": problems}


def naive_render(root: str, repeat: str, outdir: str) -> dict[str, Any]:
    """The naive loop over the documents the engine plans: new DocxTemplate + render + save."""
    from docxtpl import DocxTemplate

    from pipeline.core.layout import Layout
    from pipeline.core.projects import Index
    from pipeline.documents.plan import plan
    from pipeline.run import complete_years, evaluate

    lay = Layout(Path(root))
    validation, projects, config = evaluate(lay, None)
    jobs = plan(lay, projects, config, Index.of(validation), complete_years(lay, projects))
    docs = [j for j in jobs if j.template is not None and j.template.is_file()]
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    times = []
    for _ in range(int(repeat)):
        start = time.perf_counter()
        for i, job in enumerate(docs):
            assert job.template is not None
            document = DocxTemplate(job.template)
            document.render(job.context, autoescape=True)
            document.save(out / f"{i}.docx")
        times.append(time.perf_counter() - start)
    return {"times": times, "documents": len(docs), "planned": len(jobs),
            "skipped": sorted({j.template.name if j.template else "登记表.xlsx"
                               for j in jobs if j.template is None or not j.template.is_file()})}


PROBES: dict[str, Callable[..., dict[str, Any]]] = {"floor": floor, "watch": watch, "naive-render": naive_render}


def main(argv: list[str]) -> int:
    name, *args = argv
    print(json.dumps(PROBES[name](*args), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
