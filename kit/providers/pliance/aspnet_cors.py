"""How ASP.NET Core's CORS middleware answers a browser: the policy a sandbox infers for browser use.

Where a provider says its API can be called from a web browser but documents no CORS rules, the
answers follow ASP.NET Core's CORS middleware with a policy of allowed origins, any header and any
method (INFERRED, and said so by each sandbox that uses this): a preflight (``OPTIONS`` with
``Origin`` and ``Access-Control-Request-Method``) is answered 204 before authentication (the
browser sends no credentials on it), with ``Access-Control-Allow-Methods``, the requested headers
and a max age; every answer to an allowed origin carries ``Access-Control-Allow-Origin`` (``*`` for
any origin, else the origin itself with ``Vary: Origin``). An origin not allowed gets no CORS header.
"""

from __future__ import annotations

from collections.abc import Collection

from werkzeug.wrappers import Request, Response

__all__ = ["PREFLIGHT", "allowed_origin", "is_preflight", "mark", "preflight"]

PREFLIGHT = "Access-Control-Request-Method"
MAX_AGE = "600"


def allowed_origin(request: Request, allowed: Collection[str]) -> str:
    """The ``Access-Control-Allow-Origin`` value for this request: ``*``, its origin, or "" (none)."""
    origin = request.headers.get("Origin", "")
    if not origin or not allowed:
        return ""
    return "*" if "*" in allowed else origin if origin in allowed else ""


def is_preflight(request: Request, allowed: Collection[str]) -> bool:
    """A CORS preflight from an allowed origin (anything else is an ordinary OPTIONS request)."""
    return request.method == "OPTIONS" and PREFLIGHT in request.headers and bool(allowed_origin(request, allowed))


def preflight(request: Request, methods: Collection[str]) -> Response:
    """204, naming the asked method and headers when the route has that method."""
    wanted = request.headers[PREFLIGHT].upper()
    response = Response(status=204)
    if wanted in methods:
        response.headers["Access-Control-Allow-Methods"] = wanted
        asked = request.headers.get("Access-Control-Request-Headers", "")
        if asked:
            response.headers["Access-Control-Allow-Headers"] = asked
        response.headers["Access-Control-Max-Age"] = MAX_AGE
    return response


def mark(response: Response, origin: str) -> None:
    """Add ``Access-Control-Allow-Origin`` (and ``Vary: Origin`` for a named one) to an answer."""
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        if origin != "*":
            response.headers.add("Vary", "Origin")
