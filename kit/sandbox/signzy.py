"""Signzy sandbox: LoopBack 3 style channel logins, opaque tokens, logout, child channels.

CONFIRMED (shared notes, section 4): ``POST /api/channels/login`` and ``/api/customers/login``
with ``{username, password}`` answer ``{id, ttl, created, userId}``; the token travels raw in
``Authorization`` or as ``?access_token=``; customers log out with ``POST .../logout`` (204); a
channel is created by another channel only, which sets its username and password; channel
paths ``/api/channels/{id}``, ``/api/channels/{id}/channels``, ``/api/channels/{id}/onboardings``.

INFERRED from LoopBack 3's defaults (Signzy runs LoopBack 3, by every sign, and is silent here):

* token lookup order: ``access_token`` query, ``X-Access-Token``, ``Authorization``; a ``Bearer ``
  prefix is stripped and the rest base64-decoded (``bearerTokenBase64Encoded``), so ``Bearer
  <raw id>`` resolves to no token: 401 ``AUTHORIZATION_REQUIRED``;
* ttl 1209600 s (14 days) by default, a login's ``ttl`` clamped to ``max_ttl`` (1 year);
* the envelope ``{error: {statusCode, name, message, code}}``; 401 ``LOGIN_FAILED``; 400
  ``USERNAME_EMAIL_REQUIRED`` / ``PASSWORD_REQUIRED`` (the latter code is kit's); 400 on a
  non-JSON body (code ``INVALID_JSON``, kit's); 401 ``INVALID_TOKEN`` for an expired token
  (whose row is then deleted) or one whose channel was deleted; 401 ``AUTHORIZATION_REQUIRED``
  for a missing or unknown token (a logged-out one included); 403 ``ACCESS_DENIED`` for another
  channel's data; 400 ``INVALID_PASSWORD`` on a wrong old password; logout 204, and 401 without
  a token; ``POST /api/channels/change-password`` and ``/api/channels/logout`` by analogy.
* ``DELETE /api/channels/{id}/channels/{child}`` (LoopBack's relation delete) removes a child.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from kit.errors import ConfigError
from kit.protocol.signzy import MODELS
from kit.sandbox.base import BodyRejected, Endpoint, Setting, json_response, read_json
from kit.sandbox.base import Emulator as _Base

__all__ = ["Emulator"]

DEMO = {"username": "kit-demo-channel", "password": "kit-demo-signzy-password-6d2f9a41c7"}


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_TOKEN = "the token: raw Authorization, or ?access_token="


class Emulator(_Base):
    """Channels with passwords, tokens with a ttl, and parent/child channels."""

    NAME = "signzy"
    CREDENTIAL_KEYS = ("username", "password")
    TOKEN_PATHS = ("api/channels/login", "api/customers/login")
    ENDPOINTS = (
        Endpoint("POST", "api/channels/login", "username + password (JSON)", "answers {id, ttl, created}"),
        Endpoint("POST", "api/customers/login", "username + password (JSON)", "single-customer products"),
        Endpoint("POST", "api/channels/change-password", _TOKEN, "{oldPassword, newPassword}"),
        Endpoint("GET", "api/channels/{id}", _TOKEN),
        Endpoint("GET", "api/channels/{id}/channels", _TOKEN, "children"),
        Endpoint("POST", "api/channels/{id}/channels", _TOKEN, "create a child"),
        Endpoint("DELETE", "api/channels/{id}/channels/{child}", _TOKEN),
        Endpoint("POST", "api/channels/{id}/onboardings", _TOKEN),
    )
    SETTINGS = (
        Setting("ttl", int, 1209600, "default token ttl in seconds (LoopBack: 14 days)", 1, 31556926),
        Setting("max_ttl", int, 31556926, "largest ttl a login may ask for (LoopBack: 1 year)", 1, 31556926),
    )

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(settings, credentials, **kwargs)
        self.channels: dict[str, dict[str, Any]] = {
            "ch-1": {
                "id": "ch-1",
                "username": self.credentials["username"],
                "parentId": None,
                "password": self.credentials["password"],
            }
        }
        self.tokens: dict[str, dict[str, Any]] = {}
        self.onboardings = 0

    def demo_credentials(self) -> dict[str, str]:
        return dict(DEMO)

    def _error(self, status: int, code: str, message: str) -> Response:
        return json_response(
            {"error": {"statusCode": status, "name": "Error", "message": message, "code": code}}, status
        )

    def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = read_json(request, "{}")
        except BodyRejected as rejected:
            raise _Refused(400, "INVALID_JSON", rejected.message) from None
        if not isinstance(body, dict):
            raise _Refused(400, "INVALID_JSON", "The request body must be a JSON object")
        return body

    def _token_id(self, request: Request) -> str | None:
        found = request.args.get("access_token") or request.headers.get("X-Access-Token")
        if found:
            return found
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            try:
                return base64.b64decode(header[7:].strip(), validate=True).decode("utf-8", "replace")
            except (binascii.Error, ValueError):
                return "\x00undecodable"
        return header or None

    def expire(self, token: str) -> None:
        row = self.tokens.get(token)
        if row is None:
            raise ConfigError("the signzy sandbox has no such token (logged out, or never issued)")
        row["created"] -= row["ttl"] + 1

    def counts(self) -> dict[str, int]:
        return {"live_tokens": len(self.tokens)}

    def _channel(self, request: Request) -> tuple[dict[str, Any], str]:
        token_id = self._token_id(request)
        row = self.tokens.get(token_id or "")
        if row is None:
            raise _Refused(401, "AUTHORIZATION_REQUIRED", "Authorization Required")
        if time.time() >= row["created"] + row["ttl"] or row["userId"] not in self.channels:
            del self.tokens[token_id or ""]
            raise _Refused(401, "INVALID_TOKEN", "Invalid Access Token")
        return self.channels[row["userId"]], token_id or ""

    def dispatch(self, request: Request) -> Response:
        parts = request.path.strip("/").split("/")
        try:
            if len(parts) < 3 or parts[0] != "api" or parts[1] not in MODELS:
                raise _Refused(404, "NOT_FOUND", f"There is no method to handle {request.method} {request.path}")
            model = parts[1]
            if len(parts) == 3 and parts[2] in ("login", "logout", "change-password") and request.method == "POST":
                handle: Callable[[Request], Response] = getattr(self, "_" + parts[2].replace("-", "_"))
                return handle(request)
            if model == "channels" and len(parts) >= 3 and request.method in ("GET", "POST", "DELETE"):
                return self._channels(request, parts[2:])
            raise _Refused(404, "NOT_FOUND", f"Shared class has no method handling {request.method} {request.path}")
        except _Refused as refused:
            return self._error(refused.status, refused.code, refused.message)

    def _login(self, request: Request) -> Response:
        body = self._body(request)
        if not body.get("username") and not body.get("email"):
            raise _Refused(400, "USERNAME_EMAIL_REQUIRED", "username or email is required")
        if not body.get("password"):
            raise _Refused(400, "PASSWORD_REQUIRED", "password is required")
        channel = next((c for c in self.channels.values() if c["username"] == body.get("username")), None)
        if channel is None or not secrets.compare_digest(str(body["password"]).encode(), channel["password"].encode()):
            raise _Refused(401, "LOGIN_FAILED", "login failed")
        asked = body.get("ttl")
        ttl = self.settings["ttl"]
        if isinstance(asked, int) and asked > 0:
            ttl = min(asked, self.settings["max_ttl"])
        token_id = secrets.token_urlsafe(48)
        now = time.time()
        self.tokens[token_id] = {"ttl": ttl, "created": now, "userId": channel["id"]}
        return json_response({"id": token_id, "ttl": ttl, "created": _iso(now), "userId": channel["id"]})

    def _logout(self, request: Request) -> Response:
        token_id = self._token_id(request)
        if not token_id:
            raise _Refused(401, "AUTHORIZATION_REQUIRED", "accessToken is required to logout")
        if self.tokens.pop(token_id, None) is None:
            raise _Refused(401, "AUTHORIZATION_REQUIRED", "Could not find accessToken")
        return Response(status=204)

    def _change_password(self, request: Request) -> Response:
        channel, _ = self._channel(request)
        body = self._body(request)
        if not body.get("oldPassword") or not body.get("newPassword"):
            raise _Refused(400, "INVALID_PASSWORD", "oldPassword and newPassword are required")
        if not secrets.compare_digest(str(body["oldPassword"]).encode(), channel["password"].encode()):
            raise _Refused(400, "INVALID_PASSWORD", "Invalid current password")
        channel["password"] = str(body["newPassword"])
        return Response(status=204)

    def _public(self, channel: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in channel.items() if k != "password"}

    def _channels(self, request: Request, rest: list[str]) -> Response:
        me, _ = self._channel(request)
        target = rest[0]
        if target != me["id"]:
            raise _Refused(403, "ACCESS_DENIED", "Access denied")
        if len(rest) == 1 and request.method == "GET":
            return json_response(self._public(me))
        if rest[1:] == ["channels"] and request.method == "GET":
            return json_response([self._public(c) for c in self.channels.values() if c["parentId"] == me["id"]])
        if rest[1:] == ["channels"] and request.method == "POST":
            body = self._body(request)
            if not body.get("username") or not body.get("password"):
                raise _Refused(400, "USERNAME_EMAIL_REQUIRED", "a child channel needs username and password")
            if any(c["username"] == body["username"] for c in self.channels.values()):
                raise _Refused(422, "USERNAME_TAKEN", "the username is already taken")
            child = {
                "id": f"ch-{len(self.channels) + 1}",
                "username": str(body["username"]),
                "parentId": me["id"],
                "password": str(body["password"]),
            }
            self.channels[child["id"]] = child
            return json_response(self._public(child))
        if len(rest) == 3 and rest[1] == "channels" and request.method == "DELETE":
            gone = self.channels.get(rest[2])
            if gone is None or gone["parentId"] != me["id"]:
                raise _Refused(404, "NOT_FOUND", f"Unknown child channel {rest[2]!r}")
            del self.channels[rest[2]]
            return Response(status=204)
        if rest[1:] == ["onboardings"] and request.method == "POST":
            self.onboardings += 1
            return json_response(
                {"id": f"onb-{self.onboardings}", "channelId": me["id"], "name": self._body(request).get("name")}
            )
        raise _Refused(404, "NOT_FOUND", f"Shared class has no method handling {request.method} {request.path}")
