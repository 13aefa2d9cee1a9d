"""Salt Edge on the wire (CONFIRMED, shared notes section 5): header names per version, signature rules."""

from typing import NamedTuple


class Headers(NamedTuple):
    """The names of the secret headers of one API version."""

    app_id: str
    app_secret: str
    customer_secret: str
    login_secret: str  # v5/v6 call a login a connection


HEADERS = {
    "v3": Headers("Client-id", "App-secret", "Customer-secret", "Login-secret"),
    "v5": Headers("App-id", "Secret", "Customer-secret", "Connection-secret"),
    "v6": Headers("App-id", "Secret", "Customer-secret", "Connection-secret"),
}
MAX_AHEAD = 3600  # Expires-at at most one hour ahead


def signature_string(expires_at: str, method: str, url: str, body: bytes | str | None) -> str:
    """``"<Expires-at>|<METHOD>|<full URL>|<raw body>"``, the text Salt Edge signs."""
    raw = body.decode() if isinstance(body, bytes) else (body or "")
    return f"{expires_at}|{method.upper()}|{url}|{raw}"
