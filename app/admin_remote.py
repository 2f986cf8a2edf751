"""An admin command sent to the deployed admin function with boto3's ``lambda.invoke``.

The function is the one named (``--function``), or the ``AdminFunctionName`` output of the
CloudFormation stack (``--stack``, else ``OG_STACK_NAME``). It has no Function URL: the
caller's AWS credentials must allow ``lambda:InvokeFunction`` on it (and
``cloudformation:DescribeStacks`` to find it by stack).

The audit's ``by`` is the caller's IAM identity ARN from ``sts:GetCallerIdentity``: who the
credentials say you are, not a name you type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.admin import BadRequest, Request
from app.admin_result import cannot_run

OUTPUT_KEY = "AdminFunctionName"
# An admin command is not idempotent (two undos undo two things): never resend one on a
# timeout, and wait out a function that waits for the workbook lock.
INVOKE_CONFIG = Config(read_timeout=300, retries={"total_max_attempts": 1})


class RemoteError(Exception):
    """The admin function could not be found or reached, or did not answer with a result."""


@dataclass(frozen=True)
class Aws:
    """The three clients a remote admin command uses; tests hand in stubbed ones."""

    lambda_client: Any
    cloudformation: Any
    sts: Any


def connect() -> Aws:
    """Clients from the default credential chain and region (env, profile, SSO...)."""
    import boto3

    session = boto3.session.Session()
    return Aws(
        session.client("lambda", config=INVOKE_CONFIG),
        session.client("cloudformation"),
        session.client("sts"),
    )


def run_remote(
    payload: dict[str, Any], *, function: str | None, stack: str | None, aws: Aws | None = None
) -> dict[str, Any]:
    """Send ``payload`` (``by`` filled in here) to the admin function; its result payload, or
    an exit-2 result saying why there is none."""
    try:
        if not function and not stack:
            raise RemoteError(
                "name the admin function (--function) or its stack (--stack or OG_STACK_NAME), "
                "or set OG_WORKBOOK to run on a local workbook"
            )
        # A bad request is refused here, before any AWS call; ``by`` is filled in below.
        Request.from_payload({**payload, "by": "the caller"})
        aws = aws or connect()
        name = function or function_of_stack(aws, str(stack))
        return invoke(aws, name, {**payload, "by": caller(aws)})
    except BadRequest as err:
        return cannot_run("bad_request", str(err)).as_payload()
    except RemoteError as err:
        return cannot_run("remote_error", str(err)).as_payload()
    except (BotoCoreError, ClientError) as err:
        return cannot_run("aws_error", f"AWS said: {err}").as_payload()


def caller(aws: Aws) -> str:
    return str(aws.sts.get_caller_identity()["Arn"])


def function_of_stack(aws: Aws, stack: str) -> str:
    stacks = aws.cloudformation.describe_stacks(StackName=stack)["Stacks"]
    for output in stacks[0].get("Outputs", []) if stacks else []:
        if output.get("OutputKey") == OUTPUT_KEY:
            return str(output["OutputValue"])
    raise RemoteError(f"stack {stack} has no {OUTPUT_KEY} output: is the admin function deployed?")


def invoke(aws: Aws, function: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = aws.lambda_client.invoke(
        FunctionName=function,
        InvocationType="RequestResponse",
        Payload=json.dumps(payload).encode(),
    )
    body = response["Payload"].read()
    if response.get("FunctionError"):
        raise RemoteError(f"the admin function {function} failed: {_error_message(body)}")
    try:
        result = json.loads(body)
    except ValueError as err:
        raise RemoteError(f"the admin function {function} answered something else: {err}") from err
    if not (
        isinstance(result, dict)
        and isinstance(result.get("exit_code"), int)
        and isinstance(result.get("text"), str)
    ):
        raise RemoteError(f"the admin function {function} answered no result: {body[:200]!r}")
    return result


def _error_message(body: bytes) -> str:
    """Lambda's own error payload: ``{"errorType": ..., "errorMessage": ...}``."""
    try:
        error = json.loads(body)
    except ValueError:
        return body[:200].decode(errors="replace")
    if not isinstance(error, dict):
        return str(error)
    return f"{error.get('errorType', 'error')}: {error.get('errorMessage', '')}"
