"""Any subset, the same answers: validating some paths reports, for those files, exactly what
the whole-tree run reports for them (pre-commit passes files in batches; a person names one
folder). A property over random subsets of the demo round and of a generated round, each
seeded with mistakes whose verdict depends on other files (status, decisions, selection)."""

from __future__ import annotations

import random
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from bench.generate import generate
from pipeline.cli import main
from pipeline.core.layout import Layout
from pipeline.forms.validate import ValidationResult
from pipeline.run import check_named, evaluate

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2022, 12, 31)
EXAMPLES = 25


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def sabotage(root: Path, approved: str, report_of: str) -> None:
    """Mistakes a file alone cannot show: an approved application edited afterwards, a
    decision for a society that never applied, a report whose project left the selection."""
    app = root / f"submissions/2022/{approved}/application.yaml"
    replace_once(app, "项目名称: ", "项目名称: 改过的")
    orphan = root / "reviews/2022/nobody/decision.yaml"
    orphan.parent.mkdir(parents=True)
    shutil.copyfile(root / f"reviews/2022/{approved}/decision.yaml", orphan)
    selection = root / "reviews/2022/selection.yaml"
    text, found = re.subn(rf"学会: {report_of}\b", "学会: nobody", selection.read_text(encoding="utf-8"))
    assert found == 1
    selection.write_text(text, encoding="utf-8")


def demo_round(root: Path) -> Path:
    for name in ("config", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    sabotage(root, approved="hbjx", report_of="hbdl")
    return root


def generated_round(root: Path) -> Path:
    made = generate(root, 40, seed=3, commits=0)
    approved = next(p.parent.name for p in sorted(root.glob("reviews/2022/*/acceptance")))
    report_of = next(p.parent.name for p in sorted(root.glob("submissions/2022/*/completion.yaml"))
                     if p.parent.name != approved)
    sabotage(made.root, approved, report_of)
    return made.root


def candidates(root: Path) -> list[Path]:
    """What a person or pre-commit may name: every form and config file, folders, attachments
    (a YAML file the engine does not know is reported as such when named: a misplaced form)."""
    files = [p for name in ("config", "submissions", "reviews")
             for p in (root / name).rglob("*") if p.is_file()]
    folders = [p for p in root.glob("submissions/2022/*")] + [p for p in root.glob("reviews/2022/*")
                                                             if p.is_dir()]
    return sorted(files + folders)


def by_file(result: ValidationResult) -> dict[str, list[str]]:
    return {f.path: sorted(p.format() for p in f.problems) for f in result.files}


@pytest.fixture(scope="module", params=["demo", "generated"])
def round_tree(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(request.param) / "round"
    return demo_round(root) if request.param == "demo" else generated_round(root)


def test_the_sabotage_shows_in_the_whole_run(round_tree: Path) -> None:
    whole = evaluate(Layout(round_tree), None, today=TODAY, lean=True)[0]
    codes = {p.code for p in whole.problems}
    assert {"status-violation", "decision-orphan", "selection-no-application"} <= codes


def test_any_subset_gives_the_whole_runs_answers(round_tree: Path) -> None:
    lay = Layout(round_tree)
    whole = by_file(evaluate(lay, None, today=TODAY, lean=True)[0])
    pool = candidates(round_tree)
    rng = random.Random(14)
    for _ in range(EXAMPLES):
        named = rng.sample(pool, rng.randint(1, 12))
        subset = by_file(check_named(lay, named, today=TODAY, lean=True))
        for path, problems in subset.items():
            assert problems == whole[path], f"{path} judged differently when naming {named}"
        forms = {lay.rel(p) for p in named if p.is_file() and lay.rel(p) in whole}
        assert forms <= subset.keys(), f"named but not reported: {forms - subset.keys()}"


def test_config_and_one_project_folder(round_tree: Path) -> None:
    """The issue's case: the registry named beside a project folder."""
    lay = Layout(round_tree)
    whole = by_file(evaluate(lay, None, today=TODAY, lean=True)[0])
    folder = sorted(round_tree.glob("submissions/2022/*/completion.yaml"))[0].parent
    subset = by_file(check_named(lay, [round_tree / "config/societies.yaml", folder], today=TODAY))
    assert {path: whole[path] for path in subset} == subset


def test_attachments_are_never_reported(round_tree: Path) -> None:
    lay = Layout(round_tree)
    attachments = [p for p in round_tree.glob("submissions/2022/*/files/*")][:20]
    assert attachments
    result = check_named(lay, attachments, today=TODAY)
    assert {f.path for f in result.files} == {f.path for f in result.files
                                              if f.path.startswith("config/")}
    assert result.ok


def test_the_issues_command_on_the_clean_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "demo"
    for name in ("config", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    code = main(["-C", str(root), "validate", "config/societies.yaml", "submissions/2022/hbjx/"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "未立项" not in out
