"""The CSV a branch downloads: a UTF-8 byte-order mark (so spreadsheet programs show
Chinese names), a header row, one row per registration."""

import csv
import io
from collections.abc import Iterable

from clinic.staff.models import StaffRegistration

COLUMNS = (
    "reference",
    "status",
    "name",
    "phone",
    "email",
    "treatment",
    "branch",
    "preferred_date",
    "preferred_period",
    "created_at",
    "marketing_consent",
    "lang",
    "recommendation_id",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A cell's text. A text that a spreadsheet would run as a formula (a name typed by the
    public as ``=HYPERLINK(…)``) is quoted with a leading apostrophe (CSV injection); the
    phone's leading ``+`` is data, not a formula, and is kept."""
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not text[1:].isdigit() else text


def render_csv(rows: Iterable[StaffRegistration]) -> str:
    """The export: BOM, header, rows (CRLF line ends, as RFC 4180 has them)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.model_dump(mode="json")
        writer.writerow([_cell(data[column]) for column in COLUMNS])
    return out.getvalue()
