"""Placeholder: answers 501 until this function's issue lands."""

import json

from aws_lambda_powertools.utilities.typing import LambdaContext


def lambda_handler(event: dict[str, object], context: LambdaContext) -> dict[str, object]:
    """API Gateway entry point."""
    body = {"error": {"code": "NOT_IMPLEMENTED", "message": "This is not available yet."}}
    return {
        "statusCode": 501,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body),
    }
