"""qianghui: 党建强会计划申报系统的命令行。

Usage errors exit 2, problems in the files exit 1, success 0; a bug prints one line (the
traceback only with --debug). Long because it is the whole command line in one place: one
handler and one parser block per subcommand, nothing else.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import atomic, console
from pipeline.arguments import ChineseParser, amount, day, output, score, society, words, year
from pipeline.core.layout import Layout, find_root
from pipeline.errors import QianghuiError, UsageError
from pipeline.forms.blanks import BLANKS
from pipeline.forms.report import LIST_FORMATS, PROBLEM_FORMATS

if TYPE_CHECKING:
    from pipeline.documents.shard import Shard

Handler = Callable[[argparse.Namespace, Layout], int]

# Each handler maps the parsed arguments onto one function of pipeline.commands, imported when
# the command runs (so --help and a replayed render load nothing else).


def _validate(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import validate

    here = lay.root if a.root else Path.cwd()
    return validate.command(lay, [lay.argument(p, here) for p in a.paths], a.format, sys.stdout)


def _new(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import new

    return new.command(lay, a.form, a.society, a.year, sys.stdout)


def _schema(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import schema

    return schema.command(lay, a.check, sys.stdout)


def _list(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import list_projects

    filters = {"年度": str(a.year) if a.year else None, "状态": a.status, "类别": a.category, "项目形式": a.subtype,
               "学会": a.society}
    return list_projects.command(lay, filters, a.format, sys.stdout, (a.min_amount, a.max_amount),
                                 a.output, (a.min_score, a.max_score))


def _render(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import render

    return render.command(lay, sys.stdout, pdf=a.pdf, shard=a.shard)


def _shard(text: str) -> Shard:
    from pipeline.documents.shard import parse

    try:
        return parse(text)
    except UsageError as e:
        raise argparse.ArgumentTypeError(e.message) from e


def _run(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import run

    return run.command(lay, sys.stdout)


def _site(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import site

    return site.command(lay, sys.stdout)


def _submit(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import submit

    return submit.command(lay, a.society, a.year, a.report, sys.stdout)


def _review(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import review

    return review.command(lay, a.society, a.year, a.outcome, a.message, a.report, sys.stdout, a.day)


def _show(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import show

    return show.command(lay, a.society, a.year, sys.stdout)


def _history(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import history

    return history.command(lay, a.society, a.year, sys.stdout)


def _check_history(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import check_history

    return check_history.command(lay, a.range, sys.stdout)


def _diff(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import diff

    return diff.command(lay, a.base, a.head, a.format, sys.stdout, a.output)


def _codeowners(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import codeowners

    return codeowners.command(lay, a.output, a.usernames, a.check, sys.stdout)


def _hook(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import hook

    return hook.command(a.root.resolve() if a.root else Path.cwd(), a.name, sys.stdin.read(),
                        sys.stdout)


def _watch(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import watch

    return watch.command(lay, a.polling, sys.stdout)


def _rank(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import rank

    return rank.command(lay, a.year, sys.stdout)


def _spot_check(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import spot_check

    return spot_check.command(lay, a.year, a.seed, a.verify, sys.stdout, a.day)


def _export(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import export

    return export.command(lay, a.year, sys.stdout)


def _verify(a: argparse.Namespace, lay: Layout) -> int:
    from pipeline.commands import verify

    here = lay.root if a.root else Path.cwd()       # a document may come from anywhere
    return verify.command(lay, here / a.file if (here / a.file).exists() else lay.root / a.file, a.at,
                          sys.stdout)


def _project_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("society", metavar="学会", type=society, help="学会 id，如 hbjx")
    p.add_argument("--年度", dest="year", type=year, help="默认：最新年度")


def _day_arg(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--日期", dest="day", type=day, metavar="<日期>",
                   help=f"{what}，如 2022-05-20（默认：今天）")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="qianghui", description="党建强会计划申报系统")
    parser.add_argument("-C", "--root", type=Path, metavar="<目录>",
                        help="仓库根目录（默认：从当前目录向上查找）")
    parser.add_argument("--debug", action="store_true", help="出现内部错误时显示完整的调用栈")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("validate", help="检查申报材料，列出全部错误")
    p.add_argument("paths", nargs="*", help="要检查的文件或文件夹（默认：全部）")
    p.add_argument("--format", choices=list(PROBLEM_FORMATS), default="text",
                   help="输出格式（codequality：GitLab 代码质量报告；junit：测试报告）")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("new", help="生成一份待填写的表单（申报表、结题报告、评分表……），已有的文件不会覆盖")
    p.add_argument("form", metavar="表单", nargs="?", default="申报表", choices=list(BLANKS),
                   help=f"{'、'.join(BLANKS)}（默认：申报表）")
    p.add_argument("--学会", dest="society", type=society, help="学会 id，如 hbjx（年度通知、立项审批不需要）")
    p.add_argument("--年度", dest="year", type=year, help="如 2022（默认：最新年度；年度通知必填）")
    p.set_defaults(handler=_new)

    p = sub.add_parser("schema", help="重新生成 schemas/json/*.schema.json")
    p.add_argument("--check", action="store_true", help="只检查是否过期")
    p.set_defaults(handler=_schema)

    p = sub.add_parser("list", help="条件查询：列出项目及其状态")
    p.add_argument("--年度", dest="year", type=year)
    p.add_argument("--状态", dest="status")
    p.add_argument("--类别", dest="category")
    p.add_argument("--项目形式", dest="subtype")
    p.add_argument("--学会", dest="society", help="学会 id 或名称的一部分")
    p.add_argument("--最低金额", dest="min_amount", type=amount, help="申报资助金额下限（元）")
    p.add_argument("--最高金额", dest="max_amount", type=amount, help="申报资助金额上限（元）")
    p.add_argument("--最低评分", dest="min_score", type=score, help="立项评分下限")
    p.add_argument("--最高评分", dest="max_score", type=score, help="立项评分上限")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--format", choices=list(LIST_FORMATS), default="table")
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv")
    fmt.add_argument("--json", dest="format", action="store_const", const="json")
    p.add_argument("-o", "--输出", dest="output", type=output, metavar="<文件>",
                   help="写入文件（UTF-8；CSV 带 BOM，Excel 可直接打开），而不是打印")
    p.set_defaults(handler=_list)

    p = sub.add_parser("render", help="生成 Word 文档到 build/")
    p.add_argument("--pdf", action="store_true", help="同时在每个 Word 文档旁生成 PDF（需要 LibreOffice）")
    p.add_argument("--shard", type=_shard, metavar="K/N",
                   help="只生成 N 份中的第 K 份（多台机器并行；各份合起来即完整的 build/，年度文档由第 1 份生成）")
    p.set_defaults(handler=_render)

    p = sub.add_parser("run", help="完整流程：检查、状态、生成文档，并打印汇总表")
    p.set_defaults(handler=_run)

    p = sub.add_parser("site", help="生成网页到 build/site/（项目一览、项目详情、年度页；可直接用浏览器打开）")
    p.set_defaults(handler=_site)

    p = sub.add_parser("submit", help="提交：把草稿的状态改为“已提交”，检查无误后记入 git")
    _project_args(p)
    p.add_argument("--结题", dest="report", action="store_true", help="提交结题报告")
    p.set_defaults(handler=_submit)

    p = sub.add_parser("review", help="管理员审核：驳回或通过，写入 decision.yaml 并记入 git")
    _project_args(p)
    verdict = p.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--驳回", dest="outcome", action="store_const", const="驳回")
    verdict.add_argument("--通过", dest="outcome", action="store_const", const="通过")
    p.add_argument("-m", dest="message", metavar="<意见>", type=words, required=True, help="审核意见")
    p.add_argument("--结题", dest="report", action="store_true", help="审核结题报告")
    _day_arg(p, "审核日期")
    p.set_defaults(handler=_review)

    p = sub.add_parser("show", help="详情：一个项目的全部内容、状态、审核与评分")
    _project_args(p)
    p.set_defaults(handler=_show)

    p = sub.add_parser("history", help="一个项目在 git 中的经过")
    _project_args(p)
    p.set_defaults(handler=_history)

    p = sub.add_parser("check-history", help="检查提交历史是否符合“谁可以改什么”")
    p.add_argument("range", nargs="?", help="提交范围，如 origin/main..HEAD（默认：规则起始之后的全部）")
    p.set_defaults(handler=_check_history)

    p = sub.add_parser("diff", help="变更影响预览：两个版本之间各项目的状态、错误、评分、排名、资助和等级有何变化")
    p.add_argument("base", metavar="BASE", help="原版本，如 origin/main 或合并请求的目标提交")
    p.add_argument("head", metavar="HEAD", nargs="?", default="HEAD", help="新版本（默认：HEAD）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    p.add_argument("-o", "--输出", dest="output", type=output, metavar="<文件>", help="同时写入文件（UTF-8）")
    p.set_defaults(handler=_diff)

    p = sub.add_parser("codeowners", help="根据 config/people.yaml 生成 CODEOWNERS（合并请求由谁审核）")
    p.add_argument("-o", "--输出", dest="output", type=output, metavar="<文件>",
                   help="写入的文件（默认：仓库根目录的 CODEOWNERS）")
    p.add_argument("--用户名", dest="usernames", action="store_true",
                   help="写 @人员id 而不是邮箱（Gitea：服务器用户名须与 people.yaml 的 id 相同）")
    p.add_argument("--check", action="store_true", help="只检查是否过期")
    p.set_defaults(handler=_codeowners)

    p = sub.add_parser("hook", help="中央仓库的 git 钩子：检查推送（pre-receive）、记录收到时间（post-receive）")
    p.add_argument("name", choices=["pre-receive", "post-receive"], metavar="钩子",
                   help="pre-receive 或 post-receive（由 hooks/ 中的同名脚本调用，从标准输入读取引用更新）")
    p.set_defaults(handler=_hook)

    p = sub.add_parser("rank", help="按立项评审得分排名，生成拟立项名单 selection.yaml")
    p.add_argument("--年度", dest="year", type=year, help="默认：最新年度")
    p.set_defaults(handler=_rank)

    p = sub.add_parser("spot-check", help="财务抽查：用公开的种子抽取，或复核已有的抽取")
    p.add_argument("--年度", dest="year", type=year, help="默认：最新年度")
    p.add_argument("--种子", dest="seed", help="默认：审批立项名单的提交 id")
    p.add_argument("--verify", action="store_true", help="按文件中的种子重新抽取并比对")
    _day_arg(p, "抽查日期")
    p.set_defaults(handler=_spot_check)

    p = sub.add_parser("export", help="导出 build/<年度>/登记表.xlsx")
    p.add_argument("--年度", dest="year", type=year, help="默认：最新年度")
    p.set_defaults(handler=_export)

    p = sub.add_parser("verify", help="核对文档（.docx/.pdf/.xlsx）是否与其材料一致")
    p.add_argument("file", metavar="文档", help="如 build/2022/hbjx/申报表.pdf")
    p.add_argument("--at", metavar="<版本>", help="与某个提交（或分支、标签）的材料比对；默认：当前工作区")
    p.set_defaults(handler=_verify)

    p = sub.add_parser("watch", help="监视文件变化，保存即检查并生成文档")
    p.add_argument("--polling", action="store_true", help="轮询模式（网络共享目录）")
    p.set_defaults(handler=_watch)
    return parser


PROGRESS = ("validate", "render", "run")     # round-scale commands: progress on stderr
OUTSIDE_A_ROUND = ("hook", "check-history", "diff")   # read git, not the tree (a bare repository)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `qianghui` console script."""
    console.tolerate()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    except Exception as e:  # noqa: BLE001 - a bug in an argument's type: one line, as below
        if "--debug" in (sys.argv[1:] if argv is None else argv):
            raise
        return internal_error("", e)
    if args.root and not args.root.is_dir():
        console.say(f"qianghui: 目录不存在：{args.root}")
        return 2
    from pipeline import progress

    progress.enable(sys.stderr if args.command in PROGRESS else None)
    lay: Layout | None = None
    try:
        lay = Layout(args.root.resolve() if args.root else find_root(Path.cwd()))
        if args.command not in OUTSIDE_A_ROUND and not (lay.root / "config").is_dir():
            where = f"「{args.root}」" if args.root else f"当前目录（{lay.root}）及其上级"
            raise UsageError(f"{where}不是申报仓库（没有 config/ 文件夹）：请在仓库里运行，或用 -C 指定仓库")
        atomic.confine(lay.root)            # no write through a linked folder of the repository
        code = int(args.handler(args, lay))
        console.finish()
        return code
    except console.OutputError as e:
        if e.reader_left:
            return console.reader_left()
        console.say(f"qianghui: {e.message}")
        return 1
    except UsageError as e:
        console.say(f"qianghui: {e.message}")
        return 2
    except QianghuiError as e:
        if not (len(e.problems) == 1 and e.problems[0].format() == e.message):
            console.say(f"qianghui: {e.message}")
        for problem in e.problems:
            console.say(problem.format())
        return 1
    except PermissionError as e:    # a file or folder the user cannot read, met anywhere
        where = f"「{lay.rel(Path(e.filename)) if lay else e.filename}」" if e.filename else ""
        console.say(f"qianghui: 无法访问{where}：没有权限（请检查文件或文件夹的权限设置）")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:     # the reader left, seen on a stream not guarded by console
        return console.reader_left()
    except Exception as e:  # noqa: BLE001 - the one place a bug is turned into a short line
        if args.debug:
            raise
        return internal_error(args.command, e)
    finally:                        # a caller in this process (the watcher, a test) stays silent
        progress.enable(None)


