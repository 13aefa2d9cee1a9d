"""The public control API of a running sandbox: what probes, notebooks and tests may do to it.

A sandbox stands in for the provider's side, including the parts a real provider controls and a
client never touches: dashboard settings, signing keys, the server's clock. :class:`Control` is
the one door to those, validated like the CLI's ``--set``: settings by their declared type and
range, actions only where the sandbox has them (a ConfigError says so otherwise). Nothing outside
the sandbox package reaches into an emulator.

* ``set(**settings)`` / ``using(**settings)``: change settings (for a block), e.g. a client
  ``status`` set in a dashboard, or a token endpoint ``fault``.
* ``forge(**claims)``: a token the sandbox would sign, with claims changed (an expired one, one
  for another audience).
* ``rotate_key(keep_previous=...)``, ``register_key(pem)``, ``public_key_pem()``: keys.
* ``expire(token)``: a token the server now considers expired, while the client does not.
* ``counts()``, ``fixtures()``: what it did (tokens issued, logins) and demo values it made up.
* ``new_secret(purpose)``: a fresh demo secret (a webhook secret, a new password) of 43 random
  URL-safe characters (32 bytes), so no notebook ever types one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kit.credentials import random_secret
from kit.errors import ConfigError
from kit.sandbox.base import COMMON_SETTINGS, Emulator, parse_value
from kit.secrets import Secret, reveal

__all__ = ["Control"]


class Control:
    """Validated control of one running sandbox (``Sandbox.control``, ``Target.control``)."""

    def __init__(self, emulator: Emulator, url: str) -> None:
        self._emulator = emulator
        self._url = url
        self._specs = {s.name: s for s in (*emulator.SETTINGS, *COMMON_SETTINGS)}

    @property
    def settings(self) -> dict[str, Any]:
        """The current settings (a copy)."""
        return dict(self._emulator.settings)

    def set(self, **values: Any) -> None:
        """Change settings.

        :raises ConfigError: an unknown setting, a value of the wrong type or range; nothing changes then.
        """
        unknown = sorted(set(values) - set(self._specs))
        if unknown:
            name = self._emulator.NAME
            known = ", ".join(self._specs)
            raise ConfigError(f"the {name} sandbox has no setting {', '.join(unknown)}; settings: {known}")
        typed = {name: parse_value(self._specs[name], value) for name, value in values.items()}
        self._emulator.check_settings({**self._emulator.settings, **typed})
        self._emulator.settings.update(typed)

    @contextmanager
    def using(self, **values: Any) -> Iterator[None]:
        """These settings inside the block, the previous ones after it."""
        previous = {name: self._emulator.settings.get(name) for name in values}
        self.set(**values)
        try:
            yield
        finally:
            self.set(**previous)

    def forge(self, **claims: Any) -> str:
        """A token this sandbox would sign, with ``claims`` changed (``exp`` in the past: an expired one)."""
        return self._emulator.forge(self._url, claims)

    def rotate_key(self, *, keep_previous: bool = True) -> str:
        """Sign with a new key from now on (``keep_previous=False`` also stops trusting the old one)."""
        return self._emulator.rotate_key(keep_previous=keep_previous)

    def register_key(self, public_key_pem: str) -> None:
        """Trust this client public key from now on, as pasting it into the provider's dashboard does."""
        if "PUBLIC KEY" not in public_key_pem:
            raise ConfigError("register_key takes a public key PEM (-----BEGIN PUBLIC KEY-----)")
        self._emulator.register_key(public_key_pem)

    def public_key_pem(self) -> str:
        return self._emulator.public_key_pem()

    def expire(self, token: str | Secret) -> None:
        """The server now considers ``token`` expired; the client's own clock says it is still good."""
        self._emulator.expire(str(reveal(token)))

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock on by ``seconds`` (0 to a day): what it issued ages without a wait."""
        if not 0 <= seconds <= 86400:
            raise ConfigError(f"advance takes 0 to 86400 seconds, not {seconds}")
        self._emulator.advance(float(seconds))

    def seen(self) -> list[dict[str, Any]]:
        """What the sandbox was sent, oldest first (its last 1,000 requests): method, path, query and header
        names, the status it answered; no value of any of them."""
        return [dict(entry) for entry in self._emulator.seen]

    def counts(self) -> dict[str, int]:
        return dict(self._emulator.counts())

    def fixtures(self) -> dict[str, str]:
        return dict(self._emulator.fixtures())

    def new_secret(self, purpose: str) -> Secret:
        """A fresh random demo secret (32 bytes, URL-safe), named for ``purpose`` in redactions."""
        return random_secret(self._emulator.NAME, purpose)

    def __repr__(self) -> str:
        return f"<Control of the {self._emulator.NAME} sandbox at {self._url}>"
