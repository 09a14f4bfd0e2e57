"""Exactly-once from the registration widget (API contract v1.1): one Idempotency-Key per
submission, kept on the widget's own retries (a lost connection, a 503 with Retry-After) and
when the person sends the same form again; a changed form or a new registration gets a new
key. A phone number that already holds a trial is told so in the widget's own words, with
nothing of the existing booking."""

# The page's texts (Chinese punctuation) are matched exactly as people see them.
# ruff: noqa: RUF001

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Request, Route, expect

from tests.browser.clinic_page import (
    REFERENCE,
    fill_registration,
    is_registration_post,
    new_phone,
    open_dates,
    register_by_api,
    screenshot,
    submit_button,
    widget,
)
from tests.support import LocalApi

pytestmark = pytest.mark.browser

REGISTRATIONS = re.compile(r".*/registrations(\?.*)?$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
BUSY = '{"error": {"code": "SERVICE_UNAVAILABLE", "message": "Busy"}}'
ALREADY = {
    "en": (
        "This mobile number already has an active free-trial booking for this treatment, so another one can't "
        "be made. To see, change or cancel it, use the private manage link you were given when you registered, "
        "or contact the clinic and our staff will help."
    ),
    "zh-HK": (
        "此手機號碼已有一個有效的免費體驗預約，因此不能再預約這項療程。如要查看、更改或取消預約，"
        "請使用你登記時取得的私人管理連結，或聯絡診所，我們的職員樂意協助。"
    ),
}


def record_keys(page: Page) -> list[str | None]:
    """The Idempotency-Key of every ``POST /registrations`` the page sends from now on."""
    keys: list[str | None] = []

    def sent(request: Request) -> None:
        if is_registration_post(request):
            keys.append(request.headers.get("idempotency-key"))

    page.on("request", sent)
    return keys


def fail_first(page: Page, fail: Callable[[Route], None]) -> None:
    """Let ``fail`` answer the first ``POST /registrations``; the later ones reach the stack."""
    failed: list[Route] = []

    def handle(route: Route) -> None:
        if is_registration_post(route.request) and not failed:
            failed.append(route)
            fail(route)
        else:
            route.continue_()

    page.route(REGISTRATIONS, handle)


def test_a_503_with_retry_after_is_retried_with_the_same_key(page: Page, local_stack: LocalApi) -> None:
    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    fill_registration(page, phone=new_phone(), day=open_dates(local_stack, "central")[2], branch="central")
    keys = record_keys(page)
    fail_first(
        page,
        lambda route: route.fulfill(
            status=503, headers={"Retry-After": "2", "Content-Type": "application/json"}, body=BUSY
        ),
    )
    submit_button(page).click()
    expect(form.locator(".clinic-alert")).to_have_text("Our system is busy right now. Trying again in 2 seconds…")
    expect(form.get_by_role("button", name="Sending…")).to_be_disabled()

    expect(form.locator(".clinic-reference")).to_have_text(REFERENCE)  # the retry, after Retry-After
    expect(form.get_by_role("link", name="Manage or cancel this booking")).to_be_visible()
    assert len(keys) == 2
    assert keys[0] is not None
    assert UUID4.match(keys[0])
    assert keys[1] == keys[0]


def test_a_lost_connection_is_retried_with_the_same_key(page: Page, local_stack: LocalApi) -> None:
    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    fill_registration(page, phone=new_phone(), day=open_dates(local_stack, "central")[3], branch="central")
    keys = record_keys(page)
    fail_first(page, lambda route: route.abort("internetdisconnected"))
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()
    assert answer.value.status == 201

    expect(form.locator(".clinic-reference")).to_have_text(answer.value.json()["reference"])
    assert len(keys) == 2
    assert keys[0] is not None
    assert UUID4.match(keys[0])
    assert keys[1] == keys[0]


def test_the_same_form_keeps_its_key_and_a_changed_or_new_one_gets_another(page: Page, local_stack: LocalApi) -> None:
    first_day, other_day = open_dates(local_stack, "central")[4:6]
    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    alert = form.locator(".clinic-alert")
    fill_registration(page, phone=new_phone(), day=first_day, branch="central")
    keys = record_keys(page)

    # Given no connection at all: the widget tries three times, then asks the person.
    page.route(REGISTRATIONS, lambda route: route.abort("internetdisconnected"))
    submit_button(page).click()
    expect(alert).to_have_text(
        "We couldn't reach the clinic. Please check your connection and try again. "
        "Your details are still here, and pressing the button again will not register you twice."
    )
    expect(submit_button(page)).to_be_enabled()
    assert len(keys) == 3
    assert len(set(keys)) == 1

    # When they press again without changing anything (a server fault this time): the same key.
    page.unroute(REGISTRATIONS)
    page.route(REGISTRATIONS, lambda route: route.fulfill(status=500, body="{}"))
    with page.expect_response(lambda response: is_registration_post(response.request)):
        submit_button(page).click()
    expect(alert).to_have_text(
        "Sorry, something went wrong on our side. Please try again shortly. "
        "Your details are still here, and pressing the button again will not register you twice."
    )
    assert len(keys) == 4
    assert keys[3] == keys[0]

    # When they change the form: a new submission, a new key.
    page.unroute(REGISTRATIONS)
    form.get_by_label("Preferred date").fill(other_day)
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()
    assert answer.value.status == 201
    assert answer.value.json()["preferred_date"] == other_day
    assert len(keys) == 5
    assert keys[4] is not None
    assert UUID4.match(keys[4])
    assert keys[4] != keys[0]

    # And the next registration on the page: another key again.
    page.reload()
    fill_registration(page, phone=new_phone(), day=first_day, branch="central")
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()
    assert answer.value.status == 201
    assert len(keys) == 6
    assert keys[5] not in keys[:5]


def test_a_reply_lost_before_a_reload_costs_nothing(page: Page, local_stack: LocalApi) -> None:
    phone, day = new_phone(), open_dates(local_stack, "central")[6]
    page.goto(local_stack.base_url)
    keys = record_keys(page)

    # Given the registration is stored but every reply is lost on the way back
    def lose_reply(route: Route) -> None:
        route.fetch()  # the API stores it…
        route.abort("internetdisconnected")  # …and the page never hears

    page.route(REGISTRATIONS, lose_reply)
    fill_registration(page, phone=phone, day=day, branch="central")
    submit_button(page).click()
    expect(widget(page, "registration").locator(".clinic-alert")).to_contain_text("will not register you twice")

    # When the person reloads the page and sends the same details again
    page.unroute(REGISTRATIONS)
    page.reload()
    fill_registration(page, phone=phone, day=day, branch="central")
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()

    # Then they get their booking and its manage link, not "already registered"
    assert answer.value.status == 201
    assert keys[-1] == keys[0]
    expect(widget(page, "registration").get_by_role("link", name="Manage or cancel this booking")).to_be_visible()
    assert page.evaluate("JSON.stringify(sessionStorage)").find(phone.replace(" ", "")[-8:]) == -1


@pytest.mark.parametrize("lang", ["en", "zh-HK"])
def test_a_phone_that_holds_a_trial_is_told_what_to_do_and_sees_nothing_of_it(
    page: Page, local_stack: LocalApi, lang: str
) -> None:
    phone = new_phone()
    booked_day, other_day = open_dates(local_stack, "sha-tin")[1:3]
    existing = register_by_api(local_stack, phone=phone, day=booked_day, preferred_period="evening")

    page.goto(local_stack.base_url + ("/" if lang == "en" else "/zh-HK/"))
    form = widget(page, "registration")
    fill_registration(page, phone=phone, day=other_day, branch="mong-kok", lang=lang)
    keys = record_keys(page)
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        form.locator(".clinic-submit").click()
    assert answer.value.status == 409
    assert answer.value.json()["error"]["code"] == "ALREADY_REGISTERED"
    assert len(keys) == 1, "a conflict is an answer: no automatic retry"

    alert = form.locator(".clinic-alert")
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_have_text(ALREADY[lang])
    expect(form.locator(".clinic-submit")).to_be_enabled()
    page_text = form.inner_text()
    assert existing["reference"] not in page_text
    assert booked_day not in page.content()
    screenshot(form, f"registration-already-registered-{lang}")


def test_without_crypto_random_uuid_the_key_is_still_a_random_uuid(page: Page, local_stack: LocalApi) -> None:
    # crypto.randomUUID exists only in secure contexts; a page on plain http has getRandomValues alone.
    page.add_init_script("delete Crypto.prototype.randomUUID")
    page.goto(local_stack.base_url)
    assert page.evaluate("typeof crypto.randomUUID") == "undefined"
    fill_registration(page, phone=new_phone(), day=open_dates(local_stack, "central")[6], branch="central")
    keys = record_keys(page)
    page.route(REGISTRATIONS, lambda route: route.fulfill(status=500, body="{}"))  # answered, not retried
    with page.expect_response(lambda response: is_registration_post(response.request)):
        submit_button(page).click()
    page.reload()
    fill_registration(page, phone=new_phone(), day=open_dates(local_stack, "central")[6], branch="central")
    with page.expect_response(lambda response: is_registration_post(response.request)):
        submit_button(page).click()
    assert len(keys) == 2
    for key in keys:
        assert key is not None
        assert UUID4.match(key)
    assert keys[0] != keys[1]
