"""``serve`` refuses a request whose body length makes no sense, at once (issue 8, item 14).

The requests are written by hand on a raw socket: an HTTP client would not send them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app.server import MAX_BODY, serve_in_background

# Generous: only there so that a server that waits forever fails the test instead of hanging it.
GIVE_UP_SECONDS = 10


@pytest.fixture
def port() -> Iterator[int]:
    server = serve_in_background("127.0.0.1", 0)
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def status_of(port: int, content_length: str) -> int:
    """Send a POST with this Content-Length and no body, keep the connection open for writing
    (as a slow or hostile client would), and read the status line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=GIVE_UP_SECONDS) as conn:
        conn.sendall(
            b"POST /done HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Content-Length: {content_length}\r\n\r\n".encode()
        )
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(1024)
            if not chunk:
                break
            answer += chunk
    status_line = answer.split(b"\r\n", 1)[0].decode()
    assert status_line.startswith("HTTP/"), f"no answer, got {answer!r}"
    return int(status_line.split()[1])


@pytest.mark.parametrize("length", ["-1", "-99999", "12abc", "0x10", "+5", "½"])
def test_given_a_length_that_is_not_a_whole_number_then_the_answer_is_400_at_once(
    port: int, length: str
) -> None:
    assert status_of(port, length) == 400


def test_given_a_body_larger_than_a_megabyte_then_the_answer_is_413_without_reading_it(
    port: int,
) -> None:
    assert status_of(port, str(MAX_BODY + 1)) == 413
