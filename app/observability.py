"""The one place that makes the Powertools logger, metrics and tracer."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "onboarding-guide"
NAMESPACE = "OnboardingGuide"

logger = Logger(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
tracer = Tracer(service=SERVICE)
