"""The clerks' everyday flows, in a real browser, on the demo data.

Flows 3 (unit import) and 6 (survey report page) are added by the branches that build those pages.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import COUNTY_CLERK, TOWNSHIP_EDITOR

pytestmark = pytest.mark.e2e

SHUANGFENG, HEYE, ZIYUNHU = "431321", "431321101", "431321101265"  # county, township, village
CHILDREN_LINK = re.compile(r"^\d+ 个 ›$")  # the drill-down link of the tree list


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
