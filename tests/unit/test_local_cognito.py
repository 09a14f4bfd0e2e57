"""The local stack's stand-in for API Gateway's Cognito authorizer refuses what the real one
refuses: another signer, another client, an access token, another pool, an expired token."""

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from infra import local_cognito
from infra.local_stack import build_event
from tests.unit.test_local_stack import route_for


def moto_key(name: str) -> dict[str, Any]:
    """moto's signing key (private) or its published keys (public), as moto ships them."""
    from moto.utilities.utils import load_resource

    key: dict[str, Any] = load_resource(f"cognitoidp/resources/{name}")
    return key


@pytest.fixture
def pool() -> Iterator[tuple[Any, local_cognito.LocalPool]]:
    from moto import mock_aws

    with mock_aws():
        client = local_cognito.cognito_client(None, "ap-east-1")  # type: ignore[arg-type]
        yield client, local_cognito.create_pool(client, "ap-east-1")


def signed(claims: dict[str, Any], private: dict[str, Any] | None = None) -> str:
    key = jwt.PyJWK.from_dict(private or moto_key("jwks-private.json"))
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": "dummy"})


def test_a_demo_users_id_token_passes_with_its_groups_as_api_gateway_gives_them(
    pool: tuple[Any, local_cognito.LocalPool],
) -> None:
    client, local = pool
    issued = local_cognito.issue_token(client, local, "staff-causeway-bay")
    assert issued is not None
    authorizer = local_cognito.Authorizer(local, moto_key("jwks-public.json"))
    for header in (f"Bearer {issued[0]}", issued[0], f"bearer  {issued[0]}"):
        claims = authorizer.claims(header)
        assert claims is not None
        assert claims["cognito:username"] == "staff-causeway-bay"
        assert claims["cognito:groups"] == "branch-causeway-bay"
        assert all(isinstance(value, str) for value in claims.values())
    assert local_cognito.issue_token(client, local, "nobody") is None


def test_what_the_authorizer_refuses(pool: tuple[Any, local_cognito.LocalPool]) -> None:
    _, local = pool
    authorizer = local_cognito.Authorizer(local, moto_key("jwks-public.json"))
    now = int(time.time())
    good: dict[str, Any] = {
        "iss": local.issuer, "aud": local.client_id, "token_use": "id", "iat": now, "exp": now + 600,
        "cognito:username": "manager", "cognito:groups": ["managers"],
    }  # fmt: skip
    assert authorizer.claims(signed(good)) is not None
    changes: list[dict[str, Any]] = [
        {"exp": now - 1},  # expired
        {"aud": "another-client"},
        {"iss": "https://cognito-idp.ap-east-1.amazonaws.com/another-pool"},
        {"token_use": "access"},
    ]
    for change in changes:
        assert authorizer.claims(signed(good | change)) is None, change
    from cryptography.hazmat.primitives.asymmetric import rsa

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(good, stranger, algorithm="RS256", headers={"kid": "dummy"})
    assert authorizer.claims(forged) is None
    assert authorizer.claims(None) is None
    assert authorizer.claims("Bearer ") is None


def test_the_claims_go_where_api_gateway_puts_them() -> None:
    claims = {"cognito:username": "manager", "cognito:groups": "managers"}
    event = build_event(
        route_for("/staff/registrations"), "GET", "/staff/registrations", {}, b"", "127.0.0.1", "h", claims
    )
    assert event["requestContext"]["authorizer"] == {"claims": claims}
    assert (
        "authorizer" not in build_event(route_for("/faqs"), "GET", "/faqs", {}, b"", "127.0.0.1", "h")["requestContext"]
    )
