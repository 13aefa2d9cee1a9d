"""Globex's sandbox: tokens for the demo client, the API key checked on every call."""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

from werkzeug.wrappers import Request, Response

from globex_kit.protocol import API_KEY_HEADER, TOKEN_PATH
from globex_kit.surface import SURFACE
from kit.sandbox.base import Emulator as _Base
from kit.sandbox.base import Setting, json_response

__all__ = ["DEMO", "Emulator"]

DEMO = {
    "client_id": "globex-demo-client",
    "client_secret": "globex-demo-client-secret-7d1e3b5a9c2f4e6a8b0d",
    "api_key": "globex-demo-api-key-2b4d6f8a0c1e3a5c7e9b1d3f",
}


def _refused(error: str, message: str) -> Response:
    return json_response({"error": error, "message": message}, 401)


class Emulator(_Base):
    SURFACE = SURFACE
    TOKEN_PATHS = (TOKEN_PATH,)
    FETCH_COUNT = "tokens_issued"
    SETTINGS = (Setting("lifetime", int, 300, "token lifetime in seconds", 1, 3600),)

    def __init__(self, settings: dict[str, Any], credentials: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(settings, credentials, **kwargs)
        self.tokens: dict[str, float] = {}  # token -> when it expires

    def demo_credentials(self) -> dict[str, str]:
        return dict(DEMO)

    def counts(self) -> dict[str, int]:
        return {"tokens_issued": len(self.tokens)}

    def expire(self, token: str) -> None:
        if token not in self.tokens:
            raise self._cannot("expire a token it never issued")
        self.tokens[token] = 0.0

    def dispatch(self, request: Request) -> Response:
        found = self.ROUTES.at(request.path)
        endpoint = found.methods.get(request.method)
        if endpoint is None:
            return json_response({"error": "not_found", "message": f"no {request.method} {request.path}"}, 404)
        answered: Response = self.handler(endpoint)(request)
        return answered

    def token(self, request: Request) -> Response:
        expected = f"{self.credentials['client_id']}:{self.credentials['client_secret']}"
        given = request.headers.get("Authorization", "").removeprefix("Basic ")
        try:
            sent = base64.b64decode(given, validate=True).decode()
        except ValueError:
            sent = ""
        if not secrets.compare_digest(sent.encode(), expected.encode()):
            return _refused("invalid_client", "unknown client or wrong secret")
        token = secrets.token_urlsafe(32)
        self.tokens[token] = time.time() + self.settings["lifetime"]
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.settings["lifetime"]}
        return json_response(body)

    def me(self, request: Request) -> Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token, 0.0) <= time.time():
            return _refused("invalid_token", "no token, or one that expired")
        key = request.headers.get(API_KEY_HEADER, "")
        if not secrets.compare_digest(key.encode(), self.credentials["api_key"].encode()):
            return _refused("invalid_key", "no API key, or a wrong one")
        return json_response({"client_id": self.credentials["client_id"]})
