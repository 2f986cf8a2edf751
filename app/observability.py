"""The one place that makes the Powertools logger, metrics and tracer.

Building a Powertools ``Tracer`` imports the X-Ray SDK, which imports botocore: 0.2 to 0.6 s of
every cold start. So the tracer is real only where a trace can go anywhere (in Lambda, with
tracing on: the template's ``EnableTracing``); everywhere else the handlers get ``NoTracer``,
whose decorator returns the handler untouched. The rule is Powertools' own, read from the
Powertools settings the template sets, so no project setting is read here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "onboarding-guide"
NAMESPACE = "OnboardingGuide"
# What the functions call: botocore (SES, DynamoDB, SSM, Lambda) and http.client, under both
# requests (Google Sheets) and slack_sdk. Not patch_all: it imports every library it can patch.
TRACED_MODULES = ("botocore", "httplib")

Handler = TypeVar("Handler", bound=Callable[..., Any])


class NoTracer:
    """Tracing off: the handler runs undecorated and the X-Ray SDK is never imported."""

    def capture_lambda_handler(self, handler: Handler) -> Handler:
        return handler


def tracing_enabled(env: Mapping[str, str]) -> bool:
    """In Lambda (not SAM's local emulator) and not turned off with POWERTOOLS_TRACE_DISABLED."""
    disabled = env.get("POWERTOOLS_TRACE_DISABLED", "").strip().lower() in {"1", "true", "yes"}
    return bool(env.get("LAMBDA_TASK_ROOT")) and not env.get("AWS_SAM_LOCAL") and not disabled


def make_tracer(env: Mapping[str, str] | None = None) -> Tracer | NoTracer:
    if not tracing_enabled(os.environ if env is None else env):
        return NoTracer()
    return Tracer(service=SERVICE, patch_modules=TRACED_MODULES)


logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
tracer = make_tracer()
