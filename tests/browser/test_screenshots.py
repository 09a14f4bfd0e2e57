"""Screenshots of the demo page and its widgets, in both languages and on a phone, saved under
test-artifacts/screenshots/ for people to look at (the other tests add the widgets' states)."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.clinic_page import screenshot, widget
from tests.support import LocalApi

pytestmark = pytest.mark.browser


def wait_for_widgets(page: Page) -> None:
    """Wait until the three widgets have loaded what they show."""
    expect(widget(page, "registration").locator("form")).to_be_visible()
    expect(widget(page, "questionnaire").locator("form")).to_be_visible()
    expect(widget(page, "faq").locator(".clinic-faq-item").first).to_be_visible()


@pytest.mark.parametrize(("lang", "path"), [("en", "/"), ("zh-HK", "/zh-HK/")])
def test_the_page_and_each_widget(page: Page, local_stack: LocalApi, lang: str, path: str) -> None:
    page.goto(local_stack.base_url + path)
    wait_for_widgets(page)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    other = page.locator("header a[hreflang]")
    expect(other).to_have_attribute("href", "/zh-HK/" if lang == "en" else "/")
    screenshot(page, f"page-{lang}", full_page=True)
    screenshot(widget(page, "registration"), f"registration-{lang}")
    screenshot(widget(page, "questionnaire"), f"questionnaire-{lang}")
    first = widget(page, "faq").locator(".clinic-faq-item").first
    first.get_by_role("button").first.click()
    expect(first.get_by_role("region")).to_be_visible()
    screenshot(widget(page, "faq"), f"faq-{lang}")


def test_the_page_on_a_phone(browser: Browser, local_stack: LocalApi) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    try:
        phone = context.new_page()
        phone.goto(local_stack.base_url + "/zh-HK/")
        wait_for_widgets(phone)
        screenshot(widget(phone, "registration"), "registration-phone-zh-HK")
        screenshot(widget(phone, "questionnaire"), "questionnaire-phone-zh-HK")
    finally:
        context.close()
