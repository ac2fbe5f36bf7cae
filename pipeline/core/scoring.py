"""Scores, ranking, grades, rates and the spot-check draw: pure functions of loaded models."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from pipeline.errors import Finding
from schemas.completion import Completion
from schemas.program import Band, RubricItem
from schemas.registry import Person
from schemas.sheets import ScoreSheet, Survey

CENT = Decimal("0.01")
T = TypeVar("T")


def check_sheet(sheet: ScoreSheet, rubric: Sequence[RubricItem], expert: str,
                person: Person | None, society: str, *, people_known: bool = True) -> list[Finding]:
    """A score sheet matches its file name, its rubric, and an enabled expert without conflict
    (the expert is not judged while config/people.yaml itself is broken: that is reported)."""
    return check_expert(sheet, expert, person, society, people_known) + check_scores(sheet, rubric)


def check_expert(sheet: ScoreSheet, expert: str, person: Person | None, society: str,
                 people_known: bool) -> list[Finding]:
    """The sheet's 评审专家 is its file's, an enabled expert, not a member of the society."""
    found: list[Finding] = []
    if sheet.expert != expert:
        found.append(Finding(("评审专家",), "sheet-expert-mismatch",
                             f"评审专家「{sheet.expert}」与文件名「{expert}」不一致"))
    if not people_known:
        pass
    elif person is None or person.role != "专家" or not person.enabled:
        found.append(Finding(("评审专家",), "not-expert",
                             f"「{sheet.expert}」不是已启用的评审专家（config/people.yaml）"))
    elif society in person.societies:
        found.append(Finding(("评审专家",), "conflict-of-interest",
                             f"{person.name}是学会「{society}」的成员，应当回避，不能为其评分"))
    return found


def check_scores(sheet: ScoreSheet, rubric: Sequence[RubricItem]) -> list[Finding]:
    """Every indicator of the rubric scored once, none above its maximum."""
    found: list[Finding] = []
    maxima = {item.name: item.max for item in rubric}
    for name, score in sheet.scores.items():
        if name not in maxima:
            found.append(Finding(("评分", name), "unknown-indicator",
                                 f"评分表没有指标「{name}」，应为：{'、'.join(maxima)}"))
        elif score.score > maxima[name]:
            found.append(Finding(("评分", name, "得分"), "score-over-max",
                                 f"「{name}」得分 {score.score} 超过该指标分值 {maxima[name]}"))
    missing = [name for name in maxima if name not in sheet.scores]
    if missing:
        found.append(Finding(("评分",), "indicator-missing", f"缺少指标：{'、'.join(missing)}"))
    return found


def combine(totals: Sequence[Decimal], trim_at: int) -> Decimal | None:
    """The mean of the sheets' totals; at ≥ trim_at sheets the highest and lowest are dropped."""
    return mean(trimmed(sorted(totals), trim_at))


def mean(values: Sequence[Decimal]) -> Decimal | None:
    """The arithmetic mean rounded half-up to the cent (None for no values)."""
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)


def trimmed(ordered: Sequence[T], trim_at: int) -> list[T]:
    """Drop the first and last of an ordered sequence once it has at least `trim_at` items."""
    return list(ordered[1:-1] if len(ordered) >= trim_at else ordered)


def kept_sheets(sheets: Sequence[ScoreSheet], trim_at: int) -> list[ScoreSheet]:
    """The sheets the combined score is the mean of (ties in total broken by expert id)."""
    return trimmed(sorted(sheets, key=lambda s: (s.total(), s.expert)), trim_at)


def indicator_scores(sheets: Sequence[ScoreSheet],
                     rubric: Sequence[RubricItem]) -> dict[str, Decimal]:
    """Each indicator's mean over the sheets, rounded half-up to the cent (the one rounding
    rule of the 考核表: a project's score is the sum of these, so the rows add up to 合计)."""
    found = {}
    for item in rubric:
        scores = [s.scores[item.name].score for s in sheets if item.name in s.scores]
        if scores:
            found[item.name] = (sum(scores, Decimal(0)) / len(scores)).quantize(CENT, ROUND_HALF_UP)
    return found


def sheet_total(sheets: Sequence[ScoreSheet], rubric: Sequence[RubricItem]) -> Decimal:
    """The total the 考核表 prints for these sheets: the sum of the rounded indicator scores."""
    return sum(indicator_scores(sheets, rubric).values(), Decimal(0))


def acceptance_score(sheets: Sequence[ScoreSheet], rubric: Sequence[RubricItem],
                     trim_at: int) -> Decimal | None:
    """The acceptance score: ``sheet_total`` of the kept sheets (None without sheets)."""
    return sheet_total(kept_sheets(sheets, trim_at), rubric) if sheets else None


ROUNDING_RULE = "各指标得分四舍五入到 0.01 分，合计为各指标得分之和。"


