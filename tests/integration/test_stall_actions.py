"""Acting from a stall flag: Draft email, Schedule a call, Close as cancelled, from signed Slack
payloads to the workbook, the outbox and back (the demo workbook, the fake Slack Web API)."""

from __future__ import annotations

import json
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from adapters.xlsx_workbook import XlsxWorkbook
from fakes.slack_signing import SlackWithResponses, signed_event, text_value, view_submission
from guide import trail
from guide.actions import perform
from guide.commands import Undo
from guide.workbook import Changes
from sheets.schema import ACTIVITY, AUDIT, CONFIG, SENDS_ARCHIVE, TASKS
from tests.integration.endpoints import NOW, SECRET, Demo
from tests.integration.test_slack_actions import make_endpoint, opened_view, press, send

Endpoint = Any


@pytest.fixture
def endpoint(slack: SlackWithResponses, demo: Demo) -> Endpoint:
    return make_endpoint(slack, demo.ports)


def _rows(demo: Demo, tab: str) -> list[dict[str, Any]]:
    snapshot = XlsxWorkbook(demo.workbook_path).read([tab], header_only=())
    return [record for _row, record in snapshot[tab].records()]


def _mail(path: Path) -> Any:
    with path.open("rb") as f:
        return BytesParser(policy=policy.default).parse(f)


def _open(slack: SlackWithResponses, endpoint: Endpoint, action_id: str) -> dict[str, Any]:
    answer = send(endpoint, signed_event(press(slack, action_id, "C005"), SECRET))
    assert answer["statusCode"] == 200
    return opened_view(slack)


def _set_config(demo: Demo, key: str, value: str) -> None:
    workbook = XlsxWorkbook(demo.workbook_path)
    changes = Changes()
    changes.append(CONFIG.name, {"key": key, "value": value})
    workbook.commit(workbook.read([CONFIG.name]), changes)


# --- Draft email ---------------------------------------------------------------------------


