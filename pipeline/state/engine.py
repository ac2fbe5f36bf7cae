"""The engine's fingerprint: the one key every cache in build/ carries.

Whatever shapes a result is in it: the package's own source (pipeline/ and schemas/, every
module — a change in yamlio changes a validation as surely as one in a model), the Python
version, and the installed libraries with their versions (the names of the site-packages'
.dist-info folders: pydantic, PyYAML, docxtpl, python-docx, openpyxl, Jinja2 …). The templates
are the round's own files: each document's key holds its template's bytes (state.manifest), the
replay stamp their sizes and times. A cache that misses after an upgrade only costs time; one
that hits would be wrong.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from functools import cache
from pathlib import Path

PACKAGES = ("pipeline", "schemas")
ROOT = Path(__file__).resolve().parents[2]         # the checkout the engine runs from


def sources() -> list[Path]:
    """The engine's own files (its modules, and fonts.conf the PDFs are made with), in order."""
    found: list[Path] = []
    for package in PACKAGES:
        for folder, dirs, files in os.walk(ROOT / package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            found += [Path(folder) / f for f in sorted(files) if f.endswith((".py", ".conf"))]
    return found


def libraries() -> list[str]:
    """The installed distributions beside pydantic, as `name-version.dist-info`."""
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        return []
    site = os.path.dirname(os.path.dirname(spec.origin))
    return sorted(n for n in os.listdir(site) if n.endswith(".dist-info"))


@cache
def fingerprint() -> str:
    """A hash of the engine's source, the Python version and the library versions."""
    digest = hashlib.sha256(sys.version.encode())
    for name in libraries():
        digest.update(name.encode() + b"\0")
    for path in sources():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
