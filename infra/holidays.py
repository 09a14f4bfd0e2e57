"""Precompute Hong Kong public holidays into ``shared/clinic/hk_public_holidays.json``.

The registration function reads this file instead of importing the ``holidays`` package,
which costs ~440 ms of cold start and is a dev dependency only (not in the layer);
``tests/unit/test_registration_rules.py`` checks the file against the package, so a
dependency update that changes a holiday fails the tests until ``make holidays`` is run again.

    python -m infra.holidays [FIRST_YEAR] [LAST_YEAR]
"""

import json
import sys
from datetime import date
from importlib.metadata import version

from infra import cfn

sys.path.insert(0, str(cfn.ROOT / "shared"))

from clinic.registration import HOLIDAYS_FILE

TARGET = cfn.ROOT / "shared" / "clinic" / HOLIDAYS_FILE


def holidays_from_library(year: int) -> frozenset[date]:
    """Hong Kong public holidays of ``year`` computed by the ``holidays`` package (dev only)."""
    from holidays.countries.hongkong import HongKong

    return frozenset(HongKong(years=year))  # type: ignore[no-untyped-call]


def main(argv: list[str]) -> int:
    """Write the holidays of the given years (default: this year and the next four)."""
    first = int(argv[0]) if argv else date.today().year
    last = int(argv[1]) if len(argv) > 1 else first + 4
    years = {str(year): sorted(d.isoformat() for d in holidays_from_library(year)) for year in range(first, last + 1)}
    payload = {"source": f"holidays=={version('holidays')}", "country": "HK", "years": years}
    TARGET.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(cfn.ROOT)}: {first} to {last}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
