"""The manage link: shown once after registering, it opens the booking's manage panel, where
the person sees the booking (contact details masked) and can cancel it."""

# The page's texts (Chinese punctuation) are matched exactly as people see them.
# ruff: noqa: RUF001

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response, Route, expect

from tests.browser.clinic_page import (
    REFERENCE,
    api_path,
    fill_registration,
    is_registration_post,
    manage_fragment,
    new_phone,
    open_dates,
    register_by_api,
    screenshot,
    sent_json,
    server_log,
    submit_button,
    widget,
)
from tests.support import LocalApi

pytestmark = pytest.mark.browser

MANAGE_CALLS = re.compile(r".*/registrations/PM-[^/?]+(/cancel|/marketing-opt-out)?(\?.*)?$")


def detail(panel: Locator, key: str) -> Locator:
    """One value of the manage panel's details (``status``, ``phone``, …)."""
    return panel.locator(f'dd[data-field="{key}"]')


def is_details_call(reference: str) -> Callable[[Response], bool]:
    """A predicate for the manage panel's ``GET /registrations/{reference}`` answer."""
    return lambda response: response.request.method == "GET" and api_path(response.url) == f"/registrations/{reference}"


def is_cancel_call(response: Response) -> bool:
    """Whether an answer is the manage panel's ``POST /registrations/{reference}/cancel``."""
    return bool(response.request.method == "POST" and api_path(response.url).endswith("/cancel"))


def watch(page: Page) -> tuple[list[Request], list[str]]:
    """Record every request the page makes and everything it writes to the console."""
    requests: list[Request] = []
    console: list[str] = []

    def sent(request: Request) -> None:
        requests.append(request)

    page.on("request", sent)

    def log(message: ConsoleMessage) -> None:
        console.append(message.text)

    page.on("console", log)
    return requests, console


def assert_token_only_in_the_header(requests: list[Request], console: list[str], token: str) -> None:
    """The manage token went out in X-Manage-Token only: no URL, body or console line has it."""
    assert requests
    for request in requests:
        assert token not in request.url, f"the token leaked into {request.method} {api_path(request.url)}"
        assert token not in (request.post_data or ""), f"the token leaked into {request.method} body"
        if request.headers.get("x-manage-token") is not None:
            assert MANAGE_CALLS.match(request.url), f"X-Manage-Token sent to {request.url}"
    assert not [line for line in console if token in line], "the token was written to the console"


