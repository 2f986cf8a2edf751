"""A sheet typed by people: every bad row is a problem naming tab, row and column, and every
other customer carries on."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guide.reading import read_book
from sheets.schema import ONBOARDING
from tests.builders import customer, snapshot, table


def problems_for(customers: list[dict[str, Any]], **kw: Any) -> list[str]:
    return [str(p) for p in read_book(snapshot(customers, **kw)).problems]


def test_a_clean_sheet_has_no_problems_and_every_customer() -> None:
    book = read_book(snapshot([customer("C1"), customer("C2")]))
    assert book.problems == []
    assert [c.customer_id for c in book.customers] == ["C1", "C2"]


def test_blank_rows_are_skipped_silently() -> None:
    book = read_book(snapshot([customer("C1"), {}, {"company": "  "}, customer("C2")]))
    assert [c.customer_id for c in book.customers] == ["C1", "C2"]
    assert book.problems == []


def test_columns_are_found_by_header_whatever_the_order_and_spelling() -> None:
    header = ["Notes", "Contact_Email", "PLAN", "Owner", "Customer ID", "started-on"]
    rows = [
        {
            "Notes": "vip",
            "Contact_Email": "a@b.example",
            "PLAN": "standard",
            "Owner": "Sam",
            "Customer ID": "C9",
            "started-on": "11/3/2026",
        }
    ]
    snap = snapshot([])
    snap.tables[ONBOARDING.name] = table(ONBOARDING.name, rows, header=header)
    book = read_book(snap)
    assert book.problems == []
    (c,) = book.customers
    assert (c.customer_id, c.email, c.started_on.isoformat() if c.started_on else "") == (
        "C9",
        "a@b.example",
        "2026-11-03",
    )


def test_an_unknown_plan_is_reported_on_its_row_and_column() -> None:
    found = problems_for([customer("C1"), customer("C2", plan="standrad")])
    assert found == ["onboarding row 3, column 'plan': unknown plan 'standrad' (not in og-plans)"]


def test_a_missing_email_is_reported_and_that_customer_left_alone() -> None:
    book = read_book(snapshot([customer("C1", **{"contact email": ""}), customer("C2")]))
    assert [c.customer_id for c in book.customers] == ["C2"]
    assert "column 'contact email'" in str(book.problems[0])


def test_a_duplicate_customer_id_keeps_the_first_row_and_reports_the_second() -> None:
    book = read_book(snapshot([customer("C1"), customer("C1", company="Copy")]))
    assert [c.company for c in book.customers] == ["Company C1"]
    assert str(book.problems[0]).startswith("onboarding row 3, column 'customer id': duplicate")


def test_an_unreadable_box_holds_the_customer_rather_than_mailing_them() -> None:
    book = read_book(snapshot([customer("C1", paused="maybe")]))
    assert book.customers == []
    assert "column 'paused'" in str(book.problems[0])


def test_a_missing_required_column_is_one_clear_problem() -> None:
    snap = snapshot([])
    snap.tables[ONBOARDING.name] = table(
        ONBOARDING.name, [{"customer id": "C1"}], header=["customer id", "company"]
    )
    found = [str(p) for p in read_book(snap).problems]
    assert "onboarding row 1, column 'plan': required column is missing from the header" in found


def test_a_plan_with_a_broken_step_is_not_used_at_all() -> None:
    from tests.builders import plan_rows

    plans = plan_rows()
    plans[1]["expected days"] = "two"
    book = read_book(snapshot([customer("C1")], plans=plans))
    assert "standard" not in book.plans
    assert any("expected days" in str(p) for p in book.problems)


def test_bad_settings_fall_back_to_defaults_with_a_problem() -> None:
    from tests.builders import config_rows

    book = read_book(
        snapshot(
            [customer("C1")],
            config=config_rows(
                escalate_after_days="ten", timezone="Mars/Olympus", holidays="2026-11-26, someday"
            ),
        )
    )
    assert book.config.escalate_after_days == 10
    assert book.config.timezone == "UTC"
    assert len(book.problems) == 3


CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 100_000),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["TRUE", "x", "✓", "11/3/2026", "2026-11-03", "=1+1"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries({c: CELL for c in ONBOARDING.columns}), max_size=8))
def test_no_row_a_person_can_type_crashes_the_reader(rows: list[dict[str, Any]]) -> None:
    book = read_book(snapshot(rows))
    good = {c.row for c in book.customers}
    for p in book.problems:
        assert p.tab == "onboarding" and p.row is not None and p.row not in good
        assert p.column is None or p.column in ONBOARDING.columns


@pytest.mark.parametrize(
    ("key", "typed", "allowed", "field", "default"),
    [
        ("link ttl days", "365000000", "1 to 365", "link_ttl_days", 30),
        ("link ttl days", "0", "1 to 365", "link_ttl_days", 30),
        ("escalate after days", "91", "1 to 90", "escalate_after_days", 10),
        ("stall thresholds", "3, 7, 400", "from 1 to 365", "triage_thresholds", (3, 7, 14, 30)),
        (
            "stall thresholds",
            ", ".join(["5"] * 11),
            "at most 10",
            "triage_thresholds",
            (3, 7, 14, 30),
        ),
        (
            "sender",
            "a" * 250 + "@b.example",
            "up to 254 characters",
            "sender",
            "onboarding@example.com",
        ),
        ("reply to", "r" * 255, "up to 254 characters", "reply_to", ""),
        ("slack channel", "#" + "c" * 254, "up to 254 characters", "slack_channel", ""),
        ("manager", "m" * 255, "up to 254 characters", "manager", ""),
        ("timezone", "Europe/" + "x" * 300, "IANA time zone", "timezone", "UTC"),
        ("holidays", "9999-12-24", "from 1970-01-01 to 2200-12-31", "holidays", frozenset()),
    ],
)
def test_given_a_setting_out_of_bounds_then_the_default_is_used_and_the_problem_names_its_range(
    key: str, typed: str, allowed: str, field: str, default: object
) -> None:
    from tests.builders import config_rows

    book = read_book(snapshot([customer("C1")], config=config_rows(**{key: typed})))

    assert getattr(book.config, field) == default
    (problem,) = [str(p) for p in book.problems]
    assert problem.startswith("og-config row") and f"{key}:" in problem and allowed in problem


def test_given_more_team_members_than_slack_can_list_then_the_first_hundred_are_used() -> None:
    from tests.builders import config_rows

    team = "\n".join(f"Member {n} | U{n:04d}" for n in range(101))
    book = read_book(snapshot([customer("C1")], config=config_rows(team=team)))

    assert len(book.config.team) == 100 and book.config.team[-1].name == "Member 99"
    (problem,) = [str(p) for p in book.problems]
    assert "team: more than 100" in problem and "at most 100 of them" in problem


def test_given_sheet_times_typed_with_offsets_then_the_book_holds_them_in_the_team_s_time() -> None:
    from datetime import date, datetime

    from tests.builders import config_rows, send

    sends = [
        send("C1", "connect", sent="2026-11-20T10:00:00+01:00", done="2026-11-20 12:30Z"),
        send("C1", "invite", sent="2026-11-20 10:00"),
    ]
    book = read_book(
        snapshot(
            [customer("C1", **{"started on": "2026-11-03T01:00:00+00:00"})],
            sends=sends,
            config=config_rows(timezone="America/New_York"),
        )
    )

    assert book.problems == []
    (journey,) = book.sends.values()
    assert journey["connect"].sent_at == datetime(2026, 11, 20, 4, 0)
    assert journey["connect"].done_at == datetime(2026, 11, 20, 7, 30)
    assert journey["invite"].sent_at == datetime(2026, 11, 20, 10, 0), "naive: as typed"
    assert book.customers[0].started_on == date(2026, 11, 2)
