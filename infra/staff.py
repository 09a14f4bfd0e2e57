"""The operator's command line for the clinic's back office.

    python -m infra.staff --endpoint http://127.0.0.1:<port> today --branch causeway-bay
    python -m infra.staff --stack clinic export --branch central --date 2026-12-03 --out day.csv
    python -m infra.staff --stack clinic create-user amy.wong --group branch-central --email amy@…
    python -m infra.staff --stack clinic console-config --console-url https://staff.example-clinic.hk/staff/

``--endpoint`` is the local stack's embedded AWS (its banner prints it); ``--stack`` a
deployed stack, found by name through its outputs (your usual AWS credentials). Lists and
exports run the staff function's own rules as a manager, and are written to the audit
trail as ``operator:<who>``; a new user gets an e-mailed temporary password from Cognito
(locally: the local password, printed).
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from infra import cfn, local_cognito

sys.path.insert(0, str(cfn.ROOT / "shared"))

CONSOLE_CONFIG = cfn.ROOT / "web" / "staff" / "config.js"


@dataclass(frozen=True)
class Target:
    """Where the stack's pieces are."""

    registrations_table: str
    audit_table: str
    staff_key_secret: str
    user_pool_id: str
    actor: str
    outputs: dict[str, str]


def _local_target(endpoint: str) -> Target:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_REGION", "ap-east-1")
    os.environ.setdefault("AWS_DEFAULT_REGION", os.environ["AWS_REGION"])
    os.environ["AWS_ENDPOINT_URL"] = os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    client = local_cognito.cognito_client(endpoint, os.environ["AWS_REGION"])
    pools = client.list_user_pools(MaxResults=10)["UserPools"]
    pool_id = next(pool["Id"] for pool in pools if pool["Name"] == local_cognito.LOCAL_POOL_NAME)
    tables = cfn.local_table_names()
    return Target(tables["RegistrationsTable"], tables["AuditTable"], "StaffKeySecret", pool_id, "operator:local", {})


def _stack_target(stack: str) -> Target:
    import boto3

    described = boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {item["OutputKey"]: item["OutputValue"] for item in described.get("Outputs", [])}
    caller = boto3.client("sts").get_caller_identity()["Arn"].rsplit("/", 1)[-1]
    return Target(
        outputs["RegistrationsTableName"],
        outputs["AuditTableName"],
        outputs["StaffKeySecretArn"],
        outputs["StaffUserPoolId"],
        f"operator:{caller}",
        outputs,
    )


def _service(target: Target) -> Any:
    """The staff function's own service, configured for ``target``."""
    os.environ.update(
        REGISTRATIONS_TABLE=target.registrations_table,
        AUDIT_TABLE=target.audit_table,
        STAFF_KEY_SECRET=target.staff_key_secret,
    )
    from clinic.aws import reset_clients
    from clinic.knowledge import bundled_knowledge
    from clinic.settings import settings
    from clinic.staff.audit import DynamoAudit
    from clinic.staff.keys import staff_key
    from clinic.staff.service import StaffService
    from clinic.staff.store import DynamoStaffStore

    settings.cache_clear()
    reset_clients()
    config = settings()
    return StaffService(
        DynamoStaffStore(config.registrations_table),
        DynamoAudit(config.audit_table, config.audit_retention_days),
        staff_key,
        frozenset(branch.id for branch in bundled_knowledge().branches),
    )


def _operator(target: Target) -> Any:
    from clinic.staff.access import MANAGERS, StaffUser

    return StaffUser(target.actor, frozenset({MANAGERS}))


def today(target: Target, branch: str, day: date) -> int:
    """Print the branch's registrations of the day, one line each."""
    service, cursor, count = _service(target), None, 0
    while True:
        page = service.page(_operator(target), branch, day, None, None, 200, cursor)
        for item in page.items:
            count += 1
            period = item.preferred_period or "-"
            print(f"{item.reference}  {item.status:<20} {period:<9} {item.phone:<13} {item.name}")
        cursor = page.next_cursor
        if cursor is None:
            break
    print(f"{count} registration(s) at {branch} on {day.isoformat()}", file=sys.stderr)
    return 0


