"""A Synerise workspace's Basic authentication: its GUID as the login, its API key as the password, no token.

CONFIRMED (the profile-login page; fact ``workspace-basic``): ``Authorization: Basic base64(<workspace
GUID>:<API key>)``, which never expires, as the official PHP SDK's BasicAuthenticationProvider.php sends it.
"""

from __future__ import annotations

import base64

import requests

from kit.auth.scheme import TokenlessAuth
from kit.errors import ConfigError
from kit.providers.synerise.protocol import API_VERSION
from kit.secrets import Secret, reveal

__all__ = ["WorkspaceBasicAuth"]


class WorkspaceBasicAuth(TokenlessAuth):
    """Adds ``Authorization: Basic …`` of the workspace's GUID and API key, and ``Api-Version``, to each request."""

    def __init__(self, guid: str | None, api_key: Secret | str | None, *, api_version: str = API_VERSION) -> None:
        key = reveal(api_key)
        if not guid or not key:
            raise ConfigError("a synerise Basic session needs workspace_guid and workspace_api_key")
        if ":" in guid:
            raise ConfigError("workspace_guid holds a ':', which Basic authentication cannot carry in a login")
        self.guid = guid
        self._header = Secret("Basic " + base64.b64encode(f"{guid}:{key}".encode()).decode())
        self.api_version = api_version

    def apply(self, request: requests.PreparedRequest, token: None = None) -> None:
        request.headers["Authorization"] = self._header.reveal()
        request.headers["Api-Version"] = self.api_version

    def header_names(self) -> set[str]:
        return {"authorization", "api-version"}

    def __repr__(self) -> str:
        return f"WorkspaceBasicAuth(workspace_guid={self.guid!r})"
