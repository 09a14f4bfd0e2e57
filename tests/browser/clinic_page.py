"""Helpers for the browser tests: fresh phone numbers, bookable dates, the demo page's widgets."""

import itertools
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, Request

from infra import cfn
from tests.support import LocalApi

SCREENSHOTS = cfn.ROOT / "test-artifacts" / "screenshots"
REFERENCE = re.compile(r"^PM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")

# 9451 0001, 9451 0002, …: Hong Kong mobiles no other test of the session uses.
_numbers = itertools.count(94_510_001)


def new_phone() -> str:
    """A Hong Kong mobile number, written as people type it (``9451 0001``)."""
    number = str(next(_numbers))
    return f"{number[:4]} {number[4:]}"


def registration_options(api: LocalApi, lang: str = "en") -> dict[str, Any]:
    """``GET /registration-options`` for the free trial."""
    answer = api.request("GET", f"/registration-options?treatment=acne-treatment&lang={lang}")
    assert answer.status == 200, answer.body
    options: dict[str, Any] = answer.body
    return options


def open_dates(api: LocalApi, branch: str) -> list[str]:
    """The branch's bookable dates, latest first (the session's other tests use early ones)."""
    options = registration_options(api)
    info = next(b for b in options["branches"] if b["id"] == branch)
    closed = set(options["closed_dates"]) | set(options["full_dates"]) | set(info["full_dates"])
    first, last = date.fromisoformat(options["min_date"]), date.fromisoformat(options["max_date"])
    days = (last - timedelta(days=n) for n in range((last - first).days + 1))
    return [d.isoformat() for d in days if d.weekday() not in info["closed_weekdays"] and d.isoformat() not in closed]


def widget(page: Page, kind: str) -> Locator:
    """The placeholder a widget mounted into: ``registration``, ``questionnaire`` or ``faq``."""
    return page.locator(f'[data-clinic-widget="{kind}"]')


# The form's labels as the page shows them in each language: name, phone, branch, date, terms.
FORM_LABELS = {
    "en": ("Full name", "Hong Kong mobile number", "Branch", "Preferred date", "I have read and agree"),
    "zh-HK": ("姓名", "香港手提電話號碼", "分店", "心儀日期", "本人已閱讀並同意"),
}


def fill_registration(
    page: Page, *, phone: str, day: str, branch: str = "sha-tin", agree: bool = True, lang: str = "en"
) -> None:
    """Fill the registration form as a person would (with the mouse), on a page in ``lang``."""
    name, mobile, branch_label, date_label, terms = FORM_LABELS[lang]
    form = widget(page, "registration")
    form.get_by_role("textbox", name=re.compile(f"^{name}")).fill("Chan Tai Man")
    form.get_by_label(mobile).fill(phone)
    form.get_by_label(branch_label).select_option(branch)
    form.get_by_label(date_label).fill(day)
    if agree:
        form.get_by_role("checkbox", name=re.compile(terms)).check()


def submit_button(page: Page) -> Locator:
    """The registration form's submit button."""
    return widget(page, "registration").get_by_role("button", name="Register for the free trial")


def api_path(url: str) -> str:
    """The path of a URL, without its query (the widgets send ``lang`` in every query)."""
    return urlsplit(url).path


def is_registration_post(request: Any) -> bool:
    """Whether a Playwright request is the form's ``POST /registrations``."""
    return bool(request.method == "POST" and api_path(request.url) == "/registrations")


def screenshot(target: Page | Locator, name: str, *, full_page: bool = False) -> None:
    """Save a screenshot as ``test-artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if isinstance(target, Page):
        target.screenshot(path=path, full_page=full_page)
    else:
        target.screenshot(path=path)


def sent_json(request: Request) -> dict[str, Any]:
    """The JSON object a request sent."""
    body = request.post_data_json
    assert isinstance(body, dict)
    return body


def register_by_api(api: LocalApi, *, phone: str, day: str, branch: str = "sha-tin", **extra: Any) -> dict[str, Any]:
    """``POST /registrations`` straight to the API; the 201 answer (with its manage token)."""
    body = {
        "name": "Chan Tai Man",
        "phone": phone,
        "treatment": "acne-treatment",
        "branch": branch,
        "preferred_date": day,
        "agree_terms": True,
        **extra,
    }
    answer = api.request("POST", "/registrations", body)
    assert answer.status == 201, answer.body
    created: dict[str, Any] = answer.body
    return created


def manage_fragment(reference: str, token: str) -> str:
    """The fragment of a manage link: ``#clinic-manage=<reference>.<token>``."""
    return f"#clinic-manage={reference}.{token}"


def server_log(api: LocalApi) -> str:
    """What the local stack has written to stdout and stderr so far."""
    lines: list[str] = getattr(api, "log", [])
    return "".join(lines)
