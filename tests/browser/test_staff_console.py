"""The staff console in Chromium: both demo users sign in and walk a day's work at the front
desk (confirm, attended, converted, no-show, cancel, history, export), in both languages,
and a conflict between two members of staff. Saves the README's screenshot."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from infra import cfn
from tests.browser.clinic_page import SCREENSHOTS, new_phone, open_dates
from tests.support import LocalApi

pytestmark = pytest.mark.browser

README_SCREENSHOT = cfn.ROOT / "docs" / "staff-console.png"
NAMES = ["Chan Tai Man", "Wong Siu Ling", "Lee Ka Yan", "Cheung Wai Kit", "Ho Mei Yee"]


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    """A landscape tablet at the front desk, Hong Kong time; fails on a JavaScript error."""
    context = browser.new_context(locale="en-US", timezone_id="Asia/Hong_Kong", viewport={"width": 1180, "height": 820})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())  # "Cancel …? " confirmations
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def book(api: LocalApi, branch: str, day: str, names: list[str]) -> list[str]:
    """Registrations made through the public API; their references."""
    references = []
    for name in names:
        answer = api.request(
            "POST",
            "/registrations",
            {
                "name": name,
                "phone": new_phone(),
                "treatment": "acne-treatment",
                "branch": branch,
                "preferred_date": day,
                "preferred_period": "morning",
                "agree_terms": True,
            },
        )
        assert answer.status == 201, answer.body
        references.append(answer.body["reference"])
    return references


def sign_in(page: Page, api: LocalApi, username: str, lang: str = "en") -> None:
    page.goto(f"{api.base_url}/staff/?lang={lang}")
    page.get_by_label("Username" if lang == "en" else "用戶名稱").fill(username)
    page.get_by_role("button", name="Sign in" if lang == "en" else "登入").click()


def row(page: Page, reference: str) -> Locator:
    return page.locator(f'li.row[data-reference="{reference}"]')


def buttons(item: Locator) -> list[str]:
    return [text.strip() for text in item.locator("button.action").all_inner_texts()]


def test_branch_staff_walk_a_days_work(tablet: Page, local_stack: LocalApi) -> None:
    page = tablet
    day = open_dates(local_stack, "causeway-bay")[25]
    first, second, third, fourth, fifth = book(local_stack, "causeway-bay", day, NAMES)

    sign_in(page, local_stack, "staff-causeway-bay")
    expect(page.get_by_text("Signed in as staff-causeway-bay")).to_be_visible()
    expect(page.get_by_label("Branch")).to_have_count(0)  # branch staff: their own branch only
    expect(page.get_by_text("Causeway Bay", exact=True)).to_be_visible()
    page.get_by_label("Date").fill(day)
    expect(row(page, fifth)).to_be_visible()
    expect(row(page, first).locator("a.phone")).to_have_attribute("href", re.compile(r"^tel:\+852\d{8}$"))
    assert buttons(row(page, first)) == ["Confirm", "Cancel registration"]

    # Called and confirmed, came, bought a course.
    row(page, first).get_by_role("button", name="Confirm").click()
    expect(row(page, first).locator(".status")).to_have_text("Confirmed")
    assert buttons(row(page, first)) == ["Attended", "No-show", "Cancel registration"]
    row(page, first).get_by_role("button", name="Attended").click()
    expect(row(page, first).locator(".status")).to_have_text("Attended")
    row(page, first).get_by_label("Note (optional)").fill("Bought a 6-session course")
    row(page, first).get_by_role("button", name="Converted").click()
    expect(row(page, first).locator(".status")).to_have_text("Converted")
    expect(row(page, first).locator("button.action")).to_have_count(0)

    # Confirmed, never came.
    row(page, second).get_by_role("button", name="Confirm").click()
    expect(row(page, second).locator(".status")).to_have_text("Confirmed")
    row(page, second).get_by_role("button", name="No-show").click()
    expect(row(page, second).locator(".status")).to_have_text("No-show")

    # Asked by phone to cancel: the place goes back.
    row(page, third).get_by_role("button", name="Cancel registration").click()
    expect(row(page, third).locator(".status")).to_have_text("Cancelled")
    row(page, fourth).get_by_role("button", name="Confirm").click()
    expect(row(page, fourth).locator(".status")).to_have_text("Confirmed")

    # The history says who did what.
    row(page, first).get_by_role("button", name="History").click()
    steps = row(page, first).locator(".history li")
    expect(steps).to_have_count(3)
    expect(steps.nth(2)).to_contain_text("staff-causeway-bay")
    expect(steps.nth(2)).to_contain_text("Bought a 6-session course")

    # Only confirmed ones, then everyone again.
    page.get_by_label("Status").select_option("confirmed")
    expect(row(page, fourth)).to_be_visible()
    expect(row(page, first)).to_have_count(0)
    page.get_by_label("Status").select_option("")
    expect(row(page, fifth)).to_be_visible()

    page.screenshot(path=str(README_SCREENSHOT))
    page.screenshot(path=str(SCREENSHOTS / "staff-console-en.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"registrations-causeway-bay-{day}.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("reference,status,name,phone")
    for reference, status in [(first, "converted"), (second, "no_show"), (third, "cancelled"), (fifth, "pending")]:
        assert re.search(rf"^{reference},{status}", text, re.MULTILINE), reference

    # The cancelled place is free again.
    options = local_stack.request("GET", "/registration-options?treatment=acne-treatment").body
    assert day not in options["full_dates"]


def test_a_manager_picks_a_branch_in_chinese(tablet: Page, local_stack: LocalApi) -> None:
    page = tablet
    day = open_dates(local_stack, "mong-kok")[26]
    [reference] = book(local_stack, "mong-kok", day, ["陳小明"])
    sign_in(page, local_stack, "manager", lang="zh-HK")
    expect(page.locator("html")).to_have_attribute("lang", "zh-HK")
    page.get_by_label("分店").select_option("mong-kok")
    page.get_by_label("日期").fill(day)
    item = row(page, reference)
    expect(item).to_contain_text("陳小明")
    assert buttons(item) == ["確認", "取消登記"]
    item.get_by_role("button", name="確認").click()
    expect(item.locator(".status")).to_have_text("已確認")
    expect(page.get_by_role("button", name="匯出 CSV")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "staff-console-zh-HK.png"), full_page=True)


def test_the_history_shows_the_linked_health_precautions(tablet: Page, local_stack: LocalApi) -> None:
    page = tablet
    day = open_dates(local_stack, "causeway-bay")[27]
    questionnaire = {
        "skin_type": "oily",
        "concerns": ["enlarged_pores"],
        "pore_shape": "round",
        "age_range": "25_34",
        "precautions": ["sunburn"],
    }
    rec = local_stack.request("POST", "/recommendations", questionnaire).body["recommendation_id"]
    answer = local_stack.request(
        "POST",
        "/registrations",
        {
            "name": "Ho Wing Sze",
            "phone": new_phone(),
            "treatment": "acne-treatment",
            "branch": "causeway-bay",
            "preferred_date": day,
            "agree_terms": True,
            "recommendation_id": rec,
        },
    )
    reference = answer.body["reference"]
    sign_in(page, local_stack, "staff-causeway-bay")
    page.get_by_label("Date").fill(day)
    row(page, reference).get_by_role("button", name="History").click()
    notes = row(page, reference).locator(".health-notes")
    expect(notes).to_contain_text("Health notes from the questionnaire")
    expect(notes).to_contain_text("Sunburn")
    expect(notes).to_contain_text("AHA Chemical Peel")


def test_a_conflict_reloads_the_row_and_says_so(browser: Browser, tablet: Page, local_stack: LocalApi) -> None:
    day = open_dates(local_stack, "causeway-bay")[27]
    [reference] = book(local_stack, "causeway-bay", day, ["Yip Chi Keung"])
    manager = tablet
    sign_in(manager, local_stack, "manager")
    manager.get_by_label("Branch").select_option("causeway-bay")
    manager.get_by_label("Date").fill(day)
    expect(row(manager, reference)).to_be_visible()

    # Meanwhile the front desk confirms it on another tablet.
    other = browser.new_context(timezone_id="Asia/Hong_Kong")
    try:
        desk = other.new_page()
        sign_in(desk, local_stack, "staff-causeway-bay")
        desk.get_by_label("Date").fill(day)
        row(desk, reference).get_by_role("button", name="Confirm").click()
        expect(row(desk, reference).locator(".status")).to_have_text("Confirmed")
    finally:
        other.close()

    row(manager, reference).get_by_role("button", name="Confirm").click()
    expect(row(manager, reference).get_by_role("status")).to_contain_text("Someone else changed this registration")
    expect(row(manager, reference).locator(".status")).to_have_text("Confirmed")
    assert buttons(row(manager, reference)) == ["Attended", "No-show", "Cancel registration"]


def test_signing_in_with_an_unknown_name_says_so(page: Page, local_stack: LocalApi) -> None:
    sign_in(page, local_stack, "somebody")
    expect(page.get_by_role("alert")).to_have_text("That username is not a staff account here.")
