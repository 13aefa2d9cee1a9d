"""How a Spring Boot API answers errors: the framework a sandbox infers from where the docs are silent.

The error body is Spring Boot's ``{timestamp, status, error, message, path, errors}``, ``error``
defaulting to the status's reason phrase; an unauthenticated request gets Spring Security's
message. A sandbox that uses this says so (INFERRED) in its own docstring.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from kit.sandbox.base import BodyRejected, json_response, read_json

__all__ = ["UNAUTHENTICATED", "Refused", "error_body", "json_object"]

REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
UNAUTHENTICATED = "Full authentication is required to access this resource"


class Refused(Exception):
    """An error answer: status, message, and optionally the ``error`` text and field ``errors``."""

    def __init__(
        self, status: int, message: str, error: str | None = None, errors: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error
        self.errors = errors


def error_body(
    request: Request, status: int, message: str, error: str | None = None, errors: list[dict[str, Any]] | None = None
) -> Response:
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    body = {
        "timestamp": stamp,
        "status": status,
        "error": error or REASONS[status],
        "message": message,
        "path": request.path,
        "errors": errors or [],
    }
    return json_response(body, status)


def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object body; a 400 Refused for anything else."""
    try:
        body = read_json(request, invalid="Malformed JSON request")
    except BodyRejected as rejected:
        raise Refused(400, rejected.message) from None
    if not isinstance(body, dict):
        raise Refused(400, "The body must be a JSON object")
    return body
