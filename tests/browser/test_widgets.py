"""The three widgets on the demo article, driven in headless Chromium against the local stack."""

# The page's texts (en dashes, Chinese punctuation) are matched exactly as people see them.
# ruff: noqa: RUF001

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, Request, Route, expect

from infra import cfn
from tests.browser.clinic_page import (
    REFERENCE,
    api_path,
    fill_registration,
    is_registration_post,
    new_phone,
    open_dates,
    registration_options,
    screenshot,
    sent_json,
    submit_button,
    widget,
)
from tests.support import LocalApi

pytestmark = pytest.mark.browser

REGISTRATIONS = re.compile(r".*/registrations(\?.*)?$")


# --- the modules ----------------------------------------------------------------------------


def test_every_widget_module_is_served_as_javascript(local_stack: LocalApi) -> None:
    # A browser refuses to run a module served with another type: the one script tag would
    # load, and the widgets it imports would not.
    web = cfn.ROOT / "web"
    modules = sorted(web.rglob("*.js"))
    assert len(modules) > 1, "the entry imports its widgets from web/widgets/"
    for module in modules:
        answer = local_stack.request("GET", "/" + module.relative_to(web).as_posix())
        assert answer.status == 200, module
        media_type = answer.headers["content-type"].split(";")[0].strip()
        assert media_type in {"text/javascript", "application/javascript"}, module


# --- registration ---------------------------------------------------------------------------


def test_a_registration_shows_its_reference_and_sends_once(page: Page, local_stack: LocalApi) -> None:
    day = open_dates(local_stack, "sha-tin")[0]
    page.goto(f"{local_stack.base_url}/?utm_source=newsletter&utm_medium=email&utm_campaign=pores")
    form = widget(page, "registration")
    honeypot = form.locator("input[name=website]")
    expect(honeypot).to_have_attribute("tabindex", "-1")
    expect(honeypot).to_have_attribute("autocomplete", "off")
    expect(form.locator(".clinic-hp")).to_have_attribute("aria-hidden", "true")
    expect(form.get_by_role("checkbox", name=re.compile("promotional information"))).not_to_be_checked()
    fill_registration(page, phone=new_phone(), day=day)
    screenshot(form, "registration-filled")

    posts: list[Request] = []
    page.on("request", lambda request: posts.append(request) if is_registration_post(request) else None)
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).dblclick()
    assert answer.value.status == 201

    expect(form.locator(".clinic-reference")).to_have_text(REFERENCE)
    expect(form.get_by_role("heading", name="Thank you, your registration is received")).to_be_focused()
    expect(form).to_contain_text("Our staff will call you")
    expect(form).to_contain_text("Sha Tin")
    screenshot(form, "registration-success")
    assert len(posts) == 1, "a double click must send one registration"
    sent = sent_json(posts[0])
    assert sent["treatment"] == "acne-treatment"
    assert sent["lang"] == "en"
    assert sent["agree_terms"] is True
    assert sent["marketing_consent"] is False
    assert sent["website"] == ""
    assert sent["source"] == {
        "page_url": page.url,
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "pores",
    }
    assert "recommendation_id" not in sent


def test_a_date_before_the_minimum_cannot_be_picked_and_is_refused_when_forced(
    page: Page, local_stack: LocalApi
) -> None:
    options = registration_options(local_stack)
    too_early = (date.fromisoformat(options["min_date"]) - timedelta(days=1)).isoformat()
    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    date_input = form.get_by_label("Preferred date")
    expect(date_input).to_have_attribute("min", options["min_date"])
    expect(date_input).to_have_attribute("max", options["max_date"])

    fill_registration(page, phone=new_phone(), day=too_early)  # set by script, past the picker
    assert date_input.evaluate("input => input.validity.rangeUnderflow"), "the picker offers no earlier day"
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()
    assert answer.value.status == 422
    assert answer.value.json()["error"]["fields"][0]["code"] == "DATE_TOO_EARLY"

    error = form.locator(".clinic-field--preferred_date .clinic-error")
    expect(error).to_contain_text("Date should not be before minimal date")
    expect(date_input).to_have_attribute("aria-invalid", "true")
    expect(date_input).to_have_attribute("aria-describedby", re.compile(str(error.get_attribute("id"))))
    expect(date_input).to_be_focused()
    expect(form.get_by_role("alert").filter(has_text="Some fields need your attention")).to_be_visible()
    screenshot(form, "registration-date-too-early")


