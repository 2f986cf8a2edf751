"""What the guide says: names people typed are escaped where they land, and flags ask before
they end a journey."""

from __future__ import annotations

from guide import messages
from guide.model import Customer, Step
from guide.reading import read_book
from tests.builders import customer, snapshot

J1 = "C1/standard/2026-11-02"


def typed(**overrides: str) -> tuple[Customer, Step]:
    book = read_book(snapshot([customer("C1", **overrides)]))
    return book.customers[0], book.plans["standard"][0]


def test_a_flag_asks_before_finishing_and_leads_with_nudge() -> None:
    c, step = typed()
    _, blocks = messages.flag_blocks(c, step, J1, 4, "<@U0SAM>", escalated=False)
    buttons = {b["action_id"]: b for b in blocks[-1]["elements"]}
    # The four of every flag, then the stall's own answers (issue 11); no plan link given
    assert list(buttons) == [
        "og_finish",
        "og_pause",
        "og_handoff",
        "og_nudge",
        "og_draft",
        "og_call",
        "og_cancel",
    ]
    assert "confirm" in buttons["og_finish"] and "confirm" not in buttons["og_nudge"]
    assert [a for a, b in buttons.items() if b.get("style") == "primary"] == ["og_nudge"]


def test_a_company_name_cannot_inject_slack_markup() -> None:
    c, step = typed(company="Kestrel & Sons <!channel>")
    _, blocks = messages.flag_blocks(c, step, J1, 4, "<@U0SAM>", escalated=False)
    section = blocks[0]["text"]["text"]
    assert "Kestrel &amp; Sons &lt;!channel&gt;" in section
    assert "<!channel>" not in section


def test_a_step_email_escapes_names_in_html_and_carries_the_done_link() -> None:
    c, step = typed(company="<b>Acme</b>", **{"contact name": "<script>Priya Natarajan"})
    step = Step(**{**step.__dict__, "body": "Hi {name}, welcome {company} {not a placeholder"})
    email = messages.step_email(c, step, "https://x.example/done?t=a&b", "from@x", "")
    assert "<script>" not in email.html and "&lt;script&gt;Priya" in email.html
    assert "<b>Acme</b>" not in email.html
    assert "&lt;b&gt;Acme&lt;/b&gt;" in email.html
    assert 'href="https://x.example/done?t=a&amp;b"' in email.html
    assert "https://x.example/done?t=a&b" in email.text
    assert "{not a placeholder" in email.text  # a stray brace is left as typed, not an error
