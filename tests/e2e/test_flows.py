"""The clerks' everyday flows, in a real browser, on the demo data.

The spreadsheets flow 3 uploads are written by a fixture, before the browser starts; the files the
flows download are read in the test body (openpyxl, python-docx: no database).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from orgunits.errors import MOVE_TOP_UNIT
from registry.demo.dates import DEMO_TODAY
from reports.admin import UNIT_PLACEHOLDER
from reports.errors import SURVEY_EXISTS
from rosters.views import EMPTY_WORKLIST
from tests.e2e.conftest import COUNTY_CLERK, TOWNSHIP_EDITOR

# Without Playwright the whole module is reported as skipped, with the reason.
expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed (pip install -r requirements.txt)"
).expect

pytestmark = pytest.mark.e2e

SHUANGFENG, HEYE, ZIYUNHU = "431321", "431321101", "431321101265"  # county, township, village
CHILDREN_LINK = re.compile(r"^\d+ 个 ›$")  # the drill-down link of the tree list

# Flow 3's file: a new township of 双峰县 after its two villages, a renamed county unit, and a new village
# of 荷叶镇 whose opening date does not exist (row 7: a title row, the header, then five rows).
XINXING = "431321113"  # the demo's townships stop at 431321112
MCH_CENTRE, MCH_OLD_NAME, MCH_NEW_NAME = "12431321446983224Q", "双峰县妇幼保健计划生育服务中心", "双峰县妇幼保健院"
BAD_DATE, FIXED_DATE = "2025-02-30", "2025-02-28"
UNIT_HEADERS = ["代码", "名称", "类型", "上级代码", "成立日期"]
UNIT_ROWS = [
    [f"{XINXING}201", "新兴村", "村", XINXING, "2025-03-01"],
    [f"{XINXING}202", "联盟村", "村", XINXING, "2025-03-01"],
    [XINXING, "新兴镇", "乡镇", SHUANGFENG, "2025-03-01"],
    [MCH_CENTRE, MCH_NEW_NAME, "事业单位", SHUANGFENG, None],
    [f"{HEYE}300", "荷叶新村", "村", HEYE, BAD_DATE],
]


def test_flow1_county_clerk_drills_down_the_tree_and_finds_a_village(browser):
    page = browser.page
    browser.login(COUNTY_CLERK)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#site-name")).to_contain_text("管理")

    page.locator("#content-main").get_by_role("link", name="单位", exact=True).click()
    expect(page.locator("h1")).to_have_text("选择 单位 来修改")
    browser.row("双峰县").get_by_role("link", name=CHILDREN_LINK).click()
    trail = page.locator("nav.unit-trail")
    expect(trail).to_contain_text("全部单位 › 全国 › 湖南省 › 娄底市 › 双峰县")
    expect(browser.row("永丰街道")).to_have_count(1)
    expect(browser.row("紫云湖村")).to_have_count(0)  # children only, not the whole subtree
    browser.screenshot("01_tree", full_page=False)

    browser.row("荷叶镇").get_by_role("link", name=CHILDREN_LINK).click()
    expect(trail).to_contain_text("双峰县 › 荷叶镇")
    expect(browser.row("紫云湖村")).to_have_count(1)

    page.locator("#searchbar").fill("紫云")
    page.locator("#searchbar").press("Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("湖南省 / 娄底市 / 双峰县 / 荷叶镇")
    results.get_by_role("link", name="紫云湖村").click()

    expect(page.locator("#id_code")).to_have_value(ZIYUNHU)
    expect(page.locator("#id_name")).to_have_value("紫云湖村")
    expect(page.locator(".field-ancestors")).to_contain_text("双峰县 › 荷叶镇")
    browser.screenshot("01_village")


def units_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["双峰县单位调整表（2025年）"])
    sheet.append(UNIT_HEADERS)
    for line in rows:
        sheet.append(line)
    for cell in sheet["A"]:
        cell.number_format = "@"  # codes as text, as the clerks' sheets keep them
    book.save(path)
    return path


@pytest.fixture
def unit_files(tmp_path) -> tuple[Path, Path]:
    """The county's file with one bad date, and the same file fixed."""
    fixed = [[*line[:4], FIXED_DATE if line[4] == BAD_DATE else line[4]] for line in UNIT_ROWS]
    return units_xlsx(tmp_path / "双峰县单位调整表.xlsx", UNIT_ROWS), units_xlsx(
        tmp_path / "双峰县单位调整表（改正）.xlsx", fixed
    )


