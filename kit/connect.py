"""``kit.connect(name)``: the live provider when ``<PROVIDER>_URL`` is set, else a local sandbox.

Live credentials come from one env var per credentials field, ``<PROVIDER>_<FIELD>``. In
sandbox mode an in-process sandbox starts and its demo credentials are used. Keyword
overrides that name a credentials field replace it in both modes; the others are sandbox
settings, which a live run ignores (they are listed in ``Target.ignored``), so one notebook
runs unchanged against either.

A live ``<PROVIDER>_URL`` is checked before anything is sent: http or https, a host, a valid
port, no user info, no query or fragment. Plain ``http://`` is refused unless the host is this
machine (127.0.0.0/8, ::1, localhost), because JWTs, passwords and secrets would cross the
network in clear; ``KIT_ALLOW_HTTP=1`` (or ``allow_http=True``) is the explicit opt-in for a
TLS-terminating proxy you run and trust. A provider may recognise its own version prefix in the
URL (Salt Edge's ``…/api/v3/``) or refuse it clearly.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from kit.credentials import Credentials, env_name
from kit.errors import ConfigError
from kit.flow import show_url
from kit.providers import Provider, provider
from kit.sandbox.base import COMMON_SETTINGS
from kit.sandbox.runner import Sandbox, emulator_class
from kit.secrets import Secret, redact
from kit.session import Session

__all__ = ["Target", "connect", "live_url"]

_TRUE = {"1", "true", "yes", "on"}


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def live_url(raw: str, var: str, *, allow_http: bool = False) -> str:
    """The base URL in env var ``var``, checked and ending in ``/``.

    :raises ConfigError: naming ``var`` (never a password the URL may hold) when the URL is not
        http(s) with a host, has user info, a query or a fragment, or is plain http to another machine.
    """
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise ConfigError(f"{var} must be an https:// URL, not {show_url(raw)!r} (scheme {scheme or 'missing'!r})")
    if "@" in parts.netloc:
        raise ConfigError(f"{var} must not carry a user name or password before the host; use the credential env vars")
    try:
        _ = parts.port
    except ValueError:
        raise ConfigError(f"{var} has a port that is not a number within 0..65535: {show_url(raw)!r}") from None
    if not parts.hostname:
        raise ConfigError(f"{var} has no host: {show_url(raw)!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"{var} must be a base URL without a query or fragment: {show_url(raw)!r}")
    if scheme == "http" and not _loopback(parts.hostname) and not allow_http:
        raise ConfigError(
            f"{var} is plain http:// to {parts.hostname}: credentials would cross the network in clear. Use https://, "
            "or http only to this machine; KIT_ALLOW_HTTP=1 allows it for a TLS-terminating proxy you trust"
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((scheme, parts.netloc, path, "", ""))


@dataclass
class Target:
    """Where a notebook talks to: ``mode``, ``base_url``, ``credentials``, ``session()``, ``sandbox``."""

    provider: Provider
    mode: str
    base_url: str
    credentials: Credentials
    sandbox: Sandbox | None = None
    verify: bool | str | None = None
    ignored: list[str] = field(default_factory=list)

    def session(self, credentials: Credentials | None = None, **options: Any) -> Session:
        """A new journaling session with these (or the given) credentials; options go to the provider."""
        s = self.provider.session(credentials or self.credentials, self.base_url, verify=self.verify, **options)
        if self.mode == "live":
            s.url_source = env_name(self.provider.name, "url")  # transport errors name it
        return s

    @property
    def ca(self) -> Any:
        """The sandbox's trustme CA (to sign a local webhook receiver), or None when live."""
        return self.sandbox.ca if self.sandbox is not None else None

    def env_vars(self) -> list[str]:
        """The env vars that switch this provider to live mode and carry its credentials."""
        return [env_name(self.provider.name, "url")] + [
            env_name(self.provider.name, f.name) for f in self.credentials.fields()
        ]

    def table(self) -> pd.DataFrame:
        """Mode, URL and every credentials field (secrets as fingerprints), with its env var."""
        rows = [
            {"field": "mode", "value": self.mode, "env var": ""},
            {"field": "base_url", "value": redact(self.base_url), "env var": env_name(self.provider.name, "url")},
        ]
        for f in self.credentials.fields():
            value = getattr(self.credentials, f.name)
            shown = (
                repr(value) if isinstance(value, Secret) else ("" if value is None else redact(str(value), key=f.name))
            )
            rows.append({"field": f.name, "value": shown, "env var": env_name(self.provider.name, f.name)})
        return pd.DataFrame(rows).set_index("field")

    def close(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()

    def __enter__(self) -> Target:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Target {self.provider.name} {self.mode} {redact(self.base_url)}>"

    def _repr_html_(self) -> str:
        return f"<p><b>{self.provider.name}</b> · {self.mode}</p>" + self.table().to_html()


def connect(
    name: str,
    *,
    tls: bool = False,
    mtls: bool = False,
    environ: Mapping[str, str] | None = None,
    allow_http: bool | None = None,
    **overrides: Any,
) -> Target:
    """Connect to provider ``name``: live if ``<NAME>_URL`` is set, else a fresh local sandbox.

    :param tls, mtls: serve the sandbox over HTTPS (and ask for a client certificate).
    :param environ: where to read env vars (default ``os.environ``).
    :param allow_http: allow a live ``http://`` URL to another machine (default: ``KIT_ALLOW_HTTP``).
    :param overrides: credentials fields to replace, or sandbox settings.
    :raises ConfigError: unknown provider, unknown override, a bad live URL, or missing live env vars.
    """
    spec = provider(name)
    env = os.environ if environ is None else environ
    fields = {f.name for f in spec.credentials.fields()}
    settings_known = {s.name for s in (*emulator_class(spec.name).SETTINGS, *COMMON_SETTINGS)}
    unknown = sorted(set(overrides) - fields - settings_known)
    if unknown:
        raise ConfigError(
            f"connect({spec.name!r}) got unknown option(s) {', '.join(unknown)}; credentials fields: "
            f"{', '.join(sorted(fields))}; sandbox settings: {', '.join(sorted(settings_known))}"
        )
    cred_overrides = {k: v for k, v in overrides.items() if k in fields}
    settings = {k: v for k, v in overrides.items() if k not in fields}
    var = env_name(spec.name, "url")
    raw = env.get(var, "").strip()
    if raw:
        insecure = env.get("KIT_ALLOW_HTTP", "").strip().lower() in _TRUE if allow_http is None else allow_http
        url = live_url(raw, var, allow_http=insecure)
        base = spec.credentials.from_env(env)
        creds = base.replace(**cred_overrides) if cred_overrides else base
        if spec.base_url is not None:
            try:
                url = spec.base_url(url, creds)
            except ConfigError as exc:
                raise ConfigError(f"{var}: {exc.message}") from None
        verify = env.get(env_name(spec.name, "ca_bundle")) or None
        return Target(spec, "live", url, creds, verify=verify, ignored=sorted(settings))
    sandbox = Sandbox(emulator_class(spec.name), tls=tls, mtls=mtls, settings=settings)
    data: dict[str, Any] = dict(sandbox.credentials)
    if sandbox.client_cert and "cert" in fields:
        data["cert"] = sandbox.client_cert
    try:
        creds = spec.credentials.from_mapping(data, source="the sandbox")
        creds = creds.replace(**cred_overrides) if cred_overrides else creds  # checked as from code
    except ConfigError:
        sandbox.stop()
        raise
    return Target(spec, "sandbox", sandbox.url, creds, sandbox=sandbox, verify=sandbox.ca_bundle)
