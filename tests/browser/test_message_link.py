"""The manage link a confirmation SMS carries opens the booking's manage panel on the page."""

import re

from playwright.sync_api import Page, expect

from tests.browser.clinic_page import new_phone, open_dates, register_by_api, widget
from tests.integration.test_messages_http import wait_for
from tests.support import LocalApi


def test_the_link_in_the_chinese_sms_opens_the_manage_panel(page: Page, local_stack: LocalApi) -> None:
    phone = new_phone()
    created = register_by_api(local_stack, phone=phone, day=open_dates(local_stack, "sha-tin")[5], lang="zh-HK")
    to = "+852" + "".join(ch for ch in phone if ch.isdigit())[-8:]
    (sms,) = wait_for(local_stack, to, lambda items: len(items) == 1)
    link = re.search(r"https?://\S+#clinic-manage=\S+", sms["text"])
    assert link is not None

    page.goto(link.group())

    panel = widget(page, "registration").locator(".clinic-manage")
    expect(panel.get_by_role("heading", name="管理你的預約")).to_be_visible()
    expect(panel.locator(".clinic-reference")).to_have_text(created["reference"])