def test_the_manage_link_shows_the_booking_and_cancels_it(page: Page, local_stack: LocalApi) -> None:
    phone = new_phone()
    digits = phone.replace(" ", "")
    day = open_dates(local_stack, "sha-tin")[5]
    requests, console = watch(page)
    page.goto(local_stack.base_url)
    page_url = page.url
    form = widget(page, "registration")
    fill_registration(page, phone=phone, day=day)
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()
    assert answer.value.status == 201
    created = answer.value.json()
    reference, token = created["reference"], created["manage_token"]
    assert REFERENCE.match(reference)
    assert token

    # The success panel: the link, the privacy note, the copyable field.
    link_url = page_url + manage_fragment(reference, token)
    link = form.get_by_role("link", name="Manage or cancel this booking")
    expect(link).to_have_attribute("href", link_url)
    expect(form.locator(".clinic-manage-keep")).to_contain_text("Keep this link private: it works like a key")
    field = form.get_by_label("Your private manage link")
    expect(field).to_have_value(link_url)
    expect(field).to_have_attribute("readonly", "")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=local_stack.base_url)
    form.get_by_role("button", name="Copy link").click()
    expect(form.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link_url
    screenshot(form, "registration-success-manage-link")

    # Following the link (a hashchange) opens the manage panel.
    with page.expect_response(is_details_call(reference)) as details:
        link.click()
    assert details.value.status == 200
    assert details.value.request.headers.get("x-manage-token") == token
    expect(page).to_have_url(link_url)
    panel = form.locator(".clinic-manage")
    expect(panel.get_by_role("heading", name="Manage your booking")).to_be_focused()
    expect(panel.locator(".clinic-reference")).to_have_text(reference)
    expect(detail(panel, "status")).to_have_text("Pending confirmation")
    expect(detail(panel, "treatment")).to_have_text("Acne Treatment")
    expect(detail(panel, "branch")).to_have_text("Sha Tin")
    preferred = date.fromisoformat(day)
    expect(detail(panel, "preferred_date")).to_have_text(
        re.compile(rf"^{preferred:%A}, {preferred.day} {preferred:%B} {preferred.year}$")
    )
    expect(detail(panel, "preferred_period")).to_have_text("Any time")
    expect(detail(panel, "phone")).to_have_text(f"+852 ****-**{digits[-2:]}")
    expect(detail(panel, "email")).to_have_text("Not given")
    expect(detail(panel, "marketing_consent")).to_have_text("No")
    expect(panel.get_by_role("status").filter(has_text=f"Booking {reference}: Pending confirmation.")).to_be_attached()
    body_text = page.locator("body").inner_text()
    for written in (phone, digits, f"+852{digits}", f"+852 {phone}"):
        assert written not in body_text, "the full phone number must not be on the page"
        assert written not in page.content()

    # Cancel: an in-page confirmation, which Escape (or "No") steps back from.
    panel.get_by_role("button", name="Cancel this booking").click()
    confirm = panel.get_by_role("group", name="Cancel this booking?")
    expect(confirm.get_by_role("heading", name="Cancel this booking?")).to_be_focused()
    expect(confirm).to_contain_text(f"Booking {reference} will be cancelled and your free-trial place released.")
    screenshot(form, "manage-en")
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    start = panel.get_by_role("button", name="Cancel this booking")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    expect(confirm.get_by_role("heading")).to_be_focused()
    page.keyboard.press("Tab")
    yes = confirm.get_by_role("button", name="Yes, cancel my booking")
    expect(yes).to_be_focused()
    with page.expect_response(is_cancel_call) as cancel:
        page.keyboard.press("Enter")
    assert cancel.value.status == 200
    assert cancel.value.json() == {"reference": reference, "status": "cancelled"}
    assert cancel.value.request.headers.get("x-manage-token") == token

    expect(detail(panel, "status")).to_have_text("Cancelled")
    expect(panel.locator(".clinic-manage-done")).to_contain_text(f"Your booking {reference} has been cancelled.")
    expect(panel.get_by_role("status").filter(has_text="has been cancelled")).to_be_attached()
    expect(panel.get_by_role("button", name="Cancel this booking")).to_have_count(0)
    book_again = panel.get_by_role("button", name="Book again")
    expect(book_again).to_be_focused()

    # The link still works after a reload (the fragment stays): the booking is cancelled.
    with page.expect_response(is_details_call(reference)) as reloaded:
        page.reload()
    assert reloaded.value.status == 200
    expect(panel.get_by_role("heading", name="Manage your booking")).to_be_focused()
    expect(detail(panel, "status")).to_have_text("Cancelled")

    # Book again: the fragment goes, the empty form comes, and the freed trial can be taken.
    panel.get_by_role("button", name="Book again").click()
    expect(form.get_by_label("Full name")).to_be_focused()
    expect(form.get_by_label("Full name")).to_have_value("")
    expect(page).to_have_url(page_url)
    fill_registration(page, phone=phone, day=day)
    with page.expect_response(lambda response: is_registration_post(response.request)) as again:
        submit_button(page).click()
    assert again.value.status == 201, "cancelling frees the person's trial"
    assert sent_json(again.value.request)["source"]["page_url"] == page_url
    assert again.value.json()["reference"] != reference
    expect(form.get_by_role("link", name="Manage or cancel this booking")).to_be_visible()

    assert_token_only_in_the_header(requests, console, token)
    assert token not in server_log(local_stack), "a fragment never reaches the server"


def test_the_manage_panel_in_chinese_cancels_the_booking(page: Page, local_stack: LocalApi) -> None:
    phone = new_phone()
    day = open_dates(local_stack, "mong-kok")[4]
    created = register_by_api(
        local_stack,
        phone=phone,
        day=day,
        branch="mong-kok",
        email="tm.chan@example.com",
        preferred_period="afternoon",
        marketing_consent=True,
    )
    reference, token = created["reference"], created["manage_token"]
    requests, console = watch(page)
    with page.expect_response(is_details_call(reference)) as details:
        page.goto(f"{local_stack.base_url}/zh-HK/{manage_fragment(reference, token)}")
    assert details.value.status == 200
    assert "lang=zh-HK" in details.value.url

    form = widget(page, "registration")
    panel = form.locator(".clinic-manage")
    expect(panel.get_by_role("heading", name="管理你的預約")).to_be_focused()
    expect(panel.locator(".clinic-reference")).to_have_text(reference)
    expect(detail(panel, "status")).to_have_text("等待確認")
    expect(detail(panel, "treatment")).to_have_text("暗瘡療程")
    expect(detail(panel, "branch")).to_have_text("旺角")
    preferred = date.fromisoformat(day)
    expect(detail(panel, "preferred_date")).to_contain_text(f"{preferred.year}年{preferred.month}月{preferred.day}日")
    expect(detail(panel, "preferred_period")).to_have_text("下午")
    expect(detail(panel, "phone")).to_have_text(f"+852 ****-**{phone[-2:]}")
    expect(detail(panel, "email")).to_have_text("t******@example.com")
    expect(detail(panel, "marketing_consent")).to_have_text("是")
    assert phone.replace(" ", "") not in page.content()

    # Promotional messages can be stopped here, free and at once; the booking stays.
    with page.expect_response(lambda r: "/marketing-opt-out" in r.url) as opt_out:
        panel.get_by_role("button", name="停止接收推廣資訊").click()
    assert opt_out.value.status == 200
    expect(detail(panel, "marketing_consent")).to_have_text("否")
    expect(panel.get_by_role("button", name="停止接收推廣資訊")).to_have_count(0)
    expect(detail(panel, "status")).to_have_text("等待確認")

    panel.get_by_role("button", name="取消此預約").click()
    confirm = panel.get_by_role("group", name="確定取消此預約？")
    expect(confirm.get_by_role("heading")).to_be_focused()
    with page.expect_response(is_cancel_call) as cancel:
        confirm.get_by_role("button", name="確定取消預約").click()
    assert cancel.value.status == 200
    expect(detail(panel, "status")).to_have_text("已取消")
    expect(panel.locator(".clinic-manage-done")).to_contain_text(f"你的預約 {reference} 已經取消。")
    expect(panel.get_by_role("button", name="重新預約")).to_be_focused()
    screenshot(form, "manage-cancelled-zh-HK")

    # Cancelling is idempotent.
    again = local_stack.request("POST", f"/registrations/{reference}/cancel", headers={"X-Manage-Token": token})
    assert again.status == 200
    assert again.body == {"reference": reference, "status": "cancelled"}
    assert_token_only_in_the_header(requests, console, token)


def test_the_person_stops_promotional_messages_from_the_manage_panel(page: Page, local_stack: LocalApi) -> None:
    created = register_by_api(
        local_stack, phone=new_phone(), day=open_dates(local_stack, "sha-tin")[9], marketing_consent=True
    )
    reference, token = created["reference"], created["manage_token"]
    page.goto(f"{local_stack.base_url}/{manage_fragment(reference, token)}")
    panel = widget(page, "registration").locator(".clinic-manage")
    expect(detail(panel, "marketing_consent")).to_have_text("Yes")
    expect(panel.locator(".clinic-manage-marketing")).to_contain_text("free of charge")
    panel.get_by_role("button", name="Stop promotional messages").click()
    expect(detail(panel, "marketing_consent")).to_have_text("No")
    expect(panel.get_by_role("button", name="Stop promotional messages")).to_have_count(0)
    stored = local_stack.request("GET", f"/registrations/{reference}", headers={"X-Manage-Token": token})
    assert stored.body["marketing_consent"] is False
    assert stored.body["status"] == "pending_confirmation"


def test_a_link_with_a_wrong_token_says_it_is_not_valid(page: Page, local_stack: LocalApi) -> None:
    created = register_by_api(
        local_stack, phone=new_phone(), day=open_dates(local_stack, "central")[4], branch="central"
    )
    reference = created["reference"]
    wrong = "x" * len(created["manage_token"])
    with page.expect_response(is_details_call(reference)) as details:
        page.goto(local_stack.base_url + "/" + manage_fragment(reference, wrong))
    assert details.value.status == 404
    form = widget(page, "registration")
    panel = form.locator(".clinic-manage")
    alert = panel.get_by_role("alert")
    expect(alert).to_have_text(re.compile(r"^This manage link is not valid or has expired\."))
    expect(panel.get_by_role("heading", name="Manage your booking")).to_be_focused()
    expect(panel.locator("dd")).to_have_count(0)
    screenshot(form, "manage-invalid-en")

    # A link that cannot be one is refused without asking the API.
    manage_calls: list[str] = []
    page.on("request", lambda request: manage_calls.append(request.url) if MANAGE_CALLS.match(request.url) else None)
    page.evaluate("location.hash = 'clinic-manage=not-a-link'")
    expect(alert).to_have_text(re.compile(r"^This manage link is not valid or has expired\."))
    assert manage_calls == []

    panel.get_by_role("button", name="Book a free trial").click()
    expect(form.get_by_label("Full name")).to_be_focused()
    expect(page).to_have_url(f"{local_stack.base_url}/")


def test_a_busy_server_or_no_network_asks_to_retry_in_the_manage_panel(page: Page, local_stack: LocalApi) -> None:
    created = register_by_api(local_stack, phone=new_phone(), day=open_dates(local_stack, "sha-tin")[7])
    reference, token = created["reference"], created["manage_token"]

    def busy(route: Route) -> None:
        route.fulfill(
            status=503,
            headers={"Retry-After": "2", "Content-Type": "application/json"},
            body='{"error": {"code": "SERVICE_UNAVAILABLE", "message": "Busy"}}',
        )

    page.route(MANAGE_CALLS, busy)
    page.goto(local_stack.base_url + "/" + manage_fragment(reference, token))
    form = widget(page, "registration")
    panel = form.locator(".clinic-manage")
    expect(panel.get_by_role("alert")).to_have_text(
        "Sorry, your booking could not be loaded. Our system is busy right now. Please try again in about 2 seconds."
    )
    retry = panel.get_by_role("button", name="Try again")
    expect(retry).to_be_disabled()
    expect(retry).to_be_enabled()  # once Retry-After has passed

    page.unroute(MANAGE_CALLS)
    retry.click()
    expect(detail(panel, "status")).to_have_text("Pending confirmation")
    expect(panel.locator(":scope > .clinic-alert")).to_be_empty()

    page.route(MANAGE_CALLS, lambda route: route.abort("internetdisconnected"))
    panel.get_by_role("button", name="Cancel this booking").click()
    confirm = panel.get_by_role("group", name="Cancel this booking?")
    confirm.get_by_role("button", name="Yes, cancel my booking").click()
    expect(confirm.get_by_role("alert")).to_contain_text(
        "Sorry, your booking could not be cancelled. We couldn't reach the clinic."
    )
    expect(confirm.get_by_role("button", name="Yes, cancel my booking")).to_be_focused()
    expect(detail(panel, "status")).to_have_text("Pending confirmation")

    page.unroute(MANAGE_CALLS)
    with page.expect_response(is_cancel_call) as cancel:
        confirm.get_by_role("button", name="Yes, cancel my booking").click()
    assert cancel.value.status == 200
    expect(detail(panel, "status")).to_have_text("Cancelled")
