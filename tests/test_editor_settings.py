"""VS Code settings: every form kind maps to its schema (a lost modeline still validates), the
YAML extension is recommended, and YAML is saved as UTF-8 with LF."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from pipeline.core.layout import Layout

REPO = Path(__file__).resolve().parent.parent


def settings() -> dict[str, object]:
    data = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def schema_for(rel: str) -> list[str]:
    found = []
    for schema, globs in settings()["yaml.schemas"].items():  # type: ignore[attr-defined]
        for glob in [globs] if isinstance(globs, str) else globs:
            if PurePosixPath(rel).match(glob) and len(PurePosixPath(glob).parts) == len(PurePosixPath(rel).parts):
                found.append(schema)
    return found


def test_every_form_of_the_demo_maps_to_the_schema_its_modeline_names() -> None:
    lay = Layout(REPO)
    forms = [*lay.forms(), *sorted((REPO / "config").glob("*.yaml"))]
    assert len(forms) > 50
    for path in forms:
        rel = lay.rel(path)
        mapped = schema_for(rel)
        assert len(mapped) == 1, f"{rel}: {mapped}"
        assert (REPO / mapped[0]).is_file()
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# yaml-language-server: $schema="):
            named = (path.parent / first.split("=", 1)[1]).resolve()
            assert named == (REPO / mapped[0]).resolve(), rel


def test_the_yaml_extension_is_recommended_and_files_are_lf() -> None:
    recommended = json.loads((REPO / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in recommended["recommendations"]
    assert settings()["files.eol"] == "\n" and settings()["files.encoding"] == "utf8"
