"""The registration form: its fields, their validators and the rules that need the
knowledge base. One answer names every problem (the contract's field-level 422)."""

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StringConstraints
from pydantic_core import PydanticCustomError

from clinic.errors import FieldProblem
from clinic.ids import RECOMMENDATION_ID
from clinic.knowledge import KnowledgeBase, Lang
from clinic.registration.calendar import booking_window, today_in_hong_kong, window_problem
from clinic.settings import settings

Period = Literal["morning", "afternoon", "evening"]
PERIODS: tuple[Period, ...] = ("morning", "afternoon", "evening")
_NAME_PUNCTUATION = frozenset(" .'-·‧\u2019")


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
