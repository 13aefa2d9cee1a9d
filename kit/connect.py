"""``kit.connect(name)``: the live provider when ``<PROVIDER>_URL`` is set, else a local sandbox.

Live credentials come from one env var per credentials field, ``<PROVIDER>_<FIELD>``. In
sandbox mode an in-process sandbox starts and its demo credentials are used. Keyword
overrides that name a credentials field replace it in both modes; the others are sandbox
settings, which a live run ignores (they are listed in ``Target.ignored``), so one notebook
runs unchanged against either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import pandas as pd

from kit.credentials import Credentials, env_name
from kit.errors import ConfigError
from kit.providers import Provider, provider
from kit.sandbox.base import COMMON_SETTINGS
from kit.sandbox.runner import Sandbox, emulator_class
from kit.secrets import Secret, redact
from kit.session import Session

__all__ = ["Target", "connect"]


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
        return self.provider.session(credentials or self.credentials, self.base_url, verify=self.verify, **options)

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
    name: str, *, tls: bool = False, mtls: bool = False, environ: Mapping[str, str] | None = None, **overrides: Any
) -> Target:
    """Connect to provider ``name``: live if ``<NAME>_URL`` is set, else a fresh local sandbox.

    :param tls, mtls: serve the sandbox over HTTPS (and ask for a client certificate).
    :param environ: where to read env vars (default ``os.environ``).
    :param overrides: credentials fields to replace, or sandbox settings.
    :raises ConfigError: unknown provider, unknown override, or missing live env vars.
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
    url = env.get(env_name(spec.name, "url"), "").strip()
    if url:
        base = spec.credentials.from_env(env)
        creds = base.replace(**cred_overrides) if cred_overrides else base
        verify = env.get(env_name(spec.name, "ca_bundle")) or None
        return Target(
            spec, "live", url if url.endswith("/") else url + "/", creds, verify=verify, ignored=sorted(settings)
        )
    sandbox = Sandbox(emulator_class(spec.name), tls=tls, mtls=mtls, settings=settings)
    data: dict[str, Any] = dict(sandbox.credentials)
    if sandbox.client_cert and "cert" in fields:
        data["cert"] = sandbox.client_cert
    data.update(cred_overrides)
    try:
        creds = spec.credentials.from_mapping(data, source="the sandbox")
    except ConfigError:
        sandbox.stop()
        raise
    return Target(spec, "sandbox", sandbox.url, creds, sandbox=sandbox, verify=sandbox.ca_bundle)