def method(sheets: Sequence[ScoreSheet], trim_at: int, names: dict[str, str]) -> str:
    """How the score was computed, in words for the 考核表: the sheets dropped (by ``names``,
    expert id → name) and the rounding rule."""
    if len(sheets) == 1:
        return ROUNDING_RULE
    kept = kept_sheets(sheets, trim_at)
    dropped = [s for s in sorted(sheets, key=lambda s: (s.total(), s.expert)) if s not in kept]
    if not dropped:
        return f"共 {len(sheets)} 份评分表，取平均分；{ROUNDING_RULE}"
    low, high = (f"{names.get(s.expert, s.expert)}（{s.total():.2f} 分）" for s in dropped)
    return (f"共 {len(sheets)} 份评分表，去掉最高分 {high}和最低分 {low}，"
            f"取其余 {len(kept)} 份的平均分；{ROUNDING_RULE}")


def grade(score: Decimal, bands: Sequence[Band]) -> str:
    """The grade of the highest band whose floor the score reaches (优秀/良好/合格/不合格)."""
    for band in sorted(bands, key=lambda b: b.floor, reverse=True):
        if score >= band.floor:
            return band.grade
    return ""


@dataclass(frozen=True)
class Candidate:
    """An application competing for funding."""

    society: str
    score: Decimal
    submitted: datetime | None
    amount: Decimal


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate: Candidate
    funded: bool


def rank(candidates: Sequence[Candidate], quota: int, budget: Decimal) -> list[Ranked]:
    """Order by score (high first), then earlier submission, then id; fund the top within quota
    and the total budget."""
    def key(c: Candidate) -> tuple[Decimal, bool, float, str]:
        when = c.submitted.timestamp() if c.submitted else 0.0    # an instant, whatever the zone
        return (-c.score, c.submitted is None, when, c.society)

    out, spent, funded = [], Decimal(0), 0
    for position, c in enumerate(sorted(candidates, key=key), 1):
        fits = funded < quota and spent + c.amount <= budget
        if fits:
            funded += 1
            spent += c.amount
        out.append(Ranked(position, c, fits))
    return out


def draw_count(rate: Decimal, funded: int) -> int:
    """⌈rate × funded⌉ projects, at least one (none when nothing is funded)."""
    return 0 if funded == 0 else max(1, math.ceil(rate * funded))


def draw(seed: str, societies: Sequence[str], count: int) -> list[str]:
    """The public draw: sort by sha256(seed:id) and take the first `count` (anyone can redo it)."""
    order = sorted(societies, key=lambda s: hashlib.sha256(f"{seed}:{s}".encode()).hexdigest())
    return sorted(order[:count])


DRAW_METHOD = "按 sha256(种子:学会id) 的十六进制值升序排列，取前 N 个"


def goal_rate(report: Completion) -> Decimal:
    """目标实现率 (*ours*): 是 counts 1, 部分 counts ½, 否 0, over the application's goals."""
    weights = {"是": Decimal(1), "部分": Decimal("0.5"), "否": Decimal(0)}
    total = sum((weights[g.done] for g in report.goals), Decimal(0))
    return (total / len(report.goals) * 100).quantize(CENT, ROUND_HALF_UP)


def satisfaction(survey: Survey) -> Decimal | None:
    """群众满意率 (*ours*): (满意 + 基本满意) / 回收的问卷."""
    q = survey.questionnaire
    if q.returned == 0:
        return None
    return (Decimal(q.satisfied + q.fairly) / q.returned * 100).quantize(CENT, ROUND_HALF_UP)


def approval_rate(survey: Survey) -> Decimal | None:
    """民主测评好评率 (*ours*): (好 + 较好) / 参评人数."""
    v = survey.vote
    if v is None or v.voters == 0:
        return None
    return (Decimal(v.good + v.fair) / v.voters * 100).quantize(CENT, ROUND_HALF_UP)


def check_survey(survey: Survey) -> list[Finding]:
    """Counts that add up: answers ≤ returned ≤ issued; votes ≤ voters."""
    found = []
    q = survey.questionnaire
    if q.returned > q.issued:
        found.append(Finding(("问卷调查", "回收"), "survey-counts", "回收的问卷多于发放的问卷"))
    if q.satisfied + q.fairly + q.unsatisfied != q.returned:
        found.append(Finding(("问卷调查",), "survey-counts",
                             f"满意、基本满意、不满意合计 {q.satisfied + q.fairly + q.unsatisfied}，"
                             f"与回收问卷 {q.returned} 份不一致"))
    v = survey.vote
    if v is not None and v.good + v.fair + v.average + v.poor != v.voters:
        found.append(Finding(("民主测评",), "vote-counts",
                             f"好、较好、一般、差合计 {v.good + v.fair + v.average + v.poor}，"
                             f"与参评人数 {v.voters} 不一致"))
    return found
