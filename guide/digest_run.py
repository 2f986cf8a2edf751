"""The weekly digest as a read-only unit: one read, the digest built, one email per recipient.

It writes nothing to the workbook: that a recipient got this week's digest is recorded in the
ledger (where the tick's sends are recorded), so a digest run twice in a week sends once. A
week with nobody to list (``Digest.quiet``) sends a short digest unless og-config's
``digest when empty`` is no; then nothing is sent and the run says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from guide.calendar import team_time
from guide.digest import build_digest
from guide.digest_funnel import DIGEST_HEADER_ONLY, DIGEST_READS, digest_funnel, funnel_chart
from guide.digest_model import Digest
from guide.digest_render import digest_email
from guide.links import resume_links
from guide.model import Problem
from guide.ports import AlreadyInProgress, Email, MailerError, Ports
from guide.reading import read_book
from guide.stalls.reading import read_stall_inputs
from guide.unit_of_work import (
    WorkbookBroken,
    book_in_deployed_zone,
    no_collection_pauses,
    structural_problems,
)

EMPTY_WEEK_OFF = (
    "nobody paused, handed off, stalled, finished or new this week, and og-config's "
    "'digest when empty' is no: no digest sent"
)


@dataclass
class DigestRun:
    digest: Digest
    sent_to: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_sent: str = ""  # why the run chose to send nobody anything, when it did


def send_digest(ports: Ports, now: datetime) -> DigestRun:
    """Build this week's digest at ``now`` (aware) and mail it to og-config's recipients."""
    with no_collection_pauses():  # as the tick: the same acyclic objects, as many
        return _send_digest(ports, now)


def _send_digest(ports: Ports, now: datetime) -> DigestRun:
    snapshot = ports.workbook.read(DIGEST_READS, header_only=DIGEST_HEADER_ONLY)
    broken = structural_problems(snapshot)
    if broken:
        raise WorkbookBroken(broken)
    book = book_in_deployed_zone(ports, read_book(snapshot))
    config = book.config
    today = team_time(now, config.timezone).date()
    extra = read_stall_inputs(snapshot, book)  # stalled as the tick decides it
    links = resume_links(ports.signer, ports.resume_url, now)
    local = team_time(now, config.timezone)
    digest = build_digest(book, today, links, extra.tasks, local, extra)
    problems: list[Problem] = []  # the archive's, which the funnel reads
    digest = replace(digest, funnel=digest_funnel(snapshot, book, today, problems))
    run = DigestRun(digest, problems=problems)
    if not config.digest_recipients:
        run.problems.append(
            Problem("og-config", None, "digest recipients", "no recipients: digest not sent")
        )
    if digest.quiet and not config.digest_when_empty:
        run.not_sent = EMPTY_WEEK_OFF
        return run
    year, week_number, _ = today.isocalendar()
    week = f"{year}-W{week_number:02d}"  # a rerun or a retry later in the week sends nothing
    chart = funnel_chart(ports, digest.funnel) if config.digest_recipients else None
    for to in config.digest_recipients:
        email = digest_email(digest, config.sender, to, chart)
        try:
            sent = _send_once(ports, f"mail:digest:{week}:{to}", email)
        except (MailerError, AlreadyInProgress) as err:
            run.problems.append(Problem("digest", None, None, f"{to}: {err}"))
            continue
        (run.sent_to if sent else run.already_sent).append(to)
    return run


def _send_once(ports: Ports, key: str, email: Email) -> bool:
    """Send through the ledger; False when this week's was already sent."""
    ran = False

    def send() -> dict[str, str]:
        nonlocal ran
        ran = True
        return {"message_id": ports.mailer.send(email)}

    ports.ledger.once(key, send)
    return ran
