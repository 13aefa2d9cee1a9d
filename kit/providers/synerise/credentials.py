"""Synerise's credentials: one set for all three consumer types (a workspace, a customer, a user); a session uses
the fields of one. Every fact's source is in :mod:`kit.providers.synerise.facts`."""

from __future__ import annotations

import dataclasses

from kit.credentials import Credentials as _Credentials
from kit.secrets import Secret

__all__ = ["Credentials"]


@dataclasses.dataclass(frozen=True)
class Credentials(_Credentials):
    """Credentials for all three consumer types; a session uses the fields of one."""

    PROVIDER = "synerise"
    workspace_api_key: Secret | None = None
    client_api_key: Secret | None = None
    client_identity_provider: str = "SYNERISE"
    client_identity_provider_token: Secret | None = None  # for FACEBOOK, OAUTH, APPLE, … instead of a password
    client_email: str | None = None
    client_password: Secret | None = None
    client_uuid: str | None = None
    client_device_id: str | None = None
    user_username: str | None = None
    user_password: Secret | None = None
    user_workspace: str | None = None  # the workspace a user selects after logging in
    user_device_id: str | None = None  # the deviceId a user's logins send (default: one per user and process)
    user_totp_secret: Secret | None = None  # the authenticator's base32 secret: kit computes the MFA code
    workspace_guid: str | None = None  # the login of a workspace's Basic authentication
