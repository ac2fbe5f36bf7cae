"""`qianghui schema`: schemas/json/*.schema.json and the editor settings, from the models and
the programs (with --check, only report stale ones)."""

from __future__ import annotations

from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.forms import schema_export
from pipeline.forms.loading import load_config


def command(lay: Layout, check: bool, out: TextIO) -> int:
    programs = load_config(lay).programs
    if check:
        stale = schema_export.stale(lay.root, programs)
        for name in stale:
            print(f"{name} 已过期：请运行 qianghui schema", file=out)
        return 1 if stale else 0
    changed = schema_export.export(lay.root, programs)
    print(f"已更新 {len(changed)} 个文件（JSON Schema 与 .vscode/settings.json）" if changed
          else "JSON Schema 已是最新", file=out)
    return 0