def test_flow3_county_clerk_imports_units_fixes_the_error_and_finds_them_in_the_tree(
    browser, demo, unit_files, downloads
):
    from openpyxl import load_workbook

    page = browser.page
    with_error, fixed = unit_files
    browser.login(COUNTY_CLERK)
    browser.goto(reverse("admin:orgunits_orgunit_changelist"))
    page.locator(".object-tools").get_by_role("link", name="导入", exact=True).click()
    expect(page.locator("#content")).to_contain_text("表头上方可以有标题行")

    page.locator("#id_import_file").set_input_files(with_error)
    page.get_by_role("button", name="提交").click()
    result = page.locator(".import-result")
    expect(result.locator("h2")).to_have_text("检查未通过，未导入任何数据")
    expect(result.locator(".import-count")).to_have_text(["新增 3 行", "修改 1 行", "未变 0 行", "错误 1 行"])
    expect(result.locator(".import-errors li")).to_have_text(
        [re.compile(f"^第7行，列“成立日期”，值“{BAD_DATE}”：“{BAD_DATE}”不是有效日期")]
    )
    renamed = result.locator("tr.update")
    expect(renamed.locator("td").nth(0)).to_have_text("6")
    expect(renamed.locator("del")).to_have_text(MCH_OLD_NAME)
    expect(renamed.locator("ins")).to_have_text(MCH_NEW_NAME)
    expect(result.locator("tr.new")).to_have_count(3)
    expect(result.locator("tr.invalid td.import-type")).to_have_text("错误")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    browser.screenshot("03_import_preview_errors")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^下载错误行")).click()
    download = download_info.value
    assert download.suggested_filename == "错误行.xlsx"
    path = downloads / download.suggested_filename
    download.save_as(path)
    header, *lines = load_workbook(path).active.iter_rows(values_only=True)
    assert header == ("原行号", *UNIT_HEADERS, "错误说明")
    assert len(lines) == 1
    assert lines[0][:6] == (7, f"{HEYE}300", "荷叶新村", "村", HEYE, BAD_DATE)
    assert lines[0][6].startswith(f"成立日期：“{BAD_DATE}”不是有效日期")

    # She fixes the date and uploads the file again, on the same page.
    page.locator("#id_import_file").set_input_files(fixed)
    page.get_by_role("button", name="提交").click()
    expect(result.locator("h2")).to_have_text("预览：确认后才会写入")
    expect(result.locator(".import-count")).to_have_text(["新增 4 行", "修改 1 行", "未变 0 行", "错误 0 行"])
    expect(result.locator(".import-errors")).to_have_count(0)
    expect(result.locator("tr.update ins")).to_have_text(MCH_NEW_NAME)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("ul.messagelist")).to_contain_text("导入完成：新增4行，修改1行，未变0行。")

    browser.goto(reverse("admin:orgunits_orgunit_changelist"))
    browser.row("双峰县").get_by_role("link", name=CHILDREN_LINK).click()
    expect(page.locator("nav.unit-trail")).to_contain_text("湖南省 › 娄底市 › 双峰县")
    expect(browser.row(MCH_NEW_NAME)).to_have_count(1)
    expect(browser.row(MCH_OLD_NAME)).to_have_count(0)
    browser.row("新兴镇").get_by_role("link", name="2 个 ›").click()
    expect(page.locator("nav.unit-trail")).to_contain_text("双峰县 › 新兴镇")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(browser.row("新兴村")).to_contain_text(f"{XINXING}201")
    expect(browser.row("联盟村")).to_contain_text(f"{XINXING}202")
    browser.screenshot("03_import_done")