def test_draft_opens_with_an_email_for_the_customer_and_sends_what_the_owner_edited(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    # Given Evergreen is stalled on "Invite a teammate"
    before = demo.book().journey_sends(demo.book().customer("C005").journey_id())  # type: ignore[union-attr]
    reminders = before["invite-teammate"].reminders
    # When Sam presses Draft email: a modal opens with a drafted email, nothing changes yet
    print_before = demo.fingerprint()
    view = _open(slack, endpoint, "og_draft")
    assert view["callback_id"] == "og_draft_modal" and demo.fingerprint() == print_before
    subject_el = view["blocks"][1]["element"]
    body_el = view["blocks"][2]["element"]
    drafted = body_el["initial_value"]
    # Then the draft names Grace and the step and holds her done link
    assert "Grace" in drafted and "/done?t=" in drafted
    assert "nvite" in subject_el["initial_value"] + drafted
    # When Sam edits it and sends
    values = {
        "subject": {"subject": text_value("Grace, one small thing")},
        "body": {"body": text_value("Hi Grace,\n\nCan I help with the invite?\n\nSam")},
    }
    mails = len(demo.emails())
    send(endpoint, signed_event(view_submission(view, values), SECRET))
    # Then exactly that email went to Grace
    assert len(demo.emails()) == mails + 1
    sent = _mail(demo.emails()[-1])
    assert sent["Subject"] == "Grace, one small thing" and "grace@evergreen" in sent["To"]
    assert "Can I help with the invite?" in sent.get_body(("plain",)).get_content()
    # and it counts as a reminder, in og-activity (as our outreach) and the audit
    after = demo.book().journey_sends(demo.book().customer("C005").journey_id())  # type: ignore[union-attr]
    assert after["invite-teammate"].reminders == reminders + 1
    assert after["invite-teammate"].last_reminded is not None
    activity = [r for r in _rows(demo, ACTIVITY.name) if r["customer id"] == "C005"]
    assert activity[-1]["kind"] == "mail event" and activity[-1]["name"] == "draft sent"
    audit = [r for r in _rows(demo, AUDIT.name) if r["customer id"] == "C005"]
    assert audit[-1]["action"] == "send draft" and "Grace, one small thing" in audit[-1]["detail"]


def test_a_sent_draft_is_undone_like_a_nudge(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    view = _open(slack, endpoint, "og_draft")
    values = {"subject": {"subject": text_value("Hi")}, "body": {"body": text_value("Hello")}}
    send(endpoint, signed_event(view_submission(view, values), SECRET))
    answer = perform(demo.ports, Undo("C005", "sam"), NOW)
    assert "cannot be unsent" in answer.message
    c = demo.book().customer("C005")
    assert c is not None
    assert demo.book().journey_sends(c.journey_id())["invite-teammate"].reminders == 0


# --- Schedule a call -------------------------------------------------------------------------


def _call_values(day: str, at: str, minutes: str, note: str = "") -> dict[str, Any]:
    return {
        "date": {"date": {"type": "datepicker", "selected_date": day}},
        "time": {"time": {"type": "timepicker", "selected_time": at}},
        "length": {"length": {"type": "static_select", "selected_option": {"value": minutes}}},
        "note": {"note": text_value(note)},
    }


def test_schedule_a_call_emails_an_invite_in_the_teams_time_zone_and_makes_a_task(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    view = _open(slack, endpoint, "og_call")
    assert view["callback_id"] == "og_call_modal"
    assert "America/New_York" in json.dumps(view)
    mails = len(demo.emails())
    values = _call_values("2026-11-25", "14:30", "45", "We'll walk through the invite.")
    send(endpoint, signed_event(view_submission(view, values), SECRET))
    # Then Grace got an email with an iCalendar request attached
    assert len(demo.emails()) == mails + 1
    message = _mail(demo.emails()[-1])
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST"
    cal = Calendar.from_ical(attachment.get_payload(decode=True))
    assert str(cal["method"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    starts = event.decoded("dtstart")
    # at 14:30 New York time, 45 minutes, with the zone's VTIMEZONE, Sam's sender organising
    assert starts == datetime(2026, 11, 25, 14, 30, tzinfo=ZoneInfo("America/New_York"))
    assert event["dtstart"].params["TZID"] == "America/New_York"
    assert (event.decoded("dtend") - starts).total_seconds() == 45 * 60
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(event["attendee"]) == "mailto:grace@evergreen.example"
    assert str(event["organizer"]).startswith("mailto:")
    assert "walk through the invite" in str(event["description"])
    # and Sam has a task for the call
    tasks = [r for r in _rows(demo, TASKS.name) if r["customer id"] == "C005"]
    assert tasks[-1]["status"] == "open" and "2026-11-25 14:30" in str(tasks[-1]["due"])
    audit = [r for r in _rows(demo, AUDIT.name) if r["customer id"] == "C005"]
    assert audit[-1]["action"] == "schedule call"


def test_with_a_booking_link_the_customer_gets_the_link_instead_of_an_invite(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    _set_config(demo, "booking link", "https://book.example/sam")
    view = _open(slack, endpoint, "og_call")
    assert "https://book.example/sam" in json.dumps(view)
    send(
        endpoint,
        signed_event(view_submission(view, _call_values("2026-11-25", "10:00", "30")), SECRET),
    )
    message = _mail(demo.emails()[-1])
    assert not list(message.iter_attachments())
    assert "https://book.example/sam" in message.get_body(("plain",)).get_content()
    assert any(r["customer id"] == "C005" for r in _rows(demo, TASKS.name))


def test_a_call_without_a_time_is_refused_inside_the_modal(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    view = _open(slack, endpoint, "og_call")
    before = demo.fingerprint()
    values = _call_values("2026-11-25", "", "30")
    answer = send(endpoint, signed_event(view_submission(view, values), SECRET))
    assert json.loads(answer["body"])["response_action"] == "errors"
    assert demo.fingerprint() == before


# --- Close as cancelled ----------------------------------------------------------------------


def _cancel_values(reason: str, other: str = "", closing: bool = False) -> dict[str, Any]:
    return {
        "reason": {"reason": {"type": "radio_buttons", "selected_option": {"value": reason}}},
        "other": {"other": text_value(other)},
        "closing": {
            "closing": {
                "type": "checkboxes",
                "selected_options": [{"value": "yes"}] if closing else [],
            }
        },
    }


def test_close_as_cancelled_archives_the_journey_with_the_reason_and_undo_restores_it(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    c = demo.book().customer("C005")
    assert c is not None
    live = demo.book().journey_sends(c.journey_id())
    view = _open(slack, endpoint, "og_cancel")
    assert view["callback_id"] == "og_cancel_modal"
    mails = len(demo.emails())
    send(
        endpoint,
        signed_event(view_submission(view, _cancel_values("not a fit", closing=True)), SECRET),
    )
    # Then Evergreen's onboarding is over, marked cancelled, its journey archived
    ended = demo.book().customer("C005")
    assert ended is not None and ended.finished
    assert ended.finished_by == "cancelled: not a fit (Sam Rivera)"
    assert demo.book().journey_sends(c.journey_id()) == {}
    archived = [r for r in _rows(demo, SENDS_ARCHIVE.name) if r["customer id"] == "C005"]
    assert len(archived) == len(live)
    # audited as a cancel, the reason in the detail; a short closing email went out
    audit = [r for r in _rows(demo, AUDIT.name) if r["customer id"] == "C005"]
    assert audit[-1]["action"] == "cancel" and "not a fit" in audit[-1]["detail"]
    assert len(demo.emails()) == mails + 1
    assert "Closing your onboarding" in _mail(demo.emails()[-1])["Subject"]
    # When the cancel is undone: the onboarding and its journey are back as they were
    answer = perform(demo.ports, Undo("C005", "sam"), NOW)
    assert "closing email already went" in answer.message
    back = demo.book().customer("C005")
    assert back is not None and not back.finished and not back.finished_by
    assert demo.book().journey_sends(c.journey_id()).keys() == live.keys()
    assert not [r for r in _rows(demo, SENDS_ARCHIVE.name) if r["customer id"] == "C005"]


def test_cancel_for_another_reason_needs_the_reason_typed(
    slack: SlackWithResponses, endpoint: Endpoint, demo: Demo
) -> None:
    view = _open(slack, endpoint, "og_cancel")
    before = demo.fingerprint()
    answer = send(endpoint, signed_event(view_submission(view, _cancel_values("other")), SECRET))
    assert json.loads(answer["body"])["response_action"] == "errors"
    assert demo.fingerprint() == before
    typed = _cancel_values("other", "Budget frozen until Q3")
    send(endpoint, signed_event(view_submission(view, typed), SECRET))
    ended = demo.book().customer("C005")
    assert ended is not None
    assert ended.finished_by == "cancelled: Budget frozen until Q3 (Sam Rivera)"
    assert "cancel" in trail.UNDOABLE


def test_the_view_plan_url_button_is_acknowledged_quietly(
    slack: SlackWithResponses, endpoint: Endpoint
) -> None:
    answer = send(endpoint, signed_event(press(slack, "og_plan", "C005"), SECRET))
    assert answer["statusCode"] == 200 and not slack.said()


@pytest.mark.parametrize("action_id", ["og_draft", "og_call", "og_cancel"])
def test_each_new_modal_passes_slacks_block_kit_limits(
    slack: SlackWithResponses, endpoint: Endpoint, action_id: str
) -> None:
    # The fake Slack refuses a views.open whose blocks break Block Kit's rules.
    view = _open(slack, endpoint, action_id)
    assert view["type"] == "modal" and not slack.said()
