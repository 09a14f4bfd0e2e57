"""Registration rules: phones, names, dates in Hong Kong time, capacity and references."""

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from clinic.knowledge import bundled_knowledge
from clinic.registration import (
    REFERENCE_PATTERN,
    BookingWindow,
    RegistrationIn,
    booking_window,
    dates_full_everywhere,
    expiry,
    full_dates,
    mask_email,
    mask_phone,
    new_reference,
    normalise_reference,
    public_holidays,
    registration_problems,
    today_in_hong_kong,
    window_problem,
)
from clinic.settings import Settings

KB = bundled_knowledge()
CONFIG = Settings.model_validate({})
TODAY = date(2026, 11, 26)
WINDOW = booking_window(TODAY, CONFIG)


def a_bookable_day() -> str:
    """A day in the real booking window that is not a public holiday (the form validates
    dates against today in Hong Kong)."""
    window = booking_window(today_in_hong_kong(), CONFIG)
    holidays = public_holidays(window)
    return next(d for d in window.days()[3:] if d not in holidays and d.weekday() < 5).isoformat()


def form(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name": "Chan Tai Man",
        "phone": "+852 9123 4567",
        "treatment": "acne-treatment",
        "branch": "causeway-bay",
        "preferred_date": a_bookable_day(),
        "agree_terms": True,
    }
    return base | changes


def codes(**changes: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        RegistrationIn.model_validate(form(**changes))
    return {".".join(map(str, e["loc"])): e["type"] for e in caught.value.errors()}


@pytest.mark.parametrize(
    "written",
    [
        "91234567",
        "9123 4567",
        "9123-4567",
        "+85291234567",
        "(852) 9123 4567",
        "00852 9123 4567",
        "852 9123 4567",
    ],
)
def test_hong_kong_mobiles_in_any_common_writing_are_stored_as_e164(written: str) -> None:
    assert RegistrationIn.model_validate(form(phone=written)).phone == "+85291234567"


@pytest.mark.parametrize(
    "written",
    [
        "2123 4567",  # landline
        "3123 4567",  # landline
        "800 123 456",  # toll-free
        "7123 4567",  # pager range
        "+44 7911 123456",  # a foreign mobile
        "+86 138 0013 8000",  # a mainland mobile
        "9123 456",  # too short
        "call me",
    ],
)
def test_anything_but_a_hong_kong_mobile_is_refused(written: str) -> None:
    assert codes(phone=written) == {"phone": "PHONE_NOT_HK_MOBILE"}


def test_names_are_trimmed_and_any_script_is_welcome() -> None:
    assert RegistrationIn.model_validate(form(name="  Chan   Tai Man ")).name == "Chan Tai Man"
    assert RegistrationIn.model_validate(form(name="陳大文")).name == "陳大文"
    assert RegistrationIn.model_validate(form(name="Zoë O'Neill-Ng")).name == "Zoë O'Neill-Ng"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "REQUIRED"),
        ("   ", "REQUIRED"),
        ("R2D2", "NAME_INVALID"),
        ("<b>Chan</b>", "NAME_INVALID"),
        ("Chan\u0000Tai", "NAME_INVALID"),
        ("A" * 81, "TOO_LONG"),
    ],
)
def test_bad_names_are_refused(name: str, code: str) -> None:
    assert codes(name=name) == {"name": code}


def test_email_is_optional_normalised_and_checked() -> None:
    assert RegistrationIn.model_validate(form()).email is None
    assert RegistrationIn.model_validate(form(email="")).email is None
    assert RegistrationIn.model_validate(form(email="TM.Chan@Example.com")).email == "TM.Chan@example.com"
    assert codes(email="not-an-email") == {"email": "EMAIL_INVALID"}


def test_terms_must_be_accepted_and_marketing_is_never_implied() -> None:
    assert codes(agree_terms=False) == {"agree_terms": "TERMS_NOT_ACCEPTED"}
    assert codes(agree_terms="yes") == {"agree_terms": "bool_type"}
    assert RegistrationIn.model_validate(form()).marketing_consent is False


def test_unknown_fields_and_bad_source_urls_are_refused() -> None:
    assert codes(hkid="A123456(7)") == {"hkid": "extra_forbidden"}
    assert codes(source={"page_url": "javascript:alert(1)"}) == {"source.page_url": "URL_INVALID"}


def test_the_honeypot_marks_bots() -> None:
    assert RegistrationIn.model_validate(form(website="http://spam")).is_bot
    assert not RegistrationIn.model_validate(form(website="")).is_bot