# 双峰县's coverage on the demo, counted by hand from registry/fixtures/demo and registry/demo/organisations.py,
# never by the engine. Every dated event of the demo is on or before DEMO_TODAY (2026-11-30), so the page's
# default date (today) gives these figures on any later day.
# - county 1/1; 14 townships (tails 1–3) and 2 streets (tail 0), all with a 妇联: 14/14, 2/2.
# - 466 villages and 57 communities (villages.csv under 431321). Those whose code is divisible by 7 had no
#   organisation at the reform: 70 villages, 7 communities. 25 of them set one up from 2024 to 20 November
#   2026 (SETTINGS: 8 + 8 + 5 + 4); 3 other villages were merged away (closed 2025-06-30 ×2, 2026-03-31).
#   Which kind the seeded draws picked, read from the stored unit rows (plain SQL, not the engine):
#   23 late villages, 2 late communities, 3 closed villages. So villages 466 − 3 = 463 eligible,
#   463 − (70 − 23) = 416 established; communities 57 eligible, 57 − (7 − 2) = 52 established.
# - hosts.csv: agencies with 6 women or more on the 2025 staff (人社局 has 5): 县委办, 政府办, 卫健局
#   established, 教育局 not: 3/4. Institutions 3/3. Enterprises: 农机装备 (2026-03-08) yes, 荷叶湘绣合作社
#   dissolved 2025-10-31: 1/2. Social organisations 1/1.
# - Total: 1 + 14 + 2 + 463 + 57 + 4 + 3 + 2 + 1 = 547 eligible, 1 + 14 + 2 + 416 + 52 + 3 + 3 + 1 + 1 = 493.
SHUANGFENG_BY_KIND = [
    ["县", "1", "1", "100%"],
    ["乡镇", "14", "14", "100%"],
    ["街道", "2", "2", "100%"],
    ["村", "463", "416", "89.8%"],
    ["社区", "57", "52", "91.2%"],
    ["机关", "4", "3", "75%"],
    ["事业单位", "3", "3", "100%"],
    ["企业", "2", "1", "50%"],
    ["社会组织", "1", "1", "100%"],
    ["合计", "547", "493", "90.1%"],
]
# 荷叶镇 (431321101): itself; 37 villages, 3 of them (divisible by 7) still without; 2 communities, 1 without;
# the 荷叶湘绣合作社, dissolved. Columns: 县 乡镇 街道 村 社区 机关 事业单位 企业 社会组织 合计.
HEYE_BRANCH = ["—", "1/1（100%）", "—", "34/37（91.9%）", "1/2（50%）", "—", "—", "0/1（0%）", "—", "36/41（87.8%）"]
BY_KIND = "table:has(caption:text-is('按单位类型'))"
BY_BRANCH = "table:has(caption:text-is('按下级单位'))"
CONVERSION = "table:has(caption:text-is('妇代会改建妇联（会改联）'))"


def coverage_counts(browser, kind: str) -> tuple[int, int]:
    """(应建, 已建) of one unit kind in the coverage page's summary table."""
    cells = browser.row(kind, table=BY_KIND).locator("td")
    return int(cells.nth(0).inner_text()), int(cells.nth(1).inner_text())


def table_lines(browser, table: str) -> list[list[str]]:
    """Every body row of a coverage table: the label and the first three cells (应建, 已建, 组建率 in the
    summary). The page compares with the year before by default; those columns depend on today's date."""
    rows = browser.page.locator(f"{table} tbody tr")
    return [
        [rows.nth(i).locator("th").inner_text(), *rows.nth(i).locator("td").all_inner_texts()[:3]]
        for i in range(rows.count())
    ]


def branch_cells(browser, name: str) -> list[str]:
    """A row of the 按下级单位 table, one 已建/应建（组建率） cell per kind and the total, without the
    year-before columns."""
    return browser.row(name, table=BY_BRANCH).locator("td").all_inner_texts()[: len(HEYE_BRANCH)]


