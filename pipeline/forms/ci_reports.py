"""Problems in the shapes a git host shows: GitLab's code-quality report (the merge-request
widget and the diff's gutter) and JUnit XML (GitLab, Gitea and GitHub test summaries).

Both are written with the standard library (json, xml.etree): each format is a few fields, and
a dependency would add nothing but an install."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from pipeline.errors import Problem


def codequality(problems: Sequence[Problem], _summary: str = "") -> str:
    """GitLab Code Quality (a subset of Code Climate's format): one issue per problem."""
    issues = []
    for p in problems:
        fingerprint = hashlib.sha256("\0".join(
            (p.path, p.field, p.code, p.message)).encode("utf-8")).hexdigest()
        issues.append({
            "type": "issue", "check_name": p.code or "qianghui",
            "description": (f"{p.message}（{p.field}）" if p.field else p.message),
            "categories": ["Bug Risk"], "fingerprint": fingerprint,
            "severity": "info" if p.warning else "major",
            "location": {"path": p.path, "lines": {"begin": max(p.line, 1)}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2)


def junit(problems: Sequence[Problem], summary: str = "") -> str:
    """JUnit XML: one test case per file with problems (its failure lists them); a single
    passing case when every file is valid."""
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        if not p.warning:
            by_file.setdefault(p.path, []).append(p)
    suite = ET.Element("testsuite", name="qianghui validate", tests=str(max(len(by_file), 1)),
                       failures=str(len(by_file)), errors="0")
    if not by_file:
        case = ET.SubElement(suite, "testcase", classname="qianghui.validate", name="全部材料")
        ET.SubElement(case, "system-out").text = summary
    for path, found in sorted(by_file.items()):
        case = ET.SubElement(suite, "testcase", classname="qianghui.validate", name=path)
        failure = ET.SubElement(case, "failure", message=f"{len(found)} 个错误", type="qianghui")
        failure.text = "\n".join(p.format() for p in found)
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


FORMATS = {"codequality": codequality, "junit": junit}


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m pipeline.forms.ci_reports FORMAT < problems.json`: the JSON of
    `qianghui validate --format json` in another shape (CI validates once, reports thrice)."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] not in (*FORMATS, "text"):
        print(f"用法：python -m pipeline.forms.ci_reports {{{','.join([*FORMATS, 'text'])}}} < problems.json",
              file=sys.stderr)
        return 2
    try:
        found = [Problem(**{k: v for k, v in item.items()}) for item in json.load(sys.stdin)]
    except (ValueError, TypeError, AttributeError) as e:
        print(f"标准输入不是 qianghui validate --format json 的输出：{e}", file=sys.stderr)
        return 2
    if args[0] == "text":
        print("\n".join(p.format() for p in found))
    else:
        print(FORMATS[args[0]](found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
