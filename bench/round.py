"""A synthetic 2022 round as data: societies, people, every form and the story of each project.

`make_round` decides, with one seeded RNG, which societies stay drafts, which are returned
(and which of those resubmit), which are approved for the panel and which 15 are funded, and
writes the text of every file the final tree holds. `bench.history` turns it into commits.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from bench import forms
from bench.text import (
    BUDGET_ITEMS,
    FIELDS,
    NEWS_PLATFORMS,
    ORG_KINDS,
    PRAISE,
    REGIONS,
    SUBTYPES,
    SUFFIXES,
    Topic,
    Writer,
)
from pipeline.core import scoring

YEAR = 2022
DRAFT, SUBMITTED, RETURNED, RESUBMITTED, APPROVED, FUNDED = (
    "draft", "submitted", "returned", "resubmitted", "approved", "funded")
SHARES = ((DRAFT, 0.08), (RETURNED, 0.06), (RESUBMITTED, 0.04), (APPROVED, 0.08))
QUOTA = 15
EXPERTS = 10
PANEL_SHEETS = 3
ACCEPTANCE_SHEETS = 5
AMOUNTS = (20000, 20000, 20000, 20000, 18000, 16000, 15000, 12000, Decimal("17600.50"))
SEED_TEXT = "bench-2022"
_LONGEST_FIRST = sorted(FIELDS, key=len, reverse=True)


@dataclass
class Project:
    """One society with its user, application and the files its story produces."""

    sid: str
    name: str
    org: str
    user: forms.Person
    app: forms.Application
    topic: Topic
    kind: str = SUBMITTED
    panel: dict[str, str] = field(default_factory=dict)        # expert id → sheet text
    panel_total: Decimal = Decimal(0)
    acceptance: dict[str, str] = field(default_factory=dict)
    completion: str = ""
    survey: str = ""

    @property
    def folder(self) -> str:
        return f"submissions/{YEAR}/{self.sid}"

    @property
    def reviews(self) -> str:
        return f"reviews/{YEAR}/{self.sid}"

    def final_text(self) -> str:
        """The application as it stands at the end of the round."""
        if self.kind == DRAFT:
            return self.app.text(state="草稿")        # saved, complete, not yet submitted
        return self.app.text(notes=self.kind != RETURNED)

    def first_text(self) -> str:
        """The version the admin judged (differs from the final one only when resubmitted)."""
        return self.app.text(notes=False) if self.kind == RESUBMITTED else self.final_text()


@dataclass
class Round:
    """Everything generated: people, projects, and the review-side texts."""

    projects: list[Project]
    admins: list[forms.Person]
    experts: list[forms.Person]
    maintainer: forms.Person
    funded: list[Project] = field(default_factory=list)
    selection: str = ""
    spot_check: str = ""

    def people_text(self) -> str:
        return forms.people([*self.admins, *self.experts, self.maintainer,
                             *(p.user for p in self.projects)])

    def societies_text(self) -> str:
        return forms.societies([(p.sid, p.name, p.org, _past(p)) for p in self.projects])


def _past(p: Project) -> str | None:
    return f"{p.topic.field}党员之家建设" if int(p.sid[1:]) % 9 == 0 else None


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def society_names(rng: random.Random, n: int) -> list[str]:
    """n distinct society names (region + field + 学会/研究会/协会), in random order."""
    combos = [(r, f, s) for s in SUFFIXES for f in FIELDS for r in REGIONS]
    rng.shuffle(combos)
    names = [f"{r}{f}{s}" for r, f, s in combos[:n]]
    return names + [f"{names[i % len(names)]}（{i}）" for i in range(len(names), n)]


def phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        prefix = rng.choice((130, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 158, 159,
                             180, 183, 186, 187, 188, 189))
        return f"{prefix}{rng.randrange(10**8):08d}"
    if rng.random() < 0.6:
        return f"027-{rng.randint(5, 8)}{rng.randrange(10**7):07d}"
    code = rng.choice(("0717", "0710", "0719", "0716", "0713", "0718"))
    return f"{code}-{rng.randint(3, 8)}{rng.randrange(10**6):06d}"


def budget(rng: random.Random, amount: Decimal) -> list[tuple[str, Decimal, str]]:
    """3–6 distinct lines summing exactly to `amount` (hundreds, the last takes the rest)."""
    items = rng.sample(BUDGET_ITEMS, rng.randint(3, 6))
    hundreds = int(amount) // 100
    cuts = sorted(rng.sample(range(1, hundreds), len(items) - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, hundreds], strict=True)]
    amounts = [Decimal(p * 100) for p in parts]
    amounts[-1] += amount - sum(amounts)
    return [(item, value, note) for (item, note), value in zip(items, amounts, strict=True)]


def title(t: Topic, category: str) -> str:
    if category == "阵地建设":
        return f"{t.field}{t.activity}建设"
    return f"“{t.subtype}”{t.activity}系列活动"


def make_project(w: Writer, index: int, name: str) -> Project:
    r = w.rng
    sid = f"s{index:05d}"
    org = name + r.choice(ORG_KINDS)
    field_name = next((f for f in _LONGEST_FIRST if f in name), "科技")
    category = r.choice(tuple(SUBTYPES))
    subtype = r.choice(SUBTYPES[category])
    topic = w.topic(name, field_name, subtype)
    user = forms.Person(f"u-{sid}", w.person(), "学会用户", f"u-{sid}@{sid}.example.org", (sid,))
    amount = Decimal(r.choice(AMOUNTS))
    app = forms.Application(
        society=sid, org_name=org, founded=f"{r.randint(1990, 2021)}-{r.randint(1, 12):02d}-"
        f"{r.randint(1, 28):02d}", members=r.randint(3, 240), secretary=w.person(),
        contact=user.name, phone=phone(r), email=user.email, category=category, subtype=subtype,
        title=title(topic, category), amount=amount,
        theme=w.paragraphs(topic, 1, 3), effects=w.paragraphs(topic, 1, 2), goals=w.goals(topic),
        significance=w.paragraphs(topic, 1, 3), approach=w.paragraphs(topic, 1, 2),
        measures=w.measures(topic), plan=w.plan(topic), budget=budget(r, amount),
        leader=w.person(), signed_on=f"2022-{r.choice(('04', '05'))}-{r.randint(1, 10):02d}")
    return Project(sid, name, org, user, app, topic)


def assign_kinds(rng: random.Random, projects: list[Project]) -> None:
    order = list(projects)
    rng.shuffle(order)
    start = 0
    for kind, share in SHARES:
        count = round(share * len(projects))
        if kind == APPROVED and len(projects) >= 5:
            count = max(count, 1)
        for p in order[start:start + count]:
            p.kind = kind
        start += count


def score_sheets(w: Writer, p: Project, experts: list[forms.Person], rubric: list[tuple[str, int]],
                 count: int, low: float, day: str) -> tuple[dict[str, str], Decimal]:
    """`count` sheets by experts without a conflict of interest (scores between low and the
    maximum, in halves), and the sum of their totals."""
    free = [e for e in experts if p.sid not in e.societies]
    sheets, total = {}, Decimal(0)
    for expert in w.rng.sample(free, min(count, len(free))):
        scores = [(name, Decimal(round(top * w.rng.uniform(low, 0.98) * 2)) / 2, w.pick(PRAISE))
                  for name, top in rubric]
        sheets[expert.id] = forms.sheet(expert.id, scores, w.opinion(p.topic), day)
        total += sum(s for _, s, _ in scores)
    return sheets, total


def report(w: Writer, p: Project) -> str:
    t = p.topic
    activities = [(f"2022-{month:02d}-{w.rng.randint(1, 28):02d}", place, f"第{i}场{t.activity}",
                   w.rng.randint(40, 300), w.rng.randint(5, 40))
                  for i, (month, place) in enumerate(zip((7, 9, 11), t.places, strict=True), 1)]
    news = [(w.pick(NEWS_PLATFORMS), f"{p.name}开展{t.activity}",
             f"https://www.hbkx.example.org/news/2022/{p.sid}-{i}.html", f"2022-{month:02d}-15")
            for i, month in enumerate((7, 9), 1)]
    return forms.completion(p.app, w.paragraphs(t, 2, 3), activities, news)


def make_round(n: int, seed: int, rubrics: dict[str, list[tuple[str, int]]]) -> Round:
    """The whole round for `n` societies; `rubrics` are the program's 立项评分表 and 考核表."""
    rng = random.Random(seed)
    w = Writer(rng)
    projects = [make_project(w, i, name) for i, name in enumerate(society_names(rng, n), 1)]
    assign_kinds(rng, projects)
    experts = [forms.Person(f"expert-{j:02d}", w.person(), "专家", f"expert{j:02d}@univ{j}.example.edu.cn",
                            (projects[(j * 7) % n].sid,) if j <= 3 else ())
               for j in range(1, EXPERTS + 1)]
    admins = [forms.Person("admin-wang", "王强", "管理员", "wangqiang@hbkx.example.org"),
              forms.Person("admin-zhao", "赵敏", "管理员", "zhaomin@hbkx.example.org")]
    maintainer = forms.Person("qianghui-dev", "系统维护组", "维护者", "dev@qianghui.example.org")
    rnd = Round(projects, admins, experts, maintainer)
    approved = [p for p in projects if p.kind == APPROVED]
    for p in approved:
        p.panel, p.panel_total = score_sheets(w, p, experts, rubrics["立项评分表"], PANEL_SHEETS,
                                              0.55, "2022-05-26")
    rnd.funded = sorted(approved, key=lambda p: (-p.panel_total, p.sid))[:QUOTA]
    for p in rnd.funded:
        p.kind = FUNDED
        p.completion = report(w, p)
        p.acceptance, _ = score_sheets(w, p, experts, rubrics["考核表"], ACCEPTANCE_SHEETS, 0.72,
                                       "2022-12-12")
        p.survey = forms.survey(100, rng.randint(70, 85), 10, 2, 30, 22, 6)
    if rnd.funded:
        rnd.selection = forms.selection([(p.sid, p.app.amount) for p in rnd.funded],
                                        admins[0].id, "2022-06-10")
        ids = [p.sid for p in rnd.funded]
        rate = Decimal("0.05")
        rnd.spot_check = forms.spot_check(SEED_TEXT, str(rate),
                                          scoring.draw(SEED_TEXT, ids, scoring.draw_count(rate, len(ids))))
    return rnd


def application_verdict(p: Project, reviewer: str) -> str:
    """The admin's 申报 verdict on the version first submitted."""
    if p.kind in (RETURNED, RESUBMITTED):
        return forms.verdict("申报", "驳回", "预算明细不完整，请补充各项支出的测算说明。", reviewer,
                             "2022-05-18", sha(p.first_text()))
    return forms.verdict("申报", "通过", "材料齐全，符合申报条件，同意提交专家评审。", reviewer,
                         "2022-05-18", sha(p.final_text()))


def completion_verdict(p: Project, reviewer: str) -> str:
    return forms.verdict("结题", "通过", "结题材料齐全，经费按预算执行完毕，同意组织验收。", reviewer,
                         "2022-12-05", sha(p.completion))


def reviewed(p: Project) -> bool:
    return p.kind in (RETURNED, RESUBMITTED, APPROVED, FUNDED)
