"""The stack as template.yaml declares it: what a team deploys, read as a specification.

The template is parsed with cfn-lint's own loader (it understands !Ref, !Sub and !GetAtt), so
these checks read the same document CloudFormation will.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_file
from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
EVENTS = ROOT / "events"
URL_FUNCTIONS = {"SlackActionsFunction", "DoneLinkFunction", "ActivityFunction"}
# Verbs that only read: anything else counts as a write.
READ_VERBS = ("Get", "List", "Describe", "Query", "Scan", "BatchGet")


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_yaml.load(str(TEMPLATE))
    return loaded


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def statements(function: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for policy in function.get("Policies", []):
        assert isinstance(policy, dict) and "Statement" in policy, (
            f"only inline statements, so each grant is visible here: {policy}"
        )
        yield from policy["Statement"]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def grants(function: dict[str, Any], action: str) -> list[Any]:
    return [
        resource
        for statement in statements(function)
        if action in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
    ]


def secrets_read(function: dict[str, Any]) -> set[str]:
    """The secret names a function may read: the last part of each GetParameter resource."""
    names = set()
    for resource in grants(function, "ssm:GetParameter"):
        path = resource["Fn::Sub"]
        assert "parameter${SecretsPath}/" in path, f"a secret outside SecretsPath: {path}"
        names.add(path.rsplit("/", 1)[1])
    return names


def test_cfn_lint_finds_nothing_in_the_template() -> None:
    found = lint_file(TEMPLATE)
    assert not found, "\n".join(str(match) for match in found)


def test_every_handler_the_template_names_imports_in_a_fresh_process(
    template: dict[str, Any],
) -> None:
    """Given each function's Handler, when Lambda would import it (no bytecode written, no
    Lambda or AWS environment), then the module imports and the handler is callable."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("OG_", "AWS_", "LAMBDA_"))},
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(ROOT),
    }
    for name, function in functions(template).items():
        module, _, attribute = function["Handler"].rpartition(".")
        probe = (
            f"import importlib; assert callable(importlib.import_module({module!r}).{attribute})"
        )
        ran = subprocess.run(
            [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert ran.returncode == 0, f"{name}: {function['Handler']}: {ran.stderr}"


def test_every_function_has_a_sample_event_named_after_its_handler(
    template: dict[str, Any],
) -> None:
    """The rule: events/<first word of the handler's module>[-variant].json, e.g. done-post.json
    for functions.done_link, so `sam local invoke` and the tests always have one to use."""
    for name, function in functions(template).items():
        module = function["Handler"].rsplit(".", 1)[0].rsplit(".", 1)[1]
        prefix = module.split("_")[0]
        samples = [
            p for p in EVENTS.glob("*.json") if p.stem == prefix or p.stem.startswith(prefix + "-")
        ]
        assert samples, f"{name} has no events/{prefix}*.json"
        for sample in samples:
            assert isinstance(json.loads(sample.read_text()), dict), sample


def test_no_policy_writes_to_every_resource(template: dict[str, Any]) -> None:
    for name, function in functions(template).items():
        for statement in statements(function):
            writes = [
                action
                for action in as_list(statement["Action"])
                if not action.split(":", 1)[1].startswith(READ_VERBS)
            ]
            wide = [r for r in as_list(statement["Resource"]) if r == "*" or r == {"Sub": "*"}]
            assert not (writes and wide), f"{name} may {writes} on every resource"


def test_each_function_reads_only_the_secrets_it_uses(template: dict[str, Any]) -> None:
    fns = functions(template)
    assert secrets_read(fns["DoneLinkFunction"]) == {
        "link-key",
        "google-service-account",
        "slack-bot-token",  # rewrites the Slack flag when the flagged step is marked done
    }
    assert "slack-signing-secret" not in secrets_read(fns["TickFunction"])
    assert "slack-signing-secret" not in secrets_read(fns["DigestFunction"])
    # the admin function's ports include the link signer, as every function's do
    assert "slack-signing-secret" not in secrets_read(fns["AdminFunction"])
    assert "slack-signing-secret" in secrets_read(fns["SlackActionsFunction"])


def test_the_activity_endpoint_reads_its_key_and_writes_only_under_the_lock(
    template: dict[str, Any],
) -> None:
    activity = functions(template)["ActivityFunction"]
    assert secrets_read(activity) == {"activity-key", "link-key", "google-service-account"}
    actions = {a for s in statements(activity) for a in as_list(s["Action"])}
    assert actions == {"ssm:GetParameter", "dynamodb:PutItem", "dynamodb:DeleteItem"}


def test_the_done_link_sends_no_mail_and_keeps_no_ledger(template: dict[str, Any]) -> None:
    done = functions(template)["DoneLinkFunction"]
    actions = {a for s in statements(done) for a in as_list(s["Action"])}
    assert not {a for a in actions if a.startswith("ses:")}
    tables = {
        r["Fn::GetAtt"][0]
        for s in statements(done)
        for r in as_list(s["Resource"])
        if isinstance(r, dict) and "Fn::GetAtt" in r
    }
    assert tables == {"LockTable"}
    assert "OG_IDEMPOTENCY_TABLE" not in done["Environment"]["Variables"]


def test_mail_is_sent_only_as_the_sender_identity(template: dict[str, Any]) -> None:
    """Given SES authorizes both the identity and the configuration set a message uses, each
    grant names the sender identity, or the stack's own configuration set and nothing else."""
    allowed = (":identity/${SenderIdentity}", ":configuration-set/${MailConfigurationSet}")
    for name, function in functions(template).items():
        for resource in grants(function, "ses:SendEmail"):
            assert resource["Fn::Sub"].endswith(allowed), name


def test_customer_mail_goes_out_with_the_configuration_set_that_publishes_its_events(
    template: dict[str, Any],
) -> None:
    """Given the functions that mail customers (steps, reminders, drafts, wrap-ups), each gets
    the configuration set, may send with it, and the set publishes the five events the
    telemetry function records to the topic its queue is subscribed to."""
    fns, resources = functions(template), template["Resources"]
    for name in ("TickFunction", "SlackActionsFunction"):
        variables = fns[name]["Environment"]["Variables"]
        assert variables["OG_SES_CONFIGURATION_SET"] == {"Ref": "MailConfigurationSet"}, name
        assert any("configuration-set/" in r["Fn::Sub"] for r in grants(fns[name], "ses:SendEmail"))
    destination = resources["MailEventsDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "MailConfigurationSet"}
    events = destination["EventDestination"]
    assert set(events["MatchingEventTypes"]) == {"delivery", "bounce", "complaint", "open", "click"}
    assert events["SnsDestination"]["TopicARN"] == {"Ref": "MailEventsTopic"}
    subscription = resources["MailEventsSubscription"]["Properties"]
    assert subscription["TopicArn"] == {"Ref": "MailEventsTopic"}
    # SNS's signed envelope, not the raw message: the function checks the signature.
    assert not subscription.get("RawMessageDelivery")
    queue_event = fns["TelemetryFunction"]["Events"]["MailEvents"]
    assert queue_event["Type"] == "SQS"
    assert queue_event["Properties"]["Queue"] == {"Fn::GetAtt": ["MailEventsQueue", "Arn"]}
    queue = resources["MailEventsQueue"]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * fns["TelemetryFunction"]["Timeout"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["FailedEventsQueue", "Arn"]
    }


def test_the_telemetry_function_has_no_url_and_writes_only_under_the_lock(
    template: dict[str, Any],
) -> None:
    telemetry = functions(template)["TelemetryFunction"]
    assert "FunctionUrlConfig" not in telemetry
    assert secrets_read(telemetry) == {"google-service-account", "link-key"}
    actions = {a for s in statements(telemetry) for a in as_list(s["Action"])}
    assert actions == {"ssm:GetParameter", "dynamodb:PutItem", "dynamodb:DeleteItem"}
    assert telemetry["Environment"]["Variables"] == {"OG_LOCK_TABLE": {"Ref": "LockTable"}}


def test_only_the_slack_function_invokes_a_function_and_only_itself(
    template: dict[str, Any],
) -> None:
    fns = functions(template)
    slack = fns["SlackActionsFunction"]
    own_name = slack["FunctionName"]["Fn::Sub"]
    for resource in grants(slack, "lambda:InvokeFunction"):
        assert resource["Fn::Sub"].split(":function:")[1] in {own_name, own_name + ":*"}
    assert grants(slack, "lambda:InvokeFunction")
    for name, function in fns.items():
        if name != "SlackActionsFunction":
            assert not grants(function, "lambda:InvokeFunction"), name


def test_the_public_urls_are_the_slack_and_done_link_ones_each_with_a_concurrency_cap(
    template: dict[str, Any],
) -> None:
    fns = functions(template)
    with_url = {name for name, f in fns.items() if "FunctionUrlConfig" in f}
    assert with_url == URL_FUNCTIONS
    assert "FunctionUrlConfig" not in fns["AdminFunction"]
    for name in URL_FUNCTIONS:
        assert fns[name]["FunctionUrlConfig"]["AuthType"] == "NONE"
        assert "Ref" in fns[name]["ReservedConcurrentExecutions"], name


def test_a_failed_lazy_press_lands_in_the_failed_events_queue(template: dict[str, Any]) -> None:
    config = functions(template)["SlackActionsFunction"]["EventInvokeConfig"]
    assert config["MaximumEventAgeInSeconds"] <= 3600
    on_failure = config["DestinationConfig"]["OnFailure"]
    assert on_failure["Destination"] == {"Fn::GetAtt": ["FailedEventsQueue", "Arn"]}


def test_both_schedules_run_in_the_one_time_zone_with_retries_and_a_dead_letter_queue(
    template: dict[str, Any],
) -> None:
    schedules = [
        (name, event["Properties"])
        for name, function in functions(template).items()
        for event in function.get("Events", {}).values()
        if event["Type"] == "ScheduleV2"
    ]
    assert {name for name, _ in schedules} == {"TickFunction", "DigestFunction"}
    for name, schedule in schedules:
        assert schedule["ScheduleExpressionTimezone"] == {"Ref": "TimeZone"}, name
        # Two stacks in one account must not fight over one schedule name.
        assert "${AWS::StackName}" in schedule["Name"]["Fn::Sub"], name
        assert schedule["RetryPolicy"]["MaximumRetryAttempts"] >= 1, name
        assert schedule["DeadLetterConfig"]["Arn"] == {
            "Fn::GetAtt": ["FailedEventsQueue", "Arn"]
        }, name


def test_the_workspace_must_be_named_at_deploy(template: dict[str, Any]) -> None:
    assert "Default" not in template["Parameters"]["SlackTeamId"]


def test_every_function_is_built_by_a_make_target(template: dict[str, Any]) -> None:
    """Given `sam build` runs `make build-<LogicalId>`, each such target exists (dry run)."""
    built = [
        name
        for name, resource in template["Resources"].items()
        if resource.get("Metadata", {}).get("BuildMethod") == "makefile"
    ]
    assert set(functions(template)) <= set(built)
    for name in built:
        dry = subprocess.run(
            ["make", "-n", f"build-{name}", "ARTIFACTS_DIR=/nonexistent"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert dry.returncode == 0, f"build-{name}: {dry.stderr}"
