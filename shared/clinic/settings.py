"""Configuration read from the environment that template.yaml (or the local stack) sets."""

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Settings(BaseModel):
    """Every setting of the functions, with the defaults of the API contract."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    content_table: str = Field("", alias="CONTENT_TABLE")
    feedback_table: str = Field("", alias="FEEDBACK_TABLE")
    registrations_table: str = Field("", alias="REGISTRATIONS_TABLE")
    recommendations_table: str = Field("", alias="RECOMMENDATIONS_TABLE")
    allowed_origins: tuple[str, ...] = Field((), alias="ALLOWED_ORIGINS")
    content_cache_seconds: int = Field(300, ge=0, alias="CONTENT_CACHE_SECONDS")
    min_notice_days: int = Field(1, ge=0, alias="MIN_NOTICE_DAYS")
    booking_horizon_days: int = Field(60, ge=1, alias="BOOKING_HORIZON_DAYS")
    daily_capacity: int = Field(20, ge=0, alias="DAILY_CAPACITY")
    retention_days: int = Field(180, ge=1, alias="RETENTION_DAYS")
    recommendation_ttl_days: int = Field(90, ge=1, alias="RECOMMENDATION_TTL_DAYS")
    retry_after_seconds: int = Field(2, ge=1, alias="RETRY_AFTER_SECONDS")
    idempotency_ttl_hours: int = Field(24, ge=1, alias="IDEMPOTENCY_TTL_HOURS")
    manage_token_secret: str = Field("", alias="MANAGE_TOKEN_SECRET")
    # Seconds to wait for a DynamoDB answer per attempt (see clinic.aws); the local stack
    # raises it, since its single-threaded moto server can take longer under load.
    dynamodb_read_timeout: float = Field(2, gt=0, alias="DYNAMODB_READ_TIMEOUT")
    # Staff (issue 12): the audit trail and the secret that keys the phone index and signs cursors.
    audit_table: str = Field("", alias="AUDIT_TABLE")
    audit_retention_days: int = Field(730, ge=1, alias="AUDIT_RETENTION_DAYS")
    staff_key_secret: str = Field("", alias="STAFF_KEY_SECRET")
    # Events and messages (issue 14).
    event_bus_name: str = Field("", alias="EVENT_BUS_NAME")
    messages_table: str = Field("", alias="MESSAGES_TABLE")
    messaging_region: str = Field("", alias="MESSAGING_REGION")
    sms_sender_id: str = Field("", alias="SMS_SENDER_ID")
    email_from_address: str = Field("", alias="EMAIL_FROM_ADDRESS")
    manage_page_url_en: str = Field("", alias="MANAGE_PAGE_URL_EN")
    manage_page_url_zh_hk: str = Field("", alias="MANAGE_PAGE_URL_ZH_HK")

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value


@cache
def settings() -> Settings:
    """The settings of this process, read once (tests call ``settings.cache_clear()``)."""
    return Settings.model_validate(os.environ)


class MissingSettings(RuntimeError):
    """A function started without settings it cannot work without."""


def require(*names: str) -> Settings:
    """The settings, after checking that each environment variable in ``names`` is set.

    Each function calls this at import with the settings it needs, so a stack deployed
    without one fails at cold start with a message naming it, not at the first AWS call.
    """
    config = settings()
    by_alias = {field.alias: name for name, field in Settings.model_fields.items()}
    unknown = [name for name in names if name not in by_alias]
    if unknown:
        raise ValueError(f"not settings of this project: {', '.join(unknown)}")
    missing = [name for name in names if not getattr(config, by_alias[name])]
    if missing:
        raise MissingSettings(f"missing required settings: {', '.join(missing)}")
    return config
