"""The web site in a real browser: Debian's chromium, headless, driven by selenium.

The demo round is committed into a real repository, `qianghui site` writes build/site/, and the
pages are opened from disk (file://, as an office PC opens them). The list must show what
`qianghui list` shows, for every filter and their combination; a project page the values of
its YAML and its history; every link must lead to a file. chromium and chromium-driver are
installed by .ci/install-chromium when missing; where that cannot be done, these tests skip
and say why. A screenshot of each page is kept (QIANGHUI_SCREENSHOTS=<dir> to keep them
elsewhere than the test's temporary folder).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

import pytest
from gitrepo import BEFORE, LATER, MAINTAINER, Repo, isolate_git, run_git
from test_documents import copy_demo

from pipeline.commands import history as history_command
from pipeline.commands import list_projects as list_command
from pipeline.commands import site as site_command
from pipeline.core.layout import Layout
from pipeline.forms.messages import field_path
from pipeline.forms.yamlio import iter_scalars, load_file

REPO = Path(__file__).resolve().parent.parent
INSTALLER = REPO / ".ci" / "install-chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,900"]
WAIT = 20       # seconds: page loads and script runs


def ensure_chromium() -> tuple[str, str]:
    """The browser and its driver, installed first if missing; skip (saying why) if they cannot be."""
    def found() -> tuple[str | None, str | None]:
        return shutil.which("chromium"), shutil.which("chromedriver")

    browser, driver = found()
    if browser is None or driver is None:
        try:
            done = subprocess.run([str(INSTALLER)], capture_output=True, text=True, timeout=900,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"chromium 未安装，且 {INSTALLER.name} 无法运行：{exc}")
        browser, driver = found()
        if browser is None or driver is None:
            pytest.skip(f"chromium 未安装，且无法自动安装：{done.stderr.strip()[-300:]}")
    return browser, driver


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo round committed in two steps (the applications, then the reviews), and its site."""
    with pytest.MonkeyPatch.context() as mp:
        isolate_git(mp, tmp_path_factory.mktemp("home"))
        root = copy_demo(tmp_path_factory.mktemp("site") / "repo")
        shutil.copyfile(REPO / ".gitignore", root / ".gitignore")
        run_git(root, "init", "-q", "-b", "main")
        repo = Repo(root)
        repo.commit(MAINTAINER, "申报", when=BEFORE, paths=("config", "templates", "submissions"))
        repo.commit(MAINTAINER, "审核与评分", when=LATER)
        assert site_command.command(Layout(root), io.StringIO()) == 0
        yield root


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver = ensure_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('profile')}"]:
        options.add_argument(flag)
    chrome = webdriver.Chrome(options=options, service=Service(driver, service_args=[]))
    chrome.set_page_load_timeout(WAIT)
    chrome.set_script_timeout(WAIT)
    try:
        yield chrome
    finally:
        chrome.quit()


def open_page(browser: Any, path: Path, fragment: str = "") -> None:
    browser.get(path.as_uri() + fragment)
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, WAIT).until(
        lambda b: b.execute_script("return document.readyState") == "complete")


