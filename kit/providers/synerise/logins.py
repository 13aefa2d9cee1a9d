"""Synerise's logins: which credentials each consumer type's login needs, and the login request it sends.

CONFIRMED (shared notes, section 3): the three logins (workspace ``/uauth/v2/auth/login/profile``, customer
``/sauth/v3/auth/login/client``, user ``/uauth/auth/login/user``), ``Api-Version: 4.4`` sent on logins too. INFERRED:
the customer login body (``password``, ``uuid``, ``deviceId``). A user's login sends a ``deviceId``
(:mod:`kit.providers.synerise.mfa`). Every fact's source is in :mod:`kit.providers.synerise.facts`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from kit.errors import ConfigError
from kit.providers.synerise.credentials import Credentials
from kit.providers.synerise.mfa import device_id
from kit.providers.synerise.protocol import API_VERSION, CONSUMERS
from kit.secrets import reveal

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["NEEDS", "login_request", "login_table", "needs"]

#: consumer type -> the credentials fields its login needs
NEEDS = {
    "workspace": ("workspace_api_key",),
    "client": ("client_api_key", "client_email", "client_password"),
    "user": ("user_username", "user_password"),
}


def needs(credentials: Credentials, consumer: str) -> tuple[str, tuple[str, str] | None]:
    """The login path and the refresh (method, path; None: none) of ``consumer``, once ``credentials`` hold what its
    login needs.

    :raises ConfigError: an unknown consumer type, or a field its login needs is empty.
    """
    if consumer not in CONSUMERS:
        raise ConfigError(f"unknown consumer type {consumer!r}; one of {', '.join(CONSUMERS)}")
    path, refresh = CONSUMERS[consumer]
    needed = NEEDS[consumer]
    if consumer == "client" and credentials.client_identity_provider != "SYNERISE":  # a provider token, no password
        needed = ("client_api_key", "client_email", "client_identity_provider_token")
    missing = [f for f in needed if not reveal(getattr(credentials, f))]
    if missing:
        raise ConfigError(f"a synerise {consumer} session needs {', '.join(missing)}")
    return path, refresh


def login_request(credentials: Credentials, base_url: str, consumer: str) -> requests.Request:
    """The login request for ``consumer``, not yet sent."""
    path, _ = needs(credentials, consumer)
    c = credentials
    if consumer == "workspace":
        body: dict[str, Any] = {"apiKey": reveal(c.workspace_api_key)}
    elif consumer == "client":
        body = {
            "apiKey": reveal(c.client_api_key),
            "identityProvider": c.client_identity_provider,
            "email": c.client_email,
        }
        optional = (
            ("password", reveal(c.client_password)),
            ("identityProviderToken", reveal(c.client_identity_provider_token)),
            ("uuid", c.client_uuid),
            ("deviceId", c.client_device_id),
        )
        body.update({k: v for k, v in optional if v})
    else:
        device = device_id(c.user_username, c.user_device_id)  # the user-login page: trusted 8 h after its MFA
        body = {"username": c.user_username, "password": reveal(c.user_password), "deviceId": device}
    headers = {"Content-Type": "application/json", "Api-Version": API_VERSION}
    return requests.Request("POST", base_url + path, headers=headers, json=body)


def login_table(credentials: Credentials, base_url: str, consumer: str) -> pd.DataFrame:
    """The login request for ``consumer`` as rows (secrets masked), before it is sent."""
    from kit.tables import request_table

    return request_table(login_request(credentials, base_url, consumer))