def test_flow2_county_clerk_adds_a_village_and_coverage_counts_it(browser, demo):
    page = browser.page
    browser.login(COUNTY_CLERK)
    coverage_url = reverse("stats_coverage") + f"?unit={demo.unit_id(SHUANGFENG)}"
    browser.goto(coverage_url)
    assert coverage_counts(browser, "村") == (463, 416)
    assert branch_cells(browser, "荷叶镇") == HEYE_BRANCH

    browser.goto(reverse("admin:orgunits_orgunit_changelist"))
    page.get_by_role("link", name="增加 单位").click()
    browser.choose_unit("id_parent", "荷叶", "荷叶镇")
    page.get_by_label("代码").fill("431321101299")
    page.get_by_label("名称").fill("荷花村")
    page.get_by_label("类型").select_option(label="村")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator("ul.messagelist")).to_contain_text("成功添加了 单位“荷花村")
    expect(page.locator(".field-ancestors")).to_contain_text("双峰县 › 荷叶镇")

    # Marks the women's organisation established today, with the admin's own date shortcut.
    page.locator(".field-org_established_on").get_by_role("link", name="今天").click()
    expect(page.locator("#id_org_established_on")).not_to_have_value("")
    page.get_by_role("button", name="保存并继续编辑").click()
    expect(page.locator("ul.messagelist")).to_contain_text("成功修改了 单位“荷花村")

    page.get_by_role("link", name="组建率").click()
    expect(page.locator("#content h2")).to_contain_text("荷花村")
    browser.goto(coverage_url)
    lines = table_lines(browser, BY_KIND)
    assert lines[3] == ["村", "464", "417", "89.9%"]
    assert lines[-1] == ["合计", "548", "494", "90.1%"]
    heye_after = [*HEYE_BRANCH[:3], "35/38（92.1%）", *HEYE_BRANCH[4:9], "37/42（88.1%）"]
    assert branch_cells(browser, "荷叶镇") == heye_after
    browser.screenshot("02_coverage_after_adding_a_village")


def test_flow4_data_entry_shows_female_above_total_inline_until_fixed(browser, demo):
    page = browser.page
    browser.login(COUNTY_CLERK)
    page.get_by_role("link", name="数据填报").first.click()
    browser.choose_unit("id_unit", "荷叶镇", "荷叶镇")
    page.get_by_label("年度").fill("2025")
    page.get_by_role("button", name="打开").click()
    expect(page.locator("h1")).to_have_text("数据填报：荷叶镇 2025年")

    cadres_row = page.locator("tr", has=page.locator("#id_cadres__total"))
    page.locator("#id_cadres__total").fill("120")
    page.locator("#id_cadres__female").fill("150")
    page.get_by_role("button", name="保存").click()
    expect(cadres_row.locator(".errorlist")).to_have_text(re.compile("女性150人超过合计120"))
    expect(page.locator("#id_cadres__female")).to_have_value("150")  # what she typed stays for fixing
    browser.screenshot("04_data_entry_error")

    page.locator("#id_cadres__female").fill("30")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("ul.messagelist")).to_contain_text("已保存荷叶镇2025年的数据")
    expect(cadres_row.locator(".errorlist")).to_have_count(0)
    # The save redirects to a fresh GET, so these are the stored figures, not the posted ones.
    expect(page.locator("#id_cadres__total")).to_have_value("120")
    expect(page.locator("#id_cadres__female")).to_have_value("30")
    browser.screenshot("04_data_entry_saved")


