"""Build the Word templates in ``templates/`` with python-docx.

Run from the repository root: ``python -m templates.build_templates`` (or
``python templates/build_templates.py``). Each result is a docxtpl (Jinja2) template in the
style of Chinese official documents (GB/T 9704): A4, 方正小标宋简体 title, 黑体 labels and
headings, 楷体 sub-headings, 仿宋_GB2312 body. Every run names its East-Asian font, so Word
never falls back to 宋体. Template tags are written as whole runs, so docxtpl never has to
stitch a tag back together. The output is byte-for-byte reproducible.

One module per document builds it, named by the document's row in pipeline/core/kinds.py; ``style``, ``tables`` and ``pages`` hold what
they share.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

if not __package__:  # run as a script, or loaded by path: make ``templates`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import importlib  # noqa: E402

from pipeline.atomic import write_atomic  # noqa: E402
from pipeline.core.kinds import DOCUMENTS  # noqa: E402

# file name → builder of its bytes, one per document of the table of kinds (申报表 first)
BUILDERS: dict[str, Callable[[], bytes]] = {
    module.NAME: module.build
    for module in (importlib.import_module(d.builder) for d in DOCUMENTS if d.builder)
}


def build_all(out_dir: Path) -> list[Path]:
    """Write every template into ``out_dir``; unchanged files are left untouched."""
    targets = []
    for name, build in BUILDERS.items():
        target = out_dir / name
        write_atomic(target, build())
        targets.append(target)
    return targets


def main() -> int:
    """Rebuild the templates next to this script."""
    for path in build_all(Path(__file__).resolve().parent):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
