"""Resume links from the digest: signed, expiring after 7 days, bound to the customer and to the
very pause or hand-off they end, and never interchangeable with a done link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from guide.links import LinkError, LinkSigner, resume_links

KEY = b"test-link-signing-key-not-secret"
NOW = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
PAUSED_AT = datetime(2026, 11, 20, 14, 30)


def test_a_resume_token_round_trips_to_its_customer_and_hold() -> None:
    signer = LinkSigner(KEY)
    link = signer.verify_resume(signer.issue_resume("C1", "pause", PAUSED_AT, NOW), NOW)
    assert (link.customer_id, link.hold) == ("C1", "pause")
    assert link.expires_at == NOW + timedelta(days=7)
    assert link.resumes(PAUSED_AT)


def test_a_link_for_a_pause_that_has_since_ended_or_been_replaced_is_stale() -> None:
    signer = LinkSigner(KEY)
    link = signer.verify_resume(signer.issue_resume("C1", "pause", PAUSED_AT, NOW), NOW)
    assert not link.resumes(None)  # the pause ended
    assert not link.resumes(PAUSED_AT + timedelta(days=3))  # a newer pause
    unrecorded = signer.verify_resume(signer.issue_resume("C1", "pause", None, NOW), NOW)
    assert unrecorded.resumes(None) and not unrecorded.resumes(PAUSED_AT)


def test_a_tampered_resume_token_is_refused() -> None:
    signer = LinkSigner(KEY)
    body, _, signature = signer.issue_resume("C1", "hand-off", PAUSED_AT, NOW).partition(".")
    other_body = signer.issue_resume("C2", "hand-off", PAUSED_AT, NOW).partition(".")[0]
    with pytest.raises(LinkError) as err:
        signer.verify_resume(f"{other_body}.{signature}", NOW)
    assert err.value.reason == "tampered"
    with pytest.raises(LinkError):
        LinkSigner(b"another-key-of-sixteen-bytes").verify_resume(f"{body}.{signature}", NOW)


def test_a_resume_token_expires_after_seven_days() -> None:
    signer = LinkSigner(KEY)
    token = signer.issue_resume("C1", "pause", PAUSED_AT, NOW)
    signer.verify_resume(token, NOW + timedelta(days=6, hours=23))
    with pytest.raises(LinkError) as err:
        signer.verify_resume(token, NOW + timedelta(days=7))
    assert err.value.reason == "expired"


def test_a_done_link_token_is_not_a_resume_token_nor_the_other_way_round() -> None:
    signer = LinkSigner(KEY)
    done = signer.issue("C1", "C1/standard/2026-11-02", "connect", NOW, 30)
    resume = signer.issue_resume("C1", "pause", PAUSED_AT, NOW)
    with pytest.raises(LinkError):
        signer.verify_resume(done, NOW)
    with pytest.raises(LinkError):
        signer.verify(resume, NOW)
    assert signer.verify(done, NOW).step_id == "connect"  # the done link still works


def test_the_digest_link_maker_builds_a_url_carrying_a_verifiable_token() -> None:
    make = resume_links(LinkSigner(KEY), "https://guide.example/resume?src=digest", NOW)
    url = make("C1", "hand-off", PAUSED_AT)
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("guide.example", "/resume")
    query = parse_qs(parts.query)
    assert query["src"] == ["digest"]
    link = LinkSigner(KEY).verify_resume(query["t"][0], NOW)
    assert (link.customer_id, link.hold) == ("C1", "hand-off")


def test_only_a_pause_or_a_hand_off_can_be_resumed() -> None:
    with pytest.raises(ValueError):
        LinkSigner(KEY).issue_resume("C1", "finish", PAUSED_AT, NOW)
