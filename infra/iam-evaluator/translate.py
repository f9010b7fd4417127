"""Test-time only: template.yaml (read as JSON on stdin) translated by the AWS SAM translator into plain
CloudFormation (JSON on stdout) for the region, account and stack name given as arguments, as CloudFormation's AWS::Serverless transform would, with intrinsics left
for the caller to resolve. AWS managed policies SAM attaches are named by ARN (their documents are not
needed: reauth's calls never rely on them)."""
import json
import os
import sys

from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform


class ManagedPolicies:
    """Maps the managed policy names SAM may attach to ARNs, without calling IAM."""

    def load(self):
        return {}

    def get(self, name):
        return "arn:aws:iam::aws:policy/service-role/" + name if name.startswith("AWSLambda") else "arn:aws:iam::aws:policy/" + name


def packaged(template):
    """Local CodeUri values replaced by an S3 location, as `sam package` does before the transform runs."""
    artifact = "s3://reauth-artifacts/reauth-functions.jar"
    function_globals = template.get("Globals", {}).get("Function", {})
    if isinstance(function_globals.get("CodeUri"), str) and not function_globals["CodeUri"].startswith("s3://"):
        function_globals["CodeUri"] = artifact
    for resource in template.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        if resource.get("Type") == "AWS::Serverless::Function" and isinstance(properties.get("CodeUri"), str):
            if not properties["CodeUri"].startswith("s3://"):
                properties["CodeUri"] = artifact
    return template


def main():
    region, account, stack = sys.argv[1:4]
    os.environ["AWS_DEFAULT_REGION"] = region  # the translator asks boto3 for a region; no call is made
    template = packaged(json.load(sys.stdin))
    pseudo = {"AWS::Region": region, "AWS::AccountId": account, "AWS::StackName": stack, "AWS::Partition": "aws"}
    try:
        translated = transform(template, pseudo, ManagedPolicies())
    except InvalidDocumentException as e:
        sys.stderr.write("SAM translator: " + "; ".join(str(c) for c in e.causes) + "\n")
        sys.exit(1)
    json.dump(translated, sys.stdout)


if __name__ == "__main__":
    main()