def test_flow5_coverage_page_exports_an_xlsx_with_title_and_totals(browser, demo, downloads):
    from openpyxl import load_workbook

    page = browser.page
    browser.login(COUNTY_CLERK)
    page.get_by_role("link", name="组建率").first.click()
    expect(page.locator("#content h2")).to_contain_text(re.compile(r"双峰县：截至\d{4}年\d+月\d+日的妇女组织组建率"))
    assert table_lines(browser, BY_KIND) == SHUANGFENG_BY_KIND
    # 会改联: every village and community with an organisation since the reform was recorded turning from
    # 妇代会 into 妇联 on 2017-06-30, but 3 communities (registry/demo/form_changes.py); the late ones were
    # 妇联 from the start. Columns: 应改建, 已改建, 仍为妇代会.
    assert table_lines(browser, CONVERSION) == [["村", "416", "416", "0"], ["社区", "52", "49", "3"]]
    expect(browser.row("社区", table=CONVERSION)).to_contain_text("94.2%")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert re.fullmatch(r"双峰县妇女组织组建情况统计表（\d{4}-\d\d-\d\d）\.xlsx", download.suggested_filename)
    path = downloads / download.suggested_filename
    download.save_as(path)

    sheet = load_workbook(path).active
    assert sheet["A1"].value == "双峰县妇女组织组建情况统计表"
    assert sheet["A2"].value.startswith("单位：双峰县（431321）")
    groups = ["县", "乡镇", "街道", "村", "社区", "机关", "事业单位", "企业", "社会组织", "合计"]
    assert [sheet.cell(3, 2 + 3 * i).value for i in range(len(groups))] == groups
    lines = {row[0]: row[1:] for row in sheet.iter_rows(min_row=5, values_only=True)}

    def figures(label):
        """(应建数, 已建数, 组建率 to four places) per group; the rate is a fraction, shown as a percent.
        A kind with no eligible unit in the line is "—" in all three, as on the page."""
        values = lines[label]
        rates = [rate if rate == "—" else round(rate, 4) for rate in values[2::3]]
        return list(zip(values[0::3], values[1::3], rates, strict=True))

    assert figures("合计") == [
        (1, 1, 1.0),
        (14, 14, 1.0),
        (2, 2, 1.0),
        (463, 416, 0.8985),
        (57, 52, 0.9123),
        (4, 3, 0.75),
        (3, 3, 1.0),
        (2, 1, 0.5),
        (1, 1, 1.0),
        (547, 493, 0.9013),
    ]
    assert figures("荷叶镇") == [
        ("—", "—", "—"),
        (1, 1, 1.0),
        ("—", "—", "—"),
        (37, 34, 0.9189),
        (2, 1, 0.5),
        ("—", "—", "—"),
        ("—", "—", "—"),
        (1, 0, 0.0),
        ("—", "—", "—"),
        (41, 36, 0.878),
    ]
    # The host units directly under the county: agencies 3/4, institutions 3/3, 农机装备 1/1, 女企业家协会 1/1.
    assert figures("县直单位")[-1] == (9, 8, 0.8889)
    assert list(lines)[-1] == "合计"
    book = load_workbook(path)
    assert book.sheetnames == ["组建率", "与上年同期比较", "会改联"]  # compared, as the page is by default
    conversion = [list(row) for row in book["会改联"].iter_rows(min_row=4, values_only=True)]
    assert [row[:4] for row in conversion] == [["村", 416, 416, 0], ["社区", 52, 49, 3]]
    assert round(conversion[1][4], 4) == 0.9423
    browser.screenshot("05_coverage")


PROBLEMS = (
    "全县妇女组织覆盖面逐年扩大，但基层组织建设仍有短板。\n"
    "一是部分村（社区）尚未建立妇女组织，组建率低于全县水平的乡镇有8个。\n"
    "二是村级妇联执委兼职多、培训少，履职能力有待提升。"
)
PROBLEMS_POINTS = PROBLEMS.split("\n")[1:]
FIGURE_SENTENCE = "现有党政机关女干部491人，占总数的20.5%。"  # from the demo's 2025 figures for 双峰县
OWN_WORDS = "全县党政机关女干部491人，占两成以上，<b>比例</b>仍需提高。"


