"""The free-trial registration: the form's fields, the booking rules and the options.

Pure rules (no I/O): the handler gives them today's Hong Kong date, the knowledge base and
the settings; storage is :mod:`clinic.registration_store`.
"""

import json
import re
import secrets
import unicodedata
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from pydantic_core import PydanticCustomError

from clinic.errors import FieldProblem
from clinic.ids import RECOMMENDATION_ID, random_code
from clinic.knowledge import Branch, KnowledgeBase, Lang, LocalText
from clinic.settings import Settings, settings

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
Period = Literal["morning", "afternoon", "evening"]
PERIODS: tuple[Period, ...] = ("morning", "afternoon", "evening")
# The staff state machine (clinic/staff/transitions.py) moves registrations through these.
Status = Literal["pending_confirmation", "confirmed", "attended", "converted", "no_show", "cancelled"]

REFERENCE_PATTERN = re.compile(r"^PM-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
_NAME_PUNCTUATION = frozenset(" .'-·‧\u2019")


# --- booking window and closed dates ------------------------------------------------


def today_in_hong_kong(now: datetime | None = None) -> date:
    """Today's date in Hong Kong, whatever the server clock's zone."""
    return (now or datetime.now(UTC)).astimezone(HONG_KONG).date()


class BookingWindow(BaseModel):
    """The dates a registration may ask for."""

    min_date: date
    max_date: date

    def days(self) -> list[date]:
        """Every date of the window."""
        return [self.min_date + timedelta(days=n) for n in range((self.max_date - self.min_date).days + 1)]


def booking_window(today: date, config: Settings) -> BookingWindow:
    """From today + the minimum notice to today + the horizon."""
    return BookingWindow(
        min_date=today + timedelta(days=config.min_notice_days),
        max_date=today + timedelta(days=config.booking_horizon_days),
    )


HOLIDAYS_FILE = "hk_public_holidays.json"


def holidays_from_library(year: int) -> frozenset[date]:
    """Hong Kong public holidays of ``year`` computed by the ``holidays`` package."""
    from holidays.countries.hongkong import HongKong

    return frozenset(HongKong(years=year))  # type: ignore[no-untyped-call]


@cache
def _precomputed_holidays() -> dict[int, frozenset[date]]:
    text = (resources.files("clinic") / HOLIDAYS_FILE).read_text(encoding="utf-8")
    years: dict[str, list[str]] = json.loads(text)["years"]
    return {int(year): frozenset(map(date.fromisoformat, days)) for year, days in years.items()}


@cache
def _holidays_of(year: int) -> frozenset[date]:
    # Importing `holidays` loads every country it knows: ~440 ms of a cold start here. The
    # coming years are therefore precomputed from the same package (`make holidays`, checked
    # by a test); a year outside the file still gets the package's answer.
    return _precomputed_holidays().get(year) or holidays_from_library(year)


def public_holidays(window: BookingWindow) -> list[date]:
    """Hong Kong public holidays within the window."""
    years = range(window.min_date.year, window.max_date.year + 1)
    days = set().union(*(_holidays_of(year) for year in years))
    return sorted(day for day in days if window.min_date <= day <= window.max_date)


def branch_capacity(branch: Branch, config: Settings) -> int:
    """Free trials the branch takes per day."""
    return config.daily_capacity if branch.daily_capacity is None else branch.daily_capacity


def is_open(branch: Branch, day: date, holidays: set[date] | list[date]) -> bool:
    """Whether the branch takes trials on ``day``."""
    return day.weekday() not in branch.closed_weekdays and day not in holidays


def window_problem(day: date, window: BookingWindow) -> FieldProblem | None:
    """Why ``day`` cannot be booked at any branch: outside the window, or a public holiday."""
    if day < window.min_date:
        return FieldProblem("preferred_date", "DATE_TOO_EARLY", min_date=window.min_date.isoformat())
    if day > window.max_date:
        return FieldProblem("preferred_date", "DATE_TOO_LATE", max_date=window.max_date.isoformat())
    if day in public_holidays(window):
        return FieldProblem("preferred_date", "DATE_CLOSED")
    return None


def bookable_date(day: date) -> date:
    """Field validator: the date rules that need no branch, checked with the other fields
    so that one answer names every problem."""
    problem = window_problem(day, booking_window(today_in_hong_kong(), settings()))
    if problem:
        raise PydanticCustomError(problem.code, problem.code, problem.params)
    return day


# --- field validators ---------------------------------------------------------------------


def clean_name(value: str) -> str:
    """A person's name: trimmed, spaces folded, letters of any script (no digits, markup or
    control characters), 1 to 80 characters."""
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name:
        raise PydanticCustomError("REQUIRED", "name is required")
    if len(name) > 80:
        raise PydanticCustomError("TOO_LONG", "name is too long", {"max_length": 80})
    for char in name:
        if char not in _NAME_PUNCTUATION and not unicodedata.category(char).startswith(("L", "M")):
            raise PydanticCustomError("NAME_INVALID", "name has characters other than letters")
    return name


def hong_kong_mobile(value: str) -> str:
    """A Hong Kong mobile number in any common writing, as E.164 (``+85291234567``)."""
    import phonenumbers

    compact = re.sub(r"[\s\-().]", "", value)
    if not compact:
        raise PydanticCustomError("REQUIRED", "phone is required")
    # Written with the country code but without "+": 852…, 00852…
    if re.fullmatch(r"(00)?852\d{8}", compact):
        compact = "+" + compact.removeprefix("00")
    try:
        number = phonenumbers.parse(compact, "HK")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("PHONE_NOT_HK_MOBILE", "not a Hong Kong mobile number") from None
    if (
        phonenumbers.region_code_for_number(number) != "HK"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise PydanticCustomError("PHONE_NOT_HK_MOBILE", "not a Hong Kong mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_address(value: str | None) -> str | None:
    """An email address, normalised (no deliverability check: no network in a request)."""
    if value is None or not value.strip():
        return None
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise PydanticCustomError("EMAIL_INVALID", "not a valid email address") from None


def must_be_true(value: bool) -> bool:
    """The terms checkbox: only ``true`` will do."""
    if value is not True:
        raise PydanticCustomError("TERMS_NOT_ACCEPTED", "the terms must be accepted")
    return value


def web_url(value: str | None) -> str | None:
    """A page address: http(s) only."""
    if value and not re.match(r"^https?://[^\s]+$", value):
        raise PydanticCustomError("URL_INVALID", "not a web address")
    return value


Tag = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class Source(BaseModel):
    """Where the registration came from (hidden form fields)."""

    model_config = ConfigDict(extra="forbid")

    page_url: Annotated[str | None, StringConstraints(max_length=2048), AfterValidator(web_url)] = None
    utm_source: Tag | None = None
    utm_medium: Tag | None = None
    utm_campaign: Tag | None = None


class RegistrationIn(BaseModel):
    """The body of ``POST /registrations`` (the '1 Minute Self-Registration' form)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(max_length=200), AfterValidator(clean_name)] = Field(
        description="1 to 80 letters of any script", examples=["Chan Tai Man"]
    )
    phone: Annotated[str, StringConstraints(max_length=40), AfterValidator(hong_kong_mobile)] = Field(
        description="A Hong Kong mobile number in any common writing; stored as E.164",
        examples=["+852 9123 4567"],
    )
    email: Annotated[str | None, StringConstraints(max_length=254), AfterValidator(email_address)] = None
    treatment: Annotated[str, StringConstraints(max_length=64)] = Field(examples=["acne-treatment"])
    branch: Annotated[str, StringConstraints(max_length=64)] = Field(examples=["causeway-bay"])
    preferred_date: Annotated[date, AfterValidator(bookable_date)] = Field(
        description="YYYY-MM-DD in Hong Kong, from min_date to max_date, not a closed date"
    )
    preferred_period: Period | None = None
    agree_terms: Annotated[StrictBool, AfterValidator(must_be_true)]
    marketing_consent: StrictBool = False
    lang: Lang | None = None
    recommendation_id: Annotated[str, StringConstraints(pattern=RECOMMENDATION_ID.pattern)] | None = None
    source: Source | None = None
    website: Annotated[str, StringConstraints(max_length=500)] | None = Field(None, description="Honeypot: leave empty")

    @property
    def is_bot(self) -> bool:
        """Whether the honeypot field was filled in (only bots see it)."""
        return bool(self.website and self.website.strip())


# --- rules needing the knowledge base ------------------------------------------------------


def registration_problems(form: RegistrationIn, kb: KnowledgeBase) -> list[FieldProblem]:
    """The rules that need the knowledge base: catalogue, branch and its closed weekdays."""
    problems = []
    treatment = kb.treatment(form.treatment)
    if treatment is None:
        problems.append(FieldProblem("treatment", "UNKNOWN_TREATMENT"))
    elif not treatment.trial_offer:
        problems.append(FieldProblem("treatment", "TREATMENT_NOT_OFFERED"))
    branch = kb.branch(form.branch)
    if branch is None:
        problems.append(FieldProblem("branch", "UNKNOWN_BRANCH"))
    elif form.preferred_date.weekday() in branch.closed_weekdays:
        problems.append(FieldProblem("preferred_date", "DATE_CLOSED"))
    return problems


def full_dates(
    window: BookingWindow, kb: KnowledgeBase, taken: dict[str, dict[date, int]], config: Settings
) -> dict[str, list[date]]:
    """Per branch, the open dates with no capacity left (``taken``: branch → date → count)."""
    closed = public_holidays(window)
    return {
        branch.id: [
            day
            for day in window.days()
            if is_open(branch, day, closed) and taken.get(branch.id, {}).get(day, 0) >= branch_capacity(branch, config)
        ]
        for branch in kb.branches
    }


def dates_full_everywhere(window: BookingWindow, kb: KnowledgeBase, per_branch: dict[str, list[date]]) -> list[date]:
    """Dates on which every branch open that day is full (and at least one is open)."""
    closed = public_holidays(window)
    result = []
    for day in window.days():
        open_branches = [b for b in kb.branches if is_open(b, day, closed)]
        if open_branches and all(day in per_branch[b.id] for b in open_branches):
            result.append(day)
    return result


# --- references, tokens and masking ------------------------------------------------------


def new_reference() -> str:
    """``PM-XXXX-XXXX``: 40 random bits in Crockford base32."""
    chars = random_code(8)
    return f"PM-{chars[:4]}-{chars[4:]}"


def normalise_reference(value: str) -> str | None:
    """A reference as typed (any case, O for 0, I or L for 1), or None if it cannot be one."""
    compact = re.sub(r"[\s-]", "", value.upper())
    if not compact.startswith("PM"):
        return None
    body = compact[2:].translate(str.maketrans("OIL", "011"))
    candidate = f"PM-{body[:4]}-{body[4:]}"
    return candidate if REFERENCE_PATTERN.match(candidate) else None


def new_manage_token() -> str:
    """A random manage token (shown once, stored only as a hash)."""
    return secrets.token_urlsafe(32)


def mask_phone(e164: str) -> str:
    """``+85291234567`` → ``+852 ****-**67``."""
    return f"{e164[:4]} ****-**{e164[-2:]}"


def mask_email(email: str | None) -> str | None:
    """``tm.chan@example.com`` → ``t*****@example.com``."""
    if not email:
        return None
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"


# --- answers ------------------------------------------------------------------------------


class TreatmentRef(BaseModel):
    """A treatment's id and name."""

    id: str
    name: str


class RegistrationOut(BaseModel):
    """The answer to ``POST /registrations``."""

    reference: str = Field(examples=["PM-7K3D-Q9XA"])
    status: Status
    treatment: str
    branch: str
    preferred_date: date
    preferred_period: Period | None
    created_at: datetime
    manage_token: str | None = Field(
        description="Shown once, on creation. A replay does not show it again: anyone who "
        "knows the phone number could otherwise take over the booking."
    )


class RegistrationView(BaseModel):
    """A registration as its manage page shows it (contact details masked)."""

    reference: str
    status: Status
    name: str
    phone: str
    email: str | None
    treatment: TreatmentRef
    branch: TreatmentRef
    preferred_date: date
    preferred_period: Period | None
    marketing_consent: bool
    created_at: datetime
    cancelled_at: datetime | None = None


class CancelOut(BaseModel):
    """The answer to a cancellation."""

    reference: str
    status: Status


class BranchOption(BaseModel):
    """A branch as the form offers it."""

    id: str
    name: str
    address: str
    closed_weekdays: list[int] = Field(description="Monday=0 … Sunday=6")
    daily_capacity: int
    full_dates: list[date]


class ConsentTexts(BaseModel):
    """The consent texts the form shows, with their version."""

    version: str
    terms_url: str
    privacy_url: str
    terms_label: str
    collection_statement: str
    marketing_statement: str


class RegistrationOptions(BaseModel):
    """Everything the registration form needs."""

    treatment: TreatmentRef
    lang: Lang
    today: date
    min_date: date
    max_date: date
    closed_dates: list[date]
    full_dates: list[date]
    branches: list[BranchOption]
    periods: list[Period]
    consent: ConsentTexts


def _text(text: LocalText, lang: Lang) -> str:
    return text.get(lang)


def registration_options(
    kb: KnowledgeBase,
    treatment_id: str,
    lang: Lang,
    today: date,
    window: BookingWindow,
    per_branch_full: dict[str, list[date]],
    config: Settings,
) -> RegistrationOptions:
    """The options of the form for one trial treatment."""
    treatment = kb.treatment(treatment_id)
    assert treatment is not None
    consent = kb.consent
    return RegistrationOptions(
        treatment=TreatmentRef(id=treatment.id, name=_text(treatment.name, lang)),
        lang=lang,
        today=today,
        min_date=window.min_date,
        max_date=window.max_date,
        closed_dates=public_holidays(window),
        full_dates=dates_full_everywhere(window, kb, per_branch_full),
        branches=[
            BranchOption(
                id=branch.id,
                name=_text(branch.name, lang),
                address=_text(branch.address, lang),
                closed_weekdays=list(branch.closed_weekdays),
                daily_capacity=branch_capacity(branch, config),
                full_dates=per_branch_full[branch.id],
            )
            for branch in kb.branches
        ],
        periods=list(PERIODS),
        consent=ConsentTexts(
            version=consent.version,
            terms_url=consent.terms_url,
            privacy_url=consent.privacy_url,
            terms_label=_text(consent.terms_label, lang),
            collection_statement=_text(consent.collection_statement, lang),
            marketing_statement=_text(consent.marketing_statement, lang),
        ),
    )
