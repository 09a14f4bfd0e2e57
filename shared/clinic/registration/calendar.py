"""The booking calendar: the window of bookable dates, Hong Kong public holidays, branch
opening days, capacity and the dates already full. Pure rules in Asia/Hong_Kong."""

import json
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from clinic.errors import FieldProblem
from clinic.knowledge import Branch, KnowledgeBase
from clinic.settings import Settings

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
HOLIDAYS_FILE = "hk_public_holidays.json"


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


@cache
def _precomputed_holidays() -> dict[int, frozenset[date]]:
    text = (resources.files("clinic") / HOLIDAYS_FILE).read_text(encoding="utf-8")
    years: dict[str, list[str]] = json.loads(text)["years"]
    return {int(year): frozenset(map(date.fromisoformat, days)) for year, days in years.items()}


@cache
def _holidays_of(year: int) -> frozenset[date]:
    # Importing `holidays` loads every country it knows: ~440 ms of a cold start here, and
    # 8 MB of the layer. The coming years are therefore precomputed from the package, which
    # only the dev venv holds (`make holidays`; a test fails before the file runs out).
    return _precomputed_holidays().get(year, frozenset())


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
