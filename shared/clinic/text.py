"""Strict input types shared by the request models: clean text, names with letters, ISO dates.

Leniency hides mistakes: pydantic's lax mode takes ``20261203`` or a Unix timestamp for a
date, and a plain ``str`` lets control and bidirectional-override characters (which can make
a stored name or note read differently from what it holds) reach storage. The models use
these annotated types with one-line changes:

- :data:`CleanText` — no control characters (other than tab and line breaks), no lone
  surrogates (DynamoDB cannot store them), no bidirectional embedding/override/isolate
  controls; for free text such as a feedback reason.
- :data:`CleanLine` — the same on one line (no tab or line break either): tags, URLs.
- :data:`has_letter` — a validator for names: at least one visible letter of any script.
- :data:`IsoDate` — a ``date`` that must arrive as a ``YYYY-MM-DD`` string.

The error codes (``INVALID_CHARACTERS``, ``NAME_INVALID``, ``INVALID_DATE``) are in
``messages.json`` in both languages.
"""

import re
import unicodedata
from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

# Bidirectional formatting characters: LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, and the
# marks LRM, RLM, ALM. Names and notes in English and Chinese never need them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_LINE_BREAKS = frozenset("\t\n\r")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _refuse_unsafe(value: str, allowed_controls: frozenset[str]) -> str:
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in allowed_controls) or category == "Cs" or char in _BIDI_CONTROLS:
            raise PydanticCustomError("INVALID_CHARACTERS", "control or bidirectional characters")
    return value


def clean_text(value: str) -> str:
    """Free text: refuses control characters other than tab and line breaks, lone
    surrogates and bidirectional controls."""
    return _refuse_unsafe(value, _LINE_BREAKS)


def clean_line(value: str) -> str:
    """One line of text: as :func:`clean_text`, and no tab or line break either."""
    return _refuse_unsafe(value, frozenset())


def has_letter(value: str) -> str:
    """A name: at least one letter (Unicode category L), not only marks or punctuation."""
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise PydanticCustomError("NAME_INVALID", "a name needs letters")
    return value


def iso_date_string(value: object) -> object:
    """Only a ``YYYY-MM-DD`` string may become a date (no integers, timestamps or times).

    A ``date`` object passes too: models are also built from stored, already-typed data.
    """
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("INVALID_DATE", "a date is written YYYY-MM-DD")


CleanText = Annotated[str, AfterValidator(clean_text)]
CleanLine = Annotated[str, AfterValidator(clean_line)]
IsoDate = Annotated[date, BeforeValidator(iso_date_string)]
