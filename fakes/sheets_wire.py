"""The fake Sheets server's wire format: Google's error shape, the metadata it answers, and the
HTTP handler that hands each request to ``FakeSheetsServer.handle``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from fakes.sheets_requests import BadRequest, Sheet

if TYPE_CHECKING:
    from fakes.sheets_server import FakeSheetsServer

STATUS = {
    400: ("INVALID_ARGUMENT", "Invalid request."),
    403: ("PERMISSION_DENIED", "The caller does not have permission"),
    404: ("NOT_FOUND", "Requested entity was not found."),
    429: ("RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Requests'."),
    500: ("INTERNAL", "Internal error encountered."),
    502: ("UNAVAILABLE", "Bad gateway."),
    503: ("UNAVAILABLE", "The service is currently unavailable."),
    504: ("DEADLINE_EXCEEDED", "The request timed out."),
}


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError as error:
        raise BadRequest(f"Invalid JSON payload received. {error}") from error


def error_response(status: int, message: str | None = None) -> Response:
    name, default = STATUS.get(status, ("UNKNOWN", "Error."))
    error = {"error": {"code": status, "message": message or default, "status": name}}
    return Response(status, json.dumps(error).encode())


def metadata(book_id: str, sheets: list[Sheet]) -> dict[str, Any]:
    return {
        "spreadsheetId": book_id,
        "properties": {"title": book_id},
        "sheets": [
            {
                "properties": s.properties(),
                **({"filterViews": s.filter_views} if s.filter_views else {}),
                "protectedRanges": [dict(p) for p in s.protected],
                "developerMetadata": [dict(m) for m in s.metadata],
            }
            for s in sheets
        ],
    }


class Handler(BaseHTTPRequestHandler):
    server_fake: FakeSheetsServer
    protocol_version = "HTTP/1.1"  # keep-alive, like Google: a tick reuses one connection

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.server_fake.handle(method, self.path, body)
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nobody is left to answer

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet
