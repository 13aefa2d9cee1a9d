"""Connect sessions, how v5 and v6 give a customer a connection: the customer named by ``customer_id`` in the body.

CONFIRMED (the official examples): v6 ``POST connections/connect`` takes ``{"data": {"customer_id", "consent",
"attempt", "widget", "provider"}}`` with the app's headers alone (master ``node/saltedge.js``); v5 ``POST
connect_sessions/create`` takes ``customer_id`` in the body with a "Service" key, which needs no Customer-secret
(v5 branch ``node/saltedge.js``, ``react-native/README.md``); an "App" key names the customer by its Customer-secret
instead (Mobile SDKs page); the answer carries the ``connect_url`` the user opens (v5 ``react-native/App.js`` reads
``data.connect_url``). INFERRED: the answer ``{"data": {"expires_at", "connect_url"}}`` (v6 adds ``customer_id``),
an unknown or missing ``customer_id`` is ``CustomerNotFound``. kit's choice: the sandbox has no widget, so the
connection is made as if the user had finished Salt Edge Connect at once (a fake provider), its callback sent, and
the connect URL shows a page saying so.
"""

from __future__ import annotations

import datetime as dt
import html
import secrets
from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from kit.providers.saltedge.protocol import HEADERS
from kit.providers.saltedge.sandbox.signatures import Refused
from kit.providers.saltedge.surface import DEMO_PROVIDER
from kit.sandbox.base import json_response

__all__ = ["ConnectSessions"]


class Box(Protocol):
    """What connect sessions need of the emulator: its customers and settings, and how it reads and makes."""

    customers: dict[int, dict[str, Any]]
    settings: dict[str, Any]

    def body(self, request: Request) -> dict[str, Any]: ...
    def customer_by_secret(self, request: Request) -> dict[str, Any]: ...
    def make_login(self, owner: dict[str, Any], provider: str, version: str) -> dict[str, Any]: ...


#: how long a connect URL may be opened (kit's choice: an hour)
LIFETIME = dt.timedelta(hours=1)
#: what a connection made through the sandbox's Connect uses
PROVIDER = DEMO_PROVIDER


class ConnectSessions:
    """The emulator's part answering ``connect_sessions/create`` (v5) and ``connections/connect`` (v6)."""

    def __init__(self, box: Box) -> None:
        self.box = box
        self.opened: dict[str, dict[str, Any]] = {}  # connect token -> the connection it made

    def create(self, request: Request, version: str) -> Response:
        data = self.box.body(request)
        owner = self._customer(request, data, version)
        made = self.box.make_login(owner, PROVIDER, version)
        token = secrets.token_urlsafe(24)
        self.opened[token] = made
        expires = (dt.datetime.now(dt.UTC) + LIFETIME).strftime("%Y-%m-%dT%H:%M:%SZ")
        answer: dict[str, Any] = {"expires_at": expires, "connect_url": f"{request.host_url}connect/{token}"}
        if version == "v6":
            answer["customer_id"] = str(owner["id"])
        return json_response({"data": answer})

    def _customer(self, request: Request, data: dict[str, Any], version: str) -> dict[str, Any]:
        """The customer ``customer_id`` names; on v5 without one, the customer whose Customer-secret was sent."""
        named = data.get("customer_id")
        if named is None and version == "v5" and request.headers.get(str(HEADERS["v5"].customer_secret)):
            return self.box.customer_by_secret(request)  # an App key
        found = self.box.customers.get(_number(named))
        if found is None:
            raise Refused("CustomerNotFound", f"Customer with id: {str(named)[:40]!r} was not found")
        return found

    def page(self, token: str) -> Response:
        """What opening the connect URL shows: the connection it made, or that the URL is unknown."""
        made = self.opened.get(token)
        sent = " and its callback sent" if self.box.settings["callback_url"] else " (no callback URL is set)"
        text = (
            f"The kit sandbox has no Salt Edge Connect widget: connection {made['id']} was made with "
            f"{made['provider_code']} when the URL was created{sent}."
            if made is not None
            else "No connect session with that URL."
        )
        page = f"<!doctype html><title>Salt Edge Connect (kit sandbox)</title><p>{html.escape(text)}</p>"
        return Response(page, 200 if made is not None else 404, content_type="text/html; charset=utf-8")


def _number(value: object) -> int:
    """A customer id as sent (v5 and v6 send ids as strings, a number is taken too): its number, or -1 for anything
    but ASCII decimal digits (``"³"`` is a digit to ``str.isdigit``, not to ``int``)."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else -1
