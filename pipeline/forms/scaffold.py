"""`qianghui new`: a commented application form for a society to fill in."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core.layout import Layout
from pipeline.errors import Finding, QianghuiError

if TYPE_CHECKING:
    from pipeline.forms.yamlio import Document
    from schemas.registry import Society

TEMPLATE = """\
# yaml-language-server: $schema=../../../schemas/json/application.schema.json
# “党建强会计划”之阵地建设与特色活动项目申报表 —— {name}
#
# 填写说明：
# - 冒号后面加一个空格再写内容；缩进只用空格，不用 Tab。
# - 多段文字写在“|”下面一行，整体缩进两格，段落之间空一行。
# - 状态为“草稿”时可以反复保存、提交到 git，不检查必填项；
#   全部填好后把状态改为“已提交”（或运行 qianghui submit {society}），在 {deadline} 前提交。
# - 运行 qianghui validate {path} 检查填写是否正确。

年度: {year}
学会: {society}
状态: 草稿                      # 草稿 | 已提交

党组织名称: {org_name}
成立时间:                       # 如 2018-06-01
党员人数:                       # 整数，如 23
支部书记:
项目联系人:
联系电话:                       # 手机号，或带区号的固定电话，如 027-87654321
电子邮箱:

申请资助类别:                   # 阵地建设 | 特色活动
项目形式:                       # 阵地建设：党员之家 | 网上党员会员之家 | 教育培训基地 | 实践基地
                                # 特色活动：党建+智库 | 党建+学术 | 党建+科普 | 党建+人才 | 党建+协作
项目名称:
申报资助金额:                   # 元，不超过 {amount}

申报主题及预期成效:             # 表一
  主题: |
    （写明申报主题）
  预期成效: |
    （写明预期成效）
  预期目标:                     # 可考核的目标，每条一行；验收时逐条对照
    - （如：开展科普进社区活动不少于6场）

项目设计方案:                   # 表二：意义、思路、措施、实施计划
  意义: |
    （项目实施的意义）
  思路: |
    （项目实施的思路）
  措施: |
    （具体措施）
  实施计划:
    - 时间:                     # 如 2022-06
      内容:

预算安排:                       # 表三：各行金额之和须等于申报资助金额
  - 项目:
    金额:
    说明:

责任人:                         # 立项后须落实
  第一责任人:
  直接责任人:

申报学会意见:                   # 表四
  意见: 同意申报
  负责人:                       # 学会党组织负责人
  日期:                         # 如 2022-05-10

盖章页:                         # 盖章页照片或扫描件，放在 files/ 下：jpg/jpeg/png，不超过 3 MB
附件:                           # 可选，多个文件请压缩成一个：zip/rar/doc/docx/jpeg/png，不超过 100 MB
"""


def examples(template: str) -> frozenset[str]:
    """The example texts of a blank (（写明…） on a line of its own), to be replaced."""
    return frozenset(re.findall(r"^ +(?:- )?(（[^）\n]+）)$", template, re.MULTILINE))


PLACEHOLDERS = examples(TEMPLATE)


def examples_left(doc: Document, texts: frozenset[str]) -> list[Finding]:
    """The blank's example texts (（写明…）) must be replaced before submitting."""
    from pipeline.forms.yamlio import iter_scalars

    if not any(text in doc.text for text in texts):       # the walk only when one is there
        return []
    return [Finding(loc, "placeholder", f"请把示例文字「{str(value).strip()}」换成实际内容")
            for loc, value in iter_scalars(doc.data)
            if isinstance(value, str) and value.strip() in texts]


def scaffold(lay: Layout, year: int, society: Society, deadline: str, amount: str) -> Path:
    """Write a new application.yaml for `society`; never overwrites an existing file."""
    target = lay.application(year, society.id)
    text = TEMPLATE.format(name=society.name, society=society.id, year=year,
                           org_name=society.org_name, deadline=deadline, amount=amount,
                           path=lay.rel(target))
    write_new(lay, target, text, target.parent / "files")
    (target.parent / "files").mkdir(exist_ok=True)
    return target


def write_new(lay: Layout, target: Path, text: str, *folders: Path) -> Path:
    """Create `target` with `text` (UTF-8, LF); an existing file is never overwritten. Its
    folder and ``folders`` (made next) must be real folders where they exist: nothing is
    written through a link, or when a file stands where a folder is to be."""
    for folder in (target.parent, *folders):
        check_folder(lay, folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as e:
        raise QianghuiError(f"{lay.rel(target)} 已经存在，不会覆盖。"
                            "如要重新开始，请先把它改名或删除。") from e
    return target


def check_folder(lay: Layout, folder: Path) -> None:
    """A QianghuiError naming the first step from the root to ``folder`` that exists but is a
    link or not a folder (the missing rest is created by the caller)."""
    from pipeline.reading import link_message, unreadable

    step = lay.root
    for part in folder.relative_to(lay.root).parts:
        step = step / part
        try:
            mode = os.lstat(step).st_mode
        except FileNotFoundError:
            return
        except OSError as e:
            raise QianghuiError(f"「{lay.rel(step)}」{unreadable(e)}（没有写入任何文件）") from e
        if stat.S_ISLNK(mode):
            raise QianghuiError(f"{link_message(step, lay.root)}（没有写入任何文件）")
        if not stat.S_ISDIR(mode):
            raise QianghuiError(f"「{lay.rel(step)}」是一个文件，不是文件夹：请把它改名或删除后再运行"
                                "（没有写入任何文件）")