def test_closed_dates_are_refused_as_soon_as_they_are_picked(page: Page, local_stack: LocalApi) -> None:
    options = registration_options(local_stack)
    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    date_input = form.get_by_label("Preferred date")
    error = form.locator(".clinic-field--preferred_date .clinic-error")

    form.get_by_label("Branch").select_option("central")
    expect(form).to_contain_text("Closed every Sunday.")
    sunday = next(day for day in open_dates(local_stack, "sha-tin") if date.fromisoformat(day).weekday() == 6)
    date_input.fill(sunday)
    expect(error).to_have_text("Our Central branch is closed on Sundays. Please choose another day or branch.")
    expect(date_input).to_have_attribute("aria-invalid", "true")

    form.get_by_label("Branch").select_option("sha-tin")  # open on Sundays
    expect(error).to_be_empty()
    expect(date_input).not_to_have_attribute("aria-invalid", "true")

    if options["closed_dates"]:
        date_input.fill(options["closed_dates"][0])
        expect(error).to_have_text("The clinic is closed on this public holiday. Please choose another day.")


def test_submitting_without_ticking_the_terms_shows_the_terms_error(page: Page, local_stack: LocalApi) -> None:
    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    fill_registration(
        page, phone=new_phone(), day=open_dates(local_stack, "mong-kok")[0], branch="mong-kok", agree=False
    )
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        submit_button(page).click()
    assert answer.value.status == 422

    terms = form.get_by_role("checkbox", name=re.compile("I have read and agree"))
    error = form.locator(".clinic-field--agree_terms .clinic-error")
    expect(error).to_have_text("Please read and agree to the Registration Terms and Conditions and Privacy Policy.")
    expect(terms).to_have_attribute("aria-invalid", "true")
    expect(terms).to_be_focused()
    expect(form.locator(".clinic-error:not(:empty)")).to_have_count(1)
    expect(submit_button(page)).to_be_enabled()
    screenshot(form, "registration-terms-error")


def test_a_busy_server_or_no_network_asks_to_retry(page: Page, local_stack: LocalApi) -> None:
    def busy(route: Route) -> None:
        route.fulfill(
            status=503,
            headers={"Retry-After": "2", "Content-Type": "application/json"},
            body='{"error": {"code": "SERVICE_UNAVAILABLE", "message": "Busy"}}',
        )

    page.goto(local_stack.base_url)
    form = widget(page, "registration")
    fill_registration(page, phone=new_phone(), day=open_dates(local_stack, "sha-tin")[0])
    page.route(REGISTRATIONS, busy)
    submit_button(page).click()  # tried three times in all, then the person is asked
    expect(form.locator(".clinic-alert")).to_have_text(
        "Our system is busy right now. Please try again in about 2 seconds. "
        "Your details are still here, and pressing the button again will not register you twice."
    )
    expect(submit_button(page)).to_be_disabled()
    expect(submit_button(page)).to_be_enabled()  # once Retry-After has passed

    page.unroute(REGISTRATIONS)
    page.route(REGISTRATIONS, lambda route: route.abort("internetdisconnected"))
    submit_button(page).click()
    expect(form.locator(".clinic-alert")).to_contain_text("We couldn't reach the clinic")
    expect(form.locator(".clinic-alert")).to_contain_text("will not register you twice")
    expect(submit_button(page)).to_be_enabled()


