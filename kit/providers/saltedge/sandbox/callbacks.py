"""The Salt Edge sandbox's callbacks: what Salt Edge sends your callback URL when a connection is made, signed.

INFERRED from Salt Edge's official examples (fact ``callback-signed``): a POST of ``{"data": {"connection_id",
"customer_id", "custom_fields", "stage": "finish"}, "meta": {"version", "time"}}`` (``login_id`` and no meta on
v3) with a ``Signature`` header, base64 RSA-SHA256 over ``"<callback URL>|<raw body>"`` made with Salt Edge's own
key (``ruby/callback_server/spec/app_spec.rb`` builds exactly that; :mod:`kit.providers.saltedge.callbacks` checks
it). The sandbox plays Salt Edge with a key pair of its own, whose public half its fixtures hand out as Salt Edge
publishes ``spectre_public.pem``. kit's choices: the callback goes out once, when the login (a connection, from
v5) is created, before the answer, through :func:`kit.sandbox.delivery.deliver` (loopback only, bounded); its
outcome is kept in ``sent``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from kit.providers.saltedge.callbacks import sign_callback
from kit.sandbox.delivery import deliver, is_loopback
from kit.sandbox.keys import new_key

__all__ = ["Callbacks"]


@dataclass
class Callbacks:
    """Salt Edge's key and the callbacks sent with it: ``public_pem``, ``send()``, ``sent``."""

    _key: Any = field(default_factory=new_key)
    sent: list[dict[str, Any]] = field(default_factory=list)

    @property
    def public_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        public = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return str(public.decode())

    def _private_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        pem = self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return str(pem.decode())

    def send(self, url: str, version: str, login: dict[str, Any], *, verify: bool | str) -> None:
        """POST the signed ``success`` callback for ``login`` to ``url`` (loopback only); record what came back."""
        host = urlsplit(url).hostname or ""
        if not is_loopback(host):  # a sandbox never reaches the network
            self.sent.append({"url": url, "status": 0, "error": f"{host!r} is not loopback: not sent"})
            return
        key = "login_id" if version == "v3" else "connection_id"
        data = {key: str(login["id"]), "customer_id": str(login["customer_id"]), "custom_fields": {}, "stage": "finish"}
        envelope: dict[str, Any] = {"data": data}
        if version != "v3":  # v5 and v6 add meta (ruby/callback_server/README.md: {"version": "6", "time": …})
            moment = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            envelope["meta"] = {"version": version.removeprefix("v"), "time": moment}
        body = json.dumps(envelope, separators=(",", ":"))
        headers = {"Content-Type": "application/json", "Signature": sign_callback(self._private_pem(), url, body)}
        try:
            status, _ = deliver(url, body, headers, verify=verify)
        except requests.RequestException as exc:
            self.sent.append({"url": url, "status": 0, "error": type(exc).__name__})
            return
        self.sent.append({"url": url, "status": status, "error": ""})
