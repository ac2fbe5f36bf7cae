#!/usr/bin/env bash
# One step of the office repository's pipeline; .gitlab-ci.yml, .gitea/workflows/ and
# .github/workflows/ all call this script, so every host runs the same commands.
#
#   ci/pipeline.sh validate   检查全部材料：ci-out/ 中写 GitLab 代码质量报告与 JUnit 报告
#   ci/pipeline.sh history    检查 BASE..HEAD 的提交是否符合“谁可以改什么”（浅克隆时先取回完整历史）
#   ci/pipeline.sh diff       变更影响预览：ci-out/impact.md（合并请求评论的正文）与 impact.json
#   ci/pipeline.sh render     生成第 K/N 份文档（SHARD=K/N，或 GitLab 的 CI_NODE_INDEX/CI_NODE_TOTAL）
#   ci/pipeline.sh pdf        同上，并生成 PDF（没有 LibreOffice 时先用 .ci/install-libreoffice 安装）
#   ci/pipeline.sh site      生成网页到 build/site（引擎有 qianghui site 时）
#   ci/pipeline.sh pages      把 build/ 中的文档（和 build/site，若有）收集到 public/
#
# Environment: QIANGHUI (the engine; default .venv/bin/qianghui, made with make), BASE (the
# merge request's base commit; GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA is used when set),
# SHARD, CI_OUT (default ci-out), STEP_TIMEOUT (seconds a git fetch may take, default 600).
set -euo pipefail

step=${1:-}
out=${CI_OUT:-ci-out}
timeout=${STEP_TIMEOUT:-600}

say() { printf '%s\n' "$*" >&2; }

engine() {
    if [ -n "${QIANGHUI:-}" ]; then
        printf '%s\n' "$QIANGHUI"
        return
    fi
    if [ ! -x .venv/bin/qianghui ]; then
        say "安装引擎（make .venv/.compiled）……"
        make -s .venv/.compiled >&2
    fi
    printf '%s\n' "$PWD/.venv/bin/qianghui"
}

base() {
    printf '%s\n' "${BASE:-${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}}"
}

full_history() {
    # A CI clone is shallow by default (GitLab: 20 commits, Actions: 1): check-history and diff
    # need the base of the merge request and everything since the round's start tag.
    if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
        say "浅克隆：取回完整历史（git fetch --unshallow --tags）……"
        timeout "$timeout" git fetch --quiet --unshallow --tags origin \
            || say "无法取回完整历史：请在 CI 设置中使用完整克隆（GitLab: GIT_DEPTH: 0；Actions: fetch-depth: 0）"
    fi
    local b
    b=$(base)
    if [ -n "$b" ] && ! git cat-file -e "$b^{commit}" 2>/dev/null; then
        timeout "$timeout" git fetch --quiet origin "$b" || true
    fi
}

shard() {
    if [ -n "${SHARD:-}" ]; then
        printf '%s\n' "$SHARD"
    else
        printf '%s/%s\n' "${CI_NODE_INDEX:-1}" "${CI_NODE_TOTAL:-1}"
    fi
}

python_of() {
    dirname "$1"
}

case "$step" in
validate)
    qh=$(engine)
    mkdir -p "$out"
    code=0
    "$qh" validate --format json > "$out/problems.json" || code=$?
    if [ "$code" -ge 2 ]; then
        exit "$code"
    fi
    py="$(python_of "$qh")/python"
    "$py" -m pipeline.forms.ci_reports codequality < "$out/problems.json" > "$out/gl-code-quality-report.json"
    "$py" -m pipeline.forms.ci_reports junit < "$out/problems.json" > "$out/junit.xml"
    "$py" -m pipeline.forms.ci_reports text < "$out/problems.json" | sed '/^$/d'
    if [ "$code" -eq 0 ]; then
        echo "检查通过：全部材料没有错误"
    else
        echo "检查未通过：以上材料有错误，请修正后再提交"
    fi
    exit "$code"
    ;;
