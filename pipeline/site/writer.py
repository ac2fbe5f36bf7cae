"""Writing the site: Jinja2 (autoescaped, strict), and files written only when their bytes
change, atomically (a reader never sees half a page, a save touches only its own pages)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from pipeline.atomic import linked, write_atomic

HERE = Path(__file__).parent
STATIC = HERE / "static"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates of pipeline/site/templates: autoescape on, an unknown name is an error."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_page(template: str, context: dict[str, Any]) -> bytes:
    return environment().get_template(template).render(**context).encode("utf-8")


class Writer:
    """Writes under one folder and counts what it wrote and what was already so."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[str] = []
        self.unchanged = 0

    def write(self, rel: str, data: bytes) -> None:
        if write_atomic(self.root / rel, data, sync=False):    # never through a link
            self.written.append(rel)
        else:
            self.unchanged += 1

    def remove(self, rel: str) -> None:
        path = self.root / rel
        if path.is_file() and not linked(path):
            path.unlink()
            self.written.append(rel)

    def copy_static(self) -> None:
        """The style sheet and the script, as shipped."""
        for source in sorted(STATIC.iterdir()):
            if source.is_file():
                self.write(f"assets/{source.name}", source.read_bytes())