INTERNAL = 3        # exit code of a bug (never of bad input: the hostile suite asserts that)


def internal_error(command: str, error: BaseException) -> int:
    """A bug as one line naming the command and what to do, the traceback only with --debug."""
    name = f"qianghui {command}".strip()
    console.say(f"{name}: 内部错误（{type(error).__name__}: {error}）。这是程序的问题，不是材料的错误："
                f"请加 --debug 重试（qianghui --debug {command or '…'} …），把输出发给维护者。")
    return INTERNAL


def entry() -> None:
    """The `qianghui` console script: run, flush, and leave at once (see pipeline.console for
    the console's encodings, closed descriptors and failed writes).

    Tearing the interpreter down frees every object a command loaded one by one (60 ms after
    checking one file against a 5,000-society registry, more after a whole round); everything
    the command writes is closed or flushed before this point, so there is nothing to wait for."""
    console.utf8_filesystem()
    if 1 in console.occupy_closed():
        console.say("qianghui: 标准输出已关闭（如 >&-），命令的结果无法显示，没有执行；"
                    "不需要输出时请重定向到 /dev/null（Windows：> NUL）")
        os._exit(console.STDOUT_CLOSED)
    console.prepare()
    try:
        code = main()
    except SystemExit as e:             # a library's sys.exit: its code
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:   # noqa: BLE001 - only --debug lets a bug through: its traceback
        import traceback

        traceback.print_exc()
        code = INTERNAL
    try:
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


if __name__ == "__main__":
    entry()
