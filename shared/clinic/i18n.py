"""Languages of the API and its message catalogue (``messages.json``)."""

import json
from functools import cache
from importlib import resources
from typing import Any

from clinic.knowledge import Lang

DEFAULT_LANG: Lang = "en"

# For the ``lang`` fields of request bodies: they exist for validation and the OpenAPI
# document; the answer's language is resolved once per request by ``clinic.request``.
LANG_FIELD_DESCRIPTION = (
    "en or zh-HK. Validated and documented here; the language is resolved once per request "
    "(query lang, this field, Accept-Language, en)"
)


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    text = (resources.files("clinic") / "messages.json").read_text(encoding="utf-8")
    catalogue: dict[str, dict[str, str]] = json.loads(text)
    return catalogue


class _Params(dict[str, Any]):
    """Message parameters; a missing one shows as an ellipsis rather than failing."""

    def __missing__(self, key: str) -> str:
        return "…"


def message(code: str, lang: Lang, **params: Any) -> str:
    """The catalogue's text for ``code`` in ``lang``, with ``params`` filled in."""
    entry = _catalogue().get(code) or _catalogue()["INVALID_VALUE"]
    text = entry[lang]
    return text.format_map(_Params(params))


def parse_lang(value: str | None) -> Lang | None:
    """The API language named by ``value`` (``en``, ``zh-HK`` and their usual spellings)."""
    if not value:
        return None
    tag = value.strip().lower().replace("_", "-")
    if tag == "en" or tag.startswith("en-"):
        return "en"
    if tag == "zh" or tag.startswith("zh-") or tag in {"yue", "yue-hk"}:
        return "zh-HK"
    return None


def lang_from_accept_language(header: str | None) -> Lang | None:
    """The preferred supported language of an ``Accept-Language`` header, by q-value."""
    if not header:
        return None
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        lang = parse_lang(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None
