"""The staff user pool on this machine: moto's cognito-idp, built from template.yaml, and the
token check API Gateway's Cognito authorizer makes in front of every ``/staff`` route.

- :func:`create_pool` creates the template's ``StaffUserPool`` (its password policy, MFA
  setting and admin-only sign-up), its app client and its groups, then the demo users.
- :class:`Authorizer` verifies an ID token as API Gateway does: RS256 signature against the
  pool's published keys (JWKS), expiry, issuer, audience (the app client id),
  ``token_use=id``; it answers the claims as API Gateway hands them to the function in
  ``requestContext.authorizer.claims`` (every value a string, groups comma-separated).

Local only: nothing here is deployed. PyJWT is a development dependency.
"""

import json
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any

from infra import cfn

# The demo users the contract names, each with the group it names.
DEMO_USERS = {"manager": "managers", "staff-causeway-bay": "branch-causeway-bay"}
# Every local staff account gets this password (it satisfies the template's password policy).
LOCAL_PASSWORD = "Local-Staff-2026!"  # noqa: S105 - a known password for the local stack only
POOL_RESOURCE = "StaffUserPool"
LOCAL_POOL_NAME = "local-staff"
CLIENT_RESOURCE = "StaffUserPoolClient"
AUTHORIZER = "StaffCognito"


def cognito_client(endpoint: str, region: str) -> Any:
    """A cognito-idp client on ``endpoint`` (the local moto server)."""
    import boto3

    return boto3.client("cognito-idp", endpoint_url=endpoint, region_name=region)


@dataclass(frozen=True)
class LocalPool:
    """The ids of the local user pool and its app client."""

    pool_id: str
    client_id: str
    region: str

    @property
    def issuer(self) -> str:
        """The ``iss`` claim of the pool's tokens (as Cognito writes it)."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"


def _pool_request(props: dict[str, Any]) -> dict[str, Any]:
    """``CreateUserPool`` arguments from the template's properties (names as in the API)."""
    keys = ("Policies", "MfaConfiguration", "AdminCreateUserConfig", "UsernameConfiguration", "AutoVerifiedAttributes")
    request = {key: props[key] for key in keys if key in props}
    request["PoolName"] = LOCAL_POOL_NAME
    return request


def create_pool(client: Any, region: str) -> LocalPool:
    """Create the template's staff pool, its client, its groups and the demo users."""
    pools = cfn.resources("AWS::Cognito::UserPool")
    pool_id = client.create_user_pool(**_pool_request(pools[POOL_RESOURCE]["Properties"]))["UserPool"]["Id"]
    client_props = cfn.resources("AWS::Cognito::UserPoolClient")[CLIENT_RESOURCE]["Properties"]
    client_id = client.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=client_props["ClientName"],
        GenerateSecret=False,
        # The deployed client signs in through the hosted UI; locally the stack signs in for
        # the user with the admin flow (POST /_local/staff-token).
        ExplicitAuthFlows=[*client_props["ExplicitAuthFlows"], "ALLOW_ADMIN_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in cfn.resources("AWS::Cognito::UserPoolGroup").values():
        props = group["Properties"]
        client.create_group(
            UserPoolId=pool_id,
            GroupName=props["GroupName"],
            Description=props.get("Description", ""),
            Precedence=int(props.get("Precedence", 0)),
        )
    pool = LocalPool(pool_id, client_id, region)
    for username, group_name in DEMO_USERS.items():
        add_user(client, pool_id, username, group_name, LOCAL_PASSWORD)
    return pool


def add_user(client: Any, pool_id: str, username: str, group: str, password: str | None = None) -> None:
    """Create a staff account in ``group``; with ``password`` it is set as permanent (local runs),
    otherwise Cognito e-mails a temporary one."""
    extra: dict[str, Any] = {"MessageAction": "SUPPRESS"} if password else {}
    client.admin_create_user(UserPoolId=pool_id, Username=username, **extra)
    if password:
        client.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)
    client.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)


def issue_token(client: Any, pool: LocalPool, username: str) -> tuple[str, int] | None:
    """An ID token for a local staff account (``None`` when it does not exist)."""
    try:
        result = client.admin_initiate_auth(
            UserPoolId=pool.pool_id,
            ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": LOCAL_PASSWORD},
        )["AuthenticationResult"]
    except client.exceptions.UserNotFoundException:
        return None
    except client.exceptions.NotAuthorizedException:
        return None
    return result["IdToken"], int(result["ExpiresIn"])


def fetch_jwks(endpoint: str, pool: LocalPool) -> dict[str, Any]:
    """The pool's public keys, from the moto server's ``/.well-known/jwks.json``."""
    url = f"{endpoint}/{pool.pool_id}/.well-known/jwks.json"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the local moto server
        keys: dict[str, Any] = json.loads(response.read())
    return keys


class Authorizer:
    """API Gateway's Cognito user pool authorizer, locally."""

    def __init__(self, pool: LocalPool, jwks: dict[str, Any]) -> None:
        import jwt

        self.pool = pool
        self._keys = {key["kid"]: jwt.PyJWK.from_dict(key) for key in jwks["keys"]}

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as API Gateway passes them on, or ``None`` (→ 401) for a
        missing, malformed, expired, foreign or non-ID token. ``Bearer`` is optional."""
        import jwt

        if not authorization:
            return None
        token = authorization.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(str(kid))
            if key is None:
                return None
            payload: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                audience=self.pool.client_id,
                issuer=self.pool.issuer,
                options={"require": ["exp", "iat", "aud", "iss", "token_use"]},
            )
        except jwt.PyJWTError:
            return None
        if payload.get("token_use") != "id":
            return None
        return gateway_claims(payload)


def gateway_claims(payload: dict[str, Any]) -> dict[str, str]:
    """Claims in the form a REST API's Cognito authorizer gives them: strings only, a list
    (``cognito:groups``) joined with commas."""
    return {
        key: ",".join(str(item) for item in value) if isinstance(value, list) else str(value)
        for key, value in payload.items()
    }


class StaffPool:
    """The template's staff user pool on the local moto server, with its demo users."""

    def __init__(self, endpoint: str, region: str) -> None:
        self._client = cognito_client(endpoint, region)
        self.pool = create_pool(self._client, region)
        self.authorizer = Authorizer(self.pool, fetch_jwks(endpoint, self.pool))
        self._lock = threading.Lock()

    def token(self, username: str) -> tuple[str, int] | None:
        """An ID token for a local staff account, or ``None``."""
        with self._lock:  # one boto3 client, shared by the HTTP threads
            return issue_token(self._client, self.pool, username)
