"""`qianghui codeowners`: CODEOWNERS from config/people.yaml, for hosts that route reviews.

GitLab, GitHub and Gitea read a CODEOWNERS file (the last matching pattern wins) and ask its
owners to approve a merge request that touches their paths: a society's folders go to its
enabled users, the review files to the admins and experts, the configuration to the admins,
the engine to the maintainers. Owners are written as e-mail addresses (GitLab and GitHub map a
user's address to the account), or with ``usernames`` as @id, for a host whose user names are
the ids of people.yaml (Gitea accepts only names).
"""

from __future__ import annotations

from collections.abc import Iterable

from schemas.registry import People, Person

HEADER = ("# 由 qianghui codeowners 根据 config/people.yaml 生成，请不要手工修改：改 people.yaml 后重新运行。\n"
          "# 合并请求改动下列路径时，需由对应的人员审核（最后一条匹配的规则生效）。\n")
ENGINE = ("/pipeline/", "/schemas/", "/templates/", "/tests/", "/bench/", "/ci/", "/hooks/",
          "/.ci/", "/tools/", "/.gitlab-ci.yml", "/.gitea/", "/.github/", "/pyproject.toml",
          "/Makefile", "/CODEOWNERS")


def owners(people: Iterable[Person], usernames: bool) -> str:
    found = []
    for p in people:
        name = f"@{p.id}" if usernames else p.emails[0]
        if name not in found:
            found.append(name)
    return " ".join(found)


def codeowners(people: People, usernames: bool = False) -> str:
    """The CODEOWNERS text for the enabled people."""
    active = [p for p in people.people if p.enabled]
    admins = [p for p in active if p.role == "管理员"]
    experts = [p for p in active if p.role == "专家"]
    maintainers = [p for p in active if p.role == "维护者"] or admins
    lines = [HEADER, f"*  {owners(admins, usernames)}", ""]
    lines += ["# 配置与年度文件：管理员", f"/config/  {owners(admins, usernames)}",
              f"/reviews/  {owners(admins, usernames)}"]
    lines += ["", "# 各学会的申报材料：本学会已启用的用户（没有时由管理员审核）"]
    societies = sorted({s for p in active if p.role == "学会用户" for s in p.societies})
    for society in societies:
        users = [p for p in active if p.role == "学会用户" and society in p.societies]
        lines.append(f"/submissions/*/{society}/  {owners(users or admins, usernames)}")
    lines += ["", "# 评审文件（评分表、满意度调查）：管理员与专家；审核决定与名单只由管理员",
              f"/reviews/*/*/  {owners([*admins, *experts], usernames)}",
              f"/reviews/*/*/decision.yaml  {owners(admins, usernames)}"]
    lines += ["", "# 引擎与流水线：维护者"]
    lines += [f"{path}  {owners(maintainers, usernames)}" for path in ENGINE]
    return "\n".join(lines) + "\n"
