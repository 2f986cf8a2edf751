"""Who may act on a customer from Slack, and who may press a flag's Undo: the core's rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from guide.actions import permissions
from guide.actions.permissions import UndoGrant
from guide.commands import ActionError
from guide.model import Config, Customer, TeamMember

TEAM = (TeamMember("Sam Rivera", "U01SAM", "sam@example.com"), TeamMember("Alex Chen", "U02ALEX"))
CONFIG = Config(team=TEAM, manager="U03MORGAN")
ACME = Customer(
    row=2,
    customer_id="C1",
    company="Acme & Co",
    contact_name="Priya",
    email="priya@example.com",
    plan="standard",
    owner="Sam Rivera",
    segment="smb",
    started_on=None,
    paused=False,
    handed_off_to="",
    finished=False,
    finished_on=None,
    finished_by="",
)
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("who", "actor"),
    [
        ("the owner, through the team list", "U01SAM"),
        ("a team member", "U02ALEX"),
        ("the manager, by Slack id", "U03MORGAN"),
        ("not from Slack (CLI, admin, a link)", ""),
    ],
)
def test_the_owner_the_team_and_the_manager_may_act(who: str, actor: str) -> None:
    assert permissions.may_act(CONFIG, ACME, actor), who


def test_given_a_team_list_a_stranger_may_not_act_and_is_told_who_can() -> None:
    assert not permissions.may_act(CONFIG, ACME, "U0STRANGER")
    with pytest.raises(ActionError) as refused:
        permissions.check(CONFIG, ACME, "U0STRANGER", "")
    assert refused.value.code == "not_allowed"
    said = refused.value.message
    assert "the owner (<@U01SAM>)" in said and "<@U02ALEX>" in said
    assert "the manager (<@U03MORGAN>)" in said and "Acme &amp; Co" in said


def test_an_owner_or_manager_outside_the_team_list_is_known_by_slack_id_or_email() -> None:
    # Given an owner written as a Slack id and a manager written as a team member's email
    config = Config(team=(TeamMember("Alex Chen", "U02ALEX", "alex@example.com"),))
    config = replace(config, manager="alex@example.com")
    acme = replace(ACME, owner="U09OWNER")
    assert permissions.may_act(config, acme, "U09OWNER")
    assert permissions.may_act(config, acme, "U02ALEX")
    assert not permissions.may_act(config, acme, "U01SAM")


def test_given_no_team_list_anyone_in_the_workspace_may_act_and_a_report_says_so() -> None:
    empty = Config(manager="U03MORGAN")
    assert permissions.may_act(empty, ACME, "U0STRANGER")
    assert "no team list" in (permissions.open_to_everyone(empty) or "")
    assert permissions.open_to_everyone(CONFIG) is None


def test_a_flag_of_an_earlier_journey_is_refused_as_stale() -> None:
    acme = replace(ACME, started_on=datetime(2026, 11, 2).date())
    permissions.check(CONFIG, acme, "U01SAM", acme.journey_id())  # the current one: fine
    with pytest.raises(ActionError) as refused:
        permissions.check(CONFIG, acme, "U01SAM", "C1/standard/2026-01-05")
    assert refused.value.code == "stale_flag"
    assert "earlier onboarding of Acme &amp; Co; nothing was done" in refused.value.message


def test_an_undo_grant_survives_its_button_value_and_rejects_garbage() -> None:
    grant = permissions.undo_grant("C1", "a1b2c3", "U01SAM", NOW)
    assert UndoGrant.from_value(grant.value()) == grant
    for garbage in ("", "C1", '{"c":"C1"}', '{"c":"C1","a":"x","u":"U","x":"soon"}', "[1]"):
        assert UndoGrant.from_value(garbage) is None


def test_only_the_presser_may_undo_and_only_for_15_minutes() -> None:
    grant = permissions.undo_grant("C1", "a1b2c3", "U01SAM", NOW)
    assert permissions.undo_refusal(grant, "U01SAM", NOW + timedelta(minutes=15)) is None
    other = permissions.undo_refusal(grant, "U02ALEX", NOW)
    assert other is not None and "Only <@U01SAM>" in other and "admin undo C1" in other
    late = permissions.undo_refusal(grant, "U01SAM", NOW + timedelta(minutes=16))
    assert late is not None and "15 minutes" in late and "admin undo C1" in late
