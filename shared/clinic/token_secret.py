"""Secrets the functions fetch at run time (never from the environment, never logged)."""

from clinic.errors import StorageUnavailable
from clinic.settings import settings

_SECRET_MAX_AGE_SECONDS = 300


def secret_text(name: str) -> str:
    """The value of the Secrets Manager secret ``name``, fetched on first use and cached by
    Powertools for five minutes (a rotation is picked up); 503 when it cannot be read."""
    from aws_lambda_powertools.utilities.parameters import get_secret
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    try:
        value = get_secret(name, max_age=_SECRET_MAX_AGE_SECONDS)
    except GetParameterError as error:  # throttled or unreachable: nothing was written yet
        raise StorageUnavailable() from error
    return value if isinstance(value, str) else bytes(value).decode()


def manage_token_secret() -> bytes:
    """The key that derives manage tokens (``MANAGE_TOKEN_SECRET`` names its secret)."""
    return secret_text(settings().manage_token_secret).encode()
