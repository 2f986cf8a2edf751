"""og-config's ``digest when empty`` read as yes or no, like a tick box a person typed."""

from __future__ import annotations

import pytest

from guide.config import KEYS
from guide.reading import read_book
from tests.builders import config_rows, customer, snapshot


@pytest.mark.parametrize(
    ("typed", "sends"), [("no", False), ("No", False), ("FALSE", False), ("yes", True), ("x", True)]
)
def test_given_yes_or_no_typed_then_the_config_says_whether_an_empty_week_sends(
    typed: str, sends: bool
) -> None:
    book = read_book(snapshot([customer("C1")], config=config_rows(digest_when_empty=typed)))
    assert book.config.digest_when_empty is sends
    assert book.problems == []


def test_given_the_key_missing_then_an_empty_week_still_sends_and_setup_offers_yes() -> None:
    book = read_book(snapshot([customer("C1")], config=config_rows()))
    assert book.config.digest_when_empty is True
    assert KEYS["digest when empty"][1] == "yes"


def test_given_neither_yes_nor_no_then_the_problem_names_the_allowed_values_and_yes_is_used() -> (
    None
):
    book = read_book(snapshot([customer("C1")], config=config_rows(digest_when_empty="weekly")))
    assert book.config.digest_when_empty is True
    (problem,) = [str(p) for p in book.problems]
    assert "digest when empty:" in problem and "allowed yes or no" in problem
    assert "using yes" in problem
