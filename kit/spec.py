"""What kit knows of a provider: one :class:`Provider` spec, the single registration point.

A provider is one package (its client, protocol facts, fact registry, surface, emulator and probes)
plus one registration line in :mod:`kit.providers`. :meth:`Provider.of` reads what the rest of kit
derives from it out of the package: the credentials dataclass and session factory, the scheme in one
line and the demo business call (for the comparison, the load test and replay). Its other parts are
the package's modules of known names, loaded when first asked for, so this low module imports none.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kit.credentials import Credentials
from kit.errors import ConfigError
from kit.session import Session

if TYPE_CHECKING:
    from kit.auth.httpx_bridge import HttpxAuth
    from kit.provenance import Registry
    from kit.sandbox.base import Emulator
    from kit.surface import Surface

__all__ = ["BaseUrl", "BusinessCall", "Provider", "SessionFactory"]

SessionFactory = Callable[..., Session[Any]]  # (credentials, base_url, *, verify, **options) -> Session[Any]
BaseUrl = Callable[[str, Any], str]  # (checked live URL, the provider's credentials) -> base URL


@dataclass(frozen=True)
class BusinessCall:
    """One authenticated call that shows the scheme working, with the session options it needs."""

    method: str
    #: the path, or how to build it from a session (a path naming the logged-in user's id)
    path: str | Callable[[Session[Any]], str]
    body: Any = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def path_for(self, session: Session[Any]) -> str:
        """The path this call goes to in ``session``."""
        return self.path if isinstance(self.path, str) else self.path(session)


@dataclass(frozen=True)
class Provider:
    """A provider's registration: everything the core needs, nothing special-cased elsewhere.

    Made by :meth:`of` from the names its package defines; its name is its credentials' ``PROVIDER``, its live
    URL its protocol's ``LIVE_URL``, its facts, surface, sandbox and probes the package's modules of those names.
    """

    #: the provider's package (its ``__init__``'s ``__name__``): its parts are modules in it, ``protocol``
    #: (defines ``LIVE_URL``), ``facts`` (``FACTS``), ``surface`` (``SURFACE``), ``sandbox`` (``Emulator``, ``DEMO``),
    #: ``probes`` (``failure_modes``, ``expiry``, ``observed``, ``refusal``)
    package: str
    credentials: type[Credentials]
    session: SessionFactory
    scheme: str  # one line: how it authenticates
    business: BusinessCall
    #: turns a checked live base URL into the one the session factory expects, or raises ConfigError
    base_url: BaseUrl | None = None
    #: for a scheme that sends no token: how a command-line client fills its credential headers
    #: (``python -m kit token NAME`` prints it instead of a token)
    without_token: str = ""

    @classmethod
    def of(cls, package: str) -> Provider:
        """The registration of provider package ``package``, read from what its ``__init__`` defines (it calls
        this last, with ``__name__``): ``Credentials``, ``session``, ``SCHEME`` (one line: how it authenticates),
        ``BUSINESS`` (a :class:`BusinessCall`) and, where it has them, ``live_base_url`` and ``WITHOUT_TOKEN``.

        :raises ConfigError: a name it must define is missing.
        """
        module = sys.modules[package]
        missing = [name for name in ("Credentials", "session", "SCHEME", "BUSINESS") if not hasattr(module, name)]
        if missing:
            raise ConfigError(f"the provider package {package} defines no {', '.join(missing)}")
        return cls(
            package,
            module.Credentials,
            module.session,
            module.SCHEME,
            module.BUSINESS,
            getattr(module, "live_base_url", None),
            getattr(module, "WITHOUT_TOKEN", ""),
        )

    @property
    def name(self) -> str:
        """Its name: its credentials' ``PROVIDER`` (what its env vars start with, upper-cased)."""
        return self.credentials.PROVIDER

    @property
    def live_url(self) -> str:
        """What ``<PROVIDER>_URL`` looks like for the real service (``{company}`` shown as ``<your-company>``)."""
        return re.sub(r"\{(\w+)\}", r"<your-\1>", str(self.part("protocol").LIVE_URL))

    def httpx_auth(self, credentials: Any, base_url: str, **options: Any) -> HttpxAuth:
        """The auth a session would use, for ``httpx.Client`` and ``httpx.AsyncClient`` (``kit[httpx]``): the same
        flow and token cache, bound to ``base_url``'s origin; ``options`` as for its session factory."""
        return self.session(credentials, base_url, **options).httpx_auth()

    def part(self, name: str) -> ModuleType:
        """One module of the provider's package: ``sandbox``, ``probes``, ``facts``, ``surface``, …"""
        return importlib.import_module(f"{self.package}.{name}")

    @property
    def emulator_module(self) -> str:
        """The module of its sandbox emulator (which defines ``Emulator`` and its ``DEMO`` credentials)."""
        return f"{self.package}.sandbox"

    def emulator_class(self) -> type[Emulator]:
        cls: type[Emulator] = self.part("sandbox").Emulator
        return cls

    def surface(self) -> Surface:
        """Its API surface (the package's ``surface.SURFACE``), read without starting or importing a sandbox."""
        found: Surface = self.part("surface").SURFACE
        return found

    def probe_module(self) -> ModuleType:
        return self.part("probes")

    def registry(self) -> Registry:
        """Its fact registry (the package's ``facts.FACTS``)."""
        found: Registry = self.part("facts").FACTS
        return found
