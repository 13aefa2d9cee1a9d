"""Signzy's auth: a channel (or customer) login answering an opaque LoopBack token, kept, renewed, logged out.

CONFIRMED (shared notes, section 4): ``POST /api/channels/login`` (``/api/customers/login`` for
single-customer products) with ``{username, password}`` answers ``{id, ttl, created, userId}``;
the ``id`` is sent raw in ``Authorization`` (no ``Bearer``), or as ``?access_token=``, which the
docs advise against because query strings end up in logs; customers log out with ``POST
.../logout`` (204); a channel creates child channels and sets their username and password.

INFERRED from LoopBack 3 and OBSERVED against a real LoopBack 3 app (see :mod:`kit.providers.signzy.sandbox`):
expiry = ``created + ttl``; a 401 ``INVALID_TOKEN`` means the token expired (the server deletes it),
so kit logs in again and resends the request once. A 401 ``AUTHORIZATION_REQUIRED`` after sending a
token means either that the server no longer has it (a logout or a password change elsewhere) or
that the ACL refused this channel (LoopBack answers both alike): kit asks which by reading the
channel itself with the same token (``GET /api/{model}/{userId}``, which the User model's ACL lets
an owner do); only when that fails too does it log in again, once. A still-valid token that kit
replaces (renewed early, or forced) is logged out. ``/api/channels/logout`` and
``/api/channels/change-password`` (204 with an empty body); a child channel needs an email, as
the User model validates it. The login answer is checked before its token is used: ``id`` a
string, ``ttl`` a finite number of seconds within 1 s..366 days, ``created`` an ISO time.
"""

from __future__ import annotations

import dataclasses
import warnings
from datetime import datetime
from typing import Any
from urllib.parse import quote

import requests

from kit.answers import api_error, json_body, json_or_none
from kit.auth.bearer import CachedBearerAuth
from kit.auth.flow import Exchange, Flow
from kit.auth.tokencache import TokenCache
from kit.auth.tokens import CachedToken, KeyParts, checked_lifetime, token_answer
from kit.credentials import Credentials as _Credentials
from kit.errors import ApiError, AuthError, ConfigError, KitError
from kit.providers.signzy.protocol import MODELS, login_path, logout_path
from kit.secrets import Secret

__all__ = ["EXPIRED", "TRANSPORTS", "UNKNOWN", "Credentials", "QueryTokenWarning", "SignzyAuth", "error_parser"]
__all__ += ["login_request"]


TRANSPORTS = ("header", "query")
EXPIRED = "INVALID_TOKEN"
UNKNOWN = "AUTHORIZATION_REQUIRED"


class QueryTokenWarning(UserWarning):
    """The token will travel in the URL, where proxies and server logs keep it."""


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """A Signzy channel's (or customer's) username and password."""

    PROVIDER = "signzy"
    username: str
    password: Secret


def login_request(
    credentials: Credentials, base_url: str, model: str = "channels", ttl: int | None = None
) -> requests.Request:
    """The login request, not yet sent."""
    if model not in MODELS:
        raise ConfigError(f"unknown login model {model!r}; one of {', '.join(MODELS)}")
    body: dict[str, Any] = {"username": credentials.username, "password": credentials.password.reveal()}
    if ttl is not None:
        body["ttl"] = ttl
    return requests.Request("POST", base_url + login_path(model), json=body)


