"""og-config's ``digest when empty``: a team can turn off the short digest of a week with nobody
to list (issue 9: "an empty week still sends a short digest ... unless og-config turns that
off").

Empty is ``Digest.quiet``: nobody paused, handed off, stalled, finished this week or new.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.outbox import read_outbox
from fakes.memory_workbook import InMemoryWorkbook
from guide.digest_run import send_digest
from guide.workbook import CellValue
from sheets.schema import CONFIG, ONBOARDING, PLANS, TABS
from tests.builders import config_rows, customer, plan_rows
from tests.conftest import NOW, MakePorts

RECIPIENTS = "boss@example.com, sam@example.com"


def quiet_workbook(**config: str) -> InMemoryWorkbook:
    """Every tab, one customer who finished long before this week, and og-config as given."""
    rows: dict[str, list[dict[str, Any]]] = {
        ONBOARDING.name: [customer("C1", finished=True, **{"finished on": "2026-10-01"})],
        PLANS.name: plan_rows(),
        CONFIG.name: config_rows(digest_recipients=RECIPIENTS, **config),
    }
    workbook = InMemoryWorkbook()
    for tab in TABS:
        header: list[CellValue] = list(tab.columns)
        body = [[r.get(str(c)) for c in header] for r in rows.get(tab.name, [])]
        workbook.tabs[tab.name] = [header, *body]
    return workbook


def mails(outbox: Path) -> int:
    return sum(1 for entry in read_outbox(outbox) if entry.kind == "mail")


def test_given_the_key_off_an_empty_week_sends_nothing_and_a_week_with_news_still_sends(
    make_ports: MakePorts, outbox: Path
) -> None:
    # Given a week with nobody to list, and og-config's "digest when empty" set to no
    workbook = quiet_workbook(digest_when_empty="no")
    ports = make_ports(workbook)
    # When the digest runs
    run = send_digest(ports, NOW)
    # Then nobody is mailed, and the run says why
    assert run.digest.quiet
    assert run.sent_to == [] and run.already_sent == [] and mails(outbox) == 0
    assert "digest when empty" in run.not_sent
    # And when, later that week, a person pauses the customer in the sheet
    header = workbook.tabs[ONBOARDING.name][0]
    workbook.tabs[ONBOARDING.name][1][header.index("finished")] = False
    workbook.tabs[ONBOARDING.name][1][header.index("paused")] = True
    again = send_digest(ports, NOW + timedelta(days=1))
    # Then the digest that is no longer empty goes to everyone
    assert not again.digest.quiet and again.not_sent == ""
    assert sorted(again.sent_to) == ["boss@example.com", "sam@example.com"]


def test_given_the_key_left_at_its_default_an_empty_week_sends_the_short_digest(
    make_ports: MakePorts, outbox: Path
) -> None:
    run = send_digest(make_ports(quiet_workbook()), NOW)
    assert run.digest.quiet and run.not_sent == ""
    assert sorted(run.sent_to) == ["boss@example.com", "sam@example.com"]
    assert mails(outbox) == 2
