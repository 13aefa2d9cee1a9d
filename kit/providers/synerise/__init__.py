"""Synerise, the client side: a login per consumer type, RS512 tokens, refresh before expiry.

CONFIRMED (shared notes, section 3): the three logins (workspace ``/uauth/v2/auth/login/profile``,
customer ``/sauth/v3/auth/login/client``, user ``/uauth/auth/login/user``), the refreshes
(workspace ``GET /v4/auth/refresh/profile``, customer ``POST /sauth/v3/auth/refresh/client``, both
with the current, still valid token), ``Authorization: Bearer`` plus ``Api-Version: 4.4`` (sent
on logins too, as the workspace-login example shows), RS512 signatures. Every fact's source is in
:mod:`kit.providers.synerise.facts`.

A user whose login lists ``mfaMethods`` confirms with a TOTP code before selecting a workspace
(:mod:`kit.providers.synerise.mfa`); a workspace may send Basic instead of a token
(:mod:`kit.providers.synerise.basic`, ``session(..., scheme="basic")``).

INFERRED: ``error`` ``"Token expired."`` marks an expired token (the official Magento plugin's code,
which drops its token and retries once), with 401 or 403 (the SDK maps both), so kit renews and
retries once on either; the customer login body (``password``, ``uuid``, ``deviceId``); that there is no user
refresh (its path is unknown), so user sessions log in again; where the public key lives (the
sandbox serves it at a kit path; for the live service pass the PEM you were given). The token's
expiry is read from its ``exp`` claim, since logins answer only ``{token}``; a token that is not
a JWT, or whose ``exp`` is not 1 s..366 days ahead, is refused before it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack

import requests

from kit.answers import api_error, json_body, json_or_none
from kit.auth.bearer import CachedBearerAuth
from kit.auth.flow import Flow
from kit.auth.tokencache import TokenCache
from kit.auth.tokens import CachedToken, KeyParts, checked_lifetime, jwt_exp, token_answer
from kit.bounded import number
from kit.errors import ApiError, AuthError, ConfigError, KitError
from kit.meanings import register_meanings
from kit.providers.synerise.basic import WorkspaceBasicAuth
from kit.providers.synerise.credentials import Credentials
from kit.providers.synerise.facts import FACTS
from kit.providers.synerise.logins import NEEDS, login_request, login_table, needs
from kit.providers.synerise.mfa import METHOD, MfaCode, code_for, device_id, totp_code, verification_request
from kit.providers.synerise.protocol import API_VERSION, CONSUMERS, EXPIRED, PUBLIC_KEY_PATH, SELECT_WORKSPACE_PATH
from kit.secrets import Secret, reveal
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.wire import Wiring

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CONSUMERS", "Credentials", "PROVIDER", "SyneriseAuth", "error_parser", "httpx_auth"]
__all__ += ["login_request", "login_table", "public_key", "session", "verify_token"]
__all__ += ["WorkspaceBasicAuth", "totp_code"]

register_meanings(
    FACTS,
    {
        "realm": ("consumer type: profile (workspace), client (customer) or user", "claim-names"),
        "origin": ("identity provider that vouched for the consumer", "payload", "claim-names"),
        "ctd": ("created, epoch milliseconds", "claim-ctd"),
        "bpid": (
            "a user's selected workspace (business profile) id; null until one is selected",
            "user-workspace",
            "claim-names",
        ),
        "permissions": ("what the user may do in the selected workspace", "user-workspace", "permissions-checked"),
    },
)


def _token(response: requests.Response, url: str, now: float) -> CachedToken:
    def refused(answer: requests.Response, body: Any, problem: str) -> KitError:
        reason = problem if body is None else "no token"
        return error_parser(answer, "synerise") or AuthError(answer.status_code, None, reason, url=url)

    _, token = token_answer(response, "token", "the login answer", refused)
    exp, claims_ = jwt_exp(token)
    if claims_ is None:
        raise AuthError(response.status_code, None, "the token in the answer is not a JWT", url=url)
    iat = number(claims_.get("iat"))
    checked_lifetime(claims_.get("exp") if exp is None else exp - now, "exp (from now)", url=url)
    assert exp is not None
    lifetime = exp - iat if iat is not None and 0 < exp - iat else exp - now
    return CachedToken(token, exp, "Bearer", lifetime=lifetime, issued_for=str(claims_.get("realm", "")))


class SyneriseAuth(CachedBearerAuth):
    """Bearer + Api-Version; refresh before expiry, log in again when refresh fails, retry once."""

    stale_answer = '401 "Token expired."'
    #: an expired token may be answered 401 or 403 (inferred: the SDK maps both); either says "Token expired."
    stale_statuses = (401, 403)

    def __init__(
        self,
        credentials: Credentials,
        base_url: str,
        consumer: str = "workspace",
        *,
        cache: TokenCache | None = None,
        api_version: str = API_VERSION,
        mfa_code: MfaCode | None = None,
    ) -> None:
        needs(credentials, consumer)
        self.credentials = credentials
        self.mfa_code = mfa_code
        self.base_url = base_url
        self.consumer = consumer
        fields = NEEDS[consumer]
        identity = "|".join(
            str(reveal(getattr(credentials, f))) for f in fields if "password" not in f and "api_key" not in f
        )
        secret = Secret("|".join(str(reveal(getattr(credentials, f))) for f in fields))
        key = KeyParts(base_url + CONSUMERS[consumer][0], identity, secret, {"consumer": consumer})
        super().__init__(key=key, base_url=base_url, cache=cache, headers={"Api-Version": api_version})

    def is_stale(self, response: requests.Response) -> bool:
        if response.status_code not in self.stale_statuses:
            return False
        body, _ = json_or_none(response)
        return isinstance(body, dict) and body.get("error") == EXPIRED

    def stale_reason(self, response: requests.Response) -> str:
        return f'{response.status_code} "{EXPIRED}"'

    def fetch_flow(self, reason: str = "absent") -> Flow[CachedToken]:
        refresh = CONSUMERS[self.consumer][1]
        current = self.cache.peek(self.key) if reason == "expiring" and refresh else None
        if current is not None and refresh is not None and current.expires_in() > 0:
            method, path = refresh
            body = {"apiKey": reveal(self.credentials.client_api_key)} if self.consumer == "client" else None
            request = requests.Request(
                method,
                self.base_url + path,
                json=body,
                headers={
                    "Authorization": f"Bearer {current.access_token.reveal()}",
                    "Api-Version": self.headers["Api-Version"],
                },
            )
            answer = yield from self.auth_request(request, "refresh", reason, f"refresh {self.consumer} token")
            if answer.status_code == 200:
                return _token(answer, self.base_url + path, self.cache.clock())
            reason = "refresh refused"
        login = login_request(self.credentials, self.base_url, self.consumer)
        answer = yield from self.auth_request(login, "login", reason, f"login {self.consumer}")
        token = _token(answer, self.base_url + CONSUMERS[self.consumer][0], self.cache.clock())
        methods = _mfa_methods(answer) if self.consumer == "user" else []
        if methods:  # documented: confirm the second factor before selecting a workspace
            if METHOD not in methods:
                said = f"the user must confirm with {', '.join(methods)}: kit confirms {METHOD} only"
                raise AuthError(answer.status_code, None, said, url=str(login.url))
            code = code_for(self.mfa_code, self.credentials.user_totp_secret, now=self.cache.clock())
            device = device_id(self.credentials.user_username, self.credentials.user_device_id)
            confirm = verification_request(self.base_url, token.access_token, code, device, self.headers["Api-Version"])
            answer = yield from self.auth_request(confirm, "confirm MFA", reason, f"confirm MFA ({METHOD})")
            token = _token(answer, str(confirm.url), self.cache.clock())
        workspace = self.credentials.user_workspace if self.consumer == "user" else None
        if workspace:  # INFERRED: a user's token acts in a workspace only once one is selected
            url = self.base_url + SELECT_WORKSPACE_PATH.format(workspace=workspace)
            bearer = {
                "Authorization": f"Bearer {token.access_token.reveal()}",
                "Api-Version": self.headers["Api-Version"],
            }
            select = requests.Request("POST", url, headers=bearer)
            answer = yield from self.auth_request(select, "select workspace", reason, f"select workspace {workspace}")
            token = _token(answer, url, self.cache.clock())
        return token

    def __repr__(self) -> str:
        return f"SyneriseAuth(consumer={self.consumer!r}, base_url={self.base_url!r})"


def _mfa_methods(answer: requests.Response) -> list[str]:
    """The login answer's ``mfaMethods``: what the user must still confirm (empty: nothing)."""
    body, _ = json_or_none(answer)
    methods = body.get("mfaMethods") if isinstance(body, dict) else None
    return [str(m) for m in methods] if isinstance(methods, list) else []