class SignzyAuth(CachedBearerAuth):
    """The raw token in ``Authorization`` (or the query); log in again on expiry or INVALID_TOKEN."""

    scheme = ""
    stale_answer = "401 INVALID_TOKEN"

    def __init__(
        self,
        credentials: Credentials,
        base_url: str,
        *,
        model: str = "channels",
        transport: str = "header",
        ttl: int | None = None,
        cache: TokenCache | None = None,
    ) -> None:
        if transport not in TRANSPORTS:
            raise ConfigError(f"token transport must be one of {', '.join(TRANSPORTS)}, not {transport!r}")
        if transport == "query":
            warnings.warn(
                "the Signzy token will travel as ?access_token=, which server and proxy logs keep; "
                "kit redacts it in its own journal, HAR and curl exports",
                QueryTokenWarning,
                stacklevel=3,
            )
        login_request(credentials, base_url, model)  # validates the model
        self.credentials = credentials
        self.base_url = base_url
        self.model = model
        self.ttl = ttl
        self.transport = transport
        key = KeyParts(base_url + login_path(model), credentials.username, credentials.password, {"model": model})
        super().__init__(key=key, base_url=base_url, cache=cache)

    def is_stale(self, response: requests.Response) -> bool:
        """A token that expired (INVALID_TOKEN) is worth one new login; the flow asks only after sending one."""
        return response.status_code == 401 and _code(response) == EXPIRED

    def stale_flow(self, response: requests.Response, token: CachedToken) -> Flow[bool]:
        """INVALID_TOKEN: stale. AUTHORIZATION_REQUIRED: stale only if the token cannot read its own
        channel either (a logout elsewhere); if it can, the ACL refused the call and no login helps."""
        if self.is_stale(response):
            return True
        if response.status_code != 401 or _code(response) != UNKNOWN:
            return False
        if not token.subject:
            return True
        check = requests.Request("GET", f"{self.base_url}api/{self.model}/{quote(token.subject, safe='')}").prepare()
        self.apply(check, token)
        answer = yield Exchange(check, kind="auth", action="check", reason=f"401 {UNKNOWN}", timeout=self.timeout)
        return answer.status_code == 401

    def stale_reason(self, response: requests.Response) -> str:
        return f"401 {_code(response)}"

    def fetch_flow(self, reason: str = "absent") -> Flow[CachedToken]:
        """Log in; then log out the token this one replaces if it is still good (renewed early, forced)."""
        previous = self.cache.peek(self.key) if reason in ("expiring", "forced") else None
        token = yield from self.login_flow(reason)
        if previous is not None and previous.expires_in() > 0 and previous.access_token != token.access_token:
            yield from self.logout_token(previous, f"replaced ({reason})")
        return token

    def login_flow(self, reason: str) -> Flow[CachedToken]:
        """``POST /api/{model}/login``; the answer checked and kept as a CachedToken."""
        request = login_request(self.credentials, self.base_url, self.model, self.ttl)
        answer = yield from self.auth_request(request, "login", reason)
        body, token = token_answer(answer, "id", "the login answer", _refused)
        url = str(request.url)
        ttl = checked_lifetime(body.get("ttl"), "ttl", provider="signzy", url=url)
        try:
            created = datetime.fromisoformat(str(body.get("created")).replace("Z", "+00:00")).timestamp()
        except ValueError:
            why = "the login answer's created is not an ISO time"
            raise ApiError(None, "invalid_login_answer", why, provider="signzy", url=url) from None
        subject = "" if body.get("userId") is None else str(body["userId"])
        return CachedToken(token, created + ttl, "raw", lifetime=ttl, issued_for=self.model, subject=subject)

    def logout_token(self, token: CachedToken, reason: str) -> Flow[None]:
        """``POST /api/{model}/logout`` with ``token``; its answer is journaled, not raised (it may be gone)."""
        request = requests.Request("POST", self.base_url + logout_path(self.model)).prepare()
        self.apply(request, token)
        yield Exchange(request, kind="auth", action="logout", reason=reason, timeout=self.timeout)

    def logout_flow(self) -> Flow[None]:
        """``POST /api/{model}/logout`` with the current token (204), then forget it; nothing without one."""
        current = self.cache.peek(self.key)
        if current is None:
            return
        request = requests.Request("POST", self.base_url + logout_path(self.model)).prepare()
        self.apply(request, current)
        answer = yield Exchange(request, kind="auth", action="logout", timeout=self.timeout)
        error = error_parser(answer, "signzy")
        if error is not None:
            raise error
        self.cache.invalidate(self.key, current, "logout")

    def __repr__(self) -> str:
        return f"SignzyAuth(username={self.credentials.username!r}, transport={self.transport!r})"


def _code(response: requests.Response) -> str | None:
    body, _ = json_or_none(response)
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """LoopBack's ``{error: {statusCode, name, message, code}}`` as AuthError (401/403) or ApiError."""
    if response.status_code < 400:
        return None
    body, data = json_body(response)
    error = data["error"] if isinstance(data.get("error"), dict) else {}
    return api_error(response, provider, error.get("code"), error.get("message"), body)


def _refused(answer: requests.Response, body: Any, problem: str) -> KitError:
    """A login answer without a token id: Signzy's own error, else what was wrong with it."""
    why = problem if body is None else "no token id string in the answer"
    return error_parser(answer, "signzy") or AuthError(answer.status_code, None, why, provider="signzy")
