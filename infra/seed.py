"""Load or update the knowledge base from ``shared/clinic/content/`` into a content table.

Idempotent and versioned: unchanged entries are skipped, removed ones deleted, and the
table's ``meta/version`` item records the content version. Works against the local stack
(``AWS_ENDPOINT_URL_DYNAMODB``) and against a deployed stack (its ContentTableName output).

    python -m infra.seed --table ContentTable        # or: make seed TABLE=...
"""

import argparse
import sys

from infra import cfn

sys.path.insert(0, str(cfn.ROOT / "shared"))

from clinic.content_store import DynamoContent
from clinic.knowledge import read_content_files


def main(argv: list[str] | None = None) -> int:
    """Seed the table named on the command line; print progress and a summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--table", required=True, help="the content table's name")
    args = parser.parse_args(argv)
    report = DynamoContent(args.table).seed(read_content_files(), progress=print)
    print(
        f"content version {report.version}: {len(report.written)} written, "
        f"{len(report.deleted)} deleted, {report.unchanged} unchanged"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
