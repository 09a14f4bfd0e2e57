"""Items written and read by the repositories: the same attribute values boto3 would make."""

from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from clinic.dynamo import from_item, to_item

VALUES = {
    "text": "陳大文 <a@example.com>",
    "empty": "",
    "count": 3,
    "negative": -12,
    "expires_at": 1_800_000_000,
    "fraction": Decimal("0.25"),
    "yes": True,
    "no": False,
    "nothing": None,
    "list": ["a", 1, False, None, {"nested": ["x"]}],
    "map": {"from": "confirmed", "to": "attended", "deep": {"n": 7}},
}


def test_items_are_what_boto3_writes() -> None:
    serializer = TypeSerializer()
    assert to_item(VALUES) == {k: serializer.serialize(v) for k, v in VALUES.items() if v is not None}


def test_items_read_back_as_written_and_as_boto3_reads_them() -> None:
    written = to_item(VALUES)
    expected = {k: v for k, v in VALUES.items() if v is not None}
    assert from_item(written) == expected
    assert from_item(written) == {k: TypeDeserializer().deserialize(v) for k, v in written.items()}
    assert type(from_item(written)["count"]) is int


def test_what_is_not_a_json_value_is_refused() -> None:
    with pytest.raises(TypeError):
        to_item({"when": object()})
