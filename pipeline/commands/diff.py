"""`qianghui diff BASE HEAD`: the impact of a change (pipeline.history.impact), as text or JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.history.impact import as_data, compare, resolve, side, text
from pipeline.history.vcs import Vcs
from pipeline.transaction import Transaction


def command(lay: Layout, base: str, head: str, fmt: str, out: TextIO,
                 output: Path | None = None, today: date | None = None) -> int:
    """Print (and with ``output``, also write) the impact of BASE..HEAD; an output named *.json
    gets the data whatever ``fmt`` (CI prints the text and keeps the data from one run)."""
    vcs = Vcs(lay.root)
    with vcs:
        base_rev, head_rev = resolve(vcs, base), resolve(vcs, head)
        day = today or date.today()
        before, after = side(vcs, base_rev, day), side(vcs, head_rev, day)
    changes = compare(before, after)
    data = json.dumps(as_data(before, after, changes), ensure_ascii=False, indent=2)
    body = data if fmt == "json" else text(before, after, changes)
    if output is not None:
        with Transaction([output], shown=lay.rel) as tx:
            tx.write(output, ((data if output.suffix == ".json" else body) + "\n").encode("utf-8"))
    print(body, file=out)
    return 0

