"""The questionnaire widget offers exactly the answers the API accepts, labelled in both languages.

The widget is plain JavaScript (no build step), so its option lists are read from the module's
source: ``web/widgets/questionnaire/questions.js`` (identifiers, kinds, required questions) and
``web/widgets/strings/*.js`` (the labels under ``quiz.questions``). They are compared with the
``Questionnaire`` schema of the committed ``openapi.json``, which is generated from the API's model.
"""

import json
import re
from typing import Any

import pytest

from infra import cfn

WEB = cfn.ROOT / "web" / "widgets"
STRINGS = {"en": WEB / "strings" / "en.js", "zh-HK": WEB / "strings" / "zh-hk.js"}
_STRING = r'"(?:[^"\\]|\\.)*"'


def _schema() -> tuple[dict[str, Any], dict[str, Any]]:
    spec = json.loads((cfn.ROOT / "openapi.json").read_text())
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas["Questionnaire"], schemas


def _block(source: str, start: int) -> tuple[str, int]:
    """The text between the ``{`` or ``[`` at ``start`` and its matching close (outside string
    literals), and the position after that close."""
    opening = source[start]
    closing = {"{": "}", "[": "]"}[opening]
    depth = 0
    position = start
    while position < len(source):
        char = source[position]
        if char in "\"'`":
            position = source.index(char, position + 1)  # the texts here hold no escaped quotes
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return source[start + 1 : position], position + 1
        position += 1
    raise AssertionError(f"unbalanced {opening} at {start}")


def _keyed_block(source: str, key: str, opening: str = "{") -> str:
    """The object (or array) literal under ``key:`` (bare or quoted) in ``source``."""
    match = re.search(rf'(?<![\w"])"?{re.escape(key)}"?\s*:\s*{re.escape(opening)}', source)
    assert match, f"no {key!r} in the widget source"
    return _block(source, match.end() - 1)[0]


def widget_questions() -> list[dict[str, Any]]:
    """QUESTIONS of questions.js as ``{key, kind, required, values}``, in order."""
    source = (WEB / "questionnaire" / "questions.js").read_text()
    array, _ = _block(source, source.index("[", source.index("export const QUESTIONS")))
    questions = []
    position = array.find("{")
    while position >= 0:
        body, end = _block(array, position)
        position = array.find("{", end)
        key = re.search(rf"\bkey:\s*({_STRING})", body)
        kind = re.search(rf"\bkind:\s*({_STRING})", body)
        assert key, body
        assert kind, body
        values = re.findall(_STRING, _keyed_block(body, "values", "["))
        questions.append(
            {
                "key": json.loads(key.group(1)),
                "kind": json.loads(kind.group(1)),
                "required": bool(re.search(r"\brequired:\s*true\b", body)),
                "values": [json.loads(value) for value in values],
            }
        )
    return questions


def widget_labels(lang: str) -> dict[str, list[str]]:
    """The option identifiers that have a label, per question, in one strings file."""
    questions = _keyed_block(STRINGS[lang].read_text(), "questions")
    labels = {}
    position = 0
    while match := re.compile(r"(\w+):\s*\{").search(questions, position):
        key = match.group(1)
        block, position = _block(questions, match.end() - 1)
        options = _keyed_block(block, "options")
        pairs = re.findall(rf"({_STRING}|\w+)\s*:\s*{_STRING}", options)
        labels[key] = [json.loads(name) if name.startswith('"') else name for name in pairs]
    return labels


def api_options(prop: dict[str, Any], schemas: dict[str, Any]) -> tuple[str, list[str]]:
    """The widget kind a Questionnaire property needs and the identifiers it accepts."""
    if "$ref" in prop:
        referenced = schemas[prop["$ref"].rsplit("/", 1)[1]]
        return "yesno", list(referenced["properties"])
    if prop.get("type") == "array":
        return "checkbox", list(prop["items"]["enum"])
    return "radio", list(prop["enum"])


def test_the_widget_asks_every_question_of_the_api_and_no_other() -> None:
    schema, _ = _schema()
    asked = [question["key"] for question in widget_questions()]
    assert len(asked) == len(set(asked))
    assert set(asked) == set(schema["properties"]) - {"lang"}


@pytest.mark.parametrize("question", widget_questions(), ids=lambda question: question["key"])
def test_each_question_offers_exactly_the_api_enum(question: dict[str, Any]) -> None:
    schema, schemas = _schema()
    kind, accepted = api_options(schema["properties"][question["key"]], schemas)
    assert question["kind"] == kind
    assert len(question["values"]) == len(set(question["values"])), "an option is offered twice"
    assert set(question["values"]) == set(accepted), "the widget's options drifted from openapi.json"
    assert question["required"] == (question["key"] in schema.get("required", []))


@pytest.mark.parametrize("lang", list(STRINGS))
def test_every_option_has_a_label_in_each_language(lang: str) -> None:
    labels = widget_labels(lang)
    for question in widget_questions():
        assert sorted(labels[question["key"]]) == sorted(question["values"]), (lang, question["key"])