def test_the_whole_registration_with_the_keyboard_alone(page: Page, local_stack: LocalApi) -> None:
    day = date.fromisoformat(open_dates(local_stack, "mong-kok")[1])
    page.goto(f"{local_stack.base_url}/")
    form = widget(page, "registration")
    expect(form.get_by_label("Full name")).to_be_visible()

    def tab_to(target: Locator) -> None:
        """Press Tab until ``target`` has the focus."""
        for _ in range(40):
            if target.evaluate("element => element === document.activeElement"):
                return
            page.keyboard.press("Tab")
        pytest.fail(f"Tab never reached {target}")

    tab_to(form.get_by_label("Full name"))
    page.keyboard.type("Chan Tai Man")
    tab_to(form.get_by_label("Hong Kong mobile number"))
    page.keyboard.type(new_phone())
    tab_to(form.get_by_label("Branch"))
    page.keyboard.type("Mong")  # a closed select picks the option by typing its name
    expect(form.get_by_label("Branch")).to_have_value("mong-kok")
    tab_to(form.get_by_label("Preferred date"))
    page.keyboard.type(day.strftime("%m%d%Y"))  # month, day, year segments (en-US order)
    expect(form.get_by_label("Preferred date")).to_have_value(day.isoformat())
    tab_to(form.get_by_role("radio", name="Any time"))
    page.keyboard.press("ArrowRight")
    expect(form.get_by_role("radio", name="Morning")).to_be_checked()
    tab_to(form.locator("details.clinic-statement > summary"))
    page.keyboard.press("Enter")
    expect(form.locator("details.clinic-statement")).to_have_attribute("open", "")
    terms = form.get_by_role("checkbox", name=re.compile("I have read and agree"))
    tab_to(terms)
    page.keyboard.press("Space")
    expect(terms).to_be_checked()
    tab_to(submit_button(page))
    with page.expect_response(lambda response: is_registration_post(response.request)) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 201
    expect(form.locator(".clinic-reference")).to_have_text(REFERENCE)
    assert sent_json(answer.value.request)["preferred_period"] == "morning"


# --- questionnaire --------------------------------------------------------------------------


def answer_questionnaire(page: Page, choices: list[list[str]]) -> None:
    """Tick the given options step by step, pressing Next (and finally See my results)."""
    quiz = widget(page, "questionnaire")
    for index, step in enumerate(choices):
        for label in step:
            quiz.get_by_label(label, exact=True).check()
        button = "See my results" if index == len(choices) - 1 else "Next"
        quiz.get_by_role("button", name=button).click()


def test_questionnaire_results_hand_off_to_the_registration_with_the_recommendation(
    page: Page, local_stack: LocalApi
) -> None:
    page.goto(local_stack.base_url)
    quiz = widget(page, "questionnaire")
    quiz.get_by_role("button", name="Next").click()  # nothing chosen yet
    expect(quiz.locator(".clinic-error:not(:empty)")).to_have_text("Please choose one answer.")
    expect(quiz.get_by_role("group", name="How would you describe your skin?")).to_have_attribute(
        "aria-invalid", "true"
    )

    with page.expect_response(lambda response: api_path(response.url) == "/recommendations") as answer:
        answer_questionnaire(
            page,
            [
                ["Oily: shiny all over by midday"],
                ["Blackheads", "Enlarged pores"],
                ["Round and open"],
                ["25–34"],
                ["I'm often stressed"],
                [],
                [],
            ],
        )
    assert answer.value.status == 200
    recommendation = answer.value.json()

    results = quiz.locator(".clinic-results")
    expect(quiz.get_by_role("heading", name="Your pore profile")).to_be_focused()
    expect(results.locator(".clinic-ranked-item").first).to_contain_text("Oily Pores")
    expect(results.locator(".clinic-ranked-item").first).to_contain_text("% match")
    expect(results).to_contain_text("You said your skin is oily")  # a reason, naming the answer
    expect(results).to_contain_text("What may be causing it")
    expect(results.locator(".clinic-treatment").first).to_be_visible()
    expect(results).to_contain_text("Daily tips for you")
    expect(results.locator(".clinic-callout--consult")).to_have_count(0)
    screenshot(quiz, "questionnaire-results")

    quiz.get_by_role("button", name="Register for the free trial").click()
    form = widget(page, "registration")
    expect(form.get_by_label("Full name")).to_be_focused()
    expect(form.locator(".clinic-attached")).to_contain_text("Your questionnaire result (Oily Pores)")
    fill_registration(page, phone=new_phone(), day=open_dates(local_stack, "sha-tin")[3])
    with page.expect_request(is_registration_post) as request:
        submit_button(page).click()
    assert sent_json(request.value)["recommendation_id"] == recommendation["recommendation_id"]
    expect(form.locator(".clinic-reference")).to_have_text(REFERENCE)


