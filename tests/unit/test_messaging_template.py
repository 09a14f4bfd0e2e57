"""template.yaml: the messages function may publish SMS and send from its verified identity,
nothing else; the pipeline's pieces are where the issue says."""

import json
import re
from fnmatch import fnmatchcase
from typing import Any

import pytest

from infra import cfn

TEMPLATE = cfn.load_template()
PARAMS = {**cfn.parameter_defaults(), "AWS::Partition": "aws", "AWS::AccountId": "123456789012"}
RESOURCES = TEMPLATE["Resources"]


def resolve(value: Any) -> Any:
    """Parameters and pseudo parameters in ``!Sub`` / ``!Ref`` (what IAM will see)."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        return re.sub(r"\$\{([^}]+)\}", lambda m: PARAMS.get(m.group(1), f"<{m.group(1)}>"), value["Fn::Sub"])
    if isinstance(value, dict) and "Ref" in value:
        return PARAMS.get(value["Ref"], f"<{value['Ref']}>")
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return f"<{'.'.join(value['Fn::GetAtt'])}>"
    return value


def statements(function: str) -> list[dict[str, Any]]:
    """Every statement of the function's own role (no managed policy may add any)."""
    props = RESOURCES[function]["Properties"]
    assert "Policies" not in props
    role = RESOURCES[props["Role"]["Fn::GetAtt"][0]]["Properties"]
    assert "ManagedPolicyArns" not in role
    found = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    # The X-Ray statement is there only with tracing on, and allows xray actions only.
    return [s if "Fn::If" not in s else s["Fn::If"][1] for s in found]


def as_list(value: Any) -> list[Any]:
    return [resolve(v) for v in (value if isinstance(value, list) else [value])]


def allowed(function: str, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """A small IAM evaluation of the function's own statements: an explicit Deny wins; an
    Allow needs the action, the resource (or its NotResource) and its conditions to match."""
    decisions = []
    for st in statements(function):
        if not any(fnmatchcase(action, a) for a in as_list(st["Action"])):
            continue
        if "NotResource" in st:
            matches = not any(fnmatchcase(resource, r) for r in as_list(st["NotResource"]))
        else:
            matches = any(fnmatchcase(resource, r) for r in as_list(st["Resource"]))
        for operator, pairs in st.get("Condition", {}).items():
            assert operator == "StringEquals"
            matches = matches and all((context or {}).get(k) == resolve(v) for k, v in pairs.items())
        if matches:
            decisions.append(st["Effect"])
    return "Allow" in decisions and "Deny" not in decisions


IDENTITY = f"arn:aws:ses:{PARAMS['MessagingRegion']}:123456789012:identity/{PARAMS['EmailSenderIdentity']}"
FROM = {"ses:FromAddress": PARAMS["EmailFromAddress"]}


def test_the_messages_function_publishes_sms_and_nothing_else_on_sns() -> None:
    assert allowed("MessagesFunction", "sns:Publish", "*")  # a phone number: no ARN
    for topic in ("arn:aws:sns:ap-east-1:123456789012:ClinicAlarms", "arn:aws:sns:us-east-1:999999999999:x"):
        assert not allowed("MessagesFunction", "sns:Publish", topic)
    for action in ("sns:CreateTopic", "sns:Subscribe", "sns:SetSMSAttributes", "sns:CreatePlatformEndpoint"):
        assert not allowed("MessagesFunction", action, "*")


def test_the_messages_function_sends_e_mail_only_from_its_verified_identity() -> None:
    assert allowed("MessagesFunction", "ses:SendEmail", IDENTITY, FROM)
    assert not allowed("MessagesFunction", "ses:SendEmail", IDENTITY, {"ses:FromAddress": "ceo@example-clinic.hk"})
    other = IDENTITY.replace(PARAMS["EmailSenderIdentity"], "gmail.com")
    assert not allowed("MessagesFunction", "ses:SendEmail", other, {"ses:FromAddress": "x@gmail.com"})
    for action in ("ses:SendRawEmail", "ses:SendBulkTemplatedEmail", "ses:VerifyEmailIdentity", "sesv2:SendEmail"):
        assert not allowed("MessagesFunction", action, IDENTITY, FROM)


@pytest.mark.parametrize("function", ["MessagesFunction", "EventsFunction"])
def test_no_wildcard_actions(function: str) -> None:
    actions = [a for st in statements(function) for a in as_list(st["Action"])]
    assert not [a for a in actions if "*" in a]


def test_the_events_function_may_only_put_events_on_the_clinics_bus() -> None:
    assert allowed("EventsFunction", "events:PutEvents", "<ClinicEventBus.Arn>")
    assert not allowed("EventsFunction", "events:PutEvents", "arn:aws:events:ap-east-1:123456789012:event-bus/default")
    assert not allowed("EventsFunction", "sns:Publish", "*")


def test_the_pipeline_is_wired_as_documented() -> None:
    table = RESOURCES["RegistrationsTable"]["Properties"]
    assert table["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    stream = RESOURCES["EventsFunction"]["Properties"]["Events"]["RegistrationChanges"]["Properties"]
    assert json.loads(stream["FilterCriteria"]["Filters"][0]["Pattern"]) == {
        "dynamodb": {"Keys": {"sk": {"S": ["REG"]}}}
    }
    assert stream["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    rule = RESOURCES["RegistrationMessagesRule"]["Properties"]
    assert rule["EventPattern"]["source"] == ["clinic.registrations"]
    queue = RESOURCES["MessagesQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["MessagesDeadLetterQueue", "Arn"]}
    schedule = RESOURCES["ReminderSchedule"]["Properties"]
    assert schedule["ScheduleExpressionTimezone"] == "Asia/Hong_Kong"
    assert json.loads(schedule["Target"]["Input"])["action"] == "send_reminders"
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in cfn.resources("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("Namespace") == "AWS/SQS"
    }
    assert {"MessagesDeadLetterQueue", "EventsDeadLetterQueue"} <= alarmed


def test_the_local_only_routes_are_not_in_the_template() -> None:
    assert "/_local" not in cfn.TEMPLATE.read_text(encoding="utf-8")
