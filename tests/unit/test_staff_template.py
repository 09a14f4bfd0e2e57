"""template.yaml keeps the staff side locked: every /staff method behind the Cognito
authorizer, the staff role no wider than the staff routes need, the user pool as the
contract describes it."""

import json
from typing import Any

from infra import cfn

STAFF = "StaffFunction"
# What the staff function may do, per resource (logical id; "/index/*" for the table's indexes).
STAFF_NEEDS = {
    "ContentTable": {"dynamodb:Scan"},  # branch ids, as every function
    "RegistrationsTable": {
        "dynamodb:GetItem",  # find by reference
        "dynamodb:Query",  # one registration with its history
        "dynamodb:PutItem",  # a status change (conditional) and its history step, in a transaction
        "dynamodb:DeleteItem",  # a cancellation releases the trial claim
        "dynamodb:UpdateItem",  # … and gives the place back
    },
    "RegistrationsTable/index/*": {"dynamodb:Query"},  # the day's list, find by phone
    "RecommendationsTable": {"dynamodb:GetItem", "dynamodb:DeleteItem"},  # data requests: access, erasure
    "MessagesTable": {"dynamodb:Query"},  # data requests: the messages sent
    "AuditTable": {"dynamodb:PutItem"},  # write-only: staff cannot read or rewrite the trail
    "StaffKeySecret": {"secretsmanager:GetSecretValue"},
}


def _resource_name(resource: Any) -> str:
    if "Fn::GetAtt" in resource:
        return str(resource["Fn::GetAtt"][0])
    if "Ref" in resource:
        return str(resource["Ref"])
    if "Fn::Sub" in resource:
        return str(resource["Fn::Sub"]).replace("${", "").replace(".Arn}", "")
    raise AssertionError(f"unexpected resource form {resource}")


def granted(function: str) -> dict[str, set[str]]:
    """Resource → actions of a function's own role (its log group and optional tracing aside)."""
    role_id = cfn.resources("AWS::Serverless::Function")[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    role = cfn.load_template()["Resources"][role_id]["Properties"]
    grants: dict[str, set[str]] = {}
    for policy in role["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            if "Fn::If" in statement or statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]:
                continue
            if statement["Effect"] == "Deny":  # grants nothing (the messages role denies SNS topics)
                continue
            assert statement["Effect"] == "Allow"
            granted_on = statement.get("Resource", statement.get("NotResource"))  # NotResource: SMS only
            resources = granted_on if isinstance(granted_on, list) else [granted_on]
            for resource in resources:
                grants.setdefault(_resource_name(resource), set()).update(statement["Action"])
    return grants


def test_every_staff_route_sits_behind_the_cognito_authorizer() -> None:
    staff_routes = [route for route in cfn.routes() if route.path.startswith("/staff")]
    assert {route.path for route in staff_routes} == {
        "/staff/registrations",
        "/staff/registrations/export",
        "/staff/registrations/{reference}",
        "/staff/registrations/{reference}/status",
        "/staff/data-requests",
    }
    for route in staff_routes:
        assert route.function == STAFF
        if route.method == "OPTIONS":  # a CORS preflight carries no token and gets no data
            continue
        assert route.authorizer == "StaffCognito", route
    # Every path with a preflight also has its guarded method.
    assert {r.path for r in staff_routes if r.method == "OPTIONS"} == {r.path for r in staff_routes}
    # Nothing else is served under /staff by another function, and no route is left open by default.
    for route in cfn.routes():
        if route.function == STAFF:
            assert route.path.startswith("/staff/")


def test_the_authorizer_checks_the_staff_user_pool() -> None:
    api = cfn.resources("AWS::Serverless::Api")["ClinicApi"]["Properties"]
    authorizer = api["Auth"]["Authorizers"]["StaffCognito"]
    assert authorizer["UserPoolArn"] == {"Fn::GetAtt": ["StaffUserPool", "Arn"]}
    unauthorized = api["GatewayResponses"]["UNAUTHORIZED"]
    assert unauthorized["StatusCode"] == "401"
    body = json.loads(unauthorized["ResponseTemplates"]["application/json"])
    assert body["error"]["code"] == "UNAUTHORIZED"


def test_the_staff_role_reaches_only_what_it_needs() -> None:
    assert granted(STAFF) == STAFF_NEEDS
    for actions in granted(STAFF).values():
        assert not any("*" in action for action in actions)


def test_the_local_only_token_route_is_never_deployed() -> None:
    assert "_local" not in cfn.TEMPLATE.read_text(encoding="utf-8")


def test_the_user_pool_is_admin_only_with_a_strong_password_policy_and_optional_mfa() -> None:
    pool = cfn.resources("AWS::Cognito::UserPool")["StaffUserPool"]["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[key] for key in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert pool["MfaConfiguration"] == "OPTIONAL"
    client = cfn.resources("AWS::Cognito::UserPoolClient")["StaffUserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert client["AllowedOAuthFlows"] == ["code"]
    assert "AWS::Cognito::UserPoolDomain" in {res["Type"] for res in cfn.load_template()["Resources"].values()}


def test_there_is_a_group_for_managers_and_for_every_branch() -> None:
    branches = json.loads((cfn.ROOT / "shared/clinic/content/branches.json").read_text(encoding="utf-8"))
    groups = {g["Properties"]["GroupName"] for g in cfn.resources("AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"managers"} | {f"branch-{branch['id']}" for branch in branches}


def test_the_audit_trail_has_its_own_expiring_table() -> None:
    table = cfn.resources("AWS::DynamoDB::Table")["AuditTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    env = cfn.resources("AWS::Serverless::Function")[STAFF]["Properties"]["Environment"]["Variables"]
    assert env["AUDIT_TABLE"] == {"Ref": "AuditTable"}
    assert env["AUDIT_RETENTION_DAYS"] == {"Ref": "AuditRetentionDays"}
    # No other function may touch the audit trail.
    for function in cfn.resources("AWS::Serverless::Function"):
        if function != STAFF:
            assert "AuditTable" not in granted(function)
