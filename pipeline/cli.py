"""qianghui: 党建强会计划申报系统的命令行。

Usage errors exit 2, problems in the files exit 1, success 0; a bug prints one line (the
traceback only with --debug).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline import commands
from pipeline.errors import QianghuiError, UsageError
from pipeline.layout import Layout, find_root

Handler = Callable[[argparse.Namespace, Layout], int]


def _validate(a: argparse.Namespace, lay: Layout) -> int:
    return commands.validate(lay, [Path(p) for p in a.paths], a.format, sys.stdout)


def _new(a: argparse.Namespace, lay: Layout) -> int:
    return commands.new(lay, a.society, a.year, sys.stdout)


def _schema(a: argparse.Namespace, lay: Layout) -> int:
    return commands.schema(lay, a.check, sys.stdout)


def _list(a: argparse.Namespace, lay: Layout) -> int:
    filters = {"年度": a.year, "状态": a.status, "类别": a.category, "项目形式": a.subtype,
               "学会": a.society}
    return commands.list_projects(lay, filters, a.format, sys.stdout)


def _render(a: argparse.Namespace, lay: Layout) -> int:
    return commands.render(lay, sys.stdout)


def _run(a: argparse.Namespace, lay: Layout) -> int:
    return commands.main_job(lay, sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qianghui", description="党建强会计划申报系统")
    parser.add_argument("-C", "--root", type=Path, help="仓库根目录（默认：从当前目录向上查找）")
    parser.add_argument("--debug", action="store_true", help="出现内部错误时显示完整的调用栈")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("validate", help="检查申报材料，列出全部错误")
    p.add_argument("paths", nargs="*", help="要检查的文件或文件夹（默认：全部）")
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("new", help="为学会生成一份待填写的申报表")
    p.add_argument("--学会", dest="society", required=True, help="学会 id，如 hbjx")
    p.add_argument("--年度", dest="year", type=int, required=True, help="如 2022")
    p.set_defaults(handler=_new)

    p = sub.add_parser("schema", help="重新生成 schemas/json/*.schema.json")
    p.add_argument("--check", action="store_true", help="只检查是否过期")
    p.set_defaults(handler=_schema)

    p = sub.add_parser("list", help="条件查询：列出项目及其状态")
    p.add_argument("--年度", dest="year")
    p.add_argument("--状态", dest="status")
    p.add_argument("--类别", dest="category")
    p.add_argument("--项目形式", dest="subtype")
    p.add_argument("--学会", dest="society", help="学会 id 或名称的一部分")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--format", choices=["table", "csv", "json"], default="table")
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv")
    fmt.add_argument("--json", dest="format", action="store_const", const="json")
    p.set_defaults(handler=_list)

    p = sub.add_parser("render", help="生成 Word 文档到 build/")
    p.set_defaults(handler=_render)

    p = sub.add_parser("run", help="完整流程：检查、状态、生成文档，并打印汇总表")
    p.set_defaults(handler=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `qianghui` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    lay = Layout(args.root.resolve() if args.root else find_root(Path.cwd()))
    try:
        return int(args.handler(args, lay))
    except UsageError as e:
        print(f"qianghui: {e.message}", file=sys.stderr)
        return 2
    except QianghuiError as e:
        for problem in e.problems:
            print(problem.format(), file=sys.stderr)
        if not e.problems:
            print(f"qianghui: {e.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - the one place a bug is turned into a short line
        if args.debug:
            raise
        print(f"qianghui: 内部错误（{type(e).__name__}: {e}）。请加 --debug 重试并把输出发给维护者。",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