history)
    qh=$(engine)
    full_history
    b=$(base)
    if [ -n "$b" ]; then
        "$qh" check-history "$b..HEAD"
    elif [ -n "${CI_COMMIT_BEFORE_SHA:-}" ] && [ "${CI_COMMIT_BEFORE_SHA}" != 0000000000000000000000000000000000000000 ] \
            && git cat-file -e "${CI_COMMIT_BEFORE_SHA}^{commit}" 2>/dev/null; then
        "$qh" check-history "${CI_COMMIT_BEFORE_SHA}..HEAD"
    else
        "$qh" check-history
    fi
    ;;
diff)
    qh=$(engine)
    full_history
    b=$(base)
    mkdir -p "$out"
    if [ -z "$b" ]; then
        b=$(git rev-parse --verify --quiet HEAD~1 || true)
    fi
    if [ -z "$b" ]; then
        echo "没有可比较的原版本（第一个提交）：跳过变更影响预览" | tee "$out/impact.md"
        exit 0
    fi
    "$qh" diff "$b" HEAD -o "$out/impact.json" | tee "$out/impact.md"
    if [ -n "${QIANGHUI_NOTE_TOKEN:-}" ] && [ -n "${CI_MERGE_REQUEST_IID:-}" ]; then
        # A note on the merge request (a project access token with the api scope; CI_JOB_TOKEN
        # cannot write notes).
        timeout 60 curl --silent --show-error --fail --request POST \
            --header "PRIVATE-TOKEN: $QIANGHUI_NOTE_TOKEN" \
            --data-urlencode "body@$out/impact.md" \
            "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes" \
            > /dev/null || say "无法在合并请求中发表评论（检查 QIANGHUI_NOTE_TOKEN 的权限）"
    fi
    ;;
render)
    qh=$(engine)
    "$qh" render --shard "$(shard)"
    ;;
pdf)
    qh=$(engine)
    command -v soffice > /dev/null || .ci/install-libreoffice
    "$qh" render --pdf --shard "$(shard)"
    ;;
site)
    # The web pages (qianghui site, where this version has it) into build/site.
    qh=$(engine)
    if "$qh" site --help > /dev/null 2>&1; then
        "$qh" site
    else
        echo "此版本的引擎没有 qianghui site：只发布文档"
    fi
    ;;
pages)
    # public/ mirrors build/ (documents at their paths, the site in public/site/), so the site's
    # relative links to the documents resolve on Pages exactly as they do from build/ on disk.
    rm -rf public
    mkdir -p public
    if [ -d build ]; then
        (cd build && find . -path ./.cache -prune -o -path ./site -prune -o -type f \
            \( -name '*.docx' -o -name '*.pdf' -o -name '*.xlsx' \) -print) | while read -r f; do
            mkdir -p "public/$(dirname "$f")"
            cp "build/$f" "public/$f"
        done
    fi
    if [ -d build/site ]; then
        mkdir -p public/site
        cp -R build/site/. public/site/
        printf '%s\n' '<!doctype html><html lang="zh-CN"><meta charset="utf-8">' \
            '<meta http-equiv="refresh" content="0; url=site/index.html">' \
            '<title>党建强会计划</title><a href="site/index.html">党建强会计划：项目一览</a></html>' \
            > public/index.html
    else
        {
            echo '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>党建强会计划 文档</title>'
            echo '<h1>党建强会计划 文档</h1><ul>'
            (cd public && find . -name index.html -prune -o -type f -print | sort) | while read -r f; do
                f=${f#./}
                printf '<li><a href="%s">%s</a></li>\n' "$f" "$f"
            done
            echo '</ul></html>'
        } > public/index.html
    fi
    echo "已收集 $(find public -type f \( -name '*.docx' -o -name '*.pdf' -o -name '*.xlsx' \) | wc -l) 个文档到 public/"
    ;;
*)
    say "用法：ci/pipeline.sh {validate|history|diff|render|pdf|site|pages}"
    exit 2
    ;;
esac