def shown(browser: Any) -> list[str]:
    """The "年度/学会" of every row the list shows now."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#projects tbody tr'))"
        ".map(function (tr) { return tr.getAttribute('data-key'); });")


def listed(root: Path, **filters: Any) -> list[str]:
    """What `qianghui list --json` gives for the same query."""
    out = io.StringIO()
    text = {k: filters.get(k) for k in ("年度", "状态", "类别", "项目形式", "学会")}
    amounts = (filters.get("最低金额"), filters.get("最高金额"))
    scores = (filters.get("最低评分"), filters.get("最高评分"))
    assert list_command.list_projects(Layout(root), text, "json", out, amounts, scores) == 0
    return [f"{r['年度']}/{r['学会']}" for r in json.loads(out.getvalue())]


def fragment(filters: dict[str, Any]) -> str:
    return "#" + "&".join(f"{quote(k)}={quote(str(v))}" for k, v in filters.items())


def screenshot(browser: Any, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("QIANGHUI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 10_000      # a page, not a blank
    return path


def test_the_list_shows_every_project(site: Path, browser: Any, tmp_path: Path) -> None:
    open_page(browser, site / "build" / "site" / "index.html")
    everything = listed(site)
    assert len(everything) == len(list(site.glob("submissions/*/*/application.yaml"))) > 5
    assert sorted(shown(browser)) == sorted(everything)
    assert f"共 {len(everything)} 个" in browser.find_element("id", "summary").text
    counts = browser.find_element("id", "counts").text
    for word in ("已立项", "验收通过", "草稿"):
        assert f"{word} {len(listed(site, 状态=word))} 个" in counts
    assert "数据版本" in browser.find_element("css selector", "footer").text
    screenshot(browser, tmp_path, "list")


QUERIES = [
    {"状态": "已立项"}, {"状态": "审核通过"}, {"状态": "验收通过"}, {"类别": "特色活动"},
    {"项目形式": "党建+科普"}, {"学会": "hbjx"}, {"学会": "机械"}, {"学会": "湖北省"},
    {"年度": "2022"}, {"最低金额": 19000}, {"最高金额": 19500}, {"最低金额": 18000, "最高金额": 19999},
    {"最低评分": 80}, {"最高评分": 85}, {"最低评分": 80, "最高评分": 90},
    {"类别": "特色活动", "学会": "学会", "最低金额": 20000, "最低评分": 85},
    {"类别": "阵地建设", "状态": "已立项", "学会": "地质"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: fragment(q)[1:])
def test_each_filter_gives_what_list_gives(site: Path, browser: Any, query: dict[str, Any]) -> None:
    open_page(browser, site / "build" / "site" / "index.html", fragment(query))
    assert sorted(shown(browser)) == sorted(listed(site, **query))


def test_filters_typed_into_the_form_land_in_the_address(site: Path, browser: Any,
                                                        tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import Select

    open_page(browser, site / "build" / "site" / "index.html")
    Select(browser.find_element("id", "f-category")).select_by_visible_text("特色活动")
    browser.find_element("id", "f-society").send_keys("学会")
    browser.find_element("id", "f-min-score").send_keys("85")
    expected = listed(site, 类别="特色活动", 学会="学会", 最低评分=85)
    assert 0 < len(expected) < len(listed(site))
    assert sorted(shown(browser)) == sorted(expected)
    address = unquote(urlparse(browser.current_url).fragment)
    assert {"类别=特色活动", "学会=学会", "最低评分=85"} <= set(address.split("&"))
    screenshot(browser, tmp_path, "list-filtered")
    open_page(browser, site / "build" / "site" / "index.html", "#" + address)   # the bookmark
    assert sorted(shown(browser)) == sorted(expected)
    assert browser.find_element("id", "f-society").get_attribute("value") == "学会"


def test_sorting_by_keyboard_and_paging(site: Path, browser: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, site / "build" / "site" / "index.html")
    button = browser.find_element("css selector", "button[data-sort='p']")
    button.send_keys(Keys.ENTER)            # a focused button: the keyboard sorts too
    scores = browser.execute_script(
        "return Array.from(document.querySelectorAll('#projects tbody tr td:nth-child(8)'))"
        ".map(function (td) { return td.textContent; });")
    numbers = [float(s) for s in scores if s]
    assert numbers == sorted(numbers) and set(scores[len(numbers):]) <= {""}
    assert "排序=p" in unquote(browser.current_url)
    total = len(listed(site))
    open_page(browser, site / "build" / "site" / "index.html", "#每页=3&页=99")
    assert len(shown(browser)) == total - 3 * ((total - 1) // 3)    # the last page
    assert browser.find_element("id", "page-info").text == f"第 {(total + 2) // 3} / {(total + 2) // 3} 页"


def test_a_project_page_shows_its_yaml_and_its_history(site: Path, browser: Any,
                                                      tmp_path: Path) -> None:
    open_page(browser, site / "build" / "site" / "2022" / "hbjx.html")
    text = " ".join(browser.find_element("tag name", "main").text.split())
    data = load_file(site / "submissions" / "2022" / "hbjx" / "application.yaml").data
    for loc, value in iter_scalars(data):
        if value is not None:
            assert f"{field_path(loc)} {' '.join(str(value).split())}" in text
    report = load_file(site / "submissions" / "2022" / "hbjx" / "completion.yaml").data
    for loc, value in iter_scalars(report):
        if value is not None:
            assert f"{field_path(loc)} {' '.join(str(value).split())}" in text
    out = io.StringIO()
    history_command.command(Layout(site), "hbjx", 2022, out)
    story = [li.text for li in browser.find_elements("css selector", "ol.story li")]
    assert story == [" ".join(line.split()) for line in out.getvalue().splitlines()]
    assert "状态：验收通过" in text and "91.66" in text and "优秀" in text
    screenshot(browser, tmp_path, "project")


def links_resolve(browser: Any) -> list[str]:
    hrefs = [a.get_attribute("href") for a in browser.find_elements("css selector", "a[href]")]
    files = [h for h in hrefs if h.startswith("file:")]
    assert files
    return [h for h in files if not Path(unquote(urlparse(h).path)).is_file()]


@pytest.mark.parametrize("page", ["index.html", "2022/index.html", "2022/hbjx.html",
                                  "2022/hbnx.html", "2022/hbjsj.html"])
def test_every_link_resolves(site: Path, browser: Any, page: str) -> None:
    open_page(browser, site / "build" / "site" / page)
    assert links_resolve(browser) == []
    if page == "index.html":       # each row's project page
        for key in shown(browser):
            assert (site / "build" / "site" / f"{key}.html").is_file()


def test_a_project_page_links_its_documents(site: Path, browser: Any) -> None:
    open_page(browser, site / "build" / "site" / "2022" / "hbjx.html")
    docs = {a.text: Path(unquote(urlparse(a.get_attribute("href")).path))
            for a in browser.find_elements("css selector", "ul.docs a")}
    assert {"申报表.docx", "结题报告.docx", "考核表（汇总）.docx"} <= docs.keys()
    assert docs["申报表.docx"] == site / "build" / "2022" / "hbjx" / "申报表.docx"


def test_the_year_page(site: Path, browser: Any, tmp_path: Path) -> None:
    open_page(browser, site / "build" / "site" / "2022" / "index.html")
    text = browser.find_element("tag name", "main").text
    check = load_file(site / "reviews" / "2022" / "spot-check.yaml").data
    assert str(check["种子"]) in text
    assert "qianghui spot-check --年度 2022 --verify" in text
    ranking = [tr.find_elements("tag name", "td")[1].text for tr in
               browser.find_elements("css selector", "section[aria-labelledby='s-ranking'] tbody tr")]
    assert ranking[0] == "湖北省机械工程学会" and len(ranking) == 6
    assert "共验收" in text and "申报截止时间" in text
    screenshot(browser, tmp_path, "year")


def test_a_phone_sees_the_list(site: Path, browser: Any, tmp_path: Path) -> None:
    browser.set_window_size(390, 844)
    try:
        open_page(browser, site / "build" / "site" / "index.html")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 400            # only the table scrolls sideways, inside its box
        screenshot(browser, tmp_path, "phone")
    finally:
        browser.set_window_size(1280, 900)