def test_precautions_are_shown_as_a_reason_to_consult_first(page: Page, local_stack: LocalApi) -> None:
    page.goto(local_stack.base_url)
    quiz = widget(page, "questionnaire")
    answer_questionnaire(
        page,
        [
            ["Sensitive: reacts or turns red easily"],
            ["Redness"],
            ["I'm not sure"],
            ["45 or over"],
            [],
            [],
            ["My face is sunburnt"],
        ],
    )
    consult = quiz.locator(".clinic-callout--consult")
    expect(consult).to_contain_text("Please talk to our staff before any treatment")
    expect(consult).to_contain_text("sunburnt")
    expect(quiz).to_contain_text("please discuss the trial with our staff first")
    screenshot(quiz, "questionnaire-consultation")


# --- FAQ ---------------------------------------------------------------------------------------


def test_faq_search_in_english_finds_the_pain_question_and_takes_feedback(page: Page, local_stack: LocalApi) -> None:
    page.goto(local_stack.base_url)
    faq = widget(page, "faq")
    expect(faq.get_by_role("status").first).to_contain_text("Showing all")
    searches: list[str] = []
    page.on("request", lambda request: searches.append(request.url) if "/faqs?" in request.url else None)

    text = "does it hurt"
    faq.get_by_label("Search the questions").press_sequentially(text, delay=40)
    first = faq.locator(".clinic-faq-item").first
    expect(first.get_by_role("button")).to_have_text("Does the treatment hurt?")
    expect(faq.get_by_role("status").first).to_have_text(re.compile(r"^\d+ questions? match(es)? “does it hurt”\.$"))
    assert 1 <= len([url for url in searches if "q=" in url]) < len(text), "the search waits for typing to pause"

    question = first.get_by_role("button", name="Does the treatment hurt?")
    question.click()
    expect(question).to_have_attribute("aria-expanded", "true")
    expect(first.get_by_role("region")).to_contain_text("AHA peels and carbon laser")
    with page.expect_request(lambda request: api_path(request.url) == "/faqs/does-it-hurt/feedback") as feedback:
        first.get_by_role("button", name="Yes").click()
    assert feedback.value.post_data_json == {"helpful": True}
    assert feedback.value.response() is not None
    assert feedback.value.response().status == 202  # type: ignore[union-attr]
    expect(first).to_contain_text("Thank you for your feedback.")
    expect(first.get_by_role("button", name="Yes")).to_be_hidden()
    screenshot(faq, "faq-search-en")

    first.get_by_role("link", name="What side effects can there be?").click()
    side_effects = faq.get_by_role("button", name="What side effects can there be?")
    expect(side_effects).to_be_focused()
    expect(side_effects).to_have_attribute("aria-expanded", "true")

    faq.get_by_label("Search the questions").fill("")
    expect(faq.get_by_role("status").first).to_contain_text("Showing all")


def test_faq_search_in_chinese_finds_the_pain_question(page: Page, local_stack: LocalApi) -> None:
    page.goto(f"{local_stack.base_url}/zh-HK/")
    faq = widget(page, "faq")
    expect(faq.get_by_role("heading", name="常見問題")).to_be_visible()
    faq.get_by_label("搜尋問題").press_sequentially("痛")
    expect(faq.get_by_role("status").first).to_have_text(re.compile(r"^找到 \d+ 條與「痛」相關的問題。$"))
    first = faq.locator(".clinic-faq-item").first
    expect(first.get_by_role("button")).to_have_text("做療程會痛嗎？")
    first.get_by_role("button", name="做療程會痛嗎？").click()
    with page.expect_request(lambda request: api_path(request.url) == "/faqs/does-it-hurt/feedback") as feedback:
        first.get_by_role("button", name="沒有").click()
    assert feedback.value.post_data_json == {"helpful": False}
    expect(first).to_contain_text("謝謝你的意見。")
    screenshot(faq, "faq-search-zh-HK")


def test_faq_hands_off_to_the_registration(page: Page, local_stack: LocalApi) -> None:
    page.goto(local_stack.base_url)
    widget(page, "faq").get_by_role("button", name="Book a free skin analysis and ask our team").click()
    expect(widget(page, "registration").get_by_label("Full name")).to_be_focused()