def test_flow6_county_clerk_finishes_the_draft_survey_report_and_downloads_it_as_docx(browser, demo, downloads):
    from docx import Document

    page = browser.page
    title = "关于双峰县2025年妇女组织建设和妇女工作情况的调研报告"
    browser.login(COUNTY_CLERK)
    page.get_by_role("link", name="调研报告").first.click()
    page.get_by_role("link", name="增加 调研报告").click()
    browser.choose_unit("id_unit", "双峰县", "双峰县")
    page.locator("#id_year").fill("2025")
    page.get_by_role("button", name="保存", exact=True).click()
    # The demo holds 双峰县's 2025 report already, as a draft: one report per unit and year.
    expect(page.locator(".errorlist")).to_contain_text(SURVEY_EXISTS)

    # She opens the draft instead: the title made from unit and year, sections written from the figures.
    page.get_by_role("link", name="调研报告").first.click()
    browser.row(title).get_by_role("link", name="查看").click()
    article = page.locator("article.survey")
    expect(article.locator("h1")).to_have_text(title)
    expect(article.locator("h2").first).to_have_text("一、基本情况")
    expect(article).to_contain_text(FIGURE_SENTENCE)

    # She rewrites the 妇女参政 paragraph in her own words: the report keeps it and marks it.
    politics = article.locator("section", has=page.get_by_role("heading", name=re.compile("妇女参政$")))
    politics.get_by_role("link", name="修改").first.click()
    expect(page.locator(".survey-generated")).to_contain_text(FIGURE_SENTENCE)
    page.locator("#id_text").fill(OWN_WORDS)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("段落已保存")
    expect(politics.locator(".survey-paragraph").first).to_contain_text(OWN_WORDS)
    expect(politics.locator(".survey-edited").first).to_have_text("（已修改）")

    page.get_by_role("link", name="编辑标题和问题、对策").click()
    page.locator("#id_problems").fill(PROBLEMS)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text(f"成功修改了 调研报告“{title}”")
    browser.row(title).get_by_role("link", name="查看").click()

    section = article.locator("section", has=page.get_by_role("heading", name=re.compile("问题与挑战$")))
    expect(section.locator("h2")).to_have_text(re.compile(r"^[一二三四五六七八九十]、问题与挑战$"))
    expect(section.locator(".survey-paragraph, .survey-point")).to_have_text(PROBLEMS.split("\n"))
    expect(section.locator(".survey-point")).to_have_text(PROBLEMS_POINTS)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Word").click()
    download = download_info.value
    assert download.suggested_filename == f"{title}.docx"
    path = downloads / download.suggested_filename
    download.save_as(path)
    paragraphs = [p.text for p in Document(path).paragraphs if p.text]
    assert paragraphs[0] == title
    assert "一、基本情况" in paragraphs
    assert OWN_WORDS in paragraphs and not any(FIGURE_SENTENCE in text for text in paragraphs)
    assert not any("已修改" in text for text in paragraphs)
    problems_heading = next(text for text in paragraphs if text.endswith("、问题与挑战"))
    after = paragraphs[paragraphs.index(problems_heading) + 1 :]
    assert after[:3] == PROBLEMS.split("\n")
    browser.screenshot("06_report")


def test_flow7_township_editor_never_sees_the_other_township(browser, demo):
    page = browser.page
    heye = demo.unit_id(HEYE)
    browser.login(TOWNSHIP_EDITOR)

    browser.goto(reverse("admin:orgunits_orgunit_changelist"))
    expect(browser.row("永丰街道")).to_have_count(1)
    expect(page.locator("#content")).not_to_contain_text("荷叶")

    page.locator("#searchbar").fill("荷叶")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    page.locator("#searchbar").fill("五里")
    page.locator("#searchbar").press("Enter")
    expect(browser.row("五里社区")).to_have_count(1)  # the search itself works

    browser.goto(reverse("admin:orgunits_orgunit_add"))
    browser.open_autocomplete("id_parent", "荷叶")
    expect(page.locator(".select2-results__option")).to_have_text(["未找到结果"])
    page.locator(".select2-search__field").fill("永丰")
    expect(page.locator(".select2-results__option").first).to_contain_text("永丰街道")
    page.keyboard.press("Escape")

    browser.goto(reverse("stats_coverage"))
    expect(page.locator("#content h2")).to_contain_text("永丰街道")
    expect(page.locator("#content")).not_to_contain_text("荷叶")
    # 永丰街道 (431321001), counted by hand: itself; 21 villages, 4 divisible by 7, 2 of those organised
    # since; 25 communities, 3 divisible by 7, none organised since (the split read from the unit rows).
    assert table_lines(browser, BY_KIND) == [
        ["街道", "1", "1", "100%"],
        ["村", "21", "19", "90.5%"],
        ["社区", "25", "22", "88%"],
        ["合计", "47", "42", "89.4%"],
    ]
    browser.screenshot("07_township_coverage")

    # Drilling into it by URL looks exactly like drilling into an id that does not exist: nothing listed,
    # and the filter names neither.
    changelist = reverse("admin:orgunits_orgunit_changelist")
    for parent in ("999999999", heye):
        browser.goto(changelist + f"?parent={parent}")
        expect(page.locator("#result_list tbody tr")).to_have_count(0)
        expect(page.locator("#changelist-filter")).to_contain_text("（不存在或无权查看）")
        expect(page.locator("#content")).not_to_contain_text("荷叶")

    # Out of scope looks the same as missing: the report pages say the unit is not a valid choice, as
    # for an id that does not exist, and the object pages answer 404.
    for template in (reverse("stats_coverage") + "?unit={}", reverse("stats_entry") + "?unit={}&year=2025"):
        texts = []
        for unit_id in (heye, "999999999"):
            assert browser.goto(template.format(unit_id)).status == 200
            expect(page.locator(".errorlist")).to_have_count(1)
            texts.append(page.locator("#content").inner_text())
        assert texts[0] == texts[1] and "荷叶" not in texts[0]
    browser.expect_console_error(r"status of 404")
    for path in (
        reverse("admin:orgunits_orgunit_history", args=[heye]),
        reverse("admin:orgunits_orgunit_change", args=[heye]),
    ):
        assert browser.goto(path).status == 404, path
        expect(page.locator("body")).not_to_contain_text("荷叶")
    expect(page.locator("h1")).to_have_text("页面不存在")
    browser.screenshot("07_township_refused")


