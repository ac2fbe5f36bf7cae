"""`qianghui verify`: does a printed document still match its data?

A document (.docx, .xlsx or .pdf) names the sha256 of every input it was made from; they are
compared with the files of the working tree, or of a revision (``--at``), and every input that
changed or is gone is named.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.documents import provenance
from pipeline.errors import QianghuiError, UsageError

DOCUMENT_LIMIT = 512 * 1024 * 1024
OUTSIDE = "outside"         # a recorded path that would lead out of the repository


def current_hashes(lay: Layout, paths: list[str]) -> dict[str, str | None]:
    """sha256 of each path in the working tree (None: gone). A path a forged document names
    outside the repository (absolute, .., a symlink out) is never read."""
    root = lay.root.resolve()
    found: dict[str, str | None] = {}
    for rel in paths:
        path = (root / rel).resolve()
        if Path(rel).is_absolute() or ".." in Path(rel).parts or not path.is_relative_to(root):
            found[rel] = OUTSIDE
        else:
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return found


def hashes_at(lay: Layout, rev: str, paths: list[str]) -> dict[str, str | None]:
    """sha256 of each path at a revision (None: not there)."""
    from pipeline.history.vcs import Vcs

    with Vcs(lay.root) as vcs:
        commit = vcs.resolve(rev)
        if commit is None:
            raise UsageError(f"找不到版本「{rev}」（应为提交 id、分支或标签）")
        blobs = vcs.tree_blobs(commit, paths)
        return {rel: hashlib.sha256(vcs.blob(blobs[rel])).hexdigest() if rel in blobs else None
                for rel in paths}


def differences(recorded: Mapping[str, str], now: Mapping[str, str | None]) -> list[str]:
    """One line per input that is not what the document was made from."""
    lines = []
    for rel in sorted(recorded):
        if now.get(rel) == OUTSIDE:
            lines.append(f"  不在仓库内（未读取）：{rel}")
        elif now.get(rel) is None:
            lines.append(f"  已删除：{rel}")
        elif now[rel] != recorded[rel]:
            lines.append(f"  已修改：{rel}")
    return lines


def verify(lay: Layout, target: Path, at: str | None, out: TextIO) -> int:
    """Compare a document's recorded inputs with the tree (or ``at``); 0 when they all match."""
    if not target.is_file():
        raise UsageError(f"找不到文档：{target}")
    if target.stat().st_size > DOCUMENT_LIMIT:
        raise QianghuiError(f"{target.name} 过大，不是本系统生成的文档")
    try:
        origin = provenance.read_document(target)
    except OSError as exc:
        raise QianghuiError(f"无法读取 {target}：{exc.strerror or exc}") from exc
    paths = sorted(origin.inputs)
    now = hashes_at(lay, at, paths) if at else current_hashes(lay, paths)
    where = f"版本 {at} " if at else "当前工作区"
    commit = origin.commit[:10] if origin.commit else "未提交"
    print(f"{target.name}：数据版本 {commit}"
          f"{f'（{origin.committed:%Y-%m-%d %H:%M}）' if origin.committed else ''}，"
          f"{len(paths)} 个输入文件，生成程序 qianghui {origin.engine}", file=out)
    if origin.dirty:
        print("注意：生成时以下输入有未提交的修改：" + "、".join(origin.dirty), file=out)
    if origin.engine != provenance.engine():
        print(f"注意：生成它的程序（{origin.engine}）与当前程序（{provenance.engine()}）不同，"
              "重新生成的文档可能略有差别", file=out)
    changed = differences(origin.inputs, now)
    if not changed:
        print(f"与{where}的材料一致", file=out)
        return 0
    print(f"与{where}的材料不一致（{len(changed)} 个输入文件不同）：", file=out)
    print("\n".join(changed), file=out)
    return 1