@pytest.mark.parametrize(
    ("utc", "hong_kong_date"),
    [
        (datetime(2026, 11, 26, 15, 59, tzinfo=UTC), date(2026, 11, 26)),  # 23:59 in Hong Kong
        (
            datetime(2026, 11, 26, 16, 1, tzinfo=UTC),
            date(2026, 11, 27),
        ),  # 00:01, UTC still the 26th
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_today_is_the_hong_kong_date_whatever_the_utc_date(utc: datetime, hong_kong_date: date) -> None:
    assert today_in_hong_kong(utc) == hong_kong_date


def test_the_window_is_minimum_notice_to_horizon() -> None:
    assert BookingWindow(min_date=date(2026, 11, 27), max_date=date(2027, 1, 25)) == WINDOW
    just_after_midnight = booking_window(today_in_hong_kong(datetime(2026, 11, 26, 16, 1, tzinfo=UTC)), CONFIG)
    assert just_after_midnight.min_date == date(2026, 11, 28)


def test_public_holidays_in_the_window_are_closed() -> None:
    holidays = public_holidays(WINDOW)
    assert date(2026, 12, 25) in holidays
    assert date(2027, 1, 1) in holidays
    assert all(WINDOW.min_date <= day <= WINDOW.max_date for day in holidays)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (date(2026, 11, 26), "DATE_TOO_EARLY"),
        (date(2027, 1, 26), "DATE_TOO_LATE"),
        (date(2026, 12, 25), "DATE_CLOSED"),
        (date(2026, 11, 27), None),
        (date(2027, 1, 25), None),
    ],
)
def test_window_rules(day: date, code: str | None) -> None:
    problem = window_problem(day, WINDOW)
    assert (problem.code if problem else None) == code


def test_the_too_early_message_names_the_minimal_date() -> None:
    problem = window_problem(TODAY, WINDOW)
    assert problem is not None
    assert "2026-11-27" in problem.render("en").message
    assert "2026-11-27" in problem.render("zh-HK").message


def test_the_form_checks_the_window_against_today_in_hong_kong() -> None:
    today = today_in_hong_kong()
    assert codes(preferred_date=today.isoformat()) == {"preferred_date": "DATE_TOO_EARLY"}
    late = (today + timedelta(days=CONFIG.booking_horizon_days + 1)).isoformat()
    assert codes(preferred_date=late) == {"preferred_date": "DATE_TOO_LATE"}


def test_a_branchs_closed_weekday_is_closed() -> None:
    window = booking_window(today_in_hong_kong(), CONFIG)
    holidays = public_holidays(window)
    sunday = next(d for d in window.days() if d.weekday() == 6 and d not in holidays)
    closed = RegistrationIn.model_validate(form(branch="central", preferred_date=sunday.isoformat()))
    assert [(p.field, p.code) for p in registration_problems(closed, KB)] == [("preferred_date", "DATE_CLOSED")]
    open_branch = RegistrationIn.model_validate(form(branch="causeway-bay", preferred_date=sunday.isoformat()))
    assert registration_problems(open_branch, KB) == []


def test_catalogue_and_branch_are_checked_against_the_knowledge_base() -> None:
    problems = registration_problems(RegistrationIn.model_validate(form(treatment="aha-peel", branch="mars")), KB)
    assert {(p.field, p.code) for p in problems} == {
        ("treatment", "TREATMENT_NOT_OFFERED"),
        ("branch", "UNKNOWN_BRANCH"),
    }
    unknown = registration_problems(RegistrationIn.model_validate(form(treatment="botox")), KB)
    assert [(p.field, p.code) for p in unknown] == [("treatment", "UNKNOWN_TREATMENT")]


def test_full_dates_per_branch_and_everywhere() -> None:
    day = date(2026, 12, 3)
    capacity = {b.id: (b.daily_capacity or CONFIG.daily_capacity) for b in KB.branches}
    one_full = {"causeway-bay": {day: capacity["causeway-bay"]}}
    per_branch = full_dates(WINDOW, KB, one_full, CONFIG)
    assert per_branch["causeway-bay"] == [day]
    assert dates_full_everywhere(WINDOW, KB, per_branch) == []
    all_full = {b.id: {day: capacity[b.id]} for b in KB.branches}
    assert dates_full_everywhere(WINDOW, KB, full_dates(WINDOW, KB, all_full, CONFIG)) == [day]


def test_references_are_unambiguous_and_typed_references_are_read_kindly() -> None:
    references = {new_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(REFERENCE_PATTERN.match(reference) for reference in references)
    assert normalise_reference("pm-7k3d-q9xa") == "PM-7K3D-Q9XA"
    assert normalise_reference("PM7K3DQ9XO") == "PM-7K3D-Q9X0"
    assert normalise_reference("PM-7K3D-Q9XU") is None
    assert normalise_reference("hello") is None


def test_contact_details_are_masked() -> None:
    assert mask_phone("+85291234567") == "+852 ****-**67"
    assert mask_email("tm.chan@example.com") == "t******@example.com"
    assert mask_email(None) is None


def test_registrations_expire_after_the_retention_period_in_hong_kong_time() -> None:
    expires = datetime.fromtimestamp(expiry(date(2026, 12, 3), 180), UTC)
    assert expires == datetime(2027, 6, 1, 16, 0, tzinfo=UTC)  # 2027-06-02 00:00 in Hong Kong


def test_the_precomputed_holidays_match_the_holidays_package() -> None:
    import json
    from importlib import resources

    from clinic.registration import HOLIDAYS_FILE
    from infra.holidays import holidays_from_library

    years = json.loads((resources.files("clinic") / HOLIDAYS_FILE).read_text(encoding="utf-8"))["years"]
    assert str(today_in_hong_kong().year + 1) in years, "run `make holidays` to cover the coming years"
    for year, days in years.items():
        assert sorted(days) == sorted(d.isoformat() for d in holidays_from_library(int(year))), year
