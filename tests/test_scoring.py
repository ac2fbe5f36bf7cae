"""pipeline.core.scoring: pure functions of loaded models, checked with tables.

Score sheets against a rubric, the combined (trimmed) mean, grade bands, the ranking with its
tie-breaks and the quota/budget edges, the spot-check count and draw, and the rates of the
acceptance visit.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from pipeline.core import scoring
from pipeline.core.rules import Finding
from pipeline.core.scoring import Candidate
from schemas.completion import Completion, GoalResult
from schemas.program import Band, RubricItem
from schemas.registry import Person
from schemas.sheets import Questionnaire, Score, ScoreSheet, Survey, Vote

D = Decimal
BEIJING = timezone(timedelta(hours=8))
RUBRIC = [RubricItem(name=name, max=D(top), note=f"{name}的内容说明")
          for name, top in (("意义", 20), ("思路", 20), ("措施", 25), ("预期目标", 15),
                            ("实施计划", 20))]
GOOD = {"意义": "18", "思路": "17.5", "措施": "20", "预期目标": "12", "实施计划": "16"}
BANDS = [Band(grade="优秀", floor=D(90)), Band(grade="良好", floor=D(80)),
         Band(grade="合格", floor=D(60)), Band(grade="不合格", floor=D(0))]


def sheet(expert: str = "huang-expert", scores: dict[str, str] | None = None) -> ScoreSheet:
    return ScoreSheet(expert=expert, scores={k: Score(score=D(v)) for k, v in
                                             (GOOD if scores is None else scores).items()},
                      date=date(2022, 5, 25))


def expert(person_id: str = "huang-expert", role: str = "专家", societies: Sequence[str] = (),
           enabled: bool = True) -> Person:
    return Person.model_validate({"id": person_id, "姓名": "黄丽萍", "角色": role,
                                  "学会": list(societies), "邮箱": ["huang@example.edu.cn"],
                                  "启用": enabled})


def codes(findings: list[Finding]) -> list[tuple[tuple[str | int, ...], str]]:
    return [(f.loc, f.code) for f in findings]


# --- check_sheet ------------------------------------------------------------------------------

SHEET_CASES = {
    "valid": (sheet(), "huang-expert", expert(), []),
    "every score at its maximum": (
        sheet(scores={"意义": "20", "思路": "20", "措施": "25", "预期目标": "15", "实施计划": "20"}),
        "huang-expert", expert(), []),
    "unknown indicator": (sheet(scores={**GOOD, "创新性": "5"}), "huang-expert", expert(),
                          [(("评分", "创新性"), "unknown-indicator")]),
    "missing indicator": (sheet(scores={k: v for k, v in GOOD.items() if k != "实施计划"}),
                          "huang-expert", expert(), [(("评分",), "indicator-missing")]),
    "over max by a cent": (sheet(scores={**GOOD, "措施": "25.01"}), "huang-expert", expert(),
                           [(("评分", "措施", "得分"), "score-over-max")]),
    "expert differs from the file name": (sheet("huang-expert"), "lin-expert", expert(),
                                          [(("评审专家",), "sheet-expert-mismatch")]),
    "conflict of interest": (sheet(), "huang-expert", expert(societies=["hbjx"]),
                             [(("评审专家",), "conflict-of-interest")]),
    "member of another society only": (sheet(), "huang-expert", expert(societies=["hbnx"]), []),
    "disabled expert": (sheet(), "huang-expert", expert(enabled=False),
                        [(("评审专家",), "not-expert")]),
    "an administrator is not an expert": (sheet(), "huang-expert", expert(role="管理员"),
                                          [(("评审专家",), "not-expert")]),
    "a society user is not an expert": (sheet(), "huang-expert",
                                        expert(role="学会用户", societies=["hbnx"]),
                                        [(("评审专家",), "not-expert")]),
    "unknown person": (sheet(), "huang-expert", None, [(("评审专家",), "not-expert")]),
    "everything wrong at once": (
        sheet("zhang-expert", {"意义": "21", "创新性": "3"}), "huang-expert",
        expert("zhang-expert", societies=["hbjx"]),
        [(("评审专家",), "sheet-expert-mismatch"), (("评审专家",), "conflict-of-interest"),
         (("评分", "意义", "得分"), "score-over-max"), (("评分", "创新性"), "unknown-indicator"),
         (("评分",), "indicator-missing")]),
}


@pytest.mark.parametrize("name", list(SHEET_CASES))
def test_check_sheet(name: str) -> None:
    the_sheet, file_expert, person, expected = SHEET_CASES[name]
    found = scoring.check_sheet(the_sheet, RUBRIC, file_expert, person, "hbjx")
    assert codes(found) == expected


def test_check_sheet_messages_name_what_is_wrong() -> None:
    bad = sheet("zhang-expert", {"意义": "21", "创新性": "3"})
    messages = [f.message for f in scoring.check_sheet(bad, RUBRIC, "huang-expert",
                                                       expert("zhang-expert", societies=["hbjx"]),
                                                       "hbjx")]
    assert messages == [
        "评审专家「zhang-expert」与文件名「huang-expert」不一致",
        "黄丽萍是学会「hbjx」的成员，应当回避，不能为其评分",
        "「意义」得分 21 超过该指标分值 20",
        "评分表没有指标「创新性」，应为：意义、思路、措施、预期目标、实施计划",
        "缺少指标：思路、措施、预期目标、实施计划",
    ]


def test_sheet_total_is_exact() -> None:
    assert sheet().total() == D("83.5")
    assert sheet(scores={"意义": "0.1", "思路": "0.2"}).total() == D("0.3")


# --- combine, trimmed, kept_sheets ------------------------------------------------------------

@pytest.mark.parametrize(("totals", "trim_at", "expected"), [
    ([], 5, None),
    (["80"], 5, "80.00"),
    (["80", "90", "95", "70"], 5, "83.75"),                 # 4 sheets: plain mean
    (["70", "80", "90", "95", "100"], 5, "88.33"),          # 5: drop 70 and 100
    (["95", "100", "70", "90", "80"], 5, "88.33"),          # order of the sheets is irrelevant
    (["60", "70", "80", "90", "95", "100"], 5, "83.75"),    # 6: drop 60 and 100, mean of four
    (["70", "70", "80", "100", "100"], 5, "83.33"),         # ties: only one of each end dropped
    (["1", "2", "3"], 3, "2.00"),                           # trimming threshold from the program
    (["1", "2", "3"], 4, "2.00"),
    (["1", "2", "6"], 4, "3.00"),
    (["90", "91", "91"], 5, "90.67"),                       # 90.666… rounds up
    (["90", "90", "91"], 5, "90.33"),                       # 90.333… rounds down
    (["80.01", "80.00"], 5, "80.01"),                       # 80.005: half-up, not half-even
    (["80.03", "80.00"], 5, "80.02"),                       # 80.015 → 80.02
    (["79.99", "80.00"], 5, "80.00"),                       # 79.995 → 80.00
    (["0", "80.01", "80.00", "80.00", "80.01", "100"], 5, "80.01"),  # trimmed, then half-up
    (["0", "0"], 5, "0.00"),
])
def test_combine(totals: list[str], trim_at: int, expected: str | None) -> None:
    result = scoring.combine([D(t) for t in totals], trim_at)
    assert (None if result is None else str(result)) == expected


@pytest.mark.parametrize(("size", "kept"), [
    (0, []), (1, [1]), (2, [1, 2]), (3, [1, 2, 3]), (4, [1, 2, 3, 4]),
    (5, [2, 3, 4]), (6, [2, 3, 4, 5]), (7, [2, 3, 4, 5, 6]),
])
def test_trimmed(size: int, kept: list[int]) -> None:
    assert scoring.trimmed(list(range(1, size + 1)), 5) == kept


def totals_sheet(person_id: str, total: str) -> ScoreSheet:
    return sheet(person_id, {"活动效果": total})


@pytest.mark.parametrize(("sheets", "kept"), [
    ([], []),
    ([("a", "80")], ["a"]),
    ([("d", "95"), ("c", "70"), ("b", "88"), ("a", "90")], ["c", "b", "a", "d"]),  # 4: all, by total
    ([("a", "90"), ("b", "70"), ("c", "100"), ("d", "80"), ("e", "85")], ["d", "e", "a"]),
    # equal lowest and equal highest totals: the lowest expert id goes at the bottom, the
    # highest id at the top, so exactly one of each pair is dropped
    ([("a", "70"), ("b", "70"), ("c", "80"), ("d", "100"), ("e", "100")], ["b", "c", "d"]),
    ([("f", "60"), ("e", "70"), ("d", "80"), ("c", "90"), ("b", "95"), ("a", "100")],
     ["e", "d", "c", "b"]),
])
def test_kept_sheets(sheets: list[tuple[str, str]], kept: list[str]) -> None:
    chosen = scoring.kept_sheets([totals_sheet(e, t) for e, t in sheets], 5)
    assert [s.expert for s in chosen] == kept


def test_kept_sheets_agree_with_combine() -> None:
    sheets = [totals_sheet(e, t) for e, t in (("a", "91.5"), ("b", "88"), ("c", "97"),
                                                 ("d", "90.25"), ("e", "79"), ("f", "93"))]
    kept = scoring.kept_sheets(sheets, 5)
    mean = sum((s.total() for s in kept), D(0)) / len(kept)
    assert scoring.combine([s.total() for s in sheets], 5) == mean.quantize(D("0.01"))


RULE = "各指标得分四舍五入到 0.01 分，合计为各指标得分之和。"


@pytest.mark.parametrize(("totals", "trim_at", "text"), [
    (["80"], 5, RULE),
    (["80", "90", "85"], 5, f"共 3 份评分表，取平均分；{RULE}"),
    (["80", "90", "85", "70", "99.5"], 5,
     f"共 5 份评分表，去掉最高分 专家e（99.50 分）和最低分 专家d（70.00 分），取其余 3 份的平均分；{RULE}"),
])
def test_method_names_the_dropped_sheets(totals: list[str], trim_at: int, text: str) -> None:
    sheets = [totals_sheet(e, t) for e, t in zip("abcde", totals, strict=False)]
    names = {e: f"专家{e}" for e in "abcde"}
    assert scoring.method(sheets, trim_at, names) == text


THREE = [RubricItem(name=n, max=m, note="说明") for n, m in (("甲", 15), ("乙", 10), ("丙", 30))]


@pytest.mark.parametrize(("scores", "rows", "total"), [
    # three sheets whose means end in …333 and …666: the rounded rows add up to the total
    ([("13", "9", "27"), ("14", "9", "28"), ("13", "10", "28")], ["13.33", "9.33", "27.67"],
     "50.33"),
    # a mean ending in 5 at the third decimal rounds half-up (8.625 → 8.63, never 8.62)
    ([("8.5", "9", "20"), ("8.75", "9", "20")], ["8.63", "9.00", "20.00"], "37.63"),
])
def test_indicator_scores_round_half_up_and_add_up(scores: list[tuple[str, ...]],
                                                   rows: list[str], total: str) -> None:
    sheets = [sheet(f"e{i}", dict(zip(("甲", "乙", "丙"), row, strict=True)))
              for i, row in enumerate(scores)]
    found = scoring.indicator_scores(sheets, THREE)
    assert [f"{value:.2f}" for value in found.values()] == rows
    assert scoring.sheet_total(sheets, THREE) == D(total) == sum(map(D, rows))
    assert scoring.acceptance_score(sheets, THREE, 5) == D(total)


# --- grade bands ------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "grade"), [
    ("100", "优秀"), ("90", "优秀"), ("90.00", "优秀"), ("89.99", "良好"), ("80", "良好"),
    ("79.99", "合格"), ("60", "合格"), ("59.99", "不合格"), ("0", "不合格"),
])
def test_grade_bands_at_the_edges(score: str, grade: str) -> None:
    assert scoring.grade(D(score), BANDS) == grade
    assert scoring.grade(D(score), list(reversed(BANDS))) == grade     # order in the file


def test_grade_bands_are_configurable() -> None:
    strict = [Band(grade="A", floor=D(95)), Band(grade="B", floor=D("72.5")),
              Band(grade="C", floor=D(0))]
    assert [scoring.grade(D(s), strict) for s in ("95", "94.99", "72.5", "72.49")] == \
        ["A", "B", "B", "C"]


def test_score_below_every_floor_gets_no_grade() -> None:
    no_bottom = BANDS[:3]                               # 优秀 90, 良好 80, 合格 60: no 0 band
    assert scoring.grade(D(50), no_bottom) == ""


# --- rank: ties and quota/budget edges ---------------------------------------------------------

def at(day: int, hour: int, tz: timezone = BEIJING) -> datetime:
    return datetime(2022, 5, day, hour, 0, tzinfo=tz)


def cand(society: str, score: str, when: datetime | None = None, amount: str = "20000") -> Candidate:
    return Candidate(society, D(score), when, D(amount))


def order(ranked: list[scoring.Ranked]) -> list[str]:
    return [r.candidate.society for r in ranked]


RANK_CASES = {
    "by score, high first": ([cand("a", "80", at(1, 9)), cand("b", "90", at(9, 9)),
                              cand("c", "85", at(5, 9))], ["b", "c", "a"]),
    "same score: earlier submission first": ([cand("a", "88", at(10, 9)), cand("b", "88", at(9, 9))],
                                             ["b", "a"]),
    "same score, same hour of another day": ([cand("a", "88", at(11, 8)), cand("b", "88", at(10, 20))],
                                             ["b", "a"]),
    "same score and time: by id": ([cand("b", "88", at(9, 9)), cand("a", "88", at(9, 9))],
                                   ["a", "b"]),
    "same score: no submission time last": ([cand("a", "88"), cand("b", "88", at(12, 23))],
                                            ["b", "a"]),
    "no submission time at all: by id": ([cand("c", "88"), cand("a", "88"), cand("b", "88")],
                                         ["a", "b", "c"]),
    "a higher score beats an earlier submission": ([cand("a", "88", at(1, 9)),
                                                    cand("b", "88.01", at(12, 9))], ["b", "a"]),
    "three-way tie": ([cand("c", "75", at(9, 9)), cand("b", "75"), cand("a", "75", at(9, 9)),
                       cand("d", "75", at(8, 9))], ["d", "a", "c", "b"]),
}


@pytest.mark.parametrize("name", list(RANK_CASES))
def test_rank_order(name: str) -> None:
    candidates, expected = RANK_CASES[name]
    ranked = scoring.rank(candidates, 15, D(300000))
    assert order(ranked) == expected
    assert [r.rank for r in ranked] == list(range(1, len(expected) + 1))
    assert order(scoring.rank(list(reversed(candidates)), 15, D(300000))) == expected


def test_rank_ties_compare_submission_instants_across_time_zones() -> None:
    beijing = cand("b", "88", datetime(2022, 5, 10, 10, 0, tzinfo=BEIJING))      # 02:00 UTC
    london = cand("a", "88", datetime(2022, 5, 10, 3, 0, tzinfo=UTC))           # 03:00 UTC
    assert order(scoring.rank([london, beijing], 15, D(300000))) == ["b", "a"]


FIVE = [cand(s, score, at(9, 9)) for s, score in
        (("a", "95"), ("b", "90"), ("c", "85"), ("d", "80"), ("e", "75"))]

QUOTA_CASES = {
    "quota 0: nothing funded": (FIVE, 0, "1000000", []),
    "quota = n: all funded": (FIVE, 5, "1000000", ["a", "b", "c", "d", "e"]),
    "quota > n: all funded": (FIVE, 15, "1000000", ["a", "b", "c", "d", "e"]),
    "quota < n: the top ones": (FIVE, 3, "1000000", ["a", "b", "c"]),
    "quota 1": (FIVE, 1, "1000000", ["a"]),
    "budget exactly the quota's": (FIVE, 3, "60000", ["a", "b", "c"]),
    "budget exhausted before the quota": (FIVE, 5, "50000", ["a", "b"]),
    "budget below one project": (FIVE, 5, "19999.99", []),
    "no candidates": ([], 15, "300000", []),
    # the budget is checked project by project down the list: one that no longer fits is passed
    # over and a cheaper one below it can still be funded
    "cheaper project below fits the rest of the budget": (
        [cand("a", "95", at(9, 9)), cand("b", "90", at(9, 9), "15000"),
         cand("c", "85", at(9, 9)), cand("d", "80", at(9, 9), "5000")],
        4, "40000", ["a", "b", "d"]),
}


@pytest.mark.parametrize("name", list(QUOTA_CASES))
def test_rank_quota_and_budget(name: str) -> None:
    candidates, quota, budget, funded = QUOTA_CASES[name]
    ranked = scoring.rank(candidates, quota, D(budget))
    assert [r.candidate.society for r in ranked if r.funded] == funded
    assert len(ranked) == len(candidates)                       # the unfunded stay in the list
    spent = sum((r.candidate.amount for r in ranked if r.funded), D(0))
    assert spent <= D(budget) and len(funded) <= quota


# --- spot check: count and draw ---------------------------------------------------------------

@pytest.mark.parametrize(("rate", "funded", "count"), [
    ("0.05", 0, 0), ("0.05", 1, 1), ("0.05", 15, 1), ("0.05", 20, 1), ("0.05", 21, 2),
    ("0.05", 40, 2), ("0.05", 41, 3), ("0.1", 15, 2), ("1", 3, 3), ("0.5", 3, 2),
])
def test_draw_count(rate: str, funded: int, count: int) -> None:
    assert scoring.draw_count(D(rate), funded) == count


SOCIETIES = ["hbdl", "hbdz", "hbjx", "hbnx", "hbyx", "hbzyy", "hbqx", "hbhk"]


def by_the_published_method(seed: str, societies: list[str], count: int) -> list[str]:
    """The draw as DRAW_METHOD describes it, done independently of the engine."""
    digests = sorted((hashlib.sha256(f"{seed}:{s}".encode()).hexdigest(), s) for s in societies)
    return sorted(s for _, s in digests[:count])


@pytest.mark.parametrize("seed", ["2022年6月1日省科协党组会议审批立项名单", "0" * 40, "abc"])
@pytest.mark.parametrize("count", [0, 1, 2, 8])
def test_draw_is_reproducible_by_anyone(seed: str, count: int) -> None:
    drawn = scoring.draw(seed, SOCIETIES, count)
    assert drawn == by_the_published_method(seed, SOCIETIES, count)
    assert drawn == sorted(drawn) and len(drawn) == count and set(drawn) <= set(SOCIETIES)


@pytest.mark.parametrize("shuffle_seed", range(5))
def test_draw_does_not_depend_on_input_order(shuffle_seed: int) -> None:
    shuffled = list(SOCIETIES)
    random.Random(shuffle_seed).shuffle(shuffled)
    assert scoring.draw("d1dde14", shuffled, 3) == scoring.draw("d1dde14", SOCIETIES, 3)


def test_draw_depends_on_the_seed() -> None:
    results = {tuple(scoring.draw(f"seed-{i}", SOCIETIES, 2)) for i in range(20)}
    assert len(results) > 1
    assert scoring.draw("seed-1", SOCIETIES, 2) == scoring.draw("seed-1", SOCIETIES, 2)


def test_draw_of_more_than_there_are_takes_all() -> None:
    assert scoring.draw("x", ["b", "a"], 5) == ["a", "b"]


def test_draw_method_text_describes_the_draw() -> None:
    assert scoring.DRAW_METHOD == "按 sha256(种子:学会id) 的十六进制值升序排列，取前 N 个"


# --- rates of the acceptance visit ------------------------------------------------------------

def report(*done: str) -> Completion:
    goals = [GoalResult.model_validate({"目标": f"目标{i}", "完成": d}) for i, d in enumerate(done, 1)]
    return Completion.model_construct(goals=goals)


@pytest.mark.parametrize(("done", "rate"), [
    (["是"], "100.00"), (["否"], "0.00"), (["部分"], "50.00"),
    (["是", "部分", "否"], "50.00"), (["是", "是", "部分"], "83.33"),
    (["是", "部分", "部分"], "66.67"), (["是", "是", "是", "部分"], "87.50"),
    (["是", "否", "否"], "33.33"), (["是", "是", "是", "是"], "100.00"),
    (["部分", "否", "否", "否"], "12.50"), (["是"] * 5 + ["部分"] * 2 + ["否"], "75.00"),
])
def test_goal_rate(done: list[str], rate: str) -> None:
    assert str(scoring.goal_rate(report(*done))) == rate


def survey(issued: int, returned: int, satisfied: int, fairly: int, unsatisfied: int,
           vote: tuple[int, int, int, int, int] | None = None) -> Survey:
    q = Questionnaire(issued=issued, returned=returned, satisfied=satisfied, fairly=fairly,
                      unsatisfied=unsatisfied)
    v = None if vote is None else Vote(voters=vote[0], good=vote[1], fair=vote[2],
                                       average=vote[3], poor=vote[4])
    return Survey(questionnaire=q, vote=v)


@pytest.mark.parametrize(("counts", "rate"), [
    ((120, 115, 102, 12, 1), "99.13"),          # the demo hbjx survey
    ((50, 50, 30, 10, 10), "80.00"),
    ((3, 3, 1, 1, 1), "66.67"),
    ((10, 10, 0, 0, 10), "0.00"),
    ((0, 0, 0, 0, 0), None),                    # nothing returned: no rate, not a crash
    ((20, 0, 0, 0, 0), None),
])
def test_satisfaction(counts: tuple[int, int, int, int, int], rate: str | None) -> None:
    result = scoring.satisfaction(survey(*counts))
    assert (None if result is None else str(result)) == rate


@pytest.mark.parametrize(("vote", "rate"), [
    ((23, 20, 3, 0, 0), "100.00"),
    ((3, 1, 1, 1, 0), "66.67"),
    ((8, 2, 1, 3, 2), "37.50"),
    ((0, 0, 0, 0, 0), None),                    # no voters
    (None, None),                               # no 民主测评 at all
])
def test_approval_rate(vote: tuple[int, int, int, int, int] | None, rate: str | None) -> None:
    result = scoring.approval_rate(survey(10, 10, 10, 0, 0, vote))
    assert (None if result is None else str(result)) == rate


SURVEY_CASES = {
    "counts add up": (survey(120, 115, 102, 12, 1, (23, 20, 3, 0, 0)), []),
    "no vote": (survey(10, 10, 5, 5, 0), []),
    "all issued returned": (survey(10, 10, 10, 0, 0), []),
    "more returned than issued": (survey(10, 11, 11, 0, 0),
                                  [(("问卷调查", "回收"), "survey-counts")]),
    "answers do not add up to returned": (survey(10, 10, 5, 3, 1), [(("问卷调查",), "survey-counts")]),
    "votes do not add up to voters": (survey(10, 10, 10, 0, 0, (23, 20, 2, 0, 0)),
                                      [(("民主测评",), "vote-counts")]),
    "everything off": (survey(5, 6, 1, 1, 1, (4, 1, 1, 1, 0)),
                       [(("问卷调查", "回收"), "survey-counts"), (("问卷调查",), "survey-counts"),
                        (("民主测评",), "vote-counts")]),
}


@pytest.mark.parametrize("name", list(SURVEY_CASES))
def test_check_survey(name: str) -> None:
    the_survey, expected = SURVEY_CASES[name]
    assert codes(scoring.check_survey(the_survey)) == expected


def test_check_survey_messages_give_the_numbers() -> None:
    found = scoring.check_survey(survey(5, 6, 1, 1, 1, (4, 1, 1, 1, 0)))
    assert [f.message for f in found] == [
        "回收的问卷多于发放的问卷",
        "满意、基本满意、不满意合计 3，与回收问卷 6 份不一致",
        "好、较好、一般、差合计 3，与参评人数 4 不一致",
    ]