def export(target: Target, branch: str, day: date | None, out: Path | None) -> int:
    """Write the CSV (BOM, header, rows) to ``out`` or standard output."""
    text = _service(target).export(_operator(target), branch, day, None, None)
    if out:
        out.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {out} ({text.count(chr(10)) - 1} rows)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def create_user(target: Target, username: str, group: str, email: str | None, local: bool) -> int:
    """Create a staff account in a group (the group must exist: managers or branch-<id>)."""
    import boto3

    client = boto3.client("cognito-idp")
    groups = {g["GroupName"] for g in client.list_groups(UserPoolId=target.user_pool_id)["Groups"]}
    if group not in groups:
        print(f"unknown group {group!r}; one of: {', '.join(sorted(groups))}", file=sys.stderr)
        return 2
    if local:
        local_cognito.add_user(client, target.user_pool_id, username, group, local_cognito.LOCAL_PASSWORD)
        print(f"created {username} in {group}; sign in at /staff/ (local: no password needed)")
        return 0
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}] if email else []
    client.admin_create_user(
        UserPoolId=target.user_pool_id, Username=username, UserAttributes=attributes, DesiredDeliveryMediums=["EMAIL"]
    )
    client.admin_add_user_to_group(UserPoolId=target.user_pool_id, Username=username, GroupName=group)
    print(f"created {username} in {group}; Cognito e-mails a temporary password")
    return 0


def console_config(target: Target, console_url: str) -> int:
    """Write web/staff/config.js for the deployed console (hosted UI, code flow with PKCE)."""
    config = {
        "mode": "hosted",
        "api": target.outputs["ApiUrl"].rstrip("/"),
        "hostedUi": target.outputs["StaffHostedUiUrl"],
        "clientId": target.outputs["StaffUserPoolClientId"],
        "redirectUri": console_url,
    }
    CONSOLE_CONFIG.write_text(
        "/** Written by python -m infra.staff console-config: the deployed console's settings. */\n"
        f"export default {json.dumps(config, indent=2)};\n",
        encoding="utf-8",
    )
    print(f"wrote {CONSOLE_CONFIG.relative_to(cfn.ROOT)}; publish web/staff/ at {console_url}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint", help="the local stack's embedded AWS (printed in its banner)")
    where.add_argument("--stack", help="a deployed stack's name")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("today", help="a branch's registrations of a day (default: today in Hong Kong)")
    listing.add_argument("--branch", required=True)
    listing.add_argument("--date", type=date.fromisoformat)
    exporting = commands.add_parser("export", help="the CSV of a branch (and day)")
    exporting.add_argument("--branch", required=True)
    exporting.add_argument("--date", type=date.fromisoformat)
    exporting.add_argument("--out", type=Path)
    creating = commands.add_parser("create-user", help="a staff account in a group")
    creating.add_argument("username")
    creating.add_argument("--group", required=True, help="managers or branch-<branch id>")
    creating.add_argument("--email")
    configuring = commands.add_parser("console-config", help="write web/staff/config.js for a deployed stack")
    configuring.add_argument("--console-url", required=True, help="where web/staff/ is served (the callback URL)")
    args = parser.parse_args(argv)

    target = _local_target(args.endpoint) if args.endpoint else _stack_target(args.stack)
    from clinic.errors import ApiError

    try:
        return _run(args, target, parser)
    except ApiError as error:
        print(f"{error.code}: {error.body('en')['error']['message']}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, target: Target, parser: argparse.ArgumentParser) -> int:
    if args.command == "today":
        from clinic.registration import today_in_hong_kong

        return today(target, args.branch, args.date or today_in_hong_kong())
    if args.command == "export":
        return export(target, args.branch, args.date, args.out)
    if args.command == "create-user":
        return create_user(target, args.username, args.group, args.email, local=bool(args.endpoint))
    if args.stack is None:
        parser.error("console-config needs --stack (the local console uses the committed config.js)")
    return console_config(target, args.console_url)


if __name__ == "__main__":
    sys.exit(main())
