"""Rendering the planned documents: each job with its provenance, only the stale ones (one worker
per core when there are enough), and the documents no longer earned removed from build/."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic import linked, write_atomic
from pipeline.core.layout import Layout
from pipeline.documents.plan import Job
from pipeline.errors import Problem, QianghuiError
from pipeline.parallel import map_chunks
from pipeline.state.manifest import Manifest, input_key

if TYPE_CHECKING:
    from pipeline.run import RunResult


def with_origins(lay: Layout, jobs: list[Job]) -> list[Job]:
    """Each job with its provenance: in its context (the footer's 数据版本 line) and beside it."""
    from dataclasses import replace

    from pipeline.documents import provenance

    history = provenance.history(lay.root)
    found = []
    for job in (j.ready() for j in jobs):
        origin = history.provenance(lay.root, job.inputs)
        found.append(replace(job, origin=origin,
                             context={**job.context, "provenance": origin.footer()}))
    return found


def render_jobs(lay: Layout, jobs: list[Job], result: RunResult) -> None:
    """Render what is stale (in parallel when there is enough of it); a failing document becomes
    a problem, never a crash."""
    manifest = Manifest(lay.build)
    stale: list[tuple[Job, str]] = []
    for job in with_origins(lay, jobs):
        origin = job.origin.properties() if job.origin else {}
        key = input_key(job.template, [job.context, origin, job.title, job.author])
        if manifest.fresh(job.output, key):
            result.unchanged.append(lay.rel(job.output))
        else:
            stale.append((job, key))
    for (job, key), error in zip(stale, map_jobs(stale), strict=True):
        rel = lay.rel(job.output)
        if error is None:
            manifest.record(job.output, key)
            result.written.append(rel)
        else:
            where = lay.rel(job.template) if job.template else rel
            result.render_problems.append(Problem(where, 0, 0, "", "render-failed",
                                                  f"生成 {rel} 失败：{error}"))
    manifest.save()


OUTPUTS = (".docx", ".pdf", ".xlsx")


def prune(lay: Layout, folders: set[Path], planned: set[Path], result: RunResult) -> None:
    """Delete the documents (and their PDFs) in ``folders`` that no longer have a job: a form
    that became invalid, or a project that is gone, must not leave an old document to print."""
    keep = planned | {path.with_suffix(".pdf") for path in planned if path.suffix == ".docx"}
    manifest = Manifest(lay.build)
    for folder in sorted(folders):
        if linked(folder / "-") or folder.is_symlink():
            continue                # never delete through a link planted in build/
        for path in sorted(folder.glob("*")):
            if path.suffix in OUTPUTS and path.is_file() and not path.is_symlink() \
                    and path not in keep:
                path.unlink()
                manifest.forget(path)
                result.removed.append(lay.rel(path))
    manifest.save()


POOL_MIN = 8        # below this, starting worker processes costs more than it saves


def map_jobs(stale: list[tuple[Job, str]]) -> list[str | None]:
    """Write every stale document; one worker process per core when it pays off."""
    return map_chunks(_write_chunk, stale, POOL_MIN, "生成文档")


def _write_chunk(items: Sequence[tuple[Job, str]]) -> list[str | None]:
    return [write_one(item) for item in items]


def write_one(item: tuple[Job, str]) -> str | None:
    """Build and atomically write one document; the Chinese reason when it fails."""
    job, _ = item
    try:
        write_atomic(job.output, build(job))
    except QianghuiError as e:
        return e.message
    except OSError as e:
        return f"无法写入：{e}"
    return None


def build(job: Job) -> bytes:
    """The bytes of one output: a rendered docx, or the .xlsx register, with its properties."""
    from pipeline.documents import docx as render
    from pipeline.documents import provenance, summaries

    if job.template is None:
        data = summaries.register_xlsx(job.context["rows"], job.context["year"],
                                       job.context.get("provenance", ""))
    else:
        data = render.render_bytes(job.template, job.context)
    if job.origin is None:
        return render.normalize_docx(data)
    return provenance.stamp(data, job.origin, job.title, job.author)
