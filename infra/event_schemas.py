"""The JSON schemas of the registration events, generated from :mod:`clinic.events`.

``python -m infra.event_schemas`` writes ``docs/events/<DetailType>.schema.json``; a test
fails when the committed files differ from what the models generate.
"""

import json
import sys

from infra import cfn

SCHEMA_DIR = cfn.ROOT / "docs" / "events"


def generated() -> dict[str, str]:
    """File name → schema text, for every event."""
    if str(cfn.ROOT / "shared") not in sys.path:
        sys.path.insert(0, str(cfn.ROOT / "shared"))
    from clinic.events import DETAIL_TYPES, event_schema

    return {
        f"{name}.schema.json": json.dumps(event_schema(name), indent=2, ensure_ascii=False) + "\n"
        for name in DETAIL_TYPES
    }


def main() -> None:
    """Write the schemas."""
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in generated().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/events/{name}")


if __name__ == "__main__":
    main()