def error_parser(response: requests.Response, provider: str) -> ApiError | None:
    """The Spring error body (``error``, ``message``) as AuthError for 401/403, else ApiError."""
    if response.status_code < 400:
        return None
    body, data = json_body(response)
    return api_error(response, provider, data.get("error"), data.get("message"), body)


def session(
    credentials: Credentials,
    base_url: str,
    *,
    verify: bool | str | None = None,
    consumer: str = "workspace",
    cache: TokenCache | None = None,
    mfa_code: MfaCode | None = None,
    scheme: str = "jwt",
    **wiring: Unpack[Wiring],
) -> Session[Any]:
    """A journaling session opened as one consumer type: a bearer JWT (``scheme="jwt"``), or for a workspace
    its GUID and API key as Basic (``scheme="basic"``). ``mfa_code``: a user's six digits, or a function returning
    them, where the credentials hold no ``user_totp_secret``.

    :raises ConfigError: an unknown scheme, Basic for another consumer than the workspace, a missing field.
    """
    if scheme == "basic":
        if consumer != "workspace":
            raise ConfigError(f"Basic authentication is a workspace's, not a {consumer}'s")
        basic = WorkspaceBasicAuth(credentials.workspace_guid, credentials.workspace_api_key)
        return Session(base_url, provider="synerise", auth=basic, verify=verify, error_parser=error_parser, **wiring)
    if scheme != "jwt":
        raise ConfigError(f"scheme must be jwt or basic, not {scheme!r}")
    auth = SyneriseAuth(credentials, base_url, consumer, cache=cache, mfa_code=mfa_code)
    return Session(base_url, provider="synerise", auth=auth, verify=verify, error_parser=error_parser, **wiring)


def public_key(s: Session[Any]) -> str:
    """The sandbox's public key PEM (Synerise does not document where the real one is published)."""
    answer = s.probe("GET", PUBLIC_KEY_PATH, step="public key", public=True)
    answer.raise_for_status()
    return answer.text


def verify_token(token: CachedToken | str, public_key_pem: str, *, now: float | str | None = None) -> pd.DataFrame:
    """Claims table verified with the public key, RS512 pinned (HS512 or none are refused)."""
    from kit.claims import claims

    raw = token.access_token.reveal() if isinstance(token, CachedToken) else token
    return claims(raw, public_key_pem, algorithms=["RS512"], now=now, provider="synerise")


SCHEME = "login per consumer type → RS512 JWT (Bearer + Api-Version), refreshed before expiry"
BUSINESS = BusinessCall("GET", "v4/business-profile", options={"consumer": "workspace"})

PROVIDER = Provider.of(__name__)
httpx_auth = PROVIDER.httpx_auth  # for httpx.Client and httpx.AsyncClient (kit[httpx])
