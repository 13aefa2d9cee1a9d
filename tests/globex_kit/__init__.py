"""Globex, the fixture provider: an API key header plus an OAuth2 client-credentials token.

It is not one of kit's stories: it proves the README's guide. Everything about it is this folder and one
registration (an entry point naming this package in the group ``kit.providers``); tests/test_new_provider.py
registers it and runs kit's provider-parametrised tests on it.
"""

from __future__ import annotations

import dataclasses
from typing import Unpack

from globex_kit.protocol import API_KEY_HEADER, TOKEN_PATH
from kit.auth.oauth2 import ClientCredentialsAuth
from kit.auth.tokencache import TokenCache
from kit.auth.tokens import CachedToken
from kit.credentials import Credentials as _Credentials
from kit.secrets import Secret
from kit.session import Session
from kit.spec import BusinessCall, Provider
from kit.wire import Wiring

__all__ = ["PROVIDER", "Credentials", "httpx_auth", "session"]


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """Globex credentials: an API client (id and secret, for tokens) and an API key sent on every call."""

    PROVIDER = "globex"
    HEADER_FIELDS = ("api_key",)
    client_id: str
    client_secret: Secret
    api_key: Secret


def session(
    credentials: Credentials,
    base_url: str,
    *,
    verify: bool | str | None = None,
    cache: TokenCache | None = None,
    **wiring: Unpack[Wiring],
) -> Session[CachedToken]:
    """A journaling session: a client-credentials token, and the API key on every call."""
    auth = ClientCredentialsAuth(
        token_url=base_url + TOKEN_PATH,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        cache=cache,
    )
    auth.headers[API_KEY_HEADER] = credentials.api_key.reveal()
    return Session(base_url, provider="globex", auth=auth, verify=verify, **wiring)  # kit's default error parser


SCHEME = "OAuth2 client credentials → opaque token (Bearer), plus an API key header"
BUSINESS = BusinessCall("GET", "v1/me")

PROVIDER = Provider.of(__name__)
httpx_auth = PROVIDER.httpx_auth  # for httpx.Client and httpx.AsyncClient (kit[httpx])
