"""Where a notebook talks to: a :class:`Target` (mode, base URL, credentials, sandbox, control).

Made by :func:`kit.connect`; typed here, on a low floor, so provider and probe modules can name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import pandas as pd

from kit.credentials import Credentials, env_name
from kit.errors import ConfigError
from kit.sandbox.control import Control
from kit.sandbox.runner import Sandbox
from kit.secrets import Secret, redact
from kit.session import Session
from kit.spec import Provider

__all__ = ["Target"]


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
    def control(self) -> Control:
        """The sandbox's control API (settings, forged tokens, keys).

        :raises ConfigError: for a live target: kit cannot change a real provider's side.
        """
        if self.sandbox is None:
            raise ConfigError(f"{self.provider.name} is live: only a sandbox can be controlled from here")
        return self.sandbox.control

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
        return f"<p><b>{self.provider.name}</b> · {self.mode}</p>" + str(self.table().to_html())
