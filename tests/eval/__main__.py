"""``make eval``: print the golden set's figures, then what it gets wrong."""

import sys

from tests.eval import evaluate


def main() -> int:
    """Print the table and the misses; exit 0 (the floors live in the tests)."""
    report = evaluate()
    print(report.table())
    if report.failures:
        print(f"\n{len(report.failures)} misses (FAQ misses include rank 2-3 hits):")
        print("\n".join(f"- {failure}" for failure in report.failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