def fits_sideways(page, selector: str) -> list[tuple[int, int]]:
    """(scrollWidth, clientWidth) of each box matching the selector: a table that fits scrolls nowhere."""
    return page.locator(selector).evaluate_all("boxes => boxes.map(box => [box.scrollWidth, box.clientWidth])")


def test_flow8_county_clerk_sees_only_what_she_can_open_and_do(browser, demo):
    """Issue 13 as it shows on screen at 1280 px: ancestors above her county as text, no 所属 in the tree,
    coverage tables that fit, worklists that say when they are empty, and only the actions she may take."""
    page = browser.page
    page.set_viewport_size({"width": 1280, "height": 860})
    county, township = demo.unit_id(SHUANGFENG), demo.unit_id(HEYE)
    browser.login(COUNTY_CLERK)

    browser.goto(reverse("admin:orgunits_orgunit_changelist"))
    expect(page.locator("#result_list thead th.column-location")).to_have_count(0)  # the tree needs no 所属
    browser.row("双峰县").get_by_role("link", name=CHILDREN_LINK).click()
    trail = page.locator("nav.unit-trail")
    expect(trail).to_contain_text("全部单位 › 全国 › 湖南省 › 娄底市 › 双峰县")
    for ancestor in ("全国", "湖南省", "娄底市"):
        expect(trail.get_by_role("link", name=ancestor, exact=True)).to_have_count(0)
        parent_filter = page.locator("#changelist-filter details[data-filter-title='上级单位']")
        expect(parent_filter).to_contain_text(ancestor)
        expect(parent_filter.get_by_role("link", name=ancestor, exact=True)).to_have_count(0)
    expect(page.locator("a.unit-up")).to_have_count(0)  # nothing above her county she could open
    expect(page.locator("#result_list thead th.column-location")).to_have_count(0)
    browser.row("荷叶镇").get_by_role("link", name=CHILDREN_LINK).click()
    page.locator("a.unit-up").click()
    expect(trail.locator("strong")).to_have_text("双峰县")
    page.locator("#searchbar").fill("荷叶")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#result_list thead th.column-location")).to_have_count(1)  # search results are flat
    browser.screenshot("08_tree_above_her_county", full_page=False)

    # Her county: neither 移动 (it would leave the city, outside her scope) nor 删除 (refused: it has units);
    # a link to its survey reports, and the report form's unit without icons, with a placeholder.
    browser.goto(reverse("admin:orgunits_orgunit_change", args=[county]))
    tools = page.locator(".object-tools")
    expect(tools.get_by_role("link", name="撤销", exact=True)).to_have_count(1)
    expect(tools.get_by_role("link", name="移动", exact=True)).to_have_count(0)
    expect(page.locator(".submit-row .deletelink")).to_have_count(0)
    tools.get_by_role("link", name=re.compile(r"^调研报告（\d+）$")).click()
    expect(page.locator("h1")).to_have_text("选择 调研报告 来修改")
    page.get_by_role("link", name="增加 调研报告").click()
    expect(page.locator("#select2-id_unit-container")).to_have_text(UNIT_PLACEHOLDER)
    expect(page.locator(".related-widget-wrapper-link")).to_have_count(0)

    browser.goto(reverse("admin:orgunits_orgunit_change", args=[township]))
    page.locator(".object-tools").get_by_role("link", name="移动", exact=True).click()
    expect(page.locator(".submit-row a.closelink")).to_have_text("取消")
    expect(page.locator("#nav-sidebar thead th").first).to_have_text("模型名称")

    browser.expect_console_error(r"status of 403")
    assert browser.goto(reverse("admin:orgunits_orgunit_move", args=[county])).status == 403
    expect(page.locator("h1")).to_have_text("无权访问")
    expect(page.locator("#content .errornote")).to_have_text(MOVE_TOP_UNIT)

    worklist = reverse("rosters_worklist", args=["busy"]) + f"?unit={township}&on=2000-01-01"
    browser.goto(worklist)
    expect(page.locator("#content h2")).to_have_text("荷叶镇，2000年1月1日：共 0 条")
    expect(page.locator("#content table tbody")).to_have_text(EMPTY_WORKLIST)
    browser.goto(reverse("rosters_worklist", args=["vacant-seats"]) + f"?unit={county}")
    expect(page.locator("#content table thead th").nth(1)).to_have_text("所属")
    expect(page.locator("#content table tbody tr").first.locator("td").nth(1)).to_contain_text("湖南省 / 娄底市")
    browser.screenshot("08_vacant_seats", full_page=False)

    # On DEMO_TODAY against a year before (2025-11-30), counted by hand as for SHUANGFENG_BY_KIND: then 16 of
    # the 77 village-level gaps were organised (8 in 2024, 8 by 30 November 2025) and 2 villages merged away:
    # 1 + 14 + 2 + 521 + 4 + 3 + 2 + 1 = 548 eligible; established all but the 61 gaps, 教育局, 农机装备 (2026)
    # and 荷叶湘绣合作社 (dissolved): 484 (88.3%). Now 547 and 493 (90.1%).
    browser.goto(reverse("stats_coverage") + f"?unit={county}&compare=on&on={DEMO_TODAY.isoformat()}")
    expect(browser.row("合计", table=BY_KIND).locator("td")).to_have_text(
        ["547", "493", "90.1%", "548", "484", "88.3%", "+9", "+1.8"]
    )
    change = page.locator("table:has(caption:text-is('按下级单位')) thead th abbr")
    expect(change).to_have_text("变化")
    expect(change).to_have_attribute("title", re.compile("百分点"))
    for width in (1280, 1600):
        page.set_viewport_size({"width": width, "height": 860})
        boxes = fits_sideways(page, "#content .figures-module")
        # 按单位类型, 按下级单位 and 妇代会改建妇联 (the demo's 3 communities that kept their 妇代会).
        assert len(boxes) == 3 and all(scroll <= client for scroll, client in boxes), (width, boxes)
        header_heights = page.locator(".figures thead th").evaluate_all("ths => ths.map(th => th.offsetHeight)")
        line = page.locator(".figures tbody td").first.evaluate("td => parseFloat(getComputedStyle(td).lineHeight)")
        assert max(header_heights) < 3 * line + 16, (width, header_heights)  # two lines at most, plus padding
        browser.screenshot(f"08_coverage_{width}")


def test_the_watch_catches_foreign_requests_and_csp_violations(browser):
    """The guard the flows rely on: without it, "no foreign host, no console error" would pass vacuously."""
    page = browser.page
    browser.goto(reverse("admin:login"))
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("() => document.body.append(Object.assign(new Image(), {src: 'http://cdn.example.org/a.png'}))")
    page.set_content('<img src="http://cdn.example.org/b.png">')  # about:blank has no CSP
    page.wait_for_load_state()
    assert browser.watch.foreign_requests == ["http://cdn.example.org/a.png", "http://cdn.example.org/b.png"]
    assert any("Content Security Policy" in error for error in browser.watch.console_errors)
    browser.watch.console_errors.clear()
    browser.watch.foreign_requests.clear()
