"""template.yaml through the SAM transform, offline: the CloudFormation that would be deployed.

Run with the SAM CLI's own Python (its venv holds samtranslator)::

    .sam-venv/bin/python -m infra.transform > .aws-sam/transformed.json

``make checkov`` scans the result. No AWS call is made: the managed-policy map is empty
(the functions use their own roles) and the parameters take their defaults.
"""

import json
import sys

from infra import cfn


def transformed() -> dict[str, object]:
    """The template after ``AWS::Serverless-2016-10-31``, as CloudFormation JSON."""
    import os

    from samtranslator.translator.transform import transform

    os.environ.setdefault("AWS_DEFAULT_REGION", "ap-east-1")  # the pseudo parameters need one

    class _NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    # Built from the text, not from cfn.load_template's cache: the transform mutates it.
    template = cfn.load_template.__wrapped__(cfn.TEMPLATE)
    for name, resource in template["Resources"].items():  # as `sam package` would point them
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = f"s3://packaged-artifacts/{name}.zip"
    result: dict[str, object] = transform(template, {}, _NoManagedPolicies())
    return result


if __name__ == "__main__":
    json.dump(transformed(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
