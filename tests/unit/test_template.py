"""template.yaml is deploy-ready and operable: alarms and who they tell, safe deployments,
edges that hold, deletion policies; and the built layer is for arm64 (aarch64)."""

from pathlib import Path
from typing import Any

import pytest

from infra import cfn

TEMPLATE = cfn.load_template()
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
FUNCTIONS = cfn.resources("AWS::Serverless::Function")
ALARMS = cfn.resources("AWS::CloudWatch::Alarm")
EM_AARCH64 = 183  # ELF e_machine


def refs_in(value: Any) -> set[str]:
    """Every logical id referenced (Ref / GetAtt / Sub) inside a template value."""
    if isinstance(value, dict):
        found = set()
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt":
                found.add(inner[0] if isinstance(inner, list) else inner.split(".")[0])
            else:
                found |= refs_in(inner)
        return found
    if isinstance(value, list):
        return set().union(*(refs_in(item) for item in value)) if value else set()
    return set()


def test_every_alarm_notifies_the_topic() -> None:
    # three per function, one per table, the API's 5XX and latency, DynamoDB's system errors,
    # and one per dead-letter queue of the events and messages pipeline (issue 14)
    assert len(ALARMS) == 3 * len(FUNCTIONS) + len(cfn.resources("AWS::DynamoDB::Table")) + 3 + 2
    for name, alarm in ALARMS.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
    assert RESOURCES["AlarmEmailSubscription"]["Condition"] == "HasAlarmEmail"


@pytest.mark.parametrize("metric", ["Errors", "Throttles", "Duration"])
def test_each_function_has_its_alarms(metric: str) -> None:
    watched = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Ref"]
        for alarm in ALARMS.values()
        if alarm["Properties"].get("Namespace") == "AWS/Lambda" and alarm["Properties"]["MetricName"] == metric
    }
    assert watched == set(FUNCTIONS)


def test_the_api_and_every_table_are_watched() -> None:
    api_metrics = {
        a["Properties"]["MetricName"] for a in ALARMS.values() if a["Properties"].get("Namespace") == "AWS/ApiGateway"
    }
    assert api_metrics == {"5XXError", "Latency"}
    throttled = {
        t for a in ALARMS.values() for t in refs_in(a["Properties"].get("Metrics", [])) if "ThrottleEvents" in str(a)
    }
    assert throttled == set(cfn.resources("AWS::DynamoDB::Table"))
    system = [a for a in ALARMS.values() if "SystemErrors" in str(a["Properties"].get("Metrics"))]
    assert len(system) == 1


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_function_deploys_by_canary_rolled_back_by_alarms(name: str) -> None:
    props = FUNCTIONS[name]["Properties"]
    assert TEMPLATE["Globals"]["Function"]["AutoPublishAlias"] == "live"
    preference = props["DeploymentPreference"]
    assert preference["Type"].startswith("Canary")
    alarms = refs_in(preference["Alarms"])
    assert {f"{name.removesuffix('Function')}ErrorsAlarm", "Api5xxAlarm"} <= alarms <= set(ALARMS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_each_function_has_its_own_scoped_role_and_log_group(name: str) -> None:
    props = FUNCTIONS[name]["Properties"]
    role = RESOURCES[props["Role"]["Fn::GetAtt"][0]]
    log_group = props["LoggingConfig"]["LogGroup"]["Ref"]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    logs = next(s for s in statements if isinstance(s, dict) and "logs:PutLogEvents" in s.get("Action", []))
    assert logs["Resource"] == {"Fn::GetAtt": [log_group, "Arn"]}
    for statement in statements:
        if "Action" in statement and any(a.startswith("dynamodb:") for a in statement["Action"]):
            assert statement["Resource"] != "*"
    assert "ReservedConcurrentExecutions" in props


def test_gateway_responses_carry_cors_and_throttled_a_retry_after() -> None:
    responses = RESOURCES["ClinicApi"]["Properties"]["GatewayResponses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"} <= set(responses)
    for name, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert "Access-Control-Allow-Origin" in headers, name
        assert '"error"' in response["ResponseTemplates"]["application/json"], name
    assert responses["THROTTLED"]["ResponseParameters"]["Headers"]["Retry-After"] == "'1'"


def test_posting_a_registration_is_throttled_tighter_than_the_stage() -> None:
    settings = RESOURCES["ClinicApi"]["Properties"]["MethodSettings"]
    registrations = next(s for s in settings if s["ResourcePath"] == "/~1registrations")
    assert registrations["HttpMethod"] == "POST"
    params = TEMPLATE["Parameters"]
    assert int(params["RegistrationThrottleRateLimit"]["Default"]) < int(params["ThrottleRateLimit"]["Default"])
    routes = {(r.method, r.path) for r in cfn.routes()}
    assert ("POST", "/registrations") in routes  # the method the setting names exists


def test_the_optional_waf_limits_per_ip_and_challenges_registrations() -> None:
    acl = RESOURCES["WebAcl"]
    assert acl["Condition"] == "WafOn"
    rules = {rule["Name"]: rule for rule in acl["Properties"]["Rules"]}
    assert rules["per-ip-rate"]["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert "Challenge" in rules["registrations-challenge"]["Action"]
    assert RESOURCES["WebAclAssociation"]["Condition"] == "WafOn"


def test_access_logs_say_why_the_gateway_answered() -> None:
    log_format = RESOURCES["ClinicApi"]["Properties"]["AccessLogSetting"]["Format"]
    for field in ("$context.error.message", "$context.error.responseType", "$context.integrationLatency"):
        assert field in log_format
    assert "sourceIp" not in log_format  # no personal data


def test_tracing_is_optional_and_free_when_off() -> None:
    assert TEMPLATE["Globals"]["Function"]["Tracing"] == {"Fn::If": ["TracingOn", "Active", "PassThrough"]}
    assert TEMPLATE["Parameters"]["EnableTracing"]["Default"] == "false"


def test_every_log_group_has_deletion_policies_and_the_layer_a_stack_name() -> None:
    for name, group in cfn.resources("AWS::Logs::LogGroup").items():
        assert group.get("DeletionPolicy"), name
        assert group.get("UpdateReplacePolicy"), name
        assert "RetentionInDays" in group["Properties"], name
    assert RESOURCES["ClinicLayer"]["Properties"]["LayerName"] == {"Fn::Sub": "${AWS::StackName}-clinic"}


def test_every_compiled_library_in_the_built_layer_is_for_aarch64() -> None:
    build = cfn.ROOT / ".aws-sam" / "build" / "ClinicLayer"
    if not build.is_dir():
        pytest.skip("no .aws-sam/build: run `make sam-build` (make test does)")
    libraries = [path for path in build.rglob("*.so*") if path.is_file() and not path.is_symlink()]
    assert libraries, "the layer should hold compiled wheels (pydantic-core, rapidfuzz)"
    wrong = [str(path.relative_to(build)) for path in libraries if _elf_machine(path) != EM_AARCH64]
    assert wrong == []


def _elf_machine(path: Path) -> int | None:
    header = path.read_bytes()[:20]
    if header[:4] != b"\x7fELF":
        return None
    return int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
