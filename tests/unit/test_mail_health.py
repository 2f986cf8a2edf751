"""Mail health: a hard bounce or a complaint stops mail to the address it happened to, and only
to that address, so fixing the contact email in the sheet lets the next tick mail again."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from guide.mail_health import (
    BOUNCE,
    COMPLAINT,
    DELIVERY,
    SOFT_BOUNCE,
    MailEvent,
    mail_health,
)
from guide.workbook import Table
from sheets.schema import ACTIVITY

ZONE = ZoneInfo("America/New_York")
OLD, NEW = "omar@dune.example", "omar.haddad@dune.example"


def activity(*events: tuple[str, str, MailEvent]) -> Table:
    """og-activity rows (at, customer, event), as the telemetry function writes them."""
    rows: list[list[object]] = [
        [at, customer, "mail event", e.name, e.detail(), f"id-{i}"]
        for i, (at, customer, e) in enumerate(events)
    ]
    return Table(ACTIVITY.name, list(ACTIVITY.columns), rows)  # type: ignore[arg-type]


def bounce(address: str = OLD) -> MailEvent:
    return MailEvent(BOUNCE, "step connect-data", address, "mailbox does not exist")


def test_given_a_hard_bounce_then_that_address_is_undeliverable_with_the_flags_cause() -> None:
    health = mail_health(activity(("2026-11-24 09:00", "C004", bounce())), ZONE)

    problem = health.undeliverable("C004", " Omar@Dune.example ")

    assert problem is not None and problem.name == BOUNCE
    assert problem.cause("2") == "step 2 email bounced: mailbox does not exist"
    assert problem.cause() == "step connect-data email bounced: mailbox does not exist"


def test_given_a_bounce_then_the_address_fixed_in_the_sheet_then_mail_goes_again() -> None:
    health = mail_health(activity(("2026-11-24 09:00", "C004", bounce())), ZONE)

    assert health.undeliverable("C004", NEW) is None
    assert health.undeliverable("C005", OLD) is None  # another customer's row says nothing


def test_given_a_complaint_then_mail_stops_until_the_address_changes() -> None:
    complaint = MailEvent(COMPLAINT, "step invite-teammate reminder", OLD)
    delivered = MailEvent(DELIVERY, "step invite-teammate", OLD)
    table = activity(
        ("2026-11-24 09:00", "C004", complaint), ("2026-11-25 09:00", "C004", delivered)
    )

    problem = mail_health(table, ZONE).undeliverable("C004", OLD)

    assert problem is not None
    assert problem.cause("3") == "step 3 email marked as spam by the recipient"


def test_given_a_delivery_after_a_bounce_then_the_address_works_again_whatever_the_row_order() -> (
    None
):
    delivered = MailEvent(DELIVERY, "step connect-data", OLD)
    # SNS does not promise order: the later delivery was recorded first.
    table = activity(
        ("2026-11-26 09:00", "C004", delivered), ("2026-11-24 09:00", "C004", bounce())
    )

    assert mail_health(table, ZONE).undeliverable("C004", OLD) is None


def test_given_a_soft_bounce_or_an_open_then_mail_still_goes() -> None:
    soft = MailEvent(SOFT_BOUNCE, "step connect-data", OLD, "mailbox full")
    table = activity(("2026-11-24 09:00", "C004", soft))

    assert mail_health(table, ZONE).undeliverable("C004", OLD) is None


def test_given_no_activity_tab_then_every_address_is_deliverable() -> None:
    assert mail_health(None, ZONE).undeliverable("C004", OLD) is None
