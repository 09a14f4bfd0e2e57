"""Reading template.yaml: its tables, functions, routes and environment.

The local stack and the tests take everything from the template itself, so that what runs
here cannot drift from what is deployed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation's short-form tags (!Ref, !GetAtt, !Sub …)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@cache
def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """template.yaml as data, intrinsic functions as ``{"Ref": …}`` / ``{"Fn::…": …}``."""
    template: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return template


def resources(kind: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """The template's resources of one type, by logical id."""
    template = template or load_template()
    return {name: res for name, res in template["Resources"].items() if res["Type"] == kind}


def create_table_requests(table_names: dict[str, str]) -> list[dict[str, Any]]:
    """``CreateTable`` arguments (and TTL attribute) for every table of the template."""
    requests = []
    for logical_id, table in resources("AWS::DynamoDB::Table").items():
        props = table["Properties"]
        request: dict[str, Any] = {
            "TableName": table_names[logical_id],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if props.get("StreamSpecification"):
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        ttl = props.get("TimeToLiveSpecification", {})
        requests.append(
            {
                "create": request,
                "ttl_attribute": ttl.get("AttributeName") if ttl.get("Enabled") else None,
            }
        )
    return requests


def create_tables(client: Any, table_names: dict[str, str]) -> None:
    """Create every table of the template (and its TTL) through a DynamoDB client."""
    for request in create_table_requests(table_names):
        client.create_table(**request["create"])
        if request["ttl_attribute"]:
            client.update_time_to_live(
                TableName=request["create"]["TableName"],
                TimeToLiveSpecification={
                    "AttributeName": request["ttl_attribute"],
                    "Enabled": True,
                },
            )


def local_table_names() -> dict[str, str]:
    """Table names for local runs and tests: the logical ids themselves."""
    return {name: name for name in resources("AWS::DynamoDB::Table")}


def local_secret_names() -> dict[str, str]:
    """Secret names for local runs and tests: the logical ids themselves."""
    return {name: name for name in resources("AWS::SecretsManager::Secret")}


def create_secrets(client: Any, secret_names: dict[str, str]) -> None:
    """Create every generated secret of the template, with a random value, through a
    Secrets Manager client (as ``GenerateSecretString`` does when the stack is created)."""
    import secrets

    for name in secret_names.values():
        client.create_secret(Name=name, SecretString=secrets.token_hex(32))


def local_refs() -> dict[str, str]:
    """What ``Ref`` resolves to in local runs and tests: parameter defaults and local names."""
    buses = {name: name for name in resources("AWS::Events::EventBus")}
    return {**parameter_defaults(), **local_table_names(), **local_secret_names(), **buses}


def _resolve(value: Any, refs: dict[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        return refs[value["Ref"]]
    if isinstance(value, dict) and "Fn::Sub" in value:
        return re.sub(r"\$\{([^}]+)\}", lambda m: refs[m.group(1)], value["Fn::Sub"])
    return str(value)


def parameter_defaults() -> dict[str, str]:
    """Every template parameter's default value."""
    return {name: str(p.get("Default", "")) for name, p in load_template().get("Parameters", {}).items()}


@dataclass(frozen=True)
class Route:
    """One API event: a method (or ANY) on a resource path, served by a function."""

    function: str
    method: str
    path: str
    authorizer: str | None = None  # the API's authorizer guarding this event (None: open)

    @property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regex with one named group per ``{param}`` (``{proxy+}`` is greedy)."""
        regex = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(self.path))
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", regex)
        return re.compile(f"^{regex}$")


@dataclass(frozen=True)
class Function:
    """A function of the template, resolved for a local run."""

    name: str
    code_dir: Path
    handler: str
    environment: dict[str, str]


def _is_setting(value: Any, parameters: dict[str, Any]) -> bool:
    """A template value that is a setting (a literal or a parameter), not a resource's name."""
    return not isinstance(value, dict) or value.get("Ref") in parameters


def functions(refs: dict[str, str], overrides: Mapping[str, str] | None = None) -> dict[str, Function]:
    """The template's functions with their environment resolved against ``refs``
    (parameter values and local table names). A variable in ``overrides`` (the local stack
    passes its environment) replaces a setting's value, e.g. ``DAILY_CAPACITY=5``; table
    names stay the ones created locally."""
    template = load_template()
    parameters = template.get("Parameters", {})
    globals_ = template.get("Globals", {}).get("Function", {})
    base_env = globals_.get("Environment", {}).get("Variables", {})
    overrides = overrides or {}
    result = {}
    for name, res in resources("AWS::Serverless::Function").items():
        props = res["Properties"]
        env = {**base_env, **props.get("Environment", {}).get("Variables", {})}
        result[name] = Function(
            name=name,
            code_dir=ROOT / props["CodeUri"],
            handler=props.get("Handler", globals_.get("Handler", "app.lambda_handler")),
            environment={
                key: overrides[key] if key in overrides and _is_setting(value, parameters) else _resolve(value, refs)
                for key, value in env.items()
            },
        )
    return result


def routes() -> list[Route]:
    """Every Api event of every function, static paths before parameterised ones."""
    found = []
    for name, res in resources("AWS::Serverless::Function").items():
        for event in res["Properties"].get("Events", {}).values():
            if event["Type"] == "Api":
                props = event["Properties"]
                authorizer = props.get("Auth", {}).get("Authorizer")
                found.append(
                    Route(name, props["Method"].upper(), props["Path"], None if authorizer == "NONE" else authorizer)
                )
    return sorted(found, key=lambda route: (route.path.count("{"), route.path))
