"""Secrets the functions fetch at run time (never from the environment, never logged)."""

from clinic.errors import StorageUnavailable
from clinic.settings import settings

_SECRET_MAX_AGE_SECONDS = 300


def manage_token_secret() -> bytes:
    """The key that derives manage tokens, from Secrets Manager (``MANAGE_TOKEN_SECRET``),
    fetched on first use and cached by Powertools for five minutes (a rotation is picked up)."""
    from aws_lambda_powertools.utilities.parameters import get_secret
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    try:
        value = get_secret(settings().manage_token_secret, max_age=_SECRET_MAX_AGE_SECONDS)
    except GetParameterError as error:  # throttled or unreachable: nothing was written yet
        raise StorageUnavailable() from error
    return value.encode() if isinstance(value, str) else bytes(value)
